"""Catalog versions and renames: the table in force at each period, one series across a rename."""

from __future__ import annotations

from pathlib import Path

import matplotlib.colors
import pandas as pd
import pytest

from kpilib.analysis.evaluate import analyse
from kpilib.analysis.history import compliance_history
from kpilib.analysis.spc import target_steps
from kpilib.catalog.indicators import read_indicator_versions, read_indicators
from kpilib.catalog.versions import in_force, likely_renames, newest, source_year, versions_of
from kpilib.cli import main
from kpilib.core.errors import KpiError
from kpilib.core.paths import Paths
from kpilib.core.periods import parse_period
from kpilib.reports.tables import indicator_frame

HEADER = "DIREZIONE\tAREA\tUNITÀ/UFFICIO\tTITOLO PROCESSO\tINDICATORE\tTARGET OBIETTIVO"
DIRECTION = "DIREZIONE TEST"
VISITS = "PERCENTUALE DI VISITE EFFETTUATE RISPETTO ALLA DISPONIBILITÀ"
OLD_OFFICE, NEW_OFFICE = "UFFICIO VALORIZZAZIONE", "UFFICIO VALORIZZAZIONE E VISITE"


def _table(*rows: tuple[str, str, str, str]) -> str:
    """A page export: (office, process, indicator, target) rows under the header."""
    lines = ["Tabella dei processi", "", HEADER]
    lines += [
        f"{DIRECTION}\tAREA AFFARI GENERALI\t{office}\t{process}\t{text}\t{target}"
        for office, process, text, target in rows
    ]
    return "\n".join(lines) + "\n"


def _visits(office: str, target: str) -> tuple[str, str, str, str]:
    return (office, "VISITE GUIDATE A PALAZZO MARINO", VISITS, target)


NEWSLETTER = ("UFFICIO REDAZIONE", "NEWSLETTER", "NUMERO DI INVII NEWSLETTER", "≥10")
RETIRED = ("UFFICIO ARCHIVIO", "ARCHIVIO CARTACEO", "PERCENTUALE DI FASCICOLI ARCHIVIATI", "≥90%")


def _root(tmp_path: Path, alias: bool = True, measurements: str = "") -> Paths:
    """The issue's example: a 2024 table (visits 60%, old office name), the 2025 table (70%, new
    name), the alias, and visits at 65% in 2024-S1 and 2025-S1."""
    paths = Paths.at(tmp_path)
    paths.catalog_dir.mkdir(parents=True)
    (paths.catalog_dir / "catalogo_2024.txt").write_text(
        _table(_visits(OLD_OFFICE, "60%"), NEWSLETTER, RETIRED), encoding="utf-8"
    )
    (paths.catalog_dir / "2025").mkdir()
    (paths.catalog_dir / "2025" / "tabella.txt").write_text(
        _table(_visits(NEW_OFFICE, "70%"), NEWSLETTER), encoding="utf-8"
    )
    if alias:
        (paths.catalog_dir / "aliases.csv").write_text(f"vecchio;nuovo\n{OLD_OFFICE};{NEW_OFFICE}\n", encoding="utf-8")
    return paths


