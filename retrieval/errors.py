"""People-facing errors of the retrieval layer.

    AisleError
     └── RetrievalError
          ├── QueryError      the search text is unusable (empty, whitespace only)
          ├── FilterError     a filter names an unknown field or cannot be met (min > max, ...)
          └── IndexNotReady   the vector index is missing, empty or unreachable

Messages say what to fix. The tools layer turns them into observations the LLM can act on.
"""

from __future__ import annotations

from store.errors import AisleError


class RetrievalError(AisleError):
    pass


class QueryError(RetrievalError):
    pass


class FilterError(RetrievalError):
    pass


class IndexNotReady(RetrievalError):
    pass
