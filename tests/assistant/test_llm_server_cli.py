"""``aisle llm-server`` for real, with the 0.5B GGUF on the CPU: it prints the base URL to
export, serves ``/v1/models`` and a chat request with tools, and stops cleanly on Ctrl-C
(SIGINT), taking the llama.cpp server process with it. Marked ``llm``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from assistant.llm import Message, OpenAICompatibleChat
from assistant.llm.server import free_port
from assistant.llm.weights import QWEN_CODER_0_5B, WeightsSpec

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


def _read_exports(process: subprocess.Popen[str], timeout: float) -> dict[str, str]:
    """The ``export NAME=value`` lines the command prints once the server is ready."""
    assert process.stdout is not None
    exports: dict[str, str] = {}
    deadline = time.monotonic() + timeout
    while "AISLE_LLM_MODEL" not in exports and time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            pytest.fail(f"aisle llm-server ended early with status {process.wait()}")
        if line.startswith("export "):
            name, _, value = line.removeprefix("export ").strip().partition("=")
            exports[name] = value
    return exports


def test_llm_server_starts_serves_and_stops_on_ctrl_c(
    gguf_for: Callable[[WeightsSpec], Path], tmp_path: Path
) -> None:
    gguf = gguf_for(QWEN_CODER_0_5B)
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "ui.cli",
        "--data-dir",
        str(tmp_path),
        "llm-server",
        "--port",
        str(port),
        "--model",
        str(gguf),
    ]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        exports = _read_exports(process, timeout=300)
        base_url = f"http://127.0.0.1:{port}/v1"
        assert exports == {"AISLE_LLM_BASE_URL": base_url, "AISLE_LLM_MODEL": gguf.stem}

        models = httpx.get(f"{base_url}/models", timeout=10).json()
        assert [m["id"] for m in models["data"]] == [gguf.stem]
        chat = OpenAICompatibleChat(base_url, gguf.stem)
        reply = chat.complete(
            [
                Message.system("You are a shop assistant. Use the tools to look up orders."),
                Message.user("Where is my order #W2378156?"),
            ],
            [ORDER],
            max_tokens=64,
        )
        assert [c.name for c in reply.tool_calls] == ["get_order_details"]

        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    with pytest.raises(httpx.HTTPError):  # the llama.cpp server went with it
        httpx.get(f"http://127.0.0.1:{port}/v1/models", timeout=2)
