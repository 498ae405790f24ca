"""Cart words read from the shopper's message (``assistant.reading.cart``)."""

from __future__ import annotations

import pytest

from assistant.reading.cart import CartWords, cart_words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("add the second one in size 10 to my cart", CartWords("add", refers=True)),
        ("add both to my cart", CartWords("add", refers=True)),
        ("ok, add it", CartWords("add", refers=True)),
        ("add 2 of them to my cart", CartWords("add", quantity=2, refers=True)),
        ("add the top one to my cart", CartWords("add", refers=True, top=True)),
        ("what's in my cart", CartWords("view")),
        ("show me my basket", CartWords("view")),
        ("cart", CartWords("view")),
        ("remove the second one", CartWords("remove", refers=True)),
        ("make it two", CartWords("quantity", quantity=2, refers=True)),
        ("I need three of them", CartWords("quantity", quantity=3, refers=True)),
        ("check out", CartWords("checkout")),
        ("place my order", CartWords("checkout")),
        ("pay with my gift card", CartWords("pay", pay="gift_card")),
        (
            "buy the blue one in size 10 and pay with my gift card",
            CartWords("buy", pay="gift_card", refers=True),
        ),
        ("buy it with paypal", CartWords("buy", pay="paypal", refers=True)),
    ],
)
def test_cart_words(text: str, expected: CartWords) -> None:
    assert cart_words(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I want to buy running shoes",  # a search: nothing on screen is referred to
        "bag",  # a shop may sell bags
        "basket",
        "cancel my order",
        "where is my order",
        "yes",
        "take the blue one",  # "I'll take": which one, not a purchase
    ],
)
def test_not_about_the_cart(text: str) -> None:
    assert cart_words(text) is None


def test_option_values_with_slashes_still_refer() -> None:
    said = cart_words("ok buy the Black/White one in size 11.5 and put it on my gift card")
    assert said == CartWords("buy", pay="gift_card", refers=True)
    assert cart_words("add the navy/red one") == CartWords("add", refers=True)
