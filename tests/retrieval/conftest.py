"""Retrieval fixtures: a small hand-made shop, Chroma clients (embedded and a real server).

The shop has 60 products over 5 categories with attributes, variants (options, prices,
availability), reviews and 4 help articles; it is built from a seeded ``random.Random`` so
every run is the same. The Chroma server fixture starts ``chroma run`` on a free loopback
port once per session; index fixtures are parametrised over ``persistent`` and ``server`` so
the same tests exercise both clients.
"""

from __future__ import annotations

import random
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from chromadb.api import ClientAPI

from retrieval.embedder import HashEmbedder
from retrieval.help import HelpIndex
from retrieval.index import ProductIndex, open_chroma
from store.db import Store
from store.models import HelpArticle, Item, Product, Review

# leaf, department, noun, brands, attribute makers, options, base price
CATEGORIES: list[dict[str, Any]] = [
    {
        "leaf": "Running Shoes",
        "dept": "Sports & Outdoors",
        "noun": "Running Shoe",
        "brands": ["Stride", "Pacer", "Northpeak"],
        "price": 90.0,
        "attrs": lambda r: {
            "waterproof": r.random() < 0.4,
            "terrain": r.choice(["road", "trail"]),
            "weight_g": r.choice([220, 260, 300]),
        },
        "options": {"size": ["7", "8", "9", "10", "11", "12"], "color": ["Black", "White", "Red"]},
    },
    {
        "leaf": "Headphones",
        "dept": "Electronics",
        "noun": "Headphones",
        "brands": ["Sonara", "Bassline", "Quietude"],
        "price": 120.0,
        "attrs": lambda r: {
            "wireless": r.random() < 0.7,
            "noise_cancelling": r.random() < 0.5,
            "battery_hours": r.choice([20, 30, 40]),
        },
        "options": {"color": ["Black", "Silver", "Blue"]},
    },
    {
        "leaf": "Coffee Makers",
        "dept": "Home & Kitchen",
        "noun": "Coffee Maker",
        "brands": ["Brewmaster", "Crema", "Morning Co"],
        "price": 150.0,
        "attrs": lambda r: {
            "type": r.choice(["espresso", "drip", "french press"]),
            "capacity_cups": r.choice([4, 8, 12]),
        },
        "options": {"color": ["Black", "Stainless Steel"]},
    },
    {
        "leaf": "Laptops",
        "dept": "Computers",
        "noun": "Laptop",
        "brands": ["Voltix", "Arcbook", "Lumen"],
        "price": 900.0,
        "attrs": lambda r: {
            "screen_size": r.choice([13.3, 14.0, 15.6]),
            "ram_gb": r.choice([8, 16]),
            "features": r.sample(["backlit keyboard", "touchscreen", "fingerprint"], 2),
        },
        "options": {"storage": ["256GB", "512GB", "1TB"]},
    },
    {
        "leaf": "Tents",
        "dept": "Sports & Outdoors",
        "noun": "Tent",
        "brands": ["Northpeak", "Campwise", "Summit"],
        "price": 200.0,
        "attrs": lambda r: {
            "capacity": r.choice([1, 2, 4]),
            "season": r.choice(["3-season", "4-season"]),
        },
        "options": {"color": ["Green", "Orange"]},
    },
]

DESCRIPTIONS = {
    "Running Shoes": "A cushioned shoe for daily runs, with a breathable mesh upper.",
    "Headphones": "Over-ear headphones with rich sound for music and calls.",
    "Coffee Makers": "Brews coffee at home in minutes; easy to clean.",
    "Laptops": "A portable computer for work and study with all-day battery.",
    "Tents": "A shelter for camping trips that pitches in five minutes.",
}

HELP_ARTICLES = [
    (
        "returns",
        "Returns and refunds",
        "policy",
        "# Returns and refunds\n\nYou can return delivered items within 30 days.\n\n"
        "## How to return\n\nStart a return from your order page and choose a refund method. "
        "Refunds go back to the original payment method or a gift card.\n\n"
        "## Exceptions\n\nOpened software and gift cards cannot be returned.",
    ),
    (
        "shipping",
        "Shipping times and costs",
        "shipping",
        "# Shipping\n\nStandard shipping takes 3 to 5 business days and is free over $50.\n\n"
        "## Express\n\nExpress delivery arrives the next business day for $15.",
    ),
    (
        "exchange",
        "Exchanging an item",
        "policy",
        "# Exchanges\n\nA delivered item can be exchanged for another size or colour of the same "
        "product. The price difference is charged or refunded.\n\n"
        "## Pending orders\n\nItems in a pending order can be modified instead of exchanged.",
    ),
    (
        "account",
        "Changing your address",
        "account",
        "# Address\n\nUpdate your default address in account settings. Pending orders keep the "
        "address they were placed with unless you change it on the order.",
    ),
]


