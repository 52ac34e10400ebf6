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
