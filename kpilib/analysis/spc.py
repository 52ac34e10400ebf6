"""Statistical process control: XmR (individuals) charts as NHS England's "Making Data Count"
defines them, with NHSRplotthedots (R) as the reference implementation.

Over a series (or a segment of it, between recorded process changes) of at least
:data:`TRIAL_MIN_POINTS` points: the mean, the mean moving range (mean of ``|x[i] - x[i-1]|``
between consecutive periods: a missing or declared-unavailable month breaks it, as a missing
row does in NHSRplotthedots; moving ranges above 3.267 times it left out only when ``screen``
is asked for, as the Making Data Count Excel tools do not screen by default), and the process
limits at mean ± 2.66 × mean moving range: *trial* limits below :data:`MIN_POINTS` points
(provisional, used by the rules all the same), *stable* from there. Values are compared with
the mean and the limits with a tolerance of a billionth of their size, so a value equal to the
decimal mean is on it (floating point would put 97.7 above a mean of 97.69999999999999). The
special-cause rules, in their order of priority:

1. ``limit``: a point beyond a process limit;
2. ``trend``: 7 points in a row each rising (or each falling); equal values break it;
3. ``two_of_three``: 2 of 3 points in a row close to a limit (beyond two-thirds of the way
   from the mean, not beyond the limit), all three on the same side of the mean;
4. ``run``: 7 points in a row on one side of the mean; a point on the mean breaks it.

A point's variation follows the first rule in that order that flags it: above the mean,
beyond the upper limit or rising is an ``improvement`` where higher is better and a
``concern`` where lower is better; where the indicator has no target or polarity, a special
cause is ``neutral_high`` or ``neutral_low``, never an improvement or a concern. So a point flagged high by one rule and low by another
takes the direction of the rule with priority, as NHSRplotthedots does; a point ending a
rising trend and starting a falling one takes the direction of the step that follows it.
Everything else is ``common_cause``. Assurance compares the target with the limits of the
latest segment (trial ones included); a target on a limit is ``hit_and_miss``, as
NHSRplotthedots calls it inconsistent. Stored and shown limits stay within what the unit allows
(0–100% for a percentage, 0 or more for durations and counts); the rules use the limits as
computed, and assurance gives the same verdict on either (a target on a clipped limit is on a limit).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.periods import MONTHS_IN, Period, per_distinct, with_periods
from ..core.schemas import SPC
from ..core.vocabulary import Assurance, Comparator, LimitKind, Polarity, Unit, Variation, is_missing, meets

MIN_POINTS = 12  # from here the limits are stable
TRIAL_MIN_POINTS = 6  # from here to MIN_POINTS - 1: trial limits (Wheeler; NHSRplotthedots warns below 12)
LIMIT_FACTOR = 2.66
SCREEN_FACTOR = 3.267
RUN_LENGTH = 7
TREND_LENGTH = 7
RULES = ("limit", "trend", "two_of_three", "run")  # in their order of priority
SPC_COLUMNS = SPC.names


@dataclass(frozen=True)
class Limits:
    mean: float
    lower: float
    upper: float
    mean_moving_range: float


def limits(values, screen: bool = False, gaps=None) -> Limits:
    """Mean and process limits of a series; ``screen`` leaves out moving ranges above 3.267 × their mean;
    ``gaps``: per step between consecutive points, whether a period is missing there (no moving range).

    >>> limits([10, 12, 11, 13])
    Limits(mean=11.5, lower=7.066666666666666, upper=15.933333333333334, mean_moving_range=1.6666666666666667)
    >>> limits([10, 12, 11, 13], gaps=[False, True, False]).mean_moving_range
    2.0
    """
    x = np.asarray(values, dtype=float)
    mean = math.fsum(x) / len(x)
    ranges = np.abs(np.diff(x))
    if gaps is not None:
        ranges = ranges[~np.asarray(gaps, dtype=bool)]
    moving_range = float(ranges.mean()) if len(ranges) else 0.0
    if screen and len(ranges):
        kept = ranges[ranges < SCREEN_FACTOR * moving_range]
        moving_range = float(kept.mean()) if len(kept) else moving_range
    return Limits(mean, mean - LIMIT_FACTOR * moving_range, mean + LIMIT_FACTOR * moving_range, moving_range)


def _runs(flags: np.ndarray, length: int, first: np.ndarray | None = None) -> np.ndarray:
    """Mark every element of each run of True at least ``length`` long; ``first``: where a new segment
    starts (a run never crosses into another segment).

    >>> _runs(np.array([True, True, False, True, True, True]), 3).tolist()
    [False, False, False, True, True, True]
    >>> _runs(np.array([True, True, True]), 3, first=np.array([True, False, True])).tolist()
    [False, False, False]
    """
    flags = np.asarray(flags, dtype=bool)
    n = len(flags)
    if not n:
        return flags
    before, after = np.ones(n, dtype=bool), np.ones(n, dtype=bool)  # the run cannot go on before / after
    before[1:], after[:-1] = ~flags[:-1], ~flags[1:]
    if first is not None:
        before |= first
        after[:-1] |= first[1:]
    starts, ends = np.flatnonzero(flags & before), np.flatnonzero(flags & after) + 1
    long = (ends - starts) >= length
    marked = np.zeros(n + 1, dtype=np.int64)
    np.add.at(marked, starts[long], 1)
    np.add.at(marked, ends[long], -1)
    return np.cumsum(marked[:-1]) > 0


def signals(values, bounds: Limits) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """For each rule, the points it flags ``(high, low)``: above or rising, versus below or falling."""
    x = np.asarray(values, dtype=float)
    first = np.zeros(len(x), dtype=bool)
    first[:1] = True
    line = np.ones(len(x))
    return _rules(x, first, bounds.mean * line, bounds.lower * line, bounds.upper * line)


def _rules(
    x: np.ndarray, first: np.ndarray, mean: np.ndarray, lower: np.ndarray, upper: np.ndarray
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """:func:`signals` of many segments at once: ``x`` their points one after the other, ``first`` where each
    segment starts, ``mean``, ``lower`` and ``upper`` each point's segment lines. No rule looks across segments."""
    n = len(x)
    side = _compare(x, mean)
    within = ~first[1:]  # the step from point i to i + 1 stays inside a segment
    steps = np.diff(x)
    rising, falling = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    # a trend of 7 points is 6 consecutive steps the same way; mark the points they join
    for moving, marks in ((within & (steps > 0), rising), (within & (steps < 0), falling)):
        run = _runs(moving, TREND_LENGTH - 1)
        marks[1:] |= run
        marks[:-1] |= run
    outside_high, outside_low = _compare(x, upper) > 0, _compare(x, lower) < 0
    close = ~(outside_high | outside_low) & (
        (_compare(x, mean + 2 / 3 * (upper - mean)) > 0) | (_compare(x, mean - 2 / 3 * (mean - lower)) < 0)
    )
    two_high, two_low = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    if n >= 3:
        # every window of 3 points in a row of one segment, all on one side of the mean, at least 2 of them close
        same_side = (np.abs(side[:-2] + side[1:-1] + side[2:]) == 3) & within[:-1] & within[1:]
        hits = same_side & (close[:-2].astype(int) + close[1:-1] + close[2:] >= 2)
        high_windows, low_windows = hits & (side[:-2] > 0), hits & (side[:-2] < 0)
        for offset in range(3):
            end = n - 2 + offset
            two_high[offset:end] |= high_windows & close[offset:end]
            two_low[offset:end] |= low_windows & close[offset:end]
    return {
        "limit": (outside_high, outside_low),
        "trend": (rising, falling),
        "two_of_three": (two_high, two_low),
        "run": (_runs(side > 0, RUN_LENGTH, first), _runs(side < 0, RUN_LENGTH, first)),
    }


