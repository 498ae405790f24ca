"""A Chinese or Spanish message in the English words the readers know: its gloss.

The language's closed lexicons rewrite the function phrases (``assistant.reading.zh``,
``assistant.reading.es``: prices, colours, sizes, yes/no, order words, positions...). What is
left are content words: Chinese is segmented with ``jieba`` and its nouns kept; Spanish words
outside its stop words are kept in runs ("botas de montaña"). Each run, else each word of it,
is matched by meaning to the shop's own terms (``assistant.reading.crosslingual``): a match
puts the shop's English name in the gloss ("帐篷" -> "Camping Tents"); a phrase that matches
nothing the shop sells is an unknown thing ("皮划艇", kept as typed). Brand names (the shop's
and well-known ones) are kept as written, where they stand ("不要Paceline的跑鞋" -> "not
Paceline Running Shoes").

The gloss is only for reading: the search is given the shopper's own words.

Not here: the readers themselves (``assistant.reading``), which language it is
(``assistant.reading.language``).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from assistant.reading import es, zh

if TYPE_CHECKING:
    from assistant.reading.crosslingual import ShopTerms, TermMatch
    from assistant.reading.shop import ShopWords

_HAN = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
# a run of Chinese with the Latin letters written into it ("T恤")
_CJK = re.compile(rf"[A-Za-z]*{_HAN}+(?:[A-Za-z]+{_HAN}+)*")
# jieba's part-of-speech tags of words that may name a thing: nouns, proper and other nouns,
# verbal nouns, English words and idioms
_THING_TAGS = ("n", "nz", "nr", "ns", "nt", "vn", "eng", "l", "j", "ng")
_ZH_NOT_THINGS = frozenset("东西 什么 哪个 一点 时候 问题 价格 颜色 尺码 大小 款 个 的".split())
_ES_STOP = frozenset(
    """
