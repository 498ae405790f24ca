"""The chat-model interface the agent uses, and the data that crosses it.

Every backend (an OpenAI-compatible server, the embedded llama.cpp model, the scripted fake)
implements ``ChatModel``: ``complete`` returns one ``Completion``; ``stream`` yields text
``Delta``s and then the final ``Completion`` (whose text is the whole reply). Tools are OpenAI
function schemas (``{"type": "function", "function": {"name", "description", "parameters"}}``),
as ``tools.base.Tool.schema`` derives them.

Not here: which backend to build from the settings (the caller decides), the agent loop, or
tool-call parsing of free text (``assistant.llm.parsing``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

Role = Literal["system", "user", "assistant", "tool"]
# JSON from or for a model: its shape is decided by each tool's schema, not here.
JSONObject = dict[str, Any]


@dataclass(frozen=True)
class ForcedTool:
    """A ``tool_choice`` that makes the reply one call to the tool ``name`` (OpenAI's named
    tool choice; vLLM constrains it by grammar, the embedded model does too)."""

    name: str


ToolChoice = Literal["auto", "none"] | ForcedTool


def offered(tools: Sequence[JSONObject], choice: ToolChoice) -> list[JSONObject]:
    """The tools a reply may call under ``choice``: all for ``"auto"``, none for ``"none"``,
    the named one for a ``ForcedTool`` (all when the name is not among them: a forced call
    to a tool the prompt does not offer would be a call the agent must reject anyway)."""
    if choice == "none":
        return []
    if isinstance(choice, ForcedTool):
        named = [t for t in tools if t.get("function", t).get("name") == choice.name]
        return named or list(tools)
    return list(tools)


def openai_tool_choice(choice: ToolChoice) -> str | JSONObject:
    """``choice`` as the OpenAI protocol writes it."""
    if isinstance(choice, ForcedTool):
        return {"type": "function", "function": {"name": choice.name}}
    return choice


@dataclass(frozen=True)
class ToolCall:
    """One call the model asked for; ``arguments`` is already decoded JSON."""

    name: str
    arguments: JSONObject = field(default_factory=dict)
    id: str = ""

    def arguments_json(self) -> str:
        return json.dumps(self.arguments, ensure_ascii=False)


@dataclass(frozen=True)
class Message:
    """One chat message. A ``tool`` message answers the call named by ``tool_call_id``."""

    role: Role
    content: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None
    name: str | None = None

    @classmethod
    def system(cls, content: str) -> Message:
        return cls("system", content)

    @classmethod
    def user(cls, content: str) -> Message:
        return cls("user", content)

    @classmethod
    def assistant(cls, content: str = "", tool_calls: Sequence[ToolCall] = ()) -> Message:
        return cls("assistant", content, tuple(tool_calls))

    @classmethod
    def tool(cls, call: ToolCall, content: str) -> Message:
        return cls("tool", content, tool_call_id=call.id, name=call.name)

    def to_openai(self) -> JSONObject:
        """The OpenAI chat-completions wire form (also what llama-cpp-python takes)."""
        out: JSONObject = {"role": self.role, "content": self.content}
        if self.tool_calls:
            out["tool_calls"] = [
                {
                    "id": c.id,
                    "type": "function",
                    "function": {"name": c.name, "arguments": c.arguments_json()},
                }
                for c in self.tool_calls
            ]
        if self.role == "tool":
            out["tool_call_id"] = self.tool_call_id or ""
            if self.name:
                out["name"] = self.name
        return out


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass(frozen=True)
class Completion:
    """A finished reply: text (possibly empty) and/or tool calls, with what it cost.

    ``finish_reason`` is ``"tool_calls"`` when there are calls, else the backend's reason
    (``"stop"``, ``"length"``). ``first_token_seconds`` is set by streaming backends.
    """

    text: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    finish_reason: str = "stop"
    usage: Usage = field(default_factory=Usage)
    seconds: float = 0.0
    model: str = ""
    first_token_seconds: float | None = None

    def message(self) -> Message:
        """The assistant message to append to the conversation."""
        return Message.assistant(self.text, self.tool_calls)


@dataclass(frozen=True)
class Delta:
    """A piece of reply text, in order, while a reply streams."""

    text: str


StreamEvent = Delta | Completion


class ChatModel(Protocol):
    """What the agent needs from an LLM. ``model`` names it in traces and reports."""

    model: str

    def complete(
        self,
        messages: Sequence[Message],
        tools: Sequence[JSONObject] = (),
        tool_choice: ToolChoice = "auto",
        max_tokens: int = 512,
        temperature: float = 0.0,
    ) -> Completion: ...

    def stream(
        self,
        messages: Sequence[Message],
        tools: Sequence[JSONObject] = (),
        tool_choice: ToolChoice = "auto",
        max_tokens: int = 512,
        temperature: float = 0.0,
    ) -> Iterator[StreamEvent]: ...


@runtime_checkable
class Prefills(Protocol):
    """A model that can evaluate the conversation so far in the background, while the shopper
    reads the reply, so the next turn starts with it cached (the embedded model does)."""

    def prefill_later(
        self, messages: Sequence[Message], tools: Sequence[JSONObject] = ()
    ) -> None: ...


def final(events: Iterator[StreamEvent]) -> Completion:
    """Drain a stream and return its final ``Completion``."""
    last: StreamEvent | None = None
    for event in events:
        last = event
    if not isinstance(last, Completion):
        raise TypeError("a ChatModel stream must end with a Completion")
    return last


def call_id(messages: Sequence[Message], index: int) -> str:
    """A deterministic id for a call parsed from text: unique within a conversation because
    the conversation only grows."""
    return f"call_{len(messages)}_{index}"


def tool_name(schema: JSONObject) -> str:
    """The function name of an OpenAI tool schema (or of a bare function schema)."""
    function = schema.get("function", schema)
    return str(function["name"])


def as_tool_schema(schema: JSONObject) -> JSONObject:
    """Wrap a bare ``{"name", "parameters"}`` function schema in the OpenAI tool envelope."""
    if schema.get("type") == "function" and "function" in schema:
        return schema
    return {"type": "function", "function": schema}
