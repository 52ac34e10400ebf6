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
import math
import os
import tempfile
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from .case_files import SUFFIXES, CaseFile, open_case_file, select_sql
from .errors import KpiError
from .files import list_inputs, write_csv
from .periods import BASIS_FREQ, FREQS, MONTHS_IN, Period
from .targets import DURATION_UNITS
from .workdays import FIRST_YEAR, LAST_YEAR, _working_day_index, working_days_between

DERIVED_COLUMNS = ["indicator_id", "period", "value", "numerator", "denominator", "cases", "open_cases", "source"]
REJECT_COLUMNS = ["source", "row", "reason", "raw"]
KINDS = ("share", "max", "percentile", "count")


def case_kind(indicator: dict) -> str | None:
    """How an indicator is computed from cases, or ``None`` when it cannot be."""
    unit = indicator["target_unit"]
    if unit == "percent" and indicator.get("deadline_unit") and _present(indicator.get("deadline_value")):
        return "share"
    if unit in DURATION_UNITS:
        return "percentile" if _present(indicator.get("percentile")) else "max"
    if unit == "number":
        return "count"
    return None


def _present(value) -> bool:
    return value is not None and value != "" and not (isinstance(value, float) and math.isnan(value))


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


def _spelling_table(spellings: pd.Series, table: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator id as written in the files: its normalized id and how it is computed."""
    normalized = spellings.astype(str).str.strip().str.lower()
    known = table.set_index("indicator_id")
    frame = pd.DataFrame({"indicator_raw": spellings.astype(str), "indicator_id": normalized})
    frame["known"] = normalized.isin(known.index)
    for column in ("kind", "unit", "deadline", "months"):
        frame[column] = normalized.map(known[column])
    frame["kind"] = frame["kind"].fillna("")
    frame["unit"] = frame["unit"].fillna("")
    frame["months"] = frame["months"].fillna(1).astype(int)
    return frame


def _calendar() -> pd.DataFrame:
    index = _working_day_index()
    days = np.arange(np.datetime64(f"{FIRST_YEAR}-01-01"), np.datetime64(f"{FIRST_YEAR}-01-01") + len(index))
    return pd.DataFrame({"d": days, "wd": index})


def _connect(scratch: Path):
    connection = duckdb.connect()
    threads = os.cpu_count() or 1
    memory = os.environ.get("KPI_DUCKDB_MEMORY", "512MB")
    connection.execute(
        f"SET threads = {threads}; SET memory_limit = '{memory}'; SET preserve_insertion_order = false; "
        f"SET temp_directory = '{scratch / 'spill'}'"
    )
    return connection


_CHECKED = """
CREATE VIEW {name} AS
SELECT c.*, i.indicator_id, i.kind, i.unit, i.deadline, i.months,
  CASE
    WHEN c.indicator_raw IS NULL OR i.indicator_id = '' THEN 1
    WHEN NOT i.known THEN 2
    WHEN i.kind = '' THEN 3
    WHEN c.case_id IS NULL OR trim(c.case_id) = '' THEN 4
    WHEN c.opened_bad THEN 5
    WHEN c.opened IS NULL THEN 6
    WHEN c.closed_bad THEN 7
    WHEN c.opened < TIMESTAMP '{first}-01-01' OR c.opened >= TIMESTAMP '{last_plus}-01-01'
      OR c.closed < TIMESTAMP '{first}-01-01' OR c.closed >= TIMESTAMP '{last_plus}-01-01' THEN 8
    WHEN c.closed < c.opened THEN 9
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
}

