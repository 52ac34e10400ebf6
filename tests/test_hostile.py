"""Issue 18, the second hostile round: each attack that broke something, as the case that now holds.

Each test builds its own small root (the published table, a few rows written as the attacker did);
where a command is the user's way in, the test goes through ``kpi`` and reads what a person reads.
"""

from __future__ import annotations

import io
import subprocess
import sys

import pandas as pd
import pytest
from openpyxl import Workbook

from kpilib.cli import main
from kpilib.core.paths import Paths
from kpilib.core.schemas import DELIVERIES, MEASUREMENTS, REJECTS
from tests.fixture_root import SEED, with_seed


def _catalog(paths) -> pd.DataFrame:
    assert main(["catalog", "--root", str(paths.root)]) == 0
    return pd.read_csv(paths.indicators, dtype=str, keep_default_na=False)


def _deliver(paths, name: str, text: str) -> None:
    paths.measurements_dir.mkdir(parents=True, exist_ok=True)
    (paths.measurements_dir / name).write_text(text, encoding="utf-8")


def _ingested(paths):
    assert main(["ingest", "--root", str(paths.root)]) == 0
    return MEASUREMENTS.read(paths.measurements), REJECTS.read(paths.measurement_rejects)


def _first(indicators: pd.DataFrame, unit: str) -> str:
    return indicators.loc[indicators["target_unit"] == unit, "indicator_id"].iloc[0]


# Catalog editions and names.


def test_a_year_inside_a_hash_does_not_date_the_table(tmp_path, capsys):
    paths = with_seed(tmp_path)
    (paths.catalog_dir / SEED.name).rename(paths.catalog_dir / "000_c9ad2024a4659c.txt")
    indicators = _catalog(paths)
    assert (indicators["valid_from"] == "").all()  # undated: in force in every period
    assert "catalogo 2024" not in capsys.readouterr().out


def test_a_year_outside_the_years_handled_and_a_folder_inside_a_year_folder_are_named(tmp_path, capsys):
    paths = with_seed(tmp_path)
    (paths.catalog_dir / SEED.name).rename(paths.catalog_dir / "catalogo_1899.txt")
    (paths.catalog_dir / "2026" / "bozze").mkdir(parents=True)
    (paths.catalog_dir / "2026" / "bozze" / "catalogo.txt").write_text(SEED.read_text(encoding="utf-8"))
    _catalog(paths)
    err = capsys.readouterr().err
    assert "catalogo_1899.txt: the year 1899 in its name lies outside the years handled" in err
    assert "data/raw/catalog/2026/bozze: folder not read" in err


def test_invisible_characters_in_names_and_ids_are_removed_at_the_edge(tmp_path):
    paths = with_seed(tmp_path)
    text = SEED.read_text(encoding="utf-8").splitlines()
    header_at = next(i for i, line in enumerate(text) if line.startswith("DIREZIONE"))
    first = text[header_at + 1].split("\t")
    first[0] = "\u200b" + first[0] + "\u200f"
    text[header_at + 1] = "\t".join(first)
    (paths.catalog_dir / SEED.name).write_text("\n".join(text) + "\n", encoding="utf-8")
    indicators = _catalog(paths)
    plain = _catalog(with_seed(tmp_path / "plain"))
    assert sorted(set(indicators["direction"])) == sorted(set(plain["direction"]))
    assert indicators["indicator_id"].tolist() == plain["indicator_id"].tolist()  # the same ids, too
    chosen = _first(indicators, "percent")
    _deliver(paths, "m.csv", f"indicatore;periodo;valore;note\n\ufeff{chosen}\u200b;2025-01\u200b;90;riga\vdue\n")
    measurements, rejects = _ingested(paths)
    assert rejects.empty and measurements["note"].tolist() == ["riga due"]


def test_a_control_character_in_a_catalog_name_does_not_crash_the_template(tmp_path):
    paths = with_seed(tmp_path)
    text = SEED.read_text(encoding="utf-8").replace("UFFICIO", "UFFICIO\x07", 1)
    (paths.catalog_dir / SEED.name).write_text(text, encoding="utf-8")
    indicators = _catalog(paths)
    assert (
        main(
            [
                "template",
                "--root",
                str(paths.root),
                "--direction",
                indicators["direction"].iloc[0],
                "--period",
                "2025-S1",
            ]
        )
        == 0
    )


