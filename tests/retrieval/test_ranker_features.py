"""Personalisation features on hand-made profiles, and the personaliser's file
(retrieval.ranker.features, retrieval.ranker.personaliser)."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from retrieval.documents import ItemRecord, ProductRecord
from retrieval.ranker.features import (
    NO_BAND_FIT,
    PersonalFeatures,
    band_fit,
    bought_together_scores,
    option_match,
    personal_features,
)
from retrieval.ranker.personaliser import (
    FEATURE_NAMES,
    Personaliser,
    feature_matrix,
    standardise_scores,
)
from store.db import Store
from store.models import Order, OrderItem, Product, User
from store.profiles import PriceBand, UserProfile

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _shoe(
    product_id: str = "P1",
    brand: str = "Stridewell",
    leaf: str = "Running Shoes",
    items: tuple[ItemRecord, ...] = (),
) -> ProductRecord:
    return ProductRecord(
        product_id=product_id,
        title="Stride 2",
        description="",
        brand=brand,
        product_type=leaf,
        category=f"Clothing > {leaf}",
        category_leaf=leaf,
        price=min((i.price for i in items), default=100.0),
        rating_avg=4.0,
        rating_count=3,
        attributes={},
        items=items,
    )


ITEMS = (
    ItemRecord("i1", {"size": "10", "color": "Black"}, 120.0, available=True),
    ItemRecord("i2", {"size": "9", "color": "White"}, 95.0, available=True),
    ItemRecord("i3", {"size": "10", "color": "White"}, 130.0, available=False),
)


def _profile(**over: object) -> UserProfile:
    data: dict[str, object] = dict(
        user_id="ada",
        as_of=NOW,
        categories=[("Running Shoes", 0.6), ("Headphones", 0.4)],
        brands=[("Stridewell", 0.75), ("Velocita", 0.25)],
        price_band=PriceBand(low=40.0, high=60.0),
        category_price_bands={"Running Shoes": PriceBand(low=100.0, high=110.0)},
        preferred_options={"Size": ["10"], "color": ["white"]},
        recent_searches=[],
        praised_aspects=[],
        disliked_aspects=[],
        event_counts={},
        event_count=12,
        order_count=1,
        review_count=0,
    )
    data.update(over)
    return UserProfile.model_validate(data)


def test_band_fit_inside_outside_and_without_band() -> None:
    band = PriceBand(low=100.0, high=110.0)  # width max(10, 0.1*110=11, 1) = 11
    assert band_fit([105.0], band) == 1.0
    assert band_fit([121.0], band) == pytest.approx(1 - 11 / 11)
    assert band_fit([115.5], band) == pytest.approx(0.5)
    assert band_fit([200.0, 94.5], band) == pytest.approx(0.5)  # the best variant counts
    assert band_fit([105.0], None) == NO_BAND_FIT


def test_option_match_uses_the_best_available_variant() -> None:
    shoe = _shoe(items=ITEMS)
    # i3 (10, White) would match both but is unavailable; i1 and i2 match one of two.
    assert option_match(shoe, {"size": ["10"], "color": ["White"]}) == 0.5
    assert option_match(shoe, {"size": ["9"], "color": ["White"]}) == 1.0
    assert option_match(shoe, {"storage": ["1TB"]}) == 0.0  # no shared option name


def test_personal_features_of_a_hand_made_profile() -> None:
    feats = personal_features(_shoe(items=ITEMS), _profile(), {"P1": math.log1p(3)})
    assert feats == PersonalFeatures(
        category_affinity=0.6,
        brand_affinity=0.75,
        # category band 100-110 (width 11): the $95 variant is 5 below -> 1 - 5/11
        price_fit=pytest.approx(1 - 5 / 11),  # type: ignore[arg-type]
        option_match=0.5,  # "Size" and "white" compare case-insensitively
        bought_together=pytest.approx(math.log1p(3)),  # type: ignore[arg-type]
    )
    other = personal_features(_shoe("P9", brand="Nobody", leaf="Tents"), _profile(), None)
    # Tents: no category band, so the overall 40-60 band; $100 is 40 over a width of 20.
    assert other == PersonalFeatures(0.0, 0.0, 0.0, 0.0, 0.0)


def test_bought_together_counts_other_shoppers_orders_before_the_cutoff(
    sqlite_store: Store,
) -> None:
    with sqlite_store.session() as s:
        s.add_all([Product(product_id=p, title=p) for p in ("A", "B", "C", "D")])
        s.add_all(
            [
                User(user_id=u, first_name=u, last_name="x", email=f"{u}@x")
                for u in ("me", "u1", "u2")
            ]
        )
        s.flush()
        orders = [
            ("o1", "me", ["A"], 10),
            ("o2", "u1", ["A", "B"], 9),
            ("o3", "u2", ["A", "B"], 8),
            ("o4", "u2", ["A", "C"], 1),
            ("o5", "u1", ["D"], 9),
        ]
        for oid, uid, pids, days_ago in orders:
            s.add(Order(order_id=oid, user_id=uid, created_at=NOW - timedelta(days=days_ago)))
            s.flush()
            s.add_all(
                [
                    OrderItem(order_id=oid, product_id=p, item_id=f"{p}-1", name=p, price=1.0)
                    for p in pids
                ]
            )
    assert bought_together_scores(sqlite_store, "me") == {
        "B": pytest.approx(math.log1p(2)),
        "C": pytest.approx(math.log1p(1)),
    }
    # Before 5 days ago, o4 (A with C) had not happened yet.
    cutoff = NOW - timedelta(days=5)
    assert bought_together_scores(sqlite_store, "me", before=cutoff) == {
        "B": pytest.approx(math.log1p(2))
    }
    assert bought_together_scores(sqlite_store, "u9") == {}


def test_feature_matrix_standardises_relevance_within_the_list() -> None:
    assert standardise_scores(np.array([1.0, 1.0])).tolist() == [0.0, 0.0]
    rows = feature_matrix(np.array([1.0, 3.0]), [PersonalFeatures(0.5), PersonalFeatures()])
    assert rows.shape == (2, len(FEATURE_NAMES))
    assert rows[:, 0].tolist() == [-1.0, 1.0]
    assert rows[0, 1] == 0.5


def test_personaliser_learns_a_signal_and_round_trips(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(200, len(FEATURE_NAMES)))
    y = (x[:, 2] > 0.8).astype(float)  # bought exactly when brand affinity is high
    model = Personaliser.fit(x, y)
    assert max(model.weights(), key=lambda k: abs(model.weights()[k])) == "brand_affinity"
    path = tmp_path / "personaliser.json"
    model.save(path)
    again = Personaliser.load(path)
    assert again == model
    assert np.allclose(again.score(x), model.score(x))


def test_personaliser_file_with_other_features_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "personaliser.json"
    path.write_text(
        json.dumps({"feature_names": ["x"], "mean": [0], "scale": [1], "coef": [1], "intercept": 0})
    )
    with pytest.raises(ValueError, match="do not match"):
        Personaliser.load(path)
    with pytest.raises(ValueError, match="both bought and not-bought"):
        Personaliser.fit(np.zeros((3, len(FEATURE_NAMES))), np.zeros(3))
