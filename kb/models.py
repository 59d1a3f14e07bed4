"""Plain dataclasses for the things the knowledge base holds and returns."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from kb.citation import Source, cite_sources

__all__ = ["DOC_TYPES", "DocumentMeta", "Excerpt", "Passage", "Source", "normalise_text", "passage_id_for"]

DOC_TYPES = (
    "dhr_overview_report",
    "dhr_executive_summary",
    "committee_minutes",
    "committee_report",
    "safeguarding_adult_review",
    "inspection_report",
    "guidance",
    "research",
    "other",
)

_SPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """The canonical form of a passage's words, used to recognise the same text published twice."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return _SPACE.sub(" ", text).strip().lower()


def passage_id_for(text: str) -> str:
    """Content-derived id: the same words give the same id in any document."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()[:24]


@dataclass(frozen=True)
class DocumentMeta:
    """What we know about a document as a whole."""

    title: str
    body: str | None = None  # the council, committee or partnership that published it
    area: str | None = None  # the place it concerns ("Staffordshire", "Northbridge")
    date: str | None = None  # ISO date as precise as the text says: "2021-07-06", "2022-03" or "2019"
    doc_type: str = "other"
    url: str | None = None
    extra: dict[str, str] = field(default_factory=dict)  # case characteristics and anything else stated

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date and self.date[:4].isdigit() else None


@dataclass(frozen=True)
class Passage:
    """A coherent run of text inside one section of one document, with its printed position."""

    text: str
    ordinal: int  # 0-based order within the document
    page: int | None  # 1-based PDF page where it starts, None for unpaged formats
    paragraph: str  # as printed ("4.2.1", "16", "item 17, ¶2") or counted ("¶12")
    section: str | None  # the heading it sits under, as printed
    section_kind: str = "other"  # canonical kind: "lessons", "recommendations", "minutes_item", ...

    @property
    def passage_id(self) -> str:
        return passage_id_for(self.text)

    @property
    def word_count(self) -> int:
        return len(self.text.split())


@dataclass(frozen=True)
class Excerpt:
    """A search result: one piece of evidence, with every source it was published in."""

    passage_id: str
    text: str
    score: float
    themes: tuple[str, ...]
    sources: tuple[Source, ...]
    highlights: tuple[str, ...] = ()  # the sentence(s) that best answer the query, quoted verbatim

    @property
    def citation(self) -> str:
        return cite_sources(self.sources)

    def to_dict(self) -> dict[str, object]:
        return {
            "passage_id": self.passage_id,
            "text": self.text,
            "score": round(self.score, 4),
            "citation": self.citation,
            "themes": list(self.themes),
            "highlights": list(self.highlights),
            "sources": [s.to_dict() for s in self.sources],
        }
