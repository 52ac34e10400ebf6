"""Validating measurements: text cells in, accepted measurements and rejects out.

:func:`validate_measurements` is the pure heart. Every record it is given ends in
exactly one of its two outputs; rejects carry a reason a clerk can act on, in Italian.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from ..catalog.versions import covers, version_at, versions_by_indicator
from ..core.clock import milan_today
from ..core.files import delivered_file, iter_records
from ..core.labels import UNIT_NAME_IT
from ..core.numbers import POINT, NotANumber, Written, decimal_style, is_not_available, read_number
from ..core.periods import (
    BASIS_FREQ,
    FIRST_YEAR,
    ITALIAN_FREQ,
    LAST_YEAR,
    MONTHS_IN,
    PeriodOutOfRange,
    parse_period,
)
from ..core.rejects import RejectColumns, Rejected, reject, rejected, rejects_frame, sort_rejects
from ..core.schemas import CORRECTIONS, DELIVERIES, MEASUREMENTS
from ..core.text import format_number_it
from ..core.vocabulary import DURATION_UNITS, Unit, is_missing

MEASUREMENT_COLUMNS = MEASUREMENTS.names
# The note of a value declared not available without a word of why.
NOT_AVAILABLE_NOTE = "non disponibile"
RATIO_TOLERANCE = 0.05  # percentage points between a reported value and numerator/denominator


def _number(record: dict, field: str, what: str, decimal: str | None) -> Written | None:
    """A number cell of the record; a cell that held a number (not text) in a workbook is unambiguous."""
    style = POINT if field in str(record.get("typed", "")).split() else decimal
    try:
        return read_number(record[field], style)
    except NotANumber as error:
        if error.code == "not_a_number":
            raise Rejected("not_a_number", what=what, written=record[field]) from None
        raise Rejected(error.code, **error.particulars) from None


def _it(value: float) -> str:
    return format_number_it(value, 4)


def parse_record(
    record: dict, indicator: dict | None, decimal: str | None = None, today: dt.date | None = None
) -> dict:
    """One accepted measurement from one record, or :class:`Rejected` with the reason.

    ``decimal``: the decimal separator the record's file shows (:func:`~.numbers.decimal_style`).
    """
    if not is_missing(record.get("problem")):
        raise Rejected(record["problem"], **json.loads(record.get("problem_detail") or "{}"))
    if not record["indicator_id"]:
        raise Rejected("missing_indicator")
    if indicator is None:
        raise Rejected("unknown_indicator", indicator=record["indicator_id"])
    if not record["period"]:
        raise Rejected("missing_period")
    if "period" in str(record.get("typed", "")).split() and not str(record["period"]).isdigit():
        raise Rejected("period_as_number", period=record["period"])  # 2026.10 arrives as 2026.1: never guessed
    try:
        period = parse_period(record["period"])
    except PeriodOutOfRange:
        raise Rejected("period_out_of_range", first=FIRST_YEAR, last=LAST_YEAR, period=record["period"]) from None
    except ValueError:
        raise Rejected("unrecognized_period", period=record["period"]) from None
    today = today or milan_today()
    if period.start > today:
        raise Rejected("future_period", period=str(period), today=today.strftime("%d/%m/%Y"))
    # Unit and basis as the edition in force then published them: a target republished in another form
    # ("98%" as "≥ 98") does not turn earlier values into rejects.
    indicator = _in_force(indicator, period)
    basis_freq = BASIS_FREQ.get(indicator["basis"])
    if basis_freq and MONTHS_IN[period.freq] > MONTHS_IN[basis_freq]:
        raise Rejected("period_coarser_than_basis", period=str(period), basis=ITALIAN_FREQ[basis_freq])

    unit = indicator["target_unit"]
    if is_not_available(record["value"]):
        if record["numerator"] or record["denominator"]:
            raise Rejected("not_available_with_parts", value=record["value"])
        declared = _measurement(indicator, period, math.nan, None, None, record)
        return {**declared, "note": declared["note"] or NOT_AVAILABLE_NOTE}
    value = _number(record, "value", "valore", decimal)
    numerator = _number(record, "numerator", "numeratore", decimal)
    denominator = _number(record, "denominator", "denominatore", decimal)
    if value and value.unit and unit and value.unit != unit:
        raise Rejected(
            "wrong_unit", unit=UNIT_NAME_IT[value.unit], written=record["value"], expected=UNIT_NAME_IT[unit]
        )
    for part, what in ((numerator, "numeratore"), (denominator, "denominatore")):
        if part and part.unit:
            written = record["numerator" if part is numerator else "denominator"]
            raise Rejected("part_with_unit", what=what, written=written)
    ratio = None
    if numerator or denominator:
        if unit not in (Unit.PERCENT, ""):
            raise Rejected("parts_not_for_unit", unit=UNIT_NAME_IT[unit])
        if numerator is None or denominator is None:
            raise Rejected("missing_part", what="numeratore" if numerator is None else "denominatore")
        if denominator.value <= 0:
            raise Rejected("denominator_not_positive", value=_it(denominator.value))
        if numerator.value < 0:
            raise Rejected("numerator_negative", value=_it(numerator.value))
        if numerator.value > denominator.value:
            raise Rejected(
                "numerator_above_denominator", numerator=_it(numerator.value), denominator=_it(denominator.value)
            )
        ratio = 100 * numerator.value / denominator.value
    if value is None and ratio is None:  # a row left empty (a template's period not measured): missing, not wrong
        return {**_measurement(indicator, period, math.nan, None, None, record), "_filled": False}
    if value is not None and ratio is not None and abs(value.value - ratio) > RATIO_TOLERANCE + 1e-9:
        raise Rejected(
            "value_inconsistent_with_parts",
            value=_it(value.value),
            numerator=_it(numerator.value),
            denominator=_it(denominator.value),
            ratio=_it(ratio),
        )
    measured = value.value if value is not None else ratio
    if unit == Unit.PERCENT and not 0 <= measured <= 100:
        raise Rejected("percent_out_of_range", value=_it(measured))
    if unit in (*DURATION_UNITS, Unit.NUMBER) and measured < 0:
        raise Rejected("negative_value", unit=UNIT_NAME_IT[unit], value=_it(measured))
    return _measurement(indicator, period, measured, numerator, denominator, record)


def _measurement(indicator: dict, period, value: float, numerator, denominator, record: dict) -> dict:
    return {
        "indicator_id": indicator["indicator_id"],
        "period": period,
        "value": value,
        "numerator": numerator.value if numerator else math.nan,
        "denominator": denominator.value if denominator else math.nan,
        "note": str(record.get("note") or ""),
    }


def _in_force(indicator: dict, period) -> dict:
    """The version of the indicator in force at ``period`` (``indicator["_versions"]``: its versions; without
    them, the indicator as given). A period in which no version lists it is not expected: rejected, saying
    when the indicator is in force. Looked up once per indicator and period (``indicator["_at"]``)."""
    versions = indicator.get("_versions") or []
    if not versions:
        return indicator
    found = indicator.setdefault("_at", {})
    if period not in found:
        found[period] = version_at(versions, period)
    if found[period] is not None:
        return found[period]
    year = period.end.year
    ended = [int(v["valid_to"]) for v in versions if not is_missing(v["valid_to"]) and int(v["valid_to"]) < year]
    if ended:
        raise Rejected("indicator_retired", year=max(ended), period=str(period))
    starts = [int(v["valid_from"]) for v in versions if not is_missing(v["valid_from"])]
    raise Rejected("indicator_not_yet_in_force", period=str(period), year=min(starts))


def validate_measurements(
    records: pd.DataFrame,
    indicators: pd.DataFrame,
    versions: pd.DataFrame | None = None,
    issued_ids: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Accepted measurements and rejects from text records (:data:`~.files.RAW_COLUMNS`):
    :func:`validate_deliveries` without the ledger."""
    validated = validate_deliveries(records, indicators, versions, issued_ids)
    return validated.measurements, validated.rejects


