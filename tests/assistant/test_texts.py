"""Every language table has exactly the English names, with the same placeholders; ``say``
is strict; lists and plurals use the language's words."""

from __future__ import annotations

import pytest

from assistant.respond.texts import EN, TEXTS, TextError, join, placeholders, plural, say


@pytest.mark.parametrize("language", sorted(set(TEXTS) - {"en"}))
def test_a_table_has_every_english_name_and_no_other(language: str) -> None:
    table = TEXTS[language]
    assert sorted(EN.keys() - table.keys()) == []
    assert sorted(table.keys() - EN.keys()) == []


@pytest.mark.parametrize("language", sorted(set(TEXTS) - {"en"}))
def test_a_template_has_the_english_placeholders(language: str) -> None:
    table = TEXTS[language]
    differ = {
        key: (sorted(placeholders(EN[key])), sorted(placeholders(text)))
        for key, text in table.items()
        if key in EN and placeholders(text) != placeholders(EN[key])
    }
    assert differ == {}


@pytest.mark.parametrize("language", sorted(set(TEXTS) - {"en"}))
def test_no_template_is_left_in_english(language: str) -> None:
    # a few are the same words in every language: a number line, an id, a placeholder alone
    same = {k for k, v in TEXTS[language].items() if v == EN[k] and any(c.isalpha() for c in v)}
    allowed = {"line", "rating", "described", "compared_line", "order_line", "differs_row"}
    allowed |= {"described_facts", "wish_attribute", "count_products", "list_sep", "date"}
    allowed |= {"ask_which_order", "ask_reason", "order_total", "opt_no", "wish_in_stock"}
    allowed |= {"why_in_stock", "address_needed", "cart_line", "cart_total"}
    assert sorted(same - allowed) == []


def test_say_is_strict_and_falls_back_to_english() -> None:
    assert say("zh", "not_sold", thing="皮划艇") == "抱歉，本店不卖皮划艇。"
    assert say("es", "not_sold", thing="un kayak") == "Lo siento, no vendemos un kayak."
    assert say("fr", "not_sold", thing="kayaks") == "Sorry, we don't sell kayaks."
    with pytest.raises(TextError):
        say("es", "not_sold")


def test_lists_and_plurals_use_the_languages_words() -> None:
    assert join("en", ["Nike", "Adidas", "Puma"]) == "Nike, Adidas or Puma"
    assert join("zh", ["Nike", "Adidas", "Puma"]) == "Nike、Adidas或Puma"
    assert join("es", ["Nike", "Adidas"], "and") == "Nike y Adidas"
    assert plural("en", "review", 1) == "review" and plural("en", "review", 3) == "reviews"
    assert plural("es", "review", 3) == "reseñas" and plural("zh", "review", 3) == "条评价"


def test_the_refund_time_is_the_policys() -> None:
    from tools.policy import REFUND_DAYS

    assert EN["refund_days"] == REFUND_DAYS


def test_the_page_labels_follow_the_replys_language() -> None:
    from assistant.reply import CitationOut, Reply
    from ui.web import render
    from ui.web.views import CardView

    chinese = Reply(kind="confirmation", text="请确认：取消订单#W1234567。\n要我继续办理吗？")
    assert [o["label"] for o in render.options_for(chinese)] == ["确认", "取消"]
    card = render.card_html(CardView("p1", "Tent", 99.0, reasons=("有现货",)), lang="zh")
    assert "推荐理由" in card and "Why this one" not in card
    sources = render.citations_html([CitationOut(article_id="a1", title="Returns")], "es")
    assert sources.startswith('<div class="aisle-sources">Fuentes<ul>')
