"""Demo categories of the "Sports & Outdoors" department (data only; see ``catalog_spec``)."""

from __future__ import annotations

from store.demo.catalog_spec import BUDGET, MID, PREMIUM, CategorySpec
from store.demo.catalog_spec import AspectHint as H
from store.demo.catalog_spec import Attribute as A
from store.demo.catalog_spec import Brand as B
from store.demo.catalog_spec import Choice as C
from store.demo.catalog_spec import Option as O
from store.demo.catalog_spec import Threshold as T

DEPT = "Sports & Outdoors"
GEAR_COLORS = ("Black", "Charcoal", "Navy", "Olive", "Burnt Orange", "Teal", "Sand", "Red")


def _backpacks() -> CategorySpec:
    return CategorySpec(
        DEPT,
        "Backpacks",
        "Backpack",
        False,
        ("backpack", "rucksack", "bag"),
        70.0,
        0.24,
        (
            B("Northpeak", MID),
            B("Trailforge", PREMIUM),
            B("Packwell", BUDGET),
            B("Urbanlayer", BUDGET),
            B("Kestrel Outdoor", MID),
            B("Metrotrek", MID),
            B("Carryall", PREMIUM),
        ),
        (
            "Atlas",
            "Voyager",
            "Commuter",
            "Nomad",
            "Transit",
            "Scout",
            "Ranger",
            "Pathfinder",
            "Drifter",
            "Quest",
            "Rover",
            "Metro",
        ),
        ("", "Pro", "II", "Plus", "X", "Elite"),
        (
            A(
                "type",
                C(
                    ("hiking backpack", "laptop backpack", "travel backpack", "daypack"),
                    (0.3, 0.3, 0.2, 0.2),
                    (1.2, 1.0, 1.15, 0.75),
                ),
                describe="",
            ),
            A(
                "capacity_l",
                C((25,)),
                given="type",
                cases={
                    "hiking backpack": C((30, 40, 50, 65), None, (1.0, 1.1, 1.2, 1.35)),
                    "laptop backpack": C((20, 25, 30)),
                    "travel backpack": C((35, 40, 45)),
                    "daypack": C((15, 18, 22, 25)),
                },
                describe="{v} L of capacity",
                title="{v}L",
                query={v: (f"{v}l", f"{v} liter") for v in (20, 25, 30, 40, 50, 65)},
                thresholds=(T("large", "ge", 40), T("small", "le", 20)),
            ),
            A(
                "laptop_sleeve_in",
                C((0.0,)),
                given="type",
                cases={
                    "laptop backpack": C((15.6, 17.3), (0.7, 0.3)),
                    "travel backpack": C((15.6, 0.0), (0.6, 0.4)),
                    "daypack": C((0.0, 13.3), (0.7, 0.3)),
                },
                describe="a padded sleeve for laptops up to {v} inches",
                silent=(0.0,),
                thresholds=(
                    T("for 17 inch laptop", "ge", 17.0),
                    T("for 15 inch laptop", "ge", 15.0),
                    T("with laptop sleeve", "ge", 13.0),
                ),
            ),
            A(
                "water_resistance",
                C(("water-resistant", "waterproof", "none"), (0.6, 0.15, 0.25), (1.0, 1.2, 0.9)),
                describe={
                    "water-resistant": "water-resistant coated fabric",
                    "waterproof": "a fully waterproof roll-top build",
                    "none": "",
                },
                title={"waterproof": "Waterproof"},
                query={"waterproof": ("waterproof",), "water-resistant": ("water resistant",)},
            ),
            A(
                "hydration_compatible",
                C((False,)),
                given="type",
                cases={"hiking backpack": C((True, False), (0.6, 0.4))},
                describe={True: "a sleeve for a hydration reservoir", False: ""},
                query={True: ("hydration compatible", "with hydration sleeve")},
            ),
            A(
                "weight_g",
                C((600, 700, 800, 900, 1000, 1200, 1400, 1600)),
                describe="a weight of {v} g",
                thresholds=(T("lightweight", "le", 800),),
            ),
        ),
        (O("color", GEAR_COLORS, pick=(1, 4), query=("{v}", "in {v}")),),
        4,
        (
            "The {brand} {model} is {a_noun} that keeps your gear organized.",
            "Carry it all with the {brand} {model}, {a_noun} built to last.",
            "{brand}'s {model} is {a_noun} for days that go from desk to trail.",
            "Thoughtfully laid out and tough, the {model} from {brand} is ready to go.",
        ),
        ("for my commute", "for a week of travel", "for day hikes", "for school", "as a carry-on"),
        (
            "comfort",
            "capacity",
            "pockets",
            "zippers",
            "durability",
            "weight",
            "design",
            "value",
            "waterproofing",
        ),
        (
            H("capacity", "capacity_l", "ge", 40, 1),
            H("capacity", "capacity_l", "le", 15, -1),
            H("waterproofing", "water_resistance", "eq", "waterproof", 1),
            H("waterproofing", "water_resistance", "eq", "none", 0),
        ),
        noun_by="type",
        nouns={
            "hiking backpack": ("Hiking Backpack", "hiking backpack", "hiking pack"),
            "laptop backpack": ("Laptop Backpack", "laptop backpack", "work backpack"),
            "travel backpack": ("Travel Backpack", "travel backpack", "carry-on backpack"),
            "daypack": ("Daypack", "daypack", "day pack"),
        },
    )


