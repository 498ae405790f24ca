"""The demo shop's customers: who they are and what they secretly like.

Each user gets a tau2-bench-shaped identity (``noah_brown_6181``, an ``@example.com`` email, a
US address with a believable city/state/zip, 1-3 saved payment methods) and hidden preferences:
1-3 favourite categories with one clearly on top, favourite brands there, a price sensitivity
that becomes a price band per category, a shoe and clothing size, favourite colours, and how
often they wander off to other categories. The preferences are stored verbatim as
``HiddenTruth(entity="user")`` rows, because they are exactly what drives ``store.demo.behaviour``;
tests and the eval harness measure personalisation against them.

Not here: what users do (events, orders, reviews: ``store.demo.behaviour``), the catalog
(``store.demo.catalog``), writing rows to the database (``store.demo.generate``).
"""

from __future__ import annotations

import math
import random
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from tqdm import tqdm

from store.demo.behaviour import UniqueIds, simulate_user, timeline_end
from store.demo.types import Catalog, DemoConfig, People
from store.models import HiddenTruth, Item, PaymentMethod, PaymentSource, Product, User

# Split by the fit shoppers mostly buy (men's/women's sizes), so a name and its shoe sizes agree.
MEN_NAMES = (
    "Noah", "Liam", "Mason", "Ethan", "Lucas", "James", "Aarav", "Omar", "Mateo", "Yusuf",
    "Daniel", "Chen", "Diego", "Raj", "Ivan", "Kenji", "Malik", "Santiago", "Hiro", "Leo",
    "Elijah", "Sebastian", "Arjun", "Kwame", "Anton", "Mohamed", "Tariq", "Julian", "Dmitri",
    "Samuel", "Wei", "Felix", "Andre", "Gabriel", "Tomas", "Kofi", "Oscar", "Ali", "Victor",
    "Jamal", "Finn", "Hugo", "Ravi", "Emeka", "Luis", "Owen", "Yosef", "Marcus", "Benjamin",
)
WOMEN_NAMES = (
    "Emma", "Olivia", "Ava", "Sophia", "Isabella", "Mia", "Amelia", "Harper", "Evelyn",
    "Abigail", "Emily", "Ella", "Grace", "Chloe", "Zoe", "Lily", "Nora", "Layla", "Aisha",
    "Priya", "Fatima", "Mei", "Sofia", "Yara", "Ingrid", "Lucia", "Hana", "Camila", "Anya",
    "Nia", "Valentina", "Maya", "Leila", "Rosa", "Ines", "Freya", "Keisha", "Sara", "Elena",
    "Marta", "Aylin", "Naomi", "Clara", "Yuki", "Daria", "Amara", "Esther", "Lena", "Juliana",
)
LAST_NAMES = (
    "Brown", "Smith", "Johnson", "Garcia", "Martinez", "Lee", "Kim", "Nguyen", "Patel", "Singh",
    "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Thompson", "White",
    "Lopez", "Gonzalez", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen",
    "Wright", "Scott", "Torres", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Rivera",
    "Campbell", "Mitchell", "Carter", "Roberts", "Chen", "Wang", "Li", "Zhang", "Liu", "Khan",
    "Ahmed", "Ali", "Hassan", "Ibrahim", "Sato", "Suzuki", "Tanaka", "Ito", "Park", "Choi",
    "Rossi", "Ferrari", "Muller", "Schmidt", "Fischer", "Weber", "Novak", "Kowalski", "Ivanov",
    "Petrov", "Silva", "Santos", "Oliveira", "Costa", "Dubois", "Moreau", "Laurent", "Jensen",
    "Hansen", "Larsen", "Okafor", "Mensah", "Adeyemi", "Kumar", "Sharma", "Gupta", "Reyes",
    "Cruz", "Ortiz", "Morales", "Ramos", "Diaz", "Murphy", "Kelly", "Sullivan", "Walsh", "Cohen",
)
# (city, state, first three zip digits): real combinations, so a zip looks like it belongs.
CITIES = (
    ("New York", "NY", 100), ("Brooklyn", "NY", 112), ("Buffalo", "NY", 142),
    ("Los Angeles", "CA", 900), ("San Diego", "CA", 921), ("San Jose", "CA", 951),
    ("San Francisco", "CA", 941), ("Sacramento", "CA", 958), ("Chicago", "IL", 606),
    ("Houston", "TX", 770), ("Dallas", "TX", 752), ("Austin", "TX", 787),
    ("San Antonio", "TX", 782), ("Fort Worth", "TX", 761), ("Phoenix", "AZ", 850),
    ("Tucson", "AZ", 857), ("Philadelphia", "PA", 191), ("Pittsburgh", "PA", 152),
    ("Jacksonville", "FL", 322), ("Miami", "FL", 331), ("Orlando", "FL", 328),
    ("Tampa", "FL", 336), ("Columbus", "OH", 432), ("Cleveland", "OH", 441),
    ("Charlotte", "NC", 282), ("Raleigh", "NC", 276), ("Indianapolis", "IN", 462),
    ("Seattle", "WA", 981), ("Spokane", "WA", 992), ("Denver", "CO", 802),
    ("Boston", "MA", 21), ("Nashville", "TN", 372), ("Memphis", "TN", 381),
    ("Detroit", "MI", 482), ("Portland", "OR", 972), ("Las Vegas", "NV", 891),
    ("Louisville", "KY", 402), ("Baltimore", "MD", 212), ("Milwaukee", "WI", 532),
    ("Albuquerque", "NM", 871), ("Atlanta", "GA", 303), ("Minneapolis", "MN", 554),
    ("Kansas City", "MO", 641), ("Omaha", "NE", 681), ("Salt Lake City", "UT", 841),
    ("New Orleans", "LA", 701), ("Honolulu", "HI", 968), ("Anchorage", "AK", 995),
)
STREETS = (
    "Main Street", "Oak Street", "Maple Avenue", "Cedar Street", "Pine Lane", "Elm Street",
    "Park Avenue", "Lakeview Drive", "Sunset Drive", "River Road", "Hillside Avenue", "Broadway",
    "Washington Street", "Lincoln Avenue", "Highland Avenue", "Chestnut Street", "Willow Lane",
    "Spruce Street", "Laurel Lane", "Elm Avenue", "Jackson Street", "Adams Street",
)
CARD_BRANDS = ("visa", "mastercard", "amex", "discover")
SENSITIVITIES = ("budget", "mid", "premium")
# Price band per sensitivity, as quantiles of the category's prices.
BAND_QUANTILES = {"budget": (0.0, 0.4), "mid": (0.25, 0.75), "premium": (0.6, 1.0)}
CLOTHING_SIZES = ("XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL")
_SHOE_SIZE = re.compile(r"\d{1,2}(\.5)?")


