"""The embedded chat model: a GGUF run on the CPU by llama.cpp (llama-cpp-python), offline.

Three prompt formats, compared by ``eval/probe_llm.py``:

- ``"chatml-tools"`` (default): our grammar-constrained protocol (``assistant.llm.chatml_tools``):
  the reply starts with ``functions.<name>:`` or ``message:`` under a grammar, and arguments
  follow the tool's JSON schema, so calls are native and well-formed and text replies stream.
- ``"chatml-function-calling"``: llama-cpp-python's own handler, kept for comparison. Its text
  replies come back empty when tools are offered, and its template has no ``tool`` role (tool
  results are sent as a user turn here); it cannot stream a call, so ``stream`` falls back to
  one non-streamed completion.
- ``"gguf"``: the model's own chat template (Qwen's ``<tool_call>`` format, with a brace typo
  in some conversions repaired); calls are parsed from the text by ``assistant.llm.parsing``.

llama.cpp keeps the previous prompt's KV cache and reuses the longest common token prefix, so a
stable system prompt and tool list make follow-up turns cheap.

Not here: the weights (``assistant.llm.weights`` assembles the GGUF) or the server
(``assistant.llm.server``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

from assistant.llm import chatml_tools
from assistant.llm.parsing import decode_arguments, resolve_reply
from assistant.llm.streaming import TextGuard
from assistant.llm.types import (
    Completion,
    Delta,
    JSONObject,
    Message,
    StreamEvent,
    ToolCall,
    ToolChoice,
    Usage,
    as_tool_schema,
    call_id,
    final,
)

ChatFormat = Literal["chatml-tools", "chatml-function-calling", "gguf"]
# Some GGUF conversions of Qwen2.5 escape the example call as "{{...}}", which the model copies.
_TEMPLATE_TYPO = ('{{\\"name\\": <function-name>, \\"arguments\\": <args-json-object>}}',
                  '{\\"name\\": <function-name>, \\"arguments\\": <args-json-object>}')


class LlamaCppChat:
    """``ChatModel`` over a local GGUF file."""

    def __init__(
        self,
        model_path: Path,
        *,
        n_ctx: int = 4096,
        n_threads: int = 2,
        chat_format: ChatFormat = "chatml-tools",
        model: str | None = None,
        verbose: bool = False,
    ) -> None:
        from llama_cpp import Llama  # heavy native import: only when a model is really loaded

        self.model = model or Path(model_path).stem
        self.chat_format = chat_format
        self.llama = Llama(
            model_path=str(model_path),
            n_ctx=n_ctx,
            n_threads=n_threads,
            n_threads_batch=n_threads,
            chat_format="chatml-function-calling" if chat_format == "chatml-function-calling"
            else None,
            verbose=verbose,
        )
        if chat_format == "gguf":
            _repair_template(self.llama)
        # Compiled grammars, per tool schema: compiling one takes longer than using it.
        self._grammars: dict[str, Any] = {}

    def complete(
        self,
        messages: Sequence[Message],
        tools: Sequence[JSONObject] = (),
        tool_choice: ToolChoice = "auto",
        max_tokens: int = 512,
        temperature: float = 0.0,
    ) -> Completion:
        if self.chat_format == "chatml-tools":
            return final(self._chatml_tools(messages, tools, tool_choice, max_tokens,
                                            temperature))
        start = time.perf_counter()
        response: Any = self.llama.create_chat_completion(
            **self._request(messages, tools, tool_choice, max_tokens, temperature)
        )
        choice = response["choices"][0]
        message = choice["message"]
        native = [_native_call(c) for c in message.get("tool_calls") or []]
        text, calls = resolve_reply(
            message.get("content") or "", [c for c in native if c is not None],
            messages, tool_choice, bool(tools),
        )
        usage = response.get("usage") or {}
        return Completion(
            text=text.strip(),
            tool_calls=calls,
            finish_reason="tool_calls" if calls else choice.get("finish_reason") or "stop",
            usage=Usage(usage.get("prompt_tokens", 0), usage.get("completion_tokens", 0)),
            seconds=time.perf_counter() - start,
            model=self.model,
        )

    def stream(
        self,
        messages: Sequence[Message],
        tools: Sequence[JSONObject] = (),
        tool_choice: ToolChoice = "auto",
        max_tokens: int = 512,
        temperature: float = 0.0,
    ) -> Iterator[StreamEvent]:
        if self.chat_format == "chatml-tools":
            yield from self._chatml_tools(messages, tools, tool_choice, max_tokens, temperature)
            return
        start = time.perf_counter()
        request = self._request(messages, tools, tool_choice, max_tokens, temperature)
        try:
            chunks: Any = self.llama.create_chat_completion(**request, stream=True)
        except ValueError as exc:
            # The chatml handler cannot stream a call; the prompt is cached, so redo it whole.
            if "streaming" not in str(exc):
                raise
            done = self.complete(messages, tools, tool_choice, max_tokens, temperature)
            if done.text:
                yield Delta(done.text)
            yield done
            return
        pieces = ((c["choices"][0].get("delta", {}).get("content") or "",
                   c["choices"][0].get("finish_reason")) for c in chunks)
        yield from self._stream_text(pieces, start, messages, tools, tool_choice)

    def _chatml_tools(
        self,
        messages: Sequence[Message],
        tools: Sequence[JSONObject],
        tool_choice: ToolChoice,
        max_tokens: int,
        temperature: float,
    ) -> Iterator[StreamEvent]:
        start = time.perf_counter()
        schemas = [as_tool_schema(t) for t in tools]
        prompt = chatml_tools.render_prompt(messages, schemas)
        step = chatml_tools.plan(self.llama, prompt, schemas, tool_choice, self._grammars)
        if step.tool is not None:
            out: Any = self.llama.create_completion(
                prompt + step.prefix, max_tokens=max_tokens, temperature=temperature,
                grammar=chatml_tools.arguments_grammar(step.tool, self._grammars),
                stop=[chatml_tools.IM_END])
            choice, usage = out["choices"][0], out.get("usage") or {}
            arguments = decode_arguments(choice["text"])
            made = () if arguments is None else (
                ToolCall(step.tool["name"], arguments, call_id(messages, 0)),)
            yield Completion(
                text="" if made else choice["text"].strip(),
                tool_calls=made,
                finish_reason="tool_calls" if made else choice.get("finish_reason") or "stop",
                usage=Usage(usage.get("prompt_tokens", 0), usage.get("completion_tokens", 0)),
                seconds=time.perf_counter() - start,
                model=self.model,
            )
            return
        chunks: Any = self.llama.create_completion(
            prompt + step.prefix, max_tokens=max_tokens, temperature=temperature,
            stop=[chatml_tools.IM_END], stream=True)
        pieces = ((c["choices"][0]["text"], c["choices"][0].get("finish_reason"))
                  for c in chunks)
        yield from self._stream_text(pieces, start, messages, tools, tool_choice)

    def _stream_text(
        self,
        pieces: Iterator[tuple[str, str | None]],
        start: float,
        messages: Sequence[Message],
        tools: Sequence[JSONObject],
        tool_choice: ToolChoice,
    ) -> Iterator[StreamEvent]:
        """Text deltas (call markup held back when tools were offered), then the Completion."""
        guard, first, n_pieces, finish = TextGuard(), None, 0, "stop"
        for piece, reason in pieces:
            finish = reason or finish
            if not piece:
                continue
            n_pieces += 1
            if first is None:
                first = time.perf_counter() - start
            guarded = guard.feed(piece)
            shown = guarded if tools else piece
            if shown:
                yield Delta(shown)
        text, calls = resolve_reply(guard.text, (), messages, tool_choice, bool(tools))
        yield Completion(
            text=text.strip(),
            tool_calls=calls,
            finish_reason="tool_calls" if calls else finish,
            usage=Usage(0, n_pieces),
            seconds=time.perf_counter() - start,
            model=self.model,
            first_token_seconds=first,
        )

    def _request(
        self,
        messages: Sequence[Message],
        tools: Sequence[JSONObject],
        tool_choice: ToolChoice,
        max_tokens: int,
        temperature: float,
    ) -> dict[str, Any]:
        chatml = self.chat_format == "chatml-function-calling"
        request: dict[str, Any] = {
            "messages": to_chatml_messages(messages) if chatml else to_template_messages(messages),
            "max_tokens": max_tokens,
            "temperature": temperature,
        }
        if tools:
            request["tools"] = [as_tool_schema(t) for t in tools]
            # The chatml handler only offers tools with an explicit "auto"; the GGUF template
            # ignores tool_choice, and keeping tools in its prompt keeps the prefix cache warm.
            request["tool_choice"] = tool_choice if chatml else "auto"
        return request


def to_chatml_messages(messages: Sequence[Message]) -> list[dict[str, Any]]:
    """Messages for llama-cpp-python's chatml-function-calling template: no ``tool`` role
    (consecutive tool results become one user turn of ``<tool_response>`` blocks), and
    ``tool_calls`` present only on assistant messages that have calls."""
    out: list[dict[str, Any]] = []
    for m in messages:
        if m.role == "tool":
            block = f"<tool_response>\n{m.name or 'tool'}: {m.content}\n</tool_response>"
            if out and out[-1].get("_tool_results"):
                out[-1]["content"] += "\n" + block
            else:
                out.append({"role": "user", "content": block, "_tool_results": True})
            continue
        wire = m.to_openai()
        if m.tool_calls:
            wire["content"] = None
        out.append(wire)
    for wire in out:
        wire.pop("_tool_results", None)
    return out


def to_template_messages(messages: Sequence[Message]) -> list[dict[str, Any]]:
    """Messages for a Hugging Face style template: arguments stay objects (Qwen's template
    applies ``tojson`` itself; a JSON string would be encoded twice)."""
    out: list[dict[str, Any]] = []
    for m in messages:
        wire = m.to_openai()
        if m.tool_calls:
            wire["tool_calls"] = [
                {"id": c.id, "type": "function",
                 "function": {"name": c.name, "arguments": c.arguments}}
                for c in m.tool_calls
            ]
        out.append(wire)
    return out


def _native_call(raw: dict[str, Any]) -> ToolCall | None:
    function = raw.get("function") or {}
    arguments = decode_arguments(function.get("arguments"))
    name = function.get("name")
    if not name or arguments is None:
        return None
    return ToolCall(str(name), arguments, str(raw.get("id") or ""))


def _repair_template(llama: Any) -> None:
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    template = llama.metadata.get("tokenizer.chat_template", "")
    if _TEMPLATE_TYPO[0] not in template:
        return
    eos, bos = llama.token_eos(), llama.token_bos()
    llama.chat_handler = Jinja2ChatFormatter(
        template=template.replace(*_TEMPLATE_TYPO),
        eos_token=llama._model.token_get_text(eos) if eos != -1 else "",
        bos_token=llama._model.token_get_text(bos) if bos != -1 else "",
        stop_token_ids=[eos],
    ).to_chat_handler()
