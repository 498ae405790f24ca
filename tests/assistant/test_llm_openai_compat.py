"""OpenAICompatibleChat against an in-process fake server (httpx.MockTransport): the real
wire protocol, no LLM."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from assistant.llm import Completion, Delta, LLMUnavailable, Message, OpenAICompatibleChat
from assistant.llm.types import ForcedTool, ToolCall

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "search_products",
            "description": "Search.",
            "parameters": {"type": "object", "properties": {"query": {"type": "string"}}},
        },
    }
]
MESSAGES = [Message.system("s"), Message.user("tents under $200")]


def reply(message: dict[str, Any], finish: str = "stop") -> dict[str, Any]:
    return {
        "id": "x",
        "object": "chat.completion",
        "created": 0,
        "model": "served-model",
        "choices": [
            {"index": 0, "message": {"role": "assistant", **message}, "finish_reason": finish}
        ],
        "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
    }


def sse(chunks: list[dict[str, Any]]) -> bytes:
    events = [f"data: {json.dumps(c)}\n\n" for c in chunks] + ["data: [DONE]\n\n"]
    return "".join(events).encode()


def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {
        "id": "x",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "served-model",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def chat_with(
    handler: Callable[[httpx.Request], httpx.Response], seen: list[dict[str, Any]]
) -> OpenAICompatibleChat:
    def record(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return handler(request)

    client = httpx.Client(transport=httpx.MockTransport(record))
    return OpenAICompatibleChat("http://llm.test/v1", "my-model", http_client=client, max_retries=0)


def test_native_tool_call_and_explicit_tool_choice() -> None:
    seen: list[dict[str, Any]] = []
    chat = chat_with(
        lambda r: httpx.Response(
            200,
            json=reply(
                {
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "call_9",
                            "type": "function",
                            "function": {
                                "name": "search_products",
                                "arguments": '{"query": "tents"}',
                            },
                        }
                    ],
                },
                "tool_calls",
            ),
        ),
        seen,
    )
    done = chat.complete(MESSAGES, TOOLS)
    assert done.tool_calls == (ToolCall("search_products", {"query": "tents"}, "call_9"),)
    assert done.finish_reason == "tool_calls"
    assert (done.usage.prompt_tokens, done.usage.completion_tokens) == (11, 7)
    assert done.model == "served-model"
    assert seen[0]["tool_choice"] == "auto"
    assert seen[0]["model"] == "my-model"
    assert seen[0]["messages"][1] == {"role": "user", "content": "tents under $200"}


def test_a_forced_tool_is_sent_as_the_named_tool_choice() -> None:
    seen: list[dict[str, Any]] = []
    chat = chat_with(lambda r: httpx.Response(200, json=reply({"content": "Hi!"})), seen)
    chat.complete(MESSAGES, TOOLS, tool_choice=ForcedTool("search_products"))
    assert seen[0]["tool_choice"] == {"type": "function", "function": {"name": "search_products"}}


def test_no_tools_sends_no_tool_choice() -> None:
    seen: list[dict[str, Any]] = []
    chat = chat_with(lambda r: httpx.Response(200, json=reply({"content": "Hi!"})), seen)
    assert chat.complete(MESSAGES).text == "Hi!"
    assert "tools" not in seen[0] and "tool_choice" not in seen[0]


def test_call_written_as_text_is_parsed() -> None:
    text = '<tool_call>\n{"name": "search_products", "arguments": {"query": "tents"}}\n</tool_call>'
    chat = chat_with(lambda r: httpx.Response(200, json=reply({"content": text})), [])
    done = chat.complete(MESSAGES, TOOLS)
    assert done.tool_calls == (ToolCall("search_products", {"query": "tents"}, "call_2_0"),)
    assert done.text == ""


def test_stream_assembles_tool_call_deltas() -> None:
    body = sse(
        [
            chunk(
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "index": 0,
                            "id": "call_1",
                            "type": "function",
                            "function": {"name": "search_products", "arguments": ""},
                        }
                    ],
                }
            ),
            chunk({"tool_calls": [{"index": 0, "function": {"arguments": '{"query": '}}]}),
            chunk({"tool_calls": [{"index": 0, "function": {"arguments": '"tents"}'}}]}),
            chunk({}, "tool_calls"),
        ]
    )
    seen: list[dict[str, Any]] = []
    chat = chat_with(
        lambda r: httpx.Response(200, content=body, headers={"content-type": "text/event-stream"}),
        seen,
    )
    events = list(chat.stream(MESSAGES, TOOLS))
    assert len(events) == 1 and isinstance(events[0], Completion)
    assert events[0].tool_calls == (ToolCall("search_products", {"query": "tents"}, "call_1"),)
    assert seen[0]["stream"] is True and seen[0]["tool_choice"] == "auto"


def test_stream_text_deltas_then_completion_with_first_token_time() -> None:
    body = sse([chunk({"content": "Two "}), chunk({"content": "tents."}), chunk({}, "stop")])
    chat = chat_with(
        lambda r: httpx.Response(200, content=body, headers={"content-type": "text/event-stream"}),
        [],
    )
    events = list(chat.stream(MESSAGES, TOOLS))
    assert events[:-1] == [Delta("Two "), Delta("tents.")]
    done = events[-1]
    assert isinstance(done, Completion)
    assert done.text == "Two tents." and done.finish_reason == "stop"
    assert done.first_token_seconds is not None


def test_stream_falls_back_when_the_server_cannot_stream_a_call() -> None:
    seen: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if json.loads(request.content).get("stream"):
            return httpx.Response(
                500, json={"error": {"message": "Automatic streaming tool choice is not supported"}}
            )
        return httpx.Response(
            200,
            json=reply(
                {
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "c",
                            "type": "function",
                            "function": {"name": "search_products", "arguments": "{}"},
                        }
                    ],
                },
                "tool_calls",
            ),
        )

    events = list(chat_with(handler, seen).stream(MESSAGES, TOOLS))
    assert [bool(r.get("stream")) for r in seen] == [True, False]
    assert isinstance(events[-1], Completion)
    assert events[-1].tool_calls[0].name == "search_products"


def test_server_error_and_unreachable_server_say_what_to_do() -> None:
    chat = chat_with(lambda r: httpx.Response(404, json={"error": {"message": "no model"}}), [])
    with pytest.raises(LLMUnavailable, match=r"failed \(HTTP 404\) for model 'my-model'"):
        chat.complete(MESSAGES)

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    with pytest.raises(LLMUnavailable, match=r"cannot reach the LLM server at http://llm\.test/v1"):
        chat_with(refuse, []).complete(MESSAGES)


class _BrokenStream(httpx.SyncByteStream):
    def __iter__(self) -> Iterator[bytes]:
        raise httpx.RemoteProtocolError("peer closed connection without sending complete body")


def test_stream_falls_back_when_the_server_drops_the_stream_before_any_chunk() -> None:
    seen: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if json.loads(request.content).get("stream"):
            return httpx.Response(
                200, stream=_BrokenStream(), headers={"content-type": "text/event-stream"}
            )
        return httpx.Response(200, json=reply({"content": "Delivered on May 2."}))

    events = list(chat_with(handler, seen).stream(MESSAGES, TOOLS))
    assert [bool(r.get("stream")) for r in seen] == [True, False]
    assert events == [Delta("Delivered on May 2."), events[-1]]
    assert isinstance(events[-1], Completion) and events[-1].text == "Delivered on May 2."
