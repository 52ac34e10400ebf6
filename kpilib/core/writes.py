"""Writing a command's outputs: all of them or none, one writer per root at a time.

:func:`write_together` writes every file of a set beside its target, records the set in a
journal, then renames each into place. A command killed before the journal exists leaves
only temporary files; one killed during the renames leaves the journal, and the next
command that takes the root's lock finishes the renames (:func:`recover`), so a reader
never sees a new ``measurements.csv`` beside the old rejects for longer than that.
:func:`root_lock` keeps a second command off a root while one writes it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from .errors import KpiError
from .settings import lock_wait

JOURNAL_PREFIX = ".kpi-pending-"
LOCK = ".kpi.lock"
TEMP_SUFFIX = ".kpi-tmp"


def write_together(outputs: dict[Path, bytes], journal_dir: Path) -> None:
    """Replace every file of ``outputs`` (path -> bytes) together, or leave them all as they were."""
    pending: list[tuple[str, str]] = []
    try:
        for path, data in outputs.items():
            pending.append((str(_temporary(Path(path), data)), str(path)))
        journal = Path(journal_dir) / f"{JOURNAL_PREFIX}{os.getpid()}-{uuid.uuid4().hex}.json"
        _temporary_into_place(journal, json.dumps(pending).encode("utf-8"))
    except BaseException:
        for temporary, _ in pending:
            Path(temporary).unlink(missing_ok=True)
        raise
    _finish(pending, journal)


def write_one(path: Path, data: bytes) -> None:
    """Replace one file atomically (a temporary file beside it, then a rename)."""
    _temporary_into_place(Path(path), data)


def recover(journal_dir: Path, *folders: Path) -> list[str]:
    """Finish an interrupted :func:`write_together` and remove temporary files left by killed commands.

    Call it holding the root's lock. Only the project's own files are touched: journals in
    ``journal_dir`` whose every entry renames one of the project's temporary files
    (``.<name>.<random>.kpi-tmp``) onto the file beside it, inside ``journal_dir`` or ``folders``;
    a journal that is damaged or names anything else is set aside (``….damaged``) with a warning,
    never followed. Returns what was done, one line each, for the console.
    """
    done = []
    journal_dir = Path(journal_dir)
    allowed = [Path(folder).resolve() for folder in (journal_dir, *folders)]
    for journal in sorted(journal_dir.glob(f"{JOURNAL_PREFIX}*.json")) if journal_dir.is_dir() else []:
        pending = _valid_journal(journal, allowed)
        if pending is None:
            aside = journal.with_name(journal.name + ".damaged")
            os.replace(journal, aside)
            done.append(f"warning: {journal.name}: not a journal this project wrote; set aside as {aside.name}")
            continue
        _finish(pending, journal)
        done.append(f"finished writing {len(pending)} file(s) that an interrupted command had left half done")
    for folder in allowed:
        for stale in folder.rglob(f".*{TEMP_SUFFIX}") if folder.is_dir() else []:
            stale.unlink(missing_ok=True)
            done.append(f"removed {stale.name}, left by an interrupted command")
    return done


def _valid_journal(journal: Path, allowed: list[Path]) -> list[tuple[str, str]] | None:
    """The journal's renames when each is one of ours (a temporary file beside its target, inside ``allowed``)."""
    try:
        entries = json.loads(journal.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(entries, list):
        return None
    pending = []
    for entry in entries:
        if not (isinstance(entry, list) and len(entry) == 2 and all(isinstance(p, str) for p in entry)):
            return None
        temporary, final = Path(entry[0]).resolve(), Path(entry[1]).resolve()
        ours = (
            temporary.parent == final.parent
            and temporary.name.startswith(f".{final.name}.")
            and temporary.name.endswith(TEMP_SUFFIX)
            and any(final.is_relative_to(folder) for folder in allowed)
        )
        if not ours:
            return None
        pending.append((str(temporary), str(final)))
    return pending


def _finish(pending: list[tuple[str, str]], journal: Path) -> None:
    for temporary, final in pending:
        if Path(temporary).exists():
            os.replace(temporary, final)
    journal.unlink(missing_ok=True)


def _temporary(path: Path, data: bytes) -> Path:
    """``data`` in a temporary file beside ``path``; a full disk names the file it could not write."""
    name = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(name, 0o666 & ~_umask())
    except OSError as error:
        if name:
            Path(name).unlink(missing_ok=True)
        raise KpiError(f"{path}: cannot write: {error.strerror or error}") from None
    return Path(name)


def _temporary_into_place(path: Path, data: bytes) -> None:
    temporary = _temporary(path, data)
    try:
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise KpiError(f"{path}: cannot write: {error.strerror or error}") from None


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


@contextlib.contextmanager
def root_lock(folder: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the root's lock (a file in ``folder``) for the block: a second command waits for the
    first, up to ``wait`` seconds (``KPI_LOCK_WAIT``, default 600), then stops with a plain line."""
    wait = lock_wait() if wait is None else wait
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK
    with open(path, "a+", encoding="utf-8") as handle:
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = path.read_text(encoding="utf-8").strip() or "another command"
                if time.monotonic() >= deadline:
                    raise KpiError(
                        f"{folder}: a run is in progress on this root ({holder}); try again when it ends"
                    ) from None
                if not told:
                    print(f"waiting: a run is in progress on this root ({holder})", file=sys.stderr)
                    told = True
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, since {time.strftime('%Y-%m-%d %H:%M:%S')}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            handle.flush()
            fcntl.flock(handle, fcntl.LOCK_UN)
