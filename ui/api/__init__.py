"""The HTTP side of Aisle: the bot API for embedding sites, the OpenAI-compatible endpoint, the
health check and the widget page, in one FastAPI app (``create_app``); ``ui.cli_serve`` runs it.
"""

from ui.api.app import create_app
from ui.api.turns import TurnGate

__all__ = ["TurnGate", "create_app"]
