"""The flows' expectations on hand-made replies with concrete values: a refinement against
the cards shown before, a comparison's names and amounts, a reference, relaxations, a
question's attribute and options, a confirmation's order, ids and buttons, the DB state."""

from __future__ import annotations

from catalog_facts import facts

from assistant.reply import ConfirmationOut, ProductCard, QuestionOut, Reply
from eval.harness import expect_discovery as d
from eval.harness import expect_refine as r
from eval.harness import expect_service as s
from eval.harness.flow_types import Ctx, Failure, Slots

SHOES = Slots(category="Running Shoes")
PACELINE = ProductCard(
    product_id="1000000001", item_id="2000000001", title="Paceline Stride Running Shoe", price=79.99
)
APEXA = ProductCard(
    product_id="1000000002", item_id="2000000003", title="Apexa Nova Running Shoe", price=129.99
)
TEMPORA = ProductCard(
    product_id="1000000003", item_id="2000000004", title="Tempora Surge Running Shoe", price=59.99
)
SHOWN = Reply(kind="recommendations", text="Three running shoes.", products=[PACELINE, APEXA])


def ctx(reply: Reply, slots: Slots = SHOES, **more: object) -> Ctx:
    return Ctx(facts(), slots, reply, **more)  # type: ignore[arg-type]


def checks(found: list[Failure]) -> list[tuple[str, str]]:
    return [(f.check, f.detail) for f in found]


def recs(*cards: ProductCard, text: str = "Here you are.") -> Reply:
    return Reply(kind="recommendations", text=text, products=list(cards))


def test_a_cheaper_refinement_is_below_the_cheapest_card_shown() -> None:
    assert r.cheaper_t2(ctx(recs(TEMPORA), earlier=[SHOWN])) == []
    wrong = r.cheaper_t2(ctx(recs(TEMPORA, APEXA), earlier=[SHOWN]))
    assert checks(wrong) == [
        ("violating", "'Apexa Nova Running Shoe' ($129.99) is not cheaper than $79.99")
    ]
    # nothing cheaper than $79.99 shown, yet the catalog has the $59.99 Tempora
    assert checks(r.cheaper_t2(ctx(Reply(kind="answer", text="No."), earlier=[SHOWN]))) == [
        ("kind", "no products although the catalog has some cheaper than $79.99")
    ]
    # when nothing in the category is cheaper, no products is right
    cheapest = recs(TEMPORA)
    assert r.cheaper_t2(ctx(Reply(kind="answer", text="None cheaper."), earlier=[cheapest])) == []


def test_pricier_and_better_rated_refinements() -> None:
    assert r.pricier_t2(ctx(recs(APEXA), earlier=[recs(PACELINE)])) == []
    assert checks(r.pricier_t2(ctx(recs(TEMPORA), earlier=[recs(PACELINE)]))) == [
        ("violating", "'Tempora Surge Running Shoe' ($59.99) is not dearer than $79.99")
    ]
    assert r.rated_t2(ctx(recs(TEMPORA), earlier=[SHOWN])) == []  # 4.8 > 3.9
    assert checks(r.rated_t2(ctx(recs(APEXA), earlier=[SHOWN]))) == [
        ("violating", "'Apexa Nova Running Shoe' ($129.99) is not rated above 3.9")
    ]


def test_a_comparison_names_both_and_only_their_prices() -> None:
    good = Reply(
        kind="answer",
        text="The Paceline Stride Running Shoe costs $79.99, $50.00 "
        "less than the Apexa Nova Running Shoe.",
    )
    assert r.compare_t2(ctx(good, earlier=[SHOWN])) == []
    bad = Reply(
        kind="answer",
        text="The Paceline Stride Running Shoe ($74.99) beats the Tempora Surge Running Shoe.",
    )
    assert checks(r.compare_t2(ctx(bad, earlier=[SHOWN]))) == [
        ("names", "the text does not name 'Apexa Nova Running Shoe'"),
        ("names", "the text names other products: ['Tempora Surge Running Shoe']"),
        ("amounts", "amounts [74.99] are neither their prices nor the difference"),
    ]


