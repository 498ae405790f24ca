"""Confirmation, idempotency and conditional writes on SQLite and PostgreSQL, and replays of
gold action sequences checked by final database state: as a shopper's conversation (the
identified user adopted by the caller) and on the operator path ``aisle replay`` uses.

The tools change no context: a test stores a proposal as ``ctx.pending`` and records an
executed id as the conversation (``assistant.act.proposals``) does."""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from store.db import Store
from store.importers.tau2 import import_tau2
from store.models import Order, OrderItem, PaymentMethod, WriteProposal
from tools.base import ConfirmationRequest, Proposed, ToolContext
from tools.errors import Conflict
from tools.service import RETAIL_TOOLS, confirm, execute_confirmed

TAU2 = Path(__file__).resolve().parents[3] / "shared" / "data" / "tau2-retail"
ETHAN, YUSUF, AVA = "ethan_lopez_6291", "yusuf_rossi_9620", "ava_nguyen_6646"
ETHAN_GIFT, ETHAN_CARD = "gift_card_7219486", "credit_card_9789590"
CANCEL = {"order_id": "#W6779827", "reason": "no longer needed"}  # paid by ETHAN_GIFT, 4079.45


def _shop(store: Store, tmp_path: Path, tau2_dir: Path) -> Store:
    """tau2's catalog with three of its customers and their orders: quick on both backends."""
    db = json.loads((tau2_dir / "db.json").read_text())
    users = {u: db["users"][u] for u in (ETHAN, YUSUF, AVA)}
    orders = {o: db["orders"][o] for u in users.values() for o in u["orders"]}
    (tmp_path / "subset").mkdir()
    (tmp_path / "subset" / "db.json").write_text(
        json.dumps({"products": db["products"], "users": users, "orders": orders})
    )
    import_tau2(store, tmp_path / "subset")
    return store


@pytest.fixture
def shop(store: Store, tmp_path: Path, tau2_dir: Path) -> Store:
    return _shop(store, tmp_path, tau2_dir)


@pytest.fixture
def lite(sqlite_store: Store, tmp_path: Path, tau2_dir: Path) -> Store:
    return _shop(sqlite_store, tmp_path, tau2_dir)


def state(store: Store, order_id: str) -> tuple[str, int, float | None]:
    """(status, number of payment entries, Ethan's gift card balance)."""
    with store.session() as session:
        order = session.get(Order, order_id)
        card = session.get(PaymentMethod, ETHAN_GIFT)
        assert order is not None and card is not None
        return order.status, len(order.payment_history or []), card.balance


def test_nothing_changes_before_confirmation(shop: Store) -> None:
    ctx = ToolContext(store=shop, session_user_id=ETHAN)
    proposed = RETAIL_TOOLS.call(ctx, "cancel_pending_order", CANCEL)
    assert proposed.ok and proposed.content.startswith("Not done yet.")
    assert (
        "Refund: $4,079.45 back to gift card gift_card_7219486 (balance $49.00 -> $4,128.45) "
        "immediately." in proposed.content
    )
    assert isinstance(proposed.data, ConfirmationRequest) and ctx.pending is None
    assert state(shop, "#W6779827") == ("pending", 1, 49.0)
    ctx.pending = proposed.data
    assert confirm(ctx, proposed.data.request_id).ok
    assert state(shop, "#W6779827") == ("cancelled", 2, 4128.45)


def test_repeated_or_changed_confirmation_applies_nothing(shop: Store) -> None:
    ctx = ToolContext(store=shop, session_user_id=ETHAN)
    request = RETAIL_TOOLS.call(ctx, "cancel_pending_order", CANCEL).data
    assert isinstance(request, ConfirmationRequest)
    ctx.pending = request
    changed = request.model_copy(update={"arguments": {**CANCEL, "reason": "ordered by mistake"}})
    assert confirm(ctx, changed).error_kind == "not_confirmed"
    assert confirm(ctx, "someone-elses-id").error_kind == "not_confirmed"
    assert state(shop, "#W6779827") == ("pending", 1, 49.0)
    assert confirm(ctx, request).ok
    replay = confirm(ctx, request)  # the stored proposal is consumed: nothing to record here
    assert (replay.ok, replay.error_kind) == (False, "already_done")
    assert str(replay.data).startswith(
        "Order #W6779827 is cancelled. Refund: $4,079.45 back to gift card gift_card_7219486"
    )
    assert state(shop, "#W6779827") == ("cancelled", 2, 4128.45)


