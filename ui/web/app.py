"""The Gradio shopping chat: layout and event wiring over ``ui.web.session.ChatController``.

``build_ui(runtime)`` returns the ``gr.Blocks`` and ``mount_options()`` the rest of what
``gr.mount_gradio_app`` takes; ``mount_ui(app, runtime)`` does both. Pass the API's
``assistant`` and ``gate`` so the UI and the bot API share one LLM and one limit on turns
running at once (without them the UI loads its own assistant on the first turn).

Concurrency, deliberately: Gradio runs one call at a time per event unless told otherwise.
Every event that runs a turn (send, an option or Confirm / Cancel, an example prompt, a card's
"Add to cart", "Check out"; the cart panel: ``ui.web.cart_panel``) shares
the ``"aisle-turn"`` queue with as many slots as the turn gate has (1 for the embedded
llama.cpp model, which generates for one conversation at a time; more for an LLM server), so
extra shoppers wait in Gradio's queue and see their place in it (at most ``QUEUE_SIZE`` wait;
later ones are told to retry). Feedback, sign-in and the status line only touch the store: they
get their own small limits and never wait for a turn.

Whose account a conversation is: the shopper identifies by typing credentials in the chat. In
demo mode (``settings.demo``, ``aisle demo``) a "Shopping as" picker also signs in as one of the
demo shop's shoppers; it exists only there, and signing in takes only the ids it lists. Who may
use the chat at all is decided in front of it (``ui.api.signin``: the API keys, when on).

The header names the shop (``views.shop_identity``); what ranks and which LLM answers sit in a
closed "About" panel, refreshed every ``STATUS_SECONDS`` (the ranker may swap in mid-session).
The example buttons are laid out once for every prompt the shop can offer; signing in, and
the end of each turn, show the ones that fit the shopper (``views.order_prompts``).
"""

# No ``from __future__ import annotations`` here: Gradio reads the handlers' annotations at run
# time to hand them ``gr.SelectData`` / ``gr.LikeData`` / ``gr.EventData``.

from collections.abc import AsyncIterator
from html import escape
from typing import Any

import gradio as gr
from fastapi import FastAPI

from assistant.agent import Assistant
from ui.api.turns import TurnGate
from ui.runtime import Runtime
from ui.web.cart_panel import CartPanel
from ui.web.chat import Message
from ui.web.session import ChatController, WebSession
from ui.web.style import BRIDGE_JS, CSS, SHOW_TURN_JS
from ui.web.views import (
    ORDER_PROMPTS,
    ShopIdentity,
    demo_shoppers,
    discovery_prompts,
    help_prompts,
    order_prompts,
    shop_identity,
)

TURN_QUEUE = "aisle-turn"
STORE_EVENTS = 4  # feedback and sign-in: a quick SQL write each
STATUS_SECONDS = 15  # how often the status line re-reads the ranker state (it may swap)
QUEUE_SIZE = 64  # events waiting at once; beyond it a shopper is told to retry, not left waiting
GUEST = ""
PLACEHOLDER = (
    "### Hi, I'm Aisle, the shop's assistant\n"
    "Tell me what you are looking for, and I'll find products that fit and say why. "
    "I can also help with orders, returns and the shop's policies."
)
DEMO_PLACEHOLDER = (
    PLACEHOLDER + "\n\nSign in as a demo shopper on the right for personal picks and order help."
)
# Soft, in the neutral Source Sans the Gradio package ships (no font download at run time).
THEME = gr.themes.Soft(
    primary_hue="teal",
    neutral_hue="slate",
    font=(
        gr.themes.LocalFont("Source Sans Pro", weights=(400, 700)),
        "ui-sans-serif",
        "system-ui",
        "sans-serif",
    ),
)

Outputs = tuple[list[Message], str, WebSession]


def header_html(shop: ShopIdentity) -> str:
    return (
        f'<div class="aisle-header"><h1>{escape(shop.name)}</h1>'
        f'<span class="aisle-tagline">{escape(shop.tagline)}</span></div>'
    )


