"""Who is calling the MCP server: the same API key and signed identity token as the bot API.

Over streamable HTTP a client sends them as headers on every request, exactly as to the bot
API: ``Authorization: Bearer <key>`` (or ``X-API-Key``) and ``X-Aisle-Identity: <token>``. Over
stdio there are no headers: the process that launches ``aisle mcp`` passes them once, as
``--api-key`` / ``--identity-token`` or ``AISLE_API_KEY`` / ``AISLE_IDENTITY_TOKEN``. Either
way they are checked on every tool call, with the bot API's own checks: the key with
``ui.api.keys.verify_key`` whenever ``ui.api.security.keys_needed`` says one is needed, the
token with ``ui.api.identity.IdentityVerifier`` (signature, audience, expiry, a known user).

A ``Caller`` carries the verified shopper, or None: catalog tools serve a guest, account tools
(orders, cart, checkout) refuse one. No tool argument can name a shopper.

The bot API's limits hold here too, in the same buckets (``ui.api.ratelimit``, shared through
Redis with ``AISLE_REDIS_URL``): calls per key (or per client address without one), and failed
authentications per address, past which a client is refused before anything is checked.

Not here: what the tools do with the caller (``ui.mcp.shop``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from assistant.settings import Settings
from store.db import Store
from ui.api.identity import IDENTITY_HEADER, IdentityVerifier, InvalidIdentity
from ui.api.keys import KeyInfo, verify_key
from ui.api.ratelimit import Rate, RateLimiter
from ui.api.security import AuthFailures, api_rate, keys_needed, presented_key

STDIO = "stdio"  # the client address of a stdio server's one client


class AccessDenied(Exception):
    """The call is refused; the message says what credential is missing or wrong."""


@dataclass(frozen=True)
class Credentials:
    """What a client presented: an API key and an identity token, either may be absent."""

    api_key: str | None = None
    identity_token: str | None = None
    address: str = STDIO

    @classmethod
    def from_headers(cls, headers: Mapping[str, str] | None, address: str) -> Credentials:
        lowered = {k.lower(): v for k, v in (headers or {}).items()}
        token = lowered.get(IDENTITY_HEADER.lower()) or None
        return cls(presented_key(lowered), token, address)


@dataclass(frozen=True)
class Caller:
    """A checked caller: its key (None when no key is needed) and the shopper its identity
    token vouched for (None: a guest)."""

    key: KeyInfo | None
    shopper: str | None

    @property
    def scope(self) -> str:
        """The namespace of this caller's carts and proposals, as the bot API's sessions."""
        return f"k{self.key.prefix}" if self.key else "pub"


class Gate:
    """Checks credentials against the shop's keys and identity secret, and counts calls and
    failures against the bot API's limits."""

    def __init__(self, settings: Settings, store: Store, limiter: RateLimiter | None = None):
        self.settings = settings
        self.store = store
        self.limiter = limiter or RateLimiter.from_settings(settings)
        self.failures = AuthFailures(settings, self.limiter)

    @property
    def verifier(self) -> IdentityVerifier:
        secret = self.settings.identity_secret
        return IdentityVerifier(secret.get_secret_value() if secret else None, self.store)

    def check(self, presented: Credentials) -> Caller:
        """The caller, or ``AccessDenied`` naming the problem."""
        address = presented.address
        needed = keys_needed(self.settings, self.store)
        if needed or presented.identity_token:
            self._limited(self.failures.limiter.wait(f"authfail:{address}", self.failures.rate))
        key: KeyInfo | None = None
        if needed:
            if not presented.api_key:
                self.failures.failed(address)
                raise AccessDenied(
                    "this shop needs an API key: send 'Authorization: Bearer <key>' over HTTP, "
                    "or start `aisle mcp --api-key KEY` (AISLE_API_KEY) over stdio"
                )
            key = verify_key(self.store, presented.api_key)
            if key is None:
                self.failures.failed(address)
                raise AccessDenied("invalid or revoked API key")
        shopper: str | None = None
        if presented.identity_token:
            try:
                shopper = self.verifier.shopper(presented.identity_token)
            except InvalidIdentity as exc:
                self.failures.failed(address)
                raise AccessDenied(str(exc)) from None
        default = api_rate(self.settings)
        rate = Rate(key.rate_per_minute, default.burst) if key and key.rate_per_minute else default
        self._limited(self.limiter.hit(f"key:{key.prefix}" if key else f"addr:{address}", rate))
        return Caller(key=key, shopper=shopper)

    @staticmethod
    def _limited(wait: float) -> None:
        if wait > 0:
            raise AccessDenied(f"too many requests; retry in {math.ceil(wait)} s")


def require_shopper(caller: Caller) -> str:
    """The verified shopper, or ``AccessDenied`` for a guest."""
    if caller.shopper is None:
        raise AccessDenied(
            "this tool needs the shopper's identity: send the shop's signed identity token as "
            f"the {IDENTITY_HEADER} header over HTTP, or start `aisle mcp --identity-token "
            "TOKEN` (AISLE_IDENTITY_TOKEN) over stdio"
        )
    return caller.shopper
