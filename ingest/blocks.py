"""What every extractor returns: a document as an ordered list of text blocks with positions."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Block:
    """One paragraph-like unit of text as it appears in the source.

    `page` is the 1-based page for paged formats (PDF), else None.
    `heading_level` is > 0 when the source itself marks the block as a heading
    (HTML h1-h6, Word "Heading N" styles, Markdown '#'); 0 otherwise.
    `role` says what the block is on the page when the extractor can tell: "body" (running text),
    "footnote" (a note printed at the foot of the page), "cover" (a cover page line: kept for
    metadata detection, not cut into passages) or "table_row" (one row of a table; `cells` holds
    its (column name, cell text) pairs and `row` its 1-based number within the table).
    `type_level` is 1 or 2 when only the typography marks the block as a heading (a PDF's short line in
    larger or bold print: 1 larger, 2 bold at body size); 0 otherwise. Structure detection takes it as
    a heading of that depth, as it does `heading_level`.
    `size` is the largest font size in the block, in points, where the format says (PDF); else None.
    `list_item` is True for an item of a bulleted list (the reader printed a bullet before it, which the text
    leaves out): a short item ("Data analysis") is never a heading unless its print marks it as one.
    `ocr_confidence` is set when the text was read from a picture of the page by OCR (a scan): the mean
    confidence of its words, 0 to 1; None for text from a text layer.
    """

    text: str
    page: int | None = None
    heading_level: int = 0
    role: str = "body"
    cells: tuple[tuple[str, str], ...] = ()
    row: int | None = None
    type_level: int = 0
    size: float | None = None
    ocr_confidence: float | None = None
    list_item: bool = False


@dataclass
class Extracted:
    """The text of one file, in reading order."""

    blocks: list[Block]
    page_count: int | None = None
    title_hint: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    # the file's own author property (PDF /Author, Word core properties): often a person or a template's
    # owner, so it only names a national publisher the text does not name, and is never stored
    author_hint: str | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(b.text for b in self.blocks)
