"""The offline evaluation harness: typed cases, simulated shoppers, state-based scoring, reports.

A suite turns a shop into typed cases (``cases``), drives the assistant with them from the
outside like a user would (``driver``, ``shopper``, ``customer``), scores what happened by the
state of the store and the catalog, never by an LLM judge (``dialogue``, ``service``,
``latency``), and writes a run folder with the cases, per-case results, transcripts, a summary
with gates and a Markdown/HTML report with plots (``runs``, ``report``, ``plots``).
``compare`` sets two runs side by side with paired bootstrap confidence intervals. The
``conversations`` suite (``conversation_suite``) runs the flows of ``flows`` phrased by a bank
(``banks``) and scores every turn by facts (``checks``, ``expect_*``).

Not here: the assistant, its tools and backends (it is driven, never changed, by the harness);
the retrieval and ranker evaluations (``eval.retrieval_eval``, ``eval.ranker_eval``), which
``suites`` includes in ``all``.
"""
