"""The SQL side of ``kpi events``: DuckDB connection, lookup tables and the views over the cases.

``checked`` gives every case row a ``problem`` code (or NULL); ``keyed`` gives each usable
row the keys of the histogram (``HISTOGRAM_KEYS``) from which :mod:`.stats` derives the
measurements. The histogram over every case skips the case-id check (its column is then
never decoded): the case ids are read once, by the duplicate pass, which also picks the rows
whose id is blank, and those are taken back like rejected duplicates.

Nothing here loads pandas or NumPy: lookup tables travel as lists (``unnest``).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb

from ..core.clock import holiday_dates
from ..core.periods import FIRST_YEAR, LAST_YEAR
from ..core.settings import duckdb_memory


def connect(scratch: Path):
    connection = duckdb.connect(str(scratch / "work.duckdb"))  # tables too large for memory go to disk
    threads = os.cpu_count() or 1
    memory = duckdb_memory()
    connection.execute(
        f"SET threads = {threads}; SET memory_limit = '{memory}'; SET preserve_insertion_order = false; "
        f"SET temp_directory = '{scratch / 'spill'}'; SET TimeZone = 'Europe/Rome'"
    )
    return connection


SPELLING_COLUMNS = ("indicator_raw", "indicator_id", "known", "kind", "unit", "deadline", "months")


def create_spelling_table(connection, spellings: list[str], table: list[dict]) -> None:
    """``ind``: one row per indicator id as written in the files, with its normalized id and how it is computed.

    Ids are normalized once per distinct spelling (stripped, lower case), not once per case.
    """
    known = {row["indicator_id"]: row for row in table}
    columns: dict[str, list] = {name: [] for name in SPELLING_COLUMNS}
    for spelling in spellings:
        normalized = str(spelling).strip().lower()
        spec = known.get(normalized, {})
        columns["indicator_raw"].append(str(spelling))
        columns["indicator_id"].append(normalized)
        columns["known"].append(bool(spec))
        columns["kind"].append(spec.get("kind", ""))
        columns["unit"].append(spec.get("unit", ""))
        columns["deadline"].append(spec.get("deadline"))
        columns["months"].append(spec.get("months", 1))
    connection.execute(
        "CREATE TABLE ind AS SELECT unnest(?::VARCHAR[]) AS indicator_raw, unnest(?::VARCHAR[]) AS indicator_id, "
        "unnest(?::BOOLEAN[]) AS known, unnest(?::VARCHAR[]) AS kind, unnest(?::VARCHAR[]) AS unit, "
        "unnest(?::DOUBLE[]) AS deadline, unnest(?::INTEGER[]) AS months",
        [columns[name] for name in SPELLING_COLUMNS],
    )


def create_spec_table(connection, table: list[dict]) -> None:
    """``spec``: one row per catalog indicator, how it is computed (kind, unit, deadline, percentile, months,
    and the target a duration is held against, for the open cases already past it)."""
    names = ("indicator_id", "kind", "unit", "deadline", "percentile", "months", "target")
    connection.execute(
        "CREATE TABLE spec AS SELECT unnest(?::VARCHAR[]) AS indicator_id, unnest(?::VARCHAR[]) AS kind, "
        "unnest(?::VARCHAR[]) AS unit, unnest(?::DOUBLE[]) AS deadline, unnest(?::DOUBLE[]) AS percentile, "
        "unnest(?::INTEGER[]) AS months, unnest(?::DOUBLE[]) AS target",
        [[row[name] for row in table] for name in names],
    )


def create_calendar(connection, first_year: int, last_year: int) -> None:
    """``cal``: each day ``d`` of the years given and ``wd``, the working days from the first day up to it.

    Working days are Monday to Friday less Milan's holidays (:func:`~kpilib.core.clock.holiday_dates`),
    the same rule as ``working_days_between`` of ``tests/reference_events.py``; only differences of ``wd``
    are used, so the calendar may start at any year.
    """
    first_year, last_year = max(first_year, FIRST_YEAR), min(max(last_year, first_year), LAST_YEAR)
    connection.execute(
        "CREATE TABLE hol AS SELECT unnest(?::DATE[]) AS d", [holiday_dates(first_year, last_year) or [None]]
    )
    connection.execute(
        "CREATE TABLE cal AS SELECT CAST(d AS DATE) AS d, "
        "CAST(sum(CASE WHEN isodow(d) < 6 AND d NOT IN (SELECT d FROM hol WHERE d IS NOT NULL) THEN 1 ELSE 0 END) "
        "OVER (ORDER BY d) AS INTEGER) AS wd "
        f"FROM generate_series(DATE '{first_year}-01-01', DATE '{last_year}-12-31', INTERVAL 1 DAY) t(d)"
    )


def date_range(connection, typed_columns: list[tuple[str, str]] | None = None) -> tuple[int, int] | None:
    """The years of the cases' dates, within the calendar handled (``None`` without any date).

    ``typed_columns``: (Parquet file, column) pairs holding every date as a typed value: their
    years are read from the files' statistics, without a scan (one year of margin each side,
    for time zones); ``None``: scan the cases.
    """
    clamp = lambda year: min(max(year, FIRST_YEAR), LAST_YEAR)  # noqa: E731
    if typed_columns:
        years = _statistics_years(connection, typed_columns)
        if years:
            return clamp(min(years) - 1), clamp(max(years) + 1)
    found = [d for d in connection.execute("SELECT min(opened), max(opened), max(closed) FROM cases").fetchone() if d]
    if not found:
        return None
    return clamp(min(found).year), clamp(max(found).year)


def _statistics_years(connection, typed_columns: list[tuple[str, str]]) -> list[int]:
    """Years of the smallest and largest values of the columns, from the row groups' statistics ([]: some missing)."""
    years = []
    for path, column in typed_columns:
        try:
            rows = connection.execute(
                "SELECT stats_min, stats_max, num_values FROM parquet_metadata(?) WHERE path_in_schema = ?",
                [path, column],
            ).fetchall()
        except duckdb.Error:  # statistics DuckDB cannot read: the scan will tell
            return []
        for low, high, values in rows:
            if not values:
                continue
            if not low or not high or not str(low)[:4].isdigit() or not str(high)[:4].isdigit():
                return []
            years += [int(str(low)[:4]), int(str(high)[:4])]
    return years


