"""A scripted chat model: the fake that lets agent tests run without any LLM.

``ScriptedChat`` replies from a script, in order: each step is a ``Completion``, a ``str`` (a
text reply), a ``ToolCall`` or a list of them (a reply that calls tools), or a function of the
``ChatRequest`` returning one of those (to answer from what the agent sent). It records every
request in ``requests`` and raises ``ScriptExhausted`` when asked for more replies than it was
given, naming the request, so a test never silently falls through to a real model.

Calls without an id get a deterministic one (as parsed calls do), so tests can answer them.

Not here: any real model; the agent loop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from assistant.llm.errors import ScriptExhausted
from assistant.llm.types import (
    Completion,
    Delta,
    JSONObject,
    Message,
    StreamEvent,
    ToolCall,
    ToolChoice,
    call_id,
)


@dataclass(frozen=True)
class ChatRequest:
    """What the agent asked for in one call."""

    messages: tuple[Message, ...]
    tools: tuple[JSONObject, ...]
    tool_choice: ToolChoice
    max_tokens: int
    temperature: float

    @property
    def last(self) -> Message:
        return self.messages[-1]


Reply = Completion | str | ToolCall | Sequence[ToolCall]
Step = Reply | Callable[[ChatRequest], Reply]


def call(name: str, /, **arguments: object) -> ToolCall:
    """A tool call for a script: ``call("get_order_details", order_id="#W1")``."""
    return ToolCall(name, dict(arguments))


class ScriptedChat:
    """``ChatModel`` that plays back ``script``; see the module docstring."""

    def __init__(
        self, script: Sequence[Step] | Callable[[ChatRequest], Reply], model: str = "scripted"
    ) -> None:
        self.model = model
        self._steps: list[Step] | None = None if callable(script) else list(script)
        self._function = script if callable(script) else None
        self.requests: list[ChatRequest] = []

    @property
    def remaining(self) -> int:
        """Steps not yet played (0 for a function script)."""
        return len(self._steps) - len(self.requests) if self._steps is not None else 0

    def complete(
        self,
        messages: Sequence[Message],
        tools: Sequence[JSONObject] = (),
        tool_choice: ToolChoice = "auto",
        max_tokens: int = 512,
        temperature: float = 0.0,
    ) -> Completion:
        request = ChatRequest(tuple(messages), tuple(tools), tool_choice, max_tokens, temperature)
        step = self._next(request)
        self.requests.append(request)
        reply = step(request) if callable(step) else step
        return _completion(reply, request, self.model)

    def stream(
        self,
        messages: Sequence[Message],
        tools: Sequence[JSONObject] = (),
        tool_choice: ToolChoice = "auto",
        max_tokens: int = 512,
        temperature: float = 0.0,
    ) -> Iterator[StreamEvent]:
        done = self.complete(messages, tools, tool_choice, max_tokens, temperature)
        # Word-sized pieces, so consumers see more than one delta.
        for piece in done.text.split(" "):
            if piece:
                yield Delta(piece + " ")
        yield done

    def _next(self, request: ChatRequest) -> Step:
        if self._function is not None:
            return self._function
        assert self._steps is not None
        index = len(self.requests)
        if index >= len(self._steps):
            last = request.messages[-1] if request.messages else None
            seen = f"{last.role}: {last.content[:80]!r}" if last else "no messages"
            raise ScriptExhausted(
                f"ScriptedChat ran out after {len(self._steps)} scripted replies; request "
                f"{index + 1} ended with {seen}. Add a reply to the script for it."
            )
        return self._steps[index]


def _completion(reply: Reply, request: ChatRequest, model: str) -> Completion:
    if isinstance(reply, Completion):
        completion = reply
    elif isinstance(reply, str):
        completion = Completion(text=reply)
    else:
        calls = (reply,) if isinstance(reply, ToolCall) else tuple(reply)
        completion = Completion(tool_calls=calls, finish_reason="tool_calls")
    calls = tuple(
        c if c.id else ToolCall(c.name, c.arguments, call_id(request.messages, i))
        for i, c in enumerate(completion.tool_calls)
    )
    return Completion(
        text=completion.text,
        tool_calls=calls,
        finish_reason="tool_calls" if calls else completion.finish_reason,
        usage=completion.usage,
        seconds=completion.seconds,
        model=completion.model or model,
        first_token_seconds=completion.first_token_seconds,
    )