def _yoga() -> CategorySpec:
    return CategorySpec(
        DEPT,
        "Yoga Mats",
        "Yoga Mat",
        False,
        ("yoga mat", "exercise mat", "workout mat", "pilates mat"),
        35.0,
        0.24,
        (
            B("Zenflow", MID),
            B("Asana Works", PREMIUM),
            B("Flexbase", BUDGET),
            B("Groundwell", MID),
            B("Pranaform", PREMIUM),
            B("Stretchly", BUDGET),
        ),
        (
            "Balance",
            "Flow",
            "Harmony",
            "Align",
            "Root",
            "Sol",
            "Lunar",
            "Breath",
            "Serene",
            "Anchor",
            "Lotus",
            "Shanti",
        ),
        ("", "Pro", "Plus", "Studio", "Essential"),
        (
            A(
                "thickness_mm",
                C((3, 4, 5, 6, 8), (0.15, 0.25, 0.2, 0.3, 0.1), (0.9, 1.0, 1.0, 1.1, 1.2)),
                describe="{v} mm of cushioning",
                title="{v}mm",
                query={3: ("3mm",), 4: ("4mm",), 5: ("5mm",), 6: ("6mm",), 8: ("8mm",)},
                thresholds=(T("thick", "ge", 6), T("extra thick", "ge", 8), T("thin", "le", 3)),
            ),
            A(
                "material",
                C(
                    ("TPE", "PVC", "natural rubber", "cork", "NBR foam"),
                    (0.3, 0.2, 0.25, 0.1, 0.15),
                    (1.0, 0.8, 1.4, 1.5, 0.75),
                ),
                describe={
                    "TPE": "a lightweight TPE build",
                    "PVC": "a dense PVC build",
                    "natural rubber": "a natural rubber base",
                    "cork": "a cork top layer over natural rubber",
                    "NBR foam": "an extra-soft NBR foam build",
                },
                title={"cork": "Cork", "natural rubber": "Natural Rubber"},
                query={
                    "natural rubber": ("rubber", "natural rubber"),
                    "cork": ("cork",),
                    "TPE": ("tpe",),
                    "PVC": ("pvc",),
                },
            ),
            A(
                "non_slip",
                C((True, False), (0.8, 0.2)),
                describe={True: "a non-slip textured surface", False: ""},
                title={True: "Non-Slip"},
                query={True: ("non slip", "non-slip")},
            ),
            A(
                "eco_friendly",
                C((False,)),
                given="material",
                cases={
                    "cork": C((True,)),
                    "natural rubber": C((True,)),
                    "TPE": C((True, False), (0.5, 0.5)),
                },
                describe={True: "eco-friendly, PVC-free materials", False: ""},
                title={True: "Eco-Friendly"},
                query={True: ("eco friendly", "eco-friendly", "sustainable")},
            ),
            A(
                "includes_strap",
                C((True, False), (0.5, 0.5)),
                describe={True: "a carrying strap", False: ""},
                query={True: ("with strap", "with carrying strap")},
            ),
        ),
        (
            O(
                "length",
                ("68 inch", "72 inch", "74 inch"),
                pick=(1, 2),
                run=True,
                uplift={"74 inch": 1.12},
                offer="{values} length",
                query=("{v}", "{v} long"),
            ),
            O(
                "color",
                ("Black", "Purple", "Teal", "Sage", "Blush Pink", "Midnight Blue", "Grey"),
                pick=(1, 4),
                query=("{v}", "in {v}"),
            ),
        ),
        6,
        (
            "The {brand} {model} is {a_noun} for steady poses and flowing sequences.",
            "Roll out the {brand} {model} for yoga, pilates or stretching at home.",
            "{brand}'s {model} is {a_noun} that stays put while you move.",
            "Designed for daily practice, the {model} by {brand} travels well.",
        ),
        (
            "for hot yoga",
            "for home workouts",
            "for pilates",
            "for my daily practice",
            "for stretching after runs",
        ),
        ("grip", "cushioning", "smell", "durability", "weight", "design", "value", "cleaning"),
        (
            H("grip", "non_slip", "eq", True, 1),
            H("grip", "non_slip", "eq", False, -1),
            H("cushioning", "thickness_mm", "ge", 6, 1),
            H("cushioning", "thickness_mm", "le", 3, -1),
            H("smell", "material", "eq", "PVC", -1),
        ),
    )


