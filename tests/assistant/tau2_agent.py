"""The three tau2-bench retail customers the agent tests act as, and helpers to drive the
agent with a scripted model and read back what it changed (tests/assistant/test_agent_*.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import col, select

from assistant.agent import Assistant
from assistant.conversation import load_state
from assistant.deps import Deps, Limits
from assistant.llm.scripted import ScriptedChat, Step
from store.db import Store
from store.models import Order, OrderItem, PaymentMethod, User

ETHAN, YUSUF, AVA = "ethan_lopez_6291", "yusuf_rossi_9620", "ava_nguyen_6646"
EMAIL = {ETHAN: "ethan.lopez8943@example.com", YUSUF: "yusuf.rossi7301@example.com",
         AVA: "ava.nguyen2868@example.com"}
ETHAN_GIFT, ETHAN_CARD, YUSUF_CARD = "gift_card_7219486", "credit_card_9789590", \
    "credit_card_9513926"
NEW_ADDRESS = {"address1": "1 Elm St", "address2": "", "city": "Austin", "state": "TX",
               "country": "USA", "zip": "78701"}
ANYTHING_ELSE = "Is there anything else I can help with?"


def agent(store: Store, script: Sequence[Step]) -> tuple[Assistant, ScriptedChat]:
    llm = ScriptedChat(script)
    return Assistant(Deps(store=store, llm=llm, limits=Limits(max_steps=4))), llm


def snapshot(store: Store) -> dict[str, Any]:
    """Everything a write could move for the three customers."""
    users = (ETHAN, YUSUF, AVA)
    with store.session() as s:
        orders = s.exec(select(Order).where(col(Order.user_id).in_(users))).all()
        ids = [o.order_id for o in orders]
        lines = s.exec(select(OrderItem).where(col(OrderItem.order_id).in_(ids))).all()
        methods = s.exec(select(PaymentMethod).where(col(PaymentMethod.user_id).in_(users))).all()
        people = s.exec(select(User).where(col(User.user_id).in_(users))).all()
        return {
            "orders": {o.order_id: o.model_dump(exclude={"updated_at"}) for o in orders},
            "lines": sorted((li.order_id, li.seq, li.item_id, li.price) for li in lines),
            "balances": {m.id: m.balance for m in methods},
            "addresses": {u.user_id: u.address for u in people},
        }


def order(store: Store, order_id: str) -> Order:
    with store.session() as s:
        found = s.get(Order, order_id)
        assert found is not None
        return found


def pending(store: Store, session_id: str) -> str | None:
    with store.session() as s:
        request = load_state(s, session_id, None).tool.pending
    return request.action if request else None
