"""The web chat's errors in the API's JSON shape, so every path of ``aisle serve`` fails alike.

Gradio answers its own errors as ``{"detail": ...}`` (FastAPI's default) or, for an exception
it did not expect, as plain text. ``WebErrors`` rewrites such an error response (status 400 and
up, JSON or plain text) into ``{"error": {"type", "message"}}`` and keeps ``detail`` beside it,
which Gradio's page reads. HTML error pages, meant for a person, pass as they are, and so does
every success and every streamed body.

Not here: the API's own errors (``ui.api.errors``), who may call (``ui.api.signin``).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ui.api.errors import error_body
from ui.api.security import API_PREFIXES

REWRITTEN = (b"application/json", b"text/plain")


class WebErrors:
    """ASGI middleware over the web chat's paths (module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(API_PREFIXES):
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def rewriting(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                kind = dict(message.get("headers", [])).get(b"content-type", b"")
                if message["status"] >= 400 and kind.startswith(REWRITTEN):
                    start = message  # held until the body is complete
                    return
            elif start is not None and message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                body = rewrite(start["status"], b"".join(chunks))
                headers = [
                    (k, v)
                    for k, v in start.get("headers", [])
                    if k.lower() not in (b"content-length", b"content-type")
                ]
                headers += [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ]
                await send({**start, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        await self.app(scope, receive, rewriting)


def rewrite(status: int, body: bytes) -> bytes:
    """An error body in the API's shape; ``detail`` kept when there was one."""
    try:
        found: Any = json.loads(body)
    except ValueError:
        found = None
    if isinstance(found, dict) and isinstance(found.get("error"), dict):
        return body  # already ours
    if isinstance(found, dict) and "detail" in found:
        detail = found["detail"]
        message = (
            detail
            if isinstance(detail, str)
            else (
                str(detail.get("error"))
                if isinstance(detail, dict) and "error" in detail
                else json.dumps(detail)
            )
        )
        return json.dumps({**error_body(status, message), "detail": detail}).encode()
    text = body.decode("utf-8", "replace").strip()[:300] if found is None else json.dumps(found)
    if status >= 500:
        text = "internal error; the server log has the details"
    return json.dumps(error_body(status, text or f"HTTP {status}")).encode()
