"""The conversation's own cart and checkout tools (``tools.cart``, ``tools.checkout``) through
``aisle mcp`` over streamable HTTP, with the SDK's client: a cart for the verified shopper
only, and an order placed only by ``complete_checkout`` with the proposal ``checkout``
returned, once. Skipped in a code base without those modules."""

from __future__ import annotations

from collections.abc import Iterator

import anyio
import pytest
from mcp_shop import BEN, MIA, MIA_GIFT_CARD, McpFixture, build_mcp_shop, open_mcp_shop
from mcp_shop import order_count as orders_of
from test_mcp import _error, _headers, _structured, http_client

from store.models import PaymentMethod
from ui.cli_serve import running
from ui.mcp.commerce import commerce_tools
from ui.mcp.server import MCP_PATH, build_server, http_app
from ui.mcp.shop import McpShop

pytest.importorskip("tools.checkout", reason="no cart and checkout tools in this code base")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[McpFixture, McpShop, str]]:
    fixture = build_mcp_shop(tmp_path_factory.mktemp("mcp-cart"))
    shop = open_mcp_shop(fixture.workdir, commerce=commerce_tools())
    try:
        with running(http_app(build_server(shop), "127.0.0.1")) as url:
            yield fixture, shop, f"{url.rstrip('/')}{MCP_PATH}"
    finally:
        shop.store.dispose()


def _balance(shop: McpShop) -> float:
    with shop.store.session() as session:
        card = session.get(PaymentMethod, MIA_GIFT_CARD)
        assert card is not None and card.balance is not None
        return card.balance


def test_checkout_over_mcp_needs_its_confirmation(served: tuple[McpFixture, McpShop, str]) -> None:
    fixture, shop, url = served
    before = orders_of(shop.store, MIA)

    async def main() -> None:
        async with http_client(url, _headers(fixture, None)) as guest:
            text = _error(await guest.call_tool("add_to_cart", {"product_id": "1001"}))
            assert "needs the shopper's identity" in text
        async with http_client(url, _headers(fixture, MIA)) as client:
            names = {t.name for t in (await client.list_tools()).tools}
            assert {"add_to_cart", "view_cart", "checkout", "complete_checkout"} <= names
            added = _structured(
                await client.call_tool(
                    "add_to_cart", {"product_id": "1001", "options": {"size": "24 cm"}}
                )
            )
            assert added["result"]["kind"] == "added"
            assert added["result"]["line"]["item_id"] == "1001-02"
            cart = _structured(await client.call_tool("view_cart", {}))
            assert cart["result"]["total"] == 22.99

            proposed = _structured(
                await client.call_tool("checkout", {"payment_method_id": MIA_GIFT_CARD})
            )
            assert proposed["status"] == "requires_confirmation"
            assert "Total: $22.99" in proposed["summary"]
            assert orders_of(shop.store, MIA) == before
            assert _balance(shop) == 100.0

            async with http_client(url, _headers(fixture, BEN)) as other:
                text = _error(
                    await other.call_tool("complete_checkout", {"id": proposed["proposal_id"]})
                )
                assert "no checkout" in text

            done = _structured(
                await client.call_tool("complete_checkout", {"id": proposed["proposal_id"]})
            )
            assert "is placed" in done["text"]
            assert orders_of(shop.store, MIA) == before + 1
            assert _balance(shop) == pytest.approx(77.01)
            again = _error(
                await client.call_tool("complete_checkout", {"id": proposed["proposal_id"]})
            )
            assert "already made" in again
            assert orders_of(shop.store, MIA) == before + 1

    anyio.run(main)
