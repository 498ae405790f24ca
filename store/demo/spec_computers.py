"""Demo categories of the "Computers & Accessories" department (data only; see ``catalog_spec``)."""

from __future__ import annotations

from store.demo.catalog_spec import BUDGET, MID, PREMIUM, CategorySpec
from store.demo.catalog_spec import AspectHint as H
from store.demo.catalog_spec import Attribute as A
from store.demo.catalog_spec import Brand as B
from store.demo.catalog_spec import Choice as C
from store.demo.catalog_spec import Option as O
from store.demo.catalog_spec import Threshold as T

DEPT = "Computers & Accessories"
RTX = ("NVIDIA GeForce RTX 4050", "NVIDIA GeForce RTX 4060", "NVIDIA GeForce RTX 4070")
CPUS = (
    "Intel Core i3",
    "Intel Core i5",
    "Intel Core i7",
    "Intel Core i9",
    "AMD Ryzen 5",
    "AMD Ryzen 7",
    "AMD Ryzen 9",
)
CPU_UPLIFT = (0.8, 0.95, 1.1, 1.3, 0.95, 1.1, 1.3)


def _cpu_phrases(cpu: str) -> tuple[str, ...]:
    """How shoppers name a processor: "core i7", "i7", "intel core i7", "ryzen 7"."""
    short = cpu.split(" ", 1)[1].lower()
    if cpu.startswith("Intel"):
        return (short, short.split()[-1], cpu.lower())
    return (short, cpu.lower())


