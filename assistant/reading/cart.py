"""Cart words: adding what is on screen to the cart, looking at the cart, removing a line,
changing a quantity, checking out, and how the shopper wants to pay.

``cart_words`` reads a message into a ``CartWords`` (or None when it says nothing about a
cart): the action, a quantity said in digits or words ("make it two", "add 3"), the payment
kind named ("pay with my gift card"), and whether it refers to products on screen ("it",
"both", "the blue one", positions are read by ``assistant.reading.words``). "buy the blue one
in size 10" (``buy``) adds and checks out; "buy running shoes" is a search (no reference to anything
shown), which the policy decides with what is on screen. English only.

Not here: which products or lines the words point at (``assistant.policy.cart``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

CartAction = Literal["add", "buy", "view", "remove", "quantity", "checkout", "pay"]
PayKind = Literal["gift_card", "credit_card", "paypal"]

_CART = r"(?:(?:shopping\s+)?(?:cart|basket)|shopping\s+bag)"
_VIEW = re.compile(
    rf"\b(?:what'?s|what\s+is|what\s+do\s+i\s+have|anything)\s+in\s+(?:my|the)\s+{_CART}|"
    rf"\b(?:show|see|view|open|check)\s+(?:me\s+)?(?:my|the)\s+{_CART}\b|"
    rf"^\W*(?:(?:my|the)\s+{_CART}|(?:shopping\s+)?cart)\W*$|\bview\s+{_CART}\b|"
    rf"\bmy\s+{_CART}\s+please\b",
    re.I,
)
_ADD = re.compile(
    rf"\b(?:add|put|throw|place|drop|stick|pop)\b[^.?!]*\b(?:to|in|into)\s+(?:my|the)\s+{_CART}\b|"
    r"^\W*(?:(?:ok(?:ay)?|yes|yeah|sure|great|cool|perfect|please|then)\W+)*(?:please\s+)?"
    r"add\s+(?:it|them|this|that|these|those|both|the\s+[^\s,.!?]+(?:\s+[^\s,.!?]+)?\s+one|"
    r"(?:the\s+)?(?:first|second|third|fourth|fifth|last)(?:\s+one)?)\b",
    re.I,
)
_BUY = re.compile(
    r"\b(?:buy|purchase|order)\s+(?:it|them|this|that|these|those|both|"
    r"the\s+(?:[^\s,.!?]+\s+){0,3}(?:one|pair|ones)|(?:the\s+)?(?:first|second|third|fourth|fifth|"
    r"last)\s+one|(?:one|two|three|\d)\s+of\s+(?:them|those|these))\b",
    re.I,
)
CART_WORD = re.compile(rf"\b{_CART}\b", re.I)
_REMOVE = re.compile(
    rf"\b(?:remove|delete|take\s+out|drop|get\s+rid\s+of|take\s+off)\b|"
    rf"\b(?:don'?t|do\s+not)\s+want\s+the\s+\w+\s+one\b|\bout\s+of\s+(?:my|the)\s+{_CART}\b",
    re.I,
)
_QUANTITY = re.compile(
    r"\bmake\s+(?:it|that|them)\s+(\w+)\b|"
    r"\b(?:change|set|update)\s+(?:the\s+)?(?:quantity|amount|number)\s+(?:\w+\s+){0,4}?to\s+(\w+)\b|"
    r"\b(?:i\s+(?:want|need|'?d\s+like)|give\s+me)\s+(\w+)\s+of\s+(?:them|those|these|it)\b|"
    r"\b(\w+)\s+(?:of\s+them|units|pairs)\s+(?:instead|please)\b",
    re.I,
)
_ADD_COUNT = re.compile(
    r"\b(?:add|buy|get|order|put)\s+(\w+)\s+(?:of\s+)?(?:them|those|these|it|units|pairs|"
    r"more|of\s+the)\b",
    re.I,
)
_CHECKOUT = re.compile(
    r"\bcheck\s*-?\s*out\b|\bplace\s+(?:the|my|an|this)?\s*order\b|\bproceed\s+to\s+"
    r"(?:checkout|payment)\b|\b(?:complete|finish)\s+(?:the|my)\s+(?:purchase|order)\b|"
    r"\b(?:buy|order)\s+(?:everything|what'?s)\s+in\s+(?:my|the)\s+" + _CART + r"|"
    r"^\W*(?:i'?m\s+)?ready\s+to\s+(?:pay|buy|order)\b",
    re.I,
)
_PAY = re.compile(
    r"\b(?:pay|paying|use|using|charge|put\s+it\s+on|with)\b[^.?!]*?\b(?:my\s+|the\s+|a\s+)?"
    r"(gift\s*card|credit\s*card|card|visa|mastercard|amex|paypal)\b",
    re.I,
)
_TOP = re.compile(r"\b(?:the\s+)?top\s+(?:one|pick|item|option|result|choice)\b", re.I)
_NUMBERS = {
    "one": 1,
    "a": 1,
    "an": 1,
    "single": 1,
    "two": 2,
    "both": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "zero": 0,
    "none": 0,
}


@dataclass(frozen=True)
class CartWords:
    action: CartAction
    quantity: int | None = None
    pay: PayKind | None = None
    refers: bool = False  # "it", "both", "the blue one": something shown, not a new search
    top: bool = False  # "the top one": the first on screen (positions miss this one)


def number(word: str) -> int | None:
    word = word.lower()
    if word.isdigit():
        return int(word) if len(word) <= 2 else None
    return _NUMBERS.get(word)


def pay_kind(text: str) -> PayKind | None:
    m = _PAY.search(text)
    if m is None:
        return None
    said = m.group(1).lower().replace(" ", "")
    if said == "giftcard":
        return "gift_card"
    return "paypal" if said == "paypal" else "credit_card"


def cart_words(text: str) -> CartWords | None:
    """What ``text`` asks of the cart (module docstring), or None."""
    pay = pay_kind(text)
    if _VIEW.search(text):
        return CartWords("view")
    if _REMOVE.search(text) and not _ADD.search(text):
        return CartWords("remove", refers=True)
    if m := _QUANTITY.search(text):
        said = next(g for g in m.groups() if g)
        if (n := number(said)) is not None:
            return CartWords("quantity", quantity=n, refers=True)
    added = _ADD.search(text) or _BUY.search(text)
    if added:
        count = _ADD_COUNT.search(text)
        quantity = number(count.group(1)) if count else None
        buy = _BUY.search(text) is not None and _ADD.search(text) is None
        return CartWords(
            "buy" if buy else "add",
            quantity=quantity if quantity else None,
            pay=pay,
            refers=True,
            top=_TOP.search(text) is not None,
        )
    if _CHECKOUT.search(text):
        return CartWords("checkout", pay=pay)
    if pay is not None and re.search(r"\bpay\b", text, re.I):
        return CartWords("pay", pay=pay)
    return None
