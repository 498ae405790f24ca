"""The checks every reply of every flow must pass, scored by facts only.

- ``invented``: a card whose product is not in the catalog, whose title is not the product's,
  or whose item is not one of its variants; in the text, a long number that is no id of the
  shop, a well-known brand the shop does not carry (unless the shopper named it), or a
  product name that starts with a catalog brand and is no catalog title;
- ``violating``: a card that breaks the constraints in effect, or whose price is not the
  price of a variant meeting them (a suggested item must itself meet them);
- ``echo``: the text restates the shopper's message: a run of 6+ of its words (the slot
  values it was phrased with do not count), or >= 80% of its content words when it has at
  least ``ECHO_MIN_WORDS`` of them and they are at least half of the reply's own (an option
  the shopper clicked is the assistant's own words, so it is not checked);
- ``promise``: the text promises a future act ("I'll search", "let me find", "please wait");
- ``prompt_text``: a run of 8+ words of the system prompt or of a tool's description or
  argument descriptions, or a tool's name (names with an underscore: "calculate" is a word);
- ``question``: a question reply has ``question.options`` (>= 2) and asks something (in its
  text or the question's own text: both are shown).

Not here: what a flow expects of a turn (``expect_discovery``, ``expect_service``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from importlib.resources import files

from assistant.reply import ProductCard, Reply
from eval.harness.cases import TargetConstraint
from eval.harness.flow_types import Failure
from eval.harness.shopfacts import ShopFacts, name_key, stem
from eval.harness.truth import Shown
from retrieval.documents import ItemRecord, ProductRecord, norm_key, norm_value, value_list

ECHO_RUN = 6
ECHO_SHARE = 0.8
ECHO_MIN_WORDS = 5
PROMPT_RUN = 8
# a word: Latin letters and digits (accented ones too, for Spanish), or one CJK character
# (Chinese has no spaces; a run of characters plays the part of a run of words)
_WORDS = re.compile(r"[a-z0-9\u00e0-\u00ff]+(?:'[a-z]+)?|[\u3400-\u4dbf\u4e00-\u9fff]")
_LONG_NUMBER = re.compile(r"(?<![\w.$#])\d{8,}(?!\w|\.\d)")  # not in "12345678.90"
_PROMISE = re.compile(
    r"\b(?:i\s+will|i'?ll|i\s+shall|i\s+am\s+going\s+to|i'?m\s+going\s+to|let\s+me|"
    r"allow\s+me\s+to)\s+(?!know\b|need\b|be\b|have\b)\w+"
    r"|\bplease\s+wait\b|\bwait\s+while\b|\bone\s+moment\b|\bgive\s+me\s+a\s+"
    r"(?:moment|second|minute|sec)\b|\bbear\s+with\s+me\b|\bhang\s+on\b|"
    # Chinese and Spanish promises: "我会为您查一下", "请稍等", "voy a buscar", "un momento"
    r"我(?:会|将|马上|稍后)(?!.{0,4}(?:无法|不能))|请稍等|稍等一下|请稍候|"
    r"\b(?:voy\s+a|te\s+voy\s+a|d[ée]jame|un\s+momento|espera\s+un)\b",
    re.IGNORECASE,
)
STOPWORDS = frozenset(
    """
a an the and or but if then so to of in on at by for with from into about as is are was were be
been being am do does did have has had i me my mine we our us you your yours he him his she her
they them their it its this that these those what which who whom whose when where why how can
could would should will shall may might must not no yes please thanks thank hi hello hey just
some any all one ones there here very really too also than more most much many few lot lots
want need like looking look get find show tell give got im i'm i'd i'll id ill dont don't
""".split()
)


def words(text: str) -> list[str]:
    return _WORDS.findall(text.casefold().replace("’", "'"))


class PromptText:
    """What the assistant was told: its system prompt and the tools' descriptions (as 8-word
    runs) and the tools' names."""

    def __init__(self, texts: Iterable[str], tool_names: Iterable[str]) -> None:
        self.runs: set[tuple[str, ...]] = set()
        for text in texts:
            w = words(text)
            self.runs.update(tuple(w[i : i + PROMPT_RUN]) for i in range(len(w) - PROMPT_RUN + 1))
        names = sorted(n for n in tool_names if "_" in n)
        self._names = (
            re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b", re.IGNORECASE)
            if names
            else None
        )

    @classmethod
    def of_assistant(cls, shop_name: str = "the shop") -> PromptText:
        from assistant.deps import all_tools  # the tools as the agent describes them
        from assistant.prompts import render

        try:
            system = render("system", shop_name=shop_name)
        except KeyError:  # the template's variables changed: take its text as it is
            system = files("assistant.prompts").joinpath("system.txt").read_text("utf-8")
        from assistant.respond.texts import LANGUAGE_NAMES

        texts = [system, *(render("language", language=n) for n in LANGUAGE_NAMES.values())]
        names: list[str] = []
        for tool in all_tools():
            names.append(tool.name)
            texts.append(tool.description)
            properties = tool.schema()["function"]["parameters"].get("properties", {})
            texts += [str(p.get("description", "")) for p in properties.values()]
        return cls(texts, names)

    def leaks(self, text: str) -> list[str]:
        out: list[str] = []
        if self._names is not None:
            out += [f"tool name {m.group(1)!r}" for m in self._names.finditer(text)]
        w = words(text)
        for i in range(len(w) - PROMPT_RUN + 1):
            if tuple(w[i : i + PROMPT_RUN]) in self.runs:
                out.append(f"prompt words {' '.join(w[i : i + PROMPT_RUN])!r}")
                break
        return out


