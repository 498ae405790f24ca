"""A chat model behind any OpenAI-compatible server: vLLM in production, llama.cpp's server.

Uses the official ``openai`` client. ``tool_choice`` is always sent explicitly when tools are
offered: llama-cpp-python's server ignores the tools unless it is ``"auto"``, and LangChain's
``bind_tools`` leaves it out (measured: the model then invented products in prose). Native
``tool_calls`` are used when the server returns them; otherwise calls written as text (a
server without a tool parser) are parsed by ``assistant.llm.parsing``. Streaming assembles
tool-call deltas by index. llama-cpp-python's server cannot stream a reply that becomes a call
(it fails the request); ``stream`` then retries once without streaming, but only when nothing
has been received yet.

Not here: starting the server (``assistant.llm.server``) or reading settings (the caller
passes base URL, model and key).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import Any

import openai
from openai import OpenAI

from assistant.llm.errors import LLMUnavailable
from assistant.llm.parsing import decode_arguments, resolve_reply
from assistant.llm.streaming import TextGuard, ToolCallAssembler
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
    openai_tool_choice,
)


class OpenAICompatibleChat:
    """``ChatModel`` over ``POST {base_url}/chat/completions``."""

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None = None,
        timeout: float = 120.0,
        http_client: Any = None,
        max_retries: int = 1,
    ) -> None:
        """``http_client`` (an httpx-style client, whichever the installed ``openai`` takes)
        lets tests serve the API in-process through a mock transport. ``max_retries`` covers
        a stale keep-alive connection or a 5xx (measured: llama.cpp's server closes the
        connection after a failed stream, and the next request on it fails)."""
        self.model = model
        self.base_url = base_url
        # Local servers need no key, but the client insists on one.
        self._client = OpenAI(
            base_url=base_url,
            api_key=api_key or "unused",
            timeout=timeout,
            max_retries=max_retries,
            http_client=http_client,
        )

    def complete(
        self,
        messages: Sequence[Message],
        tools: Sequence[JSONObject] = (),
        tool_choice: ToolChoice = "auto",
        max_tokens: int = 512,
        temperature: float = 0.0,
    ) -> Completion:
        start = time.perf_counter()
        request = self._request(messages, tools, tool_choice, max_tokens, temperature)
        try:
            response = self._client.chat.completions.create(**request)
        except openai.APIConnectionError as exc:
            raise self._unavailable(exc) from exc
        except openai.APIStatusError as exc:
            raise self._failed(exc) from exc
        choice = response.choices[0]
        native = [
            _call(c.id, c.function.name, c.function.arguments)
            for c in choice.message.tool_calls or []
            if c.type == "function"
        ]
        text, calls = resolve_reply(
            choice.message.content or "",
            [c for c in native if c is not None],
            messages,
            tool_choice,
            bool(tools),
        )
        usage = response.usage
        return Completion(
            text=text.strip(),
            tool_calls=calls,
            finish_reason="tool_calls" if calls else choice.finish_reason or "stop",
            usage=Usage(usage.prompt_tokens, usage.completion_tokens) if usage else Usage(),
            seconds=time.perf_counter() - start,
            model=response.model or self.model,
        )

    def stream(
        self,
        messages: Sequence[Message],
        tools: Sequence[JSONObject] = (),
        tool_choice: ToolChoice = "auto",
        max_tokens: int = 512,
        temperature: float = 0.0,
    ) -> Iterator[StreamEvent]:
        start = time.perf_counter()
        request = self._request(messages, tools, tool_choice, max_tokens, temperature)
        guard, assembler = TextGuard(), ToolCallAssembler()
        first: float | None = None
        finish, model, usage, received = "stop", self.model, Usage(), False
        try:
            chunks = self._client.chat.completions.create(
                **request, stream=True, stream_options={"include_usage": True}
            )
        except openai.APIConnectionError as exc:
            raise self._unavailable(exc) from exc
        except openai.APIStatusError as exc:
            if exc.status_code < 500:
                raise self._failed(exc) from exc
            chunks = None  # llama.cpp's server may refuse to stream a call outright
        try:
            for chunk in chunks or ():
                received = True
                model = chunk.model or model
                if chunk.usage:
                    usage = Usage(chunk.usage.prompt_tokens, chunk.usage.completion_tokens)
                if not chunk.choices:
                    continue
                choice = chunk.choices[0]
                finish = choice.finish_reason or finish
                for d in choice.delta.tool_calls or []:
                    fn = d.function
                    assembler.add(
                        d.index, d.id, fn.name if fn else None, fn.arguments if fn else None
                    )
                piece = choice.delta.content or ""
                if not piece:
                    continue
                if first is None:
                    first = time.perf_counter() - start
                shown = guard.feed(piece)
                out = shown if tools else piece
                if out:
                    yield Delta(out)
        except openai.APIError as exc:
            # The server answered, then broke off (llama.cpp's server drops the stream when
            # the reply turns out to be a call); after any delta a retry would repeat text.
            if received:
                raise self._failed(exc) from exc
            chunks = None
        if chunks is None:
            done = self.complete(messages, tools, tool_choice, max_tokens, temperature)
            if done.text:
                yield Delta(done.text)
            yield done
            return
        text, calls = resolve_reply(
            guard.text, assembler.calls(), messages, tool_choice, bool(tools)
        )
        yield Completion(
            text=text.strip(),
            tool_calls=calls,
            finish_reason="tool_calls" if calls else finish,
            usage=usage,
            seconds=time.perf_counter() - start,
            model=model,
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
        request: dict[str, Any] = {
            "model": self.model,
            "messages": [m.to_openai() for m in messages],
            "max_tokens": max_tokens,
            "temperature": temperature,
        }
        if tools:
            request["tools"] = [as_tool_schema(t) for t in tools]
            request["tool_choice"] = openai_tool_choice(tool_choice)
        return request

    def _unavailable(self, exc: Exception) -> LLMUnavailable:
        return LLMUnavailable(
            f"cannot reach the LLM server at {self.base_url} ({exc}); start it (`aisle "
            f"llm-server`) or fix AISLE_LLM_BASE_URL"
        )

    def _failed(self, exc: openai.APIError) -> LLMUnavailable:
        status = getattr(exc, "status_code", "none")
        return LLMUnavailable(
            f"the LLM server at {self.base_url} failed (HTTP {status}) for model "
            f"{self.model!r}: {exc.message}; check AISLE_LLM_MODEL and the server's log"
        )


def _call(call_id: str | None, name: str | None, arguments: str | None) -> ToolCall | None:
    decoded = decode_arguments(arguments)
    if not name or decoded is None:
        return None
    return ToolCall(name, decoded, call_id or "")
