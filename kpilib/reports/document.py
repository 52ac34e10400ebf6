"""The document block at the top of every report: what a filed quality record must say about itself.

Organisation, title, direction, period, version (kpilib's version and commit), who prepared it,
and the document's state (:mod:`.revisions`): a draft to approve, or an issued revision with its
issue date, approver and approval date, and every revision issued so far. Names come from
``data/raw/documento.csv`` (``voce;valore`` rows: ``organizzazione``, ``redatto_da``,
``approvato_da``, the last being who is expected to approve; read, never written). Where a name is
not set the block leaves a line to sign on paper.
"""

from __future__ import annotations

import html

from .. import __version__
from ..core.errors import KpiError
from ..core.files import read_csv_rows
from ..core.paths import Paths
from ..core.text import plain_key
from ..core.workdays import milan_today
from .provenance import git_commit
from .revisions import REPORTS_SERIES, revisions, state_markup

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


def document_block(
    paths: Paths, title: str, rows: list[tuple[str, str]], period: object = None, series: str = REPORTS_SERIES
) -> str:
    """The block as an HTML table: ``rows`` (e.g. direction, period) between the title and the version, then
    the draft's state against the revisions of ``series`` issued so far for ``period``."""
    settings = document_settings(paths)
    lines = [
        ("Organizzazione", settings["organizzazione"]),
        ("Documento", title),
        *rows,
        ("Versione", f"kpilib {__version__}, commit {git_commit()}"),
        ("Redatto da", settings["redatto_da"] or TO_SIGN),
    ]
    body = "".join(
        f"<tr><th scope='row'>{html.escape(label)}</th><td>{html.escape(value)}</td></tr>" for label, value in lines
    )
    expected = settings["approvato_da"]
    to_approve = f"da approvare ({expected})" if expected else f"{TO_SIGN} (da approvare)"
    history = revisions(paths, period, series) if period is not None else []
    state = state_markup(history, None, milan_today(), to_approve)
    return f"<table class='kpi-document' aria-label='Dati del documento'><tbody>{body}{state}"
