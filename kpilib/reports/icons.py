"""The Making Data Count icons, drawn by the project as small inline SVG with Italian labels.

Variation: a grey circle for common-cause variation; an orange one (concern) or a blue one
(improvement) with **A** (alto, the value is high) or **B** (basso, low). Assurance: blue
**S** (target sempre raggiunto), orange **M** (mai raggiungibile), grey **~** (a volte sì a
volte no). Each icon carries its meaning as ``<title>`` and ``aria-label`` (screen readers,
tooltips) and is followed by the label in words, so it reads and prints without colour.
Nothing is fetched: the pages stay self-contained.
"""

from __future__ import annotations

import html

from ..core.labels import ASSURANCE_IT, VARIATION_IT
from ..core.vocabulary import Assurance, Polarity, Variation, is_missing

BLUE, ORANGE, GREY, PURPLE = "#1f77b4", "#e07b00", "#7f7f7f", "#6a3d9a"


def _circle(letter: str, colour: str, meaning: str) -> str:
    meaning = html.escape(meaning)
    return (
        f'<svg class="kpi-icon" width="20" height="20" viewBox="0 0 20 20" role="img" aria-label="{meaning}" '
        f'style="vertical-align: middle; margin-right: 4px"><title>{meaning}</title>'
        f'<circle cx="10" cy="10" r="9" fill="white" stroke="{colour}" stroke-width="2"/>'
        f'<text x="10" y="14.5" text-anchor="middle" font-size="12" font-weight="bold" '
        f'font-family="sans-serif" fill="{colour}">{html.escape(letter)}</text></svg>'
    )


def variation_icon(variation: object, polarity: str) -> str:
    """The variation of the latest point: icon and Italian words.

    >>> "A</text>" in variation_icon("improvement", "higher"), "B</text>" in variation_icon("concern", "higher")
    (True, True)
    """
    if is_missing(variation) or variation == "":
        return html.escape(VARIATION_IT[""])
    label = VARIATION_IT.get(variation, str(variation))
    if variation == Variation.COMMON_CAUSE:
        return _circle("~", GREY, label) + html.escape(label)
    if variation in (Variation.NEUTRAL_HIGH, Variation.NEUTRAL_LOW):  # no target: purple, as Making Data Count
        return _circle("A" if variation == Variation.NEUTRAL_HIGH else "B", PURPLE, label) + html.escape(label)
    high = (variation == Variation.IMPROVEMENT) == (polarity != Polarity.LOWER)
    words = f"{label} ({'valore alto' if high else 'valore basso'})"
    colour = BLUE if variation == Variation.IMPROVEMENT else ORANGE
    return _circle("A" if high else "B", colour, words) + html.escape(words)


def assurance_icon(assurance: object) -> str:
    """Whether the process can meet its target: icon and Italian words."""
    label = ASSURANCE_IT.get(assurance, "" if is_missing(assurance) else str(assurance))
    icons = {
        Assurance.CONSISTENTLY_MET: ("S", BLUE),
        Assurance.CONSISTENTLY_FAILING: ("M", ORANGE),
        Assurance.HIT_AND_MISS: ("~", GREY),
    }
    if assurance not in icons:
        return html.escape(label)
    letter, colour = icons[assurance]
    return _circle(letter, colour, label) + html.escape(label)
