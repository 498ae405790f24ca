"""How a phrasing bank names the shop's things in its own language: the ``[words]`` tables.

The slots of a conversation come from the eval shops, whose catalogs are English ("Running
Shoes", "Black", "kayak"). An English bank puts them into its phrasings as they are; a bank
in another language names them in its own words through tables it carries itself, so the
phrasing reads as a shopper of that language writes ("我想买200美元以下的跑鞋")::

    [words.category]      # category leaf, casefolded -> the noun ({category})
    "running shoes" = "跑鞋"
    [words.category_one]  # the same leaf -> "one of it" ({category_one}); default: category
    "running shoes" = "unas zapatillas de running"
    [words.value]         # a colour or option value, casefolded -> its word ({value})
    black = "黑色"
    [words.thing]         # a thing the shop does not sell -> its word ({thing})
    kayak = "皮划艇"
    [words.room]          # a room the vague_room flow knows -> the word(s) phrasings use
    kitchen = "厨房"
    [words.wish]          # the unfilterable flow's topic word -> the word(s) phrasings use
    tent = ["tienda", "carpa"]

A category or thing the table does not name makes the conversation skip with the reason (the
bank must be completed, not silently English); a value it does not name is written as the
catalog spells it ("Duck Egg Blue"), as a shopper copies an option's name from the page.
Brands, product titles, order numbers, emails and amounts are never translated.

Not here: loading the bank (``banks``), choosing the slots (``slots``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from eval.harness.flow_types import Slots

TABLES = ("category", "category_one", "value", "thing", "room", "wish")


@dataclass(frozen=True)
class BankWords:
    category: Mapping[str, str] = field(default_factory=dict)
    category_one: Mapping[str, str] = field(default_factory=dict)
    value: Mapping[str, str] = field(default_factory=dict)
    thing: Mapping[str, str] = field(default_factory=dict)
    room: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    wish: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not any((self.category, self.value, self.thing, self.room, self.wish))

    def localize(self, slots: Slots, values: dict[str, str]) -> dict[str, str] | str:
        """The placeholder values in the bank's language, or why one has no word here."""
        if self.empty:
            return values
        out = dict(values)
        if slots.category:
            key = slots.category.casefold()
            noun = self.category.get(key)
            one = self.category_one.get(key, noun)
            if noun is None and one is None:
                return f"the bank's [words.category] does not name {slots.category!r}"
            out["category"] = noun or one or ""
            out["category_one"] = one or noun or ""
        if slots.thing:
            thing = self.thing.get(slots.thing.casefold())
            if thing is None:
                return f"the bank's [words.thing] does not name {slots.thing!r}"
            out["thing"] = thing
        if slots.value:
            out["value"] = self.value.get(slots.value.casefold(), slots.value)
        return out

    def for_filler(self, text: str) -> str:
        """The phrasing with the English room and wish words it names in this language added,
        so the slot fillers (which look for "kitchen" or "tent") read it."""
        found = [
            english
            for table in (self.room, self.wish)
            for english, forms in table.items()
            if any(form.casefold() in text.casefold() for form in forms)
        ]
        return " ".join([text, *found])


def parse_words(data: Any) -> tuple[BankWords, list[str]]:
    """The ``[words]`` tables of a bank (absent: none) and the problems with them."""
    if data is None:
        return BankWords(), []
    if not isinstance(data, dict):
        return BankWords(), ["[words]: expected tables (category, value, thing, room, wish)"]
    problems = [
        f"[words.{k}]: unknown table (known: {', '.join(TABLES)})" for k in data if k not in TABLES
    ]
    tables: dict[str, dict[str, Any]] = {}
    for name in TABLES:
        table = data.get(name, {})
        if not isinstance(table, dict):
            problems.append(f"[words.{name}]: expected a table of English -> word")
            continue
        parsed: dict[str, Any] = {}
        for english, word in table.items():
            forms = [word] if isinstance(word, str) else word
            if (
                not isinstance(forms, list)
                or not forms
                or not all(isinstance(f, str) and f.strip() for f in forms)
            ):
                problems.append(f"[words.{name}] {english!r}: expected a word or a list of words")
                continue
            if name in ("room", "wish"):
                parsed[english.casefold()] = tuple(forms)
            elif len(forms) != 1:
                problems.append(f"[words.{name}] {english!r}: expected one word")
            else:
                parsed[english.casefold()] = forms[0]
        tables[name] = parsed
    return BankWords(**tables), problems
