"""Discovery turns through ``Assistant.chat`` on shops the project did and did not generate.

The model is a ``ScriptedChat`` with an empty script: every turn here is decided by the
shopper's words, and one that consulted the model would fail with ``ScriptExhausted``.
Assertions are on facts: reply kinds, cards against the catalog, question options.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant_shops import Shop
from sqlmodel import select

from assistant.agent import Assistant
from assistant.reply import Reply
from retrieval.documents import ProductRecord, load_product_records, norm_value
from store.models import Item, Product

Bot = Callable[..., Assistant]


def records(shop: Shop, reply: Reply) -> list[ProductRecord]:
    by_id = {
        r.product_id: r
        for r in load_product_records(shop.store, [p.product_id for p in reply.products])
    }
    return [by_id[p.product_id] for p in reply.products]


def has_value(shop: Shop, product_id: str, item_id: str | None, key: str, value: str) -> bool:
    (record,) = load_product_records(shop.store, [product_id])
    wanted = norm_value(value)
    attrs = {k.lower(): v for k, v in record.attributes.items()}
    if norm_value(attrs.get(key.lower(), "")) == wanted:
        return True
    item = next((i for i in record.items if i.item_id == item_id), None)
    return item is not None and any(
        norm_value(v) == wanted for k, v in item.options.items() if k.lower() == key.lower()
    )


def test_a_vague_request_gets_catalog_options_never_an_echo(demo: Shop, bot: Bot) -> None:
    assistant = bot(demo)
    first = assistant.chat("I want a gift for my dad", session_id="vague")
    assert first.kind == "question" and first.question is not None
    departments = {
        "Clothing & Shoes",
        "Office",
        "Sports & Outdoors",
        "Computers & Accessories",
        "Home & Kitchen",
        "Electronics",
    }
    assert set(first.question.options) <= departments and len(first.question.options) >= 2
    assert "dad" not in first.text.lower() and "will" not in first.text.lower()
    second = assistant.chat(first.question.options[0], session_id="vague")
    assert second.kind == "question" and second.question is not None
    with demo.store.session() as s:
        leaves = {
            p.category_leaf
            for p in s.exec(select(Product)).all()
            if p.category.startswith(first.question.options[0])
        }
    assert set(second.question.options) == leaves
    third = assistant.chat(second.question.options[0], session_id="vague")
    assert third.kind == "recommendations" and third.products
    assert {r.category_leaf for r in records(demo, third)} == {second.question.options[0]}


def test_room_words_choose_the_department(demo: Shop, bot: Bot) -> None:
    reply = bot(demo).chat("I need something for my kitchen, not sure what", session_id="k")
    assert reply.kind == "question" and reply.question is not None
    assert set(reply.question.options) == {
        "Blenders",
        "Coffee Makers",
        "Cookware Sets",
        "Vacuum Cleaners",
    }


def test_help_me_choose_asks_the_best_question_and_a_click_filters(demo: Shop, bot: Bot) -> None:
    assistant = bot(demo)
    asked = assistant.chat("Help me choose headphones", session_id="hp")
    assert asked.kind == "question" and asked.question is not None
    assert asked.question.attribute not in ("brand", "price", "category")
    assert len(asked.question.options) >= 3  # two values or more, and "show me all"
    value = asked.question.options[0]
    shown = assistant.chat(value, session_id="hp")
    assert shown.kind == "recommendations" and shown.products
    for card in shown.products:
        assert has_value(demo, card.product_id, card.item_id, asked.question.attribute, value)


def test_just_show_me_stops_the_questions(demo: Shop, bot: Bot) -> None:
    assistant = bot(demo)
    assert assistant.chat("I want a tent", session_id="t").kind == "question"
    shown = assistant.chat("just show me", session_id="t")
    assert shown.kind == "recommendations"
    assert {r.category_leaf for r in records(demo, shown)} == {"Camping Tents"}
    assert assistant.chat("now some headphones", session_id="t").kind == "recommendations"


def test_a_product_type_with_one_product_asks_about_its_variants(tau2: Shop, bot: Bot) -> None:
    assistant = bot(tau2)
    asked = assistant.chat("I want a puzzle", session_id="p")
    assert asked.kind == "question" and asked.question is not None
    with tau2.store.session() as s:
        puzzle = s.exec(select(Product).where(Product.title == "Jigsaw Puzzle")).one()
        items = s.exec(select(Item).where(Item.product_id == puzzle.product_id)).all()
    option_keys = {k for i in items for k in (i.options or {})}
    assert asked.question.attribute in option_keys
    value = asked.question.options[0]
    shown = assistant.chat(value, session_id="p")
    assert shown.kind == "recommendations" and len(shown.products) == 1
    card = shown.products[0]
    chosen = next(i for i in items if i.item_id == card.item_id)
    assert str((chosen.options or {})[asked.question.attribute]) == value and chosen.available


def test_something_the_shop_does_not_sell(demo: Shop, bot: Bot) -> None:
    reply = bot(demo).chat("I need a kayak", session_id="kayak")
    assert not reply.products
    assert re.search(r"\bdon't sell kayaks\b", reply.text)
    assert reply.question is not None  # where to go on: what the shop does carry
    with demo.store.session() as s:
        products = s.exec(select(Product)).all()
    known = {p.category_leaf for p in products} | {p.category.split(" > ")[0] for p in products}
    assert set(reply.question.options) <= known


def test_a_brand_the_shop_does_not_carry(fashion: Shop, bot: Bot) -> None:
    reply = bot(fashion).chat("Ray-Ban sunglasses", session_id="rb")
    assert "don't carry Ray-Ban" in reply.text
    assert reply.products and {r.category_leaf for r in records(fashion, reply)} == {"Sunglasses"}
    assert not any("ray-ban" in reason.lower() for p in reply.products for reason in p.reasons)


def test_wishes_that_cannot_be_checked_are_named_and_never_claimed(
    outdoor: Shop, fashion: Shop, bot: Bot
) -> None:
    tents = bot(outdoor).chat("a tent for 4 people", session_id="tent")
    assert tents.kind == "recommendations"
    assert {r.category_leaf for r in records(outdoor, tents)} == {"Tents"}
    assert "couldn't check \u201cfor 4 people\u201d" in tents.text
    dresses = bot(fashion).chat("a black dress", session_id="dress")
    assert {r.category_leaf for r in records(fashion, dresses)} == {"Dresses"}
    assert "couldn't check \u201cblack\u201d" in dresses.text
    for reply in (tents, dresses):
        for card in reply.products:
            assert not any("as you asked" in r and ("black" in r or "4" in r) for r in card.reasons)
    black = [c for c in dresses.products if any("mentions" in r for r in c.reasons)]
    assert black and all(
        "black" in (r.title + r.description).lower()
        for r in records(fashion, dresses)
        if r.product_id in {c.product_id for c in black}
    )


def test_refinements_keep_the_other_constraints(demo: Shop, bot: Bot) -> None:
    assistant = bot(demo)
    first = assistant.chat("running shoes under $150", session_id="r")
    assert first.kind == "recommendations" and first.products
    cheapest = min(p.price for p in first.products)
    cheaper = assistant.chat("cheaper", session_id="r")
    assert cheaper.products and all(p.price < cheapest for p in cheaper.products)
    assert {r.category_leaf for r in records(demo, cheaper)} == {"Running Shoes"}
    dearest = max(p.price for p in cheaper.products)
    dearer = assistant.chat("more expensive ones", session_id="r")
    assert dearer.products and all(dearest < p.price <= 150 for p in dearer.products)
    brand = records(demo, dearer)[0].brand
    other = assistant.chat("not that brand", session_id="r")
    assert other.products and all(r.brand != brand for r in records(demo, other))
    instead = assistant.chat("under $120 instead", session_id="r")
    assert instead.products and all(p.price <= 120 for p in instead.products)
    assert all(r.brand != brand for r in records(demo, instead))


def test_better_rated_means_above_the_lowest_rating_shown(demo: Shop, bot: Bot) -> None:
    assistant = bot(demo)
    first = assistant.chat("office chairs", session_id="rated")
    if first.kind == "question":
        first = assistant.chat("just show me", session_id="rated")
    lowest = min(r.rating_avg for r in records(demo, first))
    better = assistant.chat("better rated ones", session_id="rated")
    assert better.products and all(r.rating_avg > lowest for r in records(demo, better))


def test_references_count_positions_on_screen_not_catalog_ids(fashion: Shop, bot: Bot) -> None:
    assistant = bot(fashion)
    asked = assistant.chat("dresses please", session_id="f")
    # only a product type, and no listed attribute splits the dresses: the budget is asked
    assert asked.kind == "question" and asked.question is not None
    assert asked.question.text == "What would you like to spend?"
    shown = assistant.chat("Show me all of them", session_id="f")
    assert shown.kind == "recommendations" and len(shown.products) >= 2
    first_two = [p.product_id for p in shown.products[:2]]
    assert first_two != ["1", "2"]
    compared = assistant.chat("compare the first two", session_id="f")
    assert [p.product_id for p in compared.products] == first_two
    for card in shown.products[:2]:
        assert card.title in compared.text
    cheaper = min(shown.products[:2], key=lambda p: p.price)
    picked = assistant.chat("the cheaper one", session_id="f")
    assert [p.product_id for p in picked.products] == [cheaper.product_id]
    second = assistant.chat("tell me more about the second one", session_id="f")
    assert [p.product_id for p in second.products] == [shown.products[1].product_id]


def test_comparison_prose_agrees_with_the_facts(demo: Shop, bot: Bot) -> None:
    assistant = bot(demo)
    shown = assistant.chat("smartwatches", session_id="cmp")
    if shown.kind == "question":
        shown = assistant.chat("just show me", session_id="cmp")
    compared = assistant.chat("compare the first two", session_id="cmp")
    a, b = compared.products
    amounts = {
        round(float(x.replace(",", "")), 2)
        for x in re.findall(r"\$(\d[\d,]*\.\d\d)", compared.text)
    }
    assert amounts <= {round(a.price, 2), round(b.price, 2), round(abs(a.price - b.price), 2)}
    if a.price != b.price:
        cheap, dear = (a, b) if a.price < b.price else (b, a)
        assert f"The {cheap.title} is ${dear.price - cheap.price:,.2f} cheaper" in compared.text
    titles = {p.title for p in demo_titles(demo)} - {a.title, b.title}
    assert not any(t in compared.text for t in titles)


def demo_titles(shop: Shop) -> list[Product]:
    with shop.store.session() as s:
        return list(s.exec(select(Product)).all())


def test_nothing_fits_offers_relaxations_that_run_when_chosen(demo: Shop, bot: Bot) -> None:
    assistant = bot(demo)
    none = assistant.chat("a laptop under $50", session_id="n")
    assert none.kind == "question" and not none.products and none.question is not None
    assert "Nothing in the shop fits" in none.text
    label = none.question.options[0]
    cap = float(re.search(r"to \$([\d,.]+)", label).group(1).replace(",", ""))  # type: ignore[union-attr]
    shown = assistant.chat(label, session_id="n")
    assert shown.kind == "recommendations" and shown.products
    assert all(p.price <= cap for p in shown.products)
    assert {r.category_leaf for r in records(demo, shown)} == {"Laptops"}
    again = bot(demo)
    again.chat("a laptop under $50", session_id="n2")
    typed = again.chat("ok, raise the price cap", session_id="n2")
    assert typed.kind == "recommendations" and typed.products


def test_the_suggested_variant_is_in_stock_when_one_fits(home: Shop, bot: Bot) -> None:
    with home.store.session() as s:
        items = s.exec(select(Item).where(Item.product_id == "1021")).all()
    assert any(not i.available for i in items) and any(i.available for i in items)
    assistant = bot(home)
    reply = assistant.chat("dutch ovens", session_id="stock")
    for card in reply.products:
        with home.store.session() as s:
            item = s.get(Item, card.item_id)
            others = s.exec(select(Item).where(Item.product_id == card.product_id)).all()
        assert item is not None
        assert item.available or not any(o.available for o in others)


def test_reasons_are_specific_never_filler(demo: Shop, bot: Bot) -> None:
    reply = bot(demo).chat("running shoes under $150", session_id="why")
    for card in reply.products:
        assert card.reasons
        assert not any("matches your words" in r for r in card.reasons)
        assert any(r.startswith("under your $150.00 cap") for r in card.reasons)
        assert any("stars" in r or r == "no reviews yet" for r in card.reasons)


def test_a_value_the_category_lacks_is_a_constraint_nothing_meets(demo: Shop, bot: Bot) -> None:
    """ "green backpack" where backpacks come in colours, none green: nothing fits, and the
    shopper is offered what comes closest, not backpacks of any colour."""
    by_leaf: dict[str, set[str]] = {}
    for r in load_product_records(demo.store):
        colours = by_leaf.setdefault(r.category_leaf, set())
        colours.update(str(i.options["color"]) for i in r.items if "color" in i.options)
        if "color" in r.attributes:
            colours.add(str(r.attributes["color"]))
    every = set().union(*by_leaf.values())
    plain = {c for c in every if c.isalpha()}
    leaf, missing = next(
        (leaf, sorted(plain - colours)[0])
        for leaf, colours in sorted(by_leaf.items())
        if colours and plain - colours and leaf.isalpha()
    )
    reply = bot(demo).chat(f"a {missing.lower()} {leaf.lower()}", session_id="lacks")
    assert reply.kind == "question" and not reply.products and reply.question is not None
    assert "Nothing in the shop fits" in reply.text and missing in reply.text
    assert any(o.startswith(f"Drop color {missing}") for o in reply.question.options)
