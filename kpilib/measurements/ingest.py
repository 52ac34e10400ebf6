"""``kpi ingest``: every measurement file (plus measurements derived from case records)
validated into ``measurements.csv`` and ``measurement_rejects.csv``."""

from __future__ import annotations

import json
import sys
from pathlib import Path, PurePosixPath

import pandas as pd

from ..cases.events import derive_from_folder
from ..catalog.indicators import read_indicator_versions, read_indicators
from ..core.errors import KpiError
from ..core.files import list_inputs, unreadable_inputs, warn_unread_subfolders
from ..core.paths import Paths
from ..core.rejects import reject, rejects_bytes, rejects_frame, sort_rejects
from ..core.schemas import CORRECTIONS, DELIVERIES, ID_ALIASES, MEASUREMENTS
from ..core.vocabulary import is_missing
from ..core.writes import write_together
from .feedback import feedback_path, feedback_workbooks
from .files import RAW_COLUMNS, SUFFIXES, read_measurement_file
from .validate import validate_deliveries


def collect_records(paths: Paths, files: list[Path] | None = None) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Text records of the given files, or of every file in ``data/raw/measurements/``.

    Returns ``(records, problems, remarks)``: problems are what a delivery check must fail on
    (a file that cannot be read, a sheet without the header), remarks what is only said (a
    hidden sheet not read). A file that cannot be read is one record with no row and the
    problem ``unreadable_file``: rejected like any row, so the quality office sees it among the
    rejects, the office gets a note, and the file is not listed among the report's inputs.
    """
    problems: list[str] = []
    unread: list[tuple[Path, str]] = []
    if files:
        files = [Path(f) for f in files]
    else:
        files = list_inputs(paths.measurements_dir, SUFFIXES)
        warn_unread_subfolders(paths.measurements_dir, paths.relative)
        unread += [
            (other, f"i file '{other.suffix or other.name}' non si possono leggere")
            for other in unreadable_inputs(paths.measurements_dir, SUFFIXES)
        ]
    frames, remarks = [], []
    for path in files:
        try:
            found = read_measurement_file(path, paths.relative(path))
        except KpiError as error:
            unread.append((path, _why(error, path)))
            continue
        frames.append(found.records)
        problems.extend(found.problems)
        remarks.extend(found.remarks)
    for path, why in unread:
        problems.append(f"{paths.relative(path)}: non letto: {why} (salvarlo come .xlsx, .ods o .csv)")
        frames.append(_unread_record(paths.relative(path), why))
    records = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=RAW_COLUMNS)
    return records, problems, remarks


def _why(error: KpiError, path: Path) -> str:
    text = str(error)
    return text.split(": ", 1)[1] if text.startswith(str(path)) and ": " in text else text


def _unread_record(source: str, why: str) -> pd.DataFrame:
    record = dict.fromkeys(RAW_COLUMNS, "")
    record.update(source=source, problem="unreadable_file", problem_detail=json.dumps({"why": why}))
    return pd.DataFrame([record], columns=RAW_COLUMNS)


def unread_notes(folder: Path, rejects: pd.DataFrame) -> dict[Path, bytes]:
    """For each file not read, a short note for the office that sent it, beside the return workbooks."""
    notes = {}
    for row in rejects[rejects["code"] == "unreadable_file"].to_dict("records"):
        name = PurePosixPath(str(row["source"])).name
        text = (
            f"Il file «{name}» consegnato per gli indicatori di qualità non è stato letto.\n"
            f"Motivo: {row['reason']}.\n"
            "Salvare il file come .xlsx, .ods o .csv (ad esempio partendo dal modello ricevuto) e inviarlo di nuovo.\n"
        )
        notes[feedback_path(folder, str(row["source"])).with_name(_note_name(str(row["source"])))] = text.encode()
    return notes


def _note_name(source: str) -> str:
    return feedback_path(Path("."), source).name.replace("_ritorno.xlsx", "_non_letto.txt")


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
        print(f"attenzione: {line}", file=sys.stderr)
    if derived is None:
        derived = derive_from_folder(paths, indicators)
    computable = derived["value"].notna()
    # Derived values first: where a reported value agrees with one, the reported copy confirms it.
    records = pd.concat([derived_records(derived[computable]), records], ignore_index=True)
    issued = ID_ALIASES.read(paths.indicator_aliases, missing_ok=True)
    validated = validate_deliveries(records, indicators, read_indicator_versions(paths.indicators), issued)
    measurements, rejects = validated.measurements, validated.rejects
    pending = _pending_rejects(derived[~computable])
    if len(pending):
        rejects = sort_rejects(pd.concat([rejects, pending], ignore_index=True))
    returns = {
        feedback_path(paths.returns_dir, source): book
        for source, book in feedback_workbooks(
            records, rejects, indicators["indicator_id"].tolist(), indicators, validated.ledger
        ).items()
    }
    write_together(
        {
            paths.measurements: MEASUREMENTS.csv_bytes(measurements),
            paths.measurement_rejects: rejects_bytes(rejects),
            paths.deliveries: DELIVERIES.csv_bytes(validated.ledger),
            paths.corrections: CORRECTIONS.csv_bytes(validated.corrections),
            **returns,
            **unread_notes(paths.returns_dir, rejects),
        },
        paths.processed,
    )
    _print_counts(pd.concat([records["source"], pending["source"]]), measurements, rejects, validated)
    print(
        f"ingest: {len(measurements)} measurement(s) -> {paths.relative(paths.measurements)}, "
        f"{len(rejects)} rejected -> {paths.relative(paths.measurement_rejects)}, "
        f"{len(validated.corrections)} correction(s) -> {paths.relative(paths.corrections)}"
    )
    if returns:
        print(f"ingest: {len(returns)} return workbook(s) for the offices -> {paths.relative(paths.returns_dir)}/")
    return 1 if strict and (len(rejects) or problems) else 0


def derived_records(derived: pd.DataFrame) -> pd.DataFrame:
    """Derived measurements as records to validate like any other (``row`` empty)."""
    if derived.empty:
        return pd.DataFrame(columns=RAW_COLUMNS)
    text = derived.assign(
        period=derived["period"].astype(str),
        value=derived["value"].map(_plain),
        numerator=derived["numerator"].map(_plain),
        denominator=derived["denominator"].map(_plain),
        note="",
        row="",
        typed="value numerator denominator",  # written by us with a decimal point, never ambiguous
        problem="",
        problem_detail="",
        delivered_on="",
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


def _print_counts(sources: pd.Series, measurements: pd.DataFrame, rejects: pd.DataFrame, validated) -> None:
    """Per input file (or events file): rows read, accepted, rejected, left blank, corrected."""
    read = sources.value_counts().sort_index()
    accepted = measurements.groupby("source").size()
    rejected = rejects.groupby("source").size()
    blank = validated.blanks.groupby("source").size()
    corrected = validated.ledger[validated.ledger["outcome"] == "corrected"].groupby("source").size()
    for source, count in read.items():
        extra = f", {blank.get(source, 0)} left blank" if blank.get(source, 0) else ""
        extra += f", {corrected.get(source, 0)} correcting an earlier delivery" if corrected.get(source, 0) else ""
        print(
            f"ingest: {source}: {count} row(s) read, {accepted.get(source, 0)} accepted, "
            f"{rejected.get(source, 0)} rejected{extra}"
        )
