"""What a message does, read from its words: a yes or a no, a greeting, a wish to stop the
questions or to talk to a person, a reference to the products on screen ("the first two",
"the cheaper one") and a refinement of them ("cheaper", "better rated", "not that brand").

Each reader is a small pure function over the text; the patterns cover how shoppers write
(short, lower case, typos fixed by ``assistant.reading.spelling`` before these run).

Not here: constraints against the catalog (``tools.constraints``), order words
(``assistant.reading.service``).
"""

from __future__ import annotations

import re
from typing import Literal

Refine = Literal["cheaper", "dearer", "better_rated", "other_brand"]

YES = re.compile(
    r"^\s*(yes|y|yeah|yea|yep|yup|sure|ok(ay)?|confirm(ed)?|go ahead|do it|please do|correct|"
    r"right|absolutely|definitely|of course|sounds good|that'?s (right|fine|it)|proceed)"
    r"([\s,.!]+(please|thanks|thank you|go ahead|do it|proceed|confirm(ed)?|that'?s fine|"
    r"sure|yes))*[\s.!]*$",
    re.IGNORECASE,
)
NO = re.compile(
    r"^\s*(?:(no|n|nope|nah|stop|don'?t|do not|never ?mind|keep (it|my order)|"
    r"leave it)\b.*|cancel(?: (?:it|that|this))?[\s.!]*)$",
    re.IGNORECASE,
)
# A "no" that goes on to ask for something else: eight more words, or an order number.
_MORE_THAN_NO = re.compile(r"^\W*\w+\W+(\w+\W+){7,}\w", re.IGNORECASE)

_GREETING = re.compile(
    r"^\s*(hi|hello|hey|hiya|howdy|good (morning|afternoon|evening)|greetings|yo)"
    r"( there| again| aisle)?[\s!.,]*(how are you\??)?[\s!.]*$",
    re.IGNORECASE,
)
_THANKS = re.compile(
    r"^\s*((many |great,? |ok,? |okay,? )?(thanks|thank you|thx|ty|cheers)"
    r"( (so|very) much| a lot)?|that'?s all|bye|goodbye|perfect)[\s!.,]*"
    r"(that'?s all( i needed)?|bye)?[\s!.]*$",
    re.IGNORECASE,
)
_STOP = re.compile(
    r"\b(?:stop|no\s+more|don'?t|do\s+not|quit|enough)\s+(?:asking|ask|questions?)\b|"
    r"\bjust\s+(?:show|recommend|give|tell|list|pick)\b|\bno\s+questions\b|"
    r"\bshow\s+me\s+(?:everything|all|them|what\s+you\s+(?:have|got)|a\s+few|some|the\s+"
    r"(?:options|results|products|list)|what'?s\s+(?:there|available))\b|\bskip\b|"
    r"\blet\s+me\s+see\b|\bjust\s+(?:the\s+)?(?:list|results|options)\b|"
    r"\b(?:any|anything|either|whatever)(?:\s+\w+)?\s+(?:is|are|would\s+be)\s+(?:fine|ok|okay|"
    r"good)\b|\bdoesn'?t\s+matter\b|\bshow\s+me\W*$|\bdon'?t\s+care\b|"
    r"\bno\s+preference\b|\bsurprise\s+me\b",
    re.IGNORECASE,
)
_PERSON = re.compile(
    r"\b(talk|speak|chat|connect|transfer|put|get|want)(s|ing|ed)?\b[^.?!]*"
    r"\b(person|human|agent|representative|someone|somebody|manager|operator|staff)\b"
    r"|\b(a human|real person|live agent|human agent|support agent|customer service rep)"
    r"|^\W*(?:a\s+|an\s+)?(?:human|agent|representative|rep|operator|person|live\s+chat|"
    r"customer\s+service)\W*(?:please|pls)?\W*$",
    re.IGNORECASE,
)
_NOT_PERSON = re.compile(
    r"\b(don'?t|do not|no need|without)\b[^.?!]*"
    r"\b(person|human|agent|someone|somebody)\b",
    re.IGNORECASE,
)

_ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
    "top": 1,
}
_COUNTS = {"two": 2, "three": 3, "four": 4, "2": 2, "3": 3, "4": 4}
_FIRST_N = re.compile(r"\b(?:the\s+)?(?:first|top)\s+(two|three|four|2|3|4)\b", re.I)
_NUMBERED = re.compile(
    r"\b(?:number|no\.?|option|item|#|product|choice|pick)\s*(\d{1,2}|one|two|"
    r"three|four|five)\b|#(\d{1,2})\b",
    re.I,
)
_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_PAIR = re.compile(r"\b(\d)\s*(?:and|&|vs\.?|versus|with|,)\s*(\d)\b", re.I)
_ORDINAL = re.compile(
    r"\b(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th)\b"
    r"(?:\s+(?:one|item|option|product|pick))?",
    re.I,
)
_LAST = re.compile(r"\bthe\s+last\s+(?:one|item|option)\b|\blast\s+one\b", re.I)
_BOTH = re.compile(r"\b(?:both|these\s+two|those\s+two|the\s+two|them\s+both)\b", re.I)

COMPARE = re.compile(
    r"\b(compar\w*|differences?|differ|versus|vs\.?|side\s+by\s+side|"
    r"which\s+(?:\w+\s+){0,4}(?:is|are|would\s+be)\s+(?:better|best)|"
    r"which\s+(?:one\s+)?should\s+i|pros\s+and\s+cons|stack\s+up|"
    r"head\s+to\s+head|better\s+(?:choice|pick|option|buy|deal))\b",
    re.I,
)
DETAILS = re.compile(
    r"\b(tell\s+me\s+(?:more|about)|more\s+(?:about|info|information|details)|"
    r"details?\s+(?:on|of|about)|describe|what\s+about|what'?s\s+(?:special|"
    r"good)\s+about|show\s+me\s+(?:the|that|this)|i'?ll\s+take|i\s+(?:like|"
    r"want|choose|pick)\s+(?:the|that|this))\b",
    re.I,
)
_THE_ONE = r"(?:one|option|pair|model|item|of\s+(?:the|those|these)\s+(?:two|2|both|three|3))"
# "a cheaper option" asks for more; "the cheaper option" points at one on screen
_NOT_THE = r"(?<!\ba\s)(?<!\ban\s)(?<!\bany\s)(?<!\bsome\s)(?<!\banother\s)"
_PICK: dict[Refine, re.Pattern[str]] = {
    "cheaper": re.compile(
        rf"{_NOT_THE}\b(?:the\s+)?(?:cheaper|cheapest|less\s+expensive|"
        rf"least\s+expensive|"
        rf"lower[\s-]priced|more\s+affordable)\s+{_THE_ONE}\b|"
        r"\bwhichever\s+(?:one\s+)?(?:is|costs)\s+(?:cheaper|less)\b|"
        r"\bthe\s+one\s+that\s+(?:costs|is)\s+(?:less|cheaper)\b",
        re.I,
    ),
    "dearer": re.compile(
        rf"{_NOT_THE}\b(?:the\s+)?(?:pricier|priciest|more\s+expensive|"
        rf"most\s+expensive|"
        rf"higher[\s-]priced|premium)\s+{_THE_ONE}\b",
        re.I,
    ),
    "better_rated": re.compile(
        rf"{_NOT_THE}\b(?:the\s+)?(?:better|best|higher|highest|top)"
        rf"[\s-]rated\s+"
        rf"{_THE_ONE}\b",
        re.I,
    ),
}
_REFINE: dict[Refine, re.Pattern[str]] = {
    "cheaper": re.compile(
        r"\b(cheaper|cheapest|less\s+expensive|less\s+pricey|lower\s+price[sd]?|"
        r"more\s+affordable|more\s+budget|(?:too|bit|so)\s+(?:expensive|pricey|"
        r"much)|costs?\s+less|less\s+money|lower\s+budget|spend\s+less|"
        r"inexpensive|affordable|budget\s+option|over\s+my\s+(?:head|budget)|"
        r"out\s+of\s+my\s+(?:price\s+range|budget|league)|lower[\s-]priced|"
        r"can'?t\s+afford)",
        re.I,
    ),
    "dearer": re.compile(
        r"\b(more\s+expensive|pricier|higher[\s-]end|premium|fancier|nicer|"
        r"top[\s-]of[\s-]the[\s-]line|better\s+quality|(?:spend|pay)\s+more|"
        r"high[\s-]end|luxury|upscale|higher[\s-]priced|more\s+costly|"
        r"step\s+up|too\s+(?:basic|cheap)|upgrade|money\s+(?:isn'?t|is\s+not)\s+"
        r"(?:an?\s+|the\s+)?(?:issue|problem|object)|costlier|splurge|"
        r"(?:don'?t|do\s+not)\s+mind\s+(?:paying|spending)(?:\s+more)?|"
        r"higher[\s-]quality|better[\s-]made|top[\s-]tier|high[\s-]quality|"
        r"luxurious|(?:bigger|larger|higher)\s+budget|go\s+higher|"
        r"higher\s+price(?:\s+(?:range|point|bracket))?|step\s+it\s+up|"
        r"costs?\s+more|cheap[\s-]looking|(?<!too\s)(?<!less\s)(?<!not\s)"
        r"(?<!so\s)expensive\s+(?:ones|options|models|stuff|ones?))\b",
        re.I,
    ),
    "better_rated": re.compile(
        r"\b((?:better|higher|best|highest|top)[\s-](?:rated|reviewed)|"
        r"better\s+(?:ratings?|reviews?)|higher\s+(?:ratings?|stars)|"
        r"more\s+stars|rated\s+(?:better|higher)|(?:good|great|nice|"
        r"strong|high)\s+(?:ratings?|reviews|scores?)|well[\s-](?:rated|"
        r"reviewed)|highly[\s-]rated|better\s+ones|(?:anything|something)\s+better|"
        r"rated?\s+(?:well|highly|"
        r"better)|(?:people|customers|buyers|reviewers)\s+(?:like|love|"
        r"prefer|rate)|most\s+popular|best\s+reviewed)\b",
        re.I,
    ),
    "other_brand": re.compile(
        r"\b(not\s+(?:that|this|the\s+same)\s+brand|(?:other|another|"
        r"different)\s+brands?|any\s+brand\s+but|no\s+more\s+of\s+that\s+"
        r"brand|(?:not|don'?t\s+want)\s+(?:those|these)\s+brands?|"
        r"(?:don'?t|do\s+not)\s+(?:like|want|trust|love|care\s+for)\s+"
        r"(?:that|this|the|those|these)\s+brands?|(?:hate|dislike)\s+"
        r"(?:that|this|the)\s+brand|(?:skip|avoid|without)\s+(?:that|this|"
        r"the)\s+brand|(?:other|different|another)\s+(?:makers?|"
        r"manufacturers?|companies|company|labels?)|not\s+a\s+fan\s+of\s+"
        r"(?:that|this|the)\s+brand)\b",
        re.I,
    ),
}
INSTEAD = re.compile(r"\b(instead|rather|actually|change\s+(?:it|that)\s+to|make\s+it)\b", re.I)


