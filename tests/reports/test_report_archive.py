"""Whole runs on small roots of their own: the archive, one index per folder, two runs at once, reviews."""

import pandas as pd
import pytest

from kpilib.cli import main
from kpilib.core.periods import Period
from tests.helpers import report_root as _raw_root


@pytest.mark.slow
def test_two_runs_at_once_on_one_root_the_second_waits_and_both_finish(tmp_path):
    import subprocess
    import sys

    root = _raw_root(tmp_path / "root", hostile=False)
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "kpilib", "run", "--root", str(root), "--period", period, *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for period, extra in (("2025-S1", []), ("2025-S2", ["--skip-reports"]))
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    index = (root / "reports" / "2025-S1" / "index.html").read_text(encoding="utf-8")
    assert index.count("completo") == 2 and "non riuscito" not in index
    summary = pd.read_csv(root / "data" / "processed" / "indicator_summary.csv", dtype=str)
    assert set(summary["period"]) in ({"2025-S1"}, {"2025-S2"})  # one run's files, whole
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
    assert main(["run", "--root", str(root), "--period", "2025", "--skip-reports"]) == 0
    assert main(["reports", "--root", str(root), "--period", "2025", "--direction", "sport"]) == 0
    assert main(["review", "--root", str(root), "--year", "2025"]) == 0
    assert main(["reports", "--root", str(root), "--period", "2025", "--direction", "direzione cultura"]) == 0
    index = (root / "reports" / "2025" / "index.html").read_text(encoding="utf-8")
    for page in ("overview.html", "direzione-cultura.html", "direzione-sport.html", "riesame.html"):
        assert f"href='{page}'" in index, page
    assert index.count("completo") == 4  # the sport direction's report too, rendered by the first command only
    (root / "reports" / "2025" / "riesame.html").unlink()  # a page that is gone is no longer listed
    write_indexes(Paths.at(root), Period(2025, "year"), [])
    assert "riesame.html" not in (root / "reports" / "2025" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("year, said", [("2030", "no measurement in 2030"), ("1990", "no measurement in 1990")])
def test_a_review_of_a_year_without_data_is_one_plain_line(tmp_path, capsys, year, said):
    root = _raw_root(tmp_path / "root", hostile=False)
    assert main(["run", "--root", str(root), "--skip-reports"]) == 0
    assert main(["review", "--root", str(root), "--year", year]) == 2
    assert said in capsys.readouterr().err
    assert not (root / "reports" / year).exists()
