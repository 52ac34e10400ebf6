"""Helpers shared by the benchmarks: a scratch root, timing a command with its peak memory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from kpilib.core.paths import REPOSITORY_ROOT


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float
    output: str


def scratch_root(folder: Path) -> Path:
    """A project root in ``folder`` with the published table (the tests' copy, not data/), ``indicators.csv`` written."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(
        REPOSITORY_ROOT / "tests" / "fixtures" / "catalog", folder / "data" / "raw" / "catalog", dirs_exist_ok=True
    )
    measure([sys.executable, "-m", "kpilib", "catalog", "--root", str(folder)])
    return folder


# Runs a command in a child of its own and reports the child's wall time and peak memory. Linux carries a
# process's peak over exec, and a child forked by the benchmark (grown to hundreds of MB by the figures
# before) would start from the benchmark's peak: forked by this small helper instead, it starts from ~10 MB.
_HELPER = """
import json, os, sys, time
report, command = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(command[0], command)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
with open(report, "w") as out:
    json.dump({"seconds": seconds, "peak_kb": usage.ru_maxrss, "code": os.waitstatus_to_exitcode(status)}, out)
"""


def measure(command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> Run:
    """Wall time and peak resident memory (of that process alone, see ``_HELPER``) of one command; ``env``:
    variables added to this process's environment for it."""
    import json
    import tempfile

    with tempfile.TemporaryDirectory(prefix="kpi-bench-run-") as scratch:
        report = Path(scratch) / "run.json"
        process = subprocess.run(
            [sys.executable, "-c", _HELPER, str(report), *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, **env} if env else None,
            cwd=cwd,
        )
        figures = json.loads(report.read_text()) if report.is_file() else {"code": process.returncode}
    if process.returncode != 0 or figures["code"] != 0:
        raise SystemExit(f"benchmark command failed: {' '.join(command)}\n{process.stdout}")
    return Run(figures["seconds"], figures["peak_kb"] / 1024, process.stdout)


def best_of(runs: int, command: list[str]) -> Run:
    """The fastest of ``runs`` runs of ``command`` (as ``timeit`` reports: the others measured the machine)."""
    return min((measure(command) for _ in range(runs)), key=lambda run: run.seconds)


def print_checks(checks: list[tuple[str, str, bool, str]]) -> bool:
    """Print (name, figure, target met, target) rows; True when every target is met."""
    width = max(len(name) for name, *_ in checks)
    figures = max(len(figure) for _, figure, *_ in checks)
    for name, figure, ok, target in checks:
        verdict = ("ok" if ok else "MISSED") if target else ""
        print(f"  {name:<{width}}  {figure:>{figures}}  {target:<18} {verdict}")
    return all(ok for _, _, ok, _ in checks)
