"""Helpers shared by the benchmarks: a scratch root, timing a command with its peak memory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
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


def measure(command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> Run:
    """Wall time and peak resident memory (of that process alone) of one command; ``env``: variables added
    to this process's environment for it."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **env} if env else None,
        cwd=cwd,
    )
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"benchmark command failed: {' '.join(command)}\n{output}")
    return Run(seconds, usage.ru_maxrss / 1024, output)


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