def _compare(x: np.ndarray, line) -> np.ndarray:
    """-1, 0 or +1 per value: below, on (within a billionth of the line's size) or above ``line`` (one line,
    or one per value).

    >>> _compare(np.array([97.7, 97.8, 97.6]), 97.69999999999999).tolist()
    [0.0, 1.0, -1.0]
    """
    tolerance = 1e-9 * np.maximum(1.0, np.abs(line))
    return np.where(np.abs(x - line) <= tolerance, 0.0, np.sign(x - line))


def _directions(fired: dict, x: np.ndarray, first: np.ndarray | None = None) -> np.ndarray:
    """Per point +1 (high), -1 (low) or 0, from the first rule in order of priority that flags it; a point
    flagged both ways by that rule (the top of a rise that turns into a fall) takes the step after it, inside
    its segment (``first``: where each segment starts)."""
    n = len(x)
    rises_next = np.zeros(n, dtype=bool)
    rises_next[:-1] = x[1:] > x[:-1]
    if first is not None:
        rises_next[:-1] &= ~first[1:]
    direction = np.zeros(n, dtype=np.int64)
    decided = np.zeros(n, dtype=bool)
    for rule in RULES:
        high, low = fired[rule]
        both = high & low & ~decided
        direction[both] = np.where(rises_next[both], 1, -1)
        direction[high & ~low & ~decided] = 1
        direction[low & ~high & ~decided] = -1
        decided |= high | low
    return direction


