"""Demo categories of the "Clothing & Shoes" department (data only; see ``catalog_spec``)."""

from __future__ import annotations

from store.demo.catalog_spec import BUDGET, MID, PREMIUM, CategorySpec
from store.demo.catalog_spec import AspectHint as H
from store.demo.catalog_spec import Attribute as A
from store.demo.catalog_spec import Brand as B
from store.demo.catalog_spec import Choice as C
from store.demo.catalog_spec import Option as O
from store.demo.catalog_spec import Threshold as T

DEPT = "Clothing & Shoes"
MEN_SIZES = ("7", "7.5", "8", "8.5", "9", "9.5", "10", "10.5", "11", "11.5", "12", "13")
WOMEN_SIZES = ("5", "5.5", "6", "6.5", "7", "7.5", "8", "8.5", "9", "9.5", "10", "11")
APPAREL_SIZES = ("XS", "S", "M", "L", "XL", "XXL")
SHOE_COLORS = ("Black", "White", "Grey", "Navy", "Blue", "Red", "Olive", "Coral", "Black/White")
APPAREL_COLORS = (
    "Black",
    "White",
    "Heather Grey",
    "Navy",
    "Olive",
    "Burgundy",
    "Sky Blue",
    "Forest Green",
    "Sand",
    "Charcoal",
)

GENDER = A(
    "gender",
    C(("men's", "women's", "unisex"), (0.45, 0.45, 0.10)),
    describe="",
    title={"men's": "Men's", "women's": "Women's"},
    query={"men's": ("men's", "mens", "for men"), "women's": ("women's", "womens", "for women")},
)


def _shoe_size(pick: tuple[int, int]) -> O:
    return O(
        "size",
        MEN_SIZES,
        pick=pick,
        run=True,
        given="gender",
        cases={"women's": WOMEN_SIZES},
        offer="size {values}",
        query=("size {v}", "in size {v}"),
    )


