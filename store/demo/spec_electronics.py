"""Demo categories of the "Electronics" department (data only; see ``catalog_spec``)."""

from __future__ import annotations

from store.demo.catalog_spec import BUDGET, MID, PREMIUM, CategorySpec
from store.demo.catalog_spec import AspectHint as H
from store.demo.catalog_spec import Attribute as A
from store.demo.catalog_spec import Brand as B
from store.demo.catalog_spec import Choice as C
from store.demo.catalog_spec import Option as O
from store.demo.catalog_spec import Threshold as T

DEPT = "Electronics"
TECH_COLORS = ("Black", "White", "Silver", "Midnight Blue", "Graphite", "Rose Gold", "Green")
_STORAGE_UPLIFT = {"32GB": 0.85, "64GB": 0.9, "256GB": 1.15, "512GB": 1.35, "1TB": 1.6}


def _storage(values: tuple[str, ...]) -> O:
    return O(
        "storage",
        values,
        pick=(1, 3),
        run=True,
        uplift={k: v for k, v in _STORAGE_UPLIFT.items() if k in values},
        offer="{values} of storage",
        query=("{v}", "with {v} storage"),
    )


def _headphones() -> CategorySpec:
    return CategorySpec(
        DEPT,
        "Headphones",
        "Headphones",
        True,
        ("headphones", "headset", "earphones"),
        90.0,
        0.33,
        (
            B("Sonique", PREMIUM),
            B("Auralis", PREMIUM),
            B("Wavecrest", MID),
            B("Tonic Audio", MID),
            B("Echofy", BUDGET),
            B("Soundmere", MID),
            B("Pulsewave", BUDGET),
        ),
        (
            "Aria",
            "Tempo",
            "Nova",
            "Halo",
            "Vibe",
            "Studio",
            "Flow",
            "Encore",
            "Crescendo",
            "Muse",
            "Lyric",
            "Sonata",
            "Cadenza",
        ),
        ("", "2", "3", "Pro", "ANC", "Plus", "Lite"),
        (
            A("type", C(("over-ear", "on-ear", "in-ear"), (0.4, 0.15, 0.45)), describe=""),
            A(
                "wireless",
                C((True, False), (0.8, 0.2), (1.1, 1.0)),
                describe={
                    True: "Bluetooth 5.3 wireless connectivity",
                    False: "a detachable 3.5 mm cable",
                },
                title={True: "Wireless"},
                query={True: ("wireless", "bluetooth"), False: ("wired",)},
            ),
            A(
                "noise_cancelling",
                C((True, False), (0.55, 0.45), (1.35, 1.0)),
                describe={True: "active noise cancelling", False: ""},
                title={True: "Noise Cancelling"},
                query={
                    True: ("noise cancelling", "noise canceling", "anc", "with noise cancelling")
                },
            ),
            A(
                "battery_hours",
                C((0,)),
                given=("wireless", "type"),
                cases={
                    (True, "over-ear"): C((20, 30, 40, 50, 60)),
                    (True, "on-ear"): C((20, 30, 40)),
                    (True, "in-ear"): C((5, 6, 8, 10)),
                },
                describe="up to {v} hours of battery life",
                silent=(0,),
                thresholds=(T("with long battery life", "ge", 30),),
            ),
            A(
                "water_resistance",
                C(("none", "IPX4")),
                given="type",
                cases={"in-ear": C(("none", "IPX4", "IPX5", "IPX7"), (0.2, 0.35, 0.25, 0.2))},
                describe="{v} water resistance",
                silent=("none",),
                query={"IPX7": ("waterproof",), "IPX5": ("sweatproof", "for workouts")},
            ),
            A(
                "microphone",
                C((True, False), (0.75, 0.25)),
                describe={True: "a built-in microphone for calls", False: ""},
                query={True: ("with mic", "with microphone")},
            ),
        ),
        (O("color", TECH_COLORS, pick=(1, 4), query=("{v}", "in {v}")),),
        4,
        (
            "The {brand} {model} are {noun_l} tuned for rich, detailed sound.",
            "Lose yourself in music with the {brand} {model}.",
            "{brand}'s {model} are {noun_l} for commutes, workouts and long flights.",
            "Balanced sound and all-day wear make the {model} from {brand} easy to love.",
        ),
        (
            "for my commute",
            "for the gym",
            "for long flights",
            "for working from home",
            "for gaming",
        ),
        (
            "sound quality",
            "battery life",
            "comfort",
            "noise cancelling",
            "call quality",
            "connectivity",
            "durability",
            "value",
            "fit",
        ),
        (
            H("battery life", "battery_hours", "ge", 40, 1),
            H("battery life", "wireless", "eq", False, 0),
            H("connectivity", "wireless", "eq", False, 0),
            H("noise cancelling", "noise_cancelling", "eq", True, 1),
            H("noise cancelling", "noise_cancelling", "eq", False, 0),
            H("call quality", "microphone", "eq", False, 0),
            H("fit", "type", "eq", "over-ear", 0),
        ),
        noun_by="type",
        nouns={
            "over-ear": ("Over-Ear Headphones", "over-ear headphones", "over ear headphones"),
            "on-ear": ("On-Ear Headphones", "on-ear headphones", "on ear headphones"),
            "in-ear": ("Earbuds", "earbuds", "in-ear headphones", "earphones"),
        },
        share=1.2,
    )


