"""The SQL side of ``kpi events``: DuckDB connection, lookup tables and the views over the cases.

``checked`` gives every case row a ``problem`` code (or NULL); ``keyed`` gives each usable
row the keys of the histogram that :mod:`kpilib.case_stats` turns into measurements.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from ..core.workdays import EPOCH, FIRST_YEAR, LAST_YEAR, working_day_index


def spelling_table(spellings: pd.Series, table: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator id as written in the files: its normalized id and how it is computed."""
    normalized = spellings.astype(str).str.strip().str.lower()
    known = table.set_index("indicator_id")
    frame = pd.DataFrame({"indicator_raw": spellings.astype(str), "indicator_id": normalized})
    frame["known"] = normalized.isin(known.index)
    for column in ("kind", "unit", "deadline", "months"):
        frame[column] = normalized.map(known[column])
    frame["kind"] = frame["kind"].fillna("").astype(str)  # str even when empty: SQL compares it with text
    frame["unit"] = frame["unit"].fillna("").astype(str)
    frame["deadline"] = pd.to_numeric(frame["deadline"]).astype(float)
    frame["months"] = frame["months"].fillna(1).astype(int)
    return frame


def calendar_frame() -> pd.DataFrame:
    """The working-day index as a table: day ``d`` and working days ``wd`` from the epoch up to it."""
    index = working_day_index()
    days = np.arange(EPOCH, EPOCH + len(index))
    return pd.DataFrame({"d": days, "wd": index})


def connect(scratch: Path):
    connection = duckdb.connect()
    threads = os.cpu_count() or 1
    memory = os.environ.get("KPI_DUCKDB_MEMORY", "512MB")
    connection.execute(
        f"SET threads = {threads}; SET memory_limit = '{memory}'; SET preserve_insertion_order = false; "
        f"SET temp_directory = '{scratch / 'spill'}'; SET TimeZone = 'Europe/Rome'"
    )
    return connection


CHECKED_SQL = """
CREATE VIEW {name} AS
SELECT c.*, i.indicator_id, i.kind, i.unit, i.deadline, i.months,
  CASE
    WHEN c.indicator_raw IS NULL OR i.indicator_id = '' THEN 1
    WHEN NOT i.known THEN 2
    WHEN i.kind = '' THEN 3
    WHEN c.case_id IS NULL OR c.case_id = '' OR (starts_with(c.case_id, ' ') AND trim(c.case_id) = '') THEN 4
    WHEN c.opened_bad THEN 5
    WHEN c.opened IS NULL THEN 6
    WHEN c.closed_bad THEN 7
    WHEN c.opened < TIMESTAMP '{first}-01-01' OR c.opened >= TIMESTAMP '{last_plus}-01-01'
      OR c.closed < TIMESTAMP '{first}-01-01' OR c.closed >= TIMESTAMP '{last_plus}-01-01' THEN 8
    WHEN c.opened > TIMESTAMP '{future}' OR c.closed > TIMESTAMP '{future}' THEN 10
    WHEN (c.opened_date_only OR c.closed_date_only) AND CAST(c.closed AS DATE) < CAST(c.opened AS DATE) THEN 9
    WHEN NOT (c.opened_date_only OR c.closed_date_only) AND c.closed < c.opened THEN 9
  END AS problem
FROM {base} c LEFT JOIN ind i ON c.indicator_raw = i.indicator_raw
"""
PROBLEMS = {
    1: "indicatore mancante",
    2: "indicatore sconosciuto: '{indicator}' non è nel catalogo",
    3: "l'indicatore {indicator} non si calcola da casi: serve un target in percentuale con una scadenza, "
    "una durata o un numero",
    4: "identificativo del caso mancante",
    5: "data di apertura illeggibile o impossibile (usare AAAA-MM-GG)",
    6: "data di apertura mancante",
    7: "data di chiusura illeggibile o impossibile (usare AAAA-MM-GG)",
    8: f"data fuori dal calendario gestito ({FIRST_YEAR}-{LAST_YEAR})",
    9: "chiusura precedente all'apertura",
    10: "data nel futuro (dopo il giorno dell'esecuzione): correggere la data",
}

KEYED_SQL = """
CREATE VIEW {name} AS
WITH v AS NOT MATERIALIZED (
  SELECT file_id, row, raw, indicator_raw, indicator_id, case_id, opened, closed, opened_date_only,
    closed_date_only, kind, unit, deadline, problem,
    problem IS NOT NULL AS bad,
    year(opened) * 12 + (month(opened) - 1) // months * months AS pkey,
    {is_open} AS is_open
  FROM {base}
), e AS NOT MATERIALIZED (
  SELECT v.*,
    CASE WHEN NOT bad AND NOT is_open THEN
      CASE v.unit
        WHEN 'days' THEN CAST(date_diff('day', CAST(opened AS DATE), CAST(closed AS DATE)) AS DOUBLE)
        WHEN 'working_days' THEN CAST(ce.wd - co.wd AS DOUBLE)
        WHEN 'hours' THEN CASE WHEN opened_date_only OR closed_date_only
          THEN 24.0 * date_diff('day', CAST(opened AS DATE), CAST(closed AS DATE))
          ELSE epoch(closed - opened) / 3600.0 END
      END
    END AS elapsed
  FROM v
  LEFT JOIN cal co ON co.d = CASE WHEN v.unit = 'working_days' AND NOT v.bad AND NOT v.is_open THEN CAST(v.opened AS DATE) END
  LEFT JOIN cal ce ON ce.d = CASE WHEN v.unit = 'working_days' AND NOT v.bad AND NOT v.is_open THEN CAST(v.closed AS DATE) END
)
SELECT file_id, row, raw, indicator_raw, indicator_id, case_id, opened, closed, bad, problem,
  CASE WHEN NOT bad THEN pkey END AS pkey,
  CASE WHEN NOT bad THEN is_open END AS is_open,
  CASE WHEN NOT bad AND kind = 'share' AND NOT is_open THEN elapsed <= deadline END AS within,
  CASE WHEN NOT bad AND kind IN ('max', 'percentile') THEN elapsed END AS elapsed,
  CASE WHEN NOT bad AND kind = 'share' AND is_open THEN
    CASE WHEN unit = 'hours' THEN opened ELSE date_trunc('day', opened) END
  END AS open_since
FROM e
"""
HISTOGRAM_KEYS = ["file_id", "indicator_id", "pkey", "is_open", "within", "elapsed", "open_since"]


def create_views(connection, prefix: str, is_open: str, today: dt.date) -> None:
    """``{prefix}checked`` and ``{prefix}keyed`` over ``{prefix}cases``; dates after ``today`` are in the future."""
    connection.execute(
        CHECKED_SQL.format(
            name=f"{prefix}checked",
            base=f"{prefix}cases",
            first=FIRST_YEAR,
            last_plus=LAST_YEAR + 1,
            future=f"{today.isoformat()} 23:59:59.999999",
        )
    )
    connection.execute(KEYED_SQL.format(name=f"{prefix}keyed", base=f"{prefix}checked", is_open=is_open))
