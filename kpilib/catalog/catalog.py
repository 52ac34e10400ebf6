"""``kpi catalog``: read every source, build the catalog, write ``indicators.csv`` and its rejects.

Sources dated with a year are versions of the table (:mod:`.versions`): each is built on
its own, after the renames of ``aliases.csv``, and ``indicators.csv`` gets one row per
indicator and version with the years it is in force.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..core.errors import KpiError
from ..core.files import list_inputs, write_csvs
from ..core.periods import FIRST_YEAR, LAST_YEAR
from ..core.rejects import rejects_frame, sort_rejects
from ..core.schemas import ID_ALIASES, INDICATORS
from ..core.text import collapse_whitespace
from .aliases import FILE_NAME as ALIASES_FILE
from .aliases import read_aliases
from .indicators import build_indicators
from .sources import SOURCE_SUFFIXES, CatalogRow, read_catalog_rows
from .versions import (
    VERSION_COLUMNS,
    aliased_names,
    changes_between,
    comparison,
    source_year,
    versions_of,
    years_out_of_range,
)

CATALOG_COLUMNS = INDICATORS.names


@dataclass(frozen=True)
class CatalogBuild:
    """What ``kpi catalog`` makes of its sources.

    ``indicators``: the rows of ``indicators.csv`` (one per indicator and version);
    ``rejects``: ``catalog_rejects.csv``; ``warnings``: for stderr; ``changes``: what each
    version changed against the one before, for the console.
    """

    indicators: pd.DataFrame
    rejects: pd.DataFrame
    warnings: list[str]
    changes: list[str]
    issued_ids: pd.DataFrame | None = None  # indicator_aliases.csv: ids as issued before a rename


def load_catalog(sources: list[Path], relative=str, aliases: Path | None = None, folder: Path | None = None):
    """Read every source and build the catalog, version by version (:class:`CatalogBuild`).

    ``relative`` names a path in messages and rejects; ``aliases``: the renames file, applied
    before the ids are derived; ``folder``: where dated subfolders (``2025/…``) are looked for.
    """
    if not sources:
        raise KpiError("no catalog source found (put the published table in data/raw/catalog/)")
    renames, alias_rejects = read_aliases(aliases, relative(aliases)) if aliases else ({}, [])
    years = [source_year(path, folder) for path in sources]
    versions = versions_of(years)
    rows_by_year: dict[int | None, list[CatalogRow]] = {year: [] for year in versions}
    for path, year in zip(sources, years, strict=True):
        rows_by_year[year].extend(read_catalog_rows(path, relative(path)))
    frames, rejects, warnings, changes, issued = [], [], [], [], []
    previous = None
    for year in sorted(versions, key=lambda y: -1 if y is None else y):
        version = versions[year]
        issued_as: dict[str, str] = {}
        built, built_rejects, built_warnings = build_indicators(rows_by_year[year], renames, issued_as)
        issued += [
            {"old_id": old, "indicator_id": new, "valid_from": version.valid_from, "valid_to": version.valid_to}
            for old, new in sorted(issued_as.items())
        ]
        if built.empty:
            built_warnings.append(f"{version.label_en}: no indicator could be read (see catalog_rejects.csv)")
        frames.append(built.assign(valid_from=version.valid_from, valid_to=version.valid_to))
        rejects.append(built_rejects)
        warnings += built_warnings
        names = {collapse_whitespace(cell) for row in rows_by_year[year] for cell in row.fields[:5]}
        if previous is not None:
            before, before_names, before_version = previous
            lines, likely = changes_between(before, built, before_version, version)
            renamed_lines = [
                f"{comparison(before_version, version)}: rinominato (aliases.csv): '{old}' -> '{new}'"
                for old, new in aliased_names(before_names, names, renames)
            ]
            said = renamed_lines + lines
            changes += said or [f"{comparison(before_version, version)}: nessun cambiamento"]
            warnings += likely
        previous = (built, names, version)
    if None not in versions:
        first = min(versions)
        changes.insert(
            0,
            f"catalogo: la prima versione vale dal {first}; per i periodi precedenti nessun indicatore è in vigore "
            "(una tabella senza anno nel nome li coprirebbe)",
        )
    indicators = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    for column in VERSION_COLUMNS:
        indicators[column] = indicators[column].astype("Int64")
    indicators = indicators.sort_values(["indicator_id", "valid_from"], kind="stable", na_position="first")
    all_rejects = pd.concat([*rejects, rejects_frame(alias_rejects)], ignore_index=True)
    return CatalogBuild(
        indicators[CATALOG_COLUMNS].reset_index(drop=True),
        sort_rejects(all_rejects),
        warnings,
        changes,
        ID_ALIASES.typed(pd.DataFrame(issued, columns=ID_ALIASES.names)),
    )


def catalog_sources(folder: Path) -> list[Path]:
    """The published tables in ``folder`` and its year folders (``2025/…``): every source but the renames file."""
    found = [path for path in list_inputs(folder, SOURCE_SUFFIXES) if path.name.lower() != ALIASES_FILE]
    for sub in year_folders(folder):
        found += [path for path in list_inputs(sub, SOURCE_SUFFIXES) if path.name.lower() != ALIASES_FILE]
    return found


def year_folders(folder: Path) -> list[Path]:
    return [path for path in _subfolders(folder) if source_year(path / "x", folder) is not None]


def unread_folders(folder: Path) -> list[Path]:
    """Subfolders of the catalog folder that are not read: their name carries no year."""
    return [path for path in _subfolders(folder) if source_year(path / "x", folder) is None]


def _subfolders(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.iterdir() if path.is_dir() and not path.name.startswith("."))


def print_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)


def run_catalog(paths, sources: list[Path] | None = None) -> pd.DataFrame:
    """``kpi catalog``: read the sources, write ``indicators.csv`` and ``catalog_rejects.csv``."""
    skipped = []
    if not sources:
        skipped = [
            f"{paths.relative(folder)}: folder not read, its name has no year (a republished table goes in "
            "a folder named after its year, 2026/, or carries the year in its file name)"
            for folder in unread_folders(paths.catalog_dir)
        ]
        skipped += [
            f"{paths.relative(folder)}: folder not read (only the year folders directly under "
            f"{paths.relative(paths.catalog_dir)}/ are read; move a table to be used there)"
            for year_folder in year_folders(paths.catalog_dir)
            for folder in _subfolders(year_folder)
        ]
    sources = [Path(source) for source in sources] if sources else catalog_sources(paths.catalog_dir)
    skipped += [
        f"{paths.relative(source)}: the year {year} in its name lies outside the years handled "
        f"({FIRST_YEAR}-{LAST_YEAR}): not used to date the table"
        for source in sources
        for year in years_out_of_range(source)
    ]
    built = load_catalog(sources, paths.relative, paths.catalog_dir / ALIASES_FILE, paths.catalog_dir)
    print_warnings([*skipped, *built.warnings])
    for line in built.changes:
        print(line)
    write_csvs(
        {
            paths.indicators: built.indicators,
            paths.catalog_rejects: built.rejects,
            paths.indicator_aliases: built.issued_ids,
        },
        paths.processed,
    )
    indicators = built.indicators
    count = indicators["indicator_id"].nunique()
    versions = indicators[["valid_from", "valid_to"]].drop_duplicates().sort_values("valid_from", na_position="first")
    spans = [_span(start, end) for start, end in versions.itertuples(index=False)]
    in_versions = f" in {len(versions)} versions ({', '.join(spans)})" if len(versions) > 1 else ""
    print(
        f"catalog: {count} indicators{in_versions} from {len(sources)} source(s), "
        f"{len(built.rejects)} rejected line(s), {len(built.warnings)} warning(s) -> {paths.relative(paths.indicators)}"
    )
    return indicators


def _span(start, end) -> str:
    """The years a version is in force, for the console: ``-2024``, ``2025``, ``2026-``."""
    first = "" if pd.isna(start) else str(int(start))
    last = "" if pd.isna(end) else str(int(end))
    return first if first and first == last else f"{first}-{last}"
