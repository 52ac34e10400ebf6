"""``kpi reports``: the report notebooks executed through papermill and rendered to HTML.

One process runs the whole batch: a thread per worker (one per core by default), each
starting its kernels over IPC transport (no TCP ports to race for), retrying a kernel
that fails to start once, and reusing its own HTML exporter. A report that fails does
not stop the others: its partial notebook is kept and linked as failed, and the command
exits 1 after rendering the rest. Every output is written atomically.
"""

from __future__ import annotations

import html
import json
import logging
import os
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import nbformat
import papermill
from jupyter_client import KernelManager
from nbconvert import HTMLExporter
from papermill.inspection import inspect_notebook
from tqdm import tqdm
from traitlets.config import Config

from ..analysis.evaluate import run_evaluate
from ..catalog.indicators import read_indicator_versions, read_indicators, resolve_direction
from ..core.errors import KpiError
from ..core.paths import Paths
from ..core.periods import Period, parse_period
from ..core.schemas import SUMMARY
from ..core.writes import write_one, write_together
from .data import report_slug
from .document import document_settings
from .pdf import print_pdfs
from .revisions import ISSUED, REPORTS_SERIES, REVIEW_SERIES, data_fingerprint, revisions

# The project's own nbconvert template: Italian, nothing fetched from the network, images described.
TEMPLATES = Path(__file__).resolve().parent / "templates"
DIRECTION_NOTEBOOK = "direction_report.ipynb"
REVIEW_NOTEBOOK = "review.ipynb"
OVERVIEW_NOTEBOOK = "overview.ipynb"
KERNEL = "python3"


@dataclass(frozen=True)
class Job:
    title: str
    notebook: Path
    slug: str
    parameters: dict


@dataclass(frozen=True)
class Outcome:
    job: Job
    ok: bool
    message: str
    seconds: float
    kept_page: bool = False  # failed, and the complete page rendered before stays in place


FAILED_SUFFIX = "-non-riuscito.ipynb"


class ReportFailed(Exception):
    """A report could not be executed or rendered."""


def check_parameters(notebook: Path, parameters: dict) -> None:
    """Unknown parameters and a missing ``parameters`` tag are errors, not papermill's warnings."""

    book = nbformat.read(notebook, as_version=4)
    if not any("parameters" in cell.get("metadata", {}).get("tags", []) for cell in book.cells):
        raise KpiError(f"{notebook}: no cell is tagged 'parameters'")

    known = set(inspect_notebook(str(notebook)))
    unknown = sorted(set(parameters) - known)
    if unknown:
        raise KpiError(f"{notebook}: unknown parameter(s) {', '.join(unknown)} (it takes {', '.join(sorted(known))})")


