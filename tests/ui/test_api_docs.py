"""``/docs`` without a CDN (``ui.api.docs``): the page names only same-origin URLs, each of
them answers with the right content type, and neither the page nor its assets need an API key.
The store is empty and the assistant only greets: docs need no catalog."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from assistant.agent import Assistant
from assistant.deps import Deps
from assistant.llm.scripted import ScriptedChat
from assistant.settings import Settings
from ui.api import create_app
from ui.api.keys import create_key
from ui.runtime import Runtime

pytestmark = pytest.mark.anyio

# Every URL in an attribute or in the script's ``url: '...'`` (the schema's address).
URLS = re.compile(r"""(?:href|src)="([^"]*)"|url: '([^']*)'""")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[FastAPI]:
    runtime = Runtime(Settings(data_dir=tmp_path, api_keys="required"))
    greeter = Assistant(Deps(store=runtime.store, llm=ScriptedChat(lambda _: "Hello!")))
    yield create_app(runtime, assistant=greeter)
    runtime.store.dispose()


@pytest.fixture
async def http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def page_urls(html: str) -> list[str]:
    return [a or b for a, b in URLS.findall(html)]


async def test_docs_page_names_only_same_origin_urls(http: httpx.AsyncClient) -> None:
    page = await http.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page_urls(page.text) == [
        "/docs/assets/swagger-ui.css",
        "/docs/assets/favicon-32x32.png",
        "/docs/assets/swagger-ui-bundle.js",
        "/openapi.json",
    ]
    assert "http://" not in page.text and "https://" not in page.text and "cdn" not in page.text


async def test_docs_assets_answer_with_their_content_types(http: httpx.AsyncClient) -> None:
    script = await http.get("/docs/assets/swagger-ui-bundle.js")
    assert script.status_code == 200
    assert script.headers["content-type"] == "text/javascript; charset=utf-8"
    assert "SwaggerUIBundle" in script.text and len(script.content) > 1_000_000
    style = await http.get("/docs/assets/swagger-ui.css")
    assert style.status_code == 200
    assert style.headers["content-type"] == "text/css; charset=utf-8"
    assert ".swagger-ui" in style.text
    icon = await http.get("/docs/assets/favicon-32x32.png")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/png"
    assert icon.content.startswith(b"\x89PNG")
    schema = await http.get("/openapi.json")
    assert schema.status_code == 200 and schema.json()["openapi"].startswith("3.1")
    # Only the files the page loads: not the rest of the package (its demo index.html).
    assert (await http.get("/docs/assets/index.html")).status_code == 404
    assert (await http.get("/docs/assets/no-such.js")).status_code == 404


async def test_docs_need_no_key_where_the_api_does(app: FastAPI, http: httpx.AsyncClient) -> None:
    create_key(app.state.aisle.store, "shop-a")
    assert (await http.post("/api/v1/sessions", json={})).status_code == 401
    assert (await http.get("/docs")).status_code == 200
    assert (await http.get("/docs/assets/swagger-ui.css")).status_code == 200
    assert (await http.get("/openapi.json")).status_code == 200


async def test_docs_under_a_path_prefix_keep_it(app: FastAPI) -> None:
    transport = httpx.ASGITransport(app=app, root_path="/shop")
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        page = await client.get("/docs")
    assert page_urls(page.text) == [
        "/shop/docs/assets/swagger-ui.css",
        "/shop/docs/assets/favicon-32x32.png",
        "/shop/docs/assets/swagger-ui-bundle.js",
        "/shop/openapi.json",
    ]
