"""``kpi template``: the Excel workbook an office fills in with its measured values.

One row per indicator of the direction and per period due inside the requested period
(at the indicator's basis), context written out in Italian, value columns empty.
Every text cell is stored as text, so no spreadsheet program runs catalog text as a
formula.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pandas as pd

from ..catalog.indicators import read_indicators, resolve_direction, resolve_office
from ..catalog.targets import describe_target
from ..core.clock import milan_today
from ..core.errors import KpiError
from ..core.files import deterministic_xlsx
from ..core.labels import indicator_label
from ..core.numbers import NOT_AVAILABLE
from ..core.periods import FREQ_BASIS, MONTHS_IN, Period, due_periods, parse_period, periods
from ..core.text import slugify
from ..core.vocabulary import Basis, Unit
from ..core.writes import write_one
from .files import ABOUT_SHEET
from .processed import read_measurements

SHEET = "Misure"
# Columns a reminder adds after the note: what the office sent and why it could not be used.
EXTRA_COLUMNS = ("riga inviata", "motivo")
COLUMNS = [
    ("indicatore", 16),
    ("periodo", 11),
    ("ufficio", 34),
    ("processo", 40),
    ("descrizione indicatore", 60),
    ("target", 24),
    ("valore", 12),
    ("numeratore", 13),
    ("denominatore", 14),
    ("note", 40),
]
INSTRUCTIONS = [
    "Modello di raccolta delle misure degli indicatori di qualità (ISO 9001:2015)",
    "",
    "Come compilare il foglio «Misure»:",
    "1. Ogni riga è un indicatore in un periodo. Non modificare le colonne indicatore e periodo.",
    "2. Scrivere il valore misurato nella colonna «valore» (es. 92,5 per una percentuale, 12 per giorni o numero).",
    "3. Per gli indicatori in percentuale indicare, se disponibili, numeratore e denominatore "
    "(es. 37 richieste evase entro il termine su 40 ricevute): il valore si ricava da essi.",
    "4. Le percentuali vanno tra 0 e 100; durate e conteggi non possono essere negativi.",
    "5. Usare la colonna «note» per segnalare circostanze particolari del periodo.",
    "6. Lasciare vuote le righe dei periodi non ancora misurati: risulteranno come misure mancanti.",
    "7. Se il valore non è disponibile, scrivere n.d. nella colonna «valore» e il motivo nelle «note».",
    "8. Le percentuali si scrivono come numero nella cella così com'è: 92,5 (non 0,925). Se la cella è stata "
    "messa in formato percentuale, scrivere 92,5%.",
    "9. Per correggere un valore già inviato: inviare di nuovo il file (tutto o solo le righe da correggere) con la "
    "data di consegna all'inizio del nome, es. 2026-01-15_misure.xlsx. Il valore della consegna più recente "
    "sostituisce il precedente, che resta registrato tra le correzioni.",
    "",
    "Il file compilato va consegnato all'ufficio qualità, che lo inserisce in data/raw/measurements/.",
    "Le righe non utilizzabili vengono segnalate con il numero di riga e il motivo.",
]


def series_basis(indicator: dict, measurements: pd.DataFrame | None) -> str:
    """The basis values are asked at: the catalog's; else the finest period the indicator's
    measurements so far use; else monthly, except for a count (``≥10`` theses per call): it is
    asked for the template's period itself (``""``), as the evaluation requires it, so that no
    month is chased, or reported missing, in which nothing can be sent.

    >>> series_basis({"indicator_id": "kpi-a", "basis": "", "target_unit": "days"}, None)
    'monthly'
    >>> series_basis({"basis": "", "target_unit": "number"}, None), series_basis({"basis": "annual"}, None)
    ('', 'annual')
    """
    if indicator["basis"]:
        return indicator["basis"]
    if measurements is not None and len(measurements):
        own = measurements.loc[measurements["indicator_id"] == indicator["indicator_id"], "period"]
        freqs = {p.freq for p in periods(own.unique())}
        if freqs:
            return FREQ_BASIS[min(freqs, key=MONTHS_IN.get)]
    return "" if indicator.get("target_unit") == Unit.NUMBER else Basis.MONTHLY


def template_rows(
    indicators: pd.DataFrame,
    direction: str,
    period: Period,
    measurements: pd.DataFrame | None = None,
    office: str | None = None,
) -> pd.DataFrame:
    """The rows of the template: one per indicator of ``direction`` (of ``office`` only, when given) and
    period due at its series' basis."""
    chosen = indicators[indicators["direction"] == resolve_direction(indicators, direction)]
    if office is not None:
        chosen = chosen[chosen["office"] == office]
    rows = []
    for indicator in chosen.sort_values(["office", "process", "indicator_id"]).to_dict("records"):
        description = indicator_label(indicator)
        for due in due_periods(series_basis(indicator, measurements), period):
            rows.append(
                {
                    "indicatore": indicator["indicator_id"],
                    "periodo": str(due),
                    "ufficio": indicator["office"],
                    "processo": indicator["process"],
                    "descrizione indicatore": description,
                    "target": describe_target(
                        indicator["target_op"], indicator["target_value"], indicator["target_unit"]
                    ),
                    "unit": indicator["target_unit"],
                }
            )
    return pd.DataFrame(rows)