# The rules that fired on a point, by the bits of RULES (1: limit, 2: trend, ...), as spc.csv writes them.
_SIGNAL_NAMES = [";".join(sorted(r for b, r in enumerate(RULES) if code >> b & 1)) for code in range(1 << len(RULES))]


def limit_kind(points: int) -> str:
    """``stable``, ``trial`` or empty (too few points for limits)."""
    return LimitKind.STABLE if points >= MIN_POINTS else LimitKind.TRIAL if points >= TRIAL_MIN_POINTS else ""


def classify(values, polarity: str, screen: bool = False, gaps=None, baseline: int | None = None) -> pd.DataFrame:
    """Per point: ``variation`` and the ``signals`` (rule names) that fired, with the limits and their kind.

    ``polarity``: ``higher`` or ``lower`` is better; anything else (no target) makes special causes neutral.
    ``gaps``: as :func:`limits`. ``baseline``: the limits are computed from the first ``baseline`` points
    only and frozen for the later ones (which the rules still judge).
    """
    found = _classified(np.asarray(values, dtype=float), polarity, screen, gaps, baseline)
    return pd.DataFrame(found, index=range(len(found["variation"])))


def _classified(x: np.ndarray, polarity: str, screen: bool, gaps, baseline: int | None) -> dict:
    """:func:`classify` as columns: the segment's mean, limits and their kind, and per point its variation
    and signals."""
    x = np.asarray(x, dtype=float)
    steps = np.zeros(max(len(x) - 1, 0), dtype=bool) if gaps is None else np.asarray(list(gaps), dtype=bool)
    found = _charts(x, [(0, len(x))], [polarity], steps, screen, baseline, no_gaps=gaps is None)
    return {name: found[name] for name in ("mean", "lower_limit", "upper_limit", "limits", "variation", "signals")}


# A point's variation by its chart's polarity (1 higher is better, -1 lower, 0 none) and its direction.
_VARIATION_WORDS = {
    (better, side): str(
        (
            Variation.IMPROVEMENT
            if side * better > 0
            else Variation.CONCERN
            if side * better < 0
            else Variation.COMMON_CAUSE
        )
        if better
        else (Variation.NEUTRAL_HIGH if side > 0 else Variation.NEUTRAL_LOW if side < 0 else Variation.COMMON_CAUSE)
    )
    for better in (1, -1, 0)
    for side in (1, -1, 0)
}