@dataclass
class Validated:
    """What the deliveries gave: the value in force per indicator and period, the rejects, the ledger
    (every non-blank delivered row once, with its outcome), the corrections, and the blank rows."""

    measurements: pd.DataFrame
    rejects: pd.DataFrame
    ledger: pd.DataFrame
    corrections: pd.DataFrame
    blanks: pd.DataFrame


def validate_deliveries(
    records: pd.DataFrame,
    indicators: pd.DataFrame,
    versions: pd.DataFrame | None = None,
    issued_ids: pd.DataFrame | None = None,
) -> Validated:
    """Measurements, rejects, ledger and corrections from text records (:data:`~.files.RAW_COLUMNS`).

    Each file is one delivery. A row left blank (no value, numerator, denominator or note) is
    neither a measurement nor a reject: a requested value not filled (``blanks``). Inside one
    delivery, conflicting values for one indicator and period reject every copy, each naming the
    others, and later copies of an identical measurement are duplicates. Between deliveries, the
    same value is one measurement (``confirmed``); a different one from a later delivery
    (``delivered_on``) is a correction: it wins, and the value it replaced is kept in
    ``corrections``. Deliveries that disagree and cannot be ordered by date are a conflict.
    ``versions``: every version of the catalog (``read_indicator_versions``); a value for a
    period in which none lists the indicator is rejected. ``issued_ids``: ids as issued before a
    rename (``indicator_aliases.csv``): a value sent under one, for a period of its version, is the
    series' value under its id of today.
    """
    groups = versions_by_indicator(versions) if versions is not None else []
    by_id = {group[0]["indicator_id"].casefold(): group for group in groups}
    catalog = {
        row["indicator_id"].casefold(): {**row, "_versions": by_id.get(row["indicator_id"].casefold(), [])}
        for row in indicators.to_dict("records")
    }
    styles = _decimal_styles(records)
    today = milan_today()
    parsed: list[dict] = []
    rejects = RejectColumns()
    dates = _delivery_dates(records)
    ledger = Ledger()
    blanks: list[tuple] = []
    issued = _issued(issued_ids)
    blank_rows = _blank_rows(records)
    for record, blank in zip(iter_records(records), blank_rows, strict=True):
        written = str(record["indicator_id"]).strip().casefold()
        indicator = catalog.get(written)
        if indicator is None and written in issued:
            indicator = _renamed_for(record, issued[written], catalog)
        if blank:
            blanks.append(_blank(record, indicator))
            continue
        try:
            parsed.append(
                {
                    **parse_record(record, indicator, styles.get(record["source"]), today),
                    "source": record["source"],
                    "row": record["row"],
                    "raw": record["raw"],
                }
            )
        except Rejected as error:
            rejected = _rejected(record, error, indicator)
            rejects.append(rejected)

    parsed, coarser = _series_granularity(parsed, catalog)
    rejects += coarser
    accepted: list[dict] = []
    corrections: list[dict] = []
    by_key: dict[tuple, list[dict]] = {}
    for measurement in parsed:
        by_key.setdefault((measurement["indicator_id"], measurement["period"]), []).append(measurement)
    for copies in by_key.values():
        filled = [copy for copy in copies if copy.get("_filled", True)]
        if filled and len(filled) < len(copies):  # a row with only a note gives way to the value written elsewhere
            for copy in copies:
                if not copy.get("_filled", True):
                    rejects.append(_reject(copy, "blank_beside_value", where=_where(filled[0])))
            copies = filled
        if len(copies) == 1:  # the common case: one row for the key, nothing to compare
            ledger.add_copy(copies[0], "accepted")
            accepted.append(copies[0])
            continue
        winner = _resolve(copies, rejects, ledger, corrections, dates)
        if winner is not None:
            accepted.append(winner)

    measurements = pd.DataFrame(accepted, columns=MEASUREMENT_COLUMNS)
    # In the order of the canonical texts, as the file has always been sorted (not chronologically).
    measurements = measurements.sort_values(
        ["indicator_id", "period"], kind="stable", key=lambda column: column.astype(str)
    ).reset_index(drop=True)
    del parsed, by_key, accepted  # a million copies: gone before the rejects are framed and sorted
    frame = sort_rejects(rejects_frame(rejects))
    rejects.columns.clear()
    offices = {row["indicator_id"]: row["office"] for row in catalog.values()}
    return Validated(
        measurements,
        frame,
        ledger.frame(dates, offices, frame),
        _corrections_frame(corrections, dates),
        pd.DataFrame(blanks, columns=["source", "row", "indicator_id", "period"]),
    )


