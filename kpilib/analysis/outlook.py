"""Early warning: while the evaluated period is still open, whether each indicator will make its target.

``compromesso`` is certain, never a guess: a month already missed where every month must meet the
target; a pooled share that would miss even if every case still expected met the deadline; a duration
whose lower bound (open cases at their age) already exceeds the target. ``a rischio`` comes from a
stated model, with its probability of missing the target (:data:`AT_RISK_FROM` or more):

- a pooled share (numerators and denominators): a beta-binomial projection. The share of cases that
  meet the deadline has a Beta(1 + met, 1 + missed) posterior from the months so far (a uniform
  prior); the cases still expected are the mean monthly volume so far times the months left;
- a target every month must meet: each remaining month meets it with the probability the process
  gives, a normal distribution around the process mean with sigma = mean moving range / 1.128 (the
  XmR estimate, which the limits at 3 sigma carry), independently; the period is met when every month is;
- a duration computed from open cases: the Kaplan-Meier estimate beyond the target (no probability).

Otherwise ``in linea``. Pure functions of the analysis frames; nothing is read or written here.
"""

from __future__ import annotations

import math

import pandas as pd

from ..catalog.targets import Target
from ..core.labels import value_it
from ..core.periods import Period
from ..core.vocabulary import Status, is_missing

IN_LINE, AT_RISK, LOST = "in linea", "a rischio", "compromesso"
AT_RISK_FROM = 0.5  # probability of missing the target from which an indicator is "a rischio"
OUTLOOK_COLUMNS = ["indicator_id", "period", "outlook", "probability", "reason"]


def is_open(period: Period, today) -> bool:
    """Whether the period has not ended yet on ``today``."""
    return period.end >= today


def outlook(
    indicators: pd.DataFrame,
    evaluation: pd.DataFrame,
    spc: pd.DataFrame,
    bounds: pd.DataFrame | None,
    evaluated: Period,
    today,
) -> pd.DataFrame:
    """One row per indicator with a target while ``evaluated`` is open on ``today`` (columns
    :data:`OUTLOOK_COLUMNS`; ``probability``: of missing the target, where a model gives one); empty once
    the period has ended."""
    if not is_open(evaluated, today):
        return pd.DataFrame(columns=OUTLOOK_COLUMNS)
    rows = []
    by_id = {key: group for key, group in evaluation.groupby("indicator_id")}
    charts = {key: group for key, group in spc.groupby("indicator_id")} if len(spc) else {}
    estimates = {}
    if bounds is not None and len(bounds):
        for row in bounds.to_dict("records"):
            estimates[(row["indicator_id"], str(row["period"]))] = row
    for indicator in indicators.to_dict("records"):
        target = Target.of(indicator)
        own = by_id.get(indicator["indicator_id"])
        if target is None or own is None:
            continue
        verdict, probability, reason = _one(indicator, target, own, charts.get(indicator["indicator_id"]),
                                            estimates, evaluated, today)  # fmt: skip
        rows.append(
            {
                "indicator_id": indicator["indicator_id"],
                "period": evaluated,
                "outlook": verdict,
                "probability": probability,
                "reason": reason,
            }
        )
    return pd.DataFrame(rows, columns=OUTLOOK_COLUMNS)


def _one(indicator, target: Target, own: pd.DataFrame, chart, estimates, evaluated: Period, today):
    unit = indicator["target_unit"]
    parts = own[[evaluated.contains(p) and p != evaluated for p in own["period"]]]
    parts = parts[parts["series"].astype(bool)] if len(parts) else parts
    done = parts[parts["value"].notna()]
    freq = parts["period"].iloc[0].freq if len(parts) else None
    left = _months_left(evaluated, freq, today) if freq else 0
    # certain: a part already missed where every part must meet the target
    missed = done[done["status"] == Status.NOT_MET]
    # a basis finer than the period: each part is required and must meet the target (no row for the period)
    every_part = bool(len(parts)) and _judged_by_parts(indicator)
    if every_part and len(missed):
        first = missed["period"].iloc[0]
        return (
            LOST,
            1.0,
            f"{first.label_it()} non ha raggiunto il target: il periodo è raggiunto solo se ogni mese lo è",
        )
    # certain: a duration whose lower bound already fails (open cases at their age)
    for period in [evaluated, *done["period"]]:
        row = estimates.get((indicator["indicator_id"], str(period)))
        if row is not None and not is_missing(row["lower"]) and not target.is_met(row["lower"]) and row["open_cases"]:
            return (
                LOST,
                1.0,
                (
                    f"{period.label_it()}: con i {int(row['open_cases'])} casi aperti alla loro età il valore è già "
                    f"{value_it(row['lower'], unit)}, oltre il target {target.shown()}"
                ),
            )
    counts = done[done["numerator"].notna() & done["denominator"].notna()]
    if unit == "percent" and len(counts) and not _judged_by_parts(indicator):
        return _share(target, counts, left, freq)
    if every_part and left and chart is not None and chart["mean"].notna().any():
        return _each_month(target, chart, left, unit)
    for period in [evaluated, *done["period"]]:
        row = estimates.get((indicator["indicator_id"], str(period)))
        if row is not None and not is_missing(row["estimate"]) and not target.is_met(row["estimate"]):
            return (
                AT_RISK,
                math.nan,
                (
                    f"{period.label_it()}: la stima di Kaplan-Meier ({value_it(row['estimate'], unit)}) è oltre il target"
                ),
            )
    return IN_LINE, math.nan, "nessun mese mancato e nessun segnale di rischio con i dati finora"


