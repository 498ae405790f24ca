"""What the Act stage works with during one turn: the dependencies, the shop's words, the
reading, the step runner, and the turn's working copy of the conversation state.

``TurnEnv.shop_context`` builds the tools' context from the state (the identified shopper,
the one the shop vouched for, what the shopper typed, the pending proposal, the shopping
memory): tools read it and return outcomes; only the act
functions write the working state, which the agent saves once at the end of the turn.

Not here: the acts (``assistant.act``), the dependencies (``assistant.deps``).
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.act.steps import Steps
from assistant.deps import Deps
from assistant.reading import Reading, ShopWords
from assistant.state import ConversationState
from tools.cart import CartOut
from tools.shop_context import ShopContext


@dataclass
class TurnEnv:
    deps: Deps
    words: ShopWords
    reading: Reading
    state: ConversationState  # the turn's working copy
    steps: Steps
    session_id: str | None = None  # the conversation: write proposals are bound to it
    cart: CartOut | None = None  # the cart as a cart act left or showed it (the reply carries it)

    def shop_context(self) -> ShopContext:
        state = self.state
        return ShopContext(
            store=self.deps.store,
            session_user_id=state.identity.user_id,
            pending=state.pending,
            executed=set(state.executed),
            conversation_id=self.session_id,
            searcher=self.deps.searcher,
            help_searcher=self.deps.help_searcher,
            ranker=self.deps.ranker,
            vocab=self.words.vocab,
            message=self.reading.fixed,
            shopper_typed=(
                *(line.content for line in state.history if line.role == "user"),
                self.reading.text,
            ),
            vouched_user_id=state.identity.user_id if state.identity.source == "shop" else None,
            shopping=state.shopping,
            checkout_url=self.deps.checkout_url,
        )
