"""The cart and checkout tools the MCP server offers, found by their names.

The conversation's commerce tools are ``tools.cart`` (``add_to_cart``, ``view_cart``,
``update_cart_item``, ``remove_from_cart``) and ``tools.checkout`` (``checkout``, a write tool:
it proposes, and the stored proposal is confirmed once). The MCP server exposes the same
``Tool`` objects, with their derived schemas, through one ``ToolSet``; a shop whose code has
no such module (an older checkout of Aisle) serves the catalog and order tools alone.

Not here: running them for a caller (``ui.mcp.shop``).
"""

from __future__ import annotations

import importlib
import logging

from tools.base import Tool, ToolSet

log = logging.getLogger("aisle.mcp")

COMMERCE_TOOLS: dict[str, tuple[str, ...]] = {
    "tools.cart": ("add_to_cart", "view_cart", "update_cart_item", "remove_from_cart"),
    "tools.checkout": ("checkout",),
}


def commerce_tools() -> ToolSet:
    """The cart and checkout tools this code base has, in a fixed order."""
    found: list[Tool] = []
    for module_name, names in COMMERCE_TOOLS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise  # the module exists but something it imports does not: a real error
            log.info("no %s in this code base: its MCP tools are not offered", module_name)
            continue
        for name in names:
            tool = getattr(module, name, None)
            if not isinstance(tool, Tool):
                raise TypeError(f"{module_name}.{name} should be a @tool, found {tool!r}")
            found.append(tool)
    return ToolSet(found)
