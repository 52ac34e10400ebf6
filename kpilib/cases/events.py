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

The work is done by DuckDB over the files in batches: memory grows with the number of
indicator × period groups (and distinct elapsed times), not with the number of cases.
Duplicates are found by hashing (indicator, case id); only the few candidate rows are
looked at one by one, and the contributions of rejected copies are taken back out of the
aggregate.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import duckdb
import pandas as pd

from ..catalog.indicators import read_indicators
from ..core.errors import KpiError
from ..core.files import list_inputs, write_csvs
from ..core.periods import BASIS_FREQ, FIRST_YEAR, FREQS, LAST_YEAR, MONTHS_IN
from ..core.rejects import REJECT_COLUMNS, rejects_frame, rejects_of
from ..core.vocabulary import DURATION_UNITS, Unit, is_missing
from ..core.workdays import milan_today
from .files import SUFFIXES, CaseFile, open_case_file, select_sql
from .sql import HISTOGRAM_KEYS, PROBLEMS, calendar_frame, connect, create_views, spelling_table
from .stats import DERIVED_COLUMNS, aggregate, duplicates, mark_late, nearest_rank, take_back

__all__ = ["DERIVED_COLUMNS", "case_kind", "derive", "derive_files", "nearest_rank", "run_events"]


def case_kind(indicator: dict) -> str | None:
    """How an indicator is computed from cases, or ``None`` when it cannot be."""
    unit = indicator["target_unit"]
    if unit == Unit.PERCENT and indicator.get("deadline_unit") and not is_missing(indicator.get("deadline_value")):
        return "share"
    if unit in DURATION_UNITS:
        return "max" if is_missing(indicator.get("percentile")) else "percentile"
    if unit == Unit.NUMBER:
        return "count"
    return None


def _indicator_table(indicators: pd.DataFrame, freq: str | None) -> pd.DataFrame:
    rows = []
    for indicator in indicators.to_dict("records"):
        kind = case_kind(indicator)
        unit = indicator["deadline_unit"] if kind == "share" else indicator["target_unit"]
        chosen = freq or BASIS_FREQ.get(indicator["basis"], "month")
        rows.append(
            {
                "indicator_id": indicator["indicator_id"].lower(),
                "kind": kind or "",
                "unit": unit if kind in ("share", "max", "percentile") else "",
                "deadline": float(indicator["deadline_value"]) if kind == "share" else None,
                "percentile": float(indicator["percentile"]) if kind == "percentile" else None,
                "months": MONTHS_IN[chosen],
                "freq": chosen,
            }
        )
    return pd.DataFrame(rows, columns=["indicator_id", "kind", "unit", "deadline", "percentile", "months", "freq"])


def derive(
    case_files: list[CaseFile],
    indicators: pd.DataFrame,
    scratch: Path,
    freq: str | None = None,
    as_of: dt.date | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, dt.datetime | None]:
    """Derived measurements, rejected case rows and the as-of instant used.

    Two passes over the cases, whatever their number: one builds a histogram of
    (file, indicator, period, open, within deadline, elapsed time, opening date of open
    cases) with counts; one looks for repeated (indicator, case id) hashes. Everything
    else is computed from the histogram, which is as small as the groups. Rejected rows
    are fetched by a third pass only when the first saw any.
    """
    if freq is not None and freq not in FREQS:
        raise KpiError(f"--freq must be one of {', '.join(FREQS)}, not '{freq}'")
    structural = pd.DataFrame([r for f in case_files for r in f.structural_rejects], columns=REJECT_COLUMNS)
    if not case_files:
        return pd.DataFrame(columns=DERIVED_COLUMNS), structural, None
    connection = connect(scratch)
    try:
        return _derive(connection, case_files, indicators, freq, as_of, structural)
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


