"""``kpi reports`` for 30 directions, against the naive loop run side by side.

Figures (issue 6): at least 5 times faster than the naive loop (the papermill command
line, then ``jupyter nbconvert``, once per direction), and at most 1.5 s per report
amortized on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.common import measure, print_checks
from kpilib.core.paths import REPOSITORY_ROOT

HEADER = "DIREZIONE\tAREA\tUNITÀ/UFFICIO\tTITOLO PROCESSO\tINDICATORE\tTARGET OBIETTIVO"
TEMPLATES = [
    ("PRATICHE", "PERCENTUALE DI PRATICHE EVASE ENTRO 10 GIORNI", "≥90%"),
    ("RISPOSTE", "TEMPO MASSIMO DI RISPOSTA AI CITTADINI", "30 GG"),
    ("EVENTI", "NUMERO DI EVENTI ORGANIZZATI SU BASE MENSILE", "≥4"),
    ("RECLAMI", "PERCENTUALE DI RECLAMI SUL TOTALE DELLE RICHIESTE", "≤2%"),
    ("SPORTELLO", "PERCENTUALE DI APPUNTAMENTI RISPETTATI", "95%"),
]


def make_root(folder: Path, directions: int, seed: int = 3) -> Path:
    """A root with ``directions`` directions of five indicators each, three years of monthly values."""
    rng = np.random.default_rng(seed)
    lines = [HEADER]
    for d in range(1, directions + 1):
        for office, text, target in TEMPLATES:
            lines.append(
                f"DIREZIONE DI PROVA {d:02d}\tAREA {d:02d}\tUFFICIO {office} {d:02d}\t{office}\t{text}\t{target}"
            )
    (folder / "data" / "raw" / "catalog").mkdir(parents=True)
    (folder / "data" / "raw" / "catalog" / "catalogo.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "kpilib", "catalog", "--root", str(folder)], check=True, capture_output=True)
    import pandas as pd

    indicators = pd.read_csv(folder / "data" / "processed" / "indicators.csv")
    rows = ["indicatore;periodo;valore;numeratore;denominatore"]
    for indicator in indicators.to_dict("records"):
        for year in (2023, 2024, 2025):
            for month in range(1, 13):
                period = f"{year}-{month:02d}"
                if indicator["target_unit"] == "percent":
                    denominator = int(rng.integers(20, 200))
                    share = {">=": 0.93, "<=": 0.015}[indicator["target_op"]]
                    rows.append(
                        f"{indicator['indicator_id']};{period};;{rng.binomial(denominator, share)};{denominator}"
                    )
                elif indicator["target_unit"] == "days":
                    rows.append(f"{indicator['indicator_id']};{period};{int(rng.normal(25, 4))};;")
                else:
                    rows.append(f"{indicator['indicator_id']};{period};{int(rng.poisson(5))};;")
    (folder / "data" / "raw" / "measurements").mkdir(parents=True)
    (folder / "data" / "raw" / "measurements" / "misure.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "kpilib", "run", "--root", str(folder), "--skip-reports"],
        check=True,
        capture_output=True,
    )
    return folder


def naive_loop(root: Path, period: str, out: Path) -> float:
    """What one would write first: the papermill CLI, then nbconvert, for each direction."""
    import pandas as pd

    bin_dir = Path(sys.executable).parent
    directions = sorted(pd.read_csv(root / "data" / "processed" / "indicators.csv")["direction"].unique())
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for number, direction in enumerate(directions):
        executed = out / f"{number:02d}.ipynb"
        subprocess.run(
            [
                str(bin_dir / "papermill"),
                str(REPOSITORY_ROOT / "notebooks" / "direction_report.ipynb"),
                str(executed),
                "-p",
                "direction",
                direction,
                "-p",
                "period",
                period,
                "-p",
                "root",
                str(root),
                "--no-progress-bar",
            ],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [str(bin_dir / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
            check=True,
            capture_output=True,
        )
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> bool:
    parser = argparse.ArgumentParser(prog="python -m bench reports")
    parser.add_argument("--directions", type=int, default=30)
    args, _ = parser.parse_known_args(argv)
    with tempfile.TemporaryDirectory(prefix="kpi-bench-reports-") as folder:
        root = make_root(Path(folder) / "root", args.directions)
        period = "2025-S2"
        ours = measure([sys.executable, "-m", "kpilib", "reports", "--root", str(root), "--period", period])
        reports = args.directions + 1  # the directions and the overview
        naive = naive_loop(root, period, Path(folder) / "naive")
        speedup = naive / ours.seconds
        per_report = ours.seconds / reports
        checks = [
            (
                f"kpi reports, {args.directions} directions + overview ({os.cpu_count()} cores)",
                f"{ours.seconds:.1f} s",
                True,
                "",
            ),
            (f"naive loop, {args.directions} directions (papermill CLI + nbconvert)", f"{naive:.1f} s", True, ""),
            ("speed-up vs naive loop", f"{speedup:.1f}x", speedup >= 5, ">= 5x"),
            ("per report, amortized", f"{per_report:.2f} s", per_report <= 1.5, "<= 1.5 s"),
            ("kpi reports peak memory", f"{ours.peak_mb:,.0f} MB", True, ""),
        ]
    print(f"reports benchmark: {args.directions} directions, 5 indicators each, 36 months")
    return print_checks(checks)


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
