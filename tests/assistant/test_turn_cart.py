"""Cart and checkout turns through ``Assistant.chat`` on the demo shop: positions refer to the
products on screen, an open option is asked with its in-stock values, the checkout
confirmation names the act and the amount, the yes places one order, and a changed cart or a
second yes applies nothing. The model is never consulted (an empty ``ScriptedChat``)."""

from __future__ import annotations

from collections.abc import Callable

from assistant_shops import Shop
from sqlmodel import col, select

from assistant.agent import Assistant
from assistant.reply import Reply
from store.models import Item, Order, OrderItem, PaymentMethod, User
from tools.base import ToolContext
from tools.cart import add_to_cart
from tools.service_change import method_name
from tools.variants import sellable

Bot = Callable[..., Assistant]
USER = "gabriel_cruz_5285"  # a gift card of $128.00 and a Discover card


def _cards(a: Assistant, session: str, user: str | None = USER) -> Reply:
    reply = a.chat("show me running shoes", session, user)
    if reply.kind == "question":
        assert reply.question is not None
        reply = a.chat(reply.question.options[-1], session, user)  # "Show me all of them"
    assert reply.kind == "recommendations" and len(reply.products) == 5
    return reply


def _items(shop: Shop, product_id: str) -> list[Item]:
    with shop.store.session() as s:
        return list(s.exec(select(Item).where(Item.product_id == product_id)).all())


def _orders(shop: Shop, user: str) -> list[Order]:
    with shop.store.session() as s:
        return list(s.exec(select(Order).where(Order.user_id == user)).all())


def test_add_by_position_pick_an_option_check_out_and_confirm_once(demo: Shop, bot: Bot) -> None:
    a = bot(demo)
    shown = _cards(a, "c1")
    second = shown.products[1]
    assert second.variants and {v.item_id for v in second.variants} == {
        i.item_id for i in _items(demo, second.product_id)
    }
    asked = a.chat("add the second one in size 10 to my cart", "c1", USER)
    tens = [
        i
        for i in _items(demo, second.product_id)
        if (i.options or {}).get("size") == "10" and sellable(i)
    ]
    assert asked.kind == "question" and asked.question is not None
    key = asked.question.attribute
    assert asked.question.options == list(
        dict.fromkeys(str((i.options or {})[key]) for i in sorted(tens, key=lambda i: i.seq))
    )
    added = a.chat(asked.question.options[0], "c1", USER)  # a click sends the label
    assert added.cart is not None and added.cart.count == 1
    [line] = added.cart.lines
    assert line.product_id == second.product_id and line.options["size"] == "10"
    assert line.options[key] == asked.question.options[0]
    assert added.text.startswith(f"Added 1 \u00d7 {second.title} (")
    viewed = a.chat("what's in my cart", "c1", USER)
    assert viewed.text.splitlines()[0] == "Your cart (1 item):"
    with demo.store.session() as s:
        stock = s.get(Item, line.item_id).stock  # type: ignore[union-attr]
    assert stock is not None and stock >= 1
    two = a.chat("make it two", "c1", USER)
    assert two.cart is not None
    quantity = 2 if stock >= 2 else 1
    assert two.cart.lines[0].quantity == quantity
    total = round(line.unit_price * quantity, 2)
    pay = a.chat("check out", "c1", USER)
    with demo.store.session() as s:
        methods = s.exec(
            select(PaymentMethod)
            .where(PaymentMethod.user_id == USER)
            .order_by(col(PaymentMethod.seq))
        ).all()
        user = s.get(User, USER)
    assert pay.question is not None and pay.question.options == [method_name(m) for m in methods]
    card = next(m for m in methods if m.source != "gift_card")
    proposed = a.chat(method_name(card), "c1", USER)
    assert proposed.kind == "confirmation" and proposed.question is not None
    assert proposed.question.options == [f"Yes, place order for ${total:,.2f}", "Not now"]
    assert f"Payment: {method_name(card)}" in proposed.text
    assert f"Ship to: {user.address['address1']}" in proposed.text  # type: ignore[union-attr,index]
    assert card.id not in proposed.text and line.item_id not in proposed.text
    before = len(_orders(demo, USER))
    done = a.chat("yes", "c1", USER)
    assert done.text.startswith("Done. Order #W"), done.text
    assert done.cart is not None and done.cart.count == 0
    placed = [o for o in _orders(demo, USER) if o.order_id in done.text]
    assert len(_orders(demo, USER)) == before + 1 and len(placed) == 1
    order = placed[0]
    assert order.status == "pending"
    assert order.payment_history == [
        {"transaction_type": "payment", "amount": total, "payment_method_id": card.id}
    ]
    with demo.store.session() as s:
        lines = s.exec(select(OrderItem).where(OrderItem.order_id == order.order_id)).all()
        assert [li.item_id for li in lines] == [line.item_id] * quantity
        assert s.get(Item, line.item_id).stock == stock - quantity  # type: ignore[union-attr]
    again = a.chat("yes", "c1", USER)
    assert again.text.startswith("That's already done: Order " + order.order_id)
    assert len(_orders(demo, USER)) == before + 1
    recent = a.chat("what did I order recently?", "c1", USER)
    assert order.order_id in recent.text and "pending" in recent.text


