"""What the conversation suite knows about a shop, read once from its store.

``ShopFacts`` holds the catalog (``truth.CatalogTruth``'s records, grouped by category leaf and
department), every word the catalog uses (to be sure a "thing the shop does not sell" really is
not sold), and the accounts (orders with their lines, emails, payment method ids). Slots are
filled from it and the checks read it: "is this option a category?", "which order ids does
this text name?", "is this card in the category?".

Names compare loosely (``name_key``): case, "&" and "and", punctuation and a plural "s" do not
matter, so "coffee maker", "Coffee Makers" and "coffee-makers" are one name.

Not here: choosing slots (``slots``), judging replies (``checks``, ``expect_*``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from sqlmodel import col, func, select

from eval.harness.truth import CatalogTruth
from retrieval.documents import ProductRecord, norm_key, norm_value
from store.db import Store
from store.models import HelpArticle, Order, OrderItem, PaymentMethod, User

_WORD = re.compile(r"[a-z0-9]+")


def stem(word: str) -> str:
    """A crude singular: "dresses" -> "dress", "batteries" -> "battery", "shoes" -> "shoe"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def name_key(text: str) -> str:
    words = _WORD.findall(text.casefold().replace("&", " and "))
    return " ".join(stem(w) for w in words)


def order_key(order_id: str) -> str:
    """Order ids compare without the "#" and case: "#W0001234" == "w0001234"."""
    return order_id.strip().lstrip("#").upper()


@dataclass(frozen=True)
class Line:
    name: str  # as the order shows it
    item_id: str
    product_id: str


@dataclass(frozen=True)
class OrderFacts:
    order_id: str
    user_id: str
    status: str
    lines: tuple[Line, ...]


@dataclass
class ShopFacts:
    name: str
    truth: CatalogTruth
    orders: list[OrderFacts] = field(default_factory=list)  # oldest first
    emails: dict[str, str] = field(default_factory=dict)
    payment_ids: dict[str, list[str]] = field(default_factory=dict)
    help_articles: int = 0
    tracking_ids: set[str] = field(default_factory=set)  # ids a reply may show besides products
    # each user's payment methods in their order: (id, source, gift card balance)
    methods: dict[str, list[tuple[str, str, float | None]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_leaf: dict[str, list[ProductRecord]] = defaultdict(list)
        self.departments: dict[str, set[str]] = defaultdict(set)
        words: set[str] = set()
        values: set[str] = set()
        for record in self.truth.records.values():
            for value in [
                *record.attributes.values(),
                *(v for i in record.items for v in i.options.values()),
            ]:
                if isinstance(value, str | int | float) and not isinstance(value, bool):
                    values.update(_WORD.findall(str(value).casefold()))
            self.by_leaf[record.category_leaf].append(record)
            path = [p.strip() for p in record.category.split(">") if p.strip()]
            if len(path) > 1:
                self.departments[path[0]].add(record.category_leaf)
            text = " ".join(
                (
                    record.title,
                    record.description,
                    record.category,
                    record.product_type,
                    record.brand,
                )
            ).casefold()
            words.update(_WORD.findall(text))
        self.words = words
        self.value_words = values  # words of attribute and option values ("olive", "ipx4")
        self.brands = sorted({r.brand for r in self.truth.records.values() if r.brand})
        self._names = {name_key(n): n for n in [*self.by_leaf, *self.departments]}
        self._orders = {order_key(o.order_id): o for o in self.orders}

    @classmethod
    def from_store(cls, name: str, store: Store) -> ShopFacts:
        truth = CatalogTruth.from_store(store)
        with store.session() as s:
            lines: dict[str, list[Line]] = defaultdict(list)
            for li in s.exec(select(OrderItem).order_by(col(OrderItem.seq), col(OrderItem.id))):
                lines[li.order_id].append(Line(li.name, li.item_id, li.product_id))
            orders = [
                OrderFacts(o.order_id, o.user_id, o.status, tuple(lines[o.order_id]))
                for o in s.exec(select(Order).order_by(col(Order.created_at), col(Order.seq)))
            ]
            emails = {u.user_id: u.email for u in s.exec(select(User).order_by(col(User.seq)))}
            methods: dict[str, list[str]] = defaultdict(list)
            kinds: dict[str, list[tuple[str, str, float | None]]] = defaultdict(list)
            for m in s.exec(
                select(PaymentMethod).order_by(col(PaymentMethod.seq), col(PaymentMethod.id))
            ):
                methods[m.user_id].append(m.id)
                kinds[m.user_id].append((m.id, m.source, m.balance))
            articles = s.scalar(select(func.count()).select_from(HelpArticle)) or 0
            tracking = {
                str(t)
                for o in s.exec(select(Order))
                for f in o.fulfillments or []
                for t in f.get("tracking_id") or []
            }
        return cls(name, truth, orders, emails, dict(methods), int(articles), tracking, dict(kinds))

    # --- the catalog -----------------------------------------------------------------------

    def record(self, product_id: str) -> ProductRecord | None:
        return self.truth.records.get(product_id)

    def category_name(self, text: str) -> str | None:
        """The category leaf or department ``text`` names, as the catalog spells it."""
        return self._names.get(name_key(text))

    def categories_in(self, text: str) -> list[str]:
        """The category leaves and departments ``text`` mentions ("Search beyond Blenders")."""
        padded = f" {name_key(text)} "
        return [name for key, name in self._names.items() if f" {key} " in padded]

    def in_category(self, product_id: str, category: str) -> bool:
        """In the leaf (or product type) ``category``, or under the department of that name."""
        record = self.record(product_id)
        if record is None:
            return False
        wanted = name_key(category)
        if wanted in (name_key(record.category_leaf), name_key(record.product_type)):
            return True
        top = record.category.split(">")[0]
        return ">" in record.category and name_key(top) == wanted

    def category_values(self, category: str) -> dict[str, set[str]]:
        """Attribute and option key -> the values products of ``category`` have (normalised)."""
        out: dict[str, set[str]] = defaultdict(set)
        for record in self.by_leaf.get(category, []):
            for key, value in record.attributes.items():  # facets from text hold lists
                for one in value if isinstance(value, list) else [value]:
                    if isinstance(one, str | bool | int | float):
                        out[norm_key(key)].add(norm_value(one))
            for item in record.items:
                for key, value in item.options.items():
                    if value not in (None, ""):
                        out[norm_key(key)].add(norm_value(value))
        return dict(out)

    def mentions_word(self, word: str) -> bool:
        """Whether the catalog uses ``word`` (or its plural) anywhere."""
        w = word.casefold()
        return any(form in self.words for form in (w, w + "s", w + "es", stem(w)))

    # --- accounts --------------------------------------------------------------------------

    def orders_of(self, user_id: str) -> list[OrderFacts]:
        return [o for o in self.orders if o.user_id == user_id]

    def order(self, order_id: str) -> OrderFacts | None:
        return self._orders.get(order_key(order_id))

    def order_ids_in(self, text: str) -> list[str]:
        """The shop's order ids ``text`` names, in the order they appear."""
        found = re.findall(r"#?\b[A-Za-z]?\d{5,}\b", text)
        out: list[str] = []
        for token in found:
            order = self._orders.get(order_key(token))
            if order is not None and order.order_id not in out:
                out.append(order.order_id)
        return out
