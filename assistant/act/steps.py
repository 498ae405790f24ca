"""Running a turn's tool steps: each one announced as it starts and finishes (the events the
chat shows while the shopper waits) and recorded in the reply's trace.

``Steps.call`` runs a ``Tool`` object with validated arguments; ``Steps.run`` runs a code
capability (a search under constraints the policy decided, a comparison) under the name of
the tool it stands for, so the trace reads the same either way. Steps are generators: the
caller ``yield from``s them and gets the result.

Not here: which steps a turn takes (``assistant.act``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from assistant.events import StepFinished, StepStarted, TurnEvent
from assistant.reply import TraceStep
from tools.base import Tool, ToolContext, ToolResult
from tools.constraints import Constraints

T = TypeVar("T")


@dataclass(frozen=True)
class Lead:
    """Internal: a search counted what fits; the agent shows the reply's first sentence
    (composed by ``assistant.respond``) while ranking and reasons are still being worked out."""

    total: int
    constraints: Constraints


Events = Generator[TurnEvent | Lead, None, T]


@dataclass
class Steps:
    trace: list[TraceStep] = field(default_factory=list)

    def call(self, tool: Tool, ctx: ToolContext, arguments: dict[str, Any]) -> Events[ToolResult]:
        yield StepStarted(tool.name, arguments)
        started = time.perf_counter()
        result = tool.call(ctx, arguments)
        yield self._finished(tool.name, arguments, started, result.ok, _summary(result.content))
        return result

    def run(
        self,
        name: str,
        arguments: dict[str, Any],
        work: Callable[[], T],
        summary: Callable[[T], str] = lambda _: "",
    ) -> Events[T]:
        yield StepStarted(name, arguments)
        started = time.perf_counter()
        result = work()
        yield self._finished(name, arguments, started, True, summary(result))
        return result

    def note(
        self, name: str, arguments: dict[str, Any], result: ToolResult, ms: float
    ) -> Events[None]:
        """Record a step that already ran (a confirmed write)."""
        yield StepStarted(name, arguments)
        step = TraceStep(tool=name, arguments=arguments, ms=ms, ok=result.ok)
        self.trace.append(step)
        yield StepFinished(name, arguments, ms, result.ok, _summary(result.content))

    def _finished(
        self, name: str, arguments: dict[str, Any], started: float, ok: bool, summary: str
    ) -> StepFinished:
        ms = round((time.perf_counter() - started) * 1000, 1)
        self.trace.append(TraceStep(tool=name, arguments=arguments, ms=ms, ok=ok))
        return StepFinished(name, arguments, ms, ok, summary[:160])


def _summary(content: str) -> str:
    first = content.strip().splitlines()[0] if content.strip() else ""
    return first[:160]