def _derive(connection, case_files, indicators, freq, as_of, structural):
    sources = pd.Series([case_file.source for case_file in case_files])
    table = _indicator_table(indicators, freq)
    connection.register("cal_df", calendar_frame())
    connection.execute("CREATE TABLE cal AS SELECT CAST(d AS DATE) AS d, CAST(wd AS INTEGER) AS wd FROM cal_df")
    union = " UNION ALL ".join(select_sql(case_file, number) for number, case_file in enumerate(case_files))
    connection.execute(f"CREATE VIEW cases AS {union}")
    # Indicator ids are normalized once per distinct spelling, not once per case.
    spellings = connection.execute("SELECT DISTINCT indicator_raw FROM cases WHERE indicator_raw IS NOT NULL").df()
    connection.register("ind_df", spelling_table(spellings["indicator_raw"], table))
    connection.execute("CREATE TABLE ind AS SELECT * FROM ind_df")
    given = dt.datetime.combine(as_of, dt.time(23, 59, 59)) if as_of else None
    is_open = f"closed IS NULL OR closed > TIMESTAMP '{given.isoformat(sep=' ')}'" if given else "closed IS NULL"
    today = milan_today()
    create_views(connection, "", is_open, today)

    # Pass 1: the histogram; rejected rows ride along as lists of row numbers.
    histogram = connection.execute(
        f"SELECT {', '.join(HISTOGRAM_KEYS)}, bad, count(*) AS n, max(opened) AS last_opened, "
        "max(closed) AS last_closed, list(row) FILTER (WHERE bad) AS bad_rows FROM keyed GROUP BY ALL"
    ).df()
    bad = histogram["bad"].astype(bool)
    problem_rows = histogram.loc[bad, ["file_id", "bad_rows"]].explode("bad_rows").rename(columns={"bad_rows": "row"})
    histogram = histogram.loc[~bad, [*HISTOGRAM_KEYS, "n", "last_opened", "last_closed"]]
    # Pass 2: rows whose (indicator, case id) hash is shared, found by sorting the hashes.
    repeated = connection.execute(
        "SELECT k >> 40 AS file_id, k & 1099511627775 AS row FROM ("
        "SELECT k, h, lag(h) OVER (ORDER BY h) AS before, lead(h) OVER (ORDER BY h) AS after FROM ("
        "SELECT (CAST(c.file_id AS BIGINT) << 40) | c.row AS k, hash(i.indicator_id, c.case_id) AS h "
        "FROM cases c LEFT JOIN ind i ON c.indicator_raw = i.indicator_raw)) WHERE h = before OR h = after"
    ).df()
    picked = pd.concat([problem_rows, repeated], ignore_index=True).astype({"file_id": "int64", "row": "int64"})
    bad_rows = duplicate_rejects = rejects_frame()
    if len(picked):
        # Pass 3, only when needed: every column of the few rows picked above.
        connection.register("picked", picked.drop_duplicates())
        picked_union = " UNION ALL ".join(
            select_sql(case_file, number, rows_from="picked") for number, case_file in enumerate(case_files)
        )
        connection.execute(f"CREATE VIEW picked_cases AS {picked_union}")
        create_views(connection, "picked_", is_open, today)
        rows = connection.execute("SELECT * FROM picked_keyed").df()
        rows["source"] = rows["file_id"].map(sources)
        bad_rows = _problem_rows(rows[rows["bad"].astype(bool)])
        duplicate_rejects, taken_back = duplicates(rows[~rows["bad"].astype(bool)])
        histogram = take_back(histogram, taken_back)
    latest = pd.concat([histogram["last_opened"], histogram["last_closed"]]).max() if len(histogram) else None
    as_of_instant = given or (None if is_missing(latest) else pd.Timestamp(latest).to_pydatetime())
    histogram = histogram.assign(source=histogram["file_id"].map(sources))
    derived = aggregate(mark_late(histogram, table, as_of_instant), table)
    rejects = pd.concat([bad_rows, duplicate_rejects, structural], ignore_index=True)
    return derived, _sorted_rejects(rejects), as_of_instant


def _problem_rows(rows: pd.DataFrame) -> pd.DataFrame:
    reasons = [
        PROBLEMS[int(code)].format(indicator=indicator)
        for code, indicator in zip(rows["problem"], rows["indicator_raw"], strict=True)
    ]
    return rejects_of(rows["source"], rows["row"], reasons, rows["raw"])


def _sorted_rejects(rejects: pd.DataFrame) -> pd.DataFrame:
    rejects = rejects.astype({"row": "int64"}) if len(rejects) else rejects_frame()
    return rejects.sort_values(["source", "row"], kind="stable").reset_index(drop=True)[REJECT_COLUMNS]


def event_files(paths) -> list[Path]:
    return list_inputs(paths.events_dir, SUFFIXES)


def derive_files(
    paths, files: list[Path], indicators: pd.DataFrame, freq: str | None = None, as_of: dt.date | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, dt.datetime | None]:
    """Open the given case files and derive (see :func:`derive`)."""
    with tempfile.TemporaryDirectory(prefix="kpi-events-") as scratch:
        scratch_path = Path(scratch)
        (scratch_path / "spill").mkdir()
        (scratch_path / "csv").mkdir()
        case_files = [open_case_file(path, paths.relative(path), scratch_path / "csv") for path in files]
        return derive(case_files, indicators, scratch_path, freq, as_of)


def derive_from_folder(paths, indicators: pd.DataFrame) -> pd.DataFrame:
    """Derived measurements for every case file of the root, with defaults (used by ``kpi ingest``)."""
    derived, _, _ = derive_files(paths, event_files(paths), indicators)
    return derived


def run_events(
    paths, files: list[Path] | None = None, freq: str | None = None, as_of: str | None = None, out: Path | None = None
) -> pd.DataFrame:
    """``kpi events``: derive, write the derived measurements and ``event_rejects.csv``."""
    as_of_date = None
    if as_of:
        try:
            as_of_date = dt.date.fromisoformat(as_of)
        except ValueError:
            raise KpiError(f"--as-of must be a date as YYYY-MM-DD, not '{as_of}'") from None
        if not FIRST_YEAR <= as_of_date.year <= LAST_YEAR:
            raise KpiError(f"--as-of {as_of} is outside the years handled ({FIRST_YEAR}-{LAST_YEAR})")
    indicators = read_indicators(paths.indicators)
    files = [Path(f) for f in files] if files else event_files(paths)
    derived, rejects, used = derive_files(paths, files, indicators, freq, as_of_date)
    out = Path(out) if out else paths.event_measurements
    write_csvs({out: derived, paths.event_rejects: rejects}, paths.processed)
    when = f"as of {used:%Y-%m-%d}" if used else "no usable case"
    print(
        f"events: {len(files)} file(s), {int(derived['cases'].sum()) if len(derived) else 0} case(s) used, "
        f"{len(rejects)} rejected, {len(derived)} measurement(s) ({when}) -> {paths.relative(out)}"
    )
    return derived
