"""``aisle mcp``: Aisle's catalog, orders, cart and checkout as an MCP server (the official
``mcp`` SDK's ``MCPServer``), over stdio or streamable HTTP.

Tools, named as the Universal Commerce Protocol's MCP binding names them (``ui.mcp.ucp`` cites
the spec), with UCP's argument nesting (``catalog: {...}``) and result shapes:

- ``search_catalog``  ``catalog.query`` and ``catalog.filters`` (``categories``, ``price``
  {``min``, ``max``} in cents, and Aisle's ``brands``, ``attributes``, ``min_rating``,
  ``in_stock``): the chat's search, ranker included;
- ``lookup_catalog``  ``catalog.ids``: products by product or variant id;
- ``get_product``     ``catalog.id``: one product with every variant;
- ``get_order``       ``id``: one of the verified shopper's orders (account tool);
- ``add_to_cart``, ``view_cart``, ``update_cart_item``, ``remove_from_cart``, ``checkout``:
  the conversation's own tools with their own schemas (account tools; ``ui.mcp.commerce``);
  ``checkout`` returns a ``proposal_id`` and places nothing;
- ``complete_checkout`` ``id``: places the order of that checkout proposal, once. Its
  annotations mark it destructive, so MCP clients ask their user before calling it.

Every call checks the caller's credentials first (``ui.mcp.access``); a refusal is a tool
error (``isError``) whose text says what to send.

Not here: the operations (``ui.mcp.shop``), opening the shop's parts (``ui.cli_mcp``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any, Literal

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import ToolAnnotations
from pydantic import BaseModel, Field
from starlette.applications import Starlette

from tools.base import Tool
from ui.mcp import ucp
from ui.mcp.access import AccessDenied, Caller, Credentials
from ui.mcp.shop import McpShop, SearchFilters, ToolFailed

Transport = Literal["stdio", "http"]
MCP_PATH = "/mcp"

INSTRUCTIONS = """\
Aisle, a shop's catalog and account tools. Search with search_catalog (prices in cents), look
products up with lookup_catalog or get_product. Account tools (get_order, the cart, checkout)
act for the shopper the shop's identity token names. checkout only proposes: show the shopper
its summary and call complete_checkout with its proposal_id only after their explicit yes."""


class Page(BaseModel):
    limit: int = Field(default=10, ge=1, le=50, description="Requested page size.")


class SearchRequest(BaseModel):
    query: str = Field(description="Free-text search query, such as 'waterproof hiking boots'.")
    filters: SearchFilters | None = Field(
        default=None,
        description="categories (the first is used), price {min, max} in cents, brands, "
        "attributes such as {'color': 'Black'}, min_rating 0-5, in_stock.",
    )
    pagination: Page | None = None


class LookupRequest(BaseModel):
    ids: list[str] = Field(min_length=1, max_length=50, description="Product or variant ids.")


class ProductRequest(BaseModel):
    id: str = Field(max_length=64, description="A product or variant id.")


class ProductResponse(BaseModel):
    product: ucp.Product


Meta = Annotated[
    dict[str, Any] | None,
    Field(description="UCP request metadata (ucp-agent profile); optional here."),
]


def build_server(shop: McpShop, fixed: Credentials | None = None) -> MCPServer:
    """The server over ``shop``. ``fixed`` credentials (stdio) are used for every call;
    without them each request's HTTP headers are read."""
    server = MCPServer("aisle", instructions=INSTRUCTIONS)

    def caller(ctx: Context) -> Caller:
        presented = (
            fixed
            if fixed is not None
            else Credentials.from_headers(ctx.headers, _client_address(ctx))
        )
        try:
            return shop.gate.check(presented)
        except AccessDenied as exc:
            raise ToolError(str(exc)) from None

    def run(work: Callable[[], Any]) -> Any:
        try:
            return work()
        except (AccessDenied, ToolFailed) as exc:
            raise ToolError(str(exc)) from None

    read_only = ToolAnnotations(read_only_hint=True, destructive_hint=False)

    @server.tool(annotations=read_only)
    def search_catalog(
        catalog: SearchRequest, ctx: Context, meta: Meta = None
    ) -> ucp.SearchResponse:
        """Search the shop's catalog. Filters are hard constraints: every product returned,
        and every variant listed, meets them. Prices are in cents."""
        who = caller(ctx)
        limit = catalog.pagination.limit if catalog.pagination else 10
        result: ucp.SearchResponse = run(
            lambda: shop.search(who, catalog.query, catalog.filters, limit)
        )
        return result

    @server.tool(annotations=read_only)
    def lookup_catalog(
        catalog: LookupRequest, ctx: Context, meta: Meta = None
    ) -> ucp.LookupResponse:
        """Look products up by product or variant id."""
        caller(ctx)
        result: ucp.LookupResponse = run(lambda: shop.lookup(catalog.ids))
        return result

    @server.tool(annotations=read_only)
    def get_product(catalog: ProductRequest, ctx: Context, meta: Meta = None) -> ProductResponse:
        """One product with all its variants, by product or variant id."""
        caller(ctx)
        return ProductResponse(product=run(lambda: shop.get_product(catalog.id)))

    @server.tool(annotations=read_only)
    def get_order(
        id: Annotated[str, Field(max_length=64, description="The order id, such as '#W0000000'.")],
        ctx: Context,
        meta: Meta = None,
    ) -> ucp.OrderOut:
        """The current state of one of the signed-in shopper's orders."""
        who = caller(ctx)
        result: ucp.OrderOut = run(lambda: shop.get_order(who, id))
        return result

    commerce = list(shop.commerce) if shop.commerce is not None else []
    for tool in commerce:
        server.add_tool(
            _commerce_function(
                tool, lambda ctx, name, args: run(lambda: shop.call(caller(ctx), name, args))
            ),
            name=tool.name,
            description=tool.description
            + (
                " Only proposes: returns a proposal_id for complete_checkout." if tool.write else ""
            ),
            annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False),
        )
    if any(t.write for t in commerce):

        @server.tool(
            annotations=ToolAnnotations(
                read_only_hint=False, destructive_hint=True, idempotent_hint=True
            )
        )
        def complete_checkout(
            id: Annotated[
                str, Field(max_length=64, description="The proposal_id checkout returned.")
            ],
            ctx: Context,
            meta: Meta = None,
        ) -> dict[str, Any]:
            """Place the order a checkout proposal describes, after the shopper's explicit yes
            to its summary. Runs once; a second call reports what the first did."""
            who = caller(ctx)
            result: dict[str, Any] = run(lambda: shop.complete_checkout(who, id))
            return result

    return server


