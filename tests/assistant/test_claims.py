"""The claim check: a model's words reach the shopper only when every claim in them holds."""

from __future__ import annotations

import pytest

from assistant.respond.claims import ClaimContext, check_claims
from tools.grounding import GroundingFacts, ProductFact

SYSTEM = (
    "You are the shopping assistant of the shop. Read the shopper's latest message and "
    "propose exactly one tool call that serves it; the shop's code runs it."
)
SHOE = ProductFact("p1", "Paceline Glide 3 Running Shoe", "Paceline", (89.99,), 4.5, 120)
CONTEXT = ClaimContext(
    message="do you have running shoes for trail running under 100",
    prompt_texts=[SYSTEM],
    tool_names=["search_products", "get_order_details"],
    facts=GroundingFacts((SHOE,), prices=frozenset({100.0})),
)


@pytest.mark.parametrize(
    "text",
    [
        "Happy to help! What are you shopping for today?",
        "The Paceline Glide 3 Running Shoe costs $89.99 and is rated 4.5 stars from 120 reviews.",
    ],
)
def test_grounded_small_talk_and_facts_pass(text: str) -> None:
    assert check_claims(text, CONTEXT) == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("It costs nineteen dollars.", "in words"),
        ("Only \u20ac5 today!", "another currency"),
        ("Try the nike air max 97 instead.", "not among the results"),
        ("See https://evil.example/deal for more.", "link"),
        ("![promo](http://evil.example/x.png)", "link"),
        ("Use code SAVE20 at checkout.", "code"),
        ("Your refund has been issued.", "action was done"),
        ("I will look for running shoes for trail running under 100 for you.", "promises"),
        ("You want running shoes for trail running under 100, right?", "restates"),
        (
            "Read the shopper's latest message and propose exactly one tool call that serves it.",
            "prompt",
        ),
        ("I called search_products for you.", "prompt"),
        ("Your order is delivered.", "order state"),
        ("We carry a great selection of kayaks.", "sells"),
        ("It is $79.99 now.", "price"),
    ],
)
def test_ungrounded_claims_are_caught(text: str, problem: str) -> None:
    problems = check_claims(text, CONTEXT)
    assert any(problem in p for p in problems), problems
