"""``aisle mcp``: serve the shop to other agents over the Model Context Protocol.

Over stdio (an MCP client launches the command) the shop's API key and the shopper's identity
token come from ``--api-key`` / ``--identity-token`` or ``AISLE_API_KEY`` /
``AISLE_IDENTITY_TOKEN``; over HTTP every client sends its own as headers, so none are taken
here. Nothing but MCP messages goes to stdout.

Not here: the server (``ui.mcp.server``) or the tools (``ui.mcp.shop``).
"""

from __future__ import annotations

from typing import Annotated

import typer

from store.errors import AisleError
from tools.vocabulary import CatalogVocabulary
from ui.cli_common import errors, settings_of
from ui.mcp.access import Credentials, Gate
from ui.mcp.commerce import commerce_tools
from ui.mcp.server import MCP_PATH, Transport, build_server, run
from ui.mcp.shop import McpShop
from ui.runtime import Runtime

DEFAULT_PORT = 8765


def open_shop(runtime: Runtime) -> McpShop:
    """The MCP tools' parts from the runtime: the chat's searcher, ranker and vocabulary."""
    store = runtime.store
    return McpShop(
        store=store,
        gate=Gate(runtime.settings, store),
        searcher=runtime.product_searcher(),
        ranker=runtime.ranker,
        vocab=CatalogVocabulary.from_store(store),
        commerce=commerce_tools(),
        checkout_url=runtime.settings.checkout_url,
    )


def mcp_command(
    ctx: typer.Context,
    transport: Annotated[
        str, typer.Option(help="stdio (launched by an MCP client) or http (streamable HTTP).")
    ] = "stdio",
    host: Annotated[str, typer.Option(help="Address to listen on (http).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port (http).")] = DEFAULT_PORT,
    api_key: Annotated[
        str | None,
        typer.Option(
            envvar="AISLE_API_KEY", help="The shop's API key (stdio).", show_default=False
        ),
    ] = None,
    identity_token: Annotated[
        str | None,
        typer.Option(
            envvar="AISLE_IDENTITY_TOKEN",
            help="The shop's signed identity token for the shopper (stdio).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Serve catalog search, product lookup, orders, cart and checkout as MCP tools."""
    with errors():
        if transport not in ("stdio", "http"):
            raise AisleError(f"--transport is stdio or http, not {transport!r}")
        if transport == "http" and (api_key or identity_token):
            raise AisleError(
                "over HTTP each client sends its own credentials as headers (Authorization: "
                "Bearer <key>, X-Aisle-Identity: <token>); --api-key and --identity-token "
                "are for stdio"
            )
        shop = open_shop(Runtime(settings_of(ctx)))
        fixed = Credentials(api_key, identity_token) if transport == "stdio" else None
        server = build_server(shop, fixed)
        chosen: Transport = "http" if transport == "http" else "stdio"
        if chosen == "http":
            typer.echo(f"MCP endpoint: http://{host}:{port}{MCP_PATH}", err=True)
        run(server, chosen, host, port)
