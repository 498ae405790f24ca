"""Messages and replies for llama-cpp-python's own ``chatml-function-calling`` handler.

Kept so the probe can compare it (``eval/probe_llm.py``); ``LlamaCppChat`` uses it only when
asked. Its template has no ``tool`` role (tool results would vanish), so they are sent as a
user turn of ``<tool_response>`` blocks, and it wants ``tool_calls`` only on messages that
have calls.

Not here: the handler itself (llama-cpp-python) or the default formats.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assistant.llm.parsing import decode_arguments
from assistant.llm.types import (
    JSONObject,
    Message,
    ToolCall,
    ToolChoice,
    as_tool_schema,
    openai_tool_choice,
)


def stock_request(
    messages: Sequence[Message],
    tools: Sequence[JSONObject],
    tool_choice: ToolChoice,
    max_tokens: int,
    temperature: float,
) -> dict[str, Any]:
    request: dict[str, Any] = {
        "messages": to_chatml_messages(messages),
        "max_tokens": max_tokens,
        "temperature": temperature,
    }
    if tools:
        # The handler only offers tools with an explicit "auto".
        request["tools"] = [as_tool_schema(t) for t in tools]
        request["tool_choice"] = openai_tool_choice(tool_choice)
    return request


def to_chatml_messages(messages: Sequence[Message]) -> list[dict[str, Any]]:
    """Messages for llama-cpp-python's chatml-function-calling template: no ``tool`` role
    (consecutive tool results become one user turn of ``<tool_response>`` blocks), and
    ``tool_calls`` present only on assistant messages that have calls."""
    out: list[dict[str, Any]] = []
    merge = False
    for m in messages:
        if m.role == "tool":
            block = f"<tool_response>\n{m.name or 'tool'}: {m.content}\n</tool_response>"
            if merge:
                out[-1]["content"] += "\n" + block
            else:
                out.append({"role": "user", "content": block})
            merge = True
            continue
        merge = False
        wire = m.to_openai()
        if m.tool_calls:
            wire["content"] = None
        out.append(wire)
    return out


def native_call(raw: dict[str, Any]) -> ToolCall | None:
    function = raw.get("function") or {}
    arguments = decode_arguments(function.get("arguments"))
    name = function.get("name")
    if not name or arguments is None:
        return None
    return ToolCall(str(name), arguments, str(raw.get("id") or ""))
