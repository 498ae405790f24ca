"""Demo categories of the "Office" department (data only; see ``catalog_spec``)."""

from __future__ import annotations

from store.demo.catalog_spec import BUDGET, MID, PREMIUM, CategorySpec
from store.demo.catalog_spec import AspectHint as H
from store.demo.catalog_spec import Attribute as A
from store.demo.catalog_spec import Brand as B
from store.demo.catalog_spec import Choice as C
from store.demo.catalog_spec import Option as O
from store.demo.catalog_spec import Threshold as T

DEPT = "Office"


def _chairs() -> CategorySpec:
    return CategorySpec(
        DEPT,
        "Office Chairs",
        "Office Chair",
        False,
        ("office chair", "desk chair", "computer chair", "work chair"),
        230.0,
        0.33,
        (
            B("Sitwell", MID),
            B("Ergonomix", PREMIUM),
            B("Posturo", PREMIUM),
            B("Deskmate", BUDGET),
            B("Officeline", BUDGET),
            B("Chairworks", MID),
            B("Raidseat", MID),
        ),
        (
            "Contour",
            "Posture",
            "Atlas",
            "Vertex",
            "Balance",
            "Align",
            "Flex",
            "Cadence",
            "Motion",
            "Pilot",
            "Haven",
        ),
        ("", "Pro", "Plus", "II", "Elite", "V2"),
        (
            A(
                "style",
                C(
                    ("ergonomic", "executive", "gaming", "task"),
                    (0.35, 0.2, 0.2, 0.25),
                    (1.2, 1.2, 1.0, 0.6),
                ),
                describe="",
            ),
            A(
                "material",
                C(
                    ("mesh", "leather", "faux leather", "fabric"),
                    (0.45, 0.15, 0.2, 0.2),
                    (1.0, 1.4, 1.0, 0.95),
                ),
                given="style",
                cases={
                    "gaming": C(("faux leather", "fabric"), (0.7, 0.3)),
                    "executive": C(
                        ("leather", "faux leather", "mesh"), (0.45, 0.4, 0.15), (1.4, 1.0, 1.0)
                    ),
                },
                describe={
                    "mesh": "a breathable mesh back",
                    "leather": "top-grain leather upholstery",
                    "faux leather": "faux leather upholstery",
                    "fabric": "soft fabric upholstery",
                },
                title={"mesh": "Mesh", "leather": "Leather"},
                query={
                    "mesh": ("mesh",),
                    "leather": ("leather",),
                    "faux leather": ("faux leather", "pu leather"),
                    "fabric": ("fabric",),
                },
            ),
            A(
                "lumbar_support",
                C((True, False), (0.85, 0.15)),
                describe={True: "built-in lumbar support", False: ""},
                query={True: ("with lumbar support", "lumbar support")},
            ),
            A(
                "adjustable_lumbar",
                C((False,)),
                given="lumbar_support",
                cases={True: C((True, False), (0.5, 0.5), (1.1, 1.0))},
                describe={True: "a height-adjustable lumbar pad", False: ""},
                query={True: ("adjustable lumbar", "with adjustable lumbar support")},
            ),
            A(
                "armrests",
                C(
                    ("4D", "3D", "2D", "fixed", "none"),
                    (0.25, 0.25, 0.2, 0.2, 0.1),
                    (1.2, 1.1, 1.0, 0.9, 0.8),
                ),
                describe={
                    "4D": "4D adjustable armrests",
                    "3D": "3D adjustable armrests",
                    "2D": "height-adjustable armrests",
                    "fixed": "fixed armrests",
                    "none": "an armless design",
                },
                title={"none": "Armless"},
                query={"4D": ("4d armrests", "with 4d armrests"), "none": ("armless",)},
            ),
            A(
                "headrest",
                C((True, False), (0.4, 0.6), (1.1, 1.0)),
                describe={True: "an adjustable headrest", False: ""},
                title={True: "High-Back"},
                query={True: ("with headrest", "high back")},
            ),
            A(
                "max_weight_lb",
                C((250, 275, 300, 350, 400), (0.3, 0.25, 0.25, 0.12, 0.08)),
                describe="a {v} lb weight capacity",
                thresholds=(T("big and tall", "ge", 350), T("heavy duty", "ge", 350)),
            ),
        ),
        (
            O(
                "color",
                ("Black", "Grey", "White", "Blue", "Brown", "Red/Black"),
                pick=(1, 3),
                query=("{v}", "in {v}"),
            ),
        ),
        3,
        (
            "The {brand} {model} is {a_noun} that keeps you comfortable through the workday.",
            "Sit better and work longer with the {brand} {model}.",
            "{brand}'s {model} is {a_noun} designed around healthy posture.",
            "Supportive, adjustable and built to last, the {model} by {brand} fits any desk.",
        ),
        (
            "for my home office",
            "for gaming",
            "for long work days",
            "for my standing desk",
            "for my teenager's room",
        ),
        (
            "comfort",
            "support",
            "adjustability",
            "assembly",
            "build quality",
            "durability",
            "value",
            "design",
        ),
        (
            H("support", "adjustable_lumbar", "eq", True, 1),
            H("support", "lumbar_support", "eq", False, -1),
            H("adjustability", "armrests", "eq", "4D", 1),
            H("adjustability", "armrests", "eq", "fixed", -1),
        ),
        noun_by="style",
        nouns={
            "ergonomic": ("Ergonomic Office Chair", "ergonomic office chair", "ergonomic chair"),
            "executive": ("Executive Office Chair", "executive chair", "executive office chair"),
            "gaming": ("Gaming Chair", "gaming chair"),
            "task": ("Task Chair", "task chair"),
        },
    )