# Blank: empty or only spaces, tabs and line breaks (all below '!', which the cheap test of
# pass 2 relies on).
_CASE_ID_BLANK = (
    "c.case_id IS NULL OR trim(c.case_id, chr(32) || chr(9) || chr(10) || chr(13) || chr(11) || chr(12)) = ''"
)


def _problem_case(future: str, case_id_check: bool) -> str:
    """The ``problem`` code of a row: the first rule it breaks, in this order (NULL: none)."""
    rules = [
        (1, "c.indicator_raw IS NULL OR i.indicator_id = ''"),
        (2, "NOT i.known"),
        (3, "i.kind = ''"),
        (4, _CASE_ID_BLANK),
        (5, "c.opened_bad"),
        (6, "c.opened IS NULL"),
        (7, "c.closed_bad"),
        (
            8,
            f"c.opened < TIMESTAMP '{FIRST_YEAR}-01-01' OR c.opened >= TIMESTAMP '{LAST_YEAR + 1}-01-01' "
            f"OR c.closed < TIMESTAMP '{FIRST_YEAR}-01-01' OR c.closed >= TIMESTAMP '{LAST_YEAR + 1}-01-01'",
        ),
        (10, f"c.opened > TIMESTAMP '{future}' OR c.closed > TIMESTAMP '{future}'"),
        (9, "(c.opened_date_only OR c.closed_date_only) AND CAST(c.closed AS DATE) < CAST(c.opened AS DATE)"),
        (
            9,
            "NOT (c.opened_date_only OR c.closed_date_only) AND CASE WHEN c.opened_at IS NOT NULL AND "
            "c.closed_at IS NOT NULL THEN c.closed_at < c.opened_at ELSE c.closed < c.opened END",
        ),
    ]
    whens = "\n    ".join(f"WHEN {condition} THEN {code}" for code, condition in rules if code != 4 or case_id_check)
    return f"CASE\n    {whens}\n  END"


# The problem numbers the SQL gives a row, and their reject codes (kpilib.core.codes).
PROBLEMS = {
    1: "missing_indicator",
    2: "unknown_indicator",
    3: "not_computed_from_cases",
    4: "missing_case_id",
    5: "unreadable_opened",
    6: "missing_opened",
    7: "unreadable_closed",
    8: "date_out_of_range",
    9: "closed_before_opened",
    10: "future_date",
}

