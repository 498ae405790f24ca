"""The cart's replies: the cart shown, what was added or changed, what could not be, the
checkout page handed over; and the cart and variants a reply carries for a UI.

Not here: the checkout confirmation (``respond.service.confirmation_text`` words every
``ConfirmationAsked``), the facts (``assistant.act.cart``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from assistant.outcomes import CartAdded, CartChanged, CartOptionAsked, CartShown, CheckoutLinked
from assistant.reply import CartLineOut, CartReply, Reply, VariantOut
from assistant.respond.texts import say
from tools.cart import Added, CartOut, NoVariant, OutOfStock
from tools.service_change import money


def _what(title: str, options: dict[str, str]) -> str:
    return f"{title} ({', '.join(options.values())})" if options else title


def _units(count: int) -> str:
    return "item" if count == 1 else "items"


def cart_text(cart: CartOut, lang: str) -> list[str]:
    if not cart.lines:
        return [say(lang, "cart_empty")]
    lines = [
        say(
            lang,
            "cart_line",
            n=li.position,
            quantity=li.quantity,
            title=li.title,
            options=f" ({', '.join(f'{k}: {v}' for k, v in li.options.items())})"
            if li.options
            else "",
            total=money(li.line_total),
        )
        for li in cart.lines
    ]
    return [
        say(lang, "cart_header", count=cart.count, units=_units(cart.count)),
        *lines,
        say(lang, "cart_total", total=money(cart.total)),
        say(lang, "cart_next"),
    ]


def _summary(cart: CartOut | None, lang: str) -> list[str]:
    if cart is None or not cart.lines:
        return []
    return [
        say(
            lang,
            "cart_summary",
            count=cart.count,
            units=_units(cart.count),
            total=money(cart.total),
        )
    ]


def _problem(p: OutOfStock | NoVariant, lang: str) -> str:
    if isinstance(p, NoVariant):
        return say(
            lang,
            "cart_no_variant",
            title=p.title,
            option=p.option,
            wanted=p.wanted,
            values=", ".join(p.values),
        )
    what = _what(p.title, p.options)
    if p.left <= 0:
        return say(lang, "cart_sold_out", what=what)
    return say(lang, "cart_only_left", left=p.left, what=what, verb="is" if p.left == 1 else "are")


def _added(a: Added, lang: str) -> str:
    return say(lang, "cart_added", quantity=a.added, what=_what(a.line.title, a.line.options))


def shown_text(o: CartShown, lang: str) -> list[str]:
    return cart_text(o.cart, lang)


def added_text(o: CartAdded, lang: str) -> list[str]:
    return [
        *(_added(a, lang) for a in o.added),
        *(_problem(p, lang) for p in o.problems),
        *_summary(o.cart, lang),
    ]


def changed_text(o: CartChanged, lang: str) -> list[str]:
    c = o.change
    if isinstance(c, OutOfStock):
        return [_problem(c, lang), *_summary(o.cart, lang)]
    what = _what(c.title, c.options)
    first = (
        say(lang, "cart_removed", what=what)
        if c.quantity == 0
        else say(lang, "cart_quantity", quantity=c.quantity, what=what)
    )
    return (
        [first, *_summary(o.cart, lang)]
        if o.cart and o.cart.lines
        else [first, say(lang, "cart_empty")]
    )


def option_text(o: CartOptionAsked, lang: str) -> list[str]:
    return [
        *(_added(a, lang) for a in o.added),
        *(_problem(p, lang) for p in o.problems),
        o.question.text,
    ]


def linked_text(o: CheckoutLinked, lang: str) -> list[str]:
    cart = o.link.cart
    return [
        say(
            lang,
            "checkout_link",
            count=cart.count,
            units=_units(cart.count),
            total=money(cart.total),
            url=o.link.url,
        )
    ]


def with_cart(
    reply: Reply,
    cart: CartOut | None,
    variants: Mapping[str, Sequence[VariantOut]],
    checkout_url: str | None = None,
) -> Reply:
    """``reply`` carrying the cart (when the turn showed or changed it) and each card's
    variants."""
    cards = [
        c.model_copy(update={"variants": list(variants.get(c.product_id, ()))})
        for c in reply.products
    ]
    out = None
    if cart is not None:
        out = CartReply(
            lines=[
                CartLineOut(
                    item_id=li.item_id,
                    product_id=li.product_id,
                    title=li.title,
                    options=li.options,
                    unit_price=li.unit_price,
                    quantity=li.quantity,
                    line_total=li.line_total,
                    in_stock=li.in_stock,
                )
                for li in cart.lines
            ],
            count=cart.count,
            total=cart.total,
            checkout_url=checkout_url,
        )
    return reply.model_copy(update={"products": cards, "cart": out})
