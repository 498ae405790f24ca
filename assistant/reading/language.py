"""Which language a message is written in, for the reply.

Chinese is told by its script; Spanish by its accented letters and common function words;
anything else is English. A message too short to tell (an order number, "ok") keeps the
conversation's language.

Not here: replying in it (``assistant.respond.texts``).
"""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SPANISH = re.compile(
    r"[ñ¿¡]|\b(?:quiero|necesito|busco|hola|gracias|por favor|menos de|"
    r"dólares|pedido|dónde|cuánto|zapatos|para|una?|el|los|las|del|con|que|"
    r"mi|es|está)\b",
    re.IGNORECASE,
)
_ENGLISH = re.compile(
    r"\b(?:the|a|an|i|my|for|with|and|is|are|want|need|looking|please|"
    r"order|what|where|how|do|you)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]{2,}")


def detect(text: str, previous: str = "en") -> str:
    """ "zh", "es" or "en"; ``previous`` when the message says too little to tell."""
    if len(_CJK.findall(text)) >= 2:
        return "zh"
    if len(_WORD.findall(text)) < 2:
        return previous
    spanish, english = len(_SPANISH.findall(text)), len(_ENGLISH.findall(text))
    if spanish >= 2 and spanish > english:
        return "es"
    return "en"