def test_a_newer_proposal_replaces_the_pending_one(lite: Store) -> None:
    ctx = ToolContext(store=lite, session_user_id=ETHAN)
    first = RETAIL_TOOLS.call(ctx, "cancel_pending_order", CANCEL).data
    ctx.pending = first
    second = RETAIL_TOOLS.call(
        ctx,
        "modify_pending_order_payment",
        {"order_id": "#W6779827", "payment_method_id": ETHAN_CARD},
    ).data
    assert isinstance(second, ConfirmationRequest) and ctx.pending == first  # tools store nothing
    ctx.pending = second  # the conversation keeps the newest proposal
    assert confirm(ctx, first.request_id).error_kind == "not_confirmed"
    assert state(lite, "#W6779827") == ("pending", 1, 49.0)


def test_confirmation_checks_the_current_state_again(lite: Store) -> None:
    shopper = ToolContext(store=lite, session_user_id=ETHAN)
    request = RETAIL_TOOLS.call(shopper, "cancel_pending_order", CANCEL).data
    shopper.pending = request
    operator = ToolContext(store=lite, operator=True)
    assert execute_confirmed(operator, "cancel_pending_order", CANCEL).ok
    late = confirm(shopper, request.request_id)
    assert late.error_kind == "policy" and "is 'cancelled'" in late.content
    assert state(lite, "#W6779827") == ("cancelled", 2, 4128.45)  # refunded once


def test_two_processes_cannot_both_apply(shop: Store) -> None:
    """Both checked the order before either wrote: the conditional update lets one through."""
    tool = RETAIL_TOOLS["cancel_pending_order"]
    proposals = [
        tool.fn(ToolContext(store=shop, session_user_id=ETHAN), **CANCEL) for _ in range(2)
    ]
    assert all(isinstance(p, Proposed) for p in proposals)
    assert proposals[0].apply(ToolContext(store=shop)).ok
    with pytest.raises(Conflict, match="changed since it was checked; nothing was applied"):
        proposals[1].apply(ToolContext(store=shop))
    assert state(shop, "#W6779827") == ("cancelled", 2, 4128.45)


def test_a_failed_part_rolls_back_the_whole_write(lite: Store) -> None:
    """The gift card moved after the check: the order update is rolled back with it."""
    ctx = ToolContext(store=lite, session_user_id=ETHAN)
    proposal = RETAIL_TOOLS["cancel_pending_order"].fn(ctx, **CANCEL)
    with lite.session() as session:
        card = session.get(PaymentMethod, ETHAN_GIFT)
        assert card is not None
        card.balance = 10.0
    with pytest.raises(Conflict, match="balance of gift card gift_card_7219486 changed"):
        proposal.apply(ctx)
    assert state(lite, "#W6779827") == ("pending", 1, 10.0)


def test_writes_are_refused_without_identification(lite: Store) -> None:
    ctx = ToolContext(store=lite)
    writes: dict[str, dict[str, Any]] = {
        "cancel_pending_order": CANCEL,
        "modify_pending_order_address": {
            "order_id": "#W6779827",
            "address1": "a",
            "address2": "",
            "city": "c",
            "state": "s",
            "country": "USA",
            "zip": "1",
        },
        "modify_pending_order_payment": {"order_id": "#W6779827", "payment_method_id": ETHAN_CARD},
        "modify_pending_order_items": {
            "order_id": "#W6779827",
            "item_ids": ["6942241102"],
            "new_item_ids": ["3360679910"],
            "payment_method_id": ETHAN_CARD,
        },
        "return_delivered_order_items": {
            "order_id": "#W2378156",
            "item_ids": ["4202497723"],
            "payment_method_id": "credit_card_9513926",
        },
        "exchange_delivered_order_items": {
            "order_id": "#W2378156",
            "item_ids": ["4202497723"],
            "new_item_ids": ["3374679624"],
            "payment_method_id": "credit_card_9513926",
        },
        "modify_user_address": {
            "user_id": ETHAN,
            "address1": "a",
            "address2": "",
            "city": "c",
            "state": "s",
            "country": "USA",
            "zip": "1",
        },
    }
    for name, arguments in writes.items():
        assert RETAIL_TOOLS.call(ctx, name, arguments).error_kind == "not_authenticated", name
        assert execute_confirmed(ctx, name, arguments).error_kind == "not_authenticated", name
    yusuf = ToolContext(store=lite, session_user_id=YUSUF)
    for name in ("cancel_pending_order", "modify_pending_order_items", "modify_user_address"):
        assert RETAIL_TOOLS.call(yusuf, name, writes[name]).error_kind == "unknown_id", name
    assert ctx.pending is None and yusuf.pending is None
    assert state(lite, "#W6779827") == ("pending", 1, 49.0)


# --- one yes, one write: across contexts, threads, processes and crashes -------------------


def _proposed(store: Store) -> ToolContext:
    """Ethan's conversation "c1" with the cancellation waiting for a yes."""
    ctx = ToolContext(store=store, session_user_id=ETHAN, conversation_id="c1")
    ctx.pending = RETAIL_TOOLS.call(ctx, "cancel_pending_order", CANCEL).data
    assert isinstance(ctx.pending, ConfirmationRequest)
    return ctx


