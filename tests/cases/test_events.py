"""Measurements derived from case records: each kind, open and pending cases, bad rows."""

import os
import subprocess
import sys

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fixture_root import SEED

from kpilib.cases.events import case_kind, derive_files, nearest_rank
from kpilib.catalog.indicators import read_indicators
from kpilib.cli import main
from kpilib.core.paths import Paths
from tests.helpers import catalog, indicator
from tests.reference_events import reference_measurements

SHARE = indicator("kpi-share", unit="percent", value=80, deadline_value=3.0, deadline_unit="working_days")
MAX = indicator("kpi-max", unit="days", op="<=", value=53)
P90 = indicator("kpi-p90", unit="days", op="<=", value=25, percentile=90.0)
HOURS = indicator("kpi-hours", unit="hours", op="<=", value=48)
COUNT = indicator("kpi-count", unit="number", value=10, basis="monthly")
PLAIN = indicator("kpi-plain", unit="percent", value=70)
CATALOG = catalog(SHARE, MAX, P90, HOURS, COUNT, PLAIN)


def derive_csv(tmp_path, text, indicators=CATALOG, **options):
    path = tmp_path / "casi.csv"
    path.write_text("indicator_id,case_id,opened,closed\n" + text, encoding="utf-8")
    paths = Paths.at(tmp_path)
    derived, rejects, as_of = derive_files(paths, [path], indicators, **options)
    return derived, rejects, as_of


def test_kinds_follow_the_catalog():
    assert [case_kind(i) for i in (SHARE, MAX, P90, HOURS, COUNT, PLAIN)] == [
        "share",
        "max",
        "percentile",
        "max",
        "count",
        None,
    ]


def test_share_within_deadline_with_late_and_pending_open_cases(tmp_path):
    derived, rejects, as_of = derive_csv(
        tmp_path,
        "kpi-share,1,2025-12-05,2025-12-09\n"  # 1 working day: within
        "kpi-share,2,2025-12-01,2025-12-05\n"  # 4 working days: late
        "kpi-share,3,2025-12-02,\n"  # open, 7 working days by 12 Dec: late, in the denominator
        "kpi-share,4,2025-12-11,\n"  # open, 1 working day by 12 Dec: pending, excluded
        "kpi-share,5,2025-12-12,2025-12-12\n",  # same day: within; latest date, so the as-of
    )
    assert rejects.empty
    assert str(as_of.date()) == "2025-12-12"
    expected = pd.DataFrame(
        {
            "indicator_id": ["kpi-share"],
            "period": ["2025-12"],
            "value": [50.0],
            "numerator": [2.0],
            "denominator": [4.0],
            "cases": [5],
            "open_cases": [2],
            "source": ["casi.csv"],
        }
    )
    pd.testing.assert_frame_equal(derived, expected, check_dtype=False)


def test_max_time_counts_open_cases_at_their_age(tmp_path):
    # as of 2025-04-22 (the latest date): case 3 is 50 days old, case 4 21 days: lower bounds of their times
    derived, _, _ = derive_csv(
        tmp_path,
        "kpi-max,1,2025-03-01,2025-03-20\nkpi-max,2,2025-03-02,2025-04-22\nkpi-max,3,2025-03-03,\n"
        "kpi-max,4,2025-04-01,\n",
    )
    assert derived[["period", "value", "cases", "open_cases"]].to_dict("records") == [
        {"period": "2025-03", "value": 51.0, "cases": 3, "open_cases": 1},
        {"period": "2025-04", "value": 21.0, "cases": 1, "open_cases": 1},
    ]


def test_percentile_is_the_nearest_rank(tmp_path):
    lines = "".join(f"kpi-p90,{d},2025-05-01,2025-05-{1 + d:02d}\n" for d in range(1, 11))  # 1..10 days
    derived, _, _ = derive_csv(tmp_path, lines)
    assert derived["value"].tolist() == [9.0]
    lines += "kpi-p90,11,2025-05-01,2025-05-12\n"  # 11 cases: rank ceil(9.9) = 10
    derived, _, _ = derive_csv(tmp_path, lines)
    assert derived["value"].tolist() == [10.0]


@pytest.mark.parametrize(
    ("values", "counts", "p", "expected"),
    [
        ([5], [1], 90, 5),
        ([1, 2], [1, 1], 50, 1),
        ([1, 2], [1, 1], 51, 2),
        ([3, 1, 2], [2, 5, 3], 50, 1),
        ([1, 2, 3], [1, 1, 1], 100, 3),
        ([10, 20], [9, 1], 90, 10),
        ([10, 20], [9, 1], 90.5, 20),
    ],
)
def test_nearest_rank_definition(values, counts, p, expected):
    assert nearest_rank(values, counts, p) == expected


