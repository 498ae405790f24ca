"""Spanish function words in English: numbers, prices and currencies, colours and sizes, yes
and no, greetings, asks for a person, order words, positions, refinements, help questions and
vague requests, each phrase rewritten as the English words the readers already know ("menos de
150 dólares" -> "under 150 dollars", "el primero" -> "the first one", "¿dónde está mi pedido?"
-> "where is my order").

These are closed lexicons of the language, not of any shop: the shop's things ("tienda de
campaña", "botas") are matched by meaning against its own words
(``assistant.reading.crosslingual``).

Not here: matching what is left (``assistant.reading.gloss``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import partial

_UNITS = {"cero": 0, "un": 1, "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5}
_UNITS |= {"seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12}
_UNITS |= {"trece": 13, "catorce": 14, "quince": 15, "dieciseis": 16, "diecisiete": 17}
_UNITS |= {"dieciocho": 18, "diecinueve": 19, "veinte": 20, "veintiuno": 21, "veinticinco": 25}
_TENS = {"treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70}
_TENS |= {"ochenta": 80, "noventa": 90}
_HUNDREDS = {"cien": 100, "ciento": 100, "doscientos": 200, "trescientos": 300}
_HUNDREDS |= {"cuatrocientos": 400, "quinientos": 500, "seiscientos": 600}
_HUNDREDS |= {"setecientos": 700, "ochocientos": 800, "novecientos": 900}
_NUMBER_WORD = "|".join(sorted([*_UNITS, *_TENS, *_HUNDREDS, "mil", "y"], key=len, reverse=True))
_NUMBER_RUN = re.compile(rf"\b(?:(?:{_NUMBER_WORD})\s+)*(?:{_NUMBER_WORD})\b")


def plain(text: str) -> str:
    """Lower case without accents ("Dólares" -> "dolares"); ñ is kept."""
    text = text.lower().replace("ñ", "\x01")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return text.replace("\x01", "ñ")


def _number(run: str) -> int | None:
    total, current, seen = 0, 0, False
    for word in run.split():
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word in _HUNDREDS:
            current += _HUNDREDS[word]
        elif word == "mil":
            total, current = total + max(current, 1) * 1000, 0
        else:
            continue  # "y"
        seen = True
    value = total + current
    return value if seen and value >= 10 else None  # "uno", "dos": articles, counts


def numbers_as_digits(text: str) -> str:
    """ "ciento cincuenta" -> "150", "doscientos" -> "200"; numbers below ten stay words."""

    def digits(m: re.Match[str]) -> str:
        value = _number(m.group(0))
        return m.group(0) if value is None else str(value)

    return _NUMBER_RUN.sub(digits, text)


_COLOURS = {
    "negro": "black", "negra": "black", "negros": "black", "negras": "black",
    "blanco": "white", "blanca": "white", "blancos": "white", "blancas": "white",
    "rojo": "red", "roja": "red", "rojos": "red", "rojas": "red",
    "azul": "blue", "azules": "blue", "azul marino": "navy", "marino": "navy",
    "verde": "green", "verdes": "green", "amarillo": "yellow", "amarilla": "yellow",
    "naranja": "orange", "morado": "purple", "morada": "purple", "purpura": "purple",
    "rosa": "pink", "rosado": "pink", "rosada": "pink", "marron": "brown", "cafe": "brown",
    "gris": "grey", "grises": "grey", "beige": "beige", "dorado": "gold", "dorada": "gold",
    "plateado": "silver", "plateada": "silver", "plata": "silver", "oro rosa": "rose gold",
    "celeste": "sky blue", "azul cielo": "sky blue", "burdeos": "burgundy", "granate": "burgundy",
    "oliva": "olive", "caqui": "khaki", "turquesa": "teal", "lavanda": "lavender",
}  # fmt: skip
_COLOUR = re.compile(
    r"\b(?:de\s+)?(?:color\s+)?("
    + "|".join(sorted(map(re.escape, _COLOURS), key=len, reverse=True))
    + r")\b"
)
_N = r"(\d+(?:[.,]\d+)?)"
_CUR = r"\s*(dolares|dolar|usd|us\$|\$|euros|euro|eur|€|pesos)?"
_CURRENCY = {"dolares": "dollars", "dolar": "dollars", "usd": "dollars", "us$": "dollars"}
_CURRENCY |= {"$": "dollars", "euros": "euros", "euro": "euros", "eur": "euros", "€": "euros"}
_CURRENCY |= {"pesos": "pesos"}


def _cur(m: re.Match[str], group: int) -> str:
    said = m.group(group)
    return _CURRENCY.get(said, "") if said else ""


def _amount(text: str) -> str:
    return text.replace(",", ".") if re.fullmatch(r"\d+,\d{1,2}", text) else text.replace(",", "")


def _price(kind: str, m: re.Match[str]) -> str:
    if kind == "range":
        currency = _cur(m, 2) or _cur(m, 4)
        return f" between {_amount(m.group(1))} and {_amount(m.group(3))} {currency} "
    if kind == "loose" and not m.group(1)[0].isdigit():  # "$80", "€ 80"
        return f" {_amount(m.group(2))} {_CURRENCY[m.group(1)]} "
    cue = {"max": "under", "min": "over", "around": "around", "loose": ""}[kind]
    return f" {cue} {_amount(m.group(1))} {_cur(m, 2)} "


_BEFORE = r"(?:\$|us\$|usd\s?|€)?"
_PRICES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "range",
        re.compile(rf"\b(?:entre|de)\s+{_BEFORE}{_N}{_CUR}\s+(?:y|a|hasta)\s+{_BEFORE}{_N}{_CUR}"),
    ),
    (
        "max",
        re.compile(
            rf"(?:\b(?:por\s+)?menos\s+de|\bpor\s+debajo\s+de|\bmaximo(?:\s+de)?|"
            rf"\bcomo\s+maximo|\bhasta|\bno\s+mas\s+de|\bque\s+no\s+(?:cueste|pase|supere)\s+"
            rf"(?:de\s+|los\s+)?|\binferior\s+a|\bpresupuesto\s+(?:es\s+)?(?:de\s+)?|"
            rf"\btope(?:\s+de)?|\bbajo|\bmenor\s+(?:a|de)|\bno\s+quiero\s+gastar\s+mas\s+de)"
            rf"\s*:?\s*{_BEFORE}{_N}{_CUR}"
        ),
    ),
    ("max", re.compile(rf"{_BEFORE}\b{_N}{_CUR}\s+(?:o\s+menos|como\s+maximo|maximo)\b")),
    (
        "min",
        re.compile(
            rf"(?:\bmas\s+de|\bpor\s+encima\s+de|\bminimo(?:\s+de)?|\bal\s+menos|"
            rf"\bdesde|\bsuperior\s+a)\s*{_BEFORE}{_N}{_CUR}"
        ),
    ),
    ("min", re.compile(rf"{_BEFORE}\b{_N}{_CUR}\s+o\s+mas\b")),
    ("around", re.compile(rf"(?:\balrededor\s+de|\bunos|\bcerca\s+de)\s+{_BEFORE}{_N}{_CUR}")),
    ("loose", re.compile(rf"\b{_N}\s*(dolares|dolar|usd|euros|€|eur)")),
    ("loose", re.compile(rf"(\$|us\$|€)\s?{_N}")),
)

# (pattern, English), in order, over the accent-free lower-cased text
_PHRASES: tuple[tuple[str, str], ...] = (
    (
        r"\b(?:hablar|comunicarme|comunicar|hablar\s+con|contactar)\b[^.?!]*\b(?:persona|humano|"
        r"agente|alguien|representante|operador)\b|\bun\s+agente\b|\bagente\s+humano\b|"
        r"\bpersona\s+real\b|\bpasame\s+con\s+(?:alguien|una\s+persona|un\s+agente)\b|"
        r"\b(?:atencion|servicio)\s+al\s+cliente\b",
        " talk to a person ",
    ),
    (
        r"\bdonde\s+(?:esta|estan|anda)\s+(?:mi|mis)\s+(?:pedido|pedidos|paquete|compra)s?\b|"
        r"\bestado\s+de\s+(?:mi\s+)?(?:pedido|orden|envio)\b|\bcuando\s+llega\b|"
        r"\brastrear\b|\bseguimiento\b|\bno\s+ha\s+llegado\b|\btodavia\s+no\s+llega\b",
        " where is my order ",
    ),
    (
        r"\bque\s+(?:he\s+)?(?:compre|comprado|pedi|pedido)\b|\bmis\s+(?:ultimas\s+)?"
        r"(?:compras|pedidos)\b|\bhistorial\s+de\s+(?:pedidos|compras)\b",
        " what did i order recently ",
    ),
    (r"\bpolitica\s+de\s+(?:devoluciones|devolucion|reembolsos?)\b", " return policy "),
    (r"\bcancel(?:ar|a|e|o)\b|\bcancelacion\b|\banular\b", " cancel "),
    (
        r"\b(?:cambiar|cambio)\s+(?:la\s+)?(?:direccion|direccion\s+de\s+envio)\b",
        " change my address ",
    ),
    (
        r"\b(?:cambiar|cambio)\s+(?:de\s+)?(?:talla|color|tamaño)\b|\bhacer\s+un\s+cambio\b",
        " exchange ",
    ),
    (r"\bdevolver\b|\bdevolucion\b|\bdevuelv(?:o|e|a|an|eme|elo|ela)\b|\breembolso\b", " return "),
    (r"\bpendientes?\b|\bsin\s+enviar\b|\bno\s+enviado\b", " pending "),
    (r"\b(?:mas\s+reciente|(?<!el\s)(?<!la\s)ultim[oa]|reciente|recientemente)\b", " recent "),
    (r"\b(?:entregado|entregada|recibido|recibi)\b", " delivered "),
    (r"\b(?:pedido|pedidos|orden|ordenes|compra|paquete)\b", " order "),
    (r"\bmi\b|\bmis\b", " my "),
    (r"\b(?:envio|envios|gastos\s+de\s+envio|entrega)\b", " shipping "),
    (r"\bgarantia\b", " warranty "),
    (r"\b(?:cupon|codigo\s+de\s+descuento|descuento)\b", " coupon "),
    (r"\bmetodos?\s+de\s+pago\b|\bformas?\s+de\s+pago\b", " payment methods "),
    (r"\bpoliticas?\b", " policy "),
    (
        r"\b(?:sube|subir|subes|suba|aumenta|aumentar|amplia|ampliar|incrementa)\b",
        " raise ",
    ),
    (r"\blimite\s+de\s+precio\b|\bprecio\s+maximo\b|\blimite\b", " price limit "),
    (r"\bpresupuesto\b", " budget "),
    (
        r"\b(?:olvida(?:te)?|ignora|quita)\s+(?:de\s+)?(?:el|mi|la)\s+(?:budget|price\s+limit|"
        r"precio)\b|\bel\s+precio\s+(?:no\s+importa|da\s+igual)\b|\bcualquier\s+precio\b",
        " forget the budget ",
    ),
    (
        r"\b(?:gastar|gasto|gastare|pagar|pago|pagare|invertir)\s+(?:un\s+poco\s+)?mas\b|"
        r"\bmas\s+dinero\b|\bcuest[ea]n?\s+mas\b",
        " spend more ",
    ),
    (
        r"\bcuest[ea]n?\s+menos\b|\b(?:son|es|estan?)\s+(?:muy\s+|demasiado\s+)?car[oa]s?\b",
        " cheaper ",
    ),
    (
        r"\b(?:el|la|del|al)\s+(?:que\s+(?:es|sea|cuesta)\s+)?mas\s+(?:barat[oa]|economic[oa])\b|"
        r"\b(?:el|la)\s+que\s+cuesta\s+menos\b|\b(?:el|la)\s+(?:barat[oa]|economic[oa])\b",
        " the cheaper one ",
    ),
    (r"\b(?:el|la)\s+(?:que\s+(?:es|sea)\s+)?mas\s+car[oa]\b", " the more expensive one "),
    (
        r"\b(?:el|la)\s+(?:que\s+(?:esta|tiene)\s+)?mejor\s+(?:valorad[oa]|calificad[oa]|"
        r"puntuad[oa])\b",
        " the better rated one ",
    ),
    (
        r"\bmejor(?:es)?\s+(?:rese[nñ]as|opiniones|valoraciones|calificaciones|puntuaciones|"
        r"puntuacion|valoracion|calificacion|critica|criticas|estrellas)\b|"
        r"\bmas\s+(?:estrellas|valorad[oa]s?)\b|\bbien\s+(?:valorad[oa]s?|calificad[oa]s?)\b",
        " better rated ",
    ),
    (
        r"\b(?:esa|esta)\s+marca\s+no\b|\bno\s+(?:quiero\s+|me\s+gusta\s+)?(?:esa|esta)\s+marca\b",
        " not that brand ",
    ),
    (
        r"(?:\bno\s+(?:quiero|me\s+gustan?)(?:\s+(?:nada\s+)?de)?|\bque\s+no\s+sean?(?:\s+de)?|"
        r"\bsin|\bexcepto|\bmenos|\bninguno\s+de|\bnada\s+de)\s+(?:la\s+marca\s+)?(?=brandzq)",
        " not ",
    ),
    (r"\b(?:otra|otras|diferentes?)\s+marcas?\b", " other brand "),
    (r"\bmarcas?\b", " brand "),
    (
        r"\b(?:hablame|cuentame|dime|dame|explicame)\b(?:\s+(?:mas|algo))?(?:\s+(?:info|"
        r"informacion|detalles))?(?:\s+(?:sobre|del|de|acerca\s+de))?|\bmas\s+(?:sobre|info|"
        r"informacion|detalles)\b|\bdetalles\b|\bque\s+tal\b|\bque\s+mas\s+debo\s+saber\b",
        " tell me more about ",
    ),
    (r"\bme\s+(?:quedo|llevo)(?:\s+con)?\b", " i choose "),
    (r"\bno\s+(?:lo|la|los|las)\s+cancel\w*", " do not cancel "),
    (r"\bcancel(?:alo|ala|alos|ar?lo|es|en)\b", " cancel it "),
    (r"\b(?:mantenlo|mantenla|me\s+lo\s+quedo|quedatelo|conservalo|lo\s+conservo)\b", " keep it "),
    (r"\blado\s+a\s+lado\b", " side by side "),
    (r"\bcual\s+es\b|\bcuales\s+son\b|\bque\s+es\b", " what is "),
    (r"\bcuanto\s+tarda\b|\bcuantos\s+dias\b", " how long "),
    (r"\bcompar(?:a|ar|ame|emos)\b|\bdiferencias?\b|\bcual\s+es\s+mejor\b", " compare "),
    (
        r"\b(?:los|las)\s+(?:dos|2)\s+primer[oa]s\b|\b(?:los|las)\s+primer[oa]s\s+(?:dos|2)\b",
        " the first two ",
    ),
    (
        r"\b(?:los|las)\s+(?:tres|3)\s+primer[oa]s\b|\b(?:los|las)\s+primer[oa]s\s+(?:tres|3)\b",
        " the first three ",
    ),
    (r"\b(?:el|la)\s+primer[oa]?\b|\bprimer[oa]?\b", " the first one "),
    (r"\b(?:el|la)\s+segund[oa]\b|\bsegund[oa]\b", " the second one "),
    (r"\b(?:el|la)\s+tercer[oa]?\b|\btercer[oa]?\b", " the third one "),
    (r"\b(?:el|la)\s+cuart[oa]\b", " the fourth one "),
    (r"\b(?:el|la)\s+ultim[oa]\b", " the last one "),
    (r"\b(?:los|las)\s+dos\b|\bambos\b|\bambas\b", " both "),
    (r"\b(?:cuentame|dime)\s+mas\b|\bmas\s+(?:informacion|detalles)\b", " tell me more about "),
    (r"\b(?:el|la)\s+mas\s+barat[oa]\b", " the cheapest one "),
    (
        r"\bmas\s+barat[oa]s?\b|\bmas\s+economic[oa]s?\b|\bdemasiado\s+car[oa]s?\b|\bbarat[oa]s?\b|"
        r"\beconomic[oa]s?\b",
        " cheaper ",
    ),
    (r"\bmas\s+car[oa]s?\b|\bde\s+mas\s+calidad\b|\bgama\s+alta\b", " more expensive "),
    (
        r"\bmejor\s+(?:valorad[oa]s?|calificad[oa]s?|puntuad[oa]s?)\b|\bmejores\s+resenas\b",
        " better rated ",
    ),
    (r"\b(?:otra|otras|diferente)\s+marcas?\b|\bno\s+(?:esa|esta)\s+marca\b", " other brand "),
    (
        r"\bsolo\s+(?:muestrame|ense[nñ]ame)\b|\bmuestrame\s+(?:todo|todos)\b|\bsin\s+preguntas\b|"
        r"\b(?:muestrame|ense[nñ]ame|muestra|ense[nñ]a)\s+(?:las\s+opciones|lo\s+que\s+(?:tengas|"
        r"tienes|hay)|algun[oa]s|tod[oa]s?)\b|\bsin\s+preferencias?\b|"
        r"\bme\s+da\s+igual\b|\bcualquiera\b",
        " just show me ",
    ),
    (
        r"^\W*(?:si|vale|claro|de\s+acuerdo|ok|okay|perfecto|adelante|hazlo|confirmo|correcto|"
        r"por\s+supuesto|esta\s+bien|bueno)(?:\W+(?:por\s+favor|gracias|adelante|hazlo|si))*\W*$",
        " yes ",
    ),
    (r"^\W*si\b", " yes, "),
    (r"^\W*(?:no|nada|mejor\s+no|no\s+gracias|dejalo|olvidalo|ya\s+no)\b", " no "),
    (r"^\W*(?:hola|buenos\s+dias|buenas\s+tardes|buenas\s+noches|buenas)\W*$", " hello "),
    (r"^\W*(?:muchas\s+)?(?:gracias|adios|hasta\s+luego)\W*(?:eso\s+es\s+todo)?\W*$", " thanks "),
    (r"\bregalo\b|\bregalar\b", " gift "),
    (r"\b(?:mi\s+)?padre\b|\bpapa\b", " dad "),
    (r"\bmadre\b|\bmama\b", " mom "),
    (r"\besposa\b|\bmujer\b", " wife "),
    (r"\besposo\b|\bmarido\b", " husband "),
    (r"\bnovia\b", " girlfriend "),
    (r"\bnovio\b", " boyfriend "),
    (r"\bhij[oa]s?\b|\bniñ[oa]s\b", " kids "),
    (r"\bamig[oa]s?\b", " friend "),
    (r"\bherman[a]\b", " sister "),
    (r"\bhermano\b", " brother "),
    (r"\bcumpleaños\b", " birthday "),
    (r"\bcocina\b", " kitchen "),
    (r"\boficina\b", " office "),
    (r"\bdormitorio\b", " bedroom "),
    (r"\bbaño\b", " bathroom "),
    (r"\bgimnasio\b", " gym "),
    (r"\bacampar\b|\bcamping\b", " camping "),
    (r"\bsenderismo\b", " hiking "),
    (r"\bviaje\b|\bviajar\b", " travel "),
    (r"\bcasa\b", " home "),
    (r"\balgo\b", " something "),
    (r"\bno\s+se\s+(?:que|cual)\b", " not sure which "),
    (r"\bayudame\s+a\s+(?:elegir|escoger)\b|\bno\s+se\s+cual\s+elegir\b", " help me choose "),
    (
        r"\b(?:quiero|quisiera|necesito|busco|buscando|me\s+gustaria|recomiendame|recomienda|"
        r"recomiendas|recomendar|tienen|tienes|hay|vendes|venden|muestrame|comprar)\b",
        " i want ",
    ),
    (r"\bimpermeables?\b", " waterproof "),
    (r"\binalambric[oa]s?\b", " wireless "),
    (r"\bcon\s+cancelacion\s+de\s+ruido\b", " noise cancelling "),
    (r"\ben\s+stock\b|\bdisponibles?\b", " in stock "),
    (r"\bpara\s+(?:mujer|mujeres|dama|damas)\b", " women's "),
    (r"\bpara\s+(?:hombre|hombres|caballero)\b", " men's "),
    (r"\bsin\b|\bexcepto\b|\bque\s+no\s+sean?\b|\bno\s+(?:quiero|me\s+gusta)\b", " not "),
    (r"\bpor\s+favor\b", " please "),
)
_RULES = tuple((re.compile(p), e) for p, e in _PHRASES)
_NUMBERED = re.compile(r"\b(?:el|del|al)\s+(?:numero|n[o°º])\s*(\d)\b(?![.,]\d)")
_SIZE = re.compile(r"\b(?:talla|numero|tamaño)\s+(\d+(?:[.,]5)?|xxs|xs|s|m|l|xl|xxl|xxxl)\b")


def to_english(text: str) -> str:
    """``text`` (lower-cased, accents removed) with every Spanish phrase these lexicons know
    rewritten in English words; what they do not know is left as typed."""
    text = numbers_as_digits(plain(text.strip()).replace("¿", " ").replace("¡", " "))
    for kind, pattern in _PRICES:
        text = pattern.sub(partial(_price, kind), text)
    text = _NUMBERED.sub(r" number \1 ", text)
    text = _SIZE.sub(lambda m: f" size {m.group(1).replace(',', '.')} ", text)
    text = _COLOUR.sub(lambda m: f" {_COLOURS[m.group(1)]} ", text)
    for pattern, english in _RULES:
        text = pattern.sub(english, text)
    return text
