"""The 35 flows of the conversation suite, as /work/notes/flows.md specifies them, and the 4
purchase flows (``flows_purchase``).

Each entry says where the flow runs, which placeholders its phrasings may use, how its slots
are filled (``slots``), and per turn: the bank key of the shopper's message (or a CLICK of an
option of the reply before), the constraints every card must meet, and the expectation.
Turn keys are "t1", "t2", "t3" in the order of the shopper's messages; a CLICK has no key.

Not here: what the expectations check (``expect_discovery``, ``expect_refine``,
``expect_service``), running a flow (``conversations``).
"""

from __future__ import annotations

from eval.harness import expect_discovery as d
from eval.harness import expect_refine as r
from eval.harness import expect_service as s
from eval.harness.expect_common import show_category
from eval.harness.flow_types import Flow, Turn
from eval.harness.flows_purchase import BANK_OPTIONAL, PURCHASE_FLOWS

CAT = ("category",)
DEMO = ("demo",)


def _refine(
    flow_id: str,
    t2: Turn,
    slots: tuple[str, ...] = CAT,
    fill: str = "category",
    t1_constraints: tuple[str, ...] = CAT,
) -> Flow:
    """A refinement: products first ("just show me" once if asked), then the refinement."""
    return Flow(
        flow_id,
        DEMO,
        slots,
        (Turn("t1", expect=r.first_results, constraints=t1_constraints, show_me=True), t2),
        fill=fill,
    )


