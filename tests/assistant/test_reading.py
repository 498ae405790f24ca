"""The Read stage: one message into a typed Reading, against the shop's own words."""

from __future__ import annotations

import pytest
from assistant_shops import Shop

from assistant.reading import ShopWords, choice_in, read
from assistant.reading.identifiers import OrderIdFormat, name_zip_in
from assistant.reading.language import detect
from assistant.state import Choice, OpenQuestion
from tools.constraints import Constraints


@pytest.fixture(scope="module")
def words(demo_shared: Shop) -> ShopWords:
    return ShopWords.from_store(demo_shared.store, demo_shared.vocab)


def test_yes_no_greeting_and_stop(words: ShopWords) -> None:
    assert read("yes please", words).yes and not read("yes please", words).no
    assert read("Sure, go ahead", words).yes
    assert read("no, keep it", words).no
    for text in (
        "let's not",
        "hmm, no. I'll hold on to it",
        "I don't want to cancel anymore",
        "I changed my mind",
        "not anymore, I want the order",
    ):
        reading = read(text, words)
        assert (reading.no or reading.said_no) and not reading.yes, text
    no_more = read("No, that is not what I asked for, I want to exchange the shoes", words)
    assert not no_more.no and not no_more.yes
    assert read("hello there!", words).greeting
    assert read("thanks a lot", words).thanks
    assert read("just show me", words).stop_questions
    assert read("can I talk to a real person?", words).asks_person
    assert not read("no need to talk to a person", words).asks_person


def test_identifiers_in_the_shops_format() -> None:
    ids = OrderIdFormat.from_ids(["#W1234567", "#W7654321"])
    assert ids.find("where is W2378156? and #w1111111") == ("#W2378156", "#W1111111")
    assert ids.find("my order 2378156 please") == ("#W2378156",)
    assert ids.find("call me at 2378156") == ()
    other = OrderIdFormat.from_ids(["ORD-00042", "ORD-00107"])
    assert (other.prefix, other.digits) == ("ORD-", 5)
    assert other.find("status of ord-00042?") == ("ORD-00042",)
    assert name_zip_in("I'm Yusuf Rossi, zip code 19122") is not None
    found = name_zip_in("my name is Yusuf Rossi and my zip is 19122")
    assert found is not None and (found.first_name, found.last_name, found.zip) == (
        "Yusuf",
        "Rossi",
        "19122",
    )


def test_references_and_refinements(words: ShopWords) -> None:
    assert read("compare the first two", words, shown=5).positions == (1, 2)
    assert read("compare 1 and 3", words, shown=5).positions == (1, 3)
    assert read("tell me more about the second one", words, shown=5).positions == (2,)
    assert read("the last one", words, shown=4).positions == (4,)
    assert read("the second one", words, shown=0).positions == ()
    assert read("the cheaper one", words, shown=5).pick == "cheaper"
    assert read("the cheaper one", words, shown=5).refine is None
    assert read("cheaper ones?", words, shown=5).refine == "cheaper"
    assert read("anything less pricey", words, shown=5).refine == "cheaper"
    assert read("more expensive ones", words, shown=5).refine == "dearer"
    assert read("better rated ones", words, shown=5).refine == "better_rated"
    assert read("not that brand", words, shown=5).refine == "other_brand"
    assert read("under $60 instead", words, shown=5).instead


@pytest.mark.parametrize(
    "text",
    [
        "running shoes under $90",
        "running shoes, $90 max",
        "running shoes no more than 90 bucks",
        "running shoes 90 dollars or less",
        "running shoes, my budget is $90",
        "running shoes below 90",
        "running shoes not over $90",
        "running shoes up to $90",
        "running shoes $90 tops",
        "running shoes, 90 or under",
        "running shoes under ninety dollars",
        "running shoes, I don't want to spend more than 90",
        "running shoes, nothing above 90 bucks",
        "runing shoes under $90",
        "running shoes, $90",
        "$90 running shoes",
        "running shoes, I have 90.",
        "running shoes: max: $90",
        "running shoes for under ninety bucks",
    ],
)
def test_price_caps_however_written(words: ShopWords, text: str) -> None:
    c = read(text, words).constraints
    assert (c.category, c.price_min, c.price_max) == ("Running Shoes", None, 90.0)


def test_prices_said_aloud_and_letters_swapped(words: ShopWords) -> None:
    spoken = read("black running shoes for under one seventy five", words).constraints
    assert (spoken.price_max, spoken.attributes) == (175.0, {"color": ["Black"]})
    assert read("balck running shoes", words).constraints.attributes == {"color": ["Black"]}


