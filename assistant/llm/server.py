"""Starting an OpenAI-compatible LLM server: vLLM on a GPU, llama.cpp's server on a CPU.

``llm_server_command`` only builds the command line (``aisle llm-server`` runs it, tests
start it on loopback); ``wait_until_ready`` polls ``GET {base_url}/models`` until the server
answers; ``client_base_url`` is what clients set as ``AISLE_LLM_BASE_URL``; ``stop_server``
ends it. The CPU server is llama-cpp-python's, started through
``assistant.llm.llamacpp_server`` so that the model loads as ``LlamaCppChat`` loads it.
vLLM is given Qwen's Hermes-style tool parser. llama-cpp-python's server is given the
embedded GGUF with the model's own chat template: it returns calls as ``<tool_call>`` text,
which ``OpenAICompatibleChat`` parses (measured, 1.5B, 13 probes, streaming: 92% right tool
and arguments). Its ``chatml-function-calling`` format scored 8%: text replies come back empty
when tools are offered, and streaming a reply that becomes a call drops the connection. Pass
``chat_format`` to choose it anyway.

Not here: assembling the GGUF (``assistant.llm.weights``) or choosing host and port (the CLI);
the caller owns the process.
"""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from assistant.llm.errors import LLMUnavailable
from assistant.llm.llamacpp import default_threads

VLLM_MODEL = "Qwen/Qwen2.5-7B-Instruct"  # the production recommendation (README)
VLLM_MAX_MODEL_LEN = 8192
# The agent's system prompt and tool schemas alone take about 3,600 tokens.
LLAMA_CPP_N_CTX = 8192


def vllm_available() -> bool:
    """vLLM is installed and torch sees a CUDA GPU."""
    if importlib.util.find_spec("vllm") is None:
        return False
    try:
        import torch
    except ImportError:
        return False
    return bool(torch.cuda.is_available())


def llm_server_command(
    model_path: Path | None,
    host: str,
    port: int,
    gpu_available: bool,
    vllm_model: str,
    *,
    n_ctx: int = LLAMA_CPP_N_CTX,
    n_threads: int | None = None,
    chat_format: str | None = None,
    model_alias: str | None = None,
) -> list[str]:
    """The argv of a server for this machine: vLLM serving ``vllm_model`` when
    ``gpu_available`` (pass ``vllm_available()``), else llama.cpp serving ``model_path``.
    ``chat_format=None`` lets llama.cpp use the GGUF's own template."""
    if gpu_available:
        return [
            "vllm",
            "serve",
            vllm_model,
            "--enable-auto-tool-choice",
            "--tool-call-parser",
            "hermes",
            "--max-model-len",
            str(VLLM_MAX_MODEL_LEN),
            "--host",
            host,
            "--port",
            str(port),
        ]
    if model_path is None:
        raise LLMUnavailable(
            "no GPU with vLLM here and no GGUF model path given; assemble the embedded model "
            "first (assistant.llm.weights.ensure_gguf) or install vLLM on a GPU machine"
        )
    threads = str(n_threads or default_threads())
    command = [
        sys.executable,
        "-m",
        "assistant.llm.llamacpp_server",  # llama_cpp.server, loading the model safely
        "--model",
        str(model_path),
        "--host",
        host,
        "--port",
        str(port),
        "--n_ctx",
        str(n_ctx),
        "--n_threads",
        threads,
        "--n_threads_batch",
        threads,
    ]
    if chat_format:
        command += ["--chat_format", chat_format]
    if model_alias:
        command += ["--model_alias", model_alias]
    return command


def wait_until_ready(
    base_url: str,
    timeout: float = 120.0,
    interval: float = 0.5,
    process: subprocess.Popen[bytes] | None = None,
) -> list[str]:
    """Poll ``{base_url}/models`` until it answers 200; return the served model ids. With the
    server's ``process``, fail at once when it exits instead of waiting out the timeout."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    url = base_url.rstrip("/") + "/models"
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise LLMUnavailable(
                f"the LLM server for {base_url} exited with status {process.returncode} "
                f"before it was ready; its log above says why"
            )
        try:
            response = httpx.get(url, timeout=min(5.0, timeout))
            if response.status_code == 200:
                return [str(m["id"]) for m in response.json().get("data", [])]
            last = f"HTTP {response.status_code}"
        except httpx.HTTPError as exc:
            last = type(exc).__name__
        time.sleep(interval)
    raise LLMUnavailable(
        f"the LLM server at {base_url} was not ready after {timeout:.0f}s ({last}); "
        f"check its log, or give it longer (loading a model on a busy CPU is slow)"
    )


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago (for tests and probes on loopback)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def client_base_url(host: str, port: int) -> str:
    """The ``AISLE_LLM_BASE_URL`` for a server bound to ``host``: a wildcard bind is reached
    on loopback from this machine."""
    reachable = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    if ":" in reachable:
        reachable = f"[{reachable}]"
    return f"http://{reachable}:{port}/v1"


def stop_server(process: subprocess.Popen[bytes], timeout: float = 30.0) -> int:
    """Stop a server process started here: SIGTERM, then SIGKILL after ``timeout`` seconds;
    return its exit status."""
    if process.poll() is None:
        process.terminate()
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
    return process.wait()
