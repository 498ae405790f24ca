"""The rule-based simulated shopper of the dialogue suite.

It opens with its volunteered constraints, answers clarifying questions from its tagged
constraints (a structured ``Reply.question`` by its attribute and options, a question in plain
text by the attribute words it mentions), rejects recommendations that break a constraint and
says which one (revealing it), and accepts the first recommended product that meets them all,
checked against the catalog (``truth``), never the reply's text. When no product fits, a reply
without products that says so ends the task. Trials phrase the same wishes differently (the
trial number picks the wording), so repeated trials test robustness, not a replay.

It counts, by state: questions asked, questions about something already said, products shown
that break a constraint the shopper had already stated, and false "nothing fits" answers.

Not here: the conversation loop and scoring (``dialogue``), task generation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.reply import Reply
from eval.harness.cases import DialogueTask, TargetConstraint
from eval.harness.truth import CatalogTruth

NOTHING_FITS = re.compile(
    r"\b(no|none|nothing|not|couldn'?t|could not|can'?t|cannot|don'?t|doesn'?t|didn'?t|"
    r"unable|unfortunately)\b[^.?!]{0,80}\b(match|matches|matching|fit|fits|find|found|"
    r"available|meet|meets|have|carry|options?|products?)\b|"
    r"没有(同时)?(满足|符合)|找不到|都不符合|"
    r"\bno hay nada\b|\bnada (que )?(encaje|cumpla)|\bning[uú]n producto\b",
    re.IGNORECASE,
)
# What a shopper without a wish says; plain words, so no catalog value is read into it.
NO_PREFERENCE = "I have no preference there."
_OPENINGS = (
    "I'm looking for {what}.",
    "Hi! Can you help me find {what}?",
    "Show me {what}.",
    "I need {what}.",
)
_PRICE = ("under ${cap}", "for less than ${cap}", "no more than ${cap}", "with a budget of ${cap}")
_RATING = ("rated {r} stars or more", "with at least {r} stars")
_KEY_WORDS = {
    "price": r"budget|price|spend|cost|how much",
    "brand": r"brand",
    "rating": r"rating|rated|stars|reviews",
}


def norm(key: str) -> str:
    return "_".join(key.casefold().replace("-", " ").split())


@dataclass
class Move:
    message: str | None  # None: the conversation is over
    outcome: str | None = None  # "accepted", "nothing_fits", "handoff"
    accepted: str | None = None  # the product id taken
    notes: dict[str, object] = field(default_factory=dict)


@dataclass
class Shopper:
    task: DialogueTask
    truth: CatalogTruth
    trial: int = 0
    said: set[int] = field(default_factory=set)
    asked: list[str] = field(default_factory=list)
    questions: int = 0
    redundant: int = 0
    violations_shown: int = 0
    false_nothing: int = 0

    def __post_init__(self) -> None:
        self.said = {
            i for i, c in enumerate(self.task.constraints) if c.disclosure == "volunteered"
        }
        self.variant = self.trial + sum(map(ord, self.task.case_id))

    def _pick(self, options: tuple[str, ...], salt: int = 0) -> str:
        return options[(self.variant + salt) % len(options)]

    def phrase(self, c: TargetConstraint) -> str:
        if c.kind == "price_max":
            return self._pick(_PRICE).format(cap=f"{float(c.value):,.0f}")
        if c.kind == "rating":
            return self._pick(_RATING, 1).format(r=f"{float(c.value):g}")
        if c.kind == "brand":
            return f"from {c.value}"
        if c.kind == "category":
            return str(c.value).lower()
        key, value = c.key.replace("_", " "), str(c.value)
        if value == "yes":
            return key
        if norm(c.key) == "size":
            return f"in size {value}"
        if norm(c.key) == "gender":
            return value
        return f"with {value} {key}" if len(value) > 3 else f"with {key} {value}"

    def opening(self) -> str:
        told = [c for i, c in enumerate(self.task.constraints) if i in self.said]
        what = self.phrase(next(c for c in told if c.kind == "category"))
        rest = [self.phrase(c) for c in told if c.kind != "category"]
        return self._pick(_OPENINGS).format(what=" ".join([what, *rest]))

    def respond(self, reply: Reply | None) -> Move:
        if reply is None:
            return Move(None, notes={"error": "the assistant failed"})
        if reply.kind == "handoff":
            return Move(None, outcome="handoff")
        if reply.products:
            return self._judge(reply)
        if NOTHING_FITS.search(reply.text):  # "nothing fits" with relaxations to choose from
            return self._read(reply.text)
        if reply.kind == "question" and reply.question is not None:
            return self._answer(reply.question.attribute, list(reply.question.options))
        return self._read(reply.text)

    # --- recommendations -----------------------------------------------------------------

    def _judge(self, reply: Reply) -> Move:
        broken_said: list[str] = []
        reasons: dict[int, TargetConstraint] = {}
        for card in reply.products:
            broken = self.truth.violated(card.product_id, self.task.constraints)
            if not broken:
                return Move(
                    None,
                    outcome="accepted",
                    accepted=card.product_id,
                    notes={"violations_shown": broken_said},
                )
            said = [c for c in broken if self.task.constraints.index(c) in self.said]
            if said:
                self.violations_shown += 1
                broken_said.append(card.product_id)
            for c in broken:
                reasons.setdefault(self.task.constraints.index(c), c)
        self.said |= set(reasons)
        why = "; ".join(self._reason(c) for c in reasons.values())
        return Move(
            f"None of these work for me: {why}.",
            notes={"violations_shown": broken_said, "revealed": sorted(reasons)},
        )

    def _reason(self, c: TargetConstraint) -> str:
        if c.kind == "price_max":
            return f"my budget is ${float(c.value):,.0f} at most"
        if c.kind == "rating":
            return f"it should be rated at least {float(c.value):g} stars"
        if c.kind == "brand":
            return f"I want {c.value}"
        if c.kind == "category":
            return f"I'm looking for {str(c.value).lower()}"
        if c.value == "yes" or norm(c.key) == "gender":
            return f"it must be {self.phrase(c)}"
        return f"I need it {self.phrase(c).removeprefix('in ')}"

    # --- questions -----------------------------------------------------------------------

    def _matching(self, attribute: str) -> int | None:
        key = norm(attribute)
        for i, c in enumerate(self.task.constraints):
            if norm(c.key) == key or (key in ("budget", "price_max") and c.kind == "price_max"):
                return i
        return None

    def _answer(self, attribute: str, options: list[str]) -> Move:
        self.questions += 1
        index = self._matching(attribute)
        repeated = norm(attribute) in self.asked
        self.asked.append(norm(attribute))
        if index is None:
            self.redundant += repeated
            return Move(NO_PREFERENCE, notes={"question": attribute, "redundant": repeated})
        redundant = repeated or index in self.said
        self.redundant += redundant
        self.said.add(index)
        c = self.task.constraints[index]
        clicked = next((o for o in options if o.casefold() == str(c.value).casefold()), None)
        answer = clicked if clicked and self.variant % 2 == 0 else self._told(c)
        return Move(answer, notes={"question": attribute, "redundant": redundant})

    def _told(self, c: TargetConstraint) -> str:
        text = self.phrase(c)
        return (text[0].upper() + text[1:] + ", please.") if text else "Any is fine."

    def _read(self, text: str) -> Move:
        if NOTHING_FITS.search(text):
            if not self.task.satisfiable:
                return Move(None, outcome="nothing_fits")
            self.false_nothing += 1
            return Move(
                "Are you sure? Please look again, I think you carry some.",
                notes={"false_nothing_fits": True},
            )
        if "?" in text:
            hits = [i for i, c in enumerate(self.task.constraints) if self._mentions(text, c)]
            if hits:
                self.questions += 1
                fresh = [i for i in hits if i not in self.said]
                self.redundant += not fresh
                self.said |= set(hits)
                told = ", ".join(self.phrase(self.task.constraints[i]) for i in hits)
                return Move(
                    f"{told[0].upper()}{told[1:]}.",
                    notes={"text_question": True, "redundant": not fresh},
                )
        wish = " ".join(
            self.phrase(c) for i, c in enumerate(self.task.constraints) if i in self.said
        )
        return Move(f"Please show me a few options: {wish}.")

    @staticmethod
    def _mentions(text: str, c: TargetConstraint) -> bool:
        if c.kind == "category":
            return False
        words = _KEY_WORDS.get(c.key) or re.escape(c.key.replace("_", " "))
        return re.search(rf"\b({words})\b", text, re.IGNORECASE) is not None
