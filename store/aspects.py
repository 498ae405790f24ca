"""Find what a review praises or criticises: (aspect, +1/-1, snippet) from plain review text.

A small lexicon miner meant for ordinary human reviews of any shop: aspect nouns ("battery life",
"sizing", "build quality"), generic opinion words ("great", "disappointing"), words that carry
both ("comfortable", "flimsy", "runs small") and negation ("not comfortable" is comfort -1).
Each aspect noun takes the sentiment of the nearest opinion in the same clause; clauses end at
punctuation and at contrast words ("but", "although"), so "great sound but poor battery" keeps
the two apart. The assistant uses it to say "reviewers praise the battery life".

Left out on purpose: sarcasm, comparisons ("better than my old one"), intensity, languages
other than English, and anything learned; the lexicon is the whole model and easy to extend.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType

# Aspect -> the nouns (or noun phrases) reviewers use for it. Multi-word terms win over their
# parts ("battery life" before "life", "customer support" before "support").
ASPECT_TERMS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "battery life": ("battery", "battery life", "batteries", "charging", "runtime", "run time"),
        "sound quality": (
            "sound",
            "sound quality",
            "audio",
            "bass",
            "treble",
            "speakers",
            "volume",
        ),
        "call quality": ("microphone", "mic", "call quality", "calls"),
        "noise cancelling": ("noise cancelling", "noise canceling", "noise cancellation", "anc"),
        "screen": ("screen", "display", "screen quality"),
        "picture quality": (
            "picture",
            "picture quality",
            "image quality",
            "panel",
            "contrast",
            "color accuracy",
            "colour accuracy",
        ),
        "camera": ("camera", "cameras", "photos", "camera quality"),
        "performance": ("performance", "speed", "processor", "responsiveness"),
        "typing feel": ("keyboard", "keys", "typing", "typing feel", "switches", "key feel"),
        "connectivity": ("connection", "connectivity", "bluetooth", "pairing", "wifi", "wi fi"),
        "ease of use": ("setup", "app", "controls", "interface", "software"),
        "comfort": ("comfort",),
        "fit": ("fit", "sizing"),
        "cushioning": ("cushioning", "cushion", "padding", "midsole", "thickness"),
        "support": ("support", "arch support", "lumbar support", "back support", "ankle support"),
        "grip": ("grip", "traction", "outsole"),
        "weight": ("weight",),
        "durability": ("durability", "longevity"),
        "build quality": (
            "build",
            "build quality",
            "construction",
            "materials",
            "material",
            "stitching",
            "craftsmanship",
            "finish",
        ),
        "value": ("value", "price", "money", "value for money", "price point"),
        "design": ("design", "look", "looks", "style", "color", "colour", "colors", "colours"),
        "noise": ("noise", "noise level", "fan noise"),
        "delivery": ("delivery", "shipping", "packaging"),
        "waterproofing": ("waterproofing", "water resistance"),
        "warmth": ("warmth",),
        "insulation": ("insulation", "temperature retention"),
        "leak resistance": ("lid", "seal"),
        "taste": ("taste", "flavor", "flavour", "coffee", "espresso", "brew"),
        "capacity": ("capacity", "storage space"),
        "pockets": ("pockets", "compartments", "organization", "organisation"),
        "cleaning": ("cleanup", "cleaning"),
        "suction": ("suction", "suction power", "pickup"),
        "power": ("power", "motor", "blades"),
        "heating": ("heat distribution", "heating"),
        "coating": ("coating", "non stick coating", "nonstick coating", "non stick", "nonstick"),
        "assembly": ("assembly", "instructions"),
        "adjustability": ("adjustability", "adjustments", "height adjustment", "armrests"),
        "stability": ("stability",),
        "brightness": ("brightness", "light output", "lighting"),
        "tracking": ("tracking", "heart rate", "gps", "step count", "sensor"),
        "voice assistant": ("voice recognition", "voice assistant", "assistant"),
        "heat": ("heat", "temperatures", "thermals"),
        "breathability": ("breathability", "ventilation", "airflow"),
        "smell": ("smell", "odor", "odour", "chemical smell"),
        "customer service": ("customer service", "customer support", "warranty service"),
        "zippers": ("zipper", "zippers", "zips"),
        "fabric": ("fabric", "cotton"),
        "shrinkage": ("shrinkage",),
        "filtration": ("filter", "filters", "filtration", "air quality"),
        "ports": ("ports", "port selection"),
    }
)

# Words that carry an aspect and a sentiment at once ("comfortable" is comfort +1).
ASPECT_OPINIONS: Mapping[str, tuple[str, int]] = MappingProxyType(
    {
        "comfortable": ("comfort", 1),
        "comfy": ("comfort", 1),
        "cozy": ("comfort", 1),
        "uncomfortable": ("comfort", -1),
        "painful": ("comfort", -1),
        "true to size": ("fit", 1),
        "fits perfectly": ("fit", 1),
        "runs small": ("fit", -1),
        "runs large": ("fit", -1),
        "runs big": ("fit", -1),
        "runs narrow": ("fit", -1),
        "run small": ("fit", -1),
        "run large": ("fit", -1),
        "run big": ("fit", -1),
        "run narrow": ("fit", -1),
        "too small": ("fit", -1),
        "too big": ("fit", -1),
        "too tight": ("fit", -1),
        "too loose": ("fit", -1),
        "lightweight": ("weight", 1),
        "heavy": ("weight", -1),
        "bulky": ("weight", -1),
        "durable": ("durability", 1),
        "held up": ("durability", 1),
        "holding up": ("durability", 1),
        "fell apart": ("durability", -1),
        "falling apart": ("durability", -1),
        "stopped working": ("durability", -1),
        "wore out": ("durability", -1),
        "broke": ("durability", -1),
        "broke down": ("durability", -1),
        "sturdy": ("build quality", 1),
        "well made": ("build quality", 1),
        "well built": ("build quality", 1),
        "flimsy": ("build quality", -1),
        "cheaply made": ("build quality", -1),
        "poorly made": ("build quality", -1),
        "overpriced": ("value", -1),
        "affordable": ("value", 1),
        "worth": ("value", 1),
        "worth the money": ("value", 1),
        "worth every penny": ("value", 1),
        "waste of money": ("value", -1),
        "quiet": ("noise", 1),
        "silent": ("noise", 1),
        "noisy": ("noise", -1),
        "breathable": ("breathability", 1),
        "stuffy": ("breathability", -1),
        "waterproof": ("waterproofing", 1),
        "kept my feet dry": ("waterproofing", 1),
        "keeps my feet dry": ("waterproofing", 1),
        "soaked through": ("waterproofing", -1),
        "warm": ("warmth", 1),
        "toasty": ("warmth", 1),
        "keeps drinks cold": ("insulation", 1),
        "keeps water cold": ("insulation", 1),
        "keeps coffee hot": ("insulation", 1),
        "keeps drinks hot": ("insulation", 1),
        "leak proof": ("leak resistance", 1),
        "leakproof": ("leak resistance", 1),
        "leaks": ("leak resistance", -1),
        "leaked": ("leak resistance", -1),
        "leaking": ("leak resistance", -1),
        "leaky": ("leak resistance", -1),
        "easy to use": ("ease of use", 1),
        "user friendly": ("ease of use", 1),
        "intuitive": ("ease of use", 1),
        "hard to use": ("ease of use", -1),
        "difficult to use": ("ease of use", -1),
        "confusing": ("ease of use", -1),
        "easy to set up": ("ease of use", 1),
        "hard to set up": ("ease of use", -1),
        "easy to clean": ("cleaning", 1),
        "hard to clean": ("cleaning", -1),
        "difficult to clean": ("cleaning", -1),
        "easy to assemble": ("assembly", 1),
        "easy to put together": ("assembly", 1),
        "hard to assemble": ("assembly", -1),
        "difficult to assemble": ("assembly", -1),
        "heats evenly": ("heating", 1),
        "hot spots": ("heating", -1),
        "runs hot": ("heat", -1),
        "overheats": ("heat", -1),
        "gets hot": ("heat", -1),
        "stays cool": ("heat", 1),
        "wobbly": ("stability", -1),
        "wobbles": ("stability", -1),
        "stable": ("stability", 1),
        "steady": ("stability", 1),
        "adjustable": ("adjustability", 1),
        "grippy": ("grip", 1),
        "slippery": ("grip", -1),
        "shrank": ("shrinkage", -1),
        "shrunk": ("shrinkage", -1),
        "shrinks": ("shrinkage", -1),
        "shrink": ("shrinkage", -1),
        "smelly": ("smell", -1),
        "laggy": ("performance", -1),
        "sluggish": ("performance", -1),
        "snappy": ("performance", 1),
        "crushes ice": ("power", 1),
        "arrived damaged": ("delivery", -1),
        "arrived broken": ("delivery", -1),
        "arrived quickly": ("delivery", 1),
        "arrived early": ("delivery", 1),
        "arrived on time": ("delivery", 1),
        "arrived late": ("delivery", -1),
    }
)

_POSITIVE = (
    "good",
    "great",
    "excellent",
    "amazing",
    "awesome",
    "fantastic",
    "perfect",
    "superb",
    "outstanding",
    "impressive",
    "incredible",
    "wonderful",
    "terrific",
    "nice",
    "solid",
    "decent",
    "reliable",
    "love",
    "loved",
    "loves",
    "enjoy",
    "enjoyed",
    "happy",
    "pleased",
    "satisfied",
    "impressed",
    "fine",
    "smooth",
    "crisp",
    "clear",
    "sharp",
    "bright",
    "rich",
    "punchy",
    "powerful",
    "fast",
    "quick",
    "responsive",
    "accurate",
    "precise",
    "consistent",
    "soft",
    "generous",
    "plenty",
    "roomy",
    "spacious",
    "easy",
    "effortless",
    "beautiful",
    "gorgeous",
    "stylish",
    "sleek",
    "elegant",
    "premium",
    "best",
    "brilliant",
    "flawless",
    "spot on",
    "helpful",
    "exceptional",
    "fabulous",
    "lovely",
    "top notch",
    "first rate",
    "better than expected",
    "recommend",
)
_NEGATIVE = (
    "bad",
    "poor",
    "terrible",
    "awful",
    "horrible",
    "disappointing",
    "disappointed",
    "mediocre",
    "weak",
    "cheap",
    "useless",
    "worse",
    "worst",
    "broken",
    "defective",
    "faulty",
    "annoying",
    "frustrating",
    "hate",
    "hated",
    "hates",
    "dislike",
    "problem",
    "problems",
    "issue",
    "issues",
    "complaint",
    "complaints",
    "lacking",
    "subpar",
    "inconsistent",
    "inaccurate",
    "unreliable",
    "slow",
    "buggy",
    "clunky",
    "difficult",
    "hard",
    "stiff",
    "rough",
    "scratchy",
    "muddy",
    "tinny",
    "dim",
    "grainy",
    "blurry",
    "dull",
    "awkward",
    "loose",
    "thin",
    "lousy",
    "meh",
    "so so",
    "could be better",
    "nothing special",
    "died",
    "dies",
    "failed",
    "fails",
    "peeling",
    "peeled",
    "cracked",
    "unhappy",
    "regret",
    "pain",
    "nightmare",
    "drops",
    "flaky",
)
_NEGATORS = frozenset(
    (
        "not",
        "no",
        "never",
        "hardly",
        "barely",
        "without",
        "nothing",
        "isn't",
        "wasn't",
        "aren't",
        "weren't",
        "doesn't",
        "didn't",
        "don't",
        "won't",
        "can't",
        "cannot",
        "couldn't",
        "wouldn't",
        "isnt",
        "wasnt",
        "doesnt",
        "didnt",
        "dont",
        "cant",
        "wont",
        "nor",
    )
)
_CONTRAST = frozenset(("but", "however", "although", "though", "yet", "except", "whereas"))

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[.!?;,:()\u2013\u2014]", re.IGNORECASE)
_MAX_PHRASE = 4
_OPINION_WINDOW = 6  # tokens between an aspect noun and the opinion it takes
_NEGATION_WINDOW = 3  # tokens before an opinion in which a negator flips it


@dataclass(frozen=True)
class AspectMention:
    aspect: str
    sentiment: int  # +1 praise, -1 complaint
    snippet: str  # the clause it was found in, as written


@dataclass(frozen=True)
class AspectSummary:
    """How often reviews praise and criticise one aspect, with example snippets."""

    aspect: str
    positive: int
    negative: int
    snippets: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class _Entry:
    aspect: str | None  # None for generic opinion words
    polarity: int  # 0 for plain aspect nouns


@cache
def _lexicon() -> Mapping[tuple[str, ...], _Entry]:
    """Token tuple -> entry; built once (the tables above are immutable)."""
    table: dict[tuple[str, ...], _Entry] = {}
    for word in _POSITIVE:
        table[tuple(word.split())] = _Entry(None, 1)
    for word in _NEGATIVE:
        table[tuple(word.split())] = _Entry(None, -1)
    for aspect, terms in ASPECT_TERMS.items():
        for term in terms:
            table[tuple(term.split())] = _Entry(aspect, 0)
    for phrase, (aspect, polarity) in ASPECT_OPINIONS.items():
        table[tuple(phrase.split())] = _Entry(aspect, polarity)
    return MappingProxyType(table)


@dataclass(frozen=True)
class _Hit:
    pos: int  # index of the first token
    entry: _Entry
    negated: bool


def _clauses(text: str) -> list[list[tuple[str, int, int]]]:
    """Tokens (lower-cased word, start, end) grouped into clauses."""
    clauses: list[list[tuple[str, int, int]]] = [[]]
    for m in _TOKEN.finditer(text):
        word = m.group().lower().replace("\u2019", "'")
        if not word[0].isalnum() or word in _CONTRAST:
            if clauses[-1]:
                clauses.append([])
            continue
        clauses[-1].append((word, m.start(), m.end()))
    return [c for c in clauses if c]


def _hits(words: list[str]) -> list[_Hit]:
    lexicon = _lexicon()
    hits: list[_Hit] = []
    i = 0
    while i < len(words):
        for n in range(min(_MAX_PHRASE, len(words) - i), 0, -1):
            entry = lexicon.get(tuple(words[i : i + n]))
            if entry is not None:
                window = words[max(0, i - _NEGATION_WINDOW) : i]
                negated = entry.polarity != 0 and any(w in _NEGATORS for w in window)
                hits.append(_Hit(i, entry, negated))
                i += n
                break
        else:
            i += 1
    return hits


def mine_aspects(text: str) -> list[AspectMention]:
    """Aspect mentions with sentiment, in text order; at most one per aspect per clause."""
    mentions: list[AspectMention] = []
    for clause in _clauses(text):
        words = [w for w, _, _ in clause]
        hits = _hits(words)
        opinions = [h for h in hits if h.entry.polarity != 0]
        snippet = text[clause[0][1] : clause[-1][2]]
        seen: set[str] = set()
        for hit in hits:
            aspect = hit.entry.aspect
            if aspect is None or aspect in seen:
                continue
            if hit.entry.polarity != 0:
                sentiment = -hit.entry.polarity if hit.negated else hit.entry.polarity
            else:
                near = [o for o in opinions if abs(o.pos - hit.pos) <= _OPINION_WINDOW]
                if not near:
                    continue
                # nearest opinion wins; on a tie prefer the one after ("the fit is great")
                best = min(near, key=lambda o: (abs(o.pos - hit.pos), o.pos < hit.pos))
                sentiment = -best.entry.polarity if best.negated else best.entry.polarity
            seen.add(aspect)
            mentions.append(AspectMention(aspect, sentiment, snippet))
    return mentions


def summarize_aspects(texts: Iterable[str], max_snippets: int = 3) -> list[AspectSummary]:
    """Counts of praise and complaints per aspect over many reviews, most discussed first."""
    pos: dict[str, int] = {}
    neg: dict[str, int] = {}
    snippets: dict[str, list[str]] = {}
    for text in texts:
        for m in mine_aspects(text):
            counts = pos if m.sentiment > 0 else neg
            counts[m.aspect] = counts.get(m.aspect, 0) + 1
            kept = snippets.setdefault(m.aspect, [])
            if len(kept) < max_snippets:
                kept.append(m.snippet)
    aspects = sorted(snippets, key=lambda a: (-(pos.get(a, 0) + neg.get(a, 0)), a))
    return [AspectSummary(a, pos.get(a, 0), neg.get(a, 0), tuple(snippets[a])) for a in aspects]
