"""Tool calls from what small models actually write.

Native ``tool_calls`` are the good case; small models running on their own chat template write
calls as text instead, in several shapes, all handled by ``parse_tool_calls``:

- Qwen/Hermes tags: ``<tool_call>{"name": ..., "arguments": {...}}</tool_call>`` (one or more,
  the closing tag may be cut off by a stop word);
- a fenced block: ```` ```json {...} ``` ```` (or ```` ``` ````, ```` ```tool_call ````);
- a bare JSON object, or a list of them, anywhere in the text;
- llama-cpp-python's chatml form ``functions.<name>:\\n{...}``;
- key spellings ``name``/``arguments``, ``function``/``parameters``, OpenAI's
  ``{"function": {"name", "arguments"}}``; arguments as an object or as a JSON string (even
  encoded twice); doubled braces ``{{...}}`` copied from a template; trailing commas, Python
  literals (``True``, ``None``) and single quotes as a last resort.

An object counts as a call only when it has a name and an arguments-like key (or is the
``functions.<name>:`` form), so prose that merely contains JSON stays prose. Garbage yields no
calls and the text is kept untouched. Not here: checking names or arguments against the tool
schemas (the tool layer validates and tells the model what to fix).
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assistant.llm.types import JSONObject, Message, ToolCall, ToolChoice, call_id

_TAGGED = re.compile(r"<tool_call>\s*(.*?)\s*(?:</tool_call>|$)", re.DOTALL)
_FENCED = re.compile(r"```[ \t]*(?:json|tool_call|tool|javascript)?[ \t]*\n?(.*?)```", re.DOTALL)
_CHATML = re.compile(r"functions\.([A-Za-z_][\w\-]*):\s*")
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_NAME_KEYS = ("name", "function", "tool", "tool_name")
_ARG_KEYS = ("arguments", "parameters", "args", "input", "params")
# What loads_lenient returns for text that is not JSON in any repairable way.
_INVALID = object()


@dataclass(frozen=True)
class ParsedReply:
    """The reply text with the call markup removed, and the calls found in it (ids empty)."""

    text: str
    tool_calls: tuple[ToolCall, ...]


def parse_tool_calls(text: str) -> ParsedReply:
    """Find tool calls written as text; see the module docstring for the shapes."""
    for finder in (_tagged, _fenced, _chatml, _bare):
        calls, rest = finder(text)
        if calls:
            return ParsedReply(rest.strip(), tuple(calls))
    return ParsedReply(text, ())


def decode_arguments(raw: Any) -> JSONObject | None:
    """Arguments as a dict: an object, a JSON string (possibly encoded twice), or ``None``/""
    for no arguments. Anything else is ``None`` (not a usable call)."""
    for _ in range(3):
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return {}
        if isinstance(raw, dict):
            return {str(k): v for k, v in raw.items()}
        if not isinstance(raw, str):
            return None
        raw = loads_lenient(raw)
        if raw is _INVALID:
            return None
    return None


def call_from_object(obj: Any) -> ToolCall | None:
    """A call from one decoded JSON value, or ``None`` when it is not call-shaped."""
    if not isinstance(obj, dict):
        return None
    if isinstance(obj.get("function"), dict):  # OpenAI: {"type": "function", "function": {...}}
        return call_from_object(obj["function"])
    name = next((obj[k] for k in _NAME_KEYS if isinstance(obj.get(k), str)), None)
    arg_key = next((k for k in _ARG_KEYS if k in obj), None)
    if not name or not name.strip() or arg_key is None:
        return None
    arguments = decode_arguments(obj[arg_key])
    return None if arguments is None else ToolCall(name.strip(), arguments)


def loads_lenient(raw: str) -> Any:
    """``json.loads``, then with doubled braces, trailing commas and Python literals repaired;
    ``_INVALID`` when nothing works."""
    candidates = [raw.strip()]
    stripped = candidates[0]
    if stripped.startswith("{{") and stripped.endswith("}}"):
        candidates.append(stripped[1:-1])
    for candidate in list(candidates):
        candidates.append(_TRAILING_COMMA.sub(r"\1", candidate))
    for candidate in candidates:
        try:
            return json.loads(candidate)
        except (ValueError, RecursionError):  # nested deeper than the parser's stack
            continue
    for candidate in candidates:
        try:
            return ast.literal_eval(_pythonise(candidate))
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            continue
    return _INVALID


def _pythonise(text: str) -> str:
    # Only for the literal_eval fallback: JSON's keywords become Python's.
    return re.sub(
        r"\btrue\b", "True", re.sub(r"\bfalse\b", "False", re.sub(r"\bnull\b", "None", text))
    )


def _calls_in(value: Any) -> list[ToolCall]:
    items = value if isinstance(value, list) else [value]
    calls = [call_from_object(item) for item in items]
    return [c for c in calls if c is not None]


def _tagged(text: str) -> tuple[list[ToolCall], str]:
    calls: list[ToolCall] = []
    for match in _TAGGED.finditer(text):
        body = match.group(1)
        fenced = _FENCED.search(body)
        found = _calls_in(loads_lenient(fenced.group(1) if fenced else body))
        if not found:  # extra prose inside the tags: look for objects in it
            found, _ = _bare(body)
        calls.extend(found)
    return calls, _TAGGED.sub("", text) if calls else text


def _fenced(text: str) -> tuple[list[ToolCall], str]:
    calls: list[ToolCall] = []
    spans: list[tuple[int, int]] = []
    for match in _FENCED.finditer(text):
        found = _calls_in(loads_lenient(match.group(1)))
        if not found:
            found, _ = _bare(match.group(1))
        if found:
            calls.extend(found)
            spans.append(match.span())
    return calls, _cut(text, spans)


def _chatml(text: str) -> tuple[list[ToolCall], str]:
    calls: list[ToolCall] = []
    spans: list[tuple[int, int]] = []
    decoder = json.JSONDecoder()
    for match in _CHATML.finditer(text):
        try:
            value, end = decoder.raw_decode(text, match.end())
        except ValueError:
            continue
        arguments = decode_arguments(value)
        if arguments is not None:
            calls.append(ToolCall(match.group(1), arguments))
            spans.append((match.start(), end))
    return calls, _cut(text, spans)


def _bare(text: str) -> tuple[list[ToolCall], str]:
    """Every top-level JSON object or list in the text that is call-shaped."""
    calls: list[ToolCall] = []
    spans: list[tuple[int, int]] = []
    decoder = json.JSONDecoder()
    i = 0
    while i < len(text):
        start = _next_opening(text, i)
        if start < 0:
            break
        value, end = _decode_at(decoder, text, start)
        found = _calls_in(value) if value is not _INVALID else []
        if found:
            calls.extend(found)
            spans.append((start, end))
            i = end
        else:
            i = start + 1
    return calls, _cut(text, spans)


def _decode_at(decoder: json.JSONDecoder, text: str, start: int) -> tuple[Any, int]:
    try:
        return decoder.raw_decode(text, start)
    except ValueError:
        pass
    # Not strict JSON: try the balanced span with the lenient loader.
    end = _balanced_end(text, start)
    if end < 0:
        return _INVALID, start + 1
    return loads_lenient(text[start:end]), end


def _next_opening(text: str, i: int) -> int:
    positions = [p for p in (text.find("{", i), text.find("[", i)) if p >= 0]
    return min(positions) if positions else -1


def _balanced_end(text: str, start: int) -> int:
    """The index after the bracket closing ``text[start]``, ignoring brackets in strings."""
    depth, quote, escaped = 0, "", False
    for i in range(start, len(text)):
        ch = text[i]
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
            if depth == 0:
                return i + 1
    return -1


def _cut(text: str, spans: Sequence[tuple[int, int]]) -> str:
    out, last = [], 0
    for start, end in spans:
        out.append(text[last:start])
        last = end
    out.append(text[last:])
    return "".join(out)


def resolve_reply(
    text: str,
    native: Sequence[ToolCall],
    messages: Sequence[Message],
    tool_choice: ToolChoice,
    has_tools: bool,
) -> tuple[str, tuple[ToolCall, ...]]:
    """The final text and calls of a reply: native calls win; without them, calls written as
    text are parsed (when tools were offered); ``tool_choice="none"`` drops calls but still
    strips their markup; calls without an id get a deterministic one."""
    calls: Sequence[ToolCall] = native
    if not calls and has_tools:
        parsed = parse_tool_calls(text)
        if parsed.tool_calls:
            text, calls = parsed.text, parsed.tool_calls
    if tool_choice == "none":
        calls = ()
    return text, tuple(
        c if c.id else ToolCall(c.name, c.arguments, call_id(messages, i))
        for i, c in enumerate(calls)
    )
