"""Customer-service lookups on the real tau2-bench retail data: exact schemas, tau2-shaped
results, identifier normalisation, and the authentication and one-customer guards."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import TypeAdapter

from store.db import Store
from tools.base import ToolContext
from tools.service import RETAIL_TOOLS
from tools.service_read import IdList, normalise_order_id


def call(ctx: ToolContext, name: str, **arguments: Any) -> Any:
    return RETAIL_TOOLS.call(ctx, name, arguments)


def test_tool_names_are_tau2s_in_a_stable_order() -> None:
    assert RETAIL_TOOLS.names() == [
        "find_user_id_by_email",
        "find_user_id_by_name_zip",
        "get_user_details",
        "get_order_details",
        "get_product_details",
        "get_item_details",
        "list_all_product_types",
        "cancel_pending_order",
        "modify_pending_order_address",
        "modify_pending_order_payment",
        "modify_pending_order_items",
        "return_delivered_order_items",
        "exchange_delivered_order_items",
        "modify_user_address",
        "calculate",
        "transfer_to_human_agents",
    ]
    assert RETAIL_TOOLS.schemas() == RETAIL_TOOLS.schemas()


def test_schema_snapshots() -> None:
    order_id = {
        "description": "The order id, such as '#W0000000' (with the '#').",
        "type": "string",
    }
    assert RETAIL_TOOLS["get_order_details"].schema() == {
        "type": "function",
        "function": {
            "name": "get_order_details",
            "description": "Get the status and details of one of the customer's orders: items, "
            "address, fulfillments and payment history.",
            "parameters": {
                "additionalProperties": False,
                "properties": {"order_id": order_id},
                "required": ["order_id"],
                "type": "object",
            },
        },
    }
    assert RETAIL_TOOLS["cancel_pending_order"].schema() == {
        "type": "function",
        "function": {
            "name": "cancel_pending_order",
            "description": "Cancel a pending order (not processed or delivered ones) "
            "and refund its payments: at once to a gift card, otherwise within 5 to 7 business "
            "days. Needs the shopper's explicit yes.",
            "parameters": {
                "additionalProperties": False,
                "properties": {
                    "order_id": order_id,
                    "reason": {
                        "description": "Why the shopper cancels: 'no longer needed' or 'ordered "
                        "by mistake'.",
                        "enum": ["no longer needed", "ordered by mistake"],
                        "type": "string",
                    },
                },
                "required": ["order_id", "reason"],
                "type": "object",
            },
        },
    }
    assert RETAIL_TOOLS["return_delivered_order_items"].schema()["function"]["parameters"] == {
        "additionalProperties": False,
        "properties": {
            "order_id": order_id,
            "item_ids": {
                "description": "The item ids to return, such as ['1008292230']; repeat "
                "an id to return several units of it.",
                "items": {"type": "string"},
                "type": "array",
            },
            "payment_method_id": {
                "description": "The refund's destination: the payment method "
                "the order was paid with, or a gift card, such "
                "as 'gift_card_0000000'.",
                "type": "string",
            },
        },
        "required": ["order_id", "item_ids", "payment_method_id"],
        "type": "object",
    }


@pytest.mark.parametrize(
    "raw", ["#W2378156", "W2378156", "#w2378156", " w 2378156 ", "2378156", 2378156]
)
def test_order_ids_are_normalised(raw: object) -> None:
    assert normalise_order_id(raw) == "#W2378156"


@pytest.mark.parametrize(
    "raw", [["1008292230", " 2 "], "1008292230, 2", '["1008292230", "2"]', [1008292230, 2]]
)
def test_item_id_lists_are_normalised(raw: object) -> None:
    assert TypeAdapter(IdList).validate_python(raw) == ["1008292230", "2"]


def test_identification_by_email_and_by_name_zip(shop: Store) -> None:
    ctx = ToolContext(store=shop, shopper_typed=("hi", "it's Yusuf.Rossi7301@example.com."))
    found = call(ctx, "find_user_id_by_email", email="  Yusuf.Rossi7301@EXAMPLE.com ")
    assert (found.ok, found.content, found.data) == (True, "yusuf_rossi_9620", "yusuf_rossi_9620")
    assert ctx.session_user_id is None  # found, not adopted: the conversation decides
    again = ToolContext(store=shop, shopper_typed=("I'm Yúsuf Rossi, zip 19122",))
    by_name = call(
        again, "find_user_id_by_name_zip", first_name=" yúsuf", last_name="ROSSI", zip=19122
    )
    assert (by_name.content, by_name.data, again.session_user_id) == (
        "yusuf_rossi_9620",
        "yusuf_rossi_9620",
        None,
    )
    missing = call(
        ToolContext(store=shop, shopper_typed=("Yusuf Rossi 19123",)),
        "find_user_id_by_name_zip",
        first_name="Yusuf",
        last_name="Rossi",
        zip="19123",
    )
    assert (missing.ok, missing.error_kind) == (False, "unknown_id")


def test_identification_needs_what_the_shopper_typed(shop: Store) -> None:
    """The model's arguments alone identify nobody, and a refusal is no oracle: an existing
    customer the shopper did not type, one who does not exist, and another customer than the
    conversation's get the same words."""
    untyped = call(
        ToolContext(store=shop, shopper_typed=("cancel my order",)),
        "find_user_id_by_email",
        email="yusuf.rossi7301@example.com",
    )
    absent = call(
        ToolContext(store=shop, shopper_typed=("nobody.here1@example.com",)),
        "find_user_id_by_email",
        email="nobody.here1@example.com",
    )
    signed_in = ToolContext(
        store=shop,
        session_user_id="ethan_lopez_6291",
        shopper_typed=("yusuf.rossi7301@example.com",),
    )
    other = call(signed_in, "find_user_id_by_email", email="yusuf.rossi7301@example.com")
    assert untyped.error_kind == absent.error_kind == other.error_kind == "unknown_id"
    assert (
        untyped.content
        == other.content
        == (
            "Error: no customer of this conversation matches the email yusuf.rossi7301@example.com;"
            " ask the shopper to type their own email, or their first name, last name and zip code"
        )
    )
    assert absent.content == untyped.content.replace("yusuf.rossi7301", "nobody.here1")
    # part of an address is not the address; a name typed without its zip is not enough
    partial = ToolContext(
        store=shop, shopper_typed=("xyusuf.rossi7301@example.com.au", "Yusuf Rossi here")
    )
    assert not call(partial, "find_user_id_by_email", email="yusuf.rossi7301@example.com").ok
    assert not call(
        partial, "find_user_id_by_name_zip", first_name="Yusuf", last_name="Rossi", zip="19122"
    ).ok
    # the shop vouched for this customer: no credentials needed, and only for them
    vouched = ToolContext(store=shop, vouched_user_id="yusuf_rossi_9620")
    assert call(vouched, "find_user_id_by_email", email="yusuf.rossi7301@example.com").ok
    assert not call(vouched, "find_user_id_by_email", email="ethan.lopez8943@example.com").ok
    operator = ToolContext(store=shop, operator=True)
    assert call(operator, "find_user_id_by_email", email="ethan.lopez8943@example.com").ok


