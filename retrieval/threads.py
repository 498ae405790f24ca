"""One CPU thread pool, torch's: numpy's BLAS is limited to one thread in a process that
runs torch models.

OpenBLAS keeps its worker threads spinning for a while after every matrix product, and on a
small machine they take the cores torch's own threads are using. Measured on the 2-core
development machine (20,000-product demo shop, 200 search queries interleaved with numpy
exact search, as `aisle bench retrieval` runs them): encoding one query took 22–27 ms with
OpenBLAS at its default two threads and 11.8 ms at one, and a full 20k x 384 numpy product
took 2.9 ms instead of 4.3 ms. Single-vector products are memory-bound, so one BLAS thread
loses nothing.

Not here: torch's own thread count (its default, one per core, is right).
"""

from __future__ import annotations

from functools import cache


@cache
def yield_blas_to_torch() -> None:
    """Limit numpy's BLAS to one thread in this process (idempotent)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
