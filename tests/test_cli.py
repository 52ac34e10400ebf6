"""The command line: out-of-range arguments are one plain line and exit 2, never a traceback."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["evaluate", "--period", "0001-S1"], "outside the years handled (1990-2100)"),
        (["reports", "--period", "9999-S2"], "outside the years handled (1990-2100)"),
        (["events", "--as-of", "2101-01-01"], "outside the years handled (1990-2100)"),
    ],
)
def test_out_of_range_arguments_are_one_plain_line(shipped, tmp_path, arguments, message):
    import shutil

    root = tmp_path / "root"
    shutil.copytree(shipped.root, root)
    result = subprocess.run(
        [sys.executable, "-m", "kpilib", *arguments, "--root", str(root)], capture_output=True, text=True
    )
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_root_that_does_not_exist_is_one_plain_line_and_nothing_is_created(tmp_path):
    missing = tmp_path / "radice-sbagliata"
    result = subprocess.run(
        [sys.executable, "-m", "kpilib", "catalog", "--root", str(missing)], capture_output=True, text=True
    )
    assert result.returncode == 2 and "the root folder does not exist" in result.stderr
    assert not missing.exists()


def test_screening_and_a_fixed_baseline_are_recorded_with_the_analysis_and_in_provenance(tmp_path, capsys):
    import json

    from kpilib.cli import main
    from kpilib.core.paths import Paths
    from kpilib.reports.provenance import provenance
    from tests.helpers import report_root

    root = report_root(tmp_path / "root", hostile=False)
    assert main(["run", "--root", str(root), "--skip-reports"]) == 0
    assert main(["evaluate", "--root", str(root), "--screen", "--baseline", "6"]) == 0
    record = json.loads((root / "data" / "processed" / "spc_settings.json").read_text())
    assert record == {"screen": True, "baseline": 6}
    said = dict(provenance(Paths.at(root), {}).to_numpy().tolist())
    assert said["Screening dei moving range (oltre 3,267 volte la media)"] == "sì"
    assert said["Limiti fissati dopo"] == "i primi 6 punti di ogni segmento"
    (root / "data" / "raw" / "spc.csv").write_text("voce;valore\nscreening;forse\n", encoding="utf-8")
    assert main(["evaluate", "--root", str(root)]) == 2
    assert "data/raw/spc.csv: row 2: screening 'forse': write sì or no" in capsys.readouterr().err
    assert main(["evaluate", "--root", str(root), "--baseline", "4"]) == 2
