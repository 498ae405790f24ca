"""Rate limits for every door, counted by the ``limits`` library: in process memory by default,
in Redis when ``AISLE_REDIS_URL`` is set, so that every replica behind a load balancer counts
against the same windows.

A ``Rate`` is what the settings say (``per_minute`` requests, ``burst`` of them back to back);
it becomes a moving window of ``burst`` hits per ``burst / per_minute`` minutes, which allows the
burst at once and the rate on average, like a token bucket. Buckets are named by the caller
(``key:<prefix>``, ``addr:<address>``, ``authfail:<address>``) under a namespace derived from
the shop's database URL: replicas of one shop share limits, two shops on one Redis do not.

When Redis stops answering, limits fall back to this process' memory (logged once per outage)
rather than refusing every request: a limiter outage must not become a shop outage.

Not here: who the caller is (``ui.api.security``), what a limit protects (the doors).
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from dataclasses import dataclass

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from assistant.settings import Settings

log = logging.getLogger("aisle.api")


@dataclass(frozen=True)
class Rate:
    """``per_minute`` on average, ``burst`` back to back; ``per_minute`` 0 is no limit."""

    per_minute: float
    burst: int

    @property
    def item(self) -> RateLimitItem | None:
        if self.per_minute <= 0:
            return None
        seconds = max(1, math.ceil(self.burst * 60.0 / self.per_minute))
        return RateLimitItemPerSecond(max(1, self.burst), seconds)


class RateLimiter:
    """Moving-window limits in ``limits`` storage (module docstring). Thread-safe."""

    def __init__(self, storage_url: str | None = None, namespace: str = "aisle") -> None:
        self.namespace = namespace
        self.shared = storage_url is not None
        self._memory = MovingWindowRateLimiter(MemoryStorage())
        self._limiter = (
            MovingWindowRateLimiter(self._storage(storage_url)) if storage_url else self._memory
        )
        self._lock = threading.Lock()
        self._down_since: float | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimiter:
        digest = hashlib.sha256(settings.effective_database_url.encode()).hexdigest()[:12]
        return cls(settings.redis_url, namespace=f"aisle-{digest}")

    @staticmethod
    def _storage(url: str) -> Storage:
        # A Redis that stops answering must cost a request a second at most, not hang it.
        options = (
            {"socket_connect_timeout": 1.0, "socket_timeout": 1.0}
            if url.startswith(("redis://", "rediss://"))
            else {}
        )
        storage = storage_from_string(url, **options)
        assert isinstance(storage, Storage)  # a synchronous URL scheme (redis://, memory://)
        return storage

    def hit(self, bucket: str, rate: Rate) -> float:
        """Count one request; 0.0 when allowed, else the seconds until one would be."""
        item = rate.item
        if item is None:
            return 0.0
        limiter = self._working()
        try:
            if limiter.hit(item, self.namespace, bucket):
                return 0.0
            return self._wait(limiter, item, bucket)
        except Exception as exc:  # the shared storage failed mid-request: count locally
            self._failed(exc)
            return 0.0 if self._memory.hit(item, self.namespace, bucket) else 1.0

    def wait(self, bucket: str, rate: Rate) -> float:
        """Like ``hit`` without counting: the seconds until a request would be allowed."""
        item = rate.item
        if item is None:
            return 0.0
        limiter = self._working()
        try:
            if limiter.test(item, self.namespace, bucket):
                return 0.0
            return self._wait(limiter, item, bucket)
        except Exception as exc:
            self._failed(exc)
            return 0.0

    def check(self) -> bool:
        """Whether the storage answers (always True in memory)."""
        if not self.shared:
            return True
        try:
            return bool(self._limiter.storage.check())
        except Exception:
            return False

    def _wait(self, limiter: MovingWindowRateLimiter, item: RateLimitItem, bucket: str) -> float:
        reset = limiter.get_window_stats(item, self.namespace, bucket).reset_time
        return max(1.0, reset - time.time())

    def _working(self) -> MovingWindowRateLimiter:
        """The shared limiter, or memory for a few seconds after it failed."""
        with self._lock:
            if self._down_since is not None and time.monotonic() - self._down_since > 5.0:
                self._down_since = None  # try the shared storage again
            return self._memory if self._down_since is not None else self._limiter

    def _failed(self, exc: Exception) -> None:
        with self._lock:
            if self._down_since is None:
                log.warning(
                    "rate-limit storage failed (%s: %s); counting in this process "
                    "until it answers again",
                    type(exc).__name__,
                    exc,
                )
            self._down_since = time.monotonic()
