"""Each indicator's record (ISO 9001 §9.1.1: what is monitored, how, when): ``reports/indicatori/<id>.html``.

One self-contained page per indicator, rewritten with the newest data at every ``kpi reports`` and
``kpi review``, linked from every report table that names the indicator: what is measured (the
catalog's text and target, every version with its years), how (source, calculation in words,
basis, who delivers and by when), every period's value and status, the chart, corrections and
the offices' notes, nonconformity episodes with their treatment, recorded process changes.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
from pathlib import Path

import pandas as pd

from ..analysis.charts import png, xmr_chart
from ..cases.indicators import calculation_it
from ..catalog.targets import Target, target_shown
from ..core.files import records_of
from ..core.labels import BASIS_IT, FREQ_ADJECTIVE_IT, STATUS_IT, date_it, indicator_label, value_it
from ..core.paths import Paths
from ..core.periods import MONTHS_IN
from ..core.schemas import CORRECTIONS
from ..core.vocabulary import is_missing
from ..core.writes import write_one
from ..measurements.status import due_working_days
from .tables import RECORDS_FOLDER, episode_table, plain_table


def from_cases(measurements: pd.DataFrame) -> set[str]:
    """The indicators whose values are computed from case records (``data/raw/events``)."""
    derived = measurements["source"].astype(str).str.startswith("data/raw/events/")
    return set(measurements.loc[derived, "indicator_id"])


def basis_it(row: dict, measurements: pd.DataFrame) -> str:
    """How often the indicator is measured: its basis, else the finest period its measurements use."""
    if row.get("basis") in BASIS_IT:
        return BASIS_IT[row["basis"]]
    own = measurements.loc[measurements["indicator_id"] == row["indicator_id"], "period"]
    if own.empty:
        return "base non indicata"
    finest = min(own, key=lambda p: MONTHS_IN[p.freq])
    return f"{FREQ_ADJECTIVE_IT[finest.freq]} (dai valori: il catalogo non la indica)"


def collection_it(row: dict, cases: bool, as_of: dt.date | None, basis: str) -> str:
    """Frequency and source in a few words, for a table cell: ``mensile, ufficio``, ``mensile, casi``
    (``basis`` as :func:`basis_it` says it; its first word only; the as-of date: :func:`collection_note_it`)."""
    frequency = basis.split(" ")[0]
    return f"{frequency}, {'casi' if cases else 'ufficio'}"


def collection_note_it(as_of: dt.date | None) -> str:
    """What the words under each process mean, with the date case-record values were computed at."""
    when = f", dati al {as_of:%d/%m/%Y}" if as_of else ""
    return (
        "Sotto il processo, la rilevazione: frequenza e fonte («ufficio»: valore consegnato dall'ufficio; «casi»: "
        f"calcolato dai fascicoli dei casi{when}). Il dettaglio è nella scheda di ogni indicatore (link sul nome)."
    )


def write_records(paths: Paths, data, as_of: dt.date | None, charts: dict[str, bytes] | None = None) -> list[Path]:
    """One record page per indicator of ``data`` (a :class:`~.data.ReportData`, of every direction or of one).

    ``charts``: indicator id -> the PNG of its chart already drawn (by the direction report): drawn
    again only where missing."""
    folder = paths.reports / RECORDS_FOLDER
    cases = from_cases(data.measurements)
    corrections = CORRECTIONS.read(paths.corrections, missing_ok=True)
    changes = _changes(paths, data.indicators)
    written = []
    for row in data.summary.sort_values("indicator_id").to_dict("records"):
        indicator_id = row["indicator_id"]
        page = record_page(
            row,
            versions=data.versions[data.versions["indicator_id"] == indicator_id],
            evaluation=data.evaluation[data.evaluation["indicator_id"] == indicator_id],
            measurements=data.measurements[data.measurements["indicator_id"] == indicator_id],
            corrections=corrections[corrections["indicator_id"] == indicator_id],
            episodes=data.nonconformities[data.nonconformities["indicator_id"] == indicator_id],
            changes=changes[changes["indicator_id"] == indicator_id],
            chart=_chart(data, indicator_id, (charts or {}).get(indicator_id)),
            cases=indicator_id in cases,
            as_of=as_of,
            basis=basis_it(row, data.measurements),
            due=due_working_days(paths),
        )
        path = folder / f"{indicator_id}.html"
        write_one(path, page.encode("utf-8"))
        written.append(path)
    return written


def _changes(paths: Paths, indicators: pd.DataFrame) -> pd.DataFrame:
    from ..analysis.changes import read_changes

    changes, _ = read_changes(paths.changes_dir, indicators, paths.relative)
    return changes


def _chart(data, indicator_id: str, drawn: bytes | None = None) -> str:
    if drawn is None and not (data.spc["indicator_id"] == indicator_id).any():
        return "<p>Nessun valore da mostrare nel grafico.</p>"
    if drawn is None:
        drawn = png(xmr_chart(data.spc, data.summary, indicator_id, size=(9, 3.6)))
    encoded = base64.b64encode(drawn).decode("ascii")
    return f"<img alt='Andamento nel tempo dei valori, del target e dei limiti del processo' src='data:image/png;base64,{encoded}'>"


def record_page(
    row: dict,
    versions: pd.DataFrame,
    evaluation: pd.DataFrame,
    measurements: pd.DataFrame,
    corrections: pd.DataFrame,
    episodes: pd.DataFrame,
    changes: pd.DataFrame,
    chart: str,
    cases: bool,
    as_of: dt.date | None,
    due: int,
    basis: str,
) -> str:
    """The record of one indicator as a self-contained Italian page."""
    name = indicator_label(row)
    unit = row["target_unit"]
    what = pd.DataFrame(
        [
            ("Direzione", row["direction"]),
            ("Area", row.get("area") or "—"),
            ("Ufficio", row["office"]),
            ("Processo", row["process"]),
            ("Indicatore", name),
            ("Codice", row["indicator_id"]),
            ("Target in vigore", f"{target_shown(row)} (pubblicato: «{row['target_raw']}»)"),
        ],
        columns=["Voce", "Valore"],
    )
    how = pd.DataFrame(
        [
            ("Fonte", _source_it(row, measurements, cases, as_of)),
            ("Calcolo", calculation_it(row) if cases else delivered_it(row)),
            ("Frequenza", basis),
            ("Chi consegna", "nessuno: calcolato dai casi" if cases else row["office"]),
            (
                "Scadenza",
                "alla prossima esecuzione di 'kpi events'"
                if cases
                else f"entro {due} giorni lavorativi dalla fine di ciascun periodo (calendario di Milano)",
            ),
        ],
        columns=["Voce", "Valore"],
    )
    sections = [
        ("Che cosa si misura", plain_table(what, "cosa")),
        ("Versioni del catalogo", _versions(versions)),
        ("Come e quando si misura", plain_table(how, "come")),
        ("Valori ed esiti per periodo", _values(evaluation, measurements, unit)),
        ("Andamento nel tempo", chart),
        ("Correzioni", _corrections(corrections, unit)),
        ("Non conformità e trattamento (ISO 9001, 10.2)", episode_table(episodes, "episodi")),
        ("Cambi di processo registrati", _process_changes(changes)),
    ]
    body = "".join(f"<h2>{html.escape(title)}</h2>{content}" for title, content in sections)
    title = html.escape(name)
    return f"""<!DOCTYPE html>
