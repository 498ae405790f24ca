"""The prefix KV cache on disk (assistant.llm.prefix_cache) with the 0.5B GGUF: the first
process saves the system prompt and tools, a second one loads them and evaluates only the rest
of the prompt, with the same reply; a damaged file is recomputed. And ``prefill``: after it,
a follow-up evaluates only the new message. Marked ``llm``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import llama_cpp
import pytest

from assistant.llm import LlamaCppChat, Message, final
from assistant.llm.weights import QWEN_CODER_0_5B, WeightsSpec

pytestmark = pytest.mark.llm

SYSTEM = "You are the shop assistant of the shop. Use the tools; never invent order details. " * 8
ORDER = {
    "type": "function",
    "function": {
        "name": "get_order_details",
        "description": "Status and items of one order, by its id such as #W0000000.",
        "parameters": {
            "type": "object",
            "properties": {"order_id": {"type": "string", "description": "The order id."}},
            "required": ["order_id"],
        },
    },
}
MESSAGES = [Message.system(SYSTEM), Message.user("Where is my order #W2378156?")]


def _ask(chat: LlamaCppChat) -> tuple[str, int]:
    """The reply (call or text) and how many prompt tokens llama.cpp evaluated for it."""
    llama_cpp.llama_perf_context_reset(chat.llama._ctx.ctx)
    done = final(chat.stream(MESSAGES, [ORDER], max_tokens=32))
    evaluated = int(llama_cpp.llama_perf_context(chat.llama._ctx.ctx).n_p_eval)
    reply = done.tool_calls[0].arguments_json() if done.tool_calls else done.text
    return reply, evaluated


def test_a_new_process_loads_the_prefix_instead_of_evaluating_it(
    gguf_for: Callable[[WeightsSpec], Path], tmp_path: Path
) -> None:
    gguf = gguf_for(QWEN_CODER_0_5B)
    first = LlamaCppChat(gguf, n_ctx=2048, prefix_cache_dir=tmp_path)
    reply, evaluated = _ask(first)
    assert first.prefix_outcome == "saved" and evaluated > 300
    files = list(tmp_path.glob("prefix-*.kv"))
    assert len(files) == 1
    del first

    second = LlamaCppChat(gguf, n_ctx=2048, prefix_cache_dir=tmp_path)
    again, loaded_evaluated = _ask(second)
    assert second.prefix_outcome == "loaded"
    assert loaded_evaluated < 40  # the user turn and the assistant opener, not the prefix
    assert again == reply

    files[0].write_bytes(files[0].read_bytes()[:1000])  # truncated by a crash, say
    third = LlamaCppChat(gguf, n_ctx=2048, prefix_cache_dir=tmp_path)
    assert _ask(third)[0] == reply and third.prefix_outcome == "saved"
    assert files[0].stat().st_size > 1000


def test_prefill_leaves_only_the_new_message_to_evaluate(
    gguf_for: Callable[[WeightsSpec], Path], tmp_path: Path
) -> None:
    chat = LlamaCppChat(gguf_for(QWEN_CODER_0_5B), n_ctx=2048, prefix_cache_dir=tmp_path)
    _ask(chat)
    history = [*MESSAGES, Message.assistant("Order #W2378156 was delivered on 2 May. " * 6)]
    follow_up = [*history, Message.user("Thanks!")]
    assert chat.prefill(history, [ORDER]) > 60  # the reply was not in the cache
    assert chat.prefill(history, [ORDER]) == 0  # now it is
    llama_cpp.llama_perf_context_reset(chat.llama._ctx.ctx)
    final(chat.stream(follow_up, [ORDER], max_tokens=8))
    assert int(llama_cpp.llama_perf_context(chat.llama._ctx.ctx).n_p_eval) < 20


def test_background_prefill_runs_between_turns_and_yields_to_a_new_one(
    gguf_for: Callable[[WeightsSpec], Path], tmp_path: Path
) -> None:
    chat = LlamaCppChat(gguf_for(QWEN_CODER_0_5B), n_ctx=2048, prefix_cache_dir=tmp_path)
    _ask(chat)
    history = [*MESSAGES, Message.assistant("Order #W2378156 was delivered on 2 May. " * 6)]
    chat.prefill_later(history, [ORDER])
    stats = chat.wait_prefill(timeout=300)
    assert stats is not None and stats.complete and stats.tokens > 60
    assert chat.prefill(history, [ORDER]) == 0  # the background run left it cached

    # A turn that starts while a prefill is under way stops it and still answers right.
    longer = [
        *history,
        Message.user("And the other one?"),
        Message.assistant("Order #W0000001 is pending. " * 40),
    ]
    chat.prefill_later(longer, [ORDER])
    expected, _ = _ask(chat)
    stats = chat.wait_prefill(timeout=300)
    assert stats is not None and not stats.complete
    assert expected == _ask(chat)[0]
