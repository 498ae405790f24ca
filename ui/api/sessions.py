"""Sessions as the HTTP API sees them: created per caller, read back as transcripts, and the
session an OpenAI-protocol request belongs to.

Every session id starts with its caller's scope (``k<key prefix>-`` or ``pub-``), so a key can
only reach the sessions it made. All state is in the store (``Conversation`` and ``Turn`` rows):
any replica serves any session.

OpenAI clients are stateless: they resend the whole transcript each time. Without an explicit
session (header or ``user`` field), a request continues from a *checkpoint*: the state saved
under a hash of the transcript the client sends back (the caller's scope, then every user and
assistant message, whitespace-normalised). Each turn runs in a fresh session that starts from
the checkpoint, and leaves a new checkpoint under the transcript that now includes its reply.
Two clients share a checkpoint only by sending the same transcript, which holds everything the
state was built from, so nothing leaks between conversations. A transcript with no checkpoint
(edited history, another server) starts a session seeded with its text as history.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import col, select

from assistant.conversation import ChatLine, SessionState
from store.db import Store
from store.models import Conversation, Turn, User, utcnow
from tools.base import ContextState
from ui.api.errors import NotFoundError


class TurnOut(BaseModel):
    seq: int
    message: str
    reply: dict[str, Any] | None
    created_at: datetime


class SessionOut(BaseModel):
    session_id: str
    user_id: str | None
    created_at: datetime
    updated_at: datetime
    turns: list[TurnOut] = []


def create_session(store: Store, scope: str, user_id: str | None = None) -> SessionOut:
    """A new, empty session; ``user_id`` signs it in as that shopper (the caller vouches)."""
    session_id = f"{scope}-{uuid.uuid4().hex}"
    state = SessionState(tool=ContextState(session_user_id=user_id))
    with store.session() as session:
        if user_id is not None and session.get(User, user_id) is None:
            raise NotFoundError(f"unknown user {user_id!r}; sign in with an existing user id")
        row = Conversation(session_id=session_id, user_id=user_id, state=state.model_dump())
        session.add(row)
        session.flush()
        return SessionOut(
            session_id=row.session_id,
            user_id=row.user_id,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


def require_session(store: Store, scope: str, session_id: str) -> Conversation:
    """The caller's session, or 404 (also for another caller's session: no probing)."""
    with store.session() as session:
        row = session.get(Conversation, session_id)
    if row is None or not session_id.startswith(f"{scope}-"):
        raise NotFoundError(f"no session {session_id!r}; create one with POST /api/v1/sessions")
    return row


def read_session(store: Store, scope: str, session_id: str) -> SessionOut:
    row = require_session(store, scope, session_id)
    with store.session() as session:
        turns = session.exec(
            select(Turn).where(Turn.session_id == session_id).order_by(col(Turn.seq))
        ).all()
    return SessionOut(
        session_id=row.session_id,
        user_id=row.user_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        turns=[
            TurnOut(seq=t.seq, message=t.message, reply=t.reply, created_at=t.created_at)
            for t in turns
        ],
    )


def user_session(store: Store, scope: str, user: str) -> str:
    """The one ongoing session of an OpenAI ``user`` value (an end-user id), created on first
    use. The value is hashed: it names the session, it does not sign anyone in."""
    digest = hashlib.sha256(f"{scope}\n{user}".encode()).hexdigest()[:32]
    session_id = f"{scope}-u{digest}"
    with store.session() as session:
        if session.get(Conversation, session_id) is None:
            session.add(Conversation(session_id=session_id, state=SessionState().model_dump()))
    return session_id


def checkpoint_id(scope: str, transcript: Sequence[ChatLine]) -> str:
    lines = [[line.role, " ".join(line.content.split())] for line in transcript]
    digest = hashlib.sha256(json.dumps([scope, lines]).encode()).hexdigest()[:40]
    return f"{scope}-t{digest}"


def session_from_checkpoint(
    store: Store, scope: str, prior: Sequence[ChatLine], history_lines: int
) -> str:
    """A fresh session holding the state the client's ``prior`` transcript led to."""
    state = SessionState()
    with store.session() as session:
        if prior:
            checkpoint = session.get(Conversation, checkpoint_id(scope, prior))
            if checkpoint is not None and checkpoint.state:
                state = SessionState.model_validate(checkpoint.state)
            else:
                state.history = list(prior)[-history_lines:]
        session_id = f"{scope}-{uuid.uuid4().hex}"
        session.add(Conversation(session_id=session_id, state=state.model_dump(mode="json")))
    return session_id


def save_checkpoint(
    store: Store, scope: str, session_id: str, transcript: Sequence[ChatLine]
) -> None:
    """Record ``session_id``'s state as where ``transcript`` (ending in our reply) leads."""
    key = checkpoint_id(scope, transcript)
    with store.session() as session:
        source = session.get(Conversation, session_id)
        if source is None:
            return
        row = session.get(Conversation, key) or Conversation(session_id=key)
        row.user_id = source.user_id
        row.state = source.state
        row.updated_at = utcnow()
        session.add(row)
