"""What the API's routes share, kept on ``app.state`` (one per app, nothing module-global): the
settings, the store, the assistant, the turn gate, the authenticating dependency and the
rate limiter.

Routers are plain module-level ``APIRouter`` objects; they reach these through ``services`` and
``caller``, so several apps (tests, replicas in one process) never share state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request

from assistant.agent import Assistant
from assistant.settings import Settings
from store.db import Store
from ui.api.ratelimit import RateLimiter
from ui.api.security import Caller
from ui.api.turns import TurnGate


@dataclass
class ApiServices:
    settings: Settings
    store: Store
    assistant: Assistant  # swap ``assistant.deps.ranker`` in place to switch rankers live
    gate: TurnGate
    authenticate: Callable[[Request], Caller]
    limiter: RateLimiter


def services(request: Request) -> ApiServices:
    found = request.app.state.aisle
    assert isinstance(found, ApiServices), "create_app puts the services on app.state.aisle"
    return found


def caller(request: Request) -> Caller:
    """FastAPI dependency: the authenticated, rate-limited caller (401 / 429 otherwise)."""
    return services(request).authenticate(request)
