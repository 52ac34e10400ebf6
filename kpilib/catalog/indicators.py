"""From catalog rows to machine-checkable indicators: the pure heart of ``kpi catalog``.

:func:`build_indicators` takes rows in and gives indicators, rejects and warnings out;
:func:`indicator_id` derives an id from the normalized names, so that it survives
reordering; :func:`read_indicators` reads ``indicators.csv`` back with its dtypes.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

import pandas as pd

from ..core.errors import KpiError
from ..core.periods import Period
from ..core.rejects import reject, rejects_frame, sort_rejects
from ..core.schemas import INDICATORS
from ..core.text import collapse_whitespace, fold, strip_accents
from ..core.vocabulary import DURATION_UNITS, Unit
from .aliases import renamed
from .sources import FIELDS, CatalogRow
from .targets import parse_target
from .versions import in_force, newest
from .wording import basis_of, deadline_of, duration_statistic, percentile_of, sub_indicator_labels

_AREA_PLACEHOLDER = re.compile(r"^[\s/\-–—]*$")
# The columns of one version (indicators.csv less valid_from / valid_to).
INDICATOR_COLUMNS = INDICATORS.names[: INDICATORS.names.index("valid_from")]


def indicator_id(direction: str, office: str, process: str, indicator: str, sub_indicator: str) -> str:
    """A short id derived from the normalized names, so it survives reordering.

    >>> indicator_id("Direzione", "Ufficio", "Processo", "Indicatore", "")
    'kpi-ccfa92de'
    """
    key = "\x1f".join(fold(part) for part in (direction, office, process, indicator, sub_indicator))
    return "kpi-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]


def _display_spelling(values: pd.Series) -> pd.Series:
    """Map each value to the most frequent spelling among those equal once folded."""
    counts = Counter(values)
    best: dict[str, str] = {}
    for spelling, count in counts.items():
        key = fold(spelling)
        current = best.get(key)
        if current is None or (-count, spelling) < (-counts[current], current):
            best[key] = spelling
    return values.map(lambda value: best[fold(value)])


def build_indicators(
    rows: list[CatalogRow], renames: dict[str, str] | None = None, issued_as: dict[str, str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Indicators, rejects and warnings from catalog rows.

    ``issued_as``, when given, is filled with the ids the rows had as written (before the renames
    of ``aliases.csv``) where those differ: old id -> id.

    Returns ``(indicators, rejects, warnings)``: indicators sorted by id with the columns
    of ``indicators.csv``; rejects in the shared schema (:mod:`kpilib.core.rejects`), reasons in Italian.
    """
    rejects: list[dict] = []
    warnings: list[str] = []
    accepted: list[dict] = []
    first_seen: dict[tuple, CatalogRow] = {}
    for row in rows:
        raw = "\t".join(row.fields)
        if len(row.fields) != len(FIELDS):
            rejects.append(_reject(row, "wrong_field_count", found=len(row.fields), expected=len(FIELDS)))
            continue
        values = dict(zip(FIELDS, (collapse_whitespace(cell) for cell in row.fields), strict=True))
        as_written = dict(values)
        if renames:  # an old name is read as the new one before the id is derived: one series across a rename
            values = {
                name: renamed(value, renames) if name != "target_raw" else value for name, value in values.items()
            }
        if _AREA_PLACEHOLDER.match(values["area"]):
            values["area"] = ""
        missing = [name for name in ("direction", "office", "process", "indicator") if not values[name]]
        if missing:
            rejects.append(_reject(row, "missing_fields", fields=", ".join(_ITALIAN_FIELD[m] for m in missing)))
            continue
        key = tuple(fold(values[name]) for name in FIELDS)
        if key in first_seen:
            rejects.append(
                _reject(row, "duplicate_catalog_row", row=first_seen[key].row, source=first_seen[key].source)
            )
            continue
        first_seen[key] = row
        accepted.append({**values, "_source": row.source, "_row": row.row, "_raw": raw, "_written": as_written})

    indicators: list[dict] = []
    for values in accepted:
        thresholds = parse_target(values["target_raw"])
        if not thresholds:
            warnings.append(
                f"{values['_source']}:{values['_row']}: target '{values['target_raw']}' not understood; "
                "indicator kept without a target"
            )
        if any(t.unit in DURATION_UNITS for t in thresholds) and duration_statistic(values["indicator"]) is None:
            warnings.append(
                f"{values['_source']}:{values['_row']}: the text of '{values['indicator'][:60]}' does not say how its "
                "times are summarised (massimo, medio, per il 90% dei casi): held against the longest time"
            )
        labels = sub_indicator_labels(values["indicator"], len(thresholds)) if len(thresholds) > 1 else [""]
        for label, threshold in zip(labels, thresholds or [None], strict=True):
            record = _indicator_record({k: v for k, v in values.items() if k != "_written"}, label, threshold)
            written = values["_written"]
            old = indicator_id(written["direction"], written["office"], written["process"], written["indicator"], label)
            if issued_as is not None and old != record["indicator_id"]:  # renamed: the id the office saw then
                issued_as[old] = record["indicator_id"]
            indicators.append(record)

    frame = pd.DataFrame(indicators, columns=[*INDICATOR_COLUMNS, "_source", "_row", "_raw"])
    frame, conflict_rejects = _drop_conflicting_ids(frame)
    rejects.extend(conflict_rejects)
    for column in ("direction", "office", "area"):
        frame[column] = _display_spelling(frame[column])
    frame = frame.sort_values("indicator_id", kind="stable").reset_index(drop=True)
    return frame[INDICATOR_COLUMNS], sort_rejects(rejects_frame(rejects)), warnings


