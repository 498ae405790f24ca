"""The chat's pure rendering: escaping, options, step titles, folding records, and how a
streaming turn becomes chat messages. No Gradio, no store."""

from __future__ import annotations

from assistant.events import Final, StepFinished, StepStarted, TextDelta
from assistant.reply import CitationOut, ConfirmationOut, ProductCard, QuestionOut, Reply
from ui.web import render
from ui.web.chat import ReplyExtras, TurnMessages, reply_content
from ui.web.views import CardView, ComparisonView, attribute_facts

EVIL = '<script>alert("x")</script> & "quotes"'


def test_card_html_escapes_every_store_and_model_string() -> None:
    view = CardView(
        product_id='p"1',
        title=EVIL,
        price=1234.5,
        brand="<b>Brand</b>",
        category="Shoes & more",
        rating=4.25,
        rating_count=1,
        attributes=("Size: <10>",),
        variant="color <red>",
        reasons=("under your $100 cap: <$90>",),
    )
    html = render.card_html(view)
    assert "<script>" not in html and "<b>Brand</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;" in html
    assert 'value="p&quot;1|1"' in html and 'value="p&quot;1|-1"' in html
    assert "$1,234.50" in html and "4.2" in html and "(1 review)" in html
    assert "Shoes &amp; more" in html and "Size: &lt;10&gt;" in html
    assert "color &lt;red&gt;" in html and "&lt;$90&gt;" in html
    assert "\n" not in html  # a newline could end the Markdown HTML block early


def test_card_without_reviews_or_facts_stays_short() -> None:
    html = render.card_html(CardView("p1", "Mug", 9.0), feedback=False)
    assert "No reviews yet" in html
    assert "aisle-reasons" not in html and "aisle-chips" not in html and "aisle-thumb" not in html
    assert render.cards_html([]) == ""


def test_attribute_facts_name_true_flags_and_skip_false_ones() -> None:
    facts = attribute_facts(
        {
            "hot_swappable": True,
            "wireless": False,
            "layout": "65%",
            "sizes": ["S", "M"],
            "keycaps": "PBT",
        },
        limit=3,
    )
    assert facts == ("Hot swappable", "Layout: 65%", "Sizes: S, M")


def test_comparison_and_citations_are_escaped() -> None:
    view = ComparisonView(("a", "b"), ("A <1>", "B & 2"), (("Price", ("$1.00", "<$2>")),))
    html = render.comparison_html(view)
    assert '<th scope="col">A &lt;1&gt;</th>' in html and "B &amp; 2" in html
    assert "<td>&lt;$2&gt;</td>" in html
    cites = render.citations_html([CitationOut(article_id="returns", title="Returns <policy>")])
    assert "Returns &lt;policy&gt;" in cites and "(returns)" in cites


def test_options_for_questions_and_confirmations() -> None:
    question = Reply(
        kind="question",
        text="Which size?",
        question=QuestionOut(text="Which size?", attribute="size", options=["9", "10"]),
    )
    assert render.options_for(question) == [
        {"value": "9", "label": "9"},
        {"value": "10", "label": "10"},
    ]
    confirm = Reply(
        kind="confirmation",
        text="Cancel?",
        confirmation=ConfirmationOut(action="cancel_pending_order", arguments={}),
    )
    assert render.options_for(confirm) == [
        {"value": "yes", "label": "Confirm"},
        {"value": "no", "label": "Cancel"},
    ]
    assert render.options_for(Reply(kind="answer", text="Hi")) == []


def test_step_titles_and_bodies() -> None:
    assert render.step_title("search_products") == "Searching the catalog"
    assert render.step_title("cancel_pending_order") == "Order cancellation"
    assert render.step_title("brand_new_tool") == "Brand new tool"
    body = render.step_body(
        {"query": "x" * 100, "brands": ["A", "B"], "price_max": None}, "3 products match"
    )
    assert body.startswith("query: " + "x" * 59 + "…") and "brands: A, B" in body
    assert "price max" not in body and body.endswith("3 products match")
    assert render.step_body({}) == "…"


def test_shown_text_drops_the_product_lines_the_cards_repeat() -> None:
    reply = Reply(
        kind="recommendations",
        text="Here is what I found:\n1. Trail Shoe ($89.00): fits.\n2. Road Shoe ($70.00).\nEnjoy!",
        products=[
            ProductCard(product_id="1", title="Trail Shoe", price=89.0),
            ProductCard(product_id="2", title="Road Shoe", price=70.0),
        ],
    )
    assert render.shown_text(reply) == "Here is what I found:\nEnjoy!"


