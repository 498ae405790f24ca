"""The rule-based simulated customer of the service suite.

It opens with its request (identification included), answers what the assistant asks for
from the scenario's ``answers`` (email, then name and zip if asked again, order id, reason,
item, option, payment method, address), says "yes" to a confirmation only when it proposes
exactly the next gold action (same tool, same arguments after normalising ids and lists) and
"no" otherwise, and ends the conversation once nothing it wants is left or a person takes over.

Not here: running the conversation or scoring it (``service``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from assistant.reply import ConfirmationOut, Reply
from eval.harness.cases import GoldAction, ServiceScenario
from tools.service_read import normalise_order_id

WRITE_TOOLS = frozenset(
    {
        "cancel_pending_order",
        "modify_pending_order_address",
        "modify_pending_order_payment",
        "modify_pending_order_items",
        "return_delivered_order_items",
        "exchange_delivered_order_items",
        "modify_user_address",
    }
)
_ASKS = (  # (answer key, what in the assistant's text asks for it)
    ("email", r"e-?mail|identify (you|yourself)|verify your|authenticat|who you are"),
    ("order_id", r"order (id|number)|which order"),
    ("reason", r"reason|why"),
    ("item", r"which item|what item|which product"),
    ("option", r"size|colou?r|option|variant|which one"),
    ("payment", r"payment|pay|refund (to|method)|card"),
    ("address", r"address"),
)


def _norm(value: Any) -> Any:
    if isinstance(value, list):
        return sorted(_norm(v) for v in value)
    if isinstance(value, str):
        return " ".join(value.casefold().split())
    return value


def matches(confirmation: ConfirmationOut, gold: GoldAction) -> bool:
    """The proposal is exactly the gold action (order ids normalised, lists unordered)."""
    if confirmation.action != gold.name:
        return False
    for key, wanted in gold.arguments.items():
        got = confirmation.arguments.get(key)
        if key == "order_id":
            got, wanted = normalise_order_id(got), normalise_order_id(wanted)
        if _norm(got) != _norm(wanted):
            return False
    return True


@dataclass
class Customer:
    scenario: ServiceScenario
    remaining: list[GoldAction] = field(default_factory=list)
    wrong_proposals: int = 0
    said_yes: bool = False  # the last message was a yes to a matching confirmation
    told: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.remaining = [g for g in self.scenario.gold if g.name in WRITE_TOOLS]

    def opening(self) -> str:
        return self.scenario.opening

    def respond(self, reply: Reply | None) -> str | None:
        """The next message, or None when the conversation is over."""
        self.said_yes = False
        if reply is None or reply.kind == "handoff":
            return None
        if reply.kind == "confirmation" and reply.confirmation is not None:
            if self.remaining and matches(reply.confirmation, self.remaining[0]):
                self.remaining.pop(0)
                self.said_yes = True
                return "yes"
            self.wrong_proposals += 1
            return f"No, that is not what I asked for. {self.scenario.request}"
        wanted = self._asked_for(reply.text)
        if wanted:
            return " ".join(wanted)
        if self.remaining:
            return f"Please go ahead: {self.scenario.request}"
        return None

    def _asked_for(self, text: str) -> list[str]:
        answers = self.scenario.answers
        out: list[str] = []
        if "?" not in text and not _REQUEST.search(text):
            return out  # a statement ("Done. ...") asks for nothing
        for key, pattern in _ASKS:
            if key not in answers or not re.search(pattern, text, re.IGNORECASE):
                continue
            if key == "email" and "email" in self.told and "zip" in answers:
                out.append(f"My name is {answers['name']} and my zip code is {answers['zip']}.")
            else:
                out.append(_SAY[key].format(answers[key]))
            self.told.add(key)
        return out


_REQUEST = re.compile(
    r"\b(please (provide|give|share|tell|confirm)|could you|can you|i need)\b", re.IGNORECASE
)
_SAY = {
    "email": "My email is {}.",
    "order_id": "The order id is {}.",
    "reason": "{}.",
    "item": "The {}.",
    "option": "The one with {}.",
    "payment": "Use {}.",
    "address": "The new address is {}.",
}