# Measurements.


def test_a_future_period_is_rejected_like_a_future_case_date(tmp_path):
    paths = with_seed(tmp_path)
    chosen = _first(_catalog(paths), "percent")
    _deliver(paths, "m.csv", f"indicatore;periodo;valore\n{chosen};2030-06;90\n{chosen};2025-06;90\n")
    measurements, rejects = _ingested(paths)
    assert measurements["period"].tolist() == ["2025-06"]
    assert rejects["code"].tolist() == ["future_period"] and rejects["period"].tolist() == ["2030-06"]


def _deliver_workbook(paths, rows: list[list], formats: dict[str, str] | None = None) -> None:
    """A delivery as Excel saves it: ``rows`` under the header, cell number formats by address."""
    book = Workbook()
    sheet = book.active
    sheet.append(["indicatore", "periodo", "valore"])
    for row in rows:
        sheet.append(row)
    for address, number_format in (formats or {}).items():
        sheet[address].number_format = number_format
    paths.measurements_dir.mkdir(parents=True)
    book.save(paths.measurements_dir / "m.xlsx")


def test_a_period_the_spreadsheet_turned_into_a_number_is_rejected_not_read_as_january(tmp_path):
    paths = with_seed(tmp_path)
    chosen = _first(_catalog(paths), "percent")
    _deliver_workbook(paths, [[chosen, 2025.10, 90], [chosen, 2025, 91]])  # typed 2025.10, stored 2025.1
    measurements, rejects = _ingested(paths)
    assert rejects["code"].tolist() == ["period_as_number"]
    assert measurements["period"].tolist() == ["2025"]


def test_a_literal_percent_sign_in_a_number_format_is_not_a_percentage(tmp_path):
    paths = with_seed(tmp_path)
    chosen = _first(_catalog(paths), "percent")
    _deliver_workbook(paths, [[chosen, "2025-01", 0.5], [chosen, "2025-02", 0.925]], {"C2": '0.0" %"', "C3": "0.0%"})
    measurements, _ = _ingested(paths)
    assert measurements["value"].tolist() == [0.5, 92.5]


def test_values_coarser_than_the_rest_of_a_series_without_basis_are_rejected(tmp_path):
    paths = with_seed(tmp_path)
    indicators = _catalog(paths)
    chosen = indicators.loc[(indicators["basis"] == "") & (indicators["target_unit"] == "number"), "indicator_id"]
    chosen = chosen.iloc[0]
    _deliver(paths, "m.csv", f"indicatore;periodo;valore\n{chosen};2025-Q1;3\n{chosen};2025-Q2;4\n{chosen};2025-S1;7\n")
    measurements, rejects = _ingested(paths)
    assert measurements["period"].tolist() == ["2025-Q1", "2025-Q2"]
    assert rejects["code"].tolist() == ["coarser_than_series"] and "trimestrale" in rejects.loc[0, "reason"]


def test_formula_like_cells_are_defused_in_every_csv_and_read_back_as_written(tmp_path):
    paths = with_seed(tmp_path)
    chosen = _first(_catalog(paths), "percent")
    _deliver(
        paths,
        "m.csv",
        f'indicatore;periodo;valore;note\n{chosen};2025-01;90;=HYPERLINK("x")\n{chosen};boh;1;@SUM(A1)\n',
    )
    measurements, rejects = _ingested(paths)
    written = paths.measurements.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in written and ",=HYPERLINK" not in written
    assert measurements["note"].tolist() == ['=HYPERLINK("x")']
    assert rejects["raw"].str.contains("@SUM").all()


def test_ingest_with_files_but_without_only_changes_nothing_and_points_to_check(tmp_path, capsys):
    paths = with_seed(tmp_path)
    chosen = _first(_catalog(paths), "percent")
    _deliver(paths, "m.csv", f"indicatore;periodo;valore\n{chosen};2025-01;90\n{chosen};2025-02;91\n")
    _ingested(paths)
    before = paths.measurements.read_bytes()
    extra = tmp_path / "nuova.csv"
    extra.write_text(f"indicatore;periodo;valore\n{chosen};2025-03;92\n", encoding="utf-8")
    assert main(["ingest", "--root", str(paths.root), str(extra)]) == 2
    assert "kpi check" in capsys.readouterr().err and paths.measurements.read_bytes() == before
    assert main(["ingest", "--root", str(paths.root), "--only", str(extra)]) == 0
    assert MEASUREMENTS.read(paths.measurements)["period"].tolist() == ["2025-03"]