def _resolve(
    copies: list[dict], rejects: RejectColumns, ledger: Ledger, corrections: list[dict], dates: dict[str, str]
) -> dict | None:
    """The value in force among the copies of one indicator and period, or ``None`` when they conflict.

    Inside a delivery, copies must agree (else all are rejected) and later ones are duplicates.
    Between deliveries, equal values confirm the first; different ones are corrections in the
    order of the deliveries' dates, and a conflict when the dates cannot order them.
    """
    by_delivery: dict[str, list[dict]] = {}
    signature = {id(copy): _signature(copy) for copy in copies}
    for copy in copies:
        by_delivery.setdefault(_delivery_of(copy["source"]), []).append(copy)
    candidates = []
    for own in by_delivery.values():
        if len({signature[id(copy)] for copy in own}) > 1:
            named = {id(other): _named(other) for other in own[: CONFLICTS_NAMED + 1]}  # formatted once per value
            for copy in own:
                rejects.append(_reject(copy, "conflicting_values", others=_conflict(copy, own, named)))
            continue
        candidates.append(own[0])
        for copy in own[1:]:
            rejects.append(_reject(copy, "duplicate_copy", where=_where(own[0])))
    if not candidates:
        return None

    def order(copy: dict) -> str:  # dated deliveries by date, undated (derived values) first, each as they came
        return dates.get(copy["source"], "")

    if len({signature[id(copy)] for copy in candidates}) == 1:
        first, *later = sorted(candidates, key=order)
        ledger.add_copy(first, "accepted")
        for copy in later:
            ledger.add_copy(copy, "confirmed")
        return first
    when = [order(copy) for copy in candidates]
    derived = any(is_missing(copy.get("row")) or copy.get("row") == "" for copy in candidates)
    if derived or not all(when) or len(set(when)) < len(when):
        code = "conflicting_values" if derived else "undated_conflict"
        named = {id(other): _named(other) for other in candidates[: CONFLICTS_NAMED + 1]}
        for copy in candidates:
            rejects.append(_reject(copy, code, others=_conflict(copy, candidates, named)))
        return None
    ordered = sorted(candidates, key=order)
    current, outcomes = ordered[0], {id(ordered[0]): "accepted"}
    for copy in ordered[1:]:
        if signature[id(copy)] == signature[id(current)]:
            outcomes[id(copy)] = "confirmed"
            continue
        corrections.append({"old": current, "new": copy})
        outcomes[id(current)], outcomes[id(copy)] = "superseded", "corrected"
        current = copy
    for copy in ordered:
        ledger.add_copy(copy, outcomes[id(copy)])
    return current


