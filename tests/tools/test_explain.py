"""Reasons built from facts only: constraints met, stock, profile matches, rating (with how
few reviews it rests on), review aspects, mentions of unchecked wishes and how a product stands
out among those shown, with the exact texts and the values they cite; never a filler line."""

from __future__ import annotations

from dataclasses import replace
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
    Recommendation,
    load_profile_facts,
    reasons_for,
    recommend,
    review_summaries,
    set_apart,
)

SHOE = ProductRecord(
    "p1",
    "Paceline Glide Running Shoe",
    "",
    "Paceline",
    "Running Shoes",
    "Clothing & Shoes > Running Shoes",
    "Running Shoes",
    89.99,
    4.62,
    120,
    {"waterproof": True},
    (
        ItemRecord("i9", {"size": "9", "color": "Black"}, 89.99, True),
        ItemRecord("i10", {"size": "10", "color": "Black"}, 94.5, True),
        ItemRecord("i11", {"size": "11", "color": "Red"}, 130.0, True),
    ),
)
REVIEWS = [
    "Great cushioning, very comfortable.",
    "The cushioning is excellent but it runs small.",
    "Runs small, order half a size up.",
]


def _profile(**changes: object) -> UserProfile:
    base: dict[str, object] = dict(
        user_id="u1",
        as_of=datetime(2024, 5, 1, tzinfo=UTC),
        categories=[("Running Shoes", 1.0)],
        brands=[("Paceline", 0.7), ("Velocita", 0.3)],
        price_band=PriceBand(low=60.0, high=110.0),
        category_price_bands={},
        preferred_options={"size": ["10"], "color": ["Navy"]},
        recent_searches=[],
        praised_aspects=[],
        disliked_aspects=[],
        event_counts={},
        event_count=0,
        order_count=2,
        review_count=0,
    )
    base.update(changes)
    return UserProfile.model_validate(base)


def test_reasons_cite_constraints_profile_rating_and_reviews() -> None:
    constraints = Constraints(
        category="Running Shoes", price_max=100.0, attributes={"size": ["10"]}
    )
    facts = ProfileFacts(_profile(), {"Paceline": 2})
    reasons = reasons_for(SHOE, constraints, facts, summarize_aspects(REVIEWS))
    assert [(r.kind, r.text) for r in reasons] == [
        ("constraint", "under your $100.00 cap: $94.50"),  # the size-10 variant's price
        ("constraint", "size 10, as you asked"),
        ("profile", "you bought Paceline twice before"),
        ("profile", "in your usual size 10"),
        ("profile", "in your usual price range ($60.00-$110.00)"),
        ("rating", "4.6 stars from 120 reviews"),
        ("reviews", "reviewers praise the cushioning"),
        ("reviews", "some mention problems with the fit (2 reviews)"),
    ]  # no filler line such as "matches your words and what you meant"
    assert reasons[0].facts == {"price": 94.5, "price_max": 100.0}
    assert reasons[5].facts == {"rating": 4.6, "rating_count": 120}
    assert reasons[-1].facts == {"aspects": "fit", "mentions": 2}


def test_other_constraint_wordings_and_a_plain_profile() -> None:
    constraints = Constraints(
        price_min=50.0,
        price_max=100.0,
        brands=["Paceline"],
        attributes={"waterproof": ["yes"], "color": ["Red", "Black"]},
        min_rating=4.5,
        in_stock=True,
    )
    reasons = reasons_for(SHOE, constraints, _profile(brands=[("Paceline", 1.0)]), None)
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
    reasons = reasons_for(SHOE, Constraints(price_max=20.0), None, None)
    assert reasons == [
        Reason("rating", "4.6 stars from 120 reviews", {"rating": 4.6, "rating_count": 120})
    ]


