"""Italian agreement: every counted word and every agreeing verb, singular with 1, plural otherwise."""

import pytest

from kpilib.core.labels import AGREEING_IT, COUNTED_IT, agree_it, count_it

# Italian plural endings of the words used: -o -> -i, -a -> -e, -e -> -i; an ending that stays is invariable.
PLURAL_OF = {"o": ("i",), "a": ("e",), "e": ("i",)}
INVARIABLE = {
    "dati",
    "target",
    "azione",
    "non",
    "con",
    "in",
    "corso",
    "senza",
    "scaduta",
    "nel",
    "ancora",
    "efficace",
    "analisi",
    "da",
    "confermare",
}


def _agrees(singular: str, plural: str) -> bool:
    for one, many in zip(singular.split(), plural.split(), strict=True):
        if one == many and (one in INVARIABLE or one[-1:] not in PLURAL_OF):
            continue
        if one[-2:] in ("ca", "ga") and many == one[:-1] + "he":  # the h keeps the sound: modifica, modifiche
            continue
        if one[:-1] != many[:-1] or many[-1] not in PLURAL_OF.get(one[-1], ()):
            return False
    return True


@pytest.mark.parametrize("word", sorted(COUNTED_IT))
def test_every_counted_word_takes_its_singular_with_one_and_its_plural_otherwise(word):
    singular, plural = COUNTED_IT[word]
    assert (
        count_it(1, word) == f"1 {singular}"
        and count_it(0, word) == f"0 {plural}"
        and count_it(21, word) == f"21 {plural}"
    )
    assert _agrees(singular, plural), (singular, plural)


def _verb_agrees(singular: str, plural: str) -> bool:
    """A verb's third person: manca -> mancano, risulta -> risultano, chiude -> chiudono."""
    return plural == singular + "no" if singular.endswith("a") else plural == singular[:-1] + "ono"


@pytest.mark.parametrize("word", sorted(AGREEING_IT))
def test_every_agreeing_word_agrees(word):
    assert agree_it(1, word) == word and agree_it(2, word) == AGREEING_IT[word]
    assert _agrees(word, AGREEING_IT[word]) or _verb_agrees(word, AGREEING_IT[word])


def test_the_checker_itself_catches_a_wrong_plural():
    assert not _agrees("raggiunto", "raggiunto") and not _agrees("chiusa", "chiusi") and _agrees("mese", "mesi")
