"""The model's search arguments, made safe: coerced, checked against the catalog, explained.

A small model sends "Acme, Bolt" for a list, "$100" for a number or a JSON string for an
object; the ``Annotated`` types below accept what it meant. ``arguments_to_constraints`` keeps
only what the catalog knows (a category, brand, attribute key or value no product has is
dropped with a note the model can read) and returns model-sourced ``Constraints``; the shopper's
own words are merged over them later (``tools.constraints.merge_constraints``).

Not here: the shopper's words, the search.
"""

from __future__ import annotations

import json
import re
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator

from retrieval.documents import norm_key
from tools.constraints import Constraints, ParsedConstraints, parse_constraints
from tools.fields import at_most, price, rating
from tools.phrases import amount
from tools.vocabulary import CatalogVocabulary


def _names(value: object) -> object:
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                return json.loads(text)
            except json.JSONDecodeError:
                pass
        return [v.strip(" '\"") for v in re.split(r"[,;]", text) if v.strip(" '\"")]
    return value


def _money(value: object) -> object:
    if isinstance(value, str):
        text = value.strip()
        if not text or text.lower() in ("none", "null", "any"):
            return None
        try:
            return amount(text)
        except ValueError:
            return value  # pydantic names the problem
    return value


def _mapping(value: object) -> object:
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            pairs = [p.split(":", 1) for p in re.split(r"[,;]", text) if ":" in p]
            return {k.strip(" '\""): v.strip(" '\"") for k, v in pairs} or value
    return value


Names = Annotated[list[str], BeforeValidator(_names), AfterValidator(at_most(20))]
Money = Annotated[float, BeforeValidator(_money), AfterValidator(price)]
Rating = Annotated[float, AfterValidator(rating)]
AttributeMap = Annotated[dict[str, str | list[str]], BeforeValidator(_mapping)]


def arguments_to_constraints(
    vocab: CatalogVocabulary,
    category: str | None = None,
    brands: list[str] | None = None,
    price_min: float | None = None,
    price_max: float | None = None,
    min_rating: float | None = None,
    in_stock: bool | None = None,
    attributes: dict[str, str | list[str]] | None = None,
) -> tuple[Constraints, list[str]]:
    """Model-sourced constraints the catalog can honour, and notes on what was dropped."""
    notes: list[str] = []
    found_category = None
    if category:
        found_category = (
            vocab.resolve_category(category) or parse_constraints(category, vocab).category
        )
        if found_category is None:
            notes.append(f"no category {category!r} in this shop; searched by words instead")
    kept_brands: list[str] = []
    for name in brands or []:
        brand = vocab.resolve_brand(name)
        if brand is None:
            notes.append(f"no brand {name!r} in this shop; brand ignored")
        elif brand not in kept_brands:
            kept_brands.append(brand)
    attrs: dict[str, list[str]] = {}
    for key, value in (attributes or {}).items():
        values = value if isinstance(value, list) else [value]
        nkey = norm_key(key)
        if nkey in ("brand", "brands"):
            kept_brands += [b for v in values if (b := vocab.resolve_brand(str(v)))]
            continue
        if nkey == "category" and found_category is None and values:
            found_category = vocab.resolve_category(str(values[0]))
            continue
        catalog_key = vocab.resolve_key(key)
        for v in values:
            text = str(v)
            resolved = vocab.resolve_value(catalog_key, text) if catalog_key else None
            target = catalog_key
            if resolved is None:  # a misnamed key: "colour": "black", "switch_type": "clicky"
                parsed = parse_constraints(text, vocab).attributes
                if len(parsed) == 1:
                    target, (resolved, *_) = next(iter(parsed.items()))
            if resolved is None or target is None:
                notes.append(f"no product has {key} {text!r}; attribute ignored")
            elif resolved not in attrs.setdefault(target, []):
                attrs[target].append(resolved)
    low, high = price_min, price_max
    if low is not None and high is not None and low > high:
        low, high = high, low
        notes.append("price_min was above price_max; swapped them")
    rating = min_rating
    if rating is not None and not 0 <= rating <= 5:
        notes.append(f"min_rating {rating:g} is outside 0-5; ignored")
        rating = None
    constraints = Constraints(
        category=found_category,
        brands=kept_brands,
        attributes={k: v for k, v in attrs.items() if v},
        price_min=low,
        price_max=high,
        min_rating=rating,
        in_stock=bool(in_stock),
    )
    return constraints, notes


def overruled(llm: Constraints, merged: Constraints) -> list[str]:
    """Notes for the model where the shopper's words beat its arguments."""
    notes: list[str] = []
    for name in ("category", "price_min", "price_max", "min_rating"):
        sent, kept = getattr(llm, name), getattr(merged, name)
        if sent is not None and sent != kept:
            notes.append(f"kept the shopper's {name} {kept!r} (you sent {sent!r})")
    if llm.brands and set(llm.brands) - set(merged.brands):
        notes.append(f"kept the shopper's brands {merged.brands or 'any'} (you sent {llm.brands})")
    merged_keys = {norm_key(k): v for k, v in merged.attributes.items()}
    for key, values in llm.attributes.items():
        kept_values = merged_keys.get(norm_key(key))
        if kept_values != values:
            notes.append(f"kept the shopper's {key} {kept_values or 'any'} (you sent {values})")
    return notes


def fill_from_query(
    llm: Constraints, query: ParsedConstraints, attributes: bool = True
) -> Constraints:
    """The model's arguments, completed by what its own query text states ("running shoes
    under 100" with no price_max). Still the model's: the shopper's words override them.
    Option and attribute words the model adds to its query ("trail running shoes" when the
    shopper said "running shoes") stay search words, not hard filters, when ``attributes`` is
    off (a conversation, where the shopper's own words are parsed too); a replay with no
    shopper message keeps them."""
    filled: dict[str, object] = {}
    for name in ("category", "price_min", "price_max", "min_rating"):
        if getattr(llm, name) is None and getattr(query, name) is not None:
            filled[name] = getattr(query, name)
    if not llm.brands and query.brands:
        filled["brands"] = list(query.brands)
    if query.exclude_brands:
        filled["exclude_brands"] = list(dict.fromkeys(llm.exclude_brands + query.exclude_brands))
    if not llm.in_stock and query.in_stock:
        filled["in_stock"] = True
    merged = {**query.attributes, **llm.attributes}
    if attributes and merged != llm.attributes:
        filled["attributes"] = merged
    low = filled.get("price_min", llm.price_min)
    high = filled.get("price_max", llm.price_max)
    if isinstance(low, float) and isinstance(high, float) and low > high:
        filled.pop("price_min", None)
        filled.pop("price_max", None)
    return llm.model_copy(update=filled)