class Renderer:
    """Executes and renders jobs; one HTML exporter per worker thread."""

    def __init__(self, out: Path, start_timeout: int = 60, execution_timeout: int = 600, good: frozenset = frozenset()):
        self.out = out
        self.good = good  # slugs whose page in ``out`` is complete: a failed render never replaces it
        self.start_timeout = start_timeout
        self.execution_timeout = execution_timeout
        self._local = threading.local()
        self._lock = threading.Lock()
        self._managers: list[KernelManager] = []

    def exporter(self):
        if not hasattr(self._local, "exporter"):
            self._local.exporter = html_exporter()
        return self._local.exporter

    def run(self, job: Job) -> Outcome:
        """Execute and render one report; a failure is an outcome, never an exception."""

        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="kpi-report-") as scratch:
            partial = Path(scratch) / f"{job.slug}.ipynb"
            try:
                executed = self._execute(job, partial)
                failure = _first_error(executed)
            except Exception as error:  # a report failing must not stop the batch
                message = (f"{error.__class__.__name__}: {error}".strip().splitlines() or [""])[0][:300]
                if not partial.exists():
                    return Outcome(job, False, message, time.perf_counter() - started)
                executed = nbformat.read(partial, as_version=4)  # what ran, up to the failing cell
                failure = _first_error(executed) or message
        if failure and job.slug in self.good and (self.out / f"{job.slug}.html").is_file():
            # The complete page stays; what ran is kept beside it for whoever fixes the failure.
            write_one(self.out / f"{job.slug}{FAILED_SUFFIX}", nbformat.writes(executed).encode("utf-8"))
            kept = f"{failure} (resta la pagina completa precedente; l'esecuzione non riuscita è in {job.slug}{FAILED_SUFFIX})"
            return Outcome(job, False, kept, time.perf_counter() - started, kept_page=True)
        # The notebook and its page are replaced together: never a new page beside an old notebook.
        write_together(
            {
                self.out / f"{job.slug}.ipynb": nbformat.writes(executed).encode("utf-8"),
                self.out / f"{job.slug}.html": self._html(job, executed, failure).encode("utf-8"),
            },
            self.out,
        )
        (self.out / f"{job.slug}.pdf").unlink(missing_ok=True)  # printed from the page it replaced: stale now
        (self.out / f"{job.slug}{FAILED_SUFFIX}").unlink(missing_ok=True)
        return Outcome(job, not failure, failure, time.perf_counter() - started)

    def _execute(self, job: Job, partial: Path):
        """Run the notebook with a kernel over IPC; papermill leaves it in ``partial`` even when a cell
        fails. A kernel that dies or does not start is retried once, with a new one.

        Each worker keeps its kernel from one report to the next, its namespace reset in between (the
        libraries stay imported: 1.5 s of every report's start); a kernel that ran a failing report, or
        did not answer, is replaced."""

        for attempt in (1, 2):
            try:
                manager = self._kernel(fresh=attempt == 2)
                executed = papermill.execute_notebook(
                    str(job.notebook),
                    str(partial),
                    parameters=job.parameters,
                    kernel_name=KERNEL,
                    progress_bar=False,
                    start_timeout=self.start_timeout,
                    execution_timeout=self.execution_timeout,
                    km=manager,
                    request_save_on_cell_execute=False,
                )
            except papermill.PapermillExecutionError:
                self._retire()
                raise  # a cell failed: the report failed, not the kernel
            except (RuntimeError, TimeoutError):  # the kernel died or did not start: try once more
                self._retire()
                if attempt == 2:
                    raise
                partial.unlink(missing_ok=True)
            else:
                if _first_error(executed):
                    self._retire()
                return executed
        raise ReportFailed("kernel did not start")

    def _kernel(self, fresh: bool = False) -> KernelManager:
        """This worker's kernel, its namespace reset as a new kernel's; a new one when ``fresh``, or none is alive."""
        manager = getattr(self._local, "manager", None)
        if manager is not None and (fresh or not manager.is_alive()):
            self._retire()
            manager = None
        if manager is None:
            self._local.count = getattr(self._local, "count", 0) + 1
            sockets = Path(tempfile.gettempdir()) / f"kpi-{os.getpid()}-{threading.get_ident()}-{self._local.count}"
            manager = KernelManager(kernel_name=KERNEL, transport="ipc", ip=str(sockets))
            self._local.manager = manager
            with self._lock:
                self._managers.append(manager)
            return manager  # papermill starts it
        client = manager.blocking_client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=self.start_timeout)
            reply = client.execute_interactive(_RESET, store_history=False, timeout=self.start_timeout)
        finally:
            client.stop_channels()
        if reply["content"]["status"] != "ok":
            return self._kernel(fresh=True)
        return manager

    def _retire(self) -> None:
        manager = getattr(self._local, "manager", None)
        self._local.manager = None
        if manager is not None:
            _stop(manager)

    def close(self) -> None:
        """Stop every worker's kernel (at the end of the batch)."""
        with self._lock:
            managers, self._managers = self._managers, []
        for manager in managers:
            _stop(manager)

    def _html(self, job: Job, executed, failure: str) -> str:
        body, _ = self.exporter().from_notebook_node(executed, resources={"metadata": {"name": job.title}})
        if failure:
            banner = (
                f"<div style='background:#f9d6d5;padding:1em;margin:1em;border:1px solid #c0392b'>"
                f"<b>Rapporto incompleto:</b> {html.escape(failure)}</div>"
            )
            body = _after_body(body, banner)
        return body


# Between two reports in one kernel: a new kernel's namespace (imports kept), no figure left open, the
# cells numbered from 1 again.
_RESET = """\
get_ipython().run_line_magic("reset", "-f")
if "matplotlib.pyplot" in __import__("sys").modules:
    __import__("sys").modules["matplotlib.pyplot"].close("all")
get_ipython().execution_count = 1
"""


def _stop(manager: KernelManager) -> None:
    try:
        if manager.has_kernel:
            manager.shutdown_kernel(now=True)
    finally:
        manager.cleanup_resources()


