"""Choosing the clarifying question by information gain, checked against gains worked by hand:
product attributes before variant options, few products with many variants asked about as
variants, and the bonus for an attribute most titles name."""

from __future__ import annotations

import math

import pytest

from retrieval.documents import ItemRecord, ProductRecord
from tools.clarify import (
    TITLE_BONUS,
    best_question,
    information_gain,
    question_for,
    wants_no_questions,
    with_variants,
)


def _shoe(
    n: int, color: str, waterproof: bool, sizes: tuple[str, ...] = ("9", "10")
) -> ProductRecord:
    items = tuple(ItemRecord(f"s{n}-{s}", {"size": s}, 80.0, True) for s in sizes)
    return ProductRecord(
        f"s{n}",
        f"Shoe {n}",
        "",
        "Acme",
        "Running Shoes",
        "Shoes > Running Shoes",
        "Running Shoes",
        80.0,
        4.0,
        3,
        {"color": color, "waterproof": waterproof},
        items,
    )


# 8 shoes: colour 4 Black / 2 White / 2 Red, waterproof 1 of 8, every one in sizes 9 and 10
SHOES = (
    [_shoe(0, "Black", True)]
    + [_shoe(i, "Black", False) for i in (1, 2, 3)]
    + [
        _shoe(4, "White", False),
        _shoe(5, "White", False),
        _shoe(6, "Red", False),
        _shoe(7, "Red", False),
    ]
)
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
    five = [_shoe(n, "Black" if n % 2 else "White", False, ("10",)) for n in range(5)]
    assert best_question(five, set(), set()) is None  # fewer than 6, one variant each
    assert best_question(SHOES, {"color", "waterproof"}, set()) is None  # sizes do not split
    assert best_question(SHOES, {"color"}, set(), min_gain=0.6) is None


def test_few_products_with_variants_are_asked_about_their_options() -> None:
    # 5 shoes in sizes 9 and 10 are 10 variants: 5 in size 9 and 5 in size 10, so the size
    # gains log2(10) - log2(5) = 1 bit; the option is asked about (color, 8 Black and 2 White
    # variants, and waterproof, 2 yes and 8 no, gain H(0.8, 0.2) = 0.722 each)
    q = best_question(SHOES[:5], set(), set())
    assert q is not None
    assert (q.key, q.text, q.options, q.gain) == (
        "size",
        "Which size would you like?",
        ("10", "9"),
        1.0,
    )
    assert q.counts == {"10": 5, "9": 5}
    # no option left to ask: the best attribute, and of two equal gains the later key by name
    fixed = best_question(SHOES[:5], {"size"}, set())
    assert fixed is not None
    assert (fixed.key, fixed.counts) == ("waterproof", {"no": 8, "yes": 2})
    assert fixed.gain == pytest.approx(0.7219, abs=1e-4)


def test_with_variants_expands_only_few_products() -> None:
    sold_out = ItemRecord("t-xl", {"size": "XL"}, 20.0, False)
    no_options = ItemRecord("t-plain", {}, 20.0, True)
    tee = ProductRecord(
        "t",
        "Tee",
        "",
        "Acme",
        "T-Shirts",
        "T-Shirts",
        "T-Shirts",
        20.0,
        4.0,
        3,
        {},
        (
            ItemRecord("t-s", {"size": "S"}, 20.0, True),
            ItemRecord("t-m", {"size": "M"}, 20.0, True),
            sold_out,
            no_options,
        ),
    )
    cap = ProductRecord(
        "c",
        "Cap",
        "",
        "Acme",
        "Caps",
        "Caps",
        "Caps",
        9.0,
        4.0,
        3,
        {},
        (ItemRecord("c-1", {"color": "Red"}, 9.0, True),),
    )
    expanded = with_variants([tee, cap])
    # each available variant with options is a candidate of its own, sold-out ones are not
    assert [(r.product_id, [i.item_id for i in r.items]) for r in expanded] == [
        ("t", ["t-s"]),
        ("t", ["t-m"]),
        ("c", ["c-1"]),
    ]
    assert with_variants(SHOES) == SHOES  # 8 products: enough to ask about as they are
    assert with_variants([cap]) == [cap]  # no more variants than products