_KEYED = """
CREATE VIEW {name} AS
WITH v AS NOT MATERIALIZED (
  SELECT file_id, row, raw, indicator_raw, indicator_id, case_id, opened, closed, kind, unit, deadline, problem,
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
        WHEN 'hours' THEN epoch(closed - opened) / 3600.0
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
_HISTOGRAM_KEYS = ["file_id", "indicator_id", "pkey", "is_open", "within", "elapsed", "open_since"]


def derive(case_files: list[CaseFile], indicators: pd.DataFrame, scratch: Path, freq: str | None = None,
           as_of: dt.date | None = None) -> tuple[pd.DataFrame, pd.DataFrame, dt.datetime | None]:  # fmt: skip
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
    sources = pd.Series([case_file.source for case_file in case_files])
    table = _indicator_table(indicators, freq)
    connection = _connect(scratch)
    connection.register("cal_df", _calendar())
    connection.execute("CREATE TABLE cal AS SELECT CAST(d AS DATE) AS d, CAST(wd AS INTEGER) AS wd FROM cal_df")
    union = " UNION ALL ".join(select_sql(case_file, number) for number, case_file in enumerate(case_files))
    connection.execute(f"CREATE VIEW cases AS {union}")
    # Indicator ids are normalized once per distinct spelling, not once per case.
    spellings = connection.execute("SELECT DISTINCT indicator_raw FROM cases WHERE indicator_raw IS NOT NULL").df()
    connection.register("ind_df", _spelling_table(spellings["indicator_raw"], table))
    connection.execute("CREATE TABLE ind AS SELECT * FROM ind_df")
    given = dt.datetime.combine(as_of, dt.time(23, 59, 59)) if as_of else None
    is_open = f"closed IS NULL OR closed > TIMESTAMP '{given.isoformat(sep=' ')}'" if given else "closed IS NULL"
    _create_views(connection, "", is_open)

    # Pass 1: the histogram; rejected rows ride along as lists of row numbers.
    histogram = connection.execute(
        f"SELECT {', '.join(_HISTOGRAM_KEYS)}, bad, count(*) AS n, max(opened) AS last_opened, "
        "max(closed) AS last_closed, list(row) FILTER (WHERE bad) AS bad_rows FROM keyed GROUP BY ALL"
    ).df()
    bad = histogram["bad"].astype(bool)
    problem_rows = histogram.loc[bad, ["file_id", "bad_rows"]].explode("bad_rows").rename(columns={"bad_rows": "row"})
    histogram = histogram.loc[~bad, [*_HISTOGRAM_KEYS, "n", "last_opened", "last_closed"]]
    # Pass 2: rows whose (indicator, case id) hash is shared, found by sorting the hashes.
    repeated = connection.execute(
        "SELECT k >> 40 AS file_id, k & 1099511627775 AS row FROM ("
        "SELECT k, h, lag(h) OVER (ORDER BY h) AS before, lead(h) OVER (ORDER BY h) AS after FROM ("
        "SELECT (CAST(c.file_id AS BIGINT) << 40) | c.row AS k, hash(i.indicator_id, c.case_id) AS h "
        "FROM cases c LEFT JOIN ind i ON c.indicator_raw = i.indicator_raw)) WHERE h = before OR h = after"
    ).df()
    picked = pd.concat([problem_rows, repeated], ignore_index=True).astype({"file_id": "int64", "row": "int64"})
    bad_rows = duplicate_rejects = pd.DataFrame(columns=REJECT_COLUMNS)
    if len(picked):
        # Pass 3, only when needed: every column of the few rows picked above.
        connection.register("picked", picked.drop_duplicates())
        picked_union = " UNION ALL ".join(
            select_sql(case_file, number, rows_from="picked") for number, case_file in enumerate(case_files)
        )
        connection.execute(f"CREATE VIEW picked_cases AS {picked_union}")
        _create_views(connection, "picked_", is_open)
        rows = connection.execute("SELECT * FROM picked_keyed").df()
        rows["source"] = rows["file_id"].map(sources)
        bad_rows = _problem_rows(rows[rows["bad"].astype(bool)])
        duplicate_rejects, taken_back = _duplicates(rows[~rows["bad"].astype(bool)])
        histogram = _take_back(histogram, taken_back)
    latest = pd.concat([histogram["last_opened"], histogram["last_closed"]]).max() if len(histogram) else None
    as_of_instant = given or (None if latest is None or pd.isna(latest) else pd.Timestamp(latest).to_pydatetime())
    histogram = histogram.assign(source=histogram["file_id"].map(sources))
    derived = _aggregate(_mark_late(histogram, table, as_of_instant), table)
    rejects = pd.concat([bad_rows, duplicate_rejects, structural], ignore_index=True)
    return derived, _sorted_rejects(rejects), as_of_instant


def _create_views(connection, prefix: str, is_open: str) -> None:
    """``{prefix}checked`` and ``{prefix}keyed`` over ``{prefix}cases``."""
    connection.execute(
        _CHECKED.format(name=f"{prefix}checked", base=f"{prefix}cases", first=FIRST_YEAR, last_plus=LAST_YEAR + 1)
    )
    connection.execute(_KEYED.format(name=f"{prefix}keyed", base=f"{prefix}checked", is_open=is_open))


def _problem_rows(rows: pd.DataFrame) -> pd.DataFrame:
    reasons = [
        PROBLEMS[int(code)].format(indicator=indicator)
        for code, indicator in zip(rows["problem"], rows["indicator_raw"], strict=True)
    ]
    return pd.DataFrame({"source": rows["source"], "row": rows["row"], "reason": reasons, "raw": rows["raw"]})


def _mark_late(histogram: pd.DataFrame, table: pd.DataFrame, as_of: dt.datetime | None) -> pd.DataFrame:
    """``late``: open cases of share indicators already past their deadline at the as-of instant."""
    histogram = histogram.assign(late=False)
    waiting = histogram["open_since"].notna()
    if not waiting.any():
        return histogram
    spec = table.set_index("indicator_id").loc[histogram.loc[waiting, "indicator_id"]]
    since = pd.to_datetime(histogram.loc[waiting, "open_since"]).to_numpy()
    until = np.datetime64(as_of)
    unit = spec["unit"].to_numpy()
    elapsed = np.where(
        unit == "hours",
        (until - since) / np.timedelta64(1, "h"),
        np.where(
            unit == "working_days",
            working_days_between(since.astype("datetime64[D]"), np.full(len(since), until.astype("datetime64[D]"))),
            (until.astype("datetime64[D]") - since.astype("datetime64[D]")).astype(np.int64),
        ),
    )
    histogram.loc[waiting, "late"] = elapsed > spec["deadline"].to_numpy()
    return histogram


def _duplicates(candidates: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rejects for repeated case ids, and the rows whose contribution must be taken back.

    Exact copies: the first (in file order) is kept, the others are listed. The same case
    with different data: every copy is rejected, naming the others.
    """
    rows = candidates.sort_values(["source", "row"], kind="stable").reset_index(drop=True)
    key = ["indicator_id", "case_id"]
    copies = rows.groupby(key)["row"].transform("size")
    rows = rows[copies > 1].reset_index(drop=True)
    if rows.empty:
        return pd.DataFrame(columns=REJECT_COLUMNS), rows
    dates = rows["opened"].astype(str) + "|" + rows["closed"].astype(str)
    identical = dates.groupby([rows["indicator_id"], rows["case_id"]]).transform("nunique") == 1
    where = rows["source"] + " riga " + rows["row"].astype(str)
    first_where = where.groupby([rows["indicator_id"], rows["case_id"]]).transform("first")
    later_copy = identical & (rows.groupby(key).cumcount() > 0)
    reasons = "caso " + rows["case_id"] + " duplicato: copia identica di " + first_where + " (contato una volta)"
    conflicting = rows[~identical]
    all_places = (
        where[~identical]
        .groupby([conflicting["indicator_id"], conflicting["case_id"]])
        .transform(lambda places: "; ".join(places))
    )
    others = [
        ", ".join(place for place in everything.split("; ") if place != own)
        for own, everything in zip(where[~identical], all_places, strict=True)
    ]
    reasons.loc[~identical] = (
        "caso "
        + conflicting["case_id"]
        + " presente più volte con dati diversi ("
        + pd.Series(others, index=conflicting.index)
        + "): da chiarire"
    )
    out = later_copy | ~identical
    rejects = pd.DataFrame({"source": rows["source"], "row": rows["row"], "reason": reasons, "raw": rows["raw"]})[out]
    return rejects.reset_index(drop=True), rows[out]


