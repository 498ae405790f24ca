"""``/docs`` in a real browser with every request off the server's own origin refused: Swagger
UI still draws the API's operations, from the files the server serves itself
(``ui.api.docs``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def test_docs_render_without_any_other_host(browser: Any, api_url: str, artifacts: Path) -> None:
    origin = api_url.rstrip("/")
    refused: list[str] = []

    def only_the_server(route: Any) -> None:
        if route.request.url.startswith(origin):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    context = browser.new_context(viewport={"width": 1360, "height": 900})
    context.route("**/*", only_the_server)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        page.goto(f"{origin}/docs")
        page.locator(".swagger-ui .opblock").first.wait_for()
        paths = page.locator(".swagger-ui .opblock-summary-path").all_inner_texts()
        assert "/api/v1/sessions" in [p.replace("\u200b", "") for p in paths]
        assert "/v1/chat/completions" in [p.replace("\u200b", "") for p in paths]
        assert page.locator(".swagger-ui .info .title").inner_text().startswith("Aisle")
        path = artifacts / "12-docs-offline.png"
        page.screenshot(path=str(path))
        print(f"screenshot: {path}")
    finally:
        context.close()
    assert refused == []