def test_a_chinese_reply_listing_english_titles_gets_chinese_labels() -> None:
    titles = ["Stridewell Rush Pro Men's Trail Max Cushion Running Shoe", "Apexa Arc Running Shoe"]
    reply = Reply(
        kind="recommendations",
        text="共有8件running shoes符合条件（$200.00以下）。\n为您挑出最合适的2款：\n"
        + "\n".join(f"{i}. {t} — $76.99（3.3★，7条评价）" for i, t in enumerate(titles, 1)),
        products=[
            ProductCard(product_id=str(i), title=t, price=76.99) for i, t in enumerate(titles)
        ],
    )
    assert render.reply_language(reply) == "zh"
    content = reply_content(reply, ReplyExtras(cards=[CardView("1", titles[0], 76.99)]))
    assert "不适合我" in content, content  # the card's "Not for me", in Chinese
    assert "▼ Not for me" not in content


def test_split_records_folds_json_lines() -> None:
    text, records = render.split_records('Done. Order #W1 is cancelled.\n{"order_id": "#W1"}')
    assert text == "Done. Order #W1 is cancelled."
    assert records == ['{\n  "order_id": "#W1"\n}']
    assert "<summary>Details</summary>" in render.details_html(records)
    assert render.split_records("{not json}") == ("{not json}", [])


def test_a_streamed_turn_becomes_steps_then_the_final_reply() -> None:
    turn = TurnMessages()
    turn.apply(StepStarted("search_products", {"query": "shoes"}))
    assert turn.messages[0]["metadata"] == {
        "title": "Searching the catalog",
        "status": "pending",
        "id": "step-1",
    }
    turn.apply(StepFinished("search_products", {"query": "shoes"}, 1234.0, True, "3 match"))
    assert turn.messages[0]["metadata"]["status"] == "done"
    assert turn.messages[0]["metadata"]["duration"] == 1.23
    assert turn.messages[0]["content"].endswith("3 match")
    turn.apply(TextDelta("Here are "))
    turn.apply(TextDelta("three shoes."))
    assert turn.messages[1] == {"role": "assistant", "content": "Here are three shoes."}

    card = ProductCard(product_id="p1", title="Trail Shoe", price=89.0, reasons=["fits"])
    reply = Reply(kind="recommendations", text="Two great shoes.", products=[card])
    extras = ReplyExtras(cards=[CardView("p1", "Trail Shoe", 89.0, reasons=("fits",))])
    turn.apply(Final(reply, "s1", replaces_text=True), extras)
    assert len(turn.messages) == 2 and turn.reply_index == 1
    content = turn.messages[1]["content"]
    assert content.startswith('Two great shoes.\n\n<div class="aisle-cards">')


def test_a_failed_step_and_a_question_with_options_last() -> None:
    turn = TurnMessages()
    turn.apply(TextDelta("Let me look. "))
    turn.apply(StepStarted("get_order_details", {"order_id": "#W1"}))
    turn.apply(StepFinished("get_order_details", {"order_id": "#W1"}, 5.0, False, "Error: no"))
    question = Reply(
        kind="question",
        text="Which order?",
        question=QuestionOut(text="Which order?", attribute="order", options=["#W1", "#W2"]),
    )
    turn.apply(Final(question, "s1"))
    assert turn.messages[0]["metadata"]["log"] == "did not succeed"
    last = turn.messages[-1]
    assert last["content"] == "Which order?" and [o["value"] for o in last["options"]] == [
        "#W1",
        "#W2",
    ]
    assert turn.reply_index == len(turn.messages) - 1


def test_handoff_and_confirmation_are_boxed_and_escaped() -> None:
    handoff = reply_content(Reply(kind="handoff", text="HOLD <on>"), ReplyExtras())
    assert handoff == '<div class="aisle-notice">HOLD &lt;on&gt;</div>'
    confirm = reply_content(Reply(kind="confirmation", text="Cancel #W1?\nShall I?"), ReplyExtras())
    assert confirm == '<div class="aisle-confirm">Cancel #W1?<br>Shall I?</div>'
