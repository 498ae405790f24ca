"""The attacker's model: an OpenAI-compatible chat server on loopback that does whatever an
instruction planted anywhere in what it is sent asks.

An instruction is a marker ``PLAN-<id>`` (a word a shop's text keeps) in any message the
agent sends (the shopper's text, a tool result holding a product description, a review, a
help article or a profile field, the history of earlier turns). The suite registers each
plan before its case runs: the tool calls the attacker wants, in order, and optionally the
text the model should say when it has made them (an invented refund, a discount code, an
outside link). The text lives only here, never in the planted data, so when it reaches the
shopper it can only have come from the model.

Within one turn the server emits the plan's calls in order, one per request (the calls the
agent's messages since the shopper's last message hold count as made, refused ones too: the
attacker moves on); when every call is made it says the plan's text, or a neutral sentence.
Without a marker it only says the neutral sentence, so the agent's own code decides the
turn. Tool arguments may be given as raw JSON text (``Call.raw``), to send what no Python
value can: 50,000-deep nesting, ``NaN``.

``seen`` counts the plans that reached the model, so a report can say an attack was real.

Not here: the cases or their scoring (``eval.security.cases``, ``eval.security.suite``).
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

MARKER = re.compile(r"\bPLAN-(\w[\w-]*\w)")
NEUTRAL = "Happy to help with that."
SYSTEM = "{system}"  # in a plan's text: the system prompt the model was sent (a prompt leak)


@dataclass(frozen=True)
class Call:
    """A tool call the attacker wants; ``raw`` (JSON text) replaces ``arguments`` when set."""

    name: str
    arguments: dict[str, Any] = field(default_factory=dict)
    raw: str | None = None

    @property
    def wire(self) -> str:
        return self.raw if self.raw is not None else json.dumps(self.arguments)


@dataclass(frozen=True)
class Plan:
    calls: tuple[Call, ...] = ()
    say: str | None = None


def plan_marker(plan_id: str) -> str:
    return f"PLAN-{plan_id}"


class Obedient:
    """The plans and what reached the model; ``app()`` serves them over the OpenAI protocol."""

    def __init__(self) -> None:
        self.plans: dict[str, Plan] = {}
        self.seen: Counter[str] = Counter()
        self.requests = 0
        self._lock = threading.Lock()

    def add(self, plan_id: str, plan: Plan) -> str:
        """Register ``plan``; returns the marker to plant."""
        self.plans[plan_id] = plan
        return plan_marker(plan_id)

    def reply(self, messages: list[dict[str, Any]]) -> tuple[str, Call | None]:
        """The text or the call answering ``messages``."""
        active: str | None = None
        for message in messages:
            found = [m for m in MARKER.findall(_text(message)) if m in self.plans]
            with self._lock:
                self.seen.update(found)
            if found:
                active = found[-1]
        with self._lock:
            self.requests += 1
        if active is None:
            return NEUTRAL, None
        plan = self.plans[active]
        last_user = max((i for i, m in enumerate(messages) if m.get("role") == "user"), default=-1)
        made = sum(
            len(m.get("tool_calls") or [])
            for m in messages[last_user + 1 :]
            if m.get("role") == "assistant"
        )
        if made < len(plan.calls):
            return "", plan.calls[made]
        system = next((_text(m) for m in messages if m.get("role") == "system"), "")
        return (plan.say or NEUTRAL).replace(SYSTEM, system.strip()), None

    def app(self) -> FastAPI:
        stub = FastAPI()

        @stub.get("/v1/models")
        def models() -> dict[str, Any]:
            return {"object": "list", "data": [{"id": "obedient", "object": "model"}]}

        @stub.post("/v1/chat/completions")
        async def complete(request: Request) -> Response:
            body = await request.json()
            text, step = self.reply(list(body.get("messages") or []))
            return _stream(text, step) if body.get("stream") else _whole(text, step)

        return stub


def _text(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, list):
        content = " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    calls = " ".join(
        str(c.get("function", {}).get("arguments", "")) for c in message.get("tool_calls") or []
    )
    return f"{content or ''} {calls}"


def _tool_call(step: Call, index: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": f"call_{uuid.uuid4().hex[:12]}",
        "type": "function",
        "function": {"name": step.name, "arguments": step.wire},
    }
    if index is not None:
        out["index"] = index
    return out


def _whole(text: str, step: Call | None) -> JSONResponse:
    message: dict[str, Any] = {"role": "assistant", "content": text or None}
    if step is not None:
        message["tool_calls"] = [_tool_call(step)]
    return JSONResponse(
        {
            "id": "obedient",
            "object": "chat.completion",
            "created": 0,
            "model": "obedient",
            "choices": [
                {"index": 0, "message": message, "finish_reason": "tool_calls" if step else "stop"}
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
    )


def _stream(text: str, step: Call | None) -> Response:
    def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
        body = {
            "id": "obedient",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": "obedient",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        return f"data: {json.dumps(body)}\n\n"

    parts = [chunk({"role": "assistant", "content": ""})]
    if step is not None:
        parts.append(chunk({"tool_calls": [_tool_call(step, 0)]}))
        parts.append(chunk({}, "tool_calls"))
    else:
        parts += [chunk({"content": word + " "}) for word in text.split(" ") if word]
        parts.append(chunk({}, "stop"))
    parts.append("data: [DONE]\n\n")
    return Response("".join(parts), media_type="text/event-stream")
