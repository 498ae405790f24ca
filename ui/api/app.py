"""``create_app``: the one FastAPI app that ``aisle serve`` runs.

    /api/v1/...               the bot API (``ui.api.bot``), a session's cart (``ui.api.cart``)
    /v1/chat/completions      the OpenAI protocol, /v1/models (``ui.api.openai_compat``)
    /healthz                  store reachable, index size, ranker state, LLM backend
    /docs, /openapi.json      OpenAPI documentation (Swagger UI served locally, ``ui.api.docs``)
    /widget, /widget.js       the embeddable chat widget (a demo page and the script itself)
    /                         the Gradio shopping chat (``ui.web.app.build_ui``), when asked,
                              behind ``/signin`` when keys are on (``ui.api.signin``)

Every path shares one story (``ui.api.security``): API keys, rate limits, body limits and
errors as ``{"error": {...}}``; an unknown path under ``/api/`` or ``/v1/`` is our 404, not the
web chat's.

The app keeps nothing per user in memory: conversations live in the store, so replicas can
share a load balancer. What the routes share sits on ``app.state.aisle`` (``ApiServices``).
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import Any, Protocol

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from assistant.agent import Assistant
from assistant.settings import Settings
from store.db import Store
from ui.api import bot, openai_compat
from ui.api import cart as cart_api
from ui.api.docs import install_docs
from ui.api.errors import NotFoundError, install_error_handlers
from ui.api.identity import IdentityVerifier
from ui.api.ratelimit import RateLimiter
from ui.api.security import BodyLimit, ScopedCORS, caller_dependency
from ui.api.services import ApiServices, services
from ui.api.signin import install_signin
from ui.api.turns import TurnGate
from ui.api.web_errors import WebErrors

log = logging.getLogger("aisle.api")
STATIC_DIR = Path(__file__).resolve().parents[1] / "static"  # ui/static

DESCRIPTION = """\
Aisle's bot API for embedding the shopping assistant in a shop's site, and an
OpenAI-compatible endpoint (model `aisle`) with the same agent behind it.

Send an API key as `Authorization: Bearer <key>` when the server asks for one
(`aisle keys create NAME`). A shop's signed-in shopper is vouched for by a signed, expiring
identity token in `X-Aisle-Identity` (a JWT, HS256, with the secret in
`AISLE_IDENTITY_SECRET`; claims `sub`, `exp`, `aud="aisle"`); no request signs a shopper in
by a bare user id. Errors are `{"error": {"type": ..., "message": ...}}`.
"""


class RuntimeLike(Protocol):
    """What the app needs from ``ui.runtime.Runtime`` (tests pass a lighter one)."""

    settings: Settings

    @property
    def store(self) -> Store: ...

    def assistant(self) -> Assistant: ...


def create_app(
    runtime: RuntimeLike,
    *,
    assistant: Assistant | None = None,
    gate: TurnGate | None = None,
    with_ui: bool = False,
) -> FastAPI:
    """The app over ``runtime``. ``assistant`` defaults to ``runtime.assistant()`` (which loads
    the LLM); ``gate`` limits concurrent turns and can be shared with the Gradio UI."""
    settings = runtime.settings
    store = runtime.store
    app = FastAPI(
        title="Aisle",
        version="0.1.0",
        description=DESCRIPTION,
        docs_url=None,  # ui.api.docs serves /docs without a CDN
        redoc_url=None,
    )
    limiter = RateLimiter.from_settings(settings)
    if limiter.shared and not limiter.check():
        log.warning(
            "Redis at AISLE_REDIS_URL does not answer; rate limits count in this "
            "process until it does"
        )
    verifier = IdentityVerifier(
        settings.identity_secret.get_secret_value() if settings.identity_secret else None, store
    )
    app.state.aisle = ApiServices(
        settings=settings,
        store=store,
        assistant=assistant or runtime.assistant(),
        gate=gate or TurnGate(settings.turn_concurrency, settings.turn_queue_seconds),
        authenticate=caller_dependency(settings, store, limiter, verifier),
        limiter=limiter,
    )
    app.state.runtime = runtime
    install_error_handlers(app)
    app.include_router(bot.router)
    app.include_router(cart_api.router)
    app.include_router(openai_compat.router)
    install_docs(app)
    app.add_api_route("/healthz", healthz, methods=["GET"], tags=["ops"])
    app.add_api_route("/widget", widget, methods=["GET"], include_in_schema=False)
    app.add_api_route("/widget.js", widget_js, methods=["GET"], include_in_schema=False)
    for prefix in ("/api", "/v1"):  # before the web chat's mount at "/", which takes the rest
        app.add_api_route(
            f"{prefix}/{{rest:path}}",
            unknown_path,
            include_in_schema=False,
            methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"],
        )
    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes)
    if with_ui:
        install_signin(app, settings, store, limiter)
        app.add_middleware(WebErrors)
        _mount_ui(app, runtime, app.state.aisle)
    # Added last, so it wraps everything: even a 413 carries the CORS headers.
    app.add_middleware(ScopedCORS, origins=settings.cors_origins)
    return app


def unknown_path(request: Request) -> None:
    """Any other path under the API prefixes: a 404 in the API's shape."""
    raise NotFoundError(f"no endpoint {request.method} {request.url.path}; /docs lists them")


