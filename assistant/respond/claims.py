"""The claim check: model-written text reaches the shopper only when every claim in it
matches the facts of the turn, and it neither echoes the shopper, promises a future act nor
repeats the prompt.

Claims checked: product names (any case; a catalog title or brand that is not among the
facts, or a capitalised run the catalog cannot explain: ``tools.grounding``), prices in digits
or words and in any currency, ratings and review counts, other numbers, order states, actions
("your refund has been issued" only after that write ran this turn), what the shop sells
("we carry ..." only about products in the facts), links and images, and codes that look like
discount or coupon codes. Not claims, but never shown: a restatement of the shopper's message,
a promise ("I will look for ..."), the prompt's instructions or a tool name.

``check_claims`` returns the problems found; an empty list means the text may be shown.

Not here: composing replies (``assistant.respond``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.reading.wishes import famous_brands_in
from tools.grounding import GroundingFacts, check_grounding

ECHO_RUN = 6  # words in a row from the shopper's message
PROMPT_RUN = 8  # words in a row from the prompt
ECHO_SHARE = 0.8  # share of the message's content words

_WORD = re.compile(r"[a-z0-9$€£¥']+")
_PROMISE = re.compile(
    r"\b(i\s*(?:will|'ll|shall|am\s+going\s+to|'m\s+going\s+to)|let\s+me|please\s+(?:wait|hold)|"
    r"one\s+moment|give\s+me\s+a\s+(?:second|moment|minute)|i\s+am\s+(?:now\s+)?(?:looking|"
    r"searching|checking)|i'?m\s+(?:now\s+)?(?:looking|searching|checking))\b",
    re.I,
)
_LINK = re.compile(r"https?://|www\.|\]\(|<a\s|!\[|\b[\w-]+\.(?:com|net|org|io|shop|co)\b", re.I)
_CURRENCY = re.compile(r"[€£¥₹]|\b(?:euros?|pounds?|yen|gbp|eur|rupees?)\b", re.I)
_NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty "
    "sixty seventy eighty ninety hundred thousand"
).split()
_MONEY_WORDS = re.compile(
    r"\b(?:"
    + "|".join(_NUMBER_WORDS)
    + r")(?:[\s-]+(?:and\s+)?(?:"
    + "|".join(_NUMBER_WORDS)
    + r"))*\s+(?:dollars?|bucks|cents?)\b",
    re.I,
)
_ACTION = re.compile(
    r"\b(?:refund|order|cancell?ation|return|exchange|address|payment|item|package)\b[^.!?]{0,40}"
    r"\b(?:has|have|was|were|is|are|been)\s+(?:now\s+|already\s+|successfully\s+)*"
    r"(?:issued|processed|cancell?ed|refunded|shipped|updated|changed|completed|approved|"
    r"submitted|placed|sent|initiated|confirmed)\b"
    r"|\bi(?:'ve|\s+have)\s+(?:already\s+|now\s+|just\s+)?(?:cancell?ed|refunded|issued|"
    r"processed|updated|changed|returned|exchanged|placed|submitted)\b",
    re.I,
)
_SELLS = re.compile(
    r"\bwe\s+(?:do\s+)?(?:sell|carry|stock|have|offer)\b|\b(?:in|out\s+of)\s+"
    r"stock\b|\bavailable\s+(?:now|in)\b",
    re.I,
)
_CODE = re.compile(
    r"\b(?=[A-Z0-9]*[A-Z])(?=[A-Z0-9]*\d)[A-Z0-9]{4,}\b|\b(?:promo|discount|"
    r"coupon|voucher)\s+code\b",
    re.I,
)
_STATE = re.compile(
    r"\b(?:pending|processed|processing|delivered|cancell?ed|shipped|in transit|"
    r"return requested|exchange requested)\b",
    re.I,
)


@dataclass(frozen=True)
class ClaimContext:
    """What a model's text may state, and what it may not repeat."""

    message: str = ""  # the shopper's message
    prompt_texts: Sequence[str] = ()  # the system prompt and tool descriptions
    tool_names: Sequence[str] = ()
    facts: GroundingFacts = field(default_factory=GroundingFacts)
    observed: str = ""  # this turn's tool results, for order states
    actions_done: bool = False  # a write ran this turn


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _runs(words: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def echoes(text: str, message: str) -> bool:
    said, reply = _words(message), _words(text)
    if _runs(said, ECHO_RUN) & _runs(reply, ECHO_RUN):
        return True
    content = [w for w in said if len(w) > 3]
    if len(content) >= 4:
        replied = set(reply)
        return sum(w in replied for w in content) >= ECHO_SHARE * len(content)
    return False


def repeats_prompt(text: str, prompt_texts: Sequence[str], tool_names: Sequence[str]) -> bool:
    reply = _runs(_words(text), PROMPT_RUN)
    if any(reply & _runs(_words(p), PROMPT_RUN) for p in prompt_texts):
        return True
    lowered = text.lower()
    return any(name.lower() in lowered for name in tool_names if "_" in name)


def _sells_problems(text: str, facts: GroundingFacts) -> list[str]:
    """ "We carry X": X must be among the products found (a word of their titles or brands)."""
    if not _SELLS.search(text):
        return []
    if not facts.products:
        return ["says what the shop sells without a search"]
    found = {w for p in facts.products for w in _words(f"{p.title} {p.brand}")}
    forms = {w.rstrip("s") for w in found} | found
    for m in _SELLS.finditer(text):
        said = [w for w in _words(text[m.end() : m.end() + 80]) if len(w) > 3][:6]
        if said and not any(w in forms or w.rstrip("s") in forms for w in said):
            return [f"says the shop sells {' '.join(said[:3])!r}, which no search found"]
    return []


def check_claims(text: str, ctx: ClaimContext) -> list[str]:
    problems: list[str] = []
    if ctx.message and echoes(text, ctx.message):
        problems.append("restates the shopper's message")
    if _PROMISE.search(text):
        problems.append("promises a future act")
    if repeats_prompt(text, ctx.prompt_texts, ctx.tool_names):
        problems.append("repeats the prompt or a tool name")
    if _LINK.search(text):
        problems.append("contains a link or an image")
    if _CURRENCY.search(text) or _MONEY_WORDS.search(text):
        problems.append("states an amount in another currency or in words")
    if _CODE.search(text):
        problems.append("mentions a code")
    if _ACTION.search(text) and not ctx.actions_done:
        problems.append("says an action was done that did not run")
    problems += _sells_problems(text, ctx.facts)
    known_brands = {p.brand.lower() for p in ctx.facts.products if p.brand}
    for brand in famous_brands_in(text):
        if brand.lower() not in known_brands:
            problems.append(f"names the brand {brand!r}, which is not among the results")
    seen = ctx.observed.lower().replace("canceled", "cancelled")
    for m in _STATE.finditer(text):
        if m.group(0).lower().replace("canceled", "cancelled") not in seen:
            problems.append(f"names the order state {m.group(0)!r}, which no tool returned")
    problems += check_grounding(text, ctx.facts).problems
    return problems
