"""Replies in the shopper's language through ``Assistant.chat`` (issue #14): a Spanish
cancellation from the reason question to "done", every button in Spanish and the write
done once; a clicked option keeps the conversation's language; the model is told the
language and its English words are not shown to a Chinese shopper;
reasons and "nothing fits" buttons worded from their names, the English exactly as the tools
write it; a model's words in the wrong language are not shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant_shops import Shop
from sqlmodel import col, select

from assistant.agent import Assistant
from assistant.llm.scripted import ScriptedChat
from assistant.outcomes import Chat
from assistant.respond import respond
from assistant.respond.claims import ClaimContext
from assistant.respond.words import reason_text, relaxation_label
from retrieval.documents import load_product_records
from store.models import Order, Product
from tools.constraints import Constraints
from tools.explain import reasons_for
from tools.grounding import GroundingFacts
from tools.relax import Relaxation

Bot = Callable[..., Assistant]
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _status(shop: Shop, order_id: str) -> str:
    with shop.store.session() as s:
        order = s.get(Order, order_id)
        assert order is not None
        return order.status


def test_a_spanish_cancellation_is_worded_in_spanish(demo: Shop, bot: Bot) -> None:
    user = "julian_young_8948"
    with demo.store.session() as s:
        (order_id,) = s.exec(
            select(Order.order_id).where(Order.user_id == user, Order.status == "pending")
        ).all()
    assistant = bot(demo)
    asked = assistant.chat("quiero cancelar mi pedido pendiente", "es", user)
    assert asked.text == "¿Por qué quieres cancelarlo?"
    assert asked.question is not None
    assert asked.question.options == ["Ya no lo necesito", "Lo pedí por error"]
    proposed = assistant.chat("Lo pedí por error", "es", user)
    assert proposed.kind == "confirmation" and proposed.question is not None
    assert proposed.question.options == [f"Sí, cancela el pedido {order_id}", "Mantener mi pedido"]
    assert proposed.text.startswith(f"Confirma, por favor: cancelar el pedido {order_id}.")
    assert "Motivo: Lo pedí por error" in proposed.text
    assert proposed.text.endswith("¿Sigo adelante?")
    assert _status(demo, order_id) == "pending"
    done = assistant.chat(proposed.question.options[0], "es", user)
    assert done.text == f"Hecho. El pedido {order_id} está cancelado."
    assert _status(demo, order_id) == "cancelled"


def test_a_clicked_order_keeps_the_conversations_language(demo: Shop, bot: Bot) -> None:
    user = "victor_allen_8876"
    with demo.store.session() as s:
        delivered = s.exec(
            select(Order).where(Order.user_id == user, Order.status == "delivered")
        ).first()
        assert delivered is not None
        delivered.status = "pending"
        s.add(delivered)
        s.commit()
    assistant = bot(demo)
    asked = assistant.chat("quiero cancelar mi pedido pendiente", "click", user)
    assert asked.text == "¿De qué pedido hablas?" and asked.question is not None
    assert len(asked.question.options) == 2
    assert all(" · pendiente · " in o for o in asked.question.options)
    # the label is mostly English product titles; the reply stays in Spanish
    reason = assistant.chat(asked.question.options[0], "click", user)
    assert reason.text == "¿Por qué quieres cancelarlo?"


def test_the_model_is_told_the_language_and_its_english_is_not_shown(demo: Shop, bot: Bot) -> None:
    model = ScriptedChat(["Hello! How can I help you today?"])
    reply = bot(demo, model).chat("今天天气不错", "zh")
    assert reply.text.startswith("抱歉，我没太明白您的需要。")
    (request,) = model.requests
    note = request.messages[-2]
    assert note.role == "system" and "Chinese" in note.content
    assert request.messages[-1].content == "今天天气不错"


def test_reasons_in_english_are_the_tools_words_and_in_chinese_say_the_same_facts(
    demo: Shop,
) -> None:
    with demo.store.session() as s:
        ids = s.exec(select(Product.product_id).order_by(col(Product.product_id)).limit(40)).all()
    records = load_product_records(demo.store, list(ids))
    seen = set()
    for record in records:
        c = Constraints(price_max=round(record.price + 10), brands=[record.brand], in_stock=True)
        for reason in reasons_for(record, c, None, None, ["waterproof"]):
            seen.add(reason.name)
            assert reason_text(reason, "en") == reason.text
            chinese = reason_text(reason, "zh")
            assert _CJK.search(chinese), chinese
            for value in re.findall(r"\$[\d,.]+", reason.text):
                assert value in chinese  # the same prices, in the Chinese words
    assert {"why_under", "why_brand", "why_in_stock"} <= seen


def test_a_relaxation_button_in_each_language() -> None:
    r = Relaxation(
        "price_max",
        "raise the price cap from $100.00 to $104.99 (3 products)",
        3,
        Constraints(price_max=104.99),
        True,
        "relax_raise",
        {"old": "$100.00", "new": "$104.99"},
    )
    assert relaxation_label(r, "en") == "Raise the price cap from $100.00 to $104.99 (3 products)"
    assert relaxation_label(r, "zh") == "把价格上限从$100.00提高到$104.99（3件商品）"
    assert relaxation_label(r, "es") == "Subir el precio máximo de $100.00 a $104.99 (3 productos)"


def test_model_words_in_another_language_fall_back_to_the_composed_text() -> None:
    claims = ClaimContext(
        message="hola",
        prompt_texts=[],
        tool_names=[],
        facts=GroundingFacts.build((), None),
        observed="",
        actions_done=False,
    )
    english = Chat("model", "Hello! How can I help you today?")
    assert respond(english, "es", [], claims).reply.text.startswith("Perdona, no tengo claro")
    spanish = Chat("model", "¡Hola! ¿En qué te puedo ayudar hoy?")
    assert respond(spanish, "es", [], claims).reply.text == "¡Hola! ¿En qué te puedo ayudar hoy?"


def test_a_help_answer_quotes_the_english_article_under_a_lead_in_in_the_shoppers_language() -> (
    None
):
    from assistant.outcomes import HelpAnswered
    from retrieval.help import HelpPassage
    from tools.shopping_info import HelpAnswer

    passage = HelpPassage("returns-1", "Returns and refunds", "Window", "text", 1.0)
    said = ("You can return most items within 30 days of delivery.",)
    outcome = HelpAnswered(HelpAnswer("退货", (passage,)), said)
    claims = ClaimContext(
        message="退货",
        prompt_texts=[],
        tool_names=[],
        facts=GroundingFacts.build((), None),
        observed="",
        actions_done=False,
    )
    zh = respond(outcome, "zh", [], claims).reply
    assert zh.text == (
        "帮助中心的文章\u201cReturns and refunds\u201d（英文）是这样说的："
        "\u201cYou can return most items within 30 days of delivery.\u201d"
    )
    assert [c.title for c in zh.citations] == ["Returns and refunds"]
    es = respond(outcome, "es", [], claims).reply
    assert es.text.startswith(
        "Nuestro centro de ayuda lo explica en \u201cReturns and refunds\u201d"
    )
    assert es.text.endswith("\u201cYou can return most items within 30 days of delivery.\u201d")
