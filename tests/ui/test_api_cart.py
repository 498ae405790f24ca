"""The bot API's cart routes in-process on the small demo shop: add (by words, by options,
asking the open option), read, change, remove; the same keys and sessions as the chat; the
routes in the OpenAPI document; the chat reply carries the cart when a turn changes it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import col, select
from test_api import SECRET, make_assistant, new_session, signed_in

from assistant.llm.scripted import ScriptedChat
from assistant.settings import Settings
from retrieval.embedder import HashEmbedder
from store.models import Item, User
from tools.variants import sellable
from ui.api import create_app
from ui.api.keys import create_key
from ui.runtime import Runtime

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Runtime:
    from store.demo.generate import generate_demo
    from store.demo.types import DemoConfig

    data_dir: Path = tmp_path_factory.mktemp("api-cart-shop")
    runtime = Runtime(Settings(data_dir=data_dir, rate_limit_per_minute=0, identity_secret=SECRET))
    generate_demo(runtime.store, DemoConfig(products=300, users=30, seed=5))
    runtime.product_index.sync(runtime.store, HashEmbedder())
    return runtime


@pytest.fixture
async def client(runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(runtime, assistant=make_assistant(runtime, ScriptedChat([])))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        yield http


def _product_with_two_sizes(runtime: Runtime) -> tuple[str, list[Item]]:
    """A product with at least two in-stock variants of different sizes."""
    with runtime.store.session() as s:
        items = s.exec(select(Item).order_by(col(Item.product_id), col(Item.seq))).all()
    by_product: dict[str, list[Item]] = {}
    for item in items:
        by_product.setdefault(item.product_id, []).append(item)
    for product_id, variants in by_product.items():
        sizes = {str((v.options or {}).get("size")) for v in variants if sellable(v)}
        if len(sizes) >= 2 and all("size" in (v.options or {}) for v in variants):
            return product_id, variants
    raise AssertionError("the demo shop has a product in several sizes")


async def test_add_read_change_and_remove(client: httpx.AsyncClient, runtime: Runtime) -> None:
    session = await new_session(client)
    base = f"/api/v1/sessions/{session}/cart"
    empty = await client.get(base)
    assert empty.status_code == 200
    assert {k: empty.json()[k] for k in ("kind", "lines", "count", "total")} == {
        "kind": "cart",
        "lines": [],
        "count": 0,
        "total": 0.0,
    }
    product_id, variants = _product_with_two_sizes(runtime)
    asked = await client.post(f"{base}/items", json={"product_id": product_id})
    body = asked.json()
    assert asked.status_code == 200 and body["kind"] == "variant_needed"
    assert body["values"] and body["option"] in (variants[0].options or {})
    item = next(v for v in variants if sellable(v, 2))
    added = await client.post(f"{base}/items", json={"product_id": item.item_id, "quantity": 2})
    assert added.status_code == 200, added.text
    line = added.json()["line"]
    assert (line["item_id"], line["quantity"], line["unit_price"]) == (item.item_id, 2, item.price)
    assert added.json()["cart"]["total"] == round(item.price * 2, 2)
    one = await client.patch(f"{base}/items/{item.item_id}", json={"quantity": 1})
    assert one.json()["kind"] == "cart_updated" and one.json()["cart"]["count"] == 1
    too_many = await client.patch(f"{base}/items/{item.item_id}", json={"quantity": 99})
    if item.stock is not None and item.stock < 99:
        assert too_many.json() == {**too_many.json(), "kind": "out_of_stock", "left": item.stock}
    gone = await client.delete(f"{base}/items/{item.item_id}")
    assert gone.json()["quantity"] == 0 and gone.json()["cart"]["lines"] == []
    missing = await client.delete(f"{base}/items/{item.item_id}")
    assert missing.status_code == 404
    assert "is not in the cart" in missing.json()["error"]["message"]
    bad = await client.post(f"{base}/items", json={"product_id": product_id, "quantity": 0})
    assert bad.status_code == 422


async def test_the_cart_is_the_shoppers_across_sessions(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    with runtime.store.session() as s:
        user = s.exec(select(User.user_id).order_by(col(User.user_id))).first()
    assert user is not None
    _, variants = _product_with_two_sizes(runtime)
    item = next(v for v in variants if sellable(v))
    guest = await new_session(client)
    await client.post(f"/api/v1/sessions/{guest}/cart/items", json={"product_id": item.item_id})
    mine = await new_session(client, signed_in(user))
    cart = (await client.get(f"/api/v1/sessions/{mine}/cart", headers=signed_in(user))).json()
    assert cart["lines"] == []  # the guest session's cart is not this shopper's
    await client.post(
        f"/api/v1/sessions/{mine}/cart/items",
        json={"product_id": item.item_id},
        headers=signed_in(user),
    )
    other = await new_session(client, signed_in(user))
    again = (await client.get(f"/api/v1/sessions/{other}/cart", headers=signed_in(user))).json()
    assert [(li["item_id"], li["quantity"]) for li in again["lines"]] == [(item.item_id, 1)]
    unknown = await client.get("/api/v1/sessions/pub-nope/cart")
    assert unknown.status_code == 404


async def test_cart_routes_need_the_same_key(tmp_path: Path, runtime: Runtime) -> None:
    keyed = Runtime(Settings(data_dir=tmp_path, api_keys="required"))
    key, _ = create_key(keyed.store, "shop-cart")
    app = create_app(keyed, assistant=make_assistant(runtime, ScriptedChat([])))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        denied = await http.get("/api/v1/sessions/x/cart")
        assert denied.status_code == 401
        auth = {"Authorization": f"Bearer {key}"}
        session = (await http.post("/api/v1/sessions", headers=auth)).json()["session_id"]
        ok = await http.get(f"/api/v1/sessions/{session}/cart", headers=auth)
        assert ok.status_code == 200 and ok.json()["count"] == 0


async def test_the_routes_are_documented(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert set(paths["/api/v1/sessions/{session_id}/cart"]) == {"get"}
    assert set(paths["/api/v1/sessions/{session_id}/cart/items"]) == {"post"}
    assert set(paths["/api/v1/sessions/{session_id}/cart/items/{item_id}"]) == {"patch", "delete"}


async def test_a_chat_turn_that_changes_the_cart_carries_it(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    session = await new_session(client)
    url = f"/api/v1/sessions/{session}/messages"
    shown = (await client.post(url, json={"message": "show me running shoes"})).json()["reply"]
    if shown["kind"] == "question":
        shown = (await client.post(url, json={"message": shown["question"]["options"][-1]})).json()[
            "reply"
        ]
    assert shown["cart"] is None and all(p["variants"] for p in shown["products"])
    first = shown["products"][0]
    in_stock = [v for v in first["variants"] if v["in_stock"]]
    reply = (await client.post(url, json={"message": "add the first one to my cart"})).json()
    reply = reply["reply"]
    for _ in range(3):  # each open option (size, then colour...): pick its first value
        if reply["kind"] != "question":
            break
        answer = {"message": reply["question"]["options"][0]}
        reply = (await client.post(url, json=answer)).json()["reply"]
    assert reply["cart"]["count"] == 1, reply["text"]
    [line] = reply["cart"]["lines"]
    assert line["product_id"] == first["product_id"]
    assert line["item_id"] in {v["item_id"] for v in in_stock}
    assert reply["cart"]["total"] == line["unit_price"]
