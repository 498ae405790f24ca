"""Price, rating and stock phrases in a shopper's words, read without the LLM.

Price phrases: a cap ("under $100", "less than 80 dollars", "below 50", "max 120", "$90 or
less", "budget of 100"), a floor ("over 200", "at least $30", "$30+", "50 and up"), a range
("between 50 and 80", "$50-$80", "from 50 to 80 dollars") and an approximate price ("around
100", "about $100", "~100": +-15%). An amount with its currency and no cue ("$100 headphones",
"is there one for 80 bucks?") is a cap: the reply's lead shows it as "under $100", so a shopper
who meant otherwise sees how it was read. A number followed by a unit that is not money ("under 250
g", "up to 40 hours", "4 stars", "2 person") is not a price. Ratings: "4 stars and up", "4+
stars", "rated 4+", "rating of at least 4.5", "highly rated" (4.0). Stock: "in stock",
"available now", "ready to ship". When the shopper states a bound twice, the later one wins
("under $100... actually under $150" caps at 150). Number words of ten and more are read as
numbers first ("under ninety dollars", "a hundred and fifty bucks max"); a negated floor is a
cap ("I don't want to spend more than 90", "nothing above 90 bucks"), and so is the money a
shopper says they have ("I have $90").

Every match is blanked out of ``PhraseParse.rest`` so the vocabulary matcher never reads the
same number twice (the 10 of "$10" is not a size).

The currency said with an amount is kept (``PhraseParse.currency``: "USD" for "$", "dollars",
"bucks"; "EUR" for "€", "euros"; "CNY" for "yuan", "rmb"; "GBP" for "£"); amounts are never
converted (a shop's prices are in one currency).

Not here: the catalog's words (``tools.vocabulary``); Chinese and Spanish price phrases, which
``assistant.reading.zh`` and ``assistant.reading.es`` rewrite into these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

AROUND = 0.15  # "around $100" allows 85..115
HIGHLY_RATED = 4.0

# the currency before an amount ("$", "USD ") and its word after one (" dollars", "-dollar")
_MONEY_BEFORE = r"(?:[$€£]\s?|\b(?:usd|us\$)\s?)"
_MONEY_AFTER = r"(?:(?:\s?|-)(?:dollars?|bucks|usd|euros?|eur|yuan|rmb)\b|\s?€)"
_AMOUNT = (
    rf"{_MONEY_BEFORE}?\d[\d,]*(?:\.\d+)?(?!\d)(?!\.\d)(?:\s?k\b)?"
    rf"(?:{_MONEY_AFTER}|\$)?"
)
# a number followed by one of these is a quantity, not a price
_UNIT = (
    r"(?!\s?-?\s?(?:g|kg|lbs?|oz|mm|cm|inch(?:es)?|gb|tb|mb|mah|w|watts?|hz|mp|hours?|"
    r"hrs?|h|days?|min(?:utes)?|l|liters?|litres?|ml|stars?|person|people|cups?|pieces?|"
    r"pcs?|ft|feet|years?|months?|rpm|bar|dpi|lumens?|psi|v|p|mph|seasons?|sizes?|"
    r"percent|x)\b|\s?[%\"'])"
)
A = rf"(?P<a>{_AMOUNT}){_UNIT}"
B = rf"(?P<b>{_AMOUNT}){_UNIT}"
_MAX_CUE = (
    r"under|below|less\s+th(?:an|en|at)|cheaper\s+th[ae]n|lower\s+th[ae]n|at\s+most|"
    r"no\s+more\s+th[ae]n|"
    r"not\s+more\s+than|no\s+higher\s+than|not\s+over|not\s+above|up\s+to|within|sub|"
    r"max(?:imum)?(?:\s+of)?\s*[:=]?|budget(?:\s+is|\s+of)?(?:\s+(?:now|only|just))*\s*[:=-]?|<=?|"
    r"can\s+you\s+do|let'?s\s+say|how\s+about|what\s+about|keep\s+it\s+(?:to|at)|"
    r"cap\s+(?:it\s+)?at|budget'?s(?:\s+(?:now|only|just))*|stay\s+(?:under|below|within)|"
    r"(?:lower|reduce|drop|bring|cut|change|set|make)\s+(?:it|that|the\s+(?:price|budget|cap|"
    r"limit|max))?\s*(?:down\s+)?to|(?:go|come|get)\s+down\s+to|"
    r"(?:limit|cap|ceiling)(?:\s+is)?(?:\s+(?:now|only|just))*\s*[:=-]?|"
    r"(?:(?:do\s+not|don'?t|dont|won'?t|wont|can'?t|cannot|not)\s+(?:want\s+to\s+|wanna\s+)?"
    r"(?:spend|pay|go|cost|be|run|be\s+priced)\s+(?:more\s+than|over|above|beyond))|"
    r"(?:doesn'?t|does\s+not|shouldn'?t|should\s+not|mustn'?t|must\s+not)\s+"
    r"(?:cost|be|run|go)\s+(?:more\s+than|over|above|beyond)|"
    r"nothing\s+(?:above|over|more\s+than|pricier\s+than|that\s+costs?\s+more\s+than)|"
    r"spend\s+(?:up\s+to\s+)?"
)
_MIN_CUE = (
    r"over|above|more\s+than|at\s+least|no\s+less\s+than|min(?:imum)?(?:\s+of)?|"
    r"starting\s+at|from|>=?|pricier\s+than|more\s+expensive\s+than"
)
_AROUND_CUE = (
    r"around|(?<!how\s)(?<!what\s)about|roughly|approximately|approx\.?|~|close\s+to|"
    r"in\s+the\s+region\s+of"
)
_PRICE_WORDS = r"price|prices|priced|cost|costs|budget|spend|pay|range"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("range", re.compile(rf"\b(?:between)\s+{A}\s*(?:and|-|–|—|to)\s*{B}", re.I)),
    ("range", re.compile(rf"\bfrom\s+{A}\s*(?:to|-|–|—)\s*{B}", re.I)),
    ("range?", re.compile(rf"(?<![\w.]){A}\s*(?:-|–|—|to)\s*{B}", re.I)),
    # "around $100 or less" / "around $100 max": a cap, the approximation notwithstanding
    (
        "max",
        re.compile(
            rf"(?<!\w)(?:{_AROUND_CUE})\s*{A}\s*(?:or\s+(?:less|under|below|"
            rf"cheaper|lower)|max(?:imum)?|tops|at\s+most)\b",
            re.I,
        ),
    ),
    ("around", re.compile(rf"(?<!\w)(?:{_AROUND_CUE})\s*{A}", re.I)),
    ("around", re.compile(rf"(?<![\w.]){A}\s*(?:or\s+so|ish)\b", re.I)),
    ("max", re.compile(rf"(?:(?<!\w)(?:{_MAX_CUE}))\s*{A}", re.I)),
    (
        "max",
        re.compile(
            r"\b(?:i\s+(?:only\s+)?have|i'?ve\s+(?:only\s+)?got|i\s+got|only\s+have|"
            r"have\s+only|got\s+only)\s+(?:about\s+|around\s+)?"
            r"(?P<a>[$€£]\s?\d[\d,]*(?:\.\d+)?|\d[\d,]*(?:\.\d+)?\s?(?:dollars?|"
            r"bucks|usd)\b|\d{2,}(?:\.\d+)?(?=\s*(?:$|[.,;!?]|to\s+spend)))",
            re.I,
        ),
    ),
    (
        "max",
        re.compile(
            rf"(?<![\w.]){A}\s+is\s+(?:my|the|our)\s+(?:new\s+)?(?:budget|limit|max"
            rf"(?:imum)?|cap|ceiling)\b",
            re.I,
        ),
    ),
    (
        "max",
        re.compile(
            rf"(?<![\w.]){A}\s*(?:or\s+(?:less|under|below|cheaper)|"
            rf"and\s+(?:under|below|less)|max(?:imum)?|tops|at\s+most|budget)\b",
            re.I,
        ),
    ),
    ("min", re.compile(rf"(?:(?<!\w)(?:{_MIN_CUE}))\s*{A}", re.I)),
    (
        "min",
        re.compile(
            rf"(?<![\w.]){A}\s*(?:or\s+(?:more|above|over|higher)|"
            rf"and\s+(?:up|above|over|higher)|plus\b|\+)",
            re.I,
        ),
    ),
]
# an amount with its currency that no cue above explained ("$100 headphones", "100 bucks?")
_LOOSE_MONEY = re.compile(
    rf"(?<![\w.])(?P<a>{_MONEY_BEFORE}\d[\d,]*(?:\.\d+)?"
    rf"(?:\s?k\b)?|\d[\d,]*(?:\.\d+)?(?:\s?k)?{_MONEY_AFTER})"
    rf"{_UNIT}",
    re.I,
)
_HAS_CURRENCY = re.compile(r"[$€£]|dollar|bucks|usd|euro|\beur\b|yuan|rmb", re.I)
_CURRENCIES = (
    ("USD", re.compile(r"\$|dollar|bucks|usd", re.I)),
    ("EUR", re.compile(r"€|euro|\beur\b", re.I)),
    ("CNY", re.compile(r"yuan|rmb", re.I)),
    ("GBP", re.compile(r"£", re.I)),
)


def currency_of(text: str) -> str | None:
    """The ISO code of the currency ``text`` names ("80 euros" -> "EUR"), or None."""
    return next((code for code, pattern in _CURRENCIES if pattern.search(text)), None)


_RATING = r"(?P<n>[1-5](?:\.\d)?)"
_RATING_PATTERNS = [
    re.compile(
        rf"(?<![\w.$]){_RATING}\s*\+?\s*-?\s*stars?\b(?:\s*(?:and\s+(?:up|above|higher|"
        rf"over)|or\s+(?:more|higher|better|above|up)|\+|plus))?",
        re.I,
    ),
    re.compile(
        rf"\b(?:rated|ratings?)\s*(?:of\s+)?(?:at\s+least|above|over|>=?|of)?\s*{_RATING}"
        rf"(?![\d.])\s*(?:\+|plus\b|/\s*5\b|out\s+of\s+5\b|or\s+(?:more|higher|better|above)"
        rf"|and\s+(?:up|above|higher))?",
        re.I,
    ),
]
_HIGHLY = re.compile(
    r"\b(?:highly|top|well|best)[\s-]rated\b|\bwell[\s-]reviewed\b|"
    r"\b(?:good|great|excellent|strong)\s+(?:ratings?|reviews)\b",
    re.I,
)
_STOCK = re.compile(
    r"\bin[\s-]stock\b|\bavailable\s+(?:right\s+)?(?:now|today|immediately)\b|"
    r"\bready\s+to\s+ship\b|\bships?\s+(?:now|today|immediately)\b",
    re.I,
)


def amount(text: str) -> float:
    """ "$1,200" -> 1200.0, "1.5k" -> 1500.0, "80 dollars" -> 80.0."""
    cleaned = re.sub(r"(?i)dollars?|bucks|usd|us|euros?|eur|yuan|rmb|[$€£,\s-]", "", text)
    thousands = cleaned.lower().endswith("k")
    value = float(cleaned.rstrip("kK"))
    return value * 1000 if thousands else value


@dataclass
class PhraseParse:
    price_min: float | None = None
    price_max: float | None = None
    min_rating: float | None = None
    in_stock: bool | None = None
    currency: str | None = None  # "USD", "EUR", "CNY", "GBP": as said with an amount
    spans: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, kind)
    rest: str = ""  # the text with every matched phrase blanked out

    @property
    def said(self) -> set[str]:
        fields = {
            "price_min": self.price_min,
            "price_max": self.price_max,
            "min_rating": self.min_rating,
            "in_stock": self.in_stock,
        }
        return {k for k, v in fields.items() if v is not None}


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def _free(spans: list[tuple[int, int, str]], start: int, end: int) -> bool:
    return all(end <= s or start >= e for s, e, _ in spans)


_SMALL = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {
    w: 10 * i
    for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split())
    if w != "_"
}
_NUMBER_WORD = "|".join([*_SMALL, *_TENS, "hundred", "thousand", "a", "and"])
_NUMBER_RUN = re.compile(rf"\b(?:(?:{_NUMBER_WORD})[\s-]+)*(?:{_NUMBER_WORD})\b", re.I)


def _number_value(run: str) -> int | None:
    """ "ninety" -> 90, "a hundred and fifty" -> 150, "two thousand" -> 2000; None for runs
    that are no number or below ten ("a", "one": an article or a product, not a price)."""
    total, current, seen = 0, 0, False
    spoken = re.split(r"[\s-]+", run.lower())
    if len(spoken) > 1 and 0 < _SMALL.get(spoken[0], 0) < 10 and spoken[1] in _TENS:
        # "one seventy five" is how a price is said: 175
        rest = _number_value(" ".join(spoken[1:]))
        return _SMALL[spoken[0]] * 100 + (rest or 0)
    for word in spoken:
        if word in _SMALL:
            current += _SMALL[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word == "thousand":
            total, current = total + max(current, 1) * 1000, 0
        elif word == "a":
            current += 0
            continue
        else:  # "and"
            continue
        seen = True
    value = total + current
    return value if seen and value >= 10 else None


def numbers_as_digits(text: str) -> str:
    """Number words of ten and more as digits ("under ninety dollars" -> "under 90 dollars");
    "one" and "two" stay words (the cheaper one, two people)."""

    def digits(m: re.Match[str]) -> str:
        # "fifty and ninety" is two numbers; "a hundred and fifty" is one
        parts = re.split(r"(?<!hundred)(?<!thousand)(\s+and\s+)", m.group(0), flags=re.I)
        out = []
        for part in parts:
            value = None if part.strip().lower() == "and" else _number_value(part)
            out.append(part if value is None else str(value))
        return "".join(out)

    return _NUMBER_RUN.sub(digits, text)


def parse_phrases(text: str) -> PhraseParse:
    """Price bounds, a minimum rating and "in stock" from ``text``; see the module doc."""
    out = PhraseParse()
    text = numbers_as_digits(text)
    rest = text
    ratings: list[tuple[int, float]] = []
    for pattern in (*_RATING_PATTERNS, _HIGHLY):
        for m in pattern.finditer(rest):
            value = float(m.group("n")) if "n" in pattern.groupindex else HIGHLY_RATED
            ratings.append((m.start(), value))
            out.spans.append((m.start(), m.end(), "rating"))
            rest = _blank(rest, m.start(), m.end())
    if ratings:
        out.min_rating = max(ratings)[1]  # the last one said
    found: list[tuple[int, int, str, float | None, float | None]] = []
    taken: list[tuple[int, int, str]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(rest):
            if not _free(taken, m.start(), m.end()):
                continue
            low, high = _bounds(kind, m, rest)
            if low is None and high is None:
                continue
            taken.append((m.start(), m.end(), "price"))
            found.append((m.start(), m.end(), kind, low, high))
            out.currency = currency_of(m.group(0)) or out.currency
    for start, end, _kind, low, high in sorted(found):
        if low is not None:
            out.price_min = low
            if out.price_max is not None and out.price_max < low:
                out.price_max = high  # a later, higher floor replaces an older cap
        if high is not None:
            out.price_max = high
            if out.price_min is not None and out.price_min > high:
                out.price_min = low
        rest = _blank(rest, start, end)
    if out.price_min is None and out.price_max is None:
        loose = list(_LOOSE_MONEY.finditer(rest))
        if loose:  # a price with no cue is the most the shopper means to spend
            last = loose[-1]
            out.price_max = amount(last.group("a"))
            out.currency = currency_of(last.group("a"))
            taken.append((last.start(), last.end(), "price"))
            rest = _blank(rest, last.start(), last.end())
    out.spans.extend(taken)
    for m in _STOCK.finditer(rest):
        out.in_stock = True
        out.spans.append((m.start(), m.end(), "stock"))
        rest = _blank(rest, m.start(), m.end())
    out.spans.sort()
    out.rest = rest
    return out


def _bounds(kind: str, m: re.Match[str], text: str) -> tuple[float | None, float | None]:
    a = amount(m.group("a"))
    if kind in ("range", "range?"):
        b = amount(m.group("b"))
        if kind == "range?" and not _HAS_CURRENCY.search(m.group()):
            before = text[max(0, m.start() - 30) : m.start()]
            if not re.search(rf"\b(?:{_PRICE_WORDS})\b", before, re.I):
                return None, None  # "sizes 9-10" or "2-4 people" are not prices
        return (min(a, b), max(a, b))
    if kind == "around":
        return round(a * (1 - AROUND), 2), round(a * (1 + AROUND), 2)
    if kind == "max":
        return None, a
    return a, None
