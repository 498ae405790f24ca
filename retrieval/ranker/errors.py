"""People-facing errors of the ranker.

    AisleError
     └── RankerError
          ├── RankerUnavailable   the trained ranker is missing, incomplete or unreadable
          │    └── RankerMissing  none was ever trained there (the folder does not exist)
          └── NoTrainingData      the shop has no labelled queries and no search behaviour

Messages say what to fix (usually: run ``aisle train-ranker``). Callers that can live without
the ranker use ``load_ranker_or_fallback``, which keeps the retrieval order and says why.
"""

from __future__ import annotations

from store.errors import AisleError


class RankerError(AisleError):
    pass


class RankerUnavailable(RankerError):
    pass


class RankerMissing(RankerUnavailable):
    pass


class NoTrainingData(RankerError):
    pass
