"""``kpi ingest`` + ``kpi evaluate`` at a municipality's scale (issue 11).

Milan monitors about 500 key processes: 1,000 indicators in 40 directions with 60 monthly
values each must take at most 30 s for the two commands together and at most 2 GB, and
grow linearly (the figures for 2,000 and 4,000 indicators are printed beside them).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from bench.common import measure, print_checks
from kpilib.catalog.indicators import read_indicators

HEADER = "DIREZIONE;AREA;UNITÀ/UFFICIO;TITOLO PROCESSO;INDICATORE;TARGET OBIETTIVO"
TARGETS = ("≥80%", "30 GG", "≥10")


def write_root(folder: Path, indicators: int, months: int = 60, seed: int = 11) -> Path:
    """A root with ``indicators`` indicators in 40 directions and ``months`` monthly values each."""
    rng = np.random.default_rng(seed)
    catalog = folder / "data" / "raw" / "catalog"
    catalog.mkdir(parents=True)
    lines = [HEADER]
    for n in range(indicators):
        direction, target = f"DIREZIONE {n % 40:02d}", TARGETS[n % 3]
        lines.append(f"{direction};-;UFFICIO {n % 97:02d};PROCESSO {n:04d};INDICATORE MENSILE {n:04d};{target}")
    (catalog / "catalogo.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    measure([sys.executable, "-m", "kpilib", "catalog", "--root", str(folder)])
    table = read_indicators(folder / "data" / "processed" / "indicators.csv")
    periods = [f"{2021 + m // 12}-{m % 12 + 1:02d}" for m in range(months)]
    rows = ["indicatore;periodo;valore;numeratore;denominatore;note"]
    for indicator_id, unit in zip(table["indicator_id"], table["target_unit"], strict=True):
        for period in periods:
            if unit == "percent":
                denominator = int(rng.integers(20, 400))
                numerator = int(rng.binomial(denominator, 0.85))
                rows.append(f"{indicator_id};{period};;{numerator};{denominator};")
            else:
                value = rng.gamma(4, 6) if unit == "days" else rng.poisson(12)
                rows.append(f"{indicator_id};{period};{str(round(value, 1)).replace('.', ',')};;;")
    measurements = folder / "data" / "raw" / "measurements"
    measurements.mkdir(parents=True)
    (measurements / "misure.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def run(indicators: int) -> tuple[float, float, float, float]:
    with tempfile.TemporaryDirectory(prefix="kpi-bench-scale-") as folder:
        root = write_root(Path(folder), indicators)
        ingest = measure([sys.executable, "-m", "kpilib", "ingest", "--root", str(root)])
        evaluate = measure([sys.executable, "-m", "kpilib", "evaluate", "--root", str(root), "--period", "2025-S2"])
        summary = pd.read_csv(root / "data" / "processed" / "indicator_summary.csv")
        assert len(summary) == indicators, "every indicator evaluated"
    return ingest.seconds, evaluate.seconds, ingest.peak_mb, evaluate.peak_mb


def main(argv: list[str] | None = None) -> bool:
    parser = argparse.ArgumentParser(prog="python -m bench scale")
    parser.add_argument("--indicators", type=int, nargs="+", default=[1000, 2000, 4000])
    args = parser.parse_args(argv)
    print(
        f"scale benchmark: indicators in 40 directions, 60 monthly values each ({', '.join(map(str, args.indicators))})"
    )
    checks, base = [], None
    for count in args.indicators:
        ingest, evaluate, ingest_mb, evaluate_mb = run(count)
        total, peak = ingest + evaluate, max(ingest_mb, evaluate_mb)
        base = base or (count, total)
        growth = (total / base[1]) / (count / base[0])
        first = count == args.indicators[0]
        checks += [
            (f"{count:,} indicators: kpi ingest", f"{ingest:.2f} s", True, ""),
            (f"{count:,} indicators: kpi evaluate", f"{evaluate:.2f} s", True, ""),
            (
                f"{count:,} indicators: together",
                f"{total:.2f} s",
                total <= 30 if first else True,
                "<= 30 s" if first else f"{growth:.2f}x linear",
            ),
            (
                f"{count:,} indicators: peak memory",
                f"{peak:,.0f} MB",
                peak <= 2048 if first else True,
                "<= 2 GB" if first else "",
            ),
        ]
    return print_checks(checks)


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
