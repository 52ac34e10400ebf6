"""The tables of the reports, in Italian, as escaped HTML.

Every piece of catalog or data text is escaped (pandas' Styler does not escape unless
told); table ids are fixed so that a re-run gives the same HTML.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from pathlib import PurePosixPath

import pandas as pd
from pandas.io.formats.style import Styler

from ..analysis.opportunities import ACTION_IT, KIND_LABELS
from ..analysis.spc import MIN_POINTS, TRIAL_MIN_POINTS, target_steps
from ..catalog.targets import target_shown
from ..core.codes import CODES, suggestion_of
from ..core.labels import (
    STATE_IT,
    STATUS_COLOURS,
    STATUS_IT,
    agree_it,
    count_it,
    date_it,
    margin_it,
    target_it,
    value_it,
)
from ..core.labels import indicator_label as label
from ..core.periods import Period, periods, with_periods
from ..core.vocabulary import Status, is_missing
from ..measurements.status import missing_reason_it, missing_state
from .icons import assurance_icon, variation_icon

_TABLE_STYLES = [
    {"selector": "", "props": "border-collapse: collapse; font-size: 0.92em; margin: 0.5em 0 1.5em 0;"},
    {"selector": "th", "props": "background: #1f4e79; color: white; text-align: left; padding: 6px 8px;"},
    {
        "selector": "td",
        "props": "padding: 5px 8px; border-bottom: 1px solid #ddd; vertical-align: top; text-align: left;",
    },
]


def styled(
    frame: pd.DataFrame,
    name: str,
    colours: pd.DataFrame | None = None,
    wide: tuple[str, ...] = (),
    markup: tuple[str, ...] = (),
) -> str:
    """``frame`` as escaped HTML with the house style; ``colours``: CSS per cell, same shape.

    ``markup``: columns whose cells are HTML made by the project (icons), escaped where it
    made them; every other cell is escaped here.
    """
    styler = Styler(frame, uuid=name, cell_ids=False)
    styler = styler.format(escape="html", na_rep="—").format_index(escape="html", axis=0)
    if markup:
        styler = styler.format(lambda cell: cell, subset=list(markup), na_rep="—")
    styler = styler.format_index(escape="html", axis=1).hide(axis="index")
    styler = styler.set_table_styles(_TABLE_STYLES)
    for column in wide:
        styler = styler.set_properties(subset=[column], **{"min-width": "18em", "max-width": "32em"})
    if colours is not None:
        styler = styler.apply(lambda _: colours, axis=None)
    return styler.to_html()


def status_colours(frame: pd.DataFrame, statuses: pd.Series, column: str) -> pd.DataFrame:
    colours = pd.DataFrame("", index=frame.index, columns=frame.columns)
    colours[column] = [f"background-color: {STATUS_COLOURS.get(s, '')}; font-weight: bold" for s in statuses]
    return colours


def parts_it(row: dict) -> str:
    """How a period made of several was judged, read one way only: ``: 5 mesi su 6 nel target; manca
    settembre 2025``; empty for a single period.

    >>> from kpilib.core.periods import Period
    >>> parts_it({"periods_expected": 6, "periods_met": 5, "missing_periods": "2025-09", "latest_period": Period(2025, "month", 12)})
    ': 5 mesi su 6 nel target; manca settembre 2025'
    >>> parts_it({"periods_expected": 6, "periods_met": 1, "missing_periods": "2025-08;2025-09"})
    ': 1 periodo su 6 nel target; mancano agosto 2025, settembre 2025'
    """
    expected = row.get("periods_expected")
    if is_missing(expected) or expected <= 1:
        return ""
    gaps = [gap for gap in str(row.get("missing_periods") or "").split(";") if gap and gap != "nan"]
    missing = ""
    if gaps:
        missing = f"; {agree_it(len(gaps), 'manca')} {', '.join(p.label_it() for p in periods(gaps))}"
    latest = row.get("latest_period")
    word = latest.freq if isinstance(latest, Period) else "periodo"
    return f": {count_it(int(row['periods_met']), word)} su {int(expected)} nel target{missing}"


def target_history_it(row: dict, steps: list[tuple[Period, float, float]]) -> str:
    """What the catalog changed inside the charted period, in words beside the target.

    >>> target_history_it({"target_op": ">=", "target_unit": "percent"}, [(Period(2025, "month", 1), 60.0, 70.0)])
    ' (dal gennaio 2025; prima ≥60%)'
    """
    said = [
        f"dal {period.label_it()}; prima {target_it(row['target_op'], before, row['target_unit'])}"
        for period, before, _ in steps
    ]
    return f" ({'; '.join(said)})" if said else ""


RECORDS_FOLDER = "indicatori"


def indicator_link(indicator_id: str, text: str, depth: int = 1) -> str:
    """``text`` (escaped here) linked to the indicator's record page, from a page ``depth`` folders below
    ``reports/``."""
    href = "../" * depth + f"{RECORDS_FOLDER}/{html.escape(indicator_id)}.html"
    return f"<a href='{href}'>{html.escape(text)}</a>"


def _linked(names, ids) -> list[str]:
    return [indicator_link(i, str(n)) for n, i in zip(names, ids, strict=True)]


def indicator_frame(
    summary: pd.DataFrame,
    spc: pd.DataFrame | None = None,
    collection: dict | None = None,
    bounds: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per indicator: target, value, margin, status, variation and assurance (SPC, not two points).

    ``spc``: the charted series; where the target in force changed inside them, the Target
    column says since when it applies and what it was before. ``collection``: per indicator, how
    often and from where its values come (a ``_collection`` column, where given). ``bounds``: the
    open cases behind values computed from case records (``event_bounds.csv`` of the period's
    rows): a pending value is shown as the lower bound it is («≥ 51 giorni»), with the open cases
    and the Kaplan-Meier estimate beside the status.
    """
    open_cases = _open_cases(bounds, summary)
    by_indicator = dict(tuple(spc.groupby("indicator_id"))) if spc is not None and len(spc) else {}
    rows = []
    for row in summary.sort_values(["office", "process", "indicator_id"]).to_dict("records"):
        met = parts_it(row)
        steps = target_steps(by_indicator[row["indicator_id"]]) if row["indicator_id"] in by_indicator else []
        rows.append(
            {
                "Ufficio": row["office"],
                "Processo": row["process"],
                "Indicatore": label(row),
                "Target": target_shown(row) + target_history_it(row, steps),
                "Valore": ("≥ " if row["status"] == Status.PENDING and row["polarity"] == "lower" else "")
                + value_it(row["value"], row["target_unit"]),
                "Scarto": margin_it(row["margin"], row["target_unit"]),
                "Esito": STATUS_IT.get(row["status"], row["status"])
                + (open_cases.get(row["indicator_id"], "") if row["status"] == Status.PENDING else met),
                "Variazione": variation_icon(row["variation"], row["polarity"]),
                "Affidabilità": assurance_icon(row["assurance"]) + _trial_it(row.get("points")),
                "_status": row["status"],
                "_id": row["indicator_id"],
                "_collection": (collection or {}).get(row["indicator_id"], ""),
            }
        )
    return pd.DataFrame(rows)


