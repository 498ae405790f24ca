"""The Read stage: a shopper's message, read once, in code, into a typed ``Reading``.

Everything later stages need from the words is here: the language, a yes or a no, a greeting,
the identifiers the shopper typed (email, name and zip, order numbers in the shop's format),
references to the list on screen ("the first two", "the cheaper one"), refinements
("cheaper", "not that brand", "instead"), constraints against the catalog's own vocabulary,
wishes the catalog cannot check ("for 4 people" where no listing states a capacity), brands
and things the shop does not carry, whether the request is vague, the service request and the
order scope, a policy question, and which option of the question on screen it picks.

Typos are fixed first against the shop's words (``ShopWords.speller``); the constraints are
read from the fixed text, everything that quotes the shopper (identifiers, addresses) from the
text as typed.

Not here: deciding what to do (``assistant.policy``), the model's proposal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.reading import language, service, words
from assistant.reading.identifiers import EMAIL, NameZip, email_in, name_zip_in
from assistant.reading.service import OrderScope, ServiceIntent
from assistant.reading.shop import LEXICON, ShopWords, words_of
from assistant.reading.wishes import (
    FAMOUS_BRANDS,
    OCCASIONS,
    RECIPIENTS,
    ROOMS,
    VAGUE,
    famous_brands_in,
    wish_phrases,
)
from assistant.reading.words import Refine
from tools.constraints import ParsedConstraints, parse_constraints
from tools.vocabulary import noun_forms

if TYPE_CHECKING:
    from assistant.state import Choice, OpenQuestion

__all__ = ["Reading", "ShopWords", "read"]

_REQUEST = re.compile(
    r"\b(need|want|wanna|looking\s+for|look(?:ing)?\s+(?:at|into)|find|buy|get|recommend|"
    r"suggest|show\s+me|shopping\s+for|searching\s+for|search\s+for|help\s+me\s+(?:choose|pick|"
    r"find|decide|select)|do\s+you\s+(?:have|sell|carry|stock)|got\s+any|any\s+good|i'?d\s+like|"
    r"in\s+the\s+market\s+for|gift|present|ideas?\s+for|options\s+for|something\s+for)\b", re.I)
_HELP_CHOOSE = re.compile(r"\bhelp\s+me\s+(?:choose|pick|decide|select)\b|"
                          r"\bwhich\s+\w+\s+should\s+i\b|\bnot\s+sure\s+which\b", re.I)


@dataclass(frozen=True)
class Reading:
    text: str  # as typed
    fixed: str  # with typos fixed
    language: str = "en"
    yes: bool = False
    no: bool = False
    greeting: bool = False
    thanks: bool = False
    stop_questions: bool = False
    asks_person: bool = False
    email: str | None = None
    name_zip: NameZip | None = None
    order_ids: tuple[str, ...] = ()
    positions: tuple[int, ...] = ()
    compare: bool = False
    details: bool = False
    pick: Refine | None = None
    refine: Refine | None = None
    instead: bool = False
    constraints: ParsedConstraints = field(default_factory=ParsedConstraints)
    wishes: tuple[str, ...] = ()  # stated but not checkable against this catalog
    unknown_brands: tuple[str, ...] = ()
    unknown_things: tuple[str, ...] = ()
    catalog_words: tuple[str, ...] = ()  # content words the catalog's listings use
    vague: bool = False
    help_choose: bool = False
    rooms: tuple[str, ...] = ()
    product_request: bool = False
    service: ServiceIntent | None = None
    scope: OrderScope = "all"
    help: bool = False
    choice: Choice | None = None

    @property
    def names_products(self) -> bool:
        """The words name something in the catalog: a category, brand or attribute value."""
        c = self.constraints
        return bool(c.category or c.brands or c.attributes or c.exclude_brands)

    @property
    def has_constraints(self) -> bool:
        c = self.constraints
        return self.names_products or any(
            v is not None for v in (c.price_min, c.price_max, c.min_rating, c.in_stock))


def read(text: str, shop: ShopWords, *, question: OpenQuestion | None = None,
         shown: int = 0, context_category: str | None = None,
         language_before: str = "en") -> Reading:
    """Read ``text`` against the shop; ``question`` is the question on screen, ``shown`` how
    many products are on screen, ``context_category`` the category being discussed."""
    fixed = shop.speller.fix(text)
    parsed = parse_constraints(fixed, shop.vocab, context_category)
    order_ids = shop.order_ids.find(text)
    wishes = _unchecked(fixed, shop, parsed, context_category)
    things, catalog = _content_words(fixed, shop, parsed)
    lower = {w for w in words_of(fixed)}
    vague = bool(lower & (VAGUE | RECIPIENTS | OCCASIONS | ROOMS)) or \
        _HELP_CHOOSE.search(fixed) is not None
    names = bool(parsed.category or parsed.brands or parsed.attributes)
    # "ok, the cheaper one" picks a product; it answers no yes-or-no question
    other = bool(words.pick(fixed) or words.refinement(fixed) or names or order_ids or
                 words.positions(fixed, shown) or words.COMPARE.search(fixed))
    return Reading(
        text=text,
        fixed=fixed,
        language=language.detect(text, language_before),
        yes=words.is_yes(fixed) and not other,
        no=words.is_no(fixed) and not other,
        greeting=words.is_greeting(fixed),
        thanks=words.is_thanks(fixed),
        stop_questions=words.stops_questions(fixed),
        asks_person=words.asks_for_person(fixed),
        email=email_in(text),
        name_zip=name_zip_in(text),
        order_ids=order_ids,
        positions=words.positions(fixed, shown),
        compare=bool(words.COMPARE.search(fixed)),
        details=bool(words.DETAILS.search(fixed)),
        pick=words.pick(fixed),
        refine=words.refinement(fixed),
        instead=bool(words.INSTEAD.search(fixed)),
        constraints=parsed,
        wishes=wishes,
        unknown_brands=_unknown_brands(text, shop, parsed),
        unknown_things=things,
        catalog_words=catalog,
        vague=vague and not names,
        help_choose=_HELP_CHOOSE.search(fixed) is not None,
        rooms=tuple(w for w in words_of(fixed) if w in ROOMS),
        product_request=bool(_REQUEST.search(fixed)) or names,
        service=service.intent(fixed, bool(order_ids)),
        scope=service.scope(fixed),
        help=service.help_question(fixed) and not order_ids,
        choice=choice_in(text, question),
    )


_NAME_RUN = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][\w'&-]+(?:\s+[A-Z][\w'&-]+){0,2})")
_BY_BRAND = re.compile(r"\b(?:by|from|made\s+by|brand)\s+([A-Z][\w'&-]+(?:\s+[A-Z][\w'&-]+)?)")


def _unknown_brands(text: str, shop: ShopWords, parsed: ParsedConstraints) -> tuple[str, ...]:
    """Brands the shopper names that the shop lacks: well-known ones, and a capitalised name
    the catalog does not know right before the category named or after "by"/"from"."""
    found = [b for b in famous_brands_in(text) if b.lower() not in shop.vocab.brands]
    if parsed.category:
        names = [m.group(1) for m in _BY_BRAND.finditer(text)]
        for m in _NAME_RUN.finditer(text):
            after = text[m.end():m.end() + 40].lower()
            if any(after.lstrip().startswith(w) for w in _category_words(parsed.category)):
                names.append(m.group(1))
        for name in names:
            words = words_of(name)
            if words and not any(shop.sells_word(w) or w in LEXICON for w in words) and \
                    name.lower() not in shop.vocab.brands:
                found.append(name)
    return tuple(dict.fromkeys(found))


def _category_words(category: str) -> set[str]:
    return {f for w in words_of(category) for f in noun_forms(w)}


def _unchecked(text: str, shop: ShopWords, parsed: ParsedConstraints,
               category: str | None) -> tuple[str, ...]:
    """Wish phrases the catalog's vocabulary does not read as a constraint. A one-word wish
    that is a word of some values ("blue" of "Midnight Blue") becomes a constraint on those
    values (added to ``parsed``)."""
    out = []
    context = parsed.category or category
    for _, _, phrase in wish_phrases(text):
        as_constraint = parse_constraints(phrase, shop.vocab, context)
        if as_constraint.attributes or as_constraint.category:
            continue
        partial = shop.values_with_word(phrase, shop.vocab.leaves_for(context)) \
            if " " not in phrase else {}
        if len(partial) == 1:
            key, values = next(iter(partial.items()))
            if key not in parsed.attributes:
                parsed.attributes[key] = values
                continue
        out.append(phrase)
    return tuple(dict.fromkeys(out))


_OBJECT = re.compile(r"\b(?:a|an|some|any|the|buy|sell|sells|carry|stock|need|want|get|"
                     r"for|of|new|cheap|good|nice)\s+$", re.I)


def _objects(text: str, things: list[list[str]]) -> tuple[str, ...]:
    """The unknown phrases that stand where a product would ("a kayak", "do you sell
    trampolines"), not adjectives or filler ("my kitchen is empty")."""
    lowered = text.lower()
    out = []
    for thing in things:
        phrase = " ".join(thing)
        at = lowered.find(phrase)
        bare = at == 0 and len(lowered.split()) <= 3  # "kayaks please"
        before = lowered[max(0, at - 30):at]
        # "a kayak", "a hot tub": a determiner or request verb, at most one word between
        if at >= 0 and (_OBJECT.search(before) or _OBJECT.search(re.sub(r"\w+\s+$", "", before))
                        or bare):
            out.append(phrase)
    return tuple(out)


def _content_words(text: str, shop: ShopWords, parsed: ParsedConstraints
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
        if word in skip or word in wish_words or len(word) < 3 or word in brands \
                or any(f in skip for f in noun_forms(word)) or word in FAMOUS_BRANDS:
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


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w$#.%-]+", " ", text.lower()).split())


def choice_in(text: str, question: OpenQuestion | None) -> Choice | None:
    """The option of ``question`` that ``text`` picks: its label (a click sends it exactly,
    or typed), an order number, a value or category it names alone, or its position."""
    if question is None or not question.choices:
        return None
    said = _norm(text)
    if not said:
        return None
    for choice in question.choices:
        if _norm(choice.label) == said:
            return choice
    if question.kind == "confirm":
        return None  # a yes or a no is read as such (``words``), never from shared words
    for choice in question.choices:  # an order number, a value or a category, named
        named = _norm(choice.value) if choice.kind in ("order", "value", "category") else ""
        if named in _GENERIC_VALUES:
            continue  # "no" of "Is waterproof a must?" is said only alone (the label)
        if named and re.search(rf"(?<![\w#]){re.escape(named)}(?![\w])", said):
            others = [c for c in question.choices if c is not choice and c.value and
                      re.search(rf"(?<![\w#]){re.escape(_norm(c.value))}(?![\w])", said)]
            if not others:
                return choice
    inside = [c for c in question.choices if len(said) >= 3 and
              (said in _norm(c.label) or _norm(c.label) in said)]
    if len(inside) == 1:
        return inside[0]
    titled = [c for c in question.choices if c.kind == "items" and
              (title := _norm(c.label.split(" (")[0])) and len(title) > 2 and title in said]
    if len(titled) == 1:
        return titled[0]
    spots = words.positions(text, len(question.choices))
    if len(spots) == 1 and len(said.split()) <= 4:
        return question.choices[spots[0] - 1]
    relaxed = [c for c in question.choices if c.kind == "relax" and
               (pattern := _RELAX_WORDS.get(c.key.split(".")[0])) is not None and
               pattern.search(text)]
    if len(relaxed) == 1:
        return relaxed[0]
    return _overlapping(said, question.choices)


_GENERIC_VALUES = frozenset({"yes", "no", "none", "other", "standard", "regular", "any"})
# How shoppers accept a relaxation without clicking it ("ok, raise the budget").
_MORE = r"(?:raise|increase|higher|bigger|up|more|extend|stretch|go\s+up\s+on)"
_RELAX_WORDS = {
    "price_max": re.compile(rf"\b{_MORE}\b[^.?!]*\b(?:price|cap|budget|limit|max\w*)\b|"
                            r"\b(?:raise|increase|up)\s+it\b|\bgo\s+(?:a\s+bit\s+)?(?:higher|up)\b|"
                            r"^\W*(?:ok\w*|fine|sure)?\W*(?:then\s+)?(?:higher|raise|increase)\W*$|"
                            r"\b(?:spend|pay)\s+(?:a\s+bit\s+|a\s+little\s+|some\s+)?more\b|"
                            r"\bmore\s+money\b|\b(?:pricier|more\s+expensive)\b", re.I),
    "price_cap": re.compile(r"\b(?:forget|ignore|drop|remove|skip|never\s*mind|no)\s+(?:the\s+|"
                            r"my\s+|a\s+|about\s+the\s+)?(?:budget|price(?:\s+(?:cap|limit))?|cap|"
                            r"limit)\b|"
                            r"\b(?:any|whatever)\s+price\b|\bprice\s+doesn'?t\s+matter\b", re.I),
    "price_min": re.compile(r"\b(?:lower|drop|remove)\b[^.?!]*\b(?:floor|minimum)\b", re.I),
    "min_rating": re.compile(r"\b(?:lower|any|drop)\b[^.?!]*\brating\b|\bfewer\s+stars\b",
                             re.I),
    "brands": re.compile(r"\b(?:other|any|different)\s+brands?\b", re.I),
    "exclude_brands": re.compile(r"\ballow\b[^.?!]*\bagain\b", re.I),
    "category": re.compile(r"\b(?:beyond|other\s+categor\w*|anything\s+else|"
                           r"other\s+kinds?)\b", re.I),
    "in_stock": re.compile(r"\bout\s+of\s+stock\b|\bcan\s+wait\b", re.I),
    "attributes": re.compile(r"\b(?:drop|without|skip|forget|ignore)\b", re.I),
}
_FILLER = frozenset("the a an and or to of for with from in on it ok okay please yes no "
                    "that this then let's lets fine sure".split())


def _overlapping(said: str, choices: list[Choice]) -> Choice | None:
    """The one option whose label shares at least two content words with the message."""
    wanted = {w for w in said.split() if len(w) > 2 and w not in _FILLER}
    scores = [(len(wanted & {w for w in _norm(c.label).split() if w not in _FILLER}), i)
              for i, c in enumerate(choices)]
    best = max(scores, default=(0, -1))
    if best[0] >= 2 and [s for s, _ in scores].count(best[0]) == 1:
        return choices[best[1]]
    return None
