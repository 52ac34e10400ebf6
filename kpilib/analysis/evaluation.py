"""Holding every measurement against its target: ``evaluation.csv``.

For each indicator: a row per period of its series (at the granularity it is measured
in) from its first measurement up to the end of the evaluated period P, plus the periods
P requires (its basis periods ending inside P, or P itself when it has no basis), rolled
up where they are coarser than the series.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pandas as pd

from ..catalog.targets import Target
from ..catalog.versions import version_at, versions_by_indicator
from ..core.periods import BASIS_FREQ, FREQ_BASIS, MONTHS_IN, Period, due_periods, per_distinct, periods, with_periods
from ..core.schemas import EVALUATION
from ..core.vocabulary import Comparator, Polarity, Status, is_missing
from .rollup import pool_values

EVALUATION_COLUMNS = EVALUATION.names


def status_of(value: float, op: str, target: float) -> str:
    """``met``/``not_met`` by the comparator exactly; ``no_data`` without a value; ``no_target`` without a target.

    >>> status_of(80, ">=", 80), status_of(80, ">", 80), status_of(float("nan"), ">=", 80), status_of(3, "", None)
    ('met', 'not_met', 'no_data', 'no_target')
    """
    held = Target.of({"target_op": op, "target_value": target, "target_unit": "", "polarity": ""})
    return held.status(value) if held else Status.NO_TARGET


def series_freq(indicator: dict, periods: list[Period], evaluated: Period) -> str:
    """The granularity an indicator is evaluated at: its basis, else how it is measured, else P's."""
    if indicator["basis"] in BASIS_FREQ:
        return BASIS_FREQ[indicator["basis"]]
    if periods:
        counts = Counter(period.freq for period in periods)
        return min(counts, key=lambda freq: (-counts[freq], MONTHS_IN[freq]))
    return evaluated.freq


def required_periods(indicator: dict, evaluated: Period, measured_freq: str | None = None) -> list[Period]:
    """The periods the evaluated period P requires: basis periods ending inside P, or P itself.

    A basis longer than P that does not end inside it (an annual indicator in the first
    semester) requires the latest basis period completed before P ends. An indicator
    without basis that is measured in periods longer than P is treated the same way, its
    measured length standing for the basis.
    """
    freq = BASIS_FREQ.get(indicator["basis"])
    if freq is None and measured_freq and MONTHS_IN[measured_freq] > MONTHS_IN[evaluated.freq]:
        freq = measured_freq
    if freq is None:
        return [evaluated]
    due = due_periods(FREQ_BASIS[freq], evaluated)
    return due or [evaluated.enclosing(freq).shift(-1)]


def measured_freq_of(evaluation: pd.DataFrame) -> dict[str, str]:
    """The length of the periods each indicator's series is measured in, from evaluation rows."""
    series = evaluation[evaluation["series"].astype(bool)].drop_duplicates("indicator_id")
    return {i: p.freq for i, p in zip(series["indicator_id"], series["period"], strict=True)}


def _counts_add_up(indicator: dict, period: Period) -> bool:
    basis = BASIS_FREQ.get(indicator["basis"])
    return basis is None or basis == period.freq


def combined_status(statuses: list[str], has_target: bool) -> str:
    """The status of a period made of several: judged on those measured, met when every one of them is.

    >>> combined_status(["met", "not_met", "no_data"], True), combined_status(["met", "no_data"], True)
    ('not_met', 'met')
    >>> combined_status(["no_data", "no_data"], True), combined_status(["met"], False)
    ('no_data', 'no_target')
    >>> combined_status(["met", "pending"], True), combined_status(["pending", "not_met"], True)
    ('pending', 'not_met')
    """
    if not has_target:
        return Status.NO_TARGET
    if Status.NOT_MET in statuses:
        return Status.NOT_MET
    if Status.PENDING in statuses:  # open cases could still make it fail
        return Status.PENDING
    if Status.MET in statuses:
        return Status.MET
    return Status.NO_DATA


