"""The cart tools on a small shop (tests/tools/cart_shop.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from cart_shop import BLACK_9, BLUE_9, BLUE_10, SOCKS, ctx, seed
from sqlmodel import select

from store.db import Store
from store.models import Cart, CartLine
from tools.cart import (
    Added,
    CartOut,
    CartUpdated,
    NoVariant,
    OutOfStock,
    VariantNeeded,
    add_to_cart,
    remove_from_cart,
    update_cart_item,
    view_cart,
)
from tools.variants import options_in_words


def test_words_pick_the_variant_and_the_cart_adds_up(store: Store) -> None:
    seed(store)
    c = ctx(store)
    added = add_to_cart.call(c, {"product_id": "P1", "words": "the blue one in size 10"}).data
    assert isinstance(added, Added)
    assert (added.line.item_id, added.line.options) == (BLUE_10, {"size": "10", "color": "blue"})
    assert (added.line.unit_price, added.line.quantity, added.line.stock) == (125.0, 1, 2)
    socks = add_to_cart.call(c, {"product_id": "P2", "quantity": 3}).data
    assert isinstance(socks, Added)
    cart = view_cart.call(c, {}).data
    assert isinstance(cart, CartOut)
    assert [(li.position, li.item_id, li.quantity, li.line_total) for li in cart.lines] == [
        (1, BLUE_10, 1, 125.0),
        (2, SOCKS, 3, 37.5),
    ]
    assert (cart.count, cart.total) == (4, 162.5)


def test_an_open_choice_is_asked_with_its_in_stock_values(store: Store) -> None:
    seed(store)
    c = ctx(store)
    asked = add_to_cart.call(c, {"product_id": "P1", "words": "size 10"}).data
    # 10/black is sold out, so only blue is left: no question, blue 10 is added
    assert isinstance(asked, Added) and asked.line.item_id == BLUE_10
    open_ = add_to_cart.call(c, {"product_id": "P1", "words": "size 9"}).data
    assert isinstance(open_, VariantNeeded)
    assert (open_.option, open_.values, open_.chosen) == ("color", ["blue", "black"], {"size": "9"})
    both = add_to_cart.call(c, {"product_id": "P1"}).data
    assert isinstance(both, VariantNeeded) and (both.option, both.values) == ("size", ["9", "10"])
    assert view_cart.call(c, {}).data.count == 1


def test_sold_out_and_missing_variants_add_nothing(store: Store) -> None:
    seed(store)
    c = ctx(store)
    out = add_to_cart.call(c, {"product_id": "P1", "options": {"size": "10", "color": "black"}})
    assert isinstance(out.data, OutOfStock) and out.data.left == 0
    missing = add_to_cart.call(c, {"product_id": "P1", "options": {"size": "12"}}).data
    assert isinstance(missing, NoVariant)
    assert (missing.option, missing.wanted, missing.values) == ("size", "12", ["9", "10"])
    too_many = add_to_cart.call(c, {"product_id": BLUE_9, "quantity": 4}).data
    assert isinstance(too_many, OutOfStock) and too_many.left == 3
    assert view_cart.call(c, {}).data.lines == []


def test_update_and_remove_lines(store: Store) -> None:
    seed(store)
    c = ctx(store)
    add_to_cart.call(c, {"product_id": BLUE_9})
    add_to_cart.call(c, {"product_id": BLACK_9})
    two = update_cart_item.call(c, {"item_id": BLUE_9, "quantity": 2}).data
    assert isinstance(two, CartUpdated)
    assert (two.quantity, two.cart.total) == (2, 360.0)
    four = update_cart_item.call(c, {"item_id": BLUE_9, "quantity": 4}).data
    assert isinstance(four, OutOfStock) and four.left == 3
    gone = remove_from_cart.call(c, {"item_id": BLUE_9}).data
    assert isinstance(gone, CartUpdated)
    assert [li.item_id for li in gone.cart.lines] == [BLACK_9] and gone.quantity == 0
    refused = remove_from_cart.call(c, {"item_id": SOCKS})
    assert not refused.ok and refused.error_kind == "unknown_id"


def test_a_conversation_cart_merges_into_the_shoppers_cart(store: Store) -> None:
    seed(store)
    mine = ctx(store, "ana_1", "conv-old")
    add_to_cart.call(mine, {"product_id": BLUE_9})
    guest = ctx(store, None, "conv-new")
    add_to_cart.call(guest, {"product_id": BLUE_9})
    add_to_cart.call(guest, {"product_id": SOCKS})
    identified = ctx(store, "ana_1", "conv-new")  # the new conversation signs in
    cart = view_cart.call(identified, {}).data
    assert [(li.item_id, li.quantity) for li in cart.lines] == [(BLUE_9, 2), (SOCKS, 1)]
    with store.session() as s:
        carts = s.exec(select(Cart)).all()
        assert [(c.user_id, c.session_id) for c in carts] == [("ana_1", "conv-old")]
        assert len(s.exec(select(CartLine)).all()) == 2
    assert view_cart.call(ctx(store, "ana_1", "conv-old"), {}).data.total == 252.5


def test_without_a_conversation_or_shopper_there_is_no_cart(store: Store) -> None:
    seed(store)
    result = view_cart.call(ctx(store, None, None), {})  # type: ignore[arg-type]
    assert not result.ok and result.error_kind == "not_authenticated"


def test_option_values_are_read_as_whole_words() -> None:
    from store.models import Item

    items = [
        Item(item_id="a", product_id="p", price=1, options={"size": "10", "pieces": "100"}),
        Item(item_id="b", product_id="p", price=1, options={"size": "10.5", "pieces": "10"}),
    ]
    assert options_in_words("size 10.5 please", items) == {"size": "10.5"}
    assert options_in_words("100 pieces", items) == {"pieces": "100"}
    assert options_in_words("size 10", items) == {"size": "10"}  # "10" is also pieces
    assert options_in_words("10", items) == {}  # which option? neither is named