def _yes(store: Store, pending: ConfirmationRequest) -> Any:
    """A yes from a fresh context: another request, replica or a restored conversation."""
    ctx = ToolContext(
        store=Store(store.url), session_user_id=ETHAN, conversation_id="c1", pending=pending
    )
    try:
        return confirm(ctx, pending)
    finally:
        ctx.store.dispose()


def test_a_second_yes_applies_nothing_and_says_what_was_done(shop: Store) -> None:
    ctx = _proposed(shop)
    assert ctx.pending is not None
    first, second = _yes(shop, ctx.pending), _yes(shop, ctx.pending)
    assert first.ok and (second.ok, second.error_kind) == (False, "already_done")
    assert (
        str(second.data).splitlines()[0]
        == first.content.splitlines()[0]
        == (
            "Order #W6779827 is cancelled. Refund: $4,079.45 back to gift card gift_card_7219486 "
            "(balance $49.00 -> $4,128.45) immediately."
        )
    )
    assert state(shop, "#W6779827") == ("cancelled", 2, 4128.45)  # refunded once


def test_eight_parallel_yeses_apply_once(shop: Store) -> None:
    ctx = _proposed(shop)
    assert ctx.pending is not None
    pending = ctx.pending
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: _yes(shop, pending), range(8)))
    assert sorted((r.ok, r.error_kind) for r in results) == [(False, "already_done")] * 7 + [
        (True, None)
    ]
    assert state(shop, "#W6779827") == ("cancelled", 2, 4128.45)
    with shop.session() as session:
        row = session.get(WriteProposal, pending.request_id)
        assert row is not None and row.status == "done"
        assert (row.outcome or "").startswith("Order #W6779827 is cancelled.")


_YES_IN_A_PROCESS = """
import json, sys
from store.db import Store
from tools.base import ConfirmationRequest, ToolContext
from tools.service import confirm
pending = ConfirmationRequest.model_validate_json(sys.argv[2])
ctx = ToolContext(store=Store(sys.argv[1]), session_user_id=sys.argv[3], conversation_id="c1",
                  pending=pending)
sys.stdin.readline()  # start together
result = confirm(ctx, pending)
print(json.dumps([result.ok, result.error_kind]))
"""


def test_yeses_from_four_processes_apply_once(shop: Store) -> None:
    """Four replicas receive the same yes (a retried request, a replayed transcript)."""
    ctx = _proposed(shop)
    assert ctx.pending is not None
    root = Path(__file__).resolve().parents[2]
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                _YES_IN_A_PROCESS,
                shop.url,
                ctx.pending.model_dump_json(),
                ETHAN,
            ],
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = [p.communicate("go\n", timeout=120)[0] for p in procs]
    assert sorted(tuple(json.loads(out.strip().splitlines()[-1])) for out in outputs) == [
        (False, "already_done")
    ] * 3 + [(True, None)]
    assert state(shop, "#W6779827") == ("cancelled", 2, 4128.45)


def test_a_retried_yes_after_a_crash_reports_the_committed_write(shop: Store) -> None:
    """The write committed, the process died before the reply and before the conversation was
    saved: the restored conversation still has the proposal pending, and the retried yes
    says what was done instead of "order is 'cancelled'"."""
    ctx = _proposed(shop)
    restored = ConfirmationRequest.model_validate_json(ctx.pending.model_dump_json())  # type: ignore[union-attr]
    assert confirm(ctx, restored).ok  # ...and then the process was killed
    retried = _yes(shop, restored)
    assert retried.error_kind == "already_done"
    assert str(retried.data).startswith("Order #W6779827 is cancelled.")
    assert state(shop, "#W6779827") == ("cancelled", 2, 4128.45)


def test_a_failed_write_is_closed_with_its_reason(lite: Store) -> None:
    ctx = _proposed(lite)
    assert ctx.pending is not None
    assert execute_confirmed(
        ToolContext(store=lite, operator=True), "cancel_pending_order", CANCEL
    ).ok  # an operator cancelled it meanwhile
    late = confirm(ctx, ctx.pending)
    assert late.error_kind == "policy" and "is 'cancelled'" in late.content
    again = confirm(ctx, ctx.pending)
    assert again.error_kind == "not_confirmed" and again.error is not None
    assert again.error.startswith("this proposal is failed: order #W6779827 is 'cancelled'")
    assert state(lite, "#W6779827") == ("cancelled", 2, 4128.45)  # refunded once


# --- replays of gold action sequences ---------------------------------------------------------


IDENTIFY = ("find_user_id_by_email", "find_user_id_by_name_zip")