def test_account_data_needs_identification(shop: Store) -> None:
    ctx = ToolContext(store=shop)
    for name, args in [
        ("get_user_details", {"user_id": "yusuf_rossi_9620"}),
        ("get_order_details", {"order_id": "#W2378156"}),
    ]:
        result = RETAIL_TOOLS.call(ctx, name, args)
        assert (result.ok, result.error_kind) == (False, "not_authenticated")
        assert "find_user_id_by_email" in result.content
    for name, args in [
        ("get_product_details", {"product_id": "6992792935"}),
        ("get_item_details", {"item_id": "4202497723"}),
        ("list_all_product_types", {}),
        ("calculate", {"expression": "1+1"}),
        ("transfer_to_human_agents", {"summary": "wants a human"}),
    ]:
        assert RETAIL_TOOLS.call(ctx, name, args).ok, name


def test_results_have_tau2s_shape(shop: Store, original: dict[str, Any]) -> None:
    ctx = ToolContext(store=shop, session_user_id="yusuf_rossi_9620")
    assert (
        json.loads(call(ctx, "get_order_details", order_id="W2378156").content)
        == original["orders"]["#W2378156"]
    )
    assert (
        json.loads(call(ctx, "get_user_details", user_id="yusuf_rossi_9620").content)
        == original["users"]["yusuf_rossi_9620"]
    )
    assert (
        json.loads(call(ctx, "get_product_details", product_id="6992792935").content)
        == original["products"]["6992792935"]
    )
    assert (
        json.loads(call(ctx, "get_item_details", item_id=4202497723).content)
        == original["products"]["6992792935"]["variants"]["4202497723"]
    )
    types = json.loads(call(ctx, "list_all_product_types").content)
    assert types == {
        p["name"]: pid
        for pid, p in sorted(original["products"].items(), key=lambda kv: kv[1]["name"])
    }
    assert list(types) == sorted(types) and len(types) == 50


