"""The commerce tool set: the cart tools and checkout, in a fixed order, with checkout's
confirmation step.

``CART_TOOLS`` is what other doors (the bot API, an MCP server, LangChain) expose next to the
shopping and customer-service tools; ``confirm`` executes a pending checkout after the
shopper's yes, once (``tools.base.ToolSet.confirm``).

Not here: the tools themselves (``tools.cart``, ``tools.checkout``).
"""

from __future__ import annotations

from tools.base import ConfirmationRequest, ToolContext, ToolResult, ToolSet
from tools.cart import add_to_cart, remove_from_cart, update_cart_item, view_cart
from tools.checkout import checkout

CART_TOOLS = ToolSet([add_to_cart, view_cart, update_cart_item, remove_from_cart, checkout])


def confirm(ctx: ToolContext, request: str | ConfirmationRequest) -> ToolResult:
    """Execute the pending checkout after the shopper's explicit yes (once)."""
    return CART_TOOLS.confirm(ctx, request)
