"""``kpi check FILE…``: a delivery judged against the root as it stands, changing nothing but its return workbook.

The given files are validated exactly as ``kpi ingest`` would, together with the measurements
already accepted (``measurements.csv``, less any earlier copy of the same files), so a value
equal to one already there is a copy and a different one is a conflict, as the next ingest
would find. The return workbooks go to ``--out`` (a folder) or ``data/processed/ritorno/``;
``measurements.csv`` and every other file stay as they are.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from ..catalog.indicators import read_indicator_versions, read_indicators
from ..core.errors import KpiError
from ..core.files import delivered_file
from ..core.schemas import ID_ALIASES
from ..core.writes import write_together
from .feedback import feedback_path, feedback_workbooks
from .files import RAW_COLUMNS
from .ingest import collect_records, read_measurements
from .validate import validate_measurements


def accepted_records(measurements: pd.DataFrame) -> pd.DataFrame:
    """The measurements already accepted, as records to validate beside new ones (numbers written with a point)."""

    def plain(values: pd.Series) -> pd.Series:
        return values.map(lambda v: "" if pd.isna(v) else f"{v:.15g}")

    records = pd.DataFrame(
        {
            "source": measurements["source"],
            "row": measurements["row"].astype(object).where(measurements["row"].notna(), ""),
            "indicator_id": measurements["indicator_id"],
            "period": measurements["period"],
            "value": plain(measurements["value"]),
            "numerator": plain(measurements["numerator"]),
            "denominator": plain(measurements["denominator"]),
            "note": measurements["note"],
            "typed": "value numerator denominator",
            "problem": "",
            "problem_detail": "",
            "raw": "",
        }
    )
    return records[RAW_COLUMNS]


def run_check(paths, files: list[Path], out: Path | None = None) -> int:
    """Judge ``files`` against the root; write only their return workbooks (exit 0: rejects are findings)."""
    if not files:
        raise KpiError("give the delivered file(s) to check: kpi check FILE…")
    indicators = read_indicators(paths.indicators)
    records, problems, remarks = collect_records(paths, files)
    for line in [*remarks, *problems]:
        print(f"check: {line}", file=sys.stderr)
    checked = set(records["source"].map(delivered_file)) | {paths.relative(Path(f)) for f in files}
    existing = read_measurements(paths.measurements) if paths.measurements.exists() else None
    if existing is not None:
        existing = existing[~existing["source"].astype(str).isin(checked)]
        together = pd.concat([accepted_records(existing), records], ignore_index=True)
    else:
        together = records
    issued = ID_ALIASES.read(paths.indicator_aliases, missing_ok=True)
    _, rejects = validate_measurements(together, indicators, read_indicator_versions(paths.indicators), issued)
    mine = rejects[rejects["source"].isin(set(records["source"]))]
    folder = Path(out) if out else paths.returns_dir
    if folder.resolve().is_relative_to(paths.raw.resolve()):
        raise KpiError(f"{folder}: outputs are never written into data/raw/; choose another --out")
    books = {
        feedback_path(folder, source): book
        for source, book in feedback_workbooks(records, mine, indicators["indicator_id"].tolist()).items()
    }
    write_together(books, folder)
    for source, rows in records.groupby("source", sort=True):
        own = mine[mine["source"] == source]
        codes = own["code"].value_counts()
        copies, conflicts = int(codes.get("duplicate_copy", 0)), int(codes.get("conflicting_values", 0))
        print(
            f"check: {source}: {len(rows)} row(s): {len(rows) - len(own)} would be accepted, {len(own)} rejected "
            f"({copies} equal to a value already there, {conflicts} in conflict with one)"
        )
    print(f"check: {len(books)} return workbook(s) -> {paths.relative(folder)}/; nothing else was changed")
    return 0  # rejected rows are findings, not a failure of the command (CONTRACT, exit status)