def is_size_option(name: str) -> bool:
    return "size" in name.lower()


def is_color_option(name: str) -> bool:
    name = name.lower()
    return name in ("color", "colour") or name.endswith((" color", " colour"))


def fit_of(product: Product) -> str:
    """The product's men's/women's/unisex fit, "" when it has none."""
    value = (product.attributes or {}).get("gender", "")
    return value if isinstance(value, str) else ""


def size_kind(option: str, value: str) -> str:
    """ "shoe" for "10.5", "clothing" for "XL", "" for anything else (a "case size" of 40mm)."""
    if not is_size_option(option):
        return ""
    if _SHOE_SIZE.fullmatch(value) and 4 <= float(value) <= 16:
        return "shoe"
    return "clothing" if value in CLOTHING_SIZES else ""


def _ascending(values: set[str]) -> tuple[str, ...]:
    if all(v in CLOTHING_SIZES for v in values):
        return tuple(v for v in CLOTHING_SIZES if v in values)
    return tuple(sorted(values, key=float))


@dataclass(frozen=True)
class Shelf:
    """One category's products, pre-grouped so picking one is O(1), not a catalog scan."""

    leaf: str
    products: tuple[Product, ...]
    by_brand: Mapping[str, tuple[Product, ...]]
    bands: Mapping[str, tuple[float, float]]  # sensitivity -> (low, high) price
    in_band: Mapping[str, tuple[Product, ...]]  # sensitivity -> products priced in its band
    brand_in_band: Mapping[tuple[str, str], tuple[Product, ...]]  # (brand, sensitivity) -> ...
    brands_by_price: tuple[str, ...]  # cheapest typical price first