def html_exporter() -> HTMLExporter:
    """The exporter of the report pages: the project's template, Italian, no code, no anchors' "¶"."""
    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = ("injected-parameters", "parameters")
    config.HTMLExporter.exclude_input = True
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    config.HTMLExporter.language_code = "it"
    config.HTMLExporter.anchor_link_text = ""  # no "¶" read out or printed after every heading
    config.HTMLExporter.template_name = "kpi"
    config.HTMLExporter.extra_template_basedirs = [str(TEMPLATES)]
    exporter = HTMLExporter(config=config)
    exporter.register_filter("heading_id", heading_id)
    return exporter


def heading_id(text: str) -> str:
    """The id nbconvert gives a markdown heading, for the table of contents' links."""
    return quote(text.replace(" ", "-"), safe="?/:@!$&'()*+,;=")


def _after_body(document: str, insert: str) -> str:
    start = document.find("<body")
    end = document.find(">", start) + 1
    return document[:end] + insert + document[end:]


def _first_error(notebook) -> str:
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"[:300]
    return ""


def plan(paths: Paths, period: Period, directions: list[str] | None, notebooks: Path) -> tuple[list[Job], Job]:
    """The direction jobs (all, or those named) and the overview job."""

    indicators = read_indicators(paths.indicators, period)
    every = sorted(indicators["direction"].unique())
    chosen = [resolve_direction(indicators, d) for d in directions] if directions else every
    root = str(paths.root)
    text = str(period)  # a notebook parameter is text: the notebook parses it again, at its own edge
    jobs = [
        Job(
            d,
            notebooks / DIRECTION_NOTEBOOK,
            report_slug(d, every),
            # records: each report writes its indicators' record pages with the charts it draws
            {"direction": d, "period": text, "root": root, "records": True},
        )
        for d in dict.fromkeys(chosen)
    ]
    overview = Job("Panoramica dell'ente", notebooks / OVERVIEW_NOTEBOOK, "overview", {"period": text, "root": root})
    return jobs, overview


def _evaluated_period(paths: Paths, period: str | None) -> Period:
    """The period to report: evaluated now unless the processed analysis is already for it."""

    wanted = None
    if period:
        try:
            wanted = parse_period(period)
        except ValueError as error:
            raise KpiError(str(error)) from None
    if paths.indicator_summary.exists():
        done = SUMMARY.read(paths.indicator_summary)["period"]
        if len(done) and (wanted is None or done.iloc[0] == wanted):
            return done.iloc[0]
    from ..analysis.spc_options import read_record

    used = read_record(paths)  # evaluated again with the choices the analysis on record was made with
    return run_evaluate(paths, wanted, used.screen if used else None, used.baseline if used else None).period


def run_reports(
    paths: Paths,
    period: str | None = None,
    directions: list[str] | None = None,
    jobs: int | None = None,
    notebooks: Path | None = None,
    pdf: bool = False,
) -> int:
    """``kpi reports``: render every report; 0 when all rendered, 1 when any failed.

    ``notebooks``: where the report notebooks are (default: this repository's ``notebooks/``);
    ``pdf``: also print each page to a PDF beside it (headless Chromium).
    """

    document_settings(paths)  # an unusable settings file is one line before any page is touched
    period = _evaluated_period(paths, period)
    planned, overview = plan(paths, period, directions, notebooks or paths.notebooks)
    for job in [*planned[:1], overview]:
        check_parameters(job.notebook, job.parameters)
    out = paths.report_folder(period)
    out.mkdir(parents=True, exist_ok=True)
    logging.getLogger("papermill").setLevel(logging.ERROR)
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    fingerprint = data_fingerprint(paths)  # what the pages are made from, for 'kpi issue' to check
    renderer = Renderer(out, good=good_pages(paths, period))
    workers = jobs or os.cpu_count() or 1
    outcomes: list[Outcome] = []
    # The overview only links to the direction reports, so it runs alongside them (first: it is the longest).
    with tqdm(total=len(planned) + 1, desc="reports", unit="report") as progress, ThreadPoolExecutor(workers) as pool:
        try:
            futures = [pool.submit(renderer.run, job) for job in [overview, *planned]]
            for future in as_completed(futures):
                outcomes.append(future.result())
                progress.update()
        finally:
            renderer.close()
    write_indexes(paths, period, outcomes, fingerprint)
    failed = [o for o in outcomes if not o.ok]
    for outcome in failed:
        print(f"reports: FAILED {outcome.job.title}: {outcome.message}")
    print(
        f"reports: {len(outcomes) - len(failed)} rendered, {len(failed)} failed -> {paths.relative(out / 'index.html')}"
        f"; the indicators' records -> {paths.relative(paths.reports / 'indicatori')}/"
    )
    if pdf:
        pages = [out / f"{o.job.slug}.html" for o in sorted(outcomes, key=lambda o: o.job.slug)]
        written, problems = print_pdfs(pages)
        for problem in problems:
            print(f"reports: {problem}", file=sys.stderr)
        print(f"reports: {len(written)} PDF(s) -> {paths.relative(out)}/")
        if problems:
            return 1
    return 1 if failed else 0


