"""The customer-service tool set: lookups, writes, arithmetic and the human handoff.

``RETAIL_TOOLS`` holds the tools under tau2-bench's retail names in a fixed order (stable schemas
keep the LLM server's prefix cache warm); ``confirm`` and ``execute_confirmed`` are its
confirmation step and operator path (``aisle replay``). ``calculate`` evaluates arithmetic by
walking the parsed expression: numbers, + - * /, unary signs and parentheses, nothing else.

Not here: the lookups and writes themselves (``tools.service_read``, ``tools.service_write``),
the rules (``tools.policy``), or the machinery (``tools.base``).
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable
from typing import Any

from tools import service_read as read
from tools import service_write as write
from tools.base import ConfirmationRequest, ToolContext, ToolResult, ToolSet, tool
from tools.errors import BadArgument

MAX_EXPRESSION = 200  # a longer "calculation" is not arithmetic a shopper needs

_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_UNARY: dict[type[ast.unaryop], Callable[[float], float]] = {
    ast.UAdd: operator.pos,
    ast.USub: operator.neg,
}


def _evaluate(node: ast.AST) -> float:
    if isinstance(node, ast.Expression):
        return _evaluate(node.body)
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    ):
        return float(node.value)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return _BINARY[type(node.op)](_evaluate(node.left), _evaluate(node.right))
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_evaluate(node.operand))
    raise BadArgument(
        "only numbers, + - * /, and parentheses are allowed, such as '(19.99 + 5) * 2'"
    )


@tool
def calculate(ctx: ToolContext, expression: str) -> str:
    """Calculate an arithmetic expression and return the result rounded to 2 decimals.

    Args:
        expression: The expression, with numbers, + - * / and parentheses, such as '2 + 2'.
    """
    # "$1,234.50" is how prices read in a conversation; thousands commas would parse as tuples
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", expression.replace("$", "")).strip()
    if len(text) > MAX_EXPRESSION:
        raise BadArgument(f"the expression is longer than {MAX_EXPRESSION} characters; split it")
    try:
        value = _evaluate(ast.parse(text, mode="eval"))
    except SyntaxError as exc:
        raise BadArgument(
            f"{expression!r} is not an arithmetic expression; use numbers, + - * / and parentheses"
        ) from exc
    except ZeroDivisionError as exc:
        raise BadArgument("division by zero") from exc
    return str(round(value, 2))


@tool
def transfer_to_human_agents(ctx: ToolContext, summary: str) -> str:
    """Hand the conversation to a human agent, with a summary of the shopper's issue. Only when
    the shopper asks for a human, or the request cannot be handled with these tools and the
    policy.

    Args:
        summary: A short summary of the shopper's issue for the human agent.
    """
    return "Transfer successful"


RETAIL_TOOLS = ToolSet(
    [
        read.find_user_id_by_email,
        read.find_user_id_by_name_zip,
        read.get_user_details,
        read.get_order_details,
        read.get_product_details,
        read.get_item_details,
        read.list_all_product_types,
        write.cancel_pending_order,
        write.modify_pending_order_address,
        write.modify_pending_order_payment,
        write.modify_pending_order_items,
        write.return_delivered_order_items,
        write.exchange_delivered_order_items,
        write.modify_user_address,
        calculate,
        transfer_to_human_agents,
    ]
)


def confirm(ctx: ToolContext, request: str | ConfirmationRequest) -> ToolResult:
    """Execute the pending customer-service write after the shopper's explicit yes (once)."""
    return RETAIL_TOOLS.confirm(ctx, request)


def execute_confirmed(ctx: ToolContext, name: str, arguments: dict[str, Any] | str) -> ToolResult:
    """Run one tool call as an already-confirmed operator action (``aisle replay``)."""
    return RETAIL_TOOLS.execute_confirmed(ctx, name, arguments)
