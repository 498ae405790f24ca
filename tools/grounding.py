"""Holding a reply to the facts this turn's tools returned, and the safe reply when it is not.

``check_grounding`` rejects a reply that names a product the tools did not return (a catalog
brand that is not among the results, a title-like phrase that is no returned title, a product
id), a price that is not a returned price or a constraint the shopper gave, a star rating or
review count that no result has, or any other number no tool gave (a "15% off", a "size 12"
nobody mentioned). Title-like phrases are runs of capitalised words or model numbers ("Nike Air
Max 97", "Paceline Glide 3") with words the catalog and the results do not explain.

``fallback_text`` writes the reply from the structured reasons alone; it always passes.

Not here: which facts a turn produced (``tools.shop_context`` collects them), rephrasing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from tools.explain import Recommendation
from tools.vocabulary import CatalogVocabulary, tokens, words

_MONEY = re.compile(
    r"\$\s?(\d[\d,]*(?:\.\d{1,2})?)|"
    r"(\d[\d,]*(?:\.\d{1,2})?)\s?(?:dollars|usd|bucks)",
    re.I,
)
_APPROX = re.compile(r"(?:about|around|roughly|approximately|~|under|nearly|almost)\s*$", re.I)
_RATING = re.compile(
    r"(?:rated|rating of|average of)\s*(\d(?:\.\d{1,2})?)|"
    r"(\d(?:\.\d{1,2})?)\s?(?:-?\s?stars?|★|/\s?5\b|out of 5)",
    re.I,
)
_COUNT = re.compile(
    r"(\d[\d,]*)\s+(?:customer\s+|verified\s+)?(?:reviews?|ratings|reviewers)\b", re.I
)
_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")
_RUN = re.compile(
    r"(?:[A-Z][\w'’&-]*|\d[\w-]*(?:\.\d+)*)"
    r"(?:[ \t]+(?:[A-Z][\w'’&-]*|\d[\w-]*(?:\.\d+)*))+"
)
_ID_LIKE = re.compile(r"(?<![\w.$])\d{7,}(?![\w.])")
# capitalised words any reply uses; they never make a phrase a product name
_COMMON = frozenset(
    {
        "i",
        "i'm",
        "i'd",
        "i've",
        "i'll",
        "the",
        "a",
        "an",
        "this",
        "that",
        "these",
        "those",
        "it",
        "it's",
        "its",
        "here",
        "here's",
        "there",
        "both",
        "each",
        "our",
        "your",
        "you",
        "you'll",
        "my",
        "we",
        "if",
        "for",
        "with",
        "and",
        "or",
        "but",
        "also",
        "note",
        "yes",
        "no",
        "sure",
        "great",
        "good",
        "best",
        "top",
        "option",
        "options",
        "pick",
        "picks",
        "choice",
        "price",
        "prices",
        "rating",
        "ratings",
        "review",
        "reviews",
        "stars",
        "why",
        "what",
        "which",
        "would",
        "do",
        "does",
        "is",
        "are",
        "can",
        "let",
        "me",
        "please",
        "thanks",
        "thank",
        "happy",
        "hi",
        "hello",
        "all",
        "some",
        "any",
        "one",
        "two",
        "three",
        "four",
        "five",
        "first",
        "second",
        "third",
        "last",
        "cheaper",
        "cheapest",
        "recommended",
        "recommendation",
        "recommendations",
        "budget",
        "size",
        "color",
        "colour",
        "in",
        "on",
        "at",
        "of",
        "to",
        "by",
        "from",
        "as",
        "not",
        "only",
        "just",
        "how",
        "about",
        "more",
        "less",
        "under",
        "over",
    }
)
_SMALL_ORDINALS = 10  # list numbering and "two options" are always fine


@dataclass(frozen=True)
class ProductFact:
    product_id: str
    title: str
    brand: str
    prices: tuple[float, ...]
    rating: float | None = None
    rating_count: int | None = None
    numbers: frozenset[float] = frozenset()  # attribute and option values a reply may quote


@dataclass(frozen=True)
class GroundingFacts:
    products: tuple[ProductFact, ...] = ()
    prices: frozenset[float] = frozenset()  # other amounts: the shopper's caps, price bands
    numbers: frozenset[float] = frozenset()  # other numbers: result counts, review mentions
    catalog_brands: frozenset[str] = frozenset()  # lower-cased
    catalog_titles: frozenset[str] = frozenset()  # lower-cased
    known_words: frozenset[str] = frozenset()  # category, attribute and value words

    @classmethod
    def build(
        cls,
        products: Iterable[ProductFact],
        vocab: CatalogVocabulary | None = None,
        prices: Iterable[float] = (),
        numbers: Iterable[float] = (),
    ) -> GroundingFacts:
        if vocab is None:
            return cls(tuple(products), frozenset(prices), frozenset(numbers))
        # a title that is also a category name ("T-Shirt") is a word, not a product name
        titles = frozenset(t for t in vocab.titles if words(t) not in vocab.nouns)
        return cls(
            tuple(products),
            frozenset(prices),
            frozenset(numbers),
            catalog_brands=frozenset(vocab.brands),
            catalog_titles=titles,
            known_words=frozenset(w for p in vocab.phrases for w in p),
        )


@dataclass(frozen=True)
class GroundingResult:
    ok: bool
    problems: tuple[str, ...] = field(default_factory=tuple)


def numbers_in(text: str) -> set[float]:
    """Every number written in ``text`` ("16GB" -> 16, "$1,299.00" -> 1299)."""
    return {float(m.group().replace(",", "")) for m in _NUMBER.finditer(text)}


def fact_from_recommendation(
    rec: Recommendation, extra_numbers: Iterable[float] = ()
) -> ProductFact:
    numbers = set(extra_numbers)
    prices = [rec.price]
    for reason in rec.reasons:
        for key, value in reason.facts.items():
            found = numbers_in(value) if isinstance(value, str) else {float(value)}
            numbers.update(found)
            if "price" in key or "band" in key:
                prices.extend(found)
    return ProductFact(
        rec.product_id,
        rec.title,
        rec.brand,
        tuple(dict.fromkeys(prices)),
        rec.rating,
        rec.rating_count,
        frozenset(numbers),
    )


def _near(value: float, allowed: Iterable[float], tolerance: float = 0.005) -> bool:
    return any(abs(value - a) <= tolerance for a in allowed)


def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    for s, e in spans:
        text = text[:s] + " " * (e - s) + text[e:]
    return text


def _strip_known_titles(text: str, facts: GroundingFacts) -> str:
    """Returned titles and ids are allowed whole: blank them (their numbers are theirs)."""
    for p in sorted(facts.products, key=lambda p: -len(p.title)):
        for needle in (p.title, p.product_id):
            if needle:
                text = re.sub(re.escape(needle), lambda m: " " * len(m.group()), text, flags=re.I)
    return text


def _product_problems(text: str, facts: GroundingFacts) -> list[str]:
    problems: list[str] = []
    lower = text.lower()
    allowed_brands = {p.brand.lower() for p in facts.products if p.brand}
    allowed_titles = [words(p.title) for p in facts.products]
    for brand in sorted(facts.catalog_brands - allowed_brands):
        if re.search(rf"(?<![\w-]){re.escape(brand)}(?![\w-])", lower):
            problems.append(f"names the brand {brand!r}, which none of the results has")
    for title in sorted(facts.catalog_titles):
        if title not in lower:  # a cheap test first: catalogs have many titles
            continue
        if re.search(rf"(?<!\w){re.escape(title)}(?!\w)", lower) and not any(
            _contains(t, words(title)) for t in allowed_titles
        ):
            problems.append(f"names {title!r}, which is not among the results")
    title_words = {w for t in allowed_titles for w in t}
    known = facts.known_words | title_words | allowed_brands | _COMMON
    for m in _RUN.finditer(text):
        spans = tokens(m.group())
        while spans and spans[0][0] in _COMMON:  # "The Paceline" is "Paceline"
            spans.pop(0)
        while spans and spans[-1][0] in _COMMON:
            spans.pop()
        run = [w for w, _, _ in spans]
        if not run or any(_contains(t, tuple(run)) for t in allowed_titles):
            continue
        phrase = m.group()[spans[0][1] : spans[-1][2]]
        # digits count as unknown only when no returned title has them ("Glide 3" vs "Glide 2")
        unknown = [
            w
            for w in run
            if w not in _COMMON and (w not in title_words if _is_number(w) else w not in known)
        ]
        model_number = any(_is_number(w) for w in unknown)
        branded = bool(set(run) & allowed_brands)
        if unknown and (model_number or branded or len(unknown) >= 2):
            problems.append(f"names {phrase!r}, which is not among the results")
    ids = {p.product_id for p in facts.products}
    for m in _ID_LIKE.finditer(text):
        if m.group() not in ids:
            problems.append(f"mentions id {m.group()}, which no tool returned")
    return problems


def _is_number(word: str) -> bool:
    return word.replace(".", "", 1).isdigit()


def _contains(title: tuple[str, ...], run: tuple[str, ...]) -> bool:
    n = len(run)
    return any(title[i : i + n] == run for i in range(len(title) - n + 1))


def check_grounding(reply_text: str, facts: GroundingFacts) -> GroundingResult:
    """Whether every product, price, rating and number in ``reply_text`` is in ``facts``."""
    problems = _product_problems(reply_text, facts)
    text = _strip_known_titles(reply_text, facts)
    prices = {x for p in facts.products for x in p.prices} | set(facts.prices)
    ratings = {round(p.rating, d) for p in facts.products if p.rating is not None for d in (1, 2)}
    counts = {float(p.rating_count) for p in facts.products if p.rating_count is not None}
    numbers = set(facts.numbers) | {x for p in facts.products for x in p.numbers}
    used: list[tuple[int, int]] = []
    for m in _MONEY.finditer(text):
        value = float((m.group(1) or m.group(2)).replace(",", ""))
        approx = bool(_APPROX.search(text[: m.start()]))
        if not (_near(value, prices) or (approx and any(abs(value - p) < 1 for p in prices))):
            problems.append(f"states the price ${value:,.2f}, which no tool returned")
        used.append(m.span())
    text = _blank(text, used)
    used = []
    for m in _RATING.finditer(text):
        value = float(m.group(1) or m.group(2))
        if not _near(value, ratings | numbers):
            problems.append(f"states a rating of {value:g}, which no result has")
        used.append(m.span())
    for m in _COUNT.finditer(text):
        value = float(m.group(1).replace(",", ""))
        if not _near(value, counts | numbers):
            problems.append(f"states {value:g} reviews, which no result has")
        used.append(m.span())
    text = _blank(text, used)
    text = _blank(text, [m.span() for m in _ID_LIKE.finditer(text)])
    for value in sorted(numbers_in(text)):
        small = value.is_integer() and 0 <= value <= _SMALL_ORDINALS
        if not small and not _near(value, numbers | prices | ratings | counts):
            problems.append(f"states the number {value:g}, which no tool returned")
    return GroundingResult(not problems, tuple(dict.fromkeys(problems)))


def fallback_text(
    products_with_reasons: Sequence[Recommendation], intro: str = "Here is what I found:"
) -> str:
    """The reply made of facts only: each product, its price and its reasons."""
    if not products_with_reasons:
        return "I could not find products that match; tell me which requirement to relax."
    lines = [intro]
    for n, rec in enumerate(products_with_reasons, start=1):
        why = "; ".join(r.text for r in rec.reasons[:4])
        lines.append(f"{n}. {rec.title} (${rec.price:,.2f})" + (f": {why}." if why else "."))
    return "\n".join(lines)
