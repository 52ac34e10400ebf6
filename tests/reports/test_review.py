"""The whole management review (ISO 9001 §9.3): every §9.3.2 input in order, from the data and the registers."""

from __future__ import annotations

import dataclasses
import html
import re
import shutil

import nbformat
import pytest

from kpilib.core.paths import REPOSITORY_ROOT, Paths
from kpilib.reports import review as pack
from kpilib.review.registers import read_review_registers, register_of

LETTERS = ["a", "b", "c", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "d", "e", "f"]


def _text(markup: str) -> str:
    markup = re.sub(r"<style.*?</style>", "", markup, flags=re.S)
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", markup).split()))


@pytest.fixture(scope="module")
def year_2025(shipped, tmp_path_factory):
    """The 2025 review of a copy of the fixture root (its registers are the shipped examples)."""
    root = tmp_path_factory.mktemp("review")
    shutil.copytree(shipped.root / "data", root / "data")
    return pack.load_review(str(root), "2025")


def _shown(monkeypatch, section, review) -> str:
    said = []
    monkeypatch.setattr(pack, "show_html", said.append)
    monkeypatch.setattr(pack, "show_markdown", said.append)
    section(review)
    return _text(" ".join(said))


def test_the_notebook_gives_every_9_3_2_input_with_its_letter_in_the_norms_order():
    book = nbformat.read(REPOSITORY_ROOT / "notebooks" / "review.ipynb", as_version=4)
    headings = [line for cell in book.cells if cell.cell_type == "markdown" for line in cell.source.splitlines()]
    letters = [m[1] for line in headings if (m := re.match(r"#+ (\w+)\) ", line))]
    assert letters == LETTERS
    assert any("9.3.3" in line for line in headings)
    assert not any("9.3.2 d)" in line and "Efficacia" in line for line in headings)  # d is resources, not effectiveness


def test_input_a_is_produced_from_the_previous_reviews_decisions(year_2025, monkeypatch):
    text = _shown(monkeypatch, pack.previous_actions, year_2025)
    decisions = year_2025.registers.of("decisioni", 2024)
    assert len(decisions) == 3
    for decision in decisions["decision"]:
        assert decision in text
    # in progress, due 30/06/2025, not completed by the end of the year reviewed
    assert "30/06/2025 in corso svolto 1 corso su 2 scaduta" in text
    assert "completate 1; oltre la scadenza e non completate 1" in text


def test_the_decisions_of_the_review_are_registered_for_next_years_input_a(year_2025, monkeypatch, tmp_path):
    text = _shown(monkeypatch, pack.decisions, year_2025)
    assert "Nessuna decisione registrata per il riesame 2025" in text and "data/raw/riesame/decisioni.csv" in text
    root = tmp_path / "root"
    shutil.copytree(year_2025.paths.root / "data", root / "data")
    (root / "data" / "raw" / "riesame" / "decisioni_2025.csv").write_text(
        "Anno;Decisione;Tipo;Responsabile;Scadenza;Stato\n"
        "2025;Rivedere il target delle tesi dei premi su base annuale;Modifica;Ufficio Qualità;30/06/2026;Aperta\n",
        encoding="utf-8",
    )
    after = dataclasses.replace(year_2025, registers=read_review_registers(Paths.at(root)))
    text = _shown(monkeypatch, pack.decisions, after)
    assert "Rivedere il target delle tesi dei premi su base annuale b) modifica del sistema di gestione" in text
    assert "30/06/2026 aperta" in text  # headings and values in any case: read as the register writes them


@pytest.mark.parametrize(
    "section, register, said",
    [
        (pack.context, "contesto", "Accessibilità dei documenti pubblicati"),
        (pack.satisfaction, "soddisfazione", "Palazzo Marino 93 91 515"),  # 2025 against 2024
        (pack.audits, "audit", "Constatazioni: 2 nel 2025, 0 nel 2024"),
        (pack.providers, "fornitori", "Manutenzione allestimenti"),
        (pack.resources, "risorse", "Personale dell'Unità Governance da potenziare"),
        (pack.risks, "rischi", "Prenotazione online delle visite guidate attivata da gennaio 2025 efficace"),
    ],
)
def test_each_register_section_shows_its_entries_or_says_where_to_record_them(
    year_2025, monkeypatch, tmp_path, section, register, said
):
    assert said in _shown(monkeypatch, section, year_2025)
    empty = dataclasses.replace(year_2025, registers=read_review_registers(Paths.at(tmp_path)))
    text = _shown(monkeypatch, section, empty)
    assert "Nessuna voce per il 2025" in text and f"data/raw/riesame/{register}.csv" in text, text


