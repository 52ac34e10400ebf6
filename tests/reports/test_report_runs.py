"""Whole ``kpi run`` / ``kpi reports`` / ``kpi review`` runs on small roots of their own: archive, indexes, failures, two runs at once."""

import json
import shutil

import nbformat
import pytest

from kpilib.cli import main
from kpilib.core.paths import REPOSITORY_ROOT
from tests.helpers import HEADER
from tests.helpers import report_root as _raw_root


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
    (root / "data" / "raw" / "catalog").mkdir(parents=True)
    names = ["Index", "OVERVIEW", "Direzione Sport", "Direzione-Sport"]
    rows = [f"{name}\t-\tUFFICIO\tPROCESSO\tNUMERO DI EVENTI SU BASE MENSILE\t≥4" for name in names]
    (root / "data" / "raw" / "catalog" / "catalogo.txt").write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
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
    root = _raw_root(tmp_path / "root")
    assert main(["run", "--root", str(root), "--period", "2024-S1"]) == 0
    out = root / "reports" / "2024-S1"
    assert (out / "overview.html").is_file() and (out / "direzione-cultura.html").is_file()
    assert "non riuscito" not in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_two_runs_for_different_periods_at_once_both_render(tmp_path):
    import subprocess
    import sys

    root = _raw_root(tmp_path / "root", hostile=False)
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "kpilib", "run", "--root", str(root), "--period", period],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for period in ("2025-S1", "2025-S2")
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    for period in ("2025-S1", "2025-S2"):
        index = (root / "reports" / period / "index.html").read_text(encoding="utf-8")
        assert index.count("completo") == 2 and "non riuscito" not in index
    assert any("waiting: a run is in progress" in err for _, err in outputs)


@pytest.mark.slow
def test_the_archive_lists_every_period_and_reports_link_back_and_to_the_previous_period(tmp_path):
    root = _raw_root(tmp_path / "root", hostile=False)
    assert main(["run", "--root", str(root), "--period", "2025-S1"]) == 0
    assert main(["run", "--root", str(root), "--period", "2025-S2"]) == 0
    archive = (root / "reports" / "index.html").read_text(encoding="utf-8")
    assert archive.index("2025-S2/index.html") < archive.index("2025-S1/index.html")  # newest first
    assert "2° semestre 2025" in archive and (root / "reports" / "2025-S1" / "direzione-cultura.html").is_file()
    page = (root / "reports" / "2025-S2" / "direzione-cultura.html").read_text(encoding="utf-8")
    assert 'href="../2025-S1/direzione-cultura.html"' in page and 'href="../index.html"' in page
    first = (root / "reports" / "2025-S1" / "direzione-cultura.html").read_text(encoding="utf-8")
    assert "2024-S2/direzione-cultura.html" not in first  # never rendered: no link to it
    assert 'href="../index.html"' in (root / "reports" / "2025-S2" / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_one_index_lists_every_page_of_the_folder_whichever_command_wrote_last(tmp_path):
    from kpilib.core.paths import Paths
    from kpilib.reports.reports import write_indexes

    root = _raw_root(tmp_path / "root", hostile=False)
    (root / "data" / "raw" / "catalog" / "catalogo.txt").write_text(
        (root / "data" / "raw" / "catalog" / "catalogo.txt").read_text(encoding="utf-8")
        + "DIREZIONE SPORT\t-\tUFFICIO\tPROCESSO\tNUMERO DI EVENTI SU BASE MENSILE\t≥4\n",
        encoding="utf-8",
    )
    assert main(["run", "--root", str(root), "--period", "2025"]) == 0
    assert main(["review", "--root", str(root), "--year", "2025"]) == 0
    assert main(["reports", "--root", str(root), "--period", "2025", "--direction", "direzione cultura"]) == 0
    index = (root / "reports" / "2025" / "index.html").read_text(encoding="utf-8")
    for page in ("overview.html", "direzione-cultura.html", "direzione-sport.html", "riesame.html"):
        assert f"href='{page}'" in index, page
    assert index.count("completo") == 4  # the sport direction's report too, rendered by the first run only
    (root / "reports" / "2025" / "riesame.html").unlink()  # a page that is gone is no longer listed
    write_indexes(Paths.at(root), "2025", [])
    assert "riesame.html" not in (root / "reports" / "2025" / "index.html").read_text(encoding="utf-8")
