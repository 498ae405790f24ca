"""Training groups, hard negatives, the pair budget and held-out purchases
(retrieval.ranker.data, retrieval.ranker.holdout)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from retrieval.ranker.arguments import RankerConfig
from retrieval.ranker.data import (
    QueryGroup,
    behaviour_groups,
    budget_groups,
    heldout_texts,
    labelled_groups,
    mine_negatives,
    take_round_robin,
    valid_samples,
)
from retrieval.ranker.holdout import held_out_purchases, profiles_before, split_users
from store.db import Store
from store.models import Event, EventKind, LabelledQuery, Product, User

NOW = datetime(2026, 6, 1, tzinfo=UTC)
LEAF = {
    "P1": "Running Shoes",
    "P2": "Running Shoes",
    "P3": "Headphones",
    "P4": "Running Shoes",
    "P5": "Tents",
}


def _ev(
    user: str,
    session: str | None,
    kind: EventKind,
    minutes_ago: float,
    product: str | None = None,
    query: str | None = None,
) -> Event:
    return Event(
        user_id=user,
        session_id=session,
        kind=kind.value,
        product_id=product,
        query=query,
        ts=NOW - timedelta(minutes=minutes_ago),
    )


@pytest.fixture
def shop(sqlite_store: Store) -> Store:
    day = 24 * 60
    with sqlite_store.session() as s:
        s.add_all(
            [
                Product(product_id=p, title=p, brand="B" + p, category_leaf=leaf, price=100.0)
                for p, leaf in LEAF.items()
            ]
        )
        s.add_all(
            [
                User(user_id=u, first_name=u, last_name="x", email=f"{u}@x")
                for u in ("ada", "bob", "carl")
            ]
        )
        s.flush()
        s.add_all(
            [
                # ada: an older session buying P1, the held-out one buying P3, then a browse
                _ev("ada", "a1", EventKind.SEARCH, 10 * day, query="Running  Shoes"),
                _ev("ada", "a1", EventKind.VIEW, 10 * day - 1, "P1"),
                _ev("ada", "a1", EventKind.CLICK, 10 * day - 2, "P1"),
                _ev("ada", "a1", EventKind.ADD_TO_CART, 10 * day - 3, "P1"),
                _ev("ada", "a1", EventKind.PURCHASE, 10 * day - 4, "P1"),
                _ev("ada", "a2", EventKind.SEARCH, 2 * day, query="wireless headphones"),
                _ev("ada", "a2", EventKind.CLICK, 2 * day - 1, "P3"),
                _ev("ada", "a2", EventKind.PURCHASE, 2 * day - 2, "P3"),
                _ev("ada", "a3", EventKind.VIEW, day, "P2"),
                # bob: one purchase, no search in that session
                _ev("bob", "b1", EventKind.VIEW, 3 * day, "P2"),
                _ev("bob", "b1", EventKind.PURCHASE, 3 * day - 1, "P2"),
                # carl: searches and clicks, never buys
                _ev("carl", "c1", EventKind.SEARCH, 5 * day, query="tent"),
                _ev("carl", "c1", EventKind.CLICK, 5 * day - 1, "P5"),
            ]
        )
        s.add_all(
            [
                LabelledQuery(
                    query_id="q1", query="trail shoes", product_id=p, relevance=g, split="train"
                )
                for p, g in (("P2", 1), ("P1", 2), ("P3", 0))
            ]
            + [
                LabelledQuery(
                    query_id="q2", query="Tent", product_id="P5", relevance=2, split="test"
                )
            ]
        )
    return sqlite_store


def test_held_out_purchase_is_the_last_purchase_session(shop: Store) -> None:
    cases = {c.user_id: c for c in held_out_purchases(shop)}
    assert sorted(cases) == ["ada", "bob"]  # carl never bought
    ada = cases["ada"]
    assert (ada.session_id, ada.query, ada.product_ids, ada.query_from_search) == (
        "a2",
        "wireless headphones",
        ("P3",),
        True,
    )
    assert ada.cutoff == NOW - timedelta(days=2)  # the session's first event (its search)
    bob = cases["bob"]
    assert (bob.query, bob.product_ids, bob.query_from_search) == (
        "running shoes",
        ("P2",),
        False,
    )  # no search: the category name


def test_profiles_before_see_only_events_before_the_cutoff(shop: Store) -> None:
    cases = held_out_purchases(shop)
    profiles = profiles_before(shop, cases)
    ada = profiles["ada"]
    assert ada.event_count == 5  # session a1 only: not the held-out a2, not the later a3
    assert [leaf for leaf, _ in ada.categories] == ["Running Shoes"]
    assert ada.as_of == NOW - timedelta(days=2)
    assert profiles["bob"].event_count == 0


def test_split_users_is_disjoint_and_stable(shop: Store) -> None:
    cases = held_out_purchases(shop)
    train, held = split_users(cases, eval_share=0.5, seed=7)
    assert {c.user_id for c in train} | {c.user_id for c in held} == {"ada", "bob"}
    assert not {c.user_id for c in train} & {c.user_id for c in held}
    assert split_users(cases, 0.5, 7) == (train, held)
    assert split_users(cases, 0.0, 7) == (cases, [])


def test_labelled_groups_and_heldout_texts(shop: Store) -> None:
    assert labelled_groups(shop, "train") == [
        QueryGroup("trail shoes", ("P1", "P2", "P3"), (2, 1, 0), "labels")
    ]
    assert heldout_texts(shop) == {"tent"}


def test_behaviour_groups_skip_held_out_sessions_and_test_texts(shop: Store) -> None:
    cutoffs = {c.user_id: c.cutoff for c in held_out_purchases(shop)}
    assert behaviour_groups(shop, cutoffs, skip_texts=set()) == [
        QueryGroup("running shoes", ("P1",), (1,), "behaviour"),
        QueryGroup("tent", ("P5",), (1,), "behaviour"),
    ]
    # Without cutoffs ada's held-out search would be trained on; "tent" is a test query.
    assert behaviour_groups(shop, {}, skip_texts={"tent"}) == [
        QueryGroup("running shoes", ("P1",), (1,), "behaviour"),
        QueryGroup("wireless headphones", ("P3",), (1,), "behaviour"),
    ]


class _FixedSource:
    name = "fixed"

    def top(self, query: str, k: int) -> list[str]:
        return ["P2", "P4", "P5", "P3"][:k]


def test_mined_negatives_skip_judged_and_same_category_products() -> None:
    group = QueryGroup("trail shoes", ("P1", "P2", "P3"), (2, 1, 0), "labels")
    (mined,) = mine_negatives([group], _FixedSource(), LEAF, depth=10, n=5)
    # P4 is an unjudged running shoe (maybe relevant): not a negative; P5 (a tent) is.
    assert mined.product_ids == ("P1", "P2", "P3", "P5")
    assert mined.grades == (2, 1, 0, 0)
    assert mined.mined == 1


def test_with_complete_judgements_unjudged_same_category_products_are_negatives() -> None:
    labels = QueryGroup("trail shoes", ("P1", "P2", "P3"), (2, 1, 0), "labels")
    behaviour = QueryGroup("trail shoes", ("P1",), (1,), "behaviour")
    mined, engaged = mine_negatives(
        [labels, behaviour], _FixedSource(), LEAF, depth=10, n=5, complete=True
    )
    # P4, an unjudged running shoe, misses two or more constraints: the hardest negative.
    assert (mined.product_ids, mined.grades, mined.mined) == (
        ("P1", "P2", "P3", "P4", "P5"),
        (2, 1, 0, 0, 0),
        2,
    )
    assert engaged.product_ids == ("P1", "P5", "P3")  # behaviour says nothing of P4


def test_validation_reranks_the_retrievals_top_when_judgements_are_complete() -> None:
    group = QueryGroup("trail shoes", ("P1", "P2", "P3"), (2, 1, 0), "labels")
    texts = {p: p.lower() for p in ("P1", "P2", "P3", "P4", "P5")}
    config = RankerConfig(rerank_depth=3)
    (sample,) = valid_samples([group], texts, config, _FixedSource())
    assert (sample.product_ids, sample.grades) == (("P2", "P4", "P5"), (1, 0, 0))


def test_round_robin_takes_every_grade_before_repeating() -> None:
    group = QueryGroup(
        "q",
        ("e1", "e2", "e3", "p1", "p2", "z1", "z2", "m1"),
        (2, 2, 2, 1, 1, 0, 0, 0),
        "labels",
        mined=1,
    )
    taken = take_round_robin(group, 5, random.Random(1))
    assert sorted(taken.grades) == [0, 0, 1, 2, 2]
    assert taken.mined == 1 and "m1" in taken.product_ids
    assert len(set(taken.product_ids)) == 5


def test_budget_spreads_pairs_and_drops_single_grade_groups() -> None:
    groups = [
        QueryGroup(
            f"q{n}", (f"a{n}", f"b{n}", f"c{n}", f"d{n}", f"e{n}"), (2, 1, 0, 2, 1), "labels"
        )
        for n in range(6)
    ]
    groups.append(QueryGroup("only", ("x", "y"), (1, 1), "behaviour"))
    chosen = budget_groups(groups, 16, random.Random(2))
    assert sum(len(g.product_ids) for g in chosen) == 16
    assert all(len(g.product_ids) == 4 for g in chosen)  # at least 4 per query
    assert all(g.query != "only" for g in chosen)
