"""The demo help center in Chinese: the English articles' ids, topics and dates, with the
titles and bodies of ``help.toml`` (a Chinese rendering of ``store.demo.help``).

Not here: the rules the articles state (``store.demo.help`` is the one the assistant follows).
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from importlib.resources import files

from store.demo.zh.terms import MissingTerm
from store.models import HelpArticle


def localise_articles(articles: Sequence[HelpArticle]) -> list[HelpArticle]:
    """The articles with Chinese titles and bodies (same ids, topics and order)."""
    data = tomllib.loads(files("store.demo.zh").joinpath("help.toml").read_text("utf-8"))
    out = []
    for article in articles:
        if article.article_id not in data:
            raise MissingTerm(
                f"no Chinese help article {article.article_id!r}; add it to store/demo/zh/help.toml"
            )
        zh = data[article.article_id]
        out.append(
            HelpArticle(
                article_id=article.article_id,
                title=zh["title"],
                topic=article.topic,
                body=zh["body"],
                updated_at=article.updated_at,
            )
        )
    return out