def healthz(request: Request) -> JSONResponse:
    """Whether the store answers, how many documents are indexed, what ranks and what talks.
    503 when the store is unreachable (a load balancer then stops sending traffic)."""
    aisle = services(request)
    body: dict[str, Any] = {"status": "ok"}
    try:
        aisle.store.ping()
        body["store"] = {"ok": True, "url": aisle.store.safe_url}
    except Exception as exc:  # any failure is the answer
        body["status"] = "unavailable"
        body["store"] = {"ok": False, "url": aisle.store.safe_url, "error": str(exc)[:300]}
    body["index"] = _index_counts(request.app.state.runtime)
    deps = aisle.assistant.deps
    ranker = deps.ranker
    body["ranker"] = {
        "state": getattr(ranker, "state", None)
        or ("retrieval order" if ranker is None else type(ranker).__name__),
        "trained": bool(getattr(ranker, "is_trained", False)),
    }
    body["llm"] = {"backend": type(deps.llm).__name__, "model": getattr(deps.llm, "model", None)}
    body["turns"] = {"concurrency": aisle.gate.limit, "queue_seconds": aisle.gate.wait_seconds}
    # Redis down is no outage (each process then counts alone), so it never makes this a 503.
    body["rate_limits"] = {
        "storage": "redis" if aisle.limiter.shared else "memory",
        "ok": aisle.limiter.check(),
    }
    return JSONResponse(body, status_code=200 if body["store"]["ok"] else 503)


def _index_counts(runtime: Any) -> dict[str, Any]:
    try:
        return {
            "products": runtime.product_index.count(),
            "help": runtime.help_index.count(),
            "ok": True,
        }
    except Exception as exc:  # Chroma server down, or a runtime without an index
        return {"ok": False, "error": f"{exc.__class__.__name__}: {exc}"[:300]}


def widget() -> HTMLResponse:
    """A demo page that embeds the chat widget and shows the tag a shop copies."""
    return HTMLResponse(_static("widget.html"))


def widget_js() -> Response:
    """The widget itself: one script a shop's page includes (see its header comment)."""
    return Response(_static("widget.js"), media_type="text/javascript; charset=utf-8")


def _static(name: str) -> str:
    return (STATIC_DIR / name).read_text(encoding="utf-8")


def _mount_ui(app: FastAPI, runtime: RuntimeLike, aisle: ApiServices) -> None:
    """Mount the Gradio chat at "/" after the API routes, so they take precedence. The UI
    gets the API's assistant and turn gate: one LLM, one limit on turns at once."""
    try:
        web = importlib.import_module("ui.web.app")  # Gradio is heavy: only when wanted
    except ModuleNotFoundError as exc:
        if exc.name not in ("ui.web", "ui.web.app"):
            raise
        log.warning("the web UI (ui.web.app) is not available; serving the API only")
        return
    import gradio

    blocks = web.build_ui(runtime, assistant=aisle.assistant, gate=aisle.gate)
    # Gradio 6 takes theme, css and head at mount time; the UI module may supply them.
    options = web.mount_options() if hasattr(web, "mount_options") else {}
    gradio.mount_gradio_app(app, blocks, path="/", **options)
