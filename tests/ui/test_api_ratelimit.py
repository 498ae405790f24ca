"""Rate limits shared through Redis (``AISLE_REDIS_URL``): two apps over one shop count against
the same windows, in process and as two ``aisle serve`` processes over PostgreSQL, which also
carry one conversation between them (slow); a Redis that stops
answering leaves each process counting alone instead of refusing requests. Skipped, saying why,
without a Redis at 127.0.0.1:6379 (override with AISLE_TEST_REDIS_URL)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.testclient import TestClient

from assistant.agent import Assistant
from assistant.deps import Deps
from assistant.llm.scripted import ScriptedChat
from assistant.settings import Settings
from store.db import Store
from ui.api import create_app
from ui.api.keys import create_key
from ui.api.ratelimit import Rate, RateLimiter
from ui.cli_serve import running
from ui.runtime import Runtime

REDIS_URL = os.environ.get("AISLE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture(scope="module")
def redis_url() -> str:
    if not RateLimiter(REDIS_URL).check():
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    return REDIS_URL


def replica(data_dir: Path, **settings: Any) -> tuple[Runtime, FastAPI]:
    runtime = Runtime(Settings(data_dir=data_dir, **settings))
    greeter = Assistant(Deps(store=runtime.store, llm=ScriptedChat(lambda _: "Hello!")))
    return runtime, create_app(runtime, assistant=greeter)


def test_two_replicas_share_one_limit(tmp_path: Path, redis_url: str) -> None:
    settings = {
        "redis_url": redis_url,
        "rate_limit_per_minute": 6,
        "rate_limit_burst": 3,
        "api_keys": "required",
        "auth_failures_per_minute": 4,
    }
    first, app_a = replica(tmp_path, **settings)
    second, app_b = replica(tmp_path, **settings)  # the same shop: the same namespace
    key, _ = create_key(first.store, "shop-a")
    with TestClient(app_a) as a, TestClient(app_b) as b:
        ok = {"Authorization": f"Bearer {key}"}
        codes = [client.get("/v1/models", headers=ok).status_code for client in (a, b, a, b)]
        assert codes == [200, 200, 200, 429]  # one replica alone would allow 3 more
        assert a.get("/healthz").json()["rate_limits"] == {"storage": "redis", "ok": True}
        bad = {"Authorization": "Bearer aisle_00000000_nope"}
        failures = [client.get("/v1/models", headers=bad).status_code for client in (a, b, a, b, a)]
        assert failures == [401, 401, 401, 401, 429]
    other, app_c = replica(tmp_path / "other-shop", **settings)
    key_c, _ = create_key(other.store, "shop-c")
    with TestClient(app_c) as c:  # another shop on the same Redis counts alone
        assert c.get("/v1/models", headers={"Authorization": f"Bearer {key_c}"}).status_code == 200
    for runtime in (first, second, other):
        runtime.store.dispose()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_silent_redis_leaves_each_process_counting_alone(tmp_path: Path, caplog: Any) -> None:
    limiter = RateLimiter(f"redis://127.0.0.1:{_closed_port()}/0", namespace="t")
    assert not limiter.check()
    rate = Rate(per_minute=6, burst=2)
    with caplog.at_level("WARNING", logger="aisle.api"):
        assert [limiter.hit("a", rate) for _ in range(2)] == [0.0, 0.0]
        assert limiter.hit("a", rate) > 0  # still limited, in memory
    assert "counting in this process" in caplog.text
    runtime, app = replica(tmp_path, redis_url=f"redis://127.0.0.1:{_closed_port()}/0")
    with TestClient(app) as http:
        health = http.get("/healthz")
        assert health.status_code == 200  # no outage for a silent Redis, but it says so
        assert health.json()["rate_limits"] == {"storage": "redis", "ok": False}
        assert http.post("/api/v1/sessions").status_code == 201
    runtime.store.dispose()


@pytest.fixture
def llm_url() -> Iterator[str]:
    with running(llm_stub()) as url:
        yield url


def llm_stub() -> FastAPI:
    """An OpenAI-compatible LLM that always says the same short sentence (streaming or not)."""
    stub = FastAPI()
    said = "Happy to help with that."

    @stub.post("/v1/chat/completions")
    async def complete(request: Request) -> Response:
        body = await request.json()
        if not body.get("stream"):
            return JSONResponse(
                {
                    "id": "stub",
                    "object": "chat.completion",
                    "created": 0,
                    "model": "stub",
                    "choices": [
                        {
                            "index": 0,
                            "finish_reason": "stop",
                            "message": {"role": "assistant", "content": said},
                        }
                    ],
                }
            )
        chunk = {
            "id": "stub",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": "stub",
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "delta": {"role": "assistant", "content": said},
                }
            ],
        }
        return Response(
            f"data: {json.dumps(chunk)}\n\ndata: [DONE]\n\n", media_type="text/event-stream"
        )

    return stub


@pytest.fixture
def two_servers(
    tmp_path: Path, redis_url: str, postgres_store: Store, llm_url: str
) -> Iterator[tuple[list[str], list[str]]]:
    """Two ``aisle serve --no-ui`` processes over one PostgreSQL database and one Redis (each
    with its own data dir: nothing else is shared); their URLs and two API keys, one at the
    server's rate and one with room to spare."""
    env = {
        **os.environ,
        "AISLE_DATABASE_URL": postgres_store.url,
        "AISLE_REDIS_URL": redis_url,
        "AISLE_API_KEYS": "required",
        "AISLE_RATE_LIMIT_PER_MINUTE": "6",
        "AISLE_RATE_LIMIT_BURST": "3",
        "AISLE_AUTH_FAILURES_PER_MINUTE": "4",
        "AISLE_LLM_BASE_URL": f"{llm_url}v1",
    }
    aisle = [sys.executable, "-m", "ui.cli"]
    keys = []
    for name, rate in (("limited", []), ("roomy", ["--rate", "600"])):
        made = subprocess.run(
            [*aisle, "keys", "create", name, "--json", *rate],
            env={**env, "AISLE_DATA_DIR": str(tmp_path / "cli")},
            capture_output=True,
            text=True,
            check=True,
        )
        keys.append(json.loads(made.stdout)["key"])
    servers, urls = [], []
    try:
        for n in range(2):
            port = _closed_port()  # free now; the server binds it next
            servers.append(
                subprocess.Popen(
                    [*aisle, "serve", "--no-ui", "--port", str(port)],
                    env={**env, "AISLE_DATA_DIR": str(tmp_path / f"replica-{n}")},
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 180
        for url in urls:
            while True:
                try:
                    if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"aisle serve at {url} did not start")
                time.sleep(0.5)
        yield urls, keys
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


@pytest.mark.slow
def test_two_aisle_serve_processes_share_one_limit(
    two_servers: tuple[list[str], list[str]],
) -> None:
    (a, b), (limited, roomy) = two_servers
    # one conversation across both: started on one, a turn on the other, read on the first
    room = {"Authorization": f"Bearer {roomy}"}
    session_id = httpx.post(f"{a}/api/v1/sessions", headers=room).json()["session_id"]
    turn = httpx.post(
        f"{b}/api/v1/sessions/{session_id}/messages",
        headers=room,
        json={"message": "hi"},
        timeout=60,
    )
    assert turn.status_code == 200, turn.text
    transcript = httpx.get(f"{a}/api/v1/sessions/{session_id}", headers=room).json()
    assert [t["message"] for t in transcript["turns"]] == ["hi"]
    ok = {"Authorization": f"Bearer {limited}"}
    codes = [httpx.get(f"{url}/v1/models", headers=ok).status_code for url in (a, b, a, b)]
    assert codes == [200, 200, 200, 429]
    bad = {"Authorization": "Bearer aisle_00000000_nope"}
    failures = [httpx.get(f"{url}/v1/models", headers=bad).status_code for url in (a, b, a, b, a)]
    assert failures == [401, 401, 401, 401, 429]