def test_other_customers_are_refused_like_unknown_ids(shop: Store) -> None:
    ctx = ToolContext(
        store=shop, shopper_typed=("yusuf.rossi7301@example.com", "Ethan Lopez 43275")
    )
    found = call(ctx, "find_user_id_by_email", email="yusuf.rossi7301@example.com")
    ctx.session_user_id = found.data  # adopted, as the conversation does with typed credentials
    other_order = call(ctx, "get_order_details", order_id="#W6779827")  # ethan_lopez_6291's
    no_order = call(ctx, "get_order_details", order_id="#W0000001")
    assert (other_order.error_kind, other_order.content) == (
        "unknown_id",
        "Error: order #W6779827 is not one of the signed-in customer's orders; ask the shopper "
        "to check the number (order ids look like '#W0000000'), or list their orders with "
        "get_user_details (this is no reason to transfer them)",
    )
    assert no_order.content == other_order.content.replace("#W6779827", "#W0000001")
    other_user = call(ctx, "get_user_details", user_id="ethan_lopez_6291")
    no_user = call(ctx, "get_user_details", user_id="nobody_0000")
    assert other_user.error_kind == no_user.error_kind == "unknown_id"
    assert no_user.content == other_user.content.replace("ethan_lopez_6291", "nobody_0000")
    second = call(
        ctx, "find_user_id_by_name_zip", first_name="Ethan", last_name="Lopez", zip="43275"
    )
    assert second.error_kind == "unknown_id" and "ethan_lopez" not in second.content
    assert ctx.session_user_id == "yusuf_rossi_9620"
    ctx.shopper_typed += ("Yusuf Rossi, 19122",)
    assert call(
        ctx, "find_user_id_by_name_zip", first_name="Yusuf", last_name="Rossi", zip="19122"
    ).ok


def test_unknown_ids_say_what_to_do(shop: Store) -> None:
    ctx = ToolContext(store=shop, session_user_id="yusuf_rossi_9620")
    assert call(
        ToolContext(store=shop, operator=True), "get_order_details", order_id="#W0000001"
    ).content == (
        "Error: unknown order id #W0000001; ask the shopper to check it (order ids look like "
        "'#W0000000'), or look it up in get_user_details"
    )
    assert call(ctx, "get_product_details", product_id="4202497723").content == (
        "Error: unknown product id 4202497723 (that is an item id; use get_item_details); "
        "list_all_product_types gives product ids"
    )


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("2 + 2", "4.0"),
        ("(1,234.50 + 2) / 3", "412.17"),
        ("$19.99 * 3", "59.97"),
        ("-(4 - 10) * 0.5", "3.0"),
    ],
)
def test_calculate(shop: Store, expression: str, expected: str) -> None:
    assert call(ToolContext(store=shop), "calculate", expression=expression).content == expected


@pytest.mark.parametrize("expression", ["__import__('os')", "2 ** 100000", "1 / 0", "abs(-1)"])
def test_calculate_refuses_anything_but_arithmetic(shop: Store, expression: str) -> None:
    result = call(ToolContext(store=shop), "calculate", expression=expression)
    assert (result.ok, result.error_kind) == (False, "bad_argument")