def run_review(paths: Paths, year: str, notebooks: Path | None = None, pdf: bool = False) -> int:
    """``kpi review``: the management review pack of ``year`` in ``reports/<year>/riesame.html``."""
    try:
        period = parse_period(year)
    except ValueError as error:
        raise KpiError(str(error)) from None
    if period.freq != "year":
        raise KpiError(f"--year takes a year (e.g. 2025), not '{year}'")
    if not paths.measurements.exists():
        raise KpiError(f"{paths.relative(paths.measurements)}: not found; run 'kpi run' (or 'kpi ingest') first")
    document_settings(paths)
    _check_year_has_data(paths, period)
    _say_register_rejects(paths)
    job = Job(
        f"Riesame della direzione {period.year}",
        (notebooks or paths.notebooks) / REVIEW_NOTEBOOK,
        "riesame",
        {"year": str(period.year), "root": str(paths.root)},
    )
    check_parameters(job.notebook, job.parameters)
    out = paths.report_folder(period)
    out.mkdir(parents=True, exist_ok=True)
    logging.getLogger("papermill").setLevel(logging.ERROR)
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    fingerprint = data_fingerprint(paths)
    renderer = Renderer(out, good=good_pages(paths, period))
    try:
        outcome = renderer.run(job)
    finally:
        renderer.close()
    write_indexes(paths, period, [outcome], fingerprint)
    write_indicator_records(paths)
    if not outcome.ok:
        print(f"review: FAILED {job.title}: {outcome.message}")
        return 1
    print(f"review: {job.title} -> {paths.relative(out / 'riesame.html')}")
    if pdf:
        _, problems = print_pdfs([out / "riesame.html"])
        for problem in problems:
            print(f"review: {problem}", file=sys.stderr)
        return 1 if problems else 0
    return 0


def write_indicator_records(paths: Paths) -> list[Path]:
    """Every indicator's record page, from the processed analysis (whichever period it is for)."""
    from ..cases.events import read_event_as_of
    from .data import load
    from .records import write_records

    return write_records(paths, load(str(paths.root)), read_event_as_of(paths))


def _say_register_rejects(paths: Paths) -> None:
    """Each row of the review's registers that cannot be used, one line on stderr (the page lists them too)."""
    from ..review.registers import read_review_registers

    for row in read_review_registers(paths).rejects.to_dict("records"):
        print(f"review: {row['source']}: row {row['row']}: {row['reason']}", file=sys.stderr)


def good_pages(paths: Paths, period: Period) -> frozenset:
    """The slugs whose page in the period's folder is complete (rendered without failure)."""
    return frozenset(e["slug"] for e in _page_list(paths.page_list(period)) if e["ok"] or e.get("kept_page"))


