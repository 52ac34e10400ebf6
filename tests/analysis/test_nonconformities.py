"""The nonconformity register: read, never written; states of every not-met period."""

import datetime as dt

import pandas as pd

from kpilib.analysis.nonconformities import nonconformities, read_register, validate_register
from kpilib.core.paths import Paths
from tests.helpers import catalog, indicator

INDICATORS = catalog(indicator("kpi-a", value=80), indicator("kpi-b", unit="days", op="<=", value=10))


def evaluation(rows):
    return pd.DataFrame(
        [{"indicator_id": i, "period": p, "value": v, "status": s, "series": True} for i, p, v, s in rows]
    )


EVALUATION = evaluation(
    [
        ("kpi-a", "2025-01", 70, "not_met"),
        ("kpi-a", "2025-02", 85, "met"),
        ("kpi-a", "2025-03", 86, "met"),
        ("kpi-a", "2025-04", 75, "not_met"),
        ("kpi-a", "2025-05", 90, "met"),
        ("kpi-a", "2025-06", 81, "met"),
        ("kpi-b", "2025-05", 12, "not_met"),
        ("kpi-b", "2025-06", 13, "not_met"),
    ]
)


def register(tmp_path, text):
    folder = tmp_path / "data" / "raw" / "nonconformities"
    folder.mkdir(parents=True)
    (folder / "registro.csv").write_text(text, encoding="utf-8")
    raw = read_register(folder, Paths.at(tmp_path).relative)
    return validate_register(raw, INDICATORS)


def test_a_nonconformity_is_an_episode_and_register_rows_attach_to_it(tmp_path):
    good, rejects = register(
        tmp_path,
        "indicatore;periodo;causa;azione;responsabile;data_verifica\n"
        "kpi-a;gennaio 2025;ferie;turni;Ufficio A;28/02/2025\n"
        "kpi-b;2025-05;picco;nuovo modulo;Ufficio B;2025-05-31\n"
        "kpi-b;2025-06;picco;secondo addetto;Ufficio B;31/12/2025\n",
    )
    assert rejects.empty
    result, unmatched = nonconformities(EVALUATION, good, INDICATORS, dt.date(2025, 6, 30))
    result = result.set_index("indicator_id")
    # kpi-a: missed in January and April; two months met between them are not the three that close it
    assert result.loc["kpi-a", ["first_period", "last_period", "periods_not_met"]].tolist() == ["2025-01", "2025-04", 2]
    assert bool(result.loc["kpi-a", "open"]) and result.loc["kpi-a", "owner"] == "Ufficio A"
    assert result.loc["kpi-a", "state"] == "azione_scaduta" and bool(result.loc["kpi-a", "overdue"])
    assert result.loc["kpi-a", "source"] == "data/raw/nonconformities/registro.csv"
    assert result.loc["kpi-b", "state"] == "azione_scaduta" and len(result) == 2  # review 31/05 passed
    assert unmatched["row"].tolist() == [4]  # the second row of the same episode
    assert unmatched["reason"].iloc[0].startswith("non conformità kpi-b dal 2025-05 già registrata in")


def test_two_runs_of_misses_are_two_episodes_the_first_closed_with_the_registers_cause(tmp_path):
    statuses = ["met", "not_met", "not_met", "met", "met", "met", "met", "not_met", "not_met", "met"]
    series = evaluation(
        [("kpi-a", f"2025-{m:02d}", 70 if s == "not_met" else 90, s) for m, s in enumerate(statuses, start=1)]
    )
    good, _ = register(
        tmp_path,
        "indicatore;periodo;causa;azione;responsabile;data_verifica\nkpi-a;2025-03;guasto;riparazione;A;30/04/2025\n",
    )
    result, unmatched = nonconformities(series, good, INDICATORS, dt.date(2025, 10, 31))
    assert unmatched.empty
    assert result[["first_period", "last_period", "periods_not_met", "open", "closed_period"]].to_dict("records") == [
        {
            "first_period": "2025-02",
            "last_period": "2025-03",
            "periods_not_met": 2,
            "open": False,
            "closed_period": "2025-06",
        },
        {"first_period": "2025-08", "last_period": "2025-09", "periods_not_met": 2, "open": True, "closed_period": ""},
    ]
    assert result["cause"].tolist() == ["guasto", ""] and result["state"].tolist() == ["chiusa", "senza_azione"]


def test_the_register_can_close_an_episode_by_decision(tmp_path):
    good, _ = register(
        tmp_path,
        "indicatore;periodo;causa;azione;responsabile;data_verifica;data_chiusura\n"
        "kpi-b;2025-05;picco;nuovo modulo;B;30/06/2025;15/06/2025\n",
    )
    result, _ = nonconformities(EVALUATION, good, INDICATORS, dt.date(2025, 6, 30))
    closed = result.set_index("indicator_id").loc["kpi-b"]
    assert (bool(closed["open"]), closed["closed_period"], closed["closed_by"]) == (False, "2025-06", "registro")


