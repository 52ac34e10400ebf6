"""What a rendered report was made from: parameters, versions, git commit, input hashes."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pandas as pd

from .. import __version__
from ..catalog.aliases import FILE_NAME as ALIASES_FILE
from ..catalog.catalog import catalog_sources
from ..core.files import CASE_SUFFIXES, DELIVERY_SUFFIXES, REGISTER_SUFFIXES, list_inputs
from ..core.paths import REPOSITORY_ROOT, Paths
from ..core.schemas import REJECTS
from ..measurements.processed import unread_files


def git_commit(root: Path = REPOSITORY_ROOT) -> str:
    """The commit of the code at ``root`` (kpilib's own repository), ``+modifiche`` when its code has changes.

    Data are traced by their hashes (:func:`file_hashes`), not by this commit.
    """
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True)
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "kpilib", "notebooks"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "non disponibile"
    return commit.stdout.strip() + (" +modifiche" if dirty.stdout.strip() else "")


def input_files(paths: Paths) -> list[Path]:
    """Every file the commands read under ``data/raw``, by the readers' own rule (:func:`~..core.files.list_inputs`):
    no office lock file, hidden file, README, file of a type no reader reads, or delivery that could not be read."""
    found = catalog_sources(paths.catalog_dir)
    found += [p for p in (paths.catalog_dir / ALIASES_FILE, paths.document_settings, paths.spc_settings) if p.is_file()]
    unread = set(unread_files(REJECTS.read(paths.measurement_rejects, missing_ok=True)))
    found += [p for p in list_inputs(paths.measurements_dir, DELIVERY_SUFFIXES) if paths.relative(p) not in unread]
    found += list_inputs(paths.events_dir, CASE_SUFFIXES)
    found += list_inputs(paths.changes_dir, REGISTER_SUFFIXES)
    found += list_inputs(paths.nonconformities_dir, REGISTER_SUFFIXES)
    found += list_inputs(paths.review_dir, REGISTER_SUFFIXES)
    return sorted(set(found), key=paths.relative)


def file_hashes(paths: Paths) -> pd.DataFrame:
    """SHA-256 of every input file (:func:`input_files`), by relative path."""
    rows = []
    for path in input_files(paths):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        rows.append({"File": paths.relative(path), "SHA-256": digest})
    return pd.DataFrame(rows, columns=["File", "SHA-256"])


def provenance(paths: Paths, parameters: dict) -> pd.DataFrame:
    """Parameters, kpilib version and git commit as a two-column table (Italian labels)."""
    from ..analysis.spc_options import SpcOptions, read_record

    rows = [(f"Parametro «{name}»", str(value)) for name, value in parameters.items()]
    rows += (read_record(paths) or SpcOptions()).said_it()
    rows += [("Versione di kpilib", __version__), ("Commit git", git_commit())]
    return pd.DataFrame(rows, columns=["Voce", "Valore"])
