"""Wording the discovery outcomes from their facts: recommendations, questions, "nothing
fits", "not sold", comparisons and one product's details.

Every number and name comes from the outcome: counts and constraints from the search, titles,
prices and ratings from the recommendations, comparison sentences from the comparison table
(differences first, then what both share), so the prose cannot contradict the table.

Not here: the facts themselves (``assistant.act``), service wording (``respond.service``).
"""

from __future__ import annotations

from assistant.outcomes import Asked, Compared, Described, Found, NothingFits, NotSold
from assistant.reply import ProductCard, QuestionOut
from assistant.respond.texts import join, plural, say
from assistant.respond.words import describe, money, reason_text
from assistant.state import OpenQuestion
from tools.clarify import label as clarify_label
from tools.constraints import Constraints
from tools.explain import Recommendation
from tools.shopping import SearchOutcome
from tools.shopping_info import Comparison
from tools.vocabulary import noun_forms


def label(key: str) -> str:
    """An attribute name for a sentence: "weight g" -> "Weight (g)"."""
    text = clarify_label(key.replace(" ", "_"))
    return text[:1].upper() + text[1:]


def what(constraints: Constraints, count: int, lang: str = "en") -> str:
    """ "running shoes", "camping tent", "products": the category in the catalog's words."""
    name = (constraints.category or "").strip()
    if not name:
        return plural(lang, "product", count)
    words = name.lower().split()
    if count == 1:
        singular = [f for f in noun_forms(words[-1]) if len(f) < len(words[-1])]
        if singular:
            words[-1] = singular[0]
    return " ".join(words)


def asked(constraints: Constraints, lang: str = "en") -> str:
    """The constraints without the category: "under $90.00, size 10, by Paceline"."""
    return describe(constraints, lang, category=False)


def lead(search: SearchOutcome, lang: str = "en") -> str:
    """The first sentence of a search's reply, known as soon as retrieval counted."""
    n = search.total
    c = search.constraints
    wishes = asked(c, lang)
    key = ("lead_one" if n == 1 else "lead") + ("" if wishes else "_bare")
    values = {"wishes": wishes} if wishes else {}
    return say(lang, key, count=f"{n:,}", what=what(c, n, lang), **values)


def card(rec: Recommendation, lang: str = "en") -> ProductCard:
    return ProductCard(
        product_id=rec.product_id,
        item_id=rec.item_id,
        title=rec.title,
        price=rec.price,
        reasons=[reason_text(r, lang) for r in rec.reasons],
    )


def _rating(stars: float, count: int, lang: str) -> str:
    if count <= 0:
        return say(lang, "no_reviews")
    return say(
        lang,
        "rating",
        stars=f"{stars:.1f}",
        count=count,
        reviews=plural(lang, "review", count),
    )


def line(n: int, rec: Recommendation, lang: str) -> str:
    return say(
        lang,
        "line",
        n=n,
        title=rec.title,
        price=money(rec.price),
        rating=_rating(rec.rating, rec.rating_count, lang),
    )


def found_text(o: Found, lang: str) -> list[str]:
    """The reply as pieces: the lead (streamed first), notes, then one line per product."""
    s = o.search
    pieces = [lead(s, lang)]
    if o.unknown_brands:
        pieces.append(say(lang, "unknown_brand", brands=join(lang, list(o.unknown_brands))))
    if s.wishes:
        quoted = say(lang, "list_sep").join(f"\u201c{w}\u201d" for w in s.wishes)
        pieces.append(say(lang, "unchecked", wishes=quoted))
    if o.refined == "cheaper" and o.baseline is not None:
        pieces.append(say(lang, "refined_cheaper", baseline=money(o.baseline)))
    elif o.refined == "dearer" and o.baseline is not None:
        pieces.append(say(lang, "refined_dearer", baseline=money(o.baseline)))
    elif o.refined == "better_rated" and o.baseline is not None:
        pieces.append(say(lang, "refined_better_rated", baseline=f"{o.baseline:.1f}"))
    elif o.refined == "other_brand" and o.excluded:
        pieces.append(say(lang, "refined_other_brand", brands=join(lang, list(o.excluded), "and")))
    else:
        pieces.append(
            say(lang, "found_top", shown=len(s.recommendations))
            if len(s.recommendations) > 1
            else say(lang, "found_one")
        )
    pieces += [line(n, rec, lang) for n, rec in enumerate(s.recommendations, start=1)]
    return pieces


def question_out(q: OpenQuestion) -> QuestionOut:
    return QuestionOut(text=q.text, attribute=q.key or q.kind, options=q.labels())


def asked_text(o: Asked, lang: str) -> list[str]:
    q = o.question
    if o.topic == "attribute" and o.search is not None:
        pieces = [lead(o.search, lang)]
        if o.unknown_brands:
            pieces.append(say(lang, "unknown_brand", brands=join(lang, list(o.unknown_brands))))
        return [*pieces, q.text]
    if o.topic == "department":
        return [say(lang, "ask_department", question=q.text)]
    if o.topic == "again":
        return [say(lang, "ask_again"), *(f"- {label}" for label in q.labels())]
    if o.topic == "category":
        lead_in = [lead(o.search, lang)] if o.search is not None else []
        return (
            [*lead_in, say(lang, "ask_category", question=q.text)]
            if not lead_in
            else [*lead_in, q.text]
        )
    return [q.text]


