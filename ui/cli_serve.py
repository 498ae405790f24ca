"""``aisle serve`` and ``aisle keys``: run the web app, manage the API keys, and sign a test
identity token (``aisle keys identity-token USER``) as a shop's server would.

``serve(runtime, host, port)`` is what ``aisle serve`` and ``aisle demo`` call: it builds the
app (``ui.api.create_app``), binds the socket first (so a busy port is a clear error, not a
traceback), prints the URLs once uvicorn is ready and serves until interrupted.
``running(app)`` serves an app on a free loopback port in a background thread, for tests.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
import uvicorn
from rich.table import Table

from assistant.agent import Assistant
from store.errors import AisleError
from ui.api import TurnGate, create_app
from ui.api.app import RuntimeLike
from ui.api.identity import MAX_LIFETIME, sign_identity
from ui.api.keys import any_active_key, create_key, list_keys, revoke_key
from ui.cli_common import JsonOpt, emit_json, err, errors, settings_of, store_of
from ui.runtime import Runtime

# Longer than a load balancer's idle timeout (60 s for nginx's upstream keepalive and AWS
# ALB): uvicorn's default 5 s closes an idle connection the balancer may be sending the next
# POST on, and a reset POST is not retried (measured by aisle bench load with kept-alive
# connections between two replicas: 1 reset in 1,553 turns).
KEEP_ALIVE_SECONDS = 75

keys_app = typer.Typer(
    help="API keys for sites that embed the bot (stored hashed).", no_args_is_help=True
)


def bind(host: str, port: int) -> socket.socket:
    """A listening-ready socket on ``host:port`` (port 0: any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise AisleError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}; "
            "pass another --port (or --host)"
        ) from None
    return sock


def _url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else ("[::1]" if host == "::" else host)
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


