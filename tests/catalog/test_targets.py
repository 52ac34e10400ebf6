import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpilib.catalog.targets import Target, describe_target, parse_number, parse_target


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("53 GG", [Target("<=", 53, "days", "lower")]),
        ("25 GIORNI", [Target("<=", 25, "days", "lower")]),
        ("1 GIORNO", [Target("<=", 1, "days", "lower")]),
        ("≤12 GG.", [Target("<=", 12, "days", "lower")]),
        ("3 GG. LAVORATIVI", [Target("<=", 3, "working_days", "lower")]),
        ("5 giorni lavorativi", [Target("<=", 5, "working_days", "lower")]),
        ("48 ORE", [Target("<=", 48, "hours", "lower")]),
        ("90%", [Target(">=", 90, "percent", "higher")]),
        ("≥80%", [Target(">=", 80, "percent", "higher")]),
        ("≥10 ≥10", [Target(">=", 10, "number", "higher")] * 2),
        ("≥60", [Target(">=", 60, "number", "higher")]),
        ("≤2%", [Target("<=", 2, "percent", "lower")]),
        ("< 5 %", [Target("<", 5, "percent", "lower")]),
        ("> 92,5%", [Target(">", 92.5, "percent", "higher")]),
        (">= 92.5%", [Target(">=", 92.5, "percent", "higher")]),
        ("=> 70%", [Target(">=", 70, "percent", "higher")]),
        ("=< 30 gg", [Target("<=", 30, "days", "lower")]),
        ("MAX 30 GG", [Target("<=", 30, "days", "lower")]),
        ("MASSIMO 10 ORE", [Target("<=", 10, "hours", "lower")]),
        ("NON OLTRE 15 GIORNI", [Target("<=", 15, "days", "lower")]),
        ("MIN 5", [Target(">=", 5, "number", "higher")]),
        ("ALMENO 95%", [Target(">=", 95, "percent", "higher")]),
        ("almeno 3", [Target(">=", 3, "number", "higher")]),
        ("≥10 e ≥5", [Target(">=", 10, "number", "higher"), Target(">=", 5, "number", "higher")]),
        ("90%;\u00a0≤ 20 GG", [Target(">=", 90, "percent", "higher"), Target("<=", 20, "days", "lower")]),
    ],
)
def test_target_grammar(cell, expected):
    assert parse_target(cell) == expected


@pytest.mark.parametrize("cell", ["DA DEFINIRE", "", "   ", "N.D.", "90% circa", "≥", "ottanta per cento", "12 mesi"])
def test_unparseable_targets_give_no_threshold(cell):
    assert parse_target(cell) == []


def test_is_met_follows_the_comparator_exactly():
    assert Target(">=", 80, "percent", "higher").is_met(80)
    assert not Target(">", 80, "percent", "higher").is_met(80)
    assert Target("<=", 12, "days", "lower").is_met(12)
    assert not Target("<", 12, "days", "lower").is_met(12)


def test_describe_target_in_italian():
    assert describe_target(">=", 92.5, "percent") == "almeno 92,5%"
    assert describe_target("<=", 3, "working_days") == "al massimo 3 giorni lavorativi"
    assert describe_target("", None, "") == "target non definito"


COMPARATORS = {
    "≥": ">=",
    ">=": ">=",
    "=>": ">=",
    "ALMENO ": ">=",
    "MIN ": ">=",
    "≤": "<=",
    "<=": "<=",
    "=<": "<=",
    "MAX ": "<=",
    "MASSIMO ": "<=",
    "NON OLTRE ": "<=",
    ">": ">",
    "<": "<",
}
UNITS = {
    "%": "percent",
    " GG": "days",
    " GG.": "days",
    " GIORNI": "days",
    " GIORNO": "days",
    " GG. LAVORATIVI": "working_days",
    " GIORNI LAVORATIVI": "working_days",
    " ORE": "hours",
    "": "number",
}


@st.composite
def thresholds(draw):
    comparator = draw(st.sampled_from(sorted(COMPARATORS)))
    whole = draw(st.integers(min_value=0, max_value=99_999))
    decimals = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=99)))
    separator = draw(st.sampled_from([",", "."]))
    number = str(whole) if decimals is None else f"{whole}{separator}{decimals:02d}"
    value = float(whole) if decimals is None else whole + decimals / 100
    unit = draw(st.sampled_from(sorted(UNITS)))
    space = draw(st.sampled_from(["", " ", "\u00a0"]))
    return f"{comparator}{space}{number}{unit}", COMPARATORS[comparator], value, UNITS[unit]


@given(st.lists(thresholds(), min_size=1, max_size=4))
def test_property_comparator_number_unit_round_trip(parts):
    cell = " ".join(text for text, *_ in parts)
    parsed = parse_target(cell)
    assert [(t.op, t.unit) for t in parsed] == [(op, unit) for _, op, _, unit in parts]
    assert [t.value for t in parsed] == pytest.approx([value for _, _, value, _ in parts])
    for target in parsed:
        assert target.polarity == ("higher" if target.op.startswith(">") else "lower")


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=999), st.sampled_from([",", "."]))
def test_property_numbers_read_as_an_italian_table_writes_them(whole, fraction, separator):
    written = f"{whole}{separator}{fraction}"
    groups_thousands = separator == "." and len(str(fraction)) == 3 and 1 <= len(str(whole)) <= 3 and whole > 0
    expected = float(f"{whole}{fraction}") if groups_thousands else float(f"{whole}.{fraction}")
    assert parse_number(written) == expected


@pytest.mark.parametrize(
    "cell, op, value",
    [("≥ 1.000", ">=", 1000.0), ("≥1.234,5", ">=", 1234.5), ("≥ 2.500 GG", ">=", 2500.0), ("≥92.5%", ">=", 92.5)],
)
def test_italian_thousands_in_a_target_are_one_number(cell, op, value):
    (target,) = parse_target(cell)
    assert (target.op, target.value) == (op, value)


@given(st.sampled_from(["%", " GG", " ORE", ""]), st.integers(min_value=1, max_value=500))
def test_property_default_polarity_without_comparator(unit, number):
    (target,) = parse_target(f"{number}{unit}")
    duration = unit in (" GG", " ORE")
    assert (target.op, target.polarity) == (("<=", "lower") if duration else (">=", "higher"))
