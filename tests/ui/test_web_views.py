"""What the chat shows before a conversation (``ui.web.views``): the shop's name and tagline in
the header, and example prompts that work as a first message for the shopper signed in. A small
generated shop (40 products, 6 shoppers) and hand-made stores for the edge cases."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import col, delete, select

from store.db import Store, open_store, sqlite_url
from store.demo.generate import generate_demo
from store.demo.types import DemoConfig
from store.models import HelpArticle, Order, OrderStatus, Product, ShopMeta
from ui.web.views import (
    CANCEL_PENDING,
    RECENT_ORDER,
    ShopIdentity,
    example_prompts,
    help_prompts,
    shop_identity,
)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = open_store(sqlite_url(tmp_path_factory.mktemp("views") / "shop.db"))
    generate_demo(store, DemoConfig(products=40, users=6, seed=3))
    yield store
    store.dispose()


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[Store]:
    store = open_store(sqlite_url(tmp_path / "empty.db"))
    yield store
    store.dispose()


def add(store: Store, *rows: object) -> None:
    with store.session() as session:
        session.add_all(rows)
        session.commit()


def product(pid: str, category: str, price: float = 10.0) -> Product:
    return Product(
        product_id=pid,
        title=f"Product {pid}",
        category=category,
        category_leaf=category.split(" > ")[-1],
        price=price,
    )


def set_statuses(store: Store, user_id: str, *statuses: OrderStatus) -> None:
    """Give ``user_id``'s orders these statuses, oldest first (the rest delivered)."""
    with store.session() as session:
        orders = session.exec(
            select(Order).where(Order.user_id == user_id).order_by(col(Order.seq))
        ).all()
        for order, status in zip(
            orders, [*statuses, *[OrderStatus.DELIVERED] * len(orders)], strict=False
        ):
            order.status = status
            session.add(order)
        session.commit()


def test_the_demo_shop_is_named_with_its_largest_departments(shop: Store) -> None:
    assert shop_identity(shop) == ShopIdentity(
        "Aisle Demo Shop", "Clothing & Shoes, Home & Kitchen, Electronics and more"
    )


def test_an_imported_catalog_is_named_after_its_file(empty: Store) -> None:
    add(
        empty,
        ShopMeta(key="source", value="catalog:outdoor_gear.csv"),
        product("a", "Camping > Tents"),
        product("b", "Camping > Stoves"),
        product("c", "Climbing > Ropes"),
    )
    assert shop_identity(empty) == ShopIdentity("Outdoor Gear", "Camping and Climbing")


def test_a_shop_of_unknown_origin_without_categories(empty: Store) -> None:
    assert shop_identity(empty) == ShopIdentity("The Shop", "Ask for anything the shop sells")
    add(empty, ShopMeta(key="source", value="tau2"), product("p", "Puzzle"))
    assert shop_identity(empty) == ShopIdentity("tau2 Retail Shop", "Puzzle")


def test_discovery_examples_come_from_the_two_largest_categories(shop: Store) -> None:
    with shop.session() as session:
        prices = sorted(
            p
            for p in session.exec(
                select(Product.price).where(Product.category_leaf == "Coffee Makers")
            )
        )
    assert example_prompts(shop).discovery == [
        "Coffee Makers under $120",
        "Help me choose headphones",
    ]
    # The cap is the median rounded up to $10: at least half the category fits under it.
    assert sum(p <= 120 for p in prices) >= len(prices) / 2


def test_a_guest_gets_no_order_examples(shop: Store) -> None:
    assert example_prompts(shop).service == ["How do returns work?"]
    assert example_prompts(shop, None) == example_prompts(shop, "")


def test_order_examples_follow_the_shoppers_orders(shop: Store) -> None:
    with shop.session() as session:
        orders = Counter(session.exec(select(Order.user_id)))
    shopper = min(u for u, n in orders.items() if n >= 2)  # two orders to set apart
    set_statuses(shop, shopper, OrderStatus.DELIVERED, OrderStatus.CANCELLED)
    assert example_prompts(shop, shopper).service == [RECENT_ORDER, "How do returns work?"]
    set_statuses(shop, shopper, OrderStatus.DELIVERED, OrderStatus.PENDING)
    assert example_prompts(shop, shopper).service == [
        RECENT_ORDER,
        CANCEL_PENDING,
        "How do returns work?",
    ]
    assert example_prompts(shop, "nobody_0000").service == ["How do returns work?"]


def test_help_examples_need_articles(shop: Store, empty: Store) -> None:
    assert help_prompts(empty) == []
    add(
        empty,
        HelpArticle(article_id="s", title="Shipping times", topic="shipping", body="."),
        HelpArticle(article_id="w", title="Warranty", topic="warranty", body="."),
    )
    assert help_prompts(empty) == ["What is your policy on shipping?"]
    with empty.session() as session:
        session.exec(delete(HelpArticle))
        session.add(HelpArticle(article_id="x", title="Gift wrapping", body="."))
        session.commit()
    assert help_prompts(empty) == ["What does the help center say about Gift wrapping?"]