def _laptops() -> CategorySpec:
    return CategorySpec(
        DEPT,
        "Laptops",
        "Laptop",
        False,
        ("laptop", "notebook", "laptop computer"),
        850.0,
        0.24,
        (
            B("Corevia", MID),
            B("Zentra", PREMIUM),
            B("Voltan", BUDGET),
            B("Lumio", MID),
            B("Arcbyte", MID),
            B("Titanix", PREMIUM),
            B("Nimbra", BUDGET),
        ),
        (
            "Vertex",
            "Stratus",
            "Quill",
            "Forge",
            "Apex",
            "Zenith",
            "Spectra",
            "Vector",
            "Helix",
            "Orion",
            "Aero",
            "Nova",
        ),
        ("13", "14", "15", "16", "Pro", "X", "Plus", "G5", "Ultra"),
        (
            A(
                "use",
                C(
                    ("everyday", "business", "gaming", "creator"),
                    (0.4, 0.25, 0.2, 0.15),
                    (0.85, 1.05, 1.0, 1.2),
                ),
                describe="",
            ),
            A(
                "cpu",
                C(CPUS, (0.1, 0.25, 0.2, 0.05, 0.2, 0.15, 0.05), CPU_UPLIFT),
                given="use",
                cases={
                    "gaming": C(CPUS, (0.0, 0.15, 0.3, 0.15, 0.1, 0.2, 0.1), CPU_UPLIFT),
                    "creator": C(CPUS, (0.0, 0.1, 0.35, 0.15, 0.05, 0.25, 0.1), CPU_UPLIFT),
                },
                describe="an {v} processor",
                title="{v}",
                title_after=True,
                query={c: _cpu_phrases(c) for c in CPUS},
            ),
            A(
                "gpu",
                C(("integrated graphics", RTX[0]), (0.95, 0.05), (1.0, 1.2)),
                given="use",
                cases={
                    "gaming": C(RTX, (0.35, 0.4, 0.25), (1.25, 1.4, 1.7)),
                    "creator": C(
                        ("integrated graphics", *RTX[:2]), (0.4, 0.3, 0.3), (1.0, 1.2, 1.35)
                    ),
                },
                describe={
                    "integrated graphics": "integrated graphics",
                    **{g: f"{g} graphics" for g in RTX},
                },
                title={g: g.replace("NVIDIA GeForce ", "") for g in RTX},
                title_after=True,
                query={
                    g: (
                        g.replace("NVIDIA GeForce ", "").lower(),
                        "with " + g.replace("NVIDIA GeForce ", "").lower(),
                    )
                    for g in RTX
                },
            ),
            A(
                "screen_in",
                C(
                    (13.3, 14, 15.6, 16, 17.3),
                    (0.15, 0.3, 0.3, 0.15, 0.1),
                    (0.95, 1.0, 1.0, 1.05, 1.1),
                ),
                given="use",
                cases={
                    "business": C((13.3, 14, 15.6), (0.3, 0.5, 0.2)),
                    "gaming": C((15.6, 16, 17.3), (0.4, 0.35, 0.25), (1.0, 1.05, 1.1)),
                    "creator": C((14, 16), (0.4, 0.6), (1.0, 1.05)),
                },
                describe="a {v}-inch display",
                title="{v}-Inch",
                title_after=True,
                query={v: (f"{v} inch",) for v in (13.3, 14, 15.6, 16, 17.3)},
                thresholds=(T("big screen", "ge", 16), T("compact", "le", 14)),
            ),
            A(
                "weight_kg",
                C((1.5,)),
                given="use",
                cases={
                    "everyday": C((1.2, 1.4, 1.6, 1.8)),
                    "business": C((1.0, 1.2, 1.4, 1.5)),
                    "gaming": C((2.0, 2.3, 2.5, 2.8)),
                    "creator": C((1.5, 1.8, 2.0, 2.2)),
                },
                describe="a {v} kg chassis",
                thresholds=(T("lightweight", "le", 1.4), T("ultralight", "le", 1.2)),
            ),
            A(
                "battery_hours",
                C((8, 10, 12, 14, 18)),
                given="use",
                cases={"gaming": C((4, 5, 6))},
                describe="up to {v} hours of battery life",
                thresholds=(T("with long battery life", "ge", 12),),
            ),
            A(
                "touchscreen",
                C((False, True), (0.8, 0.2), (1.0, 1.08)),
                describe={True: "a touchscreen", False: ""},
                title={True: "Touchscreen"},
                query={True: ("touchscreen", "touch screen")},
            ),
            A(
                "os",
                C(("Windows 11",)),
                given="use",
                cases={
                    "everyday": C(("Windows 11", "ChromeOS"), (0.8, 0.2), (1.0, 0.7)),
                    "business": C(("Windows 11", "Linux"), (0.9, 0.1)),
                },
                describe={
                    "Windows 11": "Windows 11 Home",
                    "ChromeOS": "ChromeOS",
                    "Linux": "Ubuntu Linux preinstalled",
                },
                query={"ChromeOS": ("chromeos",), "Linux": ("linux",)},
            ),
        ),
        (
            O(
                "ram",
                ("8GB", "16GB", "32GB", "64GB"),
                pick=(1, 2),
                run=True,
                given="use",
                cases={
                    "gaming": ("16GB", "32GB", "64GB"),
                    "creator": ("16GB", "32GB", "64GB"),
                    "everyday": ("8GB", "16GB", "32GB"),
                    "business": ("8GB", "16GB", "32GB"),
                },
                uplift={"8GB": 0.9, "32GB": 1.18, "64GB": 1.4},
                offer="{values} of RAM",
                query=("{v}", "{v} ram", "with {v} ram"),
            ),
            O(
                "storage",
                ("256GB", "512GB", "1TB", "2TB"),
                pick=(1, 2),
                run=True,
                uplift={"256GB": 0.92, "1TB": 1.12, "2TB": 1.3},
                offer="{values} SSD",
                query=("{v} ssd", "with {v} storage"),
            ),
        ),
        4,
        (
            "The {brand} {model} is {a_noun} that handles work and play with ease.",
            "Get more done, anywhere, with the {brand} {model}.",
            "{brand}'s {model} is {a_noun} built for long days and heavy workloads.",
            "Slim, fast and ready for anything, the {model} from {brand} is a capable machine.",
        ),
        ("for college", "for work", "for video editing", "for gaming", "for my home office"),
        (
            "performance",
            "battery life",
            "screen",
            "typing feel",
            "build quality",
            "heat",
            "weight",
            "value",
            "sound quality",
            "ports",
        ),
        (
            H("battery life", "battery_hours", "ge", 14, 1),
            H("battery life", "battery_hours", "le", 6, -1),
            H("weight", "weight_kg", "le", 1.2, 1),
            H("weight", "weight_kg", "ge", 2.5, -1),
            H("performance", "gpu", "eq", RTX[2], 1),
            H("performance", "cpu", "eq", CPUS[0], -1),
            H("heat", "use", "eq", "gaming", -1),
        ),
        share=1.2,
        noun_by="use",
        nouns={
            "everyday": ("Laptop",),
            "business": ("Business Laptop", "business laptop", "laptop for work"),
            "gaming": ("Gaming Laptop", "gaming laptop", "laptop for gaming"),
            "creator": ("Creator Laptop", "laptop for video editing", "creator laptop"),
        },
    )