# --- the every-turn checks --------------------------------------------------------------


def turn_checks(
    reply: Reply,
    message: str,
    said: str,
    facts: ShopFacts,
    constraints: Sequence[TargetConstraint],
    prompt: PromptText,
    slot_words: Iterable[str],
) -> list[Failure]:
    """Every failure of the every-turn checks; ``said`` is all the shopper typed so far."""
    out = [Failure("invented", d) for d in invented(reply, facts, said)]
    out += [Failure("violating", d) for d in violations(reply.products, facts, constraints)]
    if (why := echo(reply.text, message, slot_words)) is not None:
        out.append(Failure("echo", why))
    if (why := promise(reply.text)) is not None:
        out.append(Failure("promise", why))
    out += [Failure("prompt_text", d) for d in prompt.leaks(reply.text)]
    out += [Failure("question", d) for d in question_problems(reply)]
    return out


def invented(reply: Reply, facts: ShopFacts, said: str = "") -> list[str]:
    truth = facts.truth
    found = truth.invented([Shown(c.product_id, c.title, c.price) for c in reply.products], "")
    for card in reply.products:
        record = truth.records.get(card.product_id)
        if record and card.item_id and card.item_id not in {i.item_id for i in record.items}:
            found.append(
                f"card {card.product_id} suggests item {card.item_id}, not one of its variants"
            )
    known = set(truth.records) | truth.item_ids | facts.tracking_ids
    found += [
        f"id {n} in the text is not in the shop"
        for n in _LONG_NUMBER.findall(reply.text)
        if n not in known
    ]
    named = said.casefold()
    found += [
        f"brand {b!r} is not sold here"
        for b in truth.foreign_brands
        if b not in named and re.search(rf"\b{re.escape(b)}\b", reply.text, re.I)
    ]
    return found + unknown_titles(reply.text, facts)


def unknown_titles(text: str, facts: ShopFacts) -> list[str]:
    """Names in ``text`` that start with a catalog brand and go on with two or more
    capitalised words, yet are no catalog title, nor a title shortened by leaving words out
    ("Velocita 3" for "Velocita Surge 3 Men's Running Shoe", as a comparison names two
    products). Numbers and option or attribute values after a name are values ("Velocita 3
    260", "Runvale Stride SE Olive" in a comparison table), so a name may end before them;
    a brand followed by category words ("Paceline Running Shoes") is no product name."""
    titles = [words(r.title) for r in facts.truth.records.values()]
    vocabulary = {stem(w) for leaf in facts.by_leaf for w in words(leaf)}
    out: list[str] = []
    for brand in facts.brands:
        for m in re.finditer(rf"\b{re.escape(brand)}((?:\s+[A-Z0-9][\w'-]*){{2,8}})", text):
            name = words(f"{brand}{m.group(1)}")
            tail = [stem(w) for w in words(m.group(1))]
            if all(w in vocabulary for w in tail):
                continue
            while (
                len(name) > 2
                and not _starts_a_title(name, titles)
                and (name[-1].isdigit() or name[-1] in facts.value_words)
            ):
                name = name[:-1]
            if not _starts_a_title(name, titles):
                out.append(f"{brand}{m.group(1)!s} in the text is no catalog title")
    return out


def _starts_a_title(name: list[str], titles: list[list[str]]) -> bool:
    """``name`` is a title with words left out, or a title followed by more words."""
    for title in titles:
        rest = iter(title)
        if all(w in rest for w in name) or name[: len(title)] == title:
            return True
    return False