def _running() -> CategorySpec:
    return CategorySpec(
        DEPT,
        "Running Shoes",
        "Running Shoe",
        True,
        ("running shoes", "running sneakers", "runners", "running trainers", "jogging shoes"),
        110.0,
        0.18,
        (
            B("Stridewell", MID),
            B("Velocita", PREMIUM),
            B("Paceline", MID),
            B("Runvale", BUDGET),
            B("Tempora", PREMIUM),
            B("Fleetfoot", BUDGET),
            B("Apexa", MID),
        ),
        (
            "Glide",
            "Tempo",
            "Surge",
            "Drift",
            "Pulse",
            "Nova",
            "Swift",
            "Zephyr",
            "Rush",
            "Flux",
            "Arc",
            "Vapor",
            "Sprint",
            "Bolt",
            "Cadence",
            "Stride",
        ),
        ("", "2", "3", "4", "5", "Pro", "Elite", "X", "SE"),
        (
            GENDER,
            A(
                "terrain",
                C(("road", "trail"), (0.68, 0.32)),
                describe={"road": "a durable road outsole", "trail": "a lugged trail outsole"},
                title={"trail": "Trail"},
                query={
                    "trail": ("trail", "for trail", "for trail running"),
                    "road": ("road", "for road running"),
                },
            ),
            A(
                "cushioning",
                C(("minimal", "moderate", "max"), (0.2, 0.5, 0.3), (0.95, 1.0, 1.12)),
                describe="{v} cushioning",
                title={"max": "Max Cushion"},
                query={
                    "max": ("max cushion", "highly cushioned", "plush"),
                    "minimal": ("minimalist", "barefoot"),
                },
            ),
            A(
                "drop_mm",
                C((8,)),
                given="cushioning",
                cases={
                    "minimal": C((0, 4), (0.5, 0.5)),
                    "moderate": C((6, 8, 10)),
                    "max": C((4, 6, 8, 10, 12)),
                },
                describe="a heel-to-toe drop of {v} mm",
                query={0: ("zero drop",)},
            ),
            A(
                "weight_g",
                C((250,)),
                given="cushioning",
                cases={
                    "minimal": C((180, 190, 200, 210, 220, 230)),
                    "moderate": C((220, 230, 240, 250, 260, 270, 280, 290)),
                    "max": C((260, 270, 280, 290, 300, 310, 320, 330)),
                },
                describe="a weight of {v} g per shoe",
                thresholds=(T("lightweight", "le", 250), T("light", "le", 230)),
            ),
            A(
                "waterproof",
                C((False, True), (0.85, 0.15), (1.0, 1.1)),
                describe={True: "a waterproof membrane", False: ""},
                title={True: "Waterproof"},
                query={True: ("waterproof",)},
            ),
            A(
                "support",
                C(("neutral", "stability"), (0.7, 0.3)),
                describe={
                    "neutral": "a neutral platform",
                    "stability": "stability support for overpronation",
                },
                query={"stability": ("stability", "for overpronation"), "neutral": ("neutral",)},
            ),
        ),
        (
            _shoe_size((2, 4)),
            O(
                "width",
                ("standard", "wide"),
                pick=(1, 2),
                uplift={"wide": 1.03},
                offer="{values} width",
                query=("{v}", "{v} fit"),
            ),
            O("color", SHOE_COLORS, pick=(1, 2)),
        ),
        8,
        (
            "The {brand} {model} is {a_noun} built for everyday miles.",
            "Meet the {model} from {brand}, {a_noun} that balances comfort and speed.",
            "{brand} designed the {model} for runners who want a dependable ride.",
            "Whether it is tempo day or a long run, the {brand} {model} keeps up.",
        ),
        (
            "for my daily runs",
            "for marathon training",
            "for the treadmill",
            "for weekend runs",
            "for a half marathon",
        ),
        (
            "comfort",
            "fit",
            "cushioning",
            "weight",
            "grip",
            "durability",
            "value",
            "breathability",
            "support",
        ),
        (
            H("weight", "weight_g", "le", 220, 1),
            H("weight", "weight_g", "ge", 310, -1),
            H("cushioning", "cushioning", "eq", "max", 1),
            H("cushioning", "cushioning", "eq", "minimal", -1),
            H("support", "support", "eq", "stability", 1),
        ),
        share=1.3,
    )


