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

from store.demo.behaviour import RowMakers, UniqueIds, simulate_user
from store.demo.catalog import DEMO_AS_OF, paused_gc
from store.demo.types import Catalog, DemoConfig, People
from store.models import HiddenTruth, Item, PaymentMethod, PaymentSource, Product, User

# Split by the fit shoppers mostly buy (men's/women's sizes), so a name and its shoe sizes agree.
MEN_NAMES = (
    "Noah",
    "Liam",
    "Mason",
    "Ethan",
    "Lucas",
    "James",
    "Aarav",
    "Omar",
    "Mateo",
    "Yusuf",
    "Daniel",
    "Chen",
    "Diego",
    "Raj",
    "Ivan",
    "Kenji",
    "Malik",
    "Santiago",
    "Hiro",
    "Leo",
    "Elijah",
    "Sebastian",
    "Arjun",
    "Kwame",
    "Anton",
    "Mohamed",
    "Tariq",
    "Julian",
    "Dmitri",
    "Samuel",
    "Wei",
    "Felix",
    "Andre",
    "Gabriel",
    "Tomas",
    "Kofi",
    "Oscar",
    "Ali",
    "Victor",
    "Jamal",
    "Finn",
    "Hugo",
    "Ravi",
    "Emeka",
    "Luis",
    "Owen",
    "Yosef",
    "Marcus",
    "Benjamin",
)
WOMEN_NAMES = (
    "Emma",
    "Olivia",
    "Ava",
    "Sophia",
    "Isabella",
    "Mia",
    "Amelia",
    "Harper",
    "Evelyn",
    "Abigail",
    "Emily",
    "Ella",
    "Grace",
    "Chloe",
    "Zoe",
    "Lily",
    "Nora",
    "Layla",
    "Aisha",
    "Priya",
    "Fatima",
    "Mei",
    "Sofia",
    "Yara",
    "Ingrid",
    "Lucia",
    "Hana",
    "Camila",
    "Anya",
    "Nia",
    "Valentina",
    "Maya",
    "Leila",
    "Rosa",
    "Ines",
    "Freya",
    "Keisha",
    "Sara",
    "Elena",
    "Marta",
    "Aylin",
    "Naomi",
    "Clara",
    "Yuki",
    "Daria",
    "Amara",
    "Esther",
    "Lena",
    "Juliana",
)
LAST_NAMES = (
    "Brown",
    "Smith",
    "Johnson",
    "Garcia",
    "Martinez",
    "Lee",
    "Kim",
    "Nguyen",
    "Patel",
    "Singh",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Thompson",
    "White",
    "Lopez",
    "Gonzalez",
    "Harris",
    "Clark",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "Wright",
    "Scott",
    "Torres",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Chen",
    "Wang",
    "Li",
    "Zhang",
    "Liu",
    "Khan",
    "Ahmed",
    "Ali",
    "Hassan",
    "Ibrahim",
    "Sato",
    "Suzuki",
    "Tanaka",
    "Ito",
    "Park",
    "Choi",
    "Rossi",
    "Ferrari",
    "Muller",
    "Schmidt",
    "Fischer",
    "Weber",
    "Novak",
    "Kowalski",
    "Ivanov",
    "Petrov",
    "Silva",
    "Santos",
    "Oliveira",
    "Costa",
    "Dubois",
    "Moreau",
    "Laurent",
    "Jensen",
    "Hansen",
    "Larsen",
    "Okafor",
    "Mensah",
    "Adeyemi",
    "Kumar",
    "Sharma",
    "Gupta",
    "Reyes",
    "Cruz",
    "Ortiz",
    "Morales",
    "Ramos",
    "Diaz",
    "Murphy",
    "Kelly",
    "Sullivan",
    "Walsh",
    "Cohen",
)
# (city, state, first three zip digits): real combinations, so a zip looks like it belongs.
CITIES = (
    ("New York", "NY", 100),
    ("Brooklyn", "NY", 112),
    ("Buffalo", "NY", 142),
    ("Los Angeles", "CA", 900),
    ("San Diego", "CA", 921),
    ("San Jose", "CA", 951),
    ("San Francisco", "CA", 941),
    ("Sacramento", "CA", 958),
    ("Chicago", "IL", 606),
    ("Houston", "TX", 770),
    ("Dallas", "TX", 752),
    ("Austin", "TX", 787),
    ("San Antonio", "TX", 782),
    ("Fort Worth", "TX", 761),
    ("Phoenix", "AZ", 850),
    ("Tucson", "AZ", 857),
    ("Philadelphia", "PA", 191),
    ("Pittsburgh", "PA", 152),
    ("Jacksonville", "FL", 322),
    ("Miami", "FL", 331),
    ("Orlando", "FL", 328),
    ("Tampa", "FL", 336),
    ("Columbus", "OH", 432),
    ("Cleveland", "OH", 441),
    ("Charlotte", "NC", 282),
    ("Raleigh", "NC", 276),
    ("Indianapolis", "IN", 462),
    ("Seattle", "WA", 981),
    ("Spokane", "WA", 992),
    ("Denver", "CO", 802),
    ("Boston", "MA", 21),
    ("Nashville", "TN", 372),
    ("Memphis", "TN", 381),
    ("Detroit", "MI", 482),
    ("Portland", "OR", 972),
    ("Las Vegas", "NV", 891),
    ("Louisville", "KY", 402),
    ("Baltimore", "MD", 212),
    ("Milwaukee", "WI", 532),
    ("Albuquerque", "NM", 871),
    ("Atlanta", "GA", 303),
    ("Minneapolis", "MN", 554),
    ("Kansas City", "MO", 641),
    ("Omaha", "NE", 681),
    ("Salt Lake City", "UT", 841),
    ("New Orleans", "LA", 701),
    ("Honolulu", "HI", 968),
    ("Anchorage", "AK", 995),
)
STREETS = (
    "Main Street",
    "Oak Street",
    "Maple Avenue",
    "Cedar Street",
    "Pine Lane",
    "Elm Street",
    "Park Avenue",
    "Lakeview Drive",
    "Sunset Drive",
    "River Road",
    "Hillside Avenue",
    "Broadway",
    "Washington Street",
    "Lincoln Avenue",
    "Highland Avenue",
    "Chestnut Street",
    "Willow Lane",
    "Spruce Street",
    "Laurel Lane",
    "Elm Avenue",
    "Jackson Street",
    "Adams Street",
)
CARD_BRANDS = ("visa", "mastercard", "amex", "discover")
SENSITIVITIES = ("budget", "mid", "premium")
# Price band per sensitivity, as quantiles of the category's prices.
BAND_QUANTILES = {"budget": (0.0, 0.4), "mid": (0.25, 0.75), "premium": (0.6, 1.0)}
CLOTHING_SIZES = ("XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL")
_SHOE_SIZE = re.compile(r"\d{1,2}(\.5)?")