def test_buy_with_the_gift_card_and_remove_by_position(demo: Shop, bot: Bot) -> None:
    a = bot(demo)
    user = "daria_wright_8230"  # a gift card of $259.00
    shown = _cards(a, "c2", user)
    cheap = min(range(5), key=lambda n: shown.products[n].price)
    ctx = ToolContext(store=demo.store, session_user_id=user, conversation_id="c2")
    for n in (cheap, (cheap + 1) % 5):  # two lines, then the second removed by its position
        item = next(v for v in shown.products[n].variants if v.in_stock)
        add_to_cart.call(ctx, {"product_id": item.item_id})
    removed = a.chat(
        f"remove the {('first', 'second', 'third', 'fourth', 'fifth')[(cheap + 1) % 5]} one",
        "c2",
        user,
    )
    assert removed.cart is not None and [li.product_id for li in removed.cart.lines] == [
        shown.products[cheap].product_id
    ]
    assert removed.text.startswith("Removed ")
    proposed = a.chat("check out and pay with my gift card", "c2", user)
    assert proposed.kind == "confirmation", proposed.text
    assert "Payment: gift card (balance $259.00)" in proposed.text
    done = a.chat(proposed.question.options[0], "c2", user)  # type: ignore[union-attr]
    assert "paid with your gift card (balance now $" in done.text
    with demo.store.session() as s:
        card = s.exec(
            select(PaymentMethod).where(
                PaymentMethod.user_id == user, PaymentMethod.source == "gift_card"
            )
        ).one()
    assert card.balance == round(259.0 - removed.cart.total, 2)


def test_a_cart_changed_after_the_confirmation_was_shown_orders_nothing(
    demo: Shop, bot: Bot
) -> None:
    a = bot(demo)
    shown = _cards(a, "c3")
    ctx = ToolContext(store=demo.store, session_user_id=USER, conversation_id="c3")
    first = next(v for v in shown.products[3].variants if v.in_stock)
    add_to_cart.call(ctx, {"product_id": first.item_id})
    with demo.store.session() as s:
        card = s.exec(
            select(PaymentMethod).where(
                PaymentMethod.user_id == USER, PaymentMethod.source != "gift_card"
            )
        ).one()
    a.chat("check out", "c3", USER)
    proposed = a.chat(method_name(card), "c3", USER)
    assert proposed.kind == "confirmation"
    add_to_cart.call(ctx, {"product_id": first.item_id})  # another door adds one more
    before = len(_orders(demo, USER))
    refused = a.chat("yes", "c3", USER)
    assert refused.text.startswith("Your cart changed since I showed you the order")
    assert len(_orders(demo, USER)) == before


def test_a_guest_checkout_asks_who_they_are_then_goes_on(demo: Shop, bot: Bot) -> None:
    a = bot(demo)
    shown = _cards(a, "c4", None)
    ctx = ToolContext(store=demo.store, conversation_id="c4")
    add_to_cart.call(
        ctx, {"product_id": next(v for v in shown.products[0].variants if v.in_stock).item_id}
    )
    asked = a.chat("check out", "c4")
    assert asked.text.startswith("To help with your orders, I need to know who you are")
    with demo.store.session() as s:
        email = s.get(User, USER).email  # type: ignore[union-attr]
    going = a.chat(f"it's {email}", "c4")
    assert going.question is not None and going.question.text == (
        "Which payment method would you like to use?"
    )
    assert going.cart is not None and going.cart.count == 1  # the guest cart is theirs now


def test_with_a_checkout_page_check_out_hands_the_cart_over(demo: Shop) -> None:
    from assistant.deps import Deps
    from assistant.llm.scripted import ScriptedChat

    a = Assistant(
        Deps(
            store=demo.store,
            llm=ScriptedChat([]),
            searcher=demo.searcher,
            vocab=demo.vocab,
            checkout_url="https://shop.example/cart/{items}",
        )
    )
    shown = _cards(a, "c5", None)
    item = next(v for v in shown.products[0].variants if v.in_stock)
    ctx = ToolContext(store=demo.store, conversation_id="c5")
    add_to_cart.call(ctx, {"product_id": item.item_id, "quantity": 1})
    handed = a.chat("check out", "c5")
    url = f"https://shop.example/cart/{item.item_id}:1"
    assert handed.text == f"Your cart (1 item, ${item.price:,.2f}) is ready at checkout: {url}"
    assert handed.cart is not None and handed.cart.checkout_url == url
    assert handed.confirmation is None


def test_add_both_when_the_first_is_sold_out_adds_the_second_and_says_so(
    demo: Shop, bot: Bot
) -> None:
    from sqlalchemy import update

    a = bot(demo)
    shown = _cards(a, "c6")
    first, second = shown.products[0], shown.products[1]
    with demo.store.session() as s:
        s.execute(update(Item).where(col(Item.product_id) == first.product_id).values(stock=0))
    reply = a.chat("add both to my cart", "c6", USER)
    assert f"Sorry, {first.title}" in reply.text and "is sold out" in reply.text
    for _ in range(4):  # the second's open options: the first value of each
        if reply.kind != "question" or reply.question is None:
            break
        reply = a.chat(reply.question.options[0], "c6", USER)
    assert reply.cart is not None
    assert [li.product_id for li in reply.cart.lines] == [second.product_id]
