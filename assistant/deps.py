"""The one dependencies object the agent and its tools receive.

Built at the edge (CLI, server) from settings; the agent reads nothing else. The tool set is
the customer-service tools followed by the shopping tools, in a fixed order, so the tool schemas
(and with them the start of every prompt) stay identical across turns and llama.cpp's prefix
cache makes follow-up turns cheap.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.llm.types import ChatModel
from retrieval.help import HelpSearcher
from retrieval.search import ProductSearcher
from store.db import Store
from tools.base import ToolSet
from tools.service import RETAIL_TOOLS
from tools.shop_context import RerankerLike
from tools.shopping import SHOPPING_TOOLS
from tools.vocabulary import CatalogVocabulary


def all_tools() -> ToolSet:
    return ToolSet([*RETAIL_TOOLS, *SHOPPING_TOOLS])


@dataclass
class Limits:
    max_steps: int = 6  # tool calls per turn before the turn is cut short
    max_seconds: float = 90.0  # wall time per turn (the embedded model is slow)
    max_tokens: int = 384
    history_turns: int = 6  # earlier exchanges replayed to the model (text only)
    # After a search with results, ask the model to phrase the reply (its text must still pass
    # the grounding check). Off: the reply is the fact list at once, one LLM step fewer; the
    # embedded 1.5B model's phrasings almost never pass the check, so it runs with this off.
    phrase_recommendations: bool = True
    # After a turn, a model that can (the embedded one) evaluates the conversation so far in
    # the background, so the next turn only evaluates the new message (``Prefills``).
    prefill_between_turns: bool = True


@dataclass
class Deps:
    store: Store
    llm: ChatModel
    searcher: ProductSearcher | None = None
    help_searcher: HelpSearcher | None = None
    ranker: RerankerLike | None = None
    vocab: CatalogVocabulary | None = None
    tools: ToolSet = field(default_factory=all_tools)
    limits: Limits = field(default_factory=Limits)
    shop_name: str = "the shop"