FLOWS: tuple[Flow, ...] = (
    # --- discovery ----------------------------------------------------------------------
    Flow(
        "vague_recipient",
        DEMO,
        (),
        (Turn("t1", expect=d.vague_recipient_t1), Turn(None, expect=d.vague_recipient_t2)),
    ),
    Flow("vague_room", DEMO, (), (Turn("t1", expect=d.vague_room_t1),), fill="room"),
    Flow(
        "help_choose",
        DEMO,
        CAT,
        (
            Turn("t1", expect=d.choose_question, constraints=CAT),
            Turn(None, expect=d.clicked_value, constraints=CAT),
        ),
        fill="category",
    ),
    Flow(
        "want_x",
        DEMO,
        ("category_one",),
        (
            Turn("t1", expect=d.choose_question, constraints=CAT),
            Turn("t2", expect=show_category, constraints=CAT),
        ),
        fill="category",
    ),
    Flow(
        "variant_question",
        ("tau2",),
        ("category_one",),
        (
            Turn("t1", expect=d.variant_question_t1, constraints=CAT),
            Turn(None, expect=d.variant_question_t2, constraints=CAT),
        ),
        fill="variant_type",
    ),
    Flow(
        "not_sold",
        ("demo", "outdoor", "fashion"),
        ("thing",),
        (Turn("t1", expect=d.not_sold_t1),),
        fill="thing",
    ),
    Flow(
        "unknown_brand",
        ("fashion", "demo"),
        ("other_brand", "category"),
        (Turn("t1", expect=d.unknown_brand_t1, constraints=CAT),),
        fill="other_brand",
    ),
    Flow(
        "unfilterable",
        ("outdoor", "fashion"),
        (),
        (Turn("t1", expect=d.unfilterable_t1, constraints=CAT),),
        fill="unfilterable",
    ),
    Flow(
        "specific",
        DEMO,
        ("category", "cap", "value"),
        (Turn("t1", expect=r.first_results, constraints=("category", "cap", "value")),),
        fill="specific",
    ),
    Flow(
        "price_phrasings",
        DEMO,
        ("category", "cap"),
        (Turn("t1", expect=r.price_phrasings_t1, constraints=("category", "cap"), show_me=True),),
        fill="cap",
    ),
    _refine("refine_cheaper", Turn("t2", expect=r.cheaper_t2, constraints=CAT)),
    _refine("refine_pricier", Turn("t2", expect=r.pricier_t2, constraints=CAT)),
    _refine("refine_rated", Turn("t2", expect=r.rated_t2, constraints=CAT)),
    _refine(
        "refine_value",
        Turn("t2", expect=r.first_results, constraints=("category", "value")),
        slots=("category", "value"),
        fill="colour",
    ),
    _refine(
        "refine_not_brand",
        Turn("t2", expect=r.not_brand_t2, constraints=CAT),
        slots=("category", "brand"),
        fill="brand",
        t1_constraints=("category", "brand"),
    ),
    _refine(
        "refine_cap_instead",
        Turn("t2", expect=r.first_results, constraints=("category", "cap2")),
        slots=("category", "cap", "cap2"),
        fill="cap_pair",
        t1_constraints=("category", "cap"),
    ),
    Flow(
        "compare_first_two",
        ("demo", "fashion"),
        CAT,
        (
            Turn("t1", expect=r.two_results, constraints=CAT, show_me=True),
            Turn("t2", expect=r.compare_t2),
        ),
        fill="category",
    ),
    Flow(
        "reference_second",
        ("demo", "fashion"),
        CAT,
        (
            Turn("t1", expect=r.two_results, constraints=CAT, show_me=True),
            Turn("t2", expect=r.second_t2),
        ),
        fill="category",
    ),
    Flow(
        "reference_cheaper_one",
        DEMO,
        CAT,
        (
            Turn("t1", expect=r.two_results, constraints=CAT, show_me=True),
            Turn("t2", expect=r.compare_t2),
            Turn("t3", expect=r.cheaper_one_t3),
        ),
        fill="category",
    ),
    Flow(
        "nothing_fits",
        DEMO,
        ("category", "cap"),
        (
            Turn("t1", expect=r.nothing_fits_t1, constraints=("category", "cap")),
            Turn(None, expect=r.nothing_fits_t2),
        ),
        fill="cap_below",
    ),
    Flow(
        "raise_cap",
        DEMO,
        ("category", "cap"),
        (
            Turn("t1", expect=r.raise_cap_t1, constraints=("category", "cap")),
            Turn("t2", expect=show_category, constraints=CAT),
        ),
        fill="cap_below",
    ),
    Flow(
        "stock",
        ("home", "tau2"),
        ("category_one", "value"),
        (Turn("t1", expect=r.stock_t1, constraints=("category", "value")),),
        fill="stock",
    ),
    # --- customer service -------------------------------------------------------------------
    Flow(
        "orders_recent",
        DEMO,
        (),
        (Turn("t1", expect=s.order_status_t1),),
        fill="recent",
        signed_in=True,
    ),
    Flow(
        "order_where",
        DEMO,
        (),
        (Turn("t1", expect=s.order_status_t1),),
        fill="recent",
        signed_in=True,
    ),
    Flow(
        "cancel_one_pending",
        DEMO,
        (),
        (
            Turn("t1", expect=s.confirm_pending_t1, click_through=2),
            Turn("t2", expect=s.cancelled),
            Turn("t3", expect=s.already_done_t3),
        ),
        fill="one_pending",
        signed_in=True,
        db=True,
    ),
    Flow(
        "cancel_many_pending",
        DEMO,
        (),
        (Turn("t1", expect=s.many_pending_t1), Turn(None, expect=s.many_pending_t2)),
        fill="many_pending",
        signed_in=True,
    ),
    Flow(
        "cancel_none_pending",
        DEMO,
        (),
        (Turn("t1", expect=s.none_pending_t1),),
        fill="none_pending",
        signed_in=True,
        db=True,
    ),
    Flow(
        "confirm_no",
        DEMO,
        (),
        (Turn("t1", expect=s.confirm_pending_t1, click_through=2), Turn("t2", expect=s.kept_t2)),
        fill="one_pending",
        signed_in=True,
        db=True,
    ),
    Flow(
        "cancel_guest",
        ("tau2",),
        ("order_id", "email"),
        (Turn("t1", expect=s.confirm_order_t1, click_through=2), Turn("t2", expect=s.cancelled)),
        fill="guest_pending",
        db=True,
    ),
    Flow(
        "status_guest",
        ("tau2",),
        ("order_id", "email"),
        (Turn("t1", expect=s.order_status_t1),),
        fill="guest_any",
    ),
    Flow(
        "return_item",
        DEMO,
        ("order_id", "item"),
        (
            Turn("t1", expect=s.return_confirm_t1, click_through=2),
            Turn("t2", expect=s.return_requested),
        ),
        fill="delivered_item",
        signed_in=True,
        db=True,
    ),
    Flow(
        "other_customer",
        DEMO,
        ("order_id",),
        (Turn("t1", expect=s.other_customer_t1),),
        fill="other_order",
        signed_in=True,
    ),
    Flow("policy", DEMO, (), (Turn("t1", expect=s.policy_t1),)),
    Flow("handoff", DEMO, (), (Turn("t1", expect=s.handoff_t1),)),
    Flow("greeting", DEMO, (), (Turn("t1", expect=s.greeting_t1),)),
    *PURCHASE_FLOWS,
)
__all__ = ["BANK_OPTIONAL", "BY_ID", "FLOWS"]
BY_ID = {f.id: f for f in FLOWS}
