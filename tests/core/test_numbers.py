"""Numbers read as an Italian clerk (or anyone else) meant them, never guessed."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpilib.core.numbers import NotANumber, decimal_style, is_not_available, read_number


@pytest.mark.parametrize(
    ("text", "decimal", "value"),
    [
        ("1.234", ",", 1234.0),  # an Italian writer means twelve hundred and thirty-four
        ("3.000", ",", 3000.0),
        ("1.234", ".", 1.234),
        ("1,234", ".", 1234.0),
        ("1.234.567", None, 1234567.0),
        ("0,925", None, 0.925),  # no thousands group starts with 0
        ("1234,567", None, 1234.567),
        ("-0", None, 0.0),
    ],
)
def test_a_number_is_read_as_its_file_writes_decimals(text, decimal, value):
    assert read_number(text, decimal).value == value


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "1.200",
            "numero ambiguo: '1.200' (il file non mostra se i decimali si scrivono con la virgola o con il "
            "punto): scrivere 1200 oppure 1,2",
        ),
        ("12 5", "cifre separate da spazi: '12 5'"),
        ("1 234,5", "cifre separate da spazi"),
        ("1.23.4", "non è un numero"),
        ("0. 0", "non è un numero"),
        ("7 kg", "unità 'kg' non riconosciuta"),
    ],
)
def test_what_cannot_be_read_for_sure_is_rejected_with_the_reason(text, reason):
    with pytest.raises(NotANumber, match=reason.replace("(", r"\(").replace(")", r"\)")):
        read_number(text, None)


def test_the_style_of_a_file_comes_from_the_cells_that_show_it():
    assert decimal_style(["12", "92,5", "3.000"]) == ","
    assert decimal_style(["12", "92.5", "3,000"]) == "."
    assert decimal_style(["12", "3.000"]) is None
    assert decimal_style(["92,5", "92.5"]) is None  # both: nothing is taken for granted
    assert decimal_style(["1.234,5"]) == ","


@pytest.mark.parametrize("text", ["n.d.", "ND", "nd", "Non disponibile", "-", " n.d "])
def test_not_available_words(text):
    assert is_not_available(text)


AMOUNTS = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False, allow_infinity=False)


def _italian(amount: Decimal, thousands: bool) -> str:
    integer, _, fraction = f"{amount:.2f}".partition(".")
    grouped = f"{int(integer):,}".replace(",", ".") if thousands else integer
    fraction = fraction.rstrip("0")
    return grouped + ("," + fraction if fraction else "")


@given(st.lists(st.tuples(AMOUNTS, st.booleans()), min_size=1, max_size=20))
def test_property_an_italian_file_is_read_exactly_as_written(cells):
    texts = [_italian(amount, thousands) for amount, thousands in cells] + ["92,5"]  # a cell that shows the style
    style = decimal_style(texts)
    assert style == ","
    for (amount, _), text in zip(cells, texts, strict=False):
        assert read_number(text, style).value == float(amount), text


@given(st.lists(st.tuples(AMOUNTS, st.booleans(), st.sampled_from([",", "."])), min_size=1, max_size=20))
def test_property_a_number_is_read_as_meant_or_rejected_never_misread(cells):
    """Whatever the file shows, an accepted value is the one its writer meant, or the cell is rejected."""
    texts = []
    for amount, thousands, decimal in cells:
        text = _italian(amount, thousands)
        if decimal == ".":  # the same number as an English writer puts it
            text = text.replace(".", "_").replace(",", ".").replace("_", ",")
        texts.append(text)
    style = decimal_style(texts)
    for (amount, _, decimal), text in zip(cells, texts, strict=True):
        try:
            read = read_number(text, style).value
        except NotANumber:
            continue
        if style is None or style == decimal:
            assert read == float(amount), (text, style)


@given(st.text(alphabet="0123456789.,%- \u00a0abgore", max_size=12), st.sampled_from([",", ".", None]))
def test_property_any_cell_is_a_number_or_a_reason_never_a_crash(text, decimal):
    try:
        read = read_number(text, decimal)
    except NotANumber as reason:
        assert str(reason)
    else:
        assert read is None or read.value == read.value  # a number, not NaN