_YES_START = re.compile(
    r"^\W*(yes|yeah|yea|yep|yup|sure|ok(ay)?|confirm(ed)?|go\s+ahead|do\s+it|"
    r"please\s+do|correct|right|absolutely|definitely|of\s+course|"
    r"sounds\s+good|that'?s\s+(right|fine|it|the\s+one)|proceed|affirmative|"
    r"alright|all\s+right)\b",
    re.IGNORECASE,
)
_NOT_YES = re.compile(
    r"\b(no|not|don'?t|do\s+not|never|wait|hold\s+on|but|instead|keep|"
    r"rather|actually)\b",
    re.IGNORECASE,
)
_DECLINE = re.compile(
    r"^\W*(?:(?:hmm+|um+|uh+|well|oh|ah|sorry|so|ok(?:ay)?)\W+)*"
    r"(no|nope|nah|wait|hold\s+on|hold\s+off|stop|don'?t|do\s+not|negative|"
    r"let'?s\s+not|better\s+not|not\s+(?:today|anymore|any\s+more)|"
    r"never\s*mind|(?:i(?:'ve|\s+have)?\s+)?changed\s+my\s+mind|"
    r"forget\s+(it|that|about\s+it)|"
    r"scratch\s+that|not\s+now|on\s+second\s+thoughts?|actually\s+no)\b|"
    r"\bkeep\s+(it|them|my\s+\w+|the\s+\w+)\b|"
    r"\bhold\s+on\s+to\s+(it|them)\b|\bcancel\s+the\s+cancell?ation\b|"
    r"\b(?:don'?t|do\s+not|no\s+longer)\s+(?:want|need|wish)\s+to\s+(?:cancel|"
    r"return|change|exchange|modify|go\s+(?:ahead|through))\b|"
    r"\bdon'?t\s+(cancel|do|change|return|go\s+ahead)\b|"
    r"\b(leave|let)\s+it\b",
    re.IGNORECASE,
)


