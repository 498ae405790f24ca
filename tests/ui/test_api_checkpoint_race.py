"""Two ``/v1`` requests with the same transcript finish at once and both save its checkpoint:
found by ``aisle eval security`` (8 parallel replays of a transcript ending in "yes": one got
500 from ``UNIQUE constraint failed: conversation.session_id``). The loser updates the row the
winner made."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

from assistant import conversation
from assistant.state import ChatLine
from store.db import open_store, sqlite_url
from store.models import Conversation
from ui.api import sessions


def test_a_checkpoint_made_by_a_concurrent_request_is_updated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(sqlite_url(tmp_path / "shop.db"))
    transcript = [ChatLine(role="user", content="yes"), ChatLine(role="assistant", content="Done.")]
    conversation.start_session(
        store, "pub-theirs", history=[ChatLine(role="user", content="theirs")]
    )
    conversation.start_session(store, "pub-mine", history=[ChatLine(role="user", content="mine")])
    real = conversation.copy_state
    calls: list[str] = []

    def racing(store_: Any, source: str, target: str) -> None:
        calls.append(source)
        if len(calls) == 1:  # the other request inserts first, between our read and insert
            real(store_, "pub-theirs", target)
            raise IntegrityError("INSERT INTO conversation", {}, Exception("UNIQUE"))
        real(store_, source, target)

    monkeypatch.setattr(conversation, "copy_state", racing)
    sessions.save_checkpoint(store, "pub", None, "pub-mine", transcript)
    assert calls == ["pub-mine", "pub-mine"]
    with store.session() as s:
        row = s.get(Conversation, sessions.checkpoint_id("pub", None, transcript))
        assert row is not None and row.state is not None
        assert row.state["history"][0]["content"] == "mine"
    store.dispose()
