"""The one output helper: every result object prints for people (text), scripts (JSON) and spreadsheets (CSV).

A result object (an answer, a theme table, a pack, the register, a document list) has three methods,
`to_text()`, `to_dict()` and `table()`; `render(result, fmt)` picks one. The CLI and the web API
both call it, so field names and columns are the same everywhere.
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from kb.citation import cite
from kb.errors import QueryError
from kb.models import Excerpt

FORMATS = ("text", "json", "csv")


@dataclass(frozen=True)
class Table:
    """Rows for a spreadsheet: the column names, in order, and one dict per row."""

    columns: tuple[str, ...]
    rows: list[dict[str, Any]]


class Result(Protocol):
    def to_text(self) -> str: ...

    def to_dict(self) -> Any: ...

    def table(self) -> Table: ...


def output_format(as_json: bool = False, as_csv: bool = False) -> str:
    """'json', 'csv' or 'text' from the two flags every exporting command takes."""
    if as_json and as_csv:
        raise QueryError("choose one output format: JSON or CSV, not both")
    return "json" if as_json else "csv" if as_csv else "text"


def render(result: Result, fmt: str = "text") -> str:
    """The result as text for people, JSON or CSV (UTF-8 text; files add a byte-order mark)."""
    if fmt == "json":
        return to_json(result.to_dict())
    if fmt == "csv":
        table = result.table()
        return to_csv(table.rows, table.columns)
    return result.to_text()


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


def spreadsheet_safe(value: Any) -> Any:
    """Stop a spreadsheet reading a cell as a formula: prefix =, +, -, @ (and tab/CR) with an apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    if isinstance(value, (list, tuple)):
        return [spreadsheet_safe(v) for v in value]
    return value


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """A header row and one row per record; list cells joined with '; '; no cell can run as a formula."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(spreadsheet_safe(row.get(k))) for k in columns})
    return buf.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return str(value)


def to_table(rows: Sequence[dict[str, Any]], columns: Sequence[str], headers: Sequence[str] | None = None,
             max_width: int = 60) -> str:
    """A plain, aligned text table (no colour codes, so it pipes and pastes cleanly)."""
    headers = list(headers or columns)
    cells = [[_cell(r.get(c))[:max_width] for c in columns] for r in rows]
    widths = [max([len(h)] + [len(row[i]) for row in cells]) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    return "\n".join([line.rstrip(), rule, *body])


def render_rows(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str = "table",
                headers: Sequence[str] | None = None) -> str:
    if fmt == "json":
        return to_json([{c: r.get(c) for c in columns} for r in rows])
    if fmt == "csv":
        return to_csv(rows, columns)
    return to_table(rows, columns, headers)


def render_excerpt(n: int, excerpt: Excerpt, width: int = 100) -> str:
    """One result for people: the passage, its citation(s) and its themes."""
    lines = [f"[{n}] score {excerpt.score:.3f}"]
    if excerpt.highlights:
        for h in excerpt.highlights:
            lines.append(textwrap.fill(f"\u00bb {h}", width, initial_indent="    ", subsequent_indent="      "))
    lines.append(textwrap.fill(excerpt.text, width, initial_indent="    ", subsequent_indent="    "))
    first, *others = excerpt.sources
    lines.append(textwrap.fill(f"Source: {cite(first)}", width, initial_indent="    ", subsequent_indent="      "))
    lines.append(f"      file: {first.path}")
    for other in others:
        lines.append(textwrap.fill(f"Also in: {cite(other)}", width, initial_indent="    ", subsequent_indent="      "))
        lines.append(f"      file: {other.path}")
    if excerpt.themes:
        lines.append(f"    Themes: {', '.join(excerpt.themes)}")
    return "\n".join(lines)


def render_summary(points: list[tuple[int, str]], excerpts: Sequence[Excerpt], width: int = 100) -> str:
    """Key points as verbatim quotations, each followed by the result number and citation it comes from."""
    lines = ["Key points (quoted from the sources):"]
    for n, sentence in points:
        ref = cite(excerpts[n - 1].sources[0])
        lines.append(textwrap.fill(f"\u2022 \u201c{sentence}\u201d [{n}] {ref}", width, subsequent_indent="  "))
    return "\n".join(lines)


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 review', '2 reviews', '0 passages'; `many` for a word that does not just take an s ('1 body, 2 bodies')."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


# Under output where both kinds of position can appear.
POSITION_KEY = ("Positions: \u201cpara 4.2\u201d and \u201citem 9\u201d are printed in the document; "
                "\u201c\u00b6n\u201d is the nth paragraph as counted by this tool where the document prints no number.")


def uses_counted_positions(paragraphs: Sequence[str | None]) -> bool:
    """Whether any of these positions is one we counted (\u00b6n), so a reader needs the key."""
    return any("\u00b6" in (p or "") for p in paragraphs)
