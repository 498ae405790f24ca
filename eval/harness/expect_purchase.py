"""What the purchase flows expect, by facts: the cart the reply carries against the products
shown before, the checkout confirmation's words and amount, and the final database state
(the new order's lines, variant, payment and total, the stock and the gift card's balance).

Not here: the flows (``flows_purchase``), their slots (``purchase_slots``).
"""

from __future__ import annotations

from typing import Any

from assistant.reply import Reply
from eval.harness.flow_types import Ctx, Failure, fail

YES = "Yes, place order for $"


def _new_orders(c: Ctx) -> list[dict[str, Any]]:
    before, after = c.db_before or {}, c.db_after or {}
    return [row for key, row in after.items() if key.startswith("order:") and key not in before]


def _no_order(c: Ctx) -> list[Failure]:
    placed = _new_orders(c)
    return fail("db", f"an order was placed: {placed[0]['order_id']}") if placed else []


def _shown(c: Ctx) -> Reply | None:
    return next((r for r in c.earlier if r.products), None)


def _cart_products(c: Ctx) -> list[str]:
    return [li.product_id for li in c.reply.cart.lines] if c.reply.cart else []


def _cart_is(c: Ctx, positions: tuple[int, ...]) -> list[Failure]:
    shown = _shown(c)
    if shown is None or len(shown.products) < max(positions):
        return fail("shown", "no list of products to refer to")
    # a card with no variant in stock cannot be added (the reply says it is sold out)
    positions = tuple(
        p for p in positions if any(v.in_stock for v in shown.products[p - 1].variants)
    )
    wanted = [shown.products[p - 1].product_id for p in positions]
    got = _cart_products(c)
    if got != wanted:
        return fail("cart", f"the cart holds {got}, expected the products shown at {positions}")
    out: list[Failure] = []
    for line, p in zip(c.reply.cart.lines if c.reply.cart else [], positions, strict=False):
        variants = {v.item_id: v for v in shown.products[p - 1].variants}
        if line.item_id not in variants or not variants[line.item_id].in_stock:
            out += fail("variant", f"{line.item_id} is no in-stock variant of card {p}")
    return out + _no_order(c)


def added_first(c: Ctx) -> list[Failure]:
    return _cart_is(c, (1,))


def added_both(c: Ctx) -> list[Failure]:
    return _cart_is(c, (1, 2))


def removed_second(c: Ctx) -> list[Failure]:
    return _cart_is(c, (1,))


def shown_variant(c: Ctx) -> list[Failure]:
    """Products shown, one of them with an in-stock variant of the slots' colour and size."""
    if c.reply.kind != "recommendations" or not c.reply.products:
        return fail("kind", f"a {c.reply.kind} reply, expected products")
    for card in c.reply.products:
        for v in card.variants:
            options = {k.casefold(): val.casefold() for k, val in v.options.items()}
            if (
                v.in_stock
                and options.get("size") == (c.slots.size or "").casefold()
                and (options.get("color") or options.get("colour"))
                == (c.slots.color or "").casefold()
            ):
                return []
    return fail("variant", f"no card has a {c.slots.color} variant in size {c.slots.size} in stock")


def confirms_order(c: Ctx) -> list[Failure]:
    """A checkout confirmation naming the act and the cart's total; nothing ordered yet."""
    r = c.reply
    if r.kind != "confirmation" or r.question is None or r.cart is None:
        return fail("kind", f"a {r.kind} reply, expected a checkout confirmation")
    yes = f"{YES}{r.cart.total:,.2f}"
    out = [] if r.question.options[:1] == [yes] else fail("options", f"no {yes!r} button")
    internal = [
        *(li.item_id for li in r.cart.lines),
        *(m for m, _, _ in c.facts.methods.get(c.slots.user_id or "", [])),
    ]
    if shown := [i for i in internal if i in r.text]:
        out += fail("internal_ids", f"the text shows internal ids {shown[:3]}")
    return out + _no_order(c)


def purchased(c: Ctx, gift_card: bool = False, variant: bool = False) -> list[Failure]:
    """One new pending order with the confirmed cart's lines, paid in full by one of the
    shopper's methods (a gift card when asked), stock and gift card moved by exactly that."""
    placed = _new_orders(c)
    if len(placed) != 1:
        return fail("db", f"{len(placed)} orders placed, expected 1")
    order = placed[0]
    after, before = c.db_after or {}, c.db_before or {}
    confirmed = c.earlier[-1].cart if c.earlier else None
    if confirmed is None:
        return fail("cart", "the confirmation carried no cart")
    out: list[Failure] = []
    if (order["status"], order["user_id"]) != ("pending", c.slots.user_id):
        out += fail("db", f"order is {order['status']} for {order['user_id']}")
    lines = sorted(
        (row["item_id"], row["price"])
        for key, row in after.items()
        if key.startswith("order_item:") and row["order_id"] == order["order_id"]
    )
    wanted = sorted(
        (li.item_id, li.unit_price) for li in confirmed.lines for _ in range(li.quantity)
    )
    if lines != wanted:
        out += fail("lines", f"order lines {lines}, expected {wanted}")
    methods = {
        m: (source, balance)
        for m, source, balance in c.facts.methods.get(c.slots.user_id or "", [])
    }
    paid = order.get("payment_history") or []
    if (
        len(paid) != 1
        or paid[0]["amount"] != confirmed.total
        or paid[0]["payment_method_id"] not in methods
    ):
        return [*out, *fail("payment", f"payment history {paid}, expected {confirmed.total}")]
    method = paid[0]["payment_method_id"]
    if gift_card and methods[method][0] != "gift_card":
        out += fail("payment", f"paid with {method}, not the gift card")
    if methods[method][0] == "gift_card":
        was = (before.get(f"payment_method:{method}") or {}).get("balance") or 0.0
        now = (after.get(f"payment_method:{method}") or {}).get("balance")
        if now != round(was - confirmed.total, 2):
            out += fail("balance", f"gift card went {was} -> {now}, total {confirmed.total}")
    for li in confirmed.lines:
        was = (before.get(f"item:{li.item_id}") or {}).get("stock")
        now = (after.get(f"item:{li.item_id}") or {}).get("stock")
        if was is not None and now != was - li.quantity:
            out += fail("stock", f"stock of {li.item_id} went {was} -> {now}, bought {li.quantity}")
    if variant:
        out += _the_variant(c, [li.item_id for li in confirmed.lines])
    return out


def _the_variant(c: Ctx, item_ids: list[str]) -> list[Failure]:
    for record in c.facts.by_leaf.get(c.slots.category or "", []):
        for item in record.items:
            if item.item_id in item_ids:
                options = {str(k).casefold(): str(v).casefold() for k, v in item.options.items()}
                color = options.get("color") or options.get("colour")
                if (color, options.get("size")) == (
                    (c.slots.color or "").casefold(),
                    (c.slots.size or "").casefold(),
                ):
                    return []
    return fail(
        "variant",
        f"bought {item_ids}, not a {c.slots.color} {c.slots.category} in size {c.slots.size}",
    )


def bought_gift_card(c: Ctx) -> list[Failure]:
    return purchased(c, gift_card=True, variant=True)


def bought(c: Ctx) -> list[Failure]:
    return purchased(c)
