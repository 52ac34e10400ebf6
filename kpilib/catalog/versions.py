"""Catalog versions: which published table is in force in which period.

A source whose file or folder name carries a year (``catalogo_2024.txt``, ``2025/tabella.xlsx``)
is the version of that year: it applies from the year's first period until the next dated
version. Sources without a year apply to the periods no dated version covers (those before
the first one; every period when there is none). ``indicators.csv`` has one row per
indicator and version, ``valid_from`` / ``valid_to`` being years (empty where open).

:func:`in_force` picks, for a period, the version of each indicator in force at its end;
:func:`newest` the latest version of every indicator, retired ones included.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..core.labels import indicator_label
from ..core.periods import FIRST_YEAR, LAST_YEAR, Period
from ..core.text import fold
from ..core.vocabulary import is_missing
from .aliases import renamed

# A year standing as a word of its own in a name (catalogo_2024, 2025, tabella 2026): never digits inside a
# longer run of letters and digits (a hash such as c9ad2024a4659c).
_YEAR = re.compile(r"(?<![A-Za-z0-9])(\d{4})(?![A-Za-z0-9])")
VERSION_COLUMNS = ["valid_from", "valid_to"]


def years_out_of_range(path: Path) -> list[int]:
    """Years written as a word of their own in a source's name that lie outside the years handled.

    >>> years_out_of_range(Path("catalogo_1899.txt")), years_out_of_range(Path("catalogo_2024.txt"))
    ([1899], [])
    """
    return [int(y) for y in _YEAR.findall(Path(path).stem) if not FIRST_YEAR <= int(y) <= LAST_YEAR]


def source_year(path: Path, folder: Path | None = None) -> int | None:
    """The year a catalog source is dated with: in its file name, else in the nearest folder below ``folder``
    (a file outside ``folder``: the folder holding it).

    >>> source_year(Path("catalogo_2024.txt")), source_year(Path("cat/2025/tabella.xlsx"), Path("cat"))
    (2024, 2025)
    >>> source_year(Path("000_c9ad083143a4659c.txt")) is None, source_year(Path("000_c9ad2024a4659c.txt")) is None
    (True, True)
    """
    path = Path(path).resolve()
    folder = Path(folder).resolve() if folder is not None else None
    if folder is not None and path.is_relative_to(folder):
        inside = path.relative_to(folder)
    else:  # a file given on the command line: its name, then the folder holding it
        inside = Path(path.parent.name) / path.name
    for part in [inside.stem, *reversed(inside.parent.parts)]:
        years = [int(y) for y in _YEAR.findall(part) if FIRST_YEAR <= int(y) <= LAST_YEAR]
        if years:
            return years[-1]
    return None


@dataclass(frozen=True)
class Version:
    """One version of the catalog: its year (``None``: undated) and the years it is in force."""

    year: int | None
    valid_from: int | None
    valid_to: int | None

    @property
    def label(self) -> str:
        """How the console names it: ``catalogo 2025``, ``tabella senza anno (fino al 2024)``."""
        if self.year is not None:
            return f"catalogo {self.year}"
        return "tabella senza anno" + (f" (fino al {self.valid_to})" if self.valid_to is not None else "")

    @property
    def label_en(self) -> str:
        """The same in the English of warnings."""
        return f"the {self.year} table" if self.year is not None else "the undated table"


def versions_of(years: list[int | None]) -> dict[int | None, Version]:
    """The validity of each version, given the years of the sources (``None`` for undated ones).

    >>> [(v.valid_from, v.valid_to) for v in versions_of([None, 2024, 2025]).values()]
    [(None, 2023), (2024, 2024), (2025, None)]
    """
    dated = sorted({year for year in years if year is not None})
    found: dict[int | None, Version] = {}
    if None in years:
        found[None] = Version(None, None, dated[0] - 1 if dated else None)
    for position, year in enumerate(dated):
        following = dated[position + 1] if position + 1 < len(dated) else None
        found[year] = Version(year, year, following - 1 if following is not None else None)
    return found


def _year_column(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series(pd.NA, index=frame.index, dtype="Int64")
    return pd.to_numeric(frame[column].replace("", None)).astype("Int64")


def _in_force_at(frame: pd.DataFrame, year: int) -> pd.Series:
    starts, ends = _year_column(frame, "valid_from"), _year_column(frame, "valid_to")
    return (starts.isna() | (starts <= year)).fillna(False) & (ends.isna() | (ends >= year)).fillna(False)


def in_force(indicators: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The indicators in force at the end of ``period``, one row each (the version then in force)."""
    chosen = indicators[_in_force_at(indicators, period.end.year).to_numpy()]
    return chosen.drop_duplicates("indicator_id", keep="last").reset_index(drop=True)


