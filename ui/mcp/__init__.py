"""Aisle for other agents over the Model Context Protocol: ``aisle mcp``.

``server`` wires the tools into the SDK's ``MCPServer``; ``shop`` does their work with the
chat's own search and tools; ``access`` checks the bot API's credentials; ``ucp`` shapes
results as the Universal Commerce Protocol names them; ``commerce`` finds the cart and
checkout tools.
"""