de del la el los las lo un una unos unas al a y o u e en con para por que se me te le les
nos es son ser estar esta este estos estas ese esa esos esas eso esto muy mas menos pero
como cual cuales quien donde cuando hay tengo tiene tienen puedo puede puedes podria
gracias hola favor quiero necesito busco buscar ver ver algo bueno buena buenos buenas
nuevo nueva nuevos nuevas mejor mejores bonito bonita tambien solo sus su tu tus yo usted
mi mis ya ahora hoy aqui alli si no ni sea tipo cosa cosas uno dos tres poco mucho mucha
muchos muchas otro otra otros otras mismo misma gustaria quisiera podrias ayuda ayudar
tengas tenga tengan tienes teneis vendeis venden vende puedes podeis enseñame ensename
enseña ensena enseñas muestra muestrame muestras dame dime hablame cuentame explicame mira
prefiero prefieres prefiera gusta gustan gusten encanta sean sean seria cueste cuesten cuesta
cuestan caro cara caros caras opcion opciones alguno alguna algunos algunas cual entre sobre
info informacion detalle detalles resto demas lado igual pues entonces quiza quizas vale ok
okay bien mal quedo quedaria llevo llevaria lleva pongo ponme pon haz hazme sigue seguir
pagar gastar dinero precio precios opinion opiniones resena reseñas resenas valoracion
estrella estrellas puntuacion calificacion cuantos cuantas cuanto cuanta diferencia
ninguno ninguna nada todo todos todas cualquier cualquiera esto aquello hola buenas
ademas aun aunque porque pero sino asi tal vez seguro segura claro hablar habla hablo pasame
""".split()
)
_ES_GLUE = frozenset({"de", "para", "con"})
_HELD = "brandzq"  # stands for a brand name while the lexicons run ("brandzqa")


@dataclass(frozen=True)
class Gloss:
    text: str  # the message in English words
    unknown: tuple[str, ...] = ()  # content phrases that name nothing the shop sells
    # the shop's categories its words were matched to, in order: a shop whose category names
    # are Chinese ("帐篷") has them here, as the English readers only read Latin letters
    categories: tuple[str, ...] = ()


def gloss(text: str, language: str, shop: ShopWords) -> Gloss:
    """The English gloss of ``text`` written in ``language`` ("zh" or "es")."""
    if language not in ("zh", "es"):
        return Gloss(text)
    terms = shop.terms()
    brands: list[str] = []

    def hold(m: re.Match[str]) -> str:
        brands.append(m.group(0))
        return f" {_HELD}{chr(ord('a') + len(brands) - 1)} "

    if terms.brands is not None:  # brand names are kept as written, where they stand
        text = terms.brands.sub(hold, text)
    found = _zh(text, terms) if language == "zh" else _es(text, terms)
    english = re.sub(rf"{_HELD}([a-z])", lambda m: brands[ord(m.group(1)) - ord("a")], found.text)
    return Gloss(english, found.unknown, found.categories)


@cache
def _posseg() -> Any:
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg


def _zh(text: str, terms: ShopTerms) -> Gloss:
    english = zh.to_english(text)
    unknown: list[str] = []
    categories: list[str] = []

    def run(m: re.Match[str]) -> str:
        nouns: list[list[str]] = []
        latin: list[str] = []  # brand and model names written in Latin letters ("Nike跑鞋")
        previous = False
        for pair in _posseg().cut(m.group(0)):
            word, tag = pair.word, pair.flag
            if tag == "eng" and (len(word) >= 2 or word.startswith(_HELD)):
                latin.append(word)
                previous = False
            elif tag.startswith(_THING_TAGS) and word not in _ZH_NOT_THINGS:
                if previous:
                    nouns[-1].append(word)
                else:
                    nouns.append([word])
                previous = True
            else:
                previous = False
        return " ".join(
            [*latin, *(_matched(parts, "", terms, unknown, categories) for parts in nouns)]
        )

    return Gloss(_CJK.sub(lambda m: f" {run(m)} ", english), tuple(unknown), tuple(categories))


_GLOSS_WORDS = frozenset(
    w
    for english in [e for _, e in es._PHRASES + zh._PHRASES] + list(es._COLOURS.values())
    for w in re.findall(r"[a-z']+", english)
) | {"under", "over", "around", "between", "and", "dollars", "euros", "yuan", "pesos", "size"}
_GLOSS_WORDS |= {"number"}  # "el número 2" -> "number 2"
_GLOSS_WORDS |= {"xxs", "xs", "s", "m", "l", "xl", "xxl", "xxxl"}  # sizes: "talla m"
_ES_WORD = re.compile(r"[a-zñ]+|\d+(?:\.\d+)?|[^\sa-zñ\d]+")


def _es(text: str, terms: ShopTerms) -> Gloss:
    english = es.to_english(text)
    unknown: list[str] = []
    categories: list[str] = []
    out: list[str] = []
    runs: list[list[str]] = []
    pending: list[str] = []  # the run being read

    def close() -> None:
        while pending and pending[-1] in _ES_GLUE:
            pending.pop()
        if pending:
            runs.append(list(pending))
            out.append(f"\x00{len(runs) - 1}\x00")
        pending.clear()

    for token in _ES_WORD.findall(english):
        if token.startswith(_HELD):
            close()
            out.append(token)
        elif (token in _ES_GLUE and pending) or (
            token.isalpha() and token not in _GLOSS_WORDS and token not in _ES_STOP
        ):
            pending.append(token)
        else:
            close()
            if not token.isalpha() or token in _GLOSS_WORDS:
                out.append(token)  # Spanish stop words are left out
    close()
    text_out = " ".join(out)
    for i, parts in enumerate(runs):
        text_out = text_out.replace(
            f"\x00{i}\x00", _matched(parts, " ", terms, unknown, categories)
        )
    return Gloss(text_out, tuple(unknown), tuple(categories))


def _matched(
    parts: list[str], sep: str, terms: ShopTerms, unknown: list[str], categories: list[str]
) -> str:
    """The shop's English for a run of content words: the whole run when it matches a term
    the shop sells, else each word that does; the rest is unknown."""
    whole = sep.join(parts)
    found = terms.match(whole)
    if found is not None and found.sold:
        return _english_of(found, categories)
    words = [p for p in parts if p not in _ES_GLUE]
    if len(words) == 1:
        unknown.append(whole)
        return ""
    singles = [m for m in terms.match_many(words) if m is not None and m.sold]
    if not singles:
        unknown.append(whole)
    return " ".join(_english_of(m, categories) for m in singles)


def _english_of(match: TermMatch, categories: list[str]) -> str:
    meaning = match.term.meaning
    if not meaning.startswith("key:"):
        categories.append(meaning)
    return meaning.removeprefix("key:").replace("_", " ")
