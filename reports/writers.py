"""Write evidence packs, trainer handouts and the recommendations register to files people use.

Every product is first laid out as a short list of blocks (a heading, a paragraph, a quotation,
a numbered reference list), then rendered by one writer per format, so Markdown, Word and HTML
always say the same thing:

- Markdown (.md): plain CommonMark; quoted text is a blockquote; references a numbered list.
- Word (.docx, python-docx): Title and Heading styles, quotations in the built-in "Quote"
  style, references in the "List Number" style (real Word numbering).
- HTML (.html): one standalone page with its own small stylesheet; all text escaped.
- CSV (.csv): one row per excerpt (or per recommendation), UTF-8 with a byte-order mark so
  Excel reads the accents and curly quotes; list cells are joined with "; ". A cell that would
  start with =, +, - or @ gets a leading apostrophe so a spreadsheet never runs it as a formula.

Outputs are deterministic: the only date written is the `prepared` date the caller passes.
"""

from __future__ import annotations

import html
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb.citation import cite_sources
from kb.errors import DHRError
from kb.marker import EXPORT_MARKER, HTML_META, MARKDOWN_LINE
from reports.evidence import CSV_COLUMNS, EvidencePack, Handout, excerpt_rows, short_cite, theme_label
from reports.output import plural, to_csv
from reports.register import REGISTER_COLUMNS, Recommendation

FORMATS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".csv": "csv",
}
SECTION_NAMES = {
    "lessons": "lessons learned",
    "key_findings": "key findings",
    "recommendations": "recommendations",
    "conclusions": "conclusions",
    "analysis": "analysis",
    "action_plan": "action plan",
    "chronology": "summary chronology",
    "terms_of_reference": "terms of reference",
    "executive_summary": "executive summary",
    "resolutions": "resolutions",
    "minutes_item": "minutes items",
}


class ExportError(DHRError):
    """An output file cannot be written as asked (unknown format, missing folder)."""


# --- the block model --------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 0: the document's title; 1: a part; 2: a group within it


@dataclass(frozen=True)
class Paragraph:
    text: str
    lead: str = ""  # bold words that open the paragraph ("Case:")
    note: bool = False  # a citation or a line of small print under a quotation


@dataclass(frozen=True)
class Quotation:
    text: str


@dataclass(frozen=True)
class References:
    items: tuple[str, ...]  # numbered 1..n in order


Block = Heading | Paragraph | Quotation | References


def _filters_line(filters: Sequence[tuple[str, str]]) -> str | None:
    if not filters:
        return None
    return "Filters: " + "; ".join(f"{k} {v}" for k, v in filters) + "."


def pack_blocks(pack: EvidencePack) -> list[Block]:
    """An evidence pack laid out: title, overview, excerpts by group, references."""
    blocks: list[Block] = [Heading(f"Evidence pack: {pack.query}", 0)]
    meta = " ".join(
        b for b in (f"Prepared {pack.prepared}." if pack.prepared else None, _filters_line(pack.filters)) if b
    )
    if meta:
        blocks.append(Paragraph(meta, note=True))
    blocks += [Heading("What the evidence covers", 1), Paragraph(" ".join(pack.overview.sentences()))]
    if not pack.items:
        return blocks
    blocks.append(Heading(f"Evidence by {pack.group_by}", 1))
    for group, items in pack.groups:
        blocks.append(Heading(group, 2))
        for item in items:
            ex = item.excerpt
            cite = f"[{item.number}] {short_cite(ex.sources[0])}"
            if len(ex.sources) > 1:
                others = (
                    len({s.doc_id for s in ex.sources[1:]} - {ex.sources[0].doc_id}) or len(ex.sources) - 1
                )
                cite += f"; also published in {plural(others, 'other document')}"
            if ex.themes:
                cite += ". Themes: " + ", ".join(theme_label(t) for t in ex.themes)
            blocks += [Quotation(ex.text), Paragraph(cite + ".", note=True)]
    blocks += [Heading("References", 1), References(tuple(i.reference for i in pack.items))]
    return blocks