CREATOR = "kpilib (kpi template)"
# What a clerk may write in a value cell to declare the value not available: the ingest's own words.
NOT_AVAILABLE_WORDS = tuple(sorted(NOT_AVAILABLE))


def is_template(path: Path) -> bool:
    """Whether ``path`` is a workbook ``kpi template`` wrote (its creator property says so): ours to replace."""
    import zipfile
    from xml.etree import ElementTree

    try:
        with zipfile.ZipFile(path) as book:
            properties = ElementTree.fromstring(book.read("docProps/core.xml"))
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return False
    # read as XML, not as text: openpyxl writes the element differently with and without lxml installed
    creator = properties.find("{http://purl.org/dc/elements/1.1/}creator")
    return creator is not None and creator.text == CREATOR


def build_workbook(
    rows: pd.DataFrame, direction: str, period: Period, about: dict[str, str] | None = None, sheets: dict | None = None
) -> bytes:
    """The workbook as bytes: a «Misure» sheet with validation (or one sheet per office: ``sheets``,
    name -> rows), the «Istruzioni» sheet, and the hidden «modello» sheet saying what was asked
    (``about``: direction, office, period, catalog version, generated on). Columns beyond the
    template's own in ``rows`` (``riga inviata``, ``motivo``: a reminder) follow the note."""
    # openpyxl here, not at the top: 0.2 s that every other command would pay at import
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.properties.creator = CREATOR
    workbook.remove(workbook.active)
    titles: set[str] = set()
    for name, own in (sheets or {SHEET: rows}).items():
        _measures_sheet(workbook.create_sheet(_sheet_title(name, titles)), own)

    notes = workbook.create_sheet("Istruzioni")
    _text_cell(notes, 1, 1, f"{INSTRUCTIONS[0]} — {direction}, {period.label_it()}").font = Font(bold=True, size=13)
    for row_number, line in enumerate(INSTRUCTIONS[1:], start=2):
        _text_cell(notes, row_number, 1, line)
    notes.column_dimensions["A"].width = 120
    if about:
        hidden = workbook.create_sheet(ABOUT_SHEET)
        for row_number, (key, value) in enumerate(about.items(), start=1):
            _text_cell(hidden, row_number, 1, key)
            _text_cell(hidden, row_number, 2, value)
        hidden.sheet_state = "hidden"

    buffer = io.BytesIO()
    workbook.save(buffer)
    return deterministic_xlsx(buffer.getvalue())


def _sheet_title(name: str, taken: set[str]) -> str:
    r"""A valid sheet title, not yet ``taken`` (31 characters, none of ``[]:*?/\``; two offices whose
    names start alike get a number).

    >>> taken = set(); [_sheet_title("UNITÀ DI COORDINAMENTO FUNZIONI / " + x, taken) for x in "AB"]
    ['UNITÀ DI COORDINAMENTO FUNZIONI', 'UNITÀ DI COORDINAMENTO FUNZ (2)']
    """
    cleaned = ("".join("_" if c in "[]:*?/\\" else c for c in name).strip("' ") or SHEET)[:31].rstrip()
    title, number = cleaned, 1
    while title.casefold() in taken:
        number += 1
        title = f"{cleaned[: 31 - len(str(number)) - 3].rstrip()} ({number})"
    taken.add(title.casefold())
    return title


