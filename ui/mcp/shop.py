"""What the MCP tools do, as plain synchronous functions over the shop's parts.

``McpShop`` holds the store, the hybrid searcher, the ranker and the catalog vocabulary (the
parts the chat's search tool gets) and the credential ``Gate``. Every operation takes a checked
``Caller`` and builds the same ``ShopContext`` the conversation builds, with the shopper the
identity token vouched for as the identified customer (``session_user_id``) and nothing the
model said:

- ``search`` runs the chat's own ``search_products`` tool (``tools.shopping``): constraints as
  hard filters, hybrid retrieval, the ranker with the shopper's profile, every result checked
  again; each product then lists only the variants that meet the constraints, so a price cap
  holds for every variant shown;
- ``lookup`` and ``get_product`` read products by product or variant id;
- ``get_order`` reads one of the verified shopper's orders (``tools.service_read.owned_order``:
  another customer's order is refused like an unknown id);
- ``call`` runs a commerce tool (``ui.mcp.commerce``) through its ``ToolSet``: reads run, a
  write tool only stores a proposal and returns its id; ``complete_checkout`` consumes that
  stored proposal once (``ToolSet.confirm``), for the shopper it was made for and from the
  same caller's scope.

MCP has no conversation: a caller's carts and proposals live under a conversation id derived
from its key scope and shopper (``conversation_id``).

Not here: credentials (``ui.mcp.access``), result shapes (``ui.mcp.ucp``), the MCP wiring
(``ui.mcp.server``).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlmodel import select

from retrieval.documents import ProductRecord, load_product_records
from retrieval.search import ProductSearcher
from store.db import Store
from store.models import Item
from tools import confirmations
from tools.base import ConfirmationRequest, ToolResult, ToolSet
from tools.checks import matching_items
from tools.constraints import Constraints
from tools.errors import Refusal
from tools.service_read import normalise_order_id, owned_order
from tools.shop_context import RerankerLike, ShopContext
from tools.shopping import SHOPPING_TOOLS, SearchOutcome
from tools.vocabulary import CatalogVocabulary
from ui.mcp import ucp
from ui.mcp.access import Caller, Gate, require_shopper

MAX_RESULTS = 50  # the search keeps this many candidates (``tools.shopping.CANDIDATES``)
CHECKOUT = "checkout"


class ToolFailed(Exception):
    """A refusal the calling agent can act on (the message says what to do)."""


class SearchFilters(BaseModel):
    """UCP's search filters (``categories``, ``price`` in minor units) and Aisle's own
    (brands, attributes, rating, stock), which UCP allows as merchant filters."""

    categories: list[str] | None = None
    price: dict[str, int] | None = None  # {"min": cents, "max": cents}
    brands: list[str] | None = None
    attributes: dict[str, str | list[str]] | None = None
    min_rating: float | None = None
    in_stock: bool | None = None


def conversation_id(caller: Caller, shopper: str | None) -> str:
    """Where an MCP caller's cart and proposals live: one per key scope and shopper."""
    digest = hashlib.sha256(f"{caller.scope}\0{shopper or ''}".encode()).hexdigest()[:40]
    return f"mcp-{digest}"


def _dollars(cents: int | None) -> float | None:
    return None if cents is None else cents / 100