def test_hours_are_exact_differences(tmp_path):
    derived, _, _ = derive_csv(
        tmp_path, "kpi-hours,1,2025-06-02 09:00,2025-06-04 10:30\nkpi-hours,2,2025-06-03,2025-06-03T12:00:00\n"
    )
    assert derived["value"].tolist() == [49.5]


def test_counts_and_frequency_options(tmp_path):
    lines = "kpi-count,a,2025-01-10,\nkpi-count,b,2025-01-11,2025-01-11\nkpi-count,c,2025-02-01,2025-02-03\n"
    derived, _, _ = derive_csv(tmp_path, lines)
    assert derived[["period", "value"]].to_dict("records") == [
        {"period": "2025-01", "value": 2.0},
        {"period": "2025-02", "value": 1.0},
    ]
    derived, _, _ = derive_csv(tmp_path, lines, freq="quarter")
    assert derived[["period", "value", "open_cases"]].to_dict("records") == [
        {"period": "2025-Q1", "value": 3.0, "open_cases": 1}
    ]


def test_as_of_decides_which_cases_are_open(tmp_path):
    import datetime as dt

    lines = "kpi-share,1,2025-12-01,2025-12-03\nkpi-share,2,2025-12-01,2025-12-19\n"
    derived, _, as_of = derive_csv(tmp_path, lines, as_of=dt.date(2025, 12, 10))
    assert as_of == dt.datetime(2025, 12, 10, 23, 59, 59)
    # case 2 closes after the as-of: open then, 7 working days late
    assert derived[["numerator", "denominator", "open_cases"]].to_dict("records") == [
        {"numerator": 1.0, "denominator": 2.0, "open_cases": 1}
    ]


BAD = [
    ("kpi-nope,1,2025-01-02,2025-01-03", "indicatore sconosciuto"),
    (",2,2025-01-02,2025-01-03", "indicatore mancante"),
    ("kpi-plain,3,2025-01-02,2025-01-03", "non si calcola da casi"),
    ("kpi-max,,2025-01-02,2025-01-03", "identificativo del caso mancante"),
    ("kpi-max,5,,2025-01-03", "data di apertura mancante"),
    ("kpi-max,6,02/01/2025,2025-01-03", "data di apertura illeggibile"),
    ("kpi-max,7,2025-02-30,2025-03-03", "data di apertura illeggibile o impossibile"),
    ("kpi-max,8,2025-01-02,ieri", "data di chiusura illeggibile"),
    ("kpi-max,9,2025-01-10,2025-01-03", "chiusura precedente all'apertura"),
    ("kpi-max,10,1890-01-10,2025-01-03", "fuori dal calendario"),
    ("kpi-max,11,2025-01-02", "numero di campi errato"),
]


def test_every_kind_of_bad_row_is_rejected_and_every_row_accounted_for(tmp_path):
    good = "kpi-max,100,2025-01-02,2025-01-05"
    text = "\n".join([good] + [line for line, _ in BAD]) + "\n"
    derived, rejects, _ = derive_csv(tmp_path, text)
    assert derived["cases"].sum() == 1
    assert rejects["row"].tolist() == list(range(3, 3 + len(BAD)))
    for (line, reason), got in zip(BAD, rejects.to_dict("records"), strict=True):
        assert reason in got["reason"], (line, got)
    assert rejects["source"].eq("casi.csv").all()


def test_duplicates_identical_counted_once_conflicting_all_rejected(tmp_path):
    text = (
        "kpi-max,A,2025-01-02,2025-01-05\n"
        "kpi-max,A,2025-01-02,2025-01-05\n"  # exact copy: listed, counted once
        "kpi-max,B,2025-01-02,2025-01-09\n"
        "kpi-max,B,2025-01-02,2025-01-20\n"  # same case, different data: both out
        "kpi-count,A,2025-01-02,2025-01-05\n"  # same case id for another indicator: fine
    )
    derived, rejects, _ = derive_csv(tmp_path, text)
    assert rejects["row"].tolist() == [3, 4, 5]
    assert "copia identica di casi.csv riga 2" in rejects["reason"].iloc[0]
    assert "presente più volte con dati diversi (casi.csv riga 5)" in rejects["reason"].iloc[1]
    got = derived.set_index("indicator_id")
    assert (got.loc["kpi-max", "value"], got.loc["kpi-max", "cases"]) == (3.0, 1)
    assert got.loc["kpi-count", "cases"] == 1


