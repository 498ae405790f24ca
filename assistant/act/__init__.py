"""The Act stage: carry out the act the policy chose, with tool objects, into a typed outcome.

``run`` dispatches on the act's type. Every tool step is announced as it starts and finishes
and recorded in the trace (``assistant.act.steps``); the turn's working state is updated by
the act functions only (``TurnEnv.state``).

Not here: choosing the act (``assistant.policy``), wording the reply (``assistant.respond``).
"""

from __future__ import annotations

import re

from assistant.act import cart, checkout, discovery, proposals, service
from assistant.act.env import TurnEnv
from assistant.act.steps import Events, Steps
from assistant.outcomes import Asked, CartAdded, Chat, HandedOff, HelpAnswered, Outcome
from assistant.policy.acts import (
    Act,
    AddToCart,
    AlreadyDoneAct,
    AskCategory,
    ChangeCart,
    Checkout,
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
    ShowCart,
    Talk,
)
from retrieval.help import HelpPassage
from tools.service import transfer_to_human_agents
from tools.shopping import search_help_center
from tools.shopping_info import HelpAnswer

__all__ = ["Steps", "TurnEnv", "run"]

ANSWER_SENTENCES = 2
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_STEM = re.compile(r"[a-z]{3,}")


def run(act: Act, env: TurnEnv) -> Events[Outcome]:
    if isinstance(act, Search):
        return (yield from discovery.search(act, env))
    if isinstance(act, AskCategory):
        return (yield from discovery.ask_category(act, env))
    if isinstance(act, NotCarried):
        return (yield from discovery.not_carried(act, env))
    if isinstance(act, Compare):
        return (yield from discovery.compare(act, env))
    if isinstance(act, Describe):
        return (yield from discovery.describe(act, env))
    if isinstance(act, Serve):
        return (yield from service.serve(act, env))
    if isinstance(act, AddToCart):
        added = yield from cart.add(act, env)
        if act.checkout and isinstance(added, CartAdded) and added.added and not added.problems:
            return (yield from checkout.propose(Checkout(pay=act.pay), env))  # "buy the blue one"
        return added
    if isinstance(act, ShowCart):
        return (yield from cart.show(act, env))
    if isinstance(act, ChangeCart):
        return (yield from cart.change(act, env))
    if isinstance(act, Checkout):
        return (yield from checkout.propose(act, env))
    if isinstance(act, Confirm) and checkout.is_checkout(env):
        return (yield from checkout.confirm(env))
    if isinstance(act, Confirm):
        return (yield from proposals.confirm(env))
    if isinstance(act, Decline):
        return proposals.decline(env)
    if isinstance(act, AlreadyDoneAct):
        return proposals.already_done(env)
    if isinstance(act, Help):
        return (yield from _help(act, env))
    if isinstance(act, Reask) and env.state.question is not None:
        return Asked(env.state.question, topic="again")
    if isinstance(act, Handoff):
        ctx = env.shop_context()
        yield from env.steps.call(transfer_to_human_agents, ctx, {"summary": act.summary[:500]})
        env.state.question = None
        env.state.request = None
        return HandedOff(act.summary)
    assert isinstance(act, Talk)
    return Chat(act.kind, act.model_text)  # type: ignore[arg-type]


def _help(act: Help, env: TurnEnv) -> Events[Outcome]:
    ctx = env.shop_context()
    result = yield from env.steps.call(search_help_center, ctx, {"query": act.query[:500]})
    env.state.question = None
    answer = result.data if isinstance(result.data, HelpAnswer) else HelpAnswer(act.query, ())
    return HelpAnswered(answer, answering(act.query, answer.passages))


def answering(question: str, passages: tuple[HelpPassage, ...]) -> tuple[str, ...]:
    """The sentences of the best passage that share the most words with the question (word
    stems of five letters), in the passage's order."""
    if not passages:
        return ()
    asked = {w[:5] for w in _STEM.findall(question.lower())}
    best = passages[0]
    sentences = [s.strip() for s in _SENTENCE.split(" ".join(best.text.split())) if s.strip()]
    scored = sorted(
        range(len(sentences)),
        key=lambda i: (-len(asked & {w[:5] for w in _STEM.findall(sentences[i].lower())}), i),
    )
    chosen = sorted(scored[:ANSWER_SENTENCES])
    return tuple(sentences[i] for i in chosen)
