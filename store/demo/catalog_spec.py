"""The demo shop's categories as data: attribute schemas, variant options, brands, wording.

Each ``CategorySpec`` says how to invent one kind of product: which attributes it has and how
they are distributed (optionally depending on an earlier attribute, so espresso machines get
espresso-sized tanks), which variant options it is sold in, its brands with price/quality tiers,
how titles and descriptions name its attributes, how shoppers ask for them in a search, and which
review aspects matter for it. The data itself lives in ``spec_<department>.py``;
``all_categories()`` gathers it.

Not here: turning specs into rows (``store.demo.catalog``), reviews (``store.demo.reviews``),
labelled queries (``store.demo.queries``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType
from typing import Any, Literal

Op = Literal["eq", "le", "ge"]

BUDGET, MID, PREMIUM = 0, 1, 2
TIER_PRICE = (0.72, 1.0, 1.55)  # price multiplier per brand tier
TIER_QUALITY = (0.40, 0.55, 0.70)  # mean hidden quality per brand tier


def _frozen(mapping: Mapping[Any, Any] | None = None) -> Mapping[Any, Any]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class Choice:
    """Values with relative weights and price multipliers (both default to even/1.0)."""

    values: tuple[Any, ...]
    weights: tuple[float, ...] | None = None
    uplift: tuple[float, ...] | None = None


@dataclass(frozen=True)
class Threshold:
    """A numeric need a shopper phrases in words: "lightweight" means weight_g <= 260."""

    phrase: str
    op: Op
    value: float


@dataclass(frozen=True)
class Attribute:
    """A product-level spec.

    ``describe`` is a noun phrase for descriptions ("{v}" is the value) or a per-value mapping
    (a value mapped to "" is not mentioned). ``title`` likewise, for listing titles (default: not
    in the title). ``query`` maps a value to the ways shoppers ask for it; a phrase starting with
    "for", "with", "in", "that" or "size" goes after the product noun, anything else before it.
    ``thresholds`` are numeric needs in words ("lightweight" is weight_g <= 260).
    """

    key: str
    choice: Choice  # used when ``given`` is unset or its value has no case
    given: str | tuple[str, ...] | None = None  # earlier attribute(s) selecting the Choice
    cases: Mapping[Any, Choice] = field(default_factory=_frozen)
    describe: str | Mapping[Any, str] = "{v}"
    silent: tuple[Any, ...] = ()  # values that mean "not applicable": never described
    title: str | Mapping[Any, str] = ""
    title_after: bool = False  # "... Laptop – Intel Core i7" rather than "Waterproof ... Boot"
    query: Mapping[Any, tuple[str, ...]] = field(default_factory=_frozen)
    thresholds: tuple[Threshold, ...] = ()


@dataclass(frozen=True)
class Option:
    """A variant dimension; each product offers ``pick`` of its values (a contiguous run when
    ``run`` is set, as for sizes). ``offer`` names the offered values in a description
    ("sizes {values}"); ``query`` holds the ways a shopper asks for one value ("size {v}")."""

    name: str
    values: tuple[str, ...]
    pick: tuple[int, int] = (1, 1)
    run: bool = False
    uplift: Mapping[str, float] = field(default_factory=_frozen)
    given: str | None = None  # an attribute whose value selects the values
    cases: Mapping[Any, tuple[str, ...]] = field(default_factory=_frozen)
    offer: str = "{values}"
    query: tuple[str, ...] = ("{v}",)


@dataclass(frozen=True)
class Brand:
    name: str
    tier: int  # BUDGET, MID or PREMIUM


@dataclass(frozen=True)
class AspectHint:
    """Reviews lean this way on ``aspect`` when attribute ``key`` meets ``op value``."""

    aspect: str
    key: str
    op: Op
    value: Any
    sentiment: int


@dataclass(frozen=True)
class CategorySpec:
    department: str
    leaf: str  # "Running Shoes"; also the product type
    noun: str  # singular title noun: "Running Shoe"
    plural: bool  # whether shoppers talk about one as "these" (shoes) or "this" (laptop)
    synonyms: tuple[str, ...]  # how shoppers name the category: "running shoes", "trainers"
    median_price: float
    price_sigma: float
    brands: tuple[Brand, ...]
    model_words: tuple[str, ...]
    model_tails: tuple[str, ...]
    attributes: tuple[Attribute, ...]
    options: tuple[Option, ...]
    max_variants: int
    openers: tuple[str, ...]  # first description sentence; {brand} {model} {noun} {noun_l}
    uses: tuple[str, ...]  # review context: "for my daily runs"
    aspects: tuple[str, ...]  # review aspects, most talked-about first
    hints: tuple[AspectHint, ...] = ()
    # ``noun_by`` names the attribute whose value picks the title noun: nouns[value] is
    # (title noun, *search phrases that imply that value), e.g. ("Espresso Machine",
    # "espresso machine", "espresso maker"); a value with no phrases is never searched by noun.
    noun_by: str | None = None
    nouns: Mapping[Any, tuple[str, ...]] = field(default_factory=_frozen)
    share: float = 1.0  # relative number of products

    @property
    def path(self) -> str:
        return f"{self.department} > {self.leaf}"

    def attribute(self, key: str) -> Attribute:
        for attr in self.attributes:
            if attr.key == key:
                return attr
        raise KeyError(f"{self.leaf} has no attribute {key!r}")

    def option(self, name: str) -> Option:
        for opt in self.options:
            if opt.name == name:
                return opt
        raise KeyError(f"{self.leaf} has no option {name!r}")


def meets(value: Any, op: Op, target: Any) -> bool:
    """Whether an attribute value satisfies ``op target`` (missing values never do)."""
    if value is None:
        return False
    if op == "eq":
        return bool(value == target)
    if op == "le":
        return bool(value <= target)
    return bool(value >= target)


@cache
def all_categories() -> tuple[CategorySpec, ...]:
    """Every demo category, in a fixed order (the order is part of determinism)."""
    from store.demo import (
        spec_clothing,
        spec_computers,
        spec_electronics,
        spec_home,
        spec_office,
        spec_outdoors,
    )

    return (
        *spec_clothing.categories(),
        *spec_outdoors.categories(),
        *spec_electronics.categories(),
        *spec_computers.categories(),
        *spec_home.categories(),
        *spec_office.categories(),
    )


@cache
def category_by_leaf() -> Mapping[str, CategorySpec]:
    return MappingProxyType({spec.leaf: spec for spec in all_categories()})