def make_shop(store: Store, seed: int = 3, per_category: int = 12) -> None:
    """Insert the hand-made shop (60 products by default) into an empty store."""
    rng = random.Random(f"{seed}:retrieval-shop")
    products: list[Product] = []
    items: list[Item] = []
    reviews: list[Review] = []
    seq = 0
    for cat in CATEGORIES:
        for n in range(per_category):
            pid = f"{cat['leaf'][:3].lower()}{n:02d}"
            brand = cat["brands"][n % 3]
            attrs = cat["attrs"](rng)
            variants: list[tuple[dict[str, str], float, bool]] = []
            names = list(cat["options"])
            for _ in range(rng.randint(1, 4)):
                opts = {k: rng.choice(cat["options"][k]) for k in names}
                if all(v[0] != opts for v in variants):
                    price = round(cat["price"] * rng.uniform(0.5, 1.6), 2)
                    variants.append((opts, price, rng.random() < 0.75))
            if n == 11:
                variants = []  # a product without variants
            title = f"{brand} Model {n} {cat['noun']}"
            prices = [p for _, p, _ in variants] or [cat["price"]]
            rating_count = rng.randint(0, 6)
            ratings = [rng.randint(1, 5) for _ in range(rating_count)]
            products.append(
                Product(
                    product_id=pid,
                    title=title,
                    description=DESCRIPTIONS[cat["leaf"]],
                    brand=brand,
                    product_type=cat["leaf"],
                    category=f"{cat['dept']} > {cat['leaf']}",
                    category_leaf=cat["leaf"],
                    price=min(prices),
                    rating_avg=sum(ratings) / len(ratings) if ratings else 0.0,
                    rating_count=rating_count,
                    attributes=attrs,
                    seq=seq,
                )
            )
            seq += 1
            for i, (opts, price, available) in enumerate(variants):
                items.append(
                    Item(
                        item_id=f"{pid}-{i}",
                        product_id=pid,
                        options=opts,
                        price=price,
                        available=available,
                        seq=i,
                    )
                )
            reviews.extend(
                Review(product_id=pid, rating=r, text="Works as described.") for r in ratings
            )
    articles = [
        HelpArticle(article_id=a, title=t, topic=tp, body=b) for a, t, tp, b in HELP_ARTICLES
    ]
    with store.session() as session:
        session.add_all(products)
        session.flush()
        session.add_all([*items, *reviews, *articles])


@pytest.fixture(scope="session")
def shop_maker() -> Callable[[Store], None]:
    """``make_shop`` for fixtures that need the shop on another store or scope."""
    return make_shop


@pytest.fixture
def shop(sqlite_store: Store) -> Store:
    make_shop(sqlite_store)
    return sqlite_store


@pytest.fixture
def embedder() -> HashEmbedder:
    return HashEmbedder(dim=64)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _chroma_executable() -> str | None:
    local = Path(sys.executable).parent / "chroma"
    return str(local) if local.exists() else shutil.which("chroma")


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a real ``chroma run`` server on loopback, for the whole session."""
    exe = _chroma_executable()
    if exe is None:
        pytest.skip("the `chroma` executable (installed with chromadb) was not found")
    port = _free_port()
    folder = tmp_path_factory.mktemp("chroma-server")
    log = (folder / "server.log").open("wb")
    proc = subprocess.Popen(
        [exe, "run", "--path", str(folder / "data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"chroma server did not start; see {folder / 'server.log'}")
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(params=["persistent", "server"])
def chroma_client(request: pytest.FixtureRequest, tmp_path: Path) -> ClientAPI:
    """The same test against the embedded client and a real Chroma server."""
    if request.param == "server":
        return open_chroma(url=request.getfixturevalue("chroma_server"))
    return open_chroma(path=tmp_path / "chroma")


@pytest.fixture
def product_index(chroma_client: ClientAPI) -> Iterator[ProductIndex]:
    # A unique name keeps tests apart on the shared server.
    index = ProductIndex(chroma_client, name=f"products-{uuid.uuid4().hex[:8]}")
    yield index
    index.drop()


@pytest.fixture
def help_index(chroma_client: ClientAPI) -> Iterator[HelpIndex]:
    index = HelpIndex(chroma_client, name=f"help-{uuid.uuid4().hex[:8]}")
    yield index
    index.drop()