def _hiking() -> CategorySpec:
    return CategorySpec(
        DEPT,
        "Hiking Boots",
        "Hiking Boot",
        True,
        ("hiking boots", "hiking shoes", "trekking boots", "walking boots", "trail boots"),
        150.0,
        0.18,
        (
            B("Northpeak", MID),
            B("Trailforge", PREMIUM),
            B("Cragmoor", PREMIUM),
            B("Alpenro", MID),
            B("Summitry", BUDGET),
            B("Wildbrook", BUDGET),
        ),
        (
            "Summit",
            "Ridge",
            "Pinnacle",
            "Cascade",
            "Talus",
            "Sierra",
            "Granite",
            "Boulder",
            "Trek",
            "Alpine",
            "Canyon",
            "Moraine",
            "Scree",
            "Switchback",
        ),
        ("", "II", "III", "2", "Pro", "XT", "LX"),
        (
            GENDER,
            A(
                "waterproof",
                C((True, False), (0.7, 0.3), (1.15, 1.0)),
                describe={
                    True: "a waterproof, breathable membrane",
                    False: "a quick-drying mesh upper",
                },
                title={True: "Waterproof"},
                query={True: ("waterproof",)},
            ),
            A(
                "ankle_height",
                C(("low", "mid", "high"), (0.25, 0.5, 0.25)),
                describe="a {v}-cut collar",
                title={"mid": "Mid", "high": "High"},
                query={
                    "low": ("low cut", "low top"),
                    "mid": ("mid cut", "mid"),
                    "high": ("high top", "high ankle", "high cut"),
                },
            ),
            A(
                "upper",
                C(("leather", "synthetic", "suede"), (0.4, 0.4, 0.2), (1.1, 1.0, 1.0)),
                describe="a {v} upper",
                title={"leather": "Leather"},
                query={"leather": ("leather",), "suede": ("suede",)},
            ),
            A(
                "weight_g",
                C((950,)),
                given="ankle_height",
                cases={
                    "low": C((700, 750, 800, 850, 900)),
                    "mid": C((850, 900, 950, 1000, 1050, 1100)),
                    "high": C((1000, 1100, 1200, 1300)),
                },
                describe="a weight of {v} g per pair",
                thresholds=(T("lightweight", "le", 900),),
            ),
            A(
                "insulated",
                C((False, True), (0.8, 0.2), (1.0, 1.1)),
                describe={True: "200 g synthetic insulation for cold weather", False: ""},
                title={True: "Insulated"},
                query={True: ("insulated", "winter", "for winter")},
            ),
            A(
                "use",
                C(
                    ("day hiking", "backpacking", "mountaineering"),
                    (0.55, 0.35, 0.1),
                    (1.0, 1.1, 1.35),
                ),
                describe="a build made for {v}",
                query={
                    "backpacking": ("for backpacking",),
                    "day hiking": ("for day hikes",),
                    "mountaineering": ("mountaineering", "for mountaineering"),
                },
            ),
        ),
        (
            _shoe_size((2, 4)),
            O(
                "width",
                ("standard", "wide"),
                pick=(1, 2),
                uplift={"wide": 1.03},
                offer="{values} width",
                query=("{v}", "{v} fit"),
            ),
            O("color", ("Brown", "Black", "Grey", "Tan", "Olive", "Slate Blue"), pick=(1, 2)),
        ),
        8,
        (
            "The {brand} {model} is {a_noun} made for rough, rocky trails.",
            "Built for long days outside, the {brand} {model} keeps your footing sure.",
            "{brand}'s {model} is {a_noun} that goes from trailhead to summit.",
            "Ready for mud, scree and river crossings, the {model} is a {brand} favorite.",
        ),
        (
            "for weekend hikes",
            "for a trip to the mountains",
            "for backpacking",
            "for walking the dog in the woods",
            "for a trek in the Alps",
        ),
        ("comfort", "waterproofing", "support", "fit", "grip", "durability", "weight", "value"),
        (
            H("waterproofing", "waterproof", "eq", True, 1),
            H("waterproofing", "waterproof", "eq", False, -1),
            H("weight", "weight_g", "ge", 1200, -1),
            H("weight", "weight_g", "le", 800, 1),
            H("support", "ankle_height", "eq", "high", 1),
        ),
        share=1.1,
    )


