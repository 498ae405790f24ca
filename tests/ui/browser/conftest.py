"""The web chat running for real on loopback, for ``gradio_client`` and browser tests.

One small demo shop (200 products, seeded) indexed with the HashEmbedder, an assistant whose
LLM is a scripted "brain" (deterministic, no weights), and the UI mounted on FastAPI served by
uvicorn in a background thread on a free port (``web_url``); the API app with its docs page is
served the same way when a test asks (``api_url``), and so is the chat with the embedded
model in place of the brain, for ``llm`` tests (``llm_web_url``). Everything is stopped after
its session or module.

The brain routes on the shopper's words the way a small model is asked to: product words go
to ``search_products``, "help me choose" adds a clarifying question, "compare" compares the
first two results, "cancel ... #W..." proposes the cancellation, "return" asks the help center.

Screenshots go to ``test-artifacts/ui-browser/`` at the repository root (git-ignored), or to
``$AISLE_TEST_ARTIFACTS`` when set.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI

from assistant.agent import Assistant
from assistant.deps import Deps, Limits
from assistant.llm.scripted import ChatRequest, Reply, ScriptedChat, call
from assistant.settings import Settings
from retrieval.embedder import HashEmbedder
from retrieval.help import HelpIndex, HelpSearcher
from retrieval.index import ProductIndex, open_chroma
from retrieval.search import ProductSearcher
from store.db import Store, open_store, sqlite_url
from store.demo.generate import generate_demo
from store.demo.types import DemoConfig
from tools.vocabulary import CatalogVocabulary
from ui.runtime import Runtime

REPO = Path(__file__).resolve().parents[3]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ORDER_ID = re.compile(r"#?W\d{5,}")


def _user_text(request: ChatRequest) -> tuple[str, list[str]]:
    """The shopper's latest message and the tools that ran after it, in order (the agent's
    own reads in code come first, as for a real model)."""
    tools: list[str] = []
    for message in reversed(request.messages):
        if message.role == "user":
            return message.content, tools[::-1]
        if message.role == "assistant":
            tools.extend(c.name for c in reversed(message.tool_calls))
    return "", tools[::-1]


def shop_brain(request: ChatRequest) -> Reply:
    """A deterministic stand-in for the LLM (see the module docstring)."""
    text, ran = _user_text(request)
    lowered = text.lower()
    order = ORDER_ID.search(text)
    if "cancel" in lowered and order and "cancel_pending_order" not in ran:
        return call("cancel_pending_order", order_id=order.group(0), reason="no longer needed")
    if ran:  # after a tool result
        if "help me choose" in lowered and ran == ["search_products"]:
            return call("ask_clarifying_question")
        return "Here is what I found."
    if lowered.startswith("compare"):
        return call("compare_products", product_ids=["1", "2"])
    if "return" in lowered or "policy" in lowered:
        return call("search_help_center", query=text)
    return call("search_products", query=text)


@dataclass
class WebShop:
    root: Path
    runtime: Runtime
    store: Store
    assistant: Assistant


@pytest.fixture(scope="session")
def web_shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebShop]:
    root = tmp_path_factory.mktemp("web-shop")
    settings = Settings(data_dir=root, demo=True)  # the tests sign in with the demo picker
    store = open_store(sqlite_url(settings.sqlite_path))
    generate_demo(store, DemoConfig(products=200, users=20, seed=5))
    embedder, client = HashEmbedder(), open_chroma(settings.chroma_path)
    products, help_index = ProductIndex(client), HelpIndex(client)
    products.sync(store, embedder)
    help_index.sync(store, embedder)
    assistant = Assistant(
        Deps(
            store=store,
            llm=ScriptedChat(shop_brain),
            searcher=ProductSearcher(store, products, embedder),
            help_searcher=HelpSearcher(store, help_index, embedder),
            vocab=CatalogVocabulary.from_store(store),
            limits=Limits(),
        )
    )
    runtime = Runtime(settings)
    runtime.__dict__["store"] = store  # the cached property, filled: one engine for all
    yield WebShop(root, runtime, store, assistant)
    store.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(app: FastAPI, name: str) -> Iterator[str]:
    """``app`` served by uvicorn on a free loopback port in a background thread; its URL."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=3
        )
    )
    thread = threading.Thread(target=server.run, name=name, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not start on port {port}")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@pytest.fixture(scope="session")
def web_url(web_shop: WebShop) -> Iterator[str]:
    """The chat served for the whole session."""
    from ui.web.app import mount_ui  # imports Gradio (seconds): only when a test needs it

    with serve(
        mount_ui(FastAPI(), web_shop.runtime, assistant=web_shop.assistant), "aisle-web-test"
    ) as url:
        yield url


@pytest.fixture(scope="module")
def llm_web_url(
    web_shop: WebShop, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The same shop and chat with the embedded model asked on every turn
    (``consult="always"``, no prefill between turns), for ``llm`` tests; skipped, saying why,
    without its weight packages. The GGUF is assembled as tests/assistant's ``gguf_for`` does."""
    from assistant.llm import LlamaCppChat
    from assistant.llm.errors import WeightsMissing
    from assistant.llm.weights import DEFAULT_MODEL, ensure_gguf, locate_parts
    from ui.web.app import mount_ui

    try:
        locate_parts(DEFAULT_MODEL)
    except WeightsMissing as exc:
        pytest.skip(f"the {DEFAULT_MODEL.title} weights are not installed: {exc}")
    cache = getattr(request.config, "cache", None)  # keeps the assembled ~1 GB between runs
    where = cache.mkdir("aisle-llm") if cache else tmp_path_factory.mktemp("llm")
    llm = LlamaCppChat(ensure_gguf(DEFAULT_MODEL, where, progress=False))
    assistant = Assistant(
        replace(
            web_shop.assistant.deps,
            llm=llm,
            limits=Limits(consult="always", prefill_between_turns=False),
        )
    )
    with serve(
        mount_ui(FastAPI(), web_shop.runtime, assistant=assistant), "aisle-web-llm-test"
    ) as url:
        yield url


@pytest.fixture(scope="session")
def api_url(web_shop: WebShop) -> Iterator[str]:
    """The API app (``create_app``, no chat) over the same shop, for the docs page."""
    from ui.api import create_app

    with serve(create_app(web_shop.runtime, assistant=web_shop.assistant), "aisle-api-test") as url:
        yield url


@pytest.fixture(scope="session")
def artifacts() -> Path:
    where = Path(os.environ.get("AISLE_TEST_ARTIFACTS") or REPO / "test-artifacts") / "ui-browser"
    where.mkdir(parents=True, exist_ok=True)
    return where


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium driven by Playwright (never a downloaded browser); the tests that use
    it are skipped, saying why, when it is missing (``.ci/run`` installs it with apt)."""
    if not CHROMIUM.exists():
        pytest.skip(
            "Debian chromium is not installed at /usr/bin/chromium "
            "(apt-get install -y chromium; .ci/run does this)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
