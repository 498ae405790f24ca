"""What the shopping tools receive: the tool context plus search parts and conversation memory.

``ShopContext`` extends ``ToolContext`` with the searchers, the optional ranker, the catalog
vocabulary, the shopper's latest message (set by the agent with ``new_turn``, so the
deterministic parser reads the shopper's own words), the constraints so far, the last
candidate list (kept here and referred to by position or id, never pasted whole into the
prompt) and what was asked. ``ShopState`` is the part stored with the conversation.
``TurnFacts`` collects what this turn's tools returned, for the grounding check.

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
from store.db import Store
from store.profiles import UserProfile
from tools.base import ContextState, ToolContext
from tools.clarify import Question, wants_no_questions
from tools.constraints import Constraints
from tools.explain import ProfileFacts, Recommendation, load_profile_facts
from tools.grounding import GroundingFacts, ProductFact, fact_from_recommendation
from tools.vocabulary import CatalogVocabulary


class Ranked(Protocol):
    @property
    def product_id(self) -> str: ...


class RerankerLike(Protocol):
    """What search needs of a ranker (``retrieval.ranker.Reranker`` fits)."""

    def rerank(self, query: str, candidates: Sequence[ProductRecord],
               profile: UserProfile | None = None) -> Sequence[Ranked]: ...


class Shown(BaseModel):
    """One candidate as the conversation remembers it (position = index + 1)."""

    product_id: str
    title: str
    brand: str
    price: float  # of the cheapest variant meeting the constraints
    item_id: str | None = None
    rating: float = 0.0
    rating_count: int = 0
    options: dict[str, list[str]] = Field(default_factory=dict)  # of the fitting variants
    keyword_rank: int | None = None
    semantic_rank: int | None = None


class ShopState(BaseModel):
    constraints: Constraints = Field(default_factory=Constraints)
    candidates: list[Shown] = Field(default_factory=list)
    query: str = ""
    asked: list[str] = Field(default_factory=list)
    stop_asking: bool = False


@dataclass
class Citation:
    article_id: str
    title: str


@dataclass
class TurnFacts:
    """What the tools returned this turn: the grounding check allows these and nothing else."""

    products: dict[str, ProductFact] = field(default_factory=dict)
    recommendations: list[Recommendation] = field(default_factory=list)
    prices: set[float] = field(default_factory=set)
    numbers: set[float] = field(default_factory=set)
    citations: list[Citation] = field(default_factory=list)
    question: Question | None = None
    searched: bool = False  # a discovery reply needs a catalog search in the same turn

    def add(self, fact: ProductFact) -> None:
        old = self.products.get(fact.product_id)
        if old is not None:
            fact = ProductFact(fact.product_id, fact.title, fact.brand,
                               tuple(dict.fromkeys(old.prices + fact.prices)), fact.rating,
                               fact.rating_count, old.numbers | fact.numbers)
        self.products[fact.product_id] = fact

    def add_recommendation(self, rec: Recommendation) -> None:
        self.add(fact_from_recommendation(rec))
        if all(r.product_id != rec.product_id for r in self.recommendations):
            self.recommendations.append(rec)


@dataclass
class ShopContext(ToolContext):
    searcher: ProductSearcher | None = None
    help_searcher: HelpSearcher | None = None
    ranker: RerankerLike | None = None
    vocab: CatalogVocabulary | None = None
    message: str = ""
    constraints: Constraints = field(default_factory=Constraints)
    last_candidates: list[Shown] = field(default_factory=list)
    last_query: str = ""
    asked: set[str] = field(default_factory=set)
    stop_asking: bool = False
    turn: TurnFacts = field(default_factory=TurnFacts)
    _profile: ProfileFacts | None = field(default=None, repr=False)

    def new_turn(self, message: str) -> None:
        """Start a turn: the shopper's words for the parser, and an empty fact list."""
        self.message = message
        self.turn = TurnFacts()
        if wants_no_questions(message):
            self.stop_asking = True

    def vocabulary(self) -> CatalogVocabulary:
        # Built once per context when the agent did not pass one (a shop-wide scan).
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

    def grounding_facts(self) -> GroundingFacts:
        return GroundingFacts.build(self.turn.products.values(), self.vocab,
                                    self.turn.prices, self.turn.numbers)

    def shop_state(self) -> ShopState:
        return ShopState(constraints=self.constraints, candidates=self.last_candidates,
                         query=self.last_query, asked=sorted(self.asked),
                         stop_asking=self.stop_asking)

    @classmethod
    def restore_shop(cls, store: Store, state: ContextState, shop: ShopState, *,
                     searcher: ProductSearcher | None = None,
                     help_searcher: HelpSearcher | None = None,
                     ranker: RerankerLike | None = None,
                     vocab: CatalogVocabulary | None = None) -> ShopContext:
        """A context from stored state, with the live parts it searches with."""
        ctx = cls(store=store, session_user_id=state.session_user_id, pending=state.pending,
                  executed=set(state.executed), searcher=searcher, help_searcher=help_searcher,
                  ranker=ranker, vocab=vocab)
        ctx.constraints, ctx.last_candidates = shop.constraints, list(shop.candidates)
        ctx.last_query, ctx.asked, ctx.stop_asking = shop.query, set(shop.asked), shop.stop_asking
        return ctx
