"""Data out of the store in formats other systems read: product feeds (``feeds``, checked by
``feed_rules``). The tau2 export lives with its importer (``store.importers.tau2_export``)."""

from store.exporters.feeds import FeedRejected, FeedReport, export_feed

__all__ = ["FeedRejected", "FeedReport", "export_feed"]
