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

A Chinese or Spanish message is read through its English gloss (``assistant.reading.gloss``):
the same readers run over ``Reading.english``, while ``fixed`` stays the shopper's own words
(no English speller runs over them), so the search is given what the shopper typed. The things
a gloss could not match to the shop are its ``unknown_things``.

Not here: deciding what to do (``assistant.policy``), the model's proposal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from assistant.reading import language, service, words
from assistant.reading.cart import CartWords, cart_words
from assistant.reading.choices import choice_in, norm
from assistant.reading.gloss import gloss
from assistant.reading.identifiers import NameZip, email_in, name_zip_in
from assistant.reading.service import OrderScope, ServiceIntent
from assistant.reading.shop import ShopWords, words_of
from assistant.reading.things import content_words, unchecked, unknown_brands
from assistant.reading.wishes import OCCASIONS, RECIPIENTS, ROOMS, VAGUE
from assistant.reading.words import Refine
from tools.constraints import ParsedConstraints, parse_constraints

if TYPE_CHECKING:
    from assistant.state import Choice, OpenQuestion

__all__ = ["Reading", "ShopWords", "choice_in", "read"]

_REQUEST = re.compile(
    r"\b(need|want|wanna|looking\s+for|look(?:ing)?\s+(?:at|into)|find|buy|get|recommend|"
    r"suggest|show\s+me|shopping\s+for|searching\s+for|search\s+for|help\s+me\s+(?:choose|pick|"
    r"find|decide|select)|do\s+you\s+(?:have|sell|carry|stock)|got\s+any|any\s+good|i'?d\s+like|"
    r"in\s+the\s+market\s+for|gift|present|ideas?\s+for|options\s+for|something\s+for)\b",
    re.I,
)
_HELP_CHOOSE = re.compile(
    r"\bhelp\s+me\s+(?:choose|pick|decide|select)\b|"
    r"\bwhich\s+\w+\s+should\s+i\b|\bnot\s+sure\s+which\b",
    re.I,
)


@dataclass(frozen=True)
class Reading:
    text: str  # as typed
    fixed: str  # with typos fixed (English); as typed in another language
    language: str = "en"
    english: str = ""  # the words the readers read: ``fixed``, or the gloss of another language
    yes: bool = False  # a plain yes: it asks for nothing else
    no: bool = False  # a plain no
    said_yes: bool = False  # begins with a yes, whatever else it says ("yes, cancel it")
    said_no: bool = False  # begins with a no or takes something back
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
    cart: CartWords | None = None  # what it asks of the cart (``assistant.reading.cart``)

    @property
    def names_products(self) -> bool:
        """The words name something in the catalog: a category, brand or attribute value."""
        c = self.constraints
        return bool(c.category or c.brands or c.attributes or c.exclude_brands)

    @property
    def has_constraints(self) -> bool:
        c = self.constraints
        return (
            self.names_products
            or bool(c.cleared)
            or any(v is not None for v in (c.price_min, c.price_max, c.min_rating, c.in_stock))
        )


def read(
    text: str,
    shop: ShopWords,
    *,
    question: OpenQuestion | None = None,
    shown: int = 0,
    context_category: str | None = None,
    language_before: str = "en",
) -> Reading:
    """Read ``text`` against the shop; ``question`` is the question on screen, ``shown`` how
    many products are on screen, ``context_category`` the category being discussed,
    ``language_before`` the conversation's language (kept when the message is too short)."""
    lang = language.detect(text, language_before)
    if question is not None and any(norm(c.label) == norm(text) for c in question.choices):
        lang = language_before  # a click on an option ("Camping Tents") keeps the language
    unknown: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    if lang == "en":
        fixed = shop.speller.fix(text)
        english = fixed
    else:
        fixed = text
        glossed = gloss(text, lang, shop)
        english, unknown, categories = glossed.text, glossed.unknown, glossed.categories
    reading = _read(text, fixed, english, lang, unknown, shop, question, shown, context_category)
    if categories and reading.constraints.category is None:
        # a category named in a script the English readers do not read ("帐篷" of a Chinese shop)
        reading.constraints.category = categories[-1]
        return replace(reading, product_request=True)
    return reading


def _read(
    text: str,
    fixed: str,
    english: str,
    lang: str,
    unknown: tuple[str, ...],
    shop: ShopWords,
    question: OpenQuestion | None,
    shown: int,
    context_category: str | None,
) -> Reading:
    spots = words.positions(english, shown)
    parsed = parse_constraints(
        words.without_positions(english) if spots else english, shop.vocab, context_category
    )
    order_ids = tuple(dict.fromkeys(shop.order_ids.find(text) + shop.order_ids.find(english)))
    wishes = unchecked(english, shop, parsed, context_category)
    things, catalog = content_words(english, shop, parsed)
    things = things + unknown
    lower = {w for w in words_of(english)}
    vague = (
        bool(lower & (VAGUE | RECIPIENTS | OCCASIONS | ROOMS))
        or _HELP_CHOOSE.search(english) is not None
    )
    names = bool(parsed.category or parsed.brands or parsed.attributes)
    # "ok, the cheaper one" picks a product; it answers no yes-or-no question
    intent = service.intent(english, bool(order_ids))
    cart = cart_words(english)  # "ok, check out please" asks for something: no plain yes
    other = bool(
        cart
        or words.pick(english)
        or words.refinement(english)
        or names
        or order_ids
        or spots
        or words.COMPARE.search(english)
        or intent
        or parsed.price_max
        or parsed.price_min
        or parsed.min_rating
    )
    return Reading(
        text=text,
        fixed=fixed,
        language=lang,
        english=english,
        yes=words.is_yes(english) and not other,
        no=words.is_no(english) and not other,
        said_yes=words.is_yes(english),
        said_no=words.is_no(english) or bool(words.NO.match(english)),
        greeting=words.is_greeting(english),
        thanks=words.is_thanks(english),
        stop_questions=words.stops_questions(english),
        asks_person=words.asks_for_person(english),
        email=email_in(text),
        name_zip=name_zip_in(text),
        order_ids=order_ids,
        positions=spots,
        compare=bool(words.COMPARE.search(english)),
        details=bool(words.DETAILS.search(english)),
        pick=words.pick(english),
        refine=words.refinement(english),
        instead=bool(words.INSTEAD.search(english)),
        constraints=parsed,
        wishes=wishes,
        unknown_brands=unknown_brands(text if english == fixed else english, shop, parsed),
        unknown_things=things,
        catalog_words=catalog,
        vague=vague and not names,
        help_choose=_HELP_CHOOSE.search(english) is not None,
        rooms=tuple(w for w in words_of(english) if w in ROOMS),
        product_request=bool(_REQUEST.search(english)) or names,
        service=intent,
        scope=service.scope(english),
        # "what's the warranty on electronics?" asks about the rules; "do you have headphones
        # with free shipping?" asks for headphones
        help=service.help_question(english)
        and not order_ids
        and not (names and _REQUEST.search(english)),
        choice=choice_in(text, question)
        or (choice_in(english, question) if english != fixed else None),
        cart=cart,
    )