def _walking() -> CategorySpec:
    return CategorySpec(
        DEPT,
        "Walking Shoes",
        "Walking Shoe",
        True,
        ("walking shoes", "walking sneakers", "comfortable shoes", "everyday sneakers"),
        85.0,
        0.18,
        (
            B("Easyfoot", BUDGET),
            B("Strollwise", MID),
            B("Meadowstep", MID),
            B("Pathly", BUDGET),
            B("Solewise", PREMIUM),
            B("Stridewell", MID),
        ),
        (
            "Cruise",
            "Stroll",
            "Wander",
            "Journey",
            "Meadow",
            "Haven",
            "Ease",
            "Voyage",
            "Harbor",
            "Avenue",
            "Ramble",
            "Promenade",
        ),
        ("", "2", "3", "Plus", "Classic", "LX"),
        (
            GENDER,
            A(
                "arch_support",
                C(("standard", "enhanced"), (0.6, 0.4), (1.0, 1.08)),
                describe={"standard": "a cushioned footbed", "enhanced": "enhanced arch support"},
                query={"enhanced": ("with arch support", "arch support")},
            ),
            A(
                "closure",
                C(("laces", "slip-on", "hook-and-loop"), (0.6, 0.3, 0.1)),
                describe={
                    "laces": "a classic lace-up closure",
                    "slip-on": "an easy slip-on design",
                    "hook-and-loop": "adjustable hook-and-loop straps",
                },
                title={"slip-on": "Slip-On"},
                query={"slip-on": ("slip on", "slip-on"), "hook-and-loop": ("velcro",)},
            ),
            A(
                "upper",
                C(("mesh", "leather", "knit"), (0.45, 0.3, 0.25), (1.0, 1.15, 1.0)),
                describe={
                    "mesh": "a breathable mesh upper",
                    "leather": "a smooth leather upper",
                    "knit": "a stretchy knit upper",
                },
                title={"leather": "Leather"},
                query={"leather": ("leather",), "knit": ("knit",)},
            ),
            A(
                "waterproof",
                C((False, True), (0.8, 0.2), (1.0, 1.1)),
                describe={True: "a waterproof lining", False: ""},
                title={True: "Waterproof"},
                query={True: ("waterproof",)},
            ),
            A(
                "weight_g",
                C((220, 240, 260, 280, 300, 320, 340)),
                describe="a weight of {v} g per shoe",
                thresholds=(T("lightweight", "le", 260),),
            ),
        ),
        (
            _shoe_size((2, 4)),
            O(
                "width",
                ("narrow", "standard", "wide", "extra wide"),
                pick=(2, 3),
                run=True,
                uplift={"wide": 1.03, "extra wide": 1.05},
                offer="{values} width",
                query=("{v}", "{v} fit", "{v} width"),
            ),
            O("color", SHOE_COLORS, pick=(1, 2)),
        ),
        10,
        (
            "The {brand} {model} is {a_noun} for long days on your feet.",
            "From errands to evening strolls, the {brand} {model} keeps every step easy.",
            "{brand} made the {model} for walkers who put comfort first.",
            "The {model} by {brand} is {a_noun} with an easygoing, supportive ride.",
        ),
        (
            "for walking to work",
            "for long days at the theme park",
            "for my nursing shifts",
            "for daily walks",
            "for travel",
        ),
        ("comfort", "fit", "support", "cushioning", "weight", "durability", "design", "value"),
        (
            H("support", "arch_support", "eq", "enhanced", 1),
            H("weight", "weight_g", "le", 240, 1),
            H("weight", "weight_g", "ge", 330, -1),
        ),
    )


