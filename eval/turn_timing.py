"""Timing the stages of an assistant turn from outside, for ``aisle bench turn``.

``Stopwatch.instrument`` swaps an attribute (a method of a live object such as the product
searcher, or a module-level function such as the one that loads a shopper's profile) for a
wrapper that adds its wall time to a named stage, and puts the original back when the block
ends; a stage entered again while it is running (a nested call) is counted once. ``TimedChat``
wraps a ``ChatModel``: it records every completion (so a scripted model can replay the same
tool calls), the time spent inside the model, and llama.cpp's own prompt and generation
counters when the model is the embedded one.

Not here: which stages a turn has (``eval.bench_turn`` names them), or any change to the agent.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

from assistant.llm.llamacpp import LlamaCppChat
from assistant.llm.types import (
    ChatModel,
    Completion,
    JSONObject,
    Message,
    Prefills,
    StreamEvent,
    ToolChoice,
)


@dataclass
class Stopwatch:
    """Seconds per stage since the last ``reset``."""

    seconds: dict[str, float] = field(default_factory=dict)
    _running: set[str] = field(default_factory=set)

    def reset(self) -> None:
        self.seconds = {}

    def add(self, stage: str, seconds: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds

    def timed(self, stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if stage in self._running:
                return fn(*args, **kwargs)
            self._running.add(stage)
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self._running.discard(stage)
                self.add(stage, time.perf_counter() - started)

        return wrapper

    @contextmanager
    def instrument(self, targets: Sequence[tuple[object, str, str]]) -> Iterator[None]:
        """Time ``(owner, attribute, stage)`` for the block; owners that are None are skipped."""
        with ExitStack() as stack:
            for owner, name, stage in targets:
                if owner is None:
                    continue
                original = getattr(owner, name)
                had_own = name in vars(owner)
                setattr(owner, name, self.timed(stage, original))
                stack.callback(_restore, owner, name, original, had_own)
            yield


def _restore(owner: object, name: str, original: Any, had_own: bool) -> None:
    if had_own:
        setattr(owner, name, original)
    else:
        delattr(owner, name)  # an instance attribute over its class's method: drop it


@dataclass(frozen=True)
class ModelStep:
    """One model call: what it returned and where the time went."""

    completion: Completion
    seconds: float
    first_event_s: float  # until the model's first text piece, or its whole reply
    prompt_tokens_evaluated: int | None = None  # llama.cpp counters (embedded model only)
    prompt_eval_s: float | None = None
    generated_tokens: int | None = None
    generation_s: float | None = None
    context_tokens: int | None = None  # in the KV cache afterwards: prompt plus reply


class TimedChat:
    """A ``ChatModel`` that passes through to ``inner`` and records each call as a step."""

    def __init__(self, inner: ChatModel) -> None:
        self.inner = inner
        self.model = inner.model
        self.steps: list[ModelStep] = []

    def complete(
        self,
        messages: Sequence[Message],
        tools: Sequence[JSONObject] = (),
        tool_choice: ToolChoice = "auto",
        max_tokens: int = 512,
        temperature: float = 0.0,
    ) -> Completion:
        done: Completion | None = None
        for event in self.stream(messages, tools, tool_choice, max_tokens, temperature):
            done = event if isinstance(event, Completion) else done
        assert done is not None
        return done

    def prefill_later(self, messages: Sequence[Message], tools: Sequence[JSONObject] = ()
                      ) -> None:
        if isinstance(self.inner, Prefills):
            self.inner.prefill_later(messages, tools)

    def stream(
        self,
        messages: Sequence[Message],
        tools: Sequence[JSONObject] = (),
        tool_choice: ToolChoice = "auto",
        max_tokens: int = 512,
        temperature: float = 0.0,
    ) -> Iterator[StreamEvent]:
        _reset_counters(self.inner)
        started = time.perf_counter()
        first: float | None = None
        for event in self.inner.stream(messages, tools, tool_choice, max_tokens, temperature):
            if first is None:
                first = time.perf_counter() - started
            if isinstance(event, Completion):
                seconds = time.perf_counter() - started
                self.steps.append(ModelStep(event, seconds, first, *_counters(self.inner)))
            yield event


def _reset_counters(model: ChatModel) -> None:
    if isinstance(model, LlamaCppChat):
        import llama_cpp

        llama_cpp.llama_perf_context_reset(model.llama._ctx.ctx)


def _counters(
    model: ChatModel,
) -> tuple[int | None, float | None, int | None, float | None, int | None]:
    """llama.cpp's prompt and generation counters since the last reset, and the context size."""
    if not isinstance(model, LlamaCppChat):
        return None, None, None, None, None
    import llama_cpp

    data = llama_cpp.llama_perf_context(model.llama._ctx.ctx)
    return (int(data.n_p_eval), data.t_p_eval_ms / 1000, int(data.n_eval),
            data.t_eval_ms / 1000, int(model.llama.n_tokens))
