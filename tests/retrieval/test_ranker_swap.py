"""The swappable ranker the running assistant holds, and ``ensure_ranker``'s train-or-reuse
decision (retrieval.ranker.swap, retrieval.ranker.lifecycle), with fake rankers: no weights
are loaded or trained here (test_ranker_training does that for real)."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from retrieval.documents import ProductRecord
from retrieval.ranker import (
    Ranker,
    RankerChoice,
    RetrievalOrder,
    SwappableRanker,
    ensure_ranker,
    load_ranker_or_fallback,
    ranker_dir,
    ranker_status,
)
from retrieval.ranker import lifecycle as lifecycle_module
from retrieval.ranker import swap as swap_module
from retrieval.ranker import trainer as trainer_module
from retrieval.ranker.data import shop_fingerprint
from retrieval.ranker.swap import NO_RANKER_YET
from store.db import Store
from store.models import ShopMeta
from store.profiles import UserProfile


def _record(pid: str) -> ProductRecord:
    return ProductRecord(pid, pid, "", "", "", "", "", 1.0, 0.0, 0, {})


RECORDS = [_record(p) for p in ("a", "b", "c")]


class BackwardsRanker(Ranker):
    """A "trained" ranker that reverses the retrieval order (no model behind it)."""

    def __init__(
        self, created: str = "2026-06-01T10:00:00+00:00", personaliser: Any = None
    ) -> None:
        super().__init__(
            model=None,
            personaliser=personaliser,  # type: ignore[arg-type]
            manifest={"created_at": created, "retrieval_weight": 0.0},
            directory=Path("."),
        )
        self.seen_bought_together: Any = "not called"

    def relevance(self, query: str, candidates: Sequence[ProductRecord]) -> np.ndarray:
        return np.arange(len(candidates), dtype=np.float32)

    def rerank(
        self,
        query: str,
        candidates: Sequence[ProductRecord],
        profile: UserProfile | None = None,
        bought_together: Any = None,
    ) -> Any:
        self.seen_bought_together = bought_together
        return super().rerank(query, candidates)


def _ids(ranked: Sequence[Any]) -> list[str]:
    return [r.product_id for r in ranked]


def test_starts_in_retrieval_order_and_says_so() -> None:
    holder = SwappableRanker()
    assert holder.state == NO_RANKER_YET == "retrieval order (no trained ranker yet)"
    assert not holder.is_trained and holder.name == "retrieval-order"
    assert _ids(holder.rerank("q", RECORDS)) == ["a", "b", "c"]


def test_fallback_choice_names_a_broken_ranker(tmp_path: Path) -> None:
    (tmp_path / "ranker").mkdir()
    (tmp_path / "ranker" / "ranker.json").write_text("{not json")
    holder = SwappableRanker(load_ranker_or_fallback(tmp_path / "ranker"))
    assert holder.state.startswith("retrieval order (")
    assert "ranker.json is unreadable" in holder.state
    assert SwappableRanker(load_ranker_or_fallback(tmp_path / "none")).state == NO_RANKER_YET


def test_swap_serves_the_new_ranker_from_the_next_search() -> None:
    holder = SwappableRanker()
    holder.swap(BackwardsRanker())
    assert holder.is_trained
    assert holder.state == "fine-tuned ranker from 2026-06-01 10:00:00+00:00 UTC"
    assert _ids(holder.rerank("q", RECORDS)) == ["c", "b", "a"]
    holder.swap(RankerChoice(RetrievalOrder(), "using the retrieval order: it broke"))
    assert holder.state == "retrieval order (it broke)"
    assert _ids(holder.rerank("q", RECORDS)) == ["a", "b", "c"]


def test_a_search_is_ranked_wholly_by_one_ranker_while_swapping() -> None:
    holder = SwappableRanker()
    rankers: list[Ranker | RetrievalOrder] = [BackwardsRanker(), RetrievalOrder()]
    stop = threading.Event()

    def swapper() -> None:
        n = 0
        while not stop.is_set():
            holder.swap(rankers[n % 2])
            n += 1

    thread = threading.Thread(target=swapper)
    thread.start()
    try:
        orders = {tuple(_ids(holder.rerank("q", RECORDS))) for _ in range(300)}
    finally:
        stop.set()
        thread.join()
    assert orders <= {("a", "b", "c"), ("c", "b", "a")}


def test_bought_together_comes_from_the_store_for_a_signed_in_shopper(
    monkeypatch: pytest.MonkeyPatch, sqlite_store: Store
) -> None:
    calls: list[str] = []

    def fake_scores(store: Store, user_id: str) -> dict[str, float]:
        calls.append(user_id)
        return {"b": 1.0}

    monkeypatch.setattr(swap_module, "bought_together_scores", fake_scores)
    ranker = BackwardsRanker(personaliser=object())
    holder = SwappableRanker(RankerChoice(ranker), store=sqlite_store)
    profile = UserProfile(
        user_id="ada",
        as_of=None,
        categories=[],
        brands=[],
        price_band=None,
        category_price_bands={},
        preferred_options={},
        recent_searches=[],
        praised_aspects=[],
        disliked_aspects=[],
        event_counts={},
        event_count=0,
        order_count=0,
        review_count=0,
    )
    holder.rerank("q", RECORDS, profile)
    assert (calls, ranker.seen_bought_together) == (["ada"], {"b": 1.0})
    holder.rerank("q", RECORDS)  # nobody signed in: nothing to look up
    assert calls == ["ada"] and ranker.seen_bought_together is None


def _fake_training(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """train_ranker writes just a manifest (with the shop's fingerprint) and a model folder;
    load_ranker returns a fake. Returns the list of trainings done."""
    trained: list[Path] = []

    def train(
        store: Store, out_dir: Path, config: Any = None, progress: bool = True, source: Any = None
    ) -> str:
        (out_dir / "cross_encoder").mkdir(parents=True, exist_ok=True)
        (out_dir / "ranker.json").write_text(
            json.dumps(
                {
                    "format": 1,
                    "created_at": "2026-06-01T10:00:00+00:00",
                    "shop": shop_fingerprint(store),
                }
            )
        )
        trained.append(out_dir)
        return "report"

    monkeypatch.setattr(trainer_module, "train_ranker", train)
    monkeypatch.setattr(lifecycle_module, "load_ranker", lambda d: BackwardsRanker())
    return trained


def test_ensure_ranker_trains_once_then_reuses(
    monkeypatch: pytest.MonkeyPatch, sqlite_store: Store, tmp_path: Path
) -> None:
    trained = _fake_training(monkeypatch)
    where = ranker_dir(tmp_path)
    assert where == tmp_path / "models" / "ranker"
    status = ranker_status(where, sqlite_store)
    assert not status.usable and "does not exist" in status.reason
    first = ensure_ranker(sqlite_store, where, progress=False)
    assert first.trained and first.report == "report" and trained == [where]
    assert ranker_status(where, sqlite_store).usable
    again = ensure_ranker(sqlite_store, where, progress=False)
    assert not again.trained and again.report is None and len(trained) == 1
    assert ensure_ranker(sqlite_store, where, progress=False, retrain=True).trained


def test_a_ranker_of_another_shop_is_retrained(
    monkeypatch: pytest.MonkeyPatch, sqlite_store: Store, tmp_path: Path
) -> None:
    trained = _fake_training(monkeypatch)
    where = ranker_dir(tmp_path)
    ensure_ranker(sqlite_store, where, progress=False)
    with sqlite_store.session() as session:  # `aisle init-demo --force` stamps a new shop
        session.add(ShopMeta(key="generated_at", value="2026-07-01T00:00:00+00:00"))
        session.commit()
    status = ranker_status(where, sqlite_store)
    assert not status.usable and "trained on another shop" in status.reason
    assert ranker_status(where).usable  # without a store, only completeness is checked
    assert ensure_ranker(sqlite_store, where, progress=False).trained and len(trained) == 2
