"""Sessions as the HTTP API sees them: created per caller, read back as transcripts, and the
session an OpenAI-protocol request belongs to (never chosen by the OpenAI ``user`` field).

Every session id starts with its caller's scope (``k<key prefix>-`` or ``pub-``), so a key can
only reach the sessions it made. All state is in the store (``Conversation`` and ``Turn`` rows):
any replica serves any session.

OpenAI clients are stateless: they resend the whole transcript each time. Without an explicit
session (the ``X-Aisle-Session`` header), a request continues from a *checkpoint*: the state
saved under a hash of the caller's scope, the shopper an identity token vouched for (if any)
and the transcript the client sends back (every user and assistant message,
whitespace-normalised). Each turn runs in a fresh session that starts from the checkpoint, and
leaves a new checkpoint under the transcript that now includes its reply. Two clients share a
checkpoint only by sending the same transcript under the same key and the same vouched shopper;
the transcript holds everything else the state was built from (credentials typed in the chat
included), so a guessable transcript ("hi", then our greeting) never reaches a signed-in
shopper's state. A transcript with no checkpoint (edited history, another server) starts a
session seeded with its text as history.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError

from assistant import conversation
from assistant.conversation import UnknownShopper
from assistant.state import ChatLine
from store.db import Store
from store.models import Conversation
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
    try:
        row = conversation.start_session(store, f"{scope}-{uuid.uuid4().hex}", user_id)
    except UnknownShopper as exc:
        raise NotFoundError(str(exc)) from exc
    return SessionOut(
        session_id=row.session_id,
        user_id=row.user_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def require_session(store: Store, scope: str, session_id: str) -> Conversation:
    """The caller's session, or 404 (also for another caller's session: no probing)."""
    row = conversation.get_session(store, session_id)
    if row is None or not session_id.startswith(f"{scope}-"):
        raise NotFoundError(
            f"no session {session_id[:80]!r}; create one with POST /api/v1/sessions"
        )
    return row


def read_session(store: Store, scope: str, session_id: str) -> SessionOut:
    row = require_session(store, scope, session_id)
    turns = conversation.turns_of(store, session_id)
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


def checkpoint_id(scope: str, shopper: str | None, transcript: Sequence[ChatLine]) -> str:
    lines = [[line.role, " ".join(line.content.split())] for line in transcript]
    digest = hashlib.sha256(json.dumps([scope, shopper, lines]).encode()).hexdigest()[:40]
    return f"{scope}-t{digest}"


def session_from_checkpoint(
    store: Store, scope: str, shopper: str | None, prior: Sequence[ChatLine], history_lines: int
) -> str:
    """A fresh session holding the state the client's ``prior`` transcript led to."""
    session_id = f"{scope}-{uuid.uuid4().hex}"
    key = checkpoint_id(scope, shopper, prior) if prior else None
    conversation.fork_session(store, key, session_id, list(prior)[-history_lines:])
    return session_id


def save_checkpoint(
    store: Store, scope: str, shopper: str | None, session_id: str, transcript: Sequence[ChatLine]
) -> None:
    """Record ``session_id``'s state as where ``transcript`` (ending in our reply) leads.
    Requests that send the same transcript at once (a client retrying, a replay) race to
    create the same checkpoint: the loser finds the row made and updates it instead of
    answering 500."""
    target = checkpoint_id(scope, shopper, transcript)
    try:
        conversation.copy_state(store, session_id, target)
    except IntegrityError:
        conversation.copy_state(store, session_id, target)