<html lang="it"><head><meta charset="utf-8"><title>Scheda dell'indicatore — {title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 70em; color: #222; }}
h1 {{ font-size: 1.4em; }} h2 {{ font-size: 1.1em; margin-top: 1.5em; color: #1f4e79; }}
img {{ max-width: 100%; height: auto; }}
@media print {{ @page {{ size: A4 landscape; margin: 10mm; }} body {{ font-size: 8pt; margin: 0; }} }}
</style></head><body>
<nav aria-label="Archivio"><p><a href="../index.html">← Tutti i periodi</a></p></nav>
<main>
<h1>Scheda dell'indicatore: {title}</h1>
<p>{html.escape(row["office"])} — {html.escape(row["direction"])}. Registrazione di che cosa si misura, come e
quando (ISO 9001:2015, 9.1.1), aggiornata con i dati più recenti: i valori dei rapporti emessi restano quelli
della loro revisione.</p>
{body}
</main></body></html>
"""


def delivered_it(row: dict) -> str:
    """How an office-delivered value becomes the period's value, in words."""
    if row["target_unit"] == "percent":
        return (
            "percentuale comunicata dall'ufficio; dove invia numeratore e denominatore, il valore di un periodo più "
            "lungo si calcola sommandoli (non facendo la media delle percentuali)"
        )
    return f"valore comunicato dall'ufficio ({value_it(1, row['target_unit']).split(' ', 1)[-1]})"


def _source_it(row: dict, measurements: pd.DataFrame, cases: bool, as_of: dt.date | None) -> str:
    """Where the values come from; where an office delivered them before case records took over, since when."""
    delivered = f"consegnato dall'ufficio {row['office']} con il modello di raccolta"
    if not cases:
        return delivered
    derived = measurements["source"].astype(str).str.startswith("data/raw/events/")
    said = f"calcolato dai fascicoli dei casi (data/raw/events){_as_of(as_of)}"
    if derived.all():
        return said
    since = min(measurements.loc[derived, "period"])
    return f"{said}, dal {since.label_it()}; prima {delivered}"


def _as_of(as_of: dt.date | None) -> str:
    return f", dati al {as_of:%d/%m/%Y}" if as_of else ""


def _versions(versions: pd.DataFrame) -> str:
    if versions.empty:
        return "<p>—</p>"
    frame = pd.DataFrame(
        {
            "Dal": versions["valid_from"].map(lambda v: "sempre" if is_missing(v) else str(int(v))),
            "Al": versions["valid_to"].map(lambda v: "in vigore" if is_missing(v) else str(int(v))),
            "Target pubblicato": versions["target_raw"],
            "Target letto": [target_shown(r) for r in versions.to_dict("records")],
        }
    )
    return plain_table(frame, "versioni")


def _values(evaluation: pd.DataFrame, measurements: pd.DataFrame, unit: str) -> str:
    if evaluation.empty:
        return "<p>Nessun valore.</p>"
    measured: dict[str, dict] = {}  # the first measurement of each period, as records (no lookup per row)
    for found in records_of(measurements[["period", "note", "source", "row"]]):
        measured.setdefault(str(found["period"]), found)
    ordered = evaluation.sort_values("period", ascending=False)
    rows = []
    for row in records_of(ordered):
        found = measured.get(str(row["period"]))
        rows.append(
            {
                "Periodo": row["period"].label_it(),
                "Valore": value_it(row["value"], unit),
                "Target": _target_of(row),
                "Esito": STATUS_IT.get(row["status"], row["status"]),
                "Nota dell'ufficio": "" if found is None or is_missing(found["note"]) else str(found["note"]),
                "Da": "" if found is None else f"{found['source']}" + _row_it(found["row"]),
            }
        )
    return plain_table(pd.DataFrame(rows), "valori")


def _target_of(row: dict) -> str:
    held = Target.of(row)
    return "—" if held is None else held.shown()


def _row_it(row: object) -> str:
    return "" if is_missing(row) else f", riga {int(row)}"


def _corrections(corrections: pd.DataFrame, unit: str) -> str:
    if corrections.empty:
        return "<p>Nessun valore corretto da una consegna successiva.</p>"
    frame = pd.DataFrame(
        {
            "Periodo": corrections["period"].map(lambda p: p.label_it()),
            "Valore precedente": corrections["old_value"].map(lambda v: value_it(v, unit)),
            "Valore corretto": corrections["new_value"].map(lambda v: value_it(v, unit)),
            "Consegna precedente": corrections["old_source"] + corrections["old_delivered_on"].map(_on),
            "Consegna della correzione": corrections["new_source"] + corrections["new_delivered_on"].map(_on),
            "Nota": corrections["new_note"].fillna(""),
        }
    )
    return plain_table(frame, "correzioni")


def _on(day: object) -> str:
    return "" if is_missing(day) else f" ({date_it(str(day))})"


def _process_changes(changes: pd.DataFrame) -> str:
    if changes.empty:
        return "<p>Nessun cambio di processo registrato (data/raw/changes/).</p>"
    frame = pd.DataFrame(
        {"Dal periodo": changes["period"].map(lambda p: p.label_it()), "Motivo": changes["reason"].fillna("")}
    )
    return plain_table(frame, "cambi")
