"""The audit on a tiny hand-built shop: clean, then with each defect planted, on both backends."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, null, update
from sqlalchemy.engine import Connection
from sqlmodel import Session

from store.audit import (
    DanglingExample,
    DuplicateGroup,
    IdSample,
    Thresholds,
    parse_fail_on,
    run_audit,
)
from store.audit_checks import table_of
from store.db import Store
from store.models import (
    Event,
    HelpArticle,
    Item,
    LabelledQuery,
    Order,
    OrderItem,
    PaymentMethod,
    Product,
    Review,
    User,
)

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
FRESH = NOW - timedelta(days=1)
TWO_YEARS_AGO = NOW - timedelta(days=730)
TEES = "Apparel > T-Shirts"


def _product(s: Session, pid: str, title: str, price: float, **kw: Any) -> None:
    """A t-shirt with one variant and (unless reviews=0) one review matching its rating."""
    reviews = kw.pop("reviews", 1)
    review_rating = kw.pop("review_rating", 4)
    fields: dict[str, Any] = {
        "description": f"{title}, cotton.",
        "brand": "Acme",
        "product_type": "T-Shirt",
        "category": TEES,
        "category_leaf": "T-Shirts",
        "rating_avg": 4.0 if reviews else 0.0,
        "rating_count": reviews,
        "attributes": {"material": "cotton"},
        "updated_at": FRESH,
    }
    fields.update(kw)
    s.add(Product(product_id=pid, title=title, price=price, **fields))
    s.flush()  # without relationships, the session does not order inserts by foreign key
    s.add(Item(item_id=f"i{pid[1:]}", product_id=pid, options={"size": "M"}, price=price))
    for _ in range(reviews):
        s.add(
            Review(
                product_id=pid,
                user_id="u1",
                rating=review_rating,
                title="Nice",
                text="Fits well.",
                created_at=FRESH,
            )
        )


def build_clean_shop(store: Store) -> None:
    """Two users, ten t-shirts with one variant and one review each, an order, an event, a help
    article and a labelled query: every reference resolves and every required field is set."""
    with store.session() as s:
        for uid in ("u1", "u2"):
            s.add(
                User(
                    user_id=uid,
                    first_name="Ada",
                    last_name="L",
                    email=f"{uid}@x.org",
                    zip="10001",
                    address={"city": "NYC"},
                    created_at=FRESH,
                )
            )
        s.flush()
        s.add_all(PaymentMethod(id=f"pm-{u}", user_id=u, source="card") for u in ("u1", "u2"))
        for n in range(1, 11):
            title = "Classic Tee" if n == 1 else f"Tee {'ABCDEFGHIJ'[n - 1]}"
            _product(s, f"p{n:02d}", title, 18.0 + n, brand="Acme" if n % 2 else "Bolt")
        s.add(
            Order(
                order_id="o1",
                user_id="u1",
                status="delivered",
                address={"city": "NYC"},
                payment_history=[
                    {"transaction_type": "payment", "amount": 19.0, "payment_method_id": "pm-u1"}
                ],
                created_at=FRESH,
                updated_at=FRESH,
            )
        )
        s.flush()
        s.add(
            OrderItem(
                order_id="o1", product_id="p01", item_id="i01", name="Classic Tee", price=19.0
            )
        )
        s.add(Event(user_id="u1", kind="view", product_id="p01", item_id="i01", ts=FRESH))
        s.add(
            HelpArticle(
                article_id="a1", title="Returns", topic="returns", body="30 days.", updated_at=FRESH
            )
        )
        s.add(
            LabelledQuery(
                query_id="q1", query="cotton tee", product_id="p01", relevance=2, split="test"
            )
        )


@contextmanager
def unchecked(store: Store) -> Iterator[Connection]:
    """A connection that ignores foreign keys, to plant rows no writer of ours would create."""
    on, off = (
        ("PRAGMA foreign_keys=ON", "PRAGMA foreign_keys=OFF")
        if store.dialect == "sqlite"
        else ("SET session_replication_role = DEFAULT", "SET session_replication_role = replica")
    )
    with store.engine.connect() as conn:
        conn.exec_driver_sql(off)
        yield conn
        conn.commit()
        conn.exec_driver_sql(on)  # the connection goes back to the pool
        conn.commit()


def plant_defects(store: Store) -> None:
    with store.session() as s:
        _product(s, "p11", "classic  TEE!", 20.0, brand="ACME")  # duplicate of p01
        _product(s, "p12", "Gold Tee", 99_999.0)  # price outlier
        _product(s, "p13", "Plain Tee", 20.0, reviews=0)
        _product(s, "p14", "Bare Tee", 20.0, attributes=None)  # stored as JSON null
        _product(s, "p15", "Blank Tee", 20.0, attributes={})
        _product(s, "p16", "Old Tee", 20.0, updated_at=TWO_YEARS_AGO)
        _product(s, "p17", "Free Tee", -5.0)
        _product(s, "p18", "Loved Tee", 20.0, rating_avg=7.0, review_rating=9)
        _product(s, "p19", "Odd Tee", 20.0, rating_count=-1)
        _product(s, "p20", "Null Tee", 20.0)
        _product(s, "pgone", "Gone Tee", 20.0, reviews=0)
        s.add(
            HelpArticle(
                article_id="a2", title="Old", topic="misc", body="x", updated_at=TWO_YEARS_AGO
            )
        )
        s.add(Event(user_id="u2", kind="view", product_id="pgone", ts=FRESH))
        # u1 pays with u2's card
        s.add(
            Order(
                order_id="o2",
                user_id="u1",
                status="pending",
                payment_history=[
                    {"transaction_type": "payment", "amount": 20.0, "payment_method_id": "pm-u2"}
                ],
                created_at=FRESH,
                updated_at=FRESH,
            )
        )
        s.flush()
        s.add(
            OrderItem(order_id="o2", product_id="p02", item_id="i-nope", name="Tee B", price=20.0)
        )
    product = table_of(Product)
    with unchecked(store) as conn:
        conn.execute(update(product).where(product.c.product_id == "p20").values(attributes=null()))
        conn.execute(delete(product).where(product.c.product_id == "pgone"))


def test_clean_shop_has_no_findings(store: Store) -> None:
    build_clean_shop(store)
    report = run_audit(store, now=NOW)
    assert report.summary() == {
        "duplicates": 0,
        "price_outliers": 0,
        "no_reviews": 0.0,
        "no_attributes": 0.0,
        "dangling": 0,
        "stale": 0,
        "bad_ratings": 0,
        "bad_prices": 0,
        "null_rate": 0.0,
    }
    assert report.outlier_categories_checked == 1
    assert report.ratings.rating_count_mismatch == IdSample(0, [])
    assert report.stale.newest_event == FRESH
    assert [(t.table, t.rows) for t in report.tables][:4] == [
        ("product", 10),
        ("item", 10),
        ("review", 10),
        ("user", 2),
    ]
    assert len(report.dangling) == 12 and all(d.count == 0 for d in report.dangling)
    md = report.to_markdown()
    assert md.count("No problems found.") == 8
    assert "Newest behaviour event: 2025-05-31." in md
    assert report.violations(parse_fail_on("duplicates=0,dangling=0,stale=0,null_rate=0")) == []


def test_field_profile_counts_sql_null_json_null_and_empty(store: Store) -> None:
    build_clean_shop(store)
    plant_defects(store)
    product = run_audit(store, now=NOW).table("product")
    assert product.rows == 20
    fields = {f.name: f for f in product.fields}
    assert list(fields) == [c.name for c in table_of(Product).columns]
    attrs = fields["attributes"]
    assert (attrs.required, attrs.nulls, attrs.empties) == (False, 2, 1)  # p14, p20 / p15
    assert (attrs.null_rate, attrs.empty_rate) == (0.1, 0.05)
    assert (fields["title"].nulls, fields["title"].empties) == (0, 0)


def test_planted_defects_are_reported_with_their_ids(store: Store) -> None:
    build_clean_shop(store)
    plant_defects(store)
    r = run_audit(store, now=NOW)
    assert r.duplicates == [DuplicateGroup("classic tee", "acme", ["p01", "p11"])]
    [outlier] = r.price_outliers
    assert (outlier.product_id, outlier.price, outlier.category) == ("p12", 99_999.0, "T-Shirts")
    assert outlier.category_median == 20.0 and outlier.high < 100
    assert r.without_reviews == IdSample(1, ["p13"])
    assert r.without_attributes == IdSample(3, ["p14", "p15", "p20"])
    broken = {d.relation: d.examples for d in r.dangling if d.count}
    event_id = broken["events -> products"][0].row
    assert broken == {
        "items -> products": [DanglingExample("igone", "pgone")],
        "order items -> items": [DanglingExample("o2", "i-nope")],
        "events -> products": [DanglingExample(event_id, "pgone")],
        "order payments -> user's payment methods": [DanglingExample("o2", "pm-u2")],
    }
    assert r.stale.stale_products == IdSample(1, ["p16"])
    assert r.stale.stale_articles == IdSample(1, ["a2"])
    assert r.stale.behaviour_stale is False
    assert r.ratings.rating_out_of_range == IdSample(1, ["p18"])
    assert r.ratings.negative_rating_count == IdSample(1, ["p19"])
    assert r.ratings.review_rating_out_of_range.count == 1
    assert r.ratings.non_positive_price == IdSample(1, ["p17"])
    assert r.ratings.rating_count_mismatch == IdSample(1, ["p19"])  # info, not a violation


def test_violations_name_counts_and_examples(store: Store) -> None:
    build_clean_shop(store)
    plant_defects(store)
    report = run_audit(store, now=NOW)
    spec = (
        "duplicates=0,dangling=0,price_outliers=20,null_rate=0.5,no_reviews=0.3,stale=0,"
        "bad_prices=0,bad_ratings=0,no_attributes=0.1"
    )
    assert report.violations(parse_fail_on(spec)) == [
        "duplicate products: 1 > 0 (classic tee / acme: p01, p11)",
        "dangling references: 4 > 0 (items -> products: 1, order items -> items: 1, "
        "events -> products: 1, order payments -> user's payment methods: 1)",
        "stale data: 2 > 0 (products: 1, help articles: 1)",
        "rating problems: 3 > 0 (rating_avg outside 0..5: 1, rating_count < 0: 1, "
        "review rating outside 1..5: 1)",
        "products priced <= 0: 1 > 0 (p17)",
        "products without attributes: 15.0% > 10.0% (3 of 20 products, e.g. p14, p15, p20)",
    ]
    assert report.violations(Thresholds(price_outliers=0, no_reviews=0.0)) == [
        "price outliers: 1 > 0 (p12 at 99,999.00 in T-Shirts, median 20.00)",
        "products without reviews: 5.0% > 0.0% (1 of 20 products, e.g. p13)",
    ]


def test_markdown_has_a_section_per_check(store: Store) -> None:
    build_clean_shop(store)
    plant_defects(store)
    md = run_audit(store, now=NOW).to_markdown()
    for heading in (
        "# Data audit",
        "## Tables",
        "## Missing values",
        "## Duplicate products",
        "## Price outliers",
        "## Products without reviews",
        "## Products without attributes",
        "## Dangling references",
        "## Stale data",
        "## Ratings and prices",
    ):
        assert f"\n{heading}\n" in f"\n{md}"
    assert "| product | 20 | 13 | 1 | 1 |" in md
    assert "| `p12` | T-Shirts | 99,999.00 | 20.00 |" in md
    assert "| items -> products | 1 | `igone` -> `pgone` |" in md
    assert "- Products not updated since 2024-06-01: 1 (`p16`)" in md
    assert "| product.attributes | 10.0% | 5.0% |" in md


def test_to_dict_is_json(store: Store) -> None:
    build_clean_shop(store)
    data = json.loads(json.dumps(run_audit(store, now=NOW).to_dict()))
    assert data["generated_at"] == "2025-06-01T12:00:00+00:00"
    assert data["stale"]["newest_event"] == "2025-05-31T12:00:00+00:00"
    assert data["summary"]["dangling"] == 0
    assert data["tables"][0]["fields"][0] == {
        "name": "product_id",
        "required": True,
        "nulls": 0,
        "empties": 0,
        "null_rate": 0.0,
        "empty_rate": 0.0,
    }


def test_everything_goes_stale_later(sqlite_store: Store) -> None:
    build_clean_shop(sqlite_store)
    report = run_audit(sqlite_store, now=NOW + timedelta(days=400), stale_after_days=365)
    assert report.stale.behaviour_stale is True
    assert report.violations(Thresholds(stale=0)) == [
        "stale data: 12 > 0 (products: 10, help articles: 1, behaviour data: newest event "
        "2025-05-31)"
    ]


def test_required_blank_fields_fail_null_rate(sqlite_store: Store) -> None:
    build_clean_shop(sqlite_store)
    with sqlite_store.engine.begin() as conn:
        product = table_of(Product)
        conn.execute(update(product).where(product.c.product_id <= "p06").values(description="  "))
    report = run_audit(sqlite_store, now=NOW)
    # event.query is optional (null for every view event here), so it fails nothing
    assert report.violations(parse_fail_on("null_rate=0.5")) == [
        "missing values: 60.0% > 50.0% (product.description 60.0%)"
    ]


def test_parse_fail_on() -> None:
    assert parse_fail_on(" duplicates=0, no_reviews=0.3 ,stale=2,") == Thresholds(
        duplicates=0, no_reviews=0.3, stale=2
    )
    for spec, message in (
        ("dupes=0", "unknown key 'dupes'"),
        ("dangling=x", "dangling needs a whole number >= 0, got 'x'"),
        ("dangling=-1", "dangling needs a whole number >= 0, got '-1'"),
        ("stale=1.5", "stale needs a whole number >= 0, got '1.5'"),
        ("no_reviews=2", "no_reviews needs a share between 0 and 1, got '2'"),
        ("null_rate=", "null_rate needs a share between 0 and 1, got ''"),
        ("dangling", "expected key=value, got 'dangling'"),
        ("stale=0,stale=1", "'stale' is given twice"),
        ("", "no thresholds"),
    ):
        with pytest.raises(ValueError) as info:
            parse_fail_on(spec)
        assert message in str(info.value)
        assert "valid keys: duplicates, price_outliers, dangling, stale, bad_ratings" in str(
            info.value
        )


def test_markdown_shows_ten_examples_and_says_how_many_more(sqlite_store: Store) -> None:
    with sqlite_store.session() as s:
        for n in range(24):  # twelve pairs
            _product(s, f"p{n:02d}", f"Tee {n // 2}", 20.0, reviews=0)
    report = run_audit(sqlite_store, now=NOW)
    assert len(report.duplicates) == 12
    md = report.to_markdown()
    assert "- tee 0 (acme): `p00`, `p01`" in md
    assert "- tee 9 (acme)" in md and "- tee 10 (acme)" not in md  # sorted by first id
    assert "... and 2 more groups; `--json` lists them all." in md
