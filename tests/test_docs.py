"""docs/reference.md keeps pace with the code: every command and output column is described."""

import re

import pytest

from kpilib.analysis.evaluation import EVALUATION_COLUMNS
from kpilib.analysis.nonconformities import NONCONFORMITY_COLUMNS
from kpilib.analysis.opportunities import OPPORTUNITY_COLUMNS
from kpilib.analysis.spc import SPC_COLUMNS
from kpilib.analysis.summary import SUMMARY_COLUMNS
from kpilib.cases.events import DERIVED_COLUMNS
from kpilib.catalog.indicators import INDICATOR_COLUMNS
from kpilib.cli import _parser
from kpilib.core.paths import REPOSITORY_ROOT
from kpilib.core.rejects import REJECT_COLUMNS
from kpilib.measurements.validate import MEASUREMENT_COLUMNS

REFERENCE = (REPOSITORY_ROOT / "docs" / "reference.md").read_text(encoding="utf-8")


def _commands():
    action = next(a for a in _parser()._actions if a.dest == "command")
    return sorted(action.choices)


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_a_section(command):
    assert re.search(rf"^### `kpi {command}\b", REFERENCE, re.MULTILINE), command


@pytest.mark.parametrize(
    "column",
    sorted(
        set(
            INDICATOR_COLUMNS
            + REJECT_COLUMNS
            + MEASUREMENT_COLUMNS
            + DERIVED_COLUMNS
            + EVALUATION_COLUMNS
            + SPC_COLUMNS
            + SUMMARY_COLUMNS
            + OPPORTUNITY_COLUMNS
            + NONCONFORMITY_COLUMNS
        )
    ),
)
def test_every_output_column_is_described(column):
    assert f"`{column}`" in REFERENCE, column
