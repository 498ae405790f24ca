"""``aisle eval security``: the project's adversarial suite.

A fresh demo shop with instructions planted in its data is served by the real app on loopback
(``target``), its agent talking over the OpenAI protocol to a model that obeys any planted
instruction (``obedient``); cases (``cases``, ``cases_users``, ``cases_http``) attack it through
real HTTP (``driver``) and are scored by a database diff and by what reached the shopper
(``suite``); ``command`` is the CLI.
"""
