"""The statistics side of ``kpi events``: from the case histogram to derived measurements.

Pure functions over small frames (one row per group of identical keys, with a count).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from ..core.periods import Period
from ..core.rejects import rejects_frame, rejects_of
from ..core.vocabulary import Unit
from ..core.workdays import working_days_between
from .sql import HISTOGRAM_KEYS

DERIVED_COLUMNS = ["indicator_id", "period", "value", "numerator", "denominator", "cases", "open_cases", "source"]


def mark_late(histogram: pd.DataFrame, table: pd.DataFrame, as_of: dt.datetime | None) -> pd.DataFrame:
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
        unit == Unit.HOURS,
        (until - since) / np.timedelta64(1, "h"),
        np.where(
            unit == Unit.WORKING_DAYS,
            working_days_between(since.astype("datetime64[D]"), np.full(len(since), until.astype("datetime64[D]"))),
            (until.astype("datetime64[D]") - since.astype("datetime64[D]")).astype(np.int64),
        ),
    )
    histogram.loc[waiting, "late"] = elapsed > spec["deadline"].to_numpy()
    return histogram


def duplicates(candidates: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rejects for repeated case ids, and the rows whose contribution must be taken back.

    Exact copies: the first (in file order) is kept, the others are listed. The same case
    with different data: every copy is rejected, naming the others.
    """
    rows = candidates.sort_values(["source", "row"], kind="stable").reset_index(drop=True)
    key = ["indicator_id", "case_id"]
    copies = rows.groupby(key)["row"].transform("size")
    rows = rows[copies > 1].reset_index(drop=True)
    if rows.empty:
        return rejects_frame(), rows
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
    rejects = rejects_of(rows["source"], rows["row"], reasons, rows["raw"])[out]
    return rejects.reset_index(drop=True), rows[out]


def take_back(histogram: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    if rows.empty:
        return histogram
    removed = rows.groupby(HISTOGRAM_KEYS, dropna=False).size().rename("removed").reset_index()
    merged = histogram.merge(removed, on=HISTOGRAM_KEYS, how="left")
    merged["n"] = merged["n"] - merged["removed"].fillna(0).astype(int)
    return merged.loc[merged["n"] > 0, [*HISTOGRAM_KEYS, "n", "last_opened", "last_closed"]]


def aggregate(histogram: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
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
    frame = pd.DataFrame(
        {
            "indicator_id": groups["indicator_id"],
            "period": periods,
            "value": value.astype(float),
            "numerator": numerator,
            "denominator": denominator,
            "cases": groups["cases"].astype(int),
            "open_cases": groups["open_cases"].astype(int),
            "source": groups["source"],
        }
    )
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