def write_indexes(paths: Paths, period: Period, outcomes: list[Outcome], fingerprint: str = "") -> None:
    """The period's index and the archive, after ``outcomes`` were rendered into the period's folder.

    The index lists every page of the folder, whichever command wrote it last: ``pages.json``
    keeps each page's title and status, ``outcomes`` replace their own entries, and an entry
    whose page is no longer there is dropped. ``fingerprint``: the data the outcomes' pages were made from.
    """
    folder = paths.report_folder(period)
    pages = {entry["slug"]: entry for entry in _page_list(paths.page_list(period))}
    for outcome in outcomes:
        pages[outcome.job.slug] = {
            "slug": outcome.job.slug,
            "title": outcome.job.title,
            "ok": outcome.ok,
            "message": outcome.message,
            "kept_page": outcome.kept_page,
            # a page kept from an earlier render keeps the fingerprint of the data it was made from
            "fingerprint": pages.get(outcome.job.slug, {}).get("fingerprint", "") if outcome.kept_page else fingerprint,
        }
    kept = [entry for slug, entry in sorted(pages.items()) if (folder / f"{slug}.html").is_file()]
    figures = report_figures(paths, period)
    kept = [{**entry, "figures": figures.get(entry["slug"], entry.get("figures", ""))} for entry in kept]
    write_one(paths.page_list(period), (json.dumps(kept, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    issued = {series: revisions(paths, period, series) for series in (REPORTS_SERIES, REVIEW_SERIES)}
    write_one(paths.report_index(period), index_page(period, kept, issued).encode("utf-8"))
    write_one(paths.archive_index, archive_page(paths.reports).encode("utf-8"))


def report_figures(paths: Paths, period: Period) -> dict[str, str]:
    """Per page of the period, what its index says beside it: targets met and actions open
    (``12 raggiunti su 15; 7 azioni aperte``), from the processed analysis when it is for ``period``."""
    from ..core.labels import count_it
    from ..core.schemas import NONCONFORMITIES, OPPORTUNITIES
    from .tables import UNTREATED

    if not paths.indicator_summary.exists():
        return {}
    summary = SUMMARY.read(paths.indicator_summary)
    if summary.empty or summary["period"].iloc[0] != period:
        return {}
    opportunities = OPPORTUNITIES.read(paths.opportunities, missing_ok=True)
    episodes = NONCONFORMITIES.read(paths.nonconformities, missing_ok=True)
    untreated = episodes[episodes["open"].astype(bool) & episodes["state"].isin(list(UNTREATED))]
    directions = sorted(summary["direction"].unique())

    def said(own, ids: set) -> str:
        judged = int(own["status"].isin(["met", "not_met"]).sum())
        met = int((own["status"] == "met").sum())
        # one action per indicator, as the first page lists them: an opportunity or an untreated nonconformity
        actions = len(ids & (set(opportunities["indicator_id"]) | set(untreated["indicator_id"])))
        return f"{count_it(met, 'met')} su {judged}; {count_it(actions, 'azione aperta')}"

    figures = {"overview": said(summary, set(summary["indicator_id"]))}
    for direction in directions:
        own = summary[summary["direction"] == direction]
        figures[report_slug(direction, directions)] = said(own, set(own["indicator_id"]))
    return figures


def _page_list(path: Path) -> list[dict]:
    """The pages a folder's index listed (an unreadable list is rebuilt from this run's pages alone)."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    wanted = {"slug": str, "title": str, "ok": bool, "message": str}
    return [
        entry
        for entry in entries
        if isinstance(entries, list)
        if isinstance(entry, dict) and all(isinstance(entry.get(k), t) for k, t in wanted.items())
    ]


def _check_year_has_data(paths: Paths, year: Period) -> None:
    """A review needs the catalog in force in the year and measurements in it: else one plain line."""
    from ..catalog.versions import in_force
    from ..measurements.processed import read_measurements

    if in_force(read_indicator_versions(paths.indicators), year).empty:
        raise KpiError(f"no indicator of the catalog is in force in {year.year}: nothing to review")
    measured = read_measurements(paths.measurements)
    measured = measured[measured["value"].notna()]
    years = sorted({p.end.year for p in measured["period"].unique()})
    if year.year not in years:
        covered = f"{years[0]}-{years[-1]}" if years else "none"
        raise KpiError(f"no measurement in {year.year} (years with measurements: {covered}): nothing to review")


def rendered_periods(reports: Path) -> list[Period]:
    """The periods rendered so far under ``reports`` (a folder named as a period, with its index), newest first."""
    found = []
    for folder in reports.iterdir() if reports.is_dir() else []:
        try:
            period = parse_period(folder.name)
        except ValueError:
            continue
        if str(period) == folder.name and (folder / "index.html").is_file():
            found.append(period)
    return sorted(found, key=lambda p: (p.end, -p.start.toordinal()), reverse=True)


def archive_page(reports: Path) -> str:
    """``reports/index.html``: every period rendered so far, newest first, each linking to its index."""
    rows = "\n".join(
        f"<tr><td><a href='{html.escape(str(p))}/index.html'>{html.escape(p.label_it())}</a></td>"
        f"<td>{html.escape(str(p))}</td></tr>"
        for p in rendered_periods(reports)
    )
    return f"""<!DOCTYPE html>
<html lang="it"><head><meta charset="utf-8"><title>Rapporti qualità — archivio</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }} th, td {{ padding: 0.5em 0.8em; border-bottom: 1px solid #ddd; text-align: left; }}
th {{ background: #1f4e79; color: white; }}
</style></head><body><main>
<h1>Rapporti sugli indicatori di qualità — archivio</h1>
<p>Comune di Milano. Ogni periodo rendicontato finora, dal più recente; ogni periodo ha il suo indice.</p>
<table><thead><tr><th scope="col">Periodo</th><th scope="col">Codice</th></tr></thead><tbody>
{rows}
</tbody></table></main></body></html>
"""


def index_page(period: Period, pages: list[dict], issued: dict | None = None) -> str:
    """``index.html``: every page of the period's folder with its status (escaped, self-contained), then the
    revisions issued beside the draft; ``pages``: ``slug``, ``title``, ``ok``, ``message`` of each;
    ``issued``: series -> its revisions (:func:`~.revisions.revisions`)."""

    ordered = sorted(pages, key=lambda p: (p["slug"] != "overview", p["title"]))
    rows = []
    for page in ordered:
        slug = html.escape(page["slug"])
        status = (
            "<span class='ok'>completo</span>"
            if page["ok"]
            else (f"<span class='ko'>non riuscito</span> <small>{html.escape(page['message'])}</small>")
        )
        figures = html.escape(page.get("figures") or "")
        rows.append(
            f"<tr><td><a href='{slug}.html'>{html.escape(page['title'])}</a></td><td>{status}</td><td>{figures}</td>"
            f"<td><a href='{slug}.ipynb' download>quaderno Jupyter (.ipynb)</a></td></tr>"
        )
    label = html.escape(period.label_it())
    return f"""<!DOCTYPE html>
<html lang="it"><head><meta charset="utf-8"><title>Rapporti qualità — {label}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }} th, td {{ padding: 0.5em 0.8em; border-bottom: 1px solid #ddd; text-align: left; }}
th {{ background: #1f4e79; color: white; }} .ok {{ color: #1e7b34; font-weight: bold; }} .ko {{ color: #c0392b; font-weight: bold; }}
</style></head><body>
<nav aria-label="Archivio"><p><a href="../index.html">← Tutti i periodi</a></p></nav>
<main>
<h1>Rapporti sugli indicatori di qualità</h1>
<p>Comune di Milano — {label}. Ogni rapporto è una pagina a sé: si legge nel browser, senza installare nulla.</p>
<table><thead><tr><th scope="col">Rapporto</th><th scope="col">Stato</th><th scope="col">Target raggiunti e azioni aperte</th><th scope="col">Per chi usa Jupyter: il quaderno eseguito</th></tr></thead><tbody>
{chr(10).join(rows)}
</tbody></table>
{issued_section(issued or {})}</main></body></html>
"""


def issued_section(issued: dict) -> str:
    """The revisions issued so far, newest first, each page linked; where none, how to issue the draft."""
    every = sorted((r for series in issued.values() for r in series), key=lambda r: (r.series, -r.number))
    if not every:
        return (
            "<h2>Revisioni emesse</h2><p>Le pagine sopra sono la <b>bozza</b>: nessuna revisione è stata ancora "
            'emessa. Dopo l\'approvazione: <code>kpi issue --period …  --approved-by "…"</code>.</p>'
        )
    rows = []
    for r in every:
        base = f"{ISSUED}/{r.series}/rev-{r.number}"
        links = " · ".join(
            f"<a href='{html.escape(base)}/{html.escape(p['slug'])}.html'>{html.escape(p['title'])}</a>"
            for p in r.pages
        )
        rows.append(
            f"<tr><td>{'Riesame' if r.series == REVIEW_SERIES else 'Rapporti'} rev. {r.number}</td>"
            f"<td>{r.issued_on:%d/%m/%Y}</td><td>{html.escape(r.approved_by)} ({r.approved_on:%d/%m/%Y})</td>"
            f"<td>{html.escape(r.note)}</td><td>{links}</td></tr>"
        )
    return (
        "<h2>Revisioni emesse</h2><p>Le pagine sopra sono la bozza di lavoro; quelle emesse restano come sono "
        "state approvate.</p><table><thead><tr><th scope='col'>Revisione</th><th scope='col'>Emessa il</th>"
        "<th scope='col'>Approvata da</th><th scope='col'>Nota</th><th scope='col'>Pagine</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