def test_files_in_subfolders_of_an_input_folder_are_named_not_ignored_in_silence(tmp_path, capsys):
    paths = with_seed(tmp_path)
    chosen = _first(_catalog(paths), "percent")
    _deliver(paths, "m.csv", f"indicatore;periodo;valore\n{chosen};2025-01;90\n")
    (paths.measurements_dir / "ufficio_a").mkdir()
    (paths.measurements_dir / "ufficio_a" / "m.csv").write_text("x")
    _ingested(paths)
    assert "data/raw/measurements/ufficio_a: folder not read" in capsys.readouterr().err


# Registers.


def test_future_and_finer_than_basis_process_changes_and_a_closing_before_the_episode_are_rejected(tmp_path):
    from kpilib.analysis.changes import read_changes
    from kpilib.analysis.nonconformities import nonconformities, validate_register
    from tests.helpers import catalog, indicator

    indicators = catalog(indicator("kpi-1", basis="semiannual"), indicator("kpi-2"))
    folder = tmp_path / "changes"
    folder.mkdir()
    (folder / "c.csv").write_text("indicatore;periodo;motivo\nkpi-1;2031-S1;a\nkpi-1;2025-03;b\nkpi-2;2025-03;c\n")
    changes, rejects = read_changes(folder, indicators)
    assert changes["indicator_id"].tolist() == ["kpi-2"]
    assert rejects["code"].tolist() == ["future_period", "change_finer_than_basis"]
    assert "2025-S1" in rejects.loc[1, "suggestion"]

    evaluation = pd.DataFrame(
        {
            "indicator_id": ["kpi-2"] * 4,
            "period": ["2024-01", "2024-02", "2024-03", "2024-04"],
            "status": ["met", "not_met", "not_met", "not_met"],
            "value": [90.0, 70.0, 70.0, 70.0],
            "series": [True] * 4,
        }
    )
    register = pd.DataFrame(
        [
            {
                "indicator_id": "kpi-2",
                "period": "2024-03",
                "cause": "c",
                "action": "a",
                "owner": "o",
                "review_date": "",
                "closed_on": "01/01/2024",
                "source": "r.csv",
                "row": 2,
                "raw": "x",
                "problem": "",
            }
        ]
    )
    entries, register_rejects = validate_register(register, indicators)
    assert register_rejects.empty
    episodes, rejects = nonconformities(evaluation, entries, indicators, pd.Timestamp("2024-06-30").date())
    assert rejects["code"].tolist() == ["closed_before_episode"]
    assert bool(episodes.loc[0, "open"])


# Writes, settings, damaged files.


def test_outputs_are_never_written_into_data_raw_nor_over_a_file_kpi_did_not_write(tmp_path, capsys):
    paths = with_seed(tmp_path)
    direction = _catalog(paths)["direction"].iloc[0]

    def template(out, *extra):
        arguments = ["--direction", direction, "--period", "2025-S2", "--out", str(out), *extra]
        return main(["template", "--root", str(paths.root), *arguments])

    delivery = paths.measurements_dir / "consegna.xlsx"
    paths.measurements_dir.mkdir(parents=True)
    delivery.write_bytes(b"the office's own workbook")
    mine = tmp_path / "mio.xlsx"
    mine.write_bytes(b"someone else's file")
    assert template(delivery) == 2 and template(mine) == 2
    err = capsys.readouterr().err
    assert "never written into data/raw/" in err and "was not written by kpi; add --force" in err
    assert delivery.read_bytes() == b"the office's own workbook" and mine.read_bytes() == b"someone else's file"
    ours = tmp_path / "modello.xlsx"
    assert template(ours) == 0 and template(ours) == 0  # a template kpi wrote is replaced without --force
    assert template(mine, "--force") == 0
    assert main(["events", "--root", str(paths.root), "--out", str(paths.raw / "events" / "casi.csv")]) == 2


