"""Who may call the bot API, how often, and with how much: API keys, rate limits, body size,
CORS. Applied to the bot API (``/api/v1``) and the OpenAI-compatible ``/v1`` only; the Gradio UI,
``/healthz``, the docs and the widget page are open.

Keys (``settings.api_keys``): "auto" (default) asks for a key once any unrevoked key exists, so
the loopback demo needs no ceremony and a shop that created a key is protected from then on;
"required" always asks; "off" never does. A key is sent as ``Authorization: Bearer <key>`` (what
OpenAI clients do) or ``X-API-Key``. While no key is needed, whatever is sent is ignored: OpenAI
clients always send some key ("not-needed"). Sessions are scoped to the key that made them (or
to "no key").

Rate limits are token buckets per key (or per client address without a key), in process memory:
each replica counts on its own, so behind a load balancer the effective rate is multiplied by the
replica count (use the balancer's limiter for a hard global limit).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fastapi import HTTPException, Request
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.settings import Settings
from store.db import Store
from ui.api.errors import RateLimited, Unauthorized, error_response
from ui.api.keys import KeyInfo, any_active_key, verify_key

API_PREFIXES = ("/api/", "/v1/")


@dataclass(frozen=True)
class Caller:
    """The party behind a request: its key (None without one) and address."""

    key: KeyInfo | None
    address: str

    @property
    def scope(self) -> str:
        """The namespace of this caller's sessions: ``k<prefix>`` or ``pub``."""
        return f"k{self.key.prefix}" if self.key else "pub"

    @property
    def bucket(self) -> str:
        return f"key:{self.key.prefix}" if self.key else f"addr:{self.address}"


class TokenBucket:
    """Per-caller token buckets: ``burst`` requests back to back, refilled at ``rate`` per
    minute. Thread-safe (FastAPI runs sync dependencies in a thread pool)."""

    MAX_BUCKETS = 10_000  # beyond this, full (idle) buckets are forgotten

    def __init__(self, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.burst = burst
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # id -> (tokens, last time)
        self._lock = threading.Lock()

    def take(self, bucket: str, per_minute: float) -> float:
        """Take one token; 0.0 when allowed, else the seconds until one is available."""
        if per_minute <= 0:
            return 0.0
        rate = per_minute / 60.0
        with self._lock:
            now = self.clock()
            tokens, last = self._buckets.get(bucket, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * rate)
            if tokens >= 1.0:
                self._buckets[bucket] = (tokens - 1.0, now)
                self._prune(now, rate)
                return 0.0
            self._buckets[bucket] = (tokens, now)
            return (1.0 - tokens) / rate

    def _prune(self, now: float, rate: float) -> None:
        if len(self._buckets) <= self.MAX_BUCKETS:
            return
        full_after = self.burst / rate
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < full_after}


def _presented_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.headers.get("x-api-key") or None


def caller_dependency(
    settings: Settings, store: Store, buckets: TokenBucket
) -> Callable[[Request], Caller]:
    """The FastAPI dependency that authenticates and rate-limits a request."""

    def caller(request: Request) -> Caller:
        address = request.client.host if request.client else "unknown"
        key: KeyInfo | None = None
        needed = settings.api_keys == "required" or (
            settings.api_keys == "auto" and any_active_key(store)
        )
        if needed:
            presented = _presented_key(request)
            if presented is None:
                raise Unauthorized(
                    "this server needs an API key: send 'Authorization: Bearer <key>' "
                    "(create one with `aisle keys create NAME`)"
                )
            key = verify_key(store, presented)
            if key is None:
                raise Unauthorized("invalid or revoked API key")
        who = Caller(key=key, address=address)
        per_minute = key.rate_per_minute if key and key.rate_per_minute else None
        wait = buckets.take(who.bucket, per_minute or settings.rate_limit_per_minute)
        if wait > 0:
            raise RateLimited(wait)
        return who

    return caller


class RequestTooLarge(HTTPException):
    """Raised while the body is read; an HTTPException so FastAPI's body parsing passes it on
    instead of reporting a generic parse error."""

    def __init__(self, message: str) -> None:
        super().__init__(status_code=413, detail=message)


class BodyLimit:
    """ASGI middleware: bodies over ``max_bytes`` on the API paths get 413, whether the size is
    declared (Content-Length) or only seen while reading (chunked uploads)."""

    def __init__(self, app: ASGIApp, max_bytes: int, prefixes: Sequence[str] = API_PREFIXES):
        self.app = app
        self.max_bytes = max_bytes
        self.prefixes = tuple(prefixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefixes):
            await self.app(scope, receive, send)
            return
        message = f"request body larger than {self.max_bytes} bytes"
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await error_response(413, message)(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            event = await receive()
            if event["type"] == "http.request":
                seen += len(event.get("body", b""))
                if seen > self.max_bytes:
                    raise RequestTooLarge(message)
            return event

        await self.app(scope, limited, send)


class ScopedCORS:
    """Starlette's CORS middleware on the API paths only, so the mounted Gradio app keeps its
    own CORS handling."""

    def __init__(
        self, app: ASGIApp, origins: Sequence[str], prefixes: Sequence[str] = API_PREFIXES
    ) -> None:
        self.app = app
        self.prefixes = tuple(prefixes)
        self.cors = CORSMiddleware(
            app,
            allow_origins=list(origins),
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "X-API-Key", "X-Aisle-Session"],
            expose_headers=["Retry-After"],
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.prefixes):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
