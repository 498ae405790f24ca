"""Service decisions: which customer-service request a message makes or continues, and the
slots the shopper's own words (or an option they clicked) fill.

A request opens when the words ask for one ("cancel my pending order", "where is #W1234567")
or the model proposed a service tool, the words say nothing else and they are about orders or
the account at all (``_SERVICE_CUE``): a model steered by text planted in a review cannot open
the shopper's account on "what do reviewers say about it?". Slots are filled from
what the shopper typed: order numbers, a cancellation reason, an address. The model's
arguments fill a slot only when they repeat what the shopper typed (an order number from the
message or the list on screen, an address whose street, city and zip are in the message):
identity and the order a write applies to are never the model's choice.

Not here: advancing the flow (``assistant.service_flow``).
"""

from __future__ import annotations

import re

from assistant.policy.acts import Act, Serve
from assistant.proposal import Proposal
from assistant.reading import Reading, ShopWords
from assistant.reading.service import ServiceIntent
from assistant.state import Choice, ConversationState, ServiceRequest
from tools import service_read as read
from tools import service_write as write
from tools.base import Tool

# The request a proposed tool stands for.
_TOOL_INTENTS: tuple[tuple[Tool, ServiceIntent], ...] = (
    (write.cancel_pending_order, "cancel"),
    (write.return_delivered_order_items, "return"),
    (write.exchange_delivered_order_items, "exchange"),
    (write.modify_pending_order_items, "modify_items"),
    (write.modify_pending_order_address, "modify_address"),
    (write.modify_pending_order_payment, "modify_payment"),
    (write.modify_user_address, "user_address"),
    (read.get_order_details, "status"),
    (read.get_user_details, "account"),
)
# Words without which a model's service proposal opens nothing.
_SERVICE_CUE = re.compile(
    r"\b(orders?|ordered|package|parcel|deliver\w*|ship\w*|track\w*|"
    r"arriv\w*|account|profile|refund\w*|return\w*|exchang\w*|"
    r"cancel\w*|address|payment|pay|paid|card|bought|purchas\w*|"
    r"charged?|receipt|sign(?:ed)?\s+in|log(?:ged)?\s+in|email|zip)\b",
    re.I,
)
_MISTAKE = re.compile(
    r"\b(mistake|mistaken|by accident|accidental\w*|wrong (item|order)|"
    r"didn'?t mean|ordered (it )?twice|duplicate)\b",
    re.I,
)
_NOT_NEEDED = re.compile(
    r"\b(no longer need|don'?t need|do not need|not needed|changed my mind|"
    r"don'?t want|do not want|no longer want|found (it )?(cheaper|elsewhere)"
    r"|not necessary)\b",
    re.I,
)
_ADDRESS = re.compile(
    r"(?P<address1>\d+[\w .'-]*?)\s*,\s*(?:(?P<address2>(?:apt|apartment|suite|unit|#)[\w .#-]*?)"
    r"\s*,\s*)?(?P<city>[A-Za-z .'-]+?)\s*,\s*(?P<state>[A-Za-z]{2})\s*,?\s*(?P<zip>\d{5})"
    r"(?:\s*,\s*(?P<country>[A-Za-z .]+))?\s*\.?\s*$",
    re.I,
)


def intent_of(proposal: Proposal | None) -> ServiceIntent | None:
    if proposal is None or proposal.tool is None:
        return None
    return next((i for tool, i in _TOOL_INTENTS if proposal.tool is tool), None)


def reason_in(text: str) -> str | None:
    if _MISTAKE.search(text):
        return "ordered by mistake"
    if _NOT_NEEDED.search(text):
        return "no longer needed"
    return None


def address_in(text: str, proposal: Proposal | None) -> dict[str, str] | None:
    """A full address the shopper typed: parsed from their words, else the model's address
    arguments when their street, city and zip all appear in those words."""
    tail = text.split(" to ", 1)[-1] if " to " in text else text
    m = _ADDRESS.search(tail.strip())
    if m:
        found = {k: (v or "").strip().rstrip(".").strip() for k, v in m.groupdict().items()}
        found["country"] = found["country"] or "USA"
        found["state"] = found["state"].upper()
        return found
    if proposal is None or proposal.tool not in (
        write.modify_pending_order_address,
        write.modify_user_address,
    ):
        return None
    args = {
        k: str(proposal.arguments.get(k) or "")
        for k in ("address1", "address2", "city", "state", "country", "zip")
    }
    said = text.casefold()
    if all(args[k] and args[k].casefold() in said for k in ("address1", "city", "zip")):
        return args
    return None


def service(
    r: Reading, state: ConversationState, proposal: Proposal | None, shop: ShopWords
) -> Act | None:
    """The service step this message asks for, or None when it is not about orders."""
    request = state.request
    intent = r.service
    if (
        intent is None
        and not (r.names_products or r.help or r.product_request)
        and _SERVICE_CUE.search(r.text)
    ):
        intent = intent_of(proposal)
    if intent is None and request is None:
        if r.email or r.name_zip:
            intent = "orders"  # the shopper said who they are: show what they can ask about
        else:
            return None
    if request is None or (intent is not None and intent != request.intent):
        assert intent is not None
        request = ServiceRequest(intent=intent, scope=r.scope)
    else:
        request = request.model_copy(deep=True)
        if r.scope != "all":
            request.scope = r.scope
    return Serve(_filled(request, r, state, proposal, shop))


_FLOW_QUESTIONS = frozenset({"order", "reason", "items", "variant", "payment"})


def continues(r: Reading, state: ConversationState) -> bool:
    """The message answers the open request's last question in words (an email, an order
    number, a reason, an item or option named, an address) rather than starting something
    else."""
    if state.request is None:
        return False
    if r.email or r.name_zip or r.order_ids or r.service:
        return True
    if (
        state.question is not None
        and state.question.kind in _FLOW_QUESTIONS
        and not (r.asks_person or r.help or (r.product_request and r.names_products))
    ):
        return True
    if state.request.intent == "cancel" and reason_in(r.text):
        return True
    return (
        state.request.intent in ("modify_address", "user_address")
        and _ADDRESS.search(r.text) is not None
    )


def with_choice(choice: Choice, state: ConversationState) -> Serve | None:
    """The open request with the slot a clicked option fills."""
    if state.request is None:
        return None
    request = state.request.model_copy(deep=True)
    if choice.kind == "order":
        request.order_id = choice.value
    elif choice.kind == "reason":
        request.reason = choice.value
    elif choice.kind == "items":
        request.item_ids = list(choice.values or [choice.value])
    elif choice.kind == "variant" and request.item_ids:
        request.new_item_ids[request.item_ids[0]] = choice.value
    elif choice.kind == "payment":
        request.payment_method_id = choice.value
    else:
        return None
    return Serve(request)


def _filled(
    request: ServiceRequest,
    r: Reading,
    state: ConversationState,
    proposal: Proposal | None,
    shop: ShopWords,
) -> ServiceRequest:
    request.words = f"{request.words}\n{r.text}".strip()
    if r.order_ids:
        request.order_id = r.order_ids[0]
    elif proposal is not None and (proposed := proposal.arguments.get("order_id")):
        listed = (
            [c.value for c in state.question.choices if c.kind == "order"] if state.question else []
        )
        order_id = shop.order_ids.normalise(str(proposed))
        if order_id and order_id in (*listed, request.order_id):
            request.order_id = order_id
    if request.intent == "cancel" and (reason := reason_in(r.text)):
        request.reason = reason
    if request.intent in ("modify_address", "user_address") and (
        address := address_in(r.text, proposal)
    ):
        request.address = address
    return request