@pytest.mark.parametrize(
    "variable, value, said",
    [
        ("KPI_LOCK_WAIT", "abc", "KPI_LOCK_WAIT='abc': give a number of seconds"),
        ("KPI_DUCKDB_MEMORY", "bogus", "KPI_DUCKDB_MEMORY='bogus': give a size"),
        ("KPI_DUCKDB_MEMORY", "1KB", "too small"),
        ("KPI_TODAY", "ieri", "KPI_TODAY='ieri': give a date"),
    ],
)
def test_a_wrong_environment_setting_is_one_plain_line(tmp_path, variable, value, said):
    paths = with_seed(tmp_path)
    _catalog(paths)
    (paths.events_dir).mkdir(parents=True)
    (paths.events_dir / "casi.csv").write_text("indicatore;caso;apertura;chiusura\n")
    done = subprocess.run(
        [sys.executable, "-m", "kpilib", "events", "--root", str(paths.root)],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, variable: value},
    )
    assert done.returncode == 2 and said in done.stderr and "Traceback" not in done.stderr, done.stderr


@pytest.mark.parametrize(
    "damage",
    [
        lambda paths: paths.measurements.write_text(""),
        lambda paths: paths.indicators.write_text(
            "\n".join(",".join(line.split(",")[:5]) for line in paths.indicators.read_text().splitlines())
        ),
    ],
)
def test_a_hand_damaged_processed_file_is_one_plain_line(tmp_path, damage, capsys):
    paths = with_seed(tmp_path)
    chosen = _first(_catalog(paths), "percent")
    _deliver(paths, "m.csv", f"indicatore;periodo;valore\n{chosen};2025-01;90\n")
    _ingested(paths)
    damage(paths)
    assert main(["evaluate", "--root", str(paths.root), "--period", "2025-S1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and ".csv" in err and "Traceback" not in err


def test_the_project_s_own_csv_writer_defuses_every_text_cell():
    from kpilib.core.files import csv_bytes, rows_csv_bytes

    frame = pd.DataFrame({"a": ["=1+1", "+39 02", "-", "@x", "ok"], "b": [1.0, 2.0, 3.0, 4.0, 5.0]})
    text = csv_bytes(frame).decode("utf-8")
    assert text.splitlines()[1:] == ["'=1+1,1", "'+39 02,2", "'-,3", "'@x,4", "ok,5"]
    assert rows_csv_bytes(["a", "b"], list(frame.itertuples(index=False)), frozenset({"b"})) == csv_bytes(frame)
    assert io.StringIO(text).readline() == "a,b\n"


def test_a_mean_time_is_a_mean_and_a_time_the_text_does_not_place_is_a_warning(tmp_path, capsys):
    from tests.helpers import write_catalog

    write_catalog(
        tmp_path,
        "DIREZIONE\t-\tUFFICIO\tPRATICHE\tTEMPO MEDIO DI EVASIONE DELLE PRATICHE\t30 GG",
        "DIREZIONE\t-\tUFFICIO\tALTRO\tPRATICHE EVASE\t30 GG",
    )
    assert main(["catalog", "--root", str(tmp_path)]) == 0
    assert "does not say how its times are summarised" in capsys.readouterr().err
    indicators = pd.read_csv(tmp_path / "data" / "processed" / "indicators.csv", dtype=str)
    mean_id = indicators.loc[indicators["process"] == "PRATICHE", "indicator_id"].iloc[0]
    events = tmp_path / "data" / "raw" / "events"
    events.mkdir(parents=True)
    (events / "casi.csv").write_text(
        "indicatore,caso,apertura,chiusura\n"
        f"{mean_id},a,2025-03-01,2025-03-11\n{mean_id},b,2025-03-02,2025-03-12\n{mean_id},c,2025-03-03,2025-04-12\n",
        encoding="utf-8",
    )
    assert main(["events", "--root", str(tmp_path), "--freq", "month"]) == 0
    derived = pd.read_csv(tmp_path / "data" / "processed" / "event_measurements.csv")
    assert derived.loc[derived["period"] == "2025-03", "value"].tolist() == [20.0]  # (10 + 10 + 40) / 3, not 40


@pytest.mark.parametrize(
    "opened, closed, hours",
    [
        ("2025-10-25 12:00", "2025-10-27 12:00", 49.0),  # clocks go back on the 26th: 49 hours passed
        ("2025-03-29 12:00", "2025-03-31 12:00", 47.0),  # clocks go forward on the 30th
        ("2025-10-26T02:50:00+02:00", "2025-10-26T02:30:00+01:00", 40 / 60),  # 40 minutes, written with offsets
        ("2025-06-01T10:00:00+02:00", "2025-06-01T09:40:00Z", 1 + 40 / 60),  # 09:40 UTC is 11:40 in Milan
    ],
)
def test_elapsed_hours_are_instants_across_clock_changes_and_offsets(tmp_path, opened, closed, hours):
    from tests.helpers import write_catalog

    write_catalog(tmp_path, "D\t-\tU\tP\tTEMPO MASSIMO DI RISPOSTA\t72 ORE")
    assert main(["catalog", "--root", str(tmp_path)]) == 0
    indicator_id = pd.read_csv(tmp_path / "data" / "processed" / "indicators.csv")["indicator_id"].iloc[0]
    (tmp_path / "data" / "raw" / "events").mkdir(parents=True)
    (tmp_path / "data" / "raw" / "events" / "casi.csv").write_text(
        f"indicatore,caso,apertura,chiusura\n{indicator_id},1,{opened},{closed}\n", encoding="utf-8"
    )
    assert main(["events", "--root", str(tmp_path)]) == 0
    assert REJECTS.read(tmp_path / "data" / "processed" / "event_rejects.csv").empty
    derived = pd.read_csv(tmp_path / "data" / "processed" / "event_measurements.csv")
    assert derived["value"].tolist() == [pytest.approx(hours)]


def test_an_id_issued_before_a_rename_stays_valid_for_the_periods_it_was_issued_in(tmp_path):
    from tests.fixture_root import build

    paths = build(tmp_path)
    issued = pd.read_csv(paths.indicator_aliases, dtype=str, keep_default_na=False)
    assert len(issued) >= 1 and (issued["old_id"] != issued["indicator_id"]).all()
    old, new, last = issued.loc[0, ["old_id", "indicator_id", "valid_to"]]
    before = MEASUREMENTS.read(paths.measurements)
    sent = before[(before["indicator_id"] == new) & (before["period"] == f"{last}-06")].iloc[0]
    _deliver(
        paths,
        "vecchio_codice.csv",
        "indicatore;periodo;valore;numeratore;denominatore\n"
        f"{old};{last}-06;;{int(sent['numerator'])};{int(sent['denominator'])}\n{old};2025-06;;1;2\n",
    )
    _, rejects = _ingested(paths)
    theirs = rejects[rejects["source"].str.endswith("vecchio_codice.csv")]
    # the old id is read as today's: the same value again confirms the series' value, it is not an unknown id
    assert theirs[["code", "indicator_id", "period"]].to_dict("records") == [
        {"code": "unknown_indicator", "indicator_id": old, "period": "2025-06"},
    ]
    ledger = DELIVERIES.read(paths.deliveries)
    mine = ledger[ledger["source"].str.endswith("vecchio_codice.csv")]
    assert mine[["indicator_id", "period", "outcome"]].values.tolist() == [
        [new, f"{last}-06", "confirmed"],
        [old, "2025-06", "rejected"],
    ]


def test_deliveries_with_the_same_name_or_a_colon_in_it_each_get_their_own_return_workbook(tmp_path):
    paths = with_seed(tmp_path)
    chosen = _first(_catalog(paths), "percent")
    for folder in ("a", "b"):
        (paths.measurements_dir / folder).mkdir(parents=True)
        (paths.measurements_dir / folder / "misure.csv").write_text(f"indicatore;periodo;valore\n{chosen};boh;1\n")
    _deliver(paths, "ufficio: giugno.csv", f"indicatore;periodo;valore\n{chosen};boh;1\n")
    files = [paths.measurements_dir / "a" / "misure.csv", paths.measurements_dir / "b" / "misure.csv"]
    assert main(["ingest", "--root", str(paths.root), "--only", *map(str, files)]) == 0
    assert sorted(p.name for p in paths.returns_dir.iterdir()) == [
        "a__misure_csv_ritorno.xlsx",
        "b__misure_csv_ritorno.xlsx",
    ]
    assert main(["ingest", "--root", str(paths.root)]) == 0
    assert "ufficio_ giugno_csv_ritorno.xlsx" in {p.name for p in paths.returns_dir.iterdir()}


def test_the_same_indicator_with_two_targets_in_two_files_names_the_other_file_and_row(tmp_path):
    from tests.helpers import HEADER

    catalog = tmp_path / "data" / "raw" / "catalog"
    catalog.mkdir(parents=True)
    (catalog / "a.txt").write_text(f"{HEADER}\nD\t-\tU\tP\tTEMPO MASSIMO DI RISPOSTA\t30 GG\n", encoding="utf-8")
    (catalog / "b.txt").write_text(f"{HEADER}\nD\t-\tU\tP\tTEMPO MASSIMO DI RISPOSTA\t20 GG\n", encoding="utf-8")
    assert main(["catalog", "--root", str(tmp_path)]) == 0
    rejects = REJECTS.read(tmp_path / "data" / "processed" / "catalog_rejects.csv")
    assert rejects["code"].tolist() == ["conflicting_target", "conflicting_target"]
    assert rejects["reason"].tolist() == [
        "stesso indicatore della riga 2 di data/raw/catalog/b.txt con un target diverso: da chiarire con l'ufficio",
        "stesso indicatore della riga 2 di data/raw/catalog/a.txt con un target diverso: da chiarire con l'ufficio",
    ]


def test_a_target_republished_in_another_form_keeps_the_history_judged_by_its_own_edition(tmp_path):
    from tests.helpers import HEADER

    catalog = tmp_path / "data" / "raw" / "catalog"
    catalog.mkdir(parents=True)
    row = "D\t-\tU\tP\tPERCENTUALE DI MATERIALI CONSEGNATI"
    (catalog / "catalogo_2024.txt").write_text(f"{HEADER}\n{row}\t98%\n", encoding="utf-8")
    (catalog / "catalogo_2025.txt").write_text(f"{HEADER}\n{row}\t≥ 98\n", encoding="utf-8")
    assert main(["catalog", "--root", str(tmp_path)]) == 0
    versions = pd.read_csv(tmp_path / "data" / "processed" / "indicators.csv", dtype=str, keep_default_na=False)
    assert versions["target_unit"].tolist() == ["percent", "number"]
    assert len(set(versions["indicator_id"])) == 1
    chosen = versions["indicator_id"].iloc[0]
    paths = Paths.at(tmp_path)
    _deliver(paths, "m.csv", f"indicatore;periodo;valore\n{chosen};2024-03;98,5%\n{chosen};2025-03;99\n")
    measurements, rejects = _ingested(paths)
    assert rejects.empty and measurements["value"].tolist() == [98.5, 99.0]


def test_a_direction_named_like_the_review_pack_gets_its_own_page(tmp_path):
    from kpilib.reports.data import report_slug

    assert report_slug("RIESAME", ["RIESAME"]).startswith("riesame-")
    assert report_slug("Pages", ["Pages"]).startswith("pages-")


def test_kpi_check_judges_a_delivery_against_the_root_and_changes_nothing_but_its_return_workbook(tmp_path, capsys):
    from tests.fixture_root import build

    paths = build(tmp_path)
    before = {p: p.read_bytes() for p in paths.processed.glob("*.csv")}
    accepted = MEASUREMENTS.read(paths.measurements)
    plain = accepted[accepted["value"].notna() & accepted["numerator"].isna()]
    row, other = plain.iloc[0], plain.iloc[1]
    same = f"{row['value']:.15g}".replace(".", ",")
    delivery = tmp_path / "consegna.csv"
    delivery.write_text(
        "indicatore;periodo;valore\n"
        f"{row['indicator_id']};{row['period']};{same}\n"
        f"{other['indicator_id']};{other['period']};{other['value'] + 7:.15g}\n"
        f"{row['indicator_id']};boh;1\n",
        encoding="utf-8",
    )
    assert main(["check", "--root", str(paths.root), str(delivery)]) == 0
    out = capsys.readouterr().out
    assert (
        "3 row(s): 0 new value(s), 1 equal to a value already there, 0 correcting one, 2 rejected (1 in conflict)"
        in out
    )
    assert {p: p.read_bytes() for p in paths.processed.glob("*.csv")} == before
    assert (paths.returns_dir / "consegna_csv_ritorno.xlsx").is_file()
