"""Where the words are: a `Source` (document and position) and the references that let a reader find them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Protocol


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
    review: str | None = None  # a review's pseudonym or reference label, "DHR ‘Anna’" (review_label)

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


def quoted_title(source: Source) -> str:
    """The title in quotes, followed by the review's name when the title does not give it:
    '“Domestic Homicide Review: Overview Report” (DHR ‘Anna’)'."""
    text = f"\u201c{source.title}\u201d"
    if source.review and not _names_review(source.title, source.review):
        text += f" ({source.review})"
    return text


def _names_review(title: str, label: str) -> bool:
    name = label.split(" ", 1)[-1].strip("\u2018\u2019'\" ")  # "DHR ‘Anna’" -> "Anna"
    return name.lower() in title.lower()


def cite(source: Source) -> str:
    """One source as a reference: body (area), "title" (review), type, date, page and paragraph."""
    who = source.body or source.area or "Unknown body"
    if source.area and source.body and source.area.lower() not in source.body.lower():
        who = f"{source.body} ({source.area})"
    bits = [who, quoted_title(source), TYPE_LABELS.get(source.type, "document")]
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


REVIEW_PREFIXES = {"dhr_overview_report": "DHR", "dhr_executive_summary": "DHR", "safeguarding_adult_review": "SAR"}


class Named(Protocol):
    """A document as catalogued (`DocumentRow`) or detected (`DocumentMeta`)."""

    title: str
    area: str | None
    date: str | None
    doc_type: str
    extra: Mapping[str, object]


def review_label(doc: Named) -> str | None:
    """A review by its pseudonym or reference alone: "DHR ‘Anna’", "DHR Hollinsby 2021/1"; None
    for a document that is not a review or a review that names no one."""
    return label_of_review(doc.doc_type, doc.extra)


def label_of_review(doc_type: str, extra: Mapping[str, object]) -> str | None:
    """review_label from a document's type and detected metadata."""
    prefix = REVIEW_PREFIXES.get(doc_type)
    pseudonym = str(extra.get("pseudonym") or "").strip()
    ref = str(extra.get("review_ref") or "").strip()
    if not prefix or not (pseudonym or ref):
        return None
    return f"{prefix} \u2018{pseudonym}\u2019" if pseudonym else f"{prefix} {ref}"


def review_name(doc: Named) -> str:
    """What people call a document: a review by its pseudonym (or reference), area and year, as in
    "DHR ‘Anna’ (Northbridge, 2021)"; any other document, and a review that names no one, by its title."""
    label = review_label(doc)
    if label is None:
        return doc.title
    where = ", ".join(b for b in (doc.area, (doc.date or "")[:4]) if b)
    return f"{label} ({where})" if where else label
