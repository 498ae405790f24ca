"""Carrying out the discovery acts: search (and ask first when a bare request has many
candidates), ask for a category, say what the shop does not sell, compare, describe.

Each returns a typed outcome and updates the turn's working state: the search's constraints
and candidates, the question on screen with what each option means, the products in focus.

Not here: choosing the act (``assistant.policy``), wording the reply (``assistant.respond``).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from assistant.act.env import TurnEnv
from assistant.act.steps import Events, Lead
from assistant.outcomes import (
    Asked,
    Compared,
    Described,
    Found,
    NothingFits,
    NotSold,
    Outcome,
)
from assistant.policy.acts import AskCategory, Compare, Describe, NotCarried, Search
from assistant.reading.shop import words_of
from assistant.respond.texts import say
from assistant.respond.words import money, relaxation_label
from assistant.state import Choice, OpenQuestion
from retrieval.documents import load_product_records, norm_key
from tools.budget import Band, budget_bands
from tools.clarify import Question
from tools.explain import recommend, review_summaries
from tools.relax import Relaxation
from tools.shopping import SearchOutcome, clarifying_question, rank, retrieve
from tools.shopping_info import comparison
from tools.vocabulary import noun_forms

MAX_OPTIONS = 5
BUDGET = "price"  # the key a budget question is asked and remembered under
SPREAD = 20  # candidates whose categories decide whether a search spans several


def _arguments(act: Search) -> dict[str, Any]:
    c = act.constraints
    out: dict[str, Any] = {"query": act.words}
    for name in ("category", "price_min", "price_max", "min_rating"):
        if getattr(c, name) is not None:
            out[name] = getattr(c, name)
    if c.brands:
        out["brands"] = list(c.brands)
    if c.exclude_brands:
        out["exclude_brands"] = list(c.exclude_brands)
    if c.attributes:
        out["attributes"] = {k: list(v) for k, v in c.attributes.items()}
    return out


def search(act: Search, env: TurnEnv) -> Events[Outcome]:
    ctx = env.shop_context()
    found = yield from env.steps.run(
        "search_products",
        _arguments(act),
        lambda: retrieve(
            ctx, act.words, act.constraints, act.wishes, language=env.reading.language
        ),
        lambda f: f"{f.total} products match" if f.fitting else "nothing fits",
    )
    if found.fitting:
        yield Lead(found.total, found.constraints)
    outcome = yield from env.steps.run(
        "rank_products",
        {"candidates": len(found.fitting)},
        lambda: rank(ctx, found),
        lambda o: (
            f"the best {len(o.recommendations)}"
            if o.recommendations
            else f"{len(o.relaxations)} relaxations"
        ),
    )
    shopping = env.state.shopping
    new_topic = act.constraints.category != shopping.constraints.category
    parsed = env.reading.constraints
    stated = {} if new_topic else dict(shopping.stated)
    stated.update(
        {
            k: v
            for k, v in (("price_min", parsed.price_min), ("price_max", parsed.price_max))
            if v is not None
        }
    )
    env.state.shopping = shopping.model_copy(
        update={
            "constraints": act.constraints,
            "candidates": outcome.candidates,
            "query": act.words,
            "unchecked": list(act.wishes),
            "asked": [] if new_topic else shopping.asked,
            "stated": stated,
            "stop_asking": shopping.stop_asking or env.reading.stop_questions,
        }
    )
    env.state.focus = []
    env.state.question = None
    if not outcome.recommendations:
        question = _relax_question(outcome.relaxations, env.reading.language)
        env.state.question = question
        return NothingFits(outcome, question)
    if act.may_ask and not env.state.shopping.stop_asking:
        asked = yield from _ask(act, outcome, env)
        if asked is not None:
            return asked
    return Found(outcome, act.unknown_brands, act.refined, act.baseline, act.excluded)


def _ask(act: Search, outcome: SearchOutcome, env: TurnEnv) -> Events[Asked | None]:
    """The best question about the candidates, or about their categories when the request
    named none and they span several; None when no question is worth asking."""
    if not act.constraints.category:
        spread = Counter(c.category for c in outcome.candidates[:SPREAD] if c.category)
        if len(spread) >= 2:
            question = OpenQuestion(
                kind="category",
                key="category",
                text=say(env.reading.language, "q_kind"),
                choices=[
                    Choice(label=name, kind="category", value=name)
                    for name, _ in spread.most_common(MAX_OPTIONS)
                ],
            )
            env.state.question = question
            return Asked(question, outcome, "category", act.unknown_brands)
    ctx = env.shop_context()
    shopping = env.state.shopping
    found = yield from env.steps.run(
        "ask_clarifying_question",
        {"attribute": act.attribute} if act.attribute else {},
        lambda: clarifying_question(
            ctx, outcome.candidates, act.constraints, shopping.asked, act.attribute
        ),
        lambda q: q.text if q else "no question needed",
    )
    if found is None:
        return _budget_question(act, outcome, env)
    lang = env.reading.language
    choices = [
        Choice(label=_option_label(o, found, lang), kind="value", key=found.key, value=o)
        for o in found.options
    ]
    question = OpenQuestion(
        kind="attribute",
        key=found.key,
        text=say(lang, found.name, name=found.label or found.key) if found.label else found.text,
        choices=[*choices, Choice(label=say(lang, "show_all"), kind="show")],
    )
    env.state.shopping = shopping.model_copy(
        update={"asked": [*shopping.asked, norm_key(found.key)]}
    )
    env.state.question = question
    return Asked(question, outcome, "attribute", act.unknown_brands)


def _option_label(option: str, question: Question, lang: str) -> str:
    """A yes/no question's options in the shopper's words; catalog values as spelt."""
    if question.name == "q_must" and option in ("yes", "no"):
        return say(lang, f"opt_{option}")
    return option


def _budget_question(act: Search, outcome: SearchOutcome, env: TurnEnv) -> Asked | None:
    """A budget question in price bands (``tools.budget``) when no attribute splits the
    candidates and the request named only a product type (no price, brand, attribute or wish
    of its own: those shoppers said what they want and see it) and it was not asked before;
    else None."""
    c, shopping = act.constraints, env.state.shopping
    named_more = c.price_max is not None or c.price_min is not None or c.brands or c.attributes
    if named_more or act.wishes or act.unknown_brands or BUDGET in shopping.asked:
        return None
    bands = budget_bands([s.price for s in outcome.candidates])
    if not bands:
        return None
    lang = env.reading.language
    choices = [
        Choice(
            label=band_label(lang, band),
            kind="budget",
            key=BUDGET,
            constraints=c.model_copy(
                update={
                    "price_min": band.low,
                    "price_max": band.high,
                    "said": sorted({*c.said, "price_min", "price_max"}),
                }
            ),
        )
        for band in bands
    ]
    question = OpenQuestion(
        kind="attribute",
        key=BUDGET,
        text=say(lang, "ask_budget"),
        choices=[*choices, Choice(label=say(lang, "show_all"), kind="show")],
    )
    env.state.shopping = shopping.model_copy(update={"asked": [*shopping.asked, BUDGET]})
    env.state.question = question
    return Asked(question, outcome, "attribute", act.unknown_brands)


def band_label(lang: str, band: Band) -> str:
    """ "Under $100.00", "$100.00 to $200.00", "$200.00 and over"."""
    if band.low is None and band.high is not None:
        return say(lang, "band_under", high=money(band.high))
    if band.high is None and band.low is not None:
        return say(lang, "band_over", low=money(band.low))
    return say(lang, "band_between", low=money(band.low or 0.0), high=money(band.high or 0.0))


def _relax_question(options: list[Relaxation], lang: str) -> OpenQuestion | None:
    if not options:
        return None
    return OpenQuestion(
        kind="relax",
        text=say(lang, "q_relax"),
        choices=[
            Choice(
                label=relaxation_label(r, lang),
                kind="relax",
                key=r.field,
                constraints=r.constraints,
            )
            for r in options
        ],
    )


def ask_category(act: AskCategory, env: TurnEnv) -> Events[Outcome]:
    """Which category (or department) the shopper means: the ones their words fit (a room
    word in a department's or category's name, then the categories search finds for the
    words), else the shop's departments."""
    words = env.words
    named = list(words.departments.get(act.department or "", ())) or _named_by_rooms(act.rooms, env)
    topic = "category"
    if not named and env.reading.catalog_words and env.deps.searcher is not None:
        hits = yield from env.steps.run(
            "search_products",
            {"query": act.words},
            lambda: env.deps.searcher.search(act.words, None, k=30) if env.deps.searcher else [],
        )
        named = _categories_of(env, [h.product_id for h in hits])
    if not named:
        named = list(words.departments) if len(words.departments) >= 2 else list(words.leaves)
        topic = "department" if len(words.departments) >= 2 else "category"
    lang = env.reading.language
    text = (
        say(lang, "q_kind_in", department=act.department)
        if act.department
        else say(lang, "q_thing")
    )
    question = OpenQuestion(
        kind="category",
        key="category",
        text=text,
        choices=[Choice(label=n, kind="category", value=n) for n in named[:MAX_OPTIONS]],
    )
    env.state.question = question
    return Asked(question, None, topic)  # type: ignore[arg-type]


