"""The bot API in-process (httpx against the ASGI app) on a small demo shop: sessions, the JSON
reply, the server-sent event stream, feedback events, the transcript, health, docs, widget,
and the turn gate keeping the event loop free while a turn runs."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import select

from assistant.agent import Assistant
from assistant.deps import Deps
from assistant.llm.scripted import ChatRequest, Reply, ScriptedChat
from assistant.settings import Settings
from retrieval.embedder import HashEmbedder
from retrieval.search import ProductSearcher
from store.models import Event, User
from tools.vocabulary import CatalogVocabulary
from ui.api import TurnGate, create_app
from ui.api.identity import sign_identity
from ui.runtime import Runtime

pytestmark = pytest.mark.anyio

# Greetings and product requests are decided by code; the model is consulted only when the
# words decide nothing ("what's up"), and says MODEL_TEXT.
GREETING = (
    "Hi! I can find products for you and say why they fit, or help with an order or a "
    "question about our policies. What are you looking for?"
)
MODEL_TEXT = "Happy to help with that."
SECRET = "the-shop-and-aisle-share-this-secret"


def signed_in(user_id: str, secret: str = SECRET, seconds: int = 900) -> dict[str, str]:
    """The header a shop's site sends for its logged-in shopper."""
    return {"X-Aisle-Identity": sign_identity(secret, user_id, seconds)}


def brain(request: ChatRequest) -> Reply:
    return MODEL_TEXT


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Runtime:
    from store.demo.generate import generate_demo
    from store.demo.types import DemoConfig

    data_dir: Path = tmp_path_factory.mktemp("api-shop")
    runtime = Runtime(Settings(data_dir=data_dir, rate_limit_per_minute=0, identity_secret=SECRET))
    generate_demo(runtime.store, DemoConfig(products=300, users=30, seed=5))
    embedder = HashEmbedder()
    runtime.product_index.sync(runtime.store, embedder)
    runtime.help_index.sync(runtime.store, embedder)
    return runtime


def make_assistant(runtime: Runtime, llm: ScriptedChat) -> Assistant:
    searcher = ProductSearcher(runtime.store, runtime.product_index, HashEmbedder())
    vocab = CatalogVocabulary.from_store(runtime.store)
    deps = Deps(store=runtime.store, llm=llm, searcher=searcher, vocab=vocab)
    return Assistant(deps)