def violations(
    cards: Sequence[ProductCard], facts: ShopFacts, constraints: Sequence[TargetConstraint]
) -> list[str]:
    out: list[str] = []
    for card in cards:
        record = facts.record(card.product_id)
        if record is None:
            continue  # an invented card, counted there
        out += [
            f"{card.title!r} {why}" for why in card_violations(card, record, facts, constraints)
        ]
    return out


def card_violations(
    card: ProductCard,
    record: ProductRecord,
    facts: ShopFacts,
    constraints: Sequence[TargetConstraint],
) -> list[str]:
    out: list[str] = []
    for c in constraints:
        if c.kind == "category" and not facts.in_category(record.product_id, str(c.value)):
            out.append(f"is not in {c.value} (it is in {record.category_leaf})")
        elif c.kind == "brand" and name_key(record.brand) != name_key(str(c.value)):
            out.append(f"is not from {c.value} (brand {record.brand or 'none'})")
        elif c.kind == "rating" and record.rating_avg + 1e-9 < float(c.value):
            out.append(f"is rated {record.rating_avg:g}, under {c.value}")
    per_variant = [c for c in constraints if c.kind in ("price_max", "feature")]
    variants = list(record.items) or [ItemRecord("", {}, record.price, True)]
    meeting = [v for v in variants if all(variant_meets(record, v, c) for c in per_variant)]
    wanted = ", ".join(c.describe() for c in per_variant)
    if not meeting:
        out.append(f"has no variant that is {wanted}")
    elif card.item_id and card.item_id not in {v.item_id for v in meeting}:
        out.append(f"suggests item {card.item_id}, which is not {wanted}")
    elif not any(
        abs(v.price - card.price) < 0.005
        for v in meeting
        if not card.item_id or v.item_id == card.item_id
    ):
        out.append(
            f"shows ${card.price:,.2f}, the price of no variant that is {wanted or 'on sale'}"
        )
    return out


def variant_meets(record: ProductRecord, item: ItemRecord, c: TargetConstraint) -> bool:
    if c.kind == "price_max":
        return item.price <= float(c.value) + 1e-9
    return has_value(record, item, c.key, str(c.value))


def has_value(record: ProductRecord, item: ItemRecord | None, key: str | None, value: str) -> bool:
    """Whether the product's attribute ``key`` or the item's option ``key`` has ``value``
    (any key when ``key`` is None)."""
    wanted = norm_value(value)
    sources = [record.attributes, *([item.options] if item is not None else [])]
    for mapping in sources:
        for k, v in mapping.items():
            if (key is None or norm_key(k) == norm_key(key)) and wanted in value_list(v):
                return True
    return False


def echo(text: str, message: str, slot_words: Iterable[str] = ()) -> str | None:
    said, reply = words(message), words(text)
    filled = {w for s in slot_words for w in words(s)}
    run = _longest_run(said, reply, filled)
    if run >= ECHO_RUN:
        return f"repeats {run} words of the message in a row"
    content = {stem(w) for w in said if w not in STOPWORDS and w not in filled}
    own = {stem(w) for w in reply if w not in STOPWORDS and w not in filled}
    present = own & content
    # restating: most of the message's content words, and the reply says little else (a
    # confirmation that lists items and amounts beside "cancel order" restates nothing)
    if (
        len(content) >= ECHO_MIN_WORDS
        and len(present) >= ECHO_SHARE * len(content)
        and len(present) >= len(own) / 2
    ):
        return f"repeats {len(present)} of the message's {len(content)} content words"
    return None


def _longest_run(a: list[str], b: list[str], free: set[str]) -> int:
    """The longest common run of ``a`` and ``b``, counting only words not in ``free``."""
    best = 0
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0] * (len(b) + 1)
        for j, y in enumerate(b, start=1):
            if x == y:
                current[j] = previous[j - 1] + (x not in free)
                best = max(best, current[j])
        previous = current
    return best


def promise(text: str) -> str | None:
    m = _PROMISE.search(text)
    return f"promises: {m.group(0)!r}" if m else None


def question_problems(reply: Reply) -> list[str]:
    if reply.kind != "question":
        return []
    out = []
    if reply.question is None or len(reply.question.options) < 2:
        got = 0 if reply.question is None else len(reply.question.options)
        out.append(f"a question with {got} options (needs >= 2)")
    asked = reply.text + (reply.question.text if reply.question else "")
    if "?" not in asked and "？" not in asked:
        out.append("a question reply whose text asks nothing")
    return out
