"""``kpi status``: where the collection of a period stands, office by office, and the reminders to send.

What was requested is what the templates ask (:func:`~.template.template_rows`: each indicator of
the office at its series' basis, for the periods due in P), less the indicators computed from case
records. Each requested row is then, from the ledger and the measurements: a value in force
(``accepted``), declared not available (``unavailable``), sent and rejected (``rejected``, with the
reason), not sent (``not_sent``). The deadline is a number of working days after the period's end
on Milan's calendar (:data:`DUE_WORKING_DAYS`, or ``giorni_lavorativi`` in ``data/raw/consegne.csv``).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import pandas as pd

from ..catalog.indicators import read_indicators
from ..core.clock import milan_today
from ..core.errors import KpiError
from ..core.files import read_csv_rows
from ..core.labels import agree_it, count_it
from ..core.paths import Paths
from ..core.periods import Period, parse_period
from ..core.schemas import CORRECTIONS, DELIVERIES, DELIVERY_STATUS, DERIVED, REJECTS
from ..core.text import plain_key
from ..core.workdays import add_working_days
from ..core.writes import write_together
from .processed import read_measurements
from .template import build_workbook, office_slugs, template_rows

# The deadline of a delivery when data/raw/consegne.csv does not set one: working days after the period's end.
DUE_WORKING_DAYS = 15
DUE_SETTING = "giorni_lavorativi"  # its line in data/raw/consegne.csv: giorni_lavorativi;N
ROW_STATES = ("accepted", "unavailable", "rejected", "not_sent", "not_computable_yet")
STATE_IT = {
    "accepted": "inviato",
    "unavailable": "dichiarato non disponibile",
    "rejected": "inviato e scartato",
    "not_sent": "non inviato",
    "not_computable_yet": "non ancora calcolabile (casi ancora aperti)",
}


def missing_state(in_force: bool, without_value: bool, reject_code: str) -> str:
    """Where one requested value stands (:data:`ROW_STATES`): in force (with a value, or declared not
    available), not computable yet (its cases open), sent and rejected, or not sent. The one rule the
    delivery status, the reminders and the reports' missing values share.

    >>> missing_state(True, True, ""), missing_state(False, True, "not_computable_yet"), missing_state(False, True, "")
    ('unavailable', 'not_computable_yet', 'not_sent')
    """
    if in_force:
        return "unavailable" if without_value else "accepted"
    if reject_code == "not_computable_yet":
        return "not_computable_yet"
    return "rejected" if reject_code else "not_sent"


def missing_reason_it(state: str, note: str = "", reason: str = "") -> str:
    """Why a value is missing, in the words of the reports' "Perché" column.

    >>> missing_reason_it("rejected", reason="valore non numerico: 'boh'")
    "inviato e scartato: valore non numerico: 'boh'"
    >>> missing_reason_it("not_computable_yet", reason="... (5 di 5 casi ancora aperti): ...")
    'non ancora calcolabile: 5 di 5 casi ancora aperti'
    """
    if state == "unavailable":
        return f"dichiarato non disponibile: {note}" if note else STATE_IT[state]
    if state == "not_computable_yet":
        counted = re.search(r"\d+ di \d+ casi ancora aperti", reason)
        return f"non ancora calcolabile: {counted[0] if counted else 'casi ancora aperti'}"
    if state == "rejected":
        return f"inviato e scartato: {reason}"
    return STATE_IT[state]


def due_working_days(paths: Paths) -> int:
    """The deadline in working days after the period's end: ``giorni_lavorativi;N`` in ``data/raw/consegne.csv``."""
    if not paths.collection_settings.is_file():
        return DUE_WORKING_DAYS
    for number, cells in enumerate(read_csv_rows(paths.collection_settings), start=1):
        if len(cells) >= 2 and plain_key(cells[0]) == plain_key(DUE_SETTING):
            written = cells[1].strip()
            if not written.isdigit() or not 0 < int(written) <= 250:
                raise KpiError(
                    f"{paths.collection_settings}: row {number}: {DUE_SETTING} '{written}' is not a number of "
                    "working days between 1 and 250"
                )
            return int(written)
    return DUE_WORKING_DAYS


def due_date(period: Period, working_days: int) -> dt.date:
    """The deadline: ``working_days`` working days after the period's last day (Milan's calendar).

    >>> due_date(parse_period("2025-S2"), 15)  # 1 and 6 January are holidays
    datetime.date(2026, 1, 23)
    """
    return add_working_days(period.end, working_days)


