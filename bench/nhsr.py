"""``python -m bench nhsr``: kpilib's XmR core side by side with NHSRplotthedots 0.2.2 in R.

Generates a few hundred series (noise, shifts, trends, outliers, near-limit pairs, percentages
near 0 and 100, rebases, short series for trial limits, missing months; targets above, inside and
below the limits; improvement up, down and none), runs NHSRplotthedots' own calculation code on
them through ``bench/nhsr_compare.R`` (R and the r-cran-dplyr package from Debian; the package's
source tree from ``--source`` or ``$NHSR_PLOTTHEDOTS``), runs kpilib's ``classify`` and
``assurance`` on the same points, and reports agreement per field. Every remaining difference is
a documented choice (``docs/method.md``). Skips, saying why, where R or the source tree is absent.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from kpilib.analysis.spc import TRIAL_MIN_POINTS, Limits, assurance, classify

HERE = Path(__file__).resolve().parent
R_POINT = {
    "common_cause": "common_cause",
    "improvement": "special_cause_improvement",
    "concern": "special_cause_concern",
    "neutral_high": "special_cause_neutral_high",
    "neutral_low": "special_cause_neutral_low",
}
R_ASSURANCE = {"consistently_met": "consistent_pass", "consistently_failing": "consistent_fail",
               "hit_and_miss": "inconsistent"}  # fmt: skip
POLARITY = {"increase": "higher", "decrease": "lower", "neutral": ""}


def generate(count: int, seed: int = 11) -> pd.DataFrame:
    """``count`` series of the kinds the module docstring lists, one row per month."""
    rng = np.random.default_rng(seed)
    kinds = ["noise", "shift", "trend", "outlier", "near_limits", "percent_high", "percent_low", "rebase", "short",
             "missing"]  # fmt: skip
    rows = []
    for number in range(count):
        kind = kinds[number % len(kinds)]
        direction = ("increase", "decrease", "neutral")[(number // len(kinds)) % 3]
        n = int(rng.integers(6, 12)) if kind == "short" else int(rng.integers(14, 30))
        y = rng.normal(50, 5, n)
        rebase = ""
        if kind == "shift":
            y[n // 2 :] += rng.choice([-1, 1]) * rng.uniform(4, 10)
        elif kind == "trend":
            y += np.linspace(0, rng.choice([-1, 1]) * 15, n)
        elif kind == "outlier":
            y[int(rng.integers(0, n))] += rng.choice([-1, 1]) * 30
        elif kind == "near_limits":
            y[n - 3 : n - 1] = 50 + rng.choice([-1, 1]) * 11
        elif kind == "percent_high":
            y = np.clip(np.round(rng.normal(98.5, 1.2, n), 1), 0, 100)
        elif kind == "percent_low":
            y = np.clip(np.round(rng.normal(1.2, 1.0, n), 1), 0, 100)
        elif kind == "rebase":
            y[n // 2 :] += 12
            rebase = f"{pd.Timestamp('2020-01-01') + pd.DateOffset(months=n // 2):%Y-%m-%d}"
        y = np.round(y, 1)
        if kind == "missing":
            y[int(rng.integers(1, n - 1))] = np.nan
        target = np.nan
        if direction != "neutral" and number % 4:
            spread = float(np.nanstd(y)) or 1.0
            target = round(float(np.nanmean(y)) + spread * float(rng.choice([-5, -1.5, 0, 1.5, 5])), 1)
        for month in range(n):
            rows.append(
                {
                    "series_id": f"s{number:04d}",
                    "kind": kind,
                    "date": f"{pd.Timestamp('2020-01-01') + pd.DateOffset(months=month):%Y-%m-%d}",
                    "value": y[month],
                    "direction": direction,
                    "target": target,
                    "rebase": rebase,
                }
            )
    return pd.DataFrame(rows)


def kpilib_side(series: pd.DataFrame, screen: bool) -> pd.DataFrame:
    """kpilib's mean, limits, point type and assurance for every point with a value."""
    out = []
    for series_id, one in series.groupby("series_id", sort=True):
        one = one.reset_index(drop=True)
        polarity = POLARITY[one["direction"].iloc[0]]
        target = one["target"].iloc[0]
        op = {"higher": ">=", "lower": "<="}.get(polarity, "")
        change = one["rebase"].iloc[0]
        segment = (one["date"] >= change).astype(int) if change else pd.Series(0, index=one.index)
        verdict = None
        for number in sorted(segment.unique()):
            part = one[segment == number]
            kept = part[part["value"].notna()]
            positions = kept.index.to_numpy()
            gaps = list(np.diff(positions) > 1)
            chart = classify(kept["value"].to_numpy(), polarity, screen, gaps)
            if len(kept) >= TRIAL_MIN_POINTS:
                bounds = Limits(chart["mean"].iloc[0], chart["lower_limit"].iloc[0], chart["upper_limit"].iloc[0], 0)
                verdict = assurance(bounds, op, target, len(kept)) if op and not np.isnan(target) else None
            for (_, row), (_, point) in zip(kept.iterrows(), chart.iterrows(), strict=True):
                out.append(
                    {
                        "series_id": series_id,
                        "date": row["date"],
                        "k_mean": point["mean"],
                        "k_lower": point["lower_limit"],
                        "k_upper": point["upper_limit"],
                        "k_point": R_POINT.get(point["variation"], ""),
                        "k_points_in_segment": len(kept),
                    }
                )
        for row in out[-len(one[one["value"].notna()]) :]:
            row["k_assurance"] = R_ASSURANCE.get(verdict) if verdict else np.nan
    return pd.DataFrame(out)


