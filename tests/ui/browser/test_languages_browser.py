"""A Chinese shopper, and a Spanish one, at the English demo shop's web chat in a real browser
(issue #14's Playwright flow).

In Chinese: a discovery request with a price cap ("我想买200美元以下的跑鞋") shows running
shoes all under $200 with the reply's own words in Chinese; a request that gets a clarifying
question ("推荐一款耳机") is answered by clicking one of its option buttons and shows
headphones that have the clicked value; signed in as a demo shopper, "我的订单在哪里？" lists
that shopper's recent orders with their states in Chinese. In Spanish: a running-shoe request
under 100 dollars. The shop's own words stay as the shop spells them (product titles, category,
attribute and option names, item names in an order); everything else the reply says must be in
the shopper's language: the checks take the shop's words out and look for any Latin word left.

The reading and the replies are code (the Chinese and Spanish readers, the composed texts):
the scripted brain is not asked. The first non-English message loads the multilingual
embedder the reader matches words with (seconds), hence the longer turn limit. Screenshots go
to the artifacts folder (see conftest), named ``zhbrowser_*``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from shopper import Chat, open_chat
from sqlmodel import col, select

from assistant.act.service import RECENT  # orders a status reply lists, newest first
from retrieval.documents import load_product_records, norm_value
from store.db import Store
from store.models import Order, Product
from tools.vocabulary import CatalogVocabulary
from ui.web.views import demo_shoppers

TURN_MS = 180_000  # the first Chinese message loads the multilingual embedder
_LATIN = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_MONEY = re.compile(r"\$[\d,]+\.\d\d")
# Order states as a Chinese shopper reads them (assistant/respond/texts_zh.py says the same).
STATE_ZH = {
    "pending": "待处理",
    "processed": "已发货",
    "delivered": "已送达",
    "cancelled": "已取消",
    "pending (item modified)": "待处理（商品已修改）",
    "return requested": "已申请退货",
    "exchange requested": "已申请换货",
}


@pytest.fixture
def chat(browser: Any, web_url: str, artifacts: Path) -> Iterator[Chat]:
    """A fresh tab on the chat the conftest serves."""
    with open_chat(browser, web_url, artifacts, TURN_MS) as tab:
        yield tab


def shop_words(vocab: CatalogVocabulary) -> set[str]:
    """Every word of the shop's category, attribute and option names and values, lower-cased:
    the words a reply may keep in English."""
    names = [*vocab.categories, *vocab.keys.values()]
    names += [v for values in vocab.values.values() for v in values.values()]
    return {w.lower() for name in names for w in _LATIN.findall(name)}


def stray_latin(text: str, allowed: set[str]) -> list[str]:
    """The Latin words in ``text`` that are not the shop's own (prices taken out first)."""
    return [w for w in _LATIN.findall(_MONEY.sub("", text)) if w.lower() not in allowed]


def count_in(store: Store, leaf: str) -> int:
    with store.session() as session:
        return len(
            session.exec(select(Product.product_id).where(Product.category_leaf == leaf)).all()
        )


def recent_orders(store: Store, user_id: str) -> list[Order]:
    with store.session() as session:
        query = select(Order).where(Order.user_id == user_id)
        return list(session.exec(query.order_by(col(Order.created_at).desc())))


