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
import itertools
import math
from pathlib import Path

import pandas as pd

from ..catalog.versions import version_at, versions_by_indicator
from ..core.dates import register_date
from ..core.errors import KpiError
from ..core.files import REGISTER_SUFFIXES, list_inputs, read_csv_rows
from ..core.periods import FIRST_YEAR, LAST_YEAR, Period, parse_period, period_of, with_periods
from ..core.rejects import reject, rejects_frame
from ..core.schema import DuplicateHeading
from ..core.schemas import NONCONFORMITIES, REGISTER
from ..core.vocabulary import Status

REGISTER_FIELDS = REGISTER.names
NONCONFORMITY_COLUMNS = NONCONFORMITIES.names
# Measured periods in a row that must meet the target again to close an episode, by series length.
CLOSE_AFTER = {"month": 3, "quarter": 2}


def read_register(folder: Path, relative=str) -> pd.DataFrame:
    """Every register row as text, with ``source`` and ``row``; an absent folder gives no rows. A file
    whose header names no indicator column is one row with its problem (``missing_header``)."""
    rows = []
    for path in list_inputs(folder, REGISTER_SUFFIXES):
        lines = read_csv_rows(path)
        if not lines:
            continue
        try:
            positions = REGISTER.locate(lines[0])
        except DuplicateHeading as error:
            raise KpiError(f"{path}: {error}") from None
        problem = "" if "indicator_id" in positions else "missing_header"  # every row rejected, none lost
        for number, cells in enumerate(lines[1:], start=2):
            if not any(cell.strip() for cell in cells):
                continue
            record = REGISTER.record(cells, positions)
            raw = " | ".join(cells)
            rows.append({**record, "source": relative(path), "row": number, "raw": raw, "problem": problem})
    return pd.DataFrame(rows, columns=[*REGISTER_FIELDS, "source", "row", "raw", "problem"])