def _named_by_rooms(rooms: tuple[str, ...], env: TurnEnv) -> list[str]:
    out: list[str] = []
    for room in rooms:
        forms = noun_forms(room)
        for department, leaves in env.words.departments.items():
            if forms & set(words_of(department)):
                out += [leaf for leaf in leaves if leaf not in out]
        out += [
            leaf for leaf in env.words.leaves if forms & set(words_of(leaf)) and leaf not in out
        ]
    return out


def _categories_of(env: TurnEnv, product_ids: list[str]) -> list[str]:
    records = load_product_records(env.deps.store, product_ids)
    counts = Counter(r.category_leaf or r.product_type for r in records)
    return [name for name, _ in counts.most_common(MAX_OPTIONS) if name]


def not_carried(act: NotCarried, env: TurnEnv) -> Events[Outcome]:
    """Say the shop does not sell it; offer the categories nearest to it."""
    named: list[str] = []
    searcher = env.deps.searcher
    if searcher is not None:
        hits = yield from env.steps.run(
            "search_products", {"query": act.thing}, lambda: searcher.search(act.thing, None, k=30)
        )
        # only listings that share a word with it are related; meaning alone is no relation
        # (a "kayak" is near water bottles in an embedding, not in a shop)
        named = _categories_of(env, [h.product_id for h in hits if h.bm25_rank is not None])[:3]
    related = bool(named)
    if not named:
        words = env.words
        named = list(words.departments) if len(words.departments) >= 2 else list(words.leaves)
    question = (
        OpenQuestion(
            kind="category",
            key="category",
            text=say(env.reading.language, "q_nearby"),
            choices=[Choice(label=n, kind="category", value=n) for n in named[:MAX_OPTIONS]],
        )
        if named
        else None
    )
    env.state.question = question
    return NotSold(act.thing, question, brand=act.brand, related=related)


