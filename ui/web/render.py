"""Pure functions from a reply's views to what the chat shows: step titles, product cards,
comparison tables, citations and clickable options. No Gradio, no store: easy to test.

Every string from the catalog, the shopper or the model is HTML-escaped here; the Chatbot's
own sanitiser is a second line, not the first. The HTML is emitted without blank lines,
because a blank line ends an HTML block in Markdown and the rest would render as text.

Product feedback buttons carry ``value="<product id>|<+1 or -1>"``: the Chatbot's sanitiser
drops ``data-*`` attributes and scripts, so the page-level bridge (``ui.web.style``) reads the
button's value and forwards it to the server.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from assistant.reading.language import detect
from assistant.reply import CitationOut, Reply
from assistant.respond.texts import plural, say
from ui.web.cart import picker_html
from ui.web.views import CardView, ComparisonView

CONFIRM, CANCEL = "yes", "no"  # what the Confirm / Cancel buttons send: an explicit answer

# Writes are named as nouns: the same step first proposes the change, and runs it only after
# the shopper's yes, so "Cancelling the order" would claim too much the first time.
_STEP_TITLES = {
    "read_message": "Reading your message",
    "choose_action": "Thinking it over",
    "search_products": "Searching the catalog",
    "rank_products": "Ranking the results",
    "ask_clarifying_question": "Choosing a question",
    "compare_products": "Comparing products",
    "lookup_profile": "Reading your shopping profile",
    "search_help_center": "Searching the help center",
    "find_user_id_by_email": "Finding your account by email",
    "find_user_id_by_name_zip": "Finding your account by name and zip",
    "get_user_details": "Reading your account",
    "get_order_details": "Looking up the order",
    "get_product_details": "Looking up the product",
    "get_item_details": "Looking up the item",
    "list_all_product_types": "Listing product types",
    "cancel_pending_order": "Order cancellation",
    "modify_pending_order_address": "Order address change",
    "modify_pending_order_payment": "Order payment change",
    "modify_pending_order_items": "Order item change",
    "return_delivered_order_items": "Return request",
    "exchange_delivered_order_items": "Exchange request",
    "modify_user_address": "Account address change",
    "add_to_cart": "Adding to the cart",
    "view_cart": "Reading the cart",
    "update_cart_item": "Changing the cart",
    "remove_from_cart": "Removing from the cart",
    "checkout": "Order placement",
    "calculate": "Calculating",
    "transfer_to_human_agents": "Handing over to a person",
}
_MAX_ARGUMENT = 60  # characters of one argument value shown in a step


def step_title(tool: str) -> str:
    """A shopper-friendly name for a tool step; unknown tools get their name spelled out."""
    return _STEP_TITLES.get(tool) or tool.replace("_", " ").capitalize()


def step_body(arguments: Mapping[str, Any], summary: str = "") -> str:
    """The inside of a collapsed step: its arguments and the tool's one-line result."""
    parts = []
    for key, value in arguments.items():
        if value in (None, "", [], {}):
            continue
        shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        if len(shown) > _MAX_ARGUMENT:
            shown = shown[: _MAX_ARGUMENT - 1] + "…"
        parts.append(f"{key.replace('_', ' ')}: {shown}")
    lines = [escape(" · ".join(parts))] if parts else []
    if summary:
        lines.append(escape(summary))
    return "\n\n".join(lines) or "…"


def _rating(view: CardView, lang: str = "en") -> str:
    if view.rating is None:
        return f'<span class="aisle-rating muted">{escape(say(lang, "ui_no_reviews"))}</span>'
    noun = plural(lang, "review", view.rating_count or 0)
    return (
        f'<span class="aisle-rating"><span class="aisle-star">★</span> {view.rating:.1f}'
        f' <span class="muted">({view.rating_count:,} {noun})</span></span>'
    )


def _thumbs(product_id: str, lang: str = "en") -> str:
    pid = escape(product_id)
    like, dislike = escape(say(lang, "ui_like")), escape(say(lang, "ui_not_for_me"))
    return (
        '<div class="aisle-thumbs">'
        f'<button type="button" class="aisle-thumb aisle-up" value="{pid}|1"'
        f' title="Good pick: show me more like this">▲ {like}</button>'
        f'<button type="button" class="aisle-thumb aisle-down" value="{pid}|-1"'
        f' title="Not for me: show me fewer like this">▼ {dislike}</button>'
        "</div>"
    )


