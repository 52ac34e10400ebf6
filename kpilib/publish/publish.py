"""``kpi publish --period P | --year Y``: what the law asks to publish of a period, in ``reports/<P>/open-data/``.

D.Lgs. 33/2013 art. 32 (Amministrazione trasparente, servizi erogati) asks for the results in open
formats; AgID's open-data guidelines say how: semicolon-separated UTF-8 CSV, one table per file
(:mod:`.tables`), a Frictionless data package (:mod:`.package`) and a DCAT-AP_IT record
(:mod:`.dcat`) for the city's CKAN portal and the national catalogue, CC-BY 4.0. The pages go to
the municipality's preservation system as PDF/A (:mod:`.pdfa`), in ``reports/<P>/conservazione/``.

Only an issued revision is published: the latest one, provided the data are still those it was
issued from (else one line says to issue again). Where nothing has been issued yet, the draft is
published, and says so: ``bozza`` in the package's version and the record's title, and on stderr.
"""

from __future__ import annotations

import datetime as dt
import json
import sys

from .. import __version__
from ..core.errors import KpiError
from ..core.files import csv_bytes
from ..core.paths import Paths
from ..core.periods import Period, parse_period
from ..core.workdays import milan_today
from ..core.writes import write_together
from ..reports.provenance import git_commit
from ..reports.revisions import REPORTS_SERIES, REVIEW_SERIES, data_fingerprint, input_hashes, revisions
from .dcat import dcat_graph
from .package import package, resource
from .schemas import OPEN_DELIVERIES, OPEN_INDICATORS, OPEN_NONCONFORMITIES, OPEN_RESULTS
from .settings import read_publication_settings
from .tables import delivery_table, indicator_table, nonconformity_table, result_table

TITLES = {
    OPEN_INDICATORS.name: "Indicatori e target",
    OPEN_RESULTS.name: "Risultati per indicatore e periodo",
    OPEN_NONCONFORMITIES.name: "Non conformità",
    OPEN_DELIVERIES.name: "Stato delle consegne per ufficio",
}


