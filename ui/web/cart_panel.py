"""The chat's cart: the panel beside the chat and the events of the cards' "Add to cart".

``CartPanel.build`` lays out the panel (its lines and total, ``ui.web.cart.cart_html``) and the
"Check out" button inside the side column; ``CartPanel.wire`` connects

- a card's "Add to cart" (the page script triggers the bridge's ``submit`` event with
  ``{product_id, options}``): a turn in the turn queue, sending the words
  ``ChatController.add_words`` composes;
- the panel's "Remove" (the bridge's ``input`` event with ``{item_id}``): the cart tool, in
  the store's small queue, then the panel redrawn;
- "Check out": a turn sending "Check out", whose confirmation names the act and the total.

After every turn the panel shows the cart the turn left (``WebSession.cart``). Why an add is a
turn and a removal a tool call: ``ui.web.cart``.

Not here: the HTML (``ui.web.cart``), the turn (``ui.web.session``).
"""

# No ``from __future__ import annotations``: Gradio reads the handlers' annotations at run time.

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
import gradio as gr

from ui.web.cart import CHECKOUT, STALE_CARD, cart_html
from ui.web.chat import Message, error_message
from ui.web.session import ChatController, WebSession

Outputs = tuple[list[Message], str, WebSession]
STORE_EVENTS = 4


@dataclass
class CartPanel:
    panel: gr.HTML
    checkout: gr.Button

    @classmethod
    def build(cls) -> "CartPanel":
        """The panel's components, in the current layout context."""
        with gr.Group(elem_id="aisle-cart-box"):
            panel = gr.HTML(cart_html(None), elem_id="aisle-cart", label="Your cart")
            checkout = gr.Button(
                CHECKOUT, variant="primary", elem_id="aisle-checkout", visible=False
            )
        return cls(panel, checkout)

    def view(self, state: WebSession | None) -> tuple[str, Any]:
        """The panel and the checkout button for the cart ``state`` holds."""
        cart = state.cart if state is not None else None
        return cart_html(cart), gr.update(visible=bool(cart and cart.lines))

    def wire(
        self,
        controller: ChatController,
        bridge: gr.HTML,
        chat_out: list[Any],
        turn_limits: dict[str, Any],
    ) -> list[Any]:
        """Connect the events (module docstring); ``chat_out`` are a turn's outputs (chat,
        text box, session). Returns the turn events, for the app's after-turn steps."""
        chatbot, _, session = chat_out

        async def on_add(
            history: list[Message], state: WebSession | None, evt: gr.EventData
        ) -> AsyncIterator[Outputs]:
            product = str(getattr(evt, "product_id", "") or "")
            picked = getattr(evt, "options", None)
            options = (
                {str(k): str(v) for k, v in picked.items()} if isinstance(picked, dict) else {}
            )
            words = await anyio.to_thread.run_sync(controller.add_words, state, product, options)
            if words is None:
                yield [*history, error_message(STALE_CARD)], "", state or WebSession.fresh()
                return
            async for out in controller.send(words, history, state):
                yield out

        def on_remove(state: WebSession | None, evt: gr.EventData) -> tuple[str, Any, Any]:
            item = str(getattr(evt, "item_id", "") or "")
            if item and controller.remove_line(state, item) is None:
                gr.Warning("That line is no longer in your cart.", duration=4)
            return (*self.view(state), state)  # the session keeps the cart it now shows

        turns = [
            bridge.submit(
                on_add, [chatbot, session], chat_out, api_visibility="private", **turn_limits
            ),
            self.checkout.click(
                controller.send,
                [self.checkout, chatbot, session],
                chat_out,
                api_visibility="private",
                **turn_limits,
            ),
        ]
        bridge.input(
            on_remove,
            [session],
            [self.panel, self.checkout, session],
            api_visibility="private",
            concurrency_limit=STORE_EVENTS,
            concurrency_id="aisle-cart",
        )
        return turns

    def after(
        self, event: Any, session: gr.State, controller: ChatController | None = None
    ) -> None:
        """Redraw the panel once ``event`` has run: from the cart the turn left, or with
        ``controller``, read afresh (a sign-in or new conversation: the shopper's own cart)."""
        if controller is None:
            event.then(
                self.view,
                [session],
                [self.panel, self.checkout],
                api_visibility="private",
                concurrency_limit=STORE_EVENTS,
                concurrency_id="aisle-cart",
            )
            return

        def reread(state: WebSession | None) -> tuple[str, Any, Any]:
            if state is not None:
                controller.read_cart(state)
            return (*self.view(state), state)

        event.then(
            reread,
            [session],
            [self.panel, self.checkout, session],
            api_visibility="private",
            concurrency_limit=STORE_EVENTS,
            concurrency_id="aisle-cart",
        )