def test_parquet_with_typed_and_text_columns(tmp_path):
    table = pa.table(
        {
            "INDICATOR_ID": ["kpi-max", "kpi-max"],
            "case_id": ["1", "2"],
            "opened": pa.array(pd.to_datetime(["2025-01-02", "2025-01-03"])),
            "closed": ["2025-01-09", "x"],
        }
    )
    pq.write_table(table, tmp_path / "casi.parquet")
    derived, rejects, _ = derive_files(Paths.at(tmp_path), [tmp_path / "casi.parquet"], CATALOG)
    assert derived["value"].tolist() == [7.0]
    assert rejects[["row", "reason"]].to_dict("records") == [
        {"row": 3, "reason": "data di chiusura illeggibile o impossibile (usare AAAA-MM-GG)"}
    ]


def test_shipped_case_records_match_a_case_by_case_computation(shipped):
    paths = shipped
    indicators = read_indicators(paths.indicators)
    files = sorted(paths.events_dir.iterdir())
    derived, rejects, as_of = derive_files(paths, files, indicators)
    assert rejects.empty
    cases = pd.concat([pd.read_csv(f) if f.suffix == ".csv" else pd.read_parquet(f) for f in files])
    cases = cases.assign(opened=pd.to_datetime(cases["opened"]), closed=pd.to_datetime(cases["closed"]))
    expected = reference_measurements(cases, indicators, pd.Timestamp(as_of))
    assert set(derived["indicator_id"]) == set(expected["indicator_id"]) and len(set(derived["indicator_id"])) == 6
    pd.testing.assert_frame_equal(derived.drop(columns="source"), expected, check_dtype=False)


