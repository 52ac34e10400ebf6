"""Issued revisions of a period's pages (ISO 9001 §7.5.3): where they live, what each records, the state
a page shows in its document block.

A period's folder holds the working render (the draft, ``reports/<P>/*.html``) and, under
``emesso/<series>/rev-<N>/``, every revision issued by ``kpi issue``: the pages as approved, a
``revisione.json`` (number, issue and approval dates, approver, note, the data fingerprint and the
code commit), and the values and episodes the pages showed (``dati/``), against which the next draft
says what changed. Two series share a year's folder: ``rapporti`` (overview and direction reports)
and ``riesame`` (the management review). No command writes into an existing revision.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import KpiError
from ..core.paths import Paths
from .provenance import file_hashes

ISSUED = "emesso"
REPORTS_SERIES = "rapporti"
REVIEW_SERIES = "riesame"
RECORD = "revisione.json"
STATE_START, STATE_END = "<!--kpi-stato-->", "<!--/kpi-stato-->"
_FOLDER = re.compile(r"rev-(\d+)")


@dataclass(frozen=True)
class Revision:
    """One issued revision of a series of pages."""

    number: int
    series: str
    period: str
    issued_on: dt.date
    approved_by: str
    approved_on: dt.date
    note: str
    fingerprint: str
    commit: str
    pages: tuple[dict, ...] = field(default=())
    inputs: dict = field(default_factory=dict)  # input file -> SHA-256, as at issue
    folder: Path | None = None

    def record(self) -> dict:
        return {
            "revision": self.number,
            "series": self.series,
            "period": self.period,
            "issued_on": self.issued_on.isoformat(),
            "approved_by": self.approved_by,
            "approved_on": self.approved_on.isoformat(),
            "note": self.note,
            "fingerprint": self.fingerprint,
            "commit": self.commit,
            "pages": list(self.pages),
            "inputs": dict(self.inputs),
        }

    def said_it(self) -> str:
        """``rev. 2 del 01/12/2026``."""
        return f"rev. {self.number} del {self.issued_on:%d/%m/%Y}"


def series_of(slug: str) -> str:
    """The series a page belongs to: the review pack, or the period's reports."""
    return REVIEW_SERIES if slug == REVIEW_SERIES else REPORTS_SERIES


def series_folder(paths: Paths, period: object, series: str) -> Path:
    """``reports/<P>/emesso/<series>/``."""
    return paths.report_folder(period) / ISSUED / series


def revisions(paths: Paths, period: object, series: str) -> list[Revision]:
    """The revisions issued so far, oldest first; a damaged record is one plain line naming it."""
    found = []
    folder = series_folder(paths, period, series)
    for sub in folder.iterdir() if folder.is_dir() else []:
        if not (_FOLDER.fullmatch(sub.name) and (sub / RECORD).is_file()):
            continue
        try:
            record = json.loads((sub / RECORD).read_text(encoding="utf-8"))
            found.append(
                Revision(
                    number=int(record["revision"]),
                    series=str(record["series"]),
                    period=str(record["period"]),
                    issued_on=dt.date.fromisoformat(record["issued_on"]),
                    approved_by=str(record["approved_by"]),
                    approved_on=dt.date.fromisoformat(record["approved_on"]),
                    note=str(record.get("note", "")),
                    fingerprint=str(record["fingerprint"]),
                    commit=str(record.get("commit", "")),
                    pages=tuple(record.get("pages", ())),
                    inputs=dict(record.get("inputs", {})),
                    folder=sub,
                )
            )
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise KpiError(f"{paths.relative(sub / RECORD)}: not a revision record kpi wrote ({error})") from None
    return sorted(found, key=lambda r: r.number)


def input_hashes(paths: Paths) -> dict[str, str]:
    """Every input file (relative path) and its SHA-256."""
    return dict(zip(*(file_hashes(paths)[c] for c in ("File", "SHA-256")), strict=True))


def data_fingerprint(paths: Paths, hashes: dict[str, str] | None = None) -> str:
    """One SHA-256 over the hashes of every input file: equal when, and only when, the data are the same."""
    hashes = input_hashes(paths) if hashes is None else hashes
    listing = "".join(f"{name}\t{digest}\n" for name, digest in sorted(hashes.items()))
    return hashlib.sha256(listing.encode("utf-8")).hexdigest()


def state_markup(history: list[Revision], issued: Revision | None, today: dt.date, to_approve: str) -> str:
    """The document block's last rows, the document's state, and the table of every revision so far, between
    markers that :func:`stamp` replaces when the page is issued. It closes the block's table it ends.

    ``to_approve``: the approval line of a draft (who is expected to approve, or a line to sign).
    """
    if issued is None:
        last = f" Ultima revisione emessa: {history[-1].said_it()}." if history else " Nessuna revisione emessa finora."
        rows = [
            (
                "Stato del documento",
                f"Bozza, non emessa: bozza elaborata il {today:%d/%m/%Y} con i dati di quel giorno.{last}",
            ),
            ("Approvato da", to_approve),
        ]
        shown = history
    else:
        rows = [
            ("Stato del documento", f"Emesso, revisione {issued.number}"),
            ("Data di emissione", f"{issued.issued_on:%d/%m/%Y}"),
            ("Approvato da", f"{issued.approved_by}, il {issued.approved_on:%d/%m/%Y}"),
            (
                "Segnali",
                f"come calcolati alla data di emissione ({issued.issued_on:%d/%m/%Y}); i dati arrivati dopo "
                "possono cambiare i segnali dei periodi passati nelle revisioni successive.",
            ),
            ("Impronta dei dati", issued.fingerprint[:16]),
        ]
        shown = [r for r in history if r.number < issued.number] + [issued]
    body = "".join(
        f"<tr><th scope='row'>{html.escape(label)}</th><td>{html.escape(value)}</td></tr>" for label, value in rows
    )
    return STATE_START + body + "</tbody></table>" + revision_table(shown) + STATE_END


def revision_table(history: list[Revision]) -> str:
    """Every revision issued: number, dates, approver, note, data fingerprint (empty before the first)."""
    if not history:
        return ""
    rows = "".join(
        f"<tr><td>{r.number}</td><td>{r.issued_on:%d/%m/%Y}</td><td>{html.escape(r.approved_by)}</td>"
        f"<td>{r.approved_on:%d/%m/%Y}</td><td>{html.escape(r.note)}</td><td>{r.fingerprint[:16]}</td></tr>"
        for r in history
    )
    head = "".join(
        f"<th scope='col'>{h}</th>"
        for h in ("Revisione", "Emessa il", "Approvata da", "il", "Nota", "Impronta dei dati")
    )
    return (
        "<table class='kpi-document kpi-revisions'><caption>Revisioni emesse</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    )


def stamp(text: str, markup: str, where: str) -> str:
    """``text`` with its state region replaced by ``markup``; a page without one cannot be issued."""
    start, end = text.find(STATE_START), text.find(STATE_END)
    if start < 0 or end < start:
        raise KpiError(
            f"{where}: the page has no document state to stamp (rendered by an older kpilib?); run 'kpi reports' again"
        )
    return text[:start] + markup + text[end + len(STATE_END) :]
