"""Choosing the clarifying question by information gain, checked against gains worked by hand."""

from __future__ import annotations

import math

import pytest

from retrieval.documents import ItemRecord, ProductRecord
from tools.clarify import (
    best_question,
    information_gain,
    question_for,
    wants_no_questions,
)


def _shoe(n: int, color: str, waterproof: bool) -> ProductRecord:
    items = tuple(ItemRecord(f"s{n}-{s}", {"size": s}, 80.0, True) for s in ("9", "10"))
    return ProductRecord(f"s{n}", f"Shoe {n}", "", "Acme", "Running Shoes",
                         "Shoes > Running Shoes", "Running Shoes", 80.0, 4.0, 3,
                         {"color": color, "waterproof": waterproof}, items)


# 8 shoes: colour 4 Black / 2 White / 2 Red, waterproof 1 of 8, every one in sizes 9 and 10
SHOES = [_shoe(0, "Black", True)] + [_shoe(i, "Black", False) for i in (1, 2, 3)] + [
    _shoe(4, "White", False), _shoe(5, "White", False), _shoe(6, "Red", False),
    _shoe(7, "Red", False)]
COLOR_GAIN = 1.5  # H(4/8, 2/8, 2/8) = 0.5*1 + 0.25*2 + 0.25*2
WATERPROOF_GAIN = -(7 / 8 * math.log2(7 / 8) + 1 / 8 * math.log2(1 / 8))  # 0.5436


def test_gain_of_single_valued_attributes_is_their_entropy() -> None:
    assert information_gain([{"black"}] * 4 + [{"white"}] * 2 + [{"red"}] * 2) == COLOR_GAIN
    assert information_gain([{"no"}] * 7 + [{"yes"}]) == pytest.approx(0.543564, abs=1e-6)
    assert information_gain([{"9", "10"}] * 8) == 0.0  # every shoe comes in both sizes


def test_gain_with_several_values_and_a_missing_one() -> None:
    # 6 candidates: sizes {9}, {9}, {10}, {10}, {9, 10}, and one without sizes.
    # p(9) = p(10) = (1 + 1 + 0.5) / 5 = 0.5; an answer leaves 3 + 1 (missing) = 4 candidates:
    # gain = log2(6) - (0.5 * log2(4) + 0.5 * log2(4)) = 2.585 - 2 = 0.585
    per = [{"9"}, {"9"}, {"10"}, {"10"}, {"9", "10"}, set()]
    assert information_gain(per) == pytest.approx(math.log2(6) - 2)


def test_best_question_is_the_best_split_among_unfixed_unasked_attributes() -> None:
    q = best_question(SHOES, fixed=set(), asked=set())
    assert q is not None
    assert (q.key, q.gain, q.text) == ("color", COLOR_GAIN, "Which color would you like?")
    assert q.options == ("Black", "Red", "White")  # most candidates first, then by name
    assert q.counts == {"Black": 4, "Red": 2, "White": 2}
    for fixed, asked in (({"color"}, set()), (set(), {"Color"})):
        q = best_question(SHOES, fixed, asked)
        assert q is not None
        assert (q.key, q.text, q.options) == ("waterproof", "Is waterproof a must?", ("yes", "no"))
        assert q.gain == pytest.approx(round(WATERPROOF_GAIN, 4))


def test_no_question_when_few_candidates_or_nothing_splits_them() -> None:
    assert best_question(SHOES[:5], set(), set()) is None  # fewer than 6
    assert best_question(SHOES, {"color", "waterproof"}, set()) is None  # sizes do not split
    assert best_question(SHOES, {"color"}, set(), min_gain=0.6) is None


def test_a_suggested_attribute_is_used_only_when_it_splits() -> None:
    q = question_for(SHOES, "Color")
    assert q is not None and q.key == "color"
    assert question_for(SHOES, "size") is None
    assert question_for(SHOES, "no such key") is None


def test_a_measurement_with_many_values_is_not_asked() -> None:
    weights = [ProductRecord(f"w{i}", "W", "", "Acme", "T", "T", "T", 1.0, 4.0, 1,
                             {"weight_g": 200 + i}) for i in range(10)]
    assert best_question(weights, set(), set()) is None


def test_a_measurement_with_few_values_is_not_asked_either() -> None:
    # Three weights split 9 products well, but "Which max weight lb: 250, 300 or 350?" is no
    # question for a shopper.
    chairs = [ProductRecord(f"c{i}", "C", "", "Acme", "T", "T", "T", 1.0, 4.0, 1,
                            {"max_weight_lb": 250 + 50 * (i % 3)}) for i in range(9)]
    assert best_question(chairs, set(), set()) is None
    assert question_for(chairs, "max_weight_lb") is not None  # asked about by name, it still is


def test_a_unit_in_a_key_is_shown_in_brackets() -> None:
    question = question_for(
        [ProductRecord(f"c{i}", "C", "", "Acme", "T", "T", "T", 1.0, 4.0, 1,
                       {"seat_height_in": ["17-21", "19-23"][i % 2]}) for i in range(8)],
        "seat_height_in",
    )
    assert question is not None
    assert question.text == "Which seat height (in) would you like?"


@pytest.mark.parametrize(("text", "stop"), [
    ("just show me some", True), ("stop asking questions", True), ("no more questions", True),
    ("don't ask, recommend", True), ("size 10 please", False),
])
def test_the_shopper_can_stop_the_questions(text: str, stop: bool) -> None:
    assert wants_no_questions(text) is stop
