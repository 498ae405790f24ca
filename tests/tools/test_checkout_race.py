"""Two shoppers confirm a checkout for the last unit at the same moment, in two threads and in
two processes, on SQLite and PostgreSQL: exactly one order is placed, the stock ends at 0 and
the other shopper is told it sold out."""

from __future__ import annotations

import multiprocessing
import threading
from typing import Any

from cart_shop import BLUE_10, ctx, seed
from sqlalchemy import update
from sqlmodel import col, select

from store.db import Store, open_store
from store.models import Item, Order, PaymentMethod
from tools.base import ConfirmationRequest, ToolContext, ToolResult
from tools.cart import add_to_cart
from tools.commerce import CART_TOOLS, confirm

SHOPPERS = (("ana_1", "conv-a", "credit_card_1"), ("ben_2", "conv-b", "credit_card_2"))


def _two_pending(store: Store) -> list[ToolContext]:
    seed(store)
    with store.session() as s:
        s.execute(update(Item).where(col(Item.item_id) == BLUE_10).values(stock=1))
    contexts = []
    for user, conversation, method in SHOPPERS:
        c = ctx(store, user, conversation)
        assert isinstance(add_to_cart.call(c, {"product_id": BLUE_10}).data.kind, str)
        proposed = CART_TOOLS.call(c, "checkout", {"payment_method_id": method})
        assert proposed.ok, proposed.content
        c.pending = proposed.data
        contexts.append(c)
    return contexts


def _assert_one_sold(store: Store, outcomes: list[tuple[bool, str | None, str]]) -> None:
    assert sorted((ok, kind) for ok, kind, _ in outcomes) == [(False, "sold_out"), (True, None)]
    loser = next(text for ok, _, text in outcomes if not ok)
    assert loser == "Error: Trail Runner (10, blue) is sold out"
    with store.session() as s:
        orders = s.exec(select(Order).where(col(Order.order_id) != "#W1000000")).all()
        assert len(orders) == 1
        item = s.get(Item, BLUE_10)
        assert item is not None and (item.stock, item.available) == (0, False)
        # the loser's card was never charged: only the winner's payment is recorded
        [paid] = orders[0].payment_history or []
        assert paid["amount"] == 125.0
        assert s.get(PaymentMethod, "gift_card_1").balance == 200.0  # type: ignore[union-attr]


def _outcome(result: ToolResult) -> tuple[bool, str | None, str]:
    return result.ok, result.error_kind, result.content


def test_two_threads_race_for_the_last_unit(store: Store) -> None:
    contexts = _two_pending(store)
    start = threading.Barrier(2)
    outcomes: list[tuple[bool, str | None, str]] = []

    def run(c: ToolContext) -> None:
        start.wait()
        assert c.pending is not None
        outcomes.append(_outcome(confirm(c, c.pending)))

    threads = [threading.Thread(target=run, args=(c,)) for c in contexts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    _assert_one_sold(store, outcomes)


def _confirm_in_process(
    url: str, user: str, conversation: str, request: dict[str, Any], start: Any, out: Any
) -> None:
    store = open_store(url)
    c = ToolContext(store=store, session_user_id=user, conversation_id=conversation)
    c.pending = ConfirmationRequest.model_validate(request)
    start.wait()
    out.put(_outcome(confirm(c, c.pending)))
    store.dispose()


def test_two_processes_race_for_the_last_unit(store: Store) -> None:
    contexts = _two_pending(store)
    spawn = multiprocessing.get_context("spawn")
    start = spawn.Barrier(2)
    out = spawn.Queue()
    workers = [
        spawn.Process(
            target=_confirm_in_process,
            args=(
                store.url,
                c.session_user_id,
                c.conversation_id,
                c.pending.model_dump() if c.pending else {},
                start,
                out,
            ),
        )
        for c in contexts
    ]
    for w in workers:
        w.start()
    outcomes = [out.get(timeout=120) for _ in workers]
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    _assert_one_sold(store, outcomes)