def status_html(ranker: str, llm: str) -> str:
    return (
        '<div class="aisle-status"><p>Aisle, an open-source shopping assistant, answers '
        "in this chat.</p>"
        f"<p><b>Ranking:</b> {escape(ranker)}</p><p><b>LLM:</b> {escape(llm)}</p></div>"
    )


def side_title(text: str) -> str:
    return f'<p class="aisle-side-title">{escape(text)}</p>'


def build_ui(
    runtime: Runtime, *, assistant: Assistant | None = None, gate: TurnGate | None = None
) -> gr.Blocks:
    """The chat for ``runtime``'s shop; see the module docstring for ``assistant``/``gate``."""
    controller = ChatController(runtime, assistant, gate)
    shop = shop_identity(runtime.store)
    demo_mode = runtime.settings.demo
    shoppers = demo_shoppers(runtime.store) if demo_mode else []  # the picker's, in demo mode
    listed = {user_id for _, user_id in shoppers}
    discovery = discovery_prompts(runtime.store)
    service = [*ORDER_PROMPTS, *help_prompts(runtime.store)]  # one button each, shown or not
    turn_limits: dict[str, Any] = {
        "concurrency_limit": controller.gate.limit,
        "concurrency_id": TURN_QUEUE,
    }

    def service_for(user_id: str | None) -> tuple[str, list[bool]]:
        """The service section's heading ("" hides it) and which of its buttons to show."""
        orders = order_prompts(runtime.store, user_id)
        shown = [p in orders or p not in ORDER_PROMPTS for p in service]  # help: always
        return ("Orders and help" if orders else "Help") if any(shown) else "", shown

    with gr.Blocks(title=f"{shop.name} · shopping assistant", fill_width=True) as demo:
        session = gr.State(None)
        gr.HTML(header_html(shop))
        with gr.Row(equal_height=False):
            with gr.Column(scale=4, min_width=480):
                # No autoscroll: the page script shows the start of each turn (ui.web.style).
                chatbot = gr.Chatbot(
                    elem_id="aisle-chat",
                    height="68vh",
                    min_height=420,
                    show_label=False,
                    placeholder=DEMO_PLACEHOLDER if demo_mode else PLACEHOLDER,
                    buttons=["copy"],
                    feedback_options=("Like", "Dislike"),
                    autoscroll=False,
                )
                box = gr.Textbox(
                    placeholder="Ask for a product, or about an order…",
                    show_label=False,
                    submit_btn="Send",
                    autofocus=True,
                    max_lines=4,
                )
            with gr.Column(scale=1, min_width=250, elem_classes="aisle-side"):
                who = (
                    gr.Dropdown(
                        choices=[("Guest", GUEST), *shoppers],
                        value=GUEST,
                        label="Shopping as",
                        elem_id="aisle-who",
                        info="Demo shoppers have orders and a shopping history.",
                    )
                    if demo_mode
                    else None
                )
                new = gr.Button("New conversation", variant="secondary")
                gr.HTML(side_title("Your cart"))
                cart = CartPanel.build()
                gr.HTML(side_title("Find products"), visible=bool(discovery))
                tries = [gr.Button(p, size="sm") for p in discovery]
                heading, shown = service_for(None)
                service_title = gr.HTML(side_title(heading), visible=bool(heading))
                service_buttons = [
                    gr.Button(p, size="sm", visible=show)
                    for p, show in zip(service, shown, strict=True)
                ]
                tries += service_buttons
                with gr.Accordion("About", open=False, elem_id="aisle-about"):
                    status = gr.HTML(status_html(*controller.status()))
        bridge = gr.HTML(
            "", js_on_load=BRIDGE_JS, head=f"<style>{CSS}</style>", elem_id="aisle-bridge"
        )
        timer = gr.Timer(STATUS_SECONDS)

        async def on_option(
            history: list[Message], state: WebSession | None, evt: gr.SelectData
        ) -> AsyncIterator[Outputs]:
            async for out in controller.send(str(evt.value), history, state):
                yield out

        def on_like(state: WebSession | None, evt: gr.LikeData) -> None:
            index = evt.index if isinstance(evt.index, int) else -1
            controller.rate_reply(state, index, evt.liked)

        def on_product(state: WebSession | None, evt: gr.EventData) -> None:
            product = str(getattr(evt, "product_id", "") or "")
            value = getattr(evt, "value", 0)
            if controller.rate_product(state, product, int(value) if value else 0):
                gr.Info("Your feedback shapes what we show you next.", duration=3, title="Thanks!")

        def sign_in(user_id: str | None) -> Outputs:
            if user_id and user_id not in listed:  # demo mode's listed shoppers, and only then
                raise gr.Error("Pick a shopper from the list.")
            return [], "", WebSession.fresh(user_id or None)

        def show_examples(state: WebSession | None) -> list[Any]:
            heading, shown = service_for(controller.shopper(state))
            return [
                gr.update(value=side_title(heading), visible=bool(heading)),
                *(gr.update(visible=show) for show in shown),
            ]

        def new_conversation(state: WebSession | None) -> Outputs:
            return [], "", WebSession.fresh(state.user_id if state else None)

        def refresh_status() -> str:
            return status_html(*controller.status())

        chat_out = [chatbot, box, session]
        turns = [
            box.submit(
                controller.send, [box, chatbot, session], chat_out, api_name="send", **turn_limits
            ),
            chatbot.option_select(
                on_option, [chatbot, session], chat_out, api_visibility="private", **turn_limits
            ),
        ]
        turns += [  # an example prompt is sent as it reads (a button's value)
            button.click(
                controller.send,
                [button, chatbot, session],
                chat_out,
                api_visibility="private",
                **turn_limits,
            )
            for button in tries
        ]
        turns += cart.wire(controller, bridge, chat_out, turn_limits)
        for turn in turns:
            turn.then(None, None, None, js=SHOW_TURN_JS, api_visibility="private")
            cart.after(turn, session)
            # A turn may have cancelled the shopper's last pending order.
            turn.then(
                show_examples,
                [session],
                [service_title, *service_buttons],
                api_visibility="private",
                concurrency_limit=STORE_EVENTS,
            )
        chatbot.like(
            on_like,
            [session],
            None,
            api_visibility="private",
            concurrency_limit=STORE_EVENTS,
            concurrency_id="aisle-feedback",
        )
        bridge.click(
            on_product,
            [session],
            None,
            api_visibility="private",
            concurrency_limit=STORE_EVENTS,
            concurrency_id="aisle-feedback",
        )
        if who is not None:
            signed = who.change(
                sign_in,
                [who],
                [chatbot, box, session],
                api_name="sign_in",
                concurrency_limit=STORE_EVENTS,
            )
            cart.after(signed, session, controller)  # the shopper's cart from earlier visits
            signed.then(
                show_examples,
                [session],
                [service_title, *service_buttons],
                api_visibility="private",
                concurrency_limit=STORE_EVENTS,
            )
        renewed = new.click(
            new_conversation,
            [session],
            [chatbot, box, session],
            api_name="new_conversation",
            concurrency_limit=STORE_EVENTS,
        )
        cart.after(renewed, session, controller)
        timer.tick(refresh_status, None, status, api_visibility="private", concurrency_limit=None)
        for event in (new.click,) if who is None else (who.change, new.click):
            event(refresh_status, None, status, api_visibility="private", concurrency_limit=None)
    return demo.queue(max_size=QUEUE_SIZE)


def mount_options() -> dict[str, Any]:
    """What ``gr.mount_gradio_app`` needs besides the Blocks (Gradio 6 takes the theme at mount
    time); the CSS travels inside the Blocks, so forgetting these only loses the theme."""
    return {"theme": THEME, "footer_links": ["api"]}


def mount_ui(
    app: FastAPI,
    runtime: Runtime,
    path: str = "/",
    *,
    assistant: Assistant | None = None,
    gate: TurnGate | None = None,
) -> FastAPI:
    """Mount the chat on ``app`` at ``path`` with its theme; returns ``app``."""
    blocks = build_ui(runtime, assistant=assistant, gate=gate)
    return gr.mount_gradio_app(app, blocks, path=path, **mount_options())
