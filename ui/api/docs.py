"""The OpenAPI docs page at ``/docs``, served without a CDN.

FastAPI's own ``/docs`` loads Swagger UI's script and stylesheet from a CDN, so the page is
blank on a machine without internet access (a shop's intranet, a laptop on a train, CI). Here
the same page (``get_swagger_ui_html``) points at the copy of Swagger UI that the
``swagger-ui-bundle-v2`` package installs, served at ``/docs/assets/NAME``. Swagger UI 5 is
needed: FastAPI writes OpenAPI 3.1, which Swagger UI 4 refuses to render.

Only the three files the page loads are served, each with a fixed content type: a
``StaticFiles`` mount would guess types from the process-wide ``mimetypes`` table, which other
libraries change (Gradio registers ``.js`` as ``application/javascript``).

Not here: the schema itself (``/openapi.json``, FastAPI's), ReDoc (switched off), the OAuth2
redirect page (the API takes bearer keys, not OAuth2 flows).
"""

from __future__ import annotations

from fastapi import FastAPI, HTTPException, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from swagger_ui_bundle import swagger_ui_path

DOCS_URL = "/docs"
ASSETS_URL = "/docs/assets"
ASSETS = {  # file in the package -> content type
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon-32x32.png": "image/png",
}


def install_docs(app: FastAPI) -> None:
    """Serve ``/docs`` and its assets on ``app``; create ``app`` with ``docs_url=None`` so
    FastAPI does not add its CDN-backed page first."""

    def docs(request: Request) -> HTMLResponse:
        # Behind a proxy that serves the app under a prefix, every URL carries the prefix
        # (as FastAPI's own docs page does).
        root = str(request.scope.get("root_path", "")).rstrip("/")
        return get_swagger_ui_html(
            openapi_url=root + (app.openapi_url or "/openapi.json"),
            title=f"{app.title} · API docs",
            swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_URL}/favicon-32x32.png",
            oauth2_redirect_url=None,
        )

    app.add_api_route(DOCS_URL, docs, methods=["GET"], include_in_schema=False)
    app.add_api_route(f"{ASSETS_URL}/{{name}}", asset, methods=["GET"], include_in_schema=False)


def asset(name: str) -> FileResponse:
    """One of Swagger UI's files, from the installed package."""
    media_type = ASSETS.get(name)
    if media_type is None:
        raise HTTPException(status_code=404, detail=f"no docs asset {name!r}")
    return FileResponse(swagger_ui_path / name, media_type=media_type)
