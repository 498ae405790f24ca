"""store.facets: facets read from titles and descriptions, measured against hand-written labels.

The labels (eval/data/shops/<shop>.facets.toml) list, for 84 products of the two fixture
catalogs that keep everything in text, exactly the facets a reader finds there. Each
(product, facet, value) triple counts once: precision is the share of extracted triples the
labels hold, recall the share of labelled triples extracted.
"""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Mapping

import pytest
from shops import FASHION, HOME_KITCHEN, OUTDOOR_GEAR, SHOPS_DIR

from retrieval.documents import load_product_records
from store.audit import run_audit
from store.db import Store
from store.facets import (
    FROM_TEXT,
    derive_facets,
    extract_facets,
    facets_for,
    shop_facets,
)
from store.importers import import_catalog

Triple = tuple[str, str, str]


def _triples(pid: str, facets: Mapping[str, object]) -> set[Triple]:
    out: set[Triple] = set()
    for key, value in facets.items():
        values = value if isinstance(value, list) else [value]
        out |= {(pid, key, str(v).lower()) for v in values}
    return out


def measure(shop: str) -> tuple[set[Triple], set[Triple]]:
    """(extracted, labelled) triples over the labelled products of ``shop``."""
    labels = tomllib.loads((SHOPS_DIR / f"{shop}.facets.toml").read_text())["products"]
    rows = {r["product_id"]: r for r in csv.DictReader((SHOPS_DIR / f"{shop}.csv").open())}
    extracted: set[Triple] = set()
    labelled: set[Triple] = set()
    for pid, facets in labels.items():
        row = rows[pid]
        extracted |= _triples(
            pid, extract_facets(row["title"], row["description"], row["category"])
        )
        labelled |= _triples(pid, facets)
    return extracted, labelled


def test_labels_cover_at_least_60_products() -> None:
    total = sum(
        len(tomllib.loads((SHOPS_DIR / f"{s}.facets.toml").read_text())["products"])
        for s in ("outdoor_gear", "fashion")
    )
    assert total >= 60


@pytest.mark.parametrize("shop", ["outdoor_gear", "fashion", "both"])
def test_precision_and_recall_against_the_labels(shop: str) -> None:
    shops = ["outdoor_gear", "fashion"] if shop == "both" else [shop]
    extracted: set[Triple] = set()
    labelled: set[Triple] = set()
    for name in shops:
        e, g = measure(name)
        extracted |= e
        labelled |= g
    hits = extracted & labelled
    precision, recall = len(hits) / len(extracted), len(hits) / len(labelled)
    wrong, missed = sorted(extracted - labelled), sorted(labelled - extracted)
    assert precision >= 0.95, f"precision {precision:.3f}; wrong: {wrong}"
    assert recall >= 0.8, f"recall {recall:.3f}; missed: {missed}"


def test_a_tent_s_capacity_in_persons() -> None:
    assert extract_facets("Hearthside 4-Person Tunnel Tent", "for 4 people")["persons"] == 4
    assert extract_facets("Basecamp Dome Tent", "Sleeps four adults in a tall dome.") == {
        "persons": 4
    }
    assert extract_facets("Lodgepole 6 Cabin Tent", "room for six campers")["persons"] == 6


def test_litres_are_not_layers_flows_or_accessories() -> None:
    assert extract_facets("Daytripper 22L Daypack", "A 22-litre daypack.")["capacity_l"] == 22
    assert "capacity_l" not in extract_facets(
        "Stormline 3L Waterproof Jacket", "A fully waterproof 3-layer mountain jacket."
    )
    assert "capacity_l" not in extract_facets("Down Bag", "packs into a 9-litre stuff sack.")
    assert (
        extract_facets("Gravity Flow 4L Filter System", "Filters about 1.5 litres a minute.")[
            "capacity_l"
        ]
        == 4
    )


def test_colour_of_a_part_and_care_sentences_do_not_count() -> None:
    facets = extract_facets(
        "Aviator sunglasses", "Teardrop aviators in gunmetal wire; dark green lenses. For men."
    )
    assert facets["color"] == ["gunmetal", "grey"]
    assert facets["audience"] == ["men's"]
    facets = extract_facets(
        "Faux leather biker jacket",
        "A burgundy biker jacket in faux leather. Specialist leather clean only.",
        "Women > Jackets",
    )
    assert facets["material"] == ["faux leather"]
    assert facets["color"] == ["burgundy", "red"]
    assert facets["audience"] == ["women's"]


