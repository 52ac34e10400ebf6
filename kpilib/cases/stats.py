"""The statistics side of ``kpi events``: from the case histogram to derived measurements.

The histogram (one row per group of identical keys, with a count, in DuckDB) is corrected
for the rows rejected one by one (bad rows, repeated case ids: judged in SQL too, since an
export delivered twice makes every row a copy), marked for open cases already late at the
as-of instant, and aggregated per indicator and period. Nothing here loads pandas or NumPy.
"""

from __future__ import annotations

import datetime as dt
import math

from ..core.codes import CODES
from ..core.periods import FIRST_YEAR, LAST_YEAR, Period
from ..core.rejects import REJECT_COLUMNS
from ..core.schemas import DERIVED
from .files import sql_literal
from .sql import HISTOGRAM_KEYS, PROBLEMS

DERIVED_COLUMNS = DERIVED.names
DERIVED_FLOATS = frozenset({"value", "numerator", "denominator"})


def _problem_sql(part: str) -> str:
    """The code (``part="code"``) or the Italian reason of a problem number, in SQL (the spelling of the
    indicator put in)."""
    whens = []
    for number, code in PROBLEMS.items():
        if part == "code":
            whens.append(f"WHEN {number} THEN {sql_literal(code)}")
            continue
        text = CODES[code].text.format(first=FIRST_YEAR, last=LAST_YEAR, indicator="{indicator}")
        whens.append(f"WHEN {number} THEN replace({sql_literal(text)}, '{{indicator}}', coalesce(indicator_raw, ''))")
    return f"CASE problem {' '.join(whens)} END"


# A conflicting copy names at most this many others: 2,000 copies naming each other would be
# 4 million names (as for measurements).
COPIES_NAMED = 3
_KEYS = ", ".join(HISTOGRAM_KEYS)
# The indicator a case row names (the catalog's id, else as written) and the month it was opened in.
_NAMED = (
    "coalesce({t}indicator_id, lower(trim({t}indicator_raw)), '') AS indicator_id, "
    "coalesce(strftime({t}opened, '%Y-%m'), '') AS period"
)

JUDGED_SQL = f"""
CREATE TABLE rejected AS
WITH j AS (
  SELECT p.*, s.source, s.source || ' riga ' || CAST(p.row AS VARCHAR) AS place
  FROM judged p JOIN src s ON p.file_id = s.file_id
), w AS (
  SELECT *,
    count(*) OVER g AS copies,
    min(opened) OVER g = max(opened) OVER g
      AND (count(closed) OVER g = 0 OR (count(closed) OVER g = count(*) OVER g AND min(closed) OVER g = max(closed) OVER g))
      AS identical,
    first_value(place) OVER (g ORDER BY source, row) AS first_place
  FROM j WHERE problem IS NULL
  WINDOW g AS (PARTITION BY indicator_id, case_id)
), conflicting AS (
  SELECT indicator_id, case_id, list(place ORDER BY source, row) AS places
  FROM w WHERE copies > 1 AND NOT identical GROUP BY ALL
)
SELECT source, row, {{problem_code}} AS code, {{problem_reason}} AS reason, {_NAMED.format(t="")}, raw, counted,
  {_KEYS} FROM j WHERE problem IS NOT NULL
UNION ALL
SELECT source, row, 'duplicate_case', 'caso ' || case_id || ' duplicato: copia identica di ' || first_place
  || ' (contato una volta)', {_NAMED.format(t="")}, raw, counted, {_KEYS}
FROM w WHERE copies > 1 AND identical AND place <> first_place
UNION ALL
SELECT w.source, w.row, 'conflicting_case', 'caso ' || w.case_id || ' presente più volte con dati diversi ('
    || array_to_string(list_filter(c.places, lambda place: place <> w.place)[1:{COPIES_NAMED}], ', ')
    || CASE WHEN w.copies - 1 > {COPIES_NAMED} THEN ' e altre ' || (w.copies - 1 - {COPIES_NAMED}) || ' righe' ELSE '' END
    || '): da chiarire', {_NAMED.format(t="w.")},
  w.raw, w.counted, {", ".join("w." + key for key in HISTOGRAM_KEYS)}
FROM w JOIN conflicting c ON w.indicator_id = c.indicator_id AND w.case_id = c.case_id
"""


