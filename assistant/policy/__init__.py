"""The Decide stage: one dialogue policy, in code, chooses the act of a turn.

Inputs: the ``Reading`` of the message, the conversation state and the model's proposal (or
None when the model was not consulted). In order:
1. a write waiting for a yes: a yes confirms it, a no declines it (anything else drops it);
   a yes with nothing waiting, after a write was carried out, is told it is already done;
2. a request for a person hands off;
3. an option of the question on screen (clicked, or typed) is acted on;
4. a greeting or a thank-you is answered;
5. the cart (``policy.cart``): add what is on screen ("add the second one in size 10"),
   show it, change a line, check out, pay with a kind of payment method;
6. references to the list on screen ("compare the first two", "the second one", "the
   cheaper one") resolve by position in that list, before anything else;
7. "just show me" shows what was found, without more questions;
8. a customer-service request, or the next step of one (``policy.service``);
9. a policy question goes to the help center;
10. discovery (``policy.discovery``): search, refine, ask for a category, not sold;
11. the model's proposal, where the words decided nothing; else a request to say more.

``needs_model`` says whether a turn should consult the model at all: only when the words
alone decide nothing, or a slot only the model can fill is missing (an address typed freely).

Not here: carrying the act out (``assistant.act``), reading words (``assistant.reading``).
"""

from __future__ import annotations

import re

from assistant.policy import cart as cart_policy
from assistant.policy import discovery as discovery_policy
from assistant.policy import service as service_policy
from assistant.policy.acts import (
    Act,
    AlreadyDoneAct,
    AskCategory,
    Compare,
    Confirm,
    Decline,
    Describe,
    Handoff,
    Help,
    NotCarried,
    Reask,
    Search,
    Serve,
    Talk,
)
from assistant.proposal import Proposal
from assistant.reading import Reading, ShopWords
from assistant.reading.shop import LEXICON
from assistant.state import Choice, ConversationState
from tools import service as service_tools
from tools.constraints import Constraints, merge_constraints
from tools.shop_context import Shown
from tools.shopping import (
    ask_clarifying_question,
    compare_products,
    search_help_center,
    search_products,
)

__all__ = ["Act", "decide", "needs_model"]

SHOWN = discovery_policy.SHOWN
_WRITES = {
    "cancel_pending_order": "cancel",
    "return_delivered_order_items": "return",
    "exchange_delivered_order_items": "exchange",
    "modify_pending_order_items": "modify_items",
    "modify_pending_order_address": "modify_address",
    "modify_pending_order_payment": "modify_payment",
    "modify_user_address": "user_address",
}


_BARE_CANCEL = re.compile(r"^\W*cancel(?:\s+(?:it|that|this|the\s+order))?\W*$", re.I)
_ANOTHER = re.compile(r"\b(?:other|another|too|also|as well|next|second|one more)\b", re.I)


def needs_model(r: Reading, state: ConversationState, shop: ShopWords) -> bool:
    """Whether the model's proposal could change this turn's act (module docstring)."""
    act = decide(r, state, None, shop)
    if isinstance(act, Talk) and act.kind == "unclear":
        return True
    return (
        isinstance(act, Serve)
        and act.request.intent in ("modify_address", "user_address")
        and act.request.address is None
        and bool(r.text.strip())
        and any(c.isdigit() for c in r.text)
    )


def decide(r: Reading, state: ConversationState, proposal: Proposal | None, shop: ShopWords) -> Act:
    if state.pending is not None:
        if _BARE_CANCEL.match(r.text) and state.pending.action == "cancel_pending_order":
            return Reask()  # "cancel it" under "cancel order #W…?": a yes or a no? ask again
        # a no (or anything that takes the yes back) wins: nothing is written on a doubt
        if r.no or r.said_no or (r.choice is not None and r.choice.kind == "no"):
            return Decline()
        if (
            r.yes
            or (r.choice is not None and r.choice.kind == "yes")
            or (
                r.said_yes
                and r.service is not None
                and _WRITES.get(state.pending.action) == r.service
            )
        ):
            return Confirm()  # "yes, cancel it" answers the cancellation it was asked about
    elif (
        state.last_done
        and state.question is None
        and (
            r.yes
            or (
                r.said_yes
                and r.service is not None
                and not r.order_ids
                and _WRITES.get(state.last_action or "") == r.service
                and not _ANOTHER.search(r.text)
            )
        )
    ):
        return AlreadyDoneAct()  # a second "yes, cancel it" after the cancellation ran
    elif (r.yes or r.no) and state.question is None:
        return Talk("nothing_pending")
    if r.asks_person:
        return Handoff(r.text)
    if r.choice is not None and (act := _chosen(r.choice, r, state, shop)) is not None:
        return act
    if r.stop_questions and state.question is not None:
        if state.question.kind == "attribute":  # "no preference": show what was found
            shopping = state.shopping
            return Search(shopping.constraints, shopping.query, tuple(shopping.unchecked))
        return Reask()
    if r.greeting:
        return Talk("greeting")
    if r.thanks:
        return Talk("thanks")
    if (act := cart_policy.cart(r, state)) is not None:
        return act
    if (act := _on_screen(r, state)) is not None:
        return act
    if r.stop_questions and state.shopping.candidates and not (r.refine or r.has_constraints):
        shopping = state.shopping
        return Search(shopping.constraints, shopping.query, tuple(shopping.unchecked))
    about_service = (
        (state.request is not None and service_policy.continues(r, state))
        or r.service is not None
        or bool(r.order_ids)
        or bool(r.email or r.name_zip)
    )
    if about_service and (act := service_policy.service(r, state, proposal, shop)) is not None:
        return act
    if r.help:
        return Help(r.text if r.language == "en" else r.english)  # the help index is English
    if (act := discovery_policy.discovery(r, state, proposal, shop)) is not None:
        return act
    if (act := service_policy.service(r, state, proposal, shop)) is not None:
        return act
    return _proposed(r, state, proposal, shop)


