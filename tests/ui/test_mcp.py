"""``aisle mcp`` through the MCP SDK's own client, over streamable HTTP (the server on a free
loopback port) and over stdio (the server as a subprocess): search with a price cap, an
account tool without credentials, an order of another shopper, and a checkout that needs its
confirmation (tests/ui/mcp_shop.py builds the shop)."""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp_shop import BEN, BEN_ORDER, MIA, MIA_ORDER, McpFixture, build_mcp_shop, open_mcp_shop
from mcp_shop import order_count as orders_of

from assistant.settings import Settings
from ui.cli_serve import running
from ui.mcp.access import AccessDenied, Credentials, Gate
from ui.mcp.server import MCP_PATH, build_server, http_app

ROOT = Path(__file__).resolve().parents[2]
CAP_CENTS = 2500


@pytest.fixture(scope="module")
def fixture(tmp_path_factory: pytest.TempPathFactory) -> McpFixture:
    return build_mcp_shop(tmp_path_factory.mktemp("mcp"))


@pytest.fixture(scope="module")
def http_url(fixture: McpFixture) -> Iterator[str]:
    shop = open_mcp_shop(fixture.workdir)
    try:
        with running(http_app(build_server(shop), "127.0.0.1")) as url:
            yield f"{url.rstrip('/')}{MCP_PATH}"
    finally:
        shop.store.dispose()


def _headers(fixture: McpFixture, shopper: str | None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {fixture.key}"}
    if shopper:
        headers["X-Aisle-Identity"] = fixture.token(shopper)
    return headers


@asynccontextmanager
async def http_client(url: str, headers: dict[str, str]) -> AsyncIterator[Client]:
    async with (
        httpx2.AsyncClient(headers=headers, timeout=30) as http,
        Client(streamable_http_client(url, http_client=http)) as client,
    ):
        yield client


@asynccontextmanager
async def stdio_client(fixture: McpFixture, env: dict[str, str]) -> AsyncIterator[Client]:
    path = os.pathsep.join(str(p) for p in (ROOT, ROOT / "tests", ROOT / "tests" / "ui"))
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "mcp_shop", str(fixture.workdir)],
        env={"PYTHONPATH": path, **env},
    )
    async with Client(params) as client:
        yield client


def _structured(result: Any) -> dict[str, Any]:
    assert not result.is_error, result.content
    data = result.structured_content
    assert isinstance(data, dict)
    return data


def _error(result: Any) -> str:
    assert result.is_error
    return " ".join(getattr(c, "text", "") for c in result.content)


async def _search_under_cap(client: Client) -> list[dict[str, Any]]:
    found = _structured(
        await client.call_tool(
            "search_catalog",
            {"catalog": {"query": "frying pan", "filters": {"price": {"max": CAP_CENTS}}}},
        )
    )
    return list(found["products"])


def _assert_under_cap(products: list[dict[str, Any]]) -> None:
    assert products, "the fixture shop has frying pans under $25"
    for product in products:
        assert product["price_range"]["max"]["amount"] <= CAP_CENTS
        assert product["price_range"]["min"]["currency"] == "USD"
        for variant in product["variants"]:
            assert variant["price"]["amount"] <= CAP_CENTS
            assert set(variant) >= {"id", "price", "availability", "options", "title"}


def test_the_gate_counts_calls_and_failed_authentications_like_the_bot_api(
    fixture: McpFixture,
) -> None:
    shop = open_mcp_shop(fixture.workdir)
    settings = Settings(
        data_dir=fixture.workdir,
        api_keys="required",
        rate_limit_per_minute=1,
        rate_limit_burst=2,
        auth_failures_per_minute=2,
    )
    gate = Gate(settings, shop.store)
    good = Credentials(fixture.key, None, "10.0.0.1")
    assert gate.check(good).key is not None
    gate.check(good)
    with pytest.raises(AccessDenied, match=r"too many requests; retry in \d+ s"):
        gate.check(good)  # the key's burst of 2 is spent
    for _ in range(2):
        with pytest.raises(AccessDenied, match="invalid or revoked API key"):
            gate.check(Credentials("aisle_00000000_guess", None, "10.0.0.2"))
    other_key = Credentials(fixture.key, None, "10.0.0.2")
    with pytest.raises(AccessDenied, match="too many requests"):
        gate.check(other_key)  # the address failed twice: refused before its key is looked at
    shop.store.dispose()


def test_http_search_with_a_price_cap_returns_only_products_under_it(
    fixture: McpFixture, http_url: str
) -> None:
    async def main() -> None:
        async with http_client(http_url, _headers(fixture, None)) as client:
            names = {t.name for t in (await client.list_tools()).tools}
            assert {"search_catalog", "lookup_catalog", "get_product", "get_order"} <= names
            assert {"checkout", "complete_checkout"} <= names
            products = await _search_under_cap(client)
            _assert_under_cap(products)
            assert "1001" in {p["id"] for p in products}  # the 20 cm and 24 cm pans fit
            pan = next(p for p in products if p["id"] == "1001")
            assert {v["id"] for v in pan["variants"]} == {"1001-01", "1001-02"}  # not $26.99

            found = _structured(
                await client.call_tool("lookup_catalog", {"catalog": {"ids": ["1001-03"]}})
            )
            assert [p["id"] for p in found["products"]] == ["1001"]
            assert len(found["products"][0]["variants"]) == 3

    anyio.run(main)


