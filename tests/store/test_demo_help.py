"""Help-center articles: coverage of the required topics, the policy's rules, own wording."""

from __future__ import annotations

import re
from pathlib import Path

from store.demo.help import help_articles
from store.models import HelpArticle

REQUIRED_TOPICS = {
    "shipping",
    "returns",
    "exchanges",
    "cancellations",
    "order changes",
    "refunds",
    "warranty",
    "payments",
    "account",
    "privacy",
}


def _by_id() -> dict[str, HelpArticle]:
    return {a.article_id: a for a in help_articles()}


def test_between_12_and_20_articles_with_slug_ids_and_required_topics() -> None:
    articles = help_articles()
    assert 12 <= len(articles) <= 20
    assert len({a.article_id for a in articles}) == len(articles)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", a.article_id) for a in articles)
    assert {a.topic for a in articles} >= REQUIRED_TOPICS
    for a in articles:
        assert a.body.count("\n\n") >= 2 and len(a.body) > 350, a.article_id
        assert a.updated_at.tzinfo is not None


def test_articles_state_the_policy_rules() -> None:
    art = _by_id()
    cancel = art["cancel-order"].body
    assert "**pending**" in cancel
    assert "No longer needed" in cancel and "Ordered by mistake" in cancel
    assert "5-7 business days" in cancel and "immediately" in cancel
    assert "5-7 business days" in art["refunds"].body
    assert "**delivered**" in art["returns"].body and "existing" not in art["returns"].body
    assert "gift card already saved" in art["returns"].body
    assert "**once**" in art["exchanges"].body and "same product" in art["exchanges"].body
    items = art["change-items"].body
    assert "**only once per order**" in items and "pending (item modified)" in items
    assert "enough balance" in items
    assert "must be different" in art["change-payment-method"].body
    verify = art["sign-in-and-verification"].body
    assert "email address" in verify and "zip code" in verify and "user ID" in verify


def test_wording_is_our_own(tau2_dir: Path) -> None:
    """No run of eight words from the tau2 policy appears in any article."""

    def shingles(text: str) -> set[tuple[str, ...]]:
        words = re.findall(r"[a-z0-9']+", text.lower())
        return {tuple(words[i : i + 8]) for i in range(len(words) - 7)}

    policy = shingles((tau2_dir / "policy.md").read_text())
    for a in help_articles():
        assert not shingles(a.body) & policy, a.article_id
