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

Not here: what the tools do with the caller (``ui.mcp.shop``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from assistant.settings import Settings
from store.db import Store
from ui.api.identity import IDENTITY_HEADER, IdentityVerifier, InvalidIdentity
from ui.api.keys import KeyInfo, verify_key
from ui.api.security import keys_needed, presented_key


class AccessDenied(Exception):
    """The call is refused; the message says what credential is missing or wrong."""


@dataclass(frozen=True)
class Credentials:
    """What a client presented: an API key and an identity token, either may be absent."""

    api_key: str | None = None
    identity_token: str | None = None

    @classmethod
    def from_headers(cls, headers: Mapping[str, str] | None) -> Credentials:
        if not headers:
            return cls()
        lowered = {k.lower(): v for k, v in headers.items()}
        return cls(presented_key(lowered), lowered.get(IDENTITY_HEADER.lower()) or None)


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


@dataclass(frozen=True)
class Gate:
    """Checks credentials against the shop's keys and identity secret."""

    settings: Settings
    store: Store

    @property
    def verifier(self) -> IdentityVerifier:
        secret = self.settings.identity_secret
        return IdentityVerifier(secret.get_secret_value() if secret else None, self.store)

    def check(self, presented: Credentials) -> Caller:
        """The caller, or ``AccessDenied`` naming the problem."""
        key: KeyInfo | None = None
        if keys_needed(self.settings, self.store):
            if not presented.api_key:
                raise AccessDenied(
                    "this shop needs an API key: send 'Authorization: Bearer <key>' over HTTP, "
                    "or start `aisle mcp --api-key KEY` (AISLE_API_KEY) over stdio"
                )
            key = verify_key(self.store, presented.api_key)
            if key is None:
                raise AccessDenied("invalid or revoked API key")
        shopper: str | None = None
        if presented.identity_token:
            try:
                shopper = self.verifier.shopper(presented.identity_token)
            except InvalidIdentity as exc:
                raise AccessDenied(str(exc)) from None
        return Caller(key=key, shopper=shopper)


def require_shopper(caller: Caller) -> str:
    """The verified shopper, or ``AccessDenied`` for a guest."""
    if caller.shopper is None:
        raise AccessDenied(
            "this tool needs the shopper's identity: send the shop's signed identity token as "
            f"the {IDENTITY_HEADER} header over HTTP, or start `aisle mcp --identity-token "
            "TOKEN` (AISLE_IDENTITY_TOKEN) over stdio"
        )
    return caller.shopper