def handout_blocks(handout: Handout) -> list[Block]:
    """A trainer handout laid out: title, how it was made, then each review's context and extracts."""
    sections = " and ".join(SECTION_NAMES.get(s, s.replace("_", " ")) for s in handout.sections)
    n_reviews = len(handout.reviews)
    intro = (
        f"{plural(handout.count, 'extract')} from the {sections} sections of "
        f"{plural(n_reviews, 'review')}, quoted verbatim with their sources."
    )
    blocks: list[Block] = [Heading(handout.title, 0), Paragraph(intro)]
    filters = [(k, v) for k, v in handout.filters if k != "theme"]
    meta = " ".join(
        b
        for b in (f"Prepared {handout.prepared}." if handout.prepared else None, _filters_line(filters))
        if b
    )
    if meta:
        blocks.append(Paragraph(meta, note=True))
    for review in handout.reviews:
        blocks += [Heading(review.context.review, 1), Paragraph(review.context.line(), lead="Case:")]
        for ex in review.extracts:
            blocks += [
                Quotation(ex.text),
                Paragraph(cite_sources(ex.sources) + ".", lead="Source:", note=True),
            ]
    if not handout.reviews:
        where = " in the documents these filters match" if filters else ""
        blocks.append(Paragraph(f"No passages in these sections are tagged with this theme{where}."))
    return blocks


# --- renderers ----------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_<])")


def md_escape(text: str) -> str:
    """Escape what CommonMark would read as markup in running text, and a leading list marker.

    Square brackets stay as they are: without a link destination or definition, "[3]" is text."""
    text = _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))
    text = re.sub(r"^([-+#>])", r"\\\1", text)  # not a list, heading or nested quote
    return re.sub(r"^(\d+)([.)])(\s)", r"\1\\\2\3", text)


def render_markdown(blocks: Sequence[Block]) -> str:
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            out.append("#" * (b.level + 1) + " " + md_escape(b.text))
        elif isinstance(b, Paragraph):
            lead = f"**{md_escape(b.lead)}** " if b.lead else ""
            out.append(lead + md_escape(b.text))
        elif isinstance(b, Quotation):
            out.append("> " + md_escape(b.text))
        else:
            out.append("\n".join(f"{n}. {md_escape(item)}" for n, item in enumerate(b.items, 1)))
    return "\n\n".join(out) + "\n"


HTML_STYLE = """body { font-family: Georgia, serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem;
  line-height: 1.5; color: #222; }
h1, h2, h3 { font-family: Helvetica, Arial, sans-serif; line-height: 1.25; }
blockquote { margin: 1rem 0 0.25rem; padding: 0.25rem 1rem; border-left: 4px solid #8a6d9e;
  background: #f7f4f9; }
p.note { margin-top: 0.25rem; font-size: 0.9rem; color: #555; }
ol.references li { margin-bottom: 0.5rem; }"""