def not_in_force_message(indicators: pd.DataFrame, period: Period) -> str:
    """Why no indicator is in force in ``period``: the years the catalog's versions cover."""
    starts = _year_column(indicators, "valid_from")
    first = None if starts.isna().any() else int(starts.min())
    covered = f"its versions start in {first}" if first is not None else "every version has ended by then"
    return (
        f"no indicator of the catalog is in force in {period}: {covered} (a table named with a year applies "
        "from that year; a table without a year covers the years before the first dated one)"
    )


def covers(start, end, year: int) -> bool:
    """Whether a version in force from ``start`` to ``end`` (years; missing: open) covers ``year``.

    >>> covers(2024, None, 2030), covers(None, 2023, 2024), covers(None, None, 1990)
    (True, False, True)
    """
    return (_open(start) or int(start) <= year) and (_open(end) or int(end) >= year)


def versions_by_indicator(indicators: pd.DataFrame) -> list[list[dict]]:
    """The catalog's rows grouped by indicator as records, in the order given (``indicators.csv``:
    oldest version first; one each without versions)."""
    grouped: dict[str, list[dict]] = {}
    for record in indicators.to_dict("records"):
        grouped.setdefault(record["indicator_id"], []).append(record)
    return list(grouped.values())


def version_at(versions: list[dict], period: Period) -> dict | None:
    """Of one indicator's versions (as records), the one in force at the end of ``period``, if any."""
    year = period.end.year
    return next((v for v in reversed(versions) if covers(v.get("valid_from"), v.get("valid_to"), year)), None)


def _open(year) -> bool:
    return is_missing(year)