def is_size_option(name: str) -> bool:
    # Not "screen size" or "case size": those are product specs, not what fits the body.
    return name.lower() in ("size", "shoe size", "clothing size")


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


# The simulation reads products and items ~100 times per user; SQLModel's instrumented
# attributes cost ~0.5 µs a read, so what it needs is copied once into plain slotted records.
@dataclass(frozen=True, slots=True, eq=False)  # identity: comparing rows field by field is slow
class Variant:
    """An available item, with the sizes and colours that decide whether a user buys it."""

    item: Item
    item_id: str
    price: float
    options: Mapping[str, Any]
    sizes: tuple[tuple[str, str], ...]  # (shoe|clothing, value)
    colors: tuple[str, ...]


@dataclass(frozen=True, slots=True, eq=False)
class Offer:
    """A product as shoppers meet it: its listing facts, hidden quality and buyable variants."""

    product: Product
    product_id: str
    leaf: str
    brand: str
    price: float
    fit: str
    quality: float
    variants: tuple[Variant, ...]


@dataclass(frozen=True)
class Shelf:
    """One category's offers, pre-grouped so picking one is O(1), not a catalog scan."""

    leaf: str
    offers: tuple[Offer, ...]
    by_brand: Mapping[str, tuple[Offer, ...]]
    bands: Mapping[str, tuple[float, float]]  # sensitivity -> (low, high) price
    in_band: Mapping[str, tuple[Offer, ...]]  # sensitivity -> offers priced in its band
    brand_in_band: Mapping[tuple[str, str], tuple[Offer, ...]]  # (brand, sensitivity) -> ...
    brands_by_price: tuple[str, ...]  # cheapest typical price first


@dataclass(frozen=True)
class ShopIndex:
    """The catalog as shoppers meet it: shelves per category, size runs, colours."""

    leaves: tuple[str, ...]  # catalog order
    shelves: Mapping[str, Shelf]
    sizes: Mapping[tuple[str, str], tuple[str, ...]]  # (shoe|clothing, fit) -> ascending
    colors: tuple[str, ...]  # most common first

    def size_range(self, kind: str, fit: str) -> tuple[str, ...]:
        return self.sizes.get((kind, fit)) or self.sizes.get((kind, "")) or ()


def _quantile(sorted_values: Sequence[float], q: float) -> float:
    return sorted_values[min(int(q * len(sorted_values)), len(sorted_values) - 1)]


