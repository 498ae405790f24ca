"""What the shopper wants, as typed constraints: parsed from their words, merged over turns.

``parse_constraints`` reads a shopper's message against the ``CatalogVocabulary`` without the
LLM: category, brands (and "not Acme" / "no Acme" as exclusions), attribute and option values
with the key each belongs to (a value that several keys share is resolved by the category, and
skipped when still ambiguous), price, rating and stock phrases (``tools.phrases``), and "any
brand" / "any colour" as a request to drop a constraint. ``merge_constraints`` combines the
previous turns, the model's tool arguments and the parse: what the shopper said stays until the
shopper changes it, the model only fills what the shopper has not said, and a new category
starts over. ``to_filter`` makes the retrieval filter of the result.

Not here: checking a product against constraints (``tools.checks``), the tools themselves.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from retrieval.documents import norm_key
from retrieval.filters import ProductFilter
from tools.phrases import parse_phrases
from tools.vocabulary import CatalogVocabulary, Match, Sense, tokens
from tools.vocabulary import words as split_words

_NEGATORS = frozenset(
    {
        "not",
        "no",
        "non",
        "except",
        "excluding",
        "exclude",
        "without",
        "avoid",
        "avoiding",
        "never",
        "nothing",
        "isn't",
        "aren't",
        "hate",
        "dislike",
        "skip",
        "than",
    }
)
# Words that may stand between a negator and the brand: "not a big fan of Acme".
_BETWEEN = frozenset(
    {
        "a",
        "an",
        "the",
        "big",
        "huge",
        "fan",
        "fans",
        "of",
        "really",
        "any",
        "more",
        "that",
        "from",
        "by",
        "brand",
        "anything",
        "made",
        "items",
    }
)
_NEG_PAIRS = frozenset({("anything", "but"), ("other", "than"), ("rather", "than")})
_FILLERS = frozenset({"from", "by", "the", "any", "a", "made"})
_LIST_GLUE = frozenset({"or", "nor", "and"})
_ANY = frozenset({"any", "whatever", "either"})
# "price doesn't matter", "money is no object", "forget the budget": the cap and floor go
_PRICE_FREE = re.compile(
    r"\b(?:price|cost|money|budget)\s+(?:doesn'?t|does\s+not|don'?t)\s+matter\b|"
    r"\b(?:price|money|cost|budget)\s+(?:is\s+no|isn'?t\s+an?|is\s+not\s+an?)\s+"
    r"(?:object|issue|problem|concern)\b|\bregardless\s+of\s+(?:the\s+)?(?:price|cost)\b|"
    r"\b(?:forget|ignore|drop|remove|never\s*mind)\s+(?:about\s+)?(?:the\s+|my\s+)?"
    r"(?:budget|price|cost)(?:\s+(?:cap|limit))?\b|\bno\s+(?:budget|price\s+limit)\b",
    re.I,
)
_SAID_KEYS = (
    "category",
    "brands",
    "exclude_brands",
    "price_min",
    "price_max",
    "min_rating",
    "in_stock",
)
_AMBIGUOUS_SHARE = 2 / 3  # one key must hold this share of a shared value's products


class Constraints(BaseModel):
    """Hard product constraints of a conversation. ``said`` lists what the shopper stated in
    their own words ("price_max", "attributes.size"); only the shopper can change those.
    ``attributes`` maps a key to the values allowed (any of them)."""

    model_config = ConfigDict(frozen=True)

    category: str | None = None
    brands: list[str] = Field(default_factory=list)
    exclude_brands: list[str] = Field(default_factory=list)
    attributes: dict[str, list[str]] = Field(default_factory=dict)
    price_min: float | None = None
    price_max: float | None = None
    min_rating: float | None = None
    in_stock: bool = False
    said: list[str] = Field(default_factory=list)

    def fixed_keys(self) -> set[str]:
        """Attribute keys the constraints already settle (normalised), for clarification."""
        fixed = {norm_key(k) for k in self.attributes}
        if self.brands:
            fixed.add("brand")
        return fixed

    def describe(self) -> str:
        parts = [self.category] if self.category else []
        if self.brands:
            parts.append(" or ".join(self.brands))
        parts += [f"not {b}" for b in self.exclude_brands]
        parts += [f"{k.replace('_', ' ')} {' or '.join(v)}" for k, v in self.attributes.items()]
        if self.price_min is not None and self.price_max is not None:
            parts.append(f"${self.price_min:,.2f}-${self.price_max:,.2f}")
        elif self.price_max is not None:
            parts.append(f"under ${self.price_max:,.2f}")
        elif self.price_min is not None:
            parts.append(f"over ${self.price_min:,.2f}")
        if self.min_rating is not None:
            parts.append(f"rated {self.min_rating:g}+")
        if self.in_stock:
            parts.append("in stock")
        return ", ".join(parts) or "none"


@dataclass
class ParsedConstraints:
    """What one message states, field by field (None / empty: not mentioned)."""

    category: str | None = None
    brands: list[str] = field(default_factory=list)
    exclude_brands: list[str] = field(default_factory=list)
    attributes: dict[str, list[str]] = field(default_factory=dict)
    price_min: float | None = None
    price_max: float | None = None
    min_rating: float | None = None
    in_stock: bool | None = None
    currency: str | None = (
        None  # the currency of the price said ("USD", "EUR", "CNY"); not converted
    )
    cleared: set[str] = field(default_factory=set)  # "brands", "price", "attributes.color"
    category_by_head: bool = False  # the category was named by its head noun only ("makers")
    unresolved: list[str] = field(default_factory=list)  # phrases with several meanings

    @property
    def said(self) -> set[str]:
        values = {
            "category": self.category,
            "brands": self.brands or None,
            "exclude_brands": self.exclude_brands or None,
            "price_min": self.price_min,
            "price_max": self.price_max,
            "min_rating": self.min_rating,
            "in_stock": self.in_stock,
        }
        return {k for k, v in values.items() if v is not None} | {
            f"attributes.{norm_key(k)}" for k in self.attributes
        }


def _negated(toks: list[str], start: int) -> bool:
    i = start - 1
    while i >= 0 and (
        (toks[i] in _FILLERS and start - i <= 2) or (toks[i] in _BETWEEN and start - i <= 5)
    ):
        i -= 1
    if i < 0:
        return False
    return toks[i] in _NEGATORS or (i > 0 and (toks[i - 1], toks[i]) in _NEG_PAIRS)


def _pick_value(senses: tuple[Sense, ...], leaves: frozenset[str] | None) -> Sense | None:
    values = [s for s in senses if s.kind == "value"]
    if leaves is not None:
        values = [s for s in values if s.categories & leaves]
    if not values:
        return None
    by_key: Counter[str] = Counter()
    for s in values:
        by_key[norm_key(s.name)] += max(s.products, 1)
    key, n = by_key.most_common(1)[0]
    if n < _AMBIGUOUS_SHARE * sum(by_key.values()):
        return None
    return max((s for s in values if norm_key(s.name) == key), key=lambda s: s.products)


def _pick_category(matches: list[Match]) -> tuple[str | None, Match | None, bool]:
    found = [(m, s) for m in matches for s in m.senses if s.kind == "category"]
    if not found:
        return None, None, False
    # a full name beats a head noun, a narrower category a broader one, a later one an earlier
    m, s = min(found, key=lambda ms: (ms[1].head, len(ms[1].categories), -ms[0].start))
    return s.name, m, s.head


def _cleared(toks: list[str], vocab: CatalogVocabulary) -> set[str]:
    out: set[str] = set()
    for i, tok in enumerate(toks):
        nxt = toks[i + 1 : i + 4]
        if (
            tok in _ANY
            or (tok == "care" and i > 0 and toks[i - 1] in ("don't", "dont", "not"))
            or (tok == "preference" and i > 0 and toks[i - 1] == "no")
        ):
            if not nxt:
                continue
            if nxt[0] in ("brand", "brands") or nxt[:2] in (["about", "brand"], ["on", "brand"]):
                out.add("brands")
            elif {"price", "budget"} & set(nxt[:2]):
                out.add("price")
            else:
                for n in (3, 2, 1):
                    key = vocab.resolve_key(
                        "_".join(w for w in nxt[:n] if w not in ("about", "on", "for", "the"))
                    )
                    if key:
                        out.add(f"attributes.{norm_key(key)}")
                        break
    return out


def parse_constraints(
    text: str, vocab: CatalogVocabulary, context_category: str | None = None
) -> ParsedConstraints:
    """The constraints a shopper's own words state, against the catalog's vocabulary. A value
    word is read in the category the message names, else in ``context_category`` (the
    conversation's): "max" is a cushioning only where running shoes are being discussed."""
    phrases = parse_phrases(text)
    out = ParsedConstraints(
        price_min=phrases.price_min,
        price_max=phrases.price_max,
        min_rating=phrases.min_rating,
        in_stock=phrases.in_stock,
        currency=phrases.currency,
    )
    toks = [t for t, _, _ in tokens(phrases.rest)]
    matches = vocab.match(toks)
    out.category, category_match, out.category_by_head = _pick_category(matches)
    leaves = vocab.leaves_for(out.category or context_category)
    last_excluded = -1
    for m in matches:
        if m is category_match:
            continue
        brand = next((s for s in m.senses if s.kind == "brand"), None)
        if brand is not None:
            glue = set(toks[last_excluded : m.start]) <= _LIST_GLUE if last_excluded >= 0 else False
            if _negated(toks, m.start) or glue:
                out.exclude_brands.append(brand.name)
                last_excluded = m.end
            else:
                out.brands.append(brand.name)
            continue
        sense = _pick_value(m.senses, leaves)
        if sense is None:
            # another category word ("boots" after "hiking boots") says nothing more
            if any(s.kind == "value" for s in m.senses) and not any(
                s.kind == "category" for s in m.senses
            ):
                out.unresolved.append(" ".join(toks[m.start : m.end]))
            continue
        key = norm_key(sense.name)
        value = sense.value
        if key in vocab.boolean_keys and _negated(toks, m.start):
            value = "no"
        chosen = out.attributes.setdefault(vocab.keys.get(key, sense.name), [])
        if value not in chosen:
            chosen.append(value)
        _continue_list(toks, m.end, key, vocab, chosen)
    out.brands = list(dict.fromkeys(b for b in out.brands if b not in out.exclude_brands))
    out.exclude_brands = list(dict.fromkeys(out.exclude_brands))
    stated = {f"attributes.{norm_key(k)}" for k in out.attributes}
    if out.brands or out.exclude_brands:
        stated.add("brands")
    if out.price_min is not None or out.price_max is not None:
        stated.add("price")
    cleared = _cleared(toks, vocab)
    if _PRICE_FREE.search(text):
        cleared.add("price")
    out.cleared = cleared - stated  # "any size 10 shoe" fixes the size
    return out


def _continue_list(
    toks: list[str], end: int, key: str, vocab: CatalogVocabulary, chosen: list[str]
) -> None:
    """ "size 10 or 10.5": bare values right after a keyed one belong to the same key."""
    i = end
    while i + 1 < len(toks) and toks[i] in _LIST_GLUE:
        value = vocab.resolve_value(key, toks[i + 1])
        if value is None:
            return
        if value not in chosen:
            chosen.append(value)
        i += 2


def _norm(text: str | None) -> str:
    return " ".join(split_words(text or ""))


def merge_constraints(
    previous: Constraints | None, llm_args: Constraints | None, parsed: ParsedConstraints
) -> Constraints:
    """This turn's constraints: earlier turns, then the model's arguments where the shopper has
    not spoken, then the shopper's own words, which always win. Naming a different category
    (the shopper, or the model when the shopper never named one) starts over."""
    prev = previous or Constraints()
    llm = llm_args or Constraints()
    said = set(prev.said)
    new_category = parsed.category or (llm.category if "category" not in said else None)
    if new_category and prev.category and _norm(new_category) != _norm(prev.category):
        prev, said = Constraints(), set()
    data = prev.model_dump(exclude={"said"})
    attributes: dict[str, list[str]] = {norm_key(k): v for k, v in prev.attributes.items()}
    names: dict[str, str] = {norm_key(k): k for k in prev.attributes}
    for name in _SAID_KEYS:
        value = getattr(llm, name)
        if value not in (None, [], False) and name not in said:
            data[name] = value
    for key, values in llm.attributes.items():
        if f"attributes.{norm_key(key)}" not in said:
            attributes[norm_key(key)], names[norm_key(key)] = list(values), key
    for name in ("category", "price_min", "price_max", "min_rating", "in_stock"):
        value = getattr(parsed, name)
        if value is not None:
            data[name] = value
    if parsed.brands:
        data["brands"] = list(parsed.brands)
    excluded = [b for b in data["exclude_brands"] if b not in parsed.brands]
    data["exclude_brands"] = list(dict.fromkeys(excluded + parsed.exclude_brands))
    data["brands"] = [b for b in data["brands"] if b not in data["exclude_brands"]]
    for key, values in parsed.attributes.items():
        attributes[norm_key(key)], names[norm_key(key)] = list(values), key
    now = parsed.said
    low, high = data["price_min"], data["price_max"]
    if low is not None and high is not None and low > high:
        # the bound stated last (this message, else the shopper's) wins over the other
        if "price_max" in now or ("price_min" not in now and "price_max" in said):
            data["price_min"] = None
        else:
            data["price_max"] = None
    said |= now
    for cleared in parsed.cleared:
        if cleared == "brands":
            data["brands"], data["exclude_brands"] = [], []
            said -= {"brands", "exclude_brands"}
        elif cleared == "price":
            data["price_min"] = data["price_max"] = None
            said -= {"price_min", "price_max"}
        else:
            attributes.pop(cleared.removeprefix("attributes."), None)
            said.discard(cleared)
    data["attributes"] = {names[k]: v for k, v in attributes.items()}
    data["said"] = sorted(s for s in said if _still_set(s, data))
    return Constraints(**data)


def _still_set(name: str, data: dict[str, object]) -> bool:
    if name.startswith("attributes."):
        attrs = data["attributes"]
        return isinstance(attrs, dict) and any(norm_key(k) == name[11:] for k in attrs)
    return data.get(name) not in (None, [], False)


def to_filter(constraints: Constraints, vocab: CatalogVocabulary | None = None) -> ProductFilter:
    """The retrieval filter. Exclusions become the allowed brands of the category when the
    vocabulary is given; without it they are left to the result check."""
    brands: list[str] | None = list(constraints.brands) or None
    if constraints.exclude_brands and vocab is not None:
        pool = brands or vocab.brands_in(constraints.category)
        kept = [b for b in pool if b not in constraints.exclude_brands]
        brands = kept or [f"(none but {', '.join(constraints.exclude_brands)})"]
    return ProductFilter(
        category=constraints.category,
        brands=brands,
        price_min=constraints.price_min,
        price_max=constraints.price_max,
        min_rating=constraints.min_rating,
        in_stock=constraints.in_stock,
        attributes={k: list(v) for k, v in constraints.attributes.items() if v},
    )
