"""``kpi issue``: the draft pages of a period (or a year's review) frozen as a new issued revision.

The approver reads the draft and approves what they read: ``kpi issue`` copies those very pages,
provided they were made from today's data (the fingerprint recorded at render time), stamps their
document state (revision, issue date, approver, approval date, data fingerprint, note), prints
them to PDF where Chromium is present, and keeps the values and episodes they show (``dati/``) so
that the next draft can say what changed. The revision is assembled in a scratch folder and moved
into place in one rename, which fails rather than replace a revision already there; its files are
made read-only. Nothing in the project deletes or rewrites ``reports/<P>/emesso/``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import sys
from pathlib import Path

import nbformat

from ..analysis.evaluate import analyse
from ..core.errors import KpiError
from ..core.paths import Paths
from ..core.periods import Period, parse_period
from ..core.workdays import milan_today
from .changes import snapshot, write_snapshot
from .pdf import browser, print_pdfs
from .provenance import git_commit
from .revisions import (
    RECORD,
    REPORTS_SERIES,
    REVIEW_SERIES,
    Revision,
    data_fingerprint,
    input_hashes,
    revisions,
    series_folder,
    series_of,
    stamp,
    state_markup,
)

_HREF = re.compile(r"""(href=)(["'])([^"']*)\2""")


def run_issue(
    paths: Paths,
    period: str | None,
    year: str | None,
    approved_by: str,
    note: str = "",
    approved_on: str | None = None,
    pdf: bool = True,
) -> int:
    """Issue the draft of ``period`` (or the review of ``year``) as the next revision; 0 when issued."""
    from .reports import _page_list, write_indexes

    chosen, series = _what(period, year)
    approver = " ".join(approved_by.split())
    if not approver:
        raise KpiError("--approved-by needs the name of who approved the pages")
    today = milan_today()
    approved = _date(approved_on, today)
    pages = [p for p in _page_list(paths.page_list(chosen)) if series_of(p["slug"]) == series]
    folder = paths.report_folder(chosen)
    command = f"kpi review --year {chosen}" if series == REVIEW_SERIES else f"kpi reports --period {chosen}"
    if not pages:
        raise KpiError(f"{paths.relative(folder)}: no page to issue; render the draft first ('{command}')")
    failed = [p["title"] for p in pages if not p["ok"]]
    if failed:
        raise KpiError(f"pages that failed to render cannot be issued: {', '.join(failed)}; fix and run '{command}'")
    hashes = input_hashes(paths)
    fingerprint = data_fingerprint(paths, hashes)
    stale = [p["title"] for p in pages if p.get("fingerprint") != fingerprint]
    if stale:
        raise KpiError(
            f"the draft of {', '.join(stale)} was made from other data than today's: run '{command}', read the "
            "pages again, then issue them"
        )
    history = revisions(paths, chosen, series)
    commit = git_commit()
    if history and history[-1].fingerprint == fingerprint and history[-1].commit == commit:
        raise KpiError(
            f"nothing changed since revision {history[-1].number} (same data, same code): no new revision issued"
        )
    revision = Revision(
        number=(history[-1].number if history else 0) + 1,
        series=series,
        period=str(chosen),
        issued_on=today,
        approved_by=approver,
        approved_on=approved,
        note=" ".join(note.split()),
        fingerprint=fingerprint,
        commit=commit,
        pages=tuple({"slug": p["slug"], "title": p["title"]} for p in pages),
        inputs=hashes,
    )
    target = _freeze(paths, chosen, revision, history, pdf)
    write_indexes(paths, chosen, [])
    print(
        f"issue: {series} {chosen} revisione {revision.number} ({len(pages)} pagine, approvata da {approver}) -> "
        f"{paths.relative(target)}/"
    )
    return 0


def _what(period: str | None, year: str | None) -> tuple[Period, str]:
    if (period is None) == (year is None):
        raise KpiError("give --period P (the period's reports) or --year Y (the management review), not both")
    try:
        chosen = parse_period(year if year is not None else period)
    except ValueError as error:
        raise KpiError(str(error)) from None
    if year is not None and chosen.freq != "year":
        raise KpiError(f"--year takes a year (e.g. 2025), not '{year}'")
    return chosen, REVIEW_SERIES if year is not None else REPORTS_SERIES


def _date(text: str | None, today: dt.date) -> dt.date:
    if not text:
        return today
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise KpiError(f"--approved-on takes a date as 2026-12-01, not '{text}'") from None
    if day > today:
        raise KpiError(f"--approved-on {text} is in the future")
    return day


def _freeze(paths: Paths, period: Period, revision: Revision, history: list[Revision], pdf: bool) -> Path:
    """The revision's folder, assembled aside and moved into place; returns it."""
    parent = series_folder(paths, period, revision.series)
    parent.mkdir(parents=True, exist_ok=True)
    for stale in parent.glob(".in-preparazione-*"):
        shutil.rmtree(stale, ignore_errors=True)  # left by an interrupted issue: never a revision
    scratch = parent / f".in-preparazione-{revision.number}-{os.getpid()}"
    target = parent / f"rev-{revision.number}"
    try:
        scratch.mkdir()
        markup = state_markup(history, revision, revision.issued_on, "")
        names = {p["slug"] for p in revision.pages}
        source = paths.report_folder(period)
        for page in revision.pages:
            slug = page["slug"]
            text = (source / f"{slug}.html").read_text(encoding="utf-8")
            where = paths.relative(source / f"{slug}.html")
            (scratch / f"{slug}.html").write_text(_relink(stamp(text, markup, where), names), encoding="utf-8")
            book = nbformat.read(source / f"{slug}.ipynb", as_version=4)
            nbformat.write(_stamp_notebook(book, markup, where), scratch / f"{slug}.ipynb")
        analysis = analyse(str(period), root=paths.root)
        frames = snapshot(analysis.summary, analysis.measurements, analysis.nonconformities, period)
        write_snapshot(frames, scratch / "dati")
        (scratch / RECORD).write_text(json.dumps(revision.record(), ensure_ascii=False, indent=1) + "\n", "utf-8")
        if pdf and browser():
            _, problems = print_pdfs([scratch / f"{p['slug']}.html" for p in revision.pages])
            for problem in problems:
                print(f"issue: {problem}", file=sys.stderr)
        elif pdf:
            print("issue: Chromium is not installed: the revision has its HTML pages, no PDF", file=sys.stderr)
        for file in scratch.rglob("*"):
            if file.is_file():
                file.chmod(0o444)
        os.rename(scratch, target)  # fails if the revision exists: never replaced
    except OSError:
        shutil.rmtree(scratch, ignore_errors=True)
        if target.exists():
            raise KpiError(
                f"{paths.relative(target)}: already issued; another 'kpi issue' ran at the same time"
            ) from None
        raise
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return target


def _stamp_notebook(book, markup: str, where: str):
    """The executed notebook with the same state as its page (its document block is an HTML output)."""
    stamped = False
    for cell in book.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            text = data.get("text/html")
            if text is None:
                continue
            text = "".join(text) if isinstance(text, list) else text
            if "<!--kpi-stato-->" in text:
                data["text/html"] = stamp(text, markup, where)
                stamped = True
    if not stamped:
        raise KpiError(f"{where}: its notebook has no document state to stamp; run 'kpi reports' again")
    return book


def _relink(page: str, siblings: set[str]) -> str:
    """Links of a page moved three folders down (``emesso/<series>/rev-N/``): to the pages issued with it
    they stay, to anything else they climb back to the period's folder."""

    def fix(match: re.Match) -> str:
        target = match.group(3)
        keep = (
            target.startswith(("#", "data:", "http:", "https:", "mailto:"))
            or target.split("#")[0].removesuffix(".html").removesuffix(".ipynb") in siblings
        )
        return match.group(0) if keep else f"{match.group(1)}{match.group(2)}../../../{target}{match.group(2)}"

    return _HREF.sub(fix, page)