def _open_cases(bounds: pd.DataFrame | None, summary: pd.DataFrame) -> dict[str, str]:
    """Per indicator, what its open cases leave undecided in the period: ``: 12 casi aperti; stima 95 giorni``."""
    if bounds is None or bounds.empty or summary.empty:
        return {}
    period = summary["period"].iloc[0]
    units = dict(zip(summary["indicator_id"], summary["target_unit"], strict=True))
    said = {}
    within = pd.Series([period.contains(p) for p in bounds["period"]], index=bounds.index, dtype=bool)
    inside = bounds[within]
    for indicator_id, own in inside.groupby("indicator_id"):
        opened = int(own["open_cases"].sum())
        if not opened:
            continue
        text = f": {count_it(opened, 'caso aperto')}"
        whole = own[own["period"] == period]
        estimate = whole["estimate"].iloc[0] if len(whole) else math.nan
        if not is_missing(estimate):
            text += f"; stima {value_it(estimate, units.get(indicator_id, ''))} (Kaplan-Meier)"
        said[indicator_id] = text
    return said


def _trial_it(points: object) -> str:
    """Beside a reading made on trial limits, that they are provisional."""
    if is_missing(points) or not TRIAL_MIN_POINTS <= int(points) < MIN_POINTS:
        return ""
    return " <small>(limiti provvisori)</small>"


