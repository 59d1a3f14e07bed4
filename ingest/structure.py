"""Find the structure a reader navigates by: headings, sections, printed paragraph and item numbers.

Input is the flat list of blocks an extractor produced; output is a list of `Unit`s, one per
paragraph, each knowing its printed number (or None), the heading it sits under and the kind of
section that heading opens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.blocks import Block
from kb.sections import classify_heading

# Lines that council web pages and report templates print but that carry no content.
NOISE = re.compile(
    r"^(additional documents:?|supporting documents:?|minutes:?|media|webcast|items|no\.?\s*item"
    r"|view directions|back to top|print|share"
    r"|view the declarations of interest.*|pdf icon pdf [\d.]+\s*[kmg]b|\(?indicative timing:.*)$",
    re.IGNORECASE,
)
PDF_ICON = re.compile(r"\s*(?:pdf icon\s*)?PDF\s*[\d.]+\s*[KMG]B\s*$", re.IGNORECASE)
MINUTES_TRUNCATED = re.compile(r"\s*\.\.\.\s*view the full minutes text for item \d+\.?\s*$", re.IGNORECASE)

ITEM_NUMBER_ONLY = re.compile(r"^(?:item\s+(\d{1,3})\.?|(\d{1,3})\.)$", re.IGNORECASE)
ITEM_WITH_ICON = re.compile(r"^(\d{1,3})\.?\s+(.+?)\s*pdf icon\s*PDF.*$", re.IGNORECASE)
ITEM_HEADING = re.compile(r"^(?:agenda\s+)?item\s+(\d{1,3})[.:]?\s*[-\u2013:]?\s*(.*)$", re.IGNORECASE)
MEETING_ITEM = re.compile(r"\(item\s+(\d{1,3})\)\s*$", re.IGNORECASE)

NUMBERED_HEADING = re.compile(r"^(?:section\s+)?(\d{1,2}(?:\.\d{1,2}){0,2})\.?\s+([A-Z\u2018'\"(][^\n]*)$")
PARA_NUMBER = re.compile(r"^(?:[-\u2022\u00b7*]\s*)?((?:\d{1,2}\.\d{1,3}(?:\.\d{1,3}){0,2})\.?|\d{1,3}\.)\s+(?=\S)")
RECOMMENDATION = re.compile(r"^(recommendation\s+(?:no\.?\s*)?\d{1,3}[a-z]?|R\d{1,2})\b", re.IGNORECASE)
# The title a council web page prints above its content ("Issue - meetings"): a heading, and the
# short line after it is the page's own title.
PAGE_HEADING = re.compile(
    r"^(?:issue\s*-\s*meetings|agenda and minutes|agenda item|decision details|meeting details)$",
    re.IGNORECASE,
)
# A line naming who presents an item ("Report of the Director of Communities") is not a heading.
BYLINE = re.compile(
    r"^(?:joint\s+)?(?:report|verbal update|update|presentation|briefing)\s+(?:of|by|from)\s+\S",
    re.IGNORECASE,
)
# "RESOLVED: That the report be noted." opens the committee's decision inside a minutes item.
RESOLVED = re.compile(r"^(?:it\s+was\s+)?(?:unanimously\s+)?(?:RESOLVED|Resolved)\b(?!\s+to\s+be\b)")
LETTERED = re.compile(r"^(?:[-\u2022\u00b7*]\s*)?\(?([a-z]|[ivx]{1,4})[.)]\s+(?=\S)")
SENTENCE_END = re.compile(r"[.;:,?!]$")


@dataclass(frozen=True)
class Unit:
    """One paragraph with its position and the section it belongs to."""

    text: str
    page: int | None
    number: str | None  # the paragraph number as printed ("4.2.1", "16", "Recommendation 3", "16(a)")
    heading: str | None  # the nearest heading above it, as printed
    kind: str  # canonical section kind of the nearest classified heading, else "other"
    item: str | None  # minutes/agenda item number, when inside one
    section_id: int  # changes at every heading: passages never cross it
    counted: int  # 1-based count of paragraphs in the document (or within the item)


def _words(text: str) -> int:
    return len(text.split())


STOPWORDS = {"a", "an", "and", "for", "in", "of", "on", "or", "the", "to", "with", "from", "by", "at"}


def _title_case(text: str) -> bool:
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'\-]*", text) if w.lower() not in STOPWORDS]
    return bool(words) and all(w[0].isupper() for w in words)


def _looks_like_heading(text: str) -> bool:
    """A short line with no sentence punctuation that names a section, or is numbered like one."""
    if text.endswith(":") and _words(text) <= 6 and _title_case(text):
        text = text[:-1]  # "Reasons for Recommendations:" is a heading; "I recommend that Cabinet:" is not
    if _words(text) > 12 or SENTENCE_END.search(text) or " | " in text:  # " | ": a table row
        return False
    m = NUMBERED_HEADING.match(text)
    if m:
        title = m.group(2)
        # "4.2.1 The GP saw her" is a paragraph; "4.2 Agency involvement" a heading.
        return _words(title) <= 10 and not re.search(r"\b(was|were|is|had|has|did|should|will)\b", title)
    if classify_heading(text) and _words(text) <= 8:
        return True
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters) and _words(text) <= 10


def _heading_depth(text: str) -> int:
    m = NUMBERED_HEADING.match(text)
    return m.group(1).count(".") + 1 if m else 1


def clean_block_text(text: str) -> str:
    """Remove web-page furniture glued to real text ("pdf icon PDF 246 KB", "... view the full minutes")."""
    text = PDF_ICON.sub("", text)
    text = MINUTES_TRUNCATED.sub(" ...", text)
    return text.strip()


def find_structure(blocks: list[Block]) -> list[Unit]:
    """Turn extractor blocks into numbered, sectioned units."""
    units: list[Unit] = []
    heading: str | None = None
    kind_stack: list[tuple[int, str | None]] = []  # (depth, kind) of open headings
    item: str | None = None
    section_id = 0
    counted = 0
    last_number: str | None = None
    pending_item: str | None = None  # "17." seen alone: the next block is the item's title
    resolving = False  # inside a "RESOLVED:" decision, until the next heading
    page_title_next = False  # the line after "Issue - meetings" may be the page's title

    def open_heading(text: str, depth: int, new_item: str | None = None) -> None:
        nonlocal heading, section_id, item, counted, last_number, resolving
        heading = text
        section_id += 1
        last_number = None
        resolving = False
        while kind_stack and kind_stack[-1][0] >= depth:
            kind_stack.pop()
        # an agenda item's title says what was discussed, not what kind of section follows
        kind_stack.append((depth, classify_heading(text) if new_item is None else None))
        if new_item is not None:
            item = new_item
            counted = 0

    def current_kind() -> str:
        if resolving:
            return "resolutions"
        for _, kind in reversed(kind_stack):
            if kind:
                return kind
        return "minutes_item" if item else "other"

    for block in blocks:
        raw = block.text.strip()
        if not raw or NOISE.match(raw):
            continue
        text = clean_block_text(raw)
        if not text:
            continue

        if pending_item is not None:
            open_heading(f"{pending_item}. {text}", 1, new_item=pending_item)
            pending_item = None
            continue
        if PAGE_HEADING.match(text):
            open_heading(text, 1)
            page_title_next = True
            continue
        if page_title_next:
            page_title_next = False
            if _words(text) <= 16 and not SENTENCE_END.search(text) and not re.match(r"(?i)meeting:|\d",
                                                                                     text):
                open_heading(text, 1)
                continue
        m = ITEM_NUMBER_ONLY.match(text)
        if m or (text.isdigit() and text == item):  # "9" alone under "Meeting: ... (Item 9)"
            pending_item = (m.group(1) or m.group(2)) if m else text
            continue
        m = ITEM_WITH_ICON.match(raw)
        if m:
            open_heading(f"{m.group(1)}. {clean_block_text(m.group(2))}", 1, new_item=m.group(1))
            continue
        if PDF_ICON.search(raw):
            continue  # a link to an attached PDF ("Appendix A - Overview Report PDF 1 MB"), not page text
        m = MEETING_ITEM.search(text)
        if m and text.lower().startswith("meeting:"):
            item = m.group(1)
            continue
        m = ITEM_HEADING.match(text)
        if m and _words(text) <= 14 and not SENTENCE_END.search(text):
            open_heading(text, 1, new_item=m.group(1))
            continue
        resolution = block.heading_level == 0 and RESOLVED.match(text) is not None
        heading_like = _looks_like_heading(text) and not BYLINE.match(text)
        if not resolution and (block.heading_level > 0 or heading_like):
            depth = _heading_depth(text) if NUMBERED_HEADING.match(text) else max(block.heading_level, 1)
            open_heading(text, depth)
            continue

        number = None
        m = PARA_NUMBER.match(text) or RECOMMENDATION.match(text)
        if m:
            number = m.group(1).rstrip(".")
            if number.lower().startswith("recommendation"):
                number = "Recommendation " + re.sub(r"^recommendation\s+(?:no\.?\s*)?", "", number, flags=re.I)
            last_number = number
        else:
            m = LETTERED.match(text)
            if m and last_number:
                number = f"{last_number}({m.group(1)})"
            elif m:
                number = f"({m.group(1)})"
        if resolution and not resolving:
            resolving = True  # the decision is its own passage, findable with --section resolutions
            section_id += 1
        counted += 1
        units.append(Unit(text, block.page, number, heading, current_kind(), item, section_id, counted))
    return units
