"""Reading constraints from a shopper's words against a hand-made catalog, merging them over
turns, the retrieval filter they become, and the in-code re-check of a product."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.documents import ItemRecord, ProductRecord
from retrieval.filters import FilterTable
from store.db import open_store, sqlite_url
from store.importers.tau2 import import_tau2
from tools.checks import matching_items, violations
from tools.constraints import (
    Constraints,
    ParsedConstraints,
    merge_constraints,
    parse_constraints,
    to_filter,
)
from tools.phrases import parse_phrases
from tools.vocabulary import CatalogVocabulary, noun_forms

Variant = tuple[dict[str, str], float, bool]


def _record(
    pid: str,
    leaf: str,
    brand: str,
    attrs: dict[str, object],
    variants: list[Variant],
    dept: str = "Dept",
) -> ProductRecord:
    items = tuple(
        ItemRecord(f"{pid}-{i}", opts, price, ok) for i, (opts, price, ok) in enumerate(variants)
    )
    return ProductRecord(
        pid,
        f"{brand} {pid} {leaf}",
        "",
        brand,
        leaf,
        f"{dept} > {leaf}",
        leaf,
        min(p for _, p, _ in variants),
        4.0,
        10,
        attrs,
        items,
    )


RECORDS = [
    _record(
        "rs1",
        "Running Shoes",
        "Paceline",
        {"waterproof": False, "terrain": "road"},
        [
            ({"size": "10", "width": "wide", "color": "Black"}, 89.99, True),
            ({"size": "10.5", "width": "standard", "color": "Black"}, 120.0, True),
        ],
        "Clothing & Shoes",
    ),
    _record(
        "rs2",
        "Running Shoes",
        "Stridewell",
        {"waterproof": True, "terrain": "trail"},
        [({"size": "9", "width": "standard", "color": "Navy"}, 110.0, False)],
        "Clothing & Shoes",
    ),
    _record(
        "ts1",
        "T-Shirts",
        "Basics Co",
        {"sleeve": "short sleeve"},
        [
            ({"size": "XL", "color": "Navy"}, 19.0, True),
            ({"size": "M", "color": "Black"}, 19.0, True),
        ],
        "Clothing & Shoes",
    ),
    _record(
        "hp1",
        "Headphones",
        "Sonara",
        {"wireless": True, "noise_cancelling": True},
        [({"color": "Black"}, 149.0, True)],
        "Electronics",
    ),
    _record(
        "hp2",
        "Headphones",
        "Bassline",
        {"wireless": False, "noise_cancelling": False},
        [({"color": "Silver"}, 39.0, True)],
        "Electronics",
    ),
    _record(
        "sp1",
        "Smart Speakers",
        "Sonara",
        {"assistant": "Amazon Alexa"},
        [({"color": "Charcoal"}, 99.0, True)],
        "Electronics",
    ),
    _record(
        "kb1",
        "Mechanical Keyboards",
        "Keyforge",
        {"layout": "75%"},
        [
            ({"switch": "clicky", "color": "White"}, 89.0, True),
            ({"switch": "linear", "color": "White"}, 89.0, True),
        ],
        "Computers",
    ),
    _record(
        "lt1",
        "Laptops",
        "Arcbook",
        {"cpu": "Intel Core i7"},
        [({"ram": "16GB", "storage": "512GB"}, 999.0, True)],
        "Computers",
    ),
    _record(
        "tn1",
        "Camping Tents",
        "Campwise",
        {"capacity_persons": 2, "capacity_l": 0},
        [({"color": "Green"}, 180.0, True)],
        "Outdoors",
    ),
    _record(
        "sw1",
        "Smartwatches",
        "Pulsewise",
        {"gps": True},
        [({"band color": "Black", "case size": "41mm"}, 249.0, True)],
        "Electronics",
    ),
]
VOCAB = CatalogVocabulary.from_records(RECORDS)


def parse(text: str) -> ParsedConstraints:
    return parse_constraints(text, VOCAB)


def test_running_shoes_under_100_in_size_10() -> None:
    assert parse("running shoes under $100 in size 10") == ParsedConstraints(
        category="Running Shoes", attributes={"size": ["10"]}, price_max=100.0, currency="USD"
    )


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("under $100", None, 100),
        ("under 100", None, 100),
        ("less than 80 dollars", None, 80),
        ("below 50", None, 50),
        ("cheaper than $90", None, 90),
        ("max 120", None, 120),
        ("maximum of $120", None, 120),
        ("at most 75 bucks", None, 75),
        ("up to $60", None, 60),
        ("no more than $45.50", None, 45.5),
        ("$90 or less", None, 90),
        ("90 dollars max", None, 90),
        ("my budget is $200", None, 200),
        ("under $1,200", None, 1200),
        ("under 1.5k", None, 1500),
        ("over 200", 200, None),
        ("above $150", 150, None),
        ("more than 30 dollars", 30, None),
        ("at least $30", 30, None),
        ("$30+", 30, None),
        ("50 and up", 50, None),
        ("min 25", 25, None),
        ("between 50 and 80", 50, 80),
        ("between $50 and $80", 50, 80),
        ("$50-$80", 50, 80),
        ("$50 - 80", 50, 80),
        ("50 to 80 dollars", 50, 80),
        ("from $50 to $80", 50, 80),
        ("priced 50-80", 50, 80),
        ("around 100", 85, 115),
        ("about $100", 85, 115),
        ("~$200", 170, 230),
        ("roughly 40 dollars", 34, 46),
        ("100 or so", 85, 115),
        ("over 50 but under 80", 50, 80),
        ("under $100... actually under $150", None, 150),
        # a negated "more than" is a cap; an approximate amount "or less" is a cap too
        ("shoes that don't cost more than $175", None, 175),
        ("it shouldn't be over $60", None, 60),
        ("one that won't cost more than $30", None, 30),
        ("around $175 or cheaper", None, 175),
        ("about $80 max", None, 80),
        ("shoes under USD 175", None, 175),
        ("a 175-dollar budget for shoes", None, 175),
        ("a 60-dollar tent", None, 60),
        ("less that 175", None, 175),
        ("lower then 175", None, 175),
        # an amount with its currency and no cue is a cap; one with a cue keeps the cue's meaning
        ("$100 headphones", None, 100),
        ("is there one for 80 bucks?", None, 80),
        ("a 60 dollar tent", None, 60),
        ("over $50, say $80", 50, None),
        # quantities, not prices
        ("under 250 g", None, None),
        ("up to 40 hours of battery", None, None),
        ("sizes 9-10", None, None),
        ("a 2-4 person tent", None, None),
        ("16GB laptop", None, None),
        ("at least 4 stars", None, None),
        ("size 10", None, None),
    ],
)
def test_price_phrases(text: str, low: float | None, high: float | None) -> None:
    got = parse_phrases(text)
    assert (got.price_min, got.price_max) == (low, high)


@pytest.mark.parametrize(
    ("text", "rating"),
    [
        ("4 stars and up", 4.0),
        ("4+ stars", 4.0),
        ("rated 4+", 4.0),
        ("rated at least 4.5", 4.5),
        ("a 4-star blender", 4.0),
        ("rating of 3.5 or higher", 3.5),
        ("highly rated", 4.0),
        ("at least 4 stars under $50", 4.0),
        ("rated 4.2 out of 5", 4.2),
        ("under $40", None),
    ],
)
def test_rating_phrases(text: str, rating: float | None) -> None:
    assert parse_phrases(text).min_rating == rating


@pytest.mark.parametrize(
    ("text", "in_stock"),
    [
        ("in stock", True),
        ("in-stock only", True),
        ("available now", True),
        ("available right now", True),
        ("ready to ship", True),
        ("available in blue", None),
    ],
)
def test_stock_phrases(text: str, in_stock: bool | None) -> None:
    assert parse_phrases(text).in_stock is in_stock


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a mechanical keyboard with clicky switches", {"switch": ["clicky"]}),
        ("smart speaker with amazon alexa", {"assistant": ["Amazon Alexa"]}),
        ("laptop with 16gb ram", {"ram": ["16GB"]}),
        ("xl t-shirt in navy", {"size": ["XL"], "color": ["Navy"]}),
        ("t-shirt size m", {"size": ["M"]}),
        ("wide running shoes size 10 or 10.5", {"width": ["wide"], "size": ["10", "10.5"]}),
        ("waterproof trail running shoes", {"waterproof": ["yes"], "terrain": ["trail"]}),
        ("headphones that are not wireless", {"wireless": ["no"]}),
        ("black or silver headphones", {"color": ["Black", "Silver"]}),
        ("a tent for 2 people", {"capacity_persons": ["2"]}),
        ("a 41mm smartwatch", {"case size": ["41mm"]}),
        # "m" of "I'm", the 10 of "$10" and "2 stars" are not values
        ("I'm after headphones under $10 rated 2 stars", {}),
    ],
)
def test_attribute_values_belong_to_their_key(text: str, expected: dict[str, list[str]]) -> None:
    assert parse(text).attributes == expected


def test_a_value_two_keys_share_is_resolved_by_the_category() -> None:
    # "black" is a colour of headphones and a band colour of smartwatches
    assert parse("black smartwatch").attributes == {"band color": ["Black"]}
    assert parse("black headphones").attributes == {"color": ["Black"]}
    # with no category, the key holding most of the value's products: 3 of 4 here
    assert parse("something black").attributes == {"color": ["Black"]}


def test_a_generic_value_counts_next_to_its_key_on_either_side() -> None:
    assert parse("running shoes in standard width").attributes == {"width": ["standard"]}
    assert parse("running shoes with width standard").attributes == {"width": ["standard"]}
    assert parse("standard running shoes").attributes == {}


def test_a_value_word_is_read_in_the_conversations_category() -> None:
    # "trail" is a terrain of running shoes; while headphones are discussed it means nothing,
    # and a category the message names wins over the conversation's.
    assert parse_constraints("trail", VOCAB).attributes == {"terrain": ["trail"]}
    assert parse_constraints("trail", VOCAB, "Headphones").attributes == {}
    named = parse_constraints("trail running shoes", VOCAB, "Headphones")
    assert named.category == "Running Shoes" and named.attributes == {"terrain": ["trail"]}


@pytest.mark.parametrize(
    ("text", "brands", "excluded"),
    [
        ("headphones not Sonara", [], ["Sonara"]),
        ("no Sonara or Bassline please", [], ["Sonara", "Bassline"]),
        ("anything but sonara", [], ["Sonara"]),
        ("Sonara but not Bassline", ["Sonara"], ["Bassline"]),
        ("nothing from Bassline, I like Sonara", ["Sonara"], ["Bassline"]),
        ("Sonara headphones", ["Sonara"], []),
    ],
)
def test_brands_and_exclusions(text: str, brands: list[str], excluded: list[str]) -> None:
    got = parse(text)
    assert (got.brands, got.exclude_brands) == (brands, excluded)


def test_category_forms_and_head_nouns() -> None:
    assert parse("a running shoe").category == "Running Shoes"
    assert parse("keyboard for work").category == "Mechanical Keyboards"  # the head noun
    assert parse("a tent").category == "Camping Tents"
    assert parse("electronics under 50").category == "Electronics"  # a department
    assert parse("a shoe").category == "Running Shoes"  # the only category ending in "shoes"
    two_kinds = CatalogVocabulary.from_records(
        [*RECORDS, _record("ws1", "Walking Shoes", "Paceline", {}, [({"size": "9"}, 70.0, True)])]
    )
    assert parse_constraints("a shoe", two_kinds).category is None
    assert noun_forms("mice") == {"mice", "mouse"}
    assert noun_forms("battery") == {"battery", "batteries"}


def test_any_brand_clears_but_a_stated_value_does_not() -> None:
    assert parse("any brand is fine").cleared == {"brands"}
    assert parse("any colour").cleared == set()  # not a key of this catalog ("color" is)
    assert parse("any color").cleared == {"attributes.color"}
    assert parse("any size 10 running shoe").cleared == set()


def test_merge_keeps_the_shoppers_words_over_the_model() -> None:
    first = merge_constraints(None, Constraints(price_max=120.0), parse("running shoes under $100"))
    assert (first.category, first.price_max) == ("Running Shoes", 100.0)
    assert first.said == ["category", "price_max"]
    # next turn the model "forgets" and sends a higher cap: the shopper's cap stays
    second = merge_constraints(
        first, Constraints(price_max=300.0, category="Running Shoes"), parse("show me more")
    )
    assert second.price_max == 100.0
    # the shopper changes it
    third = merge_constraints(second, None, parse("actually under $150"))
    assert third.price_max == 150.0
    # the model may fill what the shopper never said
    fourth = merge_constraints(third, Constraints(attributes={"color": ["Black"]}), parse("ok"))
    assert fourth.attributes == {"color": ["Black"]} and "attributes.color" not in fourth.said
    # and the shopper's word overrides the model's earlier value
    fifth = merge_constraints(
        fourth, Constraints(attributes={"color": ["Black"]}), parse("in navy")
    )
    assert fifth.attributes == {"color": ["Navy"]}


def test_merge_new_category_starts_over_and_bounds_stay_consistent() -> None:
    shoes = merge_constraints(None, None, parse("running shoes size 10 under $100 not Paceline"))
    phones = merge_constraints(shoes, None, parse("wireless headphones"))
    assert phones == Constraints(
        category="Headphones",
        attributes={"wireless": ["yes"]},
        said=["attributes.wireless", "category"],
    )
    floor = merge_constraints(shoes, None, parse("over $150"))
    assert (floor.price_min, floor.price_max) == (150.0, None)
    cleared = merge_constraints(shoes, None, parse("any brand, any price"))
    assert (cleared.exclude_brands, cleared.price_max) == ([], None)
    allowed = merge_constraints(shoes, None, parse("Paceline is ok"))
    assert (allowed.brands, allowed.exclude_brands) == (["Paceline"], [])


def test_to_filter_turns_exclusions_into_the_allowed_brands() -> None:
    c = merge_constraints(None, None, parse("headphones under $200 not Sonara in stock"))
    flt = to_filter(c, VOCAB)
    assert flt.brands == ["Bassline"] and flt.price_max == 200 and flt.in_stock
    assert FilterTable(RECORDS).allowed(flt).tolist() == [4]
    everything_excluded = merge_constraints(c, None, parse("and not Bassline"))
    assert FilterTable(RECORDS).allowed(to_filter(everything_excluded, VOCAB)).tolist() == []


def test_checks_find_the_variant_that_fits_and_name_every_violation() -> None:
    shoe = RECORDS[0]
    c = Constraints(category="running shoes", price_max=100, attributes={"size": ["10"]})
    assert [i.item_id for i in matching_items(shoe, c)] == ["rs1-0"]
    assert violations(shoe, c) == []
    strict = Constraints(
        category="Headphones",
        exclude_brands=["Paceline"],
        min_rating=4.5,
        price_max=100,
        attributes={"size": ["10.5"]},
    )
    assert violations(shoe, strict) == [
        "not in Headphones",
        "brand Paceline is excluded",
        "rated 4, under 4.5",
        "no variant fits: size is not 10.5",
    ]
    assert violations(shoe, Constraints(category="clothing & shoes")) == []


TAU2 = Path(__file__).resolve().parents[3] / "shared" / "data" / "tau2-retail"


@pytest.fixture(scope="module")
def tau2_vocab(tmp_path_factory: pytest.TempPathFactory) -> CatalogVocabulary:
    if not (TAU2 / "db.json").exists():
        pytest.skip(f"tau2-bench retail data not found at {TAU2}")
    store = open_store(sqlite_url(tmp_path_factory.mktemp("tau2") / "shop.db"))
    import_tau2(store, TAU2)
    vocab = CatalogVocabulary.from_store(store)
    store.dispose()
    return vocab


@pytest.mark.parametrize(
    ("text", "category", "attributes", "price_max"),
    [
        ("t-shirt in size XL blue under $60", "T-Shirt", {"size": ["XL"], "color": ["blue"]}, 60.0),
        (
            "mechanical keyboard with clicky switches",
            "Mechanical Keyboard",
            {"switch type": ["clicky"]},
            None,
        ),
        ("laptop with 16GB ram and i7", "Laptop", {"ram": ["16GB"], "processor": ["i7"]}, None),
        ("wireless earbuds with IPX7", "Wireless Earbuds", {"water resistance": ["IPX7"]}, None),
    ],
)
def test_the_same_parser_reads_an_imported_catalog(
    tau2_vocab: CatalogVocabulary,
    text: str,
    category: str,
    attributes: dict[str, list[str]],
    price_max: float | None,
) -> None:
    got = parse_constraints(text, tau2_vocab)
    assert (got.category, got.attributes, got.price_max) == (category, attributes, price_max)


def test_the_currency_said_with_a_price() -> None:
    assert parse("under 80 euros").currency == "EUR"
    assert parse("under €80").currency == "EUR"
    assert (parse("80 €").price_max, parse("80 €").currency) == (80.0, "EUR")
    assert parse("between 50 and 100 yuan").currency == "CNY"
    assert parse("running shoes under 100").currency is None