def validate_register(register: pd.DataFrame, indicators: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Usable register entries (period canonical, review date parsed) and rejects with Italian reasons."""
    known = set(indicators["indicator_id"])
    good, rejects = [], []
    first_rows: dict[tuple, dict] = {}
    for record in register.to_dict("records"):
        problem: tuple[str, dict] | None = None
        if record.get("problem"):
            needed = "indicatore, periodo, causa, azione, responsabile, data_verifica"
            rejects.append(reject(record["source"], record["row"], "missing_header", record["raw"], needed=needed))
            continue
        try:
            period = parse_period(record["period"]) if record["period"] else None
        except ValueError:
            period, problem = None, ("unrecognized_period_short", {"period": record["period"]})
        try:
            review = register_date(record["review_date"]) if record["review_date"] else None
        except ValueError:
            review, problem = None, problem or ("invalid_review_date", {"written": record["review_date"]})
        try:
            closed_on = register_date(record["closed_on"]) if record["closed_on"] else None
        except ValueError:
            closed_on, problem = None, problem or ("invalid_closing_date", {"written": record["closed_on"]})
        try:
            verified_on = register_date(record["verified_on"]) if record.get("verified_on") else None
        except ValueError:
            verified_on, problem = None, problem or ("invalid_verification_date", {"written": record["verified_on"]})
        effectiveness = _effectiveness(record.get("effectiveness") or "")
        if effectiveness is None:
            problem = problem or ("invalid_effectiveness", {"written": record["effectiveness"]})
        if review is not None and not FIRST_YEAR <= review.year <= LAST_YEAR:
            review = None
            problem = problem or (
                "review_date_out_of_range",
                {"first": FIRST_YEAR, "last": LAST_YEAR, "written": record["review_date"]},
            )
        indicator = record["indicator_id"].lower()
        if indicator not in known:
            problem = ("unknown_indicator_short", {"indicator": record["indicator_id"]})
        elif period is None and problem is None:
            problem = ("missing_period", {})
        key = (indicator, period)
        if problem is None and key in first_rows:
            first = first_rows[key]
            problem = (
                "repeated_register_row",
                {"source": first["source"], "row": first["row"], "indicator": key[0], "period": period},
            )
        if problem is None:
            first_rows[key] = record
            good.append(
                {
                    **record,
                    "indicator_id": indicator,
                    "period": period,
                    "review_date": review,
                    "closed_on": closed_on,
                    "effectiveness": effectiveness,
                    "verified_on": verified_on,
                }
            )
        else:
            code, particulars = problem
            rejects.append(
                reject(
                    record["source"],
                    record["row"],
                    code,
                    record["raw"],
                    indicator,
                    period or record["period"],
                    **particulars,
                )
            )
    return (
        pd.DataFrame(good, columns=[*REGISTER_FIELDS, "source", "row", "raw"]),
        rejects_frame(rejects),
    )


def episodes(evaluation: pd.DataFrame) -> list[dict]:
    """The nonconformity episodes of every indicator's series, in order, from its measured periods."""
    evaluation = with_periods(evaluation)
    measured = evaluation[evaluation["series"].astype(bool) & evaluation["status"].isin([Status.MET, Status.NOT_MET])]
    measured = measured.sort_values("indicator_id", kind="stable")  # groupby's order, without a frame per group
    found = []
    rows = zip(
        measured["indicator_id"].tolist(),
        measured["period"].tolist(),
        measured["status"].tolist(),
        measured["value"].tolist(),
        strict=True,
    )
    for indicator_id, series in itertools.groupby(rows, key=lambda row: row[0]):
        current, streak = None, 0
        for _, period, status, value in series:
            if status == Status.NOT_MET:
                if current is None:
                    current = {"indicator_id": indicator_id, "first": period, "misses": 0, "freq": period.freq}
                current.update(last=period, misses=current["misses"] + 1, last_value=value)
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
    found, register = episodes(evaluation), with_periods(register)
    by_indicator: dict[str, list[dict]] = {}
    for episode in found:
        by_indicator.setdefault(episode["indicator_id"], []).append(episode)
    rejects = []
    for entry in register.to_dict("records"):
        period = entry["period"]
        episode = next(
            (
                e
                for e in by_indicator.get(entry["indicator_id"], [])
                if e["first"].start <= period.start <= e["last"].end
            ),
            None,
        )
        if episode is None:
            rejects.append(
                reject(
                    entry["source"],
                    entry["row"],
                    "no_episode",
                    entry["raw"],
                    entry["indicator_id"],
                    entry["period"],
                    indicator=entry["indicator_id"],
                    period=entry["period"],
                )
            )
        elif entry.get("closed_on") is not None and entry["closed_on"] < episode["first"].start:
            rejects.append(
                reject(
                    entry["source"],
                    entry["row"],
                    "closed_before_episode",
                    entry["raw"],
                    entry["indicator_id"],
                    entry["period"],
                    closed=entry["closed_on"].strftime("%d/%m/%Y"),
                    first=episode["first"].label_it(),
                )
            )
        elif "entry" in episode:
            first = episode["entry"]
            rejects.append(
                reject(
                    entry["source"],
                    entry["row"],
                    "episode_already_recorded",
                    entry["raw"],
                    entry["indicator_id"],
                    entry["period"],
                    indicator=entry["indicator_id"],
                    first=episode["first"],
                    source=first["source"],
                    row=first["row"],
                )
            )
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
    verdict = entry.get("effectiveness") or ""
    still_open = closed is None
    # overdue: the review date passed without a verdict on the action (10.2.1 d: its effectiveness reviewed)
    overdue = bool(still_open and review is not None and review < reference and not verdict)
    if not still_open:
        # closed by recovery with nothing recorded: no cause was looked for (10.2.1 b)
        state = (
            "chiusa" if entry.get("cause") or entry.get("action") or closed_by == "registro" else "chiusa_senza_analisi"
        )
    elif not entry.get("action"):
        state = "senza_azione"
    elif verdict == "non efficace":
        state = "azione_non_efficace"  # the need for action is open again
    else:
        state = "azione_scaduta" if overdue else "in_corso"
    verified = entry.get("verified_on")
    return {
        "indicator_id": episode["indicator_id"],
        "first_period": episode["first"],
        "last_period": episode["last"],
        "periods_not_met": episode["misses"],
        "open": still_open,
        "closed_period": closed or "",
        "closed_by": closed_by,
        "cause": entry.get("cause", ""),
        "correction": entry.get("correction", ""),
        "action": entry.get("action", ""),
        "owner": entry.get("owner", ""),
        "review_date": review.isoformat() if review else "",
        "effectiveness": verdict,
        "verified_on": verified.isoformat() if verified else "",
        "overdue": overdue,
        "state": state,
        "last_value": episode["last_value"],
        "target_raw": target_raw,
        "source": entry.get("source", ""),
        "row": entry.get("row", math.nan),
    }


def _effectiveness(written: str) -> str | None:
    """``efficace``, ``non efficace`` or ``""`` from what the register says; ``None`` when it says something else.

    >>> [_effectiveness(w) for w in ("Efficace", "NON EFFICACE", "no", "", "boh")]
    ['efficace', 'non efficace', 'non efficace', '', None]
    """
    words = " ".join(str(written).casefold().replace("_", " ").split())
    if words in ("", "-"):
        return ""
    if words in ("efficace", "si", "sì", "yes", "effective"):
        return "efficace"
    if words in ("non efficace", "inefficace", "no", "not effective"):
        return "non efficace"
    return None


def reference_date(evaluated: Period) -> dt.date:
    return evaluated.end