def test_letter_sizes_from_ranges_and_lists() -> None:
    assert extract_facets("Tee", "Sizes S-XXL.")["size"] == ["S", "M", "L", "XL", "XXL"]
    assert extract_facets("Jacket", "Available in S, M, L and XL.")["size"] == ["S", "M", "L", "XL"]
    assert extract_facets("Shades", "One size.")["size"] == ["one size"]


def test_a_facet_the_shop_gives_is_not_read_from_text() -> None:
    given = shop_facets({"material": "cotton", "links": {"url": "x"}}, ["Colour", "size"])
    assert given == {"material", "color", "size"}
    assert facets_for("Black Linen Duvet Cover", "Pure linen. Sizes S-L.", "Bedding", given) == {}
    given = shop_facets({"gender": "female"}, [])
    assert facets_for("Black tee", "For women.", "", given) == {"color": ["black"]}


def test_derive_facets_writes_them_beneath_the_shop_s_attributes(store: Store) -> None:
    """On SQLite and PostgreSQL (``store``)."""
    import_catalog(store, OUTDOOR_GEAR)
    import_catalog(store, HOME_KITCHEN)
    report = derive_facets(store)
    assert report.products == 96
    assert report.changed == report.with_facets
    assert derive_facets(store).changed == 0  # a second run writes nothing
    records = {r.product_id: r for r in load_product_records(store)}
    tent = records["OG-1005"]
    assert tent.attributes["persons"] == 4
    assert FROM_TEXT not in tent.attributes
    assert tent.from_text == frozenset({"persons"})
    # home & kitchen gives material and colour itself: none is read from its text
    for pid, record in records.items():
        if not pid.startswith("OG-"):
            assert not ({"material", "color"} & record.from_text), pid
    # a re-import of the same file changes nothing and keeps the facets
    again = import_catalog(store, OUTDOOR_GEAR)
    assert again.products_updated == 0
    assert load_product_records(store, ["OG-1005"])[0].attributes["persons"] == 4


def test_audit_reports_facet_coverage_per_category(store: Store) -> None:
    """On SQLite and PostgreSQL (``store``)."""
    for path in (OUTDOOR_GEAR, FASHION, HOME_KITCHEN):
        import_catalog(store, path)
    before = {c.category: c for c in run_audit(store).facet_coverage}
    assert before["Outdoors > Camping > Tents"].with_facets == 0
    assert before["Women > Dresses"].with_facets == 0
    kettles = before["Home & Kitchen > Kitchen Appliances > Kettles"]
    assert kettles.from_text == 0 and kettles.with_facets == kettles.products
    derive_facets(store)
    report = run_audit(store)
    after = {c.category: c for c in report.facet_coverage}
    tents = after["Outdoors > Camping > Tents"]
    assert (tents.products, tents.with_facets, tents.from_text) == (6, 6, 6)
    assert tents.facets == {"persons": 6}
    dresses = after["Women > Dresses"]
    assert (dresses.products, dresses.with_facets) == (30, 30)
    assert {k: dresses.facets[k] for k in ("audience", "color", "pattern", "material")} == {
        "audience": 30,
        "color": 23,
        "pattern": 8,
        "material": 29,
    }
    # the shop gives kettles a material, colours and watts, but no capacity: litres
    # are read from their titles ("Glass Kettle 1.7 L")
    kettles = after["Home & Kitchen > Kitchen Appliances > Kettles"]
    assert kettles.from_text == 5 and kettles.facets["capacity_l"] == 5
    largest = [c.category for c in report.facet_coverage][:2]
    assert largest == ["Women > Dresses", "Women > Tops"]
    md = report.to_markdown()
    assert "## Facet coverage" in md
    assert "| Outdoors > Camping > Tents | 6 | 6 (100.0%) | 6 | persons 6 |" in md
    assert report.to_dict()["facet_coverage"][0]["category"] == "Women > Dresses"
