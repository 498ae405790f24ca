"""The demo shop in Chinese (``aisle init-demo --language zh``): a rendering of the English
shop's rows, not a second generator. ``localise_shop`` is the entry point; the words are data
files beside the modules (``catalog.toml``, ``reviews.toml``, ``people.toml``, ``help.toml``).
"""
