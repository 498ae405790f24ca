"""The Respond stage: the typed reply, composed by code from the outcome's facts, in the
shopper's language.

``respond`` returns the ``Reply`` (text, cards with reasons, a question with options, a
confirmation, citations) and the text as pieces, so a stream can show them as they come;
``lead_piece`` is the first sentence of a search's reply, shown as soon as retrieval counted.
The model's own words reach the shopper only for small talk and only when the claim check
passes (``respond.claims``) and they are in the shopper's language
(``assistant.reading.language.detect``); otherwise the composed text stands.

Help-center answers: the articles are written in English and their words are the shop's
policy, so they are never translated or paraphrased, by code or by the model. A shopper who
writes in another language gets the lead-in in their language naming the cited article, then
the article's sentences quoted as they are ("帮助中心的文章“Returns”（英文）是这样说的：“…”").

Not here: the facts (``assistant.act``), the model.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.outcomes import (
    AccountShown,
    AddressNeeded,
    AlreadyDone,
    Asked,
    CartAdded,
    CartChanged,
    CartOptionAsked,
    CartShown,
    Chat,
    CheckoutLinked,
    Compared,
    ConfirmationAsked,
    Declined,
    Described,
    Done,
    Found,
    HandedOff,
    HelpAnswered,
    IdentityNeeded,
    NothingFits,
    NotSold,
    OrderShown,
    OrdersListed,
    Outcome,
    Refused,
)
from assistant.reading.language import detect
from assistant.reply import CitationOut, ConfirmationOut, Kind, ProductCard, Reply, TraceStep
from assistant.respond import cart as c
from assistant.respond import discovery as d
from assistant.respond import service as s
from assistant.respond.claims import ClaimContext, check_claims
from assistant.respond.texts import say

__all__ = ["Composed", "respond"]


@dataclass(frozen=True)
class Composed:
    reply: Reply
    pieces: list[str]


def respond(outcome: Outcome, lang: str, trace: list[TraceStep], claims: ClaimContext) -> Composed:
    kind: Kind = "answer"
    cards: list[ProductCard] = []
    question = None
    confirmation = None
    citations: list[CitationOut] = []
    if isinstance(outcome, Found):
        kind, pieces = "recommendations", d.found_text(outcome, lang)
        cards = [d.card(r, lang) for r in outcome.search.recommendations]
    elif isinstance(outcome, Asked):
        kind, pieces = "question", d.asked_text(outcome, lang)
        question = d.question_out(outcome.question)
    elif isinstance(outcome, NothingFits):
        pieces = d.nothing_text(outcome, lang)
        if outcome.question is not None:
            kind, question = "question", d.question_out(outcome.question)
    elif isinstance(outcome, NotSold):
        pieces = d.not_sold_text(outcome, lang)
        if outcome.question is not None:
            kind, question = "question", d.question_out(outcome.question)
    elif isinstance(outcome, Compared):
        pieces = d.compared_text(outcome, lang)
        cards = [
            ProductCard(product_id=p.product_id, item_id=p.item_id, title=p.title, price=p.price)
            for p in outcome.comparison.products
        ]
    elif isinstance(outcome, Described):
        kind, pieces = "recommendations", d.described_text(outcome, lang)
        cards = [d.card(outcome.recommendation, lang)]
    elif isinstance(outcome, OrdersListed):
        pieces = s.orders_text(outcome, lang)
    elif isinstance(outcome, OrderShown):
        pieces = s.order_text(outcome, lang)
    elif isinstance(outcome, AccountShown):
        pieces = s.account_text(outcome, lang)
    elif isinstance(outcome, ConfirmationAsked):
        kind, pieces = "confirmation", s.confirmation_text(outcome, lang)
        confirmation = ConfirmationOut(
            action=outcome.request.action, arguments=outcome.request.arguments
        )
        question = d.question_out(outcome.question)
    elif isinstance(outcome, Done):
        pieces = [say(lang, "done", what=outcome.act), *outcome.details]
    elif isinstance(outcome, AlreadyDone):
        pieces = [say(lang, "already_done", what=outcome.what)]
    elif isinstance(outcome, Declined):
        pieces = [say(lang, "declined")]
    elif isinstance(outcome, Refused):
        pieces = [outcome.message]
    elif isinstance(outcome, IdentityNeeded):
        pieces = [
            say(lang, "identify_failed", who=outcome.failed)
            if outcome.failed
            else say(lang, "identify")
        ]
    elif isinstance(outcome, AddressNeeded):
        pieces = [say(lang, "address_needed")]
    elif isinstance(outcome, HelpAnswered):
        pieces, citations = _help(outcome, lang)
    elif isinstance(outcome, HandedOff):
        kind, pieces = "handoff", [say(lang, "handoff")]
    elif isinstance(outcome, CartShown):
        pieces = c.shown_text(outcome, lang)
    elif isinstance(outcome, CartAdded):
        pieces = c.added_text(outcome, lang)
    elif isinstance(outcome, CartChanged):
        pieces = c.changed_text(outcome, lang)
    elif isinstance(outcome, CartOptionAsked):
        kind, pieces = "question", c.option_text(outcome, lang)
        question = d.question_out(outcome.question)
    elif isinstance(outcome, CheckoutLinked):
        pieces = c.linked_text(outcome, lang)
    else:
        assert isinstance(outcome, Chat)
        pieces = _chat(outcome, lang, claims)
    text = "\n".join(pieces)
    reply = Reply(
        kind=kind,
        text=text,
        products=cards,
        question=question,
        confirmation=confirmation,
        citations=citations,
        trace=list(trace),
    )
    return Composed(reply, pieces)


def _help(o: HelpAnswered, lang: str) -> tuple[list[str], list[CitationOut]]:
    passages = o.answer.passages
    if not passages or not o.sentences:
        return [say(lang, "help_none")], []
    best = passages[0]
    citations = [CitationOut(article_id=best.article_id, title=best.title)]
    return [say(lang, "help", title=best.title, answer=" ".join(o.sentences))], citations


def _chat(o: Chat, lang: str, claims: ClaimContext) -> list[str]:
    if (
        o.kind == "model"
        and o.model_text
        and not check_claims(o.model_text, claims)
        and detect(o.model_text, lang) == lang
    ):
        return [o.model_text.strip()]
    if o.kind in ("greeting", "thanks", "nothing_pending"):
        return [say(lang, o.kind)]
    return [say(lang, "unclear")]