def replay(store: Store, actions: list[tuple[str, dict[str, Any]]]) -> list[bool]:
    """The actions as a shopper's conversation would run them: confirmed writes, and the user
    an identification tool found adopted by the caller (the tools only return the id)."""
    typed = tuple(
        " ".join(str(v) for v in arguments.values())
        for name, arguments in actions
        if name in IDENTIFY
    )  # the shopper said them
    ctx = ToolContext(store=store, shopper_typed=typed)
    oks = []
    for name, arguments in actions:
        result = execute_confirmed(ctx, name, arguments)
        if result.ok and name in IDENTIFY:
            ctx.session_user_id = result.data
        oks.append(result.ok)
    return oks


def test_identification_alone_identifies_nobody(lite: Store) -> None:
    ctx = ToolContext(store=lite, shopper_typed=("ethan.lopez8943@example.com",))
    found = execute_confirmed(
        ctx, "find_user_id_by_email", {"email": "ethan.lopez8943@example.com"}
    )
    assert (found.ok, found.data, ctx.session_user_id) == (True, ETHAN, None)
    looked = execute_confirmed(ctx, "get_order_details", {"order_id": "#W6779827"})
    assert looked.error_kind == "not_authenticated"


def test_operator_replay_needs_no_identification(lite: Store) -> None:
    ctx = ToolContext(store=lite, operator=True)  # what ``aisle replay`` runs
    assert execute_confirmed(ctx, "cancel_pending_order", CANCEL).ok
    assert ctx.executed == {ConfirmationRequest.key_for("cancel_pending_order", CANCEL)}
    again = execute_confirmed(ctx, "cancel_pending_order", CANCEL)
    assert again.error_kind == "not_confirmed"
    assert state(lite, "#W6779827") == ("cancelled", 2, 4128.45)  # refunded once


def test_replay_identify_look_up_cancel(shop: Store) -> None:
    oks = replay(
        shop,
        [
            (
                "find_user_id_by_name_zip",
                {"first_name": "Ethan", "last_name": "Lopez", "zip": "43275"},
            ),
            ("get_order_details", {"order_id": "#W6779827"}),
            ("cancel_pending_order", CANCEL),
        ],
    )
    assert oks == [True, True, True]
    with shop.session() as session:
        order = session.get(Order, "#W6779827")
        assert order is not None
        assert (order.status, order.cancel_reason) == ("cancelled", "no longer needed")
        assert order.payment_history == [
            {"transaction_type": "payment", "amount": 4079.45, "payment_method_id": ETHAN_GIFT},
            {"transaction_type": "refund", "amount": 4079.45, "payment_method_id": ETHAN_GIFT},
        ]
    assert state(shop, "#W6779827")[2] == 4128.45


def test_replay_exchange_and_modify_items(lite: Store) -> None:
    oks = replay(
        lite,
        [
            ("find_user_id_by_email", {"email": "yusuf.rossi7301@example.com"}),
            ("get_user_details", {"user_id": YUSUF}),
            (
                "exchange_delivered_order_items",
                {
                    "order_id": "#W2378156",
                    "item_ids": ["4202497723"],
                    "new_item_ids": ["3374679624"],
                    "payment_method_id": "credit_card_9513926",
                },
            ),
            ("get_order_details", {"order_id": "#W6779827"}),  # another customer's: refused
            ("cancel_pending_order", {"order_id": "#W2378156", "reason": "no longer needed"}),
        ],
    )
    assert oks == [True, True, True, False, False]
    with lite.session() as session:
        order = session.get(Order, "#W2378156")
        assert order is not None
        assert (
            order.status,
            order.exchange_items,
            order.exchange_new_items,
            order.exchange_price_difference,
        ) == ("exchange requested", ["4202497723"], ["3374679624"], 27.72)
    assert state(lite, "#W6779827")[0] == "pending"


def test_replay_modify_items_changes_the_order_lines(lite: Store) -> None:
    oks = replay(
        lite,
        [
            ("find_user_id_by_email", {"email": "ethan.lopez8943@example.com"}),
            (
                "modify_pending_order_items",
                {
                    "order_id": "W6779827",
                    "item_ids": ["6942241102"],
                    "new_item_ids": ["3360679910"],
                    "payment_method_id": ETHAN_GIFT,
                },
            ),
        ],
    )
    assert oks == [True, True]
    with lite.session() as session:
        lines = session.exec(
            select(OrderItem).where(OrderItem.order_id == "#W6779827").order_by(col(OrderItem.seq))
        ).all()
        assert [(li.item_id, li.price) for li in lines] == [
            ("7896397433", 457.81),
            ("3379843752", 3203.76),
            ("1323134954", 236.95),
            ("3360679910", 195.26),
        ]
        assert lines[3].options == {"size": "medium", "material": "memory foam", "color": "beige"}
    assert state(lite, "#W6779827") == ("pending (item modified)", 2, 34.67)
