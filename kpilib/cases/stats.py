"""The statistics side of ``kpi events``: from the case histogram to derived measurements.

The histogram (one row per group of identical keys, with a count, in DuckDB) is corrected
for the rows rejected one by one, marked for open cases already late at the as-of instant,
and aggregated per indicator and period in SQL; the rows looked at one by one (rejects,
duplicates) are handled here in plain Python. Nothing here loads pandas or NumPy.
"""

from __future__ import annotations

import datetime as dt
import math

from ..core.periods import Period
from ..core.rejects import reject
from .sql import HISTOGRAM_KEYS, PROBLEMS

DERIVED_COLUMNS = ["indicator_id", "period", "value", "numerator", "denominator", "cases", "open_cases", "source"]
DERIVED_FLOATS = frozenset({"value", "numerator", "denominator"})


def problem_rejects(rows: list[dict]) -> list[dict]:
    """A reject per row with a problem code, the reason in Italian."""
    return [
        reject(
            row["source"], row["row"], PROBLEMS[int(row["problem"])].format(indicator=row["indicator_raw"]), row["raw"]
        )
        for row in rows
    ]


def duplicates(candidates: list[dict]) -> tuple[list[dict], list[dict]]:
    """Rejects for repeated case ids, and the rows rejected as copies.

    Exact copies: the first (in file order) is kept, the others are listed. The same case
    with different data: every copy is rejected, naming the others. ``candidates`` are
    usable rows (``source``, ``row``, ``indicator_id``, ``case_id``, ``opened``, ``closed``,
    ``raw``); rows whose id is not repeated among them are left alone.
    """
    ordered = sorted(candidates, key=lambda row: (row["source"], row["row"]))
    groups: dict[tuple, list[dict]] = {}
    for row in ordered:
        groups.setdefault((row["indicator_id"], row["case_id"]), []).append(row)
    rejects, out = [], []
    for row in ordered:
        copies = groups[(row["indicator_id"], row["case_id"])]
        if len(copies) < 2:
            continue
        places = [f"{copy['source']} riga {copy['row']}" for copy in copies]
        where = f"{row['source']} riga {row['row']}"
        if len({(str(copy["opened"]), str(copy["closed"])) for copy in copies}) == 1:
            if row is copies[0]:
                continue
            reason = f"caso {row['case_id']} duplicato: copia identica di {places[0]} (contato una volta)"
        else:
            others = ", ".join(place for place in places if place != where)
            reason = f"caso {row['case_id']} presente più volte con dati diversi ({others}): da chiarire"
        rejects.append(reject(row["source"], row["row"], reason, row["raw"]))
        out.append(row)
    return rejects, out


def create_taken_back(connection, rows: list[dict]) -> None:
    """``hist_kept``: the usable part of ``hist`` less the contribution of ``rows`` (counted, then rejected)."""
    removed: dict[tuple, int] = {}
    for row in rows:
        key = tuple(row[name] for name in HISTOGRAM_KEYS)
        removed[key] = removed.get(key, 0) + 1
    columns = list(zip(*removed.keys(), strict=True)) if removed else [[] for _ in HISTOGRAM_KEYS]
    connection.execute(
        "CREATE TABLE removed AS SELECT unnest(?::INTEGER[]) AS file_id, unnest(?::VARCHAR[]) AS indicator_id, "
        "unnest(?::BIGINT[]) AS pkey, unnest(?::BOOLEAN[]) AS is_open, unnest(?::BOOLEAN[]) AS within, "
        "unnest(?::DOUBLE[]) AS elapsed, unnest(?::TIMESTAMP[]) AS open_since, unnest(?::BIGINT[]) AS cnt",
        [list(column) for column in columns] + [list(removed.values())],
    )
    same = " AND ".join(f"h.{key} IS NOT DISTINCT FROM r.{key}" for key in HISTOGRAM_KEYS)
    connection.execute(
        f"CREATE TABLE hist_kept AS SELECT {', '.join('h.' + k for k in HISTOGRAM_KEYS)}, "
        "h.n - coalesce(r.cnt, 0) AS n, h.last_opened, h.last_closed "
        f"FROM hist h LEFT JOIN removed r ON {same} WHERE NOT h.bad AND h.n - coalesce(r.cnt, 0) > 0"
    )


