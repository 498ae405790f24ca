"""The grounding check: a faithful reply passes; an invented product, price, rating or number
is rejected with a reason; the fallback built from reasons always passes."""

from __future__ import annotations

import pytest

from retrieval.documents import ItemRecord, ProductRecord
from tools.explain import Reason, Recommendation
from tools.grounding import (
    GroundingFacts,
    check_grounding,
    fact_from_recommendation,
    fallback_text,
)
from tools.vocabulary import CatalogVocabulary


def _record(pid: str, title: str, brand: str, price: float) -> ProductRecord:
    return ProductRecord(
        pid,
        title,
        "",
        brand,
        "Running Shoes",
        "Shoes > Running Shoes",
        "Running Shoes",
        price,
        4.0,
        5,
        {"terrain": "trail"},
        (ItemRecord(f"{pid}-1", {"size": "10", "color": "Black"}, price, True),),
    )


CATALOG = [
    _record("1106912960", "Paceline Glide 2 Running Shoe", "Paceline", 89.99),
    _record("2206912960", "Velocita Tempo Pro Running Shoe", "Velocita", 79.0),
    _record("3306912960", "Stridewell Surge Running Shoe", "Stridewell", 120.0),
]
VOCAB = CatalogVocabulary.from_records(CATALOG)
RECS = [
    Recommendation(
        "1106912960",
        "Paceline Glide 2 Running Shoe",
        "Paceline",
        89.99,
        "1106912960-1",
        4.6,
        120,
        (
            Reason(
                "constraint", "under your $100.00 cap: $89.99", {"price": 89.99, "price_max": 100.0}
            ),
            Reason("profile", "in your usual size 10", {"attribute": "size", "value": "10"}),
            Reason("rating", "4.6 stars from 120 reviews", {"rating": 4.6, "rating_count": 120}),
            Reason(
                "reviews",
                "some mention problems with the fit (3 reviews)",
                {"aspects": "fit", "mentions": 3},
            ),
        ),
    ),
    Recommendation(
        "2206912960",
        "Velocita Tempo Pro Running Shoe",
        "Velocita",
        79.0,
        "2206912960-1",
        4.1,
        37,
        (),
    ),
]
FACTS = GroundingFacts.build([fact_from_recommendation(r) for r in RECS], VOCAB, numbers=[12.0])


def test_a_faithful_reply_passes() -> None:
    text = (
        "Here are two good options in your size 10:\n"
        "1. **Paceline Glide 2 Running Shoe** at $89.99 - under your $100 cap, rated 4.6 "
        "stars from 120 reviews, though some say the fit runs small (3 reviews).\n"
        "2. The Velocita Tempo Pro costs $79.00 and has 4.1 stars (37 reviews).\n"
        "I found 12 matches in total. The Paceline is the better rated of the two."
    )
    assert check_grounding(text, FACTS).ok, check_grounding(text, FACTS).problems


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "Try the Nike Air Max 97, a great running shoe.",
            "names 'Nike Air Max 97', which is not among the results",
        ),
        (
            "The Stridewell Surge is also nice.",
            "names the brand 'stridewell', which none of the results has",
        ),
        (
            "The Paceline Glide 3 is newer.",
            "names 'Paceline Glide 3', which is not among the results",
        ),
        (
            "The Paceline Glide 2 Running Shoe is $84.99 today.",
            "states the price $84.99, which no tool returned",
        ),
        ("The Velocita is rated 4.8 stars.", "states a rating of 4.8, which no result has"),
        ("The Velocita has 500 reviews.", "states 500 reviews, which no result has"),
        ("Both are 15% off this week.", "states the number 15, which no tool returned"),
        ("See product 9999999999 too.", "mentions id 9999999999, which no tool returned"),
    ],
)
def test_an_invented_fact_is_rejected(text: str, problem: str) -> None:
    result = check_grounding(text, FACTS)
    assert not result.ok
    assert problem in result.problems


def test_rounded_prices_only_with_an_approximation_word() -> None:
    assert check_grounding("The Velocita Tempo Pro is about $79.", FACTS).ok
    assert check_grounding("The Paceline Glide 2 is around $90.", FACTS).ok
    assert not check_grounding("The Paceline Glide 2 is $90.", FACTS).ok


def test_the_fallback_is_made_of_facts_and_passes() -> None:
    text = fallback_text(RECS)
    assert text == (
        "Here is what I found:\n"
        "1. Paceline Glide 2 Running Shoe ($89.99): under your $100.00 cap: $89.99; in your "
        "usual size 10; 4.6 stars from 120 reviews; some mention problems with the fit "
        "(3 reviews).\n"
        "2. Velocita Tempo Pro Running Shoe ($79.00)."
    )
    assert check_grounding(text, FACTS).ok
    assert fallback_text([]).startswith("I could not find products")
