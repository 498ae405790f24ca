"""The one dependencies object the agent and its tools receive.

Built at the edge (CLI, server) from settings; the agent reads nothing else. The tool set is
the customer-service tools followed by the shopping tools, in a fixed order, so the tool schemas
(and with them the start of every prompt) stay identical across turns and llama.cpp's prefix
cache makes follow-up turns cheap. ``words`` (the shop's vocabulary, listing words and order
number format, ``assistant.reading.ShopWords``) is built on first use when not given.

Not here: opening any of these from settings (``ui.runtime``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from assistant.llm.types import ChatModel
from assistant.reading import ShopWords
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
    max_tokens: int = 160  # the model's proposal: one tool call, or two sentences
    history_turns: int = 4  # earlier exchanges shown to the model (text only)
    # When to ask the model for a proposal: "when_unsure" only when the shopper's words
    # decide nothing (or a slot only it can fill is missing: an address typed freely);
    # "always" every turn (cheap on a GPU server; the policy still decides).
    consult: Literal["when_unsure", "always"] = "when_unsure"
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
    words: ShopWords | None = None
    # The shop's checkout page (``AISLE_CHECKOUT_URL``, a URL template, ``tools.checkout``):
    # set, checkout hands the cart over there instead of placing an order here.
    checkout_url: str | None = None

    def shop_words(self) -> ShopWords:
        if self.words is None:
            self.words = ShopWords.from_store(self.store, self.vocab)
        return self.words
