"""Whether a reply is written in the conversation's language (issue #14's check).

What is judged is the shopper-facing prose of a reply: its text and its cards' reasons (each
judged apart: both must be in the language), minus
what is not prose in any language: product titles, brand names, category and option names
(the catalog's own words, which stay as the shop spells them), prices and other numbers,
order ids, emails, and text in quotation marks (a help-center article quoted as it is, a
wish repeated in the shopper's words). What is left is Chinese when it has at least two CJK
characters and no more catalog-foreign Latin words than CJK characters; else Spanish when
Spanish marks (accents, ¿ ¡ ñ, function words) outnumber English function words; else
English. A reply with nothing left to judge (a list of titles and prices) is in any language.

This is the harness's own detector, written apart from ``assistant.reading.language`` so the
code under test does not grade itself.

Not here: which replies are checked (``conversations``), the gate (``conversation_suite``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.reply import Reply
from eval.harness.shopfacts import ShopFacts

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_QUOTED = re.compile(
    r"\u201c[^\u201d]*\u201d|\"[^\"]*\"|\u300c[^\u300d]*\u300d|\u00ab[^\u00bb]*\u00bb"
)
_NOT_PROSE = re.compile(
    r"\S+@\S+|#?\b[A-Z]{1,3}\d{4,}\b|[$€¥£]\s?\d[\d,.]*|\d[\d,.]*\s?(?:[$€¥£]|USD)?|https?://\S+"
)
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_SPANISH_MARK = re.compile(r"[ñ¿¡áéíóú]", re.IGNORECASE)
_SPANISH = frozenset(
    "el la los las un una unos unas de del que en y o es son tu tus te para con por lo se "
    "este esta estos estas qué cuál aquí hay puedo quieres tienes tiene pedido pedidos "
    "hola gracias sí ya más menos ninguno nada algo estos productos lo siento".split()
)
_ENGLISH = frozenset(
    "the an of to is are you your we i it in on for with and or not this these that what "
    "which here there can would please don't sorry have has be will was been one ones "
    "our us from at by any anything something there's it's i'm you're we're".split()
)
Language = str


def catalog_words(facts: ShopFacts) -> frozenset[str]:
    """The words of the catalog's names: titles, brands, categories, option names and values."""
    out: set[str] = set()
    for r in facts.truth.records.values():
        parts = [r.title, r.brand, r.category, r.product_type]
        parts += [str(k) for k in r.attributes] + [str(v) for v in r.attributes.values()]
        for item in r.items:
            parts += [str(k) for k in item.options] + [str(v) for v in item.options.values()]
        for part in parts:
            out.update(w.casefold() for w in _WORD.findall(part or ""))
    return frozenset(out - _ENGLISH - _SPANISH)


def language_of(text: str, names: frozenset[str]) -> Language | None:
    """ "zh", "es" or "en"; None when nothing in ``text`` is prose (see the module doc)."""
    text = _NOT_PROSE.sub(" ", _QUOTED.sub(" ", text))
    cjk = len(_CJK.findall(text))
    latin = [w.casefold() for w in _WORD.findall(_CJK.sub(" ", text))]
    foreign = [w for w in latin if w not in names]
    if cjk >= 2 and cjk >= len(foreign):
        return "zh"
    if not foreign:
        return None
    spanish = len(_SPANISH_MARK.findall(" ".join(foreign))) + sum(w in _SPANISH for w in foreign)
    english = sum(w in _ENGLISH for w in foreign)
    if spanish > english:
        return "es"
    return "en" if english or not cjk else "zh"


def reply_prose(reply: Reply) -> list[str]:
    """The reply's own prose in parts judged apart: its text, then its cards' reasons (a
    Spanish text over English reasons is not a Spanish reply), without the titles shown."""
    titles: Iterable[str] = [c.title for c in reply.products] + [c.title for c in reply.citations]
    reasons = "\n".join(r for card in reply.products for r in card.reasons)
    parts = [reply.text, reasons] if reasons else [reply.text]
    for title in sorted(set(titles), key=len, reverse=True):
        if title:
            parts = [p.replace(title, " ") for p in parts]
    return parts


def wrong_language(reply: Reply, language: Language, names: frozenset[str]) -> str | None:
    """Why the reply is not in ``language``, or None when it is (or says nothing to judge)."""
    for part in reply_prose(reply):
        found = language_of(part, names)
        if found is not None and found != language:
            return f"the reply is in {found}, the conversation in {language}: {part[:80]!r}"
    return None
