"""The management review pack (riesame della direzione, ISO 9001 §9.3): what ``notebooks/review.ipynb``
shows, one function per section, for a year and the year before.

The §9.3.2 inputs the data supports: the extent to which the quality objectives (targets)
were met, in the year and against the previous year; process performance (variation and
assurance); nonconformities and corrective actions (episodes opened, closed, open, overdue);
monitoring and measurement results (what was measured of what was due); the effectiveness
of actions taken (each recorded process change, the mean before and after); the ranked
opportunities for improvement. Then the §9.3.3 outputs the management writes in, as blank,
labelled spaces. Everything is computed in memory by :func:`kpilib.analyse`: nothing is written.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from ..analysis.evaluate import Analysis, analyse
from ..core.labels import ASSURANCE_IT, VARIATION_IT, count_it, value_it
from ..core.paths import Paths
from ..core.schemas import CORRECTIONS, REJECTS
from ..core.vocabulary import Status
from ..measurements.ingest import read_measurements
from . import tables
from .changes import changes_section, snapshot
from .direction_report import show_html, show_markdown
from .document import document_block
from .revisions import REVIEW_SERIES, input_hashes, revisions


@dataclass(frozen=True)
class Review:
    """The year analysed, and the year before."""

    paths: Paths
    year: int
    now: Analysis
    before: Analysis


def load_review(root: str = "", year: str = "") -> Review:
    """The analysis of ``year`` (default: the latest year with data) and of the year before, in memory."""
    paths = Paths.at(root or None)
    if not year:
        measured = read_measurements(paths.measurements)
        measured = measured[measured["value"].notna()]
        year = str(max(p.end for p in measured["period"]).year)
    now = analyse(str(int(year)), root=paths.root)
    before = analyse(str(int(year) - 1), root=paths.root)  # a first year's comparison shows no data
    return Review(paths, int(year), now, before)


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
        "<p style='font-size:1.1em'>Elementi in ingresso previsti dalla norma ISO 9001:2015, punto 9.3.2, "
        "calcolati dai dati degli indicatori; in fondo, gli spazi per le decisioni (punto 9.3.3).</p>"
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


def objectives(review: Review) -> None:
    """§9.3.2 c) 2: the extent to which the quality objectives were met, against the year before."""
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
    frame = pd.DataFrame(rows)
    show_html(tables.plain_table(frame, "obiettivi"))


def _share(value) -> str:
    return "—" if pd.isna(value) else value_it(value, "percent", decimals=0)


def performance(review: Review) -> None:
    """§9.3.2 c) 3: process performance: the variation of the latest point and the assurance."""
    summary = review.now.summary
    variation = summary["variation"].fillna("").map(lambda v: VARIATION_IT.get(v, v)).value_counts()
    assurance = summary["assurance"].map(lambda v: ASSURANCE_IT.get(v, v)).value_counts()
    frame = pd.DataFrame(
        {"Lettura": [*variation.index, *assurance.index], "Indicatori": [*variation.tolist(), *assurance.tolist()]}
    )
    show_html(tables.plain_table(frame, "prestazioni"))


def nonconformities(review: Review) -> None:
    """§9.3.2 c) 4: nonconformities and corrective actions in the year."""
    episodes = review.now.nonconformities
    opened = episodes["first_period"].map(lambda p: p.end.year == review.year)
    closed = episodes["closed_period"].map(lambda p: bool(p) and p.end.year == review.year)
    still_open = tables.is_open(episodes)
    overdue = episodes["overdue"].astype(str).str.lower().eq("true")
    frame = pd.DataFrame(
        {
            "Voce": [
                "Aperte nell'anno",
                "Chiuse nell'anno",
                "Aperte a fine anno",
                "di cui con azione scaduta",
                "di cui senza azione registrata",
            ],
            "Non conformità": [
                int(opened.sum()),
                int(closed.sum()),
                int(still_open.sum()),
                int((still_open & overdue).sum()),
                int((still_open & episodes["state"].eq("senza_azione")).sum()),
            ],
        }
    )
    show_html(tables.plain_table(frame, "nc_anno"))
    show_html(tables.nonconformity_table(episodes, review.now.summary, "nc_aperte"))
    states = episodes["state"].value_counts()
    show_markdown("Stato di tutte le non conformità: " + ", ".join(count_it(n, s) for s, n in states.items()) + ".")


def monitoring(review: Review) -> None:
    """§9.3.2 c) 5: monitoring and measurement results: what was measured of what was due."""
    summary = review.now.summary
    expected, measured = int(summary["periods_expected"].sum()), int(summary["periods_measured"].sum())
    show_markdown(
        f"Nell'anno {review.year} erano attese **{expected} misure** (indicatori per periodi dovuti): ne sono arrivate "
        f"**{measured}** ({value_it(100 * measured / expected if expected else 0, 'percent', 0)}). "
        "Le misure mancanti, per indicatore:"
    )
    rejects = REJECTS.read(review.paths.measurement_rejects, missing_ok=True)
    show_html(tables.missing_table(summary, review.now.measurements, rejects))


def effectiveness(review: Review) -> None:
    """§9.3.2 d), 10.3: the effectiveness of actions taken: each recorded process change, before and after."""
    spc = review.now.spc
    changes = spc[spc["change"].fillna("").ne("")]
    if changes.empty:
        show_markdown("Nessun cambio di processo registrato: nessuna azione di cui misurare l'efficacia sui dati.")
        return
    labels = {r["indicator_id"]: tables.label(r) for r in review.now.summary.to_dict("records")}
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
                "Cambio": change["change"],
                "Dal": str(change["period"]),
                "Media prima": value_it(before, unit),
                "Media dopo": value_it(after, unit),
            }
        )
    show_html(tables.plain_table(pd.DataFrame(rows), "efficacia"))


def opportunities(review: Review, limit: int = 15) -> None:
    """§9.3.2 f): the opportunities for improvement, ranked across the organisation."""
    ranked = review.now.opportunities.sort_values(["score", "indicator_id"], ascending=[False, True]).head(limit)
    show_html(tables.opportunity_table(ranked.assign(rank=range(1, len(ranked) + 1)), "opportunita_riesame"))


def decisions() -> None:
    """§9.3.3: the outputs the management writes in, as labelled spaces."""
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
