"""The shapes of the conversation suite: a flow and its turns, the slots a conversation fills,
what a check sees (``Ctx``) and what it reports (``Failure``).

A ``Flow`` is a conversation shape (``flows.FLOWS`` lists them, after /work/notes/flows.md):
the shops it runs on, the placeholders its phrasings may use, and its turns. A ``Turn`` is
either a shopper message from the phrasing bank (``key``: "t1", "t2", ...) or a CLICK on an
option of the previous reply; it names the constraints every card must meet from then on and
the expectation that scores the reply. Two harness moves happen inside a turn, before the
expectation: ``show_me`` answers a clarifying question once with "just show me" (the refine
flows need products to refine), ``click_through`` clicks the first option of up to that many
questions (a cancellation's reason).

Not here: the flow table (``flows``), the expectations (``expect_*``), running (``conversations``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from assistant.reply import Reply
from eval.harness.dbstate import Snapshot
from eval.harness.shopfacts import ShopFacts

JUST_SHOW_ME = "just show me"
# what the harness's shopper says to stop the questions, in the bank's language
JUST_SHOW_ME_IN = {"en": JUST_SHOW_ME, "zh": "直接给我看吧", "es": "solo muéstrame"}
PLACEHOLDERS = (
    "category",
    "category_one",
    "brand",
    "cap",
    "cap2",
    "value",
    "order_id",
    "email",
    "item",
    "thing",
    "other_brand",
    "color",
    "size",
)


@dataclass(frozen=True)
class Failure:
    """One thing a reply got wrong. ``check`` is an every-turn check ("invented",
    "violating", "echo", "promise", "prompt_text", "question") or a flow's own ("kind",
    "options", "not_sold", "db", ...); ``turn`` the 1-based message it answered."""

    check: str
    detail: str
    turn: int = 0


Expect = Callable[["Ctx"], list[Failure]]


@dataclass(frozen=True)
class Turn:
    key: str | None = None  # the bank key of a shopper message; None: a CLICK
    click: int = 0  # the option a CLICK sends, by position
    expect: Expect | None = None
    constraints: tuple[str, ...] = ()  # slots every card must meet: category, cap, cap2, ...
    show_me: bool = False
    click_through: int = 0


@dataclass(frozen=True)
class Flow:
    id: str
    shops: tuple[str, ...]
    slots: tuple[str, ...]  # the placeholders its phrasings may use
    turns: tuple[Turn, ...]
    fill: str = "none"  # how ``slots.fill`` chooses the slots (a filler's name)
    signed_in: bool = False  # the conversation runs as the slots' user
    db: bool = False  # snapshots the account tables around each turn

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(t.key for t in self.turns if t.key is not None)


class Slots(BaseModel):
    """A conversation's slot values, as the catalog spells them, and the facts its checks
    need about them."""

    category: str | None = None  # a category leaf ("Running Shoes")
    brand: str | None = None
    cap: int | None = None
    cap2: int | None = None
    value: str | None = None
    value_key: str | None = None  # the option or attribute ``value`` belongs to
    thing: str | None = None
    other_brand: str | None = None
    user_id: str | None = None  # the signed-in shopper; None: a guest
    order_id: str | None = None
    email: str | None = None
    item: str | None = None
    orders: list[str] = Field(default_factory=list)  # e.g. every pending order of the user
    room: str | None = None  # vague_room: the room word the phrasing uses
    fitting: list[str] = Field(default_factory=list)  # categories that fit the room
    wish: str | None = None  # unfilterable: the wish that cannot be checked
    color: str | None = None  # purchase: the colour and size of the variant to buy
    size: str | None = None

    def texts(self) -> dict[str, str]:
        """Placeholder -> the text put in a phrasing."""
        out: dict[str, str] = {}
        if self.category:
            out["category"] = self.category.casefold()
            out["category_one"] = one(self.category)
        for name in (
            "brand",
            "value",
            "order_id",
            "email",
            "item",
            "thing",
            "other_brand",
            "color",
            "size",
        ):
            if (value := getattr(self, name)) is not None:
                out[name] = value
        for name in ("cap", "cap2"):
            if (amount := getattr(self, name)) is not None:
                out[name] = str(amount)
        return out


_PAIRS = (
    "shoes",
    "boots",
    "sneakers",
    "sandals",
    "headphones",
    "earbuds",
    "sunglasses",
    "jeans",
    "trousers",
    "pants",
    "shorts",
    "leggings",
    "socks",
    "gloves",
    "binoculars",
    "goggles",
    "scissors",
    "tongs",
    "slippers",
    "trainers",
)
_MASS = (
    "knitwear",
    "cookware",
    "luggage",
    "bedding",
    "outerwear",
    "jewellery",
    "jewelry",
    "tableware",
    "drinkware",
    "footwear",
    "clothing",
    "equipment",
    "gear",
)


def one(category: str) -> str:
    """A category as one thing, with its article: "Laptops" -> "a laptop", "Running Shoes"
    -> "a pair of running shoes", "Office Chairs" -> "an office chair"."""
    words = category.casefold().split()
    last = words[-1] if words else ""
    if last in _PAIRS:
        return f"a pair of {' '.join(words)}"
    if last in _MASS:
        return " ".join(words)
    if last == "mice":
        last = "mouse"
    elif last.endswith("ies") and len(last) > 4:
        last = last[:-3] + "y"
    elif last.endswith(("sses", "shes", "ches", "xes", "zes")):
        last = last[:-2]
    elif last.endswith("s") and not last.endswith(("ss", "us", "is")):
        last = last[:-1]
    name = " ".join([*words[:-1], last])
    return f"{'an' if name[:1] in 'aeiou' else 'a'} {name}"


@dataclass
class Ctx:
    """What an expectation sees: the shop, the slots, this turn's reply, the expected replies
    of the turns before (``earlier[0]`` answered turn 1), and the account tables around the
    turn when the flow snapshots them."""

    facts: ShopFacts
    slots: Slots
    reply: Reply
    earlier: list[Reply] = field(default_factory=list)
    clicked: str | None = None  # the option this turn sent, for a CLICK
    clicked_attribute: str | None = None  # the attribute of the question it answered
    db_before: Snapshot | None = None
    db_after: Snapshot | None = None


def fail(check: str, detail: str) -> list[Failure]:
    return [Failure(check, detail)]
