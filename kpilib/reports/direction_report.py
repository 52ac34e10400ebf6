"""What the direction report notebook shows, one function per section.

The notebook only calls these; each displays its section (Italian text, escaped HTML
tables, charts) and returns nothing, so that a re-run gives the same outputs.
"""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML, Image, Markdown, display

from ..analysis.charts import png, xmr_chart
from ..analysis.spc import MIN_POINTS, TRIAL_MIN_POINTS
from ..catalog.targets import target_shown
from ..core.labels import count_it, in_period_it, indicator_label, value_it
from ..core.vocabulary import SPECIAL_CAUSES, Status
from . import tables
from .changes import changes_section, snapshot
from .data import ReportData, load, report_slug
from .document import document_block
from .provenance import file_hashes, provenance
from .revisions import REPORTS_SERIES, input_hashes, revisions


def show_html(markup: str) -> None:

    display(HTML(markup))


def show_markdown(text: str) -> None:

    display(Markdown(text))


def load_direction(root: str = "", period: str = "", direction: str = "") -> ReportData:
    """The analysis of ``period`` narrowed to ``direction`` (defaults: last evaluated period, first direction)."""
    return load(root, period, direction)


def heading(data: ReportData) -> None:
    block = document_block(
        data.paths,
        "Rapporto sugli indicatori di qualità (ISO 9001:2015)",
        [("Direzione", data.direction), ("Periodo", data.period.label_it())],
        data.period,
    )
    show_html(
        f"<p>{_links(data)}</p>{block}"
        f"<h1>{html.escape(data.direction)}</h1>"
        f"<p style='font-size:1.1em'>Rapporto sugli indicatori di qualità (ISO 9001:2015) — "
        f"<b>{html.escape(data.period.label_it())}</b></p>"
    )


def _links(data: ReportData) -> str:
    """Back to the period's index and the archive; to the same report of the previous period, where rendered."""
    links = ["<a href='index.html'>Indice del periodo</a>", "<a href='../index.html'>Tutti i periodi</a>"]
    directions = sorted(data.all_directions)
    slug = report_slug(data.direction, directions)
    previous = data.period.shift(-1)
    if (data.paths.reports / str(previous) / f"{slug}.html").is_file():
        links.append(
            f"<a href='../{previous}/{html.escape(slug)}.html'>Stesso rapporto, {html.escape(previous.label_it())}</a>"
        )
    return " · ".join(links)


def changes(data: ReportData) -> None:
    """Before the first revision nothing; after it, what changed since the last one issued, and why."""
    said = revision_changes(data, REPORTS_SERIES, by_direction=False)
    if said:  # before the first revision the page shows nothing here, not an empty box
        show_html(said)


def revision_changes(data: ReportData, series: str, by_direction: bool) -> str:
    issued = revisions(data.paths, data.period, series)
    if not issued:
        return ""
    now = snapshot(data.summary, data.measurements, data.nonconformities, data.period)
    return changes_section(issued[-1], now, data.corrections, input_hashes(data.paths), by_direction)


def outlook(data: ReportData) -> None:
    """While the period is still open: which targets are already lost, which at risk (shown first)."""
    if data.outlook is None or data.outlook.empty:
        return
    lost = int((data.outlook["outlook"] == "compromesso").sum())
    risk = int((data.outlook["outlook"] == "a rischio").sum())
    show_markdown(
        f"**Previsione: {data.period.label_it()} non è ancora concluso.** Target già compromessi: {lost} "
        f"(certo: un mese mancato dove ogni mese conta, una quota che non può più arrivare al target, casi aperti "
        f"già oltre il tempo massimo); a rischio: {risk} (da un modello dichiarato, con la probabilità)."
    )
    show_html(tables.outlook_table(data.outlook, data.summary))


def summary(data: ReportData) -> None:
    outlook(data)
    show_markdown(
        "**Da fare per primo**, in ordine: le non conformità con l'azione scaduta o senza azione, poi le "
        "opportunità nell'ordine della sezione «Opportunità di miglioramento»."
    )
    show_html(tables.actions_table(data.opportunities, data.nonconformities, data.summary))
    counts = data.summary["status"].value_counts()
    total = len(data.summary)
    met, not_met = int(counts.get(Status.MET, 0)), int(counts.get(Status.NOT_MET, 0))
    sentence = (
        f"{in_period_it(data.period).capitalize()} la direzione ha **{count_it(total, 'indicatore')}**: "
        f"**{count_it(met, 'met')}**, **{count_it(not_met, 'not_met')}**, "
        f"{count_it(int(counts.get('no_data', 0)), 'no_data')}."
    )
    opportunities = len(data.opportunities)
    open_nc = int(tables.is_open(data.nonconformities).sum())
    sentence += f" Sono segnalate {opportunities} opportunità di miglioramento e {open_nc} non conformità aperte."
    show_markdown(sentence)
    show_html(tables.counts_table(data.summary))


