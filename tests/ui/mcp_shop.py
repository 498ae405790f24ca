"""A small shop for the MCP tests, served in-process (HTTP) or as a subprocess (stdio).

``build_mcp_shop(workdir)`` imports the home-and-kitchen fixture catalog (61 products, 187
variants, tests/shops.py), indexes it with the hash embedder, adds two shoppers with one
order each and an API key, and returns what a client needs. ``open_mcp_shop(workdir)`` opens
the same parts again (the stdio subprocess does that); run as a script,
``python -m mcp_shop WORKDIR`` (with the
project, tests/ and tests/ui on ``PYTHONPATH``) serves it over stdio with the credentials in
``AISLE_API_KEY`` / ``AISLE_IDENTITY_TOKEN``, as ``aisle mcp`` does.

``checkout`` here is a stand-in write tool with the conversation's checkout name: it places a
one-unit order of a variant, and like every write tool it only proposes when called. It tests
the MCP side of confirmation (a proposal id, one confirmation, only for its shopper) until
``tools.checkout`` is there to be served instead.
"""

from __future__ import annotations

import os
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

from shops import HOME_KITCHEN, build_fixture_shop
from sqlmodel import Session, func, select

from assistant.settings import Settings
from retrieval.embedder import HashEmbedder
from retrieval.index import ProductIndex, open_chroma
from retrieval.search import ProductSearcher
from store.db import Store, open_store, sqlite_url
from store.models import Item, Order, OrderItem, PaymentMethod, Product, User
from tools import policy
from tools.base import Proposed, ToolContext, ToolResult, ToolSet, tool
from tools.errors import UnknownId
from tools.vocabulary import CatalogVocabulary
from ui.api.identity import sign_identity
from ui.api.keys import create_key
from ui.mcp.access import Credentials, Gate
from ui.mcp.server import build_server
from ui.mcp.shop import McpShop

SECRET = "mcp-tests-identity-secret-0123456789abcdef"
MIA, BEN = "mia_lopez_1001", "ben_okafor_2002"
MIA_ORDER, BEN_ORDER = "#W1000001", "#W2000002"
MIA_GIFT_CARD = "gift_card_1000001"
ADDRESS = {
    "address1": "1 Elm St",
    "address2": "",
    "city": "Austin",
    "country": "USA",
    "state": "TX",
    "zip": "78701",
}


@tool(write=True)
def checkout(ctx: ToolContext, item_id: str) -> Proposed:
    """Buy one unit of a variant for the identified shopper (a test stand-in).

    Args:
        item_id: The variant to buy.
    """
    policy.require_identified(ctx)
    user_id = ctx.session_user_id
    with ctx.store.session() as session:
        item = session.get(Item, item_id)
        product = session.get(Product, item.product_id) if item else None
        if item is None or product is None:
            raise UnknownId(f"unknown variant {item_id}")
        title, price = product.title, item.price

    def write(session: Session) -> ToolResult:
        order_id = f"#W{uuid.uuid4().int % 10**7:07d}"
        session.add(Order(order_id=order_id, user_id=user_id or "", status="pending"))
        session.add(
            OrderItem(
                order_id=order_id,
                product_id=item.product_id,
                item_id=item_id,
                name=title,
                price=price,
            )
        )
        return ToolResult.success({"order_id": order_id}, note="Order placed.")

    return Proposed(summary=f"Order 1 x {title} for ${price:.2f}", write=write)


STANDIN_COMMERCE = ToolSet([checkout])


@dataclass
class McpFixture:
    workdir: Path
    key: str

    def token(self, user_id: str = MIA) -> str:
        return sign_identity(SECRET, user_id)


def build_mcp_shop(workdir: Path) -> McpFixture:
    shop = build_fixture_shop(HOME_KITCHEN, workdir)
    store = shop.store
    with store.session() as session:
        first = session.get(Item, "1001-01")
        assert first is not None
        for user_id, name, order_id in (
            (MIA, "Mia Lopez", MIA_ORDER),
            (BEN, "Ben Okafor", BEN_ORDER),
        ):
            first_name, last_name = name.split()
            session.add(
                User(
                    user_id=user_id,
                    first_name=first_name,
                    last_name=last_name,
                    email=f"{first_name.lower()}@example.com",
                    zip="78701",
                    address=ADDRESS,
                )
            )
            session.flush()
            session.add(Order(order_id=order_id, user_id=user_id, status="delivered"))
            session.add(
                OrderItem(
                    order_id=order_id,
                    product_id="1001",
                    item_id="1001-01",
                    name="Everyday Non-Stick Frying Pan",
                    price=first.price,
                )
            )
        session.add(PaymentMethod(id=MIA_GIFT_CARD, user_id=MIA, source="gift_card", balance=100.0))
    key, _ = create_key(store, "mcp tests")
    shop.close()
    return McpFixture(workdir, key)


def open_mcp_shop(workdir: Path, commerce: ToolSet = STANDIN_COMMERCE) -> McpShop:
    settings = Settings(  # limits high enough for the tests' own calls (they have their test)
        data_dir=workdir,
        api_keys="required",
        identity_secret=SECRET,
        rate_limit_per_minute=6000,
        rate_limit_burst=1000,
    )
    store = open_store(sqlite_url(workdir / "shop.db"))
    embedder = HashEmbedder()
    searcher = ProductSearcher(store, ProductIndex(open_chroma(workdir / "chroma")), embedder)
    return McpShop(
        store=store,
        gate=Gate(settings, store),
        searcher=searcher,
        vocab=CatalogVocabulary.from_store(store),
        commerce=commerce,
    )


def order_count(store: Store, user_id: str) -> int:
    with store.session() as session:
        query = select(func.count()).select_from(Order).where(Order.user_id == user_id)
        return int(session.exec(query).one())


if __name__ == "__main__":
    fixed = Credentials(os.environ.get("AISLE_API_KEY"), os.environ.get("AISLE_IDENTITY_TOKEN"))
    build_server(open_mcp_shop(Path(sys.argv[1])), fixed).run("stdio")