def test_missing_columns_and_bad_options_are_plain_errors(tmp_path):
    assert main(["catalog", "--root", str(tmp_path), str(SEED)]) == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("indicator_id,case_id,opened\nx,1,2025-01-01\n")
    for arguments, message in [
        ([str(bad)], "missing column(s) closed"),
        (["--as-of", "ieri"], "--as-of must be a date"),
    ]:
        result = subprocess.run(
            [sys.executable, "-m", "kpilib", "events", "--root", str(tmp_path), *arguments],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 2 and message in result.stderr and result.stderr.count("\n") == 1


def test_ingest_merges_derived_values_and_flags_conflicts_with_reported_ones(root):
    assert main(["catalog", "--root", str(root.root)]) == 0
    indicators = read_indicators(root.indicators)
    newsletter = indicators.loc[indicators["indicator"].str.contains("NEWSLETTER"), "indicator_id"].iloc[0]
    root.events_dir.mkdir(parents=True)
    (root.events_dir / "invii.csv").write_text(
        "indicator_id,case_id,opened,closed\n"
        + "".join(f"{newsletter},{i},2025-0{1 + i % 2}-1{i},2025-0{1 + i % 2}-1{i}\n" for i in range(6))
    )
    root.measurements_dir.mkdir(parents=True)
    (root.measurements_dir / "m.csv").write_text(
        f"indicatore;periodo;valore\n{newsletter};gennaio 2025;3\n{newsletter};febbraio 2025;4\n"
    )
    assert main(["ingest", "--root", str(root.root)]) == 0
    measurements = pd.read_csv(root.measurements, keep_default_na=False, dtype=str)
    assert measurements[["period", "value", "source"]].to_dict("records") == [
        {"period": "2025-01", "value": "3", "source": "data/raw/events/invii.csv"},
    ]
    rejects = pd.read_csv(root.measurement_rejects, keep_default_na=False, dtype=str)
    assert rejects[["source", "row"]].to_dict("records") == [
        {"source": "data/raw/events/invii.csv", "row": ""},
        {"source": "data/raw/measurements/m.csv", "row": "3"},
    ]
    assert rejects["reason"].tolist() == [
        "valori in conflitto per lo stesso indicatore e periodo: data/raw/measurements/m.csv riga 3 (valore 4)",
        "valori in conflitto per lo stesso indicatore e periodo: data/raw/events/invii.csv (valore calcolato dai casi) (valore 3)",
    ]
    ledger = pd.read_csv(root.deliveries, keep_default_na=False, dtype=str)  # the office's equal value confirms
    assert ledger[["row", "outcome"]].values.tolist() == [["2", "confirmed"], ["3", "rejected"]]


def test_rows_keep_their_numbers_after_blank_lines(tmp_path):
    path = tmp_path / "casi.csv"
    path.write_text(
        "\n\nindicator_id,case_id,opened,closed\n\nkpi-max,1,2025-01-02,2025-01-05\nkpi-max,2,2025-01-09,2025-01-03\n"
    )
    _, rejects, _ = derive_files(Paths.at(tmp_path), [path], CATALOG)
    assert rejects["row"].tolist() == [6]


def test_kpi_events_on_parquet_loads_neither_pandas_nor_numpy_nor_pyarrow(tmp_path):
    """Half a second of a 3-million-case run is importing them: the command does without (issue 10)."""
    assert main(["catalog", "--root", str(tmp_path), str(SEED)]) == 0
    indicators = read_indicators(Paths.at(tmp_path).indicators)
    share = indicators.loc[indicators["deadline_unit"] == "working_days", "indicator_id"].iloc[0]
    table = pa.table(
        {
            "indicator_id": [share, share, share],
            "case_id": ["1", "1", "2"],
            "opened": pa.array(pd.to_datetime(["2025-01-02", "2025-01-02", "2025-01-03"])).cast(pa.date32()),
            "closed": pa.array(pd.to_datetime(["2025-01-09", "2025-01-09", "2025-01-04"])).cast(pa.date32()),
        }
    )
    pq.write_table(table, tmp_path / "casi.parquet")
    script = (
        "import sys; from kpilib.cli import main; "
        f"status = main(['events', {str(tmp_path / 'casi.parquet')!r}, '--root', {str(tmp_path)!r}]); "
        "print(status, sorted(m for m in ('pandas', 'numpy', 'pyarrow') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert result.stdout.strip().splitlines()[-1] == "0 []", result.stdout + result.stderr
    written = pd.read_csv(Paths.at(tmp_path).event_measurements)
    # Case 1: 3, 7, 8, 9 January (the 6th is the Epiphany) = 4 working days, past 3; case 2: none.
    assert written[["numerator", "denominator", "cases"]].to_dict("records") == [
        {"numerator": 1, "denominator": 2, "cases": 2}
    ]


def test_an_export_delivered_twice_counts_each_case_once_and_lists_every_copy(tmp_path):
    rows = [f"kpi-max,{n},2025-03-{n % 20 + 1:02d},2025-03-{n % 20 + 5:02d}" for n in range(50)]
    first, second = tmp_path / "casi.csv", tmp_path / "casi (1).csv"
    for path in (first, second):
        path.write_text("indicator_id,case_id,opened,closed\n" + "\n".join(rows) + "\n", encoding="utf-8")
    derived, rejects, _ = derive_files(Paths.at(tmp_path), [first, second], CATALOG)
    once, _, _ = derive_files(Paths.at(tmp_path), [first], CATALOG)
    pd.testing.assert_frame_equal(derived.drop(columns="source"), once.drop(columns="source"))
    # File order is by name: "casi (1).csv" comes first, so the copies listed are those of "casi.csv".
    assert len(rejects) == 50 and set(rejects["source"]) == {"casi.csv"}
    assert rejects["reason"].iloc[0] == "caso 0 duplicato: copia identica di casi (1).csv riga 2 (contato una volta)"


def test_many_conflicting_copies_name_three_others_and_count_the_rest(tmp_path):
    rows = [f"kpi-max,7,2025-03-0{day},2025-03-20" for day in range(1, 7)]
    path = tmp_path / "casi.csv"
    path.write_text("indicator_id,case_id,opened,closed\n" + "\n".join(rows) + "\n", encoding="utf-8")
    derived, rejects, _ = derive_files(Paths.at(tmp_path), [path], CATALOG)
    assert derived.empty and len(rejects) == 6
    assert rejects["reason"].iloc[0] == (
        "caso 7 presente più volte con dati diversi (casi.csv riga 3, casi.csv riga 4, casi.csv riga 5"
        " e altre 2 righe): da chiarire"
    )


def test_running_out_of_memory_is_one_line_saying_what_to_set(tmp_path):
    assert main(["catalog", "--root", str(tmp_path), str(SEED)]) == 0
    counted = read_indicators(Paths.at(tmp_path).indicators).query("target_unit == 'number'")["indicator_id"].iloc[0]
    cases = tmp_path / "casi.csv"
    rows = [f"{counted},{n},2025-03-10,2025-03-11" for n in range(20_000)]
    cases.write_text("indicator_id,case_id,opened,closed\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "kpilib", "events", str(cases), "--root", str(tmp_path)],
        capture_output=True,
        text=True,
        env={**os.environ, "KPI_DUCKDB_MEMORY": "1MB"},
        check=False,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        "kpi events: error: not enough memory for the case files (DuckDB limit 1MB): set KPI_DUCKDB_MEMORY higher, "
        "e.g. 2GB"
    )
