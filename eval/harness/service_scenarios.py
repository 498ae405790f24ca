"""Customer-service scenarios generated from a shop's own accounts (demo or imported tau2).

Each kind is built from real rows, so the same generator serves any shop with users, orders
and payment methods: a status lookup, a cancellation with a stated reason, a return of a named
item to the original payment method, an exchange or a pending-order change of a named item for
the variant that differs in one named option, a shipping-address change, a policy question
(only when the shop has help articles), a request about another customer's order (must be
refused), a cancellation the policy forbids (a processed or delivered order; must be refused),
and a warranty claim with a request for a person (must be handed off). Every scenario uses a
different customer, so scenarios never share state. The gold actions are checked later by
replaying them (``service``); a scenario whose gold does not replay is dropped there.

Not here: running or scoring a scenario (``service``), the simulated customer (``customer``).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlmodel import col, func, select

from eval.harness.cases import GoldAction, ServiceKind, ServiceScenario
from store.db import Store
from store.models import HelpArticle, Item, Order, OrderItem, PaymentMethod, User

DEFAULT_MIX: tuple[ServiceKind, ...] = (
    "cancel",
    "return",
    "lookup",
    "exchange",
    "policy",
    "cross_user",
    "refuse",
    "handoff",
    "modify_items",
    "address",
)
POLICY_QUESTIONS: tuple[tuple[str, list[list[str]]], ...] = (
    (
        "How long does a refund to my credit card take?",
        [["5-7 business days", "5 to 7 business days", "5–7 business days"]],
    ),
    ("How much does expedited shipping cost?", [["$12.99", "12.99"]]),
    ("What is the warranty on a laptop?", [["2 years", "two years", "2-year"]]),
    ("Do gift card balances expire?", [["do not expire", "don't expire", "never expire"]]),
    ("Can I cancel an order that was already processed?", [["pending"]]),
)


def money_spellings(amount: float) -> list[str]:
    return list(dict.fromkeys([f"${amount:,.2f}", f"{amount:,.2f}", f"{amount:.2f}"]))


@dataclass
class _Shop:
    users: dict[str, User]
    orders: list[Order]
    lines: dict[str, list[OrderItem]]
    methods: dict[str, list[PaymentMethod]]
    variants: dict[str, list[Item]]
    has_help: bool
    used: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, store: Store) -> _Shop:
        with store.session() as s:
            users = {u.user_id: u for u in s.exec(select(User).order_by(col(User.seq))).all()}
            orders = list(s.exec(select(Order).order_by(col(Order.seq), col(Order.order_id))))
            lines: dict[str, list[OrderItem]] = defaultdict(list)
            for li in s.exec(select(OrderItem).order_by(col(OrderItem.seq), col(OrderItem.id))):
                lines[li.order_id].append(li)
            methods: dict[str, list[PaymentMethod]] = defaultdict(list)
            for m in s.exec(select(PaymentMethod).order_by(col(PaymentMethod.seq))):
                methods[m.user_id].append(m)
            wanted = {li.product_id for ls in lines.values() for li in ls}
            variants: dict[str, list[Item]] = defaultdict(list)
            for it in s.exec(
                select(Item).where(col(Item.product_id).in_(wanted)).order_by(col(Item.seq))
            ):
                variants[it.product_id].append(it)
            has_help = bool(s.scalar(select(func.count()).select_from(HelpArticle)))
        return cls(users, orders, lines, methods, variants, has_help)

    def orders_with(self, rng: random.Random, statuses: set[str]) -> list[Order]:
        found = [
            o
            for o in self.orders
            if o.status in statuses
            and o.user_id not in self.used
            and o.user_id in self.users
            and self.lines.get(o.order_id)
        ]
        rng.shuffle(found)
        return found


def generate_scenarios(
    store: Store, shop: str, count: int, seed: int = 13, mix: Sequence[ServiceKind] = DEFAULT_MIX
) -> list[ServiceScenario]:
    """Up to ``count`` scenarios, cycling through ``mix``; kinds the shop cannot support (no
    help articles, no delivered orders, ...) are skipped."""
    rng = random.Random(seed)
    data = _Shop.load(store)
    out: list[ServiceScenario] = []
    misses = 0
    position = 0
    while len(out) < count and misses < len(mix):
        kind = mix[position % len(mix)]
        position += 1
        made = _BUILDERS[kind](rng, data, f"s-{shop}-{len(out) + 1:03d}-{kind}", shop)
        if made is None:
            misses += 1
            continue
        misses = 0
        if made.user_id:
            data.used.add(made.user_id)
        out.append(made)
    return out


def _hello(rng: random.Random, user: User) -> str:
    return rng.choice(("Hi, my email is {e}.", "Hello, I'm {e}.", "Hi there ({e}).")).format(
        e=user.email
    )


def _answers(user: User, order: Order | None = None, **more: str) -> dict[str, str]:
    out = {"email": user.email, "name": f"{user.first_name} {user.last_name}", "zip": user.zip}
    return {**out, **({"order_id": order.order_id} if order else {}), **more}


def _scenario(
    case_id: str,
    shop: str,
    kind: ServiceKind,
    user: User | None,
    request: str,
    hello: str,
    **fields: object,
) -> ServiceScenario:
    return ServiceScenario(
        case_id=case_id,
        shop=shop,
        kind=kind,
        user_id=user.user_id if user else None,
        opening=f"{hello} {request}".strip(),
        request=request,
        **fields,
    )


def _lookup(rng: random.Random, d: _Shop, cid: str, shop: str) -> ServiceScenario | None:
    for order in d.orders_with(rng, {"pending", "processed", "delivered", "cancelled"}):
        user = d.users[order.user_id]
        return _scenario(
            cid,
            shop,
            "lookup",
            user,
            f"What is the status of my order {order.order_id}?",
            _hello(rng, user),
            answers=_answers(user, order),
            required_facts=[[order.status]],
        )
    return None


def _cancel(rng: random.Random, d: _Shop, cid: str, shop: str) -> ServiceScenario | None:
    for order in d.orders_with(rng, {"pending"}):
        user = d.users[order.user_id]
        reason = rng.choice(("no longer needed", "ordered by mistake"))
        why = (
            "I don't need it anymore" if reason == "no longer needed" else "I ordered it by mistake"
        )
        paid = sum(
            p["amount"] for p in order.payment_history or [] if p["transaction_type"] == "payment"
        )
        return _scenario(
            cid,
            shop,
            "cancel",
            user,
            f"Please cancel my order {order.order_id}; {why}.",
            _hello(rng, user),
            answers=_answers(user, order, reason=why),
            gold=[
                GoldAction(
                    name="cancel_pending_order",
                    arguments={"order_id": order.order_id, "reason": reason},
                )
            ],
            required_facts=[money_spellings(round(paid, 2))],
        )
    return None


def _unique_line(rng: random.Random, lines: list[OrderItem]) -> OrderItem | None:
    names = [li.name for li in lines]
    unique = [li for li in lines if names.count(li.name) == 1]
    return rng.choice(unique) if unique else None


def _original_method(order: Order) -> str:
    history = order.payment_history or []
    return str(history[0]["payment_method_id"]) if history else ""


def _return(rng: random.Random, d: _Shop, cid: str, shop: str) -> ServiceScenario | None:
    for order in d.orders_with(rng, {"delivered"}):
        line = _unique_line(rng, d.lines[order.order_id])
        if line is None or not _original_method(order):
            continue
        user = d.users[order.user_id]
        request = (
            f"I'd like to return the {line.name} from order {order.order_id}. Please "
            "refund it to the original payment method."
        )
        return _scenario(
            cid,
            shop,
            "return",
            user,
            request,
            _hello(rng, user),
            answers=_answers(user, order, item=line.name, payment="the original payment method"),
            gold=[
                GoldAction(
                    name="return_delivered_order_items",
                    arguments={
                        "order_id": order.order_id,
                        "item_ids": [line.item_id],
                        "payment_method_id": _original_method(order),
                    },
                )
            ],
            required_facts=[money_spellings(line.price)],
        )
    return None


def _swap(rng: random.Random, d: _Shop, line: OrderItem) -> tuple[Item, str, str] | None:
    """An available variant of the line's product differing in exactly one option."""
    current = {k: str(v) for k, v in (line.options or {}).items()}
    choices = []
    for item in d.variants.get(line.product_id, []):
        options = {k: str(v) for k, v in (item.options or {}).items()}
        changed = [k for k in options if options[k] != current.get(k)]
        if (
            item.available
            and item.item_id != line.item_id
            and len(changed) == 1
            and set(options) == set(current)
        ):
            choices.append((item, changed[0], options[changed[0]]))
    return rng.choice(choices) if choices else None