def _keyboards() -> CategorySpec:
    return CategorySpec(
        DEPT,
        "Mechanical Keyboards",
        "Mechanical Keyboard",
        False,
        ("mechanical keyboard", "keyboard", "gaming keyboard"),
        95.0,
        0.27,
        (
            B("Keyforge", MID),
            B("Clackworks", PREMIUM),
            B("Typewell", MID),
            B("Switchly", BUDGET),
            B("Arcbyte", MID),
            B("Novakey", BUDGET),
            B("Maplekey", PREMIUM),
        ),
        (
            "Vanguard",
            "Rhythm",
            "Tactus",
            "Cadence",
            "Stroke",
            "Quanta",
            "Strata",
            "Monolith",
            "Aurora",
            "Keystone",
        ),
        ("", "Pro", "V2", "V3", "SE", "Plus"),
        (
            A(
                "layout",
                C(
                    ("full-size", "tenkeyless", "75%", "65%", "60%"),
                    (0.3, 0.25, 0.2, 0.15, 0.1),
                    (1.1, 1.0, 1.0, 0.95, 0.9),
                ),
                describe="a {v} layout",
                title={"tenkeyless": "TKL", "75%": "75%", "65%": "65%", "60%": "60%"},
                query={
                    "tenkeyless": ("tkl", "tenkeyless"),
                    "full-size": ("full size", "with numpad"),
                    "75%": ("75%",),
                    "65%": ("65%",),
                    "60%": ("60%", "60 percent"),
                },
            ),
            A(
                "wireless",
                C((False, True), (0.55, 0.45), (1.0, 1.2)),
                describe={
                    True: "tri-mode wireless (2.4 GHz, Bluetooth and USB-C)",
                    False: "a detachable USB-C cable",
                },
                title={True: "Wireless"},
                query={True: ("wireless", "bluetooth"), False: ("wired",)},
            ),
            A(
                "backlight",
                C(("RGB", "white", "none"), (0.6, 0.25, 0.15), (1.1, 1.0, 0.9)),
                describe={
                    "RGB": "per-key RGB backlighting",
                    "white": "white backlighting",
                    "none": "",
                },
                title={"RGB": "RGB"},
                query={"RGB": ("rgb",), "white": ("white backlit",)},
            ),
            A(
                "hot_swappable",
                C((True, False), (0.5, 0.5), (1.1, 1.0)),
                describe={True: "hot-swappable switch sockets", False: ""},
                title={True: "Hot-Swappable"},
                query={True: ("hot swappable", "hot-swap")},
            ),
            A(
                "keycaps",
                C(("ABS", "PBT", "double-shot PBT"), (0.4, 0.35, 0.25), (0.95, 1.0, 1.1)),
                describe="{v} keycaps",
                query={"PBT": ("pbt",), "double-shot PBT": ("double shot pbt",)},
            ),
        ),
        (
            O(
                "switch",
                ("clicky", "linear", "tactile"),
                pick=(1, 3),
                offer="{values} switches",
                query=("{v}", "with {v} switches", "{v} switches"),
            ),
            O(
                "color",
                ("Black", "White", "Grey", "Lavender"),
                pick=(1, 2),
                query=("{v}", "in {v}"),
            ),
        ),
        6,
        (
            "The {brand} {model} is {a_noun} with a satisfying, consistent feel.",
            "Type, game and code for hours on the {brand} {model}.",
            "{brand}'s {model} is {a_noun} built on a rigid aluminum frame.",
            "Every keystroke counts on the {model} from {brand}.",
        ),
        ("for coding", "for gaming", "for my home office", "for writing", "for my desk setup"),
        (
            "typing feel",
            "build quality",
            "connectivity",
            "noise",
            "ease of use",
            "design",
            "value",
            "durability",
        ),
        (
            H("build quality", "keycaps", "eq", "double-shot PBT", 1),
            H("build quality", "keycaps", "eq", "ABS", -1),
            H("connectivity", "wireless", "eq", False, 0),
        ),
    )


