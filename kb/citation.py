"""Where the words are: a `Source` (document and position) and the references that let a reader find them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Source:
    """One place a passage's text appears: a document and a position in it."""

    doc_id: str
    path: str
    title: str
    body: str | None
    area: str | None
    date: str | None
    type: str
    url: str | None
    page: int | None
    paragraph: str
    section: str | None
    section_kind: str = "other"

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


TYPE_LABELS = {
    "dhr_overview_report": "DHR overview report",
    "dhr_executive_summary": "DHR executive summary",
    "committee_minutes": "minutes",
    "committee_report": "committee report",
    "safeguarding_adult_review": "safeguarding adult review",
    "inspection_report": "inspection report",
    "guidance": "guidance",
    "research": "research report",
    "other": "document",
}


def format_date(date: str | None) -> str | None:
    """'2021-07-06' -> '6 July 2021'; '2022-03' -> 'March 2022'; '2019' -> '2019'."""
    if not date:
        return None
    parts = date.split("-")
    try:
        if len(parts) == 3:
            d = dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
            return f"{d.day} {d:%B %Y}"
        if len(parts) == 2:
            return f"{dt.date(int(parts[0]), int(parts[1]), 1):%B %Y}"
    except ValueError:
        return date
    return date


def format_position(page: int | None, paragraph: str | None) -> str:
    """'p. 14, para 4.2.1' / 'item 17, ¶2' / '¶12'."""
    bits = []
    if page is not None:
        bits.append(f"p. {page}")
    if paragraph:
        label = paragraph
        if label[0].isdigit():
            label = f"para {label}"
        bits.append(label)
    return ", ".join(bits)


def cite(source: Source) -> str:
    """One source as a reference: body (area), "title", type, date, page and paragraph."""
    who = source.body or source.area or "Unknown body"
    if source.area and source.body and source.area.lower() not in source.body.lower():
        who = f"{source.body} ({source.area})"
    bits = [who, f"\u201c{source.title}\u201d", TYPE_LABELS.get(source.type, "document")]
    date = format_date(source.date)
    if date:
        bits.append(date)
    position = format_position(source.page, source.paragraph)
    if position:
        bits.append(position)
    return ", ".join(bits)


def cite_sources(sources: Sequence[Source]) -> str:
    """The first source in full; further sources of the same text as 'also published in'."""
    if not sources:
        return ""
    first, *others = sources
    text = cite(first)
    if others:
        text += "; also published in: " + "; ".join(cite(s) for s in others)
    return text
