"""The model's part of a turn: one short generation that proposes a tool call.

The model sees the system prompt, the tool schemas (both stable, so llama.cpp's prefix cache
keeps them), a compact history and the shopper's message, and proposes one call (or a short
text, for small talk). The call is validated against the tool's schema; a bad argument goes
back to the model once as an error it can correct. The proposal is read beside the shopper's
words by the dialogue policy, which decides (``assistant.policy``); nothing here runs a tool.

Not here: the backends (``assistant.llm``), acting on a proposal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.llm.parsing import parse_tool_calls
from assistant.llm.types import ChatModel, Completion, Message, ToolCall, call_id
from assistant.prompts import render
from assistant.respond.texts import LANGUAGE_NAMES
from assistant.state import ChatLine
from tools.base import Tool, ToolSet
from tools.errors import BadArgument

MAX_TOKENS = 160  # a tool call with its arguments, or two sentences of small talk
RETRIES = 1  # a bad argument goes back to the model this many times


@dataclass(frozen=True)
class Proposal:
    """One proposed call (``tool`` and validated ``arguments``), or text, or nothing usable."""

    tool: Tool | None = None
    arguments: dict[str, Any] = field(default_factory=dict)
    text: str = ""
    error: str | None = None  # the last validation error, when no valid call came
    seconds: float = 0.0

    @property
    def name(self) -> str | None:
        return self.tool.name if self.tool else None

    def is_tool(self, *tools: Tool) -> bool:
        return self.tool is not None and any(self.tool is t for t in tools)


def system_prompt(shop_name: str) -> str:
    return render("system", shop_name=shop_name)


def prompt(
    system: str, history: Sequence[ChatLine], message: str, language: str | None = None
) -> list[Message]:
    """The model's view of the turn: system prompt, recent history, a note naming the
    shopper's language (``language``: "zh", "es"; English, the prompt's own language, and
    None need no note), the message. The note comes after the history so the system prompt
    and history stay a prefix the model has already read, whatever the language."""
    said = [Message(role=line.role, content=line.content) for line in history]
    note = [Message.system(language_note(language))] if language and language != "en" else []
    return [Message.system(system), *said, *note, Message.user(message)]


def language_note(language: str) -> str:
    return render("language", language=LANGUAGE_NAMES.get(language, LANGUAGE_NAMES["en"]))


def propose(
    llm: ChatModel, tools: ToolSet, messages: list[Message], max_tokens: int = MAX_TOKENS
) -> Proposal:
    """Ask ``llm`` for one proposal (see the module docstring)."""
    seconds = 0.0
    error: str | None = None
    schemas = tools.schemas()
    for _ in range(RETRIES + 1):
        completion = llm.complete(messages, schemas, "auto", max_tokens)
        seconds += completion.seconds
        calls, text = _calls(completion, messages)
        if not calls:
            return Proposal(text=text.strip(), error=error, seconds=seconds)
        call = calls[0]
        if call.name not in tools:
            error = f"there is no tool {call.name!r}; use one of {', '.join(tools.names())}"
        else:
            tool = tools[call.name]
            try:
                return Proposal(tool, tool.validate(call.arguments), seconds=seconds)
            except BadArgument as exc:
                error = exc.message
        messages = [*messages, Message.assistant("", [call]), Message.tool(call, f"Error: {error}")]
    return Proposal(error=error, seconds=seconds)


def _calls(completion: Completion, messages: list[Message]) -> tuple[list[ToolCall], str]:
    """Native tool calls, or calls a small model wrote as text; each with an id."""
    calls, text = list(completion.tool_calls), completion.text
    if not calls:
        parsed = parse_tool_calls(completion.text)
        calls, text = list(parsed.tool_calls), parsed.text
    return [
        c if c.id else ToolCall(c.name, c.arguments, call_id(messages, i))
        for i, c in enumerate(calls)
    ], text
