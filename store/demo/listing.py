"""Listing text for demo products: titles and descriptions that state the attributes truthfully.

Titles read like marketplace listings ("Northpeak Summit II Men's Waterproof Mid Hiking Boot",
"Corevia Vertex 14 Gaming Laptop – Intel Core i7, 16-Inch, RTX 4060"); descriptions open with one
of the category's sentences, list every described attribute, and end with the variant options
actually on sale. Search and explanations rely on this text matching the attributes.

Not here: choosing the attributes (``store.demo.catalog``).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from store.demo.catalog_spec import Attribute, CategorySpec, Option
from store.models import Item

_FIRST = (
    "It features {x}.",
    "Highlights include {x}.",
    "You get {x}.",
    "It comes with {x}.",
    "Expect {x}.",
    "Key features: {x}.",
)
_SECOND = (
    "It also offers {x}.",
    "There is also {x}.",
    "On top of that, you get {x}.",
    "Add to that {x}.",
)
_OPTIONS = ("Available in {x}.", "Choose from {x}.", "Sold in {x}.")


def phrase(template: str | Mapping[Any, str], attr: Attribute, value: Any) -> str:
    """The text an attribute value contributes ("" when it should not be mentioned)."""
    if value in attr.silent:
        return ""
    if isinstance(template, str):
        return template.format(v=value) if template else ""
    return template.get(value, "")


def noun_for(spec: CategorySpec, attrs: Mapping[str, Any]) -> str:
    """The title noun: "Espresso Machine" for an espresso-type coffee maker, else the default."""
    if spec.noun_by is not None:
        nouns = spec.nouns.get(attrs.get(spec.noun_by))
        if nouns:
            return nouns[0]
    return spec.noun


def with_article(noun_phrase: str) -> str:
    return ("an " if noun_phrase[:1].lower() in "aeiou" else "a ") + noun_phrase


def join_words(words: Sequence[str], last: str = "and") -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


def make_title(
    rng: random.Random, spec: CategorySpec, brand: str, model: str, attrs: Mapping[str, Any]
) -> str:
    pre: list[str] = []
    post: list[str] = []
    for attr in spec.attributes:
        text = phrase(attr.title, attr, attrs.get(attr.key))
        if not text:
            continue
        if attr.title_after:
            post.append(text)
        elif not pre or rng.random() < 0.8:  # listings leave a feature out now and then
            pre.append(text)
    title = " ".join([brand, model, *pre, noun_for(spec, attrs)])
    withs = [p for p in post if p.startswith("with ")]
    rest = [p for p in post if not p.startswith("with ")]
    if withs:
        title += " " + " and ".join(withs[:1] + [w[5:] for w in withs[1:]])
    if rest:
        title += rng.choice((" – ", " - ", ", ")) + ", ".join(rest)
    return title


def _offered(opt: Option, attrs: Mapping[str, Any], items: Sequence[Item]) -> str:
    order = opt.cases.get(attrs.get(opt.given), opt.values) if opt.given else opt.values
    seen = {str((item.options or {}).get(opt.name)) for item in items}
    values = [v for v in order if v in seen]
    if not values:
        return ""
    idx = [order.index(v) for v in values]
    contiguous = idx == list(range(idx[0], idx[0] + len(idx)))
    if opt.run and len(values) >= 3 and contiguous:
        listed = f"{values[0]}–{values[-1]}"
    else:
        listed = join_words(values, "or")
    return opt.offer.format(values=listed)


def describe(
    rng: random.Random,
    spec: CategorySpec,
    brand: str,
    model: str,
    attrs: Mapping[str, Any],
    items: Sequence[Item],
) -> str:
    noun = noun_for(spec, attrs).lower()
    opener = rng.choice(spec.openers).format(
        brand=brand, model=model, noun=noun, noun_l=noun, a_noun=with_article(noun)
    )
    features = [t for a in spec.attributes if (t := phrase(a.describe, a, attrs.get(a.key)))]
    sentences = [opener]
    if len(features) > 3:
        half = (len(features) + 1) // 2
        sentences.append(rng.choice(_FIRST).format(x=join_words(features[:half])))
        sentences.append(rng.choice(_SECOND).format(x=join_words(features[half:])))
    elif features:
        sentences.append(rng.choice(_FIRST).format(x=join_words(features)))
    offered = [t for opt in spec.options if (t := _offered(opt, attrs, items))]
    if offered:
        sentences.append(rng.choice(_OPTIONS).format(x="; ".join(offered)))
    return " ".join(sentences)
