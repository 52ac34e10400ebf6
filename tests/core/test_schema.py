"""One declaration per file: the same headings everywhere, only an empty cell missing, typed read-back."""

from __future__ import annotations

import pandas as pd
import pytest

from kpilib.analysis.changes import read_changes
from kpilib.analysis.nonconformities import read_register
from kpilib.cases.files import _map_columns
from kpilib.core.errors import KpiError
from kpilib.core.periods import Period
from kpilib.core.schema import DuplicateHeading, all_headings
from kpilib.core.schemas import CASES, CHANGES, DELIVERY, INPUTS, MEASUREMENTS, REGISTER
from kpilib.measurements.files import read_measurement_file
from tests.helpers import catalog, indicator

ID_HEADINGS = ["indicator_id", "Indicatore", "CODICE INDICATORE", "id indicatore", "Codice  indicatore"]


@pytest.mark.parametrize("heading", ID_HEADINGS)
def test_every_input_reads_the_same_indicator_headings(heading):
    for schema in (DELIVERY, CASES, CHANGES, REGISTER):
        assert schema.locate([heading, "periodo"]).get("indicator_id") == 0, (schema.name, heading)


def test_one_vocabulary_of_headings_across_the_inputs():
    headings = all_headings(INPUTS)
    for schema in (DELIVERY, CASES, CHANGES, REGISTER):
        assert schema["indicator_id"].keys == frozenset(headings["indicator_id"])


def test_codice_indicatore_is_read_by_the_changes_register_the_nonconformity_register_and_a_case_file(tmp_path):
    changes = tmp_path / "changes"
    changes.mkdir()
    (changes / "cambi.csv").write_text("codice indicatore;periodo;motivo\nkpi-1;2025-03;nuova procedura\n")
    found, rejects = read_changes(changes, catalog(indicator("kpi-1")))
    assert found["indicator_id"].tolist() == ["kpi-1"] and rejects.empty

    register = tmp_path / "nc"
    register.mkdir()
    (register / "registro.csv").write_text("Codice indicatore;Periodo;Causa\nkpi-1;2025-03;personale\n")
    assert read_register(register)["indicator_id"].tolist() == ["kpi-1"]

    assert _map_columns(["Codice indicatore", "pratica", "apertura", "chiusura"], tmp_path / "c.csv")["indicator_id"]


def test_two_columns_meaning_one_thing_are_an_error_not_the_first_silently():
    with pytest.raises(DuplicateHeading, match="'valore' and 'Valore'"):
        DELIVERY.locate(["indicatore", "periodo", "valore", "Valore"])


def test_a_delivery_with_two_value_columns_is_one_plain_error_naming_the_file(tmp_path):
    path = tmp_path / "misure.csv"
    path.write_text("indicatore;periodo;valore;valore\nkpi-1;2025-01;1;2\n")
    with pytest.raises(KpiError, match=r"misure\.csv: two columns mean value"):
        read_measurement_file(path, "misure.csv")


@pytest.mark.parametrize("note", ["N/A", "NA", "null", "n.d.", "None", "nan"])
def test_an_office_note_that_looks_like_a_missing_value_is_text_when_read_back(tmp_path, note):
    frame = pd.DataFrame(
        {
            "indicator_id": ["kpi-1"],
            "period": ["2025-01"],
            "value": [float("nan")],
            "numerator": [float("nan")],
            "denominator": [float("nan")],
            "note": [note],
            "source": ["data/raw/measurements/m.csv"],
            "row": [2],
        }
    )
    path = tmp_path / "measurements.csv"
    path.write_bytes(MEASUREMENTS.csv_bytes(frame))
    back = MEASUREMENTS.read(path)
    assert back.loc[0, "note"] == note
    assert pd.isna(back.loc[0, "value"]) and back["row"].dtype == "Int64"


def test_a_damaged_processed_file_is_one_plain_error(tmp_path):
    path = tmp_path / "measurements.csv"
    path.write_text("indicator_id,period\nkpi-1,2025-01\n")
    with pytest.raises(KpiError, match=r"column.*value.*missing") as error:
        MEASUREMENTS.read(path, hint="kpi ingest")
    assert "measurements.csv" in str(error.value)


def test_periods_are_read_back_once_as_values_and_written_as_their_canonical_text(tmp_path):
    path = tmp_path / "measurements.csv"
    text = "indicator_id,period,value,numerator,denominator,note,source,row\nkpi-1,2025-S2,1,,,,m.csv,2\nkpi-1,2025-07,2,,,,m.csv,3\n"
    path.write_text(text)
    back = MEASUREMENTS.read(path)
    assert back["period"].tolist() == [Period(2025, "semester", 2), Period(2025, "month", 7)]
    assert back.loc[0, "period"].contains(back.loc[1, "period"])  # a value: no parsing where it is used
    assert MEASUREMENTS.csv_bytes(back).decode() == text


def test_a_damaged_period_in_a_processed_file_is_one_line_naming_the_file_and_row(tmp_path):
    path = tmp_path / "measurements.csv"
    path.write_text(
        "indicator_id,period,value,numerator,denominator,note,source,row\nkpi-1,2025-07,1,,,,m,2\nkpi-1,2025-13,1,,,,m,3\n"
    )
    with pytest.raises(KpiError, match=r"measurements\.csv: row 3: .*2025-13.*run 'kpi ingest' again"):
        MEASUREMENTS.read(path, hint="kpi ingest")


def test_an_empty_processed_file_is_one_plain_error(tmp_path):
    path = tmp_path / "measurements.csv"
    path.write_text("")
    with pytest.raises(KpiError, match=r"measurements\.csv: unreadable"):
        MEASUREMENTS.read(path, hint="kpi ingest")


def test_the_table_schema_names_every_column_with_its_type_and_allowed_values():
    from kpilib.core.schemas import EVALUATION

    schema = EVALUATION.table_schema()
    fields = {field["name"]: field for field in schema["fields"]}
    assert list(fields) == EVALUATION.names
    assert fields["status"]["constraints"]["enum"] == ["met", "not_met", "no_data", "no_target", "pending"]
    assert fields["value"]["type"] == "number" and schema["primaryKey"] == ["indicator_id", "period"]
