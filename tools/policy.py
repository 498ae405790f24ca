"""The customer-service rules, checked in code whatever the model says.

The same rules as the public tau2-bench retail policy (the policy text is shipped separately;
this module enforces it): the customer is identified before any account data, one customer per
conversation, only pending orders are cancelled or modified, only delivered orders are returned
or exchanged, gift cards must cover what they pay, refunds go to the original
payment method or a gift card, and items change only to an available variant of the same
product. Each check raises a ``Refusal`` whose message tells the model what to do instead;
nothing here reads or writes the store.

Not here: the cancellation reasons (an enum in the tool's schema, ``tools.service_write``),
loading rows (``tools.service_read``) or applying writes (``tools.service_change``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection

from store.models import Item, PaymentMethod, PaymentSource
from tools.base import ToolContext
from tools.errors import NotAuthenticated, PolicyViolation

REFUND_DAYS = "5 to 7 business days"


def require_identified(ctx: ToolContext) -> None:
    if ctx.session_user_id is None and not ctx.operator:
        raise NotAuthenticated(
            "the customer is not identified yet; ask for their email (find_user_id_by_email) "
            "or their first name, last name and zip code (find_user_id_by_name_zip) first"
        )


def is_pending(status: str) -> bool:
    """Pending in the broad sense tau2 uses for address and payment changes: an order whose
    items were already modified is still pending for those."""
    return "pending" in status


def require_status(order_id: str, status: str, allowed: Collection[str], action: str) -> None:
    if status not in allowed:
        wanted = " or ".join(repr(str(s)) for s in sorted(allowed))
        raise PolicyViolation(
            f"order {order_id} is {status!r}; only {wanted} orders can be {action}. "
            "Tell the shopper; nothing was changed"
        )


def require_pending_like(order_id: str, status: str, action: str) -> None:
    if not is_pending(status):
        raise PolicyViolation(
            f"order {order_id} is {status!r}; only pending orders can be "
            f"{action}. Tell the shopper; nothing was changed"
        )


def require_items_in_order(order_id: str, order_item_ids: list[str], item_ids: list[str]) -> None:
    """Every listed item is in the order, as many times as it is listed (duplicates count)."""
    if not item_ids:
        raise PolicyViolation(
            "item_ids is empty; list the item ids to change, as many times as "
            "the shopper has that item"
        )
    have, want = Counter(order_item_ids), Counter(item_ids)
    missing = [i for i, n in want.items() if n > have[i]]
    if missing:
        raise PolicyViolation(
            f"order {order_id} does not contain item(s) {', '.join(missing)} that many times; "
            f"its items are {', '.join(order_item_ids)} (item ids, not product ids)"
        )


def require_pairs(item_ids: list[str], new_item_ids: list[str], distinct: bool) -> None:
    if len(item_ids) != len(new_item_ids):
        raise PolicyViolation(
            f"item_ids has {len(item_ids)} entries but new_item_ids has {len(new_item_ids)}; "
            "give one new item per item, in the same order"
        )
    if distinct:
        same = [i for i, n in zip(item_ids, new_item_ids, strict=True) if i == n]
        if same:
            raise PolicyViolation(
                f"item {same[0]} would be replaced by itself; the new item "
                "must be a different option of the same product"
            )


def require_same_product_available(
    item_id: str, product_id: str, new: Item | None, new_item_id: str
) -> Item:
    if new is None or new.product_id != product_id:
        raise PolicyViolation(
            f"item {new_item_id} is not a variant of the same product as item {item_id} "
            f"(product {product_id}); items can only change to another option of the same "
            "product. Use get_product_details to see its variants"
        )
    if not new.available:
        raise PolicyViolation(
            f"item {new_item_id} is not available; offer the shopper another available option"
        )
    return new


def is_gift_card(method: PaymentMethod) -> bool:
    return method.source == PaymentSource.GIFT_CARD


def require_gift_card_covers(method: PaymentMethod, amount: float, what: str) -> None:
    if is_gift_card(method) and (method.balance or 0.0) < amount:
        raise PolicyViolation(
            f"gift card {method.id} has a balance of ${method.balance or 0.0:,.2f}, which does "
            f"not cover {what} of ${amount:,.2f}; ask for another payment method"
        )


def require_refund_method(method: PaymentMethod, original_id: str) -> None:
    if not is_gift_card(method) and method.id != original_id:
        raise PolicyViolation(
            f"a refund can only go to the original payment method ({original_id}) or a gift "
            f"card, not {method.id}"
        )