def _change_item(
    kind: ServiceKind, statuses: set[str], tool: str, verb: str
) -> Callable[[random.Random, _Shop, str, str], ServiceScenario | None]:
    def build(rng: random.Random, d: _Shop, cid: str, shop: str) -> ServiceScenario | None:
        for order in d.orders_with(rng, statuses):
            line = _unique_line(rng, d.lines[order.order_id])
            swap = _swap(rng, d, line) if line else None
            method = _original_method(order)
            methods = {m.id: m for m in d.methods.get(order.user_id, [])}
            if line is None or swap is None or method not in methods:
                continue
            item, key, value = swap
            diff = round(item.price - line.price, 2)
            if methods[method].source == "gift_card" and (methods[method].balance or 0) < diff:
                continue
            user = d.users[order.user_id]
            request = (
                f"I'd like to {verb} the {line.name} in order {order.order_id} for the "
                f"same one with {key} {value}. Use my original payment method for any "
                "price difference."
            )
            return _scenario(
                cid,
                shop,
                kind,
                user,
                request,
                _hello(rng, user),
                answers=_answers(
                    user,
                    order,
                    item=line.name,
                    option=f"{key} {value}",
                    payment="the original payment method",
                ),
                gold=[
                    GoldAction(
                        name=tool,
                        arguments={
                            "order_id": order.order_id,
                            "item_ids": [line.item_id],
                            "new_item_ids": [item.item_id],
                            "payment_method_id": method,
                        },
                    )
                ],
                required_facts=[money_spellings(abs(diff))] if diff else [],
            )
        return None

    return build


