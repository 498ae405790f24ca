"""Catalog formats a shop already has (eval/data/shops/formats): each fixture imports as it is,
lands as the exact rows below, re-imports as unchanged, and a broken copy is rejected with the
documented problems while the store stays as it was."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from store.db import Store
from store.errors import HeaderRejected, ImportRejected
from store.importers.catalog import import_catalog
from store.importers.columns import ColumnMap
from store.models import Item, LabelledQuery, Product, Review

FORMATS = Path(__file__).resolve().parents[2] / "eval" / "data" / "shops" / "formats"
SHOPIFY = FORMATS / "shopify_fernwood.csv"
MERCHANT_TSV = FORMATS / "merchant_larkspur.tsv"
MERCHANT_XML = FORMATS / "merchant_pawsandpines.xml"
ACP = FORMATS / "acp_voltline.jsonl"
PLAIN = FORMATS / "plain_inkwell.csv"
PLAIN_MAP = ColumnMap.parse([], FORMATS / "plain_inkwell.map.toml")


def _products(store: Store) -> dict[str, Product]:
    with store.session() as s:
        return {p.product_id: p for p in s.scalars(select(Product))}


def _items(store: Store, product_id: str) -> list[tuple[str, dict[str, str], float, bool]]:
    with store.session() as s:
        rows = s.scalars(select(Item).where(Item.product_id == product_id).order_by("seq"))
        return [(i.item_id, dict(i.options or {}), i.price, i.available) for i in rows]


def _snapshot(store: Store) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with store.session() as s:
        products = s.execute(select(*Product.__table__.columns).order_by("product_id"))  # type: ignore[attr-defined]
        items = s.execute(select(*Item.__table__.columns).order_by("item_id"))  # type: ignore[attr-defined]
        return [tuple(r) for r in products], [tuple(r) for r in items]


@pytest.mark.parametrize(
    ("path", "mapping", "fmt", "products", "items"),
    [
        (SHOPIFY, None, "shopify", 31, 123),
        (MERCHANT_TSV, None, "merchant", 27, 65),
        (MERCHANT_XML, None, "merchant", 25, 60),
        (ACP, None, "acp", 29, 57),
        (PLAIN, PLAIN_MAP, "aisle", 33, 49),
    ],
    ids=["shopify", "merchant-tsv", "merchant-xml", "acp-jsonl", "plain-mapped"],
)
def test_each_fixture_imports_as_it_is_and_reimports_unchanged(
    sqlite_store: Store, path: Path, mapping: ColumnMap | None, fmt: str, products: int, items: int
) -> None:
    report = import_catalog(sqlite_store, path, mapping=mapping)
    assert report.format == fmt
    assert (report.products_added, report.items_added) == (products, items)
    before = _snapshot(sqlite_store)
    again = import_catalog(sqlite_store, path, mapping=mapping)
    assert not again.changed
    assert (again.products_unchanged, again.items_unchanged) == (products, items)
    assert _snapshot(sqlite_store) == before


def test_shopify_handles_variants_html_images_and_drafts(sqlite_store: Store) -> None:
    report = import_catalog(sqlite_store, SHOPIFY)
    shop = _products(sqlite_store)
    tee = shop["merino-crew-tee"]
    assert (tee.title, tee.brand, tee.category, tee.product_type, tee.price) == (
        "Merino Crew Tee",
        "Fernwood Supply",
        "Apparel & Accessories > Clothing > Shirts & Tops",
        "T-Shirts",
        58.0,
    )
    assert tee.description == (
        "A 150 gsm merino jersey tee that stays fresh for days on the "
        "trail. 100% merino wool Flatlock seams"
    )
    assert tee.attributes == {
        "tags": ["merino", "base layer", "travel"],
        "gender": "male",
        "age_group": "adult",
        "condition": "new",
        "color": ["charcoal", "navy", "oat"],
        "fabric": "Merino wool",
        "links": {
            "image": "https://cdn.shopify.com/s/files/1/0612/4471/files/"
            "merino-crew-tee-1.jpg?v=1715"
        },
    }
    tee_items = _items(sqlite_store, "merino-crew-tee")
    assert len(tee_items) == 12
    assert tee_items[:2] == [
        ("FW-MCT-01", {"color": "Charcoal", "size": "S"}, 58.0, False),
        ("FW-MCT-02", {"color": "Charcoal", "size": "M"}, 58.0, True),
    ]
    assert tee_items[3][1:3] == ({"color": "Charcoal", "size": "XL"}, 68.0)
    # "Title / Default Title" is no option; a blank SKU gets the handle and a hash of the options
    assert _items(sqlite_store, "titanium-spork")[0][:2] == ("FW-TS-01", {})
    assert [i[:2] for i in _items(sqlite_store, "hiking-cap")] == [
        ("hiking-cap-606f9a", {"color": "Sand"}),
        ("hiking-cap-086e7a", {"color": "Navy"}),
    ]
    # the draft is kept but cannot be bought; inventory policy "continue" sells at 0
    assert [i[3] for i in _items(sqlite_store, "draft-wind-shirt")] == [False]
    assert all(i[3] for i in _items(sqlite_store, "alpine-beanie"))
    assert (
        "1 draft, archived or unpublished product(s) imported with every variant "
        "unavailable" in report.warnings
    )
    assert report.warnings[0].startswith(
        "ignored 21 Shopify column(s) Aisle does not model: Option1 Linked To, "
    )


def test_merchant_tsv_groups_variants_and_reads_prices_and_paths(sqlite_store: Store) -> None:
    report = import_catalog(sqlite_store, MERCHANT_TSV)
    assert report.warnings == [
        "ignored 6 Merchant Center field(s) Aisle does not model: gtin, "
        "mpn, shipping, shipping_weight, custom_label_0, identifier_exists"
    ]
    shop = _products(sqlite_store)
    duvet = shop["LH-1000"]
    assert (duvet.title, duvet.category, duvet.category_leaf, duvet.price) == (
        "Stonewashed Linen Duvet Cover",
        "Home > Bedding > Duvet Covers",
        "Duvet Covers",
        129.0,
    )
    assert duvet.attributes == {
        "material": "linen",
        "condition": "new",
        "links": {
            "url": "https://www.larkspurhome.example/products/linen-duvet-cover?variant=LH-1000-01",
            "image": "https://www.larkspurhome.example/cdn/images/linen-duvet-cover-white.jpg",
            "images": ["https://www.larkspurhome.example/cdn/images/linen-duvet-cover-detail.jpg"],
        },
    }
    assert _items(sqlite_store, "LH-1000")[2] == (
        "LH-1000-03",
        {"color": "White", "size": "King"},
        149.0,
        True,
    )
    # no product_type: the Google category path; a sale price wins; HTML made text
    assert shop["LH-1003"].category == ("Home & Garden > Bathroom Accessories > Bath Mats & Rugs")
    assert [i[2] for i in _items(sqlite_store, "LH-1016")] == [95.2, 95.2]
    assert shop["LH-1004"].description.startswith("Pre-seasoned cast iron. Works on induction")
    assert _items(sqlite_store, "LH-1020")[0][3] is True  # preorder can be bought


def test_merchant_xml_reads_rss_items(sqlite_store: Store) -> None:
    import_catalog(sqlite_store, MERCHANT_XML)
    shop = _products(sqlite_store)
    bed = shop["PP200"]
    assert (bed.title, bed.brand, bed.category) == (
        "Orthopedic Dog Bed",
        "Pawsandpines",
        "Pet Supplies > Dogs > Beds",
    )
    assert bed.description == (
        "Memory foam base with a removable, washable cover. Non-slip bottom."
    )
    assert bed.attributes is not None and bed.attributes["links"]["images"] == [
        "https://shop.pawsandpines.example/media/orthopedic-dog-bed-2.jpg",
        "https://shop.pawsandpines.example/media/orthopedic-dog-bed-3.jpg",
    ]
    assert _items(sqlite_store, "PP205") == [
        ("PP205_1", {"size": "2 kg"}, 24.0, True),
        ("PP205_2", {"size": "6 kg"}, 32.0, True),
        ("PP205_3", {"size": "12 kg"}, 46.0, False),
    ]
    # no product_type: the Google category path (a bare taxonomy number would be skipped)
    assert shop["PP205"].category == (
        "Animals & Pet Supplies > Pet Supplies > Dog Supplies > Dog Food"
    )
    assert shop["PP213"].description == ""


def test_acp_feed_gzipped_or_not(sqlite_store: Store, tmp_path: Path) -> None:
    zipped = tmp_path / "voltline.jsonl.gz"
    zipped.write_bytes(gzip.compress(ACP.read_bytes()))
    report = import_catalog(sqlite_store, zipped)
    assert report.format == "acp"
    assert "left out 1 record(s) with enable_search false (lines 58)" in report.warnings
    shop = _products(sqlite_store)
    assert "VL3290" not in shop and "VL-legacy-mp3" not in shop
    keyboard = shop["VL-mech-keyboard"]
    assert (keyboard.title, keyboard.category, keyboard.rating_avg, keyboard.rating_count) == (
        "Tactile Mechanical Keyboard",
        "Electronics > Computer Accessories > Keyboards",
        4.8,
        87,
    )
    assert [i[:2] for i in _items(sqlite_store, "VL-mech-keyboard")] == [
        ("VL3130", {"color": "Black", "size": "US"}),
        ("VL3131", {"color": "Black", "size": "UK"}),
        ("VL3132", {"color": "White", "size": "US"}),
        ("VL3133", {"color": "White", "size": "UK"}),
    ]
    assert _items(sqlite_store, "VL3190") == [("VL3190", {}, 22.0, False)]  # quantity 0
    assert import_catalog(sqlite_store, ACP).changed is False


def test_plain_file_with_a_mapping_file(sqlite_store: Store) -> None:
    report = import_catalog(sqlite_store, PLAIN, mapping=PLAIN_MAP)
    assert report.warnings == ["read column 'product name' as title"]
    ink = _products(sqlite_store)["INK-50"]
    assert (ink.title, ink.brand, ink.category, ink.product_type) == (
        "Fountain Pen Ink 50 ml",
        "Nibworks",
        "Ink > Bottled Ink",
        "Bottled Ink",
    )
    assert ink.attributes == {
        "weight_g": 240,
        "links": {
            "url": "https://inkwell-paper.example/shop/ink-50",
            "image": "https://inkwell-paper.example/images/ink-50-midnight.jpg",
        },
    }
    assert [i[:2] for i in _items(sqlite_store, "INK-50")] == [
        ("INK-50-MID", {"colour": "Midnight"}),
        ("INK-50-EME", {"colour": "Emerald"}),
        ("INK-50-OXB", {"colour": "Oxblood"}),
        ("INK-50-SEP", {"colour": "Sepia"}),
    ]
    journal = _products(sqlite_store)["JR-LEATHER"]
    assert journal.description == (
        "Full-grain leather cover that ages beautifully; refillable inserts."
    )


# --- broken copies: the documented problems, nothing committed -----------------------------


def _broken(tmp_path: Path, source: Path, edits: list[tuple[str, str]], name: str = "") -> Path:
    text = source.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / (name or f"broken_{source.name}")
    path.write_text(text, encoding="utf-8")
    return path


BROKEN = {
    "shopify": (
        SHOPIFY,
        None,
        [
            (
                ",FW-MCT-02,680,shopify,25,deny,manual,58.00,",
                ",FW-MCT-02,680,shopify,25,deny,manual,58 dollars,",
            ),
            ("shopify,18,deny,manual,36.00", "shopify,lots,deny,manual,36.00"),
        ],
        [
            "broken_shopify_fernwood.csv:3: Variant Price: must be a number >= 0, got '58 dollars'",
            "broken_shopify_fernwood.csv:82: Variant Inventory Qty: must be a whole number, "
            "got 'lots'",
        ],
    ),
    "merchant-tsv": (
        MERCHANT_TSV,
        None,
        [
            ("\t129.00 USD\t", "\t129,00 EUR\t"),
            ("\tin_stock\t", "\tmaybe\t"),
        ],
        [
            "broken_merchant_larkspur.tsv:2: availability: must be "
            "in_stock, out_of_stock, preorder "
            "or backorder, got 'maybe'",
            "broken_merchant_larkspur.tsv:2: price: '129,00 EUR' is in "
            "EUR but the feed's prices are "
            "in USD; import one currency per shop",
        ],
    ),
    "merchant-xml": (
        MERCHANT_XML,
        None,
        [
            ("<g:price>79.00 GBP</g:price>", "<g:price>free</g:price>"),
        ],
        [
            "broken_merchant_pawsandpines.xml:7: price: must be a price like '15.00 USD' or "
            "'15.00', got 'free'",
        ],
    ),
    "acp-jsonl": (
        ACP,
        None,
        [
            ('"price": "79.00 USD"', '"price": "79.00 USD",,'),
            ('"product_review_rating": 4.8', '"product_review_rating": 48'),
        ],
        [
            "broken_acp_voltline.jsonl:4: row: not valid JSON (Expecting property name enclosed in "
            "double quotes at column 298); one JSON object a line",
            "broken_acp_voltline.jsonl:11: product_review_rating: must be a number from 0 to 5, "
            "got 48",
        ],
    ),
    "plain-mapped": (
        PLAIN,
        PLAIN_MAP,
        [
            ("A5 Lined Notebook", "A5 Lined Notebook " + "very long title " * 40),
            ("INK-50-EME,Fountain Pen Ink 50 ml,14.00", "INK-50-EME,Fountain Pen Ink 50ml,14.00"),
        ],
        [
            "broken_plain_inkwell.csv:7: product name: 'A5 Lined Notebook' differs from 'A5 Lined "
            "Notebook very long title very long title very l... on line "
            "6 for product 'NB-A5-LINED';"
            " product fields must be the same on every row of a product",
            "broken_plain_inkwell.csv:32: product name: 'Fountain Pen Ink 50ml' differs from "
            "'Fountain Pen Ink 50 ml' on line 31 for product 'INK-50'; product fields must be the "
            "same on every row of a product",
        ],
    ),
}


@pytest.mark.parametrize("kind", list(BROKEN))
def test_broken_copy_is_rejected_with_its_problems_and_commits_nothing(
    store: Store, tmp_path: Path, kind: str
) -> None:
    source, mapping, edits, expected = BROKEN[kind]
    import_catalog(store, source, mapping=mapping)
    before = _snapshot(store)
    broken = _broken(tmp_path, source, edits)
    with pytest.raises(ImportRejected) as caught:
        import_catalog(store, broken, mapping=mapping)
    assert [str(p) for p in caught.value.problems] == expected
    assert all(len(p.message) < 300 for p in caught.value.problems)  # short excerpts
    assert _snapshot(store) == before


# --- header problems: reported as such, with the file's look-alike column ------------------


HEADERS = {
    "shopify": (
        SHOPIFY,
        None,
        ("Variant Price", "Variant Prise"),
        [
            "broken_shopify_fernwood.csv:1: Variant Price: missing "
            "required Shopify column; the file "
            "has 'Variant Prise': rename it to 'Variant Price'"
        ],
    ),
    "merchant-tsv": (
        MERCHANT_TSV,
        None,
        ("\tprice\t", "\tcost\t"),
        ["broken_merchant_larkspur.tsv:1: price: missing required feed field"],
    ),
    "plain-unmapped": (
        PLAIN,
        ColumnMap(),
        ("parent_sku", "parent_sku"),
        [
            "broken_plain_inkwell.csv:1: price: missing required column; map the column that holds "
            "it with --map COLUMN=price (unused columns: 'parent_sku', "
            "'retail price (EUR)', 'dept', "
            "'sub dept', 'maker', 'long description', 'colour', 'web url')"
        ],
    ),
}


@pytest.mark.parametrize("kind", list(HEADERS))
def test_header_problem_is_a_header_rejection(
    sqlite_store: Store, tmp_path: Path, kind: str
) -> None:
    source, mapping, edit, expected = HEADERS[kind]
    broken = _broken(tmp_path, source, [edit])
    with pytest.raises(HeaderRejected) as caught:
        import_catalog(sqlite_store, broken, mapping=mapping)
    assert [str(p) for p in caught.value.problems] == expected
    assert "Fix the header" in str(caught.value)
    assert _products(sqlite_store) == {}


def test_acp_feed_without_prices_is_a_header_problem_and_one_record_without_id_a_row_problem(
    sqlite_store: Store, tmp_path: Path
) -> None:
    nameless = tmp_path / "feed.jsonl"
    nameless.write_text(
        '{"id": "A1", "title": "Cable", "prize": "5.00 USD", "enable_search": "true"}\n'
    )
    with pytest.raises(HeaderRejected) as caught:
        import_catalog(sqlite_store, nameless)
    assert [str(p) for p in caught.value.problems] == [
        "feed.jsonl:1: price: missing required feed field; the file has 'prize': rename it to "
        "'price'"
    ]
    broken = _broken(tmp_path, ACP, [('{"id": "VL3000", ', "{")])
    with pytest.raises(ImportRejected) as row:
        import_catalog(sqlite_store, broken)
    assert not isinstance(row.value, HeaderRejected)
    assert [str(p) for p in row.value.problems] == [
        "broken_acp_voltline.jsonl:1: id: required; every item needs its own id"
    ]
    assert _products(sqlite_store) == {}


# --- re-importing a changed feed, --prune ---------------------------------------------------


def test_changed_feed_updates_only_what_changed_and_prune_removes_the_rest(
    store: Store, tmp_path: Path
) -> None:
    import_catalog(store, MERCHANT_TSV)
    before = {p.product_id: p.updated_at for p in _products(store).values()}
    lines = MERCHANT_TSV.read_text(encoding="utf-8").splitlines(keepends=True)
    changed = "".join(
        (
            line.replace("\t49.00 USD\t", "\t44.00 USD\t") if line.startswith("LH-1004\t") else line
        )  # the skillet's price
        for line in lines
        if not line.startswith("LH-1008\t")  # the bread knife is gone
    )
    feed = tmp_path / "merchant_larkspur.tsv"
    feed.write_text(changed, encoding="utf-8")

    kept = import_catalog(store, feed)  # without --prune the knife stays
    assert (kept.products_updated, kept.products_unchanged, kept.products_removed) == (1, 25, 0)
    assert (kept.items_updated, kept.items_unchanged, kept.items_removed) == (1, 63, 0)
    after = _products(store)
    assert after["LH-1004"].price == 44.0 and after["LH-1004"].updated_at > before["LH-1004"]
    assert all(after[p].updated_at == before[p] for p in before if p != "LH-1004")
    assert "LH-1008" in after

    with store.session() as s:  # rows that point at the knife go with it
        s.add(Review(product_id="LH-1008", rating=5, text="Cuts sourdough cleanly."))
        s.add(
            LabelledQuery(
                query_id="q1", query="bread knife", product_id="LH-1008", relevance=2, split="test"
            )
        )
    pruned = import_catalog(store, feed, prune=True)
    assert (pruned.products_removed, pruned.items_removed, pruned.products_unchanged) == (1, 1, 26)
    assert "1 product(s) removed" in pruned.summary()
    assert "LH-1008" not in _products(store) and _items(store, "LH-1008") == []
    with store.session() as s:
        assert s.scalars(select(Review)).all() == []
        assert s.scalars(select(LabelledQuery)).all() == []
    again = import_catalog(store, feed, prune=True)
    assert not again.changed


def test_prune_drops_variants_the_feed_no_longer_lists_and_reprices(
    sqlite_store: Store, tmp_path: Path
) -> None:
    import_catalog(sqlite_store, MERCHANT_TSV)
    text = MERCHANT_TSV.read_text(encoding="utf-8")
    feed = tmp_path / "feed.tsv"
    # the dutch oven's 3.8 L variants (the cheaper ones) are no longer sold
    feed.write_text(
        "".join(
            line
            for line in text.splitlines(keepends=True)
            if not (line.startswith("LH-1005-") and "\t3.8 L\t" in line)
        )
    )
    report = import_catalog(sqlite_store, feed, prune=True)
    assert (report.items_removed, report.products_removed) == (3, 0)
    # one size left: it no longer tells the variants apart, so it is the product's attribute
    assert [i[1] for i in _items(sqlite_store, "LH-1005")] == [
        {"color": "Cherry Red"},
        {"color": "Slate"},
        {"color": "Cream"},
    ]
    oven = _products(sqlite_store)["LH-1005"]
    assert oven.price == 179.0 and oven.attributes is not None
    assert oven.attributes["size"] == "5.2 L"


# --- a file with no ids: stable ids from brand and title ------------------------------------


def test_file_without_ids_gets_stable_ids_and_links(sqlite_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "fashion.csv"
    long = "A soft cotton tee. " * 60
    path.write_text(
        "name,category,subcategory,price,description,url,image\n"
        f'Linen shirt,Men,Shirts,45,"{long}",https://shop.example/p/linen-shirt,'
        "https://shop.example/i/linen-shirt.jpg\n"
        "Wrap dress,Women,Dresses,60,<p>Midi <b>wrap</b> dress.</p>,,\n",
        encoding="utf-8",
    )
    report = import_catalog(sqlite_store, path)
    assert report.warnings == [
        "read column 'name' as title",
        "read column 'subcategory' as the next level of category",
        "read column 'url' as link",
        "read column 'image' as image_link",
        "no product_id column: ids are made from each row's brand and title (see the import "
        "docs); map an id column with --map COLUMN=product_id",
    ]
    shop = _products(sqlite_store)
    assert len(shop) == 2
    shirt = next(p for p in shop.values() if p.title == "Linen shirt")
    assert (shirt.product_id, shirt.category, shirt.category_leaf) == (
        _expected_id("", "Linen shirt"),
        "Men > Shirts",
        "Shirts",
    )
    assert shirt.attributes == {
        "links": {
            "url": "https://shop.example/p/linen-shirt",
            "image": "https://shop.example/i/linen-shirt.jpg",
        }
    }
    dress = next(p for p in shop.values() if p.title == "Wrap dress")
    assert (dress.description, dress.category) == ("Midi wrap dress.", "Women > Dresses")
    assert not import_catalog(sqlite_store, path).changed  # the same ids again

    flat = import_catalog(sqlite_store, path, mapping=ColumnMap.parse(["subcategory=-"]))
    assert (flat.products_updated, flat.products_unchanged) == (2, 0)
    assert _products(sqlite_store)[shirt.product_id].category == "Men"

    twice = tmp_path / "twice.csv"
    twice.write_text(f"name,price,description\nLinen shirt,45,{long}\nLinen shirt,40,{long}x\n")
    with pytest.raises(ImportRejected) as caught:
        import_catalog(sqlite_store, twice)
    shown = "'A soft cotton tee. A soft cotton tee. A soft cotton tee...."
    assert [str(p) for p in caught.value.problems] == [
        f"twice.csv:3: description: {shown} differs from {shown} on line 2 for product "
        f"{_expected_id('', 'Linen shirt')!r}; product fields must be the same on every row of a"
        " product (the file has no product_id column, so rows with the same brand and title are"
        " one product; add ids, or make the titles differ)",
        "twice.csv:3: name: same product as line 2: the same brand, title and options give the "
        "same generated ids; make the titles differ or add a product_id column",
    ]


def _expected_id(brand: str, title: str) -> str:
    import hashlib

    return "p" + hashlib.sha1(f"{brand.lower()}\n{title.lower()}".encode()).hexdigest()[:12]


def test_mapping_problems_are_reported_before_reading(tmp_path: Path) -> None:
    with pytest.raises(HeaderRejected) as caught:
        ColumnMap.parse(["name=titel", "oops", "sku=product_id"])
    assert [str(p) for p in caught.value.problems] == [
        "--map:0: oops: write SOURCE=TARGET, e.g. --map name=title",
        "--map:0: name: cannot map to 'titel' (did you mean 'title'?); targets: product_id, "
        "item_id, title, brand, category, product_type, description, rating_avg, rating_count, "
        "attributes, price, available, options, link, image_link, attr.<name>, opt.<name>, or "
        "'-' to drop",
    ]


# --- the same formats in their other shapes -------------------------------------------------


def test_acp_feed_as_csv_lands_as_the_jsonl_does(sqlite_store: Store, tmp_path: Path) -> None:
    import csv

    records = [json.loads(line) for line in ACP.read_text(encoding="utf-8").splitlines()]
    columns = list(dict.fromkeys(k for r in records for k in r))
    path = tmp_path / "voltline.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(records)
    report = import_catalog(sqlite_store, path)
    assert (report.format, report.products_added, report.items_added) == ("acp", 29, 57)
    assert import_catalog(sqlite_store, ACP).changed is False  # the JSONL: the same rows


def test_merchant_atom_feed(sqlite_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "atom.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
        'xmlns:g="http://base.google.com/ns/1.0">\n<title>Shop</title>\n<entry>\n'
        "<g:id>K1</g:id>\n<title>Glass Kettle</title>\n"
        '<link href="https://shop.example/k1"/>\n<g:price>39.00 EUR</g:price>\n'
        "<g:availability>out of stock</g:availability>\n"
        "<g:google_product_category>1234</g:google_product_category>\n</entry>\n</feed>\n"
    )
    import_catalog(sqlite_store, path)
    kettle = _products(sqlite_store)["K1"]
    assert (kettle.title, kettle.category, kettle.attributes) == (
        "Glass Kettle",
        "",
        {"links": {"url": "https://shop.example/k1"}},
    )
    assert _items(sqlite_store, "K1") == [("K1", {}, 39.0, False)]


def test_unsafe_or_broken_xml_is_refused(sqlite_store: Store, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE r [\n<!ENTITY a "aaaa">\n]>\n'
        "<rss><channel><item><g:id>1</g:id><title>&a;</title></item></channel></rss>"
    )
    with pytest.raises(ImportRejected) as caught:
        import_catalog(sqlite_store, bomb)
    assert caught.value.problems[0].message.startswith("refused: the XML EntitiesForbidden")
    assert "Fix the file and re-run" in str(caught.value)
    broken = _broken(tmp_path, MERCHANT_XML, [("</item>", "</itm>")])
    with pytest.raises(ImportRejected) as bad:
        import_catalog(sqlite_store, broken)
    assert [str(p) for p in bad.value.problems] == [
        "broken_merchant_pawsandpines.xml:25: file: not well-formed XML: mismatched tag"
    ]
    assert _products(sqlite_store) == {}


def test_parquet_with_a_mapping(sqlite_store: Store, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "export.parquet"
    pq.write_table(
        pa.table(
            {
                "code": ["L1", "L2"],
                "name": ["Desk Lamp", "Floor Lamp"],
                "eur": [25.0, 80.0],
                "notes": ["x", None],
            }
        ),
        path,
    )
    report = import_catalog(
        sqlite_store, path, mapping=ColumnMap.parse(["code=product_id", "eur=price", "notes=-"])
    )
    assert report.warnings == ["read column 'name' as title"]
    renamed = tmp_path / "renamed.parquet"
    pq.write_table(pa.table({"code": ["L1"], "name": ["Desk Lamp"], "euro": [25.0]}), renamed)
    again = import_catalog(
        sqlite_store,
        renamed,
        mapping=ColumnMap.parse(["code=product_id", "euro=price", "eur_=-", "notes=-"]),
    )
    assert again.warnings == [
        "read column 'name' as title",
        "the mapping names 'eur_', which the file does not have (the file has 'euro')",
        "the mapping names 'notes', which the file does not have",
    ]
    assert {p.product_id: p.price for p in _products(sqlite_store).values()} == {
        "L1": 25.0,
        "L2": 80.0,
    }


def test_shopify_export_without_quantities_counts_everything_available(
    sqlite_store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "products_export.csv"
    path.write_text(
        "Handle,Title,Body (HTML),Vendor,Option1 Name,Option1 Value,Variant SKU,"
        "Variant Inventory Tracker,Variant Price,Status\n"
        "mug,Mug,<p>Stoneware &amp; glaze</p>,Claybird,Colour,White,MUG-W,shopify,12.00,active\n"
        "mug,,,,,Blue,MUG-B,shopify,12.00,\n",
        encoding="utf-8",
    )
    import_catalog(sqlite_store, path)
    assert _items(sqlite_store, "mug") == [
        ("MUG-W", {"colour": "White"}, 12.0, True),
        ("MUG-B", {"colour": "Blue"}, 12.0, True),
    ]
    assert _products(sqlite_store)["mug"].description == "Stoneware & glaze"


def test_merchant_field_names_in_any_case_with_spaces(sqlite_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "feed.txt"
    path.write_text(
        "ID\tTitle\tPrice\tItem Group ID\tAvailability\tColor\n"
        "T1\tTee - Red\t10.00 USD\tT\tin stock\tRed\n"
        "T2\tTee - Blue\t10.00 USD\tT\tout of stock\tBlue\n",
        encoding="utf-8",
    )
    report = import_catalog(sqlite_store, path)
    assert report.format == "merchant" and _products(sqlite_store)["T"].title == "Tee"
    assert _items(sqlite_store, "T") == [
        ("T1", {"color": "Red"}, 10.0, True),
        ("T2", {"color": "Blue"}, 10.0, False),
    ]


def test_sale_price_counts_only_within_its_dates(sqlite_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "feed.tsv"
    path.write_text(
        "id\ttitle\tprice\tsale_price\tsale_price_effective_date\tavailability\n"
        "A\tPast sale\t20.00 USD\t15.00 USD\t2020-01-01T00:00-0800/2020-02-01T00:00-0800\t"
        "in_stock\n"
        "B\tOpen sale\t20.00 USD\t15.00 USD\t2020-01-01T00:00Z/2999-01-01T00:00Z\tin_stock\n"
        "C\tNo dates\t20.00 USD\t12.00 USD\t\tin_stock\n"
        "D\tBad dates\t20.00 USD\t12.00 USD\tsoon\tin_stock\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRejected) as caught:
        import_catalog(sqlite_store, path)
    assert [str(p) for p in caught.value.problems] == [
        "feed.tsv:5: sale_price_effective_date: must be two ISO 8601 dates joined by '/', e.g. "
        "2026-11-01T00:00-0800/2026-11-30T23:59-0800, got 'soon'"
    ]
    path.write_text("\n".join(path.read_text().splitlines()[:4]) + "\n", encoding="utf-8")
    import_catalog(sqlite_store, path)
    assert {p.product_id: p.price for p in _products(sqlite_store).values()} == {
        "A": 20.0,
        "B": 15.0,
        "C": 12.0,
    }
