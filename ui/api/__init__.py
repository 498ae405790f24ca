"""The HTTP side of Aisle: the bot API for embedding sites, the OpenAI-compatible endpoint, the
health check and the widget page, in one FastAPI app (``create_app``); ``ui.cli_serve`` runs it.

Its doors share one story: ``security`` (API keys, rate limits, body limits, CORS), ``signin``
(the web chat behind the same keys), ``identity`` (the shop's signed word for its shopper),
``ratelimit`` (counted in memory or Redis), ``errors`` and ``web_errors`` (one JSON shape).
"""

from ui.api.app import create_app
from ui.api.turns import TurnGate

__all__ = ["TurnGate", "create_app"]
