"""The document block at the top of every report: what a filed quality record must say about itself.

Organisation, title, direction, period, issue date, version (kpilib's version and commit),
and who prepared and approved it, from ``data/raw/documento.csv`` (``voce;valore`` rows:
``organizzazione``, ``redatto_da``, ``approvato_da``; read, never written). Where a name is
not set the block leaves a line to sign on paper.
"""

from __future__ import annotations

import datetime as dt
import html

from .. import __version__
from ..core.errors import KpiError
from ..core.files import read_csv_rows
from ..core.paths import Paths
from ..core.text import plain_key
from ..core.workdays import milan_today
from .provenance import git_commit

DEFAULTS = {"organizzazione": "Comune di Milano", "redatto_da": "", "approvato_da": ""}
TO_SIGN = "_" * 28


def document_settings(paths: Paths) -> dict[str, str]:
    """The settings of the document block, defaults where the file or a line is missing."""
    settings = dict(DEFAULTS)
    if paths.document_settings.is_file():
        try:
            rows = read_csv_rows(paths.document_settings)
        except KpiError as error:
            raise KpiError(
                f"{error} (the settings of the document block: fix it, or remove it to use the defaults)"
            ) from None
        for cells in rows:
            if len(cells) >= 2 and plain_key(cells[0]) in {plain_key(k) for k in DEFAULTS}:
                key = next(k for k in DEFAULTS if plain_key(k) == plain_key(cells[0]))
                settings[key] = cells[1].strip()
    return settings


def document_block(paths: Paths, title: str, rows: list[tuple[str, str]], issued: dt.date | None = None) -> str:
    """The block as an HTML table: ``rows`` (e.g. direction, period) between the title and the version."""
    settings = document_settings(paths)
    issued = issued or milan_today()
    lines = [
        ("Organizzazione", settings["organizzazione"]),
        ("Documento", title),
        *rows,
        ("Data di emissione", f"{issued:%d/%m/%Y}"),
        ("Versione", f"kpilib {__version__}, commit {git_commit()}"),
        ("Redatto da", settings["redatto_da"] or TO_SIGN),
        ("Approvato da", settings["approvato_da"] or TO_SIGN),
    ]
    body = "".join(
        f"<tr><th scope='row'>{html.escape(label)}</th><td>{html.escape(value)}</td></tr>" for label, value in lines
    )
    return f"<table class='kpi-document' aria-label='Dati del documento'><tbody>{body}</tbody></table>"
