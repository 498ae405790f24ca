"""Demo users, their hidden preferences, events, orders and reviews (store.demo.people/behaviour).

Most tests run on a small hand-made catalog so they are fast and independent of the catalog
generator; one test runs on the real generated catalog.
"""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from collections.abc import Sequence

import pytest
from sqlmodel import SQLModel

from store.demo.behaviour import GIFT_CARD_MAX_ORDER, GIFT_CARD_MAX_SPEND, search_query
from store.demo.catalog import DEMO_AS_OF, generate_catalog
from store.demo.people import build_index, generate_people, make_prefs
from store.demo.types import Catalog, DemoConfig, People
from store.models import EventKind, Item, OrderStatus, PaymentSource, Product

SHOE_SIZES = ("7", "8", "9", "10", "11", "12")


def small_catalog(per_leaf: int = 30) -> Catalog:
    """Four categories with sizes, colours, fits, brands and a spread of prices."""
    rng = random.Random("test-catalog")
    leaves = {
        "Running Shoes": (("Stridewell", "Velocita", "Runvale"), 110.0),
        "T-Shirts": (("Cottonfield", "Basico", "Loomcraft"), 22.0),
        "Headphones": (("Sonora", "Quietwave"), 90.0),
        "Laptops": (("Nimbus", "Cortex", "Lumio"), 850.0),
    }
    products: list[Product] = []
    items: list[Item] = []
    quality: dict[str, float] = {}
    for leaf, (brands, median) in leaves.items():
        for n in range(per_leaf):
            pid = f"{leaf[:2].upper()}{n:03d}"
            brand = brands[n % len(brands)]
            price = round(median * rng.uniform(0.5, 1.8), 2)
            attributes: dict[str, object] = {}
            if leaf in ("Running Shoes", "T-Shirts"):
                attributes["gender"] = ("men's", "women's")[n % 2]
            products.append(
                Product(
                    product_id=pid,
                    title=f"{brand} {leaf} {n}",
                    brand=brand,
                    product_type=leaf,
                    category=f"Dept > {leaf}",
                    category_leaf=leaf,
                    price=price,
                    attributes=attributes,
                    seq=len(products),
                )
            )
            quality[pid] = rng.random()
            for k, options in enumerate(_options(leaf)):
                items.append(
                    Item(
                        item_id=f"{pid}-{k}",
                        product_id=pid,
                        options=options,
                        price=round(price * (1 + 0.02 * k), 2),
                        seq=k,
                    )
                )
    return Catalog(products=products, items=items, reviews=[], quality=quality)


def _options(leaf: str) -> list[dict[str, str]]:
    if leaf == "Running Shoes":
        return [{"size": s, "color": c} for s in SHOE_SIZES for c in ("Black", "White")]
    if leaf == "T-Shirts":
        return [{"size": s, "color": c} for s in ("S", "M", "L", "XL") for c in ("Navy", "Black")]
    if leaf == "Headphones":
        return [{"color": c} for c in ("Black", "White", "Navy")]
    return [{"ram": r} for r in ("8GB", "16GB")]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return small_catalog()


@pytest.fixture(scope="module")
def people(catalog: Catalog) -> People:
    return generate_people(DemoConfig(products=120, users=120, seed=3), catalog)


def test_users_have_tau2_shaped_identities(people: People) -> None:
    assert len(people.users) == 120
    assert len({u.user_id for u in people.users}) == 120
    for user in people.users:
        first, last = user.first_name.lower(), user.last_name.lower()
        assert re.fullmatch(rf"{first}_{last}_\d{{4}}", user.user_id)
        assert re.fullmatch(rf"{first}\.{last}\d{{4}}@example\.com", user.email)
        assert user.address is not None
        assert set(user.address) == {"address1", "address2", "city", "country", "state", "zip"}
        assert user.address["country"] == "USA"
        assert user.zip == user.address["zip"] and re.fullmatch(r"\d{5}", user.zip)
    assert [u.seq for u in people.users] == list(range(120))
    assert len({u.first_name for u in people.users}) > 40


def test_payment_methods(people: People) -> None:
    per_user = Counter(m.user_id for m in people.payment_methods)
    assert set(per_user.values()) <= {1, 2, 3} and len(per_user) == 120
    assert len({m.id for m in people.payment_methods}) == len(people.payment_methods)
    for m in people.payment_methods:
        assert re.fullmatch(rf"{m.source}_\d{{7}}", m.id)
        if m.source == PaymentSource.CREDIT_CARD:
            assert m.brand in ("visa", "mastercard", "amex", "discover")
            assert m.last_four is not None and re.fullmatch(r"\d{4}", m.last_four)
        if m.source == PaymentSource.GIFT_CARD:
            assert m.balance is not None and 0 <= m.balance <= 300 and m.balance == int(m.balance)
        else:
            assert m.balance is None


