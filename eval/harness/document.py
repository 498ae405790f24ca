"""A tiny document model rendered both as Markdown and as standalone HTML.

Reports are built once as blocks (headings, paragraphs, tables, lists, images, preformatted
text) and written twice, so ``report.md`` and ``report.html`` always say the same thing.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

_CSS = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#222}table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #ccc;
padding:3px 8px;text-align:left;font-size:14px}th{background:#f1f3f5}img{max-width:100%;
border:1px solid #eee;margin:.5em 0}pre{background:#f8f9fa;padding:.6em;overflow-x:auto;
font-size:12px;white-space:pre-wrap}.pass{color:#2a9d8f;font-weight:600}
.fail{color:#e76f51;font-weight:600}"""


def fmt(value: Any) -> str:
    """A figure as a report shows it."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 100 else f"{value:,.1f}"
    return str(value)


@dataclass
class Document:
    title: str
    blocks: list[tuple[str, Any]] = field(default_factory=list)

    def h(self, text: str, level: int = 2) -> None:
        self.blocks.append(("h", (level, text)))

    def p(self, text: str) -> None:
        self.blocks.append(("p", text))

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self.blocks.append(("table", (list(headers), [[fmt(c) for c in r] for r in rows])))

    def ul(self, items: Sequence[str]) -> None:
        if items:
            self.blocks.append(("ul", list(items)))

    def img(self, path: str, alt: str) -> None:
        self.blocks.append(("img", (path, alt)))

    def pre(self, text: str) -> None:
        self.blocks.append(("pre", text))

    def markdown(self) -> str:
        out = [f"# {self.title}", ""]
        for kind, data in self.blocks:
            if kind == "h":
                out += [f"{'#' * data[0]} {data[1]}", ""]
            elif kind == "p":
                out += [data, ""]
            elif kind == "table":
                headers, rows = data
                out.append("| " + " | ".join(headers) + " |")
                out.append("|" + "---|" * len(headers))
                out += [
                    "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in r) + " |"
                    for r in rows
                ]
                out.append("")
            elif kind == "ul":
                out += [f"- {item}" for item in data] + [""]
            elif kind == "img":
                out += [f"![{data[1]}]({data[0]})", ""]
            else:
                out += ["```", data, "```", ""]
        return "\n".join(out)

    def html(self) -> str:
        e = html.escape
        out = [
            f"<!doctype html><html><head><meta charset='utf-8'><title>{e(self.title)}"
            f"</title><style>{_CSS}</style></head><body><h1>{e(self.title)}</h1>"
        ]
        for kind, data in self.blocks:
            if kind == "h":
                out.append(f"<h{data[0]}>{e(data[1])}</h{data[0]}>")
            elif kind == "p":
                out.append(f"<p>{e(data)}</p>")
            elif kind == "table":
                headers, rows = data
                head = "".join(f"<th>{e(h)}</th>" for h in headers)
                body = "".join(
                    "<tr>" + "".join(f"<td{_cls(c)}>{e(c)}</td>" for c in r) + "</tr>" for r in rows
                )
                out.append(f"<table><tr>{head}</tr>{body}</table>")
            elif kind == "ul":
                out.append("<ul>" + "".join(f"<li>{e(i)}</li>" for i in data) + "</ul>")
            elif kind == "img":
                out.append(f"<img src='{e(data[0])}' alt='{e(data[1])}'>")
            else:
                out.append(f"<pre>{e(data)}</pre>")
        return "\n".join(out) + "\n</body></html>\n"


def _cls(cell: str) -> str:
    return " class='pass'" if cell == "PASS" else " class='fail'" if cell == "FAIL" else ""
