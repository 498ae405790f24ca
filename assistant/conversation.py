"""The one owner of conversation rows (``Conversation`` and ``Turn``): every read and write of
them goes through here.

A conversation row holds the ``ConversationState`` (``assistant.state``) as JSON; a turn row
holds the shopper's message and the reply. Nothing lives in process memory between turns, so
any API replica can serve any session. Besides the agent's own load and save, the API starts
sessions (signed in as the shopper the shop vouched for, or not) and keeps checkpoints for
stateless OpenAI clients (``ui.api.sessions`` decides their names).

Not here: deciding anything about the state (``assistant.policy``, ``assistant.act``).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, func, select

from assistant.reply import Reply
from assistant.state import ChatLine, ConversationState, Identity
from store.db import Store
from store.errors import AisleError
from store.models import Conversation, Turn, User, utcnow


class SessionUserMismatch(AisleError):
    """A session already belongs to another signed-in user: one user per conversation."""


class UnknownShopper(AisleError):
    """A session was to be signed in as a user the shop does not have."""


def load_state(store: Store, session_id: str, user_id: str | None) -> ConversationState:
    """The session's state (fresh for a new session), signed in as ``user_id`` when the shop
    vouches for one; a session of another user is refused."""
    with store.session() as session:
        row = session.get(Conversation, session_id)
        state = ConversationState.restore(row.state if row else None)
    if user_id is not None:
        known = state.identity.user_id
        if known is not None and known != user_id:
            raise SessionUserMismatch(
                f"session {session_id} belongs to another user; start a new session"
            )
        state.identity = Identity(user_id=user_id, source="shop")
    return state


def save_turn(
    store: Store, session_id: str, state: ConversationState, message: str, reply: Reply
) -> int:
    """Store the new state and the turn; returns the turn's position in the session."""
    with store.session() as session:
        row = session.get(Conversation, session_id) or Conversation(session_id=session_id)
        row.user_id = state.identity.user_id
        row.state = state.model_dump(mode="json")
        row.updated_at = utcnow()
        session.add(row)
        session.flush()
        count = select(func.count()).select_from(Turn).where(Turn.session_id == session_id)
        seq = int(session.exec(count).one())
        session.add(Turn(session_id=session_id, seq=seq, message=message, reply=reply.to_dict()))
        return seq


def start_session(
    store: Store, session_id: str, user_id: str | None = None, history: Sequence[ChatLine] = ()
) -> Conversation:
    """A new session row: signed in as ``user_id`` (the caller vouches) and seeded with
    ``history`` (text only) when given."""
    state = ConversationState(
        identity=Identity(user_id=user_id, source="shop") if user_id else Identity(),
        history=list(history),
    )
    with store.session() as session:
        if user_id is not None and session.get(User, user_id) is None:
            raise UnknownShopper(f"unknown user {user_id!r}; sign in with an existing user id")
        row = Conversation(
            session_id=session_id, user_id=user_id, state=state.model_dump(mode="json")
        )
        session.add(row)
        session.flush()
        session.refresh(row)
        session.expunge(row)
        return row


def get_session(store: Store, session_id: str) -> Conversation | None:
    with store.session() as session:
        row = session.get(Conversation, session_id)
        if row is not None:
            session.expunge(row)
        return row


def turns_of(store: Store, session_id: str) -> list[Turn]:
    with store.session() as session:
        rows = session.exec(
            select(Turn).where(Turn.session_id == session_id).order_by(col(Turn.seq))
        ).all()
        for row in rows:
            session.expunge(row)
        return list(rows)


def last_turn(store: Store, session_id: str) -> int:
    with store.session() as session:
        count = select(func.count()).select_from(Turn).where(Turn.session_id == session_id)
        return int(session.exec(count).one()) - 1


def copy_state(store: Store, source_id: str, target_id: str) -> None:
    """Make ``target_id`` hold ``source_id``'s state (a checkpoint of it)."""
    with store.session() as session:
        source = session.get(Conversation, source_id)
        if source is None:
            return
        row = session.get(Conversation, target_id) or Conversation(session_id=target_id)
        row.user_id = source.user_id
        row.state = source.state
        row.updated_at = utcnow()
        session.add(row)


def fork_session(
    store: Store, checkpoint_id: str | None, session_id: str, history: Sequence[ChatLine]
) -> None:
    """A new session starting from the state under ``checkpoint_id``, or, with no such
    checkpoint, from ``history`` as text."""
    with store.session() as session:
        checkpoint = session.get(Conversation, checkpoint_id) if checkpoint_id else None
        if checkpoint is not None and checkpoint.state:
            state = ConversationState.restore(checkpoint.state)
        else:
            state = ConversationState(history=list(history))
        session.add(
            Conversation(
                session_id=session_id,
                user_id=state.identity.user_id,
                state=state.model_dump(mode="json"),
            )
        )
