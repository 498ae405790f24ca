"""Price bands of the budget question (``tools.budget``)."""

from __future__ import annotations

from tools.budget import Band, budget_bands, round_cut


def test_round_cuts_use_a_step_that_fits_the_price() -> None:
    assert [round_cut(p) for p in (3.0, 42.0, 137.0, 312.0, 1234.0)] == [5, 40, 140, 300, 1250]


def test_three_bands_cut_at_the_thirds() -> None:
    # nine tents from $60 to $380: thirds at the 4th ($120 -> 120) and 7th ($250 -> 250)
    prices = [60, 75, 99, 120, 135, 180, 250, 310, 380]
    assert budget_bands(prices) == (
        Band(None, 120.0, 4),
        Band(120.0, 250.0, 3),
        Band(250.0, None, 2),
    )


def test_too_few_products_or_one_price_is_no_question() -> None:
    assert budget_bands([10, 20, 30, 40, 50]) == ()  # five fit on one screen
    assert budget_bands([19.99] * 8) == ()  # nothing to split


def test_a_band_with_nothing_in_it_is_dropped() -> None:
    # both thirds round to $100: "Under $100" and "$100 and over" are all there is
    bands = budget_bands([20, 30, 98, 99, 101, 102, 103, 150])
    assert bands == (Band(None, 100.0, 4), Band(100.0, None, 4))
    assert all(b.count for b in bands)