def _chosen(choice: Choice, r: Reading, state: ConversationState, shop: ShopWords) -> Act | None:
    """What clicking (or typing) an option of the question on screen does."""
    shopping = state.shopping
    c = shopping.constraints
    words = shopping.query or r.fixed
    if choice.kind == "value":
        attributes = {**c.attributes, choice.key: [choice.value]}
        said = sorted({*c.said, f"attributes.{choice.key}"})
        return Search(
            c.model_copy(update={"attributes": attributes, "said": said}),
            words,
            tuple(shopping.unchecked),
        )
    if choice.kind == "category":
        if len(shop.departments.get(choice.value, ())) > 1:
            return AskCategory(choice.value, department=choice.value)
        return Search(Constraints(category=choice.value, said=["category"]), choice.value)
    if choice.kind in ("budget", "relax") and choice.constraints is not None:
        return Search(choice.constraints, words, tuple(shopping.unchecked))
    if choice.kind == "show":
        return Search(c, words, tuple(shopping.unchecked))
    if choice.kind == "yes":
        return Confirm() if state.pending is not None else AlreadyDoneAct()
    if choice.kind == "no":
        return Decline()
    if choice.kind in ("cart_option", "cart_payment"):
        return cart_policy.chosen(choice, state)
    return service_policy.with_choice(choice, state)


def _on_screen(r: Reading, state: ConversationState) -> Act | None:
    """Compare, describe or pick among the products on screen (by position first)."""
    shown = state.shopping.candidates[:SHOWN]
    if not shown or (r.names_products and r.constraints.category):
        return None
    by_id = {s.product_id: s for s in state.shopping.candidates}
    focus = [by_id[p] for p in state.focus if p in by_id]
    if r.compare and not r.refine:
        picked = (
            [shown[p - 1] for p in r.positions]
            if r.positions
            else (focus if len(focus) >= 2 else shown[:2])
        )
        if len(picked) >= 2:
            return Compare(tuple(s.product_id for s in picked))
    if r.pick is not None:
        pool = focus if len(focus) >= 2 else shown
        return Describe(_picked(r.pick, pool).product_id)
    if (
        len(r.positions) == 1
        and not r.has_constraints
        and not r.refine
        and (r.details or len(r.fixed.split()) <= 6)
    ):
        return Describe(shown[r.positions[0] - 1].product_id)
    if len(r.positions) >= 2 and not r.has_constraints and not r.refine:
        return Compare(tuple(shown[p - 1].product_id for p in r.positions))
    return None


def _picked(how: str, pool: list[Shown]) -> Shown:
    if how == "cheaper":
        return min(pool, key=lambda s: (s.price, pool.index(s)))
    if how == "dearer":
        return max(pool, key=lambda s: (s.price, -pool.index(s)))
    return max(pool, key=lambda s: (s.rating, s.rating_count, -pool.index(s)))


def _proposed(
    r: Reading, state: ConversationState, proposal: Proposal | None, shop: ShopWords
) -> Act:
    """The model's proposal, where the words decided nothing (step 10). A search or question
    about the list on screen continues it (its constraints kept, as the shopper's refinements
    are); products are compared by their positions on screen."""
    if proposal is None:
        return Talk("unclear")
    shopping = state.shopping
    if proposal.is_tool(search_products):
        # Only a search about something the catalog has: a model that turns "hmm ok" into a
        # search for "hmm ok" finds nothing worth showing.
        model = discovery_policy.model_constraints(proposal, shop, r.english) or Constraints()
        query = str(proposal.arguments.get("query") or "")
        content = [w for w in re.findall(r"[a-z]{3,}", query.lower()) if w not in LEXICON]
        if (
            model.category
            or model.brands
            or model.attributes
            or any(shop.sells_word(w) for w in content)
        ):
            same = not model.category or model.category == shopping.constraints.category
            previous = shopping.constraints if same else None
            constraints = merge_constraints(previous, model, r.constraints)
            words = shopping.query if same and shopping.query else f"{r.fixed} {query}"
            return Search(constraints, words.strip(), r.wishes)
        if r.unknown_things and any(w in r.unknown_things[0].split() for w in content):
            return NotCarried(r.unknown_things[0])  # the model took it for a product
        return Talk("unclear")
    shown = shopping.candidates[:SHOWN]
    if proposal.is_tool(compare_products) and len(shown) >= 2:
        refs = [str(x) for x in proposal.arguments.get("product_ids") or []]
        ids = [s.product_id for i, s in enumerate(shown, 1) if str(i) in refs] or [
            s.product_id for s in shown if s.product_id in refs
        ]
        return Compare(tuple(ids[:4]) if len(ids) >= 2 else tuple(s.product_id for s in shown[:2]))
    if proposal.is_tool(ask_clarifying_question) and shopping.candidates:
        return Search(
            shopping.constraints,
            shopping.query,
            tuple(shopping.unchecked),
            may_ask=not shopping.stop_asking,
            attribute=proposal.arguments.get("attribute"),
        )
    if proposal.is_tool(search_help_center):
        return Help(r.text if r.language == "en" else r.english)  # the help index is English
    if proposal.is_tool(service_tools.transfer_to_human_agents):
        return Handoff(r.text)
    if proposal.tool is None and proposal.text:
        return Talk("model", proposal.text)
    return Talk("unclear")
