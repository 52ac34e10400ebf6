"""docs/reference.md keeps pace with the code: every command and output column is described."""

import re

import pytest

from kpilib.catalog import INDICATOR_COLUMNS, REJECT_COLUMNS
from kpilib.cli import _parser
from kpilib.evaluate import EVALUATION_COLUMNS
from kpilib.events import DERIVED_COLUMNS
from kpilib.measurements import MEASUREMENT_COLUMNS
from kpilib.nonconformities import NONCONFORMITY_COLUMNS
from kpilib.opportunities import OPPORTUNITY_COLUMNS
from kpilib.paths import REPOSITORY_ROOT
from kpilib.spc import SPC_COLUMNS
from kpilib.summary import SUMMARY_COLUMNS

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
