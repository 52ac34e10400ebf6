"""Case records as real exports bring them: times, offsets, time zones, odd types, empty files.

Each test is a line a hostile tester wrote down; none may end in a traceback or a guess.
"""

import datetime as dt
import json
import os
import subprocess
import sys

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fixture_root import SEED, with_seed

from kpilib.cases.events import derive_files
from kpilib.cli import main
from kpilib.core.paths import Paths
from tests.helpers import catalog, indicator

MAX = indicator("kpi-max", unit="days", op="<=", value=53)
HOURS = indicator("kpi-hours", unit="hours", op="<=", value=48)
COUNT = indicator("kpi-count", unit="number", value=10, basis="monthly")
CATALOG = catalog(MAX, HOURS, COUNT)


def _derive(tmp_path, name, content, indicators=CATALOG, **options):
    path = tmp_path / name
    if isinstance(content, pa.Table):
        pq.write_table(content, path)
    else:
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return derive_files(Paths.at(tmp_path), [path], indicators, **options)


def test_a_time_on_one_side_and_a_date_on_the_other_are_compared_as_dates(tmp_path):
    derived, rejects, _ = _derive(
        tmp_path,
        "casi.csv",
        "indicator_id,case_id,opened,closed\n"
        "kpi-max,1,2025-03-10 10:30,2025-03-10\n"  # closed the same day: zero days, not "before opening"
        "kpi-max,2,2025-03-10,2025-03-12 09:00\n"
        "kpi-hours,3,2025-03-10 10:30,2025-03-10\n",
    )
    assert rejects.empty
    values = derived.set_index("indicator_id")["value"]
    assert values["kpi-max"] == 2 and values["kpi-hours"] == 0


def test_offsets_and_utc_times_are_milans_local_time(tmp_path):
    derived, rejects, _ = _derive(
        tmp_path,
        "casi.csv",
        "indicator_id,case_id,opened,closed\n"
        "kpi-count,1,2025-03-31T23:30:00Z,2025-04-02\n"  # 01:30 on 1 April in Milan
        "kpi-count,2,2025-03-31T23:30:00+01:00,2025-04-02\n"  # 00:30 on 1 April in Milan (summer time)
        "kpi-count,3,2025-03-31 23:30,2025-04-02\n",  # Milan's own time: March
    )
    assert rejects.empty
    assert derived.set_index("period")["value"].to_dict() == {"2025-03": 1.0, "2025-04": 2.0}


UTC_PARQUET = pa.table(
    {
        "indicator_id": ["kpi-count"] * 2,
        "case_id": ["1", "2"],
        "opened": pa.array(
            [dt.datetime(2025, 1, 31, 23, 30), dt.datetime(2025, 2, 10, 9, 0)], type=pa.timestamp("us", tz="UTC")
        ),
        "closed": pa.array([None, None], type=pa.timestamp("us", tz="UTC")),
    }
)


def test_a_utc_parquet_timestamp_gives_the_same_months_whatever_the_machines_time_zone(tmp_path):
    path = tmp_path / "casi.parquet"
    pq.write_table(UTC_PARQUET, path)
    (tmp_path / "data" / "processed").mkdir(parents=True)
    CATALOG.to_csv(tmp_path / "data" / "processed" / "indicators.csv", index=False)
    script = (
        "import json, sys; from kpilib.cases.events import derive_files; from kpilib.core.paths import Paths; "
        "from kpilib.catalog.indicators import read_indicators; p = Paths.at(sys.argv[1]); "
        "d, _, _ = derive_files(p, [p.root / 'casi.parquet'], read_indicators(p.indicators)); "
        "print(json.dumps(d.set_index('period')['value'].to_dict()))"
    )
    results = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", script, str(tmp_path)],
                capture_output=True,
                text=True,
                check=True,
                env={**os.environ, "TZ": zone},
            ).stdout
        )
        for zone in ("UTC", "Europe/Rome", "America/New_York")
    ]
    assert results[0] == results[1] == results[2] == {"2025-02": 2.0}  # 23:30 UTC on 31 Jan is February in Milan


