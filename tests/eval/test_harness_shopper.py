"""The catalog truth and the simulated shopper on a hand-made catalog of four shoes."""

from __future__ import annotations

from assistant.reply import ProductCard, QuestionOut, Reply
from eval.harness.cases import DialogueTask, TargetConstraint
from eval.harness.shopper import NO_PREFERENCE, Shopper
from eval.harness.truth import CatalogTruth, Shown
from retrieval.documents import ItemRecord, ProductRecord


def shoe(pid: str, brand: str, rating: float, *variants: tuple[str, str, float]) -> ProductRecord:
    items = tuple(
        ItemRecord(f"{pid}-{size}-{color}", {"size": size, "color": color}, price, True)
        for size, color, price in variants
    )
    return ProductRecord(
        pid,
        f"{brand} Runner {pid}",
        "",
        brand,
        "Running Shoes",
        "Clothing & Shoes > Running Shoes",
        "Running Shoes",
        min(v[2] for v in variants),
        rating,
        10,
        {"terrain": "trail", "waterproof": True},
        items,
    )


CATALOG = CatalogTruth(
    [
        shoe("1000000001", "Paceline", 4.5, ("10", "Black", 95.0), ("9", "Blue", 80.0)),
        shoe("1000000002", "Paceline", 3.0, ("10", "Black", 70.0)),
        shoe("1000000003", "Stridewell", 4.6, ("10", "Black", 130.0), ("11", "Black", 90.0)),
        shoe("1000000004", "Stridewell", 4.2, ("10", "Red", 85.0)),
    ]
)


def c(kind: str, key: str, value: str | float, disclosure: str) -> TargetConstraint:
    return TargetConstraint.model_validate(
        {"kind": kind, "key": key, "value": value, "disclosure": disclosure}
    )


TASK = DialogueTask(
    case_id="d1",
    user_id=None,
    satisfiable=True,
    fitting=1,
    constraints=[
        c("category", "category", "Running Shoes", "volunteered"),
        c("price_max", "price", 100.0, "volunteered"),
        c("feature", "size", "10", "when_asked"),
        c("feature", "color", "Black", "hidden"),
        c("rating", "rating", 4.0, "hidden"),
    ],
)


def card(pid: str, price: float = 99.0) -> ProductCard:
    return ProductCard(product_id=pid, title=CATALOG.records[pid].title, price=price)


def test_price_and_options_must_hold_for_one_variant() -> None:
    # 1000000003 has a size 10 (at $130) and a $90 variant (size 11): no single variant fits
    broken = CATALOG.violated("1000000003", TASK.constraints)
    assert [x.key for x in broken] in (["price"], ["size"])
    assert CATALOG.violated("1000000001", TASK.constraints) == []
    assert [x.key for x in CATALOG.violated("1000000002", TASK.constraints)] == ["rating"]
    assert [x.key for x in CATALOG.violated("1000000004", TASK.constraints)] == ["color"]
    assert CATALOG.fitting(TASK.constraints) == ["1000000001"]
    assert len(CATALOG.violated("9999999999", TASK.constraints)) == len(TASK.constraints)


def test_attributes_count_as_features() -> None:
    waterproof = [
        c("category", "category", "running shoes", "volunteered"),
        c("feature", "waterproof", "yes", "volunteered"),
        c("feature", "terrain", "Trail", "volunteered"),
    ]
    assert len(CATALOG.fitting(waterproof)) == 4


def test_invented_products_are_found_by_id_title_and_foreign_brand() -> None:
    assert CATALOG.invented([Shown("1000000001", "paceline  runner 1000000001")], "") == []
    found = CATALOG.invented(
        [Shown("5555555555", "Phantom Shoe"), Shown("1000000002", "Wrong Title")],
        "Try the Nike Air Max 97 (id 12345678) or item 1000000001-10-Black.",
    )
    assert len(found) == 4
    assert any("5555555555" in f for f in found)
    assert any("Wrong Title" in f for f in found)
    assert any("12345678" in f for f in found)
    assert any("nike" in f.lower() for f in found)


def test_opening_says_only_volunteered_constraints() -> None:
    text = Shopper(TASK, CATALOG, trial=0).opening()
    assert "running shoes" in text and "$100" in text
    assert "size" not in text and "Black" not in text
    assert Shopper(TASK, CATALOG, trial=1).opening() != text  # trials phrase it differently


def test_questions_are_answered_and_repeats_counted() -> None:
    shopper = Shopper(TASK, CATALOG, trial=0)
    size = Reply(
        kind="question",
        text="Which size?",
        question=QuestionOut(text="Which size?", attribute="size", options=["9", "10"]),
    )
    move = shopper.respond(size)
    assert move.message is not None and "10" in move.message
    assert shopper.questions == 1 and shopper.redundant == 0
    shopper.respond(size)  # asked again: redundant
    price = Reply(
        kind="question",
        text="Budget?",
        question=QuestionOut(text="Budget?", attribute="price", options=[]),
    )
    shopper.respond(price)  # volunteered already: redundant
    width = Reply(
        kind="question",
        text="Which width?",
        question=QuestionOut(text="Which width?", attribute="width", options=["wide"]),
    )
    assert shopper.respond(width).message == NO_PREFERENCE
    assert shopper.questions == 4 and shopper.redundant == 2


def test_rejection_reveals_the_broken_constraint_and_a_fit_is_accepted() -> None:
    shopper = Shopper(TASK, CATALOG, trial=0)
    move = shopper.respond(
        Reply(kind="recommendations", text="", products=[card("1000000004"), card("1000000002")])
    )
    assert move.outcome is None and move.message is not None
    assert "Black" in move.message and "4 stars" in move.message
    assert shopper.violations_shown == 0  # only hidden constraints were broken
    again = shopper.respond(
        Reply(kind="recommendations", text="", products=[card("1000000004"), card("1000000001")])
    )
    assert shopper.violations_shown == 1  # color was stated by then
    assert again.outcome == "accepted" and again.accepted == "1000000001"


def test_nothing_fits_is_right_only_when_nothing_fits() -> None:
    text = "Sorry, I couldn't find any running shoes that match all of that."
    satisfiable = Shopper(TASK, CATALOG, trial=0)
    move = satisfiable.respond(Reply(kind="answer", text=text))
    assert move.outcome is None and satisfiable.false_nothing == 1
    impossible = TASK.model_copy(update={"satisfiable": False, "fitting": 0})
    assert (
        Shopper(impossible, CATALOG).respond(Reply(kind="answer", text=text)).outcome
        == "nothing_fits"
    )
    assert Shopper(TASK, CATALOG).respond(Reply(kind="handoff", text="")).outcome == "handoff"


def test_a_question_in_plain_text_is_answered_from_its_words() -> None:
    shopper = Shopper(TASK, CATALOG, trial=0)
    move = shopper.respond(Reply(kind="answer", text="What size do you wear?"))
    assert move.message is not None and "size 10" in move.message
    assert shopper.questions == 1
