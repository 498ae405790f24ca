"""The assistant tests' shops: a store with its search parts, and an assistant on one.

``make_bot(shop)`` builds an assistant whose model is a ``ScriptedChat`` with an empty script
unless one is given: a test whose turn consults the model then fails with ``ScriptExhausted``,
so the tests also show which turns need no model at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.agent import Assistant
from assistant.deps import Deps, Limits
from assistant.llm.scripted import ScriptedChat
from assistant.llm.types import ChatModel
from retrieval.embedder import HashEmbedder
from retrieval.help import HelpIndex, HelpSearcher
from retrieval.index import ProductIndex, open_chroma
from retrieval.search import ProductSearcher
from store.db import Store
from tools.vocabulary import CatalogVocabulary


@dataclass
class Shop:
    store: Store
    searcher: ProductSearcher
    help_searcher: HelpSearcher | None
    vocab: CatalogVocabulary


def indexed(store: Store, root: Path, with_help: bool = True) -> Shop:
    embedder, client = HashEmbedder(), open_chroma(root / "chroma")
    products = ProductIndex(client)
    products.sync(store, embedder)
    helper = None
    if with_help:
        help_index = HelpIndex(client)
        help_index.sync(store, embedder)
        helper = HelpSearcher(store, help_index, embedder)
    return Shop(
        store,
        ProductSearcher(store, products, embedder),
        helper,
        CatalogVocabulary.from_store(store),
    )


def make_bot(shop: Shop, llm: ChatModel | None = None, **limits: object) -> Assistant:
    return Assistant(
        Deps(
            store=shop.store,
            llm=llm or ScriptedChat([]),
            searcher=shop.searcher,
            help_searcher=shop.help_searcher,
            vocab=shop.vocab,
            limits=Limits(**limits),
        )
    )  # type: ignore[arg-type]