def test_a_date_in_the_future_is_rejected_and_does_not_move_the_as_of_date(tmp_path):
    derived, rejects, as_of = _derive(
        tmp_path,
        "casi.csv",
        "indicator_id,case_id,opened,closed\nkpi-max,1,2025-03-10,2025-03-20\nkpi-max,2,2025-03-11,2099-01-01\n"
        "kpi-max,3,2025-03-12,\n",
    )
    assert str(as_of.date()) == "2025-03-20"
    assert rejects[["row", "reason"]].to_dict("records") == [
        {"row": 3, "reason": "data nel futuro (dopo il giorno dell'esecuzione): correggere la data"}
    ]
    assert derived["value"].tolist() == [10.0] and derived["open_cases"].tolist() == [1]


@pytest.mark.parametrize(
    ("column", "holds"),
    [
        (pa.array([20250601, 20250602], type=pa.int64()), "BIGINT"),
        (pa.array([1.5, 2.5]), "DOUBLE"),
        (pa.array([True, False]), "BOOLEAN"),
        (pa.array([["2025-06-01"], []]), "VARCHAR[]"),
        (pa.array([dt.time(9, 0), dt.time(10, 0)]), "TIME"),
    ],
)
def test_a_parquet_date_column_of_another_type_is_one_plain_line(tmp_path, column, holds):
    table = pa.table({"indicator_id": ["kpi-max"] * 2, "case_id": ["1", "2"], "opened": column, "closed": column})
    pq.write_table(table, tmp_path / "casi.parquet")
    result = _kpi_events(tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "casi.parquet: column 'opened' holds " in result.stderr and f"holds {holds}" in result.stderr
    assert "not dates: export it as dates, date-times or text" in result.stderr


def _kpi_events(tmp_path, *files):
    assert main(["catalog", "--root", str(tmp_path), str(SEED)]) == 0
    events = tmp_path / "data" / "raw" / "events"
    events.mkdir(parents=True, exist_ok=True)
    for path in tmp_path.glob("casi.*"):
        path.rename(events / path.name)
    return subprocess.run(
        [sys.executable, "-m", "kpilib", "events", "--root", str(tmp_path), *files], capture_output=True, text=True
    )


def test_a_corrupted_parquet_file_is_one_plain_line(tmp_path):
    table = pa.table(
        {
            "indicator_id": ["kpi-max"] * 5000,
            "case_id": [str(n) for n in range(5000)],
            "opened": ["2025-01-01"] * 5000,
            "closed": ["2025-01-02"] * 5000,
        }
    )
    path = tmp_path / "casi.parquet"
    pq.write_table(table, path, compression="zstd")
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = b"\xff" * 64  # a damaged page; the footer still reads
    path.write_bytes(bytes(data))
    result = _kpi_events(tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "casi.parquet" in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("name", ["casi.csv", "casi.parquet"])
def test_a_case_file_without_rows_gives_no_measurement_not_a_traceback(tmp_path, name):
    if name.endswith(".csv"):
        (tmp_path / name).write_text("indicator_id,case_id,opened,closed\n", encoding="utf-8")
    else:
        pq.write_table(UTC_PARQUET.slice(0, 0), tmp_path / name)
    result = _kpi_events(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "0 case(s) used" in result.stdout
    with_seed(tmp_path)  # and through kpi run, as a new deployment's first run
    assert main(["run", "--root", str(tmp_path), "--skip-reports", "--period", "2025-S1"]) == 0


def test_bytes_that_windows_1252_does_not_define_are_one_plain_line(tmp_path):
    (tmp_path / "casi.csv").write_bytes(b"indicator_id,case_id,opened,closed\nkpi-max,\x81\x8d,2025-01-01,2025-01-02\n")
    result = _kpi_events(tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "casi.csv: unreadable text: neither UTF-8 nor Windows-1252" in result.stderr


def test_two_columns_meaning_closed_are_one_plain_line(tmp_path):
    (tmp_path / "casi.csv").write_text(
        "indicator_id,case_id,opened,chiusura,data_chiusura\nkpi-max,1,2025-01-01,2025-01-02,2025-01-09\n",
        encoding="utf-8",
    )
    result = _kpi_events(tmp_path)
    assert result.returncode == 2
    assert "two columns mean closed: 'chiusura' and 'data_chiusura'" in result.stderr


def test_the_future_is_judged_in_milan_today(tmp_path, monkeypatch):
    monkeypatch.setenv("KPI_TODAY", "2025-03-15")
    _, rejects, _ = _derive(
        tmp_path, "casi.csv", "indicator_id,case_id,opened,closed\nkpi-max,1,2025-03-10,2025-03-16\n"
    )
    assert rejects["reason"].str.startswith("data nel futuro").tolist() == [True]
    assert pd.Timestamp("2025-03-15").date().isoformat() == os.environ["KPI_TODAY"]


SHARE_WD = indicator(
    "kpi-wd", unit="percent", value=80, deadline_value=3.0, deadline_unit="working_days", basis="monthly"
)


def test_an_exact_copy_of_an_open_case_in_parquet_counts_once(tmp_path):
    """Two identical rows of a case still open: one case, one duplicate listed (not 'different data')."""
    table = pa.table(
        {
            "indicator_id": ["kpi-count"] * 3,
            "case_id": ["A", "A", "B"],
            "opened": pa.array([dt.date(2025, 3, 10), dt.date(2025, 3, 10), dt.date(2025, 3, 11)]),
            "closed": pa.array([None, None, dt.date(2025, 3, 12)], pa.date32()),
        }
    )
    derived, rejects, _ = _derive(tmp_path, "casi.parquet", table)
    assert derived[["cases", "open_cases"]].to_dict("records") == [{"cases": 2, "open_cases": 1}]
    assert rejects["reason"].tolist() == ["caso A duplicato: copia identica di casi.parquet riga 2 (contato una volta)"]


def test_blank_case_ids_are_rejected_and_ids_that_only_start_with_a_space_are_kept(tmp_path):
    derived, rejects, _ = _derive(
        tmp_path,
        "casi.csv",
        "indicator_id,case_id,opened,closed\n"
        "kpi-count,   ,2025-03-10,2025-03-11\n"  # spaces only: blank
        "kpi-count, C-1,2025-03-10,2025-03-11\n"  # an id with a leading space: kept
        "kpi-count,\t,2025-03-10,2025-03-11\n"  # a tab only: blank
        "kpi-count,C-2,2025-03-10,2025-03-11\n"
        "kpi-max,,2025-03-10,2025-03-11\n",  # one blank id alone for its indicator
    )
    assert rejects[["row", "reason"]].to_dict("records") == [
        {"row": 2, "reason": "identificativo del caso mancante"},
        {"row": 4, "reason": "identificativo del caso mancante"},
        {"row": 6, "reason": "identificativo del caso mancante"},
    ]
    assert derived.set_index("indicator_id")["cases"].to_dict() == {"kpi-count": 2}


def test_spellings_of_one_id_are_one_indicator_for_duplicates(tmp_path):
    _, rejects, _ = _derive(
        tmp_path,
        "casi.csv",
        "indicator_id,case_id,opened,closed\nkpi-count,7,2025-03-10,2025-03-11\n KPI-COUNT ,7,2025-03-10,2025-03-11\n",
    )
    assert rejects["reason"].tolist() == ["caso 7 duplicato: copia identica di casi.csv riga 2 (contato una volta)"]


def test_working_days_with_timestamps_near_new_year_use_milans_calendar(tmp_path):
    """The calendar is built for the years in the files' statistics; a UTC timestamp of 31 December
    23:30 is 1 January in Milan, a holiday."""
    table = pa.table(
        {
            "indicator_id": ["kpi-wd"] * 2,
            "case_id": ["1", "2"],
            "opened": pa.array(
                [dt.datetime(2024, 12, 31, 23, 30), dt.datetime(2025, 1, 2, 9, 0)], pa.timestamp("us", tz="UTC")
            ),
            "closed": pa.array(
                [dt.datetime(2025, 1, 7, 10, 0), dt.datetime(2025, 1, 8, 9, 0)], pa.timestamp("us", tz="UTC")
            ),
        }
    )
    derived, rejects, _ = _derive(tmp_path, "casi.parquet", table, indicators=catalog(SHARE_WD))
    assert rejects.empty
    # Case 1: opened 1 January (Milan), closed Tuesday 7: 2, 3, 7 January (6 is the Epiphany) = 3, within.
    # Case 2: opened Thursday 2, closed Wednesday 8: 3, 7, 8 January = 3, within.
    assert derived[["period", "numerator", "denominator"]].to_dict("records") == [
        {"period": "2025-01", "numerator": 2.0, "denominator": 2.0}
    ]
