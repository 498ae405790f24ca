"""A reranker that can be replaced while the assistant is serving: ``SwappableRanker``.

``aisle demo`` starts answering with the retrieval order while the ranker trains in the
background, then swaps the trained one in; the agent and its tools keep the one object they
were given. ``rerank`` reads the current ranker once per call under a lock, so a swap between
two searches is atomic: a search is ranked wholly by the old or wholly by the new ranker.

With a signed-in shopper's profile and a store, it also supplies the "bought together" counts
the personalisation stage reads (``bought_together_scores``), which the search tool does not
know about. With a store, a ranker it is given whose rating prior has no catalog mean (the
retrieval order, a ranker trained before the prior) gets the store's (``catalog_mean``), read
once per swap: a catalog imported later is seen at the next swap. ``state`` is a short
sentence for the UI ("fine-tuned ranker from 2025-06-01 ...").

Not here: loading (``retrieval.ranker.ranker``), training (``retrieval.ranker.lifecycle``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence

from retrieval.documents import ProductRecord
from retrieval.ranker.features import bought_together_scores
from retrieval.ranker.ranker import RankedProduct, Ranker, RankerChoice, RetrievalOrder
from retrieval.ranker.rating_prior import catalog_mean
from store.db import Store
from store.profiles import UserProfile

log = logging.getLogger(__name__)

NO_RANKER_YET = "retrieval order (no trained ranker yet)"


def describe(choice: RankerChoice) -> str:
    """The UI's one-line account of what orders the search results."""
    ranker = choice.ranker
    if isinstance(ranker, Ranker):
        created = str(ranker.manifest.get("created_at", "an unknown date"))
        return f"fine-tuned ranker from {created.replace('T', ' ')} UTC"
    if choice.missing:
        return NO_RANKER_YET
    if choice.fallback_reason is None:
        return "retrieval order"
    return f"retrieval order ({choice.fallback_reason.removeprefix('using the retrieval order: ')})"


class SwappableRanker:
    """Delegates ``rerank`` to the current ranker; ``swap`` replaces it (thread-safe).

    Starts with ``choice`` (``load_ranker_or_fallback``'s answer), else the retrieval order
    because no ranker was trained yet."""

    def __init__(self, choice: RankerChoice | None = None, store: Store | None = None) -> None:
        choice = choice or RankerChoice(RetrievalOrder(), "no trained ranker yet", missing=True)
        self._lock = threading.Lock()
        self._store = store
        self._choice = self._with_catalog_mean(choice)
        self._state = describe(choice)

    @property
    def name(self) -> str:
        return self.current.name

    @property
    def current(self) -> Ranker | RetrievalOrder:
        with self._lock:
            return self._choice.ranker

    @property
    def fallback_reason(self) -> str | None:
        with self._lock:
            return self._choice.fallback_reason

    @property
    def state(self) -> str:
        with self._lock:
            return self._state

    @property
    def is_trained(self) -> bool:
        return isinstance(self.current, Ranker)

    def swap(self, new: Ranker | RetrievalOrder | RankerChoice) -> None:
        """Serve with ``new`` from the next search on (a ``RankerChoice`` carries why it is
        the retrieval order, when it is)."""
        choice = self._with_catalog_mean(
            new if isinstance(new, RankerChoice) else RankerChoice(new)
        )
        state = describe(choice)
        with self._lock:
            self._choice, self._state = choice, state
        log.info("ranking search results with: %s", state)

    def _with_catalog_mean(self, choice: RankerChoice) -> RankerChoice:
        """``choice`` whose ranker's rating prior has a catalog mean, read from the store when
        it lacks one (set on the ranker object, which this holder now owns)."""
        ranker = choice.ranker
        if self._store is not None and ranker.prior.mean is None:
            ranker.prior = ranker.prior.with_mean(catalog_mean(self._store))
        return choice

    def rerank(
        self,
        query: str,
        candidates: Sequence[ProductRecord],
        profile: UserProfile | None = None,
        bought_together: Mapping[str, float] | None = None,
    ) -> list[RankedProduct]:
        ranker = self.current
        if (
            bought_together is None
            and profile is not None
            and self._store is not None
            and isinstance(ranker, Ranker)
            and ranker.personaliser is not None
        ):
            bought_together = bought_together_scores(self._store, profile.user_id)
        return ranker.rerank(query, candidates, profile, bought_together)
