"""The tau2-bench retail ``db.json`` layout, and every check a file must pass before import.

Each product, user and order is validated on its own against strict pydantic models (so one bad
order does not hide the next one's problems); then the file is checked as a whole: keys equal
the ids inside, item and payment-method ids are unique, statuses are tau2's, orders belong to
known users and list known variants, and each user's ``orders`` names exactly that user's orders.
Problems are ``RowProblem("db.json", line, json.path, message)``; the line is that of the
entity's key in the text (found only when there are problems), or 0.

Entity-level keys the layout does not have are errors rather than dropped, so an import followed
by an export cannot silently lose data. ``null`` for an optional key means the key is absent.

Not here: the store (``store.importers.tau2`` passes in what the store already holds) or writing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from store.errors import RowProblem
from store.models import OrderStatus, PaymentSource

FILE = "db.json"
STATUSES = tuple(s.value for s in OrderStatus)
SOURCES = tuple(s.value for s in PaymentSource)


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class _Open(BaseModel):
    """Parts stored as JSON columns: extra keys are kept, so they may exist."""

    model_config = ConfigDict(strict=True, extra="allow")


class Variant(_Strict):
    item_id: str
    options: dict[str, str]
    available: bool
    price: float = Field(ge=0)


class Tau2Product(_Strict):
    name: str
    product_id: str
    variants: dict[str, Variant]


class Name(_Strict):
    first_name: str
    last_name: str


class Address(_Open):
    address1: str
    address2: str
    city: str
    country: str
    state: str
    zip: str


class Tau2PaymentMethod(_Strict):
    source: str
    id: str
    brand: str | None = None
    last_four: str | None = None
    balance: float | None = Field(default=None, ge=0)


class Tau2User(_Strict):
    user_id: str
    name: Name
    address: Address
    email: str
    payment_methods: dict[str, Tau2PaymentMethod]
    orders: list[str]


class Tau2OrderItem(_Strict):
    name: str
    product_id: str
    item_id: str
    price: float = Field(ge=0)
    options: dict[str, str]


class Fulfillment(_Open):
    tracking_id: list[str]
    item_ids: list[str]


class Payment(_Open):
    transaction_type: Literal["payment", "refund"]
    amount: float
    payment_method_id: str


class Tau2Order(_Strict):
    order_id: str
    user_id: str
    address: Address
    items: list[Tau2OrderItem]
    status: str
    fulfillments: list[Fulfillment]
    payment_history: list[Payment]
    # Request fields, in the order tau2-bench writes them; set only after a customer-service write.
    cancel_reason: str | None = None
    exchange_items: list[str] | None = None
    exchange_new_items: list[str] | None = None
    exchange_payment_method_id: str | None = None
    exchange_price_difference: float | None = None
    return_items: list[str] | None = None
    return_payment_method_id: str | None = None


REQUEST_FIELDS = tuple(f for f, info in Tau2Order.model_fields.items() if not info.is_required())


@dataclass
class Tau2Db:
    """The valid entities of a file, in file order (dicts keep it), and the ids the file
    declares even in entities that failed validation, so that one bad product does not make
    every order line that refers to it "unknown" as well."""

    products: dict[str, Tau2Product] = field(default_factory=dict)
    users: dict[str, Tau2User] = field(default_factory=dict)
    orders: dict[str, Tau2Order] = field(default_factory=dict)
    item_product: dict[str, str] = field(default_factory=dict)  # variant key -> first product
    user_ids: set[str] = field(default_factory=set)
    order_owner: dict[str, str] = field(default_factory=dict)  # order key -> its user_id


@dataclass
class Stored:
    """What the store already holds that the file may refer to."""

    item_product: dict[str, str] = field(default_factory=dict)  # item_id -> product_id
    payment_owner: dict[str, str] = field(default_factory=dict)  # payment method id -> user_id
    users: set[str] = field(default_factory=set)
    order_owner: dict[str, str] = field(default_factory=dict)  # order_id -> user_id


def path_text(loc: tuple[str | int, ...]) -> str:
    """``("orders", "#W1", "items", 0, "price")`` -> ``orders.#W1.items[0].price``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def validate(data: Any) -> tuple[Tau2Db, list[tuple[tuple[str | int, ...], str]]]:
    """Validate each entity of parsed ``data``; returns the valid ones and (path, message)
    problems. Entities with problems are left out of ``Tau2Db``."""
    db = Tau2Db()
    problems: list[tuple[tuple[str | int, ...], str]] = []
    if not isinstance(data, dict):
        return db, [(("(top)",), "must be a JSON object with products, users and orders")]
    for key in data:
        if key not in ("products", "users", "orders"):
            problems.append(((key,), "unknown key; db.json has only products, users, orders"))
    models: tuple[tuple[str, type[BaseModel], dict[str, Any]], ...] = (
        ("products", Tau2Product, db.products),
        ("users", Tau2User, db.users),
        ("orders", Tau2Order, db.orders),
    )
    for section, model, into in models:
        entities = data.get(section)
        if not isinstance(entities, dict):
            problems.append(((section,), "required: a JSON object of entities keyed by id"))
            continue
        for key, raw in entities.items():
            _declare(db, section, key, raw)
            try:
                into[key] = model.model_validate(raw)
            except ValidationError as exc:
                for err in exc.errors():
                    problems.append(((section, key, *err["loc"]), _message(err)))
    return db, problems


