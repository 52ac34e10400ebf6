"""What the overview notebook shows: every direction on one page."""

from __future__ import annotations

import html

import pandas as pd

from ..analysis.charts import compliance_heatmap
from ..analysis.history import compliance_history
from ..core.labels import count_it
from ..core.schemas import EVENT_BOUNDS
from ..core.vocabulary import is_missing
from ..measurements.processed import read_measurements
from . import tables
from .data import ReportData, load, report_slug
from .direction_report import revision_changes, show_figure, show_html, show_markdown
from .document import document_block
from .revisions import REPORTS_SERIES


def load_overview(root: str = "", period: str = "") -> ReportData:
    return load(root, period, None)


def heading(data: ReportData) -> None:
    block = document_block(
        data.paths,
        "Panoramica degli indicatori di qualità (ISO 9001:2015)",
        [("Direzione", "tutte le direzioni"), ("Periodo", data.period.label_it())],
        data.period,
    )
    show_html(
        "<p><a href='index.html'>Indice del periodo</a> · <a href='../index.html'>Tutti i periodi</a></p>"
        f"{block}<h1>Indicatori di qualità — panoramica</h1>"
        f"<p style='font-size:1.1em'>Comune di Milano, tutte le direzioni — <b>{html.escape(data.period.label_it())}</b></p>"
    )


def changes(data: ReportData) -> None:
    """What changed since the period's last issued revision, every direction; then, while the period is
    open, the outlook."""
    outlook(data)
    said = revision_changes(data, REPORTS_SERIES, by_direction=True)
    if said:
        show_html(said)


def outlook(data: ReportData) -> None:
    """While the period is open: the whole organisation's targets already lost or at risk."""
    from .direction_report import outlook as direction_outlook

    direction_outlook(data)


def history(data: ReportData) -> pd.DataFrame:
    versions = data.versions if data.versions is not None else data.indicators
    bounds = EVENT_BOUNDS.read(data.paths.event_bounds, missing_ok=True)
    return compliance_history(versions, read_measurements(data.paths.measurements), data.period, bounds)


def heatmap(data: ReportData) -> None:
    past = history(data)
    show_figure(
        compliance_heatmap(past),
        f"Mappa di calore: quota di indicatori con target raggiunto per {count_it(past['direction'].nunique(), 'direzione')} "
        f"e {count_it(past['period'].nunique(), 'semestre')}; i valori sono anche nella tabella che segue.",
    )
    frame = pd.DataFrame(
        {
            "Direzione": past["direction"],
            "Periodo": past["period"].astype(str),
            "Raggiunti": past["met"],
            "Non raggiunti": past["not_met"],
            "Senza dati": past["no_data"],
            "Conformità": past["compliance"].map(lambda v: "—" if is_missing(v) else f"{v:.0f}%".replace(".", ",")),
        }
    )
    show_html(tables.plain_table(frame, "storico"))


def top_opportunities(data: ReportData, limit: int = 10) -> None:
    ranked = data.opportunities.sort_values(["score", "indicator_id"], ascending=[False, True]).head(limit)
    ranked = ranked.assign(rank=range(1, len(ranked) + 1))
    show_html(tables.opportunity_table(ranked, "opportunita_ente"))


def delivery_status(data: ReportData) -> None:
    """Where the collection stands: the offices with rows missing or rejected, late ones first."""
    status = data.delivery_status
    if status is None or status.empty:
        show_markdown("Nessuna misura richiesta agli uffici nel periodo.")
        return
    pending = status[status["missing"] > 0].sort_values(["late", "missing"], ascending=[False, False], kind="stable")
    complete = len(status) - len(pending)
    show_markdown(
        f"{complete} uffici su {len(status)} hanno inviato tutte le misure del periodo"
        + (": nessuno ha righe mancanti." if pending.empty else "; quelli con righe mancanti o scartate:")
    )
    if len(pending):
        show_html(tables.delivery_status_table(pending))


def report_links(data: ReportData) -> None:
    directions = sorted(data.indicators["direction"].unique())
    counts = data.summary.groupby("direction")["status"].value_counts().unstack(fill_value=0)
    rows = []
    for direction in directions:
        slug = report_slug(direction, directions)
        link = f"<a href='{html.escape(slug)}.html'>{html.escape(direction)}</a>"
        got = counts.loc[direction] if direction in counts.index else {}
        rows.append(
            f"<tr><td>{link}</td><td>{int(got.get('met', 0))}</td><td>{int(got.get('not_met', 0))}</td>"
            f"<td>{int(got.get('no_data', 0))}</td></tr>"
        )
    cell = "padding: 5px 8px; border-bottom: 1px solid #ddd; text-align: left"
    head = "background: #1f4e79; color: white; padding: 6px 8px; text-align: left"
    header = "".join(
        f"<th style='{head}'>{name}</th>" for name in ("Direzione", "Raggiunti", "Non raggiunti", "Senza dati")
    )
    body = "".join(rows).replace("<td>", f"<td style='{cell}'>")
    show_html(f"<table style='border-collapse: collapse'><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>")
    show_markdown("I rapporti per direzione sono nella stessa cartella di questa pagina.")
