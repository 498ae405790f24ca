"""A deterministic scripted policy model for CI smoke runs (``--scripted``).

``scripted_policy()`` is a ``ScriptedChat`` whose function script reads the request the agent
sent (the shopper's latest message and this turn's tool results) and calls the tools a careful
agent would: identify by the email in the message, look up the order, propose the write the
message asks for (cancel with the stated reason; return, exchange or change the named items,
choosing the variant whose options the message names; ship to the stated address), search the
help center for a policy question, transfer when a person is asked for, and otherwise search
the catalog with the message and ask one clarifying question per conversation. It answers from
tool results only. A refused tool call ends the turn with the refusal.

It is not a model of any LLM: it exercises the harness, the agent loop and the tools end to end
in seconds, and gives a reference score a real model should approach.
"""

from __future__ import annotations

import json
import re
from typing import Any

from assistant.llm.scripted import ChatRequest, ScriptedChat, call
from assistant.llm.scripted import Reply as ScriptReply
from assistant.llm.types import Message

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_ORDER = re.compile(r"#W\d{7}")
_ADDRESS = re.compile(
    r"\bto (?P<address1>[^,]+), (?P<address2>[^,]*), (?P<city>[^,]+), "
    r"(?P<state>[A-Z]{2}) (?P<zip>\d{5}), (?P<country>[A-Za-z ]+)"
)
_HUMAN = re.compile(r"\b(human|person|representative|real agent)\b", re.IGNORECASE)
_POLICY = re.compile(
    r"\b(policy|how long|how much|warranty|refunds?|shipping|gift cards?|"
    r"expire|payment methods?|privacy|deliver\w*)\b",
    re.IGNORECASE,
)
_MATCHED = re.compile(r"^(\d+) products match")


def scripted_policy() -> ScriptedChat:
    return ScriptedChat(_decide, model="scripted-policy")


def _decide(request: ChatRequest) -> ScriptReply:
    messages = list(request.messages)
    last_user = max(i for i, m in enumerate(messages) if m.role == "user")
    text = messages[last_user].content
    done = _this_turn(messages[last_user + 1 :])
    if done and done[-1][1].startswith("Error:"):
        return "Sorry, I could not do that. " + done[-1][1].removeprefix("Error: ")
    names = [name for name, _ in done]
    if _HUMAN.search(text):
        return call("transfer_to_human_agents", summary=text)
    history = " ".join(m.content for m in messages[1:last_user] if m.role == "user")
    order_id = _last(_ORDER, text) or (_last(_ORDER, history) if _intent(text) else None)
    email = _last(_EMAIL, text)
    if email and "find_user_id_by_email" not in names:
        return call("find_user_id_by_email", email=email)
    if order_id:
        return _service(text, order_id, done)
    if _POLICY.search(text) and "?" in text:
        if "search_help_center" not in names:
            return call("search_help_center", query=text)
        return _help_answer(text, done[-1][1])
    return _shopping(text, done, messages[1:last_user])


def _this_turn(messages: list[Message]) -> list[tuple[str, str]]:
    """(tool name, result) of each call made since the shopper's message."""
    return [(m.name or "", m.content) for m in messages if m.role == "tool"]


def _last(pattern: re.Pattern[str], text: str) -> str | None:
    found = pattern.findall(text)
    return found[-1] if found else None


def _intent(text: str) -> str | None:
    lowered = text.lower()
    for word, intent in (
        ("cancel", "cancel"),
        ("return", "return"),
        ("exchange", "exchange"),
        ("ship", "address"),
        ("change", "modify"),
        ("swap", "modify"),
        ("status", "status"),
        ("where is", "status"),
    ):
        if word in lowered:
            return intent
    return None


def _json(content: str) -> dict[str, Any]:
    start = content.find("{")
    data = json.loads(content[start:]) if start >= 0 else {}
    return data if isinstance(data, dict) else {}


def _service(text: str, order_id: str, done: list[tuple[str, str]]) -> ScriptReply:
    results = dict(done)
    if "get_order_details" not in results:
        return call("get_order_details", order_id=order_id)
    order = _json(results["get_order_details"])
    intent = _intent(text)
    paid_with = (order.get("payment_history") or [{}])[0].get("payment_method_id", "")
    named = [i for i in order.get("items", []) if i["name"].lower() in text.lower()]
    if intent == "cancel":
        reason = "ordered by mistake" if "mistake" in text.lower() else "no longer needed"
        return call("cancel_pending_order", order_id=order_id, reason=reason)
    if intent == "return" and named:
        return call(
            "return_delivered_order_items",
            order_id=order_id,
            item_ids=[i["item_id"] for i in named],
            payment_method_id=paid_with,
        )
    if intent == "address" and (address := _ADDRESS.search(text)):
        return call("modify_pending_order_address", order_id=order_id, **address.groupdict())
    if intent in ("exchange", "modify") and named:
        if "get_product_details" not in results:
            return call("get_product_details", product_id=named[0]["product_id"])
        new_item = _variant_named(text, named[0], _json(results["get_product_details"]))
        if new_item is None:
            return "Which option would you like instead?"
        tool = (
            "exchange_delivered_order_items"
            if order.get("status") == "delivered"
            else "modify_pending_order_items"
        )
        return call(
            tool,
            order_id=order_id,
            item_ids=[named[0]["item_id"]],
            new_item_ids=[new_item],
            payment_method_id=paid_with,
        )
    return f"Your order {order_id} is {order.get('status', 'unknown')}."


def _variant_named(text: str, item: dict[str, Any], product: dict[str, Any]) -> str | None:
    """The available variant whose options the message names (most named values, then
    fewest changes from the current item)."""
    lowered, current = text.lower(), item.get("options", {})
    best: tuple[int, int, str] | None = None
    for variant in product.get("variants", {}).values():
        if not variant.get("available") or variant["item_id"] == item["item_id"]:
            continue
        options = variant.get("options", {})
        named = sum(
            1
            for k, v in options.items()
            if v != current.get(k) and re.search(rf"\b{re.escape(str(v).lower())}\b", lowered)
        )
        changed = sum(1 for k, v in options.items() if v != current.get(k))
        if named and (best is None or (named, -changed) > best[:2]):
            best = (named, -changed, variant["item_id"])
    return best[2] if best else None


def _help_answer(question: str, content: str) -> str:
    """The two passage sentences sharing the most words with the question."""
    asked = {w[:5] for w in re.findall(r"[a-z]{3,}", question.lower())}
    sentences = [
        s
        for line in content.splitlines()
        if line.startswith("[")
        for s in re.split(r"(?<=[.!?])\s+", line.split('": ', 1)[-1])
        if s
    ]
    ranked = sorted(
        sentences, key=lambda s: -len(asked & {w[:5] for w in re.findall(r"[a-z]{3,}", s.lower())})
    )
    return " ".join(ranked[:2]) or "I could not find that in the help center."


def _shopping(text: str, done: list[tuple[str, str]], history: list[Message]) -> ScriptReply:
    names = [name for name, _ in done]
    if "search_products" not in names:
        return call("search_products", query=text)
    result = dict(done)["search_products"]
    if "No product fits" in result:
        return "Sorry, no product fits all of that."
    asked_before = any(m.role == "assistant" and "?" in m.content for m in history)
    matched = _MATCHED.match(result)
    if (
        matched
        and int(matched.group(1)) >= 6
        and not asked_before
        and "ask_clarifying_question" not in names
    ):
        return call("ask_clarifying_question")
    return "Here are some options that fit what you asked for."
