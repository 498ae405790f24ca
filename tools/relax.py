"""When nothing fits: the smallest changes to the constraints that would give results.

Each constraint is relaxed on its own and the catalog is counted with the filter table (a few
numpy operations per try): a price cap is raised exactly to the cheapest product that meets
everything else (found by bisection over cents), or dropped altogether, a price floor lowered
to the dearest one, a rating minimum lowered to the best rating on offer; any other constraint
is dropped. Small price moves come first (they keep every other wish), then the other price
and rating moves, then the change that unlocks the most products; dropping the category
comes last (it changes what the shopper is looking for).

Not here: deciding for the shopper; the tool reports these and the shopper chooses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from retrieval.filters import FilterTable
from tools.constraints import Constraints, to_filter
from tools.vocabulary import CatalogVocabulary

SMALL_PRICE_MOVE = 0.25  # a cap raised by at most a quarter counts as "close"
MAX_SUGGESTIONS = 3
_CEILING_CENTS = 10**9


@dataclass(frozen=True)
class Relaxation:
    """One change; ``text`` in English (for the model), ``name`` and ``values`` for the reply,
    which words it as a button in the shopper's language (``assistant.respond.texts`` names
    such as "relax_raise"; the count of products is added there from ``matches``)."""

    field: str  # "price_max", "attributes.size", "brands", ...
    text: str  # "raise the price cap from $100.00 to $104.99"
    matches: int
    constraints: Constraints
    small: bool = False
    name: str = ""
    values: dict[str, str | tuple[str, ...]] = dataclass_field(default_factory=dict)


def _products(n: int) -> str:
    return f"{n} product{'' if n == 1 else 's'}"


def _bisect(lo: int, hi: int, ok: Callable[[int], bool]) -> int:
    """The smallest value in (lo, hi] for which ``ok`` holds, given ok(hi) and not ok(lo)."""
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return hi


def relaxations(
    table: FilterTable, constraints: Constraints, vocab: CatalogVocabulary | None = None
) -> list[Relaxation]:
    """Single-constraint relaxations that give at least one product, best first."""

    def count(c: Constraints) -> int:
        return int(table.mask(to_filter(c, vocab)).sum())

    def changed(**update: object) -> Constraints:
        return constraints.model_copy(update=update)

    out: list[Relaxation] = []
    cap = constraints.price_max
    if cap is not None and count(changed(price_max=None)):
        # the cap that brings back the cheapest product one can buy now, when there is one
        stock = not constraints.in_stock and count(changed(price_max=None, in_stock=True)) > 0
        cents = _bisect(
            round(cap * 100),
            _CEILING_CENTS,
            lambda c: count(changed(price_max=c / 100, in_stock=stock)) > 0,
        )
        new = changed(price_max=cents / 100)
        n = count(new)
        out.append(
            Relaxation(
                "price_max",
                f"raise the price cap from ${cap:,.2f} to ${cents / 100:,.2f} ({_products(n)})",
                n,
                new,
                cents / 100 <= cap * (1 + SMALL_PRICE_MOVE),
                "relax_raise",
                {"old": f"${cap:,.2f}", "new": f"${cents / 100:,.2f}"},
            )
        )
        uncapped = changed(price_max=None)
        m = count(uncapped)
        if m > n:  # the cheapest one above the cap, or every price
            out.append(
                Relaxation(
                    "price_cap",
                    f"drop the price cap ({_products(m)})",
                    m,
                    uncapped,
                    name="relax_drop_cap",
                )
            )
    floor = constraints.price_min
    if floor is not None and count(changed(price_min=None)):
        cents = -_bisect(-round(floor * 100), 0, lambda c: count(changed(price_min=-c / 100)) > 0)
        new = changed(price_min=cents / 100)
        n = count(new)
        out.append(
            Relaxation(
                "price_min",
                f"lower the price floor from ${floor:,.2f} to ${cents / 100:,.2f} ({_products(n)})",
                n,
                new,
                cents / 100 >= floor * (1 - SMALL_PRICE_MOVE),
                "relax_lower_floor",
                {"old": f"${floor:,.2f}", "new": f"${cents / 100:,.2f}"},
            )
        )
    rating = constraints.min_rating
    if rating is not None and count(changed(min_rating=None)):
        tenths = -_bisect(-round(rating * 10), 0, lambda t: count(changed(min_rating=-t / 10)) > 0)
        new = changed(min_rating=tenths / 10)
        n = count(new)
        out.append(
            Relaxation(
                "min_rating",
                f"accept a rating of {tenths / 10:g} instead of {rating:g} ({_products(n)})",
                n,
                new,
                name="relax_rating",
                values={"new": f"{tenths / 10:g}", "old": f"{rating:g}"},
            )
        )
    Words = dict[str, str | tuple[str, ...]]
    drops: list[tuple[str, str, Constraints, str, Words]] = []
    if constraints.category:
        drops.append(
            (
                "category",
                f"search beyond {constraints.category}",
                changed(category=None),
                "relax_category",
                {"category": constraints.category},
            )
        )
    if constraints.brands:
        drops.append(
            (
                "brands",
                f"allow brands other than {' or '.join(constraints.brands)}",
                changed(brands=[]),
                "relax_brands",
                {"brands": tuple(constraints.brands)},
            )
        )
    if constraints.exclude_brands:
        drops.append(
            (
                "exclude_brands",
                f"allow {', '.join(constraints.exclude_brands)} again",
                changed(exclude_brands=[]),
                "relax_excluded",
                {"brands": tuple(constraints.exclude_brands)},
            )
        )
    for key, values in constraints.attributes.items():
        rest = {k: v for k, v in constraints.attributes.items() if k != key}
        drops.append(
            (
                f"attributes.{key}",
                f"drop {key.replace('_', ' ')} {' or '.join(values)}",
                changed(attributes=rest),
                "relax_attribute",
                {"key": key.replace("_", " "), "values": tuple(values)},
            )
        )
    if constraints.in_stock:
        drops.append(
            (
                "in_stock",
                "include items that are out of stock right now",
                changed(in_stock=False),
                "relax_stock",
                {},
            )
        )
    for field_name, text, relaxed, name, words in drops:
        n = count(relaxed)
        if n:
            out.append(
                Relaxation(field_name, f"{text} ({_products(n)})", n, relaxed, False, name, words)
            )
    if (
        not out
        and constraints.category
        and constraints != Constraints(category=constraints.category)
    ):
        # no single change is enough: offer the category with nothing else
        bare = Constraints(category=constraints.category)
        n = count(bare)
        if n:
            out.append(
                Relaxation(
                    "all",
                    f"drop every requirement but the category "
                    f"{constraints.category} ({_products(n)})",
                    n,
                    bare,
                    name="relax_all",
                    values={"category": constraints.category},
                )
            )
    # Small price moves first (they keep every other wish), dropping the category last (it
    # changes what the shopper is looking for), else the change that unlocks the most.
    moves = ("price_max", "price_cap", "price_min", "min_rating")
    order = {id(r): i for i, r in enumerate(out)}
    out.sort(
        key=lambda r: (
            not r.small,
            r.field == "category",
            r.field not in moves,
            order[id(r)] if r.field in moves else -r.matches,
            r.field,
        )
    )
    return out[:MAX_SUGGESTIONS]
