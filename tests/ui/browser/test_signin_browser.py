"""The doors in a real browser. The web chat behind its sign-in: with API keys on, ``/`` sends a
browser to ``/signin``, a wrong key is refused there, the right one opens the chat, whose page,
assets and streamed turns all pass the gate with the cookie; ``/signout`` closes it again.
Served as ``aisle serve`` serves it (``create_app`` with the chat) over the shared demo shop,
not in demo mode: no shopper picker. The widget: a page that passes a signed identity token
gets a session signed in as that shopper; without one, a guest's."""

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


def test_the_widget_signs_in_the_shopper_its_site_vouches_for(browser: Any, web_shop: Any) -> None:
    from playwright.sync_api import expect
    from pydantic import SecretStr
    from sqlmodel import select

    from store.models import Conversation, User
    from ui.api import create_app
    from ui.api.identity import sign_identity

    secret = "the-shop-and-aisle-share-this-secret"
    settings = web_shop.runtime.settings.model_copy(  # keys off: the other test made one
        update={"identity_secret": SecretStr(secret), "api_keys": "off"}
    )
    runtime = replace(web_shop.runtime, settings=settings)
    runtime.__dict__["store"] = web_shop.store
    with web_shop.store.session() as s:
        user_id = s.exec(select(User.user_id).limit(1)).one()
    context = browser.new_context()
    page = context.new_page()
    try:
        with running(create_app(runtime, assistant=web_shop.assistant)) as url:
            for identity, expected in ((sign_identity(secret, user_id), user_id), ("", None)):
                page.goto(f"{url}widget?identity={identity}")
                page.locator(".aisle-launch").click()
                page.get_by_placeholder("Ask about products").fill("hi")
                page.get_by_placeholder("Ask about products").press("Enter")
                expect(page.locator(".aisle-msg.aisle-bot").last).to_contain_text(
                    "Hi!", timeout=60_000
                )  # the first turn builds the shop's words
                session_id = page.evaluate(
                    "Object.entries(sessionStorage).find(([k]) => "
                    "k.startsWith('aisle-session:'))[1]"
                )
                page.evaluate("sessionStorage.clear()")
                with web_shop.store.session() as s:
                    row = s.get(Conversation, session_id)
                assert row is not None and row.user_id == expected
    finally:
        context.close()