def render_html(blocks: Sequence[Block]) -> str:
    """A standalone page; every piece of text is escaped."""
    e = html.escape
    title = next((b.text for b in blocks if isinstance(b, Heading)), "DHR knowledge base")
    body: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            body.append(f"<h{b.level + 1}>{e(b.text)}</h{b.level + 1}>")
        elif isinstance(b, Paragraph):
            lead = f"<strong>{e(b.lead)}</strong> " if b.lead else ""
            opening = '<p class="note">' if b.note else "<p>"
            body.append(f"{opening}{lead}{e(b.text)}</p>")
        elif isinstance(b, Quotation):
            body.append(f"<blockquote><p>{e(b.text)}</p></blockquote>")
        else:
            items = "\n".join(f"  <li>{e(item)}</li>" for item in b.items)
            body.append(f'<ol class="references">\n{items}\n</ol>')
    return (
        f'<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n{HTML_META}\n'
        f"<title>{e(title)}</title>\n<style>\n{HTML_STYLE}\n</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def render_docx(blocks: Sequence[Block], prepared: str | None = None) -> bytes:
    """A Word document: headings, quotations in the Quote style, references as a numbered list."""
    import datetime as dt
    import io

    from docx import Document
    from docx.shared import Pt

    doc = Document()
    props = doc.core_properties
    props.title = next((b.text for b in blocks if isinstance(b, Heading)), "")
    props.author = "dhr-kb"
    props.category = EXPORT_MARKER  # an ingest of the folder skips the file (kb/marker.py)
    props.last_modified_by = "dhr-kb"
    props.revision = 1
    if prepared and re.fullmatch(r"\d{4}-\d{2}-\d{2}", prepared):
        stamp = dt.datetime.fromisoformat(prepared).replace(tzinfo=dt.UTC)
        props.created = props.modified = stamp
    for b in blocks:
        if isinstance(b, Heading):
            doc.add_heading(b.text, b.level)
        elif isinstance(b, Paragraph):
            p = doc.add_paragraph()
            if b.lead:
                p.add_run(b.lead + " ").bold = True
            run = p.add_run(b.text)
            if b.note:
                run.font.size = Pt(9)
        elif isinstance(b, Quotation):
            doc.add_paragraph(b.text, style="Quote")
        else:
            for item in b.items:
                doc.add_paragraph(item, style="List Number")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def render_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> bytes:
    """UTF-8 with a byte-order mark (so Excel shows accents), through the shared `to_csv` helper."""
    return to_csv(rows, columns).encode("utf-8-sig")


# --- writing files ------------------------------------------------------------------------------


def file_format(path: Path, allowed: Sequence[str] = ("markdown", "docx", "html", "csv")) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt not in allowed:
        names = ", ".join(
            sorted({s for s, f in FORMATS.items() if f in allowed and s not in (".htm", ".markdown")})
        )
        raise ExportError(
            f"{path}: cannot write {path.suffix or 'a file with no extension'}; use one of {names}"
        )
    if not path.parent.is_dir():
        raise ExportError(f"{path}: the folder {path.parent} does not exist")
    return fmt


def write_bytes(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder, so a failure never leaves half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _render(
    blocks: Callable[[], list[Block]],
    rows: Callable[[], list[dict[str, Any]]],
    columns: Sequence[str],
    fmt: str,
    prepared: str | None,
) -> bytes:
    if fmt == "markdown":  # the marker line first: an ingest of the folder skips the file (kb/marker.py)
        return (MARKDOWN_LINE + "\n\n" + render_markdown(blocks())).encode("utf-8")
    if fmt == "html":
        return render_html(blocks()).encode("utf-8")
    if fmt == "docx":
        return render_docx(blocks(), prepared)
    return render_csv(rows(), columns)


def pack_rows(pack: EvidencePack) -> list[dict[str, Any]]:
    return excerpt_rows((i.number, i.group, i.excerpt) for i in pack.items)


def handout_rows(handout: Handout) -> list[dict[str, Any]]:
    numbered = []
    n = 0
    for review in handout.reviews:
        for ex in review.extracts:
            n += 1
            numbered.append((n, review.context.line(), ex))
    rows = excerpt_rows(numbered)
    for row in rows:
        row["case"] = row.pop("group")
    return rows


HANDOUT_COLUMNS = tuple("case" if c == "group" else c for c in CSV_COLUMNS)


def write_pack(pack: EvidencePack, path: Path) -> str:
    """Write an evidence pack as .md, .docx, .html or .csv; returns the format written."""
    fmt = file_format(path)
    write_bytes(
        path, _render(lambda: pack_blocks(pack), lambda: pack_rows(pack), CSV_COLUMNS, fmt, pack.prepared)
    )
    return fmt


def write_handout(handout: Handout, path: Path) -> str:
    """Write a trainer handout as .md, .docx, .html or .csv; returns the format written."""
    fmt = file_format(path)
    write_bytes(
        path,
        _render(
            lambda: handout_blocks(handout),
            lambda: handout_rows(handout),
            HANDOUT_COLUMNS,
            fmt,
            handout.prepared,
        ),
    )
    return fmt


def register_rows(register: Sequence[Recommendation]) -> list[dict[str, Any]]:
    return [{**r.to_dict(), "themes": [theme_label(t) for t in r.themes]} for r in register]


def write_register_csv(register: Sequence[Recommendation], path: Path) -> None:
    """The recommendations register as a spreadsheet: one row per recommendation (REGISTER_COLUMNS)."""
    file_format(path, allowed=("csv",))
    write_bytes(path, render_csv(register_rows(register), REGISTER_COLUMNS))