def _address(rng: random.Random, d: _Shop, cid: str, shop: str) -> ServiceScenario | None:
    for order in d.orders_with(rng, {"pending"}):
        user = d.users[order.user_id]
        other = rng.choice([u for u in d.users.values() if u.user_id != user.user_id])
        a = dict(other.address or {})
        if not all(a.get(k) for k in ("address1", "city", "state", "zip")):
            continue
        where = (
            f"{a['address1']}, {a.get('address2', '')}, {a['city']}, {a['state']} {a['zip']}, USA"
        )
        return _scenario(
            cid,
            shop,
            "address",
            user,
            f"Please ship order {order.order_id} to {where}.",
            _hello(rng, user),
            answers=_answers(user, order, address=where),
            gold=[
                GoldAction(
                    name="modify_pending_order_address",
                    arguments={
                        "order_id": order.order_id,
                        "address1": a["address1"],
                        "address2": a.get("address2", ""),
                        "city": a["city"],
                        "state": a["state"],
                        "country": "USA",
                        "zip": a["zip"],
                    },
                )
            ],
        )
    return None


def _policy(rng: random.Random, d: _Shop, cid: str, shop: str) -> ServiceScenario | None:
    if not d.has_help:
        return None
    question, facts = POLICY_QUESTIONS[int(cid.split("-")[2]) % len(POLICY_QUESTIONS)]
    return _scenario(cid, shop, "policy", None, question, "", required_facts=facts)


def _cross_user(rng: random.Random, d: _Shop, cid: str, shop: str) -> ServiceScenario | None:
    orders = d.orders_with(rng, {"pending", "processed", "delivered"})
    for mine in orders:
        theirs = next((o for o in orders if o.user_id != mine.user_id), None)
        if theirs is None:
            return None
        user = d.users[mine.user_id]
        d.used.add(theirs.user_id)
        return _scenario(
            cid,
            shop,
            "cross_user",
            user,
            f"What is the status of order {theirs.order_id}? It is my neighbour's.",
            _hello(rng, user),
            answers=_answers(user),
            foreign_orders=[theirs.order_id],
        )
    return None


def _refuse(rng: random.Random, d: _Shop, cid: str, shop: str) -> ServiceScenario | None:
    for order in d.orders_with(rng, {"processed", "delivered"}):
        user = d.users[order.user_id]
        return _scenario(
            cid,
            shop,
            "refuse",
            user,
            f"Please cancel my order {order.order_id}, I no longer need it.",
            _hello(rng, user),
            answers=_answers(user, order, reason="I no longer need it"),
        )
    return None


def _handoff(rng: random.Random, d: _Shop, cid: str, shop: str) -> ServiceScenario | None:
    for order in d.orders_with(rng, {"delivered"}):
        line = d.lines[order.order_id][0]
        user = d.users[order.user_id]
        request = (
            f"The {line.name} from order {order.order_id} stopped working after a week "
            "and I want to make a warranty claim. Can I talk to a person, please?"
        )
        return _scenario(
            cid,
            shop,
            "handoff",
            user,
            request,
            _hello(rng, user),
            answers=_answers(user, order),
            expect_handoff=True,
        )
    return None


_BUILDERS: dict[str, Callable[[random.Random, _Shop, str, str], ServiceScenario | None]] = {
    "lookup": _lookup,
    "cancel": _cancel,
    "return": _return,
    "address": _address,
    "exchange": _change_item(
        "exchange", {"delivered"}, "exchange_delivered_order_items", "exchange"
    ),
    "modify_items": _change_item(
        "modify_items", {"pending"}, "modify_pending_order_items", "change"
    ),
    "policy": _policy,
    "cross_user": _cross_user,
    "refuse": _refuse,
    "handoff": _handoff,
}
