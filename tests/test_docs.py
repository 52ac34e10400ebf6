"""docs/reference.md keeps pace with the code: every command has a section, every file's column table is
its schema's columns in order, every accepted heading is documented, the reject codes file is generated."""

import re

import pytest

from kpilib.cli import _parser
from kpilib.core import codes
from kpilib.core.paths import REPOSITORY_ROOT
from kpilib.core.schemas import PROCESSED, REJECTS

DOCS = REPOSITORY_ROOT / "docs"
REFERENCE = (DOCS / "reference.md").read_text(encoding="utf-8")


def _commands():
    action = next(a for a in _parser()._actions if a.dest == "command")
    return sorted(action.choices)


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_a_section(command):
    assert re.search(rf"^### `kpi {command}\b", REFERENCE, re.MULTILINE), command


def _section(title: str) -> str:
    match = re.search(rf"^### {re.escape(title)}\n(.*?)(?=^### |\Z)", REFERENCE, re.MULTILINE | re.DOTALL)
    assert match, f"no section {title!r} in docs/reference.md"
    return match[1]


def _table_columns(section: str) -> list[str]:
    """The column names a section's `| column | meaning |` table lists, in order (first cell's backticked names)."""
    names = []
    for line in section.splitlines():
        cells = line.split("|")
        if len(cells) > 2 and line.startswith("| `"):
            names += re.findall(r"`([a-z_]+)`", cells[1])
    return names


@pytest.mark.parametrize("name", sorted(PROCESSED))
def test_each_processed_file_table_is_its_schema(name):
    assert _table_columns(_section(f"`data/processed/{name}`")) == PROCESSED[name].names


def test_the_rejects_table_is_the_rejects_schema():
    assert _table_columns(_section("Rejects files (one schema)")) == REJECTS.names


def test_a_table_that_drifts_from_its_schema_is_caught():
    section = "| column | meaning |\n|---|---|\n| `indicator_id`, `period` | x |\n| `value` | y |\n"
    assert _table_columns(section) == ["indicator_id", "period", "value"]
    assert _table_columns(section) != PROCESSED["measurements.csv"].names


def test_the_reject_codes_file_is_what_the_code_writes():
    assert (DOCS / "reject_codes.md").read_text(encoding="utf-8") == codes.markdown(), (
        "run: python -m kpilib.core.codes > docs/reject_codes.md"
    )


def test_every_reject_code_renders_with_the_particulars_it_names():
    for code in codes.CODES.values():
        particulars = dict.fromkeys(code.fields, "x")
        assert codes.reason_of(code.code, **particulars)


def test_the_docs_name_no_state_or_gap_the_code_does_not_have():
    assert "rientrata" not in REFERENCE
    assert "not implemented yet" not in REFERENCE
