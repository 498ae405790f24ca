"""Chinese listing text for a demo product: the title and description a Chinese shop would show.

The title names the same attributes the English title does (``Attribute.title``), in Chinese
order: brand and model, then the features run together, then the noun, then the specs that the
English puts after a dash ("Corevia Vertex 14 16英寸游戏本 英特尔酷睿i7 RTX 4060独显").
The description opens with one of the category's sentences, then lists the described
attributes as a spec table ("【容量】30L【防水等级】防泼水"), as Chinese listings do, and ends
with the options on sale. Attributes and options in the rows are translated the same way.

Not here: choosing what a product is (``store.demo.catalog``), the words (``terms``).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from store.demo.catalog_spec import CategorySpec, Option
from store.demo.listing import phrase
from store.demo.zh.terms import Terms
from store.models import Item


def title(
    terms: Terms, spec: CategorySpec, brand: str, model: str, attrs: Mapping[str, Any]
) -> str:
    pre: list[str] = []
    post: list[str] = []
    for attr in spec.attributes:
        value = attrs.get(attr.key)
        if not phrase(attr.title, attr, value):
            continue
        word = terms.feature(attr.key, value)
        if word:
            (post if attr.title_after else pre).append(word)
    noun = terms.nouns(spec, dict(attrs))[0]
    return " ".join([brand, model, run_together([*pre, noun]), *post])


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def run_together(words: Sequence[str]) -> str:
    """Words written on without spaces, as Chinese titles do ("防水中帮徒步靴"), except
    between two Latin or numeric ones ("2K IPS显示器")."""
    out = ""
    for word in (w for w in words if w):
        out += (" " if out and _latin(out[-1]) and _latin(word[0]) else "") + word
    return out


def attributes(terms: Terms, attrs: Mapping[str, Any]) -> dict[str, Any]:
    """The attributes under their Chinese names, values in Chinese (numbers stay numbers)."""
    return {terms.key(k).name: terms.attribute(k, v) for k, v in attrs.items()}


def options(terms: Terms, values: Mapping[str, Any]) -> dict[str, Any]:
    return {terms.option(k): terms.option_value(str(v)) for k, v in values.items()}


def _offered(terms: Terms, opt: Option, attrs: Mapping[str, Any], items: Sequence[Item]) -> str:
    order = opt.cases.get(attrs.get(opt.given), opt.values) if opt.given else opt.values
    seen = {str((item.options or {}).get(opt.name)) for item in items}
    values = [terms.option_value(v) for v in order if v in seen]
    if not values:
        return ""
    if opt.run and len(values) >= 3:
        return f"{terms.option(opt.name)} {values[0]}–{values[-1]}"
    return f"{terms.option(opt.name)} {'、'.join(values)}"


def description(
    rng: random.Random,
    terms: Terms,
    spec: CategorySpec,
    brand: str,
    model: str,
    attrs: Mapping[str, Any],
    items: Sequence[Item],
) -> str:
    noun = terms.nouns(spec, dict(attrs))[0]
    # a space between the Latin model and the Chinese noun, as Chinese listings set them
    opener = rng.choice(terms.leaf(spec.leaf).openers).format(
        brand=brand, model=f"{model} ", noun=noun
    )
    lines = [
        terms.spec_line(a.key, attrs.get(a.key))
        for a in spec.attributes
        if a.key in attrs and phrase(a.describe, a, attrs.get(a.key))
    ]
    parts = [opener]
    if lines:
        parts.append("".join(lines))
    offered = [t for opt in spec.options if (t := _offered(terms, opt, attrs, items))]
    if offered:
        parts.append(rng.choice(("可选：", "在售：", "规格：")) + "；".join(offered) + "。")
    return " ".join(parts)
