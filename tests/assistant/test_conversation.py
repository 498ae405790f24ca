"""Conversation rows: one owner, state in and out, older releases' rows read safely, and the
turn's events in order."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from assistant_shops import Shop
from sqlmodel import select

from assistant import conversation
from assistant.agent import Assistant
from assistant.conversation import SessionUserMismatch, UnknownShopper
from assistant.events import Final, StepFinished, StepStarted, TextDelta
from assistant.reply import Reply
from assistant.state import ChatLine, ConversationState, Identity
from store.db import Store
from store.models import Conversation, Turn


def test_state_round_trip_and_turn_rows(sqlite_store: Store) -> None:
    state = ConversationState(
        identity=Identity(user_id=None),
        language="es",
        history=[ChatLine(role="user", content="hola")],
    )
    seq = conversation.save_turn(sqlite_store, "s1", state, "hola", Reply(kind="answer", text="hi"))
    assert seq == 0
    loaded = conversation.load_state(sqlite_store, "s1", None)
    assert loaded == state
    assert (
        conversation.save_turn(sqlite_store, "s1", loaded, "x", Reply(kind="answer", text="y")) == 1
    )
    assert [t.seq for t in conversation.turns_of(sqlite_store, "s1")] == [0, 1]
    assert conversation.last_turn(sqlite_store, "s1") == 1


def test_a_session_keeps_its_shopper(sqlite_store: Store) -> None:
    conversation.save_turn(
        sqlite_store,
        "s2",
        conversation.load_state(sqlite_store, "s2", "ana"),
        "hi",
        Reply(kind="answer", text="hello"),
    )
    with pytest.raises(SessionUserMismatch):
        conversation.load_state(sqlite_store, "s2", "bob")
    with pytest.raises(UnknownShopper):
        conversation.start_session(sqlite_store, "s3", "nobody")


def test_a_row_from_the_previous_release_starts_fresh_keeping_the_shopper(
    sqlite_store: Store,
) -> None:
    old = {
        "tool": {"session_user_id": "ana", "pending": None, "executed": []},
        "shop": {"constraints": {}, "candidates": []},
        "history": [],
        "request": None,
    }
    with sqlite_store.session() as s:
        s.add(Conversation(session_id="old", user_id="ana", state=old))
    state = conversation.load_state(sqlite_store, "old", None)
    assert state.identity.user_id == "ana" and state.shopping.candidates == []


def test_forking_from_a_checkpoint_copies_its_state(sqlite_store: Store) -> None:
    state = ConversationState(language="zh")
    conversation.save_turn(sqlite_store, "src", state, "m", Reply(kind="answer", text="r"))
    conversation.copy_state(sqlite_store, "src", "ckpt")
    conversation.fork_session(sqlite_store, "ckpt", "fork", [])
    assert conversation.load_state(sqlite_store, "fork", None).language == "zh"
    conversation.fork_session(
        sqlite_store, "missing", "fresh", [ChatLine(role="user", content="earlier")]
    )
    fresh = conversation.load_state(sqlite_store, "fresh", None)
    assert [line.content for line in fresh.history] == ["earlier"]


def test_a_turn_streams_its_steps_and_shows_the_first_sentence_before_ranking(
    demo: Shop, bot: Callable[..., Assistant]
) -> None:
    events = list(bot(demo).stream("running shoes under $150", "stream"))
    kinds = [(type(e).__name__, getattr(e, "tool", "")) for e in events]
    assert kinds[0] == ("StepStarted", "read_message")
    lead = next(i for i, e in enumerate(events) if isinstance(e, TextDelta))
    ranked = next(
        i for i, e in enumerate(events) if isinstance(e, StepStarted) and e.tool == "rank_products"
    )
    searched = next(
        i
        for i, e in enumerate(events)
        if isinstance(e, StepFinished) and e.tool == "search_products"
    )
    assert searched < lead < ranked
    final = events[-1]
    assert isinstance(final, Final) and not final.replaces_text
    streamed = "".join(e.text for e in events if isinstance(e, TextDelta))
    assert " ".join(streamed.split()) == " ".join(final.reply.text.split())
    with demo.store.session() as s:
        assert len(s.exec(select(Turn).where(Turn.session_id == "stream")).all()) == 1