def requested_rows(paths: Paths, period: Period) -> pd.DataFrame:
    """Every row the templates of ``period`` ask, with its state: ``direction``, ``office``, ``indicator_id``,
    ``period``, ``label``, ``state`` (:data:`ROW_STATES`), ``sent`` (the value as typed, when rejected),
    ``reason`` (why it was rejected, or why it cannot be computed yet)."""
    indicators = read_indicators(paths.indicators, period)
    measurements = read_measurements(paths.measurements) if paths.measurements.exists() else None
    derived = DERIVED.read(paths.event_measurements, missing_ok=True)
    from_cases = set(derived["indicator_id"])
    frames = []
    for direction in sorted(indicators["direction"].unique()):
        rows = template_rows(indicators, direction, period, measurements)
        if len(rows):
            frames.append(rows.assign(direction=direction))
    columns = ["direction", "office", "indicator_id", "period", "label", "state", "sent", "reason"]
    if not frames:
        return pd.DataFrame(columns=columns)
    asked = pd.concat(frames, ignore_index=True)
    asked = asked[~asked["indicatore"].isin(from_cases)]
    asked = pd.DataFrame(
        {
            "direction": asked["direction"],
            "office": asked["ufficio"],
            "indicator_id": asked["indicatore"],
            "period": asked["periodo"],
            "label": asked["descrizione indicatore"],
        }
    ).reset_index(drop=True)
    in_force = {}
    if measurements is not None:
        in_force = dict(
            zip(
                zip(measurements["indicator_id"], measurements["period"].astype(str), strict=True),
                measurements["value"],
                strict=True,
            )
        )
    rejects = REJECTS.read(paths.measurement_rejects, missing_ok=True)
    refused = {(r["indicator_id"], r["period"]): r for r in rejects.to_dict("records")}
    states, sent, why = [], [], []
    for key in zip(asked["indicator_id"], asked["period"], strict=True):
        reject = refused.get(key, {})
        state = missing_state(key in in_force, pd.isna(in_force.get(key)), reject.get("code", ""))
        states.append(state)
        sent.append(reject.get("raw", "") if state == "rejected" else "")
        why.append(reject.get("reason", "") if state in ("rejected", "not_computable_yet") else "")
    return asked.assign(state=states, sent=sent, reason=why)[columns]


