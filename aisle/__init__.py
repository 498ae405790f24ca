"""Aisle as a library for other programs: ``aisle.integrations`` hands its tools to other
agent frameworks. The assistant itself lives in the packages ``store``, ``retrieval``,
``tools``, ``assistant`` and ``ui``; this package only adapts them."""
