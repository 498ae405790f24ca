"""Opening the running parts from settings: the store, Chroma, the embedder, the searchers.

The one place that turns ``Settings`` into live objects for the CLI, the server and the eval
harness; everything below receives these objects and reads no settings itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from assistant.settings import Settings
from retrieval.embedder import Embedder, MiniLMEmbedder
from retrieval.help import HelpIndex, HelpSearcher
from retrieval.index import ProductIndex, open_chroma
from retrieval.search import ProductSearcher
from store.db import Store, open_store


@dataclass
class Runtime:
    """Lazily opened parts; the embedder (a few seconds to load) only when something needs it."""

    settings: Settings

    @cached_property
    def store(self) -> Store:
        return open_store(self.settings.effective_database_url)

    @cached_property
    def chroma(self):  # type: ignore[no-untyped-def]  # chromadb's ClientAPI
        return open_chroma(self.settings.chroma_path, self.settings.chroma_url)

    @cached_property
    def product_index(self) -> ProductIndex:
        return ProductIndex(self.chroma)

    @cached_property
    def help_index(self) -> HelpIndex:
        return HelpIndex(self.chroma)

    @cached_property
    def embedder(self) -> Embedder:
        return MiniLMEmbedder()

    def product_searcher(self) -> ProductSearcher:
        return ProductSearcher(self.store, self.product_index, self.embedder)

    def help_searcher(self) -> HelpSearcher:
        return HelpSearcher(self.store, self.help_index, self.embedder)