def _speakers() -> CategorySpec:
    return CategorySpec(
        DEPT,
        "Smart Speakers",
        "Smart Speaker",
        False,
        ("smart speaker", "voice assistant speaker", "smart home speaker"),
        80.0,
        0.3,
        (
            B("Wavecrest", MID),
            B("Homely", BUDGET),
            B("Auralis", PREMIUM),
            B("Sonique", PREMIUM),
            B("Nestwell", MID),
            B("Echofy", BUDGET),
        ),
        ("Orb", "Pebble", "Beacon", "Cove", "Loop", "Dome", "Halo", "Spark", "Hearth", "Chime"),
        ("", "Mini", "2", "3rd Gen", "Max", "Plus"),
        (
            A(
                "assistant",
                C(("Amazon Alexa", "Google Assistant", "Siri"), (0.45, 0.4, 0.15)),
                describe="built-in {v}",
                title="with {v}",
                title_after=True,
                query={
                    "Amazon Alexa": ("alexa", "amazon alexa", "with alexa"),
                    "Google Assistant": ("google assistant", "with google assistant"),
                    "Siri": ("siri", "with siri"),
                },
            ),
            A("display", C((False, True), (0.7, 0.3), (1.0, 1.8)), describe=""),
            A(
                "size",
                C(("compact", "standard", "large"), (0.4, 0.4, 0.2), (0.6, 1.0, 1.6)),
                describe={
                    "compact": "a compact body that fits on a nightstand",
                    "standard": "a room-filling speaker",
                    "large": "a large woofer for deep, room-filling bass",
                },
                title={"compact": "Mini"},
                query={"compact": ("mini", "compact", "small"), "large": ("large",)},
            ),
            A(
                "smart_home_hub",
                C((True, False), (0.4, 0.6), (1.1, 1.0)),
                describe={True: "a built-in smart home hub for lights and plugs", False: ""},
                query={True: ("smart home hub", "with hub")},
            ),
            A(
                "portable",
                C((False, True), (0.8, 0.2), (1.0, 1.15)),
                describe={True: "a rechargeable battery for use around the house", False: ""},
                title={True: "Portable"},
                query={True: ("portable", "battery powered")},
            ),
        ),
        (
            O(
                "color",
                ("Charcoal", "Chalk", "Sand", "Sky Blue", "Black", "White"),
                pick=(1, 3),
                query=("{v}", "in {v}"),
            ),
        ),
        3,
        (
            "The {brand} {model} is {a_noun} that answers questions and plays your music.",
            "Control your smart home by voice with the {brand} {model}.",
            "{brand}'s {model} is {a_noun} that fills the room with sound.",
            "Set timers, check the weather and stream podcasts with the {model} by {brand}.",
        ),
        (
            "for the kitchen",
            "for my bedroom",
            "for my parents",
            "for the living room",
            "for controlling our smart lights",
        ),
        (
            "sound quality",
            "voice assistant",
            "ease of use",
            "connectivity",
            "design",
            "value",
            "screen",
        ),
        (
            H("screen", "display", "eq", False, 0),
            H("sound quality", "size", "eq", "large", 1),
            H("sound quality", "size", "eq", "compact", -1),
        ),
        noun_by="display",
        nouns={
            False: ("Smart Speaker",),
            True: ("Smart Display", "smart display", "smart speaker with screen"),
        },
    )


