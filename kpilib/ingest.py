"""``kpi ingest``: every measurement file (plus measurements derived from case records)
validated into ``measurements.csv`` and ``measurement_rejects.csv``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .catalog import read_indicators
from .files import list_inputs, write_csv
from .measurement_files import RAW_COLUMNS, SUFFIXES, read_measurement_file
from .measurements import validate_measurements
from .paths import Paths


def collect_records(paths: Paths, files: list[Path] | None = None) -> pd.DataFrame:
    """Text records of the given files, or of every file in ``data/raw/measurements/``."""
    files = [Path(f) for f in files] if files else list_inputs(paths.measurements_dir, SUFFIXES)
    frames = [read_measurement_file(path, paths.relative(path)) for path in files]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=RAW_COLUMNS)


def run_ingest(paths: Paths, files: list[Path] | None = None, strict: bool = False) -> int:
    """Validate and write; returns the exit status (1 under ``strict`` when anything was rejected)."""
    indicators = read_indicators(paths.indicators)
    records = collect_records(paths, files)
    records = pd.concat([records, _derived_records(paths, indicators)], ignore_index=True)
    measurements, rejects = validate_measurements(records, indicators)
    write_csv(measurements, paths.measurements)
    write_csv(rejects, paths.measurement_rejects)
    _print_counts(records, measurements, rejects)
    print(
        f"ingest: {len(measurements)} measurement(s) -> {paths.relative(paths.measurements)}, "
        f"{len(rejects)} rejected -> {paths.relative(paths.measurement_rejects)}"
    )
    return 1 if strict and len(rejects) else 0


def _derived_records(paths: Paths, indicators: pd.DataFrame) -> pd.DataFrame:
    """Measurements derived from ``data/raw/events/``, as records to validate like any other."""
    from .events import derive_from_folder

    derived = derive_from_folder(paths, indicators)
    if derived.empty:
        return pd.DataFrame(columns=RAW_COLUMNS)
    text = derived.assign(
        value=derived["value"].map(_plain),
        numerator=derived["numerator"].map(_plain),
        denominator=derived["denominator"].map(_plain),
        note="",
        row="",
    )
    text["raw"] = text[["indicator_id", "period", "value", "numerator", "denominator"]].agg(" | ".join, axis=1)
    return text[RAW_COLUMNS]


def _plain(value: float) -> str:
    return "" if pd.isna(value) else f"{value:.15g}"


def _print_counts(records: pd.DataFrame, measurements: pd.DataFrame, rejects: pd.DataFrame) -> None:
    read = records.groupby("source", sort=True).size()
    accepted = measurements.groupby("source").size()
    rejected = rejects.groupby("source").size()
    for source, count in read.items():
        print(
            f"ingest: {source}: {count} row(s) read, {accepted.get(source, 0)} accepted, "
            f"{rejected.get(source, 0)} rejected"
        )
