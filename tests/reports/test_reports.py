"""``kpi reports`` / ``kpi run`` end to end on a small fixture in a temporary root."""

import html
import re
import shutil

import nbformat
import pandas as pd
import pytest

from kpilib.cli import main
from kpilib.core.errors import KpiError
from kpilib.core.paths import REPOSITORY_ROOT
from kpilib.reports.reports import check_parameters
from tests.helpers import report_root as _raw_root


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """One `kpi run` on its own root, shared read-only by the tests that inspect its output."""
    root = _raw_root(tmp_path_factory.mktemp("rendered"))
    before = {name: _snapshot(REPOSITORY_ROOT / name) for name in ("data", "reports", "notebooks")}
    status = main(["run", "--root", str(root)])
    after = {name: _snapshot(REPOSITORY_ROOT / name) for name in ("data", "reports", "notebooks")}
    return root, status, before == after


def _snapshot(folder):
    return {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()} if folder.exists() else {}


def test_end_to_end_writes_every_file_in_the_root_and_nothing_elsewhere(rendered):
    fixture_root, status, repository_untouched = rendered
    assert status == 0 and repository_untouched
    processed = fixture_root / "data" / "processed"
    for name in (
        "indicators.csv",
        "catalog_rejects.csv",
        "measurements.csv",
        "measurement_rejects.csv",
        "event_measurements.csv",
        "event_rejects.csv",
        "evaluation.csv",
        "spc.csv",
        "indicator_summary.csv",
        "opportunities.csv",
        "nonconformities.csv",
        "deliveries.csv",
        "corrections.csv",
        "delivery_status.csv",
    ):
        assert (processed / name).is_file(), name
    out = fixture_root / "reports" / "2025-S2"
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [
            "index.html",
            "pages.json",
            "overview.html",
            "overview.ipynb",
            "direzione-cultura.html",
            "direzione-cultura.ipynb",
            "script-alert-x-script-direzione-prova.html",
            "script-alert-x-script-direzione-prova.ipynb",
        ]
    )
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count("completo") == 3 and "non riuscito" not in index
    # beside each report, how many targets were met and how many actions are open, from the analysis itself
    summary = pd.read_csv(fixture_root / "data" / "processed" / "indicator_summary.csv", dtype=str)
    opportunities = pd.read_csv(fixture_root / "data" / "processed" / "opportunities.csv", dtype=str)
    culture = summary[summary["direction"].str.contains("CULTURA")]
    met, judged = (culture["status"] == "met").sum(), culture["status"].isin(["met", "not_met"]).sum()
    row = index[index.index("direzione-cultura.html") :].split("</tr>")[0]
    assert f"{met} raggiunt" in row and f"su {judged};" in row and ("aperte" in row or "aperta" in row)
    assert len(opportunities) > 0


def test_hostile_direction_is_escaped_under_a_safe_name(rendered):
    fixture_root, _, _ = rendered
    out = fixture_root / "reports" / "2025-S2"
    page = (out / "script-alert-x-script-direzione-prova.html").read_text(encoding="utf-8")
    assert "<script>alert(" not in page
    assert "&lt;script&gt;alert(" in page
    assert "UFFICIO &lt;b&gt;X&lt;/b&gt;" in page
    for name in ("index.html", "overview.html"):
        assert "<script>alert(" not in (out / name).read_text(encoding="utf-8")
    assert not list(fixture_root.parent.glob("Direzione*"))


def test_executed_notebooks_carry_their_parameters_and_html_hides_code(rendered):
    fixture_root, _, _ = rendered
    out = fixture_root / "reports" / "2025-S2"
    executed = nbformat.read(out / "direzione-cultura.ipynb", as_version=4)
    assert executed.metadata["papermill"]["parameters"] == {
        "direction": "DIREZIONE CULTURA",
        "period": "2025-S2",
        "root": str(fixture_root),
        "records": True,  # the report writes its indicators' record pages with the charts it draws
    }
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in executed.cells)
    page = (out / "direzione-cultura.html").read_text(encoding="utf-8")
    assert "load_direction" not in page and "injected" not in page.lower()
    assert "Raggiunto" in page and "Opportunità di miglioramento" in page