def _client_address(ctx: Context) -> str:
    """The HTTP client's address (the bot API's rate-limit bucket without a key)."""
    client = getattr(ctx.request_context.request, "client", None)
    return str(getattr(client, "host", None) or "unknown")


def _commerce_function(
    tool: Tool, call: Callable[[Context, str, dict[str, Any]], dict[str, Any]]
) -> Callable[..., dict[str, Any]]:
    """A function whose signature is ``tool``'s arguments (so the SDK derives the same
    schema) plus the MCP context; it calls ``call(ctx, tool name, arguments)``."""
    params = [inspect.Parameter("ctx", inspect.Parameter.KEYWORD_ONLY, annotation=Context)]
    for name, field in tool.arguments.model_fields.items():
        params.append(
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=Annotated[field.annotation, Field(description=field.description)],
                default=inspect.Parameter.empty if field.is_required() else field.default,
            )
        )

    def fn(**kwargs: Any) -> dict[str, Any]:
        ctx = kwargs.pop("ctx")
        return call(ctx, tool.name, {k: v for k, v in kwargs.items() if v is not None})

    fn.__signature__ = inspect.Signature(params, return_annotation=dict[str, Any])  # type: ignore[attr-defined]
    fn.__annotations__ = {p.name: p.annotation for p in params} | {"return": dict[str, Any]}
    fn.__name__ = tool.name
    fn.__doc__ = tool.description
    return fn


def http_app(server: MCPServer, host: str) -> Starlette:
    """The streamable HTTP app (endpoint ``/mcp``), stateless: every request carries its
    credentials, so any replica serves any request."""
    return server.streamable_http_app(streamable_http_path=MCP_PATH, stateless_http=True, host=host)


def run(server: MCPServer, transport: Transport, host: str, port: int) -> None:
    """Serve until interrupted."""
    if transport == "stdio":
        server.run("stdio")
        return
    import uvicorn

    uvicorn.run(http_app(server, host), host=host, port=port, log_level="warning")