@pytest.fixture
async def client(runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(runtime, assistant=make_assistant(runtime, ScriptedChat(brain)))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


async def new_session(http: httpx.AsyncClient, headers: dict[str, str] | None = None) -> str:
    response = await http.post("/api/v1/sessions", headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["session_id"])


def parse_sse(text: str) -> list[tuple[str, dict[str, Any]]]:
    events = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


async def test_a_turn_as_json_and_the_transcript(client: httpx.AsyncClient) -> None:
    session_id = await new_session(client)
    assert session_id.startswith("pub-")
    response = await client.post(
        f"/api/v1/sessions/{session_id}/messages", json={"message": "hi there"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["session_id"] == session_id and body["turn"] == 0
    assert body["reply"]["kind"] == "answer" and body["reply"]["text"] == GREETING

    shoes = await client.post(
        f"/api/v1/sessions/{session_id}/messages", json={"message": "running shoes under $100"}
    )
    reply = shoes.json()["reply"]
    assert shoes.json()["turn"] == 1
    assert reply["kind"] == "recommendations" and reply["products"]
    assert all(p["price"] <= 100 for p in reply["products"])
    assert [step["tool"] for step in reply["trace"]] == ["search_products", "rank_products"]

    unclear = await client.post(
        f"/api/v1/sessions/{session_id}/messages", json={"message": "what's up"}
    )
    assert unclear.json()["reply"]["text"] == MODEL_TEXT

    transcript = (await client.get(f"/api/v1/sessions/{session_id}")).json()
    assert [t["message"] for t in transcript["turns"]] == [
        "hi there",
        "running shoes under $100",
        "what's up",
    ]
    assert transcript["turns"][1]["reply"] == reply


async def test_the_shopper_comes_from_a_signed_identity_token(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    with runtime.store.session() as s:
        first, second = s.exec(select(User.user_id).limit(2)).all()
    session_id = await new_session(client, signed_in(first))
    assert (await client.get(f"/api/v1/sessions/{session_id}")).json()["user_id"] == first

    bare = await client.post("/api/v1/sessions", json={"user_id": first})
    assert bare.status_code == 422 and "X-Aisle-Identity" in bare.json()["error"]["message"]
    refused = {
        "expired": signed_in(first, seconds=-120),
        "forged": signed_in(first, secret="not-the-secret-the-shop-was-given"),
        "unknown": signed_in("nobody_123"),
        "garbage": {"X-Aisle-Identity": "not.a.token"},
    }
    for why, headers in refused.items():
        response = await client.post("/api/v1/sessions", headers=headers)
        assert response.status_code == 401, why
        assert response.json()["error"]["type"] == "authentication_error"
    assert (
        "expired"
        in (await client.post("/api/v1/sessions", headers=refused["expired"])).json()["error"][
            "message"
        ]
    )

    # a guest who logs in on the shop's site mid-conversation; then nobody else
    guest = await new_session(client)
    url = f"/api/v1/sessions/{guest}/messages"
    assert (
        await client.post(url, json={"message": "hi"}, headers=signed_in(first))
    ).status_code == 200
    assert (await client.get(f"/api/v1/sessions/{guest}")).json()["user_id"] == first
    other = await client.post(url, json={"message": "hi"}, headers=signed_in(second))
    assert other.status_code == 409 and other.json()["error"]["type"] == "conflict_error"


@pytest.mark.parametrize("how", ["query", "accept"])
async def test_a_turn_as_server_sent_events(client: httpx.AsyncClient, how: str) -> None:
    session_id = await new_session(client)
    url = f"/api/v1/sessions/{session_id}/messages"
    body = {"message": "running shoes under $100"}
    if how == "query":
        response = await client.post(url, params={"stream": "true"}, json=body)
    else:
        response = await client.post(url, json=body, headers={"Accept": "text/event-stream"})
    assert response.headers["content-type"].startswith("text/event-stream")
    events = parse_sse(response.text)
    names = [name for name, _ in events]
    # reading the message, the search, the first sentence while ranking runs, then the rest
    assert names[:6] == [
        "step_started",
        "step_finished",
        "step_started",
        "step_finished",
        "text",
        "step_started",
    ]
    assert names[-1] == "reply" and names.count("reply") == 1
    assert all(name == data["type"] for name, data in events)
    assert [data["tool"] for name, data in events if name == "step_started"] == [
        "read_message",
        "search_products",
        "rank_products",
    ]
    final = events[-1][1]
    assert final["session_id"] == session_id and final["turn"] == 0
    assert final["reply"]["kind"] == "recommendations"


async def test_errors_are_one_json_shape(client: httpx.AsyncClient) -> None:
    missing = await client.post("/api/v1/sessions/pub-nope/messages", json={"message": "hi"})
    assert missing.status_code == 404
    assert missing.json()["error"]["type"] == "not_found_error"
    assert "POST /api/v1/sessions" in missing.json()["error"]["message"]

    session_id = await new_session(client)
    empty = await client.post(f"/api/v1/sessions/{session_id}/messages", json={"message": ""})
    assert empty.status_code == 422
    assert empty.json()["error"]["message"].startswith("invalid request: message:")
    broken = await client.post(
        f"/api/v1/sessions/{session_id}/messages",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert broken.status_code == 422 and broken.json()["error"]["type"] == "invalid_request_error"
    nowhere = await client.get("/api/v1/nothing-here")
    assert nowhere.status_code == 404 and set(nowhere.json()["error"]) == {"type", "message"}


async def test_feedback_becomes_behaviour_events(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    with runtime.store.session() as s:
        user_id = s.exec(select(User.user_id).limit(1)).one()
    session_id = await new_session(client, signed_in(user_id))
    turn = await client.post(
        f"/api/v1/sessions/{session_id}/messages", json={"message": "running shoes under $100"}
    )
    product_id = turn.json()["reply"]["products"][0]["product_id"]
    url = f"/api/v1/sessions/{session_id}/feedback"
    on_product = await client.post(url, json={"thumbs": "up", "product_id": product_id, "turn": 0})
    on_reply = await client.post(url, json={"thumbs": "down", "turn": 0})
    assert on_product.status_code == on_reply.status_code == 201
    with runtime.store.session() as s:
        events = s.exec(select(Event).where(Event.session_id == session_id)).all()
    by_id = {e.id: e for e in events}
    liked = by_id[on_product.json()["event_id"]]
    assert (liked.kind, liked.value, liked.product_id, liked.user_id) == (
        "feedback",
        1.0,
        product_id,
        user_id,
    )
    disliked = by_id[on_reply.json()["event_id"]]
    assert (disliked.value, disliked.product_id, disliked.query) == (
        -1.0,
        None,
        "running shoes under $100",
    )

    assert (await client.post(url, json={"thumbs": "up"})).status_code == 400
    assert (await client.post(url, json={"thumbs": "up", "turn": 7})).status_code == 404
    bad = await client.post(url, json={"thumbs": "up", "product_id": "no-such"})
    assert bad.status_code == 404 and "no-such" in bad.json()["error"]["message"]
    assert (await client.post(url, json={"thumbs": "meh", "turn": 0})).status_code == 422
    huge = await client.post(url, json={"thumbs": "up", "turn": 10**20})
    assert huge.status_code == 422 and "turn" in huge.json()["error"]["message"]
    assert (await client.post(url, json={"thumbs": "up", "turn": 2**62})).status_code == 422


async def test_health_docs_and_widget(client: httpx.AsyncClient) -> None:
    health = (await client.get("/healthz")).json()
    assert health["status"] == "ok" and health["store"]["ok"]
    assert health["index"]["products"] == 300 and health["index"]["help"] > 0
    assert health["ranker"] == {"state": "retrieval order", "trained": False}
    assert health["llm"] == {"backend": "ScriptedChat", "model": "scripted"}
    assert health["turns"]["concurrency"] == 1  # the embedded model: one turn at a time
    assert health["rate_limits"] == {"storage": "memory", "ok": True}
    schema = (await client.get("/openapi.json")).json()
    assert "/api/v1/sessions/{session_id}/messages" in schema["paths"]
    assert "/v1/chat/completions" in schema["paths"]
    assert "swagger" in (await client.get("/docs")).text.lower()
    page = await client.get("/widget")
    assert page.status_code == 200 and "/widget.js" in page.text
    script = await client.get("/widget.js")
    assert script.headers["content-type"].startswith("text/javascript")
    assert "/api/v1/sessions" in script.text


async def test_turns_run_off_the_event_loop_behind_the_gate(runtime: Runtime) -> None:
    release = threading.Event()

    def slow(request: ChatRequest) -> Reply:
        release.wait(10)
        return MODEL_TEXT

    app = create_app(
        runtime,
        assistant=make_assistant(runtime, ScriptedChat(slow)),
        gate=TurnGate(1, wait_seconds=0.3),
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        session_id = await new_session(http)
        url = f"/api/v1/sessions/{session_id}/messages"
        # "what's up" consults the model, which holds the turn until released
        first = asyncio.create_task(http.post(url, json={"message": "what's up"}))
        await asyncio.sleep(0.1)
        started = time.perf_counter()
        assert (await http.get("/healthz")).status_code == 200  # the loop is free
        assert time.perf_counter() - started < 2
        busy = await http.post(url, json={"message": "hello again"})
        assert busy.status_code == 503 and busy.headers["retry-after"] == "10"
        assert busy.json()["error"]["type"] == "server_busy"
        streamed = await http.post(url, params={"stream": "true"}, json={"message": "and?"})
        ((name, data),) = parse_sse(streamed.text)  # the status line went out before the wait
        assert name == "error" and data["error"]["type"] == "server_busy"
        release.set()
        assert (await first).json()["reply"]["text"] == MODEL_TEXT


async def test_the_web_ui_mounts_behind_the_api(runtime: Runtime) -> None:
    app = create_app(runtime, assistant=make_assistant(runtime, ScriptedChat(brain)), with_ui=True)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        page = await http.get("/")
        assert page.status_code == 200 and "gradio" in page.text.lower()
        assert (await http.get("/healthz")).json()["status"] == "ok"  # the API comes first
        assert (await http.get("/widget")).status_code == 200


def test_a_missing_web_ui_is_skipped_with_a_log_line(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import importlib

    from starlette.routing import Mount

    real = importlib.import_module

    def without_web_ui(name: str, package: str | None = None) -> Any:
        if name == "ui.web.app":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", without_web_ui)
    app = create_app(runtime, assistant=make_assistant(runtime, ScriptedChat(brain)), with_ui=True)
    assert "serving the API only" in caplog.text
    assert not any(isinstance(route, Mount) for route in app.routes)