def _declare(db: Tau2Db, section: str, key: str, raw: Any) -> None:
    if section == "users":
        db.user_ids.add(key)
    elif not isinstance(raw, dict):
        return
    elif section == "products" and isinstance(raw.get("variants"), dict):
        for item_id in raw["variants"]:
            db.item_product.setdefault(item_id, key)
    elif section == "orders" and isinstance(raw.get("user_id"), str):
        db.order_owner[key] = raw["user_id"]


def _message(err: Any) -> str:
    kind, got = err["type"], err.get("input")
    shown = repr(got) if len(repr(got)) <= 60 else repr(got)[:57] + "..."
    ctx = err.get("ctx") or {}
    match kind:
        case "missing":
            return "required key is missing"
        case "extra_forbidden":
            return "unknown key; the tau2 retail layout has no such field (check the spelling)"
        case "float_type" | "float_parsing" | "finite_number":
            return f"must be a number, got {shown}"
        case "greater_than_equal":
            return f"must be a number >= {ctx.get('ge')}, got {shown}"
        case "string_type":
            return f"must be a string, got {shown}"
        case "bool_type":
            return f"must be true or false, got {shown}"
        case "dict_type" | "model_type" | "model_attributes_type":
            return f"must be a JSON object, got {shown}"
        case "list_type":
            return f"must be a JSON list, got {shown}"
        case "literal_error":
            return f"must be one of {ctx.get('expected')}, got {shown}"
    return f"{err['msg']}, got {shown}"


def cross_check(db: Tau2Db, stored: Stored) -> list[tuple[tuple[str | int, ...], str]]:
    """Checks across entities and against the store, on the entities that passed ``validate``."""
    out: list[tuple[tuple[str | int, ...], str]] = []
    for pid, product in db.products.items():
        if product.product_id != pid:
            out.append((("products", pid, "product_id"), f"must equal its key {pid!r}"))
        for iid, variant in product.variants.items():
            where = ("products", pid, "variants", iid)
            if variant.item_id != iid:
                out.append(((*where, "item_id"), f"must equal its key {iid!r}"))
            owner = stored.item_product.get(iid, db.item_product[iid])
            if owner != pid:
                out.append(
                    (
                        where,
                        f"item id {iid!r} is already a variant of product {owner!r}; "
                        "item ids must be unique",
                    )
                )
    payment_owner: dict[str, str] = {}
    for uid, user in db.users.items():
        if user.user_id != uid:
            out.append((("users", uid, "user_id"), f"must equal its key {uid!r}"))
        for mid, method in user.payment_methods.items():
            where = ("users", uid, "payment_methods", mid)
            if method.id != mid:
                out.append(((*where, "id"), f"must equal its key {mid!r}"))
            if method.source not in SOURCES:
                out.append(((*where, "source"), f"must be one of {SOURCES}, got {method.source!r}"))
            holder = payment_owner.get(mid) or stored.payment_owner.get(mid)
            if holder is not None and holder != uid:
                out.append((where, f"payment method {mid!r} already belongs to user {holder!r}"))
            payment_owner.setdefault(mid, uid)
    for oid, order in db.orders.items():
        out += _order_problems(oid, order, db, stored)
    out += _order_list_problems(db, stored)
    return out