def indicator_table(
    summary: pd.DataFrame,
    name: str = "indicatori",
    spc: pd.DataFrame | None = None,
    collection: dict | None = None,
    bounds: pd.DataFrame | None = None,
) -> str:
    """:func:`indicator_frame` as the report shows it, each indicator linked to its record page."""
    frame = indicator_frame(summary, spc, collection, bounds)
    if frame.empty:
        return "<p>Nessun indicatore.</p>"
    shown = frame.drop(columns=["_status", "_id", "_collection"]).assign(
        Indicatore=_linked(frame["Indicatore"], frame["_id"]),
        # under the process, where the row has room: how often and from where the values come
        Processo=[
            html.escape(process) + (f"<br><small>{html.escape(how)}</small>" if how else "")
            for process, how in zip(frame["Processo"], frame["_collection"], strict=True)
        ],
    )
    colours = status_colours(shown, frame["_status"], "Esito")
    markup = ("Processo", "Indicatore", "Variazione", "Affidabilità")
    return styled(shown, name, colours, wide=("Indicatore",), markup=markup)


def counts_table(summary: pd.DataFrame) -> str:
    """Counts of statuses in the period and the previous one."""
    now = summary["status"].value_counts()
    before = summary["previous_status"].fillna("").value_counts()
    rows = [
        {
            "Voce": "Indicatori",
            "Periodo": len(summary),
            "Periodo precedente": int(before.drop("", errors="ignore").sum()),
        }
    ]
    for status in (Status.MET, Status.NOT_MET, Status.NO_DATA, Status.NO_TARGET):
        rows.append(
            {
                "Voce": STATUS_IT[status],
                "Periodo": int(now.get(status, 0)),
                "Periodo precedente": int(before.get(status, 0)),
            }
        )
    frame = pd.DataFrame(rows)
    frame["Differenza"] = [
        f"{n - b:+d}" if i else ""
        for i, (n, b) in enumerate(zip(frame["Periodo"], frame["Periodo precedente"], strict=True))
    ]
    return styled(frame, "sintesi")


def opportunity_table(opportunities: pd.DataFrame, name: str = "opportunita", limit: int | None = None) -> str:
    if opportunities.empty:
        return "<p>Nessuna opportunità di miglioramento segnalata per il periodo.</p>"
    chosen = (
        opportunities
        if limit is None
        else opportunities.nsmallest(limit, "rank")
        if "rank" in opportunities
        else opportunities.head(limit)
    )
    frame = pd.DataFrame(
        {
            "N.": chosen["rank"].astype(int),
            "Tipo": chosen["kind"].map(KIND_LABELS),
            "Ufficio": chosen["office"],
            "Indicatore": _linked([label(r) for r in chosen.to_dict("records")], chosen["indicator_id"]),
            "Perché e cosa fare": chosen["reason"],
        }
    )
    return styled(frame, name, wide=("Indicatore", "Perché e cosa fare"), markup=("Indicatore",))


