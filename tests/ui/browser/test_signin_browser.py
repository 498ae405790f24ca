"""The web chat behind its sign-in in a real browser: with API keys on, ``/`` sends a browser to
``/signin``, a wrong key is refused there, the right one opens the chat, whose page, assets and
streamed turns all pass the gate with the cookie; ``/signout`` closes it again. Served as
``aisle serve`` serves it (``create_app`` with the chat) over the shared demo shop, not in demo
mode: no shopper picker."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from ui.api.keys import create_key, revoke_key
from ui.cli_serve import running


@pytest.fixture(scope="module")
def keyed_url(web_shop: Any) -> Iterator[tuple[str, str]]:
    from ui.api import create_app
    from ui.runtime import Runtime

    settings = web_shop.runtime.settings.model_copy(update={"demo": False})
    runtime = replace(web_shop.runtime, settings=settings)
    runtime.__dict__["store"] = web_shop.store
    key, info = create_key(web_shop.store, "browser-test")
    assert isinstance(runtime, Runtime)
    try:
        with running(create_app(runtime, assistant=web_shop.assistant, with_ui=True)) as url:
            yield url, key
    finally:
        revoke_key(web_shop.store, info.prefix)  # the other tests' chat needs no key


def test_sign_in_then_chat_then_sign_out(browser: Any, keyed_url: tuple[str, str]) -> None:
    from playwright.sync_api import expect

    url, key = keyed_url
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(url)
        expect(page).to_have_url(f"{url}signin?next=/")
        page.get_by_label("API key").fill(key + "x")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_text("That key is unknown or revoked.")).to_be_visible()

        page.get_by_label("API key").fill(key)
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(url)
        box = page.get_by_placeholder("Ask for a product")
        box.fill("running shoes under $100")
        box.press("Enter")
        page.locator("#aisle-chat .aisle-card").first.wait_for(timeout=60_000)
        assert page.locator("#aisle-who").count() == 0  # not demo mode: no picker

        page.goto(f"{url}signout")
        expect(page).to_have_url(f"{url}signin")
        page.goto(url)
        expect(page).to_have_url(f"{url}signin?next=/")
    finally:
        context.close()
