import pytest

from kpilib.catalog.wording import Deadline, basis_of, deadline_of, percentile_of, sub_indicator_labels


@pytest.mark.parametrize(
    ("text", "basis"),
    [
        ("NUMERO DI INVII NEWSLETTER SU BASE MENSILE", "monthly"),
        ("controlli effettuati mensilmente", "monthly"),
        ("PRATICHE CHIUSE SU BASE TRIMESTRALE", "quarterly"),
        ("NEWS PUBBLICATE (CALCOLO SEMESTRALE)", "semiannual"),
        ("DOCUMENTI CONTROLLATI SU BASE SEMESTRALE", "semiannual"),
        ("RICHIESTE SODDISFATTE SU BASE ANNUALE", "annual"),
        ("MEDIA PLANNING GESTITI ANNUALMENTE, SUL TOTALE", "annual"),
        ("RICHIESTE SODDISFATTE IN UN ANNO", "annual"),
        ("EVENTI ORGANIZZATI NELL'ANNO", "annual"),
        ("eventi organizzati nell’anno", "annual"),
        ("PERCENTUALE DI VISITE EFFETTUATE", ""),
    ],
)
def test_basis(text, basis):
    assert basis_of(text) == basis


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("RICHIESTE EVASE ENTRO 3 GG. LAVORATIVI DALLA RICEZIONE", Deadline(3, "working_days")),
        ("TRASMESSE ENTRO IL TERMINE DI 15 GG.: - DALLA STIPULA", Deadline(15, "days")),
        ("NEWS PUBBLICATE ENTRO UN GIORNO DALLA RICEZIONE", Deadline(1, "days")),
        ("RISPOSTE ENTRO 48 ORE", Deadline(48, "hours")),
        ("RISPOSTE ENTRO DUE GIORNI LAVORATIVI", Deadline(2, "working_days")),
        ("pratiche chiuse entro trenta giorni", Deadline(30, "days")),
        ("pratiche chiuse entro ventitré giorni", Deadline(23, "days")),
        ("PRATICHE EVASE ENTRO 10 GIORNI", Deadline(10, "days")),
        ("VALUTAZIONE ENTRO UN TEMPO MASSIMO DI", None),
        ("PERCENTUALE DI VISITE EFFETTUATE", None),
    ],
)
def test_deadline(text, deadline):
    assert deadline_of(text) == deadline


@pytest.mark.parametrize(
    ("text", "percentile"),
    [
        ("TEMPO MASSIMO DI INOLTRO PER IL 90% DELLA CORRISPONDENZA", 90),
        ("tempo di risposta per l'80% delle richieste", 80),
        ("TEMPO MASSIMO DI RISPOSTA PER IL 95,5 % DEI CASI", 95.5),
        ("TEMPO MASSIMO DI RISPOSTA", None),
    ],
)
def test_percentile(text, percentile):
    assert percentile_of(text) == percentile


def test_compound_labels_from_label_segments():
    text = "PREMIO MARRA: N° DI TESI PERVENUTE PREMIO AMBROSOLI: N° DI TESI PERVENUTE"
    assert sub_indicator_labels(text, 2) == ["PREMIO MARRA", "PREMIO AMBROSOLI"]


def test_compound_labels_fall_back_to_numbers():
    assert sub_indicator_labels("N° DI TESI E DI PROGETTI", 2) == ["1", "2"]
    assert sub_indicator_labels("A: uno B: due C: tre", 2) == ["1", "2"]
