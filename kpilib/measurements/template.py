"""``kpi template``: the Excel workbook an office fills in with its measured values.

One row per indicator of the direction and per period due inside the requested period
(at the indicator's basis), context written out in Italian, value columns empty.
Every text cell is stored as text, so no spreadsheet program runs catalog text as a
formula.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from ..catalog.indicators import read_indicators, resolve_direction
from ..catalog.targets import describe_target
from ..core.errors import KpiError
from ..core.files import deterministic_xlsx
from ..core.labels import indicator_label
from ..core.numbers import NOT_AVAILABLE
from ..core.periods import FREQ_BASIS, MONTHS_IN, Period, due_periods, parse_period, periods
from ..core.text import slugify
from ..core.vocabulary import Basis, Unit
from ..core.writes import write_one
from .ingest import read_measurements

SHEET = "Misure"
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
    "8. Le percentuali si scrivono come numero, 92,5 (non 0,925 e senza formato percentuale sulla cella).",
    "",
    "Il file compilato va consegnato all'ufficio qualità, che lo inserisce in data/raw/measurements/.",
    "Le righe non utilizzabili vengono segnalate con il numero di riga e il motivo.",
]


def series_basis(indicator: dict, measurements: pd.DataFrame | None) -> str:
    """The basis values are asked at: the catalog's; else the finest period the indicator's
    measurements so far use; else monthly. So every value asked for lands in the series.

    >>> series_basis({"indicator_id": "kpi-a", "basis": ""}, None), series_basis({"basis": "annual"}, None)
    ('monthly', 'annual')
    """
    if indicator["basis"]:
        return indicator["basis"]
    if measurements is not None and len(measurements):
        own = measurements.loc[measurements["indicator_id"] == indicator["indicator_id"], "period"]
        freqs = {p.freq for p in periods(own.unique())}
        if freqs:
            return FREQ_BASIS[min(freqs, key=MONTHS_IN.get)]
    return Basis.MONTHLY


def template_rows(
    indicators: pd.DataFrame, direction: str, period: Period, measurements: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The rows of the template: one per indicator of ``direction`` and period due at its series' basis."""
    chosen = indicators[indicators["direction"] == resolve_direction(indicators, direction)]
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

    try:
        with zipfile.ZipFile(path) as book:
            return f"<dc:creator>{CREATOR}</dc:creator>" in book.read("docProps/core.xml").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False


def build_workbook(rows: pd.DataFrame, direction: str, period: Period) -> bytes:
    """The workbook as bytes: «Misure» sheet with validation, «Istruzioni» sheet."""
    # openpyxl here, not at the top: 0.2 s that every other command would pay at import
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    workbook.properties.creator = CREATOR
    sheet = workbook.active
    sheet.title = SHEET
    for position, (name, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=position, value=name)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
        sheet.column_dimensions[cell.column_letter].width = width
    for row_number, record in enumerate(rows.to_dict("records"), start=2):
        for position, (name, _) in enumerate(COLUMNS[:6], start=1):
            _text_cell(sheet, row_number, position, record[name])
        sheet.cell(row=row_number, column=5).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"

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

    notes = workbook.create_sheet("Istruzioni")
    _text_cell(notes, 1, 1, f"{INSTRUCTIONS[0]} — {direction}, {period.label_it()}").font = Font(bold=True, size=13)
    for row_number, line in enumerate(INSTRUCTIONS[1:], start=2):
        _text_cell(notes, row_number, 1, line)
    notes.column_dimensions["A"].width = 120

    buffer = io.BytesIO()
    workbook.save(buffer)
    return deterministic_xlsx(buffer.getvalue())


def _text_cell(sheet, row: int, column: int, value: object):
    """A cell stored as text whatever it starts with ("=", "+", "-", "@" included)."""
    cell = sheet.cell(row=row, column=column)
    cell.value = "" if value is None else str(value)
    cell.data_type = "s"
    return cell


def run_template(paths, direction: str, period_text: str, out: Path | None = None, force: bool = False) -> Path:
    """``kpi template``: write the workbook; returns its path."""
    try:
        period = parse_period(period_text)
    except ValueError as error:
        raise KpiError(str(error)) from None
    indicators = read_indicators(paths.indicators, period)  # the catalog in force in that period
    direction = resolve_direction(indicators, direction)  # the catalog's spelling goes in the sheet and the name
    measured = read_measurements(paths.measurements) if paths.measurements.exists() else None
    rows = template_rows(indicators, direction, period, measured)
    out = (
        paths.output(out, force, is_template)
        if out
        else paths.templates_dir / f"modello_{slugify(direction)}_{period}.xlsx"
    )
    write_one(out, build_workbook(rows, direction, period))
    print(f"template: {len(rows)} row(s) for {direction}, {period} -> {paths.relative(out)}")
    return out
