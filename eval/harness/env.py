"""What a suite runs against: the chat model, the shops under test and a scratch folder.

A ``ShopUnderTest`` is a read-only template of a shop's SQLite file with its search parts;
cases get fresh copies of the template (``dbstate.clone``), so nothing a case does reaches the
shop in the data dir or another case. ``EvalEnv.assistant`` builds the agent on one copy with
the run's chat model, so the embedded model and a vLLM-served one run the same suite.

``from_runtime`` (``eval.harness.runtime_env``) builds this from the CLI settings; tests build
it from a small generated shop and a hash embedder.

Not here: the suites themselves.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.agent import Assistant
from assistant.deps import Deps, Limits
from assistant.llm.types import ChatModel, Message
from assistant.prompts import render
from assistant.reading import ShopWords
from eval.harness.dbstate import clone
from retrieval.help import HelpSearcher
from retrieval.search import ProductSearcher
from store.db import Store
from store.errors import AisleError
from tools.shop_context import RerankerLike
from tools.vocabulary import CatalogVocabulary


class EvalError(AisleError):
    """A suite cannot run as asked (no shop, an unsupported store, a bad run folder)."""


@dataclass
class ShopUnderTest:
    name: str  # "demo" or "tau2"
    template: Path  # a consistent SQLite copy nobody writes
    searcher: ProductSearcher | None = None
    help_searcher: HelpSearcher | None = None
    vocab: CatalogVocabulary | None = None
    ranker: RerankerLike | None = None  # as the served assistant orders results

    words: ShopWords | None = None  # the shop's words for reading messages (built once)

    def vocabulary(self, store: Store) -> CatalogVocabulary:
        if self.vocab is None:
            self.vocab = CatalogVocabulary.from_store(store)
        return self.vocab

    def shop_words(self, store: Store) -> ShopWords:
        if self.words is None:
            self.words = ShopWords.from_store(store, self.vocabulary(store))
        return self.words


@dataclass
class EvalEnv:
    llm: ChatModel
    workdir: Path
    shops: dict[str, Callable[[], ShopUnderTest | str]]  # a shop, or why it is unavailable
    limits: Limits = field(default_factory=Limits)
    progress: bool = True
    _opened: dict[str, ShopUnderTest | str] = field(default_factory=dict)
    _copies: itertools.count[int] = field(default_factory=itertools.count)

    def shop(self, name: str) -> ShopUnderTest | str:
        """The shop ``name`` (opened once), or the reason it is not available."""
        if name not in self._opened:
            factory = self.shops.get(name)
            self._opened[name] = factory() if factory else f"no {name} shop is configured"
        return self._opened[name]

    def demo(self) -> ShopUnderTest:
        shop = self.shop("demo")
        if isinstance(shop, str):
            raise EvalError(f"the demo shop is not available: {shop}")
        return shop

    def warm_up(self) -> float:
        """One throwaway model call with the agent's system prompt and tool schemas, so the
        first case does not pay for the cold prompt (llama.cpp then reuses the cached prefix,
        as a running server would). Seconds it took."""
        started = time.perf_counter()
        deps = Deps(store=None, llm=self.llm)  # type: ignore[arg-type]  # never touched
        messages = [
            Message.system(render("system", shop_name=deps.shop_name)),
            Message.user("Hello"),
        ]
        self.llm.complete(messages, deps.tools.schemas(), "auto", max_tokens=1)
        return round(time.perf_counter() - started, 1)

    def fresh_store(self, shop: ShopUnderTest, label: str) -> tuple[Store, Path]:
        """A store on a new copy of ``shop``; remove it with ``discard`` when done."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        path = self.workdir / f"{label}-{next(self._copies)}.db"
        return clone(shop.template, path), path

    def assistant(self, shop: ShopUnderTest, store: Store) -> Assistant:
        return Assistant(
            Deps(
                store=store,
                llm=self.llm,
                searcher=shop.searcher,
                help_searcher=shop.help_searcher,
                vocab=shop.vocabulary(store),
                ranker=shop.ranker,
                limits=self.limits,
                words=shop.shop_words(store),
            )
        )


def ready(shop: ShopUnderTest) -> Callable[[], ShopUnderTest]:
    """A factory for ``EvalEnv.shops`` of a shop that is already open."""
    return lambda: shop


def discard(store: Store, path: Path) -> None:
    store.dispose()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