def _charts(
    x: np.ndarray,
    segments: list[tuple[int, int]],
    polarities: list[str],
    gaps: np.ndarray,
    screen: bool,
    baseline: int | None,
    no_gaps: bool = False,
) -> dict[str, list]:
    """The XmR charts of many segments at once. ``x``: their points one after the other; ``segments``: each
    one's ``(start, end)`` positions; ``polarities``: each one's; ``gaps``: per step between consecutive
    points, whether a period is missing there. Limits are computed segment by segment (as
    :func:`limits`), the rules over every segment together (:func:`_rules`)."""
    n = len(x)
    mean, lower, upper = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    kinds, first, charted, better = [""] * n, np.zeros(n, dtype=bool), np.zeros(n, dtype=bool), np.zeros(n, int)
    for (start, end), polarity in zip(segments, polarities, strict=True):
        size = end - start
        fixed = baseline is not None and size > baseline
        kind = limit_kind(baseline if fixed else size)
        if not kind:
            continue
        basis = slice(start, start + baseline) if fixed else slice(start, end)
        between = None if no_gaps else gaps[basis.start : basis.stop - 1]
        bounds = limits(x[basis], screen, between)
        mean[start:end], lower[start:end], upper[start:end] = bounds.mean, bounds.lower, bounds.upper
        kinds[start:end] = [str(kind)] * size
        first[start], charted[start:end] = True, True
        better[start:end] = {Polarity.HIGHER: 1, Polarity.LOWER: -1}.get(polarity, 0)
    variation, names = [""] * n, [""] * n
    if charted.any():
        where = np.flatnonzero(charted)
        on = {name: line[where] for name, line in (("mean", mean), ("lower", lower), ("upper", upper))}
        values, starts = x[where], first[where]
        fired = _rules(values, starts, on["mean"], on["lower"], on["upper"])
        side = _directions(fired, values, starts)
        codes = np.zeros(len(where), dtype=np.int64)
        for bit, rule in enumerate(RULES):
            high, low = fired[rule]
            codes |= (high | low).astype(np.int64) << bit
        for position, way, code, polar in zip(
            where.tolist(), side.tolist(), codes.tolist(), better[where].tolist(), strict=True
        ):
            variation[position] = _VARIATION_WORDS[(polar, way)]
            names[position] = _SIGNAL_NAMES[code]
    return {
        "mean": mean.tolist(),
        "lower_limit": lower.tolist(),
        "upper_limit": upper.tolist(),
        "limits": kinds,
        "variation": variation,
        "signals": names,
    }


def assurance(bounds: Limits | None, op: str, target: float, points: int) -> str:
    """Where the target lies relative to the process limits.

    The whole band between the limits meets the target: ``consistently_met``; none of it
    does: ``consistently_failing``; otherwise ``hit_and_miss``. A target "equal to" is met
    at one value only: inside the limits it is ``hit_and_miss``, never consistently
    failing; outside them, ``consistently_failing``. A target on a limit is ``hit_and_miss``
    (NHSRplotthedots: inconsistent). Fewer than :data:`TRIAL_MIN_POINTS` points, or no target:
    ``insufficient_data``.

    >>> assurance(Limits(90, 85, 95, 1.9), ">=", 80, 24), assurance(Limits(90, 85, 95, 1.9), ">=", 92, 24)
    ('consistently_met', 'hit_and_miss')
    >>> assurance(Limits(90, 85, 95, 1.9), "=", 90, 24), assurance(Limits(90, 85, 95, 1.9), "=", 99, 24)
    ('hit_and_miss', 'consistently_failing')
    >>> assurance(Limits(90, 85, 95, 1.9), ">=", 85, 24)
    'hit_and_miss'
    """
    if bounds is None or points < TRIAL_MIN_POINTS or not op or is_missing(target):
        return Assurance.INSUFFICIENT_DATA
    on_a_limit = any(_compare(np.array([float(target)]), limit)[0] == 0 for limit in (bounds.lower, bounds.upper))
    if on_a_limit:
        return Assurance.HIT_AND_MISS
    if op == Comparator.EQUAL:
        inside = bounds.lower <= float(target) <= bounds.upper
        return Assurance.HIT_AND_MISS if inside else Assurance.CONSISTENTLY_FAILING
    lower_ok, upper_ok = meets(bounds.lower, op, float(target)), meets(bounds.upper, op, float(target))
    if lower_ok and upper_ok:
        return Assurance.CONSISTENTLY_MET
    if not lower_ok and not upper_ok:
        return Assurance.CONSISTENTLY_FAILING
    return Assurance.HIT_AND_MISS


