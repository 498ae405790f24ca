"""The cart in the web chat: a card's option pickers and "Add to cart" button, the cart panel
beside the chat, and the words a card's button sends. Pure functions, no Gradio, no store.

A card's "Add to cart" is a turn, like the options under a reply: the page sends what a
shopper would type ("Add the third one in size 10 to my cart"), so the add goes through the
conversation's cart acts (variant and stock checks, a question when an option is still open,
the reply saying what was added) and shows in the chat as the shopper's own message. Only the
products the conversation has on screen can be named that way (positions, as typed); a card
of an earlier search answers with ``STALE_CARD`` instead of adding something else.

The panel's "Remove" acts on an exact line (an item id the panel shows), as the bot API's
cart routes do, through the ``remove_from_cart`` tool; "Check out" is a turn ("Check out").

The pickers offer only in-stock values; an option with one in-stock value is shown as a fact,
not a choice. Buttons carry their data in ``value`` (the Chatbot's sanitiser drops ``data-*``):
a pick is ``"<option>|<value>"``, an add ``"<product id>"``, a remove ``"<item id>"``; the page
script (``ui.web.style``) reads them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from assistant.reply import CartReply, VariantOut

ORDINALS = ("first", "second", "third", "fourth", "fifth")
CHECKOUT = "Check out"
STALE_CARD = (
    "That card is from an earlier search, so I can't add it from here. Search for it again, "
    "or type what to add."
)
SOLD_OUT = "Out of stock"


@dataclass(frozen=True)
class OptionPicker:
    """What a card offers to choose: each open option with its in-stock values (in the
    catalog's order), the options fixed at one value, whether anything is in stock, and the
    lowest and highest in-stock price (the card's price is the suggested variant's)."""

    choices: tuple[tuple[str, tuple[str, ...]], ...] = ()
    fixed: tuple[tuple[str, str], ...] = ()
    in_stock: bool = True
    prices: tuple[float, float] | None = None


def picker(variants: Sequence[VariantOut]) -> OptionPicker:
    """The picker for a card's variants (none listed: a product sold as is)."""
    if not variants:
        return OptionPicker()
    selling = [v for v in variants if v.in_stock]
    if not selling:
        return OptionPicker(in_stock=False)
    values: dict[str, list[str]] = {}
    for variant in selling:
        for key, value in variant.options.items():
            if value and value not in values.setdefault(key, []):
                values[key].append(value)
    return OptionPicker(
        choices=tuple((k, tuple(vs)) for k, vs in values.items() if len(vs) > 1),
        fixed=tuple((k, vs[0]) for k, vs in values.items() if len(vs) == 1),
        prices=(min(v.price for v in selling), max(v.price for v in selling)),
    )


def chosen_options(picked: Mapping[str, str], variants: Sequence[VariantOut]) -> dict[str, str]:
    """The picks the page sent that are options of the product's in-stock variants (anything
    else, from a tampered page or a changed catalog, is dropped)."""
    offered = {(k, v) for x in variants if x.in_stock for k, v in x.options.items()}
    return {str(k): str(v) for k, v in picked.items() if (k, v) in offered}


def add_words(position: int, options: Mapping[str, str]) -> str:
    """What the card's button says for the product at ``position`` (1-based) on screen."""
    said = ", ".join(f"{key.replace('_', ' ')} {value}" for key, value in options.items())
    return f"Add the {ORDINALS[position - 1]} one{' in ' + said if said else ''} to my cart"


def _label(key: str) -> str:
    text = key.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def picker_html(product_id: str, pick: OptionPicker) -> str:
    """The card's pickers and its "Add to cart" button."""
    if not pick.in_stock:
        return f'<div class="aisle-buy"><span class="aisle-soldout">{SOLD_OUT}</span></div>'
    rows = []
    for key, values in pick.choices:
        buttons = "".join(
            f'<button type="button" class="aisle-pick" value="{escape(key)}|{escape(v)}"'
            f' title="{escape(_label(key))} {escape(v)}">{escape(v)}</button>'
            for v in values
        )
        rows.append(
            f'<div class="aisle-picker"><span class="aisle-picker-name">{escape(_label(key))}'
            f'</span><span class="aisle-picks">{buttons}</span></div>'
        )
    fixed = " · ".join(f"{escape(_label(k))}: {escape(v)}" for k, v in pick.fixed)
    low, high = pick.prices or (0.0, 0.0)
    if high > low:  # the shopper sees what the choice costs before the cart says it
        fixed += f"{' · ' if fixed else ''}${low:,.2f} to ${high:,.2f} by option"
    return "".join(
        [
            '<div class="aisle-buy">',
            *rows,
            f'<div class="aisle-fixed">{fixed}</div>' if fixed else "",
            f'<button type="button" class="aisle-add" value="{escape(product_id)}">'
            "Add to cart</button>",
            "</div>",
        ]
    )


def _options(options: Mapping[str, str]) -> str:
    return ", ".join(f"{_label(k)} {v}" for k, v in options.items() if v)


def cart_html(cart: CartReply | None) -> str:
    """The cart panel: each line (title, options, quantity × price, line total, Remove), the
    total; an empty cart says so."""
    if cart is None or not cart.lines:
        return '<div class="aisle-cart"><p class="aisle-cart-empty">Your cart is empty.</p></div>'
    lines = "".join(
        '<li class="aisle-cart-line">'
        f'<div class="aisle-cart-title">{escape(line.title)}</div>'
        + (
            f'<div class="aisle-cart-options">{escape(_options(line.options))}</div>'
            if line.options
            else ""
        )
        + f'<div class="aisle-cart-price"><span>{line.quantity} × ${line.unit_price:,.2f}</span>'
        f"<b>${line.line_total:,.2f}</b></div>"
        + ("" if line.in_stock else '<div class="aisle-soldout">No longer in stock</div>')
        + f'<button type="button" class="aisle-remove" value="{escape(line.item_id)}"'
        f' title="Remove {escape(line.title)} from the cart">Remove</button>'
        "</li>"
        for line in cart.lines
    )
    noun = "item" if cart.count == 1 else "items"
    return (
        f'<div class="aisle-cart"><ul class="aisle-cart-lines">{lines}</ul>'
        f'<div class="aisle-cart-total"><span>Total ({cart.count} {noun})</span>'
        f"<b>${cart.total:,.2f}</b></div></div>"
    )
