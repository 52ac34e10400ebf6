"""``kpi ingest``: every measurement file (plus measurements derived from case records)
validated into ``measurements.csv`` and ``measurement_rejects.csv``."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from ..cases.events import derive_from_folder
from ..catalog.indicators import read_indicator_versions, read_indicators
from ..core.files import list_inputs, unreadable_inputs, warn_unread_subfolders
from ..core.paths import Paths
from ..core.rejects import reject, rejects_bytes, rejects_frame, sort_rejects
from ..core.schemas import ID_ALIASES, MEASUREMENTS
from ..core.vocabulary import is_missing
from ..core.writes import write_together
from .feedback import feedback_path, feedback_workbooks
from .files import RAW_COLUMNS, SUFFIXES, read_measurement_file
from .validate import MEASUREMENT_COLUMNS, validate_measurements


def collect_records(paths: Paths, files: list[Path] | None = None) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Text records of the given files, or of every file in ``data/raw/measurements/``.

    Returns ``(records, problems, remarks)``: problems are what a delivery check must fail on
    (a file of a type that cannot be read, a sheet without the header), remarks what is only
    said (a hidden sheet not read).
    """
    problems: list[str] = []
    if files:
        files = [Path(f) for f in files]
    else:
        files = list_inputs(paths.measurements_dir, SUFFIXES)
        warn_unread_subfolders(paths.measurements_dir, paths.relative)
        for other in unreadable_inputs(paths.measurements_dir, SUFFIXES):
            problems.append(
                f"{paths.relative(other)}: not read: '{other.suffix or other.name}' files cannot be read "
                "(save it as .xlsx or .csv)"
            )
    frames, remarks = [], []
    for path in files:
        found = read_measurement_file(path, paths.relative(path))
        frames.append(found.records)
        problems.extend(found.problems)
        remarks.extend(found.remarks)
    records = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=RAW_COLUMNS)
    return records, problems, remarks


def run_ingest(
    paths: Paths, files: list[Path] | None = None, strict: bool = False, derived: pd.DataFrame | None = None
) -> int:
    """Validate and write; returns the exit status (1 under ``strict`` when anything was rejected).

    ``derived``: measurements already derived from the case records (``kpi run`` passes
    them); when ``None`` they are derived here from ``data/raw/events/``.
    """
    indicators = read_indicators(paths.indicators)
    records, problems, remarks = collect_records(paths, files)
    for line in remarks:
        print(f"ingest: {line}", file=sys.stderr)
    for line in problems:
        print(f"warning: {line}", file=sys.stderr)
    if derived is None:
        derived = derive_from_folder(paths, indicators)
    computable = derived["value"].notna()
    # Derived values first: where a reported value agrees with one, the reported copy is the duplicate.
    records = pd.concat([derived_records(derived[computable]), records], ignore_index=True)
    issued = ID_ALIASES.read(paths.indicator_aliases, missing_ok=True)
    measurements, rejects = validate_measurements(
        records, indicators, read_indicator_versions(paths.indicators), issued
    )
    pending = _pending_rejects(derived[~computable])
    if len(pending):
        rejects = sort_rejects(pd.concat([rejects, pending], ignore_index=True))
    returns = {
        feedback_path(paths.returns_dir, source): book
        for source, book in feedback_workbooks(records, rejects, indicators["indicator_id"].tolist()).items()
    }
    write_together(
        {
            paths.measurements: MEASUREMENTS.csv_bytes(measurements),
            paths.measurement_rejects: rejects_bytes(rejects),
            **returns,
        },
        paths.processed,
    )
    _print_counts(pd.concat([records["source"], pending["source"]]), measurements, rejects)
    print(
        f"ingest: {len(measurements)} measurement(s) -> {paths.relative(paths.measurements)}, "
        f"{len(rejects)} rejected -> {paths.relative(paths.measurement_rejects)}"
    )
    if returns:
        print(f"ingest: {len(returns)} return workbook(s) for the offices -> {paths.relative(paths.returns_dir)}/")
    return 1 if strict and (len(rejects) or problems) else 0


def derived_records(derived: pd.DataFrame) -> pd.DataFrame:
    """Derived measurements as records to validate like any other (``row`` empty)."""
    if derived.empty:
        return pd.DataFrame(columns=RAW_COLUMNS)
    text = derived.assign(
        value=derived["value"].map(_plain),
        numerator=derived["numerator"].map(_plain),
        denominator=derived["denominator"].map(_plain),
        note="",
        row="",
        typed="value numerator denominator",  # written by us with a decimal point, never ambiguous
        problem="",
        problem_detail="",
    )
    cells = text[["indicator_id", "period", "value", "numerator", "denominator"]].agg(" | ".join, axis=1)
    counts = " | casi: " + derived["cases"].astype(str) + ", aperti: " + derived["open_cases"].astype(str)
    text["raw"] = cells + counts
    return text[RAW_COLUMNS]


def _pending_rejects(derived: pd.DataFrame) -> pd.DataFrame:
    """Derived periods with no value yet (no closed case, or every case still pending)."""
    raw = derived_records(derived)["raw"].tolist() if len(derived) else []
    records = [
        reject(
            row["source"],
            "",
            "not_computable_yet",
            text,
            row["indicator_id"],
            row["period"],
            indicator=row["indicator_id"],
            period=row["period"],
            open=row["open_cases"],
            cases=row["cases"],
        )
        for row, text in zip(derived.to_dict("records"), raw, strict=True)
    ]
    return rejects_frame(records)


def _plain(value: float) -> str:
    return "" if is_missing(value) else f"{value:.15g}"


def _print_counts(sources: pd.Series, measurements: pd.DataFrame, rejects: pd.DataFrame) -> None:
    """Per input file (or events file): rows read, accepted, rejected."""
    read = sources.value_counts().sort_index()
    accepted = measurements.groupby("source").size()
    rejected = rejects.groupby("source").size()
    for source, count in read.items():
        print(
            f"ingest: {source}: {count} row(s) read, {accepted.get(source, 0)} accepted, "
            f"{rejected.get(source, 0)} rejected"
        )


def read_measurements(path: Path) -> pd.DataFrame:
    """``measurements.csv`` as written by ``kpi ingest`` (only an empty cell is missing: a note ``N/A`` is text)."""
    return MEASUREMENTS.read(path, hint="kpi ingest")[MEASUREMENT_COLUMNS]
