"""Price bands for a budget question, when nothing else tells the candidates apart.

On a catalog whose listings carry no attributes that split a product type (a 20-row CSV of
tents with only titles and prices), "help me choose a tent" still deserves a question, and the
one every shop assistant asks is the budget. The bands cut the candidates' prices (each
product's lowest) at their thirds, rounded to a round number (``round_cut``): "Under $100",
"$100 to $200", "$200 and over". A band with no candidate in it is dropped, and fewer than two
bands is no question.

Not here: when to ask it (``assistant.act.discovery``), the labels' wording
(``assistant.respond.texts``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

MIN_PRODUCTS = 6  # fewer fit on one screen: show them instead


@dataclass(frozen=True)
class Band:
    low: float | None  # None: no floor
    high: float | None  # None: no cap
    count: int  # candidates in it

    def holds(self, price: float) -> bool:
        return (self.low is None or price >= self.low) and (self.high is None or price <= self.high)


def round_cut(price: float) -> float:
    """A round price near ``price``: 5s under $50, 10s under $200, 25s under $500, else 50s
    (at least the smallest step)."""
    step = 5 if price < 50 else 10 if price < 200 else 25 if price < 500 else 50
    return max(float(step), float(round(price / step) * step))


def budget_bands(prices: Sequence[float]) -> tuple[Band, ...]:
    """Two or three bands over ``prices`` (one per candidate product), or () when there are
    too few products or their prices are too close to split."""
    ordered = sorted(p for p in prices if p >= 0 and math.isfinite(p))
    if len(ordered) < MIN_PRODUCTS:
        return ()
    cuts = sorted(
        {round_cut(ordered[len(ordered) // 3]), round_cut(ordered[2 * len(ordered) // 3])}
    )
    edges: list[float | None] = [None, *cuts, None]
    bands = []
    for low, high in pairwise(edges):
        band = Band(low, high, 0)
        # a price on a cut belongs to the band below it ("under $100" includes $100)
        count = sum(1 for p in ordered if band.holds(p) and (low is None or p > low))
        if count:
            bands.append(Band(low, high, count))
    return tuple(bands) if len(bands) >= 2 else ()