def test_the_offices_notes_and_unavailable_values_are_shown_with_their_reason(rendered):
    fixture_root, _, _ = rendered
    page = (fixture_root / "reports" / "2025-S2" / "direzione-cultura.html").read_text(encoding="utf-8")
    assert "su 6 nel target; manca settembre 2025" in page
    notes = page[page.index("Note degli uffici") :]
    assert "2025-11" in notes and "bando prorogato a luglio" in notes
    missing = page[page.index("Misure mancanti nel periodo") :]
    assert "2025-09" in missing and "dichiarato non disponibile: sistema dei prestiti fermo per migrazione" in missing


def test_unknown_parameters_and_missing_tag_are_errors(tmp_path):
    notebook = REPOSITORY_ROOT / "notebooks" / "direction_report.ipynb"
    check_parameters(notebook, {"direction": "X", "period": "2025-S2", "root": "/"})
    with pytest.raises(KpiError, match="unknown parameter"):
        check_parameters(notebook, {"directon": "X"})
    book = nbformat.read(notebook, as_version=4)
    for cell in book.cells:
        cell.metadata["tags"] = []
    untagged = tmp_path / "untagged.ipynb"
    nbformat.write(book, untagged)
    with pytest.raises(KpiError, match="tagged 'parameters'"):
        check_parameters(untagged, {})


def test_a_kernel_that_fails_to_start_is_retried_once(monkeypatch, tmp_path):
    import papermill

    from kpilib.reports.reports import Job, Renderer

    calls = []

    def flaky(*args, **kwargs):
        calls.append(kwargs["km"])
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        return executed

    executed = nbformat.v4.new_notebook()
    monkeypatch.setattr(papermill, "execute_notebook", flaky)
    job = Job("x", REPOSITORY_ROOT / "notebooks" / "overview.ipynb", "x", {})
    assert Renderer(tmp_path)._execute(job, tmp_path / "x.ipynb") is executed
    assert len(calls) == 2 and calls[0] is not calls[1]
    assert calls[0].transport == "ipc"

    def dead(*args, **kwargs):
        raise RuntimeError("Kernel died before replying to kernel_info")

    monkeypatch.setattr(papermill, "execute_notebook", dead)
    with pytest.raises(RuntimeError):
        Renderer(tmp_path)._execute(job, tmp_path / "x.ipynb")


def test_a_kept_kernel_starts_each_report_as_a_new_one_would(tmp_path):
    """Workers keep their kernel between reports: nothing a report defined or left open reaches the next,
    cells are numbered from 1, and a kernel that ran a failing report is replaced."""
    from kpilib.reports.reports import Job, Renderer

    def notebook(name: str, *sources: str) -> Job:
        book = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in sources])
        book.cells.insert(0, nbformat.v4.new_code_cell("", metadata={"tags": ["parameters"]}))
        book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        path = tmp_path / f"{name}.ipynb"
        nbformat.write(book, path)
        return Job(name, path, name, {})

    first = notebook("first", "leaked = 1\nimport matplotlib.pyplot as plt\nplt.figure()", "import os\nos.getpid()")
    second = notebook(
        "second",
        "assert 'leaked' not in globals() and 'plt' not in globals()",
        "import matplotlib.pyplot as plt\nassert plt.get_fignums() == []\nimport os\nos.getpid()",
    )
    failing = notebook("failing", "raise ValueError('report failed')")
    out = tmp_path / "out"
    out.mkdir()
    renderer = Renderer(out)

    def run(job: Job) -> tuple[bool, str]:
        outcome = renderer.run(job)
        last = nbformat.read(out / f"{job.slug}.ipynb", as_version=4).cells[-1]
        shown = [output.get("data", {}).get("text/plain", "") for output in last.outputs]
        return outcome.ok, "".join(shown)

    try:
        (ok_first, kernel_first), (ok_second, kernel_second) = run(first), run(second)
        ok_failing, _ = run(failing)
        ok_after, kernel_after = run(second)
    finally:
        renderer.close()
    assert (ok_first, ok_second, ok_failing, ok_after) == (True, True, False, True)
    assert kernel_first == kernel_second != kernel_after  # kept, then replaced after the failing report
    kept = [c.execution_count for c in nbformat.read(out / "second.ipynb", as_version=4).cells]
    (ok_first, _), (ok_second, _) = run(first), run(second)  # again: second after first, in a kept kernel
    renderer.close()
    alone = Renderer(tmp_path / "alone")
    (tmp_path / "alone").mkdir()
    try:
        alone.run(second)  # in a new kernel
    finally:
        alone.close()
    fresh = [c.execution_count for c in nbformat.read(tmp_path / "alone" / "second.ipynb", as_version=4).cells]
    reused = [c.execution_count for c in nbformat.read(out / "second.ipynb", as_version=4).cells]
    assert ok_first and ok_second and reused == fresh == kept and fresh[-1] == 2
    assert renderer._managers == []  # close stopped every kernel


