"""Renamed units: ``data/raw/catalog/aliases.csv`` maps an old name to the new one.

Two columns, ``old`` and ``new`` (Italian ``vecchio`` and ``nuovo``): a direction, area,
office, process or indicator text written the old way is read as the new one before the
indicator's id is derived, so a series keeps its id across a rename. Names are compared
folded (case and spacing do not matter). The file is read, never written; a row that cannot
be used goes to ``catalog_rejects.csv``.
"""

from __future__ import annotations

from pathlib import Path

from ..core.errors import KpiError
from ..core.files import read_csv_rows
from ..core.rejects import reject
from ..core.schema import DuplicateHeading
from ..core.schemas import ALIASES
from ..core.text import collapse_whitespace, fold

FILE_NAME = "aliases.csv"


def read_aliases(path: Path, source: str) -> tuple[dict[str, str], list[dict]]:
    """The renames (folded old name -> new name as written) and the rows that could not be used."""
    if not Path(path).is_file():
        return {}, []
    rows = read_csv_rows(path)
    try:
        where = ALIASES.locate(rows[0] if rows else [])
    except DuplicateHeading as error:
        raise KpiError(f"{path}: {error}") from None
    if any(name not in where for name in ALIASES.required):
        return {}, [reject(source, 1, "missing_header", "", needed="le colonne vecchio e nuovo (old, new)")]
    renames, rejects = {}, []
    rows_of: dict[str, tuple[int, str]] = {}
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        old, new = (collapse_whitespace(cells[i]) if i < len(cells) else "" for i in (where["old"], where["new"]))
        raw = " | ".join(cells)
        if not old or not new:
            rejects.append(reject(source, number, "alias_incomplete", raw))
        elif fold(old) in renames and fold(renames[fold(old)]) != fold(new):
            rejects.append(reject(source, number, "alias_repeated", raw, old=old, new=renames[fold(old)]))
        else:
            renames[fold(old)] = new
            rows_of[fold(old)] = (number, raw)
    circular = {key for key in renames if _circular(key, renames)}
    for key in circular:
        number, raw = rows_of[key]
        rejects.append(reject(source, number, "alias_circular", raw, name=renames[key]))
    kept = {key: value for key, value in renames.items() if key not in circular}
    return kept, sorted(rejects, key=lambda record: record["row"])


def _circular(start: str, renames: dict[str, str]) -> bool:
    seen, key = set(), start
    while key in renames and key not in seen:
        seen.add(key)
        key = fold(renames[key])
    return key == start


def renamed(name: str, renames: dict[str, str]) -> str:
    """``name`` under its new name, following chains of renames (a -> b -> c), once each.

    >>> renamed("Ufficio Stampa", {"ufficio stampa": "Ufficio Comunicazione"})
    'Ufficio Comunicazione'
    """
    seen = set()
    while fold(name) in renames and fold(name) not in seen:
        seen.add(fold(name))
        name = renames[fold(name)]
    return name