KEYED_SQL = """
CREATE VIEW {name} AS
WITH v AS NOT MATERIALIZED (
  SELECT {carried}c.file_id, c.row, c.opened, c.closed, c.opened_at, c.closed_at, c.opened_date_only, c.closed_date_only,
    i.indicator_id, i.kind, i.unit, i.deadline,
    {lean} AS lean_problem,
    year(c.opened) * 12 + (month(c.opened) - 1) // i.months * i.months AS pkey,
    CASE WHEN i.months > 1 THEN year(c.opened) * 12 + month(c.opened) - 1 END AS mkey,
    {is_open} AS is_open
  FROM {base} c LEFT JOIN ind i ON c.indicator_raw = i.indicator_raw
), e AS NOT MATERIALIZED (
  SELECT v.*, {problem} AS problem, lean_problem IS NOT NULL AS uncounted,
    CASE WHEN lean_problem IS NULL AND NOT is_open THEN
      CASE v.unit
        WHEN 'days' THEN CAST(date_diff('day', CAST(opened AS DATE), CAST(closed AS DATE)) AS DOUBLE)
        WHEN 'working_days' THEN CAST(ce.wd - co.wd AS DOUBLE)
        WHEN 'hours' THEN CASE WHEN opened_date_only OR closed_date_only
          THEN 24.0 * date_diff('day', CAST(opened AS DATE), CAST(closed AS DATE))
          ELSE (coalesce(epoch(closed_at), epoch(timezone('Europe/Rome', closed)))
                - coalesce(epoch(opened_at), epoch(timezone('Europe/Rome', opened)))) / 3600.0 END
      END
    END AS elapsed
  FROM v
  LEFT JOIN cal co ON co.d = CASE WHEN v.unit = 'working_days' AND v.lean_problem IS NULL AND NOT v.is_open THEN CAST(v.opened AS DATE) END
  LEFT JOIN cal ce ON ce.d = CASE WHEN v.unit = 'working_days' AND v.lean_problem IS NULL AND NOT v.is_open THEN CAST(v.closed AS DATE) END
)
SELECT {carried_out}file_id, row, opened, closed, problem IS NOT NULL AS bad, problem, NOT uncounted AS counted, indicator_id,
  CASE WHEN NOT uncounted THEN pkey END AS pkey,
  CASE WHEN NOT uncounted THEN mkey END AS mkey,
  CASE WHEN NOT uncounted THEN is_open END AS is_open,
  CASE WHEN NOT uncounted AND kind = 'share' AND NOT is_open THEN elapsed <= deadline END AS within,
  CASE WHEN NOT uncounted AND kind IN ('max', 'mean', 'percentile') THEN elapsed END AS elapsed,
  CASE WHEN NOT uncounted AND kind IN ('share', 'max', 'mean', 'percentile') AND is_open THEN
    CASE WHEN unit = 'hours' THEN opened ELSE date_trunc('day', opened) END
  END AS open_since
FROM e
"""
# mkey: the month, for indicators judged over longer periods (their monthly chart); NULL otherwise
HISTOGRAM_KEYS = ["file_id", "indicator_id", "pkey", "mkey", "is_open", "within", "elapsed", "open_since"]


def create_keyed_view(connection, name: str, base: str, is_open: str, today: dt.date, picked: bool = False) -> None:
    """``name``: the rows of ``base`` with their problem and histogram keys; dates after ``today`` are in the future.

    Keys are those of the histogram over every case, which checks everything but the case id
    (``counted``: the histogram counted the row). The view over the picked rows (``picked``)
    checks the case id too, in ``problem``, and carries the row's text, case id and spelling.
    """
    future = f"{today.isoformat()} 23:59:59.999999"
    lean = _problem_case(future, case_id_check=False)
    full = _problem_case(future, case_id_check=True)
    carried = f"c.raw, c.case_id, c.indicator_raw, ({full}) AS full_problem, " if picked else ""
    connection.execute(
        KEYED_SQL.format(
            name=name,
            base=base,
            is_open=is_open,
            lean=lean,
            problem="full_problem" if picked else "lean_problem",
            carried=carried,
            carried_out="raw, case_id, indicator_raw, " if picked else "",
        )
    )


# Pass 2: the rows whose (indicator, case id) hash is shared, and those whose case id may be
# blank. The blank test only looks at the first character (a cheap prefix comparison) and
# may bring in a few rows too many, judged in SQL on their real ids, as are the rare hash
# collisions (64 bits: a few in a billion cases; 32 bits made ~300,000 chance pairs in 50
# million, 7 s more). Counting per hash with a window returns the rows themselves, so no
# third scan is needed to find them.
REPEATED_ROWS_SQL = """
SELECT file_id, row FROM (
  SELECT file_id, row, maybe_blank, count(*) OVER (PARTITION BY h) AS copies FROM (
    SELECT c.file_id, c.row, hash(i.indicator_id, c.case_id) AS h,
      c.case_id IS NULL OR c.case_id < '!' AS maybe_blank
    FROM cases c LEFT JOIN ind i ON c.indicator_raw = i.indicator_raw
  )
) WHERE copies > 1 OR maybe_blank
"""
