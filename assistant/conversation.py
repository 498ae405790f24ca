"""Conversation state in the store: the tool context (identified user, pending confirmation,
executed writes), the shopping memory (constraints, last candidates) and a short text history.

Nothing lives in process memory between turns, so any API replica can serve any session.
"""

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlmodel import Session, func, select

from assistant.reply import Reply
from store.errors import AisleError
from store.models import Conversation, Turn, utcnow
from tools.base import ContextState
from tools.shop_context import ShopState


class SessionUserMismatch(AisleError):
    """A session already belongs to another signed-in user: one user per conversation."""


class ChatLine(BaseModel):
    role: str
    content: str


class SessionState(BaseModel):
    tool: ContextState = Field(default_factory=ContextState)
    shop: ShopState = Field(default_factory=ShopState)
    history: list[ChatLine] = Field(default_factory=list)
    # The shopper's words asking for a change to an order, until it is done, declined or
    # handed off: later messages that name no order are read with them (``reading.continued``).
    request: str | None = None


def load_state(session: Session, session_id: str, user_id: str | None) -> SessionState:
    row = session.get(Conversation, session_id)
    state = SessionState.model_validate(row.state) if row and row.state else SessionState()
    if user_id is not None:
        known = state.tool.session_user_id
        if known is not None and known != user_id:
            raise SessionUserMismatch(
                f"session {session_id} belongs to another user; start a new session"
            )
        state.tool.session_user_id = user_id
    return state


def save_turn(
    session: Session, session_id: str, state: SessionState, message: str, reply: Reply
) -> None:
    row = session.get(Conversation, session_id)
    if row is None:
        row = Conversation(session_id=session_id)
    row.user_id = state.tool.session_user_id
    row.state = state.model_dump(mode="json")
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    count = select(func.count()).select_from(Turn).where(Turn.session_id == session_id)
    seq = int(session.exec(count).one())
    session.add(Turn(session_id=session_id, seq=seq, message=message, reply=reply.to_dict()))
