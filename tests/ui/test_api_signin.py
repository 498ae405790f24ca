"""Every door of ``aisle serve`` behind the same keys and limits, with the web chat mounted: the
chat's sign-in (``ui.api.signin``), failed authentications answered 429 past their limit, body
limits and rate limits on the chat's own routes, our JSON 404 under ``/api/`` and ``/v1/``,
and the demo shopper picker only in demo mode. The store is a small demo shop; the assistant
only greets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant.agent import Assistant
from assistant.deps import Deps
from assistant.llm.scripted import ScriptedChat
from assistant.settings import Settings
from store.demo.generate import generate_demo
from store.demo.types import DemoConfig
from ui.api import create_app
from ui.api.keys import create_key, revoke_key
from ui.api.signin import COOKIE
from ui.cli_serve import running
from ui.runtime import Runtime
from ui.web.views import demo_shoppers


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("doors")
    runtime = Runtime(Settings(data_dir=root))
    generate_demo(runtime.store, DemoConfig(products=100, users=10, seed=3))
    runtime.store.dispose()
    yield root


def served(root: Path, **settings: Any) -> tuple[Runtime, FastAPI]:
    runtime = Runtime(Settings(data_dir=root, **settings))
    greeter = Assistant(Deps(store=runtime.store, llm=ScriptedChat(lambda _: "Hello!")))
    return runtime, create_app(runtime, assistant=greeter, with_ui=True)


def client(app: FastAPI) -> TestClient:
    return TestClient(app, follow_redirects=False)


@pytest.fixture
def keyed(shop: Path) -> Iterator[tuple[Runtime, FastAPI, str]]:
    """The chat with keys on (auto, one key), limits off."""
    runtime, app = served(shop, rate_limit_per_minute=0)
    key, info = create_key(runtime.store, "shop-a")
    yield runtime, app, key
    revoke_key(runtime.store, info.prefix)
    runtime.store.dispose()


HTML = {"Accept": "text/html"}


def test_the_web_chat_asks_for_a_key_once_keys_are_on(keyed: tuple[Runtime, FastAPI, str]) -> None:
    _, app, key = keyed
    with client(app) as http:
        page = http.get("/", headers=HTML)
        assert page.status_code == 303 and page.headers["location"] == "/signin?next=/"
        for path in ("/config", "/gradio_api/info"):
            closed = http.get(path)
            assert closed.status_code == 401, path
            assert closed.json()["error"]["type"] == "authentication_error"
        join = http.post("/gradio_api/queue/join", json={"data": ["hi"], "fn_index": 0})
        assert join.status_code == 401
        assert (http.get("/healthz")).status_code == 200  # open: ops, docs, widget
        assert (http.get("/widget.js")).status_code == 200
        form = http.get("/signin")
        assert form.status_code == 200 and 'name="key"' in form.text

        wrong = http.post("/signin", data={"key": key + "x", "next": "/"})
        assert wrong.status_code == 401 and "unknown or revoked" in wrong.text
        assert COOKIE not in wrong.cookies
        away = http.post("/signin", data={"key": key, "next": "//evil.example/"})
        assert away.headers["location"] == "/"  # no open redirect
        signed = http.post("/signin", data={"key": key, "next": "/"})
        assert signed.status_code == 303 and signed.cookies[COOKIE] == key
        assert "httponly" in signed.headers["set-cookie"].lower()
        assert (http.get("/", headers=HTML)).status_code == 200  # the cookie is sent
        assert (http.get("/config")).status_code == 200

        http.cookies.clear()
        assert (http.get("/config", headers={"X-API-Key": key})).status_code == 200
        assert (http.get("/config", headers={"Authorization": f"Bearer {key}"})).status_code == 200


def test_gradio_client_needs_the_key_too(keyed: tuple[Runtime, FastAPI, str]) -> None:
    from gradio_client import Client

    _, app, key = keyed
    with running(app) as url:
        with pytest.raises(Exception):  # noqa: B017  (gradio_client's own error types vary)
            Client(url, verbose=False)
        signed = Client(url, verbose=False, headers={"Authorization": f"Bearer {key}"})
        try:
            endpoints = signed.view_api(print_info=False, return_format="dict")
            assert "/send" in endpoints["named_endpoints"]
            assert "/sign_in" not in endpoints["named_endpoints"]  # no picker: not demo mode
            history, box = signed.predict("hi", [], api_name="/send")
            assert box == "" and history[0]["content"] in ("hi", [{"type": "text", "text": "hi"}])
        finally:
            signed.close()


def test_sixty_bad_keys_in_a_burst_get_429(shop: Path) -> None:
    runtime, app = served(
        shop, api_keys="required", rate_limit_per_minute=0, auth_failures_per_minute=10
    )
    with client(app) as http:
        codes = [
            http.get("/v1/models", headers={"Authorization": f"Bearer aisle_{n:08x}_x"}).status_code
            for n in range(60)
        ]
        assert codes[:10] == [401] * 10 and codes[10:] == [429] * 50
        limited = http.get("/v1/models")
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
        assert limited.json()["error"]["type"] == "rate_limit_error"
        # the sign-in page counts against the same address, and a bad identity token too
        assert http.post("/signin", data={"key": "x"}).status_code == 429
        token = http.post("/api/v1/sessions", headers={"X-Aisle-Identity": "x.y.z"})
        assert token.status_code == 429
    runtime.store.dispose()


def test_bodies_are_bounded_and_errors_are_ours_on_every_path(shop: Path) -> None:
    runtime, app = served(shop, rate_limit_per_minute=0)
    with client(app) as http:
        big = http.post(
            "/gradio_api/queue/join",
            content=b"x" * 2_000_000,
            headers={"Content-Type": "application/json"},
        )
        assert big.status_code == 413
        assert big.json() == {
            "error": {
                "type": "request_too_large",
                "message": "request body larger than 1048576 bytes",
            }
        }

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted while read
            for _ in range(300):
                yield b"y" * 4096

        streamed = http.post("/gradio_api/queue/join", content=chunks())
        assert streamed.status_code == 413
        for path in ("/api/v1/nothing-here", "/api/other", "/v1/engines"):
            missing = http.get(path)
            assert missing.status_code == 404, path
            assert missing.json()["error"]["type"] == "not_found_error"
            assert "/docs" in missing.json()["error"]["message"]
        assert http.post("/api/v1/x/y").status_code == 404
        # the web chat's own errors in our shape, Gradio's detail kept for its page
        invalid = http.post("/gradio_api/queue/join", json={})
        assert invalid.status_code == 422
        assert invalid.json()["error"]["type"] == "invalid_request_error"
        assert isinstance(invalid.json()["detail"], list)
        unknown = http.get("/gradio_api/file=/etc/passwd")
        assert unknown.status_code >= 400 and set(unknown.json()) >= {"error"}
    runtime.store.dispose()


def test_the_web_chats_events_are_rate_limited(shop: Path) -> None:
    runtime, app = served(shop, rate_limit_per_minute=1, rate_limit_burst=1)
    with client(app) as http:
        codes = [http.post("/gradio_api/queue/join", json={}).status_code for _ in range(4)]
        assert all(code != 429 for code in codes[:3])  # three events per turn
        assert codes[3] == 429
        assert http.get("/config").status_code == 200  # reading the page is not counted
    runtime.store.dispose()


def test_the_demo_picker_exists_only_in_demo_mode(shop: Path) -> None:
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    for demo in (False, True):
        runtime, app = served(shop, rate_limit_per_minute=0, demo=demo)
        with running(app) as url:
            chat = Client(url, verbose=False)
            try:
                endpoints = chat.view_api(print_info=False, return_format="dict")
                assert ("/sign_in" in endpoints["named_endpoints"]) is demo
                config = httpx.get(f"{url}config").text
                assert ("Demo shoppers have orders" in config) is demo
                if demo:
                    listed = demo_shoppers(runtime.store)[0][1]
                    history, _ = chat.predict(listed, api_name="/sign_in")
                    assert history == []
                    with pytest.raises(AppError):
                        chat.predict("nobody_0000", api_name="/sign_in")
            finally:
                chat.close()
        runtime.store.dispose()
