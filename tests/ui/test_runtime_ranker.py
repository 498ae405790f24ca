"""The Runtime's ranker: the retrieval order (saying why) until a trained one exists, one
swappable holder handed to the assistant, and ``ensure_ranker`` swapping the trained one in
(ui.runtime). Training is faked here; tests/retrieval/test_ranker_training trains for real."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from assistant.llm.scripted import ScriptedChat
from assistant.settings import Settings
from retrieval.embedder import HashEmbedder
from retrieval.ranker import BM25Source, Ranker, SearcherSource
from retrieval.ranker import lifecycle as lifecycle_module
from retrieval.ranker import trainer as trainer_module
from retrieval.ranker.data import shop_fingerprint
from retrieval.ranker.swap import NO_RANKER_YET
from store.db import Store
from store.demo.generate import generate_demo
from store.demo.types import DemoConfig
from ui.runtime import Runtime


class _Fake(Ranker):
    def __init__(self) -> None:
        super().__init__(
            model=None,
            personaliser=None,  # type: ignore[arg-type]
            manifest={"created_at": "2026-06-01T10:00:00+00:00"},
            directory=Path("."),
        )


@pytest.fixture
def runtime(tmp_path: Path) -> Runtime:
    runtime = Runtime(Settings(data_dir=tmp_path / "data"))
    runtime.embedder = HashEmbedder()  # no MiniLM load in unit tests
    generate_demo(runtime.store, DemoConfig(products=120, users=12, seed=3))
    return runtime


def test_without_a_trained_ranker_search_keeps_the_retrieval_order(
    runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    assert runtime.ranker_dir == runtime.settings.data_dir / "models" / "ranker"
    with caplog.at_level(logging.WARNING):
        assert runtime.ranker_state == NO_RANKER_YET
    assert "using the retrieval order: no trained ranker at" in caplog.text
    assert "aisle train-ranker" in caplog.text
    bot = runtime.assistant(llm=ScriptedChat(["hello"]))
    assert bot.deps.ranker is runtime.ranker  # the holder, so a later swap reaches the agent


def test_candidate_source_is_bm25_until_every_product_is_indexed(runtime: Runtime) -> None:
    assert isinstance(runtime.candidate_source(), BM25Source)
    runtime.product_index.sync(runtime.store, runtime.embedder)
    source = runtime.candidate_source()
    assert isinstance(source, SearcherSource) and source.name == "hybrid"


def test_ensure_ranker_swaps_the_trained_one_into_the_running_assistant(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    def train(
        store: Store, out_dir: Path, config: Any = None, progress: bool = True, source: Any = None
    ) -> None:
        (out_dir / "cross_encoder").mkdir(parents=True)
        (out_dir / "ranker.json").write_text(
            json.dumps(
                {
                    "format": 1,
                    "created_at": "2026-06-01T10:00:00+00:00",
                    "shop": shop_fingerprint(store),
                }
            )
        )

    monkeypatch.setattr(trainer_module, "train_ranker", train)
    monkeypatch.setattr(lifecycle_module, "load_ranker", lambda d: _Fake())
    bot = runtime.assistant(llm=ScriptedChat(["hello"]))
    assert not runtime.ranker.is_trained
    ensured = runtime.ensure_ranker(progress=False)
    assert ensured.trained
    assert runtime.ranker_state == "fine-tuned ranker from 2026-06-01 10:00:00+00:00 UTC"
    assert bot.deps.ranker is runtime.ranker and runtime.ranker.is_trained
    assert not runtime.ensure_ranker(progress=False).trained  # reused on the next start
