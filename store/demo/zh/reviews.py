"""Chinese review text for the demo shop, from what each English review says.

Each English review is read back with the shop's own aspect miner (``store.aspects``, which
finds exactly what ``store.demo.reviews`` wrote: the generator uses its vocabulary), and the
same aspects with the same sentiments are written in Chinese with the same star rating: praise
for 5, complaints for 1-2, a mix joined with "但" for 3. The words are in ``reviews.toml``.

Not here: which products get reviews or their ratings (unchanged from the English shop).
"""

from __future__ import annotations

import random
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from store.aspects import mine_aspects


@dataclass(frozen=True)
class Voice:
    noun: str
    good: tuple[str, ...] = ()
    bad: tuple[str, ...] = ()
    lines_only: bool = False


@dataclass(frozen=True)
class Wording:
    voices: dict[str, Voice]
    good: tuple[str, ...]
    bad: tuple[str, ...]
    good_templates: tuple[str, ...]
    bad_templates: tuple[str, ...]
    openers: tuple[str, ...]
    contrast: str
    good_titles: tuple[str, ...]
    bad_titles: tuple[str, ...]
    closers: dict[int, tuple[str, ...]]
    titles: dict[int, tuple[str, ...]]


@cache
def wording() -> Wording:
    data = tomllib.loads(files("store.demo.zh").joinpath("reviews.toml").read_text("utf-8"))
    words = data["words"]
    return Wording(
        voices={
            name: Voice(
                v["noun"],
                tuple(v.get("good", ())),
                tuple(v.get("bad", ())),
                v.get("lines_only", False),
            )
            for name, v in data["aspects"].items()
        },
        good=tuple(words["good"]),
        bad=tuple(words["bad"]),
        good_templates=tuple(words["good_templates"]),
        bad_templates=tuple(words["bad_templates"]),
        openers=tuple(words["openers"]),
        contrast=words["contrast"],
        good_titles=tuple(words["good_titles"]),
        bad_titles=tuple(words["bad_titles"]),
        closers={int(k): tuple(v) for k, v in data["closers"].items()},
        titles={int(k): tuple(v) for k, v in data["titles"].items()},
    )


def aspects_of(text: str) -> list[tuple[str, int]]:
    """(aspect, +1/-1) the English text expresses, first mention of each, in order."""
    seen: dict[str, int] = {}
    for mention in mine_aspects(text):
        seen.setdefault(mention.aspect, mention.sentiment)
    return list(seen.items())


def _sentence(rng: random.Random, w: Wording, aspect: str, sign: int) -> str:
    voice = w.voices.get(aspect, Voice(aspect))
    lines = voice.good if sign > 0 else voice.bad
    if lines and (voice.lines_only or rng.random() < 0.4):
        return rng.choice(lines)
    template = rng.choice(w.good_templates if sign > 0 else w.bad_templates)
    return template.format(n=voice.noun, w=rng.choice(w.good if sign > 0 else w.bad))


def review(rng: random.Random, rating: int, aspects: Sequence[tuple[str, int]]) -> tuple[str, str]:
    """(title, text) of a Chinese review with ``rating`` stars saying ``aspects``."""
    w = wording()
    body: list[str] = []
    previous = 0
    for aspect, sign in aspects:
        text = _sentence(rng, w, aspect, sign)
        if body and previous and sign != previous:
            body[-1] = body[-1].rstrip("。") + w.contrast + text
        else:
            body.append(text)
        previous = sign
    if rng.random() < 0.4:
        body.insert(0, rng.choice(w.openers))
    if not body or rng.random() < 0.5:
        body.append(rng.choice(w.closers[rating]))
    if aspects and rng.random() < 0.4 and (aspects[0][1] > 0) == (rating >= 4):
        aspect, sign = aspects[0]
        noun = w.voices.get(aspect, Voice(aspect)).noun
        title = noun + rng.choice(w.good_titles if sign > 0 else w.bad_titles)
    else:
        title = rng.choice(w.titles[rating])
    return title, "".join(body)
