"""The web chat's door: the same API keys as the bot API, and rate limits on its events.

When a key is needed (``ui.api.security.keys_needed``), every path outside the API and the open
pages (health, docs, widget, this sign-in) asks for one: a browser is sent to ``/signin``,
a form that takes an API key and keeps it in an HttpOnly, SameSite=Lax cookie; a program
(``gradio_client``) may send the key as a header instead. The key is checked on every request,
so revoking it signs its browsers out; nothing is kept in memory, so any replica serves any
browser. Failed sign-ins count as failed authentications. ``/signout`` forgets the cookie.

Every POST outside the API (Gradio's queue, where each chat event is one call) counts against
the client address at ``WEB_EVENTS_PER_TURN`` times the API rate: a turn in the web chat is
a few events (the message, then the examples shown after it) and its status line polls.

Not here: whose account a conversation is (the shopper types credentials, or the demo picker in
demo mode, ``ui.web.app``); API keys themselves (``ui.api.keys``).
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.settings import Settings
from store.db import Store
from ui.api.errors import RateLimited, error_response
from ui.api.keys import verify_key
from ui.api.ratelimit import Rate, RateLimiter
from ui.api.security import API_PREFIXES, AuthFailures, api_rate, keys_needed, presented_key

COOKIE = "aisle_key"
SIGNIN, SIGNOUT = "/signin", "/signout"
OPEN_PATHS = ("/healthz", "/docs", "/openapi.json", "/widget", SIGNIN, SIGNOUT)
WEB_EVENTS_PER_TURN = 3


def is_open(path: str) -> bool:
    return path.startswith(API_PREFIXES) or any(
        path == p or path.startswith((p + "/", p + ".")) for p in OPEN_PATHS
    )


class WebGate:
    """ASGI middleware in front of the web chat (module docstring)."""

    def __init__(
        self, app: ASGIApp, *, settings: Settings, store: Store, limiter: RateLimiter
    ) -> None:
        self.app = app
        self.settings = settings
        self.store = store
        self.limiter = limiter
        api = api_rate(settings)
        self.rate = Rate(api.per_minute * WEB_EVENTS_PER_TURN, api.burst * WEB_EVENTS_PER_TURN)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or is_open(scope["path"]):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if not await anyio.to_thread.run_sync(self._signed_in, headers):
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            accepts_html = "text/html" in headers.get("accept", "")
            if scope.get("method") == "GET" and accepts_html:
                target = quote(scope["path"], safe="/")
                await RedirectResponse(f"{SIGNIN}?next={target}", 303)(scope, receive, send)
            else:
                await error_response(
                    401,
                    "sign in with an API key first (open /signin)",
                    headers={"WWW-Authenticate": "Bearer"},
                )(scope, receive, send)
            return
        if scope.get("method") == "POST":
            address = scope["client"][0] if scope.get("client") else "unknown"
            wait = await anyio.to_thread.run_sync(self.limiter.hit, f"web:{address}", self.rate)
            if wait > 0:
                limited = RateLimited(wait)
                await error_response(429, limited.message, headers=limited.headers)(
                    scope, receive, send
                )
                return
        await self.app(scope, receive, send)

    def _signed_in(self, headers: Headers) -> bool:
        if not keys_needed(self.settings, self.store):
            return True
        key = presented_key(headers) or cookie_parser(headers.get("cookie", "")).get(COOKIE)
        return key is not None and verify_key(self.store, key) is not None


def install_signin(app: FastAPI, settings: Settings, store: Store, limiter: RateLimiter) -> None:
    """The sign-in and sign-out pages, and the gate in front of everything else."""
    failures = AuthFailures(settings, limiter)

    def signin_page(request: Request) -> HTMLResponse:
        return HTMLResponse(_page(_next(request.query_params.get("next")), ""))

    async def signin(request: Request) -> Response:
        address = request.client.host if request.client else "unknown"
        form = await request.form()
        key = str(form.get("key") or "").strip()
        target = _next(str(form.get("next") or ""))
        try:
            await anyio.to_thread.run_sync(failures.check, address)
        except RateLimited as exc:
            return HTMLResponse(_page(target, exc.message), 429, headers=exc.headers)
        if not key or await anyio.to_thread.run_sync(verify_key, store, key) is None:
            await anyio.to_thread.run_sync(failures.failed, address)
            return HTMLResponse(_page(target, "That key is unknown or revoked."), 401)
        response = RedirectResponse(target, 303)
        response.set_cookie(
            COOKIE, key, httponly=True, samesite="lax", secure=request.url.scheme == "https"
        )
        return response

    def signout() -> Response:
        response = RedirectResponse(SIGNIN, 303)
        response.delete_cookie(COOKIE)
        return response

    app.add_api_route(SIGNIN, signin_page, methods=["GET"], include_in_schema=False)
    app.add_api_route(SIGNIN, signin, methods=["POST"], include_in_schema=False)
    app.add_api_route(SIGNOUT, signout, methods=["GET", "POST"], include_in_schema=False)
    app.add_middleware(WebGate, settings=settings, store=store, limiter=limiter)


def _next(target: str | None) -> str:
    """Where to go after signing in: a path of this site only (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


def _page(target: str, problem: str) -> str:
    note = f'<p class="problem">{escape(problem)}</p>' if problem else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · Aisle</title>
<style>
body{{font:16px/1.5 system-ui,sans-serif;background:#f6f8fa;color:#1b1f24;margin:0}}
main{{max-width:420px;margin:12vh auto;background:#fff;border:1px solid #d0d7de;
border-radius:10px;padding:24px 28px}}
input{{width:100%;box-sizing:border-box;font:inherit;padding:8px;margin:8px 0 16px}}
button{{font:inherit;padding:8px 18px;background:#0f766e;color:#fff;border:0;
border-radius:6px}} .problem{{color:#b42318}}
</style></head><body><main>
<h1>Sign in</h1>
<p>This shop's assistant needs an API key (<code>aisle keys create NAME</code> makes one).</p>
{note}<form method="post" action="{SIGNIN}">
<label for="key">API key</label>
<input id="key" name="key" type="password" autocomplete="current-password" required autofocus>
<input type="hidden" name="next" value="{escape(target)}">
<button type="submit">Sign in</button>
</form></main></body></html>"""
