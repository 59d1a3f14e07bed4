"""What every extractor returns: a document as an ordered list of text blocks with positions."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Block:
    """One paragraph-like unit of text as it appears in the source.

    `page` is the 1-based page for paged formats (PDF), else None.
    `heading_level` is > 0 when the source itself marks the block as a heading
    (HTML h1-h6, Word "Heading N" styles, Markdown '#'); 0 otherwise.
    `size` is the largest font size in the block, in points, where the format says (PDF); else None.
    """

    text: str
    page: int | None = None
    heading_level: int = 0
    size: float | None = None


@dataclass
class Extracted:
    """The text of one file, in reading order."""

    blocks: list[Block]
    page_count: int | None = None
    title_hint: str | None = None
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n\n".join(b.text for b in self.blocks)