@lru_cache(maxsize=4096)
def _delivery_of(source: str) -> str:
    """The delivered file a record's source names (a sheet of several is part of its file's delivery)."""
    return delivered_file(source)


def _delivery_dates(records: pd.DataFrame) -> dict[str, str]:
    """Each source's delivery date (``YYYY-MM-DD``, empty when undated), looked up instead of carried per row."""
    if "delivered_on" not in records or records.empty:
        return {}
    pairs = records[["source", "delivered_on"]].drop_duplicates("source")
    return {source: _text(on) for source, on in zip(pairs["source"], pairs["delivered_on"], strict=True)}


def _blank_rows(records: pd.DataFrame) -> list[bool]:
    """Rows with only what the template put there: no value, numerator, denominator or note, no problem
    (judged for the whole frame at once: a million rows are not asked one by one)."""
    if records.empty:
        return []
    cells = [
        records[name].fillna("").astype(str).str.strip().eq("")
        if name in records
        else pd.Series(True, index=records.index)
        for name in ("value", "numerator", "denominator", "note", "problem")
    ]
    blank = cells[0]
    for other in cells[1:]:
        blank &= other
    return blank.tolist()


def _blank(record: dict, indicator: dict | None) -> tuple:
    try:
        period = str(parse_period(record["period"])) if record["period"] else ""
    except ValueError:
        period = str(record["period"]).strip()
    written = indicator["indicator_id"] if indicator else str(record["indicator_id"]).strip()
    return (record["source"], record["row"], written, period)


