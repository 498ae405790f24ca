"""What a message names that the catalog cannot check or does not have: brands the shop
does not carry (well-known ones, or a capitalised name it lacks right before the category
named), things no listing mentions standing where a product would ("a kayak"), and wishes
the catalog's vocabulary does not read as a constraint ("for 4 people").

Not here: what to do about them (``assistant.policy.discovery``).
"""

from __future__ import annotations

import re

from assistant.reading.identifiers import EMAIL
from assistant.reading.shop import LEXICON, ShopWords, words_of
from assistant.reading.wishes import FAMOUS_BRANDS, famous_brands_in, wish_phrases
from retrieval.documents import norm_key
from tools.constraints import ParsedConstraints, parse_constraints
from tools.vocabulary import noun_forms

_NAME_RUN = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][\w'&-]+(?:\s+[A-Z][\w'&-]+){0,2})")
_BY_BRAND = re.compile(
    r"\b(?:by|from|made\s+by|brand|(?:carry|stock|sell|have)(?:\s+any)?)\s+"
    r"([A-Z][\w'&-]+(?:\s+[A-Z][\w'&-]+)?)"
)
_OPENING_NAMES = re.compile(r"^(?:[A-Z][\w'&-]+\s+)+$")  # "Maui " before "Jim sunglasses"


def unknown_brands(text: str, shop: ShopWords, parsed: ParsedConstraints) -> tuple[str, ...]:
    """Brands the shopper names that the shop lacks: well-known ones, and a capitalised name
    the catalog does not know right before the category named or after "by"/"from"."""
    found = [b for b in famous_brands_in(text) if b.lower() not in shop.vocab.brands]
    if parsed.category:
        names = [m.group(1) for m in _BY_BRAND.finditer(text)]
        for m in _NAME_RUN.finditer(text):
            after = text[m.end() : m.end() + 40].lower()
            if any(after.lstrip().startswith(w) for w in _category_words(parsed.category)):
                # a name that opens the message is not matched alone ("Maui Jim" not "Jim")
                opening = _OPENING_NAMES.match(text[: m.start(1)])
                names.append(text[: m.end(1)].strip() if opening else m.group(1))
        for name in names:
            words = words_of(name)
            if (
                words
                and not any(shop.sells_word(w) or w in LEXICON for w in words)
                and name.lower() not in shop.vocab.brands
            ):
                found.append(name)
    return tuple(dict.fromkeys(found))


def _category_words(category: str) -> set[str]:
    return {f for w in words_of(category) for f in noun_forms(w)}


def unchecked(
    text: str, shop: ShopWords, parsed: ParsedConstraints, category: str | None
) -> tuple[str, ...]:
    """Wish phrases the catalog's vocabulary does not read as a constraint. A one-word wish
    that is a word of some values ("blue" of "Midnight Blue") becomes a constraint on those
    values (added to ``parsed``)."""
    out = []
    context = parsed.category or category
    for _, _, phrase in wish_phrases(text):
        as_constraint = parse_constraints(phrase, shop.vocab, context)
        if as_constraint.attributes or as_constraint.category:
            continue
        partial = (
            shop.values_with_word(phrase, shop.vocab.leaves_for(context))
            if " " not in phrase
            else {}
        )
        if len(partial) == 1:
            key, values = next(iter(partial.items()))
            if key not in parsed.attributes:
                parsed.attributes[key] = values
                continue
        elsewhere = _value_elsewhere(phrase, shop, context)
        if elsewhere and elsewhere[0] not in parsed.attributes:
            # "green" for backpacks where none is green but backpacks do come in colours:
            # a constraint nothing meets, so the shopper hears what comes closest
            parsed.attributes[elsewhere[0]] = [elsewhere[1]]
            continue
        out.append(phrase)
    return tuple(dict.fromkeys(out))


def _value_elsewhere(phrase: str, shop: ShopWords, category: str | None) -> tuple[str, str] | None:
    """(key, value) when ``phrase`` is one whole value of a key the category's products
    have, though none of them has that value; None when ambiguous or unknown."""
    if category is None or " " in phrase:
        return None
    leaves = shop.vocab.leaves_for(category)
    if not leaves:
        return None
    keys = shop.keys_in(leaves)
    found = {
        (shop.vocab.keys.get(norm_key(s.name), s.name), s.value)
        for s in shop.vocab.phrases.get((phrase.lower(),), ())
        if s.kind == "value"
    }
    found = {(k, v) for k, v in found if k in keys}
    return next(iter(found)) if len(found) == 1 else None


_OBJECT = re.compile(
    r"\b(?:a|an|some|any|the|buy|sell|sells|carry|stock|need|want|get|"
    r"for|of|new|cheap|good|nice)\s+$",
    re.I,
)


def _objects(text: str, things: list[list[str]]) -> tuple[str, ...]:
    """The unknown phrases that stand where a product would ("a kayak", "do you sell
    trampolines"), not adjectives or filler ("my kitchen is empty")."""
    lowered = text.lower()
    out = []
    for thing in things:
        phrase = " ".join(thing)
        at = lowered.find(phrase)
        bare = at == 0 and len(lowered.split()) <= 3  # "kayaks please"
        before = lowered[max(0, at - 30) : at]
        # "a kayak", "a hot tub": a determiner or request verb, at most one word between
        if at >= 0 and (
            _OBJECT.search(before) or _OBJECT.search(re.sub(r"\w+\s+$", "", before)) or bare
        ):
            out.append(phrase)
    return tuple(out)


def content_words(
    text: str, shop: ShopWords, parsed: ParsedConstraints
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(things the shop's listings never mention, standing where a product would; content
    words the listings do use). Adjacent unknown words form one thing ("lawn mower")."""
    brands = " ".join(famous_brands_in(text)).lower()
    text = EMAIL.sub(" ", text)
    skip = LEXICON
    wish_words = {w for _, _, p in wish_phrases(text) for w in words_of(p)}
    things: list[list[str]] = []
    known: list[str] = []
    previous_unknown = False
    for word in words_of(text):
        if (
            word in skip
            or word in wish_words
            or len(word) < 3
            or word in brands
            or any(f in skip for f in noun_forms(word))
            or word in FAMOUS_BRANDS
        ):
            previous_unknown = False
            continue
        if shop.sells_word(word):
            known.append(word)
            previous_unknown = False
        elif previous_unknown:
            things[-1].append(word)
        else:
            things.append([word])
            previous_unknown = True
    return _objects(text, things), tuple(dict.fromkeys(known))
