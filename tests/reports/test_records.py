"""Each indicator's record page (ISO 9001 §9.1.1): what is measured, how, when, every value, the treatment."""

from __future__ import annotations

import html
import re
import shutil

import pandas as pd
import pytest

from kpilib.core.paths import Paths
from kpilib.reports.reports import write_indicator_records


def _text(page: str) -> str:
    page = re.sub(r"<style.*?</style>", "", page, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


@pytest.fixture(scope="module")
def records(shipped, tmp_path_factory):
    """The record pages of the fixture root, written into a copy of it."""
    root = tmp_path_factory.mktemp("records")
    shutil.copytree(shipped.root / "data", root / "data")
    paths = Paths.at(root)
    written = write_indicator_records(paths)
    summary = pd.read_csv(paths.indicator_summary)
    return paths, written, summary


def test_every_indicator_evaluated_has_its_record_page(records):
    _, written, summary = records
    assert sorted(p.stem for p in written) == sorted(summary["indicator_id"])
    for page in written:
        text = page.read_text(encoding="utf-8")
        assert '<html lang="it">' in text and "<title>Scheda dell'indicatore" in text
        for section in ("Che cosa si misura", "Versioni del catalogo", "Come e quando si misura",
                        "Valori ed esiti per periodo", "Andamento nel tempo", "Correzioni",
                        "Non conformità e trattamento", "Cambi di processo registrati"):  # fmt: skip
            assert f"<h2>{section}" in text, (page.name, section)
        assert "http://" not in text and "https://" not in text  # self-contained


def test_a_value_computed_from_case_records_says_how_and_as_of_when(records):
    paths, _, _ = records
    measured = pd.read_csv(paths.measurements)
    from_cases = measured.loc[measured["source"].str.startswith("data/raw/events/"), "indicator_id"].unique()
    assert len(from_cases)
    as_of = paths.event_as_of.read_text().strip()
    text = _text((paths.reports / "indicatori" / f"{from_cases[0]}.html").read_text(encoding="utf-8"))
    day = f"{as_of[8:10]}/{as_of[5:7]}/{as_of[:4]}"
    assert f"calcolato dai fascicoli dei casi (data/raw/events), dati al {day}" in text
    assert "Calcolo numero dei casi aperti nel periodo" in text or "percentile" in text or "durata" in text


def test_an_office_value_says_who_delivers_and_by_when(records):
    paths, _, summary = records
    measured = pd.read_csv(paths.measurements)
    derived = measured["source"].str.startswith("data/raw/events/")
    only_delivered = set(measured["indicator_id"]) - set(measured.loc[derived, "indicator_id"])
    row = summary[summary["indicator_id"] == sorted(only_delivered)[0]].iloc[0]
    text = html.unescape(_text((paths.reports / "indicatori" / f"{row['indicator_id']}.html").read_text("utf-8")))
    assert f"Fonte consegnato dall'ufficio {row['office']} con il modello di raccolta" in text
    assert "entro 15 giorni lavorativi dalla fine di ciascun periodo" in text
    both = sorted(set(measured.loc[derived, "indicator_id"]) & set(measured.loc[~derived, "indicator_id"]))
    if both:  # delivered by an office, then computed from case records: the page says since when
        text = html.unescape(_text((paths.reports / "indicatori" / f"{both[0]}.html").read_text("utf-8")))
        assert re.search(r"dati al \d\d/\d\d/\d{4}, dal \w+ \d{4}; prima consegnato dall'ufficio", text), text[:2000]


def test_every_episode_says_how_it_was_closed_and_its_treatment(records):
    paths, _, _ = records
    episodes = pd.read_csv(paths.nonconformities)
    assert len(episodes)
    for indicator_id, own in episodes.groupby("indicator_id"):
        text = _text((paths.reports / "indicatori" / f"{indicator_id}.html").read_text(encoding="utf-8"))
        table = text[text.index("Non conformità e trattamento") : text.index("Cambi di processo registrati")]
        assert "Come si è chiusa" in table and "Efficacia" in table and "Verificata il" in table
        closed = own[~own["open"].astype(bool)]
        said = table.count("target di nuovo raggiunto") + table.count("dal registro")
        assert said == len(closed), indicator_id
        assert table.count(" aperta ") >= int(own["open"].astype(bool).sum())


def test_every_catalog_version_is_listed_with_its_years(records):
    paths, _, _ = records
    versions = pd.read_csv(paths.indicators)
    twice = versions["indicator_id"].value_counts()
    indicator_id = twice[twice > 1].index[0]
    text = _text((paths.reports / "indicatori" / f"{indicator_id}.html").read_text(encoding="utf-8"))
    table = text[text.index("Versioni del catalogo") : text.index("Come e quando si misura")]
    own = versions[versions["indicator_id"] == indicator_id]
    for start in own["valid_from"].dropna():
        assert str(int(start)) in table
    assert "in vigore" in table