def test_pages_are_italian_self_contained_and_describe_their_images(rendered):
    import re

    fixture_root, _, _ = rendered
    for page in (fixture_root / "reports" / "2025-S2").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert '<html lang="it">' in text, page.name
        fetched = re.findall(r'(?:src|href)="https?://[^"]*"|url\(["\']?https?://|@import', text)
        assert fetched == [], (page.name, fetched)  # nothing from a CDN, no font or style from the network
        assert "<script src=" not in text and "No description has been provided" not in text
        for alt in re.findall(r'<img [^>]*alt="([^"]*)"', text):
            assert len(alt) > 40, alt  # says what the chart shows


CHROMIUM = shutil.which("chromium") and shutil.which("pdftotext") and shutil.which("pdfinfo")


@pytest.mark.skipif(
    not CHROMIUM, reason="Chromium or poppler-utils not installed (apt-get install chromium poppler-utils)"
)
def test_printed_to_a4_pdf_the_indicator_table_keeps_every_column(rendered, tmp_path):
    import subprocess

    from kpilib.reports.pdf import browser, print_pdf

    fixture_root, _, _ = rendered
    page = tmp_path / "direzione-cultura.html"
    shutil.copy(fixture_root / "reports" / "2025-S2" / "direzione-cultura.html", page)
    pdf = print_pdf(page, browser())
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    width, height = (float(v) for v in info.split("Page size:")[1].split("pts")[0].split(" x "))
    assert (round(width), round(height)) == (842, 595)  # A4 landscape
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    header = next(line for line in text.splitlines() if "Ufficio" in line and "Esito" in line)
    for column in (
        "Ufficio",
        "Processo",
        "Indicatore",
        "Target",
        "Valore",
        "Scarto",
        "Esito",
        "Variazione",
        "Affidabilità",
    ):
        assert column in header, column  # every column on the page, none cut at the right edge
    assert "Organizzazione" in text and "Redatto da" in text and "Approvato da" in text


def test_every_indicator_a_report_names_links_to_its_record_page(rendered):
    fixture_root, _, _ = rendered
    folder = fixture_root / "reports" / "2025-S2"
    page = (folder / "direzione-cultura.html").read_text(encoding="utf-8")
    links = re.findall(r"href=[\"']\.\./indicatori/([^\"']+)\.html", page)
    summary = pd.read_csv(fixture_root / "data" / "processed" / "indicator_summary.csv")
    own = summary.loc[summary["direction"] == "DIREZIONE CULTURA", "indicator_id"]
    assert set(own) <= set(links)  # the indicator table links every one
    for indicator_id in links:
        assert (fixture_root / "reports" / "indicatori" / f"{indicator_id}.html").is_file(), indicator_id
    assert "mensile, ufficio" in html.unescape(page) and "frequenza e fonte" in page


def test_asked_for_pdf_without_chromium_says_how_to_get_it(monkeypatch, tmp_path):
    from kpilib.reports import pdf

    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    written, problems = pdf.print_pdfs([tmp_path / "x.html"])
    assert written == [] and problems == [pdf.HOW_TO_GET_IT]
    assert "apt-get install chromium" in problems[0]