def indicators(data: ReportData) -> None:
    from ..cases.events import read_event_as_of
    from .records import collection_note_it

    show_html(tables.indicator_table(data.summary, spc=data.spc, collection=collection(data), bounds=data.bounds))
    show_markdown(collection_note_it(read_event_as_of(data.paths)))
    show_markdown("**Note degli uffici sui valori del periodo**")
    show_html(tables.notes_table(data.measurements, data.summary, data.period, data.evaluation))


def collection(data: ReportData) -> dict[str, str]:
    """Per indicator: how often it is measured and from where (for case-record values, as of which date)."""
    from ..cases.events import read_event_as_of
    from .records import basis_it, collection_it, from_cases

    measured = data.measurements
    inside = pd.Series([data.period.contains(p) for p in measured["period"]], index=measured.index, dtype=bool)
    cases = from_cases(measured[inside])
    as_of = read_event_as_of(data.paths)
    return {
        r["indicator_id"]: collection_it(r, r["indicator_id"] in cases, as_of, basis_it(r, measured))
        for r in data.indicators.to_dict("records")
    }


def show_figure(figure, description: str) -> None:
    """The figure as a PNG, with its description as the image's alternative text."""
    display(Image(data=png(figure), metadata={"alt": description}))


def charts(data: ReportData, records: bool = False) -> None:
    """Each indicator's chart; ``records``: also write the direction's indicator records with the same
    charts (``kpi reports`` asks for it; a notebook run as it is writes nothing)."""
    show_markdown(
        "Ogni grafico mostra i valori misurati, il target in vigore in ciascun periodo (linea rossa tratteggiata, "
        "con un gradino e la data dove il catalogo lo ha cambiato) e, quando la serie ha almeno "
        f"{TRIAL_MIN_POINTS} valori, la media e i limiti naturali del processo (linee grigie; tratteggiate e «provvisori» "
        f"fino a {MIN_POINTS - 1} valori); una linea blu tratteggiata "
        "segna un cambio di processo registrato, dopo il quale media e limiti sono ricalcolati. I punti arancioni "
        "sono peggioramenti non spiegabili dal caso (▼), quelli blu miglioramenti (▲); un mese senza valore è un "
        "vuoto nella linea."
    )
    charted = [
        row
        for row in data.summary.sort_values(["office", "process", "indicator_id"]).to_dict("records")
        if (data.spc["indicator_id"] == row["indicator_id"]).any()
    ]
    drawn = {}
    if not charted:
        show_markdown("Nessuna serie da mostrare.")
    for row in charted:
        figure = xmr_chart(data.spc, data.summary, row["indicator_id"], size=(6.4, 2.9), legend=False)
        drawn[row["indicator_id"]] = png(figure)
        description = chart_description(row, data.spc[data.spc["indicator_id"] == row["indicator_id"]])
        display(Image(data=drawn[row["indicator_id"]], metadata={"alt": description}))
    if records:
        from ..cases.events import read_event_as_of
        from .records import write_records

        write_records(data.paths, data, read_event_as_of(data.paths), drawn)


def chart_description(row: dict, points) -> str:
    """The alternative text of one chart: what it shows, in words a screen reader can say."""
    first, last = points["period"].iloc[0], points["period"].iloc[-1]
    unit = row["target_unit"]
    said = (
        f"Andamento di «{indicator_label(row)}» ({row['office']}): {len(points)} valori da {first.label_it()} a "
        f"{last.label_it()}; ultimo valore {value_it(points['value'].iloc[-1], unit)}, target {target_shown(row)}."
    )
    flagged = points[points["variation"].isin(list(SPECIAL_CAUSES))]
    if len(flagged):
        said += f" Valori anomali: {len(flagged)} ({', '.join(p.label_it() for p in flagged['period'][:4])}"
        said += ", …)." if len(flagged) > 4 else ")."
    return said


def opportunities(data: ReportData) -> None:
    show_html(tables.opportunity_table(data.opportunities))