def _measure(paths: Paths, ids: dict[str, str], rows: list[tuple[str, str, str]]) -> None:
    paths.measurements_dir.mkdir(parents=True, exist_ok=True)
    lines = ["indicatore;periodo;valore"] + [f"{ids[name]};{period};{value}" for name, period, value in rows]
    (paths.measurements_dir / "misure.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _ids(paths: Paths) -> dict[str, str]:
    found = read_indicators(paths.indicators)
    by_text = dict(zip(found["indicator"], found["indicator_id"], strict=True))
    return {"visits": by_text[VISITS], "newsletter": by_text[NEWSLETTER[2]], "retired": by_text[RETIRED[2]]}


def test_source_years_come_from_the_file_or_its_folder():
    folder = Path("data/raw/catalog")
    assert source_year(folder / "catalogo_2024.txt", folder) == 2024
    assert source_year(folder / "2025" / "tabella.xlsx", folder) == 2025
    assert source_year(folder / "2025" / "catalogo_2026.csv", folder) == 2026  # the file's own year first
    assert source_year(folder / "000_c9ad083143a4659c.txt", folder) is None  # digits, but no year
    assert source_year(folder / "tabella_12345.csv", folder) is None
    assert source_year(folder / "tabella_1850.csv", folder) is None  # outside the years handled
    assert source_year(Path("/elsewhere/2026/tabella.xlsx"), folder) == 2026  # given on the command line
    assert source_year(Path("/archivio_2019/tabelle/tabella.xlsx"), folder) is None  # only the folder holding it


def test_each_version_runs_until_the_next_and_undated_covers_the_rest():
    versions = versions_of([2025, None, 2023, 2025])
    assert [(year, v.valid_from, v.valid_to) for year, v in versions.items()] == [
        (None, None, 2022),
        (2023, 2023, 2024),
        (2025, 2025, None),
    ]
    only_undated = versions_of([None])
    assert (only_undated[None].valid_from, only_undated[None].valid_to) == (None, None)


def test_one_id_carries_the_visits_series_across_the_rename(tmp_path, capsys):
    paths = _root(tmp_path)
    assert main(["catalog", "--root", str(paths.root)]) == 0
    out = capsys.readouterr().out
    versions = read_indicator_versions(paths.indicators)
    visits = versions[versions["indicator"] == VISITS]
    assert len(set(visits["indicator_id"])) == 1 and len(visits) == 2
    assert visits["office"].tolist() == [NEW_OFFICE, NEW_OFFICE]  # the old name is read as the new one
    pd.testing.assert_frame_equal(
        visits[["target_value", "valid_from", "valid_to"]].reset_index(drop=True),
        pd.DataFrame(
            {
                "target_value": [60.0, 70.0],
                "valid_from": pd.array([2024, 2025], dtype="Int64"),
                "valid_to": pd.array([2024, pd.NA], dtype="Int64"),
            }
        ),
    )
    assert "3 indicators in 2 versions" in out


def test_each_period_is_judged_against_the_target_in_force_at_its_end(tmp_path, capsys):
    paths = _root(tmp_path)
    main(["catalog", "--root", str(paths.root)])
    ids = _ids(paths)
    _measure(paths, ids, [("visits", "2024-S1", "65%"), ("visits", "2025-S1", "65%")])
    assert main(["ingest", "--root", str(paths.root)]) == 0
    statuses = {}
    for period in ("2024-S1", "2025-S1"):
        summary = analyse(period, paths.root).summary.set_index("indicator_id")
        statuses[period] = (summary.loc[ids["visits"], "status"], summary.loc[ids["visits"], "target_value"])
    assert statuses == {"2024-S1": ("met", 60.0), "2025-S1": ("not_met", 70.0)}
    # The 2025 evaluation keeps the history, each period with its own target.
    evaluation = analyse("2025-S1", paths.root).evaluation
    rows = evaluation[evaluation["indicator_id"] == ids["visits"]].set_index("period")
    assert rows.loc["2024-S1", ["status", "target_value"]].tolist() == ["met", 60.0]
    assert rows.loc["2025-S1", ["status", "target_value"]].tolist() == ["not_met", 70.0]


def test_an_indicator_not_in_force_is_neither_expected_nor_judged(tmp_path):
    paths = _root(tmp_path)
    main(["catalog", "--root", str(paths.root)])
    ids = _ids(paths)
    _measure(paths, ids, [("retired", "2024-S1", "95%"), ("newsletter", "2025-S1", "12")])
    main(["ingest", "--root", str(paths.root)])
    assert ids["retired"] in set(analyse("2024-S1", paths.root).summary["indicator_id"])
    later = analyse("2025-S1", paths.root)
    assert ids["retired"] not in set(later.summary["indicator_id"])
    assert ids["retired"] not in set(later.evaluation["indicator_id"])
    # The history still shows it where it was in force: 2 indicators in 2024, 2 (not 3) in 2025.
    versions = read_indicator_versions(paths.indicators)
    measurements = pd.read_csv(paths.measurements, dtype={"period": str})
    history = compliance_history(versions, measurements, parse_period("2025-S1")).set_index("period")
    counted = history[["met", "not_met", "no_data"]].sum(axis=1)
    assert counted.to_dict() == {"2024-S1": 3, "2024-S2": 3, "2025-S1": 2}
    assert history.loc["2024-S1", "met"] == 1  # the retired one, 95% against 90%


def test_in_force_and_newest_pick_one_row_per_indicator(tmp_path):
    paths = _root(tmp_path)
    main(["catalog", "--root", str(paths.root)])
    versions = read_indicator_versions(paths.indicators)
    in_2024 = in_force(versions, parse_period("2024-12"))
    in_2026 = in_force(versions, parse_period("2026"))
    assert len(in_2024) == 3 and in_2024["indicator_id"].is_unique
    assert len(in_2026) == 2 and sorted(in_2026["target_raw"]) == ["70%", "≥10"]
    latest = newest(versions)
    assert len(latest) == 3 and latest["indicator_id"].is_unique
    assert latest.set_index("indicator")["target_raw"][VISITS] == "70%"
    # The latest definition spans the indicator's whole life: 2024 on for visits, 2024 only for the retired one.
    spans = latest.set_index("indicator")[["valid_from", "valid_to"]]
    assert spans.loc[VISITS, "valid_from"] == 2024 and pd.isna(spans.loc[VISITS, "valid_to"])
    assert spans.loc[RETIRED[2]].tolist() == [2024, 2024]
    pd.testing.assert_frame_equal(read_indicators(paths.indicators), latest)


def test_kpi_catalog_prints_what_the_new_version_changed(tmp_path, capsys):
    paths = _root(tmp_path)
    assert main(["catalog", "--root", str(paths.root)]) == 0
    out = capsys.readouterr().out
    assert "catalogo 2025 rispetto al catalogo 2024: target alzato" in out and "'60%' -> '70%'" in out
    assert "indicatore ritirato" in out and "ARCHIVIATI" in out
    assert f"rinominato (aliases.csv): '{OLD_OFFICE}' -> '{NEW_OFFICE}'" in out


def test_a_version_that_changes_nothing_says_so(tmp_path, capsys):
    paths = Paths.at(tmp_path)
    paths.catalog_dir.mkdir(parents=True)
    for name in ("catalogo_2024.txt", "catalogo_2025.txt"):
        (paths.catalog_dir / name).write_text(_table(NEWSLETTER), encoding="utf-8")
    assert main(["catalog", "--root", str(paths.root)]) == 0
    assert "catalogo 2025 rispetto al catalogo 2024: nessun cambiamento" in capsys.readouterr().out


def test_a_likely_rename_without_alias_is_a_warning_naming_both(tmp_path, capsys):
    paths = _root(tmp_path, alias=False)
    assert main(["catalog", "--root", str(paths.root)]) == 0
    captured = capsys.readouterr()
    warnings = [line for line in captured.err.splitlines() if "alike" in line]
    assert len(warnings) == 1
    assert warnings[0].startswith("warning: the 2025 table: kpi-") and "(in the 2024 table) disappears" in warnings[0]
    assert OLD_OFFICE in warnings[0] and NEW_OFFICE in warnings[0] and "aliases.csv" in warnings[0]
    assert "nuovo indicatore" in captured.out and "indicatore ritirato" in captured.out


def test_an_undated_table_covers_the_years_before_the_first_dated_one(tmp_path):
    paths = Paths.at(tmp_path)
    paths.catalog_dir.mkdir(parents=True)
    (paths.catalog_dir / "tabella.txt").write_text(_table(_visits(NEW_OFFICE, "50%")), encoding="utf-8")
    (paths.catalog_dir / "catalogo_2025.txt").write_text(_table(_visits(NEW_OFFICE, "70%")), encoding="utf-8")
    main(["catalog", "--root", str(paths.root)])
    versions = read_indicator_versions(paths.indicators)
    assert in_force(versions, parse_period("2023-S2"))["target_raw"].tolist() == ["50%"]
    assert in_force(versions, parse_period("2025-S1"))["target_raw"].tolist() == ["70%"]


def test_a_catalog_written_before_versions_reads_as_always_in_force(tmp_path):
    path = tmp_path / "indicators.csv"
    from tests.helpers import catalog, indicator

    catalog(indicator("kpi-1", target_raw="80%")).to_csv(path, index=False)  # no valid_from / valid_to
    versions = read_indicator_versions(path)
    assert versions["valid_from"].isna().all() and versions["valid_to"].isna().all()
    assert in_force(versions, parse_period("1999"))["indicator_id"].tolist() == ["kpi-1"]


@pytest.mark.parametrize("period, asked", [("2024-S1", 3), ("2025-S1", 2)])
def test_the_template_asks_only_what_is_in_force(tmp_path, period, asked):
    from openpyxl import load_workbook

    paths = _root(tmp_path)
    main(["catalog", "--root", str(paths.root)])
    out = tmp_path / "modello.xlsx"
    assert (
        main(["template", "--root", str(paths.root), "--direction", "test", "--period", period, "--out", str(out)]) == 0
    )
    sheets = load_workbook(out).worksheets  # a sheet per office
    ids = {
        row[0]
        for sheet in sheets
        for row in sheet.iter_rows(values_only=True)
        if row and str(row[0]).startswith("kpi-")
    }
    assert len(ids) == asked


def _monthly_visits(tmp_path: Path) -> tuple[Paths, str]:
    paths = _root(tmp_path)
    main(["catalog", "--root", str(paths.root)])
    ids = _ids(paths)
    months = [f"2024-{m:02d}" for m in range(7, 13)] + [f"2025-{m:02d}" for m in range(1, 7)]
    _measure(paths, ids, [("visits", month, "65%") for month in months])
    main(["ingest", "--root", str(paths.root)])
    return paths, ids["visits"]


def test_the_charted_series_carries_the_target_of_each_period(tmp_path):
    paths, visits = _monthly_visits(tmp_path)
    analysis = analyse("2025-S1", paths.root)
    series = analysis.spc[analysis.spc["indicator_id"] == visits]
    assert series["target_value"].tolist() == [60.0] * 6 + [70.0] * 6
    assert target_steps(series) == [("2025-01", 60.0, 70.0)]
    shown = indicator_frame(analysis.summary, analysis.spc).set_index("Indicatore")["Target"]
    assert shown[VISITS] == "70% (dal gennaio 2025; prima ≥60%)"
    assert indicator_frame(analysis.summary).set_index("Indicatore")["Target"][VISITS] == "70%"


def test_the_chart_draws_the_target_as_a_step_with_its_date(tmp_path):
    paths, visits = _monthly_visits(tmp_path)
    figure = analyse("2025-S1", paths.root).xmr_chart(visits)
    ax = figure.axes[0]
    red = [c for c in ax.collections if c.get_linestyle() and "c0392b" in matplotlib.colors.to_hex(c.get_color()[0])]
    levels = sorted({round(float(y), 6) for c in red for segment in c.get_segments() for _, y in segment})
    assert levels == [60.0, 70.0]
    assert [t.get_text() for t in ax.texts if t.get_text().startswith("target")] == ["target ≥70% dal gen 2025"]


def test_the_overview_heatmap_judges_each_semester_against_its_own_target(tmp_path):
    paths, _ = _monthly_visits(tmp_path)
    versions = read_indicator_versions(paths.indicators)
    measurements = pd.read_csv(paths.measurements, dtype={"period": str})
    history = compliance_history(versions, measurements, parse_period("2025-S1")).set_index("period")
    assert history.loc["2024-S2", "met"] == 1 and history.loc["2025-S1", "not_met"] == 1


def test_results_by_year_compare_each_year_with_its_target_and_with_todays(tmp_path):
    paths, visits = _monthly_visits(tmp_path)
    table = analyse("2025-S1", paths.root).results_by_year(visits)
    expected = pd.DataFrame(
        {"year": [2024, 2025], "target_value": [60.0, 70.0], "periods": [6, 6], "met": [6, 0], "met_today": [0, 0]}
    )
    pd.testing.assert_frame_equal(table.drop(columns="mean"), expected, check_dtype=False)
    assert table["mean"].tolist() == pytest.approx([65.0, 65.0])
    with pytest.raises(KpiError, match="not in force"):
        analyse("2025-S1", paths.root).results_by_year("kpi-00000000")


def test_a_period_before_every_version_is_one_plain_error(tmp_path, capsys):
    paths = Paths.at(tmp_path)
    paths.catalog_dir.mkdir(parents=True)
    (paths.catalog_dir / "catalogo_2025.txt").write_text(_table(_visits(NEW_OFFICE, "70%")), encoding="utf-8")
    assert main(["catalog", "--root", str(paths.root)]) == 0
    assert "la prima versione vale dal 2025" in capsys.readouterr().out
    _measure(paths, _ids_of(paths), [("visits", "2024-03", "65%")])
    assert main(["run", "--root", str(paths.root), "--period", "2024-S1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].endswith(
        "no indicator of the catalog is in force in 2024-S1: its versions start in 2025 (a table named with a year "
        "applies from that year; a table without a year covers the years before the first dated one)"
    )


def _ids_of(paths: Paths) -> dict[str, str]:
    found = read_indicators(paths.indicators)
    return {"visits": found.loc[found["indicator"] == VISITS, "indicator_id"].iloc[0]}


def test_folders_without_a_year_and_empty_versions_are_said(tmp_path, capsys):
    paths = _root(tmp_path)
    (paths.catalog_dir / "vecchie").mkdir()
    (paths.catalog_dir / "vecchie" / "tabella.txt").write_text(_table(NEWSLETTER), encoding="utf-8")
    (paths.catalog_dir / "catalogo_2026.txt").write_text("\n".join([HEADER, "solo\tdue"]) + "\n", encoding="utf-8")
    assert main(["catalog", "--root", str(paths.root)]) == 0
    err = capsys.readouterr().err
    assert "data/raw/catalog/vecchie: folder not read, its name has no year" in err
    assert "the 2026 table: no indicator could be read (see catalog_rejects.csv)" in err
    rejects = pd.read_csv(paths.catalog_rejects)
    assert rejects["source"].tolist() == ["data/raw/catalog/catalogo_2026.txt"]


def test_likely_renames_pair_each_retired_indicator_with_its_closest_successor():
    def row(key, office, text):
        return {
            "indicator_id": key,
            "direction": "D",
            "area": "",
            "office": office,
            "process": "P",
            "indicator": text,
            "sub_indicator": "",
        }

    gone = [row("a", "UFFICIO STAMPA", "NUMERO DI COMUNICATI"), row("b", "UFFICIO X", "TEMPO MEDIO DI RISPOSTA")]
    come = [row("c", "UFFICIO STAMPA E COMUNICAZIONE", "NUMERO DI COMUNICATI"), row("d", "ALTRO", "ALTRO TESTO")]
    pairs = likely_renames(gone, come)
    assert [(old[:3], new[:3]) for old, new, _ in pairs] == [("a (", "c (")]
    assert pairs[0][2] >= 0.85


def test_the_issue_scenario_end_to_end_through_kpi_run(tmp_path, capsys):
    """Two tables, an alias, 65% in both years: met in 2024-S1 against 60%, not met in 2025-S1 against 70%;
    both periods rendered and listed in the archive."""
    paths = _root(tmp_path)
    main(["catalog", "--root", str(paths.root)])
    ids = _ids(paths)
    _measure(paths, ids, [("visits", "2024-S1", "65%"), ("visits", "2025-S1", "65%")])
    for period in ("2024-S1", "2025-S1"):
        assert main(["run", "--root", str(paths.root), "--period", period]) == 0
    capsys.readouterr()
    pages = {
        period: next((paths.root / "reports" / period).glob("direzione-test*.html")).read_text(encoding="utf-8")
        for period in ("2024-S1", "2025-S1")
    }
    assert NEW_OFFICE in pages["2024-S1"] and OLD_OFFICE + "<" not in pages["2024-S1"]
    # the indicator table (the first page's actions name the indicator too, without its target)
    tables_ = {period: page[page.index("T_indicatori") :] for period, page in pages.items()}
    visits_row = {period: table[table.index(VISITS) :][:3000] for period, table in tables_.items()}
    assert "60%" in visits_row["2024-S1"] and "Raggiunto" in visits_row["2024-S1"]
    assert "70%" in visits_row["2025-S1"] and "Non raggiunto" in visits_row["2025-S1"]
    archive = (paths.root / "reports" / "index.html").read_text(encoding="utf-8")
    assert archive.index("2025-S1/index.html") < archive.index("2024-S1/index.html")


def test_circular_renames_are_rejected_not_followed(tmp_path, capsys):
    paths = _root(tmp_path)
    (paths.catalog_dir / "aliases.csv").write_text(
        f"Vecchio nome;Nuovo nome\n{OLD_OFFICE};{NEW_OFFICE}\nUFFICIO X;UFFICIO Y\nUFFICIO Y;UFFICIO X\n",
        encoding="cp1252",
    )
    assert main(["catalog", "--root", str(paths.root)]) == 0
    assert "3 indicators in 2 versions (2024, 2025-)" in capsys.readouterr().out
    rejects = pd.read_csv(paths.catalog_rejects)
    assert rejects[["row", "reason"]].to_dict("records") == [
        {"row": 3, "reason": "rinomina circolare: 'UFFICIO Y' torna al nome vecchio"},
        {"row": 4, "reason": "rinomina circolare: 'UFFICIO X' torna al nome vecchio"},
    ]
    visits = read_indicator_versions(paths.indicators).query("indicator == @VISITS")
    assert len(set(visits["indicator_id"])) == 1  # the valid rename still applies


def test_values_for_periods_when_the_indicator_is_not_in_force_are_rejected_with_the_years(tmp_path):
    paths = _root(tmp_path)
    (paths.catalog_dir / "catalogo_2026.txt").write_text(
        _table(_visits(NEW_OFFICE, "70%"), NEWSLETTER, RETIRED), encoding="utf-8"
    )
    main(["catalog", "--root", str(paths.root)])
    ids = _ids(paths)
    _measure(paths, ids, [("retired", "2025-S1", "95%"), ("retired", "2024-S2", "95%"), ("retired", "2026-S1", "91%")])
    assert main(["ingest", "--root", str(paths.root)]) == 0
    rejects = pd.read_csv(paths.measurement_rejects)
    assert rejects[["row", "reason"]].to_dict("records") == [
        {"row": 2, "reason": "indicatore ritirato dal catalogo dopo il 2024: nessun valore atteso per 2025-S1"}
    ]
    measured = pd.read_csv(paths.measurements, dtype={"period": str})
    assert measured["period"].tolist() == ["2024-S2", "2026-S1"]  # in force again from 2026


def test_values_before_an_indicator_existed_are_rejected(tmp_path):
    paths = Paths.at(tmp_path)
    paths.catalog_dir.mkdir(parents=True)
    (paths.catalog_dir / "catalogo_2025.txt").write_text(_table(_visits(NEW_OFFICE, "70%")), encoding="utf-8")
    main(["catalog", "--root", str(paths.root)])
    _measure(paths, _ids_of(paths), [("visits", "2024-03", "65%"), ("visits", "2025-03", "65%")])
    main(["ingest", "--root", str(paths.root)])
    rejects = pd.read_csv(paths.measurement_rejects)
    assert rejects["reason"].tolist() == ["indicatore non ancora nel catalogo nel 2024-03: è in vigore dal 2025"]


def test_a_workbook_in_a_year_folder_is_that_years_version(tmp_path, capsys):
    from openpyxl import Workbook

    paths = _root(tmp_path)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Tabella dei processi 2026"])
    sheet.append([])
    sheet.append(HEADER.split("\t"))
    sheet.append([DIRECTION, "AREA AFFARI GENERALI", *_visits(NEW_OFFICE, "75%")])
    (paths.catalog_dir / "2026").mkdir()
    workbook.save(paths.catalog_dir / "2026" / "tabella.xlsx")
    assert main(["catalog", "--root", str(paths.root)]) == 0
    out = capsys.readouterr().out
    assert "catalogo 2026 rispetto al catalogo 2025: target alzato" in out and "'70%' -> '75%'" in out
    assert "indicatore ritirato" in out  # the newsletter is not in the 2026 workbook
    in_2026 = in_force(read_indicator_versions(paths.indicators), parse_period("2026-S1"))
    assert in_2026["target_raw"].tolist() == ["75%"]
