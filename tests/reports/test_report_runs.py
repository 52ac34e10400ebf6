"""Whole runs on small roots of their own: failing reports, kept pages, names, settings, periods without data."""

import json
import shutil

import nbformat
import pytest

from kpilib.cli import main
from kpilib.core.paths import REPOSITORY_ROOT
from kpilib.core.periods import Period
from tests.helpers import report_root as _raw_root
from tests.helpers import write_catalog


@pytest.mark.slow
def test_a_failing_report_leaves_the_others_and_exits_1(tmp_path, capsys):
    fixture_root = _raw_root(tmp_path / "root")
    notebooks = tmp_path / "notebooks"
    shutil.copytree(REPOSITORY_ROOT / "notebooks", notebooks)
    book = nbformat.read(notebooks / "direction_report.ipynb", as_version=4)
    book.cells.insert(3, nbformat.v4.new_code_cell('assert "script" not in direction, "report rotto apposta"'))
    nbformat.write(book, notebooks / "direction_report.ipynb")
    from kpilib.core.paths import Paths
    from kpilib.reports.reports import run_reports

    paths = Paths.at(fixture_root)
    assert main(["run", "--root", str(fixture_root), "--skip-reports"]) == 0
    out = paths.reports / "2025-S2"
    assert run_reports(paths, "2025-S2", jobs=2, notebooks=notebooks) == 1
    assert (out / "direzione-cultura.html").is_file()
    failed = out / "script-alert-x-script-direzione-prova.ipynb"
    assert failed.is_file()  # the partial notebook is kept
    assert any(
        o.get("output_type") == "error" for c in json.loads(failed.read_text())["cells"] for o in c.get("outputs", [])
    )
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "non riuscito" in index and "report rotto apposta" in index
    assert "FAILED" in capsys.readouterr().out


@pytest.mark.slow
def test_directions_named_like_the_period_pages_or_alike_get_their_own_files(tmp_path):
    root = tmp_path / "root"
    names = ["Index", "OVERVIEW", "Direzione Sport", "Direzione-Sport"]
    write_catalog(root, *[f"{name}\t-\tUFFICIO\tPROCESSO\tNUMERO DI EVENTI SU BASE MENSILE\t≥4" for name in names])
    assert main(["run", "--root", str(root), "--period", "2025-S1"]) == 0
    out = root / "reports" / "2025-S1"
    pages = sorted(p.name for p in out.glob("*.html"))
    assert len(pages) == 6 and {"index.html", "overview.html"} <= set(pages)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count("completo") == 5
    for name in names:
        link = next(line for line in index.splitlines() if f">{name}</a>" in line)
        target = link.split("href='")[1].split("'")[0]
        assert target not in ("index.html", "overview.html")
        assert f"<h1>{name}</h1>" in (out / target).read_text(encoding="utf-8")
    overview = (out / "overview.html").read_text(encoding="utf-8")
    assert "Panoramica" in overview or "panoramica" in overview


@pytest.mark.slow
def test_a_period_before_any_data_renders_every_page(tmp_path):
    root = _raw_root(tmp_path / "root", hostile=False)
    assert main(["run", "--root", str(root), "--period", "2024-S1"]) == 0
    out = root / "reports" / "2024-S1"
    assert (out / "overview.html").is_file() and (out / "direzione-cultura.html").is_file()
    assert "non riuscito" not in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_failed_render_never_replaces_a_good_page_and_a_stale_pdf_goes(tmp_path):
    from kpilib.core.paths import Paths
    from kpilib.reports.reports import Renderer, good_pages, plan, write_indexes

    root = _raw_root(tmp_path / "root", hostile=False)
    paths = Paths.at(root)
    assert main(["run", "--root", str(root), "--period", "2025-S2"]) == 0
    out = paths.reports / "2025-S2"
    good = (out / "direzione-cultura.html").read_text(encoding="utf-8")
    (out / "direzione-cultura.pdf").write_bytes(b"%PDF- printed from the page before")
    notebooks = tmp_path / "notebooks"
    shutil.copytree(REPOSITORY_ROOT / "notebooks", notebooks)
    book = nbformat.read(notebooks / "direction_report.ipynb", as_version=4)
    book.cells.insert(3, nbformat.v4.new_code_cell('raise RuntimeError("rotto apposta")'))
    nbformat.write(book, notebooks / "direction_report.ipynb")
    (broken,), _ = plan(paths, Period(2025, "semester", 2), None, notebooks)
    failed = Renderer(out, good=good_pages(paths, Period(2025, "semester", 2))).run(broken)
    assert not failed.ok and failed.kept_page and "resta la pagina completa precedente" in failed.message
    assert (out / "direzione-cultura.html").read_text(encoding="utf-8") == good
    assert (out / "direzione-cultura-non-riuscito.ipynb").is_file()
    write_indexes(paths, Period(2025, "semester", 2), [failed])
    assert "resta la pagina completa precedente" in (out / "index.html").read_text(encoding="utf-8")
    assert "direzione-cultura" in good_pages(paths, Period(2025, "semester", 2))  # failing again would keep it still
    (fixed,), _ = plan(paths, Period(2025, "semester", 2), None, paths.notebooks)
    assert (
        Renderer(out, good=good_pages(paths, Period(2025, "semester", 2))).run(fixed).ok
    )  # a fresh page; stale PDF and failed run gone
    assert not (out / "direzione-cultura.pdf").exists() and not (out / "direzione-cultura-non-riuscito.ipynb").exists()


@pytest.mark.parametrize("content", [b"", "voce;valore\norganizzazione;Comune\n".encode("utf-16")])
def test_an_unusable_document_settings_file_is_one_line_and_no_page_is_touched(tmp_path, capsys, content):
    root = _raw_root(tmp_path / "root", hostile=False)
    assert main(["run", "--root", str(root), "--skip-reports"]) == 0
    (root / "data" / "raw" / "documento.csv").write_bytes(content)
    assert main(["reports", "--root", str(root)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "documento.csv" in err and "remove it to use the defaults" in err
    assert not (root / "reports" / "2025-S2").exists()
    assert main(["review", "--root", str(root), "--year", "2025"]) == 2
