"""Chinese identities for the demo shop's shoppers: names, addresses, user ids and emails.

Each English shopper keeps everything they did (payment methods, events, orders, reviews and
hidden preferences) and gets a Chinese name that agrees with their fit (men's/women's), stored
as ``last_name`` = 姓 and ``first_name`` = 名, an address in a Chinese city with a 6-digit
postal code of that city as ``zip``, and an ASCII user id and email spelled in pinyin
(``fang_wang_6181``, ``fang.wang4821@example.com``), so a shopper can sign in with the email
or with name and postal code. User ids are rewritten in every row that refers to them.

Not here: what shoppers do (``store.demo.behaviour``), the words (``people.toml``).
"""

from __future__ import annotations

import random
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from store.demo.types import People


@dataclass(frozen=True)
class Name:
    hanzi: str
    pinyin: str


@dataclass(frozen=True)
class City:
    name: str
    province: str
    postal_prefix: str
    districts: tuple[str, ...]


@dataclass(frozen=True)
class Directory:
    surnames: tuple[Name, ...]
    men: tuple[Name, ...]
    women: tuple[Name, ...]
    cities: tuple[City, ...]
    streets: tuple[str, ...]


def _names(raw: list[str]) -> tuple[Name, ...]:
    return tuple(Name(*entry.split(":")) for entry in raw)


@cache
def directory() -> Directory:
    data = tomllib.loads(files("store.demo.zh").joinpath("people.toml").read_text("utf-8"))
    return Directory(
        surnames=_names(data["surnames"]),
        men=_names(data["men"]),
        women=_names(data["women"]),
        cities=tuple(City(c[0], c[1], c[2], tuple(c[3:])) for c in data["cities"]),
        streets=tuple(data["streets"]),
    )


def address(rng: random.Random, d: Directory) -> dict[str, Any]:
    city = rng.choice(d.cities)
    return {
        "address1": f"{rng.choice(city.districts)}{rng.choice(d.streets)}{rng.randint(1, 399)}号",
        "address2": f"{rng.randint(1, 30)}栋{rng.randint(1, 32)}{rng.randint(1, 6):02d}室",
        "city": city.name,
        "country": "中国",
        "state": city.province,
        "zip": f"{city.postal_prefix}{rng.randint(0, 99):02d}0",
    }


def localise_people(people: People, seed: int) -> dict[str, str]:
    """Give every user a Chinese identity, in place; returns old user id -> new user id."""
    d = directory()
    fits = {t.entity_id: (t.data or {}).get("fit", "") for t in people.truths}
    renamed: dict[str, str] = {}
    taken: set[str] = set()
    emails: set[str] = set()
    for user in people.users:
        rng = random.Random(f"{seed}:zh:people:{user.seq}")
        given = rng.choice(d.men if fits.get(user.user_id) == "men's" else d.women)
        surname = rng.choice(d.surnames)
        digits = re.sub(r"\D", "", user.user_id)[-4:] or "0000"
        new_id = f"{given.pinyin}_{surname.pinyin}_{digits}"
        while new_id in taken:  # two shoppers with one pinyin name and number
            digits = f"{(int(digits) + 1) % 10_000:04d}"
            new_id = f"{given.pinyin}_{surname.pinyin}_{digits}"
        taken.add(new_id)
        renamed[user.user_id] = new_id
        home = address(rng, d)
        user.user_id = new_id
        user.first_name = given.hanzi
        user.last_name = surname.hanzi
        user.email = f"{given.pinyin}.{surname.pinyin}{rng.randint(1000, 9999)}@example.com"
        while user.email in emails:
            user.email = f"{given.pinyin}.{surname.pinyin}{rng.randint(1000, 9999)}@example.com"
        emails.add(user.email)
        user.zip = home["zip"]
        user.address = home
    homes = {u.user_id: u.address for u in people.users}
    for method in people.payment_methods:
        method.user_id = renamed[method.user_id]
    for order in people.orders:
        order.user_id = renamed[order.user_id]
    for event in people.events:
        if event.user_id is not None:
            event.user_id = renamed[event.user_id]
    for written in people.reviews:
        if written.user_id is not None:
            written.user_id = renamed[written.user_id]
    for order in people.orders:
        order.address = dict(homes[order.user_id] or {})
    for truth in people.truths:
        truth.entity_id = renamed.get(truth.entity_id, truth.entity_id)
    return renamed