def _shelf(leaf: str, offers: list[Offer]) -> Shelf:
    prices = sorted(o.price for o in offers)
    bands = {
        s: (round(_quantile(prices, lo), 2), round(_quantile(prices, hi), 2))
        for s, (lo, hi) in BAND_QUANTILES.items()
    }
    by_brand: dict[str, list[Offer]] = defaultdict(list)
    for o in offers:
        by_brand[o.brand].append(o)
    in_band = {s: tuple(o for o in offers if lo <= o.price <= hi) for s, (lo, hi) in bands.items()}
    brand_in_band = {
        (brand, s): tuple(o for o in group if lo <= o.price <= hi)
        for brand, group in by_brand.items()
        for s, (lo, hi) in bands.items()
    }
    typical = {b: sorted(o.price for o in g)[len(g) // 2] for b, g in by_brand.items()}
    return Shelf(
        leaf=leaf,
        offers=tuple(offers),
        by_brand={b: tuple(g) for b, g in by_brand.items()},
        bands=bands,
        in_band=in_band,
        brand_in_band=brand_in_band,
        brands_by_price=tuple(sorted(typical, key=lambda b: (typical[b], b))),
    )


def _variants(catalog: Catalog) -> dict[str, list[Variant]]:
    variants: dict[str, list[Variant]] = defaultdict(list)
    kinds: dict[tuple[str, str], str] = {}  # a catalog repeats few (option, value) pairs
    for item in catalog.items:
        if not item.available:
            continue
        options = item.options or {}
        sizes: list[tuple[str, str]] = []
        colors: list[str] = []
        for name, raw in options.items():
            value = str(raw)
            kind = kinds.get((name, value))
            if kind is None:
                kind = size_kind(name, value) or ("color" if is_color_option(name) else "")
                kinds[name, value] = kind
            if kind == "color":
                colors.append(value)
            elif kind:
                sizes.append((kind, value))
        variants[item.product_id].append(
            Variant(item, item.item_id, item.price, options, tuple(sizes), tuple(colors))
        )
    return variants


def build_index(catalog: Catalog) -> ShopIndex:
    variants = _variants(catalog)
    by_leaf: dict[str, list[Offer]] = defaultdict(list)
    sizes: dict[tuple[str, str], set[str]] = defaultdict(set)
    colors: Counter[str] = Counter()
    for p in catalog.products:
        offer = Offer(
            p,
            p.product_id,
            p.category_leaf,
            p.brand,
            p.price,
            fit_of(p),
            catalog.quality.get(p.product_id, 0.5),
            tuple(variants.get(p.product_id, ())),
        )
        by_leaf[offer.leaf].append(offer)
        for variant in offer.variants:
            for kind, value in variant.sizes:
                sizes[kind, offer.fit].add(value)
                sizes[kind, ""].add(value)
            colors.update(variant.colors)
    return ShopIndex(
        leaves=tuple(by_leaf),
        shelves={leaf: _shelf(leaf, group) for leaf, group in by_leaf.items()},
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

    def wears(self, offer: Offer) -> bool:
        return offer.fit in ("", "unisex", self.fit)

    def likes(self, offer: Offer) -> bool:
        """A favourite-category product from a favourite brand or in the user's price band."""
        band = self.price_bands.get(offer.leaf)
        if band is None or not self.wears(offer):
            return False
        return offer.brand in self.brands.get(offer.leaf, ()) or band[0] <= offer.price <= band[1]

    def item_fit(self, variant: Variant) -> int | None:
        """None when the item is not in the user's size, else how much its colour appeals."""
        for kind, value in variant.sizes:
            if value != (self.shoe_size if kind == "shoe" else self.clothing_size):
                return None
        return sum(2 if c == self.colors[0] else 1 for c in variant.colors if c in self.colors)

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
    top = rng.uniform(0.65, 0.85) if count == 2 else rng.uniform(0.55, 0.75)
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
    popularity = [math.sqrt(len(index.shelves[leaf].offers)) for leaf in leaves]
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
        pool = list(ranked[start : start + third]) or list(ranked)
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
        methods.append(
            PaymentMethod(
                id=ids.draw(f"{source.value}_", 7),
                user_id=user_id,
                source=source.value,
                brand=rng.choice(CARD_BRANDS) if card else None,
                last_four=f"{rng.randint(0, 9999):04d}" if card else None,
                balance=float(rng.randint(0, 300)) if source == PaymentSource.GIFT_CARD else None,
                seq=seq + i,
            )
        )
    return methods


def generate_people(config: DemoConfig, catalog: Catalog, progress: bool = False) -> People:
    """Users, their payment methods, hidden preferences and everything they did in the shop."""
    with paused_gc():
        return _generate(config, catalog, progress)


def _generate(config: DemoConfig, catalog: Catalog, progress: bool) -> People:
    index = build_index(catalog)
    ids = UniqueIds(random.Random(f"{config.seed}:people:ids"))
    rows = RowMakers()
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
        activity = simulate_user(rng, user, methods, prefs, index, ids, rows)
        first_seen = min((e.ts for e in activity.events), default=DEMO_AS_OF)
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
