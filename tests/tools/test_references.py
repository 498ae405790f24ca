"""Which shown product a shopper means, on three hand-made shown products: positions, brands,
option values, ids and comparatives, and None whenever it is not clear."""

from __future__ import annotations

import pytest

from tools.references import resolve_reference
from tools.shop_context import Shown


def _shown(pid: str, brand: str, price: float, rating: float, color: str) -> Shown:
    return Shown(
        product_id=pid,
        title=f"{brand} {pid}",
        brand=brand,
        price=price,
        rating=rating,
        rating_count=3,
        options={"color": [color]},
    )


SHOWN = [
    _shown("a", "Paceline", 120.0, 4.1, "Black"),
    _shown("b", "Paceline", 80.0, 4.0, "Blue"),
    _shown("c", "Velocita", 95.0, 4.8, "Black"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the second one", "b"),
        ("I'll take the 1st", "a"),
        ("option 3", "c"),
        ("the last one", "c"),
        ("the cheaper one", "b"),
        ("the most expensive", "a"),
        ("the best rated one", "c"),
        ("that one in blue", "b"),
        ("the Velocita", "c"),
        ("the cheaper Paceline", "b"),
        ("what about c?", "c"),
        ("the red one", None),
        ("that one", None),
        ("the seventh", None),
    ],
)
def test_resolve_reference(text: str, expected: str | None) -> None:
    assert resolve_reference(text, SHOWN) == expected


def test_nothing_shown_refers_to_nothing() -> None:
    assert resolve_reference("the first one", []) is None
    assert resolve_reference("that one", SHOWN[:1]) == "a"  # only one shown: "that one" is it