def test_references_resolve_to_the_card_on_screen() -> None:
    about_second = Reply(kind="answer", text="The Apexa Nova Running Shoe is rated 3.9.")
    assert r.second_t2(ctx(about_second, earlier=[SHOWN])) == []
    assert r.second_t2(ctx(recs(APEXA), earlier=[SHOWN])) == []
    assert checks(r.second_t2(ctx(recs(PACELINE), earlier=[SHOWN]))) == [
        ("reference", "the reply is not about 'Apexa Nova Running Shoe'")
    ]
    about_cheaper = Reply(kind="answer", text="The Paceline Stride Running Shoe: $79.99.")
    assert r.cheaper_one_t3(ctx(about_cheaper, earlier=[SHOWN])) == []
    assert r.cheaper_one_t3(ctx(about_second, earlier=[SHOWN])) != []


def test_nothing_fits_offers_relaxations_and_clicking_one_shows_products() -> None:
    slots = Slots(category="Running Shoes", cap=30)
    options = ["Under $80", "Any price", "Laptops"]
    reply = Reply(
        kind="question",
        text="Nothing fits under $30. Shall I relax it?",
        question=QuestionOut(text="Relax?", attribute="relax", options=options),
    )
    assert r.nothing_fits_t1(ctx(reply, slots)) == []
    blue = Reply(
        kind="question",
        text="Nothing fits under $30. Which colour?",
        question=QuestionOut(text="?", attribute="color", options=["Blue", "Red"]),
    )
    assert checks(r.nothing_fits_t1(ctx(blue, slots))) == [
        ("options", "options ['Blue', 'Red'] relax nothing")
    ]
    assert r.nothing_fits_t2(ctx(recs(PACELINE, TEMPORA), slots, clicked="Under $80")) == []
    assert checks(r.nothing_fits_t2(ctx(recs(APEXA), slots, clicked="Under $80"))) == [
        ("violating", "'Apexa Nova Running Shoe' ($129.99) costs more than $80.00")
    ]
    beyond = r.nothing_fits_t2(
        ctx(recs(PACELINE), slots, clicked="Search beyond Running Shoes (9 products)")
    )
    assert checks(beyond) == [  # the category goes, the $30 cap stays
        ("violating", "'Paceline Stride Running Shoe' ($79.99) costs more than $30.00")
    ]
    assert r.relaxed(ctx(recs(), slots), "Raise the price cap from $30 to $59.99") == (
        "Running Shoes",
        59.99,
    )
    assert r.relaxed(ctx(recs(), slots), "Any price") == ("Running Shoes", None)
    assert r.relaxed(ctx(recs(), slots), "Laptops") == ("Laptops", 30)


def test_a_question_about_the_category_asks_an_attribute_its_products_have() -> None:
    colour = Reply(
        kind="question",
        text="Which colour?",
        question=QuestionOut(
            text="Which colour?", attribute="color", options=["Blue", "Red", "No preference"]
        ),
    )
    assert d.choose_question(ctx(colour)) == []
    brand = Reply(
        kind="question",
        text="Which brand?",
        question=QuestionOut(text="Which brand?", attribute="brand", options=["Paceline", "Apexa"]),
    )
    assert checks(d.choose_question(ctx(brand))) == [
        ("question_attribute", "asks about 'brand' although color split the Running Shoes")
    ]
    green = Reply(
        kind="question",
        text="Which colour?",
        question=QuestionOut(text="Which colour?", attribute="color", options=["Blue", "Green"]),
    )
    assert checks(d.choose_question(ctx(green))) == [
        ("options", "options ['Green'] are no color of Running Shoes")
    ]
    clicked = d.clicked_value(
        ctx(recs(PACELINE, TEMPORA), clicked="Blue", clicked_attribute="color")
    )
    assert checks(clicked) == [
        ("violating", "'Tempora Surge Running Shoe' ($59.99) does not have color 'Blue'")
    ]


def test_a_vague_request_is_answered_with_categories_or_budgets() -> None:
    good = Reply(
        kind="question",
        text="What kind of gift?",
        question=QuestionOut(
            text="?", attribute="category", options=["Running Shoes", "laptops", "Under $50"]
        ),
    )
    assert d.vague_recipient_t1(ctx(good, Slots())) == []
    echoed = Reply(kind="answer", text="A gift for your dad.")
    assert checks(d.vague_recipient_t1(ctx(echoed, Slots()))) == [
        ("kind", "the reply is 'answer', expected question")
    ]


