"""API keys for embedding sites: created, listed, revoked and checked, stored hashed.

A key reads ``aisle_<prefix>_<secret>``: the prefix (8 hex characters) is its public id, shown
in listings and used to find the row; only the SHA-256 of the whole key is stored, compared in
constant time. The key itself is shown once, at creation, and cannot be recovered.

Not here: when a key is required and how it is sent (``ui.api.security``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from store.db import Store
from store.errors import AisleError, NotFound
from store.models import ApiKey, utcnow

KEY_PREFIX = "aisle_"


@dataclass(frozen=True)
class KeyInfo:
    """A key as listings show it: never the secret, never the hash."""

    prefix: str
    name: str
    rate_per_minute: float | None
    created_at: datetime
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def to_dict(self) -> dict[str, object]:
        return {
            "prefix": self.prefix,
            "name": self.name,
            "rate_per_minute": self.rate_per_minute,
            "created_at": self.created_at.isoformat(),
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
            "active": self.active,
        }


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _info(row: ApiKey) -> KeyInfo:
    return KeyInfo(row.prefix, row.name, row.rate_per_minute, row.created_at, row.revoked_at)


def create_key(
    store: Store, name: str, rate_per_minute: float | None = None
) -> tuple[str, KeyInfo]:
    """A new key for ``name``; returns the key (show it once) and what is stored about it."""
    name = name.strip()
    if not name:
        raise AisleError("a key needs a name, e.g. the site that embeds the bot")
    if rate_per_minute is not None and rate_per_minute <= 0:
        raise AisleError("--rate must be a positive number of requests per minute")
    with store.session() as session:
        while True:  # 2^32 prefixes: a clash is rare, but the column is unique
            prefix = secrets.token_hex(4)
            if session.exec(select(ApiKey).where(ApiKey.prefix == prefix)).first() is None:
                break
        key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(24)}"
        row = ApiKey(
            prefix=prefix, name=name, key_hash=hash_key(key), rate_per_minute=rate_per_minute
        )
        session.add(row)
        session.flush()
        return key, _info(row)


def list_keys(store: Store) -> list[KeyInfo]:
    with store.session() as session:
        rows = session.exec(select(ApiKey).order_by(col(ApiKey.id))).all()
        return [_info(row) for row in rows]


def revoke_key(store: Store, prefix_or_key: str) -> KeyInfo:
    """Revoke by prefix (as listed) or by the whole key; revoking twice is harmless."""
    prefix = _prefix_of(prefix_or_key.strip()) or prefix_or_key.strip()
    with store.session() as session:
        row = session.exec(select(ApiKey).where(ApiKey.prefix == prefix)).first()
        if row is None:
            raise NotFound(f"no API key with prefix {prefix!r}; `aisle keys list` shows them")
        if row.revoked_at is None:
            row.revoked_at = utcnow()
            session.add(row)
        return _info(row)


def any_active_key(store: Store) -> bool:
    with store.session() as session:
        query = select(ApiKey.id).where(col(ApiKey.revoked_at).is_(None)).limit(1)
        return session.exec(query).first() is not None


def verify_key(store: Store, key: str) -> KeyInfo | None:
    """The active key's info, or None for a malformed, unknown or revoked key."""
    prefix = _prefix_of(key)
    if prefix is None:
        return None
    with store.session() as session:
        row = session.exec(select(ApiKey).where(ApiKey.prefix == prefix)).first()
        if row is None or row.revoked_at is not None:
            return None
        if not hmac.compare_digest(row.key_hash, hash_key(key)):
            return None
        return _info(row)


def _prefix_of(key: str) -> str | None:
    if not key.startswith(KEY_PREFIX):
        return None
    prefix, sep, secret = key[len(KEY_PREFIX) :].partition("_")
    return prefix if sep and secret and len(prefix) == 8 else None
