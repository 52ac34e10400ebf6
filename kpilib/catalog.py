"""The indicator catalog: from the published table to machine-checkable indicators.

Sources are the page export as text (blocks of tab-separated rows under a repeated
six-column header), or CSV / XLSX files with the same six headers. :func:`read_catalog_rows`
turns a source into raw rows; :func:`build_indicators` is the pure heart: rows in,
indicators and rejects out.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import KpiError
from .files import list_inputs, read_csv_rows, read_text, read_workbook
from .targets import DURATION_UNITS, parse_target
from .text import collapse_whitespace, fold, plain_key
from .wording import basis_of, deadline_of, percentile_of, sub_indicator_labels

FIELDS = ("direction", "area", "office", "process", "indicator", "target_raw")
HEADER_ALIASES = {
    "direction": {"direzione"},
    "area": {"area"},
    "office": {"unitaufficio", "unitauffici", "ufficio", "unita"},
    "process": {"titoloprocesso", "processo"},
    "indicator": {"indicatore"},
    "target_raw": {"targetobiettivo", "target", "obiettivo"},
}
INDICATOR_COLUMNS = [
    "indicator_id",
    "direction",
    "area",
    "office",
    "process",
    "indicator",
    "sub_indicator",
    "target_raw",
    "target_op",
    "target_value",
    "target_unit",
    "polarity",
    "basis",
    "deadline_value",
    "deadline_unit",
    "percentile",
]
REJECT_COLUMNS = ["source", "line", "reason", "raw"]
SOURCE_SUFFIXES = (".txt", ".tsv", ".csv", ".xlsx")
_AREA_PLACEHOLDER = re.compile(r"^[\s/\-–—]*$")


@dataclass(frozen=True)
class CatalogRow:
    """One line of a source that sits under a header: its fields as written."""

    source: str
    line: int
    fields: tuple[str, ...]


def _header_field(cell: object) -> str | None:
    key = plain_key(cell)
    return next((name for name, aliases in HEADER_ALIASES.items() if key in aliases), None)


def _is_header(cells: list[str]) -> bool:
    return [_header_field(cell) for cell in cells if collapse_whitespace(cell)] == list(FIELDS)


def _rows_under_headers(lines: list[list[str]], source: str) -> list[CatalogRow]:
    """Rows after the first header; ``lines`` are numbered from 1 as a person sees them."""
    rows: list[CatalogRow] = []
    seen_header = False
    for number, cells in enumerate(lines, start=1):
        cells = _trim_trailing_blanks(cells)
        if not any(collapse_whitespace(cell) for cell in cells):
            continue
        if _is_header(cells):
            seen_header = True
            continue
        if seen_header:
            rows.append(CatalogRow(source, number, tuple(cells)))
    if not seen_header:
        raise KpiError(
            f"{source}: no header row found (expected columns: DIREZIONE, AREA, UNITÀ/UFFICIO, "
            "TITOLO PROCESSO, INDICATORE, TARGET OBIETTIVO)"
        )
    return rows


def _trim_trailing_blanks(cells: list[str]) -> list[str]:
    while len(cells) > len(FIELDS) and not collapse_whitespace(cells[-1]):
        cells = cells[:-1]
    return cells


def read_catalog_rows(path: Path, source: str | None = None) -> list[CatalogRow]:
    """Rows under the headers of one catalog source (``.txt``/``.tsv``, ``.csv``, ``.xlsx``)."""
    path = Path(path)
    source = source or str(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        lines = next(iter(read_workbook(path).values()), [])
    elif suffix in (".txt", ".tsv"):
        lines = [line.split("\t") for line in read_text(path).splitlines()]
    elif suffix == ".csv":
        lines = read_csv_rows(path)
    else:
        raise KpiError(f"{path}: unsupported catalog format '{suffix}' (use .txt, .csv or .xlsx)")
    return _rows_under_headers(lines, source)


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


def build_indicators(rows: list[CatalogRow]) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Indicators, rejects and warnings from catalog rows.

    Returns ``(indicators, rejects, warnings)``: indicators sorted by id with the columns
    of ``indicators.csv``; rejects with ``source``, ``line``, ``reason`` (Italian), ``raw``.
    """
    rejects: list[dict] = []
    warnings: list[str] = []
    accepted: list[dict] = []
    first_seen: dict[tuple, CatalogRow] = {}
    for row in rows:
        raw = "\t".join(row.fields)
        if len(row.fields) != len(FIELDS):
            rejects.append(_reject(row, f"numero di campi errato: {len(row.fields)} invece di {len(FIELDS)}"))
            continue
        values = dict(zip(FIELDS, (collapse_whitespace(cell) for cell in row.fields), strict=True))
        if _AREA_PLACEHOLDER.match(values["area"]):
            values["area"] = ""
        missing = [name for name in ("direction", "office", "process", "indicator") if not values[name]]
        if missing:
            rejects.append(_reject(row, "campi obbligatori vuoti: " + ", ".join(_ITALIAN_FIELD[m] for m in missing)))
            continue
        key = tuple(fold(values[name]) for name in FIELDS)
        if key in first_seen:
            rejects.append(
                _reject(row, f"riga duplicata: identica alla riga {first_seen[key].line} di {first_seen[key].source}")
            )
            continue
        first_seen[key] = row
        accepted.append({**values, "_source": row.source, "_line": row.line, "_raw": raw})

    indicators: list[dict] = []
    for values in accepted:
        thresholds = parse_target(values["target_raw"])
        if not thresholds:
            warnings.append(
                f"{values['_source']}:{values['_line']}: target '{values['target_raw']}' not understood; "
                "indicator kept without a target"
            )
        labels = sub_indicator_labels(values["indicator"], len(thresholds)) if len(thresholds) > 1 else [""]
        for label, threshold in zip(labels, thresholds or [None], strict=True):
            indicators.append(_indicator_record(values, label, threshold))

    frame = pd.DataFrame(indicators, columns=[*INDICATOR_COLUMNS, "_source", "_line", "_raw"])
    frame, conflict_rejects = _drop_conflicting_ids(frame)
    rejects.extend(conflict_rejects)
    for column in ("direction", "office", "area"):
        frame[column] = _display_spelling(frame[column])
    frame = frame.sort_values("indicator_id", kind="stable").reset_index(drop=True)
    reject_frame = pd.DataFrame(rejects, columns=REJECT_COLUMNS)
    reject_frame = reject_frame.sort_values(["source", "line"], kind="stable").reset_index(drop=True)
    return frame[INDICATOR_COLUMNS], reject_frame, warnings