def _tshirts() -> CategorySpec:
    return CategorySpec(
        DEPT,
        "T-Shirts",
        "T-Shirt",
        False,
        ("t-shirt", "t shirt", "tee", "tshirt"),
        22.0,
        0.21,
        (
            B("Basicthread", BUDGET),
            B("Cottonfield", MID),
            B("Loomwell", MID),
            B("Everweave", PREMIUM),
            B("Plainsong", BUDGET),
            B("Merinova", PREMIUM),
        ),
        (
            "Everyday",
            "Classic",
            "Essential",
            "Heritage",
            "Signature",
            "Weekend",
            "Core",
            "Studio",
            "Vintage Wash",
            "Staple",
            "Pocket",
            "Softspun",
        ),
        ("",),
        (
            A(
                "gender",
                C(("men's", "women's", "unisex"), (0.4, 0.35, 0.25)),
                describe="",
                title={"men's": "Men's", "women's": "Women's", "unisex": "Unisex"},
                query={
                    "men's": ("men's", "mens", "for men"),
                    "women's": ("women's", "womens", "for women"),
                    "unisex": ("unisex",),
                },
            ),
            A(
                "material",
                C(
                    (
                        "100% cotton",
                        "organic cotton",
                        "cotton-poly blend",
                        "merino wool",
                        "polyester",
                    ),
                    (0.35, 0.2, 0.25, 0.08, 0.12),
                    (1.0, 1.2, 0.95, 1.9, 1.0),
                ),
                describe="{v} fabric",
                title={"organic cotton": "Organic Cotton", "merino wool": "Merino Wool"},
                query={
                    "100% cotton": ("cotton", "100% cotton"),
                    "organic cotton": ("organic cotton",),
                    "merino wool": ("merino", "merino wool"),
                    "polyester": ("polyester",),
                },
            ),
            A(
                "fit",
                C(("regular", "slim", "relaxed"), (0.5, 0.25, 0.25)),
                describe="a {v} cut",
                title={"slim": "Slim Fit", "relaxed": "Relaxed Fit"},
                query={"slim": ("slim fit",), "relaxed": ("relaxed fit", "oversized")},
            ),
            A(
                "neckline",
                C(("crew neck", "v-neck"), (0.75, 0.25)),
                describe="a {v}",
                title={"crew neck": "Crew Neck", "v-neck": "V-Neck"},
                query={"v-neck": ("v neck", "v-neck"), "crew neck": ("crew neck",)},
            ),
            A(
                "sleeve",
                C(("short sleeve", "long sleeve"), (0.8, 0.2), (1.0, 1.15)),
                describe={"short sleeve": "short sleeves", "long sleeve": "long sleeves"},
                title={"long sleeve": "Long Sleeve"},
                query={"long sleeve": ("long sleeve",)},
            ),
            A(
                "pack_size",
                C((1, 3), (0.85, 0.15), (1.0, 2.2)),
                describe={1: "", 3: "a value pack of three shirts"},
                title={3: "3-Pack"},
                query={3: ("3 pack", "multipack", "pack of 3")},
            ),
        ),
        (
            O(
                "size",
                APPAREL_SIZES,
                pick=(3, 6),
                run=True,
                uplift={"XXL": 1.08},
                offer="size {values}",
                query=("size {v}", "{v}", "in {v}"),
            ),
            O("color", APPAREL_COLORS, pick=(1, 3), query=("{v}", "in {v}")),
        ),
        10,
        (
            "The {brand} {model} is {a_noun} you will reach for every day.",
            "A wardrobe staple from {brand}, the {model} layers well and washes easily.",
            "{brand}'s {model} is {a_noun} with a clean, simple look.",
            "Soft, simple and easy to wear: meet the {model} from {brand}.",
        ),
        ("for the gym", "for everyday wear", "as a gift", "for layering", "for lounging"),
        ("fabric", "fit", "shrinkage", "durability", "design", "value", "comfort"),
        (
            H("fabric", "material", "eq", "merino wool", 1),
            H("fabric", "material", "eq", "organic cotton", 1),
        ),
        share=1.2,
    )


