"""Streams deliver events as they happen, over a real socket: the bot API's server-sent
events and ``/v1``'s chunks, from ``aisle``'s app served by uvicorn on a loopback port.

A slow ranker (0.5 s) stands in for the cross-encoder on a loaded CPU: the reply's first
sentence (known once retrieval counted) must reach the client before ranking ends, a
measurable time before the last text, and the first step within a second of sending.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx
import pytest
import uvicorn

from assistant.agent import Assistant
from assistant.deps import Deps
from assistant.llm.scripted import ScriptedChat
from assistant.settings import Settings
from retrieval.documents import ProductRecord
from retrieval.embedder import HashEmbedder
from retrieval.search import ProductSearcher
from store.profiles import UserProfile
from tools.vocabulary import CatalogVocabulary
from ui.api import create_app
from ui.runtime import Runtime

RANKING_S = 0.5


class SlowRanker:
    def rerank(
        self, query: str, candidates: Sequence[ProductRecord], profile: UserProfile | None = None
    ) -> Sequence[ProductRecord]:
        time.sleep(RANKING_S)
        return list(candidates)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from store.demo.generate import generate_demo
    from store.demo.types import DemoConfig

    data_dir: Path = tmp_path_factory.mktemp("stream-shop")
    runtime = Runtime(Settings(data_dir=data_dir, rate_limit_per_minute=0))
    generate_demo(runtime.store, DemoConfig(products=300, users=30, seed=5))
    embedder = HashEmbedder()
    runtime.product_index.sync(runtime.store, embedder)
    assistant = Assistant(
        Deps(
            store=runtime.store,
            llm=ScriptedChat([]),
            ranker=SlowRanker(),
            searcher=ProductSearcher(runtime.store, runtime.product_index, embedder),
            vocab=CatalogVocabulary.from_store(runtime.store),
        )
    )
    app = create_app(runtime, assistant=assistant)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_server_sent_events_arrive_as_they_happen(base_url: str) -> None:
    with httpx.Client(base_url=base_url, timeout=30) as http:
        session = http.post("/api/v1/sessions", json={}).json()["session_id"]
        arrivals: list[tuple[float, str, dict[str, object]]] = []
        started = time.perf_counter()
        with http.stream(
            "POST",
            f"/api/v1/sessions/{session}/messages?stream=true",
            json={"message": "running shoes under $150"},
        ) as response:
            event = ""
            for line in response.iter_lines():
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: "):
                    arrivals.append((time.perf_counter() - started, event, json.loads(line[6:])))
    first_at, first_event, first_data = arrivals[0]
    assert (first_event, first_data["tool"]) == ("step_started", "read_message")
    assert first_at < 1.0
    texts = [t for t, name, _ in arrivals if name == "text"]
    assert len(texts) >= 2 and texts[-1] - texts[0] >= RANKING_S * 0.8
    assert arrivals[-1][1] == "reply"


def test_openai_chunks_arrive_as_they_happen(base_url: str) -> None:
    body = {
        "model": "aisle",
        "stream": True,
        "messages": [{"role": "user", "content": "running shoes under $150"}],
    }
    times: list[float] = []
    steps = 0
    started = time.perf_counter()
    with (
        httpx.Client(base_url=base_url, timeout=30) as http,
        http.stream("POST", "/v1/chat/completions", json=body) as response,
    ):
        for line in response.iter_lines():
            if not line.startswith("data: {"):
                continue
            chunk = json.loads(line[6:])
            steps += "step" in chunk.get("aisle", {})
            if chunk["choices"][0]["delta"].get("content"):
                times.append(time.perf_counter() - started)
    assert steps >= 2
    assert len(times) >= 2 and times[-1] - times[0] >= RANKING_S * 0.8
