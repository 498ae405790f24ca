"""The Gradio shopping chat: a thin adapter from the assistant's typed turn events to chat
messages, product cards, comparison tables, clickable options and feedback buttons.

``ui.web.app.build_ui(runtime)`` builds the ``gr.Blocks``; ``ui.web.app.mount_ui`` mounts it
on a FastAPI app with its stylesheet. Importing this package does not import Gradio (a few
seconds): the server imports ``ui.web.app`` only when it serves the UI.

Modules: ``views`` (what the store adds to a reply: ratings, attributes, comparisons, demo
shoppers, example prompts), ``render`` (pure functions from views to HTML and chat messages),
``chat`` (a streaming turn as a growing list of chat messages), ``session`` (per-browser state
and the handlers), ``style`` (CSS and the feedback bridge script), ``app`` (layout and wiring).
"""
