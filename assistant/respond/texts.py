"""Every sentence the assistant composes, by name, in the shopper's language.

``say(language, name, **values)`` formats one template strictly: a missing value is an error,
so a template and its caller cannot drift apart. English, Chinese (``texts_zh``) and Spanish
(``texts_es``, addressing the shopper as *tú* throughout) have every template; a test fails
when a table misses a name, has an extra one, or a template's placeholders differ from the
English one. A language without a table of its own gets English. Adding a language is adding
a table (a module like ``texts_es``) and its name in ``TEXTS``.

Besides sentences, the tables hold the small words code puts into them: ordinals, "review",
"or", order states, months, the labels of buttons the code offers.

Not here: choosing what to say (``assistant.respond``).
"""

from __future__ import annotations

from string import Formatter

from assistant.respond.texts_en import EN
from assistant.respond.texts_es import ES
from assistant.respond.texts_zh import ZH

__all__ = ["EN", "LANGUAGES", "LANGUAGE_NAMES", "TEXTS", "TextError", "join", "placeholders"]
__all__ += ["plural", "say"]

LANGUAGES = ("en", "zh", "es")
TEXTS: dict[str, dict[str, str]] = {"en": EN, "zh": ZH, "es": ES}
LANGUAGE_NAMES = {"en": "English", "zh": "Chinese (简体中文)", "es": "Spanish (español)"}


class TextError(KeyError):
    pass


def say(language: str, key: str, /, **values: object) -> str:
    table = TEXTS.get(language, EN)
    template = table.get(key) or EN[key]
    wanted = placeholders(template)
    if missing := wanted - values.keys():
        raise TextError(f"text {key!r} needs {sorted(missing)}")
    return template.format(**values)


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in Formatter().parse(template) if field}


def join(language: str, items: list[str] | tuple[str, ...], word: str = "or") -> str:
    """ "A or B", "A、B或C": a list in the language's words (``word``: "or" or "and")."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    sep = say(language, "list_sep")
    return sep.join(items[:-1]) + say(language, f"{word}_last") + items[-1]


def plural(language: str, key: str, count: int) -> str:
    """The word ``key`` for ``count`` things ("review" / "reviews"; the same in Chinese)."""
    return say(language, f"{key}_one" if count == 1 else f"{key}_many")
