"""The embedding site's word for who the shopper is: a signed, expiring identity token.

A shop that embeds Aisle signs its logged-in shopper into the chat with a JWT (HS256, verified
with PyJWT) made with the secret it shares with this server (``AISLE_IDENTITY_SECRET``)::

    jwt.encode({"sub": "<user id>", "aud": "aisle", "exp": now + 15 min}, secret, "HS256")

and sends it as the ``X-Aisle-Identity`` header: to the bot API, from the widget
(``data-identity``), and to ``/v1``. ``sub`` is the shop's user id, ``aud`` must be ``"aisle"``
(a token the shop signs for another service is refused), ``exp`` is required and at most
``MAX_LIFETIME`` ahead. A session's shopper comes only from such a token or from credentials
the shopper typed in the chat; a bare user id in a request signs nobody in.

The API key says which site is calling; this token says which of its shoppers. The key is
visible in the shop's pages, the secret never leaves the shop's server.

Not here: API keys (``ui.api.keys``), counting failed attempts (``ui.api.security``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import jwt

from store.db import Store
from store.models import User

IDENTITY_HEADER = "X-Aisle-Identity"
AUDIENCE = "aisle"
ALGORITHM = "HS256"
MAX_LIFETIME = 24 * 3600  # seconds; a token that lives longer is refused
LEEWAY = 30  # seconds of clock skew between the shop's server and this one


class InvalidIdentity(Exception):
    """The identity token cannot vouch for anyone; the message says why (for the site's
    developers: it never names a shopper)."""


@dataclass(frozen=True)
class IdentityVerifier:
    """Checks tokens against the shared secret (None: this server accepts no tokens)."""

    secret: str | None
    store: Store

    def shopper(self, token: str) -> str:
        """The user id ``token`` vouches for; ``InvalidIdentity`` otherwise."""
        if not self.secret:
            raise InvalidIdentity(
                "this server accepts no identity tokens; set AISLE_IDENTITY_SECRET to the "
                "secret the shop's site signs them with"
            )
        try:
            claims = jwt.decode(
                token,
                self.secret,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                leeway=LEEWAY,
                options={"require": ["sub", "exp", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise InvalidIdentity(
                "the identity token has expired; the site must sign a fresh one"
            ) from None
        except jwt.InvalidTokenError as exc:
            raise InvalidIdentity(f"invalid identity token: {exc}") from None
        if float(claims["exp"]) > time.time() + MAX_LIFETIME + LEEWAY:
            raise InvalidIdentity(
                f"the identity token lives longer than {MAX_LIFETIME} s; sign short-lived tokens"
            )
        user_id = claims["sub"]
        if not isinstance(user_id, str) or not 0 < len(user_id) <= 64:
            raise InvalidIdentity("the identity token's sub must be the shop's user id")
        with self.store.session() as session:
            if session.get(User, user_id) is None:
                raise InvalidIdentity("the identity token names no user of this shop")
        return user_id


def sign_identity(secret: str, user_id: str, seconds: int = 900) -> str:
    """A token for ``user_id`` valid ``seconds``: what the shop's server does (tests, docs)."""
    now = int(time.time())
    return jwt.encode(
        {"sub": user_id, "aud": AUDIENCE, "iat": now, "exp": now + seconds},
        secret,
        algorithm=ALGORITHM,
    )
