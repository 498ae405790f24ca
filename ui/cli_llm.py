"""``aisle llm-server``: start an OpenAI-compatible LLM server for the assistant.

On a machine with the ``gpu`` extra (vLLM) and a CUDA GPU it runs ``vllm serve`` with the
production flags (Hermes tool-call parser, automatic tool choice, 8k context); anywhere else it
runs llama-cpp-python's server with the embedded GGUF, assembled once from its packages into the
data dir. It prints the base URL and the ``AISLE_LLM_*`` lines to export (on stdout, so a
script can read them), serves until Ctrl-C or SIGTERM, then stops the server and exits 0.
The server's own log goes to the terminal.

Not here: the command lines (``assistant.llm.server``), the client (``OpenAICompatibleChat``).
"""

from __future__ import annotations

import shlex
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from assistant.llm.server import (
    LLAMA_CPP_N_CTX,
    VLLM_MODEL,
    client_base_url,
    llm_server_command,
    stop_server,
    vllm_available,
    wait_until_ready,
)
from assistant.llm.weights import DEFAULT_MODEL, EMBEDDED_MODELS, ensure_gguf, weights_spec
from assistant.settings import Settings
from store.errors import AisleError
from ui.cli_common import err, errors, settings_of


class LLMServerError(AisleError):
    """The LLM server could not be started or stopped running on its own."""


class _Stop(Exception):
    """Ctrl-C (SIGINT) or SIGTERM arrived: stop the server."""


@dataclass(frozen=True)
class ServerPlan:
    """What ``aisle llm-server`` runs: the engine, the argv, and the model name clients send."""

    engine: str  # "vllm" or "llama.cpp"
    command: list[str]
    served_model: str
    base_url: str


def plan_server(
    settings: Settings, host: str, port: int, model: str | None, n_ctx: int, gpu: bool
) -> ServerPlan:
    """The server for this machine. On a GPU, ``model`` is a Hugging Face model id for vLLM;
    on a CPU, an embedded model key or a path to a ``.gguf`` file (default: the embedded
    default, assembled from its packages on first use)."""
    base_url = client_base_url(host, port)
    if gpu:
        name = model or VLLM_MODEL
        return ServerPlan("vllm", llm_server_command(None, host, port, True, name), name, base_url)
    path, alias = _gguf(settings, model)
    command = llm_server_command(path, host, port, False, "", n_ctx=n_ctx, model_alias=alias)
    return ServerPlan("llama.cpp", command, alias, base_url)


def _gguf(settings: Settings, model: str | None) -> tuple[Path, str]:
    if model and model.endswith(".gguf"):
        path = Path(model).expanduser()
        if not path.is_file():
            raise LLMServerError(
                f"no GGUF file at {path}; pass an existing file or one of "
                f"the embedded models: {', '.join(_keys())}"
            )
        return path, path.stem
    spec = weights_spec(model) if model else DEFAULT_MODEL
    return ensure_gguf(spec, settings.models_dir / "llm"), spec.key


def _keys() -> list[str]:
    return [spec.key for spec in EMBEDDED_MODELS]


def llm_server(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Interface to bind; 0.0.0.0 for every one.")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port to serve on.")] = 8001,
    model: Annotated[
        str | None,
        typer.Option(
            help=f"GPU: a Hugging Face model id for vLLM (default {VLLM_MODEL}). CPU: an "
            f"embedded model ({', '.join(_keys())}; default {DEFAULT_MODEL.key}) or a .gguf "
            "file."
        ),
    ] = None,
    n_ctx: Annotated[
        int, typer.Option(min=2048, help="Context length of the CPU server, in tokens.")
    ] = LLAMA_CPP_N_CTX,
    ready_timeout: Annotated[
        float, typer.Option(min=1, help="Seconds to wait for the model to load.")
    ] = 900.0,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the server command and exit.")
    ] = False,
) -> None:
    """Start an OpenAI-compatible LLM server (vLLM on a GPU, else llama.cpp with the embedded
    model) and print the AISLE_LLM_BASE_URL to export; Ctrl-C stops it."""
    with errors():
        plan = plan_server(settings_of(ctx), host, port, model, n_ctx, vllm_available())
        if dry_run:
            typer.echo(shlex.join(plan.command))
            _print_exports(plan)
            return
        err.print(
            f"Starting the {plan.engine} server for {plan.served_model} on "
            f"{host}:{port} (base URL {plan.base_url}); loading the model..."
        )
        _serve(plan, ready_timeout)


def _serve(plan: ServerPlan, ready_timeout: float) -> None:
    # Explicit handlers: a shell starting this in the background ignores SIGINT otherwise.
    previous = {sig: signal.signal(sig, _raise_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    process = subprocess.Popen(plan.command)
    try:
        wait_until_ready(plan.base_url, timeout=ready_timeout, process=process)
        _print_exports(plan)
        err.print("Serving; Ctrl-C stops the server.")
        status = process.wait()
        raise LLMServerError(
            f"the {plan.engine} server exited on its own with status {status}; "
            "its log above says why"
        )
    except (KeyboardInterrupt, _Stop):
        err.print("Stopping the LLM server...")
    finally:

        def kill_now(signum: int, frame: FrameType | None) -> None:
            process.kill()  # a second Ctrl-C while the server shuts down

        for sig in previous:
            signal.signal(sig, kill_now)
        status = stop_server(process)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    err.print(f"Stopped (server exit status {status}).")


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop


def _print_exports(plan: ServerPlan) -> None:
    typer.echo(f"base URL: {plan.base_url}")
    typer.echo(f"export AISLE_LLM_BASE_URL={plan.base_url}")
    typer.echo(f"export AISLE_LLM_MODEL={shlex.quote(plan.served_model)}")