def _desks() -> CategorySpec:
    return CategorySpec(
        DEPT,
        "Standing Desks",
        "Standing Desk",
        False,
        ("standing desk", "sit stand desk", "height adjustable desk", "adjustable desk"),
        380.0,
        0.27,
        (
            B("Elevana", PREMIUM),
            B("Risewell", MID),
            B("Deskmate", BUDGET),
            B("Liftline", MID),
            B("Standly", BUDGET),
            B("Oakhaven", PREMIUM),
        ),
        (
            "Rise",
            "Ascent",
            "Summit",
            "Lift",
            "Apex",
            "Horizon",
            "Elevate",
            "Crest",
            "Stance",
            "Motion",
        ),
        ("", "Pro", "Plus", "2", "V2", "Duo"),
        (
            A(
                "motor",
                C(("dual", "single", "manual crank"), (0.45, 0.4, 0.15), (1.3, 1.0, 0.7)),
                describe={
                    "dual": "a quiet dual-motor lift",
                    "single": "a single-motor lift",
                    "manual crank": "a manual hand crank",
                },
                title={"dual": "Dual Motor", "manual crank": "Manual"},
                query={"dual": ("dual motor",), "manual crank": ("manual", "hand crank")},
            ),
            A(
                "max_height_in",
                C((46, 48, 50, 52), (0.2, 0.35, 0.3, 0.15)),
                describe="a maximum height of {v} inches",
                thresholds=(T("for tall people", "ge", 50), T("tall", "ge", 50)),
            ),
            A(
                "memory_presets",
                C((0, 2, 3, 4), (0.2, 0.3, 0.2, 0.3)),
                given="motor",
                cases={"manual crank": C((0,))},
                describe="{v} memory presets",
                silent=(0,),
                thresholds=(T("with memory presets", "ge", 2),),
            ),
            A(
                "load_lb",
                C((150, 220, 265, 355), (0.2, 0.35, 0.3, 0.15)),
                describe="a {v} lb load capacity",
                thresholds=(T("heavy duty", "ge", 265),),
            ),
            A(
                "desktop_material",
                C(("laminate", "bamboo", "solid wood"), (0.65, 0.2, 0.15), (1.0, 1.15, 1.5)),
                describe={
                    "laminate": "a scratch-resistant laminate top",
                    "bamboo": "a natural bamboo top",
                    "solid wood": "a solid wood top",
                },
                title={"bamboo": "Bamboo", "solid wood": "Solid Wood"},
                query={"bamboo": ("bamboo",), "solid wood": ("solid wood", "wood")},
            ),
            A(
                "shape",
                C(("rectangular", "L-shaped"), (0.85, 0.15), (1.0, 1.4)),
                describe={"rectangular": "", "L-shaped": "an L-shaped corner layout"},
                title={"L-shaped": "L-Shaped"},
                query={"L-shaped": ("l shaped", "corner")},
            ),
            A(
                "cable_management",
                C((True, False), (0.5, 0.5)),
                describe={True: "an under-desk cable tray", False: ""},
                query={True: ("with cable management",)},
            ),
        ),
        (
            O(
                "desktop size",
                ("40 x 24 in", "48 x 24 in", "55 x 28 in", "60 x 30 in", "72 x 30 in"),
                pick=(1, 3),
                run=True,
                uplift={
                    "40 x 24 in": 0.85,
                    "55 x 28 in": 1.08,
                    "60 x 30 in": 1.15,
                    "72 x 30 in": 1.3,
                },
                offer="{values} desktop",
                query=("{v}",),
            ),
            O(
                "color",
                ("Walnut", "Black", "White", "Oak", "Maple"),
                pick=(1, 2),
                given="desktop_material",
                cases={
                    "bamboo": ("Natural Bamboo", "Carbonized Bamboo"),
                    "solid wood": ("Walnut", "Oak", "Cherry"),
                },
                query=("{v}", "in {v}"),
            ),
        ),
        6,
        (
            "The {brand} {model} is {a_noun} that moves with you from sitting to standing.",
            "Change position at the touch of a button with the {brand} {model}.",
            "{brand}'s {model} is {a_noun} with a rock-solid steel frame.",
            "Work healthier every day with the {model} from {brand}.",
        ),
        (
            "for my home office",
            "for working from home",
            "for my gaming setup",
            "for a small apartment",
            "for my studio",
        ),
        ("stability", "assembly", "noise", "build quality", "ease of use", "value", "design"),
        (
            H("stability", "motor", "eq", "dual", 1),
            H("noise", "motor", "eq", "manual crank", 0),
            H("ease of use", "motor", "eq", "manual crank", -1),
            H("stability", "load_lb", "le", 150, -1),
        ),
        share=0.8,
    )


