"""User profiles built from events, orders and reviews (store.profiles)."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlmodel import SQLModel, select

from store.db import Store, open_store, sqlite_url
from store.demo.catalog import generate_catalog
from store.demo.people import generate_people
from store.demo.types import DemoConfig
from store.errors import NotFound
from store.models import (
    Event,
    EventKind,
    HiddenTruth,
    Item,
    Order,
    OrderItem,
    PaymentMethod,
    Product,
    Review,
    User,
)
from store.profiles import HALF_LIFE_DAYS, PriceBand, build_profile, build_profiles

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def _write(store: Store, *tables: Sequence[SQLModel]) -> None:
    """Plain add_all + commit; one flush per table, parents first, so foreign keys hold
    (the unit of work does not order tables that have no relationship() between them)."""
    with store.session() as session:
        for rows in tables:
            session.add_all(rows)
            session.flush()


def _event(
    kind: EventKind,
    days_ago: float,
    product: str | None = None,
    item: str | None = None,
    query: str | None = None,
    value: float | None = None,
    user: str = "ada_li_1234",
) -> Event:
    return Event(
        user_id=user,
        kind=kind.value,
        product_id=product,
        item_id=item,
        query=query,
        value=value,
        ts=NOW - timedelta(days=days_ago),
    )


@pytest.fixture
def shop(store: Store) -> Store:
    products = [
        Product(
            product_id="P1",
            title="Stride 2",
            brand="Stridewell",
            product_type="Running Shoes",
            category_leaf="Running Shoes",
            price=100.0,
        ),
        Product(
            product_id="P2",
            title="Velo 3",
            brand="Velocita",
            product_type="Running Shoes",
            category_leaf="Running Shoes",
            price=150.0,
        ),
        Product(
            product_id="P3",
            title="Quiet 1",
            brand="Sonora",
            product_type="Headphones",
            category_leaf="Headphones",
            price=80.0,
        ),
    ]
    items = [
        Item(item_id="I1", product_id="P1", price=100.0, options={"size": "10", "color": "Black"}),
        Item(item_id="I2", product_id="P1", price=110.0, options={"size": "11", "color": "White"}),
        Item(item_id="I3", product_id="P3", price=80.0, options={"color": "Black"}),
    ]
    users = [
        User(user_id=u, first_name="A", last_name="B", email=f"{u}@example.com")
        for u in ("ada_li_1234", "bo_kim_5678")
    ]
    events = [
        _event(EventKind.PURCHASE, 0, "P1", "I1"),  # 5
        _event(EventKind.ADD_TO_CART, HALF_LIFE_DAYS, "P3", "I3"),  # 3 * 0.5
        _event(EventKind.ADD_TO_CART, 2 * HALF_LIFE_DAYS, "P1", "I2"),  # 3 * 0.25
        _event(EventKind.VIEW, 0, "P2"),  # 1
        _event(EventKind.SEARCH, 1, query="stridewell running shoes"),  # 0.5 * 2**(-1/60)
        _event(EventKind.FEEDBACK, 0, "P3", value=1.0),  # 2 * +1
        _event(EventKind.VIEW, 3, "P3", user="bo_kim_5678"),
    ]
    orders = [Order(order_id="#W0000001", user_id="ada_li_1234", status="delivered")]
    lines = [
        OrderItem(
            order_id="#W0000001",
            product_id="P1",
            item_id="I1",
            name="Running Shoes",
            price=100.0,
            options={"size": "10", "color": "Black"},
        )
    ]
    reviews = [
        Review(
            product_id="P1",
            user_id="ada_li_1234",
            rating=3,
            title="Mixed feelings",
            text="Great cushioning but the fit runs small.",
        )
    ]
    _write(store, products, items, users, events, orders, lines, reviews)
    return store


def test_profile_from_hand_worked_events(shop: Store) -> None:
    with shop.session() as session:
        profile = build_profile(session, "ada_li_1234")
    # Running Shoes: 5 + 0.75 + 1 + 0.4943 (the search names it) = 7.2443; Headphones:
    # 1.5 + 2 = 3.5; total 10.7443.
    assert profile.categories == [("Running Shoes", 0.6742), ("Headphones", 0.3258)]
    # Stridewell 5 + 0.75 + 0.4943 (the search names it too); Sonora 3.5; Velocita 1.
    assert profile.brands == [("Stridewell", 0.5812), ("Sonora", 0.3258), ("Velocita", 0.0931)]
    assert profile.as_of == NOW
    assert profile.top_category == "Running Shoes"
    assert profile.price_band == PriceBand(low=88.0, high=106.0)  # carted/bought 80, 100, 110
    assert profile.category_price_bands == {"Running Shoes": PriceBand(low=102.0, high=108.0)}
    assert profile.preferred_options == {"color": ["Black"], "size": ["10"]}
    assert profile.recent_searches == ["stridewell running shoes"]
    assert profile.praised_aspects == ["cushioning"]
    assert profile.disliked_aspects == ["fit"]
    assert profile.event_counts == {
        "add_to_cart": 2,
        "feedback": 1,
        "purchase": 1,
        "search": 1,
        "view": 1,
    }
    assert (profile.event_count, profile.order_count, profile.review_count) == (6, 1, 1)
    as_json = profile.to_dict()
    assert as_json["categories"][0] == ["Running Shoes", 0.6742]
    assert as_json["as_of"] == "2026-06-01T12:00:00Z"


def test_profile_reacts_to_new_events(shop: Store) -> None:
    with shop.session() as session:
        assert build_profile(session, "ada_li_1234").top_category == "Running Shoes"
    _write(shop, [_event(EventKind.PURCHASE, 0, "P3", "I3"), _event(EventKind.CLICK, 0, "P3")])
    with shop.session() as session:
        profile = build_profile(session, "ada_li_1234")
    assert profile.top_category == "Headphones"  # 3.5 + 5 + 1.5 = 10 > 7.24
    assert profile.event_counts["purchase"] == 2


def test_negative_feedback_removes_an_affinity(shop: Store) -> None:
    _write(shop, [_event(EventKind.FEEDBACK, 0, "P3", value=-1.0) for _ in range(3)])
    with shop.session() as session:
        profile = build_profile(session, "ada_li_1234")
    assert [leaf for leaf, _ in profile.categories] == ["Running Shoes"]  # 3.5 - 6 < 0


def test_now_moves_the_decay(shop: Store) -> None:
    with shop.session() as session:
        later = build_profile(session, "ada_li_1234", now=NOW + timedelta(days=365))
    assert later.as_of == NOW + timedelta(days=365)
    # Every event decays by the same extra factor, so the shares do not move.
    assert later.categories == [("Running Shoes", 0.6742), ("Headphones", 0.3258)]


def test_user_without_events(shop: Store) -> None:
    _write(shop, [User(user_id="cy_lo_1111", first_name="C", last_name="L", email="c@x.com")])
    with shop.session() as session:
        profile = build_profile(session, "cy_lo_1111")
    assert profile.categories == [] and profile.price_band is None and profile.as_of is None
    assert profile.top_category is None and profile.event_count == 0


def test_unknown_user_is_not_found(shop: Store) -> None:
    with shop.session() as session, pytest.raises(NotFound, match="'nobody_0000'"):
        build_profile(session, "nobody_0000")
    with shop.session() as session, pytest.raises(NotFound, match="'nobody_0000'"):
        build_profiles(session, ["ada_li_1234", "nobody_0000"])


@contextmanager
def _count_queries(store: Store) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(store.engine, "before_cursor_execute", record)


def test_bulk_profiles_match_single_ones_in_few_queries(shop: Store) -> None:
    with shop.session() as session, _count_queries(shop) as queries:
        bulk = build_profiles(session, ["bo_kim_5678", "ada_li_1234"])
    assert list(bulk) == ["bo_kim_5678", "ada_li_1234"]
    assert len(queries) <= 6  # users, events, orders, reviews, category and brand names
    with shop.session() as session:
        for user_id, profile in bulk.items():
            assert profile == build_profile(session, user_id)
    assert bulk["bo_kim_5678"].categories == [("Headphones", 1.0)]


def _load(store: Store, products: int, users: int) -> dict[str, str]:
    """Generate a demo shop, write it with plain add_all, return hidden top categories."""
    catalog = generate_catalog(DemoConfig(products=products, users=users, seed=11))
    people = generate_people(DemoConfig(products=products, users=users, seed=11), catalog)
    _write(
        store,
        catalog.products,
        catalog.items,
        people.users,
        people.payment_methods,
        people.events,
        people.orders,
        people.order_items,
        people.reviews,
        people.truths,
    )
    return {t.entity_id: t.data["top_category"] for t in people.truths if t.data}


def _top_category_rate(store: Store, hidden: dict[str, str]) -> float:
    with store.session() as session:
        profiles = build_profiles(session, list(hidden))
        stored = session.exec(select(HiddenTruth).where(HiddenTruth.entity == "user")).all()
    assert len(stored) == len(hidden)
    hits = sum(profiles[uid].top_category == top for uid, top in hidden.items())
    return hits / len(hidden)


def test_profiles_recover_hidden_top_category(sqlite_store: Store) -> None:
    hidden = _load(sqlite_store, products=500, users=60)
    assert _top_category_rate(sqlite_store, hidden) >= 0.8


@pytest.mark.slow
def test_profiles_recover_hidden_top_category_at_scale(tmp_path: Path) -> None:
    store = open_store(sqlite_url(tmp_path / "shop.db"))
    hidden = _load(store, products=2000, users=500)
    started = time.perf_counter()
    rate = _top_category_rate(store, hidden)
    seconds = time.perf_counter() - started
    print(
        f"top-category agreement {rate:.3f} over {len(hidden)} users; "
        f"build_profiles took {seconds:.2f}s"
    )
    assert rate >= 0.8
    with store.session() as session:
        assert session.exec(select(PaymentMethod)).first() is not None
    store.dispose()
