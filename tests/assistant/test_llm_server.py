"""Server command lines (assistant.llm.server), and one real round trip through
llama-cpp-python's OpenAI-compatible server with the 0.5B GGUF (marked ``llm``)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from assistant.llm import (
    Completion,
    LLMUnavailable,
    Message,
    OpenAICompatibleChat,
    final,
    llm_server_command,
    wait_until_ready,
)
from assistant.llm.server import free_port
from assistant.llm.weights import QWEN_CODER_0_5B, WeightsSpec


def test_vllm_command_on_a_gpu() -> None:
    assert llm_server_command(None, "0.0.0.0", 8001, True, "Qwen/Qwen2.5-7B-Instruct") == [
        "vllm",
        "serve",
        "Qwen/Qwen2.5-7B-Instruct",
        "--enable-auto-tool-choice",
        "--tool-call-parser",
        "hermes",
        "--max-model-len",
        "8192",
        "--host",
        "0.0.0.0",
        "--port",
        "8001",
    ]


def test_llama_cpp_command_on_a_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    command = llm_server_command(Path("/m/q.gguf"), "127.0.0.1", 8002, False, "ignored")
    assert command == [
        sys.executable,
        "-m",
        "assistant.llm.llamacpp_server",
        "--model",
        "/m/q.gguf",
        "--host",
        "127.0.0.1",
        "--port",
        "8002",
        "--n_ctx",
        "8192",
        "--n_threads",
        "1",
        "--n_threads_batch",
        "1",
    ]


def test_llama_cpp_command_options() -> None:
    command = llm_server_command(
        Path("q.gguf"),
        "h",
        1,
        False,
        "",
        n_ctx=8192,
        n_threads=4,
        chat_format="chatml-function-calling",
        model_alias="aisle",
    )
    assert command[command.index("--n_ctx") + 1] == "8192"
    assert command[command.index("--n_threads") + 1] == "4"
    assert command[-4:] == ["--chat_format", "chatml-function-calling", "--model_alias", "aisle"]


def test_cpu_without_a_model_path_is_an_error() -> None:
    with pytest.raises(LLMUnavailable, match="ensure_gguf"):
        llm_server_command(None, "h", 1, False, "m")


def test_wait_until_ready_times_out_with_a_clear_message() -> None:
    port = free_port()
    with pytest.raises(LLMUnavailable, match=rf"127.0.0.1:{port}/v1 was not ready after 1s"):
        wait_until_ready(f"http://127.0.0.1:{port}/v1", timeout=1, interval=0.2)


SEARCH = {
    "type": "function",
    "function": {
        "name": "search_products",
        "description": "Search the shop's catalog for products.",
        "parameters": {
            "type": "object",
            "properties": {
                "query": {"type": "string", "description": "what the shopper wants"},
                "price_max": {"type": "number"},
            },
            "required": ["query"],
        },
    },
}
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


@pytest.fixture(scope="module")
def server_url(gguf_for: Callable[[WeightsSpec], Path]) -> Iterator[str]:
    gguf = gguf_for(QWEN_CODER_0_5B)
    port = free_port()
    process = subprocess.Popen(
        llm_server_command(gguf, "127.0.0.1", port, False, "", model_alias="aisle-test"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base_url = f"http://127.0.0.1:{port}/v1"
        assert wait_until_ready(base_url, timeout=300) == ["aisle-test"]
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=60)
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"http://127.0.0.1:{port}/v1/models", timeout=2)


@pytest.mark.llm
def test_real_server_tool_call_streaming_and_not(server_url: str) -> None:
    chat = OpenAICompatibleChat(server_url, "aisle-test")
    messages = [
        Message.system("You are a shop assistant. Use the tools to look up orders."),
        Message.user("Where is my order #W2378156?"),
    ]
    done = chat.complete(messages, [SEARCH, ORDER], max_tokens=96)
    streamed = final(chat.stream(messages, [SEARCH, ORDER], max_tokens=96))
    for reply in (done, streamed):
        assert isinstance(reply, Completion)
        assert [c.name for c in reply.tool_calls] == ["get_order_details"]
        assert "W2378156" in reply.tool_calls[0].arguments["order_id"]
    assert streamed.tool_calls[0].id == done.tool_calls[0].id == "call_2_0"