def test_objectives_name_the_indicators_that_changed_and_explain_a_semester_against_the_year(year_2025, monkeypatch):
    text = _shown(monkeypatch, pack.objectives, year_2025)
    assert "Indicatori che hanno cambiato esito rispetto al 2024" in text
    assert "peggiorato" in text or "migliorato" in text
    assert "Perché un semestre e l'anno danno esiti diversi" in text
    assert re.search(r"PREMIO MARRA .* 1° semestre 2025 \d+: non raggiunto \d+: raggiunto", text)


def test_nonconformities_are_compared_with_the_year_before_and_each_says_how_it_closed(year_2025, monkeypatch):
    text = _shown(monkeypatch, pack.nonconformities, year_2025)
    assert "Non conformità 2025 Non conformità 2024" in text and "di cui chiuse senza analisi" in text
    assert "Chiusa senza analisi target di nuovo raggiunto" in text
    assert "Azione scaduta aperta aumento delle assemblee" in text


def test_performance_names_the_processes_to_follow_and_the_effect_of_a_process_change(year_2025, monkeypatch):
    text = _shown(monkeypatch, pack.performance, year_2025)
    assert "Indicatori 2025 Indicatori 2024" in text and "Processi da seguire" in text
    assert "prenotazione online delle visite guidate (nuova procedura) gennaio 2025" in text


def test_register_rows_that_cannot_be_used_are_rejected_with_the_reason(tmp_path):
    folder = tmp_path / "data" / "raw" / "riesame"
    folder.mkdir(parents=True)
    (folder / "audit_2025.csv").write_text(
        "anno;data;tipo;ambito;constatazione;classificazione;stato\n"
        "2025;14/05/2025;Interno;URP;pratiche senza data di chiusura;Non conformità minore;chiusa\n"
        "25;14/05/2025;interno;URP;altro;osservazione;aperta\n"
        "2025;;interno;URP;;osservazione;aperta\n"
        "2025;;ispezione;URP;rilievo;osservazione;aperta\n",
        encoding="utf-8",
    )
    (folder / "verbale.csv").write_text("anno;testo\n2025;x\n", encoding="utf-8")
    (folder / "rischi.csv").write_text("descrizione\nperdita di dati\n", encoding="utf-8")
    registers = read_review_registers(Paths.at(tmp_path))
    audits = registers.of("audit", 2025)
    assert audits[["kind", "grade", "row"]].to_dict("records") == [
        {"kind": "interno", "grade": "non conformità minore", "row": 2}
    ]
    found = registers.rejects.set_index(["source", "row"])["code"].to_dict()
    assert found == {
        ("data/raw/riesame/audit_2025.csv", 3): "invalid_year",
        ("data/raw/riesame/audit_2025.csv", 4): "missing_value",
        ("data/raw/riesame/audit_2025.csv", 5): "value_not_allowed",
        ("data/raw/riesame/verbale.csv", 1): "unknown_review_register",
        ("data/raw/riesame/rischi.csv", 1): "missing_header",
        ("data/raw/riesame/rischi.csv", 2): "missing_header",
    }
    reasons = " ".join(registers.rejects["reason"])
    assert "manca constatazione" in reasons and "'ispezione' non è tra i valori previsti" in reasons


def test_a_register_is_known_by_the_name_in_its_file_name():
    assert register_of("ESEMPIO_decisioni.csv") == "decisioni"
    assert register_of("Audit interni 2025.csv") == "audit"
    assert register_of("Soddisfazione-utenti.csv") == "soddisfazione"
    assert register_of("appunti.csv") is None
