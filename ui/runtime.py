"""Opening the running parts from settings: the store, Chroma, the embedder, the searchers.

The one place that turns ``Settings`` into live objects for the CLI, the server and the eval
harness; everything below receives these objects and reads no settings itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from assistant.agent import Assistant
from assistant.deps import Deps
from assistant.llm import LlamaCppChat, OpenAICompatibleChat
from assistant.llm.types import ChatModel
from assistant.llm.weights import DEFAULT_MODEL, ensure_gguf, weights_spec
from assistant.settings import Settings
from retrieval.embedder import Embedder, MiniLMEmbedder
from retrieval.help import HelpIndex, HelpSearcher
from retrieval.index import ProductIndex, open_chroma
from retrieval.search import ProductSearcher
from store.db import Store, open_store
from tools.vocabulary import CatalogVocabulary


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

    def chat_model(self, progress: bool = True) -> ChatModel:
        """The LLM: an OpenAI-compatible server when AISLE_LLM_BASE_URL is set (vLLM in
        production), else the embedded GGUF on the CPU, assembled once from its packages."""
        settings = self.settings
        if settings.llm_base_url:
            return OpenAICompatibleChat(
                base_url=settings.llm_base_url,
                model=settings.llm_model or "default",
                api_key=settings.llm_api_key or "not-needed",
            )
        spec = weights_spec(settings.llm_model) if settings.llm_model else DEFAULT_MODEL
        path = ensure_gguf(spec, settings.models_dir / "llm", progress=progress)
        return LlamaCppChat(path)

    def assistant(self, llm: ChatModel | None = None) -> Assistant:
        """The agent with every part; the ranker joins when a trained one exists."""
        deps = Deps(
            store=self.store,
            llm=llm or self.chat_model(),
            searcher=self.product_searcher(),
            help_searcher=self.help_searcher(),
            vocab=CatalogVocabulary.from_store(self.store),
        )
        return Assistant(deps)