def test_product_attributes_are_asked_before_variant_options() -> None:
    # 8 products, one variant each: the colour option splits them 8 ways (3 bits), the fit
    # attribute 4 slim / 4 regular (1 bit); what kind of product comes first
    tees = [
        ProductRecord(
            f"t{i}",
            f"Tee {i}",
            "",
            "Acme",
            "T-Shirts",
            "T-Shirts",
            "T-Shirts",
            20.0,
            4.0,
            3,
            {"fit": "slim" if i < 4 else "regular"},
            (ItemRecord(f"t{i}-1", {"color": f"c{i}"}, 20.0, True),),
        )
        for i in range(8)
    ]
    q = best_question(tees, set(), set())
    assert q is not None and (q.key, q.gain, q.options) == ("fit", 1.0, ("regular", "slim"))
    then = best_question(tees, set(), {"fit"})
    assert then is not None and (then.key, then.gain) == ("color", 3.0)


def _headphones(titled: bool) -> list[ProductRecord]:
    # type: 4 over-ear, 4 in-ear (1 bit); cable: 6 usb-c, 1 lightning, 1 jack
    # (H(6/8, 1/8, 1/8) = 1.0613 bits)
    cables = ["usb-c"] * 6 + ["lightning", "jack"]
    out = []
    for i in range(8):
        kind = "over-ear" if i % 2 else "in-ear"
        title = f"Acme {kind.title()} Headphones {i}" if titled else f"Acme Headphones {i}"
        out.append(
            ProductRecord(
                f"h{i}",
                title,
                "",
                "Acme",
                "Headphones",
                "Headphones",
                "Headphones",
                50.0,
                4.0,
                3,
                {"type": kind, "cable": cables[i]},
            )
        )
    return out


def test_an_attribute_most_titles_name_gets_a_bonus() -> None:
    cable_gain = -(0.75 * math.log2(0.75) + 2 * 0.125 * math.log2(0.125))
    assert 1.0 < cable_gain < 1.0 * TITLE_BONUS  # only the bonus lets the type win
    plain = best_question(_headphones(titled=False), set(), set())
    assert plain is not None and plain.key == "cable"
    assert plain.gain == pytest.approx(round(cable_gain, 4))
    titled = best_question(_headphones(titled=True), set(), set())
    assert titled is not None
    assert (titled.key, titled.gain, titled.options) == ("type", 1.0, ("in-ear", "over-ear"))


def test_a_suggested_attribute_is_used_only_when_it_splits() -> None:
    q = question_for(SHOES, "Color")
    assert q is not None and q.key == "color"
    assert question_for(SHOES, "size") is None
    assert question_for(SHOES, "no such key") is None


def test_a_measurement_with_many_values_is_not_asked() -> None:
    weights = [
        ProductRecord(f"w{i}", "W", "", "Acme", "T", "T", "T", 1.0, 4.0, 1, {"weight_g": 200 + i})
        for i in range(10)
    ]
    assert best_question(weights, set(), set()) is None


def test_a_measurement_with_few_values_is_not_asked_either() -> None:
    # Three weights split 9 products well, but "Which max weight lb: 250, 300 or 350?" is no
    # question for a shopper.
    chairs = [
        ProductRecord(
            f"c{i}",
            "C",
            "",
            "Acme",
            "T",
            "T",
            "T",
            1.0,
            4.0,
            1,
            {"max_weight_lb": 250 + 50 * (i % 3)},
        )
        for i in range(9)
    ]
    assert best_question(chairs, set(), set()) is None
    assert question_for(chairs, "max_weight_lb") is not None  # asked about by name, it still is


def test_a_unit_in_a_key_is_shown_in_brackets() -> None:
    question = question_for(
        [
            ProductRecord(
                f"c{i}",
                "C",
                "",
                "Acme",
                "T",
                "T",
                "T",
                1.0,
                4.0,
                1,
                {"seat_height_in": ["17-21", "19-23"][i % 2]},
            )
            for i in range(8)
        ],
        "seat_height_in",
    )
    assert question is not None
    assert question.text == "Which seat height (in) would you like?"


@pytest.mark.parametrize(
    ("text", "stop"),
    [
        ("just show me some", True),
        ("stop asking questions", True),
        ("no more questions", True),
        ("don't ask, recommend", True),
        ("size 10 please", False),
    ],
)
def test_the_shopper_can_stop_the_questions(text: str, stop: bool) -> None:
    assert wants_no_questions(text) is stop