def run_publish(paths: Paths, period: str | None = None, year: str | None = None, pdf: bool = True) -> int:
    """Write the open-data folder of the period (and the PDF/A copies of its pages); 0 when done."""
    from ..analysis.evaluate import analyse
    from ..measurements.status import delivery_status

    if bool(period) == bool(year):
        raise KpiError("give --period P (a semester's reports) or --year Y (the management review), one of them")
    try:
        chosen = parse_period(period or year)
    except ValueError as error:
        raise KpiError(f"--{'period' if period else 'year'} {period or year}: {error}") from None
    if year and chosen.freq != "year":
        raise KpiError(f"--year {year}: give a year, e.g. 2025")
    settings = read_publication_settings(paths)  # a missing setting: one line before anything is written
    series = REVIEW_SERIES if year else REPORTS_SERIES
    hashes = input_hashes(paths)
    state, pages = _state(paths, chosen, series, data_fingerprint(paths, hashes))
    analysis = analyse(str(chosen), paths.root)
    status, _ = delivery_status(paths, chosen)
    frames = {
        OPEN_INDICATORS: indicator_table(analysis.indicators),
        OPEN_RESULTS: result_table(analysis.evaluation, chosen),
        OPEN_NONCONFORMITIES: nonconformity_table(analysis.nonconformities),
        OPEN_DELIVERIES: delivery_table(status),
    }
    files = {schema.name: open_csv(frame) for schema, frame in frames.items()}
    today = milan_today()
    name = f"qualita-servizi-iso9001-{str(chosen).lower()}"
    said = "bozza non emessa" if state["stato"] == "bozza" else f"revisione {state['revisione']}"
    title = f"Qualità dei servizi (ISO 9001): indicatori e risultati, {chosen.label_it()} ({said})"
    description = (
        f"Indicatori di qualità dei servizi di {settings.publisher} monitorati secondo la norma ISO 9001:2015, "
        f"con i target pubblicati (D.Lgs. 33/2013, art. 32) e i risultati di {chosen.label_it()}: "
        "esito per indicatore e periodo con i valori da cui viene, non conformità, stato delle consegne degli uffici."
    )
    provenance = {
        **state,
        "periodo": str(chosen),
        "file_di_origine": hashes,
        "kpilib": __version__,
        "commit": git_commit(),
    }
    resources = [
        resource(schema, files[schema.name], TITLES[schema.name], {"calcolato_da": "kpilib.analyse", **state})
        for schema in frames
    ]
    descriptor = package(
        name,
        title,
        description,
        f"{state['revisione']}.0.0" if state["stato"] == "emesso" else "0.0.0-bozza",
        dt.datetime.combine(today, dt.time()).isoformat() + "Z",
        resources,
        [{"title": f"{settings.publisher}, Amministrazione trasparente: servizi erogati, indicatori e target"}],
        list(settings.keywords),
        provenance,
    )
    files["datapackage.json"] = (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    graph = dcat_graph(
        settings,
        f"{settings.rights_holder_ipa}:{name}",
        title,
        description,
        today,
        chosen.start,
        chosen.end,
        [(schema.name, TITLES[schema.name], "CSV") for schema in frames]
        + [("datapackage.json", "Data package", "JSON")],
    )
    files["dcat-ap_it.ttl"] = graph.serialize(format="turtle").encode("utf-8")
    files["dcat-ap_it.rdf"] = graph.serialize(format="pretty-xml").encode("utf-8")
    out = paths.open_data(chosen)
    out.mkdir(parents=True, exist_ok=True)
    write_together({out / file: data for file, data in files.items()}, out)
    if state["stato"] == "bozza":
        print(
            f"publish: {chosen}: nothing issued yet: the draft is published, marked as such (kpi issue first)",
            file=sys.stderr,
        )
    print(f"publish: {chosen} ({said}): {len(frames)} tables, datapackage.json, DCAT-AP_IT -> {paths.relative(out)}/")
    if pdf:
        from .pdfa import archive_pages

        written, problems = archive_pages(pages, paths.preservation(chosen))
        for problem in problems:
            print(f"publish: {problem}", file=sys.stderr)
        print(f"publish: {len(written)} PDF/A -> {paths.relative(paths.preservation(chosen))}/")
        return 1 if problems else 0
    return 0


def open_csv(frame) -> bytes:
    """A table as the open-data guidelines ask: UTF-8, semicolons, one header row, nothing else."""
    return csv_bytes(frame, delimiter=";", defused=False)


def _rendered_from(paths: Paths, chosen: Period) -> dict[str, str]:
    """Each draft page's data fingerprint, as ``pages.json`` recorded it when the page was rendered."""
    try:
        entries = json.loads(paths.page_list(chosen).read_text(encoding="utf-8"))
        return {str(entry["slug"]): str(entry.get("fingerprint", "")) for entry in entries}
    except (OSError, ValueError, TypeError, KeyError):
        return {}


def _state(paths: Paths, chosen: Period, series: str, fingerprint: str) -> tuple[dict, list]:
    """What is published: the latest issued revision (its data must be today's), else the draft; and its pages."""
    history = revisions(paths, chosen, series)
    folder = paths.report_folder(chosen)
    if not history:
        pages = [
            page
            for page in sorted(folder.glob("*.html"))
            if page.name != "index.html" and (series == REVIEW_SERIES) == (page.stem == "riesame")
        ]
        command = f"kpi review --year {chosen}" if series == REVIEW_SERIES else f"kpi reports --period {chosen}"
        if not pages:
            raise KpiError(f"{chosen}: no page rendered or issued yet: run '{command}' (and 'kpi issue') first")
        stale = [page.stem for page in pages if _rendered_from(paths, chosen).get(page.stem) != fingerprint]
        if stale:  # the copies and the tables must say the same: both from today's data
            raise KpiError(
                f"{chosen}: the draft pages ({', '.join(stale)}) were rendered from other data than today's: "
                f"run '{command}' again, then publish"
            )
        return {"stato": "bozza", "revisione": 0}, pages
    latest = history[-1]
    if latest.fingerprint != fingerprint:
        raise KpiError(
            f"{chosen}: the data changed after revision {latest.number} was issued ({latest.issued_on:%d/%m/%Y}): "
            f"issue a new revision first (kpi issue), then publish"
        )
    return {
        "stato": "emesso",
        "revisione": latest.number,
        "emesso_il": latest.issued_on.isoformat(),
        "approvato_da": latest.approved_by,
        "approvato_il": latest.approved_on.isoformat(),
        "impronta_dati": latest.fingerprint,
    }, [latest.folder / f"{page['slug']}.html" for page in latest.pages]
