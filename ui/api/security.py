"""Who may call Aisle, how often, and with how much: API keys, identity tokens, rate limits,
body size, CORS. One story for every door: the bot API (``/api/v1``), the OpenAI-compatible
``/v1`` and the web chat at ``/`` (its sign-in: ``ui.api.signin``); ``/healthz``, the docs and
the widget page stay open.

Keys (``settings.api_keys``): "auto" (default) asks for a key once any unrevoked key exists, so
the loopback demo needs no ceremony and a shop that created a key is protected from then on;
"required" always asks; "off" never does. A key is sent as ``Authorization: Bearer <key>`` (what
OpenAI clients do) or ``X-API-Key``; the web chat keeps it in a cookie after its sign-in page.
While no key is needed, whatever is sent is ignored: OpenAI clients always send some key
("not-needed"). Sessions are scoped to the key that made them (or to "no key").

The shopper is another matter: a key names the site, an identity token (``ui.api.identity``,
header ``X-Aisle-Identity``) names the site's signed-in shopper.

Rate limits (``ui.api.ratelimit``) count per key, or per client address without one; every
failed authentication (bad key, bad identity token, failed sign-in) also counts against the
address, and past ``auth_failures_per_minute`` the address gets 429 before anything is checked.
With ``AISLE_REDIS_URL`` the counts are shared by every replica.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from fastapi import Request
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.settings import Settings
from store.db import Store
from ui.api.errors import ApiError, RateLimited, Unauthorized, error_response
from ui.api.identity import IDENTITY_HEADER, IdentityVerifier, InvalidIdentity
from ui.api.keys import KeyInfo, any_active_key, verify_key
from ui.api.ratelimit import Rate, RateLimiter

API_PREFIXES = ("/api/", "/v1/")
# Control characters are no text (tabs and newlines are): NUL breaks PostgreSQL's text columns.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The web chat sends its whole chat history with every event (Gradio's Chatbot value), cards
# included: its bodies may be larger than an API message, but still bounded.
WEB_MAX_BYTES = 1_048_576


@dataclass(frozen=True)
class Caller:
    """The party behind a request: its key (None without one), its address and the shopper an
    identity token vouched for (None: a guest, who may still identify in the chat)."""

    key: KeyInfo | None
    address: str
    shopper: str | None = None

    @property
    def scope(self) -> str:
        """The namespace of this caller's sessions: ``k<prefix>`` or ``pub``."""
        return f"k{self.key.prefix}" if self.key else "pub"

    @property
    def bucket(self) -> str:
        return f"key:{self.key.prefix}" if self.key else f"addr:{self.address}"


def keys_needed(settings: Settings, store: Store) -> bool:
    """Whether a request must present an API key now (see the module docstring)."""
    return settings.api_keys == "required" or (
        settings.api_keys == "auto" and any_active_key(store)
    )


def api_rate(settings: Settings) -> Rate:
    return Rate(settings.rate_limit_per_minute, settings.rate_limit_burst)


class AuthFailures:
    """Failed authentications per client address: checked before a credential is looked at,
    counted when one is refused."""

    def __init__(self, settings: Settings, limiter: RateLimiter) -> None:
        per_minute = settings.auth_failures_per_minute
        self.rate = Rate(per_minute, max(1, per_minute))
        self.limiter = limiter

    def check(self, address: str) -> None:
        """429 while ``address`` is over its failures."""
        wait = self.limiter.wait(f"authfail:{address}", self.rate)
        if wait > 0:
            raise RateLimited(wait)

    def failed(self, address: str) -> None:
        self.limiter.hit(f"authfail:{address}", self.rate)


def presented_key(headers: Mapping[str, str]) -> str | None:
    """The API key in ``Authorization: Bearer`` or ``X-API-Key``, if any."""
    header = headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return headers.get("x-api-key") or None


def caller_dependency(
    settings: Settings, store: Store, limiter: RateLimiter, verifier: IdentityVerifier
) -> Callable[[Request], Caller]:
    """The FastAPI dependency that authenticates and rate-limits a request."""
    failures = AuthFailures(settings, limiter)
    default = api_rate(settings)

    def caller(request: Request) -> Caller:
        address = request.client.host if request.client else "unknown"
        key: KeyInfo | None = None
        token = request.headers.get(IDENTITY_HEADER)
        needed = keys_needed(settings, store)
        if needed or token:
            failures.check(address)  # an address past its failures is not checked at all
        if needed:
            presented = presented_key(request.headers)
            key = verify_key(store, presented) if presented else None
            if key is None:
                failures.failed(address)
                raise Unauthorized(
                    "invalid or revoked API key"
                    if presented
                    else "this server needs an API key: send 'Authorization: Bearer <key>' "
                    "(create one with `aisle keys create NAME`)"
                )
        shopper: str | None = None
        if token:
            try:
                shopper = verifier.shopper(token)
            except InvalidIdentity as exc:
                failures.failed(address)
                raise ApiError(str(exc), status=401) from None
        who = Caller(key=key, address=address, shopper=shopper)
        rate = Rate(key.rate_per_minute, default.burst) if key and key.rate_per_minute else default
        wait = limiter.hit(who.bucket, rate)
        if wait > 0:
            raise RateLimited(wait)
        return who

    return caller


class BodyLimit:
    """ASGI middleware: a body over the limit gets 413 in the API's JSON shape on every path,
    whether its size is declared (Content-Length) or only seen while reading (chunked). The
    limit is ``max_bytes`` on the API paths and ``web_max_bytes`` elsewhere (the web chat).
    The body is read here, up to the limit, before the app sees any of it."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        web_max_bytes: int = WEB_MAX_BYTES,
        prefixes: Sequence[str] = API_PREFIXES,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.web_max_bytes = max(max_bytes, web_max_bytes)
        self.prefixes = tuple(prefixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes if scope["path"].startswith(self.prefixes) else self.web_max_bytes
        too_large = error_response(413, f"request body larger than {limit} bytes")
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await too_large(scope, receive, send)
            return
        read: list[Message] = []
        seen = 0
        while True:
            event = await receive()
            read.append(event)
            if event["type"] != "http.request":
                break  # the client left: the app will see it
            seen += len(event.get("body", b""))
            if seen > limit:
                await too_large(scope, receive, send)
                return
            if not event.get("more_body", False):
                break

        async def replay() -> Message:
            return read.pop(0) if read else await receive()

        await self.app(scope, replay, send)


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
            allow_headers=[
                "Authorization",
                "Content-Type",
                "X-API-Key",
                "X-Aisle-Session",
                IDENTITY_HEADER,
            ],
            expose_headers=["Retry-After"],
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.prefixes):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
