"""``kpi ingest`` when deliveries disagree (issue 18): conflicting copies must cost linear time.

Three runs on a root of 1,000 indicators with 60 monthly values each (``bench.scale``):
- one value delivered 10,000 / 20,000 / 40,000 times with different values (the growth must be
  linear: each copy names three others and counts the rest);
- an export of 1,000,000 rows whose every value disagrees with the values already delivered:
  at most 60 s and 2 GB for the whole command;
- the same export with every value equal to one already delivered (1,000,000 identical copies).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from bench.common import measure, print_checks
from bench.scale import write_root


def _export(root: Path, rows: pd.DataFrame, name: str) -> None:
    text = rows.to_csv(sep=";", index=False, header=["indicatore", "periodo", "valore"], lineterminator="\n")
    (root / "data" / "raw" / "measurements" / name).write_text(text, encoding="utf-8")


def _existing(root: Path) -> pd.DataFrame:
    delivered = pd.read_csv(root / "data" / "raw" / "measurements" / "misure.csv", sep=";", dtype=str)
    return delivered.rename(columns={"indicatore": "indicator_id", "periodo": "period"})


def _ingest(root: Path):
    return measure([sys.executable, "-m", "kpilib", "ingest", "--root", str(root)])


def copies_of_one_value(folder: Path, copies: int) -> float:
    root = write_root(folder / f"one-{copies}", 1000)
    first = _existing(root).iloc[0]
    rows = pd.DataFrame(
        {
            "indicator_id": first["indicator_id"],
            "period": first["period"],
            "value": [str(1 + n % 97) for n in range(copies)],
        }
    )
    _export(root, rows, "export.csv")
    return _ingest(root).seconds


def export_against_delivered(folder: Path, rows: int, identical: bool):
    root = write_root(folder / f"export-{identical}", 1000)
    delivered = _existing(root)
    rng = np.random.default_rng(18)
    picked = delivered.iloc[rng.integers(0, len(delivered), rows)].reset_index(drop=True)
    if identical:
        values = picked["valore"].fillna("")
        # a share delivered as numerator/denominator: the export repeats the ratio the office sent
        ratio = (picked["numeratore"].astype(float) / picked["denominatore"].astype(float) * 100).map(
            lambda v: f"{v:.10g}".replace(".", ",")
        )
        values = values.where(values != "", ratio)
    else:
        values = pd.Series(rng.integers(101, 10_000, rows)).astype(str)  # never a delivered value
    _export(
        root,
        pd.DataFrame({"indicator_id": picked["indicator_id"], "period": picked["period"], "value": values}),
        "export.csv",
    )
    return _ingest(root)


def main(argv: list[str] | None = None) -> bool:
    parser = argparse.ArgumentParser(prog="python -m bench conflicts")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--copies", type=int, nargs="+", default=[10_000, 20_000, 40_000])
    args = parser.parse_args(argv)
    print("conflicts benchmark: kpi ingest on 1,000 indicators x 60 months plus conflicting deliveries")
    checks = []
    with tempfile.TemporaryDirectory(prefix="kpi-bench-conflicts-") as scratch:
        folder = Path(scratch)
        timings = [(count, copies_of_one_value(folder, count)) for count in args.copies]
        base_count, base_seconds = timings[0]
        for count, seconds in timings:
            growth = (seconds / base_seconds) / (count / base_count)
            checks.append(
                (f"{count:,} conflicting copies of one value", f"{seconds:.2f} s", True, f"{growth:.2f}x linear")
            )
        conflicting = export_against_delivered(folder, args.rows, identical=False)
        checks += [
            (
                f"{args.rows:,}-row export, every value in conflict",
                f"{conflicting.seconds:.2f} s",
                conflicting.seconds <= 60,
                "<= 60 s",
            ),
            ("  its peak memory", f"{conflicting.peak_mb:,.0f} MB", conflicting.peak_mb <= 2048, "<= 2 GB"),
        ]
        identical = export_against_delivered(folder, args.rows, identical=True)
        checks += [
            (f"{args.rows:,}-row export, every value a copy", f"{identical.seconds:.2f} s", True, ""),
            ("  its peak memory", f"{identical.peak_mb:,.0f} MB", True, ""),
        ]
    return print_checks(checks)


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