def judge_picked(connection, sources: list[str], structural: list[dict]) -> None:
    """``rejected``: the picked rows (table ``judged``) with a problem, and the repeated case ids —
    an exact copy after the first, every copy of a case with different data; ``hist_kept``: the
    histogram less what rejected rows had added to it; ``every_reject``: those and ``structural``.

    Everything stays in DuckDB: an export delivered twice makes every row a copy.
    """
    connection.execute(
        "CREATE TABLE src AS SELECT unnest(?::INTEGER[]) AS file_id, unnest(?::VARCHAR[]) AS source",
        [list(range(len(sources))), sources],
    )
    connection.execute(
        JUDGED_SQL.replace("{problem_code}", _problem_sql("code")).replace("{problem_reason}", _problem_sql("reason"))
    )
    same = " AND ".join(f"h.{key} IS NOT DISTINCT FROM r.{key}" for key in HISTOGRAM_KEYS)
    connection.execute(
        f"CREATE TABLE hist_kept AS WITH removed AS (SELECT {_KEYS}, count(*) AS cnt FROM rejected WHERE counted "
        f"GROUP BY ALL) SELECT {', '.join('h.' + k for k in HISTOGRAM_KEYS)}, h.n - coalesce(r.cnt, 0) AS n, "
        f"h.last_opened, h.last_closed FROM hist h LEFT JOIN removed r ON {same} "
        "WHERE NOT h.bad AND h.n - coalesce(r.cnt, 0) > 0"
    )
    types = ("VARCHAR", "BIGINT", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR")
    connection.execute(
        f"CREATE TABLE every_reject AS SELECT {', '.join(REJECT_COLUMNS)} FROM rejected UNION ALL SELECT "
        + ", ".join(f"unnest(?::{kind}[])" for kind in types),
        [[record[name] for record in structural] for name in REJECT_COLUMNS],
    )


def reject_rows(connection, batch: int = 100_000):
    """Every reject as a tuple of :data:`REJECT_COLUMNS`, in file order, a batch at a time."""
    cursor = connection.execute(f"SELECT {', '.join(REJECT_COLUMNS)} FROM every_reject ORDER BY source, row")
    while chunk := cursor.fetchmany(batch):
        yield from chunk


def latest_instant(connection) -> dt.datetime | None:
    """The latest opening or closing among the cases used: the default as-of instant."""
    return connection.execute(
        "SELECT max(x) FROM (SELECT last_opened AS x FROM hist_kept UNION ALL SELECT last_closed FROM hist_kept)"
    ).fetchone()[0]


# Open cases count with their age at the as-of instant: for a duration, a lower bound of the time they
# will take. ``ranked``/``longest`` are then never more optimistic than the data proves; ``ranked_upper``
# is the percentile if every open case stayed open for ever (NULL: unbounded), and ``estimate`` the
# Kaplan-Meier percentile with the open cases censored at their age.
AGGREGATE_SQL = """
WITH aged AS (
  SELECT h.* EXCLUDE (pkey), h.{key} AS pkey, s.kind, s.deadline, s.target,
    CASE WHEN h.open_since IS NOT NULL THEN
      CASE s.unit
        WHEN 'hours' THEN (epoch(timezone('Europe/Rome', TIMESTAMP '{as_of}'))
                           - epoch(timezone('Europe/Rome', h.open_since))) / 3600.0
        WHEN 'working_days' THEN CAST(ce.wd - co.wd AS DOUBLE)
        ELSE CAST(date_diff('day', CAST(h.open_since AS DATE), DATE '{as_of_date}') AS DOUBLE)
      END
    END AS age
  FROM hist_kept h JOIN spec s ON h.indicator_id = s.indicator_id
  LEFT JOIN cal co ON co.d = CASE WHEN s.unit = 'working_days' AND h.open_since IS NOT NULL THEN CAST(h.open_since AS DATE) END
  LEFT JOIN cal ce ON ce.d = CASE WHEN s.unit = 'working_days' AND h.open_since IS NOT NULL THEN DATE '{as_of_date}' END
  WHERE h.{key} IS NOT NULL
), marked AS MATERIALIZED (
  SELECT *, coalesce(kind = 'share' AND age > deadline, false) AS late,
    coalesce(age > coalesce(deadline, target), false) AS past_due
  FROM aged
), counted AS (
  SELECT indicator_id, pkey,
    sum(n) AS cases,
    sum(CASE WHEN is_open THEN n ELSE 0 END) AS open_cases,
    sum(CASE WHEN NOT is_open THEN n ELSE 0 END) AS closed,
    sum(CASE WHEN within THEN n ELSE 0 END) AS within_n,
    sum(CASE WHEN late THEN n ELSE 0 END) AS late_n,
    max(CASE WHEN NOT is_open THEN elapsed END) AS longest,
    sum(CASE WHEN NOT is_open THEN elapsed * n END) AS elapsed_sum,
    max(age) AS oldest,
    sum(CASE WHEN is_open THEN age * n END) AS age_sum,
    sum(CASE WHEN is_open AND past_due THEN n ELSE 0 END) AS past_due_n,
    list(DISTINCT file_id) AS files
  FROM marked GROUP BY indicator_id, pkey
), distribution AS MATERIALIZED (
  SELECT indicator_id, pkey, coalesce(elapsed, age) AS t, is_open, sum(n) AS n
  FROM marked WHERE kind = 'percentile' AND coalesce(elapsed, age) IS NOT NULL GROUP BY ALL
), cumulative AS (
  SELECT d.*, s.percentile,
    sum(n) OVER w AS cum,
    sum(CASE WHEN NOT is_open THEN n ELSE 0 END) OVER w AS cum_closed,
    sum(n) OVER (PARTITION BY d.indicator_id, pkey) AS total
  FROM distribution d JOIN spec s ON d.indicator_id = s.indicator_id
  WINDOW w AS (PARTITION BY d.indicator_id, pkey ORDER BY t)
), ranked AS (
  SELECT indicator_id, pkey,
    min(CASE WHEN cum >= greatest(1, ceil(percentile * total / 100 - 1e-9)) THEN t END) AS ranked,
    min(CASE WHEN NOT is_open AND cum_closed >= greatest(1, ceil(percentile * total / 100 - 1e-9)) THEN t END)
      AS ranked_upper
  FROM cumulative GROUP BY ALL
), at_times AS (
  SELECT indicator_id, pkey, t, sum(CASE WHEN NOT is_open THEN n ELSE 0 END) AS d, sum(n) AS here
  FROM distribution GROUP BY ALL
), at_risk AS (
  SELECT *, sum(here) OVER (PARTITION BY indicator_id, pkey ORDER BY t DESC) AS risk FROM at_times
), survival AS (
  SELECT a.*, s.percentile,
    CASE WHEN bool_or(d > 0 AND d = risk) OVER w THEN 0.0
         ELSE exp(sum(CASE WHEN d > 0 AND d < risk THEN ln(1 - d / risk) ELSE 0 END) OVER w) END AS surv
  FROM at_risk a JOIN spec s ON a.indicator_id = s.indicator_id
  WINDOW w AS (PARTITION BY a.indicator_id, pkey ORDER BY t ROWS UNBOUNDED PRECEDING)
), km AS (
  SELECT indicator_id, pkey, min(CASE WHEN 1 - surv >= percentile / 100 - 1e-9 THEN t END) AS estimate
  FROM survival GROUP BY ALL
)
SELECT c.indicator_id, c.pkey, c.cases, c.open_cases, c.closed, c.within_n, c.late_n, c.longest, r.ranked, c.files,
  c.elapsed_sum, c.oldest, c.age_sum, c.past_due_n, r.ranked_upper, k.estimate
FROM counted c LEFT JOIN ranked r ON c.indicator_id = r.indicator_id AND c.pkey = r.pkey
LEFT JOIN km k ON c.indicator_id = k.indicator_id AND c.pkey = k.pkey
"""

BOUND_COLUMNS = ("indicator_id", "period", "lower", "upper", "estimate", "open_cases", "oldest_open", "open_past_due")


def aggregate(connection, table: dict[str, dict], as_of: dt.datetime | None, sources: list[str]) -> list[tuple]:
    """One derived measurement per indicator and period (rows in the order of :data:`DERIVED_COLUMNS`)."""
    return aggregate_with_bounds(connection, table, as_of, sources)[0]


def aggregate_with_bounds(
    connection, table: dict[str, dict], as_of: dt.datetime | None, sources: list[str]
) -> tuple[list[tuple], list[tuple]]:
    """The derived measurements, and per indicator and period with open cases or a duration, its bounds
    (rows in the order of :data:`BOUND_COLUMNS`): the value (a lower bound where cases are open), the value
    if every open case stayed open for ever (``inf``: unbounded), the Kaplan-Meier estimate of a
    percentile, and the open backlog (cases, the oldest one's age, how many already past the deadline)."""
    if as_of is None:
        return [], []
    query = AGGREGATE_SQL.format(as_of=as_of.isoformat(sep=" "), as_of_date=as_of.date().isoformat(), key="pkey")
    return _measurements(connection.execute(query).fetchall(), table, sources)


def _measurements(rows: list[tuple], table: dict[str, dict], sources: list[str]) -> tuple[list[tuple], list[tuple]]:
    found, bounds = [], []
    for row in rows:
        (indicator_id, pkey, cases, open_cases, closed, within_n, late_n, longest, ranked, files, elapsed_sum,
         oldest, age_sum, past_due, ranked_upper, estimate) = row  # fmt: skip
        spec = table[indicator_id]
        kind = spec["kind"]
        numerator = denominator = math.nan
        value = upper = km = math.nan
        if kind == "share":
            numerator, denominator = float(within_n), float(closed + late_n)
            value = 100 * numerator / denominator if denominator else math.nan
        elif kind == "max":
            known = [v for v in (longest, oldest) if v is not None]
            value = float(max(known)) if known else math.nan
            upper = math.inf if open_cases else value
        elif kind == "percentile":
            value = math.nan if ranked is None else float(ranked)
            upper = float(ranked_upper) if ranked_upper is not None else (math.inf if open_cases else value)
            km = math.nan if estimate is None else float(estimate)
        elif kind == "mean":
            total = (elapsed_sum or 0.0) + (age_sum or 0.0)
            value = total / cases if cases and (closed or open_cases) else math.nan
            upper = math.inf if open_cases else value
        elif kind == "count":
            value = float(cases)
        months = spec["months"]
        period = str(Period(int(pkey) // 12, spec["freq"], (int(pkey) % 12) // months + 1))
        source = "; ".join(sorted({sources[file_id] for file_id in files}))
        found.append((indicator_id, period, value, numerator, denominator, int(cases), int(open_cases), source))
        if kind in ("max", "mean", "percentile") or open_cases:
            oldest_open = math.nan if oldest is None else float(oldest)
            bounds.append((indicator_id, period, value, upper, km, int(open_cases), oldest_open, int(past_due)))
    return sorted(found, key=lambda row: (row[0], row[1])), sorted(bounds, key=lambda row: (row[0], row[1]))


def monthly_rows(connection, table: dict[str, dict], as_of: dt.datetime | None, sources: list[str]) -> list[tuple]:
    """For indicators judged over periods longer than a month, the same measurements month by month (rows of
    :data:`DERIVED_COLUMNS`): their chart, whatever their basis, reaches 12 points in a year."""
    coarse = {key: {**spec, "months": 1, "freq": "month"} for key, spec in table.items() if spec["months"] > 1}
    if as_of is None or not coarse:
        return []
    query = AGGREGATE_SQL.format(as_of=as_of.isoformat(sep=" "), as_of_date=as_of.date().isoformat(), key="mkey")
    return _measurements(connection.execute(query).fetchall(), coarse, sources)[0]


def nearest_rank(values, counts, percentile: float) -> float:
    """The smallest value within which at least ``percentile``% of the cases fall.

    ``values`` with their ``counts`` (a histogram); nearest-rank definition: the value at
    rank ceil(P/100 × n) of the sorted cases.

    >>> nearest_rank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1] * 10, 90)
    9.0
    >>> nearest_rank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [1] * 11, 90)
    10.0
    """
    pairs = sorted(zip((float(v) for v in values), (int(c) for c in counts), strict=True), key=lambda p: p[0])
    total = sum(count for _, count in pairs)
    rank = max(1, math.ceil(percentile * total / 100 - 1e-9))
    cumulative = 0
    for value, count in pairs:
        cumulative += count
        if cumulative >= rank:
            return value
    raise ValueError("no cases")