def _text(value: object) -> str:
    return "" if is_missing(value) else str(value)


class Ledger:
    """The outcomes of the rows used (accepted, confirmed, corrected, superseded), kept column by column as
    they are judged; the rejected rows are the rejects' own, added when it is framed, with the delivery
    date and the office looked up once."""

    def __init__(self):
        self.source, self.row, self.indicator_id, self.period, self.outcome = [], [], [], [], []

    def add_copy(self, copy: dict, outcome: str) -> None:
        if is_missing(copy["row"]) or copy["row"] == "":
            return  # a value derived from case records: not a delivered row
        self.source.append(copy["source"])
        self.row.append(copy["row"])
        self.indicator_id.append(copy["indicator_id"])
        self.period.append(copy["period"])
        self.outcome.append(outcome)

    def frame(
        self,
        dates: dict[str, str] | None = None,
        offices: dict[str, str] | None = None,
        rejects: pd.DataFrame | None = None,
    ) -> pd.DataFrame:
        used = pd.DataFrame(
            {
                "source": self.source,
                "row": self.row,
                "indicator_id": self.indicator_id,
                "period": [str(p) for p in self.period],
                "outcome": self.outcome,
                "code": "",
            }
        )
        self.source, self.row, self.indicator_id, self.period, self.outcome = [], [], [], [], []
        if rejects is not None and len(rejects):
            delivered = rejects[rejects["row"].astype(str).ne("") & rejects["row"].notna()]
            refused = pd.DataFrame(
                {
                    "source": delivered["source"],
                    "row": delivered["row"],
                    "indicator_id": delivered["indicator_id"],
                    "period": delivered["period"].astype(str),
                    "outcome": "rejected",
                    "code": delivered["code"],
                }
            )
            used = pd.concat([used, refused], ignore_index=True) if len(used) else refused.reset_index(drop=True)
        frame = used.assign(
            delivered_on=used["source"].map(dates or {}).fillna(""),
            office=used["indicator_id"].map(offices or {}).fillna(""),
        )[DELIVERIES.names]
        # by file, then row number: integer keys sorted at once (a million rows of text are not compared)
        files, _ = pd.factorize(frame["source"], sort=True)
        order = pd.to_numeric(frame["row"], errors="coerce").fillna(0).to_numpy()
        return frame.take(np.lexsort((order, files))).reset_index(drop=True)


def _corrections_frame(corrections: list[dict], dates: dict[str, str]) -> pd.DataFrame:
    rows = [
        {
            "indicator_id": pair["new"]["indicator_id"],
            "period": pair["new"]["period"],
            "old_value": pair["old"]["value"],
            "new_value": pair["new"]["value"],
            "old_note": pair["old"]["note"],
            "new_note": pair["new"]["note"],
            "old_source": pair["old"]["source"],
            "old_row": pair["old"]["row"],
            "new_source": pair["new"]["source"],
            "new_row": pair["new"]["row"],
            "old_delivered_on": dates.get(pair["old"]["source"], ""),
            "new_delivered_on": dates.get(pair["new"]["source"], ""),
        }
        for pair in corrections
    ]
    frame = pd.DataFrame(rows, columns=CORRECTIONS.names)
    return frame.sort_values(
        ["indicator_id", "period", "new_delivered_on"], kind="stable", key=lambda column: column.astype(str)
    ).reset_index(drop=True)


def _issued(issued_ids: pd.DataFrame | None) -> dict[str, list[tuple]]:
    """Old id -> [(id of today, first year, last year)] from ``indicator_aliases.csv``."""
    found: dict[str, list[tuple]] = {}
    if issued_ids is None:
        return found
    for old, new, start, end in zip(
        issued_ids["old_id"], issued_ids["indicator_id"], issued_ids["valid_from"], issued_ids["valid_to"], strict=True
    ):
        found.setdefault(str(old).casefold(), []).append((str(new).casefold(), start, end))
    return found


def _renamed_for(record: dict, spans: list[tuple], catalog: dict) -> dict | None:
    """The indicator an old id names in the record's period (its version's years), else ``None``."""
    try:
        year = parse_period(record["period"]).end.year
    except ValueError:
        return None
    for new, start, end in spans:
        if covers(start, end, year) and new in catalog:
            return catalog[new]
    return None