def nothing_text(o: NothingFits, lang: str) -> list[str]:
    described = describe(o.search.constraints, lang)
    pieces = [say(lang, "nothing_fits", asked=described or o.search.query)]
    if o.question is not None:
        pieces.append(say(lang, "nothing_fits_options"))
        pieces += [f"- {label}" for label in o.question.labels()]
    else:
        pieces.append(say(lang, "nothing_fits_none"))
    return pieces


def not_sold_text(o: NotSold, lang: str) -> list[str]:
    thing = o.thing if o.brand or lang != "en" else _plural(o.thing)
    pieces = [say(lang, "not_sold_brand" if o.brand else "not_sold", thing=thing)]
    if o.question is not None:
        pieces.append(say(lang, "not_sold_related" if o.related else "not_sold_options"))
    return pieces


def _plural(thing: str) -> str:
    words = thing.split()
    forms = sorted(noun_forms(words[-1]), key=len)
    words[-1] = forms[-1] if len(forms) > 1 else words[-1]
    return " ".join(words)


def compared_text(o: Compared, lang: str) -> list[str]:
    """Sentences from the comparison table: price, rating, the rows that differ, then what
    both share and what reviewers praise."""
    c = o.comparison
    ps = c.products
    pieces: list[str] = []
    if len(ps) == 2:
        a, b = ps
        if abs(a.price - b.price) >= 0.005:
            cheap, dear = (a, b) if a.price < b.price else (b, a)
            pieces.append(
                say(
                    lang,
                    "cheaper_by",
                    cheap=cheap.title,
                    dear=dear.title,
                    diff=money(dear.price - cheap.price),
                    low=money(cheap.price),
                    high=money(dear.price),
                )
            )
        else:
            pieces.append(say(lang, "same_price", price=money(a.price)))
        if abs(a.rating - b.rating) >= 0.05 and a.rating_count and b.rating_count:
            hi, lo = (a, b) if a.rating > b.rating else (b, a)
            pieces.append(
                say(
                    lang,
                    "rated_higher",
                    better=hi.title,
                    stars_a=f"{hi.rating:.1f}",
                    count_a=hi.rating_count,
                    stars_b=f"{lo.rating:.1f}",
                    count_b=lo.rating_count,
                )
            )
        elif a.rating_count and b.rating_count:
            pieces.append(say(lang, "same_rating", stars=f"{a.rating:.1f}"))
    else:
        pieces += [
            say(
                lang,
                "compared_line",
                title=p.title,
                price=money(p.price),
                rating=_rating(p.rating, p.rating_count, lang),
            )
            for p in ps
        ]
    pieces += _rows(c, lang)
    names = short_names([p.title for p in ps])
    for p, name in zip(ps, names, strict=True):
        if p.praise:
            pieces.append(
                say(lang, "praise_row", title=name, aspects=join(lang, list(p.praise), "and"))
            )
    return pieces


def short_names(titles: list[str]) -> list[str]:
    """Names that tell the compared products apart: the first three words of each title
    that not every title shares ("Paceline Surge X" vs "Runvale Cadence Pro")."""
    split = [t.split() for t in titles]
    shared = set.intersection(*(set(w) for w in split)) if split else set()
    names = [
        " ".join([w for w in words if w not in shared][:3]) or " ".join(words[:3])
        for words in split
    ]
    return names if len(set(names)) == len(names) else titles


def _rows(c: Comparison, lang: str) -> list[str]:
    """The attribute rows that tell the products apart (at most three), then one they share;
    rows listing several values (the sizes on offer) stay in the table."""
    names = short_names([p.title for p in c.products])
    single = [row for row in c.rows if not any(", " in cell for cell in row.cells)]
    differing = []
    for row in single:
        if row.differs and row.shared:
            cells = "; ".join(f"{n}: {v}" for n, v in zip(names, row.cells, strict=True))
            differing.append(say(lang, "differs_row", label=label(row.label), cells=cells))
    shared = [
        say(lang, "both_row", label=label(row.label).lower(), value=row.cells[0])
        for row in single
        if not row.differs and row.shared and row.cells[0] != "no"
    ]
    return differing[:3] + shared[:1]


def described_text(o: Described, lang: str) -> list[str]:
    rec = o.recommendation
    position = o.position or 0
    ordinal = say(lang, f"ordinal_{position}") if 1 <= position <= 5 else ""
    pieces = [
        say(
            lang,
            "described",
            ordinal=ordinal,
            title=rec.title,
            price=money(rec.price),
            rating=_rating(rec.rating, rec.rating_count, lang),
        )
    ]
    if o.attributes:
        facts = "; ".join(f"{k}: {v}" for k, v in o.attributes)
        pieces.append(say(lang, "described_facts", facts=facts[0].upper() + facts[1:]))
    for reason in rec.reasons:
        if reason.kind in ("reviews", "profile", "stock", "mention"):
            text = reason_text(reason, lang)
            pieces.append(text[0].upper() + text[1:] + say(lang, "described_facts", facts=""))
    return pieces