class _Server(uvicorn.Server):
    """uvicorn's server, calling ``on_ready`` once it accepts connections."""

    def __init__(self, config: uvicorn.Config, on_ready: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_ready = on_ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            self._on_ready()


def serve(
    runtime: RuntimeLike,
    host: str | None = None,
    port: int | None = None,
    *,
    with_ui: bool = True,
    assistant: Assistant | None = None,
    gate: TurnGate | None = None,
    log_level: str = "info",
) -> None:
    """Serve the app on ``host:port`` (defaults from the settings) until interrupted;
    ``assistant`` defaults to ``runtime.assistant()``, loaded once the port is ours."""
    settings = runtime.settings
    host = host or settings.serve_host
    sock = bind(host, settings.serve_port if port is None else port)  # before the slow part
    if assistant is None:
        err.print("Loading the assistant (the embedded model takes a few seconds)...")
        assistant = runtime.assistant()
        assistant.warm_up()  # the model reads its prompt now, not during the first question
    app = create_app(runtime, assistant=assistant, gate=gate, with_ui=with_ui)
    url = _url(sock)
    if not _is_loopback(host) and settings.api_keys == "auto" and not any_active_key(runtime.store):
        err.print(
            f"[yellow]warning:[/] listening on {host} without any API key: anyone who can "
            "reach this port can use the bot API. Create one with `aisle keys create NAME`."
        )
    if not _is_loopback(host) and settings.demo:
        err.print(
            f"[yellow]warning:[/] demo mode on {host}: whoever reaches the web chat can sign in "
            "as any demo shopper. Serve a real shop with `aisle serve`."
        )

    def ready() -> None:
        lines = [f"Aisle is serving at {url}"]
        if not with_ui:
            lines[0] += " (API only)"
        lines += [
            f"  bot API docs      {url}docs",
            f"  OpenAI endpoint   {url}v1  (model 'aisle')",
            f"  widget demo       {url}widget",
            f"  health            {url}healthz",
            "Press Ctrl-C to stop.",
        ]
        err.print("\n".join(lines), highlight=False)

    config = uvicorn.Config(
        app, log_level=log_level, timeout_graceful_shutdown=5, timeout_keep_alive=KEEP_ALIVE_SECONDS
    )
    _Server(config, ready).run(sockets=[sock])


@contextmanager
def running(app: object, host: str = "127.0.0.1", timeout: float = 30.0) -> Iterator[str]:
    """Serve ``app`` on a free port of ``host`` in a thread; yields its base URL, stops after."""
    sock = bind(host, 0)
    config = uvicorn.Config(
        app,  # type: ignore[arg-type]
        log_level="warning",
        timeout_graceful_shutdown=2,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield _url(sock)
    finally:
        server.should_exit = True
        thread.join(timeout)
        sock.close()


def serve_command(
    ctx: typer.Context,
    host: Annotated[
        str | None, typer.Option(help="Address to listen on (default 127.0.0.1).")
    ] = None,
    port: Annotated[int | None, typer.Option(min=0, max=65535, help="Port (default 7860).")] = None,
    ui: Annotated[bool, typer.Option("--ui/--no-ui", help="Mount the Gradio chat at /.")] = True,
) -> None:
    """Serve the web UI, the bot API, the OpenAI-compatible endpoint and the widget."""
    with errors():
        serve(Runtime(settings_of(ctx)), host, port, with_ui=ui)


@keys_app.command("create")
def keys_create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Who the key is for, e.g. the site's name.")],
    rate: Annotated[
        float | None,
        typer.Option(help="Requests per minute for this key (default: the server's limit)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Create a key and print it once: only its hash is stored, it cannot be shown again."""
    with errors():
        key, info = create_key(store_of(ctx), name, rate)
        if as_json:
            emit_json({"key": key, **info.to_dict()})
            return
        typer.echo(key)
        err.print(
            f"Created key {info.prefix} for {info.name!r}. Copy it now: it is not shown again. "
            "Send it as 'Authorization: Bearer <key>'.",
            highlight=False,
        )


@keys_app.command("list")
def keys_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """The keys (prefix, name, rate, created, revoked); never the keys themselves."""
    with errors():
        keys = list_keys(store_of(ctx))
        if as_json:
            emit_json({"keys": [k.to_dict() for k in keys]})
            return
        if not keys:
            err.print(
                "No API keys yet: the bot API is open to callers that reach it "
                "(create one with `aisle keys create NAME`)."
            )
            return
        table = Table("prefix", "name", "rate/min", "created", "status")
        for k in keys:
            status = "active" if k.active else f"revoked {k.revoked_at:%Y-%m-%d %H:%M}"
            rate = f"{k.rate_per_minute:g}" if k.rate_per_minute else "default"
            table.add_row(k.prefix, k.name, rate, f"{k.created_at:%Y-%m-%d %H:%M}", status)
        err.print(table)


@keys_app.command("revoke")
def keys_revoke(
    ctx: typer.Context,
    prefix: Annotated[str, typer.Argument(help="The key's prefix (from `aisle keys list`).")],
    as_json: JsonOpt = False,
) -> None:
    """Revoke a key: requests with it get 401 from now on."""
    with errors():
        info = revoke_key(store_of(ctx), prefix)
        if as_json:
            emit_json(info.to_dict())
        else:
            err.print(f"Revoked key {info.prefix} ({info.name}).", highlight=False)


@keys_app.command("identity-token")
def keys_identity_token(
    ctx: typer.Context,
    user_id: Annotated[str, typer.Argument(help="The shopper's user id in this shop.")],
    seconds: Annotated[
        int, typer.Option(min=1, max=MAX_LIFETIME, help="How long the token is valid.")
    ] = 900,
    as_json: JsonOpt = False,
) -> None:
    """Sign an identity token for USER_ID with AISLE_IDENTITY_SECRET, as the shop's server
    does for its logged-in shopper: to try the widget (/widget?identity=...) and /v1."""
    with errors():
        settings = settings_of(ctx)
        if settings.identity_secret is None:
            raise AisleError(
                "AISLE_IDENTITY_SECRET is not set: set it to the secret (32+ "
                "characters) the shop's server signs identity tokens with"
            )
        token = sign_identity(settings.identity_secret.get_secret_value(), user_id, seconds)
        if as_json:
            emit_json({"token": token, "user_id": user_id, "seconds": seconds})
            return
        typer.echo(token)
        err.print(f"Send it as the X-Aisle-Identity header (valid {seconds} s).", highlight=False)
