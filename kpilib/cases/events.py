"""Indicators computed from case records (``kpi events``).

Each case belongs to the period of its opening date. By the indicator's kind in the
catalog:

- share within deadline (percent target with a deadline): numerator = closed cases whose
  elapsed time is within the deadline; denominator = closed cases plus open cases already
  past the deadline at the as-of date (open cases still within it are pending);
- maximum time (duration target): the largest elapsed time among closed cases;
- time for P% of cases (duration target with a percentile): the nearest-rank P-th
  percentile of elapsed time among closed cases;
- number target: the count of cases opened in the period.

``cases`` counts the period's cases, ``open_cases`` those still open at the as-of date.

The work is done by DuckDB over the files in batches: a histogram of the cases (memory
grows with the number of indicator × period groups and distinct elapsed times) and, beside
it, a sort of the (indicator, case id) hashes (spilled to disk beyond the memory limit).
The rows these find bad or repeated are judged in SQL, and what rejected rows had added
to the histogram is taken back out. The command loads neither pandas nor NumPy (half a
second of a 3-million-case run): :func:`derive_files` gives frames for the callers that
want them.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ..core.clock import milan_today
from ..core.errors import KpiError
from ..core.files import list_inputs, rows_csv_bytes, warn_unread_subfolders
from ..core.periods import FIRST_YEAR, FREQS, LAST_YEAR
from ..core.rejects import REJECT_COLUMNS
from ..core.settings import duckdb_memory
from ..core.writes import write_together
from .files import SUFFIXES, CaseFile, open_case_file, select_sql
from .indicators import case_kind, case_table, read_case_catalog
from .sql import (
    HISTOGRAM_KEYS,
    REPEATED_ROWS_SQL,
    connect,
    create_calendar,
    create_keyed_view,
    create_spec_table,
    create_spelling_table,
    date_range,
)
from .stats import (
    BOUND_COLUMNS,
    DERIVED_COLUMNS,
    DERIVED_FLOATS,
    aggregate_with_bounds,
    judge_picked,
    latest_instant,
    monthly_rows,
    nearest_rank,
    reject_rows,
)

BOUND_FLOATS = frozenset({"lower", "upper", "estimate", "oldest_open"})
__all__ = ["DERIVED_COLUMNS", "case_kind", "derive", "derive_files", "nearest_rank", "run_events"]


@dataclass(frozen=True)
class Derived:
    """What the cases give: measurement rows (:data:`DERIVED_COLUMNS`), the number of rejected
    rows and the as-of instant; the rejects themselves stay in DuckDB until written
    (:meth:`reject_rows`), so that millions of them never sit in Python at once."""

    rows: list[tuple]
    rejected: int
    as_of: dt.datetime | None
    connection: object = None
    bounds: list[tuple] = ()  # rows of BOUND_COLUMNS: what open cases leave undecided, and the backlog
    monthly: list[tuple] = ()  # rows of DERIVED_COLUMNS month by month, for indicators judged over longer periods

    def reject_rows(self):
        """Every rejected row as (source, row, reason, raw), in file order."""
        return iter(()) if self.connection is None else reject_rows(self.connection)

    def frame(self):
        """The derived measurements as a frame (pandas is loaded here, not by ``kpi events``)."""
        import pandas as pd

        dtypes = {"value": float, "numerator": float, "denominator": float, "cases": "int64", "open_cases": "int64"}
        return pd.DataFrame(self.rows, columns=DERIVED_COLUMNS).astype(dtypes)

    def rejects_frame(self):
        import pandas as pd

        rejects = pd.DataFrame(list(self.reject_rows()), columns=REJECT_COLUMNS)
        return rejects.astype({"row": "int64"}) if len(rejects) else rejects


def derive(
    case_files: list[CaseFile],
    table: list[dict],
    scratch: Path,
    freq: str | None = None,
    as_of: dt.date | None = None,
    connection=None,
) -> Derived:
    """Derived measurements, rejected case rows and the as-of instant used.

    ``table``: how each catalog indicator is computed (:func:`~.indicators.case_table`).
    Two passes over the cases, whatever their number: one builds a histogram of (file,
    indicator, period, open, within deadline, elapsed time, opening date of open cases) with
    counts; one looks for repeated (indicator, case id) hashes and blank case ids.
    Everything else is computed from the histogram, which is as small as the groups. The
    rows picked (bad, repeated) are read once more, whole, and judged in SQL. ``connection``:
    the DuckDB connection to work in (default: a new one, spilling into ``scratch``).
    """
    if freq is not None and freq not in FREQS:
        raise KpiError(f"--freq must be one of {', '.join(FREQS)}, not '{freq}'")
    if not case_files:
        return Derived([], 0, None)
    structural = [record for case_file in case_files for record in case_file.structural_rejects]
    connection = connection or connect(scratch)
    try:
        return _derive(connection, case_files, table, freq, as_of, structural)
    except duckdb.OutOfMemoryException:
        limit = duckdb_memory()
        raise KpiError(
            f"not enough memory for the case files (DuckDB limit {limit}): set KPI_DUCKDB_MEMORY higher, e.g. 2GB"
        ) from None
    except duckdb.Error as error:
        raise KpiError(_unreadable(connection, case_files, error)) from None


def _unreadable(connection, case_files: list[CaseFile], error: Exception) -> str:
    """Which case file DuckDB could not read (each scanned on its own), for a one-line message."""
    failing = []
    for number, case_file in enumerate(case_files):
        try:
            every_column = "max(length(indicator_raw)), max(length(case_id)), count(opened), count(closed)"
            connection.execute(f"SELECT {every_column} FROM ({select_sql(case_file, number)})").fetchall()
        except duckdb.Error:
            failing.append(case_file.source)
    where = ", ".join(failing) if failing else "a case file"
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else error.__class__.__name__
    return f"{where}: not readable to the end ({first_line}); export the file again"


def _derive(connection, case_files, table, freq, as_of, structural) -> Derived:
    sources = [case_file.source for case_file in case_files]
    spec = {row["indicator_id"]: row for row in case_table(table, freq)}
    union = " UNION ALL ".join(select_sql(case_file, number) for number, case_file in enumerate(case_files))
    connection.execute(f"CREATE VIEW cases AS {union}")
    spellings = [
        s
        for (s,) in connection.execute(
            "SELECT DISTINCT indicator_raw FROM cases WHERE indicator_raw IS NOT NULL"
        ).fetchall()
    ]
    create_spelling_table(connection, spellings, list(spec.values()))
    create_spec_table(connection, list(spec.values()))
    today = milan_today()
    typed = [
        (str(case_file.parquet), case_file.columns[field])
        for case_file in case_files
        for field in ("opened", "closed")
        if case_file.kinds[field] != "text"
    ]
    every_date_typed = len(typed) == 2 * len(case_files)
    years = date_range(connection, typed if every_date_typed else None)
    first, last = years or (today.year, today.year)
    create_calendar(connection, first, max(last, as_of.year if as_of else last))
    given = dt.datetime.combine(as_of, dt.time(23, 59, 59)) if as_of else None
    is_open = f"closed IS NULL OR closed > TIMESTAMP '{given.isoformat(sep=' ')}'" if given else "closed IS NULL"
    create_keyed_view(connection, "keyed", "cases", is_open, today)

    # Pass 2, beside pass 1 on a second cursor: each query leaves the cores idle in its
    # single-threaded phases, which the other fills. The rows whose (indicator, case id)
    # hash is shared, or whose case id may be blank.
    with ThreadPoolExecutor(max_workers=1) as beside:
        repeated = beside.submit(connection.cursor().execute, f"CREATE TABLE repeated AS {REPEATED_ROWS_SQL}")
        # Pass 1: the histogram; rows found bad ride along as lists of row numbers.
        connection.execute(
            f"CREATE TABLE hist AS SELECT {', '.join(HISTOGRAM_KEYS)}, bad, count(*) AS n, "
            "max(opened) AS last_opened, max(closed) AS last_closed, list(row) FILTER (WHERE bad) AS bad_rows "
            "FROM keyed GROUP BY ALL"
        )
        repeated.result()
    connection.execute(
        "CREATE TABLE picked AS SELECT file_id, unnest(bad_rows) AS row FROM hist WHERE bad "
        "UNION ALL SELECT file_id, row FROM repeated"
    )
    # Pass 3, over the rows picked only: every column, judged with the case-id check too.
    union = " UNION ALL ".join(
        select_sql(case_file, number, rows_from="picked") for number, case_file in enumerate(case_files)
    )
    connection.execute(f"CREATE VIEW picked_cases AS {union}")
    create_keyed_view(connection, "picked_keyed", "picked_cases", is_open, today, picked=True)
    nothing_picked = not connection.execute("SELECT count(*) FROM picked").fetchone()[0]
    connection.execute(f"CREATE TABLE judged AS SELECT * FROM picked_keyed{' LIMIT 0' if nothing_picked else ''}")
    judge_picked(connection, sources, structural)
    as_of_instant = given or latest_instant(connection)
    rows, bounds = aggregate_with_bounds(connection, spec, as_of_instant, sources)
    monthly = monthly_rows(connection, spec, as_of_instant, sources)
    rejected = connection.execute("SELECT count(*) FROM every_reject").fetchone()[0]
    return Derived(rows, rejected, as_of_instant, connection, bounds, monthly)


def event_files(paths) -> list[Path]:
    warn_unread_subfolders(paths.events_dir, paths.relative)
    return list_inputs(paths.events_dir, SUFFIXES)


@contextmanager
def derived_from(paths, files: list[Path], table: list[dict], freq=None, as_of=None) -> Iterator[Derived]:
    """Open the case files and derive (see :func:`derive`); the rejects can be read inside the block."""
    with tempfile.TemporaryDirectory(prefix="kpi-events-") as scratch:
        scratch_path = Path(scratch)
        (scratch_path / "spill").mkdir()
        (scratch_path / "csv").mkdir()
        connection = connect(scratch_path)
        try:
            case_files = [
                open_case_file(path, paths.relative(path), scratch_path / "csv", connection) for path in files
            ]
            yield derive(case_files, table, scratch_path, freq, as_of, connection)
        finally:
            connection.close()


def derive_files(paths, files: list[Path], indicators, freq: str | None = None, as_of: dt.date | None = None):
    """Open the given case files and derive (see :func:`derive`), as frames: the derived
    measurements, the rejected rows and the as-of instant. ``indicators``: the catalog frame."""
    with derived_from(paths, files, indicators.to_dict("records"), freq, as_of) as derived:
        return derived.frame(), derived.rejects_frame(), derived.as_of


def derive_from_folder(paths, indicators):
    """Derived measurements for every case file of the root, with defaults (used by ``kpi ingest``)."""
    derived, _, _ = derive_files(paths, event_files(paths), indicators)
    return derived


def run_events(
    paths, files: list[Path] | None = None, freq: str | None = None, as_of: str | None = None, out=None, force=False
):
    """``kpi events``: derive, write the derived measurements and ``event_rejects.csv``."""
    as_of_date = None
    if as_of:
        try:
            as_of_date = dt.date.fromisoformat(as_of)
        except ValueError:
            raise KpiError(f"--as-of must be a date as YYYY-MM-DD, not '{as_of}'") from None
        if not FIRST_YEAR <= as_of_date.year <= LAST_YEAR:
            raise KpiError(f"--as-of {as_of} is outside the years handled ({FIRST_YEAR}-{LAST_YEAR})")
    table = read_case_catalog(paths.indicators)
    files = [Path(f) for f in files] if files else event_files(paths)
    out = paths.output(out, force, _is_derived_csv) if out else paths.event_measurements
    with derived_from(paths, files, table, freq, as_of_date) as derived:
        outputs = {
            out: rows_csv_bytes(DERIVED_COLUMNS, derived.rows, DERIVED_FLOATS),
            paths.event_rejects: rows_csv_bytes(REJECT_COLUMNS, derived.reject_rows()),
        }
        if out == paths.event_measurements:  # the date the pipeline's values were computed at, for the reports
            outputs[paths.event_as_of] = (f"{derived.as_of:%Y-%m-%d}\n" if derived.as_of else "").encode("ascii")
            outputs[paths.event_bounds] = rows_csv_bytes(list(BOUND_COLUMNS), derived.bounds, BOUND_FLOATS)
            outputs[paths.event_monthly] = rows_csv_bytes(DERIVED_COLUMNS, derived.monthly, DERIVED_FLOATS)
        write_together(outputs, paths.processed)
    used = derived.as_of
    when = f"as of {used:%Y-%m-%d}" if used else "no usable case"
    cases = sum(row[DERIVED_COLUMNS.index("cases")] for row in derived.rows)
    print(
        f"events: {len(files)} file(s), {cases} case(s) used, "
        f"{derived.rejected} rejected, {len(derived.rows)} measurement(s) ({when}) -> {paths.relative(out)}"
    )
    return derived


def read_event_as_of(paths) -> dt.date | None:
    """The date the derived measurements in ``data/processed`` were computed at, where known."""
    try:
        return dt.date.fromisoformat(paths.event_as_of.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None


def _is_derived_csv(path: Path) -> bool:
    """Whether ``path`` is a file of derived measurements (its first line is their header): ours to replace."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return handle.readline().rstrip("\r\n") == ",".join(DERIVED_COLUMNS)
    except (OSError, UnicodeDecodeError):
        return False