def within_unit(limit: float, unit: str) -> float:
    """A limit as the unit allows it to be shown: 0–100 for a percentage, not below 0 otherwise.

    >>> within_unit(111.3, "percent"), within_unit(-4.0, "days"), within_unit(70.4, "percent")
    (100.0, 0.0, 70.4)
    """
    if is_missing(limit):
        return limit
    if unit == Unit.PERCENT:
        return min(max(limit, 0.0), 100.0)
    return max(limit, 0.0) if unit else limit


def segment_numbers(periods: list[Period], changes: list[Period]) -> list[int]:
    """For each period of a series, how many recorded process changes came before or at its start.

    >>> from kpilib.core.periods import parse_period as p
    >>> segment_numbers([p("2025-01"), p("2025-02"), p("2025-03")], [p("2025-02")])
    [0, 1, 1]
    """
    starts = sorted(change.start for change in changes)
    return [sum(start <= period.start for start in starts) for period in periods]


def spc_table(
    evaluation: pd.DataFrame,
    indicators: pd.DataFrame,
    changes: pd.DataFrame | None = None,
    screen: bool = False,
    baseline: int | None = None,
    monthly: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """``spc.csv``: one row per point with a value in each indicator's series, segment by segment.

    ``changes``: the process-changes register (``indicator_id``, ``period``, ``reason``); each
    change starts a new segment with its own mean and limits (rebasing). ``screen`` and ``baseline``:
    :mod:`.spc_options`. ``monthly``: month-by-month values computed from case records for indicators
    judged over longer periods (``event_monthly.csv``): their chart is monthly, from those values.
    """
    catalog = indicators.set_index("indicator_id")
    recorded = (
        with_periods(changes) if changes is not None else pd.DataFrame(columns=["indicator_id", "period", "reason"])
    )
    evaluation = with_periods(evaluation)
    by_indicator = {key: group for key, group in recorded.groupby("indicator_id")}
    points = evaluation[evaluation["series"].astype(bool) & evaluation["value"].notna()]
    points = _with_monthly(points, monthly, catalog)
    if points.empty:
        return pd.DataFrame(columns=SPC_COLUMNS)
    has_target = "target_value" in points
    points = points.sort_values("indicator_id", kind="stable")  # groupby's order, read as columns once
    ids, all_periods = points["indicator_id"].tolist(), points["period"].tolist()
    values = points["value"].to_numpy(dtype=float)
    targets = points["target_value"].to_numpy(dtype=float) if has_target else np.full(len(ids), np.nan)
    # a step between two points is a gap unless the second is the period right after the first
    places = per_distinct(all_periods, lambda p: (p.freq, p.year * (12 // MONTHS_IN[p.freq]) + p.index))
    gaps = np.array([not (f1 == f0 and n1 == n0 + 1) for (f0, n0), (f1, n1) in itertools.pairwise(places)], dtype=bool)
    polarities, units = catalog["polarity"].to_dict(), catalog["target_unit"].to_dict()
    segments, segment_polarity, segment_unit = [], [], []
    numbers, changes_at = [0] * len(ids), [""] * len(ids)
    first = 0
    for indicator_id, group in itertools.groupby(ids):
        end = first + sum(1 for _ in group)
        own = by_indicator.get(indicator_id)
        reasons = dict(zip(own["period"], own["reason"], strict=True)) if own is not None else {}
        series_numbers = segment_numbers(all_periods[first:end], list(reasons)) if reasons else [0] * (end - first)
        numbers[first:end] = series_numbers
        # segments are runs of equal numbers (periods in order, changes counted up to each start)
        start = first
        for number, run in itertools.groupby(series_numbers):
            stop = start + sum(1 for _ in run)
            segments.append((start, stop))
            segment_polarity.append(polarities.get(indicator_id, Polarity.HIGHER))
            segment_unit.append(units.get(indicator_id, ""))
            if number:
                changes_at[start] = _change_at(all_periods[start], reasons)
            start = stop
        first = end
    found = _charts(values, segments, segment_polarity, gaps, screen, baseline)
    lower, upper = found["lower_limit"], found["upper_limit"]
    for (start, stop), unit in zip(segments, segment_unit, strict=True):  # shown within what the unit allows
        lower[start:stop] = [within_unit(lower[start], unit)] * (stop - start)
        upper[start:stop] = [within_unit(upper[start], unit)] * (stop - start)
    columns = {
        "indicator_id": ids,
        "period": all_periods,
        "value": values.tolist(),
        **{name: found[name] for name in ("mean", "lower_limit", "upper_limit", "limits", "variation", "signals")},
        "segment": numbers,
        "change": changes_at,
        "target_value": targets.tolist(),
    }
    return pd.DataFrame(columns)[SPC_COLUMNS]


def _with_monthly(points: pd.DataFrame, monthly: pd.DataFrame | None, catalog: pd.DataFrame) -> pd.DataFrame:
    """The series points, those of indicators with monthly case-record values replaced by the months."""
    if monthly is None or monthly.empty:
        return points
    months = with_periods(monthly)
    months = months[months["value"].notna() & months["indicator_id"].isin(catalog.index)]
    if months.empty:
        return points
    # each month held against the target in force in the period of the series that contains it
    targets = dict(zip(zip(points["indicator_id"], points["period"], strict=True), points["target_value"], strict=True))
    coarse = {i: p.freq for i, p in zip(points["indicator_id"], points["period"], strict=True)}
    months = months.assign(
        target_value=[
            targets.get((i, p.enclosing(coarse[i])), catalog["target_value"].get(i))
            if i in coarse
            else catalog["target_value"].get(i)
            for i, p in zip(months["indicator_id"], months["period"], strict=True)
        ],
        series=True,
    )
    kept = points[~points["indicator_id"].isin(set(months["indicator_id"]))]
    return pd.concat([kept, months[[c for c in points.columns if c in months.columns]]], ignore_index=True).sort_values(
        ["indicator_id", "period"], key=lambda c: c.map(lambda p: p.sort_key) if c.name == "period" else c
    )


def _change_at(first: Period, reasons: dict[Period, str]) -> str:
    """The reason of the latest change starting at or before the segment's first period."""
    started = [(p.start, reason) for p, reason in reasons.items() if p.start <= first.start]
    return max(started)[1] if started else ""


def target_steps(series: pd.DataFrame) -> list[tuple[Period, float, float]]:
    """Where the target in force changes along one indicator's series: (first period, before, after).

    >>> target_steps(pd.DataFrame({"period": ["2024-11", "2024-12", "2025-01"], "target_value": [60.0, 60.0, 70.0]}))
    [(Period('2025-01'), 60.0, 70.0)]
    """
    if "target_value" not in series:
        return []
    series, steps, before = with_periods(series), [], None
    for period, target in zip(series["period"], series["target_value"], strict=True):
        if is_missing(target):
            continue
        if before is not None and float(target) != before:
            steps.append((period, before, float(target)))
        before = float(target)
    return steps
