"""Reading the shop's key/value facts (``ShopMeta``): its source, seed, generation stamp, and
whether its labelled queries judge every relevant product.

Not here: writing them (the demo generator and the importers do, with their rows).
"""

from __future__ import annotations

from sqlalchemy import select

from store.db import Store
from store.models import ShopMeta

# "complete": every product a labelled query's constraints fit (fully or all but one) is
# judged, so an unjudged product is irrelevant; "sampled" or absent: unjudged means unknown.
JUDGEMENTS_KEY = "judgements"


def shop_meta(store: Store) -> dict[str, str]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(ShopMeta.key, ShopMeta.value))  # type: ignore[call-overload]
        return {key: value for key, value in rows}


def judgements_complete(store: Store) -> bool:
    return shop_meta(store).get(JUDGEMENTS_KEY) == "complete"