def test_recommend_uses_the_fitting_variant() -> None:
    rec = recommend(SHOE, Constraints(attributes={"color": ["Red"]}), None, None, None)
    assert (rec.item_id, rec.price, rec.rating) == ("i11", 130.0, 4.6)
    assert rec.reasons[0].text == "color Red, as you asked"
    hit = Candidate("p1", 0.03, 1, dense_score=0.8, dense_rank=2, bm25_score=5.0, bm25_rank=1)
    found = recommend(SHOE, Constraints(), None, hit, None)
    assert [r.kind for r in found.reasons] == ["rating"]  # being retrieved is no reason


def test_an_out_of_stock_suggestion_says_so() -> None:
    # the only size-11 variant is sold out; a cheaper size-9 one is in stock
    shoe = replace(SHOE, items=(SHOE.items[0], replace(SHOE.items[2], available=False)))
    reasons = reasons_for(shoe, Constraints(attributes={"size": ["11"]}), None, None)
    assert [(r.kind, r.text, dict(r.facts)) for r in reasons[:2]] == [
        ("constraint", "size 11, as you asked", {"attribute": "size", "value": "11"}),
        ("stock", "out of stock right now in the options you asked for", {"in_stock": "no"}),
    ]
    assert [r.kind for r in reasons_for(shoe, Constraints(), None, None)] == ["rating"]


def test_a_rating_from_few_reviews_says_how_few() -> None:
    def rating(count: int, avg: float = 4.5) -> list[tuple[str, dict[str, object]]]:
        return [
            (r.text, dict(r.facts))
            for r in reasons_for(
                replace(SHOE, rating_avg=avg, rating_count=count), Constraints(), None, None
            )
        ]

    assert rating(3, 2.7) == [
        ("2.7 stars, from only 3 reviews so far", {"rating": 2.7, "rating_count": 3})
    ]
    assert rating(1) == [
        ("4.5 stars, from only 1 review so far", {"rating": 4.5, "rating_count": 1})
    ]
    assert rating(5) == [("4.5 stars from 5 reviews", {"rating": 4.5, "rating_count": 5})]
    assert rating(0) == [("no reviews yet", {"rating_count": 0})]


def test_an_unchecked_wish_is_named_only_where_the_products_text_says_it() -> None:
    tent = ProductRecord(
        "t1",
        "Ridgeline 4-Person Dome Tent",
        "Sleeps four; packs small.",
        "Ridgeline",
        "Tents",
        "Outdoor > Tents",
        "Tents",
        199.0,
        4.3,
        40,
        {},
    )
    reasons = reasons_for(tent, Constraints(), None, None, wishes=["4 person", "ultralight"])
    assert [(r.kind, r.text, dict(r.facts)) for r in reasons if r.kind == "mention"] == [
        ("mention", "its description mentions \u201c4 person\u201d", {"mentions": "4 person"})
    ]
    assert [
        r.kind for r in reasons_for(tent, Constraints(), None, None, wishes=["sleeps four"])
    ] == ["rating", "mention"]


def _rec(pid: str, price: float, rating: float, count: int) -> Recommendation:
    return Recommendation(
        pid,
        f"Product {pid}",
        "Acme",
        price,
        None,
        rating,
        count,
        (Reason("rating", f"{rating} stars", {"rating": rating}),),
    )


def _differs(recs: list[Recommendation]) -> dict[str, list[tuple[str, dict[str, object]]]]:
    return {
        r.product_id: [(x.text, dict(x.facts)) for x in r.reasons if x.kind == "differs"]
        for r in set_apart(recs)
    }


def test_set_apart_names_the_cheapest_and_the_best_rated_from_enough_reviews() -> None:
    # c has the top rating, but from 3 reviews; a is cheapest and most reviewed, and one
    # difference per product is enough
    recs = [_rec("a", 50.0, 4.0, 100), _rec("b", 80.0, 4.8, 40), _rec("c", 120.0, 4.9, 3)]
    assert _differs(recs) == {
        "a": [("the cheapest of these", {"price": 50.0})],
        "b": [("the best rated of these", {"rating": 4.8, "rating_count": 40})],
        "c": [],
    }
    out = set_apart(recs)
    assert out[0].reasons[0].kind == "rating" and out[0].reasons[-1].kind == "differs"
    assert out[2] == recs[2]  # nothing to add: the same recommendation


