"""The fixture root every test and every committed notebook output is built on.

The published table (a copy in ``tests/fixtures/catalog/``) and the example data written
by :mod:`kpilib.examples` (the same files as the shipped ``ESEMPIO_*``), with the pipeline
run up to ``kpi evaluate``. Nothing here reads the live ``data/`` folder, so the tests keep
passing when an office adds its own files there.

``python tests/fixture_root.py DIR`` builds it in DIR (``make notebooks`` does, then runs
the notebooks with ``KPI_ROOT=DIR``). As a pytest plugin (``-p fixture_root`` in
``pyproject.toml``) it points ``KPI_ROOT`` at it before any test, doctest or notebook
kernel runs: the notebooks nbval runs with their default parameters, and the doctests of
``kpilib``, read it. The root is built once per state of the code and data that build it
(keyed by their hash) and reused; a test that writes into it fails the run.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import sys
import tempfile
from pathlib import Path

from kpilib.analysis.evaluate import run_evaluate
from kpilib.cases.events import run_events
from kpilib.catalog.catalog import run_catalog
from kpilib.core.paths import ROOT_VARIABLE, Paths
from kpilib.examples import write_examples
from kpilib.measurements.ingest import run_ingest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = FIXTURES / "catalog" / "000_c9ad083143a4659c.txt"


def with_seed(folder: Path) -> Paths:
    """``folder`` as a project root holding only the published table."""
    catalog = folder / "data" / "raw" / "catalog"
    catalog.mkdir(parents=True, exist_ok=True)
    shutil.copy(SEED, catalog / SEED.name)
    return Paths.at(folder)


def build(folder: Path) -> Paths:
    """The published table and the example data in ``folder``, processed up to ``kpi evaluate``."""
    paths = with_seed(folder)
    with contextlib.redirect_stdout(io.StringIO()):
        write_examples(paths)
        run_catalog(paths)
        run_ingest(paths, derived=run_events(paths).frame())
        run_evaluate(paths)
    return paths


# The code and data that build the fixture root: while none of them changes, the root built last
# time is reused (``build/fixture-cache/<hash>/``), so a pytest start costs no pipeline run.
_BUILT_FROM = ("kpilib/**/*.py", "kpilib/**/*.ipynb", "tests/fixtures/**/*", "tests/fixture_root.py")
CACHE = Path(__file__).resolve().parents[1] / "build" / "fixture-cache"


def inputs_digest() -> str:
    """A hash of every file that builds the fixture root (paths and contents)."""
    top = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for pattern in _BUILT_FROM:
        for path in sorted(top.glob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(top).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def cached_root() -> Path:
    """The fixture root for the current code and data: reused when built before, else built (atomically)."""
    folder = CACHE / inputs_digest()
    if (folder / ".complete").is_file():
        return folder
    CACHE.mkdir(parents=True, exist_ok=True)
    for stale in CACHE.iterdir():  # roots of code that is gone
        shutil.rmtree(stale, ignore_errors=True)
    scratch = Path(tempfile.mkdtemp(prefix="building-", dir=CACHE))
    build(scratch)
    (scratch / ".complete").write_text("")
    try:
        scratch.rename(folder)
    except OSError:  # another pytest built it meanwhile
        shutil.rmtree(scratch, ignore_errors=True)
    return folder


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file of the fixture root with a hash of its contents (to tell whether a test wrote into it)."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


_STATE: dict = {}


def pytest_configure(config):
    folder = cached_root()
    _STATE.update(folder=folder, before=tree_digest(folder))
    os.environ[ROOT_VARIABLE] = str(folder)


def pytest_sessionfinish(session, exitstatus):
    """The fixture root is read-only for tests: one that wrote into it fails the run, naming the files."""
    if "folder" not in _STATE:
        return
    after = tree_digest(_STATE["folder"])
    changed = sorted(
        name for name in set(after) | set(_STATE["before"]) if after.get(name) != _STATE["before"].get(name)
    )
    if changed:
        shutil.rmtree(_STATE["folder"], ignore_errors=True)  # never reuse a root a test has changed
        print(f"\nfixture_root: a test wrote into the shared fixture root: {', '.join(changed[:10])}", file=sys.stderr)
        session.exitstatus = 1


if __name__ == "__main__":
    target = Path(sys.argv[1])
    shutil.rmtree(target, ignore_errors=True)
    print(build(target).root)