def delivery_status(paths: Paths, period: Period, today: dt.date | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``delivery_status.csv`` as a frame, and the requested rows it counts (:func:`requested_rows`)."""
    rows = requested_rows(paths, period)
    ledger = DELIVERIES.read(paths.deliveries, missing_ok=True)
    corrections = CORRECTIONS.read(paths.corrections, missing_ok=True)
    delivered_keys = set(zip(ledger["indicator_id"], ledger["period"], strict=True))
    corrected_keys = set(zip(corrections["indicator_id"], corrections["period"].astype(str), strict=True))
    due = due_date(period, due_working_days(paths))
    today = today or milan_today()
    out = []
    for (direction, office), own in rows.groupby(["direction", "office"], sort=True):
        keys = list(zip(own["indicator_id"], own["period"], strict=True))
        missing = int(own["state"].isin(["rejected", "not_sent"]).sum())
        out.append(
            {
                "period": period,
                "direction": direction,
                "office": office,
                "requested": len(own),
                "delivered": sum(key in delivered_keys for key in keys),
                "accepted": int((own["state"] == "accepted").sum()),
                "unavailable": int((own["state"] == "unavailable").sum()),
                "rejected": int((own["state"] == "rejected").sum()),
                "corrected": sum(key in corrected_keys for key in keys),
                "missing": missing,
                "due_date": due.isoformat(),
                "late": bool(missing and today > due),
            }
        )
    return pd.DataFrame(out, columns=DELIVERY_STATUS.names), rows


def reminder_message(
    office: str, period: Period, own: pd.DataFrame, due: dt.date, today: dt.date, file_name: str
) -> str:
    """The Italian message to send with an office's reminder template."""
    not_sent = int((own["state"] == "not_sent").sum())
    rejected = int((own["state"] == "rejected").sum())
    parts = []
    if not_sent:
        parts.append(count_it(not_sent, "valore non inviato"))
    if rejected:
        parts.append(count_it(rejected, "valore scartato"))
    deadline = (
        f"La scadenza è il {due:%d/%m/%Y}."
        if today <= due
        else f"La scadenza era il {due:%d/%m/%Y}: vi chiediamo di provvedere appena possibile."
    )
    lines = [
        f"Oggetto: Indicatori di qualità, {period.label_it()}: misure da inviare ({office})",
        "",
        f"Gentile {office},",
        "",
        f"per il {period.label_it()} {agree_it(not_sent + rejected, 'risulta')} {' e '.join(parts)}. {deadline}",
        "",
        f"Nel file allegato ({file_name}) ci sono solo le righe da completare; per quelle scartate, accanto,",
        "la riga come è stata inviata e il motivo. Compilate le colonne «valore» (o numeratore e denominatore) e,",
        "se serve, «note»; se un valore non è disponibile scrivete n.d. e il motivo nelle note.",
        "Rinviate il file con la data di oggi all'inizio del nome (es. "
        f"{today:%Y-%m-%d}_{file_name}): così il valore nuovo sostituisce quello precedente.",
        "",
        "Grazie per la collaborazione,",
        "Ufficio Qualità",
    ]
    return "\n".join(lines) + "\n"


def reminders(
    paths: Paths, period: Period, status: pd.DataFrame, rows: pd.DataFrame, today: dt.date
) -> dict[Path, bytes]:
    """Per office with something missing or rejected: a template of only those rows and the message."""
    files: dict[Path, bytes] = {}
    names = office_slugs(sorted(status["office"]))
    labels = dict(zip(rows["indicator_id"], rows["label"], strict=False))
    for entry in status[status["missing"] > 0].to_dict("records"):
        own = rows[(rows["office"] == entry["office"]) & rows["state"].isin(["rejected", "not_sent"])]
        indicators = read_indicators(paths.indicators, period)
        template = template_rows(indicators, entry["direction"], period, None, entry["office"])
        template = template.merge(
            own[["indicator_id", "period", "sent", "reason"]],
            left_on=["indicatore", "periodo"],
            right_on=["indicator_id", "period"],
        ).rename(columns={"sent": "riga inviata", "reason": "motivo"})
        template["descrizione indicatore"] = (
            template["indicatore"].map(labels).fillna(template["descrizione indicatore"])
        )
        stem = f"sollecito_{names[entry['office']]}_{period}"
        about = {
            "direzione": entry["direction"],
            "ufficio": entry["office"],
            "periodo": str(period),
            "sollecito del": today.isoformat(),
        }
        files[paths.reminders_dir / f"{stem}.xlsx"] = build_workbook(template, entry["direction"], period, about)
        message = reminder_message(
            entry["office"], period, own, dt.date.fromisoformat(entry["due_date"]), today, f"{stem}.xlsx"
        )
        files[paths.reminders_dir / f"{stem}.txt"] = message.encode("utf-8")
    return files


def run_status(paths: Paths, period_text: str) -> int:
    """``kpi status --period P``: write ``delivery_status.csv`` and the reminders; print the summary."""
    try:
        period = parse_period(period_text)
    except ValueError as error:
        raise KpiError(str(error)) from None
    if not paths.indicators.exists():
        raise KpiError(f"{paths.relative(paths.indicators)}: not found; run 'kpi catalog' first")
    today = milan_today()
    status, rows = delivery_status(paths, period, today)
    files = {paths.delivery_status: DELIVERY_STATUS.csv_bytes(status), **reminders(paths, period, status, rows, today)}
    stale = [p for p in paths.reminders_dir.glob(f"sollecito_*_{period}.*") if p not in files]
    write_together(files, paths.processed)
    for path in stale:  # an office that has since sent everything gets no reminder
        path.unlink(missing_ok=True)
    print_summary(status, sys.stdout)
    late = int(status["late"].sum())
    print(
        f"status: {period}: {len(status)} office(s), {int((status['missing'] > 0).sum())} with rows to send or fix, "
        f"{late} late -> {paths.relative(paths.delivery_status)}; reminders -> {paths.relative(paths.reminders_dir)}/"
    )
    return 0


def print_summary(status: pd.DataFrame, stream) -> None:
    """One line per office with something missing: what it still owes and whether it is late."""
    for entry in status[status["missing"] > 0].to_dict("records"):
        late = f", in ritardo (scadenza {entry['due_date']})" if entry["late"] else f", scadenza {entry['due_date']}"
        print(
            f"status: {entry['office']}: {entry['missing']} of {entry['requested']} row(s) missing "
            f"({entry['rejected']} rejected){late}",
            file=stream,
        )
