"""``aisle bench load``: N shoppers talking at once for T seconds to one or two replicas of the
app on loopback, with the scripted stub model, reporting turn times, errors and lost turns.

The shop is a small generated demo shop in a scratch folder. By default each replica is its
own ``Runtime`` and ``create_app`` over the same SQLite file, indexed with the hash embedder,
served on its own loopback port in this process (one interpreter: it shows correctness, not
scaling); with ``--processes`` each is an ``aisle serve --no-ui`` process over that database
with its own data dir (a copy of the MiniLM index), sharing nothing else. The model is the
obedient stub of ``eval.security.obedient`` with no plan (it answers one neutral sentence,
so the agent's code decides every turn). Each session
is a thread that sends a fixed cycle of shopping and service messages, every turn to the next
replica in turn, so a conversation moves between replicas.

A turn is an error when it gets no 200; a turn is lost when it got its 200 but the session
read back afterwards does not hold it. Nothing here leaves the machine.

Not here: the security suite (``eval.security``), the single-turn benchmark
(``eval.bench_turn``).
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from sqlmodel import col, select

from assistant.settings import Settings
from eval.security.obedient import Obedient
from eval.security.target import SECRET, HashRuntime, build_shop
from retrieval.help import HelpIndex
from retrieval.index import ProductIndex
from store.errors import AisleError
from store.models import User
from ui.api import create_app
from ui.api.identity import sign_identity
from ui.api.keys import create_key
from ui.cli_common import JsonOpt, emit_json, err, errors
from ui.cli_serve import running
from ui.runtime import Runtime

CYCLE = (
    "show me running shoes",
    "any is fine",
    "under $150",
    "tell me more about the first one",
    "what are my orders?",
    "how long do refunds take?",
)


@dataclass
class Session:
    shopper: str | None
    session_id: str = ""
    ok_turns: int = 0
    seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _talk(session: Session, urls: list[str], key: str, until: float, start_at: int) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    if session.shopper:
        headers["X-Aisle-Identity"] = sign_identity(SECRET, session.shopper, 3600)
    replicas = itertools.cycle(urls[start_at % len(urls) :] + urls[: start_at % len(urls)])
    # Kept-alive connections, as a balancer keeps them: idle while the other replica answers
    # (seconds under load), which the server must outlast (``ui.cli_serve.KEEP_ALIVE_SECONDS``).
    with httpx.Client(timeout=180) as http:
        try:
            made = http.post(f"{next(replicas)}/api/v1/sessions", headers=headers)
            made.raise_for_status()
            session.session_id = made.json()["session_id"]
        except (httpx.HTTPError, KeyError, ValueError) as exc:
            session.errors.append(f"session: {exc}"[:200])
            return
        for message in itertools.cycle(CYCLE):
            if time.monotonic() >= until:
                return
            began = time.perf_counter()
            try:
                answer = http.post(
                    f"{next(replicas)}/api/v1/sessions/{session.session_id}/messages",
                    headers=headers,
                    json={"message": message},
                )
            except httpx.HTTPError as exc:
                session.errors.append(f"{type(exc).__name__}: {exc}"[:200])
                continue
            session.seconds.append(time.perf_counter() - began)
            if answer.status_code == 200:
                session.ok_turns += 1
            else:
                session.errors.append(f"{answer.status_code}: {answer.text[:120]}")


def _lost(session: Session, url: str, key: str) -> int:
    if not session.session_id:
        return 0
    read = httpx.get(
        f"{url}/api/v1/sessions/{session.session_id}",
        headers={"Authorization": f"Bearer {key}"},
        timeout=60,
    )
    stored = len(read.json().get("turns", [])) if read.status_code == 200 else 0
    return max(0, session.ok_turns - stored)


def bench_load(
    workdir: Path,
    sessions: int = 10,
    seconds: float = 30.0,
    replicas: int = 2,
    products: int = 200,
    users: int = 60,
    processes: bool = False,
) -> dict[str, Any]:
    """Run the load and return the report (see the module docstring). ``processes``: each
    replica is an ``aisle serve --no-ui`` process (the MiniLM embedder, loaded by each)."""
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    model = Obedient()
    with ExitStack() as stack:
        llm_url = stack.enter_context(running(model.app()))
        settings = Settings(
            data_dir=workdir,
            llm_base_url=f"{llm_url}v1",
            llm_model="scripted",
            api_keys="required",
            identity_secret=SECRET,
            rate_limit_per_minute=1_000_000,
            rate_limit_burst=1_000_000,
            auth_failures_per_minute=1_000_000,
        )
        first = Runtime(settings) if processes else HashRuntime(settings)
        store = first.store
        stack.callback(store.dispose)
        build_shop(store, products, users, seed=7)
        ProductIndex(first.chroma).sync(store, first.embedder)
        HelpIndex(first.chroma).sync(store, first.embedder)
        key, _ = create_key(store, "load")
        with store.session() as s:
            shoppers = list(s.exec(select(User.user_id).order_by(col(User.user_id))).all())
        if processes:
            urls = stack.enter_context(serve_processes(settings, replicas))
        else:
            others = [HashRuntime(settings) for _ in range(replicas - 1)]
            for other in others:
                stack.callback(other.store.dispose)
            urls = [
                stack.enter_context(running(create_app(r))).rstrip("/") for r in [first, *others]
            ]
        report = _drive(urls, key, shoppers, sessions, seconds)
    return {
        "bench": "load",
        "sessions": sessions,
        "seconds": seconds,
        "replicas": replicas,
        "replica_kind": "aisle serve processes" if processes else "apps in this process",
        "model": "scripted stub (OpenAI protocol, loopback)",
        **report,
        "model_requests": model.requests,
    }


def _drive(
    urls: list[str], key: str, shoppers: list[str], sessions: int, seconds: float
) -> dict[str, Any]:
    # every other session is a signed-in shopper, the rest guests
    talkers = [
        Session(shoppers[n % len(shoppers)] if n % 2 == 0 else None) for n in range(sessions)
    ]
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(target=_talk, args=(t, urls, key, until, n), daemon=True)
        for n, t in enumerate(talkers)
    ]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 300)
    elapsed = time.perf_counter() - began
    lost = sum(_lost(t, urls[0], key) for t in talkers)
    times = [s for t in talkers for s in t.seconds]
    errors = [e for t in talkers for e in t.errors]
    turns = sum(t.ok_turns for t in talkers)
    return {
        "turns": turns,
        "turns_per_second": round(turns / elapsed, 2) if elapsed else None,
        "turn_seconds": {
            "p50": _round(statistics.median(times) if times else None),
            "p95": _round(_percentile(times, 0.95)),
            "max": _round(max(times) if times else None),
        },
        "errors": len(errors),
        "lost_turns": lost,
        "first_errors": errors[:5],
    }


@contextmanager
def serve_processes(settings: Settings, replicas: int) -> Iterator[list[str]]:
    """``aisle serve --no-ui`` processes on loopback over ``settings``' database, each with its
    own data dir holding a copy of the index; their URLs once each answers /healthz."""
    env = {
        **os.environ,
        "AISLE_DATABASE_URL": settings.effective_database_url,
        "AISLE_LLM_BASE_URL": settings.llm_base_url or "",
        "AISLE_LLM_MODEL": "scripted",
        "AISLE_API_KEYS": "required",
        "AISLE_IDENTITY_SECRET": SECRET,
        "AISLE_RATE_LIMIT_PER_MINUTE": "1000000",
        "AISLE_RATE_LIMIT_BURST": "1000000",
        "AISLE_AUTH_FAILURES_PER_MINUTE": "1000000",
    }
    servers: list[subprocess.Popen[bytes]] = []
    urls = []
    try:
        for n in range(replicas):
            data_dir = settings.data_dir / f"replica-{n}"
            shutil.copytree(settings.chroma_path, data_dir / "chroma")
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
            servers.append(
                subprocess.Popen(
                    [sys.executable, "-m", "ui.cli", "serve", "--no-ui", "--port", str(port)],
                    env={**env, "AISLE_DATA_DIR": str(data_dir)},
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 300
        for url in urls:
            while not _healthy(url):
                if time.monotonic() > deadline:
                    raise AisleError(f"aisle serve at {url} did not start within 300 s")
                time.sleep(0.5)
        yield urls
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def bench_load_cmd(
    sessions: Annotated[int, typer.Option(min=1, max=500, help="Shoppers talking at once.")] = 10,
    seconds: Annotated[float, typer.Option(min=1, max=3600, help="How long they talk.")] = 30,
    replicas: Annotated[int, typer.Option(min=1, max=2, help="App replicas (one database).")] = 2,
    processes: Annotated[
        bool,
        typer.Option(
            "--processes",
            help="Each replica an `aisle serve` process (default: apps in this process).",
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """N concurrent sessions for T seconds against one or two replicas on loopback, with the
    scripted stub model: p50/p95 turn time, errors and lost turns (exit 2 if any)."""
    with errors(), tempfile.TemporaryDirectory(prefix="aisle-load-") as scratch:
        report = bench_load(
            Path(scratch) / "shop", sessions, seconds, replicas, processes=processes
        )
    if as_json:
        emit_json(report)
    else:
        t = report["turn_seconds"]
        err.print(
            f"load: {sessions} sessions x {seconds:g} s on {replicas} replica(s) "
            f"({report['replica_kind']}): "
            f"{report['turns']} turns ({report['turns_per_second']}/s), turn p50 "
            f"{t['p50']} s, p95 {t['p95']} s, max {t['max']} s; errors "
            f"{report['errors']}, lost turns {report['lost_turns']}",
            highlight=False,
        )
        for line in report["first_errors"]:
            err.print(f"  {line}", highlight=False, markup=False)
    if report["errors"] or report["lost_turns"]:
        raise typer.Exit(2)
