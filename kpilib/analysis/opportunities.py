"""Improvement opportunities for a direction and period, ranked, each with a reason in Italian.

Kinds, from most to least urgent: a process consistently failing its target (it must
change), a special-cause concern (find what happened), a deteriorating run or trend, a
target missed in the period, hit-and-miss performance (reduce variation), missing
measurements, and a target met by a wide margin every period (consider raising it:
continual improvement). Within a kind, larger volumes (denominators) come first.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from ..catalog.targets import target_shown
from ..core.files import records_of
from ..core.labels import agree_it, count_it, in_period_it, value_it
from ..core.periods import Period, with_periods
from ..core.schemas import OPPORTUNITIES
from ..core.vocabulary import Assurance, Polarity, Status, Unit, Variation, is_missing

OPPORTUNITY_COLUMNS = OPPORTUNITIES.names
BASE_SCORE = {
    "consistently_failing": 100,
    "special_cause_concern": 80,
    "deteriorating": 70,
    "not_met": 60,
    "hit_and_miss": 50,
    "missing_data": 40,
    "raise_target": 20,
}
KIND_LABELS = {
    "consistently_failing": "Processo che non raggiunge il target",
    "special_cause_concern": "Variazione anomala da indagare",
    "deteriorating": "Andamento in peggioramento",
    "not_met": "Target non raggiunto nel periodo",
    "hit_and_miss": "Target raggiunto a volte sì, a volte no",
    "missing_data": "Misure mancanti",
    "raise_target": "Target da rivedere al rialzo",
}
# What to do, one line per kind, for the first page of a report (the reason keeps the particulars).
ACTION_IT = {
    "consistently_failing": "cambiare il processo: azione correttiva (ISO 9001, 10.2)",
    "special_cause_concern": "verificare cosa è accaduto nei periodi segnalati e intervenire sulla causa",
    "deteriorating": "individuare la causa del peggioramento prima che il target venga mancato",
    "not_met": "registrare la non conformità, la causa e l'azione decisa",
    "hit_and_miss": "ridurre la variabilità del processo",
    "missing_data": "chiedere i dati all'ufficio",
    "raise_target": "valutare di alzare il target",
}
# "Met by a wide margin": the worst process limit beats the target by a third of the room
# left (100 - target for percentages where higher is better, the target itself otherwise).
WIDE_MARGIN_SHARE = 1 / 3


def find_opportunities(
    summary: pd.DataFrame,
    spc: pd.DataFrame,
    evaluation: pd.DataFrame,
    direction: str | None = None,
    pending: frozenset = frozenset(),
    unavailable: frozenset = frozenset(),
) -> pd.DataFrame:
    """Ranked opportunities for one direction (or all) in the summary's period: by kind, in the order the
    module states, and by score (volume) only within a kind. ``pending``: ``(indicator_id, period)`` of values
    not computable yet (their cases still open): missing, but nothing to ask the office; ``unavailable``: those
    the office declared not available (``n.d.`` with its reason): nothing to ask either."""
    summary, spc, evaluation = (
        with_periods(summary, "period", "latest_period"),
        with_periods(spc),
        with_periods(evaluation),
    )
    chosen = summary if direction is None else summary[summary["direction"] == direction]
    charts = _charts_of_concern(chosen, spc)
    volumes = _volumes(evaluation)
    found = []
    for row in records_of(chosen):
        chart = charts.get(row["indicator_id"], [])
        reasons = _reasons(row, chart, pending, unavailable)
        if reasons:  # one entry per indicator: its most urgent kind first, every reason in one text
            kind = min((k for k, _ in reasons), key=lambda k: -BASE_SCORE[k])
            volume = volumes.get(row["indicator_id"], math.nan)
            weight = 1 + (math.log10(1 + volume) / 10 if not is_missing(volume) else 0)
            found.append(
                {
                    **{
                        k: row[k]
                        for k in (
                            "direction",
                            "period",
                            "indicator_id",
                            "office",
                            "process",
                            "indicator",
                            "sub_indicator",
                        )
                    },
                    "kind": kind,
                    "kinds": ";".join(k for k, _ in sorted(reasons, key=lambda r: -BASE_SCORE[r[0]])),
                    "score": round(BASE_SCORE[kind] * weight, 2),
                    "volume": volume,
                    "reason": " ".join(text for _, text in sorted(reasons, key=lambda r: -BASE_SCORE[r[0]])),
                }
            )
    frame = pd.DataFrame(found, columns=[c for c in OPPORTUNITY_COLUMNS if c != "rank"])
    frame = frame.assign(_urgency=frame["kind"].map(BASE_SCORE))
    frame = frame.sort_values(
        ["direction", "_urgency", "score", "indicator_id"], ascending=[True, False, False, True], kind="stable"
    ).drop(columns="_urgency")
    frame.insert(2, "rank", frame.groupby("direction").cumcount() + 1)
    return frame.reset_index(drop=True)[OPPORTUNITY_COLUMNS]


def _charts_of_concern(summary: pd.DataFrame, spc: pd.DataFrame) -> dict[str, list[dict]]:
    """The chart points (as records, in order) of each indicator with a point of concern in its summary
    period: the chart says nothing to the reasons of the others (only concerns in the period do)."""
    period_of = dict(zip(summary["indicator_id"], summary["period"], strict=True))
    concerns = spc[spc["variation"] == Variation.CONCERN]
    wanted = {
        indicator_id
        for indicator_id, period in zip(concerns["indicator_id"], concerns["period"], strict=True)
        if indicator_id in period_of and period_of[indicator_id].contains(period)
    }
    charts: dict[str, list[dict]] = {}
    for point in records_of(
        spc.loc[spc["indicator_id"].isin(wanted), ["indicator_id", "period", "variation", "signals"]]
    ):
        charts.setdefault(point["indicator_id"], []).append(point)
    return charts


def _volumes(evaluation: pd.DataFrame) -> dict:
    """Total denominator of each indicator over its required periods (its volume), where known."""
    required = evaluation[evaluation["required"].astype(bool) & ~evaluation["rolled_up"].astype(bool)]
    totals = required.groupby("indicator_id")["denominator"].sum(min_count=1)
    rolled = evaluation[evaluation["required"].astype(bool) & evaluation["rolled_up"].astype(bool)]
    totals = totals.combine_first(rolled.groupby("indicator_id")["denominator"].sum(min_count=1))
    return totals.dropna().to_dict()


def _reasons(
    row: dict, chart: list[dict], pending: frozenset = frozenset(), unavailable: frozenset = frozenset()
) -> list[tuple[str, str]]:
    unit = row["target_unit"]
    reasons = []
    if row["assurance"] == Assurance.CONSISTENTLY_FAILING:
        reasons.append(
            (
                "consistently_failing",
                f"I limiti del processo ({value_it(row['lower_limit'], unit)}–{value_it(row['upper_limit'], unit)}) "
                f"sono tutti dal lato sbagliato del target ({target_shown(row)}): così com'è, il processo non può "
                "raggiungerlo. Serve un'azione correttiva che cambi il processo (ISO 9001, 10.2).",
            )
        )
    limit_points = [
        point["period"]
        for point in chart
        if point["variation"] == Variation.CONCERN
        and row["period"].contains(point["period"])
        and re.search("limit|two_of_three", str(point["signals"]))
    ]
    if limit_points:
        periods = ", ".join(_prose(p) for p in limit_points)
        reasons.append(
            (
                "special_cause_concern",
                f"Valori anomali (causa speciale) in {periods}: fuori dai limiti del processo o vicini al limite. "
                "Verificare cosa è accaduto e, se serve, intervenire sulla causa.",
            )
        )
    run = _concern_run(chart, row["period"])
    if run is not None:
        first, last, rules = run
        kind = "una serie di valori dal lato peggiore della media" if "run" in rules else "un peggioramento continuo"
        reasons.append(
            (
                "deteriorating",
                f"I valori mostrano {kind} da {_prose(first)} a {_prose(last)}: il processo sta peggiorando "
                "in modo non casuale. Individuare la causa prima che il target venga mancato.",
            )
        )
    if row["status"] == Status.NOT_MET and row["assurance"] != Assurance.CONSISTENTLY_FAILING:
        reasons.append(
            (
                "not_met",
                f"Target non raggiunto {in_period_it(row['period'])}: {_met_text(row)}. Registrare la non conformità "
                "e l'azione decisa.",
            )
        )
    if row["assurance"] == Assurance.HIT_AND_MISS:
        reasons.append(
            (
                "hit_and_miss",
                f"Il target ({target_shown(row)}) sta dentro i limiti del processo "
                f"({value_it(row['lower_limit'], unit)}–{value_it(row['upper_limit'], unit)}): a volte è raggiunto, a "
                "volte no, solo per variabilità. Ridurre la variabilità del processo.",
            )
        )
    if row["periods_missing"] and row["status"] != Status.NO_TARGET:
        gaps = [gap for gap in str(row.get("missing_periods") or "").split(";") if gap and gap != "nan"]
        waiting = [gap for gap in gaps if (row["indicator_id"], gap) in pending]
        declared = [gap for gap in gaps if (row["indicator_id"], gap) in unavailable and gap not in waiting]
        owed = int(row["periods_missing"]) - len(waiting) - len(declared)
        said = []
        if owed > 0:  # not sent, or sent and rejected: only these are the office's to send
            said.append(
                f"{_missing_it(owed, int(row['periods_expected']))} {in_period_it(row['period'])}: "
                "chiedere i dati all'ufficio."
            )
        if declared:
            said.append(
                f"{count_it(len(declared), 'valore')} ({', '.join(declared)}) {agree_it(len(declared), 'dichiarato')} "
                "non disponibile dall'ufficio, con il motivo nelle note."
            )
        if waiting:
            said.append(
                f"{count_it(len(waiting), 'valore')} ({', '.join(waiting)}) non ancora calcolabile dai casi, ancora "
                "aperti: nessuna richiesta all'ufficio, il valore si calcola alla chiusura dei casi."
            )
        reasons.append(("missing_data", " ".join(said)))
    if row["assurance"] == Assurance.CONSISTENTLY_MET and _wide_margin(row):
        reasons.append(
            (
                "raise_target",
                f"Il target ({target_shown(row)}) è superato ampiamente in ogni periodo: anche il limite peggiore del "
                f"processo ({value_it(_worst_limit(row), unit)}) lo supera. Valutare di alzare il target "
                "(miglioramento continuo).",
            )
        )
    return reasons


def _concern_run(chart: list[dict], evaluated: Period) -> tuple[Period, Period, str] | None:
    """The latest run or trend of concern that reaches into the evaluated period: its first and last
    point and its rules; ``None`` when the period has none (whatever its last point says). ``chart``:
    its points as records, in order."""
    if not chart:
        return None
    flagged = [
        point["variation"] == Variation.CONCERN and any(rule in str(point["signals"]) for rule in ("run", "trend"))
        for point in chart
    ]
    periods = [point["period"] for point in chart]
    inside = [i for i, p in enumerate(periods) if flagged[i] and evaluated.contains(p)]
    if not inside:
        return None
    last = inside[-1]
    first = last
    while first > 0 and flagged[first - 1]:
        first -= 1
    rules = ";".join(str(point["signals"]) for point in chart[first : last + 1])
    return periods[first], periods[last], rules


def _met_text(row: dict) -> str:
    expected = row["periods_expected"]
    if expected and expected > 1:
        met = int(row["periods_met"])
        return f"raggiunto in {count_it(met, 'periodo')} su {int(expected)}"
    return f"valore {value_it(row['value'], row['target_unit'])} contro {target_shown(row)}"


def _missing_it(missing: int, expected: int) -> str:
    """``Manca 1 misura su 6``, ``Mancano 2 misure su 6``.

    >>> _missing_it(1, 6), _missing_it(2, 6)
    ('Manca 1 misura su 6', 'Mancano 2 misure su 6')
    """
    return f"{agree_it(missing, 'manca').capitalize()} {count_it(missing, 'misura')} su {expected}"


def _prose(period: Period) -> str:
    """A period in Italian prose: ``luglio 2025``, ``2° semestre 2025``, ``anno 2025``."""
    return period.label_it()


def _worst_limit(row: dict) -> float:
    return row["lower_limit"] if row["polarity"] == Polarity.HIGHER else row["upper_limit"]


def _wide_margin(row: dict) -> bool:
    target = row["target_value"]
    if is_missing(target) or target == 0:
        return False
    distance = (_worst_limit(row) - target) if row["polarity"] == Polarity.HIGHER else (target - _worst_limit(row))
    room = 100 - target if row["target_unit"] == Unit.PERCENT and row["polarity"] == Polarity.HIGHER else abs(target)
    return room > 0 and distance >= WIDE_MARGIN_SHARE * room