def _bottles() -> CategorySpec:
    return CategorySpec(
        DEPT,
        "Water Bottles",
        "Water Bottle",
        False,
        ("water bottle", "drink bottle", "reusable bottle", "tumbler"),
        28.0,
        0.21,
        (
            B("Hydrava", MID),
            B("Aquaforge", PREMIUM),
            B("Sipwell", BUDGET),
            B("Coldkeep", MID),
            B("Glacierline", PREMIUM),
            B("Brookside", BUDGET),
        ),
        (
            "Summit",
            "Trail",
            "Classic",
            "Wide Mouth",
            "Everyday",
            "Peak",
            "Flow",
            "Current",
            "Spring",
            "Oasis",
            "Rapids",
        ),
        ("", "2.0", "Pro", "Sport"),
        (
            A(
                "material",
                C(
                    ("stainless steel", "Tritan plastic", "glass", "aluminum"),
                    (0.55, 0.25, 0.1, 0.1),
                    (1.2, 0.7, 1.0, 0.8),
                ),
                describe="{v} construction",
                title={"stainless steel": "Stainless Steel", "glass": "Glass"},
                query={
                    "stainless steel": ("stainless steel", "steel"),
                    "glass": ("glass",),
                    "Tritan plastic": ("plastic",),
                },
            ),
            A(
                "insulated",
                C((False,)),
                given="material",
                cases={"stainless steel": C((True, False), (0.85, 0.15), (1.2, 1.0))},
                describe={
                    True: "double-wall vacuum insulation that holds cold for 24 hours",
                    False: "",
                },
                title={True: "Insulated"},
                query={True: ("insulated", "vacuum insulated")},
            ),
            A(
                "lid",
                C(("straw lid", "chug cap", "screw cap", "flip-top spout"), (0.3, 0.25, 0.25, 0.2)),
                describe="a {v}",
                query={
                    "straw lid": ("with straw", "straw lid"),
                    "chug cap": ("chug cap",),
                    "flip-top spout": ("flip top",),
                },
            ),
            A(
                "leak_proof",
                C((True, False), (0.8, 0.2)),
                describe={True: "a leak-proof seal", False: ""},
                title={True: "Leak-Proof"},
                query={True: ("leak proof", "leakproof")},
            ),
            A(
                "dishwasher_safe",
                C((True, False), (0.6, 0.4)),
                describe={True: "dishwasher-safe parts", False: ""},
                query={True: ("dishwasher safe",)},
            ),
        ),
        (
            O(
                "capacity",
                ("12 oz", "18 oz", "24 oz", "32 oz", "40 oz", "64 oz"),
                pick=(1, 3),
                run=True,
                uplift={"12 oz": 0.85, "18 oz": 0.92, "32 oz": 1.08, "40 oz": 1.15, "64 oz": 1.3},
                offer="{values} size",
                query=("{v}",),
            ),
            O(
                "color",
                ("Black", "White", "Lagoon Blue", "Sage", "Coral", "Slate", "Lemon", "Stainless"),
                pick=(1, 4),
                query=("{v}", "in {v}"),
            ),
        ),
        8,
        (
            "The {brand} {model} is {a_noun} that goes everywhere you do.",
            "Stay hydrated with the {brand} {model}, {a_noun} made for daily use.",
            "{brand}'s {model} is {a_noun} for the gym, the office and the trail.",
            "Simple, tough and easy to carry, the {model} from {brand} is built to last.",
        ),
        ("for the gym", "for work", "for hiking", "for my kids' lunches", "for long drives"),
        ("insulation", "leak resistance", "durability", "design", "cleaning", "value", "capacity"),
        (
            H("insulation", "insulated", "eq", True, 1),
            H("insulation", "insulated", "eq", False, 0),
            H("leak resistance", "leak_proof", "eq", False, -1),
            H("leak resistance", "leak_proof", "eq", True, 1),
            H("cleaning", "dishwasher_safe", "eq", True, 1),
        ),
    )