def _phones() -> CategorySpec:
    return CategorySpec(
        DEPT,
        "Smartphones",
        "Smartphone",
        False,
        ("smartphone", "phone", "cell phone", "mobile phone", "android phone"),
        480.0,
        0.3,
        (
            B("Corevia", MID),
            B("Lumio", MID),
            B("Zentra", PREMIUM),
            B("Pixora", PREMIUM),
            B("Voltan", BUDGET),
            B("Orbis", MID),
            B("Kairo", BUDGET),
        ),
        ("Edge", "Nova", "Pulse", "Vista", "Prime", "Aero", "Spark", "Luxe", "Zen", "Flare"),
        ("5", "7", "9", "11", "12", "X", "Pro", "Ultra", "Lite", "Plus", "S"),
        (
            A(
                "screen_in",
                C((6.1, 6.4, 6.7, 6.9), (0.3, 0.3, 0.25, 0.15), (1.0, 1.0, 1.1, 1.2)),
                describe="a {v}-inch display",
                title="{v}-Inch",
                title_after=True,
                query={6.1: ("6.1 inch",), 6.7: ("6.7 inch",), 6.9: ("6.9 inch",)},
                thresholds=(T("big screen", "ge", 6.7), T("compact", "le", 6.1)),
            ),
            A(
                "display_type",
                C(("OLED", "LCD"), (0.65, 0.35), (1.15, 1.0)),
                describe="an {v} panel",
                query={"OLED": ("oled",)},
            ),
            A(
                "refresh_hz",
                C((60, 90, 120), (0.3, 0.3, 0.4), (1.0, 1.05, 1.12)),
                describe="a {v} Hz refresh rate",
                query={120: ("120hz",)},
            ),
            A(
                "camera_mp",
                C((12, 48, 50, 108, 200), (0.15, 0.25, 0.3, 0.2, 0.1), (0.9, 1.0, 1.0, 1.15, 1.3)),
                describe="a {v} MP main camera",
                title="{v}MP Camera",
                title_after=True,
                query={v: (f"{v}mp camera", f"with {v}mp camera") for v in (50, 108, 200)},
            ),
            A(
                "battery_mah",
                C((4000, 4500, 5000, 5500)),
                describe="a {v} mAh battery",
                thresholds=(
                    T("with long battery life", "ge", 5000),
                    T("with a big battery", "ge", 5000),
                ),
            ),
            A(
                "five_g",
                C((True, False), (0.75, 0.25), (1.1, 1.0)),
                describe={True: "5G connectivity", False: "4G LTE connectivity"},
                title={True: "5G"},
                query={True: ("5g",)},
            ),
            A(
                "unlocked",
                C((True, False), (0.7, 0.3)),
                describe={True: "an unlocked design that works with any carrier", False: ""},
                title={True: "Unlocked"},
                query={True: ("unlocked",)},
            ),
            A(
                "water_resistance",
                C(("IP68", "IP67", "none"), (0.5, 0.3, 0.2)),
                describe="{v} water resistance",
                silent=("none",),
                query={"IP68": ("waterproof", "ip68")},
            ),
        ),
        (
            _storage(("64GB", "128GB", "256GB", "512GB", "1TB")),
            O("color", TECH_COLORS, pick=(1, 3), query=("{v}", "in {v}")),
        ),
        6,
        (
            "The {brand} {model} is {a_noun} with flagship features where they count.",
            "Capture, stream and stay connected with the {brand} {model}.",
            "{brand}'s {model} is {a_noun} built around a bright display and a capable camera.",
            "Fast, good-looking and made to last the day, the {model} from {brand} delivers.",
        ),
        (
            "as my daily phone",
            "for my teenager",
            "for work",
            "for travel photos",
            "to replace my old phone",
        ),
        (
            "battery life",
            "camera",
            "screen",
            "performance",
            "call quality",
            "design",
            "value",
            "durability",
        ),
        (
            H("battery life", "battery_mah", "ge", 5000, 1),
            H("battery life", "battery_mah", "le", 4000, -1),
            H("camera", "camera_mp", "ge", 108, 1),
            H("camera", "camera_mp", "le", 12, -1),
            H("screen", "refresh_hz", "eq", 120, 1),
        ),
        share=1.1,
    )


