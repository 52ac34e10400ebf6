"""``kpilib.analyse`` at a municipality's scale, and ``kpi evaluate`` as a whole command (issue 23).

On 1,000 indicators × 60 months (the scale benchmark's root): ``analyse("2025-S2")`` in process at
most 1.5 s and 1 GB; on 4,000 at most 4.5 times the 1,000 figure; ``kpi evaluate`` (start-up and
writing included) at most 3 s; at least 8 times faster than the per-indicator implementation of
commit cc96576, run side by side from a ``git worktree`` (its own ``kpi catalog`` and ``kpi ingest``
on a copy of the raw files). And the outputs: every file ``kpi evaluate`` writes compared byte for
byte with those of commit adb8b4c (the code just before this work) on the same inputs, on the
1,000-indicator root and the tests' fixture root, for several periods.

In-process figures are the best of three calls in one Python process (as ``timeit`` reports them:
the slower calls measured the machine), after the imports; the peak is that process's. The
command is timed the same way: the best of three runs.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import best_of, measure, print_checks
from bench.scale import write_root
from kpilib.core.paths import REPOSITORY_ROOT

PER_INDICATOR_COMMIT = "cc96576"  # analyse indicator by indicator, before this work
BEFORE_COMMIT = "adb8b4c"  # the last commit before this work: the outputs to reproduce
PERIOD = "2025-S2"
IDENTITY_PERIODS = {"scale": ("2025-S2", "2024"), "fixture": ("2025-S2", "2025", "2024-S1")}
TIMER = """
import json, resource, sys, time
root, period, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
import kpilib
times = []
for _ in range(runs):
    start = time.perf_counter()
    kpilib.analyse(period, root)
    times.append(time.perf_counter() - start)