def _measures_sheet(sheet, rows: pd.DataFrame) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    extra = [(name, 40) for name in rows.columns if name in EXTRA_COLUMNS]
    columns = [*COLUMNS, *extra]
    for position, (name, width) in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=position, value=name)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
        sheet.column_dimensions[cell.column_letter].width = width
    for row_number, record in enumerate(rows.to_dict("records"), start=2):
        for position, (name, _) in enumerate(COLUMNS[:6], start=1):
            _text_cell(sheet, row_number, position, record[name])
        for position, (name, _) in enumerate(extra, start=len(COLUMNS) + 1):
            _text_cell(sheet, row_number, position, record[name]).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(row=row_number, column=5).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"  # printed, the header repeats on every page, one page wide
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True

    value_column, numerator_column, denominator_column = "G", "H", "I"
    # A value cell takes a number in range or a word declaring it not available (n.d., nd, -): a custom rule,
    # relative to the first cell of its range, so that what the ingest accepts the sheet accepts too.
    cells = {"percent": [], "other": []}
    for row_number, unit in enumerate(rows.get("unit", pd.Series(dtype=str)), start=2):
        cells["percent" if unit == Unit.PERCENT else "other"].append(f"{value_column}{row_number}")
    unavailable = ",".join(f'{{cell}}="{word}"' for word in NOT_AVAILABLE_WORDS)
    rules = {
        "percent": ("AND(ISNUMBER({cell}),{cell}>=0,{cell}<=100)", "Percentuale tra 0 e 100 (es. 92,5), oppure n.d."),
        "other": ("AND(ISNUMBER({cell}),{cell}>=0)", "Numero maggiore o uguale a zero, oppure n.d."),
    }
    for kind, chosen in cells.items():
        if not chosen:
            continue
        condition, message = rules[kind]
        first = chosen[0]
        formula = f"OR({condition},{unavailable})".replace("{cell}", first)
        validation = DataValidation(type="custom", formula1=formula, allow_blank=True)
        validation.error, validation.errorTitle = message, "Valore non valido"
        validation.showErrorMessage = True
        sheet.add_data_validation(validation)
        for cell in chosen:
            validation.add(cell)
    counts = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    counts.error, counts.errorTitle = "Numero di casi maggiore o uguale a zero.", "Valore non valido"
    counts.showErrorMessage = True
    sheet.add_data_validation(counts)
    if len(rows):
        last = len(rows) + 1
        counts.add(f"{numerator_column}2:{denominator_column}{last}")


def _text_cell(sheet, row: int, column: int, value: object):
    """A cell stored as text whatever it starts with ("=", "+", "-", "@" included)."""
    cell = sheet.cell(row=row, column=column)
    cell.value = "" if value is None else str(value)
    cell.data_type = "s"
    return cell


def run_template(
    paths,
    direction: str,
    period_text: str,
    out: Path | None = None,
    force: bool = False,
    office: str | None = None,
) -> list[Path]:
    """``kpi template``: one workbook per office of the direction (or of ``office`` only); with ``out``,
    one workbook holding a sheet per office. Returns the paths written."""
    try:
        period = parse_period(period_text)
    except ValueError as error:
        raise KpiError(str(error)) from None
    indicators = read_indicators(paths.indicators, period)  # the catalog in force in that period
    direction = resolve_direction(indicators, direction)  # the catalog's spelling goes in the sheet and the name
    offices = sorted(indicators.loc[indicators["direction"] == direction, "office"].unique())
    if office is not None:
        offices = [resolve_office(indicators, direction, office)]
    measured = read_measurements(paths.measurements) if paths.measurements.exists() else None
    per_office = {name: template_rows(indicators, direction, period, measured, name) for name in offices}
    version = catalog_version(indicators)
    generated = milan_today().isoformat()

    def about(name: str) -> dict[str, str]:
        return {
            "direzione": direction,
            "ufficio": name,
            "periodo": str(period),
            "versione del catalogo": version,
            "generato il": generated,
        }

    if out:
        out = paths.output(out, force, is_template)
        sheets = {name: rows for name, rows in per_office.items()}
        both = pd.concat(list(sheets.values()), ignore_index=True) if sheets else pd.DataFrame()
        write_one(out, build_workbook(both, direction, period, about(", ".join(offices)), sheets=sheets))
        print(
            f"template: {len(both)} row(s) for {len(offices)} office(s) of {direction}, {period} -> {paths.relative(out)}"
        )
        return [out]
    written = []
    names = office_slugs(offices)
    for name, rows in per_office.items():
        path = paths.templates_dir / f"modello_{slugify(direction, 40)}_{names[name]}_{period}.xlsx"
        write_one(path, build_workbook(rows, direction, period, about(name)))
        print(f"template: {len(rows)} row(s) for {name} ({direction}), {period} -> {paths.relative(path)}")
        written.append(path)
    return written


def office_slugs(offices: list[str]) -> dict[str, str]:
    """A file-name part per office, distinct even where two names shorten to the same one.

    >>> office_slugs(["UNITÀ A / UFFICIO B", "UNITÀ A UFFICIO B", "UFFICIO C"])["UFFICIO C"]
    'ufficio-c'
    """
    plain = {office: slugify(office, 50) for office in offices}
    taken = list(plain.values())
    return {
        office: slug if taken.count(slug) == 1 else f"{slug}-{hashlib.sha1(office.encode()).hexdigest()[:6]}"
        for office, slug in plain.items()
    }


def catalog_version(indicators: pd.DataFrame) -> str:
    """The version of the catalog in force, as its years (``2025-``, ``2024``), else ``unica``."""
    if "valid_from" not in indicators or indicators["valid_from"].isna().all():
        return "unica"
    start = int(indicators["valid_from"].dropna().max())
    ends = indicators["valid_to"].dropna()
    return f"{start}-{int(ends.min()) if len(ends) else ''}"