def _tablets() -> CategorySpec:
    return CategorySpec(
        DEPT,
        "Tablets",
        "Tablet",
        False,
        ("tablet", "android tablet", "tablet computer"),
        320.0,
        0.3,
        (
            B("Corevia", MID),
            B("Lumio", MID),
            B("Zentra", PREMIUM),
            B("Voltan", BUDGET),
            B("Orbis", MID),
            B("Tabula", BUDGET),
        ),
        ("Slate", "Pad", "Tab", "Canvas", "Note", "Vista", "Folio", "Sketch", "Leaf", "Page"),
        ("", "8", "10", "11", "Pro", "Plus", "Lite", "SE"),
        (
            A(
                "screen_in",
                C(
                    (8.3, 10.2, 10.9, 11, 12.9),
                    (0.15, 0.25, 0.25, 0.2, 0.15),
                    (0.8, 0.95, 1.0, 1.05, 1.35),
                ),
                describe="a {v}-inch display",
                title="{v}-Inch",
                query={v: (f"{v} inch",) for v in (8.3, 10.2, 10.9, 11, 12.9)},
                thresholds=(T("large", "ge", 12.0), T("small", "le", 8.5)),
            ),
            A(
                "stylus_support",
                C((True, False), (0.55, 0.45), (1.1, 1.0)),
                describe={True: "support for an active stylus", False: ""},
                query={True: ("with stylus support", "for drawing", "for note taking")},
            ),
            A(
                "keyboard_included",
                C((False, True), (0.8, 0.2), (1.0, 1.2)),
                describe={True: "a detachable keyboard cover in the box", False: ""},
                title={True: "with Keyboard"},
                title_after=True,
                query={True: ("with keyboard",)},
            ),
            A(
                "battery_hours",
                C((8, 10, 12, 14)),
                describe="up to {v} hours of battery life",
                thresholds=(T("with long battery life", "ge", 12),),
            ),
            A(
                "kids",
                C((False, True), (0.9, 0.1), (1.0, 0.7)),
                describe={True: "a kid-proof case and parental controls", False: ""},
                title={True: "Kids"},
                query={True: ("for kids", "kids")},
            ),
        ),
        (
            _storage(("32GB", "64GB", "128GB", "256GB", "512GB")),
            O(
                "connectivity",
                ("Wi-Fi", "Wi-Fi + Cellular"),
                pick=(1, 2),
                uplift={"Wi-Fi + Cellular": 1.2},
                offer="{values} model",
                query=("{v}", "with {v}"),
            ),
            O(
                "color",
                ("Space Grey", "Silver", "Blue", "Pink"),
                pick=(1, 2),
                query=("{v}", "in {v}"),
            ),
        ),
        8,
        (
            "The {brand} {model} is {a_noun} for streaming, reading and sketching.",
            "Take your shows, books and notes anywhere with the {brand} {model}.",
            "{brand}'s {model} is {a_noun} that bridges phone and laptop.",
            "Light enough to hold for hours, the {model} by {brand} is made for the couch.",
        ),
        ("for reading", "for my kids", "for drawing", "for travel", "for taking notes in class"),
        ("screen", "battery life", "performance", "ease of use", "design", "value", "connectivity"),
        (
            H("battery life", "battery_hours", "ge", 12, 1),
            H("battery life", "battery_hours", "le", 8, -1),
        ),
    )


