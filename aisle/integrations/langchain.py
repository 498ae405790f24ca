"""Aisle's tools as LangChain tools, bound to one conversation, guards included.

    from aisle.integrations.langchain import AisleConversation, aisle_tools

    conversation = AisleConversation.open(Runtime(Settings.load()))
    tools = aisle_tools(conversation)          # StructuredTools for any LangChain agent
    conversation.shopper_said(user_text)       # every message the shopper types
    ...                                        # the agent calls tools; a write only proposes
    if shopper_said_yes:
        conversation.confirm()                 # your code, never the model, carries it out

Every tool is one of Aisle's own ``Tool`` objects (schema derived from its signature, the
arguments validated and normalised by it), called with the same ``ShopContext`` and the same
``ToolSet`` calls as the chat:

- **Identity comes from the conversation, never from the model.** ``find_user_id_by_email``
  and ``find_user_id_by_name_zip`` succeed only with credentials the shopper typed (passed in
  with ``shopper_said``) or for the customer your own login vouched for (``user_id=`` when
  opening the conversation: take it from a verified session or token, e.g.
  ``ui.api.identity.IdentityVerifier``); on success the conversation adopts that customer,
  and account tools refuse everyone else's data.
- **Writes are proposals.** A write tool stores its exact arguments under a server-issued id
  and returns "Not done yet ..." with the summary to show; nothing changes. There is no
  confirming tool: ``confirm()`` consumes the stored proposal once (a second call, or a replay,
  applies nothing and says so), and ``decline()`` drops it.

The tools are the chat's search (``search_products``, with hard filters, hybrid retrieval and
the ranker), ``compare_products``, ``lookup_profile``, ``search_help_center``, the
customer-service tools (``tools.service.RETAIL_TOOLS``) and, when the code base has them, the
cart and checkout tools (``ui.mcp.commerce``). Each tool's result is the text the model
reads; the typed ``ToolResult`` is the tool message's ``artifact``.

Not here: the LLM or the agent loop (yours), the chat's own turn (``assistant``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from langchain_core.tools import StructuredTool

from retrieval.search import ProductSearcher
from store.db import Store
from store.models import ProposalStatus
from tools import confirmations
from tools.base import ConfirmationRequest, ToolResult, ToolSet
from tools.service import RETAIL_TOOLS
from tools.shop_context import RerankerLike, ShopContext
from tools.shopping import compare_products, lookup_profile, search_help_center, search_products
from tools.vocabulary import CatalogVocabulary
from ui.mcp.commerce import commerce_tools

if TYPE_CHECKING:
    from ui.runtime import Runtime

IDENTIFYING = ("find_user_id_by_email", "find_user_id_by_name_zip")


def default_toolsets() -> list[ToolSet]:
    """Search and information, customer service, then cart and checkout where present."""
    shopping = ToolSet([search_products, compare_products, lookup_profile, search_help_center])
    return [shopping, RETAIL_TOOLS, commerce_tools()]


@dataclass
class AisleConversation:
    """One shopper's conversation as the tools see it: the shop's parts, the identified
    customer, what the shopper typed, and the write waiting for their yes."""

    store: Store
    searcher: ProductSearcher | None = None
    ranker: RerankerLike | None = None
    vocab: CatalogVocabulary | None = None
    user_id: str | None = None  # vouched for by your login; or adopted from typed credentials
    checkout_url: str | None = None  # the shop's checkout page (AISLE_CHECKOUT_URL): hand over
    conversation_id: str = field(default_factory=lambda: f"lc-{uuid.uuid4().hex}")
    toolsets: list[ToolSet] = field(default_factory=default_toolsets)
    typed: list[str] = field(default_factory=list)
    pending: ConfirmationRequest | None = None
    executed: set[str] = field(default_factory=set)
    vouched: str | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.vouched = self.user_id

    @classmethod
    def open(cls, runtime: Runtime, user_id: str | None = None) -> AisleConversation:
        """A conversation over a runtime's shop, as the chat opens its parts."""
        store = runtime.store
        return cls(
            store=store,
            searcher=runtime.product_searcher(),
            ranker=runtime.ranker,
            vocab=CatalogVocabulary.from_store(store),
            user_id=user_id,
            checkout_url=runtime.settings.checkout_url,
        )

    def shopper_said(self, message: str) -> None:
        """Record a message the shopper typed (identification checks credentials against
        these; pass only the shopper's own words, never the model's)."""
        self.typed.append(message)

    def context(self) -> ShopContext:
        return ShopContext(
            store=self.store,
            session_user_id=self.user_id,
            vouched_user_id=self.vouched,
            pending=self.pending,
            executed=set(self.executed),
            conversation_id=self.conversation_id,
            shopper_typed=tuple(self.typed),
            searcher=self.searcher,
            ranker=self.ranker,
            vocab=self.vocab,
            message=self.typed[-1] if self.typed else "",
            checkout_url=self.checkout_url,
        )

    def _owner(self, name: str) -> ToolSet:
        for toolset in self.toolsets:
            if name in toolset:
                return toolset
        raise KeyError(name)

    def call(self, name: str, arguments: dict[str, Any]) -> ToolResult:
        """Run tool ``name`` in this conversation; adopt an identified customer, keep a
        proposed write as the one waiting for a yes."""
        result = self._owner(name).call(self.context(), name, arguments)
        if result.ok and name in IDENTIFYING and isinstance(result.data, str):
            self.user_id = result.data
        if result.ok and isinstance(result.data, ConfirmationRequest):
            self.pending = result.data
        return result

    def confirm(self) -> ToolResult:
        """Carry out the waiting write after the shopper's explicit yes: once."""
        if self.pending is None:
            return ToolResult(ok=False, content="Error: nothing is waiting for a yes")
        pending = self.pending
        result = self._owner(pending.action).confirm(self.context(), pending)
        if result.ok or result.error_kind == "already_done":
            self.executed.add(pending.key)
            self.pending = None
        return result

    def decline(self) -> None:
        """The shopper said no: the waiting write is closed and will not run."""
        if self.pending is not None:
            confirmations.settle(self.store, self.pending.request_id, ProposalStatus.DECLINED)
            self.pending = None


def _runner(conversation: AisleConversation, name: str) -> Callable[..., tuple[str, ToolResult]]:
    def run(**arguments: Any) -> tuple[str, ToolResult]:
        given = {k: v for k, v in arguments.items() if v is not None}
        result = conversation.call(name, given)
        return result.content, result

    return run


def aisle_tools(
    conversation: AisleConversation, names: Sequence[str] | None = None
) -> list[StructuredTool]:
    """The conversation's tools (or those in ``names``) as LangChain ``StructuredTool``s."""
    out: list[StructuredTool] = []
    for toolset in conversation.toolsets:
        for tool in toolset:
            if names is not None and tool.name not in names:
                continue
            out.append(
                StructuredTool.from_function(
                    func=_runner(conversation, tool.name),
                    name=tool.name,
                    description=tool.description,
                    args_schema=tool.arguments,
                    response_format="content_and_artifact",
                )
            )
    return out
