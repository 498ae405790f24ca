"""Grammar-constrained tool calling for ChatML models on llama.cpp ("chatml-tools").

The same protocol as llama-cpp-python's ``chatml-function-calling`` handler (the reply starts
with ``functions.<name>:`` or ``message:``, chosen under a grammar; arguments are written under
a grammar derived from the tool's JSON schema), without its defects measured here:

- its ``message:`` branch is constrained by the "another call or stop" grammar, so a text reply
  comes back empty or as a bare ``functions.<name>:`` (0.5B: 12 of 13 probes);
- its template drops ``tool`` messages and tool descriptions, and ``tool_choice="none"``
  removes the tools from the prompt (a prefix-cache miss on every such turn);
- it cannot stream a reply that turns out to be text after the choice.

Here the prompt always carries the tools with their descriptions (a stable prefix for the KV
cache), tool results are a user turn of ``<tool_response>`` blocks (as Qwen's own template
does), ``"none"`` forces the ``message:`` branch, text replies stream, and a reply holds at
most one call (the agent loop asks again after the result).

Not here: the ``ChatModel`` wrapper (``assistant.llm.llamacpp``) or parsing of free text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.llm.grammar import json_grammar
from assistant.llm.parsing import decode_arguments
from assistant.llm.types import ForcedTool, JSONObject, Message, ToolCall, ToolChoice, offered

IM_START, IM_END = "<|im_start|>", "<|im_end|>"
_INSTRUCTIONS = (
    "\n\nYou can respond to the user's message with either a message or a function call."
    "\n\nTo respond with a message, begin with 'message:', like this:"
    "\nmessage:\n<message>"
    "\n\nTo call a function, begin with 'functions.<function_name>:' followed by the "
    "arguments as a JSON object, like this:"
    '\nfunctions.<function_name>:\n{"arg1": "value1", "arg2": "value2"}'
)


def render_prompt(messages: Sequence[Message], tools: Sequence[JSONObject]) -> str:
    """The whole ChatML prompt, ending with the assistant's turn opened. Only a leading
    system message goes before the tools; later ones stay in place, so per-turn notes do not
    change the cached prefix."""
    has_lead = bool(messages) and messages[0].role == "system"
    rest = messages[1:] if has_lead else messages
    parts = [render_prefix(messages, tools)]
    pending_results: list[str] = []
    for m in rest:
        if m.role == "tool":
            pending_results.append(
                f"<tool_response>\nfunctions.{m.name or 'tool'} returned:\n{m.content}\n"
                f"</tool_response>"
            )
            continue
        if pending_results:
            parts.append(_turn("user", "\n".join(pending_results)))
            pending_results = []
        if m.role == "assistant":
            parts.append(_turn("assistant", _assistant_body(m, bool(tools))))
        else:
            parts.append(_turn(m.role, m.content))
    if pending_results:
        parts.append(_turn("user", "\n".join(pending_results)))
    parts.append(f"{IM_START}assistant\n")
    return "".join(parts)


def render_prefix(messages: Sequence[Message], tools: Sequence[JSONObject]) -> str:
    """The start every prompt of a conversation shares: the system turn, with the leading
    system message and the tools ("" when there is neither)."""
    system = messages[0].content if messages and messages[0].role == "system" else ""
    if tools:
        system += "\n\nYou have access to the following functions:\n"
        for tool in tools:
            fn = tool.get("function", tool)
            system += f"\nfunctions.{fn['name']}:\n"
            if fn.get("description"):
                system += f"// {fn['description']}\n"
            system += json.dumps(fn.get("parameters", {}), ensure_ascii=False) + "\n"
        system += _INSTRUCTIONS
    return _turn("system", system.strip()) if system.strip() else ""


def _turn(role: str, content: str) -> str:
    return f"{IM_START}{role}\n{content}{IM_END}\n"


def _assistant_body(m: Message, with_tools: bool) -> str:
    if m.tool_calls:
        return "\n".join(f"functions.{c.name}:\n{c.arguments_json()}" for c in m.tool_calls)
    return f"message:\n{m.content}" if with_tools else m.content


def choice_grammar(tools: Sequence[JSONObject]) -> str:
    """GBNF for the first words of a reply: a function name or ``message:``."""
    names = " | ".join(json.dumps(f"functions.{t.get('function', t)['name']}:") for t in tools)
    return f'root ::= functions | "message:"\nfunctions ::= {names}\n'


@dataclass(frozen=True)
class Plan:
    """What to generate next: the prompt continuation and, for a call, the tool's schema."""

    prefix: str
    tool: JSONObject | None


def plan(
    llama: Any,
    prompt: str,
    tools: Sequence[JSONObject],
    tool_choice: ToolChoice,
    grammars: dict[str, Any],
) -> Plan:
    """Decide (under a grammar, greedily) between a call and a message."""
    from llama_cpp import LlamaGrammar

    if not tools or tool_choice == "none":
        return Plan("message:\n" if tools else "", None)
    if isinstance(tool_choice, ForcedTool):
        for tool in offered(tools, tool_choice):
            fn = tool.get("function", tool)
            if fn["name"] == tool_choice.name:
                return Plan(f"functions.{fn['name']}:\n", fn)
    key = "\x00choice:" + "\x00".join(t.get("function", t)["name"] for t in tools)
    if key not in grammars:
        grammars[key] = LlamaGrammar.from_string(choice_grammar(tools), verbose=False)
    out = llama.create_completion(
        prompt, max_tokens=24, temperature=0.0, grammar=grammars[key], stop=[":"]
    )
    head = out["choices"][0]["text"].strip().rstrip(":")
    if head.startswith("functions."):
        name = head[len("functions.") :]
        for tool in tools:
            fn = tool.get("function", tool)
            if fn["name"] == name:
                return Plan(f"functions.{name}:\n", fn)
    return Plan("message:\n", None)


def arguments_grammar(fn: JSONObject, grammars: dict[str, Any]) -> Any:
    """The grammar of one tool's arguments object."""
    return json_grammar(fn.get("parameters") or {"type": "object"}, grammars)


def generate(
    llama: Any,
    messages: Sequence[Message],
    tools: Sequence[JSONObject],
    tool_choice: ToolChoice,
    max_tokens: int,
    temperature: float,
    grammars: dict[str, Any],
) -> Iterator[str | ToolCall]:
    """Text pieces of a message reply, or one ``ToolCall`` (its raw text if undecodable)."""
    prompt = render_prompt(messages, tools)
    step = plan(llama, prompt, tools, tool_choice, grammars)
    if step.tool is not None:
        out: Any = llama.create_completion(
            prompt + step.prefix,
            max_tokens=max_tokens,
            temperature=temperature,
            grammar=arguments_grammar(step.tool, grammars),
            stop=[IM_END],
        )
        raw = out["choices"][0]["text"]
        arguments = decode_arguments(raw)
        yield raw if arguments is None else ToolCall(step.tool["name"], arguments)
        return
    chunks: Any = llama.create_completion(
        prompt + step.prefix,
        max_tokens=max_tokens,
        temperature=temperature,
        stop=[IM_END],
        stream=True,
    )
    head, echo, passing = "", "message:", False
    for chunk in chunks:
        piece = chunk["choices"][0]["text"]
        if passing:
            yield piece
            continue
        head += piece
        stripped = head.lstrip()
        if echo.startswith(stripped):
            continue  # could still be the model repeating "message:"
        # Small models sometimes repeat the "message:" they were already given.
        yield stripped[len(echo) :].lstrip() if stripped.startswith(echo) else head
        passing = True
    if not passing and head.strip() != echo:
        yield head
