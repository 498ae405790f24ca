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
from assistant.reading.cart import CartWords, cart_words
from assistant.reading.choices import choice_in
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
    fixed: str  # with typos fixed
    language: str = "en"
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
    many products are on screen, ``context_category`` the category being discussed."""
    fixed = shop.speller.fix(text)
    spots = words.positions(fixed, shown)
    parsed = parse_constraints(
        words.without_positions(fixed) if spots else fixed, shop.vocab, context_category
    )
    order_ids = shop.order_ids.find(text)
    wishes = unchecked(fixed, shop, parsed, context_category)
    things, catalog = content_words(fixed, shop, parsed)
    lower = {w for w in words_of(fixed)}
    vague = (
        bool(lower & (VAGUE | RECIPIENTS | OCCASIONS | ROOMS))
        or _HELP_CHOOSE.search(fixed) is not None
    )
    names = bool(parsed.category or parsed.brands or parsed.attributes)
    # "ok, the cheaper one" picks a product; it answers no yes-or-no question
    intent = service.intent(fixed, bool(order_ids))
    cart = cart_words(text)  # "ok, check out please" asks for something: no plain yes
    other = bool(
        cart
        or words.pick(fixed)
        or words.refinement(fixed)
        or names
        or order_ids
        or spots
        or words.COMPARE.search(fixed)
        or intent
        or parsed.price_max
        or parsed.price_min
        or parsed.min_rating
    )
    return Reading(
        text=text,
        fixed=fixed,
        language=language.detect(text, language_before),
        yes=words.is_yes(fixed) and not other,
        no=words.is_no(fixed) and not other,
        said_yes=words.is_yes(fixed),
        said_no=words.is_no(fixed) or bool(words.NO.match(fixed)),
        greeting=words.is_greeting(fixed),
        thanks=words.is_thanks(fixed),
        stop_questions=words.stops_questions(fixed),
        asks_person=words.asks_for_person(fixed),
        email=email_in(text),
        name_zip=name_zip_in(text),
        order_ids=order_ids,
        positions=spots,
        compare=bool(words.COMPARE.search(fixed)),
        details=bool(words.DETAILS.search(fixed)),
        pick=words.pick(fixed),
        refine=words.refinement(fixed),
        instead=bool(words.INSTEAD.search(fixed)),
        constraints=parsed,
        wishes=wishes,
        unknown_brands=unknown_brands(text, shop, parsed),
        unknown_things=things,
        catalog_words=catalog,
        vague=vague and not names,
        help_choose=_HELP_CHOOSE.search(fixed) is not None,
        rooms=tuple(w for w in words_of(fixed) if w in ROOMS),
        product_request=bool(_REQUEST.search(fixed)) or names,
        service=intent,
        scope=service.scope(fixed),
        # "what's the warranty on electronics?" asks about the rules; "do you have headphones
        # with free shipping?" asks for headphones
        help=service.help_question(fixed)
        and not order_ids
        and not (names and _REQUEST.search(fixed)),
        choice=choice_in(text, question),
        cart=cart,
    )
