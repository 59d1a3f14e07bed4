"""Find the structure a reader navigates by: headings, sections, printed paragraph and item numbers.

Input is the flat list of blocks an extractor produced; output is a list of `Unit`s, one per
paragraph, each knowing its printed number (or None), the heading it sits under and the kind of
section that heading opens.

Left out: contents pages (a "Contents" title and the entries under it, or a run of dotted-leader
entries), cover-page blocks (``role="cover"``) and "This page is intentionally left blank". Footnotes
become units of kind "footnote" numbered "note N"; table rows keep their section's kind and are
numbered "row N". Both are passages of their own (see :mod:`ingest.passages`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import pairwise

from ingest.blocks import Block
from ingest.text import ends_sentence
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
# "RESOLVED: That the report be noted." opens the committee's decision inside a minutes item, numbered or not
# ("3. RESOLVED that Cabinet agree to:").
RESOLVED = re.compile(r"^(?:\d{1,3}\.\s+)?(?:it\s+was\s+)?(?:unanimously\s+)?(?:RESOLVED|Resolved)\b(?!\s+to\s+be\b)")
LETTERED = re.compile(r"^(?:[-\u2022\u00b7*]\s*)?\(?([a-z]|[ivx]{1,4})[.)]\s+(?=\S)")
SENTENCE_END = re.compile(r"[.;:,?!]$")
FINITE_VERB = re.compile(r"\b(was|were|is|had|has|did|should|will)\b")  # "4.2.1 The GP saw her" is a paragraph

# A council's minutes number their items on from the last meeting ("88. 24/00108 - Revenue and Capital Budget
# Monitoring Report – November 2024-25"): the title, often in bold, often with the agenda item it was under
# ("(Item 5)") on the next line, and paragraphs under it numbered from 1 again.
MINUTE_TITLE = re.compile(r"^(\d{1,3})(\.?)\s+(?=[A-Z0-9\u2018\u201c'\"(])(\S.*)$")
AGENDA_REF = re.compile(r"^\(\s*item\s+(\d{1,3}[a-z]?)\s*\)\.?$|^item\s+(\d{1,3}[a-z]?)\.?$", re.IGNORECASE)
# "(Item 5)" the reader joined to the title before it or to the text after it
AGENDA_REF_INSIDE = re.compile(r"\s*\(\s*item\s+\d{1,3}[a-z]?\s*\)\.?(?:\s+|$)", re.IGNORECASE)
# the reference of the decision an item took ("24/00108 - "), printed before its title
DECISION_REF = re.compile(r"^\d{2}/\d{3,6}\s*[-\u2013\u2014:]\s*\S")
# an agenda's entry names the pages of the item's papers: "5. 24/00108 - Revenue ... (Pages 11 - 80)"
PAGES_REF = re.compile(r"\(\s*pages?\s+\d+(?:\s*[-\u2013]\s*\d+)?\s*\)$", re.IGNORECASE)
MINUTE_TITLE_MAX_WORDS = 40  # an item's title may run to three lines
MINUTE_NUMBER_GAP = 3  # items of the meeting minuted elsewhere (exempt business) leave gaps in the numbers
# Items a meeting takes at its start or end, whose titles mark a document as minutes ("45 Apologies").
MEETING_BUSINESS = re.compile(
    r"^(?:apologies\b|declarations?\s+of\s+(?:interests?|pecuniary)|(?:the\s+)?minutes\s+of\s+(?:the\s+)?"
    r"(?:previous|last)?|matters\s+arising|chair(?:man|person)?['\u2019]?s\s+announcements|announcements"
    r"|(?:any\s+other|urgent)\s+business|public\s+(?:questions|participation)|(?:forward\s+)?work\s+programme)",
    re.IGNORECASE,
)
# A heading after the last item of minutes that belongs to the meeting, not to the item: the exempt business
# that follows ("EXEMPT ITEMS", "Part 2 - exempt business", "Exclusion of the press and public"), the next meeting.
CLOSING_HEADING = re.compile(
    r"^(?:part\s+(?:2|ii|two|b)\b"
    r"|(?:exempt|confidential|private|restricted)\s+(?:items?|business|session|information)\b"
    r"|exclusion\s+of\s+(?:the\s+)?(?:press|public)"
    r"|(?:date|time|dates|date\s+and\s+time)\s+of\s+(?:the\s+)?next\s+meeting|next\s+meeting\b"
    r"|(?:any\s+other|urgent)\s+business$"
    r"|close\s+of\s+(?:the\s+)?meeting|meeting\s+closed)",
    re.IGNORECASE,
)
# a heading in capitals naming business of the meeting ("UNRESTRICTED ITEMS", "ITEMS TAKEN IN PRIVATE"); a
# heading in capitals alone does not end an item: the report under it has its own ("FINANCIAL IMPLICATIONS")
MEETING_PART = re.compile(r"^(?=[^a-z]*$).*\b(?:ITEMS|BUSINESS)\b")


# A contents page: its title, then entries that end in page numbers, usually after dotted leaders.
CONTENTS_TITLE = re.compile(r"^(?:table\s+of\s+)?contents?(?:\s+page)?\s*:?$|^index$", re.IGNORECASE)
DOTTED_ENTRY = re.compile(r"^(?P<title>\S.*?)\s*(?:[.\u2026\u00b7_]\s?){4,}\s*(?P<page>\d{1,3}|[ivxlc]{1,6})$",
                          re.IGNORECASE)
PLAIN_ENTRY = re.compile(r"^(?P<title>\S.{1,150}?)\s+(?P<page>\d{1,3})$")
LEADERS = re.compile(r"(?:[.\u2026\u00b7_]\s?){4,}\s*(?:\d{1,3}|[ivxlc]{1,6})\b", re.IGNORECASE)
MERGED_ENTRIES = re.compile(r"[a-z)\u201d\u2019?]\s\d{1,3}\s+(?=[A-Z\u201c\u2018])")
MIN_CONTENTS_RUN = 3  # untitled dotted entries in a row that make a contents list
BLANK_PAGE = re.compile(
    r"^[\[(]?\s*(?:this\s+page\s+(?:is\s+|has\s+been\s+)?)?(?:intentionally|deliberately)\s+(?:left\s+)?blank"
    r"\.?\s*[\])]?$",
    re.IGNORECASE,
)


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
    role: str = "body"  # "footnote" and "table_row" units are passages of their own (see Block.role)


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
        return _words(title) <= 10 and not FINITE_VERB.search(title)
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


def _toc_entry(text: str) -> bool:
    """A contents line: a short title and a page number, or titles with dotted leaders."""
    if DOTTED_ENTRY.match(text) or len(LEADERS.findall(text)) >= 2:
        return True
    if re.search(r"\s\d{1,3}$", text) and len(MERGED_ENTRIES.findall(text)) >= 2:
        return True  # several entries read as one paragraph: "Introduction 6 About this advice 6 ..."
    m = PLAIN_ENTRY.match(text)
    return bool(m) and _words(m.group("title")) <= 16 and not re.search(r"[.;,]$", m.group("title"))


def contents_blocks(blocks: list[Block]) -> set[int]:
    """Indexes of the blocks of contents pages: a "Contents" title and the entries under it, or a run of
    at least MIN_CONTENTS_RUN dotted-leader entries without a title.

    Under a title, a short heading-like line (a group such as "Appendices") belongs to the contents
    when an entry follows it within two blocks.
    """
    found: set[int] = set()
    i = 0
    while i < len(blocks):
        text = blocks[i].text.strip()
        titled = bool(CONTENTS_TITLE.match(text))
        j = i + 1 if titled else i
        run: list[int] = []
        while j < len(blocks):
            entry = blocks[j].text.strip()
            if _toc_entry(entry):
                run.append(j)
            elif titled and run and _looks_like_heading(entry) and any(
                _toc_entry(b.text.strip()) for b in blocks[j + 1 : j + 3]
            ):
                run.append(j)
            else:
                break
            j += 1
        dotted = sum(1 for k in run if DOTTED_ENTRY.match(blocks[k].text.strip()) or LEADERS.search(blocks[k].text))
        if (titled and run) or dotted >= MIN_CONTENTS_RUN:
            found.update(run)
            if titled:
                found.add(i)
            i = j
        else:
            i += 1
    return found


CELL_SEPARATOR = " | "  # how the Word and HTML readers join a table row's cells
# a short label, no sentence in it; or a year or financial year ("2022", "2021/22", "2022-23")
HEADER_CELL = re.compile(r"^(?=.*[A-Za-z])[^.!?;:]{1,40}$|^(?:19|20)\d\d(?:\s*[/\-\u2013]\s*(?:19|20)?\d\d)?$")


def _cells(block: Block) -> list[str]:
    return block.text.split(CELL_SEPARATOR) if block.role == "body" and CELL_SEPARATOR in block.text else []


def pipe_tables(blocks: list[Block]) -> dict[int, Block]:
    """Table rows that the Word, HTML and text readers give as "cell | cell | cell" blocks, as table_row blocks.

    A run of such blocks is a table with named columns when its first row is a header (every cell a
    short label) and every row has the header's number of cells; the rows become
    "Date: 12 March 2019 · Agency: GP · Event: ..." blocks numbered from 1. When every row has one cell more
    than the header, the header's corner cell was empty (the readers drop empty cells) and each row's first
    cell is its label: "Victim service · 2021/22: 21,884 · 2022/23: 7,669". Other runs are left as they are.
    """
    found: dict[int, Block] = {}
    i = 0
    while i < len(blocks):
        header = _cells(blocks[i])
        names = [c.strip() for c in header]
        if len(header) > 1 and i + 1 < len(blocks) and len(_cells(blocks[i + 1])) == len(header) + 1:
            names = ["", *names]  # a column of row labels under an empty corner cell
        j = i + 1
        while j < len(blocks) and len(_cells(blocks[j])) == len(names) > 1:
            j += 1
        if j - i >= 2 and all(HEADER_CELL.match(c.strip()) for c in header):
            for n, k in enumerate(range(i + 1, j), start=1):
                pairs = tuple(zip(names, (c.strip() for c in _cells(blocks[k])), strict=True))
                text = " \u00b7 ".join(f"{name}: {value}" if name else value for name, value in pairs if value)
                found[k] = Block(text, blocks[k].page, 0, "table_row", pairs, n)
            found[i] = Block("", blocks[i].page)  # the header row is in every row's text
        i = max(j, i + 1)
    return found


FOOTNOTE_NUMBER = re.compile(r"^(\d{1,3}|[*\u2020\u2021]|[ivx]{1,5}(?=\s))\s*")  # Word endnotes count i, ii, iii


def _aside(block: Block, text: str, heading: str | None, kind: str, item: str | None, section_id: int,
           counted: int) -> Unit:
    """A footnote ("note 3", kind "footnote") or a table row ("row 2", kind of its section) as one unit."""
    if block.role == "footnote":
        m = FOOTNOTE_NUMBER.match(text)
        number = f"note {m.group(1)}" if m else "note"  # an unnumbered note is found among the page's notes
        return Unit(text, block.page, number, heading, "footnote", item, section_id, counted, "footnote")
    number = f"row {block.row}" if block.row is not None else None
    return Unit(text, block.page, number, heading, kind, item, section_id, counted, "table_row")


def _minute_title(text: str) -> int | None:
    """The number of a line shaped like a minutes item's title ("88. 24/00108 - Revenue and Capital Budget
    Monitoring Report – November 2024-25" -> 88), else None: a sentence, a line that breaks off, a decision
    ("4. RESOLVED that ...") or a table row is not one."""
    m = MINUTE_TITLE.match(text)
    if not m:
        return None
    title = m.group(3)
    if (
        _words(title) > MINUTE_TITLE_MAX_WORDS
        or ends_sentence(title)
        or title[-1] in ",-\u2013\u2014(&/"
        or CELL_SEPARATOR in text
        or PAGES_REF.search(title)
        or RESOLVED.match(title)
        or BYLINE.match(title)
    ):
        return None
    return int(m.group(1))


def _unstopped_items(blocks: list[Block]) -> dict[int, int]:
    """Minutes items numbered without a full stop ("45 Apologies", "46 Declarations of Interest"), by block index.

    Such a line is read as an item's title when the line before or after it in that shape is numbered one less or
    one more, prose (a finished sentence) stands between the two, its title is in title case with no sentence end
    and no figures, and the run names business a meeting takes ("Apologies", "Minutes of ...") or the document
    records a decision ("RESOLVED ..."). A table's rows ("12 Referrals 212 230"), an address ("12 High Street")
    or a numbered list without prose between has none of these; a report's "1 Introduction" / "2 Background"
    names no meeting's business.
    """
    shaped: list[tuple[int, int, str]] = []  # (index, number, title)
    for k, block in enumerate(blocks):
        text = block.text.strip()
        m = MINUTE_TITLE.match(text) if block.role == "body" and not block.list_item else None
        if not m or m.group(2) or _minute_title(text) is None:
            continue
        title = AGENDA_REF_INSIDE.sub(" ", m.group(3)).strip()
        if title and _title_case(title) and not re.search(r"\d", title) and _words(title) <= 12:
            shaped.append((k, int(m.group(1)), title))
    paired: set[int] = set()
    for (i, n, _), (j, m_, _) in pairwise(shaped):
        prose = any(blocks[k].role == "body" and ends_sentence(blocks[k].text.strip()) for k in range(i + 1, j))
        if m_ == n + 1 and prose:
            paired.update((i, j))
    found = {k: n for k, n, _ in shaped if k in paired}
    minutes = any(MEETING_BUSINESS.match(title) for k, _, title in shaped if k in found) or any(
        RESOLVED.match(b.text.strip()) for b in blocks if b.role == "body"
    )
    return found if minutes else {}


def split_agenda_refs(blocks: list[Block]) -> list[Block]:
    """Blocks in which the reader joined an item's agenda reference to its title ("88. Budget Monitoring (Item 5)")
    or to the text after it ("(Item 5) John Betts ... were in attendance"), cut into title, reference and text, as
    a page that sets them on lines of their own reads."""
    out: list[Block] = []
    for block in blocks:
        m = AGENDA_REF_INSIDE.search(block.text) if block.role == "body" else None
        if m:
            head, ref, rest = block.text[: m.start()].strip(), m.group(0).strip(), block.text[m.end() :].strip()
            plain = {"heading_level": 0, "type_level": 0, "list_item": False}
            if head and _minute_title(head) is not None:
                out.append(replace(block, text=head))
                out += [replace(block, text=t, **plain) for t in (ref, rest) if t]
                continue
            if not head and rest and out and _minute_title(out[-1].text.strip()) is not None:
                out += [replace(block, text=t, **plain) for t in (ref, rest)]
                continue
        out.append(block)
    return out


def _closes_items(text: str) -> bool:
    """A short line of its own that names the meeting's business after its items ("Date of next meeting")."""
    return _words(text) <= 10 and not SENTENCE_END.search(text) and CLOSING_HEADING.match(text) is not None


