"""Probe the embedded LLM candidates on tool calling, to choose the default by measurement.

Thirteen shopper requests over a fixed list of six tools (schemas below), each with the
expected tool and key arguments (one greeting expects no call). For every candidate (model x
prompt format) it reports tool-name accuracy, argument accuracy (right tool and every key
argument), mean seconds per probe, generation tokens/s (llama.cpp's own counters), and the
cost of a follow-up turn with the same system prompt and tools: prompt tokens evaluated vs
total (the KV prefix reuse at work), seconds of prompt evaluation, warm and cold (cache reset),
time to the first streamed token, and whether the model answered in text. ``--server`` also
runs the probes through llama-cpp-python's OpenAI-compatible server with ``OpenAICompatibleChat``
(streaming). The machine's load average is recorded next to every speed figure.

    PYTHONPATH=. python -m eval.probe_llm --cache-dir /tmp/llmcache --server

Not here: the agent's real prompt or tools (this is a fixed, self-contained probe).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer

from assistant.llm import (
    ChatModel,
    Completion,
    LlamaCppChat,
    LLMError,
    Message,
    OpenAICompatibleChat,
    ToolCall,
    ensure_gguf,
    final,
    weights_spec,
)
from assistant.llm.llamacpp import CHAT_FORMATS
from assistant.llm.server import free_port, llm_server_command, wait_until_ready

# --- the probe set ---------------------------------------------------------------------------

SYSTEM = (
    "You are Aisle, the shopping assistant of an online shop. Use the tools to find products, "
    "look up orders and answer policy questions; never invent products, prices or order "
    "details. When a request is too vague to search, ask one clarifying question with options. "
    "Order ids look like #W1234567."
)


def _fn(
    name: str, description: str, properties: dict[str, Any], required: list[str]
) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {"type": "object", "properties": properties, "required": required},
        },
    }


_S, _N, _B = {"type": "string"}, {"type": "number"}, {"type": "boolean"}
TOOLS: list[dict[str, Any]] = [
    _fn(
        "search_products",
        "Search the catalog for products matching the shopper's request.",
        {
            "query": _S | {"description": "what the shopper is looking for"},
            "category": _S,
            "brand": _S,
            "price_min": _N | {"description": "lowest price in dollars"},
            "price_max": _N | {"description": "highest price in dollars"},
            "in_stock": _B | {"description": "only products that can ship now"},
        },
        ["query"],
    ),
    _fn(
        "get_order_details",
        "Status, items and tracking of one order.",
        {"order_id": _S | {"description": "the order id, e.g. #W1234567"}},
        ["order_id"],
    ),
    _fn(
        "find_user_id_by_email",
        "Identify the customer from their email address.",
        {"email": _S},
        ["email"],
    ),
    _fn(
        "search_help_center",
        "Search help-center articles: shipping, returns, refunds, payments, policies.",
        {"query": _S},
        ["query"],
    ),
    _fn(
        "cancel_pending_order",
        "Cancel an order that has not shipped yet.",
        {
            "order_id": _S,
            "reason": {"type": "string", "enum": ["no longer needed", "ordered by mistake"]},
        },
        ["order_id", "reason"],
    ),
    _fn(
        "ask_clarifying_question",
        "Ask the shopper one question when the request is too "
        "vague, with a few options to pick from.",
        {"question": _S, "options": {"type": "array", "items": _S}},
        ["question"],
    ),
]


@dataclass(frozen=True)
class Check:
    """One key argument: ``contains`` (case-insensitive substring), ``number`` or ``id``
    (compared without ``#``, spaces or case)."""

    argument: str
    kind: str
    value: Any

    def ok(self, arguments: dict[str, Any]) -> bool:
        got = arguments.get(self.argument)
        if got is None:
            return False
        if self.kind == "contains":
            return str(self.value).lower() in str(got).lower()
        if self.kind == "number":
            try:
                return float(got) == float(self.value)
            except (TypeError, ValueError):
                return False
        if self.kind == "bool":
            return got is self.value or str(got).lower() == str(self.value).lower()
        return _norm_id(got) == _norm_id(self.value)


def _norm_id(value: Any) -> str:
    return str(value).replace("#", "").replace(" ", "").upper()


@dataclass(frozen=True)
class Probe:
    text: str
    expect: str | None
    checks: tuple[Check, ...] = ()
    context: tuple[Message, ...] = ()


PROBES: tuple[Probe, ...] = (
    Probe(
        "I need running shoes under $100",
        "search_products",
        (Check("query", "contains", "running shoe"), Check("price_max", "number", 100)),
    ),
    Probe(
        "where is my order #W2378156?", "get_order_details", (Check("order_id", "id", "W2378156"),)
    ),
    Probe(
        "What is your return policy?", "search_help_center", (Check("query", "contains", "return"),)
    ),
    Probe(
        "Please cancel order #W8732376, I ordered it by mistake.",
        "cancel_pending_order",
        (Check("order_id", "id", "W8732376"), Check("reason", "contains", "by mistake")),
    ),
    Probe(
        "Hi, I want to check my orders. My email is mia.garcia4516@example.com",
        "find_user_id_by_email",
        (Check("email", "contains", "mia.garcia4516@example.com"),),
    ),
    Probe(
        "Show me wireless headphones from Sony",
        "search_products",
        (Check("query", "contains", "headphone"), Check("brand", "contains", "sony")),
    ),
    Probe("I'm looking for something.", "ask_clarifying_question"),
    Probe(
        "Do you ship internationally?", "search_help_center", (Check("query", "contains", "ship"),)
    ),
    Probe(
        "I want a laptop between $500 and $800",
        "search_products",
        (
            Check("query", "contains", "laptop"),
            Check("price_min", "number", 500),
            Check("price_max", "number", 800),
        ),
    ),
    Probe(
        "Cancel my order W4316152 please, I don't need it anymore",
        "cancel_pending_order",
        (Check("order_id", "id", "W4316152"), Check("reason", "contains", "no longer")),
    ),
    Probe(
        "How long does a refund take to reach my credit card?",
        "search_help_center",
        (Check("query", "contains", "refund"),),
    ),
    Probe(
        "Find a waterproof hiking backpack that is in stock",
        "search_products",
        (Check("query", "contains", "backpack"), Check("in_stock", "bool", True)),
    ),
    Probe("Hello!", None),
)


@dataclass(frozen=True)
class FollowUp:
    text: str
    tool_result: str


FOLLOW_UP = FollowUp(
    "where is my order #W2378156?",
    json.dumps(
        {
            "order_id": "#W2378156",
            "status": "delivered",
            "items": [{"name": "Running Shoes", "price": 89.0}],
            "tracking_id": "357962501027",
            "delivered_on": "2024-05-02",
        }
    ),
)


@dataclass
class ProbeOutcome:
    text: str
    expected: str | None
    got: list[dict[str, Any]]
    name_ok: bool
    args_ok: bool
    seconds: float
    first_token_seconds: float | None


@dataclass
class CandidateReport:
    candidate: str
    name_accuracy: float
    args_accuracy: float
    mean_seconds: float
    gen_tokens_per_s: float | None
    followup: dict[str, Any]
    load_before: float
    load_after: float
    outcomes: list[ProbeOutcome] = field(default_factory=list)


def _check(probe: Probe, calls: tuple[ToolCall, ...]) -> tuple[bool, bool]:
    if probe.expect is None:
        return not calls, not calls
    first = calls[0] if calls else None
    if first is None or first.name != probe.expect:
        return False, False
    return True, all(check.ok(first.arguments) for check in probe.checks)


def _perf(model: LlamaCppChat) -> tuple[int, float, int, float]:
    """llama.cpp's counters since the last reset: prompt tokens and ms, generated and ms."""
    import llama_cpp

    data = llama_cpp.llama_perf_context(model.llama._ctx.ctx)
    return data.n_p_eval, data.t_p_eval_ms, data.n_eval, data.t_eval_ms


def _reset_perf(model: LlamaCppChat) -> None:
    import llama_cpp

    llama_cpp.llama_perf_context_reset(model.llama._ctx.ctx)


def run_probes(chat: ChatModel, candidate: str, stream: bool) -> CandidateReport:
    local = chat if isinstance(chat, LlamaCppChat) else None
    load_before = os.getloadavg()[0]
    outcomes: list[ProbeOutcome] = []
    gen_tokens, gen_ms = 0, 0.0
    for probe in PROBES:
        messages = [Message.system(SYSTEM), *probe.context, Message.user(probe.text)]
        if local:
            _reset_perf(local)
        done = _ask(chat, messages, stream)
        if local:
            _, _, n_eval, t_eval = _perf(local)
            gen_tokens, gen_ms = gen_tokens + n_eval, gen_ms + t_eval
        name_ok, args_ok = _check(probe, done.tool_calls)
        outcomes.append(
            ProbeOutcome(
                probe.text,
                probe.expect,
                [{"name": c.name, "arguments": c.arguments} for c in done.tool_calls]
                or [{"text": done.text[:120]}],
                name_ok,
                args_ok,
                round(done.seconds, 2),
                round(done.first_token_seconds, 2) if done.first_token_seconds else None,
            )
        )
        print(
            f"  {candidate}: {probe.text[:40]!r} -> {outcomes[-1].got} "
            f"{'OK' if args_ok else ('name ok' if name_ok else 'WRONG')} {done.seconds:.1f}s",
            flush=True,
        )
    followup = _follow_up(chat, local, stream)
    n = len(outcomes)
    return CandidateReport(
        candidate=candidate,
        name_accuracy=round(sum(o.name_ok for o in outcomes) / n, 3),
        args_accuracy=round(sum(o.args_ok for o in outcomes) / n, 3),
        mean_seconds=round(sum(o.seconds for o in outcomes) / n, 2),
        gen_tokens_per_s=round(gen_tokens / (gen_ms / 1000), 1) if gen_ms else None,
        followup=followup,
        load_before=round(load_before, 2),
        load_after=round(os.getloadavg()[0], 2),
        outcomes=outcomes,
    )


def _ask(chat: ChatModel, messages: list[Message], stream: bool) -> Completion:
    try:
        return final(chat.stream(messages, TOOLS)) if stream else chat.complete(messages, TOOLS)
    except LLMError as exc:  # a backend failing is a result too
        return Completion(text=f"ERROR: {exc}"[:200], finish_reason="error")


def _follow_up(chat: ChatModel, local: LlamaCppChat | None, stream: bool) -> dict[str, Any]:
    """Turn 1 asks for an order; turn 2 carries the tool result. Warm: turn 2 right after
    turn 1 (the KV cache holds the shared prefix); cold: the cache reset first."""
    first_turn = [Message.system(SYSTEM), Message.user(FOLLOW_UP.text)]
    call = ToolCall("get_order_details", {"order_id": "#W2378156"}, "call_1_0")
    second_turn = [
        *first_turn,
        Message.assistant("", [call]),
        Message.tool(call, FOLLOW_UP.tool_result),
    ]
    out: dict[str, Any] = {}
    for label in ("warm", "cold"):
        _ask(chat, first_turn, False)
        if local:
            if label == "cold":
                local.llama.reset()
            _reset_perf(local)
        done = _ask(chat, second_turn, stream)
        row: dict[str, Any] = {
            "seconds": round(done.seconds, 2),
            "first_token_s": _round(done.first_token_seconds),
            "text": done.text[:160],
            "calls": [c.name for c in done.tool_calls],
        }
        if local:
            n_p, t_p, _, _ = _perf(local)
            row |= {"prompt_tokens_evaluated": n_p, "prompt_eval_s": round(t_p / 1000, 2)}
        out[label] = row
    out["answered_in_text"] = bool(out["warm"]["text"])
    return out


def _round(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None


@contextlib.contextmanager
def _server(gguf: Path, chat_format: str | None) -> Iterator[str]:
    port = free_port()
    command = llm_server_command(
        gguf, "127.0.0.1", port, False, "", chat_format=chat_format, model_alias="probe"
    )
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base_url = f"http://127.0.0.1:{port}/v1"
        wait_until_ready(base_url, timeout=300)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=30)


def main(
    cache_dir: Annotated[Path, typer.Option(help="Where the GGUF files are assembled.")],
    models: Annotated[
        str, typer.Option(help="Comma-separated model keys.")
    ] = "qwen2.5-coder-1.5b,qwen2.5-coder-0.5b",
    formats: Annotated[
        str, typer.Option(help="Comma-separated prompt formats.")
    ] = "gguf-grammar,gguf,chatml-tools,chatml-function-calling",
    server: Annotated[bool, typer.Option(help="Also probe through llama.cpp's server.")] = False,
    server_formats: Annotated[
        str, typer.Option(help="Server chat formats ('gguf' = the model's template).")
    ] = "chatml-function-calling,gguf",
    out: Annotated[Path | None, typer.Option(help="Write the full report as JSON.")] = None,
) -> None:
    """Run the probe set over every candidate and print a table."""
    reports: list[CandidateReport] = []
    for key in models.split(","):
        gguf = ensure_gguf(weights_spec(key), cache_dir)
        for fmt in filter(None, formats.split(",")):
            if fmt not in CHAT_FORMATS:
                raise typer.BadParameter(f"unknown format {fmt!r}; one of {CHAT_FORMATS}")
            chat = LlamaCppChat(gguf, chat_format=fmt)
            stream = fmt != "chatml-function-calling"
            reports.append(run_probes(chat, f"{key} / {fmt}", stream=stream))
            del chat
        if server:
            for fmt in server_formats.split(","):
                with _server(gguf, None if fmt == "gguf" else fmt) as base_url:
                    chat_s = OpenAICompatibleChat(base_url, "probe")
                    reports.append(run_probes(chat_s, f"{key} / server {fmt} (stream)", True))
    print(render_table(reports))
    if out:
        out.write_text(json.dumps([asdict(r) for r in reports], indent=2))


def render_table(reports: list[CandidateReport]) -> str:
    lines = [
        "| candidate | tool name | args | s/probe | gen tok/s | follow-up: tokens "
        "evaluated warm/cold, warm prompt s, TTFT s | cold prompt s | answers in text "
        "| load |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in reports:
        w, c = r.followup["warm"], r.followup["cold"]
        warm = (
            f"{w.get('prompt_tokens_evaluated', '-')}/{c.get('prompt_tokens_evaluated', '-')}, "
            f"{w.get('prompt_eval_s', '-')}, {w['first_token_s']}"
        )
        lines.append(
            f"| {r.candidate} | {r.name_accuracy:.0%} | {r.args_accuracy:.0%} | "
            f"{r.mean_seconds} | {r.gen_tokens_per_s} | {warm} | {c.get('prompt_eval_s', '-')}"
            f" | {r.followup['answered_in_text']} | {r.load_before}-{r.load_after} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    typer.run(main)