def card_html(view: CardView, feedback: bool = True, lang: str = "en") -> str:
    """One product card: title, brand and category, price, rating, key facts, reasons, the
    option pickers and "Add to cart" (``ui.web.cart``), feedback buttons."""
    meta = " · ".join(escape(x) for x in (view.brand, view.category) if x)
    chips = "".join(f'<span class="aisle-chip">{escape(a)}</span>' for a in view.attributes)
    reasons = "".join(f"<li>{escape(r)}</li>" for r in view.reasons)
    return "".join(
        [
            f'<div class="aisle-card" id="aisle-card-{escape(view.product_id)}">',
            f'<div class="aisle-card-title">{escape(view.title)}</div>',
            f'<div class="aisle-card-meta">{meta}</div>' if meta else "",
            f'<div class="aisle-card-price">${view.price:,.2f}</div>',
            _rating(view, lang),
            f'<div class="aisle-variant">{escape(say(lang, "ui_suggested", option=view.variant))}'
            "</div>"
            if view.variant
            else "",
            f'<div class="aisle-chips">{chips}</div>' if chips else "",
            f'<div class="aisle-why">{escape(say(lang, "ui_why"))}</div>'
            f'<ul class="aisle-reasons">{reasons}</ul>'
            if reasons
            else "",
            picker_html(view.product_id, view.picker) if view.picker is not None else "",
            _thumbs(view.product_id, lang) if feedback else "",
            "</div>",
        ]
    )


def cards_html(views: Sequence[CardView], feedback: bool = True, lang: str = "en") -> str:
    """A grid of cards (empty string for no products)."""
    if not views:
        return ""
    cards = "".join(card_html(v, feedback, lang) for v in views)
    return f'<div class="aisle-cards">{cards}</div>'


def comparison_html(view: ComparisonView) -> str:
    """The products as columns, facts as rows."""
    head = "".join(f'<th scope="col">{escape(t)}</th>' for t in view.titles)
    body = "".join(
        f'<tr><th scope="row">{escape(label)}</th>'
        + "".join(f"<td>{escape(c)}</td>" for c in cells)
        + "</tr>"
        for label, cells in view.rows
    )
    return (
        f'<div class="aisle-compare"><table><thead><tr><th></th>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def citations_html(citations: Sequence[CitationOut], lang: str = "en") -> str:
    """The help-center articles the answer used."""
    if not citations:
        return ""
    items = "".join(
        f'<li>{escape(c.title)} <span class="muted">({escape(c.article_id)})</span></li>'
        for c in citations
    )
    return f'<div class="aisle-sources">{escape(say(lang, "ui_sources"))}<ul>{items}</ul></div>'


def reply_language(reply: Reply) -> str:
    """The language the reply's text is written in: the page's own labels follow it. The
    shop's own names in it (product titles, option values) are not its language: a Chinese
    reply listing five English titles is still Chinese."""
    text = reply.text
    names = [p.title for p in reply.products]
    names += reply.question.options if reply.question is not None else []
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    return detect(text)


def options_for(reply: Reply) -> list[dict[str, str]]:
    """The clickable answers under a reply: a question's options (each sends its own text;
    a confirmation's are "Yes, cancel order #W..." and "Keep my order"), or Confirm / Cancel
    for a confirmation that names none (sending an explicit yes / no)."""
    if (
        reply.kind in ("question", "confirmation")
        and reply.question is not None
        and reply.question.options
    ):
        return [{"value": o, "label": o} for o in reply.question.options]
    if reply.kind == "confirmation":
        lang = reply_language(reply)
        return [
            {"value": CONFIRM, "label": say(lang, "ui_confirm")},
            {"value": CANCEL, "label": say(lang, "ui_cancel")},
        ]
    return []


_NUMBERED = re.compile(r"^\s*\d+\.\s")


def shown_text(reply: Reply) -> str:
    """The reply's text without what the page shows otherwise: the numbered product lines
    the cards repeat, and "- option" lines the option buttons repeat."""
    options = set(reply.question.options) if reply.question is not None else set()
    if options:
        reply = reply.model_copy(
            update={
                "text": "\n".join(
                    line
                    for line in reply.text.splitlines()
                    if not (line.startswith("- ") and line[2:].strip() in options)
                )
            }
        )
    if not reply.products:
        return reply.text
    titles = [p.title for p in reply.products]
    lines = [
        line
        for line in reply.text.splitlines()
        if not (_NUMBERED.match(line) and any(t in line for t in titles))
    ]
    return "\n".join(lines).strip() or say(reply_language(reply), "ui_found")


def split_records(text: str) -> tuple[str, list[str]]:
    """(the text without lines that are whole JSON objects or lists, those lines pretty-printed).

    A write's confirmation ("Done. ...") carries the changed record as JSON, useful to a shop
    owner and unreadable to a shopper; the chat folds it into a "Details" box."""
    kept, records = [], []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped[:1] in "{[" and stripped[-1:] in "}]":
            try:
                records.append(json.dumps(json.loads(stripped), indent=2, ensure_ascii=False))
                continue
            except ValueError:
                pass
        kept.append(line)
    return "\n".join(kept).strip(), records


def details_html(records: Sequence[str]) -> str:
    """Folded records (see ``split_records``)."""
    if not records:
        return ""
    body = "".join(f"<pre>{escape(r)}</pre>" for r in records).replace("\n", "&#10;")
    return f'<details class="aisle-details"><summary>Details</summary>{body}</details>'