def test_a_chinese_shopper_finds_chooses_by_clicking_and_asks_about_orders(
    chat: Chat, web_shop: Any
) -> None:
    store: Store = web_shop.store
    allowed = shop_words(web_shop.assistant.deps.vocab)

    # 1. Discovery with a price cap: running shoes, every card under $200, the words Chinese.
    chat.send("我想买200美元以下的跑鞋")
    cards, said = chat.cards(), chat.prose()
    assert len(cards) >= 3, said
    assert {c.category for c in cards} == {"Running Shoes"}, cards
    assert all(c.price <= 200 for c in cards), [(c.title, c.price) for c in cards]
    fit = re.match(
        r"共有(\d+)件running shoes符合条件（\$200\.00以下）。\n为您挑出最合适的(\d+)款：", said
    )
    assert fit, said
    assert int(fit.group(2)) == len(cards) <= int(fit.group(1)) <= count_in(store, "Running Shoes")
    assert not stray_latin(said, allowed), said
    assert not chat.options()
    for card in cards:  # each card's labels and reasons are Chinese too
        assert f"低于您$200.00的上限：${card.price:,.2f}" in card.text, card.text
        assert all(w in card.text for w in ("推荐理由", "喜欢", "不适合我")), card.text
        assert "Not for me" not in card.text and "WHY THIS ONE" not in card.text.upper()
    chat.shoot("zhbrowser_1-price-cap")

    # 2. A clarifying question, answered by clicking one of its buttons.
    headphones = count_in(store, "Headphones")
    chat.send("推荐一款耳机")
    asked, offered = chat.prose(), chat.options()
    assert not chat.cards()
    question = re.fullmatch(rf"共有{headphones}件headphones符合条件。\n您想要哪种(\w+)？", asked)
    assert question, asked
    assert len(offered) >= 3 and offered[-1] == "全部给我看看", offered
    assert not stray_latin(asked, allowed), asked
    chat.shoot("zhbrowser_2-question")

    value = offered[0]
    chat.choose(value)
    cards, said = chat.cards(), chat.prose()
    assert cards and {c.category for c in cards} == {"Headphones"}, cards
    records = {r.product_id: r for r in load_product_records(store, [c.product_id for c in cards])}
    for card in cards:  # every card has the clicked value, and says so in Chinese
        record = records[card.product_id]
        values = [
            *record.attributes.values(),
            *(v for i in record.items for v in i.options.values()),
        ]
        assert norm_value(value) in {norm_value(v) for v in values if isinstance(v, str)}
        assert f"{question.group(1)}是{value}，符合您的要求" in card.text, card.text
    assert said.startswith(
        f"共有{len(cards)}件headphones符合条件（{question.group(1)}：{value}）。"
    )
    assert not stray_latin(said, allowed), said
    assert not chat.options()  # the question is answered
    chat.shoot("zhbrowser_3-clicked-value")

    # 3. Signed in: where are my orders? Each recent order with its state, in Chinese.
    name, user_id = next(
        (n, u)
        for n, u in demo_shoppers(store)
        if len({o.status for o in recent_orders(store, u)[:RECENT]}) >= 2
    )
    orders = recent_orders(store, user_id)[:RECENT]
    chat.sign_in(name)
    chat.send("我的订单在哪里？")
    said = chat.prose()
    head, *lines = said.splitlines()
    assert head == "这是您最近的订单和状态：", said
    assert len(lines) == len(orders), said
    for line, order in zip(lines, orders, strict=True):
        placed = order.created_at
        start = f"{order.order_id}（{placed.year}年{placed.month}月{placed.day}日下单）："
        assert line.startswith(f"{start}{STATE_ZH[str(order.status)]}。"), (line, order.status)
    assert not stray_latin(head, allowed)
    chat.shoot("zhbrowser_4-orders")


def test_a_spanish_shopper_gets_running_shoes_under_100_dollars(chat: Chat) -> None:
    chat.send("quiero zapatillas para correr por menos de 100 dólares")
    cards, said = chat.cards(), chat.prose()
    assert cards and {c.category for c in cards} == {"Running Shoes"}, cards
    assert all(c.price <= 100 for c in cards), [(c.title, c.price) for c in cards]
    fit = re.fullmatch(
        r"(\d+) running shoes encajan con lo que pides: por menos de \$100\.00\.\n"
        r"Estos son los (\d+) mejores:",
        said,
    )
    assert fit and int(fit.group(2)) == len(cards) <= int(fit.group(1)), said
    for card in cards:
        assert f"por debajo de tu máximo de $100.00: ${card.price:,.2f}" in card.text
        assert "POR QUÉ ESTE" in card.text.upper() and "No es para mí" in card.text
    chat.shoot("zhbrowser_5-spanish")