def _next_text(blocks: list[Block], index: int) -> int | None:
    """The index of the next block with text after ``index``."""
    return next((k for k in range(index + 1, len(blocks)) if blocks[k].text.strip()), None)


def _agenda_ref_after(blocks: list[Block], index: int) -> int | None:
    """The index of the agenda reference ("(Item 5)") printed under the title at ``index``, if there is one."""
    after = _next_text(blocks, index)
    if after is not None and blocks[after].role == "body" and AGENDA_REF.match(blocks[after].text.strip()):
        return after
    return None


PARAGRAPH_OPENING = re.compile(r"^(?:\d{1,2}\.\d{1,3}(?:\.\d{1,3}){0,2}\.?|\d{1,3}\.)\s+[A-Z\u2018\u201c'\"]")


def _titles_numbered_paragraph(text: str, units: list[Unit], blocks: list[Block], index: int) -> bool:
    """A short line in title case, a paragraph of its own between a finished paragraph and a numbered one, is
    the heading of what follows ("... attached as Appendix 2." / "Legal Implications" / "15. It is proposed
    that ..."), where no print marks it (a text file, a plain Word paragraph). A list's last item has no
    finished paragraph before it; a table's row label is followed by figures, not a numbered sentence; a form's
    answer is followed by the next numbered question, a heading."""
    if not (
        _words(text) <= 8
        and not SENTENCE_END.search(text)
        and _title_case(text)
        and not PARA_NUMBER.match(text)
        and bool(units)
        and units[-1].role == "body"
        and ends_sentence(units[-1].text)
    ):
        return False
    after = next((blocks[k] for k in range(index + 1, len(blocks)) if blocks[k].text.strip()), None)
    return (
        after is not None
        and after.role == "body"
        and PARAGRAPH_OPENING.match(after.text.strip()) is not None
        and not _looks_like_heading(after.text.strip())  # "6. Director of Service" is a heading: the line is a value
    )


