"""A command's files are replaced together or not at all; one writer per root; errors name the file."""

import errno
import os
import subprocess
import sys
import threading
import time

import pytest

from kpilib.core import writes
from kpilib.core.errors import KpiError
from kpilib.core.writes import recover, root_lock, write_together


def test_a_set_is_replaced_together(tmp_path):
    (tmp_path / "a.csv").write_text("old a")
    (tmp_path / "b.csv").write_text("old b")
    write_together({tmp_path / "a.csv": b"new a", tmp_path / "b.csv": b"new b"}, tmp_path)
    assert (tmp_path / "a.csv").read_text() == "new a" and (tmp_path / "b.csv").read_text() == "new b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv"]


def test_killed_between_its_renames_the_next_command_finishes_the_set(tmp_path, monkeypatch):
    (tmp_path / "measurements.csv").write_text("old")
    (tmp_path / "measurement_rejects.csv").write_text("old")
    real_replace, renames = os.replace, []

    def killed_after_the_first_rename(source, target):
        real_replace(source, target)
        renames.append(target)
        if str(target).endswith("measurements.csv"):
            raise KeyboardInterrupt  # the process dies here

    monkeypatch.setattr(writes.os, "replace", killed_after_the_first_rename)
    with pytest.raises(KeyboardInterrupt):
        write_together({tmp_path / "measurements.csv": b"new", tmp_path / "measurement_rejects.csv": b"new"}, tmp_path)
    monkeypatch.setattr(writes.os, "replace", real_replace)
    assert (tmp_path / "measurement_rejects.csv").read_text() == "old"  # the pair is split...
    done = recover(tmp_path)
    assert (tmp_path / "measurements.csv").read_text() == "new"  # ...until the next command finishes it
    assert (tmp_path / "measurement_rejects.csv").read_text() == "new"
    assert done and sorted(p.name for p in tmp_path.iterdir()) == ["measurement_rejects.csv", "measurements.csv"]


def test_killed_before_the_journal_nothing_changes_and_temporaries_are_removed(tmp_path):
    (tmp_path / "a.csv").write_text("old")
    (tmp_path / ".a.csv.x1y2.kpi-tmp").write_text("half written")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / ".page.html.abc.kpi-tmp").write_text("half written too")
    (tmp_path / "sub" / ".appunti.tmp").write_text("a user's own file")
    done = recover(tmp_path)
    assert len(done) == 2 and sorted(p.name for p in tmp_path.rglob("*")) == [".appunti.tmp", "a.csv", "sub"]


@pytest.mark.parametrize(
    "journal",
    [
        "{not json",
        '{"a": 1}',
        '[["/etc/passwd", "/tmp/x"]]',
        '[["{root}/.a.csv.1.kpi-tmp", "{root}/../outside.csv"]]',
        '[["{root}/notes.txt", "{root}/a.csv"]]',
    ],
)
def test_a_journal_the_project_did_not_write_is_set_aside_never_followed(tmp_path, journal):
    root = tmp_path / "root"
    root.mkdir()
    (root / "a.csv").write_text("mine")
    (root / "notes.txt").write_text("a user's notes")
    (root / ".kpi-pending-1-x.json").write_text(journal.replace("{root}", str(root)))
    done = recover(root)
    assert "set aside" in done[0]
    assert (root / "a.csv").read_text() == "mine" and (root / "notes.txt").read_text() == "a user's notes"
    assert (root / ".kpi-pending-1-x.json.damaged").is_file()
    assert recover(root) == []  # set aside once: the next command runs without a word


def test_a_full_disk_names_the_file(tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(writes.os, "fdopen", full)
    with pytest.raises(KpiError, match=r"evaluation.csv: cannot write: No space left on device"):
        write_together({tmp_path / "evaluation.csv": b"x"}, tmp_path)
    assert list(tmp_path.iterdir()) == []


def _kpi(root, *arguments, wait="0"):
    return subprocess.run(
        [sys.executable, "-m", "kpilib", *arguments, "--root", str(root)],
        capture_output=True,
        text=True,
        env={**os.environ, "KPI_LOCK_WAIT": wait},
    )


def test_a_second_command_on_the_same_root_stops_with_a_plain_line(shipped, tmp_path):
    import shutil

    root = tmp_path / "root"
    shutil.copytree(shipped.root, root)
    with root_lock(root / "data" / "processed"):
        result = _kpi(root, "evaluate")
    assert result.returncode == 2
    assert "a run is in progress on this root (pid" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_second_command_waits_for_the_first_then_runs(shipped, tmp_path):
    import shutil

    root = tmp_path / "root"
    shutil.copytree(shipped.root, root)
    released = threading.Event()

    def hold():
        with root_lock(root / "data" / "processed"):
            time.sleep(1.5)
        released.set()

    holder = threading.Thread(target=hold)
    holder.start()
    time.sleep(0.3)
    result = _kpi(root, "evaluate", "--period", "2025-S1", wait="60")
    holder.join()
    assert released.is_set() and result.returncode == 0, result.stderr
    assert result.stderr.startswith("waiting: a run is in progress on this root")
