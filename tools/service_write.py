"""Customer-service writes: cancel, modify (address, payment, items), return, exchange, and the
customer's default address, with tau2-bench's retail names, arguments and effects.

Each tool checks everything against the store and the rules (``tools.policy``) and returns a
``Proposed`` change with a summary for the shopper; nothing is written until it is confirmed
(``ToolSet.confirm``) or run on the operator path (``ToolSet.execute_confirmed``), and both check
again. The effects are tau2's: statuses ``cancelled``, ``pending (item modified)``, ``return
requested``, ``exchange requested``; refunds and payments appended to the payment history; gift
card balances moved at once (rounded to cents at each step); request fields with sorted item ids.

Not here: the conditional write itself (``tools.service_change``) and lookups
(``tools.service_read``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator

from store.models import Order, OrderStatus
from tools import policy
from tools.base import Proposed, ToolContext, tool
from tools.errors import PolicyViolation, UnknownId
from tools.service_change import (
    AddressChange,
    Balances,
    LineUpdate,
    OrderChange,
    address_text,
    difference_text,
    item_swaps,
    line_text,
    method_text,
    money,
    refund_text,
)
from tools.service_read import (
    Code,
    IdList,
    OrderId,
    Text,
    load_method,
    load_methods,
    owned_order,
    owned_user,
)

CancelReason = Annotated[
    Literal["no longer needed", "ordered by mistake"],
    BeforeValidator(lambda v: v.strip().lower() if isinstance(v, str) else v),
]
_ONCE = (
    "This can be done only once for this order: check with the shopper that every item to "
    "change is listed."
)


def _payment(kind: str, amount: float, method_id: str) -> dict[str, Any]:
    return {"transaction_type": kind, "amount": amount, "payment_method_id": method_id}


def _change(
    order: Order,
    values: dict[str, Any],
    done: str,
    balances: Balances | None = None,
    lines: tuple[LineUpdate, ...] = (),
) -> OrderChange:
    return OrderChange(
        order_id=order.order_id,
        status_before=order.status,
        version=order.updated_at,
        values=values,
        done=done,
        cards=balances.updates() if balances else (),
        lines=lines,
    )


@tool(write=True)
def cancel_pending_order(ctx: ToolContext, order_id: OrderId, reason: CancelReason) -> Proposed:
    """Cancel a pending order (not processed or delivered ones) and refund its payments: at once
    to a gift card, otherwise within 5 to 7 business days. Needs the shopper's explicit yes.

    Args:
        order_id: The order id, such as '#W0000000' (with the '#').
        reason: Why the shopper cancels: 'no longer needed' or 'ordered by mistake'.
    """
    with ctx.store.session() as session:
        order, lines = owned_order(ctx, session, order_id)
        policy.require_status(order.order_id, order.status, {OrderStatus.PENDING}, "cancelled")
        methods = load_methods(session, order.user_id)
    history = list(order.payment_history or [])
    balances, refunds = Balances(methods), list[dict[str, Any]]()
    for paid in history:
        if paid["payment_method_id"] not in methods:
            raise UnknownId(
                f"payment method {paid['payment_method_id']} of this order is gone; "
                "transfer the shopper to a human agent"
            )
        refunds.append(_payment("refund", paid["amount"], paid["payment_method_id"]))
        balances.add(paid["payment_method_id"], paid["amount"])
    back = "; ".join(
        refund_text(methods[r["payment_method_id"]], r["amount"], balances) for r in refunds
    )
    items = "\n".join(f"- {line_text(li)}" for li in lines)
    return Proposed(
        summary=(
            f"Cancel order {order.order_id} ({len(lines)} items):\n{items}\n"
            f"Reason: {reason}. Refund: {back}."
        ),
        write=_change(
            order,
            {
                "status": OrderStatus.CANCELLED.value,
                "cancel_reason": reason,
                "payment_history": history + refunds,
            },
            f"Order {order.order_id} is cancelled. Refund: {back}.",
            balances,
        ).write,
    )


@tool(write=True)
def modify_pending_order_address(
    ctx: ToolContext,
    order_id: OrderId,
    address1: Text,
    address2: Text,
    city: Text,
    state: Text,
    country: Text,
    zip: Code,
) -> Proposed:
    """Change the shipping address of a pending order. Needs the shopper's explicit yes.

    Args:
        order_id: The order id, such as '#W0000000' (with the '#').
        address1: First address line, such as '123 Main St'.
        address2: Second address line, such as 'Apt 1', or ''.
        city: The city, such as 'San Francisco'.
        state: The state, such as 'CA'.
        country: The country, such as 'USA'.
        zip: The zip code, such as '12345'.
    """
    with ctx.store.session() as session:
        order, _ = owned_order(ctx, session, order_id)
    policy.require_pending_like(order.order_id, order.status, "modified")
    address = {
        "address1": address1,
        "address2": address2,
        "city": city,
        "country": country,
        "state": state,
        "zip": zip,
    }
    return Proposed(
        summary=(
            f"Ship order {order.order_id} to {address_text(address)} instead of "
            f"{address_text(order.address or {})}."
        ),
        write=_change(
            order,
            {"address": address},
            f"Order {order.order_id} now ships to {address_text(address)}.",
        ).write,
    )


@tool(write=True)
def modify_pending_order_payment(
    ctx: ToolContext, order_id: OrderId, payment_method_id: Code
) -> Proposed:
    """Pay a pending order with another of the customer's payment methods; the original one is
    refunded (at once if a gift card, else within 5 to 7 business days). A gift card must cover
    the whole total. Needs the shopper's explicit yes.

    Args:
        order_id: The order id, such as '#W0000000' (with the '#').
        payment_method_id: The new payment method id, such as 'gift_card_0000000' or
            'credit_card_0000000', from get_user_details.
    """
    with ctx.store.session() as session:
        order, _ = owned_order(ctx, session, order_id)
        policy.require_pending_like(order.order_id, order.status, "modified")
        new = load_method(session, order.user_id, payment_method_id)
        methods = load_methods(session, order.user_id)
    history = list(order.payment_history or [])
    if len(history) != 1 or history[0]["transaction_type"] != "payment":
        raise PolicyViolation(
            f"order {order.order_id} does not have exactly one payment, "
            "so its payment method cannot be changed"
        )
    old_id, amount = history[0]["payment_method_id"], history[0]["amount"]
    if old_id == new.id:
        raise PolicyViolation(
            f"order {order.order_id} is already paid with {new.id}; "
            "choose a different payment method"
        )
    if old_id not in methods:
        raise UnknownId(f"the original payment method {old_id} is gone; transfer to a human agent")
    policy.require_gift_card_covers(new, amount, "the order total")
    balances = Balances(methods)
    balances.add(new.id, -amount)
    balances.add(old_id, amount)
    back = refund_text(methods[old_id], amount, balances)
    return Proposed(
        summary=(
            f"Pay order {order.order_id} ({money(amount)}) with "
            f"{method_text(new, balances.now.get(new.id))} "
            f"instead of {method_text(methods[old_id])}. Refund: {back}."
        ),
        write=_change(
            order,
            {
                "payment_history": [
                    *history,
                    _payment("payment", amount, new.id),
                    _payment("refund", amount, old_id),
                ]
            },
            f"Order {order.order_id} is now paid with {new.id}. Refund: {back}.",
            balances,
        ).write,
    )


@tool(write=True)
def modify_pending_order_items(
    ctx: ToolContext,
    order_id: OrderId,
    item_ids: IdList,
    new_item_ids: IdList,
    payment_method_id: Code,
) -> Proposed:
    """Change items of a pending order to other available options of the same product; the
    price difference is paid or refunded with the given payment method (a gift card must cover
    it). Only once per order; afterwards its items cannot change again and it cannot be cancelled:
    collect every item first. Needs the shopper's explicit yes.

    Args:
        order_id: The order id, such as '#W0000000' (with the '#').
        item_ids: The item ids to change, such as ['1008292230']; repeat an id to change several
            units of it.
        new_item_ids: The new item ids, one per entry of item_ids in the same order, each of the
            same product.
        payment_method_id: The payment method id to pay or receive the price difference, such as
            'gift_card_0000000', from get_user_details.
    """
    with ctx.store.session() as session:
        order, lines = owned_order(ctx, session, order_id)
        policy.require_status(order.order_id, order.status, {OrderStatus.PENDING}, "modified")
        method = load_method(session, order.user_id, payment_method_id)
        methods = load_methods(session, order.user_id)
    policy.require_pairs(item_ids, new_item_ids, distinct=True)
    diff, pairs, updates = item_swaps(ctx, order, lines, item_ids, new_item_ids)
    policy.require_gift_card_covers(method, diff, "the price difference")
    balances = Balances(methods)
    balances.add(method.id, -diff)
    entry = _payment("payment" if diff > 0 else "refund", abs(diff), method.id)
    money_text = difference_text(diff, method_text(method, balances.now.get(method.id)))
    if diff < 0 and not policy.is_gift_card(method):
        money_text += f" within {policy.REFUND_DAYS}"
    return Proposed(
        summary=(
            f"Change items of order {order.order_id}:\n"
            + "\n".join(pairs)
            + f"\nPrice difference: {money_text}. {_ONCE}"
        ),
        write=_change(
            order,
            {
                "status": OrderStatus.PENDING_ITEM_MODIFIED.value,
                "payment_history": [*(order.payment_history or []), entry],
            },
            f"Items of order {order.order_id} changed; {money_text}.",
            balances,
            tuple(updates.values()),
        ).write,
    )


@tool(write=True)
def return_delivered_order_items(
    ctx: ToolContext, order_id: OrderId, item_ids: IdList, payment_method_id: Code
) -> Proposed:
    """Request a return of items of a delivered order, refunded to the payment method the order
    was paid with or to a gift card; the shopper gets an email on how to send the items back.
    Needs the shopper's explicit yes.

    Args:
        order_id: The order id, such as '#W0000000' (with the '#').
        item_ids: The item ids to return, such as ['1008292230']; repeat an id to return several
            units of it.
        payment_method_id: The refund's destination: the payment method the order was paid
            with, or a gift card, such as 'gift_card_0000000'.
    """
    with ctx.store.session() as session:
        order, lines = owned_order(ctx, session, order_id)
        policy.require_status(order.order_id, order.status, {OrderStatus.DELIVERED}, "returned")
        method = load_method(session, order.user_id, payment_method_id)
    history = order.payment_history or []
    policy.require_refund_method(method, history[0]["payment_method_id"] if history else "")
    policy.require_items_in_order(order.order_id, [li.item_id for li in lines], item_ids)
    returned, left = [], list(lines)
    for item_id in item_ids:
        line = next(li for li in left if li.item_id == item_id)
        left.remove(line)
        returned.append(line)
    total = round(sum(li.price for li in returned), 2)
    items = "\n".join(f"- {line_text(li)}" for li in returned)
    return Proposed(
        summary=(
            f"Return from order {order.order_id}:\n{items}\nRefund: {money(total)} to "
            f"{method_text(method)} once the return is processed. The shopper gets an "
            "email explaining how to send the items back."
        ),
        write=_change(
            order,
            {
                "status": OrderStatus.RETURN_REQUESTED.value,
                "return_items": sorted(item_ids),
                "return_payment_method_id": method.id,
            },
            f"Return requested for order {order.order_id}; an email with return "
            f"instructions is on its way. Refund: {money(total)} to {method.id}.",
        ).write,
    )


@tool(write=True)
def exchange_delivered_order_items(
    ctx: ToolContext,
    order_id: OrderId,
    item_ids: IdList,
    new_item_ids: IdList,
    payment_method_id: Code,
) -> Proposed:
    """Exchange items of a delivered order for other available options of the same product; the
    price difference is paid or refunded with the given payment method (a gift card must cover
    it). Only once per order: collect every item first. No new order is needed. Needs the
    shopper's explicit yes.

    Args:
        order_id: The order id, such as '#W0000000' (with the '#').
        item_ids: The item ids to exchange, such as ['1008292230']; repeat an id to exchange several
            units of it.
        new_item_ids: The new item ids, one per entry of item_ids in the same order, each of the
            same product.
        payment_method_id: The payment method id to pay or receive the price difference, such as
            'gift_card_0000000', from get_user_details.
    """
    with ctx.store.session() as session:
        order, lines = owned_order(ctx, session, order_id)
        policy.require_status(order.order_id, order.status, {OrderStatus.DELIVERED}, "exchanged")
        method = load_method(session, order.user_id, payment_method_id)
    policy.require_pairs(item_ids, new_item_ids, distinct=False)
    raw, pairs, _ = item_swaps(ctx, order, lines, item_ids, new_item_ids)
    diff = round(raw, 2)
    policy.require_gift_card_covers(method, diff, "the price difference")
    money_text = difference_text(diff, method_text(method))
    return Proposed(
        summary=(
            f"Exchange items of order {order.order_id}:\n"
            + "\n".join(pairs)
            + f"\nPrice difference: {money_text}. The shopper gets an email explaining how "
            f"to send the items back; no new order is needed. {_ONCE}"
        ),
        write=_change(
            order,
            {
                "status": OrderStatus.EXCHANGE_REQUESTED.value,
                "exchange_items": sorted(item_ids),
                "exchange_new_items": sorted(new_item_ids),
                "exchange_payment_method_id": method.id,
                "exchange_price_difference": diff,
            },
            f"Exchange requested for order {order.order_id}; {money_text}. An email "
            "with return instructions is on its way.",
        ).write,
    )


@tool(write=True)
def modify_user_address(
    ctx: ToolContext,
    user_id: Code,
    address1: Text,
    address2: Text,
    city: Text,
    state: Text,
    country: Text,
    zip: Code,
) -> Proposed:
    """Change the customer's default address (existing orders keep theirs). Needs the shopper's
    explicit yes.

    Args:
        user_id: The user id, such as 'sara_doe_496'.
        address1: First address line, such as '123 Main St'.
        address2: Second address line, such as 'Apt 1', or ''.
        city: The city, such as 'San Francisco'.
        state: The state, such as 'CA'.
        country: The country, such as 'USA'.
        zip: The zip code, such as '12345'.
    """
    with ctx.store.session() as session:
        user = owned_user(ctx, session, user_id)
    address = {
        "address1": address1,
        "address2": address2,
        "city": city,
        "country": country,
        "state": state,
        "zip": zip,
    }
    return Proposed(
        summary=(
            f"Change the default address of {user.first_name} {user.last_name} "
            f"({user.user_id}) from {address_text(user.address or {})} to "
            f"{address_text(address)}."
        ),
        write=AddressChange(
            user.user_id, address, f"The default address is now {address_text(address)}."
        ).write,
    )
