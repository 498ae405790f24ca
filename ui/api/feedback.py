"""Thumbs up and down on a reply or a product, stored as behaviour events.

Feedback is an ``Event`` of kind ``feedback`` with ``value`` +1 or -1, the conversation's
shopper as ``user_id`` (None for a guest) and its session id, so it joins the signals that
``store.profiles`` already weighs (a thumbs-up on a product counts like a strong click, a
thumbs-down against its category and brand) and that ranker training reads. Feedback on a reply
has no product; its ``query`` is the shopper's message of the rated turn, so a reviewer can find
what was asked. Feedback on a product may also name the turn that recommended it.

Plain store code with no HTTP in it: the Gradio UI records its thumbs with the same function.
"""

from __future__ import annotations

from sqlmodel import select

from store.db import Store
from store.errors import AisleError, NotFound
from store.models import Conversation, Event, EventKind, Item, Product, Turn

MAX_TURN = 1_000_000  # far beyond any conversation; a bigger number never reaches SQL


def record_feedback(
    store: Store,
    session_id: str,
    value: int,
    *,
    turn: int | None = None,
    product_id: str | None = None,
    item_id: str | None = None,
) -> int:
    """Store one thumbs up (+1) or down (-1); returns the event id.

    ``turn`` is the turn's position in the session (0 for the first), ``product_id`` a product
    of the catalog. At least one of them must be given."""
    if value not in (1, -1):
        raise AisleError("feedback value must be 1 (thumbs up) or -1 (thumbs down)")
    if turn is None and product_id is None:
        raise AisleError("feedback needs a turn (a reply) or a product_id to rate")
    if turn is not None and not 0 <= turn <= MAX_TURN:
        raise AisleError(f"turn must be between 0 and {MAX_TURN}")
    with store.session() as session:
        conversation = session.get(Conversation, session_id)
        if conversation is None:
            raise NotFound(f"no session {session_id!r}")
        query: str | None = None
        if turn is not None:
            row = session.exec(
                select(Turn).where(Turn.session_id == session_id, Turn.seq == turn)
            ).first()
            if row is None:
                raise NotFound(f"session {session_id!r} has no turn {turn}")
            query = row.message
        if product_id is not None and session.get(Product, product_id) is None:
            raise NotFound(f"unknown product {product_id!r}")
        if item_id is not None:
            item = session.get(Item, item_id)
            if item is None or item.product_id != product_id:
                raise NotFound(f"item {item_id!r} is not a variant of product {product_id!r}")
        event = Event(
            user_id=conversation.user_id,
            session_id=session_id,
            kind=EventKind.FEEDBACK,
            product_id=product_id,
            item_id=item_id,
            query=query,
            value=float(value),
        )
        session.add(event)
        session.flush()
        assert event.id is not None
        return event.id