def actions_frame(opportunities: pd.DataFrame, nonconformities: pd.DataFrame, limit: int = 10) -> pd.DataFrame:
    """What to do first, in the order the report states: open nonconformities whose corrective action is
    overdue or missing, then the opportunities by rank (kind first, volume only within a kind). One line
    each: indicator, office (who), what is wrong, what to do, since when."""
    rows = []
    open_ones = nonconformities[is_open(nonconformities)] if len(nonconformities) else nonconformities
    untreated = open_ones[open_ones["state"].isin(list(UNTREATED))] if len(open_ones) else open_ones
    for entry in untreated.sort_values(["state", "first_period"], key=_state_then_period).to_dict("records"):
        overdue = entry["state"] == "azione_scaduta"
        rows.append(
            {
                "Indicatore": entry.get("label") or entry["indicator_id"],
                "Chi": entry.get("owner") or entry.get("office") or "",
                "Problema": UNTREATED[entry["state"]],
                "Cosa fare": (
                    f"verificare l'efficacia dell'azione «{entry['action']}» (verifica prevista il "
                    f"{date_it(entry['review_date'])})"
                    if overdue
                    else f"decidere una nuova azione: «{entry['action']}» non è stata efficace"
                    if entry["state"] == "azione_non_efficace"
                    else "registrare causa e azione correttiva nel registro delle non conformità"
                ),
                "Da quando": _since(entry["first_period"]),
            }
        )
    seen = {row["Indicatore"] for row in rows}
    chosen = opportunities.sort_values("rank") if len(opportunities) else opportunities
    for entry in chosen.to_dict("records"):
        name = label(entry)
        if name in seen:
            continue  # its nonconformity already stands for it
        rows.append(
            {
                "Indicatore": name,
                "Chi": entry["office"],
                "Problema": KIND_LABELS.get(entry["kind"], entry["kind"]),
                "Cosa fare": ACTION_IT.get(entry["kind"], ""),
                "Da quando": _since(entry["period"]),
            }
        )
    frame = pd.DataFrame(rows, columns=["Indicatore", "Chi", "Problema", "Cosa fare", "Da quando"])
    frame.insert(0, "N.", range(1, len(frame) + 1))
    return frame.head(limit)


# Open episodes that need someone to act, most urgent first, with what the first page says of each.
UNTREATED = {
    "azione_scaduta": "Non conformità con azione correttiva scaduta",
    "azione_non_efficace": "Non conformità con azione correttiva non efficace",
    "senza_azione": "Non conformità senza azione registrata",
}


def _state_then_period(column: pd.Series) -> pd.Series:
    if column.name == "state":
        return column.map({state: rank for rank, state in enumerate(UNTREATED)})
    return column.astype(str)


def _since(period) -> str:
    return period.label_it() if isinstance(period, Period) else str(period)


def actions_table(opportunities: pd.DataFrame, nonconformities: pd.DataFrame, summary: pd.DataFrame) -> str:
    """The first thing a reviewer reads: :func:`actions_frame`, each indicator named as the tables name it."""
    labels = {r["indicator_id"]: label(r) for r in summary.to_dict("records")}
    offices = summary.set_index("indicator_id")["office"].to_dict() if len(summary) else {}
    episodes = nonconformities.assign(
        label=nonconformities["indicator_id"].map(labels),
        office=nonconformities["indicator_id"].map(offices),
    )
    frame = actions_frame(opportunities, episodes)
    if frame.empty:
        return "<p>Nessuna azione richiesta nel periodo: target raggiunti, nessuna non conformità aperta.</p>"
    return styled(frame, "azioni", wide=("Indicatore", "Problema", "Cosa fare"))


def is_open(nonconformities: pd.DataFrame) -> pd.Series:
    """Which episodes are open, whether the frame came from memory (bools) or from the CSV (text)."""
    return nonconformities["open"].astype(str).str.lower().eq("true")


