"""The ``kpi`` command line: thin argument parsing around the pipeline stages."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .core.errors import KpiError
from .core.paths import Paths
from .core.writes import recover, root_lock


class _Parser(argparse.ArgumentParser):
    """Argument errors as one plain line (exit 2), like every other user error."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kpi",
        description="ISO 9001 indicator analysis for the City of Milan: catalog, measurements, evaluation, reports.",
    )
    common = _Parser(add_help=False)
    common.add_argument(
        "--root", type=Path, default=None, help="folder holding data/ and reports/ (default: the repository)"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    catalog = commands.add_parser("catalog", parents=[common], help="parse the published table into indicators.csv")
    catalog.add_argument(
        "sources", nargs="*", type=Path, metavar="SOURCE", help="catalog files (default: data/raw/catalog/*)"
    )

    events = commands.add_parser("events", parents=[common], help="derive measurements from case records")
    events.add_argument("files", nargs="*", type=Path, metavar="FILE", help="case files (default: data/raw/events/*)")
    events.add_argument(
        "--freq",
        choices=["month", "quarter", "semester", "year"],
        default=None,
        help="period length (default: the indicator's basis, else month)",
    )
    events.add_argument(
        "--as-of", default=None, help="date open cases are judged at (default: latest date in the input)"
    )
    events.add_argument("--out", type=Path, default=None, help="where to write the derived measurements (CSV)")
    events.add_argument("--force", action="store_true", help="replace an --out file that kpi did not write")

    ingest = commands.add_parser(
        "ingest", parents=[common], help="validate measurement files into measurements.csv and measurement_rejects.csv"
    )
    ingest.add_argument(
        "files", nargs="*", type=Path, metavar="FILE", help="measurement files (default: data/raw/measurements/*)"
    )
    ingest.add_argument("--strict", action="store_true", help="exit 1 when any row is rejected or any file is not read")
    ingest.add_argument(
        "--only",
        action="store_true",
        help="take the given files as the whole input: measurements.csv is rebuilt from them alone",
    )

    check = commands.add_parser(
        "check", parents=[common], help="judge delivered files against the root; write only their return workbooks"
    )
    check.add_argument("files", nargs="+", type=Path, metavar="FILE", help="the delivered files")
    check.add_argument("--out", type=Path, default=None, help="folder for the return workbooks (default: ritorno/)")

    status = commands.add_parser(
        "status", parents=[common], help="per office: what the period's templates asked, what arrived, reminders"
    )
    status.add_argument("--period", required=True, help="the period collected, e.g. 2025-S2")

    evaluate = commands.add_parser("evaluate", parents=[common], help="evaluate targets, SPC, assurance, opportunities")
    evaluate.add_argument("--period", default=None, help="period to evaluate (default: the latest semester with data)")
    spc_options(evaluate)

    reports = commands.add_parser("reports", parents=[common], help="render the report notebooks to reports/<period>/")
    reports.add_argument("--period", default=None, help="period to report (default: the one last evaluated)")
    reports.add_argument("--direction", action="append", default=None, help="only this direction (repeatable)")
    reports.add_argument("--jobs", type=int, default=None, help="reports rendered at once (default: one per core)")
    reports.add_argument("--pdf", action="store_true", help="also print each page to PDF (needs Chromium)")

    template = commands.add_parser(
        "template", parents=[common], help="write the Excel collection templates of one direction, one per office"
    )
    template.add_argument("--direction", required=True, help="direction as written in indicators.csv")
    template.add_argument("--period", required=True, help="period the template covers, e.g. 2025-S2")
    template.add_argument("--office", default=None, help="only this office of the direction (default: one per office)")
    template.add_argument("--out", type=Path, default=None, help="one .xlsx with a sheet per office, written there")
    template.add_argument("--force", action="store_true", help="replace an --out file that kpi did not write")

    review = commands.add_parser(
        "review", parents=[common], help="render the management review pack (ISO 9001 9.3) for a year"
    )
    review.add_argument("--year", required=True, help="the year reviewed, e.g. 2025")
    review.add_argument("--pdf", action="store_true", help="also print it to PDF (needs Chromium)")

    issue = commands.add_parser(
        "issue", parents=[common], help="freeze the approved draft pages as a new issued revision (ISO 9001 7.5)"
    )
    which = issue.add_mutually_exclusive_group(required=True)
    which.add_argument("--period", default=None, help="the period whose reports are issued, e.g. 2025-S1")
    which.add_argument("--year", default=None, help="the year whose management review is issued, e.g. 2025")
    issue.add_argument("--approved-by", required=True, help="who approved the pages (name and role)")
    issue.add_argument("--approved-on", default=None, help="the day they approved them (default: today), 2026-12-01")
    issue.add_argument("--note", default="", help="why this revision: what it changes")
    issue.add_argument("--no-pdf", action="store_true", help="HTML only, even where Chromium is installed")

    publish = commands.add_parser(
        "publish",
        parents=[common],
        help="open data (CSV, data package, DCAT-AP_IT) and PDF/A copies of a period's issued pages",
    )
    published = publish.add_mutually_exclusive_group(required=True)
    published.add_argument("--period", default=None, help="the period whose reports are published, e.g. 2025-S2")
    published.add_argument("--year", default=None, help="the year whose management review is published, e.g. 2025")
    publish.add_argument("--no-pdf", action="store_true", help="the open data only, no PDF/A copies")

    run = commands.add_parser("run", parents=[common], help="run the whole pipeline")
    run.add_argument("--period", default=None, help="period to report (default: the latest semester with data)")
    run.add_argument("--skip-reports", action="store_true", help="stop after evaluate (no notebooks rendered)")
    spc_options(run)
    return parser


def spc_options(command: argparse.ArgumentParser) -> None:
    """The process-limit choices of ``kpi evaluate`` and ``kpi run`` (default: data/raw/spc.csv, else off)."""
    command.add_argument(
        "--screen", action="store_true", default=None, help="leave out moving ranges above 3.267 x their mean"
    )
    command.add_argument(
        "--baseline", type=int, default=None, metavar="N", help="freeze each segment's limits after its first N points"
    )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    paths = Paths.at(args.root)
    try:
        if not paths.root.is_dir():  # a mistyped --root must not grow folders where nobody looks
            raise KpiError(f"{paths.root}: the root folder does not exist (it holds data/ and reports/)")
        with root_lock(paths.processed):
            for line in recover(paths.processed, paths.reports):
                print(f"kpi: {line}", file=sys.stderr)
            return _dispatch(args, paths)
    except KpiError as error:
        print(f"kpi {args.command}: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into a command that stopped reading (| head)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as error:  # unreadable or unwritable files and folders
        where = error.filename or "(the system named no file)"
        print(f"kpi {args.command}: error: {where}: {error.strerror or error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("kpi: interrupted", file=sys.stderr)
        return 130


def _dispatch(args: argparse.Namespace, paths: Paths) -> int:
    # Each command imports only its own stage: `kpi events` need not load papermill (1.5 s) or seaborn.
    if args.command == "catalog":
        from .catalog.catalog import run_catalog

        run_catalog(paths, args.sources)
        return 0
    if args.command == "events":
        from .cases.events import run_events

        run_events(paths, args.files, args.freq, args.as_of, args.out, force=args.force)
        return 0
    if args.command == "ingest":
        from .measurements.ingest import run_ingest

        if args.files and not args.only:
            raise KpiError(
                "given files would replace measurements.csv with those files alone: to check a delivery without "
                "changing anything use 'kpi check FILE'; to rebuild from those files only, add --only"
            )
        return run_ingest(paths, args.files, strict=args.strict)
    if args.command == "check":
        from .measurements.check import run_check

        return run_check(paths, args.files, args.out)
    if args.command == "status":
        from .measurements.status import run_status

        return run_status(paths, args.period)
    if args.command == "evaluate":
        from .analysis.evaluate import run_evaluate

        run_evaluate(paths, args.period, args.screen, args.baseline)
        return 0
    if args.command == "reports":
        from .reports.reports import run_reports

        if args.jobs is not None and args.jobs < 1:
            raise KpiError("--jobs must be at least 1")
        return run_reports(paths, args.period, args.direction, args.jobs, pdf=args.pdf)
    if args.command == "template":
        from .measurements.template import run_template

        run_template(paths, args.direction, args.period, args.out, force=args.force, office=args.office)
        return 0
    if args.command == "review":
        from .reports.reports import run_review

        return run_review(paths, args.year, pdf=args.pdf)
    if args.command == "issue":
        from .reports.issue import run_issue

        return run_issue(
            paths, args.period, args.year, args.approved_by, args.note, args.approved_on, pdf=not args.no_pdf
        )
    if args.command == "publish":
        from .publish.publish import run_publish

        return run_publish(paths, args.period, args.year, pdf=not args.no_pdf)
    if args.command == "run":
        from .run import run_all

        return run_all(paths, args.period, render=not args.skip_reports, screen=args.screen, baseline=args.baseline)
    raise KpiError(f"unknown command {args.command}")
