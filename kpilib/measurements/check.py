"""``kpi check FILE…``: a delivery judged against the root as it stands, changing nothing but its return workbook.

The given files are validated exactly as ``kpi ingest`` would, together with the root's own
deliveries (less the files checked, if they are among them) and the values derived from case
records, so a value equal to one already there confirms it, a value from a later dated delivery
corrects it, and an undated different one is a conflict, as the next ingest would find. The return workbooks go to ``--out`` (a folder) or ``data/processed/ritorno/``;
``measurements.csv`` and every other file stay as they are.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from ..catalog.indicators import read_indicator_versions, read_indicators
from ..core.errors import KpiError
from ..core.files import list_inputs
from ..core.schemas import DERIVED, ID_ALIASES
from ..core.writes import write_together
from .feedback import feedback_path, feedback_workbooks
from .files import SUFFIXES
from .ingest import collect_records, derived_records, unread_notes
from .validate import validate_deliveries


def run_check(paths, files: list[Path], out: Path | None = None) -> int:
    """Judge ``files`` against the root; write only their return workbooks (exit 0: rejects are findings)."""
    if not files:
        raise KpiError("give the delivered file(s) to check: kpi check FILE…")
    indicators = read_indicators(paths.indicators)
    checked_paths = {Path(f).resolve() for f in files}
    records, problems, remarks = collect_records(paths, files)
    for line in [*remarks, *problems]:
        print(f"check: {line}", file=sys.stderr)
    mine_sources = set(records["source"])
    # The root's own deliveries (less the files checked, if they are among them) and derived values, as the
    # next ingest would see them: a value equal to one there confirms it, a later one corrects it.
    others = [p for p in list_inputs(paths.measurements_dir, SUFFIXES) if p.resolve() not in checked_paths]
    existing, _, _ = collect_records(paths, others) if others else (records.iloc[0:0], [], [])
    derived = DERIVED.read(paths.event_measurements, missing_ok=True)
    together = pd.concat([derived_records(derived[derived["value"].notna()]), existing, records], ignore_index=True)
    issued = ID_ALIASES.read(paths.indicator_aliases, missing_ok=True)
    validated = validate_deliveries(together, indicators, read_indicator_versions(paths.indicators), issued)
    mine = validated.rejects[validated.rejects["source"].isin(mine_sources)]
    folder = Path(out) if out else paths.returns_dir
    if folder.resolve().is_relative_to(paths.raw.resolve()):
        raise KpiError(f"{folder}: outputs are never written into data/raw/; choose another --out")
    books = {
        feedback_path(folder, source): book
        for source, book in feedback_workbooks(
            records, mine, indicators["indicator_id"].tolist(), indicators, validated.ledger
        ).items()
    }
    write_together({**books, **unread_notes(folder, mine)}, folder)
    ledger = validated.ledger
    for source in sorted(mine_sources):
        own = ledger[ledger["source"] == source]
        outcomes = own["outcome"].value_counts()
        blank = int((validated.blanks["source"] == source).sum())
        conflicts = int(own["code"].isin(["undated_conflict", "conflicting_values"]).sum())
        print(
            f"check: {source}: {len(own) + blank} row(s): {outcomes.get('accepted', 0)} new value(s), "
            f"{outcomes.get('confirmed', 0)} equal to a value already there, "
            f"{outcomes.get('corrected', 0)} correcting one, {outcomes.get('rejected', 0)} rejected "
            f"({conflicts} in conflict), {blank} left blank"
        )
    for correction in validated.corrections[validated.corrections["new_source"].isin(mine_sources)].to_dict("records"):
        print(
            f"check:   would correct {correction['indicator_id']} {correction['period']}: "
            f"{_shown(correction['old_value'])} ({correction['old_source']}) -> {_shown(correction['new_value'])}"
        )
    print(f"check: {len(books)} return workbook(s) -> {paths.relative(folder)}/; nothing else was changed")
    return 0  # rejected rows are findings, not a failure of the command (CONTRACT, exit status)


def _shown(value: float) -> str:
    return "n.d." if pd.isna(value) else f"{value:.15g}"