def nonconformity_table(nonconformities: pd.DataFrame, summary: pd.DataFrame, name: str = "nonconformita") -> str:
    """Open nonconformity episodes, what the register records for each, and how many were closed."""
    open_ones = nonconformities[is_open(nonconformities)]
    closed = len(nonconformities) - len(open_ones)
    unanalysed = int((nonconformities["state"] == "chiusa_senza_analisi").sum())
    closed_text = (
        f"<p>{closed} non conformità {agree_it(closed, 'chiusa')}: {closed - unanalysed} con causa o azione registrata "
        f"o chius{agree_it(closed - unanalysed, 'chiusa')[-1]} nel registro, {unanalysed} senza analisi (target "
        "di nuovo raggiunto senza che sia stata registrata una causa: da analizzare, ISO 9001 10.2.1 b).</p>"
        if closed
        else ""
    )
    if open_ones.empty:
        return "<p>Nessuna non conformità aperta.</p>" + closed_text
    units = summary.set_index("indicator_id")["target_unit"]
    labels = {r["indicator_id"]: label(r) for r in summary.to_dict("records")}
    targets = {r["indicator_id"]: target_shown(r) for r in summary.to_dict("records")}
    ordered = open_ones.sort_values(["first_period", "indicator_id"], ascending=[False, True])
    frame = pd.DataFrame(
        {
            "Indicatore": _linked(ordered["indicator_id"].map(labels), ordered["indicator_id"]),
            "Dal": ordered["first_period"],
            "Al": ordered["last_period"],
            "Periodi non raggiunti": ordered["periods_not_met"].astype(int),
            "Ultimo valore": [
                value_it(v, units.get(i, ""))
                for v, i in zip(ordered["last_value"], ordered["indicator_id"], strict=True)
            ],
            "Target": ordered["indicator_id"].map(targets),
            "Stato": ordered["state"].map(STATE_IT),
            "Causa": ordered["cause"].fillna(""),
            "Correzione": ordered["correction"].fillna("") if "correction" in ordered else "",
            "Azione": ordered["action"].fillna(""),
            "Responsabile": ordered["owner"].fillna(""),
            "Verifica entro": ordered["review_date"].fillna("").map(date_it),
            "Efficacia": [
                f"{verdict} (verificata il {date_it(on)})" if verdict and on else verdict or "da verificare"
                for verdict, on in zip(
                    ordered.get("effectiveness", pd.Series("", index=ordered.index)).fillna(""),
                    ordered.get("verified_on", pd.Series("", index=ordered.index)).fillna(""),
                    strict=True,
                )
            ],
        }
    )
    colours = pd.DataFrame("", index=frame.index, columns=frame.columns)
    colours["Stato"] = [
        "background-color: #f9d6d5; font-weight: bold" if state in UNTREATED else "" for state in ordered["state"]
    ]
    return styled(frame, name, colours, wide=("Indicatore", "Azione"), markup=("Indicatore",)) + closed_text


OUTLOOK_ORDER = {"compromesso": 0, "a rischio": 1, "in linea": 2}
OUTLOOK_COLOURS = {"compromesso": "#f9d6d5", "a rischio": "#fff3c4", "in linea": "#d8f0dc"}


def outlook_table(outlook: pd.DataFrame, summary: pd.DataFrame) -> str:
    """While the period is open: each indicator's outlook, the certain losses first, then those at risk."""
    if outlook is None or outlook.empty:
        return ""
    labels = {r["indicator_id"]: label(r) for r in summary.to_dict("records")}
    offices = dict(zip(summary["indicator_id"], summary["office"], strict=True))
    ordered = outlook.assign(_order=outlook["outlook"].map(OUTLOOK_ORDER)).sort_values(["_order", "indicator_id"])
    frame = pd.DataFrame(
        {
            "Indicatore": _linked(
                ordered["indicator_id"].map(labels).fillna(ordered["indicator_id"]), ordered["indicator_id"]
            ),
            "Ufficio": ordered["indicator_id"].map(offices).fillna(""),
            "Previsione": ordered["outlook"],
            "Probabilità di mancare il target": [
                "certa" if o == "compromesso" else "—" if is_missing(p) else value_it(100 * p, "percent", 0)
                for o, p in zip(ordered["outlook"], ordered["probability"], strict=True)
            ],
            "Perché": ordered["reason"],
        }
    )
    colours = pd.DataFrame("", index=frame.index, columns=frame.columns)
    colours["Previsione"] = [
        f"background-color: {OUTLOOK_COLOURS.get(o, '')}; font-weight: bold" for o in ordered["outlook"]
    ]
    return styled(frame, "previsione", colours, wide=("Indicatore", "Perché"), markup=("Indicatore",))