def _jackets() -> CategorySpec:
    return CategorySpec(
        DEPT,
        "Jackets",
        "Jacket",
        False,
        ("jacket", "coat", "outdoor jacket"),
        120.0,
        0.24,
        (
            B("Northpeak", MID),
            B("Stormline", MID),
            B("Cragmoor", PREMIUM),
            B("Kestrel Outdoor", MID),
            B("Polarhaus", PREMIUM),
            B("Urbanlayer", BUDGET),
        ),
        (
            "Cloudburst",
            "Torrent",
            "Nimbus",
            "Drizzle",
            "Squall",
            "Glacier",
            "Tundra",
            "Ember",
            "Ridgeline",
            "Horizon",
            "Aurora",
            "Breaker",
        ),
        ("", "II", "2.0", "Lite", "Pro"),
        (
            GENDER,
            A(
                "type",
                C(
                    ("rain jacket", "puffer jacket", "fleece jacket", "softshell jacket", "parka"),
                    (0.28, 0.25, 0.2, 0.15, 0.12),
                    (1.0, 1.2, 0.7, 1.0, 1.4),
                ),
                describe="",
            ),
            A(
                "waterproof",
                C((False,)),
                given="type",
                cases={
                    "rain jacket": C((True,)),
                    "puffer jacket": C((False, True), (0.7, 0.3)),
                    "parka": C((True, False), (0.7, 0.3)),
                },
                describe={True: "a fully waterproof shell with taped seams", False: ""},
                title={True: "Waterproof"},
                query={True: ("waterproof",)},
            ),
            A(
                "insulation",
                C(("none",)),
                given="type",
                cases={
                    "puffer jacket": C(("down", "synthetic"), None, (1.25, 1.0)),
                    "softshell jacket": C(("none", "synthetic"), (0.7, 0.3)),
                    "parka": C(("down", "synthetic"), None, (1.25, 1.0)),
                },
                describe={
                    "down": "warm 650-fill down insulation",
                    "synthetic": "synthetic insulation that stays warm when damp",
                    "none": "",
                },
                title={"down": "Down"},
                query={"down": ("down",), "synthetic": ("synthetic insulated",)},
            ),
            A(
                "shell",
                C(("polyester",)),
                given="type",
                cases={
                    "rain jacket": C(("recycled nylon", "polyester"), (0.5, 0.5)),
                    "puffer jacket": C(("ripstop nylon",)),
                    "fleece jacket": C(("recycled polyester fleece", "sherpa fleece")),
                    "softshell jacket": C(("stretch woven nylon",)),
                    "parka": C(("waxed cotton", "polyester"), (0.3, 0.7), (1.2, 1.0)),
                },
                describe="a {v} outer",
                query={"recycled nylon": ("recycled",), "sherpa fleece": ("sherpa",)},
            ),
            A(
                "hood",
                C((True, False), (0.7, 0.3)),
                describe={True: "an adjustable hood", False: ""},
                title={True: "Hooded"},
                query={True: ("hooded", "with hood")},
            ),
            A(
                "packable",
                C((True, False), (0.35, 0.65)),
                describe={True: "a packable design that stuffs into its own pocket", False: ""},
                title={True: "Packable"},
                query={True: ("packable",)},
            ),
        ),
        (
            O(
                "size",
                APPAREL_SIZES,
                pick=(3, 5),
                run=True,
                uplift={"XXL": 1.05},
                offer="size {values}",
                query=("size {v}", "{v}", "in {v}"),
            ),
            O("color", APPAREL_COLORS, pick=(1, 3), query=("{v}", "in {v}")),
        ),
        10,
        (
            "The {brand} {model} is {a_noun} for unpredictable weather.",
            "Built for cold mornings and wet commutes, the {brand} {model} is an easy layer.",
            "{brand}'s {model} is {a_noun} that earns its place by the door.",
            "From city streets to mountain trails, the {model} by {brand} has you covered.",
        ),
        (
            "for my commute",
            "for a trip to Scotland",
            "for winter walks",
            "for hiking",
            "for travel",
        ),
        (
            "warmth",
            "waterproofing",
            "fit",
            "pockets",
            "zippers",
            "weight",
            "design",
            "value",
            "durability",
        ),
        (
            H("waterproofing", "waterproof", "eq", True, 1),
            H("waterproofing", "waterproof", "eq", False, 0),
            H("warmth", "insulation", "eq", "down", 1),
            H("warmth", "insulation", "eq", "none", 0),
        ),
        noun_by="type",
        nouns={
            "rain jacket": ("Rain Jacket", "rain jacket", "raincoat", "rain coat"),
            "puffer jacket": ("Puffer Jacket", "puffer jacket", "puffer coat", "puffer"),
            "fleece jacket": ("Fleece Jacket", "fleece jacket", "fleece"),
            "softshell jacket": ("Softshell Jacket", "softshell jacket", "soft shell jacket"),
            "parka": ("Parka", "parka", "winter parka"),
        },
    )


def categories() -> tuple[CategorySpec, ...]:
    return (_running(), _hiking(), _walking(), _tshirts(), _jackets())
