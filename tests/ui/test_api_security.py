"""API keys (hashed storage, the auto/required/off policies, scoping), per-key rate limits with
Retry-After, request size limits, CORS and the error mapping; plus ``aisle keys``. The store is
empty and the assistant only greets: none of this needs a catalog."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from fastapi import FastAPI
from sqlmodel import select
from typer.testing import CliRunner

from assistant.agent import Assistant
from assistant.conversation import SessionUserMismatch
from assistant.deps import Deps
from assistant.llm.scripted import ScriptedChat
from assistant.settings import Settings
from store.errors import AisleError, NotFound
from store.models import ApiKey, User
from ui.api import create_app
from ui.api.errors import as_api_error
from ui.api.identity import IdentityVerifier, InvalidIdentity, sign_identity
from ui.api.keys import create_key, list_keys, revoke_key, verify_key
from ui.api.ratelimit import Rate, RateLimiter
from ui.cli import app as cli
from ui.runtime import Runtime

pytestmark = pytest.mark.anyio

# "hi" is answered by code (assistant.respond.texts), without consulting the model
GREETING = (
    "Hi! I can find products for you and say why they fit, or help with an order or a "
    "question about our policies. What are you looking for?"
)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def make_runtime(data_dir: Path, **settings: Any) -> Runtime:
    return Runtime(Settings(data_dir=data_dir, **settings))


def make_app(runtime: Runtime) -> FastAPI:
    greeter = Assistant(Deps(store=runtime.store, llm=ScriptedChat(lambda _: "Hello!")))
    return create_app(runtime, assistant=greeter)


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    runtime = make_runtime(tmp_path, rate_limit_per_minute=0)
    yield runtime
    runtime.store.dispose()


async def client_for(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


@pytest.fixture
async def http(runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    async with await client_for(make_app(runtime)) as client:
        yield client


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_keys_are_stored_hashed_and_checked(runtime: Runtime) -> None:
    key, info = create_key(runtime.store, "shop-a", rate_per_minute=5)
    assert key.startswith(f"aisle_{info.prefix}_") and len(info.prefix) == 8
    with runtime.store.session() as s:
        row = s.exec(select(ApiKey)).one()
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in json.dumps(row.model_dump(mode="json"))
    assert verify_key(runtime.store, key) == info
    assert verify_key(runtime.store, key[:-1] + ("x" if key[-1] != "x" else "y")) is None
    assert verify_key(runtime.store, "sk-something-else") is None
    revoked = revoke_key(runtime.store, info.prefix)
    assert revoked.revoked_at is not None and not revoked.active
    assert verify_key(runtime.store, key) is None
    assert [k.name for k in list_keys(runtime.store)] == ["shop-a"]
    with pytest.raises(NotFound, match="aisle keys list"):
        revoke_key(runtime.store, "deadbeef")
    with pytest.raises(AisleError, match="name"):
        create_key(runtime.store, "  ")


async def test_auto_policy_asks_for_a_key_once_one_exists(
    runtime: Runtime, http: httpx.AsyncClient
) -> None:
    assert (await http.post("/api/v1/sessions")).status_code == 201  # no key yet: open
    key_a, _ = create_key(runtime.store, "shop-a")
    key_b, info_b = create_key(runtime.store, "shop-b")

    anonymous = await http.post("/api/v1/sessions")
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == "Bearer"
    assert anonymous.json()["error"]["type"] == "authentication_error"
    assert "aisle keys create" in anonymous.json()["error"]["message"]
    wrong = await http.post("/api/v1/sessions", headers=bearer(key_a + "x"))
    assert wrong.status_code == 401 and "invalid" in wrong.json()["error"]["message"]
    assert (await http.get("/v1/models")).status_code == 401
    assert (await http.get("/healthz")).status_code == 200  # ops and docs stay open

    made = await http.post("/api/v1/sessions", headers={"X-API-Key": key_a})
    session_id = made.json()["session_id"]
    assert made.status_code == 201 and session_id.startswith("k")
    turn = await http.post(
        f"/api/v1/sessions/{session_id}/messages", json={"message": "hi"}, headers=bearer(key_a)
    )
    assert turn.json()["reply"]["text"] == GREETING
    other = await http.get(f"/api/v1/sessions/{session_id}", headers=bearer(key_b))
    assert other.status_code == 404  # sessions are scoped to the key that made them

    revoke_key(runtime.store, info_b.prefix)
    assert (await http.get("/v1/models", headers=bearer(key_b))).status_code == 401


async def test_required_and_off_policies(tmp_path: Path) -> None:
    required = make_runtime(tmp_path / "r", api_keys="required", rate_limit_per_minute=0)
    async with await client_for(make_app(required)) as http:
        assert (await http.post("/api/v1/sessions")).status_code == 401  # even with no keys
    off = make_runtime(tmp_path / "o", api_keys="off", rate_limit_per_minute=0)
    create_key(off.store, "ignored")
    async with await client_for(make_app(off)) as http:
        made = await http.post("/api/v1/sessions", headers=bearer("aisle_bogus_key"))
        assert made.status_code == 201 and made.json()["session_id"].startswith("pub-")


def test_a_rate_is_a_moving_window_of_its_burst() -> None:
    limiter = RateLimiter()
    rate = Rate(per_minute=6, burst=2)  # 2 back to back, then 6/min: 2 per 20 s
    assert str(rate.item) == "2 per 20 second"
    assert limiter.hit("a", rate) == 0.0
    assert limiter.wait("a", rate) == 0.0  # looking does not count
    assert limiter.hit("a", rate) == 0.0
    assert 19.0 <= limiter.hit("a", rate) <= 20.0  # the first hit leaves the window in 20 s
    assert limiter.wait("a", rate) > 0
    assert limiter.hit("b", rate) == 0.0  # windows are per caller
    assert limiter.hit("a", Rate(per_minute=0, burst=2)) == 0.0  # 0 turns the limit off


async def test_rate_limit_answers_429_with_retry_after(tmp_path: Path) -> None:
    runtime = make_runtime(tmp_path, rate_limit_per_minute=6, rate_limit_burst=2)
    fast_key, _ = create_key(runtime.store, "fast", rate_per_minute=600)
    slow_key, _ = create_key(runtime.store, "slow")
    async with await client_for(make_app(runtime)) as http:
        codes = [
            (await http.get("/v1/models", headers=bearer(slow_key))).status_code for _ in range(3)
        ]
        assert codes == [200, 200, 429]
        limited = await http.get("/v1/models", headers=bearer(slow_key))
        assert limited.status_code == 429
        assert 1 <= int(limited.headers["retry-after"]) <= 20  # 2 per 20 s
        assert limited.json()["error"]["type"] == "rate_limit_error"
        for _ in range(2):  # the per-key rate of another key is its own
            assert (await http.get("/v1/models", headers=bearer(fast_key))).status_code == 200


async def test_large_bodies_get_413(http: httpx.AsyncClient) -> None:
    big = {"message": "x" * 70_000}
    declared = await http.post("/api/v1/sessions/pub-x/messages", json=big)
    assert declared.status_code == 413
    assert declared.json()["error"]["type"] == "request_too_large"

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted while read
        yield b'{"message": "'
        for _ in range(20):
            yield b"y" * 4096
        yield b'"}'

    session_id = (await http.post("/api/v1/sessions")).json()["session_id"]
    streamed = await http.post(
        f"/api/v1/sessions/{session_id}/messages",
        content=chunks(),
        headers={"Content-Type": "application/json"},
    )
    assert streamed.status_code == 413
    assert streamed.json()["error"]["message"] == "request body larger than 65536 bytes"


async def test_cors_allowlist(tmp_path: Path) -> None:
    runtime = make_runtime(tmp_path, cors_origins="https://shop.example, https://b.example/")
    assert runtime.settings.cors_origins == ["https://shop.example", "https://b.example"]
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type,x-aisle-identity",
    }
    async with await client_for(make_app(runtime)) as http:
        allowed = await http.options(
            "/api/v1/sessions", headers={"Origin": "https://shop.example", **preflight}
        )
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == "https://shop.example"
        assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
        denied = await http.options(
            "/api/v1/sessions", headers={"Origin": "https://evil.example", **preflight}
        )
        assert denied.status_code == 400
        assert "access-control-allow-origin" not in denied.headers
        simple = await http.get("/v1/models", headers={"Origin": "https://b.example"})
        assert simple.headers["access-control-allow-origin"] == "https://b.example"
        assert "retry-after" in simple.headers["access-control-expose-headers"].lower()
        other_path = await http.get("/healthz", headers={"Origin": "https://shop.example"})
        assert "access-control-allow-origin" not in other_path.headers


def test_aisle_errors_map_to_statuses() -> None:
    cases = {
        SessionUserMismatch("session s belongs to another user"): 409,
        NotFound("no such order"): 404,
        AisleError("bad input"): 400,
        RuntimeError("secret internals"): 500,
    }
    for exc, status in cases.items():
        error = as_api_error(exc)
        assert error.status == status
    assert "secret" not in as_api_error(RuntimeError("secret internals")).message


def test_keys_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AISLE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("AISLE_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    made = runner.invoke(cli, ["keys", "create", "my-shop", "--rate", "12"])
    assert made.exit_code == 0, made.output
    key = made.stdout.strip()
    assert key.startswith("aisle_") and "not shown again" in made.stderr
    listed = runner.invoke(cli, ["keys", "list", "--json"])
    (entry,) = json.loads(listed.stdout)["keys"]
    assert entry["name"] == "my-shop" and entry["rate_per_minute"] == 12 and entry["active"]
    assert key not in listed.stdout
    revoked = runner.invoke(cli, ["keys", "revoke", entry["prefix"], "--json"])
    assert revoked.exit_code == 0 and json.loads(revoked.stdout)["active"] is False
    unknown = runner.invoke(cli, ["keys", "revoke", "00000000"])
    assert unknown.exit_code == 1 and "aisle keys list" in unknown.stderr


def test_identity_tokens_as_a_shops_server_signs_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "s" * 40
    monkeypatch.setenv("AISLE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("AISLE_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    missing = runner.invoke(cli, ["keys", "identity-token", "u1"])
    assert missing.exit_code == 1 and "AISLE_IDENTITY_SECRET" in missing.stderr
    monkeypatch.setenv("AISLE_IDENTITY_SECRET", secret)
    made = runner.invoke(cli, ["keys", "identity-token", "u1", "--seconds", "60", "--json"])
    token = json.loads(made.stdout)["token"]
    claims = jwt.decode(token, secret, algorithms=["HS256"], audience="aisle")
    assert claims["sub"] == "u1" and claims["exp"] - claims["iat"] == 60

    runtime = make_runtime(tmp_path / "shop")
    with runtime.store.session() as s:
        s.add(User(user_id="u1", first_name="Ada", last_name="L", email="a@x.example"))
    verifier = IdentityVerifier(secret, runtime.store)
    assert verifier.shopper(token) == "u1"
    forever = jwt.encode(
        {"sub": "u1", "aud": "aisle", "exp": time.time() + 10 * 86400}, secret, algorithm="HS256"
    )
    other_audience = jwt.encode(
        {"sub": "u1", "aud": "billing", "exp": time.time() + 60}, secret, algorithm="HS256"
    )
    no_expiry = jwt.encode({"sub": "u1", "aud": "aisle"}, secret, algorithm="HS256")
    unsigned = jwt.encode(
        {"sub": "u1", "aud": "aisle", "exp": time.time() + 60}, None, algorithm="none"
    )
    for bad, why in [
        (forever, "lives longer"),
        (other_audience, "Audience"),
        (no_expiry, "exp"),
        (unsigned, "alg value is not allowed"),
        (sign_identity(secret, "ghost"), "no user"),
    ]:
        with pytest.raises(InvalidIdentity, match=why):
            verifier.shopper(bad)
    with pytest.raises(InvalidIdentity, match="accepts no identity tokens"):
        IdentityVerifier(None, runtime.store).shopper(token)
    runtime.store.dispose()