def test_questions_about_the_rules_go_to_the_help_center(words: ShopWords) -> None:
    for text in (
        "what's the warranty on electronics?",
        "how do gift cards work?",
        "is shipping free for laptops?",
        "do you deliver on weekends?",
        "how long does delivery take?",
        "do you have a coupon code?",
    ):
        assert read(text, words).help, text
    for text in (
        "how long does the battery last on these headphones?",
        "do you have headphones with free shipping?",
    ):
        assert not read(text, words).help, text


def test_unknown_things_brands_and_vague_requests(words: ShopWords) -> None:
    kayak = read("I need a kayak", words)
    assert kayak.unknown_things == ("kayak",) and kayak.product_request
    rayban = read("Ray-Ban sunglasses", words)
    assert rayban.unknown_brands == ("Ray-Ban",)
    gift = read("I want a gift for my dad", words)
    assert gift.vague and not gift.unknown_things and gift.constraints.category is None
    kitchen = read("I need something for my kitchen, not sure what", words)
    assert kitchen.vague and kitchen.rooms == ("kitchen",)
    assert read("Help me choose headphones", words).help_choose


def test_wishes_the_catalog_cannot_check(fashion: Shop, outdoor: Shop) -> None:
    dress = read("a black dress", ShopWords.from_store(fashion.store, fashion.vocab))
    assert dress.constraints.category == "Dresses"
    assert dress.wishes == ("black",)
    tent = read("a tent for 4 people", ShopWords.from_store(outdoor.store, outdoor.vocab))
    assert tent.constraints.category == "Tents" and tent.wishes == ("for 4 people",)


def test_a_colour_word_of_several_values_is_a_constraint(words: ShopWords) -> None:
    values = words.values_with_word("blue", None)
    assert values and all("blue" in v.lower() for vs in values.values() for v in vs)


def test_service_intents_and_scopes(words: ShopWords) -> None:
    assert (read("what did I order recently?", words).service, "orders") == ("orders", "orders")
    where = read("Where is my most recent order?", words)
    assert (where.service, where.scope) == ("status", "recent")
    cancel = read("I want to cancel my pending order", words)
    assert (cancel.service, cancel.scope) == ("cancel", "pending")
    assert read("I want to return something", words).service == "return"
    refunds = read("how long do refunds take?", words)
    assert refunds.help and refunds.service is None
    typed = read("my email is ana@example.com, status of order W2378156", words)
    assert (typed.email, typed.order_ids) == ("ana@example.com", ("#W2378156",))


def test_the_question_on_screen_is_answered_by_label_value_or_words() -> None:
    question = OpenQuestion(
        kind="relax",
        text="Shall I?",
        choices=[
            Choice(
                label="Raise the price cap from $50.00 to $170.99 (1 product)",
                kind="relax",
                key="price_max",
                constraints=Constraints(price_max=170.99),
            ),
            Choice(
                label="Search beyond Laptops (1089 products)",
                kind="relax",
                key="category",
                constraints=Constraints(),
            ),
        ],
    )
    assert (
        choice_in("Raise the price cap from $50.00 to $170.99 (1 product)", question)
        is question.choices[0]
    )
    assert choice_in("ok, raise the budget", question) is question.choices[0]
    assert choice_in("fine, spend more", question) is question.choices[0]
    assert choice_in("search beyond laptops", question) is question.choices[1]
    assert choice_in("hmm, something else entirely", question) is None
    colours = OpenQuestion(
        kind="attribute",
        key="color",
        text="Which colour?",
        choices=[
            Choice(label=v, kind="value", key="color", value=v) for v in ("Black", "Rose Gold")
        ],
    )
    assert choice_in("rose gold please", colours) is colours.choices[1]
    assert choice_in("the first one", colours) is colours.choices[0]


def test_language() -> None:
    assert detect("我想买一个200美元以下的帐篷") == "zh"
    assert detect("quiero una chaqueta impermeable por menos de 150 dólares") == "es"
    assert detect("I want a waterproof jacket") == "en"
    assert detect("ok", previous="zh") == "zh"


def test_a_price_the_model_proposes_counts_only_when_the_shopper_wrote_it(words: ShopWords) -> None:
    # "a tent for 4 people" once came back from the model as a $10-$20 search: the shop was
    # filtered by a price nobody asked for
    from assistant.policy.discovery import model_constraints
    from assistant.proposal import Proposal
    from tools.shopping import search_products

    proposal = Proposal(
        tool=search_products,
        arguments={"query": "running shoes", "category": "Running Shoes", "price_min": 10,
                   "price_max": 90},
    )  # fmt: skip
    invented = model_constraints(proposal, words, "running shoes for my 4 kids")
    assert invented is not None and invented.category == "Running Shoes"
    assert (invented.price_min, invented.price_max) == (None, None)
    typed = model_constraints(proposal, words, "running shoes from 10 to 90 dollars")
    assert typed is not None and (typed.price_min, typed.price_max) == (10, 90)
