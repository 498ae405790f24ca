"""What the agent reads in words, in code: a yes or a no to a pending change, an email, a
message about an order, order states, sentence ends, and a tool result's shopper-facing part.

Not here: the turn loop (``assistant.agent``), the product grounding check
(``tools.grounding``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tools.base import ToolResult

YES = re.compile(
    r"^\s*(yes|y|yeah|yep|sure|confirm(ed)?|go ahead|do it|please do|ok(ay)?)"
    r"([\s,.!]+(please|thanks|thank you|go ahead|do it))*[\s.!]*$",
    re.IGNORECASE,
)
NO = re.compile(r"^\s*(no|n|nope|cancel|stop|don'?t|do not)\b.*$", re.IGNORECASE)
# A "no" that goes on to ask for something ("No, that is not what I asked for. I'd like to
# exchange ..."): eight words or more after it, or an order id.
MORE_THAN_NO = re.compile(r"^\W*\w+\W+(\w+\W+){7,}\w|#?\bW\d{7}\b", re.IGNORECASE)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
ORDER_ID = re.compile(r"#?\b(W\d{7})\b")
PAYMENT_WORDS = re.compile(r"\b(gift ?card|paypal|credit ?card|payment method|pay(ing)? with)\b",
                           re.IGNORECASE)
SERVICE = re.compile(
    r"#?\bW\d{7}\b|\b(my|the|an?|this|that) order\b|\b(return|exchange|refund|cancel|track)"
    r"(s|ed|ing)?\b",
    re.IGNORECASE,
)
_SENTENCE = r"[^.?!]*"  # the rest of the same sentence
# What a message naming an order asks to change, and the tool that proposes that change; the
# first that matches wins (so "cancel, it was paid by card" is a cancellation). Swapping an
# item is an exchange when the shopper says so, else a pending order's item change (a tool
# forced on an order in the wrong state refuses, and the model explains).
_WRITE_INTENTS = (
    (re.compile(r"\bcancel", re.IGNORECASE), "cancel_pending_order"),
    (re.compile(r"\bexchang", re.IGNORECASE), "exchange_delivered_order_items"),
    (re.compile(r"\breturn(ing)?\b", re.IGNORECASE), "return_delivered_order_items"),
    (re.compile(r"\b(change|swap|switch|replace)\b" + _SENTENCE +
                r"\b(for|to|with) (the same|a different|another|an?)\b|\bsame one with\b",
                re.IGNORECASE), "modify_pending_order_items"),
    (re.compile(r"\b(change|update|modify|correct|fix)\b" + _SENTENCE + r"\baddress\b|"
                r"\b(ship|send|deliver)\b" + _SENTENCE + r"\bto\b" + _SENTENCE + r"\d",
                re.IGNORECASE), "modify_pending_order_address"),
    (re.compile(r"\b(change|update|switch|modify)\b" + _SENTENCE +
                r"\b(payment|card|paypal|gift ?card)\b|\bpay (for it )?with\b",
                re.IGNORECASE), "modify_pending_order_payment"),
)
# The shopper asks for a person ("can I talk to a person, please?", "a human agent").
_PERSON = re.compile(
    r"\b(talk|speak|chat|connect|transfer|put|get)(s|ing|ed)?\b" + _SENTENCE +
    r"\b(person|human|agent|representative|someone|somebody|manager|operator)\b"
    r"|\b(a human|real person|live agent|human agent|support agent)\b", re.IGNORECASE)
_NOT_PERSON = re.compile(r"\b(don'?t|do not|no need|without)\b" + _SENTENCE +
                         r"\b(person|human|agent|someone|somebody)\b", re.IGNORECASE)


def asks_for_person(message: str) -> bool:
    return bool(_PERSON.search(message)) and not _NOT_PERSON.search(message)


# A reply that asks the shopper to confirm a change in words: confirmation is code's job.
# ("Would you like to exchange it?" is one; "Which item would you like to return?" or "Which
# card should I use?" is not.)
CONFIRM_WORDS = re.compile(
    r"\b(confirm|go ahead|proceed)\b"
    r"|(^|[.!?:]\s+)((would|do) you (like|want) (me )?to|(shall|should) i)\b",
    re.IGNORECASE,
)


def write_intent(message: str) -> str | None:
    """The write tool a message asks for, when it names an order and a change to it
    ("please cancel my order #W2378156"); None otherwise."""
    if not ORDER_ID.search(message):
        return None
    return next((tool for words, tool in _WRITE_INTENTS if words.search(message)), None)


def continued(request: str | None, message: str) -> str:
    """What the service readings read: ``message``, or, while a change the shopper asked for
    earlier (``request``, their words) is open and the message names no order, both ("The
    one with size S." answers a question about that change)."""
    if request is None or ORDER_ID.search(message) or write_intent(message):
        return message
    return f"{request}\n{message}"


# Order states a reply may only name when a tool said so this turn ("processing" is none).
_STATUS = re.compile(
    r"\b(pending|processed|processing|delivered|cancell?ed|shipped|in transit|"
    r"return requested|exchange requested)\b",
    re.IGNORECASE,
)


def states_observed(text: str, observed: Sequence[str]) -> bool:
    """Every order state ``text`` names is one the tool results in ``observed`` contain."""
    seen = "\n".join(observed).lower().replace("canceled", "cancelled")
    named = (m.group(0).lower().replace("canceled", "cancelled") for m in _STATUS.finditer(text))
    return all(state in seen for state in named)


_SENTENCE_END = re.compile(r"[.!?:]\s|\n")


def last_sentence_end(text: str) -> int:
    """The index just past the last sentence end in ``text`` (0 when none yet)."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    return ends[-1] if ends else 0


def squash(text: str) -> str:
    return " ".join(text.split())


def readable(result: ToolResult) -> str:
    """A tool result for the shopper: its sentences, without the JSON record the tool adds
    for the model (and tau2 replays)."""
    lines = result.content.removeprefix("Error: ").splitlines()
    prose = []
    for line in lines:
        if line.lstrip().startswith(("{", "[")):
            break
        prose.append(line)
    return "\n".join(prose).strip() or result.content.removeprefix("Error: ")
