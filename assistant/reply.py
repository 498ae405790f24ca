"""A turn's typed outcome: recommendations, a question, a confirmation request, an answer with
citations, or a handoff, each with the trace of tool calls. ``to_dict`` is the public JSON
shape (DESIGN.md, "A reply as JSON"); fields that do not apply are empty or null.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Kind = Literal["recommendations", "question", "confirmation", "answer", "handoff"]


class VariantOut(BaseModel):
    """One variant of a card's product, for an option picker: its options, price, stock."""

    item_id: str
    options: dict[str, str]
    price: float
    in_stock: bool


class ProductCard(BaseModel):
    product_id: str
    item_id: str | None = None
    title: str
    price: float
    reasons: list[str] = Field(default_factory=list)
    variants: list[VariantOut] = Field(default_factory=list)


class CartLineOut(BaseModel):
    item_id: str
    product_id: str
    title: str
    options: dict[str, str]
    unit_price: float
    quantity: int
    line_total: float
    in_stock: bool


class CartReply(BaseModel):
    """The cart after a turn that showed or changed it; ``checkout_url`` when the shop's own
    checkout page takes it from here."""

    lines: list[CartLineOut]
    count: int
    total: float
    checkout_url: str | None = None


class QuestionOut(BaseModel):
    text: str
    attribute: str
    options: list[str]


class ConfirmationOut(BaseModel):
    action: str
    arguments: dict[str, Any]


class CitationOut(BaseModel):
    article_id: str
    title: str


class TraceStep(BaseModel):
    tool: str
    arguments: dict[str, Any]
    ms: float
    ok: bool = True


class Reply(BaseModel):
    kind: Kind
    text: str
    products: list[ProductCard] = Field(default_factory=list)
    question: QuestionOut | None = None
    confirmation: ConfirmationOut | None = None
    citations: list[CitationOut] = Field(default_factory=list)
    trace: list[TraceStep] = Field(default_factory=list)
    cart: CartReply | None = None  # set when the turn showed or changed the cart

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")