def newest(indicators: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator: its latest version (retired indicators too), sorted by id.

    ``valid_from`` becomes the start of the indicator's first version, so that the row
    covers the indicator's whole life: evaluating with it holds every period against the
    latest target (to hold each against its own, evaluate with every version).
    """
    starts = _year_column(indicators, "valid_from").fillna(FIRST_YEAR - 1)
    order = indicators.assign(_start=starts.to_numpy()).sort_values(["indicator_id", "_start"], kind="stable")
    first_start = order.groupby("indicator_id", sort=False)["_start"].transform("min")
    latest = order.assign(_first=first_start.to_numpy()).drop_duplicates("indicator_id", keep="last")
    if "valid_from" in latest:
        latest["valid_from"] = latest["_first"].where(latest["_first"] >= FIRST_YEAR).astype("Int64")
    return latest.drop(columns=["_start", "_first"]).reset_index(drop=True)


# What a version changed against the one before: for `kpi catalog` to print.

_NAME_FIELDS = ("direction", "area", "office", "process", "indicator")


def _describe(row: dict) -> str:
    text = indicator_label(row)
    return f"{row['indicator_id']} ({row['office']}: {text[:70]}{'…' if len(text) > 70 else ''})"


def changes_between(
    before: pd.DataFrame, after: pd.DataFrame, version_before: Version, version_after: Version
) -> tuple[list[str], list[str]]:
    """What changed from one version to the next (lines to print) and likely renames (warnings).

    Targets raised or lowered (by the comparator's direction), indicators added and retired.
    An indicator that disappears while a very similar one appears is a likely rename
    without an alias: a warning names both, so that ``aliases.csv`` can join the series.
    """
    old = {row["indicator_id"]: row for row in before.to_dict("records")}
    new = {row["indicator_id"]: row for row in after.to_dict("records")}
    lines = []
    for key in sorted(old.keys() & new.keys()):
        was, now = old[key], new[key]
        if (was["target_op"], _number(was["target_value"])) == (now["target_op"], _number(now["target_value"])):
            if was["target_raw"] != now["target_raw"]:
                lines.append(f"target riscritto: {_describe(now)}: '{was['target_raw']}' -> '{now['target_raw']}'")
            continue
        lines.append(f"{_target_move(was, now)}: {_describe(now)}: '{was['target_raw']}' -> '{now['target_raw']}'")
    added = sorted(new.keys() - old.keys())
    retired = sorted(old.keys() - new.keys())
    lines += [f"nuovo indicatore: {_describe(new[key])}" for key in added]
    lines += [f"indicatore ritirato: {_describe(old[key])}" for key in retired]
    header = f"{comparison(version_before, version_after)}: "
    lines = [header + line for line in lines]
    warnings = [
        f"{version_after.label_en}: {gone} (in {version_before.label_en}) disappears and {come} appears, "
        f"{similarity:.0%} alike: if it is the same indicator renamed, add the old name to aliases.csv"
        for gone, come, similarity in likely_renames([old[k] for k in retired], [new[k] for k in added])
    ]
    return lines, warnings


def comparison(before: Version, after: Version) -> str:
    """``catalogo 2026 rispetto al catalogo 2025``: how a line of changes starts."""
    return f"{after.label} rispetto {'al' if before.year is not None else 'alla'} {before.label}"


def _number(value) -> float | None:
    return None if _open(value) else float(value)


def _target_move(was: dict, now: dict) -> str:
    before, after = _number(was["target_value"]), _number(now["target_value"])
    if before is None or after is None or was["target_op"] != now["target_op"]:
        return "target cambiato"
    harder = after > before if now["polarity"] == "higher" else after < before
    return "target alzato" if harder else "target abbassato"


def _key(row: dict) -> str:
    return " | ".join(fold(str(row.get(field, ""))) for field in (*_NAME_FIELDS, "sub_indicator"))


def likely_renames(gone: list[dict], come: list[dict], threshold: float = 0.85) -> list[tuple[str, str, float]]:
    """Pairs (retired, added) whose names are at least ``threshold`` alike, best match first, each used once.

    Only pairs that share their office, process or indicator text are compared (a rename
    changes one name, rarely all three), so a table rewritten from scratch does not cost
    every retired indicator times every added one.
    """
    by_name: dict[tuple[str, str], list[dict]] = {}
    for new in come:
        for field in ("office", "process", "indicator"):
            by_name.setdefault((field, fold(str(new.get(field, "")))), []).append(new)
    scored = []
    for old in gone:
        candidates = {
            new["indicator_id"]: new
            for field in ("office", "process", "indicator")
            for new in by_name.get((field, fold(str(old.get(field, "")))), [])
        }
        for new in candidates.values():
            matcher = difflib.SequenceMatcher(None, _key(old), _key(new), autojunk=False)
            if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
                continue
            similarity = matcher.ratio()
            if similarity >= threshold:
                scored.append((similarity, old, new))
    pairs, used = [], set()
    for similarity, old, new in sorted(scored, key=lambda s: -s[0]):
        if old["indicator_id"] in used or new["indicator_id"] in used:
            continue
        used |= {old["indicator_id"], new["indicator_id"]}
        pairs.append((_describe(old), _describe(new), similarity))
    return pairs


def aliased_names(before_names: set[str], after_names: set[str], renames: dict[str, str]) -> list[tuple[str, str]]:
    """Old names used by one version that ``aliases.csv`` renames to a name the next version uses."""
    after = {fold(name) for name in after_names}
    found = []
    for name in sorted(before_names):
        new = renamed(name, renames)
        if fold(new) != fold(name) and fold(new) in after:
            found.append((name, new))
    return found