def test_http_account_tools_need_the_key_and_the_shoppers_token(
    fixture: McpFixture, http_url: str
) -> None:
    async def main() -> None:
        async with http_client(http_url, {}) as client:  # no key at all
            text = _error(await client.call_tool("search_catalog", {"catalog": {"query": "pan"}}))
            assert "needs an API key" in text
        async with http_client(http_url, _headers(fixture, None)) as client:  # key, no shopper
            text = _error(await client.call_tool("get_order", {"id": MIA_ORDER}))
            assert "needs the shopper's identity" in text
        forged = {**_headers(fixture, None), "X-Aisle-Identity": "not-a-token"}
        async with http_client(http_url, forged) as client:
            text = _error(await client.call_tool("get_order", {"id": MIA_ORDER}))
            assert "invalid identity token" in text
        async with http_client(http_url, _headers(fixture, MIA)) as client:
            order = _structured(await client.call_tool("get_order", {"id": "W1000001"}))
            assert order["id"] == MIA_ORDER
            assert order["metadata"]["status"] == "delivered"
            assert order["line_items"][0]["item"]["id"] == "1001-01"
            assert order["line_items"][0]["status"] == "fulfilled"
            text = _error(await client.call_tool("get_order", {"id": BEN_ORDER}))
            assert "not one of the signed-in customer's orders" in text

    anyio.run(main)


def test_http_checkout_places_nothing_until_its_proposal_is_confirmed(
    fixture: McpFixture, http_url: str
) -> None:
    shop = open_mcp_shop(fixture.workdir)
    before = orders_of(shop.store, MIA)

    async def main() -> None:
        async with http_client(http_url, _headers(fixture, MIA)) as client:
            proposed = _structured(await client.call_tool("checkout", {"item_id": "1001-02"}))
            assert proposed["status"] == "requires_confirmation"
            assert "Everyday Non-Stick Frying Pan for $22.99" in proposed["summary"]
            assert orders_of(shop.store, MIA) == before  # proposed, not placed
            proposal = proposed["proposal_id"]

            async with http_client(http_url, _headers(fixture, BEN)) as other:
                text = _error(await other.call_tool("complete_checkout", {"id": proposal}))
                assert "no checkout" in text  # another shopper cannot confirm it
            text = _error(await client.call_tool("complete_checkout", {"id": "made-up"}))
            assert "no checkout" in text
            assert orders_of(shop.store, MIA) == before

            done = _structured(await client.call_tool("complete_checkout", {"id": proposal}))
            assert "Order placed" in done["text"]
            assert orders_of(shop.store, MIA) == before + 1
            again = _error(await client.call_tool("complete_checkout", {"id": proposal}))
            assert "already made" in again
            assert orders_of(shop.store, MIA) == before + 1

    try:
        anyio.run(main)
    finally:
        shop.store.dispose()


def test_stdio_search_refusal_and_confirmation(fixture: McpFixture) -> None:
    shop = open_mcp_shop(fixture.workdir)
    before = orders_of(shop.store, MIA)

    async def main() -> None:
        async with stdio_client(fixture, {"AISLE_API_KEY": fixture.key}) as guest:
            _assert_under_cap(await _search_under_cap(guest))
            text = _error(await guest.call_tool("get_order", {"id": MIA_ORDER}))
            assert "AISLE_IDENTITY_TOKEN" in text
        env = {"AISLE_API_KEY": fixture.key, "AISLE_IDENTITY_TOKEN": fixture.token(MIA)}
        async with stdio_client(fixture, env) as client:
            proposed = _structured(await client.call_tool("checkout", {"item_id": "1001-01"}))
            assert orders_of(shop.store, MIA) == before
            done = _structured(
                await client.call_tool("complete_checkout", {"id": proposed["proposal_id"]})
            )
            assert "Order placed" in done["text"]
        assert orders_of(shop.store, MIA) == before + 1

    try:
        anyio.run(main)
    finally:
        shop.store.dispose()


@pytest.mark.slow
def test_the_aisle_mcp_command_over_stdio(tmp_path: Path) -> None:
    """The real command: an imported, MiniLM-indexed shop served by `aisle mcp` (about a
    minute on 2 cores: the embedder loads in the server)."""
    from typer.testing import CliRunner

    from ui.cli import app

    data = tmp_path / "data"
    source = ROOT / "eval" / "data" / "shops" / "formats" / "acp_voltline.jsonl"
    for args in (["import", "catalog", str(source)], ["index"]):
        result = CliRunner().invoke(app, ["--data-dir", str(data), *args])
        assert result.exit_code == 0, result.output
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "ui.cli", "--data-dir", str(data), "mcp"],
        env={"PYTHONPATH": str(ROOT), "AISLE_API_KEYS": "off"},
    )

    async def main() -> None:
        async with Client(params, read_timeout_seconds=120) as client:
            found = _structured(
                await client.call_tool(
                    "search_catalog",
                    {"catalog": {"query": "headphones", "filters": {"price": {"max": 15000}}}},
                )
            )
            titles = [p["title"] for p in found["products"]]
            assert "Kids Volume-Limited Headphones" in titles
            assert all(p["price_range"]["max"]["amount"] <= 15000 for p in found["products"])
            text = _error(await client.call_tool("get_order", {"id": "#W0000001"}))
            assert "AISLE_IDENTITY_TOKEN" in text

    anyio.run(main)