def test_set_apart_names_the_most_reviewed_and_skips_ties() -> None:
    recs = [_rec("a", 60.0, 4.5, 300), _rec("b", 50.0, 4.7, 20), _rec("c", 70.0, 4.2, 15)]
    assert _differs(recs) == {
        "a": [("the most reviewed of these", {"rating_count": 300})],
        "b": [
            ("the cheapest of these", {"price": 50.0}),
            ("the best rated of these", {"rating": 4.7, "rating_count": 20}),
        ],
        "c": [],
    }
    tied = [_rec("a", 50.0, 4.5, 12), _rec("b", 50.0, 4.5, 12), _rec("c", 50.0, 4.5, 12)]
    assert set_apart(tied) == tied  # equal prices, ratings and counts: nobody stands out
    assert set_apart(recs[:1]) == recs[:1]  # alone, nothing to differ from


def test_profile_facts_and_review_summaries_from_the_store(sqlite_store: Store) -> None:
    ts = datetime(2024, 4, 1, tzinfo=UTC)
    with sqlite_store.session() as s:
        s.add(User(user_id="u1", first_name="A", last_name="B", email="a@b.c"))
        s.add(
            Product(
                product_id="p1",
                title=SHOE.title,
                brand="Paceline",
                category_leaf="Running Shoes",
                price=89.99,
            )
        )
        s.flush()
        s.add(Item(item_id="i10", product_id="p1", options={"size": "10"}, price=94.5))
        for n, status in enumerate(
            (OrderStatus.DELIVERED, OrderStatus.PENDING, OrderStatus.CANCELLED)
        ):
            s.add(Order(order_id=f"#W{n}", user_id="u1", status=status))
            s.flush()
            s.add(
                OrderItem(order_id=f"#W{n}", product_id="p1", item_id="i10", name="x", price=94.5)
            )
        s.add(Event(user_id="u1", kind="purchase", product_id="p1", item_id="i10", ts=ts))
        s.add_all(Review(product_id="p1", rating=5, text=t) for t in REVIEWS)
    facts = load_profile_facts(sqlite_store, "u1", now=ts)
    assert facts.brand_purchases == {"Paceline": 2}  # the cancelled order does not count
    assert facts.profile.preferred_options == {"size": ["10"]}
    summaries = review_summaries(sqlite_store, ["p1", "nothing"])
    assert [(a.aspect, a.positive, a.negative) for a in summaries["p1"]] == [
        ("cushioning", 2, 0),
        ("fit", 0, 2),
        ("comfort", 1, 0),
    ]
    assert summaries["nothing"] == []


def test_a_wish_is_mentioned_only_as_a_whole_word() -> None:
    # fashion.csv product 46: "tiered" holds the letters of "red", and the dress is leopard
    # print; on that catalog "a red dress" showed it with "its description mentions “red”"
    dress = ProductRecord(
        "46",
        "Leopard print cotton maxi dress",
        "A floor-length leopard print maxi dress in lightweight cotton, tiered from the waist.",
        "",
        "Dresses",
        "Women > Dresses",
        "Dresses",
        59.0,
        4.5,
        42,
        {},
    )
    mentions = [
        r.text
        for r in reasons_for(dress, Constraints(), None, None, wishes=["red"])
        if r.kind == "mention"
    ]
    assert mentions == [], (
        f"{mentions}: tools.explain._mention_reasons matches a wish inside other words "
        '("red" in "tiered"); a mention must be the wish as whole words'
    )
    wrap = replace(dress, title="Red viscose wrap dress", description="Tie waist.")
    assert [
        r.text
        for r in reasons_for(wrap, Constraints(), None, None, wishes=["red"])
        if r.kind == "mention"
    ] == ["its description mentions \u201cred\u201d"]
