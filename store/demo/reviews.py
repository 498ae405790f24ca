"""Review text for demo products: a title and a few sentences that praise or criticise aspects.

The writer picks 1-3 aspects the product's category cares about, gives each a sentiment that
agrees with the star rating (5 praises, 1-2 complain, 3 is mixed), leans on the product's
attributes (a heavy boot gets "way too heavy", a 60-hour headset "great battery life"), and
phrases them with the same vocabulary ``store.aspects`` mines, so mining a generated review gives
back what the writer meant. Used for the catalog's anonymous reviews and by the people stage for
reviews of what users bought.

Not here: how many reviews a product gets or their ratings (``store.demo.catalog``).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeVar

from store.demo.catalog_spec import category_by_leaf, meets
from store.models import Product

T = TypeVar("T")


@dataclass(frozen=True)
class Voice:
    """How reviews talk about one aspect: nouns for templates, plus ready-made sentences."""

    nouns: tuple[str, ...]
    good: tuple[str, ...] = ()
    bad: tuple[str, ...] = ()
    lines_only: bool = False  # "Excellent noise." reads badly: use the sentences when there are


V = Voice
VOICES: Mapping[str, Voice] = MappingProxyType(
    {
        "comfort": V(
            ("comfort",),
            (
                "Comfortable right out of the box.",
                "Super comfortable.",
                "Really comfy, even after a long day.",
            ),
            ("Not comfortable at all.", "Uncomfortable after an hour."),
        ),
        "fit": V(
            ("fit", "sizing"),
            ("Fits true to size.", "Fits perfectly."),
            ("Runs small, order a size up.", "Runs large.", "Way too tight."),
        ),
        "cushioning": V(("cushioning", "padding")),
        "support": V(("support",)),
        "grip": V(("grip", "traction"), ("Very grippy.",), ("Slippery when wet.",)),
        "weight": V(
            ("weight",),
            ("Lightweight and easy to carry.", "Impressively lightweight."),
            ("Way too heavy.", "Heavy and bulky."),
            lines_only=True,
        ),
        "durability": V(
            ("durability",),
            ("Has held up well after months of use.", "Very durable."),
            (
                "Fell apart within a month.",
                "Stopped working after a few weeks.",
                "Wore out quickly.",
            ),
        ),
        "build quality": V(
            ("build quality", "construction", "materials"),
            ("Sturdy and well made.", "Feels well built."),
            ("Feels flimsy.", "Cheaply made."),
        ),
        "value": V(
            ("value",),
            ("Worth every penny.", "Worth the money."),
            ("Overpriced for what you get.", "Not worth the money.", "A waste of money."),
        ),
        "design": V(("design", "look", "color")),
        "noise": V(
            ("noise level",),
            ("Nice and quiet.", "Surprisingly quiet."),
            ("Way too noisy.", "Noisy enough to wake the house."),
            lines_only=True,
        ),
        "delivery": V(
            ("delivery", "packaging"),
            ("Arrived quickly.", "Arrived early."),
            ("Arrived damaged.", "Arrived late."),
        ),
        "breathability": V(
            ("breathability", "ventilation"), ("Very breathable.",), ("Stuffy and sweaty.",)
        ),
        "waterproofing": V(
            ("waterproofing",), ("Waterproof as advertised.",), ("Soaked through in light rain.",)
        ),
        "warmth": V(
            ("warmth",),
            ("Really warm.", "Toasty on cold mornings."),
            ("Not warm enough for winter.",),
        ),
        "insulation": V(("insulation",), ("Keeps drinks cold all day.",)),
        "leak resistance": V(
            ("lid", "seal"),
            ("Completely leak proof.",),
            ("Leaked all over my bag.", "The lid leaks."),
        ),
        "taste": V(("coffee", "flavor", "taste")),
        "capacity": V(("capacity", "storage space")),
        "pockets": V(("pockets", "compartments")),
        "cleaning": V(
            ("cleaning", "cleanup"), ("Easy to clean.",), ("Hard to clean.", "Difficult to clean.")
        ),
        "suction": V(("suction", "suction power")),
        "power": V(("power", "motor"), ("Crushes ice in seconds.",)),
        "heating": V(
            ("heating", "heat distribution"), ("Heats evenly.",), ("Has hot spots in the middle.",)
        ),
        "coating": V(
            ("coating", "nonstick coating"), (), ("The coating started peeling after a month.",)
        ),
        "assembly": V(
            ("assembly", "instructions"),
            ("Easy to assemble.", "Easy to put together."),
            ("Hard to assemble.", "Difficult to assemble."),
        ),
        "adjustability": V(("adjustability", "armrests"), ("Very adjustable.",)),
        "stability": V(
            ("stability",),
            ("Stable even at full height.", "Rock steady."),
            ("Wobbly.", "Wobbles when I type."),
        ),
        "brightness": V(("brightness", "light output")),
        "tracking": V(("tracking", "heart rate", "sensor")),
        "voice assistant": V(("voice recognition", "voice assistant")),
        "heat": V(
            ("thermals",),
            ("Stays cool under load.",),
            ("Runs hot.", "Gets hot on my lap.", "Overheats when gaming."),
            lines_only=True,
        ),
        "picture quality": V(("picture quality", "image quality", "contrast")),
        "screen": V(("screen", "display")),
        "camera": V(("camera",)),
        "performance": V(("performance", "speed"), ("Snappy.",), ("Laggy.", "Sluggish.")),
        "typing feel": V(("typing feel", "keys", "switches")),
        "connectivity": V(("connection", "pairing")),
        "ease of use": V(
            ("setup", "app", "controls"),
            ("Easy to use.", "Easy to set up."),
            ("Confusing.", "Hard to set up."),
        ),
        "sound quality": V(("sound", "sound quality", "bass", "audio")),
        "call quality": V(("microphone", "call quality", "mic")),
        "noise cancelling": V(("noise cancelling", "noise cancellation")),
        "battery life": V(("battery life", "battery")),
        "filtration": V(("filter", "filtration")),
        "ports": V(("port selection", "ports")),
        "smell": V(
            ("smell",), ("Not smelly at all.",), ("Smelly out of the box.",), lines_only=True
        ),
        "shrinkage": V(
            ("shrinkage",),
            ("Didn't shrink in the wash.",),
            ("Shrank after one wash.", "Shrunk a full size in the dryer."),
            lines_only=True,
        ),
        "fabric": V(("fabric", "cotton")),
        "zippers": V(("zippers", "zipper")),
    }
)

_GENERIC_ASPECTS = ("value", "build quality", "design", "durability", "ease of use")
_SINGULAR_S = frozenset(("bass", "thickness", "brightness", "noise cancelling"))
_POS_WORDS = (
    "great",
    "excellent",
    "fantastic",
    "superb",
    "impressive",
    "outstanding",
    "really good",
    "solid",
    "top notch",
    "perfect",
)
_NEG_WORDS = (
    "disappointing",
    "poor",
    "terrible",
    "weak",
    "mediocre",
    "not great",
    "awful",
    "subpar",
)
_POS_NOUN = (
    "The {n} {v} {w}.",
    "{W} {n}.",
    "I love the {n}.",
    "Really happy with the {n}.",
    "The {n} {v} better than expected.",
    "No complaints about the {n}.",
)
_NEG_NOUN = (
    "The {n} {v} {w}.",
    "{W} {n}.",
    "Not happy with the {n}.",
    "The {n} could be better.",
    "I had problems with the {n}.",
    "Really disappointed by the {n}.",
)
_OPENERS = (
    "Bought {it} {use}.",
    "I got {it} {use}.",
    "Picked {it} up {use}.",
    "Ordered {it} {use}.",
    "Been using {it} {use} for a few weeks.",
    "Got {it} {use} two months ago.",
)
_CLOSERS = {
    5: ("Highly recommend!", "Would buy again.", "Five stars from me.", "Just buy it."),
    4: ("Would buy again.", "Pretty happy overall.", "Recommended overall."),
    3: ("It's okay for now.", "Does the job, mostly.", "Might keep it, might not."),
    2: ("Probably returning it.", "Expected more.", "Not sure I'd buy again."),
    1: ("Returning it.", "Would not recommend.", "Save yourself the trouble."),
}
_TITLES = {
    5: (
        "Love it!",
        "Excellent",
        "Highly recommend",
        "Exactly what I needed",
        "Five stars",
        "Best purchase this year",
    ),
    4: ("Very good", "Really good", "Happy with it", "Solid choice", "Great overall"),
    3: ("It's okay", "Mixed feelings", "Decent, not perfect", "Average", "Good and bad"),
    2: ("Disappointed", "Not great", "Expected more", "Wouldn't buy again"),
    1: ("Avoid", "Terrible", "Returned it", "Very disappointed", "Do not buy"),
}


@dataclass(frozen=True)
class ReviewDraft:
    title: str
    text: str
    aspects: tuple[tuple[str, int], ...]  # what the text praises (+1) or criticises (-1)


def _any(rng: random.Random, seq: Sequence[T]) -> T:
    """``rng.choice`` without its rejection sampling: five times faster, and this module makes
    millions of picks for a large catalog; the slight bias is irrelevant here."""
    return seq[int(rng.random() * len(seq))]


def _sentiments(rng: random.Random, rating: int, count: int) -> list[int]:
    if rating >= 5:
        return [1] * count
    if rating <= 1:
        return [-1] * count
    if rating == 3:
        signs = [1, -1] + [_any(rng, (1, -1)) for _ in range(count - 2)]
        return signs[:count] if count >= 2 else [_any(rng, (1, -1))]
    major = 1 if rating == 4 else -1
    signs = [major] * count
    if count >= 2 and rng.random() < 0.3:
        signs[-1] = -major
    return signs


@dataclass(frozen=True)
class ReviewContext:
    """What the reviews of one product draw on; build it once per product."""

    aspects: tuple[str, ...]
    weights: Mapping[int, tuple[float, ...]]  # sentiment -> pick weight per aspect
    uses: tuple[str, ...]
    it: str  # "these" (shoes) or "this" (a laptop)


def review_context(product: Product) -> ReviewContext:
    """Aspects reviewers of ``product`` talk about, tilted by its attributes: a hint that
    matches makes praise (or complaint) of that aspect likelier, a 0-hint rules it out."""
    spec = category_by_leaf().get(product.category_leaf)
    if spec is None:
        flat = tuple(1.0 / (1.0 + 0.35 * i) for i in range(len(_GENERIC_ASPECTS)))
        return ReviewContext(_GENERIC_ASPECTS, {1: flat, -1: flat}, (), "this")
    attrs = product.attributes or {}
    lean: dict[str, int] = {}
    for hint in spec.hints:
        if meets(attrs.get(hint.key), hint.op, hint.value):
            lean[hint.aspect] = 0 if lean.get(hint.aspect) == 0 else hint.sentiment
    aspects = tuple(a for a in spec.aspects if lean.get(a) != 0)
    weights = {}
    for sign in (1, -1):
        ws = []
        for i, aspect in enumerate(aspects):
            tilt = lean.get(aspect)
            ws.append(
                (1.0 / (1.0 + 0.35 * i)) * (1.0 if tilt is None else 4.0 if tilt == sign else 0.15)
            )
        weights[sign] = tuple(ws)
    return ReviewContext(aspects, weights, spec.uses, "these" if spec.plural else "this")


def _pick_aspects(
    rng: random.Random, ctx: ReviewContext, signs: list[int]
) -> list[tuple[str, int]]:
    taken: set[int] = set()
    chosen: list[tuple[str, int]] = []
    for sign in signs:
        ws = ctx.weights[sign]
        total = sum(w for i, w in enumerate(ws) if i not in taken)
        if total <= 0:
            break
        r = rng.random() * total
        pick = -1
        for i, w in enumerate(ws):
            if i in taken:
                continue
            pick = i
            r -= w
            if r < 0:
                break
        taken.add(pick)
        chosen.append((ctx.aspects[pick], sign))
    return chosen


def _sentence(rng: random.Random, aspect: str, sign: int) -> str:
    voice = VOICES.get(aspect, Voice((aspect,)))
    lines = voice.good if sign > 0 else voice.bad
    if lines and (voice.lines_only or rng.random() < 0.4):
        return _any(rng, lines)
    noun = _any(rng, voice.nouns)
    verb = "are" if noun.endswith("s") and noun not in _SINGULAR_S else "is"
    word = _any(rng, _POS_WORDS if sign > 0 else _NEG_WORDS)
    template = _any(rng, _POS_NOUN if sign > 0 else _NEG_NOUN)
    text = template.format(n=noun, v=verb, w=word, W=word.capitalize())
    return text[0].upper() + text[1:]


def _join(rng: random.Random, first: str, second: str) -> str:
    """Two opposite-sentiment sentences, sometimes as one "X, but Y." sentence."""
    if rng.random() < 0.5 and second[:1].isupper() and not second.startswith("I "):
        return f"{first[:-1]}, but {second[0].lower()}{second[1:]}"
    return f"{first} {second}"


def rating_for(rng: random.Random, quality: float) -> int:
    """A 1-5 star rating that follows hidden quality in [0, 1]. Shop ratings skew positive (a
    typical marketplace averages about 4 stars), so a mid-quality product lands near 4."""
    return min(5, max(1, round(2.0 + 3.6 * quality + rng.gauss(0.0, 0.9))))


def compose_review(
    rng: random.Random,
    product: Product,
    quality: float,
    rating: int,
    context: ReviewContext | None = None,
) -> ReviewDraft:
    """A review of ``product`` with the given star rating, and the aspects it expresses.
    Pass ``context`` (from ``review_context``) when writing many reviews of one product."""
    ctx = context or review_context(product)
    rating = min(5, max(1, rating))
    u = rng.random()
    count = 1 if u < 0.35 else 2 if u < 0.75 else 3
    if rating == 3:
        count = max(2, count)
    aspects = _pick_aspects(rng, ctx, _sentiments(rng, rating, count))
    if quality > 0.6 and rating >= 4 and rng.random() < 0.1:
        aspects.append(("delivery", 1))

    sentences = [_sentence(rng, a, s) for a, s in aspects]
    body: list[str] = []
    for i, text in enumerate(sentences):
        if i and aspects[i][1] != aspects[i - 1][1] and body:
            body[-1] = _join(rng, body[-1], text)
        else:
            body.append(text)
    if ctx.uses and rng.random() < 0.5:
        body.insert(0, _any(rng, _OPENERS).format(it=ctx.it, use=_any(rng, ctx.uses)))
    if rng.random() < 0.5:
        body.append(_any(rng, _CLOSERS[rating]))

    if aspects and rng.random() < 0.4 and (aspects[0][1] > 0) == (rating >= 4):
        aspect, sign = aspects[0]
        word = _any(
            rng,
            ("Great", "Excellent", "Love the") if sign > 0 else ("Poor", "Disappointing", "Bad"),
        )
        title = f"{word} {VOICES.get(aspect, Voice((aspect,))).nouns[0]}"
    else:
        title = _any(rng, _TITLES[rating])
    return ReviewDraft(title, " ".join(body), tuple(aspects))


def write_review(
    rng: random.Random, product: Product, quality: float, rating: int
) -> tuple[str, str]:
    """(title, text) of a review of ``product`` with ``rating`` stars (1-5)."""
    draft = compose_review(rng, product, quality, rating)
    return draft.title, draft.text