def _series_granularity(parsed: list[dict], catalog: dict) -> tuple[list[dict], list[dict]]:
    """An indicator whose catalog names no basis is charted at the finest period its values use; a value of a
    coarser period beside finer ones would never be judged: rejected, saying what the series needs."""
    finest: dict[str, int] = {}
    for measurement in parsed:
        if not catalog[measurement["indicator_id"].casefold()]["basis"]:
            months = MONTHS_IN[measurement["period"].freq]
            finest[measurement["indicator_id"]] = min(months, finest.get(measurement["indicator_id"], 12))
    kept, rejects = [], []
    for measurement in parsed:
        smallest = finest.get(measurement["indicator_id"])
        freq = measurement["period"].freq
        if smallest is not None and MONTHS_IN[freq] > smallest:
            series = ITALIAN_FREQ[next(f for f, m in MONTHS_IN.items() if m == smallest)]
            rejects.append(_reject(measurement, "coarser_than_series", period=measurement["period"], series=series))
        else:
            kept.append(measurement)
    return kept, rejects


# A conflict names at most this many other copies: 2,000 copies naming each other would be 4 million names.
CONFLICTS_NAMED = 3


def _named(other: dict) -> str:
    return f"{_where(other)} (valore {_value_it(other['value'])})"


def _conflict(copy: dict, copies: list[dict], named: dict[int, str] | None = None) -> str:
    """The reason of one conflicting copy: the first few others, and how many more there are (linear in the
    copies: only the first few are looked at; ``named``: their descriptions, by ``id``)."""
    others = [other for other in copies[: CONFLICTS_NAMED + 1] if other is not copy][:CONFLICTS_NAMED]
    named = "; ".join((named or {}).get(id(other)) or _named(other) for other in others)
    more = len(copies) - 1 - CONFLICTS_NAMED
    tail = f" e altre {more} righe" if more > 0 else ""
    return f"{named}{tail}"


def _value_it(value: float) -> str:
    return "non disponibile" if is_missing(value) else _it(value)


def _decimal_styles(records: pd.DataFrame) -> dict[str, str | None]:
    """Per source file, the decimal separator its text number cells show (cells that held numbers left out)."""
    texts: dict[str, set[str]] = {}
    typed = records["typed"].astype(str) if "typed" in records else pd.Series("", index=records.index)
    for field in ("value", "numerator", "denominator"):
        written = ~typed.str.contains(rf"\b{field}\b", regex=True)
        shown = records.loc[written, ["source", field]].drop_duplicates()  # each text judged once per file
        for source, text in zip(shown["source"], shown[field], strict=True):
            texts.setdefault(source, set()).add(text)
    return {source: decimal_style(texts.get(source, ())) for source in records["source"].unique()}


def _where(record: dict) -> str:
    """Where a record came from, as a person would look for it."""
    if is_missing(record.get("row")):
        return f"{record['source']} (valore calcolato dai casi)"
    return f"{record['source']} riga {record['row']}"


def _signature(measurement: dict) -> tuple:
    """The numbers of a measurement, as compared between copies (NaN and None alike: no number)."""
    values = (measurement["value"], measurement["numerator"], measurement["denominator"])
    return tuple(None if v is None or v != v else round(float(v), 9) for v in values)


def _reject(measurement: dict, code: str, **particulars) -> dict:
    """A reject of an accepted-looking measurement (a copy or a conflict): its id and period are known."""
    return reject(
        measurement["source"],
        measurement["row"],
        code,
        measurement["raw"],
        measurement["indicator_id"],
        measurement["period"],
        **particulars,
    )


def _rejected(record: dict, error: Rejected, indicator: dict | None) -> dict:
    """A reject of a record as written: the catalog's id when known, else the id as written; the period
    canonical when it can be read, else as written."""
    indicator_id = indicator["indicator_id"] if indicator else str(record["indicator_id"]).strip()
    try:
        period = str(parse_period(record["period"])) if record["period"] else ""
    except ValueError:
        period = str(record["period"]).strip()
    return rejected(record["source"], record["row"], record["raw"], error, indicator_id, period)
