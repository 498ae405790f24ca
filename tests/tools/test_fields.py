"""Tool arguments a hostile or broken model sends: refused as errors the model can correct,
never an exception that ends the turn, and nothing of them stored or shown."""

from __future__ import annotations

import json
from typing import Any

import pytest

from assistant.llm.parsing import decode_arguments
from assistant.llm.scripted import ScriptedChat, call
from assistant.llm.types import Message
from assistant.proposal import propose
from store.db import Store
from tools.base import ToolContext, ToolResult
from tools.service import RETAIL_TOOLS
from tools.shop_context import ShopContext
from tools.shopping import SHOPPING_TOOLS

DEEP = 50_000
ADDRESS = {
    "order_id": "#W6779827",
    "address1": "1 Main St",
    "address2": "",
    "city": "Austin",
    "state": "TX",
    "country": "USA",
    "zip": "78701",
}


def _nested(depth: int) -> list[Any]:
    outer: list[Any] = []
    inner = outer
    for _ in range(depth):
        inner.append([])
        inner = inner[0]
    return outer


def _refused(result: ToolResult) -> str:
    assert (result.ok, result.error_kind) == (False, "bad_argument"), result.content
    assert result.error is not None and len(result.content) < 400
    return result.error


def test_deep_nesting_is_an_error_not_a_recursion_error(sqlite_store: Store) -> None:
    ctx = ToolContext(store=sqlite_store)
    text = '{"expression": ' + "[" * DEEP + "]" * DEEP + "}"
    assert _refused(RETAIL_TOOLS.call(ctx, "calculate", text)).startswith(
        "the arguments are 100,016 characters long; the limit is 20,000"
    )
    assert (
        _refused(RETAIL_TOOLS.call(ctx, "calculate", '{"a": ' + "[" * 7 + "]" * 7 + "}"))
        == "the arguments nest deeper than 6 levels; send a flat JSON object of argument "
        "names to values"
    )
    assert _refused(RETAIL_TOOLS.call(ctx, "calculate", {"expression": _nested(DEEP)})) == (
        "the arguments nest deeper than 6 levels; send a flat JSON object of argument names to "
        "values"
    )
    # brackets inside a string are text, not nesting
    assert (
        RETAIL_TOOLS.call(ctx, "calculate", json.dumps({"expression": "((1+2))" + " " * 9})).content
        == "3.0"
    )


def test_a_model_reply_nested_deep_is_no_call() -> None:
    assert decode_arguments("[" * DEEP + "]" * DEEP) is None


def test_sizes_and_counts_are_bounded(sqlite_store: Store) -> None:
    ctx = ToolContext(store=sqlite_store, session_user_id="u1")
    long_address = _refused(
        RETAIL_TOOLS.call(
            ctx, "modify_pending_order_address", {**ADDRESS, "address1": "x" * 200_000}
        )
    )
    assert long_address == (
        "address1: a text argument is 200,000 characters long; the limit is 4,000"
    )
    line = _refused(
        RETAIL_TOOLS.call(ctx, "modify_pending_order_address", {**ADDRESS, "address1": "x" * 500})
    )
    assert line.startswith("address1: Value error, at most 120 characters (got 500) (got 'xxx")
    ids = _refused(
        RETAIL_TOOLS.call(
            ctx,
            "return_delivered_order_items",
            {
                "order_id": "#W2378156",
                "item_ids": [str(i) for i in range(51)],
                "payment_method_id": "credit_card_1",
            },
        )
    )
    assert ids.startswith("item_ids: Value error, at most 50 entries (got 51)")
    assert _refused(RETAIL_TOOLS.call(ctx, "calculate", {"expression": ["1"] * 501})) == (
        "the arguments hold more than 500 values; send only the arguments the tool takes"
    )


@pytest.mark.parametrize(
    ("name", "arguments", "character"),
    [
        (
            "find_user_id_by_name_zip",
            {"first_name": "Ya\u202eusuf", "last_name": "Rossi", "zip": "19122"},
            "U+202E",
        ),  # right-to-left override
        (
            "find_user_id_by_name_zip",
            {"first_name": "Yusuf\u200b", "last_name": "Rossi", "zip": "19122"},
            "U+200B",
        ),  # zero-width space
        ("modify_pending_order_address", {**ADDRESS, "city": "Aus\x00tin"}, "U+0000"),
        ("modify_pending_order_address", {**ADDRESS, "address2": "Apt 1\nDrop table"}, "U+000A"),
        ("find_user_id_by_email", {"email": "a\u2066@example.com"}, "U+2066"),
    ],
)
def test_invisible_and_control_characters_are_refused(
    sqlite_store: Store, name: str, arguments: dict[str, Any], character: str
) -> None:
    ctx = ToolContext(store=sqlite_store, session_user_id="u1")
    assert character in _refused(RETAIL_TOOLS.call(ctx, name, arguments))


def test_accented_and_non_latin_names_are_fine(sqlite_store: Store) -> None:
    ctx = ToolContext(store=sqlite_store, shopper_typed=("Zoë Vázquez-Ōta 19122",))
    result = RETAIL_TOOLS.call(
        ctx,
        "find_user_id_by_name_zip",
        {"first_name": "Zoë", "last_name": "Vázquez-Ōta", "zip": "19122"},
    )
    assert result.error_kind == "unknown_id"  # validated, then simply not found


@pytest.mark.parametrize(
    "arguments",
    [
        {"price_min": -1e308},
        {"price_max": float("nan")},
        {"price_max": "inf"},
        {"price_min": 1e12},
        {"min_rating": float("nan")},
    ],
)
def test_bad_filter_values_go_back_to_the_model(
    sqlite_store: Store, arguments: dict[str, Any]
) -> None:
    ctx = ShopContext(store=sqlite_store)
    error = _refused(SHOPPING_TOOLS.call(ctx, "search_products", {"query": "tents", **arguments}))
    assert error.startswith(next(iter(arguments)))


def test_json_nan_and_huge_integers_are_refused(sqlite_store: Store) -> None:
    ctx = ToolContext(store=sqlite_store, session_user_id="u1")
    assert _refused(RETAIL_TOOLS.call(ctx, "get_order_details", '{"order_id": NaN}')) == (
        "order_id: nan is not a number; send a finite number"
    )
    assert _refused(RETAIL_TOOLS.call(ctx, "get_order_details", {"order_id": 10**20})) == (
        f"order_id: the number {10**20} is out of range; numbers are between -9007199254740992 and "
        "9007199254740992"
    )


def test_the_model_corrects_a_bad_filter_within_the_turn() -> None:
    llm = ScriptedChat(
        [
            call("search_products", query="tents", price_min=-1e308),
            call("search_products", query="tents", price_max=100),
        ]
    )
    proposal = propose(llm, SHOPPING_TOOLS, [Message.user("tents under $100")])
    assert (proposal.name, proposal.arguments["price_max"], proposal.error) == (
        "search_products",
        100.0,
        None,
    )
    told = llm.requests[1].messages[-1]
    assert told.role == "tool" and told.content.startswith(
        "Error: price_min: Value error, a price is a number of dollars from 0 to 10,000,000"
    )