def _order_problems(
    oid: str, order: Tau2Order, db: Tau2Db, stored: Stored
) -> list[tuple[tuple[str | int, ...], str]]:
    out: list[tuple[tuple[str | int, ...], str]] = []
    if order.order_id != oid:
        out.append((("orders", oid, "order_id"), f"must equal its key {oid!r}"))
    if order.user_id not in db.user_ids and order.user_id not in stored.users:
        out.append(
            (
                ("orders", oid, "user_id"),
                f"unknown user {order.user_id!r}; add the user to users or fix the id",
            )
        )
    if order.status not in STATUSES:
        out.append((("orders", oid, "status"), f"must be one of {STATUSES}, got {order.status!r}"))
    for index, line in enumerate(order.items):
        owner = db.item_product.get(line.item_id) or stored.item_product.get(line.item_id)
        where = ("orders", oid, "items", index)
        if owner is None:
            out.append(
                (
                    (*where, "item_id"),
                    f"unknown item {line.item_id!r}; it is not a "
                    "variant of any product in db.json or the store",
                )
            )
        elif owner != line.product_id:
            out.append(
                (
                    (*where, "product_id"),
                    f"item {line.item_id!r} is a variant of product "
                    f"{owner!r}, not {line.product_id!r}",
                )
            )
    return out


def _order_list_problems(db: Tau2Db, stored: Stored) -> list[tuple[tuple[str | int, ...], str]]:
    out: list[tuple[tuple[str | int, ...], str]] = []
    owner = {**stored.order_owner, **db.order_owner}
    listed = {oid for user in db.users.values() for oid in user.orders}
    for uid, user in db.users.items():
        for index, oid in enumerate(user.orders):
            if owner.get(oid) != uid:
                whose = f"belongs to {owner[oid]!r}" if oid in owner else "is not in orders"
                out.append((("users", uid, "orders", index), f"lists order {oid!r}, which {whose}"))
    for oid, order in db.orders.items():
        if order.user_id in db.users and oid not in listed:
            out.append(
                (
                    ("orders", oid, "user_id"),
                    f"user {order.user_id!r} does not list this "
                    "order in their orders; add it there",
                )
            )
    return out


def problems_with_lines(
    text: str, found: list[tuple[tuple[str | int, ...], str]]
) -> list[RowProblem]:
    """Attach line numbers: that of the deepest entity key on the path (section, then product,
    user or order, then variant or payment method), each searched after the one before, in
    one scan of the text for ``"<key>": {``."""
    lines_of = _key_lines(text) if found else {}
    problems = []
    for loc, message in found:
        line = 0
        for depth, part in enumerate(loc[:4]):
            if (depth == 1 and loc[0] not in _SECTIONS) or (depth == 3 and loc[2] not in _PARTS):
                break
            if depth == 2:
                continue  # "variants" or "payment_methods": the next key is searched for
            after = [n for n in lines_of.get(str(part), []) if n > line]
            if not after:
                break
            line = after[0]
        problems.append(RowProblem(FILE, line, path_text(loc), message))
    return problems


_SECTIONS = {"products", "users", "orders"}
_PARTS = {"variants", "payment_methods"}
_OBJECT_KEY = re.compile(r'"((?:[^"\\]|\\.)*)"\s*:\s*\{')


def _key_lines(text: str) -> dict[str, list[int]]:
    """Every key whose value is an object -> the lines it appears on, in order."""
    lines: dict[str, list[int]] = {}
    position, line = 0, 1
    for match in _OBJECT_KEY.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        lines.setdefault(match.group(1), []).append(line)
    return lines