def _lamps() -> CategorySpec:
    return CategorySpec(
        DEPT,
        "Desk Lamps",
        "Desk Lamp",
        False,
        ("desk lamp", "led desk lamp", "table lamp", "reading lamp", "task lamp"),
        45.0,
        0.27,
        (
            B("Luminest", MID),
            B("Brightwell", BUDGET),
            B("Glowhaus", PREMIUM),
            B("Deskmate", BUDGET),
            B("Halcyon Light", PREMIUM),
            B("Lampwright", MID),
        ),
        ("Beam", "Arc", "Halo", "Lumen", "Glow", "Focus", "Ray", "Orbit", "Flare", "Spark"),
        ("", "Pro", "Plus", "2", "Mini", "XL"),
        (
            A(
                "style",
                C(("architect arm", "gooseneck", "clamp-on", "minimalist"), (0.3, 0.25, 0.2, 0.25)),
                describe={
                    "architect arm": "a spring-balanced architect arm",
                    "gooseneck": "a flexible gooseneck",
                    "clamp-on": "a sturdy desk clamp",
                    "minimalist": "a slim minimalist frame",
                },
                title={
                    "architect arm": "Architect",
                    "gooseneck": "Gooseneck",
                    "clamp-on": "Clamp-On",
                },
                query={
                    "clamp-on": ("clamp", "clamp on"),
                    "architect arm": ("architect", "swing arm"),
                    "gooseneck": ("gooseneck",),
                },
            ),
            A(
                "lumens",
                C(
                    (400, 600, 800, 1000, 1200),
                    (0.15, 0.3, 0.25, 0.2, 0.1),
                    (0.85, 1.0, 1.05, 1.15, 1.25),
                ),
                describe="{v} lumens of output",
                thresholds=(T("bright", "ge", 800), T("extra bright", "ge", 1000)),
            ),
            A(
                "dimmable",
                C((True, False), (0.85, 0.15)),
                describe={True: "stepless dimming", False: ""},
                query={True: ("dimmable",)},
            ),
            A(
                "adjustable_color_temp",
                C((True, False), (0.6, 0.4), (1.1, 1.0)),
                describe={True: "adjustable color temperature from warm to daylight", False: ""},
                query={True: ("adjustable color temperature", "with color modes")},
            ),
            A(
                "usb_charging",
                C((True, False), (0.45, 0.55), (1.08, 1.0)),
                describe={True: "a USB charging port in the base", False: ""},
                query={True: ("with usb port", "with usb charging")},
            ),
            A(
                "wireless_charger",
                C((False, True), (0.8, 0.2), (1.0, 1.3)),
                describe={True: "a built-in wireless charging pad", False: ""},
                query={True: ("with wireless charger", "with wireless charging")},
            ),
            A(
                "flicker_free",
                C((True, False), (0.7, 0.3)),
                describe={True: "a flicker-free, eye-care LED panel", False: ""},
                query={True: ("flicker free", "eye care")},
            ),
        ),
        (
            O(
                "color",
                ("Black", "White", "Silver", "Brass", "Matte Grey"),
                pick=(1, 3),
                query=("{v}", "in {v}"),
            ),
        ),
        3,
        (
            "The {brand} {model} is {a_noun} for late nights and early mornings.",
            "Light up your workspace with the {brand} {model}.",
            "{brand}'s {model} is {a_noun} that puts light exactly where you need it.",
            "Soft on the eyes and easy to position, the {model} by {brand} suits any desk.",
        ),
        (
            "for my desk",
            "for reading in bed",
            "for my kid's homework",
            "for sketching",
            "for my home office",
        ),
        ("brightness", "design", "ease of use", "stability", "build quality", "value"),
        (H("brightness", "lumens", "ge", 1000, 1), H("brightness", "lumens", "le", 400, -1)),
        share=0.8,
    )


def categories() -> tuple[CategorySpec, ...]:
    return (_chairs(), _desks(), _lamps())