def evaluate(
    indicators: pd.DataFrame,
    measurements: pd.DataFrame,
    evaluated: Period,
    also_required_by: tuple[Period, ...] = (),
    bounds: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """``evaluation.csv`` as a frame (columns :data:`EVALUATION_COLUMNS`), sorted by indicator and period.

    ``also_required_by``: earlier periods whose required rows are added too (``required``
    stays False for them), so that one evaluation serves a history of periods. ``bounds``:
    ``event_bounds.csv`` (``indicator_id``, ``period``, ``upper``): a value computed from case
    records with cases still open is a lower bound, and the period is ``pending`` when the
    value if every open case stayed open for ever would give another verdict.

    Which rows an indicator has is decided indicator by indicator (a few dozen periods each);
    the rows holding a measurement as it is, nearly all of them, are then judged for the whole
    frame at once, and only the periods rolled up from shorter ones are computed one by one.
    """
    return _evaluate(versions_by_indicator(indicators), _Measured(measurements, bounds), evaluated, also_required_by)


def evaluate_periods(
    indicators: pd.DataFrame, measurements: pd.DataFrame, evaluated: list[Period], bounds: pd.DataFrame | None = None
) -> list[pd.DataFrame]:
    """:func:`evaluate` of each period of ``evaluated`` (the analysis: P and the period before it), the
    catalog and the measurements read once for all of them."""
    versions, measured = versions_by_indicator(indicators), _Measured(measurements, bounds)
    return [_evaluate(versions, measured, period, ()) for period in evaluated]


class _Measured:
    """The measurements as the evaluation reads them: figures as arrays, and where each indicator's
    measurement of each period is (of two rows for one period, the later counts)."""

    def __init__(self, measurements: pd.DataFrame, bounds: pd.DataFrame | None):
        measurements = with_upper_bounds(with_periods(measurements), bounds)
        self.figures = {name: measurements[name].to_numpy(dtype=float, na_value=math.nan) for name in _MEASURED}
        self.by_indicator: dict[str, dict[str, tuple[Period, int]]] = {}  # keyed by period text: str hashes in C
        ids, measured_periods = measurements["indicator_id"].tolist(), measurements["period"].tolist()
        for position, (indicator_id, period) in enumerate(zip(ids, measured_periods, strict=True)):
            self.by_indicator.setdefault(indicator_id, {})[period.text] = (period, position)


def _evaluate(versions_of: list[list[dict]], measured: _Measured, evaluated: Period, others: tuple) -> pd.DataFrame:
    plan = _Plan(measured.figures)
    ladders: dict = {}
    for versions in versions_of:
        own = measured.by_indicator.get(versions[0]["indicator_id"], {})
        _plan_rows(plan, versions, own, evaluated, others, ladders)
    frames = [frame for frame in (plan.direct_frame(), plan.rolled_frame()) if frame is not None]
    if not frames:
        return pd.DataFrame(columns=EVALUATION_COLUMNS)
    frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    # as one frame of rows made in order would sort: by indicator, then period, then as made
    frame = frame.sort_values(["indicator_id", "_sort", "_made"], kind="stable")
    return frame.drop(columns=["_sort", "_made"]).reset_index(drop=True)


_MEASURED = ("value", "numerator", "denominator", "upper")
_OPS = {Comparator.AT_LEAST: 0, Comparator.MORE_THAN: 1, Comparator.AT_MOST: 2, Comparator.LESS_THAN: 3}


class _Plan:
    """The evaluation's rows as they are decided: those holding a measurement as it is, as columns (judged
    at the end, all at once), and those rolled up from shorter periods, as records."""

    def __init__(self, figures: dict[str, np.ndarray]):
        self.figures = figures
        self.made = 0
        self.versions: list[dict] = []  # each version of the catalog the rows use, once
        self.version_number: dict[int, int] = {}
        self.direct: dict[str, list] = {name: [] for name in ("indicator_id", "period", "version", "position")}
        self.direct.update(required=[], series=[], _made=[])
        self.rolled: list[dict] = []

    def number_of(self, version: dict) -> int:
        key = id(version)
        if key not in self.version_number:
            self.version_number[key] = len(self.versions)
            self.versions.append(version)
        return self.version_number[key]

    def add_rolled(self, row: dict) -> None:
        self.rolled.append({**row, "_made": self.made})
        self.made += 1

    def part(self, position: int) -> dict:
        """One measurement as the roll-ups read it."""
        return {name: float(self.figures[name][position]) for name in _MEASURED}

    def rolled_frame(self) -> pd.DataFrame | None:
        if not self.rolled:
            return None
        frame = pd.DataFrame(self.rolled, columns=[*EVALUATION_COLUMNS, "_sort", "_made"])
        return frame.assign(_sort=per_distinct(frame["period"].tolist(), _order))

    def direct_frame(self) -> pd.DataFrame | None:
        columns = self.direct
        if not columns["period"]:
            return None
        nan = math.nan
        position = np.asarray(columns["position"], dtype=np.int64)
        value, numerator, denominator, upper = (_taken(self.figures[name], position) for name in _MEASURED)
        number = np.asarray(columns["version"], dtype=np.int64)
        ops = [version["target_op"] for version in self.versions]
        targets = [version["target_value"] for version in self.versions]
        has_target = np.array([not is_missing(o) and not is_missing(t) for o, t in zip(ops, targets, strict=True)])
        op_code = np.array([_OPS.get(o, 4) for o in ops])[number]
        target = np.array([float(t) if not is_missing(t) else nan for t in targets])[number]
        higher = np.array([version["polarity"] == Polarity.HIGHER for version in self.versions])[number]
        judged = has_target[number]
        measured = ~np.isnan(value)
        met = _meets(value, op_code, target)
        status = np.where(met, Status.MET.value, Status.NOT_MET.value).astype(object)
        # a lower bound (cases still open) that would give the other verdict if they never closed
        pending = measured & ~np.isnan(upper) & (_meets(upper, op_code, target) != met)
        status[pending] = Status.PENDING.value
        status[~measured] = Status.NO_DATA.value
        status[~judged] = Status.NO_TARGET.value
        difference = value - target
        margin = np.where(judged & measured, np.where(higher, difference, -difference), nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            relative = np.where(np.isnan(margin) | (target == 0), nan, margin / np.abs(target))
        relative[~judged] = nan
        count = measured.astype(np.int64)
        periods_list = columns["period"]
        frame = pd.DataFrame(
            {
                "indicator_id": columns["indicator_id"],
                "period": periods_list,
                "value": value,
                "numerator": numerator,
                "denominator": denominator,
                "target_op": np.array(ops, dtype=object)[number].tolist(),
                "target_value": np.array(targets, dtype=float)[number],
                **{
                    name: np.array([version[name] for version in self.versions], dtype=object)[number].tolist()
                    for name in ("target_unit", "polarity")
                },
                "status": status.tolist(),
                "margin": margin,
                "required": columns["required"],
                "series": columns["series"],
                "rolled_up": np.zeros(len(number), dtype=bool),
                "periods_met": (status == Status.MET.value).astype(np.int64),
                "periods_expected": np.ones(len(number), dtype=np.int64),
                "periods_missing": 1 - count,
                "relative_margin": relative,
                "periods_measured": count,
                "missing_periods": ["" if m else str(p) for m, p in zip(measured.tolist(), periods_list, strict=True)],
            }
        )
        return frame[EVALUATION_COLUMNS].assign(_sort=per_distinct(periods_list, _order), _made=columns["_made"])


def _taken(figures: np.ndarray, position: np.ndarray) -> np.ndarray:
    """``figures`` at each position, NaN where the position is -1 (no measurement; perhaps none at all)."""
    found = position >= 0
    if not found.any():
        return np.full(len(position), math.nan)
    return np.where(found, figures[np.where(found, position, 0)], math.nan)


def _order(period: Period) -> int:
    """:attr:`Period.sort_key` as one integer (start month, then longer periods first), for a fast sort."""
    return (period.start.year * 12 + period.start.month) * 16 + (12 - MONTHS_IN[period.freq])


def _meets(values: np.ndarray, op_code: np.ndarray, target: np.ndarray) -> np.ndarray:
    """:func:`~kpilib.core.vocabulary.meets` of whole arrays (``op_code``: :data:`_OPS`, 4 for ``=``)."""
    with np.errstate(invalid="ignore"):
        return np.select(
            [op_code == 0, op_code == 1, op_code == 2, op_code == 3],
            [values >= target, values > target, values <= target, values < target],
            values == target,
        )


def with_upper_bounds(measurements: pd.DataFrame, bounds: pd.DataFrame | None) -> pd.DataFrame:
    """``measurements`` with an ``upper`` column: for values derived from case records with open cases,
    the value if they stayed open for ever (else NaN: the value is final)."""
    if bounds is None or bounds.empty or measurements.empty:
        return measurements.assign(upper=math.nan)
    derived = measurements["source"].astype(str).str.startswith("data/raw/events/")
    keyed = {(i, str(p)): u for i, p, u in zip(bounds["indicator_id"], bounds["period"], bounds["upper"], strict=True)}
    upper = [
        keyed.get((i, str(p)), math.nan) if from_cases else math.nan
        for i, p, from_cases in zip(measurements["indicator_id"], measurements["period"], derived, strict=True)
    ]
    return measurements.assign(upper=upper)


def _plan_rows(
    plan: _Plan, versions: list[dict], measured: dict, evaluated: Period, others: tuple, ladders: dict
) -> None:
    """Decide one indicator's rows (its series and required periods), each held against the version of the
    catalog in force at its end; periods in which no version is in force are left out. ``measured``: the
    indicator's measurements, period text -> (period, position in the measurements)."""
    indicator = versions[-1]
    end = evaluated.end
    points = {text: found for text, found in measured.items() if found[0].end <= end}
    point_periods = [period for period, _ in points.values()]
    freq = series_freq(indicator, point_periods, evaluated)
    series, in_series = _series_ladder(point_periods, freq, evaluated, ladders)
    required = required_periods(indicator, evaluated, freq)
    extra = [period for other in others for period in required_periods(indicator, other, freq)]
    in_required = {period.text for period in required}
    chosen = {period.text: period for period in (*series, *required, *extra)}
    ordered = series if len(chosen) == len(series) else sorted(chosen.values(), key=lambda p: p.sort_key)
    by_year: dict[int, tuple[dict, int] | None] = {}
    columns, made = plan.direct, plan.made
    if len(versions) == 1 and all(_covers_all(versions[0])):
        # one version in force throughout: where every period has its measurement (nearly always), no decision
        # is left to make period by period
        hits = [points.get(period.text) for period in ordered]
        if None not in hits:
            size = len(ordered)
            columns["indicator_id"] += [indicator["indicator_id"]] * size
            columns["period"] += ordered
            columns["version"] += [plan.number_of(versions[0])] * size
            columns["position"] += [hit[1] for hit in hits]
            columns["required"] += [period.text in in_required for period in ordered]
            columns["series"] += [period.text in in_series for period in ordered]
            columns["_made"] += range(made, made + size)
            plan.made = made + size
            return
    for period in ordered:
        year = period.end.year
        if year not in by_year:
            version = version_at(versions, period)
            by_year[year] = (version, plan.number_of(version)) if version is not None else None
        if by_year[year] is None:
            continue
        version, number = by_year[year]
        text = period.text
        hit = points.get(text)
        step = freq if MONTHS_IN[freq] < MONTHS_IN[period.freq] else None
        if hit is None and step is None:  # a series period without value: finer data, if any, rolls up
            finer = [p for p in point_periods if MONTHS_IN[p.freq] < MONTHS_IN[period.freq] and period.contains(p)]
            step = min((p.freq for p in finer), key=MONTHS_IN.get, default=None)
        if hit is not None or step is None:
            columns["indicator_id"].append(version["indicator_id"])
            columns["period"].append(period)
            columns["version"].append(number)
            columns["position"].append(hit[1] if hit is not None else -1)
            columns["required"].append(text in in_required)
            columns["series"].append(text in in_series)
            columns["_made"].append(made)
            made += 1
            continue
        plan.made = made
        expected = period.split(step)
        parts = []
        for p in expected:
            if p.text in points:
                part = plan.part(points[p.text][1])
                parts.append(
                    {**part, "period": p, "status": _judged(Target.of(version), part["value"], part["upper"])[0]}
                )
        row = roll_up_records(parts, expected, version, period)
        plan.add_rolled(
            {
                **_identity(version, period),
                **row,
                "required": text in in_required,
                "rolled_up": True,
                "series": text in in_series,
            }
        )
        made = plan.made
    plan.made = made


def _covers_all(version: dict) -> tuple[bool, bool]:
    """Whether the version has no first and no last year (in force for every period)."""
    return is_missing(version.get("valid_from")), is_missing(version.get("valid_to"))


def _identity(version: dict, period: Period) -> dict:
    return {
        "indicator_id": version["indicator_id"],
        "period": period,
        **{key: version[key] for key in ("target_op", "target_value", "target_unit", "polarity")},
    }


def _series_ladder(points: list[Period], freq: str, evaluated: Period, ladders: dict) -> tuple[list, set]:
    """The periods of ``freq`` from the one holding the first usable measurement to the end of ``evaluated``,
    and their texts; ``ladders``: those already made, by first period (many series start together)."""
    usable = [period for period in points if MONTHS_IN[period.freq] <= MONTHS_IN[freq]]
    if not usable:
        return [], set()
    first = min(usable, key=lambda p: p.start).enclosing(freq)
    key = (first.text, evaluated.text)
    if key not in ladders:
        current, periods = first, []
        while current.end <= evaluated.end:
            periods.append(current)
            current = current.shift(1)
        ladders[key] = (periods, {period.text for period in periods})
    return ladders[key]


def _judged(target: Target | None, value: float, upper: float = math.nan) -> tuple[str, float, float]:
    """Status, margin and relative margin of ``value`` against the target (none: ``no_target``, no margins).

    ``upper``: where ``value`` is a lower bound (open cases at their age), the value if they never
    closed: the status is ``pending`` when the two give different verdicts.
    """
    if target is None:
        return Status.NO_TARGET, math.nan, math.nan
    status = target.status(value)
    if not is_missing(value) and not is_missing(upper) and target.status(upper) != status:
        status = Status.PENDING
    return status, target.margin(value), target.relative_margin(value)


def roll_up(parts: pd.DataFrame, expected: list[Period], indicator: dict, period: Period) -> dict:
    """A period made of the ``expected`` shorter ones, from the ``parts`` at hand (``period``, ``value``,
    ``numerator``, ``denominator``, ``status``, optionally ``missing_periods``): pooled value, status,
    how many parts met the target, and which were missing.

    A part without a value (not sent, or declared not available) is missing. The period is
    judged on the parts measured: with a basis finer than the period it is met when every
    measured part is; without a basis the pooled value is held against the target, which
    applies to the period itself. Only a period with no part measured is ``no_data``.
    """
    return roll_up_records(parts.to_dict("records"), expected, indicator, period)


def roll_up_records(parts: list[dict], expected: list[Period], indicator: dict, period: Period) -> dict:
    """:func:`roll_up` of parts given as records (what the evaluation has at hand: no frame per period)."""
    held, unit = Target.of(indicator), indicator["target_unit"]
    # A part is measured when it has a value, or a verdict without one (percentages rolled up without counts).
    judged = (Status.MET, Status.NOT_MET, Status.PENDING)
    measured = [part for part in parts if not is_missing(part["value"]) or part["status"] in judged]
    with_value = [part for part in measured if not is_missing(part["value"])]
    value, numerator, denominator = pool_values(
        [part["value"] for part in with_value],
        [part["numerator"] for part in with_value],
        [part["denominator"] for part in with_value],
        unit,
        _counts_add_up(indicator, period),
    )
    status_by_period = {part["period"]: part["status"] for part in measured}
    statuses = [status_by_period.get(p, Status.NO_DATA) for p in expected]
    missing = [p for p in expected if p not in status_by_period]
    # parts that are themselves roll-ups bring their own gaps
    gaps = [str(part.get("missing_periods") or "") for part in measured if "missing_periods" in part]
    missing += periods(gap for text in gaps if text != "nan" for gap in text.split(";") if gap)
    if held and indicator["basis"] not in BASIS_FREQ and not is_missing(value):
        status = held.status(value)
        if status == Status.MET and Status.PENDING in statuses:  # a part's open cases could still make it fail
            status = Status.PENDING
    else:
        status = combined_status(statuses, held is not None)
    _, margin, relative = _judged(held, value)
    if held and is_missing(relative) and with_value:
        # No pooled value (counts judged month by month): the parts' relative margins, averaged, so that
        # every judged row can be ranked by how far it is from its target.
        parts_relative = [held.relative_margin(part["value"]) for part in with_value]
        known = [r for r in parts_relative if not is_missing(r)]
        relative = sum(known) / len(known) if known else math.nan
    return {
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
        "status": status,
        "margin": margin,
        "relative_margin": relative,
        "periods_met": statuses.count(Status.MET),
        "periods_expected": len(expected),
        "periods_missing": statuses.count(Status.NO_DATA),
        "periods_measured": len(expected) - statuses.count(Status.NO_DATA),
        "missing_periods": ";".join(str(p) for p in sorted(set(missing))),
    }
