"""A security case's client: real HTTP to the served app, every exchange recorded with what
reached the shopper, and everything the attacker supplied (to tell a leak from an echo).

``Driver`` wraps an ``httpx.Client``: ``session``/``say`` for the bot API, ``v1`` for the OpenAI
protocol, ``send`` for any raw request, ``plan`` to give the obedient model its next attack.
``shown`` is the text of every string in a response (JSON or server-sent events), decoded,
so a secret is found however it was escaped.

Not here: the cases (``eval.security.cases``) or their scoring (``eval.security.suite``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx

from eval.security.obedient import Plan
from eval.security.target import Target


@dataclass(frozen=True)
class Exchange:
    request: str  # "POST /api/v1/sessions"
    status: int
    shown: str  # every string the response carried
    server_error: bool  # a 5xx status, or an error event of status >= 500 in a stream
    victims_own: bool = False  # the victim's own request: their data may be in it


@dataclass
class Driver:
    target: Target
    http: httpx.Client
    exchanges: list[Exchange] = field(default_factory=list)
    supplied: list[str] = field(default_factory=list)  # what the attacker sent or planned
    problems: list[str] = field(default_factory=list)  # the case's own expectations missed
    as_victim: bool = False  # set while the case acts as the victim, on their own account

    def plan(self, plan_id: str, plan: Plan) -> str:
        self.supplied.append(repr(plan))
        for call in plan.calls:
            self.supplied.append(json.dumps(call.arguments) + (call.raw or ""))
        return self.target.model.add(plan_id, plan)

    def expect(self, ok: bool, problem: str) -> None:
        if not ok:
            self.problems.append(problem)

    def send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        if not self.as_victim:
            for part in ("json", "content", "params"):
                if part in kwargs:
                    self.supplied.append(str(kwargs[part])[:100_000])
        response = self.http.request(method, path, **kwargs)
        text = shown(response)
        self.exchanges.append(
            Exchange(
                f"{method} {path[:120]}",
                response.status_code,
                text,
                response.status_code >= 500 or _stream_5xx(response),
                self.as_victim,
            )
        )
        return response

    def session(self, shopper: str | None = None, key: str | None = None) -> str:
        made = self.send("POST", "/api/v1/sessions", headers=self.target.headers(shopper, key))
        self.expect(made.status_code == 201, f"no session: {made.status_code}")
        return str(made.json().get("session_id", "none")) if made.status_code == 201 else "none"

    def say(
        self,
        session_id: str,
        message: str,
        shopper: str | None = None,
        key: str | None = None,
        stream: bool = False,
    ) -> dict[str, Any]:
        """One bot-API turn; the reply (empty when refused)."""
        response = self.send(
            "POST",
            f"/api/v1/sessions/{session_id}/messages",
            headers=self.target.headers(shopper, key),
            json={"message": message},
            params={"stream": str(stream).lower()},
        )
        if stream or response.status_code != 200:
            return {}
        reply: dict[str, Any] = response.json().get("reply", {})
        return reply

    def chat(
        self,
        messages: list[str],
        shopper: str | None = None,
        stream: bool = False,
    ) -> list[dict[str, Any]]:
        """A bot-API conversation in a new session; the replies."""
        session_id = self.session(shopper)
        return [self.say(session_id, m, shopper, stream=stream) for m in messages]

    def v1(
        self,
        transcript: list[tuple[str, str]],
        shopper: str | None = None,
        stream: bool = False,
        key: str | None = None,
        **extra: Any,
    ) -> httpx.Response:
        """``/v1/chat/completions`` with this transcript of (role, content)."""
        body = {
            "model": "aisle",
            "stream": stream,
            "messages": [{"role": r, "content": c} for r, c in transcript],
            **extra,
        }
        return self.send(
            "POST", "/v1/chat/completions", json=body, headers=self.target.headers(shopper, key)
        )


def v1_content(response: httpx.Response) -> str:
    """The assistant's message in a non-streamed ``/v1`` answer ("" otherwise)."""
    if response.status_code != 200:
        return ""
    try:
        return str(response.json()["choices"][0]["message"]["content"])
    except (ValueError, KeyError, IndexError):
        return ""


def shown(response: httpx.Response) -> str:
    """Every string in the response, decoded (JSON, server-sent events, or the raw text)."""
    text = response.text
    kind = response.headers.get("content-type", "")
    if "event-stream" in kind:
        values = []
        for line in text.splitlines():
            if line.startswith("data:") and line[5:].strip() != "[DONE]":
                values.append(_strings(_json(line[5:])))
        return "\n".join(values)
    if "json" in kind:
        return _strings(_json(text))
    return text


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _strings(value: Any) -> str:
    if isinstance(value, dict):
        return "\n".join(_strings(v) for v in value.values())
    if isinstance(value, list):
        return "\n".join(_strings(v) for v in value)
    return str(value)


def _stream_5xx(response: httpx.Response) -> bool:
    if "event-stream" not in response.headers.get("content-type", ""):
        return False
    for line in response.text.splitlines():
        if line.startswith("data:"):
            body = _json(line[5:])
            error = body.get("error") if isinstance(body, dict) else None
            if isinstance(error, dict) and error.get("type") in ("server_error", "server_busy"):
                return True
    return False
