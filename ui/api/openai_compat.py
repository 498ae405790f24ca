"""``/v1/chat/completions`` and ``/v1/models`` in the OpenAI protocol, with the agent behind
them, so any OpenAI client or chat widget can use Aisle as a model named ``aisle``.

The agent answers the last user message; its own system prompt, tools and the conversation state
in the store replace the client's system message and sampling options, which are accepted and
ignored. The conversation is the session the server issued and the client names in the
``X-Aisle-Session`` header (it must belong to the caller's key), else the checkpoint of the
transcript the client sent, under the caller's key and vouched shopper (``ui.api.sessions``).
The response's ``X-Aisle-Session`` header names the session the turn ran in. The ``user``
field is accepted and ignored: an end-user id anyone can send joins no conversation. The
shopper is the one an ``X-Aisle-Identity`` token vouches for (``ui.api.identity``), or whoever
identifies in the chat.

The content is the reply as Markdown (text, then the product cards the text does not already
name, with their reasons, then options and sources); the typed reply rides along as the
extension field ``aisle``. Streaming sends the grounded text as it is produced and the rest
(cards, or the corrected text when the reply replaced what was streamed) at the end.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any, Literal

import anyio.to_thread
from fastapi import APIRouter, Depends, Header
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from assistant.events import Final, StepFinished, StepStarted, TextDelta, TurnEvent
from assistant.reply import Reply
from assistant.state import ChatLine
from ui.api.errors import ApiError, NotFoundError, as_api_error, error_body
from ui.api.security import CONTROL, Caller
from ui.api.services import ApiServices, caller, services
from ui.api.sessions import require_session, save_checkpoint, session_from_checkpoint
from ui.api.turns import run_turn, stream_turn

MODEL = "aisle"
router = APIRouter(prefix="/v1", tags=["openai"])

CallerDep = Annotated[Caller, Depends(caller)]
ServicesDep = Annotated[ApiServices, Depends(services)]


class ChatMessageIn(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[dict[str, Any]] | None = None

    @property
    def text(self) -> str:
        if isinstance(self.content, list):  # content parts: keep the text ones
            text = "".join(str(p.get("text", "")) for p in self.content if p.get("type") == "text")
        else:
            text = self.content or ""
        return CONTROL.sub("", text)


class ChatCompletionIn(BaseModel):
    model_config = ConfigDict(extra="allow")  # temperature, tools, ...: accepted, ignored

    model: str
    messages: list[ChatMessageIn] = Field(min_length=1)
    stream: bool = False
    user: str | None = Field(default=None, max_length=256)  # accepted, ignored (docstring)


@router.get("/models")
def list_models(who: CallerDep) -> dict[str, Any]:
    """The one model this server offers."""
    return {"object": "list", "data": [_model_card()]}


@router.get("/models/{model}")
def get_model(model: str, who: CallerDep) -> dict[str, Any]:
    if model != MODEL:
        raise NotFoundError(f"unknown model {model!r}; this server offers {MODEL!r}")
    return _model_card()


@router.post("/chat/completions")
async def chat_completions(
    body: ChatCompletionIn,
    who: CallerDep,
    aisle: ServicesDep,
    x_aisle_session: Annotated[str | None, Header()] = None,
) -> Any:
    """One agent turn in the OpenAI chat-completions protocol (streaming or not)."""
    if body.model != MODEL:
        raise NotFoundError(f"unknown model {body.model!r}; use {MODEL!r}", type="model_not_found")
    last = body.messages[-1]
    if last.role != "user" or not last.text.strip():
        raise ApiError("the last message must be a non-empty user message")
    message = last.text.strip()
    prior = [
        ChatLine(role=m.role, content=m.text)
        for m in body.messages[:-1]
        if m.role in ("user", "assistant") and m.text.strip()
    ]
    history_lines = 2 * aisle.assistant.deps.limits.history_turns
    store, scope, shopper = aisle.store, who.scope, who.shopper
    checkpoint = False
    if x_aisle_session:
        await anyio.to_thread.run_sync(require_session, store, scope, x_aisle_session)
        session_id = x_aisle_session
    else:
        session_id = await anyio.to_thread.run_sync(
            session_from_checkpoint, store, scope, shopper, prior, history_lines
        )
        checkpoint = True

    def events() -> Iterator[TurnEvent]:
        return aisle.assistant.stream(message, session_id=session_id, user_id=shopper)

    async def remember(content: str) -> None:
        if checkpoint:
            transcript = [
                *prior,
                ChatLine(role="user", content=message),
                ChatLine(role="assistant", content=content),
            ]
            await anyio.to_thread.run_sync(
                save_checkpoint, store, scope, shopper, session_id, transcript
            )

    headers = {"X-Aisle-Session": session_id}
    completion_id = f"chatcmpl-{uuid.uuid4().hex}"
    if body.stream:
        chunks = _chunks(completion_id, stream_turn(aisle.gate, events), remember)
        return StreamingResponse(
            chunks, media_type="text/event-stream", headers={**headers, "Cache-Control": "no-cache"}
        )
    final = await run_turn(aisle.gate, events)
    content = reply_markdown(final.reply)
    await remember(content)
    payload = {
        "id": completion_id,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": MODEL,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "aisle": {"session_id": session_id, "reply": final.reply.to_dict()},
    }
    return JSONResponse(payload, headers=headers)


def reply_markdown(reply: Reply) -> str:
    """The reply as one Markdown message: what a plain chat client can show."""
    parts = [reply.text.strip()]
    # The fact-list fallback already names every product with its reasons: no second list.
    unnamed = [card for card in reply.products if card.title not in reply.text]
    if unnamed:
        cards = []
        for n, card in enumerate(unnamed, start=1):
            lines = [f"{n}. **{card.title}**: ${card.price:,.2f}"]
            lines += [f"   - {reason}" for reason in card.reasons[:3]]
            cards.append("\n".join(lines))
        parts.append("\n".join(cards))
    if reply.question and reply.question.options:
        parts.append("Options: " + " · ".join(reply.question.options))
    if reply.citations:
        parts.append("Sources: " + "; ".join(c.title for c in reply.citations))
    return "\n\n".join(p for p in parts if p)


def remainder(full: str, streamed: str) -> str | None:
    """What of ``full`` is still to send after ``streamed`` (compared ignoring whitespace),
    or None when ``full`` does not continue what was streamed."""
    i = 0
    for char in streamed:
        if char.isspace():
            continue
        while i < len(full) and full[i].isspace():
            i += 1
        if i >= len(full) or full[i] != char:
            return None
        i += 1
    return full[i:]


async def _chunks(
    completion_id: str, events: AsyncIterator[TurnEvent], remember: Any
) -> AsyncIterator[str]:
    created = int(time.time())

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        choice = {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}
        body = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": MODEL,
            "choices": [choice],
            **extra,
        }
        return f"data: {json.dumps(body)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    sent: list[str] = []
    try:
        async for event in events:
            if isinstance(event, StepStarted | StepFinished):
                # Steps as they happen, in Aisle's extension field: OpenAI clients ignore it.
                yield chunk({}, aisle={"step": event.to_dict()})
            elif isinstance(event, TextDelta) and event.text:
                sent.append(event.text)
                yield chunk({"content": event.text})
            elif isinstance(event, Final):
                full = reply_markdown(event.reply)
                streamed = "".join(sent)
                rest = None if event.replaces_text else remainder(full, streamed)
                tail = rest if rest is not None else ("\n\n" if streamed else "") + full
                if tail:
                    sent.append(tail)
                    yield chunk({"content": tail})
                await remember("".join(sent))
                extension = {"session_id": event.session_id, "reply": event.reply.to_dict()}
                yield chunk({}, "stop", aisle=extension)
    except Exception as exc:  # headers are sent: report the error in the stream, as OpenAI does
        error = as_api_error(exc)
        yield f"data: {json.dumps(error_body(error.status, error.message, error.type))}\n\n"
    yield "data: [DONE]\n\n"


def _model_card() -> dict[str, Any]:
    return {"id": MODEL, "object": "model", "created": 0, "owned_by": "aisle"}
