"""What the shopping tools receive: the tool context plus the search parts and, read-only, the
conversation's shopping memory.

``ShopContext`` extends ``ToolContext`` with the searchers, the optional ranker, the catalog
vocabulary, the shopper's message this turn (so the deterministic parser reads the shopper's
own words) and ``shopping``: the constraints so far, the candidate list of the last search
(referred to by position or id, never pasted whole into a prompt), what was asked. Tools read
``shopping`` and return typed outcomes; they never write it. The conversation's one state
owner (``assistant.state``) applies an outcome to the stored ``ShoppingState``.

Not here: the tools (``tools.shopping``), loading anything at import.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from pydantic import BaseModel, Field

from retrieval.documents import ProductRecord
from retrieval.help import HelpSearcher
from retrieval.search import ProductSearcher
from store.profiles import UserProfile
from tools.base import ToolContext
from tools.constraints import Constraints
from tools.explain import ProfileFacts, load_profile_facts
from tools.vocabulary import CatalogVocabulary


class Ranked(Protocol):
    @property
    def product_id(self) -> str: ...


class RerankerLike(Protocol):
    """What search needs of a ranker (``retrieval.ranker.Reranker`` fits)."""

    def rerank(
        self, query: str, candidates: Sequence[ProductRecord], profile: UserProfile | None = None
    ) -> Sequence[Ranked]: ...


class Shown(BaseModel):
    """One candidate as the conversation remembers it (position = index + 1)."""

    product_id: str
    title: str
    brand: str
    price: float  # of the variant suggested: meets the constraints, in stock when one is
    item_id: str | None = None
    rating: float = 0.0
    rating_count: int = 0
    options: dict[str, list[str]] = Field(default_factory=dict)  # of the fitting variants
    category: str = ""
    in_stock: bool = True  # the suggested variant
    keyword_rank: int | None = None
    semantic_rank: int | None = None


class ShoppingState(BaseModel):
    """The shopping part of a conversation: what the shopper wants and what was found."""

    constraints: Constraints = Field(default_factory=Constraints)
    candidates: list[Shown] = Field(default_factory=list)  # the last search, best first
    query: str = ""  # the words the last search ranked by
    asked: list[str] = Field(default_factory=list)  # attribute keys already asked about
    stop_asking: bool = False
    # Wishes the catalog cannot filter on ("for 4 people" where no product states a
    # capacity): ranked by, reported as unchecked, never claimed as met.
    unchecked: list[str] = Field(default_factory=list)
    # The price bounds the shopper stated in words ("under $150"), which "cheaper" and
    # "more expensive" move away from and back to.
    stated: dict[str, float] = Field(default_factory=dict)


@dataclass
class ShopContext(ToolContext):
    searcher: ProductSearcher | None = None
    help_searcher: HelpSearcher | None = None
    ranker: RerankerLike | None = None
    vocab: CatalogVocabulary | None = None
    message: str = ""  # the shopper's words this turn
    shopping: ShoppingState = field(default_factory=ShoppingState)  # read-only for tools
    _profile: ProfileFacts | None = field(default=None, repr=False)

    def vocabulary(self) -> CatalogVocabulary:
        # Built once per context when the caller did not pass one (a shop-wide scan).
        if self.vocab is None:
            self.vocab = CatalogVocabulary.from_store(self.store)
        return self.vocab

    def shopper(self) -> ProfileFacts | None:
        """The session user's profile facts (cached); None when nobody is signed in."""
        if self.session_user_id is None:
            return None
        if self._profile is None or self._profile.profile.user_id != self.session_user_id:
            self._profile = load_profile_facts(self.store, self.session_user_id)
        return self._profile
