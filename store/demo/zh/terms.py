"""The Chinese words of the demo catalog, read from ``catalog.toml`` beside this module.

``Terms`` answers one question per method: what a category, attribute, value, option or
shopper's need is called in Chinese. The tables are keyed by the English spec's own spellings
(``store.demo.spec_*``), so the English spec stays the one source of what exists; a word the
tables lack raises ``MissingTerm`` naming it, so a new English value cannot slip into the
Chinese shop untranslated.

Not here: composing titles, descriptions or queries from these words (``listing``,
``queries``), reviews, people and help articles (their own modules and data files).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any, TypeVar

from store.demo.catalog_spec import CategorySpec
from store.errors import AisleError

YES, NO = "是", "否"
T = TypeVar("T")


class MissingTerm(AisleError):
    """The Chinese tables have no word for something the English spec generates."""


@dataclass(frozen=True)
class Leaf:
    name: str  # the category as listed: "跑步鞋"
    noun: str  # the title noun
    synonyms: tuple[str, ...]  # how shoppers ask for the category
    openers: tuple[str, ...]  # first description sentence: {brand} {model} {noun}
    nouns: dict[str, tuple[str, ...]]  # noun_by value (as text) -> (title noun, *search nouns)


@dataclass(frozen=True)
class Key:
    name: str
    unit: str = ""
    phrases: dict[str, str] = field(default_factory=dict)  # value -> title/search phrase


def number_text(value: float) -> str:
    """16 and 16.0 both as "16", 15.6 as "15.6"."""
    return str(int(value)) if float(value).is_integer() else str(value)


def _lookup(table: Mapping[str, T], word: str, what: str) -> T:
    try:
        return table[word]
    except KeyError:
        raise MissingTerm(
            f"no Chinese {what} for {word!r}; add it to store/demo/zh/catalog.toml"
        ) from None


@dataclass(frozen=True)
class Terms:
    departments: dict[str, str]
    leaves: dict[str, Leaf]
    keys: dict[str, Key]
    features: dict[str, str]  # yes/no attribute -> what a "yes" is called
    values: dict[str, str]
    options: dict[str, str]
    option_values: dict[str, str]
    option_patterns: tuple[tuple[re.Pattern[str], str], ...]
    thresholds: dict[str, str]
    negatives: dict[str, str]  # yes/no attribute -> how shoppers ask for a "no" ("有线")
    option_queries: dict[str, str]  # option name -> how shoppers ask for a value ("{v}码")

    def leaf(self, leaf: str) -> Leaf:
        return _lookup(self.leaves, leaf, "category")

    def path(self, spec: CategorySpec) -> str:
        dept = _lookup(self.departments, spec.department, "department")
        return f"{dept} > {self.leaf(spec.leaf).name}"

    def nouns(self, spec: CategorySpec, attrs: dict[str, Any]) -> tuple[str, ...]:
        """(title noun, *search nouns) for the product: by ``noun_by`` when the spec has one."""
        leaf = self.leaf(spec.leaf)
        if spec.noun_by is not None:
            value = attrs.get(spec.noun_by)
            key = str(value).lower() if isinstance(value, bool) else str(value)
            if key in leaf.nouns:
                return leaf.nouns[key]
        return (leaf.noun,)

    def key(self, key: str) -> Key:
        return _lookup(self.keys, key, "attribute name")

    def value(self, value: str) -> str:
        return _lookup(self.values, value, "attribute value")

    def attribute(self, key: str, value: Any) -> Any:
        """The value as the Chinese listing stores it: 是/否, a number, or Chinese text."""
        if isinstance(value, bool):
            return YES if value else NO
        if isinstance(value, int | float):
            return value
        return self.value(str(value))

    def feature(self, key: str, value: Any) -> str:
        """A short phrase for titles and searches: "防水", "30L", "男款" ("" for a plain no)."""
        if isinstance(value, bool):
            return _lookup(self.features, key, "feature") if value else ""
        if isinstance(value, int | float):
            return f"{number_text(value)}{self.key(key).unit}"
        named = self.key(key)
        if value in named.phrases:
            return named.phrases[value]
        if value == "none":
            return f"无{named.name}"
        return self.value(str(value))

    def spec_line(self, key: str, value: Any) -> str:
        """One line of a listing's spec table: "【容量】30L"."""
        shown = self.attribute(key, value)
        if isinstance(shown, int | float):
            shown = f"{number_text(shown)}{self.key(key).unit}"
        return f"【{self.key(key).name}】{shown}"

    def option(self, name: str) -> str:
        return _lookup(self.options, name, "option name")

    def option_value(self, value: str) -> str:
        """Colours and named values translated, sized ones by pattern, the rest ("10.5",
        "XL", "16GB", "Wi-Fi") as they are."""
        if value in self.option_values:
            return self.option_values[value]
        for pattern, template in self.option_patterns:
            m = pattern.fullmatch(value)
            if m:
                return template.format(*m.groups())
        if re.search(r"[a-z]{3,}", value) and value not in ("Wi-Fi",):
            raise MissingTerm(f"no Chinese option value for {value!r}; add it to catalog.toml")
        return value

    def asked(self, key: str, value: Any) -> str:
        """How a shopper asks for this attribute value in a search ("防水", "有线", "30L")."""
        if value is False:
            return _lookup(self.negatives, key, "search word for a no")
        return self.feature(key, value)

    def option_asked(self, name: str, value: str) -> str:
        return self.option_queries.get(name, "{v}").format(v=self.option_value(value))

    def threshold(self, phrase: str) -> str:
        return _lookup(self.thresholds, phrase, "need")


@cache
def terms() -> Terms:
    data = tomllib.loads(files("store.demo.zh").joinpath("catalog.toml").read_text("utf-8"))
    leaves = {
        name: Leaf(
            name=raw["name"],
            noun=raw["noun"],
            synonyms=tuple(raw["synonyms"]),
            openers=tuple(raw["openers"]),
            nouns={k: tuple(v) for k, v in raw.get("nouns", {}).items()},
        )
        for name, raw in data["leaves"].items()
    }
    return Terms(
        departments=data["departments"],
        leaves=leaves,
        keys={k: Key(**v) for k, v in data["keys"].items()},
        features=data["features"],
        values=data["values"],
        options=data["options"],
        option_values=data["option_values"],
        option_patterns=tuple((re.compile(p), t) for p, t in data["patterns"]["options"]),
        thresholds=data["thresholds"],
        negatives=data["negatives"],
        option_queries=data["option_queries"],
    )
