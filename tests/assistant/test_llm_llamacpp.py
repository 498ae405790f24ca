"""The embedded default for real (assistant.llm.llamacpp): the 1.5B GGUF with the default
prompt format, so the default path never rots. Marked ``llm`` (about a minute on 2 busy
cores); skipped when the weight packages are not installed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from assistant.llm import (
    Completion,
    Delta,
    LlamaCppChat,
    Message,
    final,
)
from assistant.llm.types import ForcedTool
from assistant.llm.weights import DEFAULT_MODEL, WeightsSpec

pytestmark = pytest.mark.llm

ORDER = {
    "type": "function",
    "function": {
        "name": "get_order_details",
        "description": "Status and items of one order.",
        "parameters": {
            "type": "object",
            "properties": {"order_id": {"type": "string"}},
            "required": ["order_id"],
        },
    },
}
SEARCH = {
    "type": "function",
    "function": {
        "name": "search_products",
        "description": "Search the shop's catalog for products.",
        "parameters": {
            "type": "object",
            "properties": {"query": {"type": "string"}},
            "required": ["query"],
        },
    },
}
SYSTEM = "You are a shop assistant. Use the tools to look up orders and products."


@pytest.fixture(scope="module")
def chat(gguf_for: Callable[[WeightsSpec], Path]) -> Iterator[LlamaCppChat]:
    gguf = gguf_for(DEFAULT_MODEL)
    yield LlamaCppChat(gguf, n_ctx=2048)


def test_calls_the_order_tool_then_answers_in_text(chat: LlamaCppChat) -> None:
    messages = [Message.system(SYSTEM), Message.user("Where is my order #W2378156?")]
    done = chat.complete(messages, [SEARCH, ORDER], max_tokens=96)
    assert [c.name for c in done.tool_calls] == ["get_order_details"]
    assert "W2378156" in done.tool_calls[0].arguments["order_id"]
    assert done.tool_calls[0].id == "call_2_0"

    result = '{"order_id": "#W2378156", "status": "delivered", "delivered_on": "2024-05-02"}'
    follow = [*messages, done.message(), Message.tool(done.tool_calls[0], result)]
    events = list(chat.stream(follow, [SEARCH, ORDER], tool_choice="none", max_tokens=48))
    reply = events[-1]
    assert isinstance(reply, Completion)
    assert reply.tool_calls == ()
    assert reply.text and "<tool_call>" not in reply.text
    assert "".join(e.text for e in events if isinstance(e, Delta)).strip() == reply.text
    assert reply.first_token_seconds is not None


def test_streaming_a_call_shows_no_markup(chat: LlamaCppChat) -> None:
    messages = [Message.system(SYSTEM), Message.user("Where is my order #W2378156?")]
    events = list(chat.stream(messages, [SEARCH, ORDER], max_tokens=96))
    assert [e for e in events if isinstance(e, Delta)] == []
    assert final(iter(events)).tool_calls[0].name == "get_order_details"


def test_a_forced_tool_is_called_even_when_the_model_would_answer_in_text(
    chat: LlamaCppChat,
) -> None:
    """Forced, a greeting gets one call to the named tool, with arguments that fit its
    schema (the agent forces a write the model only talked about)."""
    messages = [Message.system(SYSTEM), Message.user("Hello! Order #W2378156 is mine.")]
    done = chat.complete(
        messages, [SEARCH, ORDER], tool_choice=ForcedTool("get_order_details"), max_tokens=48
    )
    assert [c.name for c in done.tool_calls] == ["get_order_details"]
    assert isinstance(done.tool_calls[0].arguments["order_id"], str)
