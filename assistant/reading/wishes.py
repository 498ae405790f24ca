"""Wishes a shopper states that the catalog may not be able to check, and words that say the
request is vague or about something the shop does not sell.

- ``wish_phrases``: colours, materials, patterns, audiences and capacities ("for 4 people",
  "2-person"): the kinds of detail real catalogs often keep only in titles and descriptions.
  Those the catalog's vocabulary does read as constraints are constraints; the rest are
  *unchecked wishes* (``assistant.reading``).
- ``FAMOUS_BRANDS``: brands shoppers name that a shop may not carry ("Ray-Ban sunglasses").
- ``VAGUE``, ``RECIPIENTS``, ``ROOMS``: a gift, "something", "for my dad", "for my kitchen".
- ``COMMON``: words any request uses; a content word outside it, outside the catalog's text and
  outside the lists above names a thing the shop may not sell ("a kayak").

Not here: deciding what to do about any of them (``assistant.policy``).
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_COLOURS = _words("""
black white red blue green yellow orange purple pink brown grey gray beige navy teal
maroon burgundy olive khaki cream ivory tan gold silver charcoal turquoise lavender
coral mint violet indigo magenta cyan rose nude camel multicolor multicolour
""")
_MATERIALS = _words("""
leather cotton linen wool silk denim suede polyester nylon cashmere velvet satin fleece
canvas bamboo wooden wood glass ceramic stainless steel cast iron aluminum aluminium
titanium plastic rubber copper marble granite merino
""")
_PATTERNS = _words("""
striped floral plaid checked polka dotted camo camouflage printed
""")
WISH_WORDS = _COLOURS | _MATERIALS | _PATTERNS
_AUDIENCE = re.compile(
    r"\b(?:for\s+)?(men|women|kids|children|boys|girls|unisex|toddlers?|"
    r"babies|baby)(?:'s)?\b|\b(men's|women's|mens|womens|kid's|kids')\b",
    re.I,
)
_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}
_N = r"(\d{1,2}|two|three|four|five|six|seven|eight)"
_CAPACITY = re.compile(
    rf"\b(?:for|sleeps|sleeping|fits|seats)\s+(?:a\s+(?:family|group)\s+of\s+)?{_N}"
    r"(?:\s+(?:people|persons?|ppl|adults|guests|campers|of\s+us))?\b"
    rf"|\b{_N}[\s-]?(?:person|people|ppl|man)\b",
    re.I,
)
_WORD_LIST = re.compile(
    r"\b(" + "|".join(sorted(_COLOURS | _MATERIALS | _PATTERNS, key=len, reverse=True)) + r")\b",
    re.I,
)

FAMOUS_BRANDS = frozenset(
    b.lower()
    for b in (
        "Nike",
        "Adidas",
        "Ray-Ban",
        "Rayban",
        "Oakley",
        "Apple",
        "Samsung",
        "Sony",
        "Bose",
        "Dell",
        "HP",
        "Lenovo",
        "Asus",
        "Acer",
        "Microsoft",
        "Google",
        "Amazon",
        "Logitech",
        "Razer",
        "Puma",
        "Reebok",
        "New Balance",
        "Under Armour",
        "Patagonia",
        "The North Face",
        "North Face",
        "Columbia",
        "Levi's",
        "Levis",
        "Gucci",
        "Prada",
        "Zara",
        "H&M",
        "Uniqlo",
        "KitchenAid",
        "Cuisinart",
        "Dyson",
        "Philips",
        "Braun",
        "Breville",
        "Nespresso",
        "Keurig",
        "Vitamix",
        "Ninja",
        "Instant Pot",
        "Le Creuset",
        "Yeti",
        "Hydro Flask",
        "Coleman",
        "REI",
        "Osprey",
        "Garmin",
        "Fitbit",
        "Canon",
        "Nikon",
        "GoPro",
        "JBL",
        "Beats",
        "Michael Kors",
        "Coach",
        "Herman Miller",
        "Steelcase",
        "IKEA",
        "Lululemon",
        "Converse",
        "Vans",
        "Crocs",
        "Timberland",
        "Merrell",
        "Salomon",
        "Asics",
        "Brooks",
        "Hoka",
        "Saucony",
        "Mizuno",
        "Skechers",
        "Xiaomi",
        "Huawei",
        "OnePlus",
        "Motorola",
        "Nokia",
        "LG",
        "Panasonic",
        "Sennheiser",
        "Shure",
        "Corsair",
        "SteelSeries",
        "Alienware",
        "MSI",
        "Chanel",
        "Dior",
        "Versace",
        "Armani",
        "Burberry",
        "Ralph Lauren",
        "Tommy Hilfiger",
        "Calvin Klein",
        "Guess",
        "Fossil",
        "Casio",
        "Rolex",
        "Seiko",
        "Swatch",
        "Tiffany",
        "Pandora",
        "Birkenstock",
        "Dr. Martens",
        "Ugg",
        "Hunter",
        "Arc'teryx",
        "Marmot",
        "Mammut",
        "Black Diamond",
        "MSR",
        "Jetboil",
        "Big Agnes",
        "Nemo",
        "Therm-a-Rest",
        "Smeg",
        "Miele",
        "Bosch",
        "Tefal",
        "Oxo",
        "Lodge",
        "Zwilling",
        "Wusthof",
        "Pyrex",
        "Tupperware",
        "Stanley",
        "Contigo",
    )
)
VAGUE = _words("""
gift gifts present presents something anything stuff things thing idea ideas surprise
recommendation recommendations suggestion suggestions options option useful nice cool
fun special
""")
RECIPIENTS = _words("""
dad father mom mother mum sister brother wife husband friend friends son daughter
boyfriend girlfriend grandma grandpa grandmother grandfather kid kids child children
baby boss colleague coworker teacher partner him her them uncle aunt niece nephew cousin
fiance fiancee parents family teenager teen neighbor neighbour myself
""")
OCCASIONS = _words("""
birthday christmas xmas anniversary wedding graduation holiday holidays housewarming
valentine valentines mothers fathers retirement
""")
ROOMS = _words("""
kitchen office bedroom bathroom garden living room home desk gym workout camping hiking
travel trip running outdoors outdoor school work study
""")
# Words any request uses: never a product the shop may lack.
COMMON = _words("""
a an the and or but if so for to of in on at by with from about as into than then that
this these those it its it's is are was were be been being am do does did done have has
had having i me my mine we our you your he she they their what which who whom whose when
where why how can could would should will shall may might must need needs needed want
wants wanted wanna like love looking look looks find found buy buying get getting got
show showing give see help choose pick picking recommend suggest searching search
shopping shop store sell sells carry carries stock have any some something anything one
ones please thanks thank hi hello hey just really very also too more most less least
much many lot lots bit little good great nice best better new cheap cheaper expensive
price prices budget under over below above around about between up down max maximum min
minimum dollars dollar bucks usd cost costs spend pay paying quality high low top rated
rating reviews review stars star well not no yes don't dont do anything else other
another different same kind type sort good ok okay sure maybe perhaps think thinking
wondering interested idea ideas available today now currently soon something someone
somebody everything every each all both either neither there here again still only even
ever never always sometimes usually while during before after until since because though
although however yet already please hmm um uh well so tell know let us also got gotta
going go went use used using make making made fit fits suitable work works working able
okay size sizes color colors colour colours pair set kind piece pieces item items
product products thing things stuff brand brands model models style styles version gift
present mine yours his hers ours theirs own small large big medium long short light
heavy warm cold hot cool fast slow easy hard soft simple decent solid reliable durable
comfortable lightweight compact portable affordable premium basic simple classic modern
cute pretty beautiful stylish fancy sturdy strong gonna wanna gotta would'd i'm i'd i've
i'll you're you've that's what's there's it'll can't won't isn't aren't doesn't didn't
wasn't weren't haven't hasn't shouldn't wouldn't couldn't where's what's how's who's
when's here's let's that's
""")


def wish_phrases(text: str) -> list[tuple[int, int, str]]:
    """(start, end, phrase) of every colour, material, pattern, audience or capacity wish."""
    found: list[tuple[int, int, str]] = []
    for m in _CAPACITY.finditer(text):
        count = next(g for g in m.groups() if g)
        number = _COUNTS.get(count.lower(), count)
        # "sleeps four", "a 4-person tent" and "for 4 ppl" are one wish: "for 4 people"
        if m.group(0).lower().startswith(("for", "sleep", "fits", "seats")) and not re.search(
            r"people|person|ppl|adults|guests|campers|of us|sleep", m.group(0), re.I
        ):
            continue  # "for 2" alone is no capacity
        found.append((m.start(), m.end(), f"for {number} people"))
    for pattern in (_AUDIENCE, _WORD_LIST):
        for m in pattern.finditer(text):
            if all(m.end() <= s or m.start() >= e for s, e, _ in found):
                found.append((m.start(), m.end(), _tidy(m.group(0))))
    return sorted(found)


def _tidy(phrase: str) -> str:
    return " ".join(phrase.lower().split())


def famous_brands_in(text: str) -> list[str]:
    """Well-known brand names in ``text`` (as written), longest first."""
    lowered = f" {text.lower()} "
    out: list[str] = []
    for brand in sorted(FAMOUS_BRANDS, key=len, reverse=True):
        m = re.search(rf"(?<![\w-]){re.escape(brand)}(?![\w-])", lowered)
        if m and not any(brand in seen.lower() for seen in out):
            out.append(text[m.start() - 1 : m.end() - 1])
    return out
