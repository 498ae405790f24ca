"""Chinese and Spanish phrasing banks and the language check of ``aisle eval conversations``:
the dev banks fit every flow and name the shops' things in their language, placeholders are
filled in that language, and a reply's language is judged without titles, prices, catalog
names or quoted article text."""

from __future__ import annotations

import pytest

from assistant.reply import CitationOut, ProductCard, Reply
from eval.harness.bank_words import parse_words
from eval.harness.banks import BankError, bank_path, load_bank
from eval.harness.flow_types import Slots
from eval.harness.flows import BANK_OPTIONAL, FLOWS
from eval.harness.language_check import language_of, reply_prose, wrong_language
from eval.harness.slots import THINGS
from store.demo.catalog_spec import all_categories

NAMES = frozenset({"paceline", "surge", "running", "shoes", "trail", "black", "tent"})


@pytest.mark.parametrize("language", ["zh", "es"])
def test_a_dev_bank_has_every_flow_and_key_and_names_the_demo_shops_things(language: str) -> None:
    # the purchase flows are new: the zh and es banks do not phrase them yet
    bank = load_bank("dev", FLOWS, language, optional=BANK_OPTIONAL)
    assert bank.name == f"{language}_dev" and bank.language == language
    assert bank.path.name == f"{language}_dev.toml"
    assert set(bank.phrasings) == {f.id for f in FLOWS} - set(BANK_OPTIONAL)
    for flow in (f for f in FLOWS if f.id in bank.phrasings):
        for key in flow.keys:
            phrasings = bank.get(flow.id, key)
            assert len(phrasings) >= 5 and len(set(phrasings)) == len(phrasings), (flow.id, key)
    leaves = {c.path.split(" > ")[-1].casefold() for c in all_categories()}
    named = set(bank.words.category) | set(bank.words.category_one)
    assert sorted(leaves - named) == []
    assert sorted(set(THINGS) - set(bank.words.thing)) == []
    assert set(bank.words.room) == {"kitchen", "office"}


@pytest.mark.parametrize("language", ["zh", "es"])
def test_the_test_bank_of_a_language_exists_and_loads(language: str) -> None:
    assert (
        load_bank("test", FLOWS, language, optional=BANK_OPTIONAL).language == language
    )  # loaded, not looked at


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(BankError, match="no 'fr' banks"):
        bank_path("dev", "fr")


def test_placeholders_are_filled_in_the_banks_language() -> None:
    zh, es = (load_bank("dev", FLOWS, lang, optional=BANK_OPTIONAL).words for lang in ("zh", "es"))
    slots = Slots(category="Running Shoes", value="Black", thing="kayak", cap=90)
    values = slots.texts()
    assert zh.localize(slots, values) == {
        **values,
        "category": "跑鞋",
        "category_one": "跑鞋",
        "value": "黑色",
        "thing": "皮划艇",
    }
    spanish = es.localize(slots, values)
    assert isinstance(spanish, dict)
    assert spanish["category"] == "zapatillas de running"
    assert spanish["category_one"] == "unas zapatillas de running"
    assert spanish["thing"] == "un kayak" and spanish["cap"] == "90"
    odd = Slots(category="Running Shoes", value="Duck Egg Blue")
    odd_values = zh.localize(odd, odd.texts())
    assert isinstance(odd_values, dict) and odd_values["value"] == "Duck Egg Blue"
    unknown = Slots(category="Kayaks")
    assert zh.localize(unknown, unknown.texts()) == (
        "the bank's [words.category] does not name 'Kayaks'"
    )


def test_the_fillers_read_the_rooms_and_wishes_in_the_banks_words() -> None:
    words, problems = parse_words(
        {"room": {"kitchen": "厨房"}, "wish": {"tent": ["tienda", "carpa"]}}
    )
    assert problems == []
    assert words.for_filler("厨房需要添点东西") == "厨房需要添点东西 kitchen"
    assert words.for_filler("una carpa para 4") == "una carpa para 4 tent"
    _, bad = parse_words({"colour": {}, "thing": {"kayak": ["a", "b"]}})
    assert bad == [
        "[words.colour]: unknown table (known: category, category_one, value, thing, room, wish)",
        "[words.thing] 'kayak': expected one word",
    ]


def test_a_replys_language_leaves_out_titles_prices_names_and_quotes() -> None:
    assert language_of("共有12件Running Shoes符合条件（$90.00以下）。", NAMES) == "zh"
    assert language_of("Lo siento, no vendemos un kayak.", NAMES) == "es"
    assert language_of("Sorry, we don't sell kayaks.", NAMES) == "en"
    assert language_of("1. Paceline Surge Trail \u2014 $89.99", NAMES) is None
    quoted = (
        "帮助中心的文章\u201cReturns\u201d（英文）是这样说的：\u201cYou can return any item.\u201d"
    )
    assert language_of(quoted, NAMES) == "zh"
    reply = Reply(
        kind="recommendations",
        text="Estos son los 2 mejores:\n1. Paceline Surge X \u2014 $89.99",
        products=[
            ProductCard(
                product_id="p1",
                title="Paceline Surge X",
                price=89.99,
                reasons=["under your $90.00 cap: $89.99", "4.5 stars from 20 reviews"],
            )
        ],
        citations=[CitationOut(article_id="a", title="Returns")],
    )
    assert not any("Paceline Surge X" in part for part in reply_prose(reply))
    assert wrong_language(reply, "es", NAMES) == (  # a Spanish text over English reasons
        "the reply is in en, the conversation in es: "
        "'under your $90.00 cap: $89.99\\n4.5 stars from 20 reviews'"
    )


def test_echo_and_promise_are_caught_in_chinese_and_spanish() -> None:
    from eval.harness.checks import echo, promise

    assert echo("抱歉，本店不卖皮划艇。", "你们有卖皮划艇吗？") is None
    assert echo("您想找一顶能睡四个人的帐篷，对吧", "我想找一顶能睡四个人的帐篷") == (
        "repeats 12 words of the message in a row"
    )
    assert promise("我会为您查一下订单") == "promises: '我会'"
    assert promise("我这就为您转接人工客服，同事很快会接手这段对话。") is None
    assert promise("Voy a buscarte unas zapatillas") == "promises: 'Voy a'"