def _watches() -> CategorySpec:
    days = {
        1: "up to a day of battery life",
        2: "up to two days of battery life",
        5: "up to 5 days of battery life",
        7: "up to a week of battery life",
        14: "up to two weeks of battery life",
    }
    return CategorySpec(
        DEPT,
        "Smartwatches",
        "Smartwatch",
        False,
        ("smartwatch", "smart watch", "fitness watch", "fitness tracker watch"),
        220.0,
        0.3,
        (
            B("Pulsewave", BUDGET),
            B("Zentra", PREMIUM),
            B("Corevia", MID),
            B("Kairo", BUDGET),
            B("Chronix", MID),
            B("Fitvana", MID),
        ),
        ("Active", "Sport", "Fit", "Trek", "Vita", "Motion", "Orbit", "Sense", "Track", "Vigor"),
        ("", "2", "3", "4", "Pro", "Lite", "Ultra", "GT"),
        (
            A(
                "gps",
                C((True, False), (0.6, 0.4), (1.15, 1.0)),
                describe={True: "built-in GPS", False: "connected GPS through your phone"},
                title={True: "GPS"},
                query={True: ("gps", "with gps")},
            ),
            A(
                "battery_days",
                C((1, 2, 5, 7, 14), (0.2, 0.2, 0.2, 0.25, 0.15)),
                describe=days,
                thresholds=(T("with long battery life", "ge", 7),),
            ),
            A(
                "water_rating",
                C(("5 ATM", "IP68", "none"), (0.55, 0.35, 0.1)),
                describe="{v} water resistance",
                silent=("none",),
                query={"5 ATM": ("waterproof", "swimproof", "for swimming")},
            ),
            A(
                "ecg",
                C((False, True), (0.7, 0.3), (1.0, 1.2)),
                describe={True: "an ECG app", False: ""},
                query={True: ("ecg", "with ecg")},
            ),
            A(
                "display",
                C(("AMOLED", "LCD", "MIP"), (0.6, 0.25, 0.15)),
                describe={
                    "AMOLED": "an AMOLED display",
                    "LCD": "an LCD display",
                    "MIP": "a sunlight-readable MIP display",
                },
                query={"AMOLED": ("amoled",)},
            ),
        ),
        (
            O(
                "case size",
                ("40mm", "41mm", "44mm", "45mm", "46mm"),
                pick=(1, 2),
                run=True,
                uplift={"44mm": 1.05, "45mm": 1.06, "46mm": 1.08},
                offer="{values} case",
                query=("{v}",),
            ),
            O(
                "band color",
                ("Black", "Midnight", "Starlight", "Olive", "Coral", "Navy"),
                pick=(1, 3),
                offer="{values} band",
                query=("{v} band", "with {v} band"),
            ),
        ),
        6,
        (
            "The {brand} {model} is {a_noun} that tracks your day and your workouts.",
            "Stay on top of notifications, sleep and steps with the {brand} {model}.",
            "{brand}'s {model} is {a_noun} for runners, swimmers and busy schedules.",
            "Health insights at a glance: that is the promise of the {model} by {brand}.",
        ),
        (
            "for running",
            "for tracking my sleep",
            "for swimming laps",
            "as a gift for my wife",
            "for everyday fitness",
        ),
        (
            "battery life",
            "tracking",
            "screen",
            "comfort",
            "ease of use",
            "design",
            "value",
            "connectivity",
        ),
        (
            H("battery life", "battery_days", "ge", 7, 1),
            H("battery life", "battery_days", "le", 1, -1),
            H("tracking", "gps", "eq", True, 1),
        ),
    )


def categories() -> tuple[CategorySpec, ...]:
    return (_headphones(), _speakers(), _phones(), _tablets(), _watches())
