"""The purchase flows of the conversation suite: a signed-in shopper on the demo shop adds
what is on screen to the cart and checks out, scored by the cart the replies carry and the
final database state (``expect_purchase``).

- ``buy_variant``: "{category} in {color}, size {size}", then "buy the {color} one in size
  {size} and pay with my gift card", then a click on "Yes, place order for $…";
- ``add_both``: products (just show me), then "add both to my cart", picking the first value
  of each option asked;
- ``remove_second``: the same, then "remove the second one";
- ``checkout``: "add the first one to my cart", "check out" (the first payment method
  clicked), then a click on the yes.

These flows are new to the phrasing banks: a bank without them still loads for the other
flows (``BANK_OPTIONAL``), and the run lists them as skipped for that bank.

Not here: the other flows (``flows``).
"""

from __future__ import annotations

from eval.harness import expect_purchase as p
from eval.harness.expect_refine import two_results
from eval.harness.flow_types import Flow, Turn

CAT = ("category",)
SHOW = Turn("t1", expect=two_results, constraints=CAT, show_me=True)
PICK = 6  # option questions an add may ask (size, width, colour...), each answered with its first

PURCHASE_FLOWS: tuple[Flow, ...] = (
    Flow(
        "buy_variant",
        ("demo",),
        ("category", "color", "size"),
        (
            Turn("t1", expect=p.shown_variant, constraints=CAT, show_me=True),
            Turn("t2", expect=p.confirms_order, click_through=PICK),
            Turn(None, click=0, expect=p.bought_gift_card),
        ),
        fill="buy_variant",
        signed_in=True,
        db=True,
    ),
    Flow(
        "add_both",
        ("demo",),
        CAT,
        (SHOW, Turn("t2", expect=p.added_both, click_through=PICK)),
        fill="cart",
        signed_in=True,
        db=True,
    ),
    Flow(
        "remove_second",
        ("demo",),
        CAT,
        (
            SHOW,
            Turn("t2", expect=p.added_both, click_through=PICK),
            Turn("t3", expect=p.removed_second),
        ),
        fill="cart",
        signed_in=True,
        db=True,
    ),
    Flow(
        "checkout",
        ("demo",),
        CAT,
        (
            SHOW,
            Turn("t2", expect=p.added_first, click_through=PICK),
            Turn("t3", expect=p.confirms_order, click_through=1),
            Turn(None, click=0, expect=p.bought),
        ),
        fill="cart",
        signed_in=True,
        db=True,
    ),
)
BANK_OPTIONAL = frozenset(f.id for f in PURCHASE_FLOWS)