def latest_instant(connection) -> dt.datetime | None:
    """The latest opening or closing among the cases used: the default as-of instant."""
    return connection.execute(
        "SELECT max(x) FROM (SELECT last_opened AS x FROM hist_kept UNION ALL SELECT last_closed FROM hist_kept)"
    ).fetchone()[0]


AGGREGATE_SQL = """
WITH marked AS (
  SELECT h.*, coalesce(
    CASE WHEN h.open_since IS NOT NULL THEN
      (CASE s.unit
         WHEN 'hours' THEN epoch(TIMESTAMP '{as_of}' - h.open_since) / 3600.0
         WHEN 'working_days' THEN CAST(ce.wd - co.wd AS DOUBLE)
         ELSE CAST(date_diff('day', CAST(h.open_since AS DATE), DATE '{as_of_date}') AS DOUBLE)
       END) > s.deadline
    END, false) AS late
  FROM hist_kept h JOIN spec s ON h.indicator_id = s.indicator_id
  LEFT JOIN cal co ON co.d = CASE WHEN s.unit = 'working_days' AND h.open_since IS NOT NULL THEN CAST(h.open_since AS DATE) END
  LEFT JOIN cal ce ON ce.d = CASE WHEN s.unit = 'working_days' AND h.open_since IS NOT NULL THEN DATE '{as_of_date}' END
), counted AS (
  SELECT indicator_id, pkey,
    sum(n) AS cases,
    sum(CASE WHEN is_open THEN n ELSE 0 END) AS open_cases,
    sum(CASE WHEN NOT is_open THEN n ELSE 0 END) AS closed,
    sum(CASE WHEN within THEN n ELSE 0 END) AS within_n,
    sum(CASE WHEN late THEN n ELSE 0 END) AS late_n,
    max(CASE WHEN NOT is_open THEN elapsed END) AS longest,
    list(DISTINCT file_id) AS files
  FROM marked GROUP BY indicator_id, pkey
), distribution AS (
  SELECT m.indicator_id, m.pkey, m.elapsed, sum(m.n) AS n
  FROM marked m JOIN spec s ON m.indicator_id = s.indicator_id
  WHERE s.kind = 'percentile' AND NOT m.is_open AND m.elapsed IS NOT NULL GROUP BY ALL
), cumulative AS (
  SELECT *, sum(n) OVER (PARTITION BY indicator_id, pkey ORDER BY elapsed) AS cum,
    sum(n) OVER (PARTITION BY indicator_id, pkey) AS total
  FROM distribution
), ranked AS (
  SELECT c.indicator_id, c.pkey, min(c.elapsed) AS ranked
  FROM cumulative c JOIN spec s ON c.indicator_id = s.indicator_id
  WHERE c.cum >= greatest(1, ceil(s.percentile * c.total / 100 - 1e-9)) GROUP BY ALL
)
SELECT c.indicator_id, c.pkey, c.cases, c.open_cases, c.closed, c.within_n, c.late_n, c.longest, r.ranked, c.files
FROM counted c LEFT JOIN ranked r ON c.indicator_id = r.indicator_id AND c.pkey = r.pkey
"""


def aggregate(connection, table: dict[str, dict], as_of: dt.datetime | None, sources: list[str]) -> list[tuple]:
    """One derived measurement per indicator and period (rows in the order of :data:`DERIVED_COLUMNS`)."""
    if as_of is None:
        return []
    query = AGGREGATE_SQL.format(as_of=as_of.isoformat(sep=" "), as_of_date=as_of.date().isoformat())
    found = []
    for indicator_id, pkey, cases, open_cases, closed, within_n, late_n, longest, ranked, files in connection.execute(
        query
    ).fetchall():
        spec = table[indicator_id]
        kind = spec["kind"]
        numerator = denominator = math.nan
        value = math.nan
        if kind == "share":
            numerator, denominator = float(within_n), float(closed + late_n)
            value = 100 * numerator / denominator if denominator else math.nan
        elif kind == "max":
            value = math.nan if longest is None else float(longest)
        elif kind == "percentile":
            value = math.nan if ranked is None else float(ranked)
        elif kind == "count":
            value = float(cases)
        months = spec["months"]
        period = str(Period(int(pkey) // 12, spec["freq"], (int(pkey) % 12) // months + 1))
        source = "; ".join(sorted({sources[file_id] for file_id in files}))
        found.append((indicator_id, period, value, numerator, denominator, int(cases), int(open_cases), source))
    return sorted(found, key=lambda row: (row[0], row[1]))


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
