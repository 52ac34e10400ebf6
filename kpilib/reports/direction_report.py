"""What the direction report notebook shows, one function per section.

The notebook only calls these; each displays its section (Italian text, escaped HTML
tables, charts) and returns nothing, so that a re-run gives the same outputs.
"""

from __future__ import annotations

import html

from IPython.display import HTML, Image, Markdown, display

from ..analysis.charts import png, series_charts
from ..core.labels import STATUS_IT
from ..core.vocabulary import Status
from . import tables
from .data import ReportData, load
from .provenance import file_hashes, provenance


def show_html(markup: str) -> None:

    display(HTML(markup))


def show_markdown(text: str) -> None:

    display(Markdown(text))


def load_direction(root: str = "", period: str = "", direction: str = "") -> ReportData:
    """The analysis of ``period`` narrowed to ``direction`` (defaults: last evaluated period, first direction)."""
    return load(root, period, direction)


def heading(data: ReportData) -> None:
    show_html(
        f"<h1>{html.escape(data.direction)}</h1>"
        f"<p style='font-size:1.1em'>Rapporto sugli indicatori di qualità (ISO 9001:2015) — "
        f"<b>{html.escape(data.period.label_it())}</b></p>"
    )


def summary(data: ReportData) -> None:
    counts = data.summary["status"].value_counts()
    total = len(data.summary)
    met, not_met = int(counts.get(Status.MET, 0)), int(counts.get(Status.NOT_MET, 0))
    sentence = (
        f"Nel {data.period.label_it()} la direzione ha **{total} indicatori**: "
        f"**{met} {STATUS_IT['met'].lower()}**, **{not_met} {STATUS_IT['not_met'].lower()}**, "
        f"{int(counts.get('no_data', 0))} senza dati."
    )
    opportunities = len(data.opportunities)
    open_nc = int((data.nonconformities["state"] != "rientrata").sum())
    sentence += f" Sono segnalate {opportunities} opportunità di miglioramento e {open_nc} non conformità aperte."
    show_markdown(sentence)
    show_html(tables.counts_table(data.summary))


def indicators(data: ReportData) -> None:
    show_html(tables.indicator_table(data.summary))
    show_markdown("**Note degli uffici sui valori del periodo**")
    show_html(tables.notes_table(data.measurements, data.summary, str(data.period)))


def show_figure(figure) -> None:

    display(Image(data=png(figure)))


def charts(data: ReportData) -> None:
    figure = series_charts(data.spc, data.summary)
    if figure is None:
        show_markdown("Nessuna serie da mostrare.")
        return
    show_figure(figure)


def opportunities(data: ReportData) -> None:
    show_html(tables.opportunity_table(data.opportunities))


def nonconformities(data: ReportData) -> None:
    show_html(tables.nonconformity_table(data.nonconformities, data.summary))


def data_quality(data: ReportData) -> None:
    show_markdown("**Misure mancanti nel periodo** (non inviate, o dichiarate non disponibili con il motivo)")
    show_html(tables.missing_table(data.summary, data.measurements))
    show_markdown("**Righe scartate che riguardano questa direzione** (dai file consegnati e dai casi)")
    show_html(tables.rejects_table(data.rejects))


def provenance_tables(data: ReportData, parameters: dict) -> None:
    show_html(tables.plain_table(provenance(data.paths, parameters), "provenienza"))
    show_markdown("**Impronta (SHA-256) di ogni file di ingresso**")
    show_html(tables.plain_table(file_hashes(data.paths), "impronte"))
