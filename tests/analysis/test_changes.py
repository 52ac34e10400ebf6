"""The process-changes register: rows read, canonical periods, and every unusable row rejected with a code."""

from __future__ import annotations

import pandas as pd
import pytest

from kpilib.analysis.changes import CHANGE_COLUMNS, read_changes
from kpilib.core.periods import periods
from tests.helpers import catalog, indicator

KNOWN = catalog(indicator("kpi-1"), indicator("kpi-2"))


def _register(tmp_path, text: str, name: str = "cambi.csv"):
    folder = tmp_path / "changes"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_changes_are_read_with_canonical_periods_and_their_rows(tmp_path):
    folder = _register(
        tmp_path, "indicatore;periodo;motivo\nKPI-1;marzo 2025;nuova procedura\nkpi-2;2025-S2;riorganizzazione\n"
    )
    changes, rejects = read_changes(folder, KNOWN, relative=lambda p: p.name)
    pd.testing.assert_frame_equal(
        changes,
        pd.DataFrame(
            {
                "indicator_id": ["kpi-1", "kpi-2"],
                "period": periods(["2025-03", "2025-S2"]),
                "reason": ["nuova procedura", "riorganizzazione"],
                "source": ["cambi.csv", "cambi.csv"],
                "row": [2, 3],
            },
            columns=CHANGE_COLUMNS,
        ),
    )
    assert rejects.empty


def test_unusable_rows_are_rejected_with_codes_naming_row_indicator_and_period(tmp_path):
    folder = _register(
        tmp_path,
        "indicatore;periodo;motivo\nkpi-1;2025-03;a\nkpi-9;2025-03;b\nkpi-1;boh;c\nkpi-1;marzo 2025;d\n",
    )
    changes, rejects = read_changes(folder, KNOWN, relative=lambda p: p.name)
    assert changes["row"].tolist() == [2]
    assert rejects[["row", "code", "indicator_id", "period"]].to_dict("records") == [
        {"row": 3, "code": "unknown_indicator_short", "indicator_id": "kpi-9", "period": "2025-03"},
        {"row": 4, "code": "unrecognized_period_short", "indicator_id": "kpi-1", "period": "boh"},
        {"row": 5, "code": "duplicate_change", "indicator_id": "kpi-1", "period": "2025-03"},
    ]
    assert rejects.loc[2, "reason"] == "cambiamento già registrato alla riga 2"


def test_a_register_without_its_header_rejects_every_row_none_lost(tmp_path):
    folder = _register(tmp_path, "chi;quando\nkpi-1;2025-03\n\nkpi-2;2025-04\n")
    changes, rejects = read_changes(folder, KNOWN, relative=lambda p: p.name)
    assert changes.empty
    assert rejects["row"].tolist() == [1, 2, 4] and set(rejects["code"]) == {"missing_header"}


@pytest.mark.slow
def test_change_rejects_reach_kpi_evaluate_s_file(tmp_path):
    from kpilib.core.rejects import REJECT_COLUMNS
    from kpilib.core.schemas import REJECTS
    from tests.fixture_root import build

    paths = build(tmp_path)
    (paths.changes_dir / "extra.csv").write_text("indicatore;periodo;motivo\nkpi-nessuno;2025-03;x\n")
    from kpilib.analysis.evaluate import run_evaluate

    run_evaluate(paths)
    written = REJECTS.read(paths.change_rejects)
    assert written.columns.tolist() == REJECT_COLUMNS
    assert written["code"].tolist() == ["unknown_indicator_short"] and written["row"].tolist() == [2]
