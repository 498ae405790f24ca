"""Reasons built from facts only: constraints met, profile matches, rating, review aspects and
retrieval evidence, with the exact texts and the values they cite."""

from __future__ import annotations

from datetime import UTC, datetime

from retrieval.documents import ItemRecord, ProductRecord
from retrieval.search import Candidate
from store.aspects import summarize_aspects
from store.db import Store
from store.models import Event, Item, Order, OrderItem, OrderStatus, Product, Review, User
from store.profiles import PriceBand, UserProfile
from tools.constraints import Constraints
from tools.explain import (
    ProfileFacts,
    Reason,
    load_profile_facts,
    reasons_for,
    recommend,
    review_summaries,
)

SHOE = ProductRecord(
    "p1", "Paceline Glide Running Shoe", "", "Paceline", "Running Shoes",
    "Clothing & Shoes > Running Shoes", "Running Shoes", 89.99, 4.62, 120,
    {"waterproof": True},
    (ItemRecord("i9", {"size": "9", "color": "Black"}, 89.99, True),
     ItemRecord("i10", {"size": "10", "color": "Black"}, 94.5, True),
     ItemRecord("i11", {"size": "11", "color": "Red"}, 130.0, True)))
REVIEWS = ["Great cushioning, very comfortable.", "The cushioning is excellent but it runs small.",
           "Runs small, order half a size up."]


def _profile(**changes: object) -> UserProfile:
    base: dict[str, object] = dict(
        user_id="u1", as_of=datetime(2024, 5, 1, tzinfo=UTC),
        categories=[("Running Shoes", 1.0)], brands=[("Paceline", 0.7), ("Velocita", 0.3)],
        price_band=PriceBand(low=60.0, high=110.0), category_price_bands={},
        preferred_options={"size": ["10"], "color": ["Navy"]}, recent_searches=[],
        praised_aspects=[], disliked_aspects=[], event_counts={}, event_count=0, order_count=2,
        review_count=0)
    base.update(changes)
    return UserProfile.model_validate(base)


def test_reasons_cite_constraints_profile_rating_reviews_and_retrieval() -> None:
    constraints = Constraints(category="Running Shoes", price_max=100.0,
                              attributes={"size": ["10"]})
    facts = ProfileFacts(_profile(), {"Paceline": 2})
    hit = Candidate("p1", 0.03, 1, dense_score=0.8, dense_rank=2, bm25_score=5.0, bm25_rank=1)
    reasons = reasons_for(SHOE, constraints, facts, hit, summarize_aspects(REVIEWS))
    assert [(r.kind, r.text) for r in reasons] == [
        ("constraint", "under your $100.00 cap: $94.50"),  # the size-10 variant's price
        ("constraint", "size 10, as you asked"),
        ("profile", "you bought Paceline twice before"),
        ("profile", "in your usual size 10"),
        ("profile", "in your usual price range ($60.00-$110.00)"),
        ("rating", "4.6 stars from 120 reviews"),
        ("reviews", "reviewers praise the cushioning"),
        ("reviews", "some mention problems with the fit (2 reviews)"),
        ("retrieval", "matches your words and what you meant"),
    ]
    assert reasons[0].facts == {"price": 94.5, "price_max": 100.0}
    assert reasons[5].facts == {"rating": 4.6, "rating_count": 120}
    assert reasons[-1].facts == {"keyword_rank": 1, "semantic_rank": 2}


def test_other_constraint_wordings_and_a_plain_profile() -> None:
    constraints = Constraints(price_min=50.0, price_max=100.0, brands=["Paceline"],
                              attributes={"waterproof": ["yes"], "color": ["Red", "Black"]},
                              min_rating=4.5, in_stock=True)
    reasons = reasons_for(SHOE, constraints, _profile(brands=[("Paceline", 1.0)]), None, None)
    assert [r.text for r in reasons] == [
        "within your $50.00-$100.00 range: $89.99",
        "by Paceline, as you asked",
        "waterproof, as you asked",
        "color Black, as you asked",  # the variants under $100 are black only
        "rated 4.6, at or above your 4.5-star minimum",
        "in stock",
        "Paceline is one of the brands you look at most",
        "in your usual size 10",
        "in your usual price range ($60.00-$110.00)",
        "4.6 stars from 120 reviews",
    ]


def test_no_constraint_reasons_for_a_product_that_does_not_fit() -> None:
    reasons = reasons_for(SHOE, Constraints(price_max=20.0), None, None, None)
    assert reasons == [Reason("rating", "4.6 stars from 120 reviews",
                              {"rating": 4.6, "rating_count": 120})]


def test_recommend_uses_the_fitting_variant() -> None:
    rec = recommend(SHOE, Constraints(attributes={"color": ["Red"]}), None, None, None)
    assert (rec.item_id, rec.price, rec.rating) == ("i11", 130.0, 4.6)
    assert rec.reasons[0].text == "color Red, as you asked"


def test_profile_facts_and_review_summaries_from_the_store(sqlite_store: Store) -> None:
    ts = datetime(2024, 4, 1, tzinfo=UTC)
    with sqlite_store.session() as s:
        s.add(User(user_id="u1", first_name="A", last_name="B", email="a@b.c"))
        s.add(Product(product_id="p1", title=SHOE.title, brand="Paceline",
                      category_leaf="Running Shoes", price=89.99))
        s.flush()
        s.add(Item(item_id="i10", product_id="p1", options={"size": "10"}, price=94.5))
        for n, status in enumerate((OrderStatus.DELIVERED, OrderStatus.PENDING,
                                    OrderStatus.CANCELLED)):
            s.add(Order(order_id=f"#W{n}", user_id="u1", status=status))
            s.flush()
            s.add(OrderItem(order_id=f"#W{n}", product_id="p1", item_id="i10", name="x",
                            price=94.5))
        s.add(Event(user_id="u1", kind="purchase", product_id="p1", item_id="i10", ts=ts))
        s.add_all(Review(product_id="p1", rating=5, text=t) for t in REVIEWS)
    facts = load_profile_facts(sqlite_store, "u1", now=ts)
    assert facts.brand_purchases == {"Paceline": 2}  # the cancelled order does not count
    assert facts.profile.preferred_options == {"size": ["10"]}
    summaries = review_summaries(sqlite_store, ["p1", "nothing"])
    assert [(a.aspect, a.positive, a.negative) for a in summaries["p1"]] == [
        ("cushioning", 2, 0), ("fit", 0, 2), ("comfort", 1, 0)]
    assert summaries["nothing"] == []