def test_not_sold_and_an_unknown_brand_are_said_plainly() -> None:
    said = Reply(kind="answer", text="Sorry, we don't sell kayaks. We have running shoes.")
    assert d.not_sold_t1(ctx(said, Slots(thing="kayak"))) == []
    assert checks(
        d.not_sold_t1(ctx(Reply(kind="answer", text="A kayak!"), Slots(thing="kayak")))
    ) == [("not_sold", "the text does not say the shop does not sell kayak")]
    nike = Slots(category="Running Shoes", other_brand="Nike")
    assert (
        d.unknown_brand_t1(
            ctx(recs(PACELINE, text="We don't carry Nike, but here are other running shoes."), nike)
        )
        == []
    )
    assert checks(d.unknown_brand_t1(ctx(recs(PACELINE), nike))) == [
        ("not_sold", "the text does not say Nike is not carried")
    ]


def test_an_unfilterable_wish_is_named_as_unchecked_and_never_claimed() -> None:
    slots = Slots(category="Running Shoes", wish="black")
    honest = recs(PACELINE, text="I couldn’t check “black”: the listings do not record it.")
    honest.products[0].reasons = ["its description mentions “black”"]
    assert d.unfilterable_t1(ctx(honest, slots)) == []
    claimed = recs(
        PACELINE.model_copy(update={"reasons": ["black, as you asked"]}),
        APEXA.model_copy(update={"reasons": ["matches your words and what you meant"]}),
        text="Here you are.",
    )
    assert checks(d.unfilterable_t1(ctx(claimed, slots))) == [
        ("unchecked_wish", "the text does not say 'black' could not be checked"),
        ("violating", "'Paceline Stride Running Shoe' ($79.99) has a reason claiming 'black'"),
        ("violating", "'Apexa Nova Running Shoe' ($129.99) has a reason claiming 'black'"),
    ]


def test_a_confirmation_is_for_the_order_in_words_with_two_buttons() -> None:
    slots = Slots(user_id="ada_park_1001", order_id="#W1234567")
    good = Reply(
        kind="confirmation",
        text="Cancel order #W1234567 (Running Shoes, blue)?",
        question=QuestionOut(
            text="?", attribute="confirm", options=["Yes, cancel order #W1234567", "Keep my order"]
        ),
        confirmation=ConfirmationOut(
            action="cancel_pending_order", arguments={"order_id": "W1234567"}
        ),
    )
    assert s.confirm_pending_t1(ctx(good, slots)) == []
    leaky = Reply(
        kind="confirmation",
        text="Cancel #W1234567: item 2000000001, refund to credit_card_7102975. Yes or no?",
        confirmation=ConfirmationOut(
            action="cancel_pending_order", arguments={"order_id": "#W7654321"}
        ),
    )
    assert checks(s.confirm_pending_t1(ctx(leaky, slots))) == [
        ("order", "the confirmation is for #W7654321, not #W1234567"),
        ("internal_ids", "the text shows internal ids ['2000000001', 'credit_card_7102975']"),
        ("options", "the confirmation offers 0 options, expected 2+"),
    ]


def test_service_turns_are_scored_by_the_database_and_the_text() -> None:
    slots = Slots(user_id="ada_park_1001", order_id="#W1234567", orders=["#W1234567"])
    before = {"order:#W1234567": {"status": "pending"}}
    after = {"order:#W1234567": {"status": "cancelled"}}
    done = Reply(kind="answer", text="Done: order #W1234567 is cancelled.")
    assert s.cancelled(ctx(done, slots, db_before=before, db_after=after)) == []
    assert checks(s.cancelled(ctx(done, slots, db_before=before, db_after=before))) == [
        ("db", "order #W1234567 is pending, not cancelled")
    ]
    again = Reply(kind="answer", text="Order #W1234567 is already cancelled.")
    assert s.already_done_t3(ctx(again, slots, db_before=after, db_after=after)) == []
    kept = Reply(kind="answer", text="Okay, I haven’t changed anything.")
    assert s.kept_t2(ctx(kept, slots, db_before=before, db_after=before)) == []
    assert checks(s.kept_t2(ctx(kept, slots, db_before=before, db_after=after))) == [
        ("db", "the turn changed the account tables")
    ]
    status = Reply(kind="answer", text="Your latest order, #W1234567, is pending.")
    assert s.order_status_t1(ctx(status, slots)) == []
    which = Reply(
        kind="question",
        text="Which order?",
        question=QuestionOut(
            text="?", attribute="order", options=["#W1234567 (pending)", "#W7654321"]
        ),
    )
    assert s.many_pending_t1(ctx(which, slots)) == []  # #W7654321 is no order of the shop
