"""``aisle bench turn``'s machinery without a real model: the stopwatch puts back what it
instruments, a scripted "LLM" run is recorded and replayed call for call, and the report has
every stage on a small demo shop indexed with the hash embedder."""

from __future__ import annotations

import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.agent import Assistant
from assistant.deps import Deps
from assistant.llm.scripted import ChatRequest, ScriptedChat, call
from assistant.llm.types import ToolCall
from eval.bench_turn import FOLLOW_UP, STAGES, bench_turn, sessions_of
from eval.turn_timing import Stopwatch
from retrieval.embedder import HashEmbedder
from retrieval.help import HelpIndex, HelpSearcher
from retrieval.index import ProductIndex, open_chroma
from retrieval.search import ProductSearcher
from store.db import open_store, sqlite_url
from store.demo.generate import generate_demo
from store.demo.types import DemoConfig
from tools.vocabulary import CatalogVocabulary


class Counter:
    def bump(self, n: int) -> int:
        return n + 1


def test_the_stopwatch_times_and_puts_everything_back() -> None:
    module = types.SimpleNamespace(double=lambda n: 2 * n)
    counter, original = Counter(), Counter.bump
    watch = Stopwatch()
    with watch.instrument([(counter, "bump", "a"), (module, "double", "b"), (None, "x", "c")]):
        assert counter.bump(1) == 2 and module.double(2) == 4
        assert set(watch.seconds) == {"a", "b"}
    assert "bump" not in vars(counter) and Counter.bump is original
    assert module.double(3) == 6 and module.double.__name__ == "<lambda>"


def test_a_nested_call_of_the_same_stage_counts_once() -> None:
    watch = Stopwatch()
    inner = watch.timed("s", lambda: None)
    outer = watch.timed("s", lambda: [inner() for _ in range(3)])
    outer()
    assert list(watch.seconds) == ["s"] and watch.seconds["s"] < 1


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    root: Path = tmp_path_factory.mktemp("bench-turn")
    store = open_store(sqlite_url(root / "shop.db"))
    generate_demo(store, DemoConfig(products=300, users=30, seed=5))
    embedder, client = HashEmbedder(), open_chroma(root / "chroma")
    products, articles = ProductIndex(client), HelpIndex(client)
    products.sync(store, embedder)
    articles.sync(store, embedder)
    yield Assistant(Deps(store=store, llm=ScriptedChat([]),
                         searcher=ProductSearcher(store, products, embedder),
                         help_searcher=HelpSearcher(store, articles, embedder),
                         vocab=CatalogVocabulary.from_store(store)))
    store.dispose()


def test_scripted_only_report(bot: Assistant) -> None:
    report = bench_turn(bot, None, "retrieval order", sessions=2, repeats=2, progress=False)
    assert (report.sessions, report.repeats, report.non_llm_ms["turns"]) == (2, 2, 4)
    assert report.non_llm_ms["p50"] > 0 and report.llm == {} and report.follow_up == {}
    assert set(report.stages_ms_p50) == set(STAGES)
    assert report.stages_ms_p50["retrieval"] > 0
    assert report.goals["follow_up_ttft_met"] is None


def test_the_llm_run_is_replayed_call_for_call(bot: Assistant) -> None:
    """A stand-in for the real model: searches with a cap on query turns, thanks otherwise."""
    seen: list[str] = []

    def model(request: ChatRequest) -> str | ToolCall:
        last = request.messages[-1]
        seen.append(last.role)
        if last.role == "user" and last.content != FOLLOW_UP:
            return call("search_products", query=last.content, price_max=500)
        return "You are welcome. Anything else?" if last.content == FOLLOW_UP else "Here."

    report = bench_turn(bot, ScriptedChat(model), "retrieval order", sessions=2, repeats=1,
                        progress=False)
    # warm-up + 2 sessions, each: search, text, then the follow-up's text
    assert seen == ["user", "tool", "user"] * 3
    assert report.llm["calls"] == 6 and report.llm["tool_calls"] == 2
    assert report.follow_up["kinds"] == ["text", "text"]
    assert all(t is not None for t in report.follow_up["ttft_s"])
    assert report.non_llm_ms["turns"] == 2


def test_sessions_are_test_queries_with_signed_in_users(bot: Assistant) -> None:
    plan = sessions_of(bot.deps.store, 3)
    assert len(plan) == 3 and len({user for user, _ in plan}) == 3
    assert all(query.strip() for _, query in plan)