def compare(act: Compare, env: TurnEnv) -> Events[Outcome]:
    constraints = env.state.shopping.constraints
    result = yield from env.steps.run(
        "compare_products",
        {"product_ids": list(act.product_ids)},
        lambda: comparison(env.deps.store, act.product_ids, constraints),
    )
    env.state.focus = list(act.product_ids)
    env.state.question = None
    return Compared(result)


def describe(act: Describe, env: TurnEnv) -> Events[Outcome]:
    ctx = env.shop_context()
    constraints = env.state.shopping.constraints

    def work() -> Described:
        (record,) = load_product_records(env.deps.store, [act.product_id])
        summaries = review_summaries(env.deps.store, [act.product_id])
        profile = ctx.shopper() if ctx.session_user_id else None
        rec = recommend(
            record,
            constraints,
            profile,
            None,
            summaries[act.product_id],
            env.state.shopping.unchecked,
        )
        attributes = tuple(
            (k.replace("_", " "), _shown(v)) for k, v in list(record.attributes.items())[:6]
        )
        options = tuple(
            (k.replace("_", " "), ", ".join(v[:6])) for k, v in record.option_values().items()
        )
        ids = [c.product_id for c in env.state.shopping.candidates]
        spot = ids.index(act.product_id) + 1 if act.product_id in ids else None
        return Described(rec, attributes + options, spot)

    described = yield from env.steps.run(
        "get_product_details", {"product_id": act.product_id}, work
    )
    env.state.focus = [act.product_id]
    env.state.question = None
    return described


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


__all__ = ["ask_category", "compare", "describe", "not_carried", "search"]
