"""The one owner of write-proposal rows (``WriteProposal``): recording a proposal, consuming a
yes once, settling a proposal that failed or was declined.

A proposal is stored when a write tool proposes it, under a server-issued id, with its exact
arguments, its conversation and its customer; a newer proposal in the same conversation
supersedes the older one. Only the customer it was made for can confirm it, and only from a
conversation state that holds it (``tools.base.ToolSet.confirm``). A yes is consumed by one
conditional UPDATE (``status`` from ``proposed`` to ``done``) in the same transaction as the
write itself and the record of what the write did: two processes, eight threads or a replayed
transcript can consume it once, and after a crash the row says whether the write committed and
what it did. A proposal waits ``PROPOSAL_TTL`` at most: an old transcript or checkpoint cannot
confirm a change the shopper saw long ago.

Not here: checking or applying the write (``tools.base.ToolSet.confirm``, the write tools).
"""

from __future__ import annotations

import uuid
from datetime import UTC, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col

from store.db import Store
from store.models import ProposalStatus, WriteProposal, utcnow

PROPOSAL_TTL = timedelta(minutes=30)


def expired(row: WriteProposal) -> bool:
    """A proposal older than ``PROPOSAL_TTL`` (checked before it is consumed)."""
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
    return utcnow() - created > PROPOSAL_TTL


def new_id() -> str:
    """A proposal id nobody can guess or derive from the arguments."""
    return uuid.uuid4().hex


def record(
    store: Store,
    proposal_id: str,
    action: str,
    arguments: dict[str, Any],
    key: str,
    summary: str,
    conversation_id: str | None,
    user_id: str | None,
) -> None:
    """Store a new proposal; an older one still waiting in the same conversation is
    superseded (a conversation has one proposal waiting for a yes)."""
    with store.session() as session:
        if conversation_id is not None:
            session.execute(
                update(WriteProposal)
                .where(
                    col(WriteProposal.conversation_id) == conversation_id,
                    col(WriteProposal.status) == ProposalStatus.PROPOSED.value,
                )
                .values(status=ProposalStatus.SUPERSEDED.value, decided_at=utcnow())
            )
        session.add(
            WriteProposal(
                proposal_id=proposal_id,
                conversation_id=conversation_id,
                user_id=user_id,
                action=action,
                arguments=arguments,
                key=key,
                summary=summary,
            )
        )


def find(store: Store, proposal_id: str) -> WriteProposal | None:
    with store.session() as session:
        row = session.get(WriteProposal, proposal_id)
        if row is not None:
            session.expunge(row)
        return row


def claim(session: Session, proposal_id: str) -> bool:
    """Consume the proposal in ``session``'s transaction: True for the one caller that moved it
    from ``proposed`` to ``done``. Issue it first in the transaction (on SQLite that makes the
    transaction a writer from its start, so concurrent claims queue instead of failing)."""
    written = session.execute(
        update(WriteProposal)
        .where(
            col(WriteProposal.proposal_id) == proposal_id,
            col(WriteProposal.status) == ProposalStatus.PROPOSED.value,
        )
        .values(status=ProposalStatus.DONE.value, decided_at=utcnow())
    )
    return written.rowcount == 1  # type: ignore[attr-defined, no-any-return]


def record_outcome(session: Session, proposal_id: str, outcome: str) -> None:
    """What the claimed write did, in the write's transaction."""
    session.execute(
        update(WriteProposal)
        .where(col(WriteProposal.proposal_id) == proposal_id)
        .values(outcome=outcome)
    )


def settle(store: Store, proposal_id: str, status: ProposalStatus, outcome: str = "") -> bool:
    """Close a waiting proposal as failed or declined (True if it was still waiting)."""
    with store.session() as session:
        written = session.execute(
            update(WriteProposal)
            .where(
                col(WriteProposal.proposal_id) == proposal_id,
                col(WriteProposal.status) == ProposalStatus.PROPOSED.value,
            )
            .values(status=status.value, outcome=outcome or None, decided_at=utcnow())
        )
        return written.rowcount == 1  # type: ignore[attr-defined, no-any-return]
