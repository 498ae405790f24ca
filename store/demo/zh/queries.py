"""Chinese wording of the demo shop's labelled queries and shoppers' searches.

A labelled query keeps its id, constraints, judgements and split; only its text is written
again, in Chinese, from the constraints: the brand, the attribute values and needs as modifiers
run together before the noun ("男款防水登山鞋"), the noun from ``noun_by`` when a constraint
names it ("游戏本"), options after it ("42码", "黑色"), and the price in dollars, the shop's
currency ("150美元以下"). Latin and digits are set off by spaces, as people type them. A
Chinese text that an earlier query already has is written again with other words, and
dropped after a few tries (its English original differed only in a synonym).

Not here: deriving or judging queries (``store.demo.queries``).
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from store.demo.catalog_spec import CategorySpec, category_by_leaf
from store.demo.queries import Constraint, QuerySpec
from store.demo.zh.terms import Terms

_FILLERS = ("", "", "", "", "", "", "好用的", "想买", "求推荐", "推荐")
_UNDER = ("{}美元以下", "{}美元以下", "不超过{}美元", "低于${}", "${}以内", "{}美元以内")
_BETWEEN = ("{}-{}美元", "{}到{}美元之间", "${}-${}", "{}至{}美元")
_AFTER = ("带", "能", "适合")  # needs that read after the noun ("双肩包 带电脑隔层")
_TRIES = 4


def _money(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def _latin(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "$%")


def join(parts: Sequence[str], spaced: bool = False) -> str:
    """Run Chinese pieces together, with a space where Latin or digits meet."""
    out = ""
    for part in (p for p in parts if p):
        if out and (spaced or _latin(out[-1]) or _latin(part[0])):
            out += " "
        out += part
    return out


def _threshold(spec: CategorySpec, c: Constraint) -> str | None:
    for th in spec.attribute(c.key).thresholds:
        if th.op == c.op and th.value == c.value:
            return th.phrase
    return None


def render(rng: random.Random, terms: Terms, spec: CategorySpec, query: QuerySpec) -> str:
    leaf = terms.leaf(spec.leaf)
    head = rng.choice(leaf.synonyms)
    brand = ""
    before: list[str] = []
    after: list[str] = []
    low = high = None
    for c in query.constraints:
        if c.kind == "brand":
            brand = str(c.value)
        elif c.kind == "price":
            low, high = (c.value, high) if c.op == "ge" else (low, c.value)
        elif c.kind == "option":
            after.append(terms.option_asked(c.key, str(c.value)))
        elif c.op != "eq":
            phrase = _threshold(spec, c)
            word = terms.threshold(phrase) if phrase else terms.asked(c.key, c.value)
            (after if word.startswith(_AFTER) else before).append(word)
        elif c.key == spec.noun_by and len(nouns := terms.nouns(spec, {c.key: c.value})) > 1:
            head = rng.choice(nouns[1:])
        else:
            before.append(terms.asked(c.key, c.value))
    rng.shuffle(before)
    if low is not None and high is not None:
        after.append(rng.choice(_BETWEEN).format(_money(low), _money(high)))
    elif high is not None:
        after.append(rng.choice(_UNDER).format(_money(high)))
    spaced = rng.random() < 0.3
    text = join([rng.choice(_FILLERS), brand, join([*before, head], spaced)], spaced)
    return join([text, *after], spaced=True) if after else text


def localise_queries(queries: Sequence[QuerySpec], terms: Terms, seed: int) -> list[QuerySpec]:
    """The queries with Chinese texts (same ids, constraints, judgements and splits)."""
    specs = category_by_leaf()
    seen: set[str] = set()
    out: list[QuerySpec] = []
    for q in queries:
        rng = random.Random(f"{seed}:zh:query:{q.query_id}")
        for _ in range(_TRIES):
            text = render(rng, terms, specs[q.category], q)
            if text.lower() not in seen:
                seen.add(text.lower())
                out.append(
                    QuerySpec(
                        q.query_id,
                        text,
                        q.category,
                        q.constraints,
                        q.judgements,
                        q.split,
                        q.complete,
                    )
                )
                break
    return out


def search_text(rng: random.Random, terms: Terms, spec: CategorySpec, brand: str) -> str:
    """A shopper's search for a product of ``spec``: the category, sometimes the brand."""
    noun = rng.choice(terms.leaf(spec.leaf).synonyms)
    return join([brand, noun]) if rng.random() < 0.35 else noun