def find_structure(blocks: list[Block]) -> list[Unit]:
    """Turn extractor blocks into numbered, sectioned units.

    A minutes item's title ("88. 24/00108 - Revenue and Capital Budget Monitoring Report – November 2024-25") opens
    the item when its agenda reference ("(Item 5)", then left out) follows it, when it names the decision taken
    ("24/00108 - "), or when its number follows the last item's (a gap of up to MINUTE_NUMBER_GAP) and is not
    the next number of the paragraphs under that item, which are numbered from 1 again. An item's paragraphs
    keep their own numbers. Without those marks of minutes, a title-shaped line numbered next after a numbered
    heading whose paragraphs are not numbered in its series opens a section, however long ("5. Revenue ...").
    """
    blocks = split_agenda_refs(blocks)
    units: list[Unit] = []
    heading: str | None = None
    kind_stack: list[tuple[int, str | None]] = []  # (depth, kind) of open headings
    item: str | None = None
    section_id = 0
    counted = 0
    read = 0  # paragraphs read in the document so far: the count again once the items end
    last_number: str | None = None
    pending_item: str | None = None  # "17." seen alone: the next block is the item's title
    resolving = False  # inside a "RESOLVED:" decision, until the next heading
    page_title_next = False  # the line after "Issue - meetings" may be the page's title
    heading_number: int | None = None  # the number of the open heading when it is a whole number ("87. ...")
    first_sub: int | None = None  # the first whole paragraph number under it ("1.": numbered from 1 again)
    top_sub = 0  # the highest whole paragraph number under it
    under_item = False  # no numbered heading inside the item since its title ("1. Purpose of the Report")
    skip: set[int] = set()  # agenda references read with the title before them

    def open_heading(text: str, depth: int, new_item: str | None = None) -> None:
        nonlocal heading, section_id, item, counted, last_number, resolving, heading_number, first_sub, top_sub
        nonlocal under_item, read
        heading = text
        section_id += 1
        last_number = None
        resolving = False
        number = _minute_title(text)
        if number is not None or new_item is not None:
            heading_number, first_sub, top_sub = number, None, 0
            under_item = new_item is not None
        while kind_stack and kind_stack[-1][0] >= depth:
            kind_stack.pop()
        # an agenda item's title says what was discussed, not what kind of section follows
        kind_stack.append((depth, classify_heading(text) if new_item is None else None))
        if new_item is not None:
            item = new_item
            counted = 0
        elif item is not None and under_item and (CLOSING_HEADING.match(text) or MEETING_PART.match(text)):
            item, counted, under_item = None, read, False  # the meeting's business after its last item

    def follows(number: int, last: int | None) -> bool:
        """Whether a title numbered ``number`` comes next after ``last``, not next among the paragraphs under it."""
        return last is not None and last < number <= last + MINUTE_NUMBER_GAP and number > top_sub + 1

    def next_section(number: int) -> bool:
        """Whether a title numbered ``number`` is the next numbered section after the open numbered heading: its
        paragraphs are not numbered in the same series (unnumbered, "4.1", or from 1 again under "87.")."""
        restarted = first_sub is None or (first_sub == 1 and heading_number is not None and heading_number > 1)
        return restarted and follows(number, heading_number)

    def current_kind() -> str:
        if resolving:
            return "resolutions"
        for _, kind in reversed(kind_stack):
            if kind:
                return kind
        return "minutes_item" if item else "other"

    contents = contents_blocks(blocks)
    tables = pipe_tables(blocks)
    unstopped = _unstopped_items(blocks)
    for index, block in enumerate(blocks):
        block = tables.get(index, block)
        raw = block.text.strip()
        if index in skip:
            continue
        if not raw or NOISE.match(raw) or BLANK_PAGE.match(raw) or index in contents or block.role == "cover":
            continue
        text = clean_block_text(raw)
        if not text:
            continue
        if block.role in ("footnote", "table_row"):
            # a reader counting the paragraphs of the text skips the notes at the foot of the page
            counted += block.role == "table_row"
            read += block.role == "table_row"
            units.append(_aside(block, text, heading, current_kind(), item, section_id, counted))
            continue

        if pending_item is not None:
            open_heading(f"{pending_item}. {text}", 1, new_item=pending_item)
            pending_item = None
            ref = _agenda_ref_after(blocks, index)
            if ref is not None:
                skip.add(ref)  # "88." / "Budget Monitoring" / "(Item 5)"
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
        if index in unstopped:
            open_heading(text, 1, new_item=str(unstopped[index]))
            ref = _agenda_ref_after(blocks, index)
            if ref is not None:
                skip.add(ref)
            continue
        minute = _minute_title(text) if block.role == "body" and not block.list_item else None
        if minute is not None:
            after = _next_text(blocks, index)
            ref = _agenda_ref_after(blocks, index)
            # a title with a title under it is a list of items (an agenda), not an item of minutes
            listed = after is not None and _minute_title(blocks[after].text.strip()) is not None
            title = MINUTE_TITLE.match(text)
            plain = title.group(2) == "." and not listed  # "88. Title" over text, without an agenda reference
            # the last item's number, unless the item's own text numbers its sections (a report under its title)
            current = int(item) if item and item.isdigit() and under_item else None
            if ref is not None or (plain and (DECISION_REF.match(title.group(3)) or follows(minute, current))):
                open_heading(text, 1, new_item=str(minute))
                if ref is not None:
                    skip.add(ref)
                continue
            if plain and item is None and next_section(minute) and not FINITE_VERB.search(title.group(3)):
                open_heading(text, 1)  # no mark of minutes: a numbered section, not an item
                continue
        resolution = block.heading_level == 0 and RESOLVED.match(text) is not None
        heading_like = (
            _looks_like_heading(text)
            or _titles_numbered_paragraph(text, units, blocks, index)
            or (item is not None and _closes_items(text))  # "Date of next meeting" after the last item
        ) and not BYLINE.match(text) and not block.list_item  # a bulleted item is a heading only in heading print
        typed = block.type_level if not BYLINE.match(text) else 0  # "Report of the Director" in bold: a byline
        marked = block.heading_level or typed
        if not resolution and (marked > 0 or heading_like):
            depth = _heading_depth(text) if NUMBERED_HEADING.match(text) else max(marked, 1)
            open_heading(text, depth)
            continue

        number = None
        m = PARA_NUMBER.match(text) or RECOMMENDATION.match(text)
        if m:
            number = m.group(1).rstrip(".")
            if number.lower().startswith("recommendation"):
                number = "Recommendation " + re.sub(r"^recommendation\s+(?:no\.?\s*)?", "", number, flags=re.I)
            last_number = number
            if number.isdigit():
                first_sub = int(number) if first_sub is None else first_sub
                top_sub = max(top_sub, int(number))
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
        read += 1
        units.append(Unit(text, block.page, number, heading, current_kind(), item, section_id, counted))
    return units
