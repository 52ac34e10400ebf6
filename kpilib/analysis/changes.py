"""The process-changes register (``data/raw/changes/*.csv``): where a process changed.

One row per change: ``indicator_id`` (``indicatore``), ``period`` (``periodo``), ``reason``
(``motivo``): from that period on the process is a new one (a new procedure, a
reorganisation), so its SPC limits are computed afresh (rebasing). The code reads the
register and never writes it; rows it cannot use go to ``change_rejects.csv``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..core.clock import milan_today
from ..core.errors import KpiError
from ..core.files import REGISTER_SUFFIXES, list_inputs, read_csv_rows
from ..core.periods import BASIS_FREQ, ITALIAN_FREQ, MONTHS_IN, parse_period, period_of
from ..core.rejects import reject, rejects_frame
from ..core.schema import DuplicateHeading
from ..core.schemas import CHANGE_LIST, CHANGES

CHANGE_COLUMNS = CHANGE_LIST.names


def read_changes(folder: Path, indicators: pd.DataFrame, relative=str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The recorded changes (period canonical) and the register rows that could not be used."""
    known = set(indicators["indicator_id"])
    basis = dict(zip(indicators["indicator_id"], indicators["basis"], strict=True))
    today = milan_today()
    changes, rejects, seen = [], [], {}
    for path in list_inputs(folder, REGISTER_SUFFIXES):
        lines = read_csv_rows(path)
        source = relative(path)
        try:
            header_at = next((i for i, cells in enumerate(lines) if CHANGES.is_header(cells)), None)
        except DuplicateHeading as error:
            raise KpiError(f"{path}: {error}") from None
        if header_at is None:  # every row rejected, none lost
            needed = "indicatore, periodo, motivo"
            rejects += [
                reject(source, number, "missing_header", " | ".join(cells), needed=needed)
                for number, cells in enumerate(lines, start=1)
                if any(cell.strip() for cell in cells)
            ] or [reject(source, 1, "missing_header", "", needed=needed)]
            continue
        positions = CHANGES.locate(lines[header_at])
        for number, cells in enumerate(lines[header_at + 1 :], start=header_at + 2):
            if not any(cell.strip() for cell in cells):
                continue
            record = CHANGES.record(cells, positions)
            raw = " | ".join(cells)
            indicator_id = record["indicator_id"].lower()
            try:
                period = parse_period(record["period"])
            except ValueError:
                rejects.append(
                    reject(
                        source,
                        number,
                        "unrecognized_period_short",
                        raw,
                        indicator_id,
                        record["period"],
                        period=record["period"],
                    )
                )
                continue
            parsed = period
            basis_freq = BASIS_FREQ.get(basis.get(indicator_id, ""))
            if indicator_id in known and parsed.start > today:
                rejects.append(
                    reject(
                        source,
                        number,
                        "future_period",
                        raw,
                        indicator_id,
                        period,
                        period=period,
                        today=today.strftime("%d/%m/%Y"),
                    )
                )
            elif indicator_id in known and basis_freq and MONTHS_IN[parsed.freq] < MONTHS_IN[basis_freq]:
                rejects.append(
                    reject(
                        source,
                        number,
                        "change_finer_than_basis",
                        raw,
                        indicator_id,
                        period,
                        period=period,
                        basis=ITALIAN_FREQ[basis_freq],
                        first=str(period_of(parsed.start, basis_freq)),
                    )
                )
            elif indicator_id not in known:
                rejects.append(
                    reject(
                        source,
                        number,
                        "unknown_indicator_short",
                        raw,
                        indicator_id,
                        period,
                        indicator=record["indicator_id"],
                    )
                )
            elif (indicator_id, period) in seen:
                rejects.append(
                    reject(
                        source, number, "duplicate_change", raw, indicator_id, period, row=seen[(indicator_id, period)]
                    )
                )
            else:
                seen[(indicator_id, period)] = number
                changes.append(
                    {**record, "indicator_id": indicator_id, "period": period, "source": source, "row": number}
                )
    return pd.DataFrame(changes, columns=CHANGE_COLUMNS), rejects_frame(rejects)