def _judged_by_parts(indicator: dict) -> bool:
    """A target each part must meet (a basis finer than the period), not a pooled value."""
    return indicator["basis"] in ("monthly", "quarterly")


def _months_left(evaluated: Period, freq: str, today) -> int:
    """Parts of the period (at ``freq``) not over on ``today``."""
    return sum(1 for part in evaluated.split(freq) if part.end >= today)


def _share(target: Target, counts: pd.DataFrame, left: int, freq: str) -> tuple[str, float, str]:
    met, total = float(counts["numerator"].sum()), float(counts["denominator"].sum())
    expected = round(total / len(counts) * left) if left else 0
    goal = target.value / 100
    best = (met + expected) / (total + expected) if total + expected else math.nan
    if not is_missing(best) and not target.is_met(100 * best):
        return (
            LOST,
            1.0,
            (
                f"anche se tutti i {expected} casi ancora attesi rispettassero il termine la quota sarebbe "
                f"{value_it(100 * best, 'percent')}, sotto il target {target.shown()}"
            ),
        )
    if not expected:
        return IN_LINE, math.nan, "il periodo è quasi concluso e la quota è nel target"
    needed = math.ceil(goal * (total + expected) - met - 1e-9)
    p_meet = beta_binomial_tail(max(needed, 0), expected, 1 + met, 1 + total - met)
    risk = 1 - p_meet
    verdict = AT_RISK if risk >= AT_RISK_FROM else IN_LINE
    return (
        verdict,
        risk,
        (
            f"quota finora {value_it(100 * met / total, 'percent')} su {int(total)} casi; servono almeno {max(needed, 0)} "
            f"nei termini sui circa {expected} attesi: probabilità di mancare il target "
            f"{value_it(100 * risk, 'percent', 0)} (proiezione beta-binomiale)"
        ),
    )


def beta_binomial_tail(k: int, n: int, a: float, b: float) -> float:
    """P(X >= k) for X ~ BetaBinomial(n, a, b).

    >>> round(beta_binomial_tail(0, 10, 1, 1), 6), round(beta_binomial_tail(11, 10, 1, 1), 6)
    (1.0, 0.0)
    >>> round(beta_binomial_tail(5, 10, 1, 1), 4)  # uniform prior: every count equally likely
    0.5455
    """
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0

    def log_pmf(x: int) -> float:
        return (
            math.lgamma(n + 1) - math.lgamma(x + 1) - math.lgamma(n - x + 1)
            + math.lgamma(x + a) + math.lgamma(n - x + b) - math.lgamma(n + a + b)
            + math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
        )  # fmt: skip

    return min(1.0, sum(math.exp(log_pmf(x)) for x in range(k, n + 1)))


def _each_month(target: Target, chart: pd.DataFrame, left: int, unit: str) -> tuple[str, float, str]:
    latest = chart.iloc[-1]
    mean = float(latest["mean"])
    # the wider half of the band: a limit kept within 0-100% or above 0 would shrink the other one
    sigma = max(float(latest["upper_limit"]) - mean, mean - float(latest["lower_limit"])) / 3
    if sigma <= 0:
        p_month = 1.0 if target.is_met(mean) else 0.0
    else:
        z = (target.value - mean) / sigma
        below = 0.5 * (1 + math.erf(z / math.sqrt(2)))  # P(value <= target)
        p_month = below if target.op in ("<=", "<") else 1 - below
    risk = 1 - p_month**left
    verdict = AT_RISK if risk >= AT_RISK_FROM else IN_LINE
    return (
        verdict,
        risk,
        (
            f"ogni mese deve raggiungere il target; con la media del processo ({value_it(mean, unit)}) e la sua "
            f"variabilità ordinaria, probabilità di mancarlo in almeno uno dei {left} mesi che restano: "
            f"{value_it(100 * risk, 'percent', 0)}"
        ),
    )