def test_the_document_block_takes_names_from_the_settings_file(tmp_path):
    from kpilib.core.paths import Paths
    from kpilib.reports.document import TO_SIGN, document_block

    paths = Paths.at(tmp_path)
    block = document_block(paths, "Rapporto", [("Periodo", "2° semestre 2025")])
    assert block.count(TO_SIGN) == 2 and "Comune di Milano" in block  # lines to sign where nobody is set
    paths.raw.mkdir(parents=True)
    paths.document_settings.write_text("voce;valore\nredatto_da;Ufficio Qualità <Rossi>\napprovato_da;Direttore\n")
    block = document_block(paths, "Rapporto", [])
    assert "Ufficio Qualità &lt;Rossi&gt;" in block and "Direttore" in block and TO_SIGN not in block


def test_the_management_review_pack_names_9_3_and_its_inputs(rendered, capsys):
    fixture_root, _, _ = rendered
    assert main(["review", "--root", str(fixture_root), "--year", "2025"]) == 0
    page = (fixture_root / "reports" / "2025" / "riesame.html").read_text(encoding="utf-8")
    assert '<html lang="it">' in page and "Riesame della direzione 2025" in page
    for words in (
        "9.3.2",
        "Obiettivi per la qualità",
        "Quota 2024",
        "Non conformità e azioni correttive",
        "Aperte a fine anno",
        "Efficacia delle azioni",
        "Opportunità di miglioramento",
        "9.3.3",
        "Risorse necessarie",
        "Approvato da",
    ):
        assert words in page, words
    archive = (fixture_root / "reports" / "index.html").read_text(encoding="utf-8")
    assert "2025/index.html" in archive
    assert main(["review", "--root", str(fixture_root), "--year", "2025-S1"]) == 2
    assert "--year takes a year" in capsys.readouterr().err


def test_provenance_lists_only_the_files_the_commands_read(tmp_path):
    from kpilib.core.paths import Paths
    from kpilib.reports.provenance import input_files

    root = _raw_root(tmp_path / "root")
    measurements = root / "data" / "raw" / "measurements"
    for name in ("~$misure.xlsx", ".misure.csv.swp", "misure.ods", "README.md"):
        (measurements / name).write_bytes(b"x")
    (root / "data" / "raw" / "catalog" / "bozze").mkdir()
    (root / "data" / "raw" / "catalog" / "bozze" / "catalogo.csv").write_text("x")
    assert main(["catalog", "--root", str(root)]) == 0
    assert main(["ingest", "--root", str(root)]) == 0  # the .ods is not a workbook: not read, so not an input
    listed = [Paths.at(root).relative(p) for p in input_files(Paths.at(root))]
    assert listed == ["data/raw/catalog/catalogo.txt", "data/raw/measurements/misure.csv"]


@pytest.mark.skipif(
    not CHROMIUM, reason="Chromium or poppler-utils not installed (apt-get install chromium poppler-utils)"
)
def test_the_seed_direction_report_prints_on_at_most_twelve_a4_pages_no_chart_split_no_word_broken(tmp_path):
    """The committed report notebook (the seed direction on the fixture root), exported as `kpi reports` does.

    Ten pages until the document state and each indicator's frequency and source joined the first
    tables (issue 21: eleven), and trial limits gave the semester series readings and opportunities
    (issue 22: twelve).
    """
    import re
    import subprocess

    from kpilib.reports.pdf import browser, print_pdf
    from kpilib.reports.reports import html_exporter

    executed = nbformat.read(REPOSITORY_ROOT / "notebooks" / "direction_report.ipynb", as_version=4)
    body, _ = html_exporter().from_notebook_node(executed)
    page = tmp_path / "direzione.html"
    page.write_text(body, encoding="utf-8")
    assert "¶" not in body and body.count("<img") >= 10  # one figure per chart
    pdf = print_pdf(page, browser())
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info)[1])
    assert pages <= 12, pages
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    words = set(re.findall(r"\w+", text))
    assert "AMMINISTRATIVA" in words and "AMMINISTRATIV" not in words and "Responsabi" not in words
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    drawn = [line.split() for line in images.splitlines()[2:] if line.split() and line.split()[2] == "image"]
    assert len(drawn) == body.count("<img")  # each chart drawn once: none split across two pages