@dataclass
class McpShop:
    store: Store
    gate: Gate
    searcher: ProductSearcher | None = None
    ranker: RerankerLike | None = None
    vocab: CatalogVocabulary | None = None
    commerce: ToolSet | None = None  # cart and checkout tools, when the shop has them
    checkout_url: str | None = None  # the shop's checkout page (AISLE_CHECKOUT_URL): hand over

    def context(self, caller: Caller) -> ShopContext:
        return ShopContext(
            store=self.store,
            session_user_id=caller.shopper,
            vouched_user_id=caller.shopper,
            conversation_id=conversation_id(caller, caller.shopper),
            searcher=self.searcher,
            ranker=self.ranker,
            vocab=self.vocab,
            checkout_url=self.checkout_url,
        )

    # --- catalog ---------------------------------------------------------------------------

    def search(
        self, caller: Caller, query: str, filters: SearchFilters | None, limit: int
    ) -> ucp.SearchResponse:
        f = filters or SearchFilters()
        price = f.price or {}
        arguments: dict[str, Any] = {
            "query": query,
            "category": f.categories[0] if f.categories else None,
            "brands": f.brands,
            "price_min": _dollars(price.get("min")),
            "price_max": _dollars(price.get("max")),
            "min_rating": f.min_rating,
            "in_stock": f.in_stock,
            "attributes": f.attributes,
        }
        ctx = self.context(caller)
        result = SHOPPING_TOOLS.call(ctx, "search_products", arguments)
        if not result.ok or not isinstance(result.data, SearchOutcome):
            raise ToolFailed(result.error or result.content)
        outcome = result.data
        ids = [c.product_id for c in outcome.candidates][: max(1, min(limit, MAX_RESULTS))]
        products = [ucp.product_out(_narrowed(r, outcome.constraints)) for r in self._records(ids)]
        messages = [ucp.Message(content=note) for note in outcome.notes]
        if not products:
            messages.append(ucp.Message(type="warning", content=outcome.model_text()))
        return ucp.SearchResponse(
            products=products,
            pagination=ucp.Pagination(
                has_next_page=False, total_count=max(outcome.total, len(products))
            ),
            messages=messages,
        )

    def lookup(self, ids: Sequence[str]) -> ucp.LookupResponse:
        """Products by product id or variant id (unknown ids get a message each)."""
        found: list[str] = []
        missing: list[str] = []
        for ident in ids:
            product_id = self._product_id(ident)
            if product_id is None:
                missing.append(ident)
            elif product_id not in found:
                found.append(product_id)
        return ucp.LookupResponse(
            products=[ucp.product_out(r) for r in self._records(found)],
            messages=[
                ucp.Message(type="warning", content=f"no product or variant {m!r}") for m in missing
            ],
        )

    def get_product(self, ident: str) -> ucp.Product:
        product_id = self._product_id(ident)
        records = self._records([product_id]) if product_id else []
        if not records:
            raise ToolFailed(
                f"no product or variant {ident!r}; use an id from search_catalog results"
            )
        return ucp.product_out(records[0])

    def _product_id(self, ident: str) -> str | None:
        ident = ident.strip()
        if self._records([ident]):
            return ident
        with self.store.session() as session:
            item = session.exec(select(Item).where(Item.item_id == ident)).first()
            return item.product_id if item else None

    def _records(self, ids: Sequence[str]) -> list[ProductRecord]:
        by_id = {r.product_id: r for r in load_product_records(self.store, list(ids))}
        return [by_id[i] for i in ids if i in by_id]

    # --- account ---------------------------------------------------------------------------

    def get_order(self, caller: Caller, order_id: str) -> ucp.OrderOut:
        require_shopper(caller)
        ctx = self.context(caller)
        normalised = normalise_order_id(order_id)
        wanted = normalised if isinstance(normalised, str) else order_id
        with self.store.session() as session:
            try:
                order, lines = owned_order(ctx, session, wanted)
            except Refusal as refusal:
                raise ToolFailed(refusal.message) from None
            return ucp.order_out(order, lines)

    def call(self, caller: Caller, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        """Run a cart or checkout tool as the verified shopper; a write returns its proposal."""
        require_shopper(caller)
        tools = self._commerce()
        result = tools.call(self.context(caller), name, arguments)
        if not result.ok:
            raise ToolFailed(result.error or result.content)
        if isinstance(result.data, ConfirmationRequest):
            request = result.data
            return {
                "status": "requires_confirmation",
                "proposal_id": request.request_id,
                "action": request.action,
                "summary": request.summary,
                "next": "show the shopper the summary; only after their explicit yes, call "
                f"complete_checkout with id {request.request_id!r}",
            }
        return _result_payload(result)

    def complete_checkout(self, caller: Caller, proposal_id: str) -> dict[str, Any]:
        """Place the order a ``checkout`` proposal describes, once, for the shopper it was
        proposed to, from the same caller."""
        shopper = require_shopper(caller)
        tools = self._commerce()
        row = confirmations.find(self.store, proposal_id.strip())
        if (
            row is None
            or row.action != CHECKOUT
            or row.user_id != shopper
            or row.conversation_id != conversation_id(caller, shopper)
        ):
            raise ToolFailed(
                f"no checkout {proposal_id!r} is waiting for this shopper's confirmation; call "
                "checkout first and use the proposal_id it returns"
            )
        ctx = self.context(caller)
        ctx.pending = ConfirmationRequest(
            request_id=row.proposal_id,
            action=row.action,
            arguments=row.arguments or {},
            summary=row.summary,
        )
        result = tools.confirm(ctx, row.proposal_id)
        if not result.ok:
            raise ToolFailed(result.error or result.content)
        return _result_payload(result)

    def _commerce(self) -> ToolSet:
        if self.commerce is None or not self.commerce.names():
            raise ToolFailed("this shop has no cart or checkout")
        return self.commerce


def _narrowed(record: ProductRecord, constraints: Constraints) -> ProductRecord:
    """The product with only the variants that meet the search's constraints."""
    fitting = matching_items(record, constraints)
    return dataclasses.replace(record, items=tuple(fitting)) if fitting else record


def _result_payload(result: ToolResult) -> dict[str, Any]:
    data = result.data
    if isinstance(data, BaseModel):
        return {"result": data.model_dump(mode="json"), "text": result.content}
    return {"text": result.content}
