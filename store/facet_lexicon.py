"""The curated words ``store.facets`` reads facets with: colours, patterns, materials, fits and
audiences.

Each lexicon maps a phrase as it is written (lower case, words) to the values it stands for:
the phrase itself and, for shades and special fibres, the family a shopper may ask for
("forest green" is also "green", "merino" is also "wool"). Phrases of several words are
matched before their parts, so "faux leather" is never "leather".

Not here: reading text with them (``store.facets``).
"""

from __future__ import annotations

# shade -> family; a plain colour is its own family
COLOURS: dict[str, str] = {
    "black": "black",
    "white": "white",
    "grey": "grey",
    "gray": "grey",
    "navy": "navy",
    "blue": "blue",
    "red": "red",
    "green": "green",
    "pink": "pink",
    "purple": "purple",
    "lilac": "purple",
    "burgundy": "red",
    "cream": "cream",
    "ivory": "cream",
    "camel": "brown",
    "tan": "brown",
    "brown": "brown",
    "beige": "beige",
    "khaki": "green",
    "olive": "green",
    "stone": "beige",
    "sand": "beige",
    "taupe": "beige",
    "oatmeal": "beige",
    "charcoal": "grey",
    "silver": "silver",
    "gold": "gold",
    "gunmetal": "grey",
    "indigo": "blue",
    "champagne": "gold",
    "nude": "beige",
    "orange": "orange",
    "yellow": "yellow",
    "teal": "blue",
    "mustard": "yellow",
    "coral": "pink",
    "tortoiseshell": "brown",
    "forest green": "green",
    "sage green": "green",
    "emerald green": "green",
    "sky blue": "blue",
    "mid blue": "blue",
    "cobalt blue": "blue",
    "light blue": "blue",
    "dark blue": "blue",
    "navy blue": "navy",
    "dusty pink": "pink",
    "blush pink": "pink",
    "grey wash": "grey",
    "grey marl": "grey",
    "light wash": "light wash",
    "dark rinse": "dark rinse",
}
# Some colours are only colours next to a noun they colour: "stone" is also a rock
# ("Stonebrook" is one token, so brands are safe), "sand" the beach, "tan" a verb; these
# need no help in a title or before a material or garment, which is where shops write them.

# material -> the values it stands for
MATERIALS: dict[str, tuple[str, ...]] = {
    "cotton": ("cotton",),
    "organic cotton": ("cotton",),
    "linen": ("linen",),
    "wool": ("wool",),
    "merino": ("merino", "wool"),
    "lambswool": ("lambswool", "wool"),
    "cashmere": ("cashmere",),
    "alpaca": ("alpaca",),
    "silk": ("silk",),
    "satin": ("satin",),
    "viscose": ("viscose",),
    "polyester": ("polyester",),
    "nylon": ("nylon",),
    "leather": ("leather",),
    "faux leather": ("faux leather",),
    "vegan leather": ("faux leather",),
    "suede": ("suede",),
    "canvas": ("canvas",),
    "denim": ("denim",),
    "crepe": ("crepe",),
    "jersey": ("jersey",),
    "acetate": ("acetate",),
    "raffia": ("raffia",),
    "straw": ("straw",),
    "goose down": ("down",),
    "synthetic": ("synthetic",),
    "aluminium": ("aluminium",),
    "aluminum": ("aluminium",),
    "carbon": ("carbon",),
    "mesh": ("mesh",),
    "modal": ("modal",),
    "stainless steel": ("stainless steel",),
    "cast iron": ("cast iron",),
    "bamboo": ("bamboo",),
    "ceramic": ("ceramic",),
    "glass": ("glass",),
    "stainless": ("stainless steel",),
    "steel": ("steel",),
    "stoneware": ("stoneware",),
    "porcelain": ("porcelain",),
    "oak": ("oak", "wood"),
    "walnut": ("walnut", "wood"),
    "wood": ("wood",),
    "wooden": ("wood",),
    "brass": ("brass",),
    "copper": ("copper",),
    "rattan": ("rattan",),
    "seagrass": ("seagrass",),
    "jute": ("jute",),
    "coir": ("coir",),
    "silicone": ("silicone",),
    "rubber": ("rubber",),
    "plastic": ("plastic",),
    "marble": ("marble",),
    "velvet": ("velvet",),
    "fleece": ("fleece",),
    "corduroy": ("corduroy",),
    "tweed": ("tweed",),
}
# In a description, a material named just before one of these is a part's, not the product's
# ("crepe sole", "leather handles", "synthetic fill", "fleece-lined", "leather clean only").
PART_NOUNS = frozenset(
    {
        "sole",
        "soles",
        "trim",
        "trims",
        "handle",
        "handles",
        "lining",
        "grip",
        "grips",
        "tip",
        "tips",
        "button",
        "buttons",
        "collar",
        "cuffs",
        "strap",
        "straps",
        "fill",
        "insole",
        "panel",
        "element",
        "clean",
        "lid",
        "lids",
        "pullers",
        "puller",
        "chain",
        "lenses",
        "lens",
        "shade",
        "shades",
        "filter",
        "filters",
        "back",
        "lined",
        "ring",
        "nib",
        "buckle",
    }
)
# "down" is a material only in a title or as "goose down"; elsewhere it is "down to 0°C"
DOWN_WORD = "down"

# pattern -> its value ("stripe" and "striped" are one)
PATTERNS: dict[str, str] = {
    "leopard print": "leopard print",
    "polka dot": "polka dot",
    "polka dots": "polka dot",
    "striped": "striped",
    "stripes": "striped",
    "stripe": "striped",
    "gingham": "gingham",
    "floral": "floral",
    "tartan": "tartan",
    "plaid": "plaid",
    "camo": "camo",
    "camouflage": "camo",
    "houndstooth": "houndstooth",
    "paisley": "paisley",
}

FITS = frozenset(
    {
        "slim",
        "regular",
        "relaxed",
        "oversized",
        "skinny",
        "straight",
        "tapered",
        "boxy",
        "tailored",
        "loose",
    }
)

# audience value -> the phrases that name it
AUDIENCES: dict[str, tuple[str, ...]] = {
    "women's": ("women's", "womens", "for women", "women-specific", "ladies", "women"),
    "men's": ("men's", "mens", "for men", "men"),
    "kids": ("kids'", "kids", "kid's", "for children", "children", "for kids", "boys", "girls"),
    "unisex": ("unisex",),
}

LETTER_SIZES = ("XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL")

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "solo": 1,
    "single": 1,
}
