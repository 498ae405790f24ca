"""Order words: which customer-service request a message makes, which of the shopper's orders
it means ("my pending order", "the most recent one"), and whether it asks a policy question
the help center answers.

``intent`` names the request (``ServiceIntent``); the write tools each request leads to are
named by the service flow (``assistant.policy.service``), not here. A question about a policy
("how long do refunds take?") is no request about an order, unless it names one.

Not here: order numbers (``assistant.reading.identifiers``), doing anything about them.
"""

from __future__ import annotations

import re
from typing import Literal

ServiceIntent = Literal[
    "status",
    "orders",
    "cancel",
    "return",
    "exchange",
    "modify_items",
    "modify_address",
    "modify_payment",
    "user_address",
    "account",
]
OrderScope = Literal["recent", "pending", "delivered", "all"]

_S = r"[^.?!]*"  # the rest of the same sentence
# The first that matches wins ("cancel it, it was paid by card" is a cancellation).
_INTENTS: tuple[tuple[ServiceIntent, re.Pattern[str]], ...] = (
    (
        "cancel",
        re.compile(
            r"\bcancel+(?:l?ed|l?ing|ation)?\b|\b(?:stop|call\s+off|scrap|kill|"
            r"withdraw|abort|void)\b[^.?!]*\border\b|\bdon'?t\s+want\s+(?:it|"
            r"that|what\s+i\s+ordered|my\s+order)\s+any\s*more\b",
            re.I,
        ),
    ),
    ("exchange", re.compile(r"\bexchang\w*\b|\bswap\b" + _S + r"\bfor\b", re.I)),
    (
        "return",
        re.compile(
            r"\b(?:return|send\s+(?:it|them|\w+)\s+back|(?:send|give|take|ship)\s+"
            r"back|refund\s+(?:for|on)\s+(?:my|the)|get\s+(?:a\s+)?refund|"
            r"money\s+back)\w*\b",
            re.I,
        ),
    ),
    (
        "modify_address",
        re.compile(
            r"\b(?:change|update|modify|correct|fix|wrong)\b" + _S + r"\b(?:shipping\s+)?address\b"
            r"|\b(?:ship|send|deliver)\b" + _S + r"\bto\b" + _S + r"\d",
            re.I,
        ),
    ),
    (
        "modify_payment",
        re.compile(
            r"\b(?:change|update|switch|modify)\b"
            + _S
            + r"\b(?:payment|card|paypal|gift\s?card)\b|\bpay\s+(?:for\s+it\s+)?"
            r"with\s+(?:my\s+)?(?:gift|paypal|credit|another|a\s+different)",
            re.I,
        ),
    ),
    (
        "modify_items",
        re.compile(
            r"\b(?:change|swap|switch|replace)\b" + _S + r"\b(?:size|colou?r|"
            r"item|to\s+(?:the\s+same|a\s+different|another))\b|\bsame\s+one"
            r"\s+(?:with|in)\b",
            re.I,
        ),
    ),
    (
        "status",
        re.compile(
            r"\b(?:where(?:'s|\s+is|\s+are)|status|track\w*|arriv\w*|deliver(?:ed|y)"
            r"|shipped|ship\s+yet|when\s+will\s+(?:it|my|they)|has\s+(?:it|my)"
            r"\s+\w+\s+(?:shipped|arrived)|late|delayed|hasn'?t\s+(?:come|arrived)|"
            r"not\s+(?:arrived|received)|still\s+waiting)\b",
            re.I,
        ),
    ),
    (
        "orders",
        re.compile(
            r"\bwhat\s+(?:did|have)\s+i\s+(?:order|bought|buy|purchas)\w*|"
            r"\b(?:my|recent|past|previous|last)\s+(?:orders|purchases)\b|"
            r"\border\s+history\b|\bwhat\s+i\s+(?:ordered|bought)\b|"
            r"\bwhat(?:'s|\s+is|\s+was)\s+in\s+my\s+(?:last\s+|recent\s+)?order\b",
            re.I,
        ),
    ),
    (
        "user_address",
        re.compile(
            r"\b(?:change|update)\b" + _S + r"\bmy\s+(?:default\s+|home\s+)?"
            r"address\b" + _S + r"\b(?:account|profile|default)\b",
            re.I,
        ),
    ),
    (
        "account",
        re.compile(
            r"\b(?:gift\s?card\s+balance|my\s+(?:account|profile|payment\s+"
            r"methods?))\b",
            re.I,
        ),
    ),
)
_ABOUT_ORDERS = re.compile(
    r"\b(?:my|the|this|that|an?|last|recent|latest)\s+(?:\w+\s+)?"
    r"(?:order|orders|purchase|purchases|package|parcel|delivery|shipment|"
    r"stuff|things)\b"
    r"|\bi\s+(?:ordered|bought|purchased)\b",
    re.I,
)
_SCOPES: tuple[tuple[OrderScope, re.Pattern[str]], ...] = (
    (
        "pending",
        re.compile(r"\b(?:pending|not\s+(?:yet\s+)?shipped|hasn'?t\s+shipped|open)\b", re.I),
    ),
    ("delivered", re.compile(r"\b(?:delivered|received|arrived|got)\b", re.I)),
    (
        "recent",
        re.compile(
            r"\b(?:recent\w*|latest|last|newest|most\s+recent|just\s+(?:ordered|"
            r"bought))\b",
            re.I,
        ),
    ),
)
# A general question about how the shop works, for the help center.
_HELP = re.compile(
    r"\b(?:polic(?:y|ies)|warrant(?:y|ies)|guarantee|shipping|delivery\s+(?:time|cost|fee|"
    r"options?)|how\s+much\s+(?:is|does)\s+shipping|"
    r"return\s+(?:window|policy|period)|refunds?|restocking|price\s+match|international|"
    r"gift\s?cards?\s+expire|payment\s+methods?|do\s+you\s+(?:accept|take|ship|offer|deliver)|"
    r"how\s+do(?:es)?\s+(?:\w+\s+){1,2}work|express|expedited|overnight|same[\s-]day|"
    r"next[\s-]day|discounts?|coupons?|promo(?:tion(?:al)?)?\s*codes?|loyalty|rewards?\s+points?|"
    r"membership|store\s+hours|opening\s+hours|customer\s+service\s+hours|"
    r"privacy|data|account\s+(?:delete|deletion)|exchange\s+policy|damaged|defective|"
    r"how\s+do\s+(?:i|returns|exchanges|refunds)|can\s+i\s+(?:still\s+)?(?:return|exchange|"
    r"cancel|change|pay)|is\s+it\s+possible\s+to\s+(?:return|exchange|cancel)|money\s+back|"
    r"free\s+(?:returns?|shipping|delivery))\b",
    re.I,
)
# "how long" is about the rules only when it is about shipping, refunds and the like ("how long
# does the battery last?" is about a product)
_HELP_WHEN = re.compile(
    r"\b(?:how\s+long|how\s+many\s+days|how\s+soon|when\s+(?:do|will|would)\s+"
    r"i\s+get)\b",
    re.I,
)
_SERVICE_NOUN = re.compile(
    r"\b(?:ship\w*|deliver\w*|arriv\w*|refund\w*|returns?|exchang\w*|"
    r"cancel\w*|packages?|parcels?|money|orders?|warrant\w*)\b",
    re.I,
)
# A request for an act, not a question about the rules ("I want to return it", "please cancel").
_WANTS = re.compile(
    r"\b(?:i\s+(?:want|need|would\s+like|wanna)|i'?d\s+like|please|can\s+you|"
    r"could\s+you|help\s+me)\b",
    re.I,
)
_QUESTION = re.compile(
    r"\?|^\s*(?:how|what|when|can|do|does|is|are|will|where|which|why|"
    r"could|should)\b",
    re.I,
)


def intent(text: str, names_order: bool) -> ServiceIntent | None:
    """The request ``text`` makes about an order or the account, or None. ``names_order``:
    the message holds an order number (then "return" or "where" is about that order)."""
    about = names_order or bool(_ABOUT_ORDERS.search(text))
    asking = help_question(text) and not names_order and not _WANTS.search(text)
    for name, pattern in _INTENTS:
        if not pattern.search(text):
            continue
        if name in ("orders", "account", "user_address", "modify_address"):
            return name
        # "I want to return something" is a request; "how do returns work?" or "what's the
        # return window for items I bought?" is a question for the help center.
        if not asking and (about or name != "status"):
            return name
    if about and not asking:
        return "status"  # "what's happening with my latest order"
    return None


def scope(text: str) -> OrderScope:
    return next((name for name, pattern in _SCOPES if pattern.search(text)), "all")


def help_question(text: str) -> bool:
    """A question about how the shop works ("how long do refunds take?")."""
    about_rules = bool(_HELP.search(text)) or (
        bool(_HELP_WHEN.search(text)) and bool(_SERVICE_NOUN.search(text))
    )
    return about_rules and bool(_QUESTION.search(text))
