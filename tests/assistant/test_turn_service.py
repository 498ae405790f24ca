"""Customer-service turns through ``Assistant.chat``: signed-in order help without an order
number, confirmations in words, writes once, identity only from the shopper.

The model is a ``ScriptedChat``: an empty script where the words decide the turn; where a test
gives it lines, they are an obedient model's proposals, and the test checks that code, not
the proposal, decides whose data is read and what is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant_shops import Shop
from sqlalchemy import update
from sqlmodel import col, select

from assistant.agent import Assistant
from assistant.llm.scripted import ScriptedChat, call
from assistant.reply import Reply
from store.models import Order, OrderItem, Product, User

Bot = Callable[..., Assistant]
_INTERNAL = re.compile(r"\b\d{9,}\b|\b(?:credit_card|paypal|gift_card)_\d+\b")


def orders_of(shop: Shop, user_id: str) -> list[Order]:
    with shop.store.session() as s:
        return list(
            s.exec(
                select(Order).where(Order.user_id == user_id).order_by(col(Order.created_at).desc())
            ).all()
        )


def status(shop: Shop, order_id: str) -> str:
    with shop.store.session() as s:
        order = s.get(Order, order_id)
        assert order is not None
        return order.status


def no_internal_ids(reply: Reply) -> None:
    assert not _INTERNAL.search(reply.text), reply.text
    if reply.question is not None:
        assert not any(_INTERNAL.search(o) for o in reply.question.options)


def test_recent_orders_list_number_date_status_and_items(demo: Shop, bot: Bot) -> None:
    orders = orders_of(demo, "evelyn_patel_8856")
    reply = bot(demo).chat("what did I order recently?", "o", "evelyn_patel_8856")
    assert reply.kind == "answer" and reply.confirmation is None
    newest = orders[0]
    assert newest.order_id in reply.text and newest.status in reply.text
    assert newest.created_at.strftime("%b") in reply.text
    with demo.store.session() as s:
        ids = s.exec(
            select(OrderItem.product_id).where(OrderItem.order_id == newest.order_id)
        ).all()
        titles = [s.get(Product, i).title for i in ids]  # type: ignore[union-attr]
    assert all(t in reply.text for t in titles)  # the listings' titles, not "Blenders"
    no_internal_ids(reply)


def test_where_is_my_most_recent_order(demo: Shop, bot: Bot) -> None:
    newest = orders_of(demo, "leo_hansen_7728")[0]
    reply = bot(demo).chat("Where is my most recent order?", "w", "leo_hansen_7728")
    assert reply.kind == "answer"
    assert f"Order {newest.order_id}" in reply.text and newest.status in reply.text


def test_cancel_my_pending_order_confirm_once(demo: Shop, bot: Bot) -> None:
    user = "julian_young_8948"
    pending = [o for o in orders_of(demo, user) if o.status == "pending"]
    assert len(pending) == 1
    order_id = pending[0].order_id
    assistant = bot(demo)
    asked = assistant.chat("I want to cancel my pending order", "c", user)
    assert asked.kind == "question" and asked.question is not None
    assert asked.question.options == ["I no longer need it", "I ordered it by mistake"]
    proposed = assistant.chat("I ordered it by mistake", "c", user)
    assert proposed.kind == "confirmation" and proposed.confirmation is not None
    assert proposed.confirmation.arguments["order_id"] == order_id
    assert proposed.question is not None
    assert proposed.question.options == [f"Yes, cancel order {order_id}", "Keep my order"]
    no_internal_ids(proposed)
    assert status(demo, order_id) == "pending"
    unclear = assistant.chat("cancel it", "c", user)  # a yes or a no? asked again
    assert unclear.question is not None and unclear.question.options == proposed.question.options
    assert status(demo, order_id) == "pending"
    done = assistant.chat(proposed.question.options[0], "c", user)
    assert done.text.startswith(f"Done. Order {order_id} is cancelled.")
    assert status(demo, order_id) == "cancelled"
    no_internal_ids(done)
    with demo.store.session() as s:
        refunds = len(s.get(Order, order_id).payment_history or [])  # type: ignore[union-attr]
    for repeat in ("yes", "Yes, cancel it."):
        again = assistant.chat(repeat, "c", user)
        assert again.text.startswith("That's already done"), repeat
    with demo.store.session() as s:
        assert len(s.get(Order, order_id).payment_history or []) == refunds  # type: ignore[union-attr]


def test_several_pending_orders_are_offered_and_no_other(demo: Shop, bot: Bot) -> None:
    user = "victor_allen_8876"
    delivered = next(o for o in orders_of(demo, user) if o.status == "delivered")
    with demo.store.session() as s:
        s.execute(
            update(Order).where(col(Order.order_id) == delivered.order_id).values(status="pending")
        )
    pending = {o.order_id for o in orders_of(demo, user) if o.status == "pending"}
    assert len(pending) == 2
    assistant = bot(demo)
    asked = assistant.chat("cancel my pending order please", "m", user)
    assert asked.kind == "question" and asked.question is not None
    named = {re.match(r"#W\d{7}", o).group(0) for o in asked.question.options}  # type: ignore[union-attr]
    assert named == pending
    reason = assistant.chat(asked.question.options[0], "m", user)
    assert reason.kind == "question"
    proposed = assistant.chat("I no longer need it", "m", user)
    assert proposed.kind == "confirmation" and proposed.confirmation is not None
    assert proposed.confirmation.arguments["order_id"] == asked.question.options[0][:9]


def test_nothing_pending_means_no_proposal(demo: Shop, bot: Bot) -> None:
    reply = bot(demo).chat("I want to cancel my pending order", "n", "daria_wright_8230")
    assert reply.kind == "answer" and reply.confirmation is None
    assert "None of your orders is pending" in reply.text


def test_a_delivered_order_is_never_proposed_for_cancellation(demo: Shop, bot: Bot) -> None:
    order = next(o for o in orders_of(demo, "daria_wright_8230") if o.status == "delivered")
    reply = bot(demo).chat(
        f"cancel order {order.order_id} please, I ordered it by mistake", "d", "daria_wright_8230"
    )
    assert reply.confirmation is None
    assert f"Order {order.order_id} is delivered, so it can't be cancelled" in reply.text


def test_keep_my_order_changes_nothing(demo: Shop, bot: Bot) -> None:
    user = "nia_flores_4485"
    order = next(o for o in orders_of(demo, user) if o.status == "pending")
    assistant = bot(demo)
    assistant.chat("I'd like to cancel my pending order, I no longer need it", "k", user)
    kept = assistant.chat("Keep my order", "k", user)
    assert kept.kind == "answer" and "haven't changed anything" in kept.text
    assert status(demo, order.order_id) == "pending"
    assert assistant.chat("yes", "k", user).confirmation is None
    assert status(demo, order.order_id) == "pending"


def test_a_guest_is_identified_by_the_email_they_type(demo: Shop, bot: Bot) -> None:
    order = orders_of(demo, "leo_hansen_7728")[0]
    with demo.store.session() as s:
        email = s.get(User, "leo_hansen_7728").email  # type: ignore[union-attr]
    assistant = bot(demo)
    asked = assistant.chat(f"where is my order {order.order_id}?", "g")
    assert "email" in asked.text and order.status not in asked.text
    shown = assistant.chat(f"it's {email}", "g")
    assert f"Order {order.order_id}" in shown.text and order.status in shown.text


def test_identity_and_orders_never_come_from_the_model(demo: Shop, bot: Bot) -> None:
    victim = orders_of(demo, "leo_hansen_7728")[0]
    with demo.store.session() as s:
        email = s.get(User, "leo_hansen_7728").email  # type: ignore[union-attr]
        items = s.exec(select(OrderItem.name).where(OrderItem.order_id == victim.order_id)).all()
    obedient = ScriptedChat(
        [
            call("find_user_id_by_email", email=email),
            call("get_order_details", order_id=victim.order_id),
        ]
    )
    assistant = bot(demo, obedient)
    first = assistant.chat("hmm ok so", "x")
    second = assistant.chat("and then what", "x")
    for reply in (first, second):
        assert victim.order_id not in reply.text
        assert not any(name in reply.text for name in items)
    signed = bot(
        demo,
        ScriptedChat(
            [call("cancel_pending_order", order_id=victim.order_id, reason="no longer needed")]
        ),
    )
    reply = signed.chat("hmm", "y", "julian_young_8948")
    assert (
        reply.confirmation is None
        or reply.confirmation.arguments.get("order_id") != victim.order_id
    )


def test_another_customers_order_reveals_nothing(demo: Shop, bot: Bot) -> None:
    other = orders_of(demo, "leo_hansen_7728")[0]
    with demo.store.session() as s:
        items = s.exec(select(OrderItem.name).where(OrderItem.order_id == other.order_id)).all()
    reply = bot(demo).chat(
        f"what's the status of order {other.order_id}?", "a", "julian_young_8948"
    )
    assert f"I couldn't find order {other.order_id} on your account" in reply.text
    assert other.status not in reply.text.replace("status", "")
    assert not any(name in reply.text for name in items)


def test_return_names_items_and_runs_once(demo: Shop, bot: Bot) -> None:
    user = "daria_wright_8230"
    order = next(o for o in orders_of(demo, user) if o.status == "delivered")
    with demo.store.session() as s:
        line = s.exec(select(OrderItem).where(OrderItem.order_id == order.order_id)).first()
        assert line is not None
        listing = s.get(Product, line.product_id)
        name, title = line.name, listing.title if listing else line.name
    assistant = bot(demo)
    reply = assistant.chat(f"I want to return the {name} from order {order.order_id}", "r", user)
    while reply.kind == "question" and reply.question is not None:
        reply = assistant.chat(reply.question.options[0], "r", user)
    assert reply.kind == "confirmation", reply.text
    assert title in reply.text  # the listing's title, as the order list names it
    no_internal_ids(reply)
    done = assistant.chat("yes", "r", user)
    assert done.text.startswith("Done.")
    assert status(demo, order.order_id) == "return requested"


def test_exchange_resolves_the_option_named(tau2: Shop, bot: Bot) -> None:
    assistant = bot(tau2)
    reply = assistant.chat(
        "my email is evelyn.gonzalez2110@example.com. I want to exchange "
        "the Notebook in order #W8341134 for the hard cover one",
        "e",
    )
    assert reply.kind == "confirmation", reply.text
    assert reply.confirmation is not None
    assert "cover type: hard cover" in reply.text
    no_internal_ids(reply)
    assistant.chat("yes", "e")
    assert status(tau2, "#W8341134") == "exchange requested"


def test_a_new_address_typed_in_full(demo: Shop, bot: Bot) -> None:
    user = "julian_young_8948"
    order = next(o for o in orders_of(demo, user) if o.status == "pending")
    assistant = bot(demo)
    reply = assistant.chat(
        f"please change the shipping address of order {order.order_id} to "
        "12 Oak St, Apt 4, Springfield, IL, 62704, USA",
        "addr",
        user,
    )
    assert reply.kind == "confirmation", reply.text
    assert "New address: 12 Oak St, Apt 4, Springfield, IL, 62704, USA" in reply.text
    assistant.chat("yes", "addr", user)
    with demo.store.session() as s:
        stored = s.get(Order, order.order_id)
        assert stored is not None and (stored.address or {}).get("city") == "Springfield"


def test_policy_questions_are_answered_from_the_help_center(demo: Shop, bot: Bot) -> None:
    reply = bot(demo).chat("how long do refunds take?", "h")
    assert reply.kind == "answer" and reply.citations
    assert f"\u201c{reply.citations[0].title}\u201d" in reply.text


def test_a_person_is_a_handoff(demo: Shop, bot: Bot) -> None:
    reply = bot(demo).chat("can I talk to a real person please?", "p")
    assert reply.kind == "handoff"
    assert [t.tool for t in reply.trace] == ["transfer_to_human_agents"]