def backlog_table(bounds: pd.DataFrame, summary: pd.DataFrame) -> str:
    """The cases still open behind the period's values computed from case records, per indicator: how many,
    the oldest one's age, how many already past the deadline (or the duration target)."""
    if bounds is None or bounds.empty or summary.empty:
        return "<p>Nessun caso aperto negli indicatori calcolati dai casi.</p>"
    period = summary["period"].iloc[0]
    within = pd.Series([period.contains(p) for p in bounds["period"]], index=bounds.index, dtype=bool)
    inside = bounds[within & (bounds["open_cases"] > 0)]
    if inside.empty:
        return "<p>Nessun caso aperto negli indicatori calcolati dai casi.</p>"
    labels = {r["indicator_id"]: label(r) for r in summary.to_dict("records")}
    units = dict(zip(summary["indicator_id"], summary["target_unit"], strict=True))
    rows = []
    for indicator_id, own in inside.groupby("indicator_id"):
        unit = units.get(indicator_id, "")
        rows.append(
            {
                "Indicatore": indicator_link(indicator_id, labels.get(indicator_id, indicator_id)),
                "Casi aperti": int(own["open_cases"].sum()),
                "Il più vecchio": value_it(own["oldest_open"].max(), unit if unit != "percent" else "days"),
                "Già oltre il termine": int(own["open_past_due"].sum()),
            }
        )
    return styled(pd.DataFrame(rows), "casi_aperti", markup=("Indicatore",))


def episode_table(episodes: pd.DataFrame, name: str, labels: dict | None = None) -> str:
    """Every episode given, newest first, with how it was closed and its treatment (ISO 9001 10.2): cause,
    correction, corrective action, owner, review date, effectiveness and when it was verified.
    ``labels``: indicator id -> name, for a column naming each indicator (linked to its record)."""
    if episodes.empty:
        return "<p>Nessuna non conformità: il target non è mai stato mancato.</p>"
    ordered = episodes.sort_values(["first_period", "indicator_id"], ascending=[False, True])

    def cell(column: str) -> pd.Series:
        return ordered.get(column, pd.Series("", index=ordered.index)).fillna("").astype(str)

    named = {}
    if labels is not None:
        named["Indicatore"] = _linked(ordered["indicator_id"].map(labels).fillna(ordered["indicator_id"]),
                                      ordered["indicator_id"])  # fmt: skip
    frame = pd.DataFrame(
        {
            **named,
            "Dal": ordered["first_period"].map(_since),
            "Al": ordered["last_period"].map(_since),
            "Stato": ordered["state"].map(STATE_IT),
            "Come si è chiusa": [
                "aperta" if bool(o) else ("dal registro" if by == "registro" else "target di nuovo raggiunto")
                for o, by in zip(ordered["open"], cell("closed_by"), strict=True)
            ],
            "Causa": cell("cause"),
            "Correzione": cell("correction"),
            "Azione correttiva": cell("action"),
            "Responsabile": cell("owner"),
            "Verifica entro": cell("review_date").map(date_it),
            "Efficacia": [
                verdict or ("da verificare" if action else "nessuna azione registrata")
                for verdict, action in zip(cell("effectiveness"), cell("action"), strict=True)
            ],
            "Verificata il": cell("verified_on").map(date_it),
        }
    )
    colours = pd.DataFrame("", index=frame.index, columns=frame.columns)
    colours["Stato"] = [
        "background-color: #f9d6d5; font-weight: bold" if state in UNTREATED or state == "chiusa_senza_analisi" else ""
        for state in ordered["state"]
    ]
    return styled(frame, name, colours, wide=("Azione correttiva",), markup=tuple(named))


