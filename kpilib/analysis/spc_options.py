"""The two choices an analysis may make about its process limits, stated once and recorded with the results.

- ``screen``: leave out moving ranges above 3.267 times their mean before computing the limits (the
  Making Data Count Excel tools do not, so neither does kpilib by default);
- ``baseline``: freeze each segment's limits after its first N points (NHSRplotthedots'
  ``fix_after_n_points``, the Making Data Count tool's fixed baseline): the later points are judged
  against limits they did not move.

Given on the command line (``kpi evaluate --screen --baseline 12``, also ``kpi run``), to
:func:`kpilib.analyse`, or for every run in ``data/raw/spc.csv`` (``voce;valore`` rows
``screening;sì`` and ``limiti_fissati_dopo;12``); what was used is written beside the analysis
(``data/processed/spc_settings.json``) and shown in every report's provenance.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..core.errors import KpiError
from ..core.files import read_csv_rows
from ..core.paths import Paths
from ..core.text import plain_key

RECORD_FILE = "spc_settings.json"
_YES, _NO = {"si", "s", "yes", "true", "1"}, {"no", "n", "false", "0", ""}


@dataclass(frozen=True)
class SpcOptions:
    screen: bool = False
    baseline: int | None = None

    def said_it(self) -> list[tuple[str, str]]:
        """The options in Italian, for the provenance table."""
        return [
            ("Screening dei moving range (oltre 3,267 volte la media)", "sì" if self.screen else "no"),
            (
                "Limiti fissati dopo",
                f"i primi {self.baseline} punti di ogni segmento"
                if self.baseline
                else "no: ricalcolati con ogni punto",
            ),
        ]


def resolve(paths: Paths, screen: bool | None = None, baseline: int | None = None) -> SpcOptions:
    """The options given, else those of ``data/raw/spc.csv``, else the defaults."""
    settings = read_settings(paths)
    chosen = SpcOptions(
        screen=settings.screen if screen is None else bool(screen),
        baseline=settings.baseline if baseline is None else baseline,
    )
    if chosen.baseline is not None and chosen.baseline < 6:
        raise KpiError(f"limits fixed after {chosen.baseline} points: give 6 or more (trial limits start at 6)")
    return chosen


def read_settings(paths: Paths) -> SpcOptions:
    path = paths.spc_settings
    if not path.is_file():
        return SpcOptions()
    screen, baseline = False, None
    for number, cells in enumerate(read_csv_rows(path), start=1):
        if len(cells) < 2:
            continue
        key, value = plain_key(cells[0]), cells[1].strip()
        if key == "screening":
            if plain_key(value) not in _YES | _NO:
                raise KpiError(f"{paths.relative(path)}: row {number}: screening '{value}': write sì or no")
            screen = plain_key(value) in _YES
        elif key == "limitifissatidopo":
            if value and not value.isdigit():
                raise KpiError(
                    f"{paths.relative(path)}: row {number}: limiti_fissati_dopo '{value}': write a number of points"
                )
            baseline = int(value) if value else None
    return SpcOptions(screen, baseline)


def write_record(paths: Paths, options: SpcOptions) -> bytes:
    """The record of the options used, as ``spc_settings.json`` holds it."""
    return (json.dumps({"screen": options.screen, "baseline": options.baseline}) + "\n").encode("utf-8")


def read_record(paths: Paths) -> SpcOptions | None:
    """The options the processed analysis was computed with (``None`` where not recorded)."""
    try:
        record = json.loads((paths.processed / RECORD_FILE).read_text(encoding="utf-8"))
        return SpcOptions(bool(record["screen"]), record["baseline"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