_ITALIAN_FIELD = {
    "direction": "DIREZIONE",
    "office": "UNITÀ/UFFICIO",
    "process": "TITOLO PROCESSO",
    "indicator": "INDICATORE",
}


def _reject(row: CatalogRow, reason: str) -> dict:
    return {"source": row.source, "line": row.line, "reason": reason, "raw": "\t".join(row.fields)}


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
    if threshold.unit == "percent" and (deadline := deadline_of(values["indicator"])):
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
            others = ", ".join(str(line) for line in group["_line"] if line != record["_line"])
            rejects.append(
                {
                    "source": record["_source"],
                    "line": record["_line"],
                    "reason": f"stesso indicatore della riga {others} con un target diverso: da chiarire con l'ufficio",
                    "raw": record["_raw"],
                }
            )
    return frame[~clashing], rejects


def load_catalog(sources: list[Path], relative=str) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Read every source and build the catalog; ``relative`` names a path in messages and rejects."""
    if not sources:
        raise KpiError("no catalog source found (put the published table in data/raw/catalog/)")
    rows: list[CatalogRow] = []
    for path in sources:
        rows.extend(read_catalog_rows(path, relative(path)))
    return build_indicators(rows)


def catalog_sources(folder: Path) -> list[Path]:
    return list_inputs(folder, SOURCE_SUFFIXES)


def read_indicators(path: Path) -> pd.DataFrame:
    """``indicators.csv`` as written by ``kpi catalog``, with its dtypes."""
    if not Path(path).exists():
        raise KpiError(f"{path}: not found; run 'kpi catalog' first")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for column in ("target_value", "deadline_value", "percentile"):
        frame[column] = pd.to_numeric(frame[column].replace("", None))
    return frame


def print_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)


def run_catalog(paths, sources: list[Path] | None = None) -> pd.DataFrame:
    """``kpi catalog``: read the sources, write ``indicators.csv`` and ``catalog_rejects.csv``."""
    from .files import write_csv

    sources = [Path(source) for source in sources] if sources else catalog_sources(paths.catalog_dir)
    indicators, rejects, warnings = load_catalog(sources, paths.relative)
    print_warnings(warnings)
    write_csv(indicators, paths.indicators)
    write_csv(rejects, paths.catalog_rejects)
    print(
        f"catalog: {len(indicators)} indicators from {len(sources)} source(s), "
        f"{len(rejects)} rejected line(s), {len(warnings)} warning(s) -> {paths.relative(paths.indicators)}"
    )
    return indicators
