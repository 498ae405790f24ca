"""The every-turn checks of the conversation suite on hand-made replies with concrete values:
an echo, a promise, prompt text, a violating card, an invented one, a malformed question."""

from __future__ import annotations

from catalog_facts import facts

from assistant.reply import ProductCard, QuestionOut, Reply
from eval.harness.cases import TargetConstraint
from eval.harness.checks import (
    PromptText,
    echo,
    invented,
    promise,
    question_problems,
    turn_checks,
    violations,
)

SHOES = TargetConstraint(
    kind="category", key="category", value="Running Shoes", disclosure="volunteered"
)
UNDER_90 = TargetConstraint(kind="price_max", key="price", value=90.0, disclosure="volunteered")
PROMPT = PromptText(
    [
        "You are the shopping assistant of the shop. To recommend anything, call search_products "
        "first (one call per request)."
    ],
    ["search_products", "calculate"],
)


def card(pid: str, title: str, price: float, item: str | None = None) -> ProductCard:
    return ProductCard(product_id=pid, item_id=item, title=title, price=price)


def test_an_echo_of_six_words_in_a_row_is_caught() -> None:
    assert echo("I want a gift for my dad, here you go.", "I want a gift for my dad") == (
        "repeats 7 words of the message in a row"
    )
    assert echo("What kind of gift would he like?", "I want a gift for my dad") is None


def test_slot_words_do_not_make_a_run_and_a_restated_request_is_caught() -> None:
    message = "return the Running Shoes from order #W1234567"
    assert (
        echo("Return Running Shoes from order #W1234567?", message, ["Running Shoes", "#W1234567"])
        is None
    )
    said = "My sister loves hiking and camping, what gift should I buy her"
    assert echo("A gift for your sister who loves hiking and camping!", said) == (
        "repeats 5 of the message's 6 content words"
    )
    # a confirmation that restates the act among its own facts is no echo
    assert (
        echo(
            "Cancel order #W1 (3 items): backpack $200.38, dumbbell set $545.68, hiking "
            "boots $251.82. Reason: ordered by mistake. Refund to paypal.",
            "I ordered by mistake. Order #W1, email a@b.com. Please cancel it.",
            ["#W1", "a@b.com"],
        )
        is None
    )


def test_promises_of_a_future_act_are_caught_but_not_let_me_know() -> None:
    assert promise("I will look for a gift for your sister.") == "promises: 'I will look'"
    assert promise("Sure! Let me find some options.") == "promises: 'Let me find'"
    assert promise("Please wait while I search.") == "promises: 'Please wait'"
    assert promise("I'm going to check the catalog") == 'promises: "I\'m going to check"'
    assert promise("Here are three tents. Let me know which one you like.") is None
    assert promise("I'll be happy to help.") is None


def test_prompt_text_and_tool_names_are_caught() -> None:
    leaked = "To recommend anything, call search_products first (one call per request)."
    assert PROMPT.leaks(leaked) == [
        "tool name 'search_products'",
        "prompt words 'to recommend anything call search products first one'",
    ]
    assert PROMPT.leaks("I calculated the difference: $20.") == []  # "calculate" is a word
    assert PROMPT.leaks("You are the shopping assistant of a shop.") == []  # "a" != "the"


def test_a_card_over_the_cap_or_outside_the_category_is_violating() -> None:
    shop = facts()
    cards = [
        card("1000000002", "Apexa Nova Running Shoe", 129.99, "2000000003"),
        card("1000000004", "Voltan Spectra X Laptop", 609.99),
        card("1000000001", "Paceline Stride Running Shoe", 79.99, "2000000001"),
    ]
    assert violations(cards, shop, [SHOES, UNDER_90]) == [
        "'Apexa Nova Running Shoe' has no variant that is under $90",
        "'Voltan Spectra X Laptop' is not in Running Shoes (it is in Laptops)",
        "'Voltan Spectra X Laptop' has no variant that is under $90",
    ]


