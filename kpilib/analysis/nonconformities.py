"""Nonconformities (ISO 9001, 10.2) as episodes, and the register that records what was done.

A nonconformity is an episode, not a missed month: it opens at the first measured period of
an indicator's series that misses its target, takes in every later miss, and closes when the
target is met again in the following :data:`CLOSE_AFTER` measured periods in a row (3 for a
monthly series, 2 for a quarterly one, 1 otherwise), or when the register records it closed.
The quality office records cause, action, owner, review date (and, when it closes one by
decision, the closing date) in ``data/raw/nonconformities/*.csv``, which the code reads and
never writes. Each register row attaches to the episode that contains its period; one that
matches none, or repeats an episode already recorded, goes to the rejects with the reason.
An open episode whose review date has passed is overdue ("scaduta").
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd

from ..catalog.versions import version_at, versions_by_indicator
from ..core.files import list_inputs, read_csv_rows
from ..core.periods import FIRST_YEAR, LAST_YEAR, Period, parse_period, period_of
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
    "closed_on": {"closedon", "closed", "chiusa", "chiusail", "datachiusura", "chiusura"},
}
NONCONFORMITY_COLUMNS = [
    "indicator_id",
    "first_period",
    "last_period",
    "periods_not_met",
    "open",
    "closed_period",
    "closed_by",
    "cause",
    "action",
    "owner",
    "review_date",
    "overdue",
    "state",
    "last_value",
    "target_raw",
    "source",
    "row",
]
# Measured periods in a row that must meet the target again to close an episode, by series length.
CLOSE_AFTER = {"month": 3, "quarter": 2}


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
        try:
            closed_on = _date(record["closed_on"]) if record["closed_on"] else None
        except ValueError:
            closed_on, reason = (
                None,
                reason or f"data di chiusura non valida: '{record['closed_on']}' (usare GG/MM/AAAA)",
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
                {
                    **record,
                    "indicator_id": record["indicator_id"].lower(),
                    "period": period,
                    "review_date": review,
                    "closed_on": closed_on,
                }
            )
    return (
        pd.DataFrame(good, columns=[*REGISTER_FIELDS, "source", "row", "raw"]),
        rejects_frame(rejects),
    )


def episodes(evaluation: pd.DataFrame) -> list[dict]:
    """The nonconformity episodes of every indicator's series, in order, from its measured periods."""
    measured = evaluation[evaluation["series"].astype(bool) & evaluation["status"].isin([Status.MET, Status.NOT_MET])]
    found = []
    for indicator_id, series in measured.groupby("indicator_id", sort=True):
        current, streak = None, 0
        for row in series.to_dict("records"):
            period = parse_period(row["period"])
            if row["status"] == Status.NOT_MET:
                if current is None:
                    current = {"indicator_id": indicator_id, "first": period, "misses": 0, "freq": period.freq}
                current.update(last=period, misses=current["misses"] + 1, last_value=row["value"])
                streak = 0
            elif current is not None:
                streak += 1
                if streak >= CLOSE_AFTER.get(current["freq"], 1):
                    found.append({**current, "closed": period, "closed_by": "target"})
                    current, streak = None, 0
        if current is not None:
            found.append({**current, "closed": None, "closed_by": ""})
    return found


def nonconformities(
    evaluation: pd.DataFrame, register: pd.DataFrame, indicators: pd.DataFrame, reference: dt.date
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The nonconformity episodes up to the evaluated period with what the register records, and the
    register rows that attach to none (or repeat one already recorded).

    ``reference``: the date review dates are compared with (the end of the evaluated period,
    so that the same inputs always give the same answer).
    """
    versions = {group[0]["indicator_id"]: group for group in versions_by_indicator(indicators)}
    found = episodes(evaluation)
    by_indicator: dict[str, list[dict]] = {}
    for episode in found:
        by_indicator.setdefault(episode["indicator_id"], []).append(episode)
    rejects = []
    for entry in register.to_dict("records"):
        period = parse_period(entry["period"])
        episode = next(
            (
                e
                for e in by_indicator.get(entry["indicator_id"], [])
                if e["first"].start <= period.start <= e["last"].end
            ),
            None,
        )
        if episode is None:
            reason = (
                f"nessuna non conformità per {entry['indicator_id']} nel periodo {entry['period']} "
                "(target raggiunto, periodo senza misura o successivo al periodo valutato)"
            )
            rejects.append(reject(entry["source"], entry["row"], reason, entry["raw"]))
        elif "entry" in episode:
            first = episode["entry"]
            reason = (
                f"non conformità {entry['indicator_id']} dal {episode['first']} già registrata in {first['source']} "
                f"riga {first['row']}: unire le due righe in una"
            )
            rejects.append(reject(entry["source"], entry["row"], reason, entry["raw"]))
        else:
            episode["entry"] = entry
    rows = [_row(episode, _target_raw(versions, episode), reference) for episode in found]
    return pd.DataFrame(rows, columns=NONCONFORMITY_COLUMNS), rejects_frame(rejects)


def _target_raw(versions: dict[str, list[dict]], episode: dict) -> str:
    """The target as published in the version of the catalog in force at the episode's last period."""
    own = versions.get(episode["indicator_id"], [])
    version = version_at(own, episode["last"]) or (own[-1] if own else None)
    return version["target_raw"] if version else ""


def _row(episode: dict, target_raw: str, reference: dt.date) -> dict:
    entry = episode.get("entry", {})
    closed, closed_by = episode["closed"], episode["closed_by"]
    closed_on = entry.get("closed_on")
    if closed_on is not None and (closed is None or closed_on < closed.start):  # closed by the register's decision
        closed, closed_by = period_of(closed_on, episode["freq"]), "registro"
    review = entry.get("review_date")
    still_open = closed is None
    overdue = bool(still_open and review is not None and review < reference)
    if not still_open:
        state = "chiusa"
    elif not entry.get("action"):
        state = "senza_azione"
    else:
        state = "azione_scaduta" if overdue else "in_corso"
    return {
        "indicator_id": episode["indicator_id"],
        "first_period": str(episode["first"]),
        "last_period": str(episode["last"]),
        "periods_not_met": episode["misses"],
        "open": still_open,
        "closed_period": str(closed) if closed else "",
        "closed_by": closed_by,
        "cause": entry.get("cause", ""),
        "action": entry.get("action", ""),
        "owner": entry.get("owner", ""),
        "review_date": review.isoformat() if review else "",
        "overdue": overdue,
        "state": state,
        "last_value": episode["last_value"],
        "target_raw": target_raw,
        "source": entry.get("source", ""),
        "row": entry.get("row", math.nan),
    }


def reference_date(evaluated: Period) -> dt.date:
    return evaluated.end
