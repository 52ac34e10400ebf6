"""The process-changes register (``data/raw/changes/*.csv``): where a process changed.

One row per change: ``indicator_id`` (``indicatore``), ``period`` (``periodo``), ``reason``
(``motivo``): from that period on the process is a new one (a new procedure, a
reorganisation), so its SPC limits are computed afresh (rebasing). The code reads the
register and never writes it; rows it cannot use go to ``change_rejects.csv``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..core.files import list_inputs, read_csv_rows
from ..core.periods import parse_period
from ..core.rejects import reject, rejects_frame
from ..core.text import plain_key

FIELDS = {
    "indicator_id": {"indicatorid", "indicatore"},
    "period": {"period", "periodo", "dal", "dalperiodo"},
    "reason": {"reason", "motivo", "descrizione", "cambiamento"},
}
CHANGE_COLUMNS = ["indicator_id", "period", "reason", "source", "row"]


def read_changes(folder: Path, indicators: pd.DataFrame, relative=str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The recorded changes (period canonical) and the register rows that could not be used."""
    known = set(indicators["indicator_id"])
    changes, rejects, seen = [], [], {}
    for path in list_inputs(folder, (".csv",)):
        lines = read_csv_rows(path)
        header_at = next((i for i, cells in enumerate(lines) if _positions(cells)), None)
        if header_at is None:
            rejects.append(reject(relative(path), 1, "intestazione mancante: servono indicatore, periodo, motivo", ""))
            continue
        positions = _positions(lines[header_at])
        for number, cells in enumerate(lines[header_at + 1 :], start=header_at + 2):
            if not any(cell.strip() for cell in cells):
                continue
            record = {
                name: (cells[i].strip() if i is not None and i < len(cells) else "") for name, i in positions.items()
            }
            raw, source = " | ".join(cells), relative(path)
            indicator_id = record["indicator_id"].lower()
            try:
                period = str(parse_period(record["period"]))
            except ValueError:
                rejects.append(reject(source, number, f"periodo non riconosciuto: '{record['period']}'", raw))
                continue
            if indicator_id not in known:
                rejects.append(reject(source, number, f"indicatore sconosciuto: '{record['indicator_id']}'", raw))
            elif (indicator_id, period) in seen:
                first = seen[(indicator_id, period)]
                rejects.append(reject(source, number, f"cambiamento già registrato alla riga {first}", raw))
            else:
                seen[(indicator_id, period)] = number
                changes.append(
                    {**record, "indicator_id": indicator_id, "period": period, "source": source, "row": number}
                )
    return pd.DataFrame(changes, columns=CHANGE_COLUMNS), rejects_frame(rejects)


def _positions(cells: list[str]) -> dict[str, int] | None:
    keys = [plain_key(cell) for cell in cells]
    found = {name: next((i for i, key in enumerate(keys) if key in aliases), None) for name, aliases in FIELDS.items()}
    return found if found["indicator_id"] is not None and found["period"] is not None else None