def test_hidden_preferences_are_stored_and_sane(people: People, catalog: Catalog) -> None:
    leaves = {p.category_leaf for p in catalog.products}
    assert [t.entity_id for t in people.truths] == [u.user_id for u in people.users]
    for truth in people.truths:
        assert truth.entity == "user" and truth.data is not None
        data = truth.data
        weights = [c["weight"] for c in data["categories"]]
        assert 1 <= len(weights) <= 3 and abs(sum(weights) - 1) < 0.01
        assert weights == sorted(weights, reverse=True)
        assert data["top_category"] == data["categories"][0]["leaf"] in leaves
        assert data["price_sensitivity"] in ("budget", "mid", "premium")
        assert data["sizes"]["shoe"] in SHOE_SIZES
        assert data["sizes"]["clothing"] in ("S", "M", "L", "XL")
        for leaf, brands in data["brands"].items():
            assert brands and all(
                p.brand in brands
                for p in catalog.products
                if p.category_leaf == leaf and p.brand in brands
            )
    dominant = sum(
        t.data is not None and t.data["categories"][0]["weight"] >= 0.5 for t in people.truths
    )
    assert dominant == len(people.truths)


def test_generation_is_deterministic(catalog: Catalog, people: People) -> None:
    again = generate_people(DemoConfig(products=120, users=120, seed=3), catalog)
    assert [u.model_dump() for u in again.users] == [u.model_dump() for u in people.users]
    assert [(e.user_id, e.kind, e.product_id, e.ts, e.query) for e in again.events] == [
        (e.user_id, e.kind, e.product_id, e.ts, e.query) for e in people.events
    ]
    assert [o.model_dump() for o in again.orders] == [o.model_dump() for o in people.orders]
    other = generate_people(DemoConfig(products=120, users=120, seed=4), catalog)
    assert [u.user_id for u in other.users] != [u.user_id for u in people.users]


def test_events_follow_the_hidden_preferences(people: People, catalog: Catalog) -> None:
    leaf_of = {p.product_id: p.category_leaf for p in catalog.products}
    truths = {t.entity_id: t.data for t in people.truths if t.data}
    per_user: dict[str, Counter[str]] = defaultdict(Counter)
    for e in people.events:
        if e.kind in (EventKind.VIEW, EventKind.CLICK) and e.product_id and e.user_id:
            per_user[e.user_id][leaf_of[e.product_id]] += 1
    in_favourites = sum(
        n
        for uid, counts in per_user.items()
        for leaf, n in counts.items()
        if leaf in {c["leaf"] for c in truths[uid]["categories"]}
    )
    total = sum(sum(c.values()) for c in per_user.values())
    assert 0.6 < in_favourites / total < 0.9  # mostly favourites, with some exploration
    counts = Counter(e.user_id for e in people.events)
    assert 40 <= sum(counts.values()) / len(counts) <= 200
    end = DEMO_AS_OF
    assert all(0 < (end - e.ts).days + 1 <= 181 for e in people.events)
    assert all(e.ts.tzinfo is not None for e in people.events)


def test_purchases_are_order_items_in_the_users_size(people: People, catalog: Catalog) -> None:
    bought = Counter((e.user_id, e.item_id) for e in people.events if e.kind == EventKind.PURCHASE)
    owner = {o.order_id: o.user_id for o in people.orders}
    lines = Counter((owner[i.order_id], i.item_id) for i in people.order_items)
    modified = {o.order_id for o in people.orders if o.status == OrderStatus.PENDING_ITEM_MODIFIED}
    unmodified = Counter(
        (owner[i.order_id], i.item_id) for i in people.order_items if i.order_id not in modified
    )
    assert unmodified <= bought and sum(bought.values()) == sum(lines.values())
    sizes = {t.entity_id: t.data["sizes"] for t in people.truths if t.data}
    for line in people.order_items:
        if line.order_id in modified or not line.options or "size" not in line.options:
            continue
        want = sizes[owner[line.order_id]]
        assert line.options["size"] in (want["shoe"], want["clothing"])


def test_orders_cover_every_status_with_consistent_payments(people: People) -> None:
    assert {o.status for o in people.orders} == {s.value for s in OrderStatus}
    assert len({o.order_id for o in people.orders}) == len(people.orders)
    assert [o.seq for o in people.orders] == list(range(len(people.orders)))
    methods = defaultdict(set)
    for m in people.payment_methods:
        methods[m.user_id].add(m.id)
    lines = defaultdict(list)
    for line in people.order_items:
        lines[line.order_id].append(line)
    for order in people.orders:
        assert re.fullmatch(r"#W\d{7}", order.order_id)
        history = order.payment_history or []
        paid = sum(h["amount"] for h in history if h["transaction_type"] == "payment")
        refunded = sum(h["amount"] for h in history if h["transaction_type"] == "refund")
        total = sum(line.price for line in lines[order.order_id])
        assert {h["payment_method_id"] for h in history} <= methods[order.user_id]
        if order.status == OrderStatus.CANCELLED:
            assert order.cancel_reason in ("no longer needed", "ordered by mistake")
            assert round(paid - refunded, 2) == 0 and order.fulfillments == []
        else:
            assert round(paid - refunded, 2) == round(total, 2)
        if order.status in (
            OrderStatus.PENDING,
            OrderStatus.PENDING_ITEM_MODIFIED,
            OrderStatus.CANCELLED,
        ):
            assert order.fulfillments == []
        else:
            assert order.fulfillments and order.fulfillments[0]["item_ids"] == [
                line.item_id for line in lines[order.order_id]
            ]
            assert re.fullmatch(r"\d{12}", order.fulfillments[0]["tracking_id"][0])
        if order.status == OrderStatus.RETURN_REQUESTED:
            assert order.return_items and set(order.return_items) <= {
                line.item_id for line in lines[order.order_id]
            }
            assert order.return_payment_method_id in methods[order.user_id]
        if order.status == OrderStatus.EXCHANGE_REQUESTED:
            assert order.exchange_items and order.exchange_new_items
            assert len(order.exchange_items) == len(order.exchange_new_items)
            assert order.exchange_price_difference is not None
            assert order.exchange_payment_method_id in methods[order.user_id]