def _mice() -> CategorySpec:
    return CategorySpec(
        DEPT,
        "Computer Mice",
        "Mouse",
        False,
        ("mouse", "computer mouse", "mice"),
        40.0,
        0.33,
        (
            B("Arcbyte", MID),
            B("Keyforge", MID),
            B("Clickwell", BUDGET),
            B("Glidepoint", MID),
            B("Vortek", PREMIUM),
            B("Switchly", BUDGET),
        ),
        (
            "Glide",
            "Swift",
            "Precision",
            "Talon",
            "Hawk",
            "Falcon",
            "Dart",
            "Comet",
            "Sable",
            "Orbit",
            "Wisp",
        ),
        ("", "Pro", "V2", "Lite", "X", "Mini"),
        (
            A(
                "use",
                C(
                    ("everyday", "gaming", "ergonomic vertical", "travel"),
                    (0.35, 0.35, 0.15, 0.15),
                    (0.9, 1.3, 1.2, 0.8),
                ),
                describe="",
            ),
            A(
                "wireless",
                C((True, False), (0.7, 0.3), (1.25, 1.0)),
                describe={
                    True: "a 2.4 GHz receiver and Bluetooth",
                    False: "a lightweight braided cable",
                },
                title={True: "Wireless"},
                query={True: ("wireless", "bluetooth"), False: ("wired",)},
            ),
            A(
                "dpi",
                C((1600, 2400, 4000)),
                given="use",
                cases={"gaming": C((16000, 26000, 32000))},
                describe="a {v} DPI sensor",
                thresholds=(T("high dpi", "ge", 16000),),
            ),
            A(
                "buttons",
                C((3, 5, 6)),
                given="use",
                cases={"gaming": C((5, 6, 8, 11))},
                describe="{v} programmable buttons",
                thresholds=(T("with side buttons", "ge", 5),),
            ),
            A(
                "handedness",
                C(("right-handed", "ambidextrous", "left-handed"), (0.55, 0.4, 0.05)),
                describe="a {v} shape",
                query={
                    "left-handed": ("left handed", "for left handed"),
                    "ambidextrous": ("ambidextrous",),
                },
            ),
            A(
                "weight_g",
                C((55, 63, 70, 80, 95, 110, 125)),
                describe="a weight of {v} g",
                thresholds=(T("lightweight", "le", 70),),
            ),
        ),
        (
            O(
                "color",
                ("Black", "White", "Graphite", "Pink", "Blue"),
                pick=(1, 3),
                query=("{v}", "in {v}"),
            ),
        ),
        3,
        (
            "The {brand} {model} is {a_noun} that glides smoothly on any surface.",
            "Click, scroll and aim with confidence using the {brand} {model}.",
            "{brand}'s {model} is {a_noun} shaped for long sessions at the desk.",
            "Precise and comfortable, the {model} by {brand} is an easy upgrade.",
        ),
        ("for work", "for gaming", "for my laptop bag", "for photo editing", "for travel"),
        ("comfort", "tracking", "connectivity", "battery life", "build quality", "value", "weight"),
        (
            H("battery life", "wireless", "eq", False, 0),
            H("connectivity", "wireless", "eq", False, 0),
            H("comfort", "use", "eq", "ergonomic vertical", 1),
            H("weight", "weight_g", "le", 63, 1),
        ),
        noun_by="use",
        nouns={
            "everyday": ("Mouse",),
            "gaming": ("Gaming Mouse", "gaming mouse"),
            "ergonomic vertical": ("Vertical Mouse", "vertical mouse", "ergonomic mouse"),
            "travel": ("Travel Mouse", "travel mouse", "portable mouse"),
        },
    )