def missing_frame(
    summary: pd.DataFrame, measurements: pd.DataFrame, rejects: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Every period the evaluated one needs that has no value (the gaps the Esito column names), with
    the office and why: not sent, sent and rejected (the reason), declared not available (the note),
    or not computable yet (its cases still open)."""
    declared = measurements[measurements["value"].isna()].set_index(["indicator_id", "period"])["note"]
    refused: dict[tuple, tuple[str, str]] = {}
    if rejects is not None:
        for row in rejects.to_dict("records"):
            refused.setdefault((row["indicator_id"], str(row["period"])), (row["code"], row["reason"]))
    rows = []
    for row in summary.sort_values(["office", "process", "indicator_id"]).to_dict("records"):
        for gap in [gap for gap in str(row.get("missing_periods") or "").split(";") if gap and gap != "nan"]:
            note = declared.get((row["indicator_id"], gap), None)
            code, reason = refused.get((row["indicator_id"], gap), ("", ""))
            declared_here = isinstance(note, str) and bool(note)
            state = missing_state(declared_here, True, code)
            why = missing_reason_it(state, note if declared_here else "", reason)
            rows.append(
                {"Indicatore": label(row), "Ufficio": row["office"], "Periodo senza misura": gap, "Perché": why}
            )
    return pd.DataFrame(rows, columns=["Indicatore", "Ufficio", "Periodo senza misura", "Perché"])


def missing_table(summary: pd.DataFrame, measurements: pd.DataFrame, rejects: pd.DataFrame | None = None) -> str:
    frame = missing_frame(summary, measurements, rejects)
    if frame.empty:
        return "<p>Nessuna misura mancante nel periodo.</p>"
    return styled(frame, "mancanti", wide=("Indicatore", "Perché"))


def delivery_status_table(status: pd.DataFrame) -> str:
    """Per office: what its template asked for the period, what arrived, what is missing, the deadline."""
    if status.empty:
        return (
            "<p>Nessuna misura richiesta agli uffici nel periodo (valori calcolati dai casi o nessun indicatore).</p>"
        )
    frame = pd.DataFrame(
        {
            "Ufficio": status["office"],
            "Richieste": status["requested"],
            "Inviate": status["delivered"],
            "Accettate": status["accepted"],
            "Non disponibili": status["unavailable"],
            "Scartate": status["rejected"],
            "Corrette": status["corrected"],
            "Mancanti": status["missing"],
            "Scadenza": [f"{dt.date.fromisoformat(str(d)):%d/%m/%Y}" for d in status["due_date"]],
            "Stato": [
                ("in ritardo" if late else "da completare") if missing else "completo"
                for missing, late in zip(status["missing"], status["late"], strict=True)
            ],
        }
    )
    return styled(frame, "consegne", wide=("Ufficio",))


def corrections_table(corrections: pd.DataFrame, summary: pd.DataFrame) -> str:
    """The values a later delivery corrected, with the value replaced and both deliveries."""
    if corrections.empty:
        return "<p>Nessun valore corretto da una consegna successiva.</p>"
    labels = {r["indicator_id"]: label(r) for r in summary.to_dict("records")}
    units = summary.set_index("indicator_id")["target_unit"]

    def shown(value, indicator_id):
        return "n.d." if pd.isna(value) else value_it(value, units.get(indicator_id, ""))

    def delivery(source, on):
        day = f" del {dt.date.fromisoformat(str(on)):%d/%m/%Y}" if str(on) else ""
        return f"{PurePosixPath(str(source)).name}{day}"

    frame = pd.DataFrame(
        {
            "Indicatore": corrections["indicator_id"].map(labels),
            "Periodo": corrections["period"].astype(str),
            "Valore sostituito": [
                shown(v, i) for v, i in zip(corrections["old_value"], corrections["indicator_id"], strict=True)
            ],
            "Valore in vigore": [
                shown(v, i) for v, i in zip(corrections["new_value"], corrections["indicator_id"], strict=True)
            ],
            "Consegna sostituita": [
                delivery(s, d) for s, d in zip(corrections["old_source"], corrections["old_delivered_on"], strict=True)
            ],
            "Correzione": [
                delivery(s, d) for s, d in zip(corrections["new_source"], corrections["new_delivered_on"], strict=True)
            ],
            "Nota": corrections["new_note"],
        }
    )
    return styled(frame, "correzioni", wide=("Indicatore", "Nota"))


def notes_table(
    measurements: pd.DataFrame, summary: pd.DataFrame, evaluated: Period, evaluation: pd.DataFrame | None = None
) -> str:
    """The offices' notes on the values the period shows, beside the value each explains: values of
    periods inside it, and those the period requires (``evaluation``'s ``required`` rows: the annual
    value a second semester shows)."""
    required = set()
    if evaluation is not None and len(evaluation):
        shown = evaluation[evaluation["required"].astype(bool)]
        required = set(zip(shown["indicator_id"], shown["period"], strict=True))
    measurements = with_periods(measurements)
    inside = [
        evaluated.contains(p) or (i, p) in required
        for i, p in zip(measurements["indicator_id"], measurements["period"], strict=True)
    ]
    noted = measurements[
        pd.Series(inside, index=measurements.index, dtype=bool)
        & measurements["value"].notna()
        & measurements["note"].fillna("").astype(str).ne("")
    ]
    if noted.empty:
        return "<p>Nessuna nota degli uffici sui valori del periodo.</p>"
    labels = {r["indicator_id"]: label(r) for r in summary.to_dict("records")}
    units = summary.set_index("indicator_id")["target_unit"]
    frame = pd.DataFrame(
        {
            "Indicatore": noted["indicator_id"].map(labels),
            "Periodo": noted["period"].astype(str),
            "Valore": [
                value_it(v, units.get(i, "")) for v, i in zip(noted["value"], noted["indicator_id"], strict=True)
            ],
            "Nota dell'ufficio": noted["note"],
        }
    )
    return styled(frame, "note", wide=("Indicatore", "Nota dell'ufficio"))


def rejects_table(rejects: pd.DataFrame) -> str:
    """The rejected rows that need someone to act, one per line; those that need nothing (a copy counted
    once, a value that will be computed when its cases close) as a count."""
    if rejects.empty:
        return "<p>Nessuna riga scartata per questa direzione.</p>"
    quiet = rejects["code"].map(lambda code: code in CODES and suggestion_of(code).startswith("nessuna azione"))
    noise = (
        f"<p>Altre {int(quiet.sum())} righe non usate che non richiedono azioni (copie già contate, valori in attesa della chiusura dei casi).</p>"
        if quiet.any()
        else ""
    )
    rejects = rejects[~quiet]
    if rejects.empty:
        return "<p>Nessuna riga scartata da correggere per questa direzione.</p>" + noise
    frame = pd.DataFrame(
        {
            "File": rejects["source"],
            "Riga": rejects["row"].map(lambda r: "" if is_missing(r) else str(int(r))),
            "Motivo": rejects["reason"],
            "Contenuto": rejects["raw"],
        }
    )
    return styled(frame, "scarti", wide=("Motivo",)) + noise


def plain_table(frame: pd.DataFrame, name: str) -> str:
    return styled(frame, name)
