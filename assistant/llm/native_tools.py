"""Tool calling in the model's own format, with the call itself grammar-constrained
("gguf-grammar").

The prompt is the GGUF's own chat template with the tools (for Qwen2.5: a ``<tools>`` block;
calls are ``<tool_call>{"name": ..., "arguments": {...}}</tool_call>``; tool results come back
as ``<tool_response>`` blocks), so the model decides in the format it was trained on. The reply
streams freely until its first characters show what it is: prose streams on; a call
(``<tool_call>``, or a JSON object or code fence that small models write instead) stops the
free generation and the call is written again under a grammar that admits exactly one call to
one offered tool with arguments valid for its schema. ``tool_choice="none"`` bans the
``<tool_call>`` token while keeping the tools in the prompt (the same prefix for the KV cache).

Not here: the ``ChatModel`` wrapper (``assistant.llm.llamacpp``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from assistant.llm.grammar import json_grammar
from assistant.llm.parsing import call_from_object, loads_lenient
from assistant.llm.types import ForcedTool, JSONObject, ToolCall, ToolChoice, offered

CALL_OPEN, CALL_CLOSE = "<tool_call>", "</tool_call>"
# Ways a reply can start that mean "this is a call" (the last two: calls without the tags).
_CALL_STARTS = (CALL_OPEN, "{", "```")


def call_schema(tools: Sequence[JSONObject]) -> JSONObject:
    """One JSON schema for ``{"name": <a tool>, "arguments": <its arguments>}``."""
    return {
        "oneOf": [
            {
                "type": "object",
                "properties": {
                    "name": {"const": fn["name"]},
                    "arguments": fn.get("parameters") or {"type": "object"},
                },
                "required": ["name", "arguments"],
            }
            for fn in (t.get("function", t) for t in tools)
        ]
    }


def call_grammar(tools: Sequence[JSONObject], grammars: dict[str, Any]) -> Any:
    return json_grammar(call_schema(tools), grammars)


def classify(head: str) -> str:
    """``"call"``, ``"text"`` or ``"undecided"`` for the first characters of a reply."""
    stripped = head.lstrip()
    if not stripped:
        return "undecided"
    if any(stripped.startswith(s) for s in _CALL_STARTS):
        return "call"
    if any(s.startswith(stripped) for s in _CALL_STARTS):
        return "undecided"
    return "text"


def generate(
    llama: Any,
    prompt: str,
    tools: Sequence[JSONObject],
    tool_choice: ToolChoice,
    max_tokens: int,
    temperature: float,
    grammars: dict[str, Any],
    stop: Sequence[str],
) -> Iterator[str | ToolCall]:
    """Text pieces of a prose reply, or one ``ToolCall`` (or, when the constrained call
    cannot be decoded, its raw text)."""
    if isinstance(tool_choice, ForcedTool) and tools:
        # A forced call: no free start, the one tool's call under its grammar at once.
        yield _constrained_call(
            llama, prompt, offered(tools, tool_choice), max_tokens, temperature, grammars, stop
        )
        return
    offer = bool(tools) and tool_choice == "auto"
    ban: dict[int, float] = {}
    if tools and not offer:
        ban = {t: -1000.0 for t in llama.tokenize(CALL_OPEN.encode(), add_bos=False, special=True)}
    chunks: Any = llama.create_completion(
        prompt,
        max_tokens=max_tokens,
        temperature=temperature,
        stop=list(stop),
        stream=True,
        logit_bias=ban or None,
    )
    head, decided = "", "text" if not offer else "undecided"
    for chunk in chunks:
        piece = chunk["choices"][0]["text"]
        if decided == "text":
            yield piece
            continue
        head += piece
        decided = classify(head)
        if decided == "text":
            yield head
        elif decided == "call":
            chunks.close()
            break
    if decided == "undecided" and head:
        yield head
    if decided != "call":
        return
    yield _constrained_call(llama, prompt, tools, max_tokens, temperature, grammars, stop)


def _constrained_call(
    llama: Any,
    prompt: str,
    tools: Sequence[JSONObject],
    max_tokens: int,
    temperature: float,
    grammars: dict[str, Any],
    stop: Sequence[str],
) -> str | ToolCall:
    """One call to one of ``tools``, written under the grammar of their arguments."""
    out: Any = llama.create_completion(
        prompt + CALL_OPEN + "\n",
        max_tokens=max_tokens,
        temperature=temperature,
        grammar=call_grammar(tools, grammars),
        stop=[CALL_CLOSE, *stop],
    )
    raw = out["choices"][0]["text"]
    call = call_from_object(loads_lenient(raw))
    return call if call is not None else f"{CALL_OPEN}\n{raw}"