def test_gift_cards_pay_within_a_believable_load(people: People) -> None:
    cards = {m.id for m in people.payment_methods if m.source == PaymentSource.GIFT_CARD}
    net: Counter[str] = Counter()
    used = 0
    for order in people.orders:
        for n, entry in enumerate(order.payment_history or []):
            if entry["payment_method_id"] in cards:
                sign = 1 if entry["transaction_type"] == "payment" else -1
                net[entry["payment_method_id"]] += sign * entry["amount"]
                used += 1
                if n == 0:
                    assert entry["amount"] <= GIFT_CARD_MAX_ORDER
    assert used > 20
    assert max(net.values()) <= GIFT_CARD_MAX_SPEND + 0.01


def test_order_lines_are_named_by_product_type(people: People, catalog: Catalog) -> None:
    kind = {p.product_id: p.product_type for p in catalog.products}
    assert all(line.name == kind[line.product_id] for line in people.order_items)


def test_reviews_follow_quality_and_have_events(people: People, catalog: Catalog) -> None:
    assert len(people.reviews) > 30
    review_events = [e for e in people.events if e.kind == EventKind.REVIEW]
    assert len(review_events) == len(people.reviews)
    good = [r.rating for r in people.reviews if catalog.quality[r.product_id] > 0.7]
    bad = [r.rating for r in people.reviews if catalog.quality[r.product_id] < 0.3]
    assert sum(good) / len(good) > sum(bad) / len(bad) + 1.5
    assert all(r.user_id and r.text for r in people.reviews)


def test_search_queries_describe_the_product() -> None:
    index = build_index(small_catalog(per_leaf=6))
    rng = random.Random(1)
    prefs = make_prefs(rng, index, "men's")
    assert prefs.top_category == "Laptops" and prefs.price_bands["Laptops"][1] == 1459.82
    shoe = index.shelves["Running Shoes"].offers[0]
    queries = [search_query(rng, shoe, prefs, explore=True) for _ in range(60)]
    # Running Shoes has a real spec, so its synonyms are used; the brand shows up sometimes.
    synonyms = ("running shoes", "running sneakers", "runners", "running trainers", "jogging shoes")
    assert all(any(s in q for s in synonyms) for q in queries)
    assert any(q.startswith("stridewell ") for q in queries)
    assert not any("under $" in q for q in queries)  # no price band outside favourites
    laptop = index.shelves["Laptops"].offers[0]
    queries = [search_query(rng, laptop, prefs, explore=False) for _ in range(60)]
    assert "laptop under $1500" in queries  # the band's top, rounded up to a round price


def test_rows_are_valid_and_complete(people: People) -> None:
    # Rows are built without validation; they must still validate and name every column.
    samples: list[Sequence[SQLModel]] = [
        people.events[::500],
        people.orders[::50],
        people.order_items[::50],
        people.reviews[::20],
    ]
    for rows in samples:
        for row in rows:
            model = type(row)
            assert set(row.model_dump()) == set(model.model_fields)
            assert model.model_validate(row.model_dump()).model_dump() == row.model_dump()


def test_people_on_the_real_catalog() -> None:
    config = DemoConfig(products=600, users=80, seed=5)
    catalog = generate_catalog(config)
    people = generate_people(config, catalog)
    products = {p.product_id: p for p in catalog.products}
    items = {i.item_id: i for i in catalog.items}
    truths = {t.entity_id: t.data for t in people.truths if t.data}
    assert all(e.product_id in products for e in people.events if e.product_id)
    assert all(items[e.item_id].product_id == e.product_id for e in people.events if e.item_id)
    owner = {o.order_id: o.user_id for o in people.orders}
    shoes = 0
    for line in people.order_items:
        item, want = items[line.item_id], truths[owner[line.order_id]]
        assert item.product_id == line.product_id and item.available
        assert line.name == products[line.product_id].product_type
        fit = (products[line.product_id].attributes or {}).get("gender")
        assert fit in (None, "unisex", want["fit"])
        if line.options and "size" in line.options and line.options["size"][0].isdigit():
            shoes += 1
            assert line.options["size"] == want["sizes"]["shoe"]
    assert shoes > 0
    searches = [e.query for e in people.events if e.kind == EventKind.SEARCH]
    assert len(searches) > 500 and all(searches)
    assert sum("under $" in q for q in searches if q) > 50