_ITALIAN_FIELD = {
    "direction": "DIREZIONE",
    "office": "UNITÀ/UFFICIO",
    "process": "TITOLO PROCESSO",
    "indicator": "INDICATORE",
}


def _reject(row: CatalogRow, code: str, /, **particulars) -> dict:
    return reject(row.source, row.row, code, "\t".join(row.fields), **particulars)


def _indicator_record(values: dict, label: str, threshold) -> dict:
    record = {
        **values,
        "indicator_id": indicator_id(
            values["direction"], values["office"], values["process"], values["indicator"], label
        ),
        "sub_indicator": label,
        "target_op": "",
        "target_value": None,
        "target_unit": "",
        "polarity": "",
        "basis": basis_of(values["indicator"]),
        "deadline_value": None,
        "deadline_unit": "",
        "percentile": None,
    }
    if threshold is None:
        return record
    record.update(
        target_op=threshold.op, target_value=threshold.value, target_unit=threshold.unit, polarity=threshold.polarity
    )
    if threshold.unit == Unit.PERCENT and (deadline := deadline_of(values["indicator"])):
        record.update(deadline_value=deadline.value, deadline_unit=deadline.unit)
    if threshold.unit in DURATION_UNITS:
        record["percentile"] = percentile_of(values["indicator"])
    return record


def _drop_conflicting_ids(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    """Rows naming the same indicator with different targets: every copy is rejected."""
    clashing = frame["indicator_id"].duplicated(keep=False)
    rejects = []
    for _, group in frame[clashing].groupby("indicator_id", sort=True):
        for record in group.to_dict("records"):
            others = ", ".join(
                str(row) if source == record["_source"] else f"{row} di {source}"
                for source, row in zip(group["_source"], group["_row"], strict=True)
                if (source, row) != (record["_source"], record["_row"])
            ) or str(record["_row"])  # two parts of one compound cell: the row itself
            rejects.append(
                reject(
                    record["_source"],
                    record["_row"],
                    "conflicting_target",
                    record["_raw"],
                    record["indicator_id"],
                    others=others,
                )
            )
    return frame[~clashing], rejects


def read_indicator_versions(path: Path) -> pd.DataFrame:
    """``indicators.csv`` as written by ``kpi catalog``, with its dtypes: one row per indicator and
    version, ``valid_from`` / ``valid_to`` as nullable years (empty: open)."""
    return INDICATORS.read(path, hint="kpi catalog")


def read_indicators(path: Path, period: Period | None = None) -> pd.DataFrame:
    """One row per indicator: the version in force at the end of ``period``, or without a period
    the latest version of every indicator (retired ones too)."""
    versions = read_indicator_versions(path)
    return newest(versions) if period is None else in_force(versions, period)


def _loose(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", strip_accents(fold(text))).split())


def resolve_direction(indicators: pd.DataFrame, direction: str) -> str:
    """The direction as the catalog writes it, from a name written loosely; the first one when empty.

    Case, accents, spacing and punctuation do not matter; a unique part of the name is enough
    ("gabinetto del sindaco"). An ambiguous or unknown name is an error listing the candidates.
    """
    directions = sorted(indicators["direction"].unique())
    if not directions:
        raise KpiError("the catalog has no indicators")
    if not direction:
        return directions[0]
    return resolve_name(directions, direction, "direction")


def resolve_office(indicators: pd.DataFrame, direction: str, office: str) -> str:
    """The office of ``direction`` as the catalog writes it, matched as :func:`resolve_direction` matches."""
    offices = sorted(indicators.loc[indicators["direction"] == direction, "office"].unique())
    return resolve_name(offices, office, f"office of {direction}")


def resolve_name(names: list[str], written: str, what: str) -> str:
    """The one of ``names`` that ``written`` means: as written, case folded, loosely, or a unique part."""
    wanted = _loose(written)
    # Closest first: as written, then case folded, then loosely, then a part of the name.
    for matches in (
        lambda name: name == written,
        lambda name: fold(name) == fold(written),
        lambda name: _loose(name) == wanted,
        lambda name: bool(wanted) and f" {wanted} " in f" {_loose(name)} ",
    ):
        found = [name for name in names if matches(name)]
        if len(found) == 1:
            return found[0]
        if found:
            raise KpiError(f"{what} '{written}' matches more than one: {'; '.join(found)}")
    raise KpiError(f"{what} '{written}' is not in the catalog (known: {'; '.join(names)})")
