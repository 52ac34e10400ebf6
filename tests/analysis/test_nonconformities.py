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


def test_states_of_every_not_met_period(tmp_path):
    good, rejects = register(
        tmp_path,
        "indicatore;periodo;causa;azione;responsabile;data_verifica\n"
        "kpi-a;gennaio 2025;ferie;turni;Ufficio A;28/02/2025\n"
        "kpi-b;2025-05;picco;nuovo modulo;Ufficio B;2025-05-31\n"
        "kpi-b;2025-06;picco;secondo addetto;Ufficio B;31/12/2025\n",
    )
    assert rejects.empty
    result = nonconformities(EVALUATION, good, INDICATORS, dt.date(2025, 6, 30)).set_index(["indicator_id", "period"])
    assert result.loc[("kpi-a", "2025-01"), "state"] == "rientrata"  # met in 4 of the 5 periods since
    assert result.loc[("kpi-a", "2025-04"), "state"] == "senza_azione"
    assert result.loc[("kpi-b", "2025-05"), "state"] == "azione_scaduta"  # review 31/05 passed, June missed too
    assert result.loc[("kpi-b", "2025-06"), "state"] == "in_corso"
    assert len(result) == 4
    assert result.loc[("kpi-a", "2025-01"), "owner"] == "Ufficio A"
    assert result.loc[("kpi-a", "2025-01"), "source"] == "data/raw/nonconformities/registro.csv"


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


def test_the_register_is_never_written(shipped):
    folder = shipped.raw / "nonconformities"
    before = {path: path.read_bytes() for path in folder.iterdir()}
    from kpilib.analysis.evaluate import run_evaluate

    run_evaluate(shipped)
    assert {path: path.read_bytes() for path in folder.iterdir()} == before
    states = pd.read_csv(shipped.nonconformities)["state"]
    assert {"senza_azione", "azione_scaduta", "rientrata"} <= set(states)


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