def _monitors() -> CategorySpec:
    return CategorySpec(
        DEPT,
        "Monitors",
        "Monitor",
        False,
        ("monitor", "computer monitor", "computer screen", "display"),
        260.0,
        0.3,
        (
            B("Viewmont", MID),
            B("Clarix", PREMIUM),
            B("Pixelon", BUDGET),
            B("Zentra", PREMIUM),
            B("Arcbyte", MID),
            B("Lumio", MID),
        ),
        (
            "View",
            "Vista",
            "Prism",
            "Vivid",
            "Spectra",
            "Horizon",
            "Panorama",
            "Aura",
            "Lumen",
            "Quantum",
        ),
        ("", "Pro", "X", "Plus", "G", "Q"),
        (
            A(
                "resolution",
                C(("1080p", "1440p", "4K"), (0.35, 0.4, 0.25), (0.75, 1.0, 1.45)),
                describe={
                    "1080p": "Full HD 1920 x 1080 resolution",
                    "1440p": "QHD 2560 x 1440 resolution",
                    "4K": "4K UHD 3840 x 2160 resolution",
                },
                title={"1080p": "Full HD", "1440p": "QHD", "4K": "4K UHD"},
                query={"4K": ("4k",), "1440p": ("1440p", "qhd"), "1080p": ("1080p", "full hd")},
            ),
            A(
                "refresh_hz",
                C(
                    (60, 75, 144, 165, 240),
                    (0.3, 0.15, 0.3, 0.15, 0.1),
                    (1.0, 1.0, 1.15, 1.2, 1.35),
                ),
                describe="a {v} Hz refresh rate",
                title="{v}Hz",
                title_after=True,
                query={144: ("144hz",), 165: ("165hz",), 240: ("240hz",)},
                thresholds=(T("for gaming", "ge", 144), T("high refresh rate", "ge", 144)),
            ),
            A(
                "panel",
                C(("IPS", "VA", "OLED"), (0.6, 0.3, 0.1), (1.0, 0.95, 1.8)),
                describe={"IPS": "an IPS panel", "VA": "a VA panel", "OLED": "an OLED panel"},
                title={"OLED": "OLED", "IPS": "IPS"},
                query={"OLED": ("oled",), "IPS": ("ips",)},
            ),
            A(
                "curved",
                C((False, True), (0.8, 0.2), (1.0, 1.1)),
                describe={True: "a 1500R curved screen", False: ""},
                title={True: "Curved"},
                query={True: ("curved",)},
            ),
            A(
                "usb_c",
                C((True, False), (0.45, 0.55), (1.1, 1.0)),
                describe={True: "USB-C with 65 W power delivery", False: ""},
                query={True: ("usb-c", "with usb-c", "usb c")},
            ),
            A(
                "speakers",
                C((True, False), (0.4, 0.6)),
                describe={True: "built-in speakers", False: ""},
                query={True: ("with speakers",)},
            ),
            A(
                "adjustable_stand",
                C((True, False), (0.55, 0.45), (1.05, 1.0)),
                describe={True: "a height-adjustable stand", False: ""},
                query={True: ("height adjustable", "with adjustable stand")},
            ),
        ),
        (
            O(
                "screen size",
                ("24-inch", "27-inch", "32-inch", "34-inch"),
                pick=(1, 2),
                run=True,
                uplift={"24-inch": 0.85, "32-inch": 1.25, "34-inch": 1.45},
                offer="{values} screen",
                query=("{v}",),
            ),
        ),
        2,
        (
            "The {brand} {model} is {a_noun} with sharp text and vivid color.",
            "Upgrade your desk with the {brand} {model}.",
            "{brand}'s {model} is {a_noun} for work, play and everything between.",
            "Crisp, smooth and easy on the eyes, the {model} by {brand} is a desk favorite.",
        ),
        (
            "for my home office",
            "for gaming",
            "for photo editing",
            "as a second screen",
            "for my MacBook",
        ),
        (
            "picture quality",
            "design",
            "value",
            "ease of use",
            "stability",
            "build quality",
            "sound quality",
        ),
        (
            H("sound quality", "speakers", "eq", False, 0),
            H("picture quality", "panel", "eq", "OLED", 1),
            H("stability", "adjustable_stand", "eq", True, 1),
        ),
    )


def categories() -> tuple[CategorySpec, ...]:
    return (_laptops(), _keyboards(), _mice(), _monitors())