def _take_back(histogram: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    if rows.empty:
        return histogram
    removed = rows.groupby(_HISTOGRAM_KEYS, dropna=False).size().rename("removed").reset_index()
    merged = histogram.merge(removed, on=_HISTOGRAM_KEYS, how="left")
    merged["n"] = merged["n"] - merged["removed"].fillna(0).astype(int)
    return merged.loc[merged["n"] > 0, [*_HISTOGRAM_KEYS, "n", "last_opened", "last_closed"]]


def _aggregate(histogram: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """One derived measurement per indicator and period from the histogram, vectorized."""
    if histogram.empty:
        return pd.DataFrame(columns=DERIVED_COLUMNS)
    spec = table.set_index("indicator_id")
    h = histogram.assign(
        is_open=histogram["is_open"].astype(bool),
        within=histogram["within"].fillna(False).astype(bool),
        late=histogram["late"].fillna(False).astype(bool),
    )
    keys = ["indicator_id", "pkey"]
    weights = {
        "cases": h["n"],
        "open_cases": h["n"].where(h["is_open"], 0),
        "closed": h["n"].where(~h["is_open"], 0),
        "within_n": h["n"].where(h["within"], 0),
        "late_n": h["n"].where(h["late"], 0),
    }
    groups = pd.DataFrame({**{k: h[k] for k in keys}, **weights}).groupby(keys, sort=True).sum()
    closed_rows = h[~h["is_open"] & h["elapsed"].notna()]
    groups["longest"] = closed_rows.groupby(keys)["elapsed"].max()
    groups["ranked"] = _percentiles(closed_rows, spec)
    groups["source"] = h.groupby(keys)["source"].agg(lambda sources: "; ".join(sorted(set(sources))))
    groups = groups.reset_index()

    kind = groups["indicator_id"].map(spec["kind"])
    share = kind == "share"
    denominator = (groups["closed"] + groups["late_n"]).where(share).astype(float)
    numerator = groups["within_n"].where(share).astype(float)
    value = pd.Series(np.nan, index=groups.index)
    value[share] = (100 * numerator / denominator.replace(0, np.nan))[share]
    value[kind == "max"] = groups.loc[kind == "max", "longest"]
    value[kind == "percentile"] = groups.loc[kind == "percentile", "ranked"]
    value[kind == "count"] = groups.loc[kind == "count", "cases"].astype(float)

    months = groups["indicator_id"].map(spec["months"]).astype(int)
    freq = groups["indicator_id"].map(spec["freq"])
    periods = [
        str(Period(int(pkey) // 12, f, (int(pkey) % 12) // m + 1))
        for pkey, f, m in zip(groups["pkey"], freq, months, strict=True)
    ]
    frame = pd.DataFrame({
        "indicator_id": groups["indicator_id"], "period": periods, "value": value.astype(float),
        "numerator": numerator, "denominator": denominator,
        "cases": groups["cases"].astype(int), "open_cases": groups["open_cases"].astype(int),
        "source": groups["source"],
    })  # fmt: skip
    return frame.sort_values(["indicator_id", "period"], kind="stable").reset_index(drop=True)


def _percentiles(closed_rows: pd.DataFrame, spec: pd.DataFrame) -> pd.Series:
    """Nearest-rank percentile of elapsed time per (indicator, period), for percentile indicators."""
    wanted = closed_rows[closed_rows["indicator_id"].map(spec["kind"]) == "percentile"]
    if wanted.empty:
        return pd.Series(dtype=float)
    keys = ["indicator_id", "pkey"]
    counts = wanted.groupby([*keys, "elapsed"], sort=True)["n"].sum().reset_index()
    cumulative = counts.groupby(keys)["n"].cumsum()
    total = counts.groupby(keys)["n"].transform("sum")
    percentile = counts["indicator_id"].map(spec["percentile"])
    rank = np.maximum(1, np.ceil(percentile * total / 100 - 1e-9))
    reached = counts[cumulative >= rank]
    return reached.groupby(keys)["elapsed"].first()


def nearest_rank(values, counts, percentile: float) -> float:
    """The smallest value within which at least ``percentile``% of the cases fall.

    ``values`` with their ``counts`` (a histogram); nearest-rank definition: the value at
    rank ceil(P/100 × n) of the sorted cases.

    >>> nearest_rank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1] * 10, 90)
    9.0
    >>> nearest_rank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [1] * 11, 90)
    10.0
    """
    values, counts = np.asarray(values, dtype=float), np.asarray(counts, dtype=np.int64)
    order = np.argsort(values, kind="stable")
    values, counts = values[order], counts[order]
    total = int(counts.sum())
    rank = max(1, math.ceil(percentile * total / 100 - 1e-9))
    return float(values[np.searchsorted(np.cumsum(counts), rank)])


def _sorted_rejects(rejects: pd.DataFrame) -> pd.DataFrame:
    rejects = rejects.astype({"row": "int64"}) if len(rejects) else pd.DataFrame(columns=REJECT_COLUMNS)
    return rejects.sort_values(["source", "row"], kind="stable").reset_index(drop=True)[REJECT_COLUMNS]


def event_files(paths) -> list[Path]:
    return list_inputs(paths.events_dir, SUFFIXES)


def derive_files(paths, files: list[Path], indicators: pd.DataFrame, freq: str | None = None,
                 as_of: dt.date | None = None) -> tuple[pd.DataFrame, pd.DataFrame, dt.datetime | None]:  # fmt: skip
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


def run_events(paths, files: list[Path] | None = None, freq: str | None = None, as_of: str | None = None,
               out: Path | None = None) -> pd.DataFrame:  # fmt: skip
    """``kpi events``: derive, write the derived measurements and ``event_rejects.csv``."""
    from .catalog import read_indicators

    as_of_date = None
    if as_of:
        try:
            as_of_date = dt.date.fromisoformat(as_of)
        except ValueError:
            raise KpiError(f"--as-of must be a date as YYYY-MM-DD, not '{as_of}'") from None
    indicators = read_indicators(paths.indicators)
    files = [Path(f) for f in files] if files else event_files(paths)
    derived, rejects, used = derive_files(paths, files, indicators, freq, as_of_date)
    out = Path(out) if out else paths.event_measurements
    write_csv(derived, out)
    write_csv(rejects, paths.event_rejects)
    when = f"as of {used:%Y-%m-%d}" if used else "no usable case"
    print(
        f"events: {len(files)} file(s), {int(derived['cases'].sum()) if len(derived) else 0} case(s) used, "
        f"{len(rejects)} rejected, {len(derived)} measurement(s) ({when}) -> {paths.relative(out)}"
    )
    return derived