def test_a_quarterly_series_closes_after_two_quarters_met():
    series = evaluation(
        [("kpi-a", p, v, s) for p, v, s in [("2025-Q1", 70, "not_met"), ("2025-Q2", 90, "met"), ("2025-Q3", 90, "met")]]
    )
    result, _ = nonconformities(
        series, pd.DataFrame(columns=["indicator_id", "period"]), INDICATORS, dt.date(2025, 9, 30)
    )
    assert result["closed_period"].tolist() == ["2025-Q3"]


def test_bad_register_rows_are_rejected_with_reasons(tmp_path):
    good, rejects = register(
        tmp_path,
        "indicatore;periodo;causa;azione;responsabile;data_verifica\n"
        "kpi-zz;2025-01;x;y;z;01/01/2025\n"
        "kpi-a;mese 13;x;y;z;01/01/2025\n"
        "kpi-a;2025-01;x;y;z;31/02/2025\n",
    )
    assert good.empty
    assert rejects["row"].tolist() == [2, 3, 4]
    assert [reason.split(":")[0] for reason in rejects["reason"]] == [
        "indicatore sconosciuto",
        "periodo non riconosciuto",
        "data di verifica non valida",
    ]


def test_the_register_is_never_written_and_the_examples_give_a_short_list(shipped, tmp_path):
    import shutil

    from kpilib.analysis.evaluate import run_evaluate

    copy = Paths.at(tmp_path / "copy")
    shutil.copytree(shipped.root, copy.root)
    folder = copy.raw / "nonconformities"
    before = {path: path.read_bytes() for path in folder.iterdir()}
    run_evaluate(copy)
    assert {path: path.read_bytes() for path in folder.iterdir()} == before
    episodes = pd.read_csv(copy.nonconformities, keep_default_na=False)
    assert {"senza_azione", "azione_scaduta", "chiusa"} <= set(episodes["state"])
    assert episodes["open"].sum() < 15  # a list an auditor can act on, not every missed month since 2023
    spike = episodes[episodes["first_period"] == "2024-10"].iloc[0]
    assert spike["cause"] == "chiusura straordinaria delle sale per lavori" and spike["state"] == "chiusa"


def test_a_repeated_register_row_is_rejected_naming_the_first_and_an_impossible_date_too(tmp_path):
    good, rejects = register(
        tmp_path,
        "indicatore;periodo;causa;azione;responsabile;data_verifica\n"
        "kpi-a;2025-01;causa prima;azione prima;Ufficio A;31/03/2025\n"
        "kpi-a;gennaio 2025;causa seconda;azione seconda;Ufficio B;30/04/2025\n"
        "kpi-b;2025-05;x;y;z;0001-01-01\n",
    )
    assert good["cause"].tolist() == ["causa prima"]
    assert rejects["row"].tolist() == [3, 4]
    assert rejects["reason"].tolist() == [
        "riga ripetuta: data/raw/nonconformities/registro.csv riga 2 registra già kpi-a nel periodo 2025-01 "
        "(unire le due righe in una)",
        "data di verifica fuori dagli anni gestiti (1990-2100): '0001-01-01'",
    ]


def test_the_treatment_is_recorded_correction_effectiveness_and_its_date_and_states_follow_it(tmp_path):
    statuses = ["not_met", "met", "met", "met", "not_met", "not_met"]
    series = evaluation(
        [("kpi-a", f"2025-{m:02d}", 70 if s == "not_met" else 90, s) for m, s in enumerate(statuses, start=1)]
        + [("kpi-b", "2025-05", 12, "not_met"), ("kpi-b", "2025-06", 13, "not_met")]
    )
    good, rejects = register(
        tmp_path,
        "indicatore;periodo;causa;correzione;azione;responsabile;data_verifica;efficacia;verificata il\n"
        "kpi-a;2025-05;guasto;riavvio;sostituzione server;A;31/05/2025;non efficace;20/06/2025\n"
        "kpi-b;2025-05;picco;straordinari;secondo addetto;B;31/05/2025;;\n",
    )
    assert rejects.empty
    result, _ = nonconformities(series, good, INDICATORS, dt.date(2025, 6, 30))
    by_first = result.set_index(["indicator_id", result["first_period"].astype(str)])
    # January's miss closed by recovery with nothing recorded: no cause was looked for
    assert by_first.loc[("kpi-a", "2025-01"), "state"] == "chiusa_senza_analisi"
    verified = by_first.loc[("kpi-a", "2025-05")]
    assert (verified["correction"], verified["effectiveness"], verified["verified_on"]) == (
        "riavvio",
        "non efficace",
        "2025-06-20",
    )
    assert verified["state"] == "azione_non_efficace" and not verified["overdue"]  # a verdict was given
    waiting = by_first.loc[("kpi-b", "2025-05")]
    assert waiting["state"] == "azione_scaduta" and waiting["overdue"]  # review date passed, no verdict


def test_an_effectiveness_that_is_neither_and_an_impossible_verification_date_are_rejected(tmp_path):
    _, rejects = register(
        tmp_path,
        "indicatore;periodo;azione;data_verifica;efficacia;verificata il\n"
        "kpi-a;2025-01;turni;28/02/2025;forse;\n"
        "kpi-b;2025-05;modulo;31/05/2025;efficace;31/02/2025\n",
    )
    assert rejects["code"].tolist() == ["invalid_effectiveness", "invalid_verification_date"]
