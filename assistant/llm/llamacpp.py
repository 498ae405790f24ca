"""The embedded chat model: a GGUF run on the CPU by llama.cpp (llama-cpp-python), offline.

Four prompt formats, compared by ``eval/probe_llm.py`` (13 probes, Qwen2.5-Coder-1.5B, right
tool and arguments: 92%, 85%, 77%, and 85% for the last, which cannot answer in text):

- ``"chatml-tools"`` (default): a ``functions.<name>:`` / ``message:`` protocol chosen under a
  grammar, arguments under the tool's schema (``assistant.llm.chatml_tools``).
- ``"gguf-grammar"``: the model's own chat template, the call re-written under a grammar once
  the reply shows it is one (``assistant.llm.native_tools``).
- ``"gguf"``: the model's own template, calls parsed from free text (``assistant.llm.parsing``).
- ``"chatml-function-calling"``: llama-cpp-python's own handler, kept for comparison only
  (``assistant.llm.stock_chatml``): its text replies come back empty when tools are offered,
  and it cannot stream a call (``stream`` falls back to one non-streamed completion).

Qwen2.5 GGUF conversions that escape the template's example call as ``{{...}}`` are repaired.
llama.cpp keeps the previous prompt's KV cache and reuses the longest common token prefix, so a
stable system prompt and tool list make follow-up turns cheap. ``usage.prompt_tokens`` is 0
for the streaming formats (llama.cpp does not report it there).

While the shopper reads a reply, ``prefill_later`` evaluates the conversation so far in a
background thread (``prefill``), so the next turn's prompt, which starts with it, only
evaluates the new message. One lock serialises the model: a turn that starts while a prefill
runs stops it at the next chunk of tokens (what was evaluated stays useful) and a prefill that
has not started yet when a turn does is dropped (the conversation moved on).

Not here: the weights (``assistant.llm.weights``) or the server (``assistant.llm.server``).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from assistant.llm import chatml_tools, native_tools
from assistant.llm.errors import LLMError
from assistant.llm.ggml_cpu import safe_model_loading
from assistant.llm.parsing import resolve_reply
from assistant.llm.prefix_cache import PrefixCache, evaluate_prefix, evaluate_prefix_until
from assistant.llm.stock_chatml import native_call, stock_request
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
    final,
)

ChatFormat = Literal["chatml-tools", "gguf-grammar", "gguf", "chatml-function-calling"]
CHAT_FORMATS: tuple[ChatFormat, ...] = (
    "chatml-tools",
    "gguf-grammar",
    "gguf",
    "chatml-function-calling",
)
_STOCK = "chatml-function-calling"
_TEMPLATE_TYPO = (
    '{{\\"name\\": <function-name>, \\"arguments\\": <args-json-object>}}',
    '{\\"name\\": <function-name>, \\"arguments\\": <args-json-object>}',
)


log = logging.getLogger(__name__)
PREFILL_CHUNK = 16  # tokens per evaluation step of a prefill: how soon a new turn can stop it


@dataclass(frozen=True)
class PrefillStats:
    """What the last background prefill did: tokens evaluated, seconds, and whether it ran to
    the end (False: a turn stopped it or made it stale)."""

    tokens: int
    seconds: float
    complete: bool


def default_threads() -> int:
    """Half the logical CPUs, at least one. Measured on 2 shared cores: with 2 threads,
    generation fell to 0.5-4 tokens/s whenever another process was busy (ggml's threads
    wait for each other), with 1 thread it stayed at 10 (1.5B) to 19 (0.5B) tokens/s."""
    return max(1, (os.cpu_count() or 2) // 2)


class LlamaCppChat:
    """``ChatModel`` over a local GGUF file; ``n_threads`` defaults to ``default_threads()``."""

    def __init__(
        self,
        model_path: Path,
        *,
        n_ctx: int = 8192,  # the agent's system prompt and tools alone are ~3,600 tokens
        n_threads: int | None = None,
        chat_format: ChatFormat = "chatml-tools",
        model: str | None = None,
        verbose: bool = False,
        prefix_cache_dir: Path | None = None,
        prefix_cache: bool = True,
    ) -> None:
        """``prefix_cache`` keeps the KV state of the system prompt and tools on disk, in
        ``prefix_cache_dir`` (default: ``prefix-cache`` beside the model), so a new process
        skips evaluating them (``assistant.llm.prefix_cache``; chatml-tools format only)."""
        from llama_cpp import Llama  # heavy native import: only when a model is really loaded

        self.model = model or Path(model_path).stem
        self.chat_format = chat_format
        n_threads = n_threads or default_threads()
        with safe_model_loading():  # ggml's AMX kernels segfault on some CPUs
            self.llama = Llama(
                model_path=str(model_path),
                n_ctx=n_ctx,
                n_threads=n_threads,
                n_threads_batch=n_threads,
                chat_format=_STOCK if chat_format == _STOCK else None,
                verbose=verbose,
            )
        self._formatter = _template_formatter(self.llama)
        if self._formatter is None and chat_format.startswith("gguf"):
            raise LLMError(
                f"{model_path} has no chat template, so chat_format={chat_format!r} cannot "
                f"work; use chat_format='chatml-tools'"
            )
        # Compiled grammars by schema: compiling one takes longer than sampling with it.
        self._grammars: dict[str, Any] = {}
        self.prefix_cache = (
            PrefixCache(prefix_cache_dir or Path(model_path).parent / "prefix-cache", model_path)
            if prefix_cache and chat_format == "chatml-tools"
            else None
        )
        self.prefix_outcome: str | None = None  # of the last prepare: loaded, saved, skipped
        # One user of the llama context at a time; ``_turns`` counts turns started, so a
        # background prefill knows it is stale, and ``_wanted`` asks a running one to stop.
        self._lock = threading.RLock()
        self._turns = 0
        self._wanted = threading.Event()
        self._prefill_thread: threading.Thread | None = None
        self.last_prefill: PrefillStats | None = None

    @contextmanager
    def _using_model(self) -> Iterator[None]:
        """Hold the model for a turn's call: a background prefill stops at its next chunk."""
        self._turns += 1
        self._wanted.set()
        with self._lock:
            self._wanted.clear()
            yield

    def complete(
        self,
        messages: Sequence[Message],
        tools: Sequence[JSONObject] = (),
        tool_choice: ToolChoice = "auto",
        max_tokens: int = 512,
        temperature: float = 0.0,
    ) -> Completion:
        if self.chat_format != _STOCK:
            return final(self.stream(messages, tools, tool_choice, max_tokens, temperature))
        start = time.perf_counter()
        with self._using_model():
            response: Any = self.llama.create_chat_completion(
                **stock_request(messages, tools, tool_choice, max_tokens, temperature)
            )
        choice = response["choices"][0]
        native = [native_call(c) for c in choice["message"].get("tool_calls") or []]
        text, calls = resolve_reply(
            choice["message"].get("content") or "",
            [c for c in native if c is not None],
            messages,
            tool_choice,
            bool(tools),
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
        with self._using_model():
            yield from self._stream(messages, tools, tool_choice, max_tokens, temperature)

    def _stream(
        self,
        messages: Sequence[Message],
        tools: Sequence[JSONObject],
        tool_choice: ToolChoice,
        max_tokens: int,
        temperature: float,
    ) -> Iterator[StreamEvent]:
        start = time.perf_counter()
        schemas = [as_tool_schema(t) for t in tools]
        if self.chat_format == _STOCK:
            yield from self._stock_stream(messages, schemas, tool_choice, max_tokens, temperature)
            return
        events: Iterator[str | ToolCall]
        if self.chat_format == "chatml-tools":
            self._prepare_prefix(messages, schemas)
            events = chatml_tools.generate(
                self.llama, messages, schemas, tool_choice, max_tokens, temperature, self._grammars
            )
        else:
            prompt = self._formatter(
                messages=to_template_messages(messages), tools=schemas or None
            ).prompt
            stop = [self._formatter.eos_token]
            if self.chat_format == "gguf-grammar":
                events = native_tools.generate(
                    self.llama,
                    prompt,
                    schemas,
                    tool_choice,
                    max_tokens,
                    temperature,
                    self._grammars,
                    stop,
                )
            else:
                chunks: Any = self.llama.create_completion(
                    prompt, max_tokens=max_tokens, temperature=temperature, stop=stop, stream=True
                )
                events = (c["choices"][0]["text"] for c in chunks)
        yield from self._drive(events, start, messages, schemas, tool_choice, max_tokens)

    def prefill(self, messages: Sequence[Message], tools: Sequence[JSONObject] = ()) -> int:
        """Evaluate the conversation so far (chatml-tools format) without generating, so the
        next turn's prompt, which starts with it, only evaluates the shopper's new message.
        Returns the tokens evaluated. ``prefill_later`` runs it in the background."""
        if self.chat_format != "chatml-tools":
            return 0
        with self._using_model():
            return evaluate_prefix(self.llama, self._conversation_tokens(messages, tools))

    def prefill_later(self, messages: Sequence[Message], tools: Sequence[JSONObject] = ()) -> None:
        """``prefill`` in a background thread, yielding to any turn that starts meanwhile
        (see the module docstring); ``wait_prefill`` waits for it."""
        if self.chat_format != "chatml-tools":
            return
        turns = self._turns
        messages, tools = list(messages), list(tools)

        def run() -> None:
            started = time.perf_counter()
            with self._lock:
                if self._turns != turns:  # a turn came first: this conversation moved on
                    self.last_prefill = PrefillStats(0, 0.0, complete=False)
                    return
                self._wanted.clear()  # no turn is waiting (else ``_turns`` had moved)
                try:
                    done = evaluate_prefix_until(
                        self.llama,
                        self._conversation_tokens(messages, tools),
                        self._wanted,
                        PREFILL_CHUNK,
                    )
                except Exception as exc:  # an optimisation only: the next turn evaluates it
                    log.warning("background prefill failed (%s: %s)", type(exc).__name__, exc)
                    self.llama.reset()  # type: ignore[no-untyped-call]  # may hold part of a batch
                    done = (0, False)
            self.last_prefill = PrefillStats(done[0], time.perf_counter() - started, done[1])

        if self._prefill_thread is None:  # first use: stop it before the model is freed
            atexit.register(self.stop_prefill)
        self._prefill_thread = threading.Thread(target=run, name="llm-prefill", daemon=True)
        self._prefill_thread.start()

    def stop_prefill(self) -> None:
        """Stop a background prefill at its next chunk and wait for it (also at exit)."""
        thread = self._prefill_thread
        if thread is not None and thread.is_alive():
            self._wanted.set()
            thread.join()

    def wait_prefill(self, timeout: float | None = None) -> PrefillStats | None:
        """Wait for the background prefill (if any) and return what it did."""
        thread = self._prefill_thread
        if thread is not None:
            thread.join(timeout)
        return self.last_prefill

    def _conversation_tokens(
        self, messages: Sequence[Message], tools: Sequence[JSONObject]
    ) -> list[int]:
        """The prompt of ``messages`` without the generation prompt (the shared prompt start
        loaded from disk first, on a cold context)."""
        schemas = [as_tool_schema(t) for t in tools]
        text = chatml_tools.render_prompt(messages, schemas)
        text = text.removesuffix(f"{chatml_tools.IM_START}assistant\n")
        self._prepare_prefix(messages, schemas)
        return list(self.llama.tokenize(text.encode("utf-8"), add_bos=True, special=True))

    def _prepare_prefix(self, messages: Sequence[Message], tools: Sequence[JSONObject]) -> None:
        """On a cold context, load the shared prompt start from disk (or save it)."""
        if self.prefix_cache is None or self.llama.n_tokens > 0:
            return
        prefix = chatml_tools.render_prefix(messages, tools)
        tokens = self.llama.tokenize(prefix.encode("utf-8"), add_bos=True, special=True)
        self.prefix_outcome = self.prefix_cache.prepare(self.llama, tokens)

    def _drive(
        self,
        events: Iterator[str | ToolCall],
        start: float,
        messages: Sequence[Message],
        tools: Sequence[JSONObject],
        tool_choice: ToolChoice,
        max_tokens: int,
    ) -> Iterator[StreamEvent]:
        """Text deltas (call markup held back when tools were offered), then the Completion."""
        guard, first, pieces, native = TextGuard(), None, 0, []
        for event in events:
            if isinstance(event, ToolCall):
                native.append(event)
                continue
            if not event:
                continue
            pieces += 1
            if first is None:
                first = time.perf_counter() - start
            guarded = guard.feed(event)
            shown = guarded if tools else event
            if shown:
                yield Delta(shown)
        text, calls = resolve_reply(guard.text, native, messages, tool_choice, bool(tools))
        finish = "length" if pieces >= max_tokens else "stop"
        yield Completion(
            text=text.strip(),
            tool_calls=calls,
            finish_reason="tool_calls" if calls else finish,
            usage=Usage(0, pieces),
            seconds=time.perf_counter() - start,
            model=self.model,
            first_token_seconds=first,
        )

    def _stock_stream(
        self,
        messages: Sequence[Message],
        tools: Sequence[JSONObject],
        tool_choice: ToolChoice,
        max_tokens: int,
        temperature: float,
    ) -> Iterator[StreamEvent]:
        start = time.perf_counter()
        request = stock_request(messages, tools, tool_choice, max_tokens, temperature)
        try:
            chunks: Any = self.llama.create_chat_completion(**request, stream=True)
        except ValueError as exc:
            # The handler cannot stream a call; the prompt is cached, so redo it whole.
            if "streaming" not in str(exc):
                raise
            done = self.complete(messages, tools, tool_choice, max_tokens, temperature)
            if done.text:
                yield Delta(done.text)
            yield done
            return
        events = (c["choices"][0].get("delta", {}).get("content") or "" for c in chunks)
        yield from self._drive(events, start, messages, tools, tool_choice, max_tokens)


def to_template_messages(messages: Sequence[Message]) -> list[dict[str, Any]]:
    """Messages for a Hugging Face style template: arguments stay objects (Qwen's template
    applies ``tojson`` itself; a JSON string would be encoded twice)."""
    out: list[dict[str, Any]] = []
    for m in messages:
        wire = m.to_openai()
        if m.tool_calls:
            wire["tool_calls"] = [
                {
                    "id": c.id,
                    "type": "function",
                    "function": {"name": c.name, "arguments": c.arguments},
                }
                for c in m.tool_calls
            ]
        out.append(wire)
    return out


def _template_formatter(llama: Any) -> Any:
    """The GGUF's own chat template as a formatter, with the ``{{...}}`` typo repaired."""
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    template = llama.metadata.get("tokenizer.chat_template")
    if not template:
        return None
    eos, bos = llama.token_eos(), llama.token_bos()
    return Jinja2ChatFormatter(
        template=template.replace(*_TEMPLATE_TYPO),
        eos_token=llama._model.token_get_text(eos) if eos != -1 else "",
        bos_token=llama._model.token_get_text(bos) if bos != -1 else "",
        stop_token_ids=[eos],
    )