def _tents() -> CategorySpec:
    people = {
        1: "one person",
        2: "two people",
        3: "three people",
        4: "four people",
        6: "six people",
        8: "eight people",
    }
    return CategorySpec(
        DEPT,
        "Camping Tents",
        "Tent",
        False,
        ("tent", "camping tent", "backpacking tent"),
        180.0,
        0.27,
        (
            B("Northpeak", MID),
            B("Campwell", BUDGET),
            B("Trailforge", PREMIUM),
            B("Basecamp Supply", MID),
            B("Skyhollow", PREMIUM),
            B("Pinecrest", BUDGET),
        ),
        (
            "Horizon",
            "Starlight",
            "Meadow",
            "Nightfall",
            "Ridge",
            "Evergreen",
            "Shelter",
            "Aspen",
            "Cedar",
            "Outpost",
            "Haven",
            "Firefly",
        ),
        ("", "Plus", "Pro", "II", "Dome"),
        (
            A(
                "capacity_persons",
                C(
                    (1, 2, 3, 4, 6, 8),
                    (0.1, 0.3, 0.15, 0.25, 0.12, 0.08),
                    (0.8, 1.0, 1.2, 1.4, 1.8, 2.2),
                ),
                describe={k: f"room for {v}" for k, v in people.items()},
                title={k: f"{k}-Person" for k in people},
                query={k: (f"{k} person", f"{k}-person") for k in people},
                thresholds=(T("family", "ge", 4), T("large", "ge", 6)),
            ),
            A(
                "season",
                C(("3-season", "4-season"), (0.8, 0.2), (1.0, 1.5)),
                describe="{v} protection",
                title={"3-season": "3-Season", "4-season": "4-Season"},
                query={
                    "4-season": ("4 season", "winter", "for winter camping"),
                    "3-season": ("3 season",),
                },
            ),
            A(
                "weight_kg",
                C((3.0,)),
                given="capacity_persons",
                cases={
                    1: C((0.9, 1.1, 1.3)),
                    2: C((1.4, 1.8, 2.2, 2.6)),
                    3: C((2.2, 2.8, 3.3)),
                    4: C((3.5, 4.5, 5.5)),
                    6: C((6.5, 8)),
                    8: C((9.5, 11)),
                },
                describe="a packed weight of {v} kg",
                thresholds=(
                    T("ultralight", "le", 1.5),
                    T("lightweight", "le", 2.5),
                    T("for backpacking", "le", 2.5),
                ),
            ),
            A(
                "setup",
                C(
                    ("freestanding", "semi-freestanding", "instant pop-up"),
                    (0.6, 0.2, 0.2),
                    (1.0, 1.05, 0.9),
                ),
                describe={
                    "freestanding": "a freestanding pole design",
                    "semi-freestanding": "a semi-freestanding trekking-pole pitch",
                    "instant pop-up": "an instant pop-up frame that pitches in a minute",
                },
                title={"instant pop-up": "Instant"},
                query={
                    "instant pop-up": ("instant", "pop up", "easy setup"),
                    "freestanding": ("freestanding",),
                },
            ),
            A(
                "rainfly_mm",
                C((1500, 2000, 3000, 5000), (0.25, 0.35, 0.3, 0.1), (0.95, 1.0, 1.1, 1.25)),
                describe="a rainfly rated to {v} mm",
                thresholds=(T("waterproof", "ge", 3000),),
            ),
        ),
        (
            O(
                "color",
                ("Olive", "Orange", "Grey", "Sand", "Forest Green", "Sky Blue"),
                pick=(1, 2),
                query=("{v}", "in {v}"),
            ),
        ),
        2,
        (
            "The {brand} {model} is {a_noun} for nights under the stars.",
            "Pitch the {brand} {model} at the campsite or deep in the backcountry.",
            "{brand}'s {model} is {a_noun} that shrugs off wind and rain.",
            "Roomy, quick to pitch and built to last, the {model} by {brand} is camp-ready.",
        ),
        (
            "for a festival",
            "for family camping",
            "for backpacking trips",
            "for a week at the lake",
            "for car camping",
        ),
        (
            "ease of use",
            "waterproofing",
            "capacity",
            "weight",
            "durability",
            "stability",
            "value",
            "zippers",
        ),
        (
            H("ease of use", "setup", "eq", "instant pop-up", 1),
            H("waterproofing", "rainfly_mm", "ge", 3000, 1),
            H("waterproofing", "rainfly_mm", "le", 1500, -1),
            H("weight", "weight_kg", "le", 1.3, 1),
            H("weight", "weight_kg", "ge", 6.5, -1),
        ),
        share=0.8,
    )


def categories() -> tuple[CategorySpec, ...]:
    return (_backpacks(), _yoga(), _bottles(), _tents())
