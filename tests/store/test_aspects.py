"""The lexicon aspect miner on hand-written review text."""

from __future__ import annotations

import pytest

from store.aspects import ASPECT_OPINIONS, ASPECT_TERMS, mine_aspects, summarize_aspects


def pairs(text: str) -> list[tuple[str, int]]:
    return [(m.aspect, m.sentiment) for m in mine_aspects(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The battery life is great but the strap is not comfortable",
            [("battery life", 1), ("comfort", -1)],
        ),
        ("Great sound, poor battery.", [("sound quality", 1), ("battery life", -1)]),
        ("These run small and the arch support is lacking.", [("fit", -1), ("support", -1)]),
        ("No complaints about the fit. Not worth the money though.", [("fit", 1), ("value", -1)]),
        (
            "I don't love the design, but the build quality is excellent and it's very quiet.",
            [("design", -1), ("build quality", 1), ("noise", 1)],
        ),
        ("Shipping was fast. The screen is too dim outdoors.", [("delivery", 1), ("screen", -1)]),
        (
            "Absolutely love these shoes! So comfortable and lightweight.",
            [("comfort", 1), ("weight", 1)],
        ),
        ("The coffee tastes amazing but cleaning is a pain.", [("taste", 1), ("cleaning", -1)]),
        (
            "Setup was easy. The Wi-Fi connection drops constantly.",
            [("ease of use", 1), ("connectivity", -1)],
        ),
        ("Not bad for the price.", [("value", 1)]),
        ("The noise cancelling could be better.", [("noise cancelling", -1)]),
        ("Kept my feet dry on a muddy hike.", [("waterproofing", 1)]),
        ("Shrank after one wash.", [("shrinkage", -1)]),
    ],
)
def test_hand_written_sentences(text: str, expected: list[tuple[str, int]]) -> None:
    assert pairs(text) == expected


def test_text_without_opinions_or_aspects_yields_nothing() -> None:
    assert pairs("I ordered these on Tuesday for my brother.") == []
    assert pairs("The battery is removable.") == []  # an aspect, but no opinion about it
    assert pairs("Love it!") == []  # an opinion, but no aspect


def test_snippet_is_the_clause_as_written() -> None:
    [first, second] = mine_aspects("The Battery Life is GREAT; sadly the fit runs small.")
    assert first.snippet == "The Battery Life is GREAT"
    assert (second.aspect, second.sentiment, second.snippet) == (
        "fit",
        -1,
        "sadly the fit runs small",
    )


def test_one_mention_per_aspect_per_clause() -> None:
    assert pairs("The lid leaks.") == [("leak resistance", -1)]


def test_negation_only_reaches_a_few_words_back() -> None:
    assert pairs("Not what I expected from the reviews, the sound is great.") == [
        ("sound quality", 1)
    ]


def test_summary_counts_praise_and_complaints() -> None:
    summary = summarize_aspects(
        [
            "Great battery life.",
            "The battery is excellent.",
            "Battery life is poor.",
            "Comfortable.",
        ]
    )
    assert [(s.aspect, s.positive, s.negative) for s in summary] == [
        ("battery life", 2, 1),
        ("comfort", 1, 0),
    ]
    assert summary[0].snippets == (
        "Great battery life",
        "The battery is excellent",
        "Battery life is poor",
    )


def test_lexicon_terms_are_lower_case_words() -> None:
    for terms in ASPECT_TERMS.values():
        assert all(t == t.lower() and "-" not in t for t in terms)
    assert all(p == p.lower() and "-" not in p for p in ASPECT_OPINIONS)
