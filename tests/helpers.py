"""Small builders shared by the tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kpilib.catalog.indicators import INDICATOR_COLUMNS
from kpilib.cli import main
from kpilib.measurements.files import RAW_COLUMNS

HOSTILE = "<script>alert('x')</script> ../../Direzione Prova"
HEADER = "DIREZIONE\tAREA\tUNITÀ/UFFICIO\tTITOLO PROCESSO\tINDICATORE\tTARGET OBIETTIVO"


def indicator(indicator_id: str, unit: str = "percent", op: str = ">=", value: float = 80, basis: str = "", **extra):
    row = dict.fromkeys(INDICATOR_COLUMNS, "")
    polarity = "lower" if op.startswith("<") else "higher"
    row.update(
        indicator_id=indicator_id,
        direction="DIREZIONE TEST",
        office="UFFICIO",
        process="PROCESSO",
        indicator=f"INDICATORE {indicator_id}",
        target_op=op,
        target_value=value,
        target_unit=unit,
        polarity=polarity,
        basis=basis,
        deadline_value=None,
        percentile=None,
    )
    row.update(extra)
    return row


def catalog(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=INDICATOR_COLUMNS)


def records(*rows, source="misure.csv", delivered_on="") -> pd.DataFrame:
    """Text records as a measurement file gives them: (indicator, period, value[, numerator, denominator[, note]])."""
    out = []
    for number, cells in enumerate(rows, start=2):
        cells = ([*list(cells), "", "", "", ""])[:6]
        out.append(
            {
                "source": source,
                "row": number,
                "indicator_id": cells[0],
                "period": cells[1],
                "value": cells[2],
                "numerator": cells[3],
                "denominator": cells[4],
                "note": cells[5],
                "typed": "",
                "problem": "",
                "problem_detail": "",
                "raw": " | ".join(cells[:5]) + (f" | {cells[5]}" if cells[5] else ""),
                "delivered_on": delivered_on,
            }
        )
    return pd.DataFrame(out, columns=RAW_COLUMNS)


# Opportunity kinds from most to least urgent, as kpilib.analysis.opportunities documents them.
KINDS_IN_ORDER = [
    "consistently_failing",
    "special_cause_concern",
    "deteriorating",
    "not_met",
    "hit_and_miss",
    "missing_data",
    "raise_target",
]


def write_catalog(root, *rows: str) -> None:
    """``root``'s published table: the header and ``rows`` (tab-separated, as the seed), in
    ``data/raw/catalog/catalogo.txt``."""
    folder = Path(root) / "data" / "raw" / "catalog"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "catalogo.txt").write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")


def report_root(root, hostile: bool = True):
    """A small root: three indicators of two directions (one hostile name), twelve months of values;
    without ``hostile``, the one direction (two indicators), for tests that only need pages rendered."""
    write_catalog(
        root,
        "DIREZIONE CULTURA\t-\tUFFICIO MOSTRE\tPRESTITI\tPERCENTUALE DI PRESTITI EVASI ENTRO 10 GIORNI\t≥90%",
        "DIREZIONE CULTURA\t-\tUFFICIO MOSTRE\tVISITE\tNUMERO DI VISITE GUIDATE SU BASE MENSILE\t≥4",
        *([f"{HOSTILE}\t-\tUFFICIO <b>X</b>\tPROCESSO\tTEMPO MASSIMO DI RISPOSTA\t30 GG"] if hostile else []),
    )
    assert main(["catalog", "--root", str(root)]) == 0
    import pandas as pd

    ids = pd.read_csv(root / "data" / "processed" / "indicators.csv").set_index("process")["indicator_id"]
    lines = ["indicatore;periodo;valore;numeratore;denominatore;note"]
    for month in range(1, 13):
        if month == 9:  # declared not available, with the reason
            lines.append(f"{ids['PRESTITI']};2025-09;n.d.;;;sistema dei prestiti fermo per migrazione")
        else:
            lines.append(f"{ids['PRESTITI']};2025-{month:02d};;{8 + month % 3};10;")
        note = "bando prorogato a luglio" if month == 11 else ""
        lines.append(f"{ids['VISITE']};2025-{month:02d};{3 + month % 4};;;{note}")
        if hostile:
            lines.append(f"{ids['PROCESSO']};2025-{month:02d};{20 + month};;;")
    (root / "data" / "raw" / "measurements").mkdir(parents=True)
    (root / "data" / "raw" / "measurements" / "misure.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root
