"""The bot API a shop embeds: sessions, messages (a JSON reply or server-sent events) and
feedback, under ``/api/v1``.

    POST /api/v1/sessions                      {} -> the new session
    GET  /api/v1/sessions/{id}                 the session and its turns
    POST /api/v1/sessions/{id}/messages        {"message"} -> {"session_id", "turn", "reply"}
         ... with Accept: text/event-stream or ?stream=true: the turn as server-sent events
    POST /api/v1/sessions/{id}/feedback        {"thumbs", "turn"?, "product_id"?} -> event id

Events are ``assistant.events`` in their wire form (``to_dict``), one per SSE message, named by
their ``type``: ``step_started``, ``step_finished``, ``text``, and last ``reply`` (with the turn's
position added as ``turn``). A failure after the stream started is an ``error`` event with the
usual ``{"error": {...}}`` body. The ``reply`` event's text is authoritative (``replaces_text``).

The shopper is who the ``X-Aisle-Identity`` token vouches for (``ui.api.identity``), on the
request that creates the session or on any later one (a guest who logs in on the shop's site
mid-conversation); a session already signed in as someone else answers 409. Without a token the
session is a guest's, who may identify by typing credentials in the chat.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any, Literal

import anyio.to_thread
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlmodel import func, select

from assistant.events import Final, TurnEvent
from assistant.reply import Reply
from store.db import Store
from store.models import Turn
from ui.api.errors import as_api_error, error_body
from ui.api.feedback import MAX_TURN, record_feedback
from ui.api.security import CONTROL, Caller
from ui.api.services import ApiServices, caller, services
from ui.api.sessions import SessionOut, create_session, read_session, require_session
from ui.api.turns import run_turn, stream_turn

router = APIRouter(prefix="/api/v1", tags=["bot"])

MAX_MESSAGE_CHARS = 4000

CallerDep = Annotated[Caller, Depends(caller)]
ServicesDep = Annotated[ApiServices, Depends(services)]


class NewSession(BaseModel):
    """Nothing to send: the shopper comes from the ``X-Aisle-Identity`` token."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_bare_user_id(cls, data: Any) -> Any:
        if isinstance(data, dict) and "user_id" in data:
            raise ValueError(
                "a bare user_id signs nobody in: send the shop's signed identity "
                "token as the X-Aisle-Identity header"
            )
        return data


class MessageIn(BaseModel):
    message: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)

    @field_validator("message")
    @classmethod
    def _printable(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the message is blank")
        if CONTROL.search(value):
            raise ValueError("the message contains control characters")
        return value


class MessageOut(BaseModel):
    session_id: str
    turn: int = Field(description="The turn's position in the session, for feedback.")
    reply: Reply


class FeedbackIn(BaseModel):
    thumbs: Literal["up", "down"]
    turn: int | None = Field(default=None, ge=0, le=MAX_TURN, description="The rated reply's turn.")
    product_id: str | None = Field(default=None, max_length=64)
    item_id: str | None = Field(default=None, max_length=64)


class FeedbackOut(BaseModel):
    event_id: int


@router.post("/sessions", status_code=201, response_model=SessionOut)
def new_session(who: CallerDep, aisle: ServicesDep, body: NewSession | None = None) -> SessionOut:
    """Start a conversation, signed in as the shopper an identity token vouches for, if any."""
    return create_session(aisle.store, who.scope, who.shopper)


@router.get("/sessions/{session_id}", response_model=SessionOut)
def get_session(session_id: str, who: CallerDep, aisle: ServicesDep) -> SessionOut:
    """The session with every turn and its typed reply."""
    return read_session(aisle.store, who.scope, session_id)


@router.post(
    "/sessions/{session_id}/messages",
    response_model=MessageOut,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def post_message(
    session_id: str,
    body: MessageIn,
    request: Request,
    who: CallerDep,
    aisle: ServicesDep,
    stream: Annotated[bool, Query(description="Stream the turn as server-sent events.")] = False,
) -> Any:
    """One turn: the typed reply as JSON, or the turn's events as a stream."""
    await anyio.to_thread.run_sync(require_session, aisle.store, who.scope, session_id)

    def events() -> Iterator[TurnEvent]:
        return aisle.assistant.stream(body.message, session_id=session_id, user_id=who.shopper)

    if stream or "text/event-stream" in request.headers.get("accept", ""):
        return StreamingResponse(
            _sse(aisle, session_id, stream_turn(aisle.gate, events)),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
    final = await run_turn(aisle.gate, events)
    turn = await anyio.to_thread.run_sync(_last_turn, aisle.store, session_id)
    return MessageOut(session_id=session_id, turn=turn, reply=final.reply)


@router.post("/sessions/{session_id}/feedback", status_code=201, response_model=FeedbackOut)
def post_feedback(
    session_id: str, body: FeedbackIn, who: CallerDep, aisle: ServicesDep
) -> FeedbackOut:
    """Thumbs up or down on a reply (``turn``) or a product; feeds profiles and the ranker."""
    require_session(aisle.store, who.scope, session_id)
    event_id = record_feedback(
        aisle.store,
        session_id,
        1 if body.thumbs == "up" else -1,
        turn=body.turn,
        product_id=body.product_id,
        item_id=body.item_id,
    )
    return FeedbackOut(event_id=event_id)


def sse_message(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n"


async def _sse(
    aisle: ApiServices, session_id: str, events: AsyncIterator[TurnEvent]
) -> AsyncIterator[str]:
    try:
        async for event in events:
            data = event.to_dict()
            if isinstance(event, Final):
                data["turn"] = await anyio.to_thread.run_sync(_last_turn, aisle.store, session_id)
            yield sse_message(data["type"], data)
    except Exception as exc:  # the status line is gone: report in the stream
        error = as_api_error(exc)
        yield sse_message("error", error_body(error.status, error.message, error.type))


def _last_turn(store: Store, session_id: str) -> int:
    with store.session() as session:
        count = select(func.count()).select_from(Turn).where(Turn.session_id == session_id)
        return int(session.exec(count).one()) - 1