@dataclass(frozen=True)
class ShopIndex:
    """The catalog as shoppers meet it: shelves per category, buyable items, sizes, colours."""

    leaves: tuple[str, ...]  # catalog order
    shelves: Mapping[str, Shelf]
    items: Mapping[str, tuple[Item, ...]]  # product_id -> available items
    quality: Mapping[str, float]
    sizes: Mapping[tuple[str, str], tuple[str, ...]]  # (shoe|clothing, fit) -> ascending
    colors: tuple[str, ...]  # most common first

    def size_range(self, kind: str, fit: str) -> tuple[str, ...]:
        return self.sizes.get((kind, fit)) or self.sizes.get((kind, "")) or ()


def _quantile(sorted_values: Sequence[float], q: float) -> float:
    return sorted_values[min(int(q * len(sorted_values)), len(sorted_values) - 1)]


def _shelf(leaf: str, products: list[Product]) -> Shelf:
    prices = sorted(p.price for p in products)
    bands = {
        s: (round(_quantile(prices, lo), 2), round(_quantile(prices, hi), 2))
        for s, (lo, hi) in BAND_QUANTILES.items()
    }
    by_brand: dict[str, list[Product]] = defaultdict(list)
    for p in products:
        by_brand[p.brand].append(p)
    in_band = {
        s: tuple(p for p in products if lo <= p.price <= hi) for s, (lo, hi) in bands.items()
    }
    brand_in_band = {
        (brand, s): tuple(p for p in group if lo <= p.price <= hi)
        for brand, group in by_brand.items()
        for s, (lo, hi) in bands.items()
    }
    typical = {b: sorted(p.price for p in g)[len(g) // 2] for b, g in by_brand.items()}
    return Shelf(
        leaf=leaf,
        products=tuple(products),
        by_brand={b: tuple(g) for b, g in by_brand.items()},
        bands=bands,
        in_band=in_band,
        brand_in_band=brand_in_band,
        brands_by_price=tuple(sorted(typical, key=lambda b: (typical[b], b))),
    )


def build_index(catalog: Catalog) -> ShopIndex:
    by_leaf: dict[str, list[Product]] = defaultdict(list)
    for product in catalog.products:
        by_leaf[product.category_leaf].append(product)
    fits = {p.product_id: fit_of(p) for p in catalog.products}
    items: dict[str, list[Item]] = defaultdict(list)
    sizes: dict[tuple[str, str], set[str]] = defaultdict(set)
    colors: Counter[str] = Counter()
    for item in catalog.items:
        if not item.available:
            continue
        items[item.product_id].append(item)
        for name, value in (item.options or {}).items():
            value = str(value)
            kind = size_kind(name, value)
            if kind:
                sizes[kind, fits.get(item.product_id, "")].add(value)
                sizes[kind, ""].add(value)
            elif is_color_option(name):
                colors[value] += 1
    return ShopIndex(
        leaves=tuple(by_leaf),
        shelves={leaf: _shelf(leaf, group) for leaf, group in by_leaf.items()},
        items={pid: tuple(group) for pid, group in items.items()},
        quality=catalog.quality,
        sizes={key: _ascending(values) for key, values in sizes.items()},
        colors=tuple(sorted(colors, key=lambda c: (-colors[c], c))),
    )


@dataclass(frozen=True)
class Prefs:
    """What a user secretly likes; ``to_dict`` is the HiddenTruth payload, verbatim."""

    categories: tuple[tuple[str, float], ...]  # favourite leaves, weights sum to 1, top first
    brands: Mapping[str, tuple[str, ...]]  # leaf -> favourite brands there
    price_sensitivity: str  # budget | mid | premium
    price_bands: Mapping[str, tuple[float, float]]  # leaf -> (low, high) the user is happy with
    fit: str  # "men's" or "women's": the products (and size runs) the user buys
    shoe_size: str | None
    clothing_size: str | None
    colors: tuple[str, ...]  # favourite first
    exploration: float  # share of sessions spent in other categories
    sessions: int  # how active the user is

    @property
    def top_category(self) -> str:
        return self.categories[0][0]

    def wears(self, product: Product) -> bool:
        return fit_of(product) in ("", "unisex", self.fit)

    def likes(self, product: Product) -> bool:
        """A favourite-category product from a favourite brand or in the user's price band."""
        band = self.price_bands.get(product.category_leaf)
        if band is None or not self.wears(product):
            return False
        brands = self.brands.get(product.category_leaf, ())
        return product.brand in brands or band[0] <= product.price <= band[1]

    def item_fit(self, options: Mapping[str, Any] | None) -> int | None:
        """None when the item is not in the user's size, else how much its colour appeals."""
        score = 0
        for name, raw in (options or {}).items():
            value = str(raw)
            kind = size_kind(name, value)
            wanted = {"shoe": self.shoe_size, "clothing": self.clothing_size}.get(kind)
            if kind and value != wanted:
                return None
            if is_color_option(name) and value in self.colors:
                score += 2 if value == self.colors[0] else 1
        return score

    def to_dict(self) -> dict[str, Any]:
        return {
            "categories": [{"leaf": leaf, "weight": w} for leaf, w in self.categories],
            "top_category": self.top_category,
            "brands": {leaf: list(b) for leaf, b in self.brands.items()},
            "price_sensitivity": self.price_sensitivity,
            "price_bands": {leaf: list(band) for leaf, band in self.price_bands.items()},
            "fit": self.fit,
            "sizes": {"shoe": self.shoe_size, "clothing": self.clothing_size},
            "colors": list(self.colors),
            "exploration": self.exploration,
            "sessions": self.sessions,
        }


def _category_weights(rng: random.Random, count: int) -> list[float]:
    # The top category dominates for most users, so "what they like" is unambiguous.
    if count == 1:
        return [1.0]
    top = rng.uniform(0.6, 0.8) if count == 2 else rng.uniform(0.5, 0.7)
    if count == 2:
        return [round(top, 3), round(1 - top, 3)]
    second = (1 - top) * rng.uniform(0.55, 0.75)
    return [round(top, 3), round(second, 3), round(1 - top - second, 3)]


def _size(rng: random.Random, values: Sequence[str]) -> str | None:
    """A size near the middle of the run, as real shoppers' sizes cluster."""
    if not values:
        return None
    pos = min(max(rng.gauss(0.5, 0.2), 0.0), 0.999)
    return values[int(pos * len(values))]


def make_prefs(rng: random.Random, index: ShopIndex, fit: str) -> Prefs:
    leaves = list(index.leaves)
    # Bigger categories have more fans, but not proportionally more.
    popularity = [math.sqrt(len(index.shelves[leaf].products)) for leaf in leaves]
    count = min(rng.choices((1, 2, 3), weights=(0.3, 0.45, 0.25))[0], len(leaves))
    chosen: list[str] = []
    while len(chosen) < count:
        leaf = rng.choices(leaves, weights=popularity)[0]
        if leaf not in chosen:
            chosen.append(leaf)
    sensitivity = rng.choices(SENSITIVITIES, weights=(0.35, 0.4, 0.25))[0]
    brands: dict[str, tuple[str, ...]] = {}
    for leaf in chosen:
        # Brands ordered by typical price: budget shoppers favour the cheap end, and so on.
        ranked = index.shelves[leaf].brands_by_price
        third = max(1, len(ranked) // 3)
        start = {"budget": 0, "mid": third, "premium": max(0, len(ranked) - third)}[sensitivity]
        pool = list(ranked[start:start + third]) or list(ranked)
        brands[leaf] = tuple(rng.sample(pool, min(len(pool), rng.choice((1, 1, 2)))))
    palette = index.colors[:8]
    return Prefs(
        categories=tuple(zip(chosen, _category_weights(rng, count), strict=True)),
        brands=brands,
        price_sensitivity=sensitivity,
        price_bands={leaf: index.shelves[leaf].bands[sensitivity] for leaf in chosen},
        fit=fit,
        shoe_size=_size(rng, index.size_range("shoe", fit)),
        clothing_size=_size(rng, index.size_range("clothing", fit)),
        colors=tuple(rng.sample(palette, min(2, len(palette)))),
        exploration=round(rng.uniform(0.18, 0.3), 3),
        sessions=rng.randint(8, 22),
    )


def make_user(rng: random.Random, ids: UniqueIds, seq: int, fit: str) -> User:
    first = rng.choice(MEN_NAMES if fit == "men's" else WOMEN_NAMES)
    last = rng.choice(LAST_NAMES)
    user_id = ids.draw(f"{first.lower()}_{last.lower()}_", 4)
    city, state, zip3 = rng.choice(CITIES)
    zip_code = f"{zip3:03d}{rng.randint(1, 99):02d}"
    address = {
        "address1": f"{rng.randint(100, 999)} {rng.choice(STREETS)}",
        "address2": f"Suite {rng.randint(100, 999)}",
        "city": city,
        "country": "USA",
        "state": state,
        "zip": zip_code,
    }
    return User(
        user_id=user_id,
        first_name=first,
        last_name=last,
        email=f"{first.lower()}.{last.lower()}{rng.randint(1000, 9999)}@example.com",
        zip=zip_code,
        address=address,
        seq=seq,
    )


def make_payment_methods(
    rng: random.Random, ids: UniqueIds, user_id: str, seq: int
) -> list[PaymentMethod]:
    count = rng.choices((1, 2, 3), weights=(0.55, 0.35, 0.1))[0]
    # The first method is never a gift card, so every user can pay for any order.
    sources = [rng.choices((PaymentSource.CREDIT_CARD, PaymentSource.PAYPAL), (0.7, 0.3))[0]]
    while len(sources) < count:
        source = rng.choice(list(PaymentSource))
        if source != PaymentSource.PAYPAL or PaymentSource.PAYPAL not in sources:
            sources.append(source)
    methods = []
    for i, source in enumerate(sources):
        card = source == PaymentSource.CREDIT_CARD
        methods.append(PaymentMethod(
            id=ids.draw(f"{source.value}_", 7),
            user_id=user_id,
            source=source.value,
            brand=rng.choice(CARD_BRANDS) if card else None,
            last_four=f"{rng.randint(0, 9999):04d}" if card else None,
            balance=float(rng.randint(0, 300)) if source == PaymentSource.GIFT_CARD else None,
            seq=seq + i,
        ))
    return methods


def generate_people(config: DemoConfig, catalog: Catalog, progress: bool = False) -> People:
    """Users, their payment methods, hidden preferences and everything they did in the shop."""
    index = build_index(catalog)
    ids = UniqueIds(random.Random(f"{config.seed}:people:ids"))
    end = timeline_end()
    people = People(
        users=[], payment_methods=[], events=[], orders=[], order_items=[], reviews=[], truths=[]
    )
    for n in tqdm(range(config.users), desc="people", unit="user", disable=not progress):
        # One generator per user: adding users never changes the ones already made.
        rng = random.Random(f"{config.seed}:people:{n}")
        fit = rng.choice(("men's", "women's"))
        user = make_user(rng, ids, n, fit)
        methods = make_payment_methods(rng, ids, user.user_id, len(people.payment_methods))
        prefs = make_prefs(rng, index, fit)
        activity = simulate_user(rng, user, methods, prefs, index, ids)
        first_seen = min((e.ts for e in activity.events), default=end)
        user.created_at = first_seen - timedelta(days=rng.randint(1, 720))
        people.users.append(user)
        people.payment_methods.extend(methods)
        people.events.extend(activity.events)
        people.orders.extend(activity.orders)
        people.order_items.extend(activity.order_items)
        people.reviews.extend(activity.reviews)
        people.truths.append(
            HiddenTruth(entity="user", entity_id=user.user_id, data=prefs.to_dict())
        )
    # Order seq follows creation time across the whole shop, as a real shop's would.
    people.orders.sort(key=lambda o: (o.created_at, o.order_id))
    for seq, order in enumerate(people.orders):
        order.seq = seq
    return people