def nonconformities(data: ReportData) -> None:
    show_html(tables.nonconformity_table(data.nonconformities, data.summary))
    episodes = data.nonconformities
    closed_here = episodes[
        ~tables.is_open(episodes) & episodes["closed_period"].map(lambda p: bool(p) and data.period.contains(p))
    ]
    if len(closed_here):
        labels = {r["indicator_id"]: indicator_label(r) for r in data.summary.to_dict("records")}
        show_markdown(f"**Chiuse {in_period_it(data.period)}**: come si sono chiuse e con quale trattamento")
        show_html(tables.episode_table(closed_here, "nc_chiuse", labels))


def data_quality(data: ReportData) -> None:
    show_markdown("**Stato delle consegne per ufficio** (le righe che i modelli del periodo chiedono a ciascuno)")
    show_html(tables.delivery_status_table(data.delivery_status))
    show_markdown(
        "**Misure mancanti nel periodo**: per ciascuna, se non è stata inviata, se è stata inviata e scartata "
        "(con il motivo), se è dichiarata non disponibile o se non è ancora calcolabile"
    )
    show_html(tables.missing_table(data.summary, data.measurements, data.rejects))
    show_markdown(
        "**Casi ancora aperti** negli indicatori calcolati dai casi: contano con la loro età alla data dei dati "
        "(il valore non è mai più favorevole di quanto i dati provano) e, finché possono cambiare l'esito, il periodo "
        "è «da confermare»"
    )
    show_html(tables.backlog_table(data.bounds, data.summary))
    show_markdown("**Valori corretti da una consegna successiva** (il valore sostituito resta registrato)")
    show_html(tables.corrections_table(data.corrections, data.summary))
    show_markdown("**Righe scartate che riguardano questa direzione** (dai file consegnati e dai casi)")
    show_html(tables.rejects_table(data.rejects))


def how_to_read() -> None:
    """The reading guide of the report, its numbers taken from the code that applies them."""
    show_markdown(
        f"""- **Variabilità ordinaria** (icona grigia ~): i valori oscillano per caso, entro i limiti naturali del \
processo; non serve cercare una causa per ogni oscillazione.
- **Miglioramento / peggioramento anomalo** (icona blu / arancione; A = valore alto, B = valore basso): un valore \
fuori dai limiti, 7 valori di fila in crescita o in calo, 2 valori su 3 vicini a un limite con tutti e tre dallo \
stesso lato della media, o 7 valori di fila dallo stesso lato della media. C'è una causa da individuare; se le regole \
indicano direzioni diverse vale la prima in quest'ordine.
- I limiti si calcolano con almeno **{TRIAL_MIN_POINTS} valori**: fino a {MIN_POINTS - 1} sono **provvisori** \
(*trial limits*: le regole li usano, ma con pochi valori possono cambiare), da {MIN_POINTS} stabili; con meno di \
{TRIAL_MIN_POINTS} la serie è «troppo breve» e non si giudica l'affidabilità. Dopo un cambio di processo registrato i \
limiti si ricalcolano sui soli valori successivi.
- **Valore anomalo alto / basso** (icona viola): dove l'indicatore non ha target, un valore fuori dall'ordinario non è \
né un miglioramento né un peggioramento.
- **Affidabilità**: dove cade il target rispetto ai limiti del processo. **S** target sempre raggiunto; **M** target \
mai raggiungibile così com'è: il processo va cambiato; **~** target a volte raggiunto, a volte no (*hit and miss*): \
il processo è stabile, ma la sua variabilità ordinaria attraversa il target; non vuol dire processo fuori controllo.
- **Esito** di un periodo fatto di più mesi: «Non raggiunto: 2 mesi su 6 nel target» conta i mesi che hanno \
raggiunto il target.
- **Da fare per primo**: le non conformità con azione scaduta o senza azione, poi le opportunità per tipo \
(processo che non raggiunge il target, variazione anomala, peggioramento, target non raggiunto, target a volte sì a \
volte no, misure mancanti, target da alzare) e, a parità di tipo, per volume di casi.
- Le percentuali complessive sono calcolate sommando numeratori e denominatori, non facendo la media delle \
percentuali. Un periodo con alcune misure mancanti è giudicato su quelle presenti, e le mancanti sono elencate.
- Metodo: XmR di *Making Data Count* (NHS England), verificato con NHSRplotthedots; dettagli in `docs/method.md`."""
    )


def provenance_tables(data: ReportData, parameters: dict) -> None:
    show_html(tables.plain_table(provenance(data.paths, parameters), "provenienza"))
    show_markdown("**Impronta (SHA-256) di ogni file di ingresso**")
    show_html(tables.plain_table(file_hashes(data.paths), "impronte"))
