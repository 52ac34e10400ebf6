"""``kpi catalog``: read every source, build the catalog, write ``indicators.csv`` and its rejects."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from ..core.errors import KpiError
from ..core.files import list_inputs, write_csvs
from ..core.rejects import rejects_frame, sort_rejects
from .aliases import FILE_NAME as ALIASES_FILE
from .aliases import read_aliases
from .indicators import build_indicators
from .sources import SOURCE_SUFFIXES, CatalogRow, read_catalog_rows


def load_catalog(
    sources: list[Path], relative=str, aliases: Path | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Read every source and build the catalog; ``relative`` names a path in messages and rejects;
    ``aliases``: the renames file, applied before the ids are derived."""
    if not sources:
        raise KpiError("no catalog source found (put the published table in data/raw/catalog/)")
    rows: list[CatalogRow] = []
    for path in sources:
        rows.extend(read_catalog_rows(path, relative(path)))
    renames, alias_rejects = read_aliases(aliases, relative(aliases)) if aliases else ({}, [])
    indicators, rejects, warnings = build_indicators(rows, renames)
    if alias_rejects:
        rejects = sort_rejects(pd.concat([rejects, rejects_frame(alias_rejects)], ignore_index=True))
    return indicators, rejects, warnings


def catalog_sources(folder: Path) -> list[Path]:
    """The published tables in ``folder``: every source but the renames file."""
    return [path for path in list_inputs(folder, SOURCE_SUFFIXES) if path.name.lower() != ALIASES_FILE]


def print_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)


def run_catalog(paths, sources: list[Path] | None = None) -> pd.DataFrame:
    """``kpi catalog``: read the sources, write ``indicators.csv`` and ``catalog_rejects.csv``."""
    sources = [Path(source) for source in sources] if sources else catalog_sources(paths.catalog_dir)
    indicators, rejects, warnings = load_catalog(sources, paths.relative, paths.catalog_dir / ALIASES_FILE)
    print_warnings(warnings)
    write_csvs({paths.indicators: indicators, paths.catalog_rejects: rejects}, paths.processed)
    print(
        f"catalog: {len(indicators)} indicators from {len(sources)} source(s), "
        f"{len(rejects)} rejected line(s), {len(warnings)} warning(s) -> {paths.relative(paths.indicators)}"
    )
    return indicators
