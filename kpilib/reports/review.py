"""The management review pack (riesame della direzione, ISO 9001 §9.3): what ``notebooks/review.ipynb``
shows, one function per §9.3.2 input in the norm's order, for a year against the year before.

a) the status of the actions decided at previous reviews (the decisions register);
b) changes in external and internal issues (register); c) performance and effectiveness,
with trends: c1 customer satisfaction (register), c2 objectives met (per direction and, naming
them, per indicator; where a semester and the year disagree, why), c3 process performance
(naming the indicators), c4 nonconformities and corrective actions with their effectiveness,
c5 monitoring and measurement, c6 audits and c7 external providers (registers); d) adequacy of
resources and e) the effectiveness of actions on risks and opportunities (registers); f) the
opportunities for improvement. Then §9.3.3: the decisions registered for the year, or the
spaces to take them and how to register them, so that next year's input a) is produced from
them. The indicators are analysed in memory by :func:`kpilib.analyse`; the registers are read
from ``data/raw/riesame/`` (:mod:`kpilib.review.registers`); nothing is written.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

import pandas as pd

from ..analysis.evaluate import Analysis, analyse
from ..core.dates import register_date
from ..core.labels import ASSURANCE_IT, STATUS_IT, VARIATION_IT, count_it, value_it
from ..core.paths import Paths
from ..core.schemas import CORRECTIONS, REJECTS, REVIEW_REGISTERS
from ..core.text import fold
from ..core.vocabulary import Status
from ..measurements.processed import read_measurements
from ..review.registers import ReviewRegisters, read_review_registers
from . import tables
from .changes import changes_section, snapshot
from .direction_report import show_html, show_markdown
from .document import document_block
from .revisions import REVIEW_SERIES, input_hashes, revisions


@dataclass(frozen=True)
class Review:
    """The year analysed, the year before, the year's two semesters, and the review's registers."""

    paths: Paths
    year: int
    now: Analysis
    before: Analysis
    semesters: tuple[Analysis, ...] = ()
    registers: ReviewRegisters | None = None


def load_review(root: str = "", year: str = "") -> Review:
    """The analysis of ``year`` (default: the latest year with data) and of the year before, in memory."""
    paths = Paths.at(root or None)
    if not year:
        measured = read_measurements(paths.measurements)
        measured = measured[measured["value"].notna()]
        year = str(max(p.end for p in measured["period"]).year)
    now = analyse(str(int(year)), root=paths.root)
    before = analyse(str(int(year) - 1), root=paths.root)  # a first year's comparison shows no data
    semesters = tuple(analyse(f"{int(year)}-S{half}", root=paths.root) for half in (1, 2))
    return Review(paths, int(year), now, before, semesters, read_review_registers(paths))


def heading(review: Review) -> None:
    block = document_block(
        review.paths,
        "Riesame della direzione — elementi in ingresso (ISO 9001:2015, §9.3)",
        [("Anno", str(review.year)), ("Ambito", "tutte le direzioni")],
        review.year,
        REVIEW_SERIES,
    )
    show_html(
        f"{block}<h1>Riesame della direzione {review.year}</h1>"
        "<p style='font-size:1.1em'>Gli elementi in ingresso previsti dalla norma ISO 9001:2015, punto 9.3.2, "
        "nel suo ordine (a–f): calcolati dai dati degli indicatori, con l'andamento rispetto all'anno precedente, "
        "o presi dai registri del riesame (<code>data/raw/riesame/</code>); in fondo le decisioni (punto 9.3.3).</p>"
    )


def changes(review: Review) -> None:
    """What changed since the last issued revision of the review, and why."""
    issued = revisions(review.paths, review.year, REVIEW_SERIES)
    if not issued:
        return
    a = review.now
    corrections = CORRECTIONS.read(review.paths.corrections, missing_ok=True)
    corrections = corrections[[a.period.contains(p) for p in corrections["period"]]]
    now = snapshot(a.summary, a.measurements, a.nonconformities, a.period)
    show_html(changes_section(issued[-1], now, corrections, input_hashes(review.paths), by_direction=True))


def _counts(summary: pd.DataFrame) -> pd.DataFrame:
    counts = pd.crosstab(summary["direction"], summary["status"])
    for status in (Status.MET, Status.NOT_MET, Status.NO_DATA):
        if status not in counts:
            counts[status] = 0
    counts["giudicati"] = counts[Status.MET] + counts[Status.NOT_MET]
    counts["quota"] = (100 * counts[Status.MET] / counts["giudicati"]).where(counts["giudicati"] > 0)
    return counts


def _labels(review: Review) -> dict[str, str]:
    frames = [review.now.summary, review.before.summary]
    return {r["indicator_id"]: tables.label(r) for frame in frames for r in frame.to_dict("records")}


def _register(review: Review, register: str, year: int | None, columns: dict[str, str], what: str) -> None:
    """One register's rows of ``year`` as a table (``columns``: its columns -> Italian titles); where it has
    none, where and how to record them."""
    rows = review.registers.of(register, year)
    if rows.empty:
        schema = REVIEW_REGISTERS[register]
        headings = "; ".join(c.headings[0] if c.headings else c.name for c in schema.columns)
        read = review.registers.files[register]
        where = f" (letto: {', '.join(read)})" if read else ""
        show_markdown(
            f"Nessuna voce{' per il ' + str(year) if year else ''} nel registro {what}{where}. Registrarle in "
            f"`data/raw/riesame/{register}.csv` (una riga per voce, separatore punto e virgola), con le colonne: "
            f"{headings}."
        )
        return
    frame = rows[list(columns)].rename(columns=columns).fillna("")
    show_html(tables.plain_table(frame, f"registro_{register}"))


def previous_actions(review: Review) -> None:
    """§9.3.2 a): how the actions decided at previous reviews stand (the decisions register)."""
    decisions = review.registers.of("decisioni")
    earlier = decisions[decisions["year"] < review.year]
    pending = earlier["status"].isin(["", "aperta", "in corso"]) | earlier["status"].isna()
    shown = earlier[(earlier["year"] == review.year - 1) | pending].copy()
    if shown.empty:
        _register(review, "decisioni", review.year - 1, {}, "delle decisioni dei riesami precedenti")
        return
    end_of_year = dt.date(review.year, 12, 31)
    shown["late"] = [
        "scaduta" if status in ("", "aperta", "in corso") and due and due < end_of_year else ""
        for status, due in zip(shown["status"].fillna(""), shown["due"].map(_date), strict=True)
    ]
    frame = pd.DataFrame(
        {
            "Riesame": shown["year"].astype(str),
            "Decisione": shown["decision"],
            "Tipo (9.3.3)": shown["kind"].fillna("").map(lambda k: KIND_IT.get(k, k)),
            "Responsabile": shown["owner"].fillna(""),
            "Scadenza": shown["due"].fillna(""),
            "Stato": shown["status"].fillna("").replace("", "non indicato"),
            "Esito": shown["outcome"].fillna(""),
            "Oltre la scadenza": shown["late"],
        }
    )
    done = int(shown["status"].eq("completata").sum())
    late = int(shown["late"].eq("scaduta").sum())
    show_markdown(
        f"Dalle decisioni registrate dei riesami precedenti ({count_it(len(shown), 'decisione')}): completate "
        f"{done}; oltre la scadenza e non completate {late}."
    )
    show_html(tables.plain_table(frame, "azioni_precedenti"))


def context(review: Review) -> None:
    """§9.3.2 b): changes in the external and internal issues relevant to the quality management system."""
    columns = {"kind": "Tipo", "issue": "Questione", "change": "Cambiamento nell'anno", "effect": "Effetto sul sistema"}
    _register(review, "contesto", review.year, columns, "dei fattori esterni e interni")


def satisfaction(review: Review) -> None:
    """§9.3.2 c) 1: customer satisfaction and feedback from interested parties, against the year before."""
    now = review.registers.of("soddisfazione", review.year)
    before = review.registers.of("soddisfazione", review.year - 1)
    if now.empty:
        _register(review, "soddisfazione", review.year, {}, "della soddisfazione dei cittadini")
        return
    earlier = {
        (fold(s), fold(a)): r for s, a, r in zip(before["survey"], before["scope"], before["result"], strict=True)
    }
    frame = pd.DataFrame(
        {
            "Indagine o canale": now["survey"],
            "Ambito": now["scope"].fillna(""),
            f"Risultato {review.year}": now["result"],
            f"Risultato {review.year - 1}": [
                earlier.get((fold(s), fold(a)), "—") for s, a in zip(now["survey"], now["scope"], strict=True)
            ],
            "Campione": now["sample"].fillna(""),
            "Note": now["note"].fillna(""),
        }
    )
    show_html(tables.plain_table(frame, "soddisfazione"))


def objectives(review: Review) -> None:
    """§9.3.2 c) 2: the extent to which the quality objectives were met, per direction and per indicator,
    against the year before; where a semester and the year disagree, why."""
    now = _counts(review.now.summary)
    before = _counts(review.before.summary)
    rows = []
    for direction, row in now.iterrows():
        earlier = before.loc[direction] if direction in before.index else None
        rows.append(
            {
                "Direzione": direction,
                "Indicatori": int(review.now.summary["direction"].eq(direction).sum()),
                f"Raggiunti {review.year}": int(row[Status.MET]),
                f"Non raggiunti {review.year}": int(row[Status.NOT_MET]),
                f"Senza dati {review.year}": int(row[Status.NO_DATA]),
                f"Quota {review.year}": _share(row["quota"]),
                f"Quota {review.year - 1}": _share(earlier["quota"]) if earlier is not None else "—",
            }
        )
    show_html(tables.plain_table(pd.DataFrame(rows), "obiettivi"))
    _status_trends(review)
    _period_length(review)


def _by_id(summary: pd.DataFrame) -> dict[str, dict]:
    return {row["indicator_id"]: row for row in summary.to_dict("records")}


JUDGED = (Status.MET, Status.NOT_MET)


def _status_trends(review: Review) -> None:
    """The indicators whose result changed from the year before, named."""
    now, before = _by_id(review.now.summary), _by_id(review.before.summary)
    moved = [
        (now[i], before[i])
        for i in sorted(set(now) & set(before))
        if now[i]["status"] in JUDGED and before[i]["status"] in JUDGED and now[i]["status"] != before[i]["status"]
    ]
    if not moved:
        show_markdown(f"Nessun indicatore ha cambiato esito rispetto al {review.year - 1}.")
        return
    frame = pd.DataFrame(
        [
            {
                "Indicatore": tables.label(is_),
                "Ufficio": is_["office"],
                f"Esito {review.year - 1}": STATUS_IT[was["status"]],
                f"Esito {review.year}": STATUS_IT[is_["status"]],
                f"Valore {review.year - 1}": value_it(was["value"], is_["target_unit"]),
                f"Valore {review.year}": value_it(is_["value"], is_["target_unit"]),
                "Andamento": "migliorato" if is_["status"] == Status.MET else "peggiorato",
            }
            for is_, was in moved
        ]
    )
    frame = frame.sort_values(["Andamento", "Indicatore"], ascending=[False, True])
    show_markdown(f"**Indicatori che hanno cambiato esito rispetto al {review.year - 1}**")
    show_html(tables.plain_table(frame, "andamento_esiti"))


def _period_length(review: Review) -> None:
    """Where a semester's result and the year's disagree (e.g. a count with an annual target), why."""
    year = _by_id(review.now.summary)
    rows = []
    for half in review.semesters:
        semester = _by_id(half.summary)
        for i in sorted(set(year) & set(semester)):
            a, b = semester[i], year[i]
            if a["status"] in JUDGED and b["status"] in JUDGED and a["status"] != b["status"]:
                unit = b["target_unit"]
                rows.append(
                    {
                        "Indicatore": tables.label(b),
                        "Target": b["target_raw"],
                        "Semestre": half.period.label_it(),
                        "Nel semestre": f"{value_it(a['value'], unit)}: {STATUS_IT[a['status']].lower()}",
                        "Nell'anno": f"{value_it(b['value'], unit)}: {STATUS_IT[b['status']].lower()}",
                    }
                )
    if not rows:
        return
    show_markdown(
        "**Perché un semestre e l'anno danno esiti diversi.** Ogni periodo è giudicato sui valori che contiene: il "
        "semestre sui suoi soli mesi, l'anno su tutti (conteggi e numeratori sommati). Un target pensato per l'anno "
        "(ad esempio «≥10 tesi») può quindi essere mancato in un semestre e raggiunto nell'anno, o il contrario: il "
        "rapporto del semestre e il riesame non si contraddicono, misurano periodi diversi."
    )
    show_html(tables.plain_table(pd.DataFrame(rows), "periodi_diversi"))


def _share(value) -> str:
    return "—" if pd.isna(value) else value_it(value, "percent", decimals=0)


def performance(review: Review) -> None:
    """§9.3.2 c) 3: process performance: variation and assurance, counted and against the year before, and
    the indicators that need attention, named; then the effect of each recorded process change."""
    summary, earlier = review.now.summary, review.before.summary
    rows = []
    for column, words in (("variation", VARIATION_IT), ("assurance", ASSURANCE_IT)):
        now_counts = summary[column].fillna("").value_counts()
        before_counts = earlier[column].fillna("").value_counts()
        for key in now_counts.index.union(before_counts.index):
            rows.append(
                {
                    "Lettura": words.get(key, key) or "—",
                    f"Indicatori {review.year}": int(now_counts.get(key, 0)),
                    f"Indicatori {review.year - 1}": int(before_counts.get(key, 0)),
                }
            )
    show_html(tables.plain_table(pd.DataFrame(rows), "prestazioni"))
    attention = summary[
        summary["variation"].eq("concern") | summary["assurance"].isin(["consistently_failing", "hit_and_miss"])
    ]
    if len(attention):
        show_markdown(
            "**Processi da seguire**: peggioramento anomalo, target mai raggiungibile o raggiunto a volte sì e a volte no"
        )
        frame = pd.DataFrame(
            {
                "Indicatore": tables._linked(
                    [tables.label(r) for r in attention.to_dict("records")], attention["indicator_id"]
                ),
                "Ufficio": attention["office"],
                "Variazione": attention["variation"].fillna("").map(lambda v: VARIATION_IT.get(v, v)),
                "Affidabilità": attention["assurance"].map(lambda v: ASSURANCE_IT.get(v, v)),
            }
        )
        show_html(tables.styled(frame, "processi_da_seguire", markup=("Indicatore",)))
    _process_changes(review)


def _process_changes(review: Review) -> None:
    """The effect of each recorded process change: the mean before and after."""
    spc = review.now.spc
    changes = spc[spc["change"].fillna("").ne("")]
    if changes.empty:
        show_markdown("Nessun cambio di processo registrato: nessuna azione di cui misurare l'effetto sui dati.")
        return
    labels = _labels(review)
    units = review.now.summary.set_index("indicator_id")["target_unit"]
    rows = []
    for change in changes.to_dict("records"):
        series = spc[spc["indicator_id"] == change["indicator_id"]]
        before = series[series["segment"] == change["segment"] - 1]["value"].mean()
        after = series[series["segment"] == change["segment"]]["value"].mean()
        unit = units.get(change["indicator_id"], "")
        rows.append(
            {
                "Indicatore": labels.get(change["indicator_id"], change["indicator_id"]),
                "Cambio di processo": change["change"],
                "Dal": change["period"].label_it(),
                "Media prima": value_it(before, unit),
                "Media dopo": value_it(after, unit),
            }
        )
    show_markdown("**Effetto dei cambi di processo registrati** (media dell'indicatore prima e dopo)")
    show_html(tables.plain_table(pd.DataFrame(rows), "efficacia"))


def _episode_counts(episodes: pd.DataFrame, year: int) -> dict[str, int]:
    opened = episodes["first_period"].map(lambda p: p.end.year == year)
    closed = episodes["closed_period"].map(lambda p: bool(p) and p.end.year == year)
    still_open = tables.is_open(episodes)
    overdue = episodes["overdue"].astype(str).str.lower().eq("true")
    return {
        "Aperte nell'anno": int(opened.sum()),
        "Chiuse nell'anno": int(closed.sum()),
        "di cui chiuse senza analisi": int((closed & episodes["state"].eq("chiusa_senza_analisi")).sum()),
        "Aperte a fine anno": int(still_open.sum()),
        "di cui con azione scaduta": int((still_open & overdue).sum()),
        "di cui senza azione registrata": int((still_open & episodes["state"].eq("senza_azione")).sum()),
        "Azioni verificate efficaci": int(episodes.get("effectiveness", pd.Series(dtype=str)).eq("efficace").sum()),
        "Azioni verificate non efficaci": int(
            episodes.get("effectiveness", pd.Series(dtype=str)).eq("non efficace").sum()
        ),
    }


def nonconformities(review: Review) -> None:
    """§9.3.2 c) 4: nonconformities and corrective actions, against the year before, and each episode of the
    year with how it was closed and the effectiveness of its action."""
    now = _episode_counts(review.now.nonconformities, review.year)
    before = _episode_counts(review.before.nonconformities, review.year - 1)
    frame = pd.DataFrame(
        {
            "Voce": list(now),
            f"Non conformità {review.year}": list(now.values()),
            f"Non conformità {review.year - 1}": [before[k] for k in now],
        }
    )
    show_html(tables.plain_table(frame, "nc_anno"))
    episodes = review.now.nonconformities
    of_year = episodes[
        episodes["first_period"].map(lambda p: p.end.year == review.year)
        | episodes["closed_period"].map(lambda p: bool(p) and p.end.year == review.year)
        | tables.is_open(episodes)
    ]
    show_markdown(
        "**Ogni non conformità dell'anno** (aperta nell'anno, chiusa nell'anno o ancora aperta): come si è chiusa, "
        "causa, correzione, azione correttiva e sua efficacia (ISO 9001, 10.2). «Chiusa senza analisi»: il target è "
        "tornato raggiunto ma nessuna causa è registrata; va analizzata."
    )
    show_html(tables.episode_table(of_year, "nc_episodi", _labels(review)))


def monitoring(review: Review) -> None:
    """§9.3.2 c) 5: monitoring and measurement results: what was measured of what was due, against the year before."""
    summary = review.now.summary
    expected, measured = int(summary["periods_expected"].sum()), int(summary["periods_measured"].sum())
    earlier = review.before.summary
    was_expected, was_measured = int(earlier["periods_expected"].sum()), int(earlier["periods_measured"].sum())
    before = (
        f" (nel {review.year - 1}: {was_measured} su {was_expected}, "
        f"{value_it(100 * was_measured / was_expected, 'percent', 0)})"
        if was_expected
        else ""
    )
    show_markdown(
        f"Nell'anno {review.year} erano attese **{expected} misure** (indicatori per periodi dovuti): ne sono arrivate "
        f"**{measured}** ({value_it(100 * measured / expected if expected else 0, 'percent', 0)}){before}. "
        "Le misure mancanti, per indicatore:"
    )
    rejects = REJECTS.read(review.paths.measurement_rejects, missing_ok=True)
    show_html(tables.missing_table(summary, review.now.measurements, rejects))


def audits(review: Review) -> None:
    """§9.3.2 c) 6: audit results (the audit register), and how many the year before."""
    columns = {"date": "Data", "kind": "Tipo", "scope": "Ambito", "finding": "Constatazione",
               "grade": "Classificazione", "status": "Stato"}  # fmt: skip
    _register(review, "audit", review.year, columns, "degli audit")
    before = review.registers.of("audit", review.year - 1)
    now = review.registers.of("audit", review.year)
    if len(now) or len(before):
        show_markdown(f"Constatazioni: {len(now)} nel {review.year}, {len(before)} nel {review.year - 1}.")


def providers(review: Review) -> None:
    """§9.3.2 c) 7: the performance of external providers (the providers register)."""
    columns = {
        "provider": "Fornitore",
        "service": "Servizio",
        "rating": "Valutazione",
        "verdict": "Esito",
        "note": "Note",
    }
    _register(review, "fornitori", review.year, columns, "dei fornitori esterni")


def resources(review: Review) -> None:
    """§9.3.2 d): the adequacy of resources (the resources register)."""
    columns = {"resource": "Risorsa", "verdict": "Valutazione", "note": "Note"}
    _register(review, "risorse", review.year, columns, "delle risorse")


def risks(review: Review) -> None:
    """§9.3.2 e): the effectiveness of the actions taken to address risks and opportunities (the risks register)."""
    columns = {"kind": "Tipo", "description": "Rischio o opportunità", "action": "Azione", "effectiveness": "Efficacia",
               "note": "Note"}  # fmt: skip
    _register(review, "rischi", review.year, columns, "dei rischi e delle opportunità")


def opportunities(review: Review, limit: int = 15) -> None:
    """§9.3.2 f): the opportunities for improvement, ranked across the organisation."""
    ranked = review.now.opportunities.sort_values(["score", "indicator_id"], ascending=[False, True]).head(limit)
    show_html(tables.opportunity_table(ranked.assign(rank=range(1, len(ranked) + 1)), "opportunita_riesame"))


KIND_IT = {
    "miglioramento": "a) opportunità di miglioramento",
    "modifica": "b) modifica del sistema di gestione",
    "risorse": "c) risorse necessarie",
}


def decisions(review: Review | None = None) -> None:
    """§9.3.3: the decisions registered for the year; before the meeting, the spaces to take them and how to
    register them (so that the next review's input a) is produced from them)."""
    year = review.year if review is not None else None
    taken = review.registers.of("decisioni", year) if review is not None else pd.DataFrame()
    if len(taken):
        frame = pd.DataFrame(
            {
                "Decisione": taken["decision"],
                "Tipo (9.3.3)": taken["kind"].fillna("").map(lambda k: KIND_IT.get(k, k)),
                "Responsabile": taken["owner"].fillna(""),
                "Scadenza": taken["due"].fillna(""),
                "Stato": taken["status"].fillna(""),
            }
        )
        show_markdown(f"Decisioni registrate per il riesame {year} (`data/raw/riesame/decisioni*.csv`):")
        show_html(tables.plain_table(frame, "decisioni"))
        return
    show_markdown(
        f"Nessuna decisione registrata per il riesame {year or ''}. Durante la riunione si compilano gli spazi qui "
        f"sotto; dopo, ogni decisione va registrata in `data/raw/riesame/decisioni.csv` (anno {year or 'del riesame'}; "
        "decisione; tipo: miglioramento, modifica o risorse; responsabile; scadenza; stato: aperta): il riesame "
        "dell'anno successivo ne riporta lo stato (9.3.2 a)."
    )
    spaces = [
        ("Opportunità di miglioramento decise (9.3.3 a)", 6),
        ("Esigenze di modifica del sistema di gestione per la qualità (9.3.3 b)", 6),
        ("Risorse necessarie (9.3.3 c)", 5),
        ("Altre decisioni e azioni, con responsabili e scadenze", 6),
    ]
    blocks = "".join(
        f"<h3>{html.escape(title)}</h3>"
        + "".join("<div style='border-bottom: 1px solid #888; height: 2em'></div>" for _ in range(lines))
        for title, lines in spaces
    )
    signatures = (
        "<table style='width: 100%; margin-top: 2em'><tr><td>Data del riesame: ______________</td>"
        "<td>Firma della direzione: ______________________________</td></tr></table>"
    )
    show_html(blocks + signatures)


def register_rejects(review: Review) -> None:
    """The registers' rows that could not be used, with the reason (none are dropped in silence)."""
    rejects = review.registers.rejects
    if rejects.empty:
        show_markdown("Tutte le righe dei registri del riesame sono state lette.")
        return
    show_html(tables.rejects_table(rejects))


def _date(text: object) -> dt.date | None:
    """A due date of the decisions register as the other registers read theirs (None where it is not one)."""
    try:
        return register_date(str(text))
    except ValueError:
        return None
