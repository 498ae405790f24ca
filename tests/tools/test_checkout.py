"""Checkout on a small shop (tests/tools/cart_shop.py), on SQLite and PostgreSQL: the proposal
is bound to the cart, the yes places one pending order, decrements stock and the gift card,
empties the cart, and a second yes or a changed cart applies nothing."""

from __future__ import annotations

from cart_shop import ANA_ADDRESS, BLUE_10, SOCKS, ctx, seed
from sqlmodel import col, select

from store.db import Store
from store.models import CartLine, Item, Order, OrderItem, PaymentMethod, WriteProposal
from tools.base import ConfirmationRequest, ToolContext
from tools.cart import add_to_cart
from tools.checkout import CheckoutLink
from tools.commerce import CART_TOOLS, confirm


def _propose(c: ToolContext, **arguments: object) -> ConfirmationRequest:
    result = CART_TOOLS.call(c, "checkout", {"payment_method_id": "gift_card_1", **arguments})
    assert result.ok, result.content
    assert isinstance(result.data, ConfirmationRequest)
    c.pending = result.data
    return result.data


def _new_orders(store: Store) -> list[Order]:
    with store.session() as s:
        return list(s.exec(select(Order).where(col(Order.order_id) != "#W1000000")).all())


def test_the_yes_places_the_order_it_was_bound_to(store: Store) -> None:
    seed(store)
    c = ctx(store)
    add_to_cart.call(c, {"product_id": BLUE_10})
    add_to_cart.call(c, {"product_id": SOCKS, "quantity": 2})
    request = _propose(c)
    assert request.arguments == {
        "payment_method_id": "gift_card_1",
        "address": ANA_ADDRESS,
        "lines": [
            {"item_id": BLUE_10, "quantity": 1, "price": 125.0},
            {"item_id": SOCKS, "quantity": 2, "price": 12.5},
        ],
        "total": 150.0,
        "cart_version": 2,
    }
    assert "Total: $150.00" in request.summary
    assert _new_orders(store) == []  # nothing before the yes
    done = confirm(c, request)
    assert done.ok, done.content
    [order] = _new_orders(store)
    assert order.order_id.startswith("#W") and len(order.order_id) == 9
    assert (order.user_id, order.status, order.address) == ("ana_1", "pending", ANA_ADDRESS)
    assert order.payment_history == [
        {"transaction_type": "payment", "amount": 150.0, "payment_method_id": "gift_card_1"}
    ]
    with store.session() as s:
        lines = s.exec(select(OrderItem).where(OrderItem.order_id == order.order_id)).all()
        assert [(li.item_id, li.price, li.name) for li in lines] == [
            (BLUE_10, 125.0, "Trail Runner"),
            (SOCKS, 12.5, "Wool Socks"),
            (SOCKS, 12.5, "Wool Socks"),
        ]
        assert s.get(Item, BLUE_10).stock == 1  # type: ignore[union-attr]
        assert s.get(Item, SOCKS).stock is None  # type: ignore[union-attr]
        assert s.get(PaymentMethod, "gift_card_1").balance == 50.0  # type: ignore[union-attr]
        assert s.exec(select(CartLine)).all() == []
    again = confirm(c, request)
    assert not again.ok and again.error_kind == "already_done"
    assert len(_new_orders(store)) == 1


def test_a_cart_changed_after_the_proposal_orders_nothing(store: Store) -> None:
    seed(store)
    c = ctx(store)
    add_to_cart.call(c, {"product_id": BLUE_10})
    request = _propose(c)
    add_to_cart.call(c, {"product_id": SOCKS})
    result = confirm(c, request)
    assert not result.ok and result.error_kind == "conflict"
    assert "cart changed" in (result.error or "")
    assert _new_orders(store) == []
    with store.session() as s:
        assert s.get(Item, BLUE_10).stock == 2  # type: ignore[union-attr]
        assert s.get(PaymentMethod, "gift_card_1").balance == 200.0  # type: ignore[union-attr]
        assert s.get(WriteProposal, request.request_id).status == "failed"  # type: ignore[union-attr]


def test_a_model_cannot_bind_another_cart(store: Store) -> None:
    seed(store)
    c = ctx(store)
    add_to_cart.call(c, {"product_id": BLUE_10})
    forged = CART_TOOLS.call(
        c,
        "checkout",
        {
            "payment_method_id": "gift_card_1",
            "lines": [{"item_id": BLUE_10, "quantity": 1, "price": 1.0}],
            "total": 1.0,
        },
    )
    assert not forged.ok and forged.error_kind == "conflict"


def test_payment_and_identity_are_the_shoppers_own(store: Store) -> None:
    seed(store)
    c = ctx(store)
    add_to_cart.call(c, {"product_id": BLUE_10})
    add_to_cart.call(c, {"product_id": SOCKS, "quantity": 7})  # 212.50 > the card's 200.00
    small = CART_TOOLS.call(c, "checkout", {"payment_method_id": "gift_card_1"})
    assert not small.ok and small.error_kind == "policy"
    assert "balance of $200.00" in (small.error or "")
    theirs = CART_TOOLS.call(c, "checkout", {"payment_method_id": "credit_card_2"})
    assert not theirs.ok and theirs.error_kind == "unknown_id"
    guest = ctx(store, None, "conv-guest")
    add_to_cart.call(guest, {"product_id": SOCKS})
    nobody = CART_TOOLS.call(guest, "checkout", {"payment_method_id": "gift_card_1"})
    assert not nobody.ok and nobody.error_kind == "not_authenticated"
    card = CART_TOOLS.call(c, "checkout", {"payment_method_id": "credit_card_1"})
    assert card.ok and "Pay with visa credit card ending 4242" in card.content


def test_with_a_checkout_page_the_cart_is_handed_over(store: Store) -> None:
    seed(store)
    c = ctx(store, None, "conv-guest")
    c.checkout_url = "https://shop.example/cart/{items}?ref={cart_id}&total={total}"
    add_to_cart.call(c, {"product_id": BLUE_10})
    add_to_cart.call(c, {"product_id": SOCKS, "quantity": 2})
    result = CART_TOOLS.call(c, "checkout", {})
    assert result.ok and isinstance(result.data, CheckoutLink)
    cart_id = result.data.cart.cart_id
    assert result.data.url == (
        f"https://shop.example/cart/I10B:1,I-SOCK:2?ref={cart_id}&total=150.00"
    )
    with store.session() as s:
        assert s.exec(select(WriteProposal)).all() == []
        assert len(s.exec(select(CartLine)).all()) == 2  # the shop's page takes it from here
    assert _new_orders(store) == []


def test_the_new_order_works_with_the_service_flows(store: Store) -> None:
    from tools.service import RETAIL_TOOLS
    from tools.service import confirm as confirm_service

    seed(store)
    c = ctx(store)
    add_to_cart.call(c, {"product_id": BLUE_10})
    assert confirm(c, _propose(c)).ok
    [order] = _new_orders(store)
    status = RETAIL_TOOLS.call(c, "get_order_details", {"order_id": order.order_id})
    assert status.ok and '"status":"pending"' in status.content.replace(" ", "")
    cancel = RETAIL_TOOLS.call(
        c, "cancel_pending_order", {"order_id": order.order_id, "reason": "ordered by mistake"}
    )
    assert cancel.ok, cancel.content
    c.pending = cancel.data
    assert confirm_service(c, cancel.data).ok
    with store.session() as s:
        assert s.get(Order, order.order_id).status == "cancelled"  # type: ignore[union-attr]
        assert s.get(PaymentMethod, "gift_card_1").balance == 200.0  # type: ignore[union-attr]