def test_a_card_must_show_a_variant_that_meets_the_constraints_at_its_price() -> None:
    shop = facts()
    black = card("1000000001", "Paceline Stride Running Shoe", 99.99, "2000000002")
    assert violations([black], shop, [SHOES, UNDER_90]) == [
        "'Paceline Stride Running Shoe' suggests item 2000000002, which is not under $90"
    ]
    wrong_price = card("1000000001", "Paceline Stride Running Shoe", 69.99, "2000000001")
    assert violations([wrong_price], shop, [SHOES, UNDER_90]) == [
        "'Paceline Stride Running Shoe' shows $69.99, the price of no variant that is under $90"
    ]
    blue = TargetConstraint(kind="feature", key="color", value="blue", disclosure="volunteered")
    assert (
        violations(
            [card("1000000001", "Paceline Stride Running Shoe", 79.99)],
            shop,
            [SHOES, UNDER_90, blue],
        )
        == []
    )


def test_invented_cards_ids_brands_and_titles() -> None:
    shop = facts()
    reply = Reply(
        kind="recommendations",
        text=(
            "The Paceline Stride Running Shoe beats the Nike Air Zoom. Also try the Paceline Cloud "
            "Runner X, item 98765432101."
        ),
        products=[
            card("9999999999", "Made Up Shoe", 50.0),
            card("1000000002", "Apexa Nova Runner", 129.99),
            card("1000000003", "Tempora Surge Running Shoe", 59.99, "2000000001"),
        ],
    )
    assert invented(reply, shop) == [
        "card 9999999999 is not in the catalog ('Made Up Shoe')",
        "card 1000000002 titled 'Apexa Nova Runner', catalog says 'Apexa Nova Running Shoe'",
        "card 1000000003 suggests item 2000000001, not one of its variants",
        "id 98765432101 in the text is not in the shop",
        "brand 'nike' is not sold here",
        "Paceline Cloud Runner X in the text is no catalog title",
    ]
    # a brand the shopper named may be named back ("we do not carry Nike")
    assert (
        invented(Reply(kind="answer", text="We don't carry Nike."), shop, said="nike running shoes")
        == []
    )
    # a brand followed by a category is no product name; a short name may end in a value
    assert invented(Reply(kind="answer", text="Paceline Running Shoes are light."), shop) == []
    table = (
        "Weight g: Paceline Stride 260; Apexa Nova 270. Color: Paceline Stride Blue. "
        "Drop: Paceline Running 8. Tracking: 452360677498."
    )
    shop.tracking_ids.add("452360677498")
    assert invented(Reply(kind="answer", text=table), shop) == []


def test_a_question_needs_two_options_and_a_question_mark() -> None:
    good = Reply(
        kind="question",
        text="Which colour?",
        question=QuestionOut(text="Which colour?", attribute="color", options=["Blue", "Red"]),
    )
    assert question_problems(good) == []
    bad = Reply(
        kind="question",
        text="Pick a colour.",
        question=QuestionOut(text="Pick", attribute="color", options=["Blue"]),
    )
    assert question_problems(bad) == [
        "a question with 1 options (needs >= 2)",
        "a question reply whose text asks nothing",
    ]
    asked_below = Reply(
        kind="question",
        text="Sorry, we don't sell kayaks.",
        question=QuestionOut(
            text="Would one of these help?", attribute="category", options=["Tents", "Boots"]
        ),
    )
    assert question_problems(asked_below) == []


def test_turn_checks_name_each_failure() -> None:
    reply = Reply(
        kind="recommendations",
        text="I'll search for running shoes under $90.",
        products=[card("1000000002", "Apexa Nova Running Shoe", 129.99)],
    )
    found = turn_checks(
        reply,
        "running shoes under $90",
        "running shoes under $90",
        facts(),
        [SHOES, UNDER_90],
        PROMPT,
        ["running shoes", "90"],
    )
    assert [(f.check, f.detail) for f in found] == [
        ("violating", "'Apexa Nova Running Shoe' has no variant that is under $90"),
        ("promise", 'promises: "I\'ll search"'),
    ]


def test_the_real_prompt_text_is_read_from_the_assistant() -> None:
    prompt = PromptText.of_assistant("the shop")
    assert prompt.leaks("Please call search_products now") == ["tool name 'search_products'"]
    assert prompt.runs  # the system prompt and the tool descriptions