print(json.dumps({"times": times, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def in_process(root: Path, runs: int, tree: Path | None = None) -> tuple[float, float]:
    """Best time of ``runs`` calls of ``analyse`` in one process, and its peak memory; ``tree``: the kpilib
    to import (a worktree), else this one."""
    env = {"PYTHONPATH": str(tree)} if tree else None
    run = measure([sys.executable, "-c", TIMER, str(root), PERIOD, str(runs)], env=env, cwd=tree)
    figures = json.loads(run.output.strip().splitlines()[-1])
    return min(figures["times"]), figures["peak_mb"]


def ingested(folder: Path, indicators: int, tree: Path | None = None) -> Path:
    """A scale root of ``indicators`` with ``kpi catalog`` and ``kpi ingest`` run (by ``tree``'s kpilib)."""
    root = write_root(folder, indicators)
    env = {"PYTHONPATH": str(tree)} if tree else None
    for command in ("catalog", "ingest"):
        measure([sys.executable, "-m", "kpilib", command, "--root", str(root)], env=env, cwd=tree)
    return root


class Worktree:
    """A ``git worktree`` of ``commit`` in a scratch folder, removed afterwards; ``None`` inside ``with`` when
    the clone lacks the commit (a shallow clone), so that the figure is skipped, saying why."""

    def __init__(self, commit: str, folder: Path):
        self.commit, self.path = commit, folder / f"kpilib-{commit}"

    def __enter__(self) -> Path | None:
        made = subprocess.run(
            ["git", "-C", str(REPOSITORY_ROOT), "worktree", "add", "--detach", str(self.path), self.commit],
            capture_output=True,
            text=True,
        )
        if made.returncode != 0:
            print(f"  skipped: no worktree of {self.commit} ({made.stderr.strip().splitlines()[-1]})")
            return None
        return self.path

    def __exit__(self, *_):
        subprocess.run(
            ["git", "-C", str(REPOSITORY_ROOT), "worktree", "remove", "--force", str(self.path)], capture_output=True
        )


def identical_outputs(source: Path, periods: tuple[str, ...], before: Path, scratch: Path) -> tuple[int, list[str]]:
    """``kpi evaluate`` of each period by this kpilib and by ``before`` on copies of ``source``: how many
    files were compared, and those that differ."""
    compared, differing = 0, []
    for period in periods:
        outputs = []
        for name, tree in (("now", None), ("before", before)):
            copy = scratch / f"{source.name}-{period}-{name}"
            shutil.copytree(source, copy)
            env = {"PYTHONPATH": str(tree)} if tree else None
            measure([sys.executable, "-m", "kpilib", "evaluate", "--root", str(copy), "--period", period], env, tree)
            outputs.append(copy / "data" / "processed")
        now, then = outputs
        names = sorted(path.name for path in then.iterdir() if path.is_file())
        compared += len(names)
        differing += [f"{period}/{n}" for n in names if not filecmp.cmp(now / n, then / n, shallow=False)]
    return compared, differing


def main(argv: list[str] | None = None) -> bool:
    parser = argparse.ArgumentParser(prog="python -m bench analyse")
    parser.add_argument("--indicators", type=int, nargs=2, default=[1000, 4000], metavar=("BASE", "LARGE"))
    args = parser.parse_args(argv)
    base, large = args.indicators
    print(f"analyse benchmark: kpilib.analyse({PERIOD!r}) on {base:,} and {large:,} indicators x 60 months")
    checks = []
    with tempfile.TemporaryDirectory(prefix="kpi-bench-analyse-") as folder:
        scratch = Path(folder)
        root = ingested(scratch / "base", base)
        seconds, peak = in_process(root, 3)
        checks += [
            (f"{base:,} indicators: analyse in process", f"{seconds:.2f} s", seconds <= 1.5, "<= 1.5 s"),
            (f"{base:,} indicators: peak memory", f"{peak:,.0f} MB", peak <= 1024, "<= 1 GB"),
        ]
        bigger = ingested(scratch / "large", large)
        big_seconds, big_peak = in_process(bigger, 3)
        growth = big_seconds / seconds
        checks += [
            (f"{large:,} indicators: analyse in process", f"{big_seconds:.2f} s", True, ""),
            (f"{large:,} indicators: peak memory", f"{big_peak:,.0f} MB", True, ""),
            (f"{large:,} / {base:,} indicators", f"{growth:.2f}x", growth <= 4.5 * large / 4000, "<= 4.5x"),
        ]
        shutil.rmtree(bigger)
        evaluate = best_of(3, [sys.executable, "-m", "kpilib", "evaluate", "--root", str(root), "--period", PERIOD])
        checks.append(
            (f"{base:,} indicators: kpi evaluate", f"{evaluate.seconds:.2f} s", evaluate.seconds <= 3, "<= 3 s")
        )
        with Worktree(PER_INDICATOR_COMMIT, scratch) as tree:
            if tree is not None:
                old_root = ingested(scratch / "old", base, tree)
                old_seconds, old_peak = in_process(old_root, 1, tree)
                ratio = old_seconds / seconds
                checks += [
                    (f"{PER_INDICATOR_COMMIT} (per indicator): analyse", f"{old_seconds:.2f} s", True, ""),
                    (f"{PER_INDICATOR_COMMIT} (per indicator): peak memory", f"{old_peak:,.0f} MB", True, ""),
                    (f"faster than {PER_INDICATOR_COMMIT}", f"{ratio:.1f}x", ratio >= 8, ">= 8x"),
                ]
        with Worktree(BEFORE_COMMIT, scratch) as tree:
            if tree is not None:
                fixture = scratch / "fixture"
                subprocess.run(
                    [sys.executable, str(REPOSITORY_ROOT / "tests" / "fixture_root.py"), str(fixture)],
                    check=True,
                    capture_output=True,
                )
                for name, source in (("scale", root), ("fixture", fixture)):
                    compared, differing = identical_outputs(source, IDENTITY_PERIODS[name], tree, scratch)
                    checks.append(
                        (
                            f"outputs as {BEFORE_COMMIT}, {name} root ({', '.join(IDENTITY_PERIODS[name])})",
                            f"{compared - len(differing)}/{compared} files",
                            not differing and compared > 0,
                            "byte-identical",
                        )
                    )
                    if differing:
                        print(f"  differing: {', '.join(differing)}")
    return print_checks(checks)


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