def is_yes(text: str) -> bool:
    """An explicit yes: a yes-word first and no word that takes it back ("yes, but...")."""
    return bool(YES.match(text)) or (bool(_YES_START.search(text)) and not _NOT_YES.search(text))


def is_no(text: str) -> bool:
    """A plain no: declines what waits for a yes, and asks for nothing else."""
    return (
        (bool(NO.match(text)) or bool(_DECLINE.search(text)))
        and not _MORE_THAN_NO.search(text)
        and not YES.match(text)
    )


def is_greeting(text: str) -> bool:
    return bool(_GREETING.match(text))


def is_thanks(text: str) -> bool:
    return bool(_THANKS.match(text))


def stops_questions(text: str) -> bool:
    """The shopper asked to stop the questions ("just show me", "any is fine")."""
    return bool(_STOP.search(text))


def asks_for_person(text: str) -> bool:
    return bool(_PERSON.search(text)) and not _NOT_PERSON.search(text)


_NOT_POSITION = re.compile(
    r"\bsecond\s+thoughts?\b|\bfirst\s+(?:of\s+all|time)\b|"
    r"\bat\s+first\b",
    re.I,
)


def positions(text: str, shown: int) -> tuple[int, ...]:
    """1-based positions in the list on screen the message refers to ("the first two" ->
    (1, 2), "number 3" -> (3,), "the last one" -> (shown,)); () when it names none."""
    if shown <= 0:
        return ()
    text = _NOT_POSITION.sub(" ", text)
    if m := _FIRST_N.search(text):
        return tuple(range(1, min(_COUNTS[m.group(1).lower()], shown) + 1))
    if m := _PAIR.search(text):
        pair = (int(m.group(1)), int(m.group(2)))
        if all(1 <= p <= shown for p in pair) and pair[0] != pair[1]:
            return pair
    found = [_ORDINALS[m.group(1).lower()] for m in _ORDINAL.finditer(text)]
    text = _NOT_POSITION.sub(" ", text)
    found += [
        int(_WORD_NUMBERS.get((m.group(1) or "").lower(), 0) or m.group(1) or m.group(2))
        for m in _NUMBERED.finditer(text)
    ]
    if _LAST.search(text):
        found.append(shown)
    kept = tuple(dict.fromkeys(p for p in found if 1 <= p <= shown))
    if not kept and _BOTH.search(text) and shown >= 2:
        return (1, 2)
    return kept


def without_positions(text: str) -> str:
    """``text`` with its position phrases blanked ("compare the top two": "top" is no
    category here)."""
    for pattern in (_FIRST_N, _PAIR, _NUMBERED, _ORDINAL, _LAST):
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return text


def pick(text: str) -> Refine | None:
    """ "the cheaper one", "the best rated one": a choice among the products in focus."""
    for name, pattern in _PICK.items():
        if pattern.search(text):
            return name
    return None


def refinement(text: str) -> Refine | None:
    """ "cheaper", "more expensive", "better rated", "not that brand": a change to the
    search on screen (None when the message picks one product instead)."""
    if pick(text):
        return None
    hits = [name for name, pattern in _REFINE.items() if pattern.search(text)]
    return hits[0] if hits else None
