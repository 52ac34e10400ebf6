"""The nonconformity register (ISO 9001, 10.2).

Every period in which a target was not met is a candidate nonconformity. The quality
office records cause, action, owner and review date in
``data/raw/nonconformities/register.csv`` (any ``.csv`` in that folder), which the code
reads and never writes. The analysis lists every not-met period with what was recorded
and a state: ``senza_azione`` (no action recorded), ``azione_scaduta`` (review date
passed, indicator not recovered), ``in_corso`` (action recorded, review date ahead) or
``rientrata`` (the indicator met its target in at least
:data:`RECOVERY_SHARE` of the periods measured since).
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd

from ..core.files import list_inputs, read_csv_rows
from ..core.periods import FIRST_YEAR, LAST_YEAR, Period, parse_period
from ..core.rejects import reject, rejects_frame
from ..core.text import plain_key
from ..core.vocabulary import Status

REGISTER_FIELDS = {
    "indicator_id": {"indicatorid", "indicatore"},
    "period": {"period", "periodo"},
    "cause": {"cause", "causa"},
    "action": {"action", "azione", "azionecorrettiva"},
    "owner": {"owner", "responsabile"},
    "review_date": {"reviewdate", "verifica", "dataverifica", "datadiverifica", "scadenza"},
}
NONCONFORMITY_COLUMNS = [
    "indicator_id",
    "period",
    "value",
    "target_raw",
    "cause",
    "action",
    "owner",
    "review_date",
    "state",
    "recovered",
    "later_periods_met",
    "later_periods_measured",
    "source",
    "row",
]
RECOVERY_SHARE = 2 / 3


def read_register(folder: Path, relative=str) -> pd.DataFrame:
    """Every register row as text, with ``source`` and ``row``; an absent folder gives no rows."""
    rows = []
    for path in list_inputs(folder, (".csv",)):
        lines = read_csv_rows(path)
        if not lines:
            continue
        header = [plain_key(cell) for cell in lines[0]]
        positions = {
            field: next((i for i, key in enumerate(header) if key in aliases), None)
            for field, aliases in REGISTER_FIELDS.items()
        }
        for number, cells in enumerate(lines[1:], start=2):
            if not any(cell.strip() for cell in cells):
                continue
            record = {
                field: (cells[i].strip() if i is not None and i < len(cells) else "") for field, i in positions.items()
            }
            rows.append({**record, "source": relative(path), "row": number, "raw": " | ".join(cells)})
    return pd.DataFrame(rows, columns=[*REGISTER_FIELDS, "source", "row", "raw"])


def _date(text: str) -> dt.date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def validate_register(register: pd.DataFrame, indicators: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Usable register entries (period canonical, review date parsed) and rejects with Italian reasons."""
    known = set(indicators["indicator_id"])
    good, rejects = [], []
    first_rows: dict[tuple, dict] = {}
    for record in register.to_dict("records"):
        reason = None
        try:
            period = str(parse_period(record["period"])) if record["period"] else None
        except ValueError:
            period, reason = None, f"periodo non riconosciuto: '{record['period']}'"
        try:
            review = _date(record["review_date"]) if record["review_date"] else None
        except ValueError:
            review, reason = (
                None,
                reason or f"data di verifica non valida: '{record['review_date']}' (usare GG/MM/AAAA)",
            )
        if review is not None and not FIRST_YEAR <= review.year <= LAST_YEAR:
            review, reason = (
                None,
                reason
                or (f"data di verifica fuori dagli anni gestiti ({FIRST_YEAR}-{LAST_YEAR}): '{record['review_date']}'"),
            )
        if record["indicator_id"].lower() not in known:
            reason = f"indicatore sconosciuto: '{record['indicator_id']}'"
        elif period is None and reason is None:
            reason = "periodo mancante"
        key = (record["indicator_id"].lower(), period)
        if reason is None and key in first_rows:
            first = first_rows[key]
            reason = (
                f"riga ripetuta: {first['source']} riga {first['row']} registra già {key[0]} nel periodo {period} "
                "(unire le due righe in una)"
            )
        if reason is None:
            first_rows[key] = record
        if reason:
            rejects.append(reject(record["source"], record["row"], reason, record["raw"]))
        else:
            good.append(
                {**record, "indicator_id": record["indicator_id"].lower(), "period": period, "review_date": review}
            )
    return (
        pd.DataFrame(good, columns=[*REGISTER_FIELDS, "source", "row", "raw"]),
        rejects_frame(rejects),
    )


def nonconformities(
    evaluation: pd.DataFrame, register: pd.DataFrame, indicators: pd.DataFrame, reference: dt.date
) -> pd.DataFrame:
    """Every not-met period up to the evaluated one, with what the register says and its state.

    ``reference``: the date review dates are compared with (the end of the evaluated period,
    so that the same inputs always give the same answer).
    """
    target_raw = indicators.set_index("indicator_id")["target_raw"]
    entries = {(r["indicator_id"], r["period"]): r for r in register.to_dict("records")}
    candidates = evaluation[(evaluation["status"] == Status.NOT_MET) & evaluation["series"].astype(bool)]
    series = evaluation[evaluation["series"].astype(bool)]
    rows = []
    for candidate in candidates.to_dict("records"):
        key = (candidate["indicator_id"], candidate["period"])
        entry = entries.get(key, {})
        start = parse_period(candidate["period"])
        later = series[
            (series["indicator_id"] == key[0])
            & series["period"].map(lambda p, s=start: parse_period(p).start > s.start)
        ]
        measured = later[later["status"].isin([Status.MET, Status.NOT_MET])]
        met = int((measured["status"] == Status.MET).sum())
        recovered = len(measured) > 0 and met >= RECOVERY_SHARE * len(measured)
        action = entry.get("action", "")
        review = entry.get("review_date")
        if not action:
            state = "senza_azione"
        elif recovered:
            state = "rientrata"
        elif review is not None and review < reference:
            state = "azione_scaduta"
        else:
            state = "in_corso"
        rows.append(
            {
                "indicator_id": key[0],
                "period": key[1],
                "value": candidate["value"],
                "target_raw": target_raw.get(key[0], ""),
                "cause": entry.get("cause", ""),
                "action": action,
                "owner": entry.get("owner", ""),
                "review_date": review.isoformat() if review else "",
                "state": state,
                "recovered": recovered,
                "later_periods_met": met,
                "later_periods_measured": len(measured),
                "source": entry.get("source", ""),
                "row": entry.get("row", math.nan),
            }
        )
    return pd.DataFrame(rows, columns=NONCONFORMITY_COLUMNS)


def reference_date(evaluated: Period) -> dt.date:
    return evaluated.end
