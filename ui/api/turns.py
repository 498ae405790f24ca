"""Running the synchronous, slow agent turn without blocking the server's event loop.

A turn takes seconds on a CPU and the embedded llama.cpp model can run only one generation at a
time, so turns run in worker threads behind a ``TurnGate``: at most ``limit`` at once, the rest
wait up to ``wait_seconds`` and then get 503. The gate is a threading semaphore, so the Gradio
UI (which runs handlers in its own threads) can share the same gate and with it the same model.

A turn runs to its end in one thread even when the client goes away: a write the shopper
confirmed must be executed and recorded together, never half. Only a turn that has not started
yet is dropped when its client is gone.

Not here: what a turn does (``assistant.agent``), the HTTP shapes (``ui.api.bot``,
``ui.api.openai``).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import cast

import anyio
import anyio.to_thread

from assistant.events import Final, TurnEvent
from ui.api.errors import ServerBusy


class TurnGate:
    """At most ``limit`` turns at once; a turn waits up to ``wait_seconds`` for a slot."""

    def __init__(self, limit: int, wait_seconds: float) -> None:
        if limit < 1:
            raise ValueError("a turn gate needs at least one slot")
        self.limit = limit
        self.wait_seconds = wait_seconds
        self._slots = threading.BoundedSemaphore(limit)
        # Threads that may wait for a slot at once; beyond it, requests wait without a thread,
        # so queued turns never starve the thread pool FastAPI uses for everything else.
        self.threads = anyio.CapacityLimiter(limit * 4 + 8)

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold a slot for the duration of a turn (blocking; call it from a worker thread)."""
        if not self._slots.acquire(timeout=self.wait_seconds):
            raise ServerBusy(self.wait_seconds)
        try:
            yield
        finally:
            self._slots.release()


@dataclass(frozen=True)
class _Failure:
    error: BaseException


_DONE = object()


async def stream_turn(
    gate: TurnGate, events: Callable[[], Iterator[TurnEvent]]
) -> AsyncIterator[TurnEvent]:
    """The turn's events as they happen; an error the turn raises is raised here."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[object] = asyncio.Queue()
    gone = threading.Event()

    def put(item: object) -> None:
        loop.call_soon_threadsafe(queue.put_nowait, item)

    def work() -> None:
        try:
            with gate.slot():
                if gone.is_set():
                    return  # the client left before the turn started: nothing to finish
                for event in events():
                    put(event)
        except BaseException as exc:  # handed to the request, which reports it
            put(_Failure(exc))
        finally:
            put(_DONE)

    worker = asyncio.ensure_future(anyio.to_thread.run_sync(work, limiter=gate.threads))
    try:
        while True:
            item = await queue.get()
            if item is _DONE:
                break
            if isinstance(item, _Failure):
                raise item.error
            yield cast(TurnEvent, item)  # everything else on the queue is an event
    finally:
        gone.set()
        if worker.done():
            worker.result()


async def run_turn(gate: TurnGate, events: Callable[[], Iterator[TurnEvent]]) -> Final:
    """The whole turn; its ``Final`` event."""
    final: Final | None = None
    async for event in stream_turn(gate, events):
        if isinstance(event, Final):
            final = event
    if final is None:
        raise RuntimeError("the turn ended without a Final event")
    return final