def compare(series: pd.DataFrame, r_out: pd.DataFrame, screen: bool) -> dict:
    ours = kpilib_side(series, screen)
    failed = set(r_out.loc[r_out["point_type"] == "error", "series_id"])
    both = ours.merge(r_out[r_out["value"].notna()], on=["series_id", "date"], how="inner")
    charted = both[both["k_points_in_segment"] >= TRIAL_MIN_POINTS]
    tolerance = 1e-9
    figures = {
        "series": series["series_id"].nunique(),
        "series NHSRplotthedots stops on (a missing month: its trend test meets the NA)": len(failed),
        "points charted by both": len(charted),
        "points below kpilib's minimum (R charts them, kpilib does not)": int(
            (both["k_points_in_segment"] < TRIAL_MIN_POINTS).sum()
        ),
    }
    for ours_column, theirs in (("k_mean", "mean"), ("k_lower", "lower"), ("k_upper", "upper")):
        figures[f"{theirs} agrees"] = int((np.abs(charted[ours_column] - charted[theirs]) <= tolerance).sum())
    agree_point = charted["k_point"] == charted["point_type"]
    figures["point type agrees"] = int(agree_point.sum())
    last = charted.sort_values("date").groupby("series_id").tail(1)
    with_target = last[last["assurance"].notna() | last["k_assurance"].notna()]
    figures["series with a target"] = len(with_target)
    figures["assurance agrees"] = int((with_target["assurance"] == with_target["k_assurance"]).sum())
    figures["_differences"] = charted[~agree_point][["series_id", "date", "value", "k_point", "point_type"]]
    return figures


def main(argv: list[str] | None = None) -> bool:
    parser = argparse.ArgumentParser(prog="python -m bench nhsr")
    parser.add_argument("--series", type=int, default=400, help="series generated")
    parser.add_argument("--source", default=os.environ.get("NHSR_PLOTTHEDOTS", ""),
                        help="NHSRplotthedots' source tree (default $NHSR_PLOTTHEDOTS)")  # fmt: skip
    args = parser.parse_args(argv)
    rscript = shutil.which("Rscript")
    source = Path(args.source) if args.source else None
    if rscript is None or source is None or not (source / "R" / "ptd_spc.R").is_file():
        why = "Rscript is not installed (apt-get install r-base-core r-cran-dplyr)" if rscript is None else (
            "no NHSRplotthedots source tree: give --source DIR or set NHSR_PLOTTHEDOTS")  # fmt: skip
        print(f"nhsr benchmark: SKIPPED: {why}")
        return True
    series = generate(args.series)
    ok = True
    with tempfile.TemporaryDirectory(prefix="kpi-nhsr-") as scratch:
        data = Path(scratch) / "series.csv"
        series.to_csv(data, index=False)
        for screen in (False, True):
            out = Path(scratch) / f"r_{screen}.csv"
            command = [rscript, str(HERE / "nhsr_compare.R"), str(source), str(data), str(out)]
            done = subprocess.run([*command, *(["screen"] if screen else [])], capture_output=True, text=True)
            if done.returncode != 0:
                print(f"nhsr benchmark: R failed: {done.stderr.strip().splitlines()[-1:]}")
                return False
            figures = compare(series, pd.read_csv(out), screen)
            differences = figures.pop("_differences")
            print(f"NHSRplotthedots side by side ({'moving ranges screened' if screen else 'no screening'}):")
            for name, value in figures.items():
                print(f"  {name:<66} {value:>8,}")
            for row in differences.head(10).to_dict("records"):
                print(f"    differs: {row}")
            charted = figures["points charted by both"]
            ok &= figures["mean agrees"] == figures["lower agrees"] == figures["upper agrees"] == charted
    return ok
