"""Opening the running parts from settings: the store, Chroma, the embedder, the searchers.

The one place that turns ``Settings`` into live objects for the CLI, the server and the eval
harness; everything below receives these objects and reads no settings itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from assistant.agent import Assistant
from assistant.deps import Deps, Limits
from assistant.llm import LlamaCppChat, OpenAICompatibleChat
from assistant.llm.types import ChatModel
from assistant.llm.weights import DEFAULT_MODEL, ensure_gguf, weights_spec
from assistant.settings import Settings
from retrieval.documents import load_product_records
from retrieval.embedder import Embedder, MiniLMEmbedder
from retrieval.help import HelpIndex, HelpSearcher
from retrieval.index import ProductIndex, open_chroma
from retrieval.multilingual_leg import MultilingualIndex, MultilingualLeg
from retrieval.ranker import (
    BM25Source,
    CandidateSource,
    Ensured,
    Ranker,
    RankerConfig,
    SearcherSource,
    SwappableRanker,
    ensure_ranker,
    load_ranker_or_fallback,
    ranker_choice,
    ranker_dir,
    ranker_status,
)
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

    @cached_property
    def multilingual_leg(self) -> MultilingualLeg:
        """e5 vectors for Chinese and Spanish queries: built in a background thread on the
        first such query (they fall back to MiniLM meanwhile), one build per Runtime."""
        return MultilingualLeg(MultilingualIndex(self.chroma), build_lazily=True)

    def product_searcher(self) -> ProductSearcher:
        return ProductSearcher(
            self.store, self.product_index, self.embedder, multilingual=self.multilingual_leg
        )

    def help_searcher(self) -> HelpSearcher:
        return HelpSearcher(self.store, self.help_index, self.embedder)

    @property
    def ranker_dir(self) -> Path:
        return ranker_dir(self.settings.data_dir)

    @cached_property
    def ranker(self) -> SwappableRanker:
        """What orders search results: the trained ranker in the data dir, else the retrieval
        order (``load_ranker_or_fallback`` logs why). One holder for the Runtime's life, so a
        ranker trained later is swapped in (``ensure_ranker``) under the running assistant."""
        return SwappableRanker(load_ranker_or_fallback(self.ranker_dir), store=self.store)

    @property
    def ranker_state(self) -> str:
        """One line for the UI: "fine-tuned ranker from ..." or "retrieval order (...)"."""
        return self.ranker.state

    def candidate_source(self) -> CandidateSource:
        """The retrieval the ranker trains and is judged against: the assistant's hybrid
        search when every product is indexed, else BM25 over the same texts."""
        if self.product_index.count():  # else no need to load the embedder
            searcher = self.product_searcher()
            if not searcher.missing_vectors:
                return SearcherSource(searcher)
        return BM25Source(load_product_records(self.store))

    def ensure_ranker(
        self,
        config: RankerConfig | None = None,
        progress: bool = True,
        retrain: bool = False,
        source: CandidateSource | None = None,
    ) -> Ensured:
        """Train the ranker unless a valid one for this shop exists (or ``retrain``), then
        serve with it: the running assistant's searches use it from the next one on."""
        reuse = not retrain and ranker_status(self.ranker_dir, self.store).usable
        current = self.ranker.current
        if reuse and isinstance(current, Ranker):  # already loaded and serving
            return Ensured(current, trained=False)
        ensured = ensure_ranker(
            self.store,
            self.ranker_dir,
            config,
            progress=progress,
            source=None if reuse else source or self.candidate_source(),
            retrain=retrain,
        )
        self.ranker.swap(ranker_choice(ensured.ranker))  # the retrieval order unless it helps
        return ensured

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
        """The agent with every part; search results are ordered by ``self.ranker``. The
        embedded model is consulted only when the shopper's words decide nothing; a model
        on a server (vLLM) proposes every turn (``Limits.consult``)."""
        model = llm or self.chat_model()
        deps = Deps(
            store=self.store,
            llm=model,
            searcher=self.product_searcher(),
            help_searcher=self.help_searcher(),
            ranker=self.ranker,
            vocab=CatalogVocabulary.from_store(self.store),
            limits=Limits(consult="when_unsure" if isinstance(model, LlamaCppChat) else "always"),
            checkout_url=self.settings.checkout_url,
        )
        return Assistant(deps)
