"""Which language a message is written in, for the reply: "zh", "es" or "en".

Chinese is told by its script. Between English and Spanish, ``lingua-language-detector``
decides (restricted to the two, its models loaded on first use). Measured on the 54 short
shopping messages of tests/assistant/test_reading_languages.py (``LANGUAGE_DEV``): 50 right,
4 too short to tell ("vale", "hola": the conversation's language is kept), none wrong; the
earlier word lists got 37 right and 9 wrong, py3langid 52 right and 2 wrong ("vale", "hola" as
English). On 505 English messages of the tests and the English development bank it read none
as Spanish. A message too short to tell keeps the conversation's language: no word of two
letters ("W2378156", "10"), or a single word lingua is not sure of ("ok", "no"); so does a
longer one it is unsure of.

Not here: replying in it (``assistant.respond.texts``).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

LANGUAGES = ("en", "zh", "es")
SURE_ONE_WORD = 0.9  # lingua's confidence a single word needs ("gracias" 0.97, "ok" 0.89)
SURE = 0.6  # and a longer message

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[^\W\d_]{2,}")
_SPANISH_MARK = re.compile(r"[¿¡ñÑ]|[a-záéíóúü]*[áéíóú][a-záéíóúü]*", re.IGNORECASE)
_SPANISH_WORDS = frozenset("hola gracias vale adiós adios buenas buenos porfa".split())


@cache
def _detector() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.SPANISH).build()


def detect(text: str, previous: str = "en") -> str:
    """ "zh", "es" or "en"; ``previous`` when the message says too little to tell."""
    cjk = len(_CJK.findall(text))
    words = [w for w in _WORD.findall(text) if not _CJK.search(w)]
    if cjk and cjk >= len(words):
        return "zh"
    if not words:
        return previous
    values = _detector().compute_language_confidence_values(text)
    if not values:
        return previous
    best = values[0]
    if best.value < (SURE_ONE_WORD if len(words) == 1 else SURE):
        # unsure: Spanish spelling (¿ ¡ ñ, an accented vowel) or a Spanish courtesy word
        # ("hola", "gracias", "vale") still tells, even in a first message
        if _SPANISH_MARK.search(text) or {w.lower() for w in words} & _SPANISH_WORDS:
            return "es"
        return previous
    return "es" if best.language.name == "SPANISH" else "en"
