"""PDF files to blocks with 1-based page numbers, using pypdf's text layer and its text positions.

Pipeline:

1. **Open** (size limit, ``%PDF`` header within the first 1 KB, ``%%EOF`` within the last 8 KB --
   a missing end marker means a truncated download), decrypt with the empty password when the
   file is encrypted (a real password → EncryptedFileError).  Any pypdf failure becomes a
   CorruptFileError whose reason names the failure class, never file content.
2. **Lines**: ``page.extract_text(visitor_text=...)`` reports each run of text with its text and
   transformation matrices; runs are cut at pypdf's line breaks and runs on the same baseline are
   merged, giving :class:`Line` objects (text, x, baseline y, font size, all-bold flag).
3. **Running headers/footers**: on every page the three top-most and three bottom-most lines
   (the *zone*) are candidates; a line starting lower-case or with a paragraph number ("4.2 The
   GP"), or over 160 characters, is body text and never a running line (bare page numbers such
   as "vii" excepted).  Dropped are:
   * *furniture*, on any page (even in a one-page file): a protective marking alone in the zone
     ("OFFICIAL", "OFFICIAL - SENSITIVE", "OFFICIAL-SENSITIVE: PERSONAL", "RESTRICTED",
     "CONFIDENTIAL", "NOT PROTECTIVELY MARKED"), and among the two top-most/bottom-most lines a
     bare page number, marked or not ("7", "- 7 -", "Page 7", "7 of 24", "3 | P a g e",
     "Page | 3", "vii", "OFFICIAL | Page 3");
   * *running lines*: lines whose key -- lower-cased, dashes and quotes folded, markings made one
     symbol (so "OFFICIAL - SENSITIVE | X" matches "OFFICIAL | X"), digit runs ("3", "3.2",
     "12/03/2022", "3rd"), roman numerals and month names before a number (a footer's date)
     replaced -- repeats in the zone *at the same height* (within 3 pt) on at least half of the
     pages (both pages of a two-page file), or on a run of at least three pages each within two
     pages of the last (odd/even headers, one section's header) when the key is not also the
     text of more than one body line (table cells such as "Police" or dates can line up);
   * *one-off lines at a running slot*: the outermost kept line of a page that sits at the
     height, size and weight of lines dropped above on at least max(3, n/3) other pages of an
     n-page file, and is at least as far from the body as those are (a chapter name used once as
     an odd-page header).  A body line that starts where a header is printed on other pages is
     closer to the next line and stays.
4. **Paragraphs** (per page, in content-stream order): a new block starts when
   * the vertical step from the previous line exceeds 1.3 × the document's line pitch (the
     smallest common baseline step of body-size lines) or goes upwards;
   * the font size changes by more than 1 pt, or the line's all-bold status changes;
   * the line starts with a paragraph number or list marker ("4.2.1 The", "16.", "(a)", "a)",
     "Recommendation 3", bullets such as •, ▪, -, and Symbol-font private-use bullets);
   * the previous line was a bare number ("17."), or a short heading-like line (short, no
     sentence punctuation, first line of its block, after a finished sentence);
   * the previous line is clearly short (< 70 % of a full line) and ends a sentence.
   Lines of a block are joined with spaces; a line ending in a hyphen is joined by
   :func:`ingest.text.join_hyphenated` using the document's own vocabulary ("multi-agen-" + "cy"
   → "multi-agency" because "agency" occurs; "self-" + "harm" → "self-harm").
5. **Across pages**: when the last block of page N does not end with sentence punctuation and is
   not heading-like, and the first block of page N+1 starts with a lower-case letter (and is not a
   list item), they are one paragraph, cited at page N.  Smaller-print blocks at the foot of page
   N (footnotes) are stepped over: the paragraph above them is continued and they stay after it.

6. **Scans**: a page with no text that draws an image is read by OCR (:mod:`ingest.ocr`: pypdfium2
   renders it, Tesseract reads it) before step 3, so its lines -- with positions and estimated sizes,
   and a confidence -- go through the same header/footer and paragraph steps; its blocks carry
   ``ocr_confidence`` and ``meta`` gets ``ocr_pages`` and ``ocr_confidence``. With ``ocr=False`` (or
   no Tesseract) such a page stays empty and is listed in ``meta["pages_without_text"]``; a PDF of
   only scans is refused ("no text layer: needs OCR", or "needs OCR: install tesseract-ocr ...").

What a reader sees, not what the text layer holds:

* **Footnotes**: a reference (digits set smaller and raised after body text) is dropped from its
  line; the smaller-print paragraphs at the foot of a page that begin with a note number, under
  body-size text, are one block per note with ``role="footnote"``.
* **Headings**: a heading that wraps onto a second line (same size and weight, the first line nearly
  full; or a second line starting lower-case) is one block; a short line in bold or larger print
  gets ``type_level`` 1 (larger) or 2 (bold at body size) so sentence-case headings open sections.
* **Cover**: when the first page of a document of three pages or more has no paragraph of
  COVER_MAX_WORDS words, its blocks get ``role="cover"`` (metadata still reads them).
* **Furniture**: "This page is intentionally left blank" lines are dropped wherever they are.
* **Tables**: pages that draw enough rules are given to :mod:`ingest.tables` (pdfplumber); the
  lines pypdf read inside a ruled table are replaced by one block per row, ``role="table_row"``,
  with its (column name, text) cells.
"""

from __future__ import annotations

import contextlib
import logging
import math
import re
import statistics
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ingest.blocks import Block, Extracted
from ingest.ocr import INSTALL_HINT, OcrProgress, OcrUnavailable, check_available, ocr_page
from ingest.tables import PageTables, has_rules, read_tables
from ingest.text import (
    BARE_NUMBER,
    BULLET_CHARS,
    HEADING_MAX_WORDS,
    LARGE_HEADING_MAX_WORDS,
    build_vocabulary,
    check_size,
    describe_content,
    ends_mid_clause,
    ends_sentence,
    heading_shaped,
    is_numbered_start,
    join_broken_lines,
    normalise_space,
    starts_lowercase,
)
from kb.errors import CorruptFileError, EncryptedFileError, ExtractionError, NoTextError

MAX_PDF_BYTES = 200 * 1024 * 1024
"""PDF files above this size are refused (FileTooLargeError)."""

HEADER_FOOTER_ZONE = 3
"""How many lines at the top and at the bottom of a page may be running headers/footers."""

# --------------------------------------------------------------------------------------------
# Lines
# --------------------------------------------------------------------------------------------


@dataclass
class Line:
    """One visual line of a page: text and layout (PDF user space, y grows upwards)."""

    text: str
    x: float = 0.0
    y: float = 0.0
    size: float = 10.0
    bold: bool = False
    cells: tuple[tuple[str, str], ...] = ()  # a table row read by ingest.tables: (column name, text) pairs
    row: int | None = None  # the row's 1-based number in its table
    confidence: float | None = None  # OCR's confidence in the line (0..1); None for a text layer's line


@dataclass
class _Run:
    text: str
    x: float
    y: float
    size: float
    bold: bool


def _mult(m: list[float], n: list[float]) -> list[float]:
    return [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]


_BOLD_NAME_RE = re.compile(r"bold|black|heavy|semibold|demibold|,b\b", re.IGNORECASE)


def _font_is_bold(font: object) -> bool:
    try:
        name = str(font.get("/BaseFont", ""))  # type: ignore[union-attr]
    except Exception:
        return False
    return bool(_BOLD_NAME_RE.search(name))


_NOTE_MARK_RE = re.compile(r"^\s*(?:\d{1,3}|[*\u2020\u2021])(?:\s*,\s*\d{1,3})*\s*$")
"""The text of a footnote reference: "3", "3,4", "*", "†"."""


def _main_size(runs: list[_Run]) -> float:
    """The font size most of a line's characters are set in (a footnote's larger number does not count)."""
    sizes: Counter[float] = Counter()
    for r in runs:
        sizes[round(r.size, 1)] += len(r.text.strip())
    return sizes.most_common(1)[0][0]


def _is_superscript(run: _Run, size: float, baseline: float) -> bool:
    """A run set smaller than the text around it and raised above its baseline."""
    return run.size <= 0.75 * size and run.y > baseline + 0.15 * size


def _drop_note_marks(runs: list[_Run]) -> list[_Run]:
    """Remove footnote references ("...Act 2004.¹ The") so they are not glued to the words they follow.

    Only a raised, smaller run of digits or a dagger that follows body text on the same line is a
    reference; a footnote's own number starts its line and stays.
    """
    kept: list[_Run] = []
    for r in runs:
        body = [k for k in kept if k.text.strip() and not _NOTE_MARK_RE.match(k.text)]
        if body and _NOTE_MARK_RE.match(r.text) and _is_superscript(r, body[-1].size, body[-1].y):
            continue
        kept.append(r)
    return kept


def _is_note_mark(runs: list[_Run], prev: Line) -> bool:
    """A group of runs that is only a footnote reference raised above the previous line's baseline."""
    text = "".join(r.text for r in runs)
    return bool(_NOTE_MARK_RE.match(text)) and all(
        _is_superscript(r, prev.size, prev.y) and r.y < prev.y + 0.6 * prev.size for r in runs
    )


def page_lines(page: object) -> list[Line]:
    """The visual lines of a pypdf page, in content-stream order, same-baseline runs merged."""
    runs: list[list[_Run]] = [[]]

    def visit(text: str, cm: list[float], tm: list[float], font: object, font_size: float) -> None:
        if not text:
            return
        try:
            m = _mult([float(v) for v in tm], [float(v) for v in cm])
            scale = math.hypot(m[2], m[3]) or 1.0
            size = float(font_size or 0) * scale
        except Exception:
            m, size = [1, 0, 0, 1, 0, 0], 10.0
        bold = _font_is_bold(font)
        pieces = text.split("\n")
        for i, piece in enumerate(pieces):
            if i > 0:
                runs.append([])
            if piece:
                runs[-1].append(_Run(piece, m[4], m[5], size or 10.0, bold))

    page.extract_text(visitor_text=visit)  # type: ignore[attr-defined]

    lines: list[Line] = []
    for group in runs:
        inked = [r for r in group if r.text.strip()]
        if lines and inked and _is_note_mark(inked, lines[-1]):
            continue  # a footnote reference pypdf reported on a line of its own
        group = _drop_note_marks(group)
        text = "".join(r.text for r in group)
        if not normalise_space(text):
            continue
        inked = [r for r in group if r.text.strip()]
        first = inked[0]
        size = _main_size(inked)
        bold = all(r.bold for r in inked)
        line = Line(text=normalise_space(text), x=first.x, y=first.y, size=size, bold=bold)
        if lines and abs(lines[-1].y - line.y) < 0.3 * max(line.size, 1.0) and line.x >= lines[-1].x:
            # pypdf broke a visual line (bullet glyph, tab stop, table cell): put it back together
            prev = lines[-1]
            lines[-1] = Line(
                text=f"{prev.text} {line.text}",
                x=prev.x,
                y=prev.y,
                size=max(prev.size, line.size),
                bold=prev.bold and line.bold,
            )
            continue
        lines.append(line)
    return lines


# --------------------------------------------------------------------------------------------
# Running headers and footers
# --------------------------------------------------------------------------------------------

SAME_HEIGHT = 3.0
"""Baselines on different pages within this many points are at the same height."""

MIN_RUN = 3
"""A running line whose text is not on half the pages must repeat on this many pages close together."""

_ROMAN = r"(?=[ivxl])(?:xl|l?x{0,3})(?:ix|iv|v?i{0,3})"
"""A lower-case roman numeral up to 89 (front-matter page numbers, "Part iv")."""

_PAGE_NUMBER_RE = re.compile(
    rf"^(?:(?:page|pg\.?|p\.)\s*)?[-–—(\[]?\s*(?:\d{{1,4}}|{_ROMAN})\s*[-–—)\]]?"
    rf"(?:\s*(?:of|/)\s*(?:\d{{1,4}}|{_ROMAN}))?\.?$"
    rf"|^(?:\d{{1,4}}|{_ROMAN})\s+page$"
)
_SPACED_PAGE_RE = re.compile(r"\bp\s+a\s+g\s+e\b")
_MARKING_RE = re.compile(
    r"\b(?:(?:government\s+)?(?:security\s+)?classification\s*:?\s*|protective\s+marking\s*:?\s*)?"
    r"(?:not\s+protectively\s+marked"
    r"|official(?:\s*[-–—:]?\s*sensitive)?(?:\s*[-–—:]?\s*\[?(?:personal|commercial|locsen)\]?)?"
    r"|(?:strictly\s+)?confidential"
    r"|restricted)(?!\w)",
    re.IGNORECASE,
)
_SEPARATORS = " |•·:,;-–—[]()*_/"
_FOLD = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "‘": "'", "’": "'", "“": '"', "”": '"'})
_MONTH_RE = re.compile(
    r"(?<![a-z])(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?(?=[\s,]*#)"
)
_ROMAN_WORD_RE = re.compile(rf"(?<![a-z0-9]){_ROMAN}(?![a-z0-9])")


def _page_text(text: str) -> str:
    """Lower-cased text with "P a g e" closed up and "|" separators made spaces."""
    text = _SPACED_PAGE_RE.sub("page", normalise_space(text).lower().replace("|", " "))
    return normalise_space(text)


def is_page_number(text: str) -> bool:
    """A bare page number: "7", "- 7 -", "Page 7", "7 of 24", "7/24", "3 | P a g e", "Page | 3", "vii"."""
    text = _page_text(text)
    if not _PAGE_NUMBER_RE.match(text):
        return False
    # "17." is a minute number in committee papers, not a page number
    return not re.fullmatch(r"\d{1,3}\.", text)


def is_protective_marking(text: str) -> bool:
    """A line that is only a protective marking: "OFFICIAL", "OFFICIAL - SENSITIVE", "RESTRICTED"..."""
    return _MARKING_RE.search(text) is not None and not _MARKING_RE.sub(" ", text).strip(_SEPARATORS)


BLANK_PAGE_RE = re.compile(
    r"^[\[(]?\s*(?:this\s+page\s+(?:is\s+|has\s+been\s+)?)?(?:intentionally|deliberately)\s+(?:left\s+)?blank"
    r"\.?\s*[\])]?$|^[\[(]?\s*blank\s+page\s*[\])]?$",
    re.IGNORECASE,
)
"""A line printed on a page left empty on purpose ("This page is intentionally left blank")."""


def _is_furniture(text: str, edge: bool) -> bool:
    """A protective marking alone, or (``edge``: among the two outermost lines) a page number, marked or not.

    "OFFICIAL | Page 3 of 40" is furniture at the edge of any page, even in a one-page file.
    """
    if is_protective_marking(text) and not starts_lowercase(text):  # "... kept" / "confidential." is body
        return True
    if not edge:
        return False
    if _MARKING_RE.search(text):
        text = _MARKING_RE.sub(" ", text).strip(_SEPARATORS)
    return is_page_number(text)


def _key(text: str) -> str:
    """Text for comparing running lines across pages.

    Lower case, dashes and quotes folded, protective markings -> "§" (so "OFFICIAL - SENSITIVE |
    X" matches "OFFICIAL | X"), runs of digits (with ordinal suffixes, "3.2", "12/03/2022") -> "#",
    roman numerals -> "#" and month names before a number -> "~" (a footer's date may change).
    """
    text = _SPACED_PAGE_RE.sub("page", normalise_space(text).lower().translate(_FOLD))
    text = _MARKING_RE.sub("§", text)
    text = re.sub(r"\d+(?:st|nd|rd|th)?", "#", text)
    text = re.sub(r"#(?:[.,/:]#)+", "#", text)
    text = _ROMAN_WORD_RE.sub("#", text)
    return _MONTH_RE.sub("~", text)


def _may_be_running(text: str) -> bool:
    """Running headers/footers are short and do not start like body text continuing or numbered."""
    return (
        len(text) <= 160
        and not starts_lowercase(text)
        and not (is_numbered_start(text) and not is_page_number(text))
    )


def _zones(lines: list[Line], k: int) -> tuple[list[int], list[int]]:
    """Indexes of the k top-most lines (top first) and the k bottom-most lines (bottom last)."""
    order = sorted(range(len(lines)), key=lambda i: -lines[i].y)
    return order[:k], order[-k:] if len(order) > k else order[:]


def _pages_needed(n: int) -> int:
    """Pages a running line must be on when it is not in a run: half of them, at least two."""
    return max(2, math.ceil(0.5 * n))


def _in_run(pages: set[int], page: int) -> bool:
    """Whether ``page`` is in a chain of at least MIN_RUN of ``pages``, each within two pages of the last.

    Odd/even headers repeat every other page; a section's header repeats on the section's pages.
    """
    first = last = page
    while first - 1 in pages or first - 2 in pages:
        first = first - 1 if first - 1 in pages else first - 2
    while last + 1 in pages or last + 2 in pages:
        last = last + 1 if last + 1 in pages else last + 2
    return sum(1 for p in pages if first <= p <= last) >= MIN_RUN


@dataclass
class _ZoneLine:
    """A line in the header or footer zone of its page."""

    page: int
    index: int
    line: Line
    top: bool
    gap: float | None = None  # distance to the nearest kept line on the body side


def _body_gap(lines: list[Line], i: int, top: bool, dropped: set[int]) -> float | None:
    """Distance from line i to the nearest kept line between it and the body (None: there is none)."""
    y = lines[i].y
    if top:
        below = [ln.y for j, ln in enumerate(lines) if j not in dropped and ln.y < y - 0.5]
        return y - max(below) if below else None
    above = [ln.y for j, ln in enumerate(lines) if j not in dropped and ln.y > y + 0.5]
    return min(above) - y if above else None


def _outermost(lines: list[Line], i: int, top: bool, dropped: set[int]) -> bool:
    """No kept line lies between line i and the top (or bottom) edge of the page."""
    y = lines[i].y
    return not any(
        j != i and j not in dropped and (ln.y > y + 0.5 if top else ln.y < y - 0.5) for j, ln in enumerate(lines)
    )


def _drop_at_running_slots(
    pages: list[list[Line]], zones: list[tuple[list[int], list[int]]], drop: list[set[int]]
) -> None:
    """Drop a one-off line printed where the document's running lines are printed (in place).

    A *slot* is a height, size and weight at which already-dropped running lines sit on at least
    max(MIN_RUN, a third of the pages) other pages (a chapter-name header used once).  A line there is
    dropped only when it is the outermost kept line of its page and at least as far from the body as
    the running lines at that slot are (less SAME_HEIGHT), so a body line that starts higher than
    usual on a page without a header stays.
    """
    needed = max(MIN_RUN, math.ceil(len(pages) / 3))
    found: list[_ZoneLine] = []
    for p, (lines, (top, bottom)) in enumerate(zip(pages, zones, strict=True)):
        for i in drop[p] & (set(top) | set(bottom)):
            found.append(_ZoneLine(p, i, lines[i], i in top, _body_gap(lines, i, i in top, drop[p])))
    if len({z.page for z in found}) < needed:
        return
    found.sort(key=lambda z: z.line.y)
    heights = [z.line.y for z in found]
    for p, (lines, (top, bottom)) in enumerate(zip(pages, zones, strict=True)):
        for i in sorted((set(top) | set(bottom)) - drop[p]):
            line, is_top = lines[i], i in top
            if not _may_be_running(line.text) or not _outermost(lines, i, is_top, drop[p]):
                continue
            near = found[bisect_left(heights, line.y - SAME_HEIGHT) : bisect_right(heights, line.y + SAME_HEIGHT)]
            slot = [
                z
                for z in near
                if z.page != p
                and z.top == is_top
                and abs(z.line.size - line.size) <= 0.5
                and z.line.bold == line.bold
            ]
            gap = _body_gap(lines, i, is_top, drop[p])
            gaps = [z.gap for z in slot if z.gap is not None]
            if (
                gap is not None
                and gaps
                and len({z.page for z in slot}) >= needed
                and gap >= max(min(gaps) - SAME_HEIGHT, 1.5 * line.size)
            ):
                drop[p].add(i)


def _body_keys(pages: list[list[Line]], zones: list[tuple[list[int], list[int]]]) -> Counter[str]:
    """How often each key occurs outside the header/footer zones."""
    keys: Counter[str] = Counter()
    for lines, (top, bottom) in zip(pages, zones, strict=True):
        zone = set(top) | set(bottom)
        keys.update(_key(ln.text) for i, ln in enumerate(lines) if i not in zone)
    return keys


def remove_running_lines(pages: list[list[Line]]) -> list[list[Line]]:
    """Drop running headers/footers, protective markings and page numbers (see the module docstring).

    A running line must repeat in the header/footer zone *at the same height* (within SAME_HEIGHT),
    so formulaic body lines that happen to match near page breaks survive; lines that start with a
    lower-case letter or a paragraph number, or are over 160 characters, are never running lines.
    """
    n = len(pages)
    zones = [_zones(lines, HEADER_FOOTER_ZONE) for lines in pages]
    drop: list[set[int]] = [set() for _ in pages]

    # 1. furniture: protective markings alone, page numbers at the edge -- on any page
    for p, (lines, (top, bottom)) in enumerate(zip(pages, zones, strict=True)):
        edge = set(top[:2]) | set(bottom[-2:])
        drop[p] = {i for i in set(top) | set(bottom) if _is_furniture(lines[i].text, i in edge)}
        drop[p] |= {i for i, ln in enumerate(lines) if BLANK_PAGE_RE.match(ln.text)}

    # 2. running lines: the same key at the same height on enough pages, or on a run of nearby pages
    #    when the key is not also body text (a table's "Police" or date cells can line up on a few pages)
    by_key: dict[str, list[_ZoneLine]] = {}
    for p, (lines, (top, bottom)) in enumerate(zip(pages, zones, strict=True)):
        for i in (set(top) | set(bottom)) - drop[p]:
            if _may_be_running(lines[i].text):
                by_key.setdefault(_key(lines[i].text), []).append(_ZoneLine(p, i, lines[i], i in top))
    needed = _pages_needed(n)
    in_body: Counter[str] | None = None  # keys of the lines outside the zones, counted when first needed
    for key, group in by_key.items():
        for z in group:
            pages_here = {o.page for o in group if abs(o.line.y - z.line.y) <= SAME_HEIGHT}
            if len(pages_here) < needed:
                if not _in_run(pages_here, z.page):
                    continue
                if in_body is None:
                    in_body = _body_keys(pages, zones)
                if in_body[key] > 1:
                    continue
            drop[z.page].add(z.index)

    # 3. one-off lines at the height of the running lines
    _drop_at_running_slots(pages, zones, drop)
    return [[ln for i, ln in enumerate(lines) if i not in d] for lines, d in zip(pages, drop, strict=True)]


# --------------------------------------------------------------------------------------------
# Paragraphs
# --------------------------------------------------------------------------------------------

_BULLET_RE = re.compile(
    r"^["
    + re.escape(BULLET_CHARS.replace("-", "").replace("–", "").replace("—", ""))
    + r"\uf000-\uf0ff](?:\s+|$)"
)
_DASH_BULLET_RE = re.compile(r"^[-–—]\s+(?=\S)")


def _is_bullet(text: str) -> bool:
    return bool(_BULLET_RE.match(text) or _DASH_BULLET_RE.match(text))


def _strip_bullet(text: str) -> str:
    m = _BULLET_RE.match(text) or _DASH_BULLET_RE.match(text)
    return text[m.end() :] if m else text


_LEADER_RE = re.compile(r"(?:[.\u2026_]\s?){5,}")


@dataclass
class _Stats:
    body_size: float = 10.0
    pitch: float = 12.0
    full_len: int = 80
    left: float | None = None  # the x where most body lines start (the margin, or a hanging indent)


def _stats(pages: list[list[Line]]) -> _Stats:
    sizes: Counter[float] = Counter()
    pages = [[ln for ln in lines if not ln.cells] for lines in pages]
    for lines in pages:
        for ln in lines:
            sizes[round(ln.size * 2) / 2] += len(ln.text)
    if not sizes:
        return _Stats()
    body = sizes.most_common(1)[0][0]
    deltas: list[float] = []
    lengths: list[int] = []
    for lines in pages:
        for a, b in zip(lines, lines[1:], strict=False):
            if abs(a.size - body) <= 1 and abs(b.size - body) <= 1:
                d = a.y - b.y
                if 0.6 * body < d < 3.5 * body:
                    deltas.append(d)
        # contents lines run to the margin through their dotted leaders: not a measure of the text width
        lengths += [len(ln.text) for ln in lines if abs(ln.size - body) <= 1 and not _LEADER_RE.search(ln.text)]
    pitch = 1.2 * body
    if deltas:
        rounded = Counter(round(d * 2) / 2 for d in deltas)
        floor = max(2, math.ceil(0.15 * len(deltas)))
        common = sorted(
            v
            for v, c in rounded.items()
            if sum(c2 for v2, c2 in rounded.items() if abs(v2 - v) <= 0.6) >= floor
        )
        pitch = common[0] if common else statistics.median(deltas)
    if len(deltas) < 8:
        # too few samples to tell line pitch from paragraph spacing: assume single spacing
        pitch = min(pitch, 1.25 * body)
    lengths.sort()
    full = lengths[int(0.9 * (len(lengths) - 1))] if lengths else 80
    starts = Counter(round(ln.x / 4) * 4 for lines in pages for ln in lines if abs(ln.size - body) <= 1)
    left = float(starts.most_common(1)[0][0]) if starts else None
    return _Stats(body_size=body, pitch=pitch, full_len=max(full, 20), left=left)


@dataclass
class _Para:
    lines: list[Line] = field(default_factory=list)
    page: int = 1
    standalone: bool = False  # bare number or heading-like: nothing joins onto it
    role: str = "body"  # "footnote" | "cover" | "table_row" (see ingest.blocks.Block)
    end: Line | None = None  # the last line printed, when the paragraph runs on over a page break

    @property
    def first(self) -> Line:
        return self.lines[0]

    @property
    def last(self) -> Line:
        return self.lines[-1]


def _heading_like(line: Line, st: _Stats) -> bool:
    text = line.text
    return (
        len(text) < 0.6 * st.full_len
        and len(text.split()) <= 12
        and not ends_sentence(text)
        and text[-1] not in ",-\u2010(&/"
        and (text[0].isupper() or text[0].isdigit())
    )


_FOOTNOTE_START_RE = re.compile(r"^(?:\d{1,3}|[*\u2020\u2021])\s*(?=[A-Z\u2018\u201c'\"(]|https?:|www\.)")
"""How a footnote begins: its number (or mark) then the note ("12 Home Office (2016) ...")."""


def _small(line: Line, st: _Stats) -> bool:
    return line.size < st.body_size - 0.75


def _starts_footnote(line: Line, st: _Stats) -> bool:
    return _small(line, st) and bool(_FOOTNOTE_START_RE.match(line.text))


def _wraps(prev: Line, line: Line, st: _Stats) -> bool:
    """Whether ``line`` is the second line of a heading or phrase that ``prev`` began.

    A heading can wrap: "4. Analysis of Agency Involvement with Anna and with" / "Her Partner" (same
    size and weight, the first line nearly as wide as the text), carry its parenthesis onto a line of its
    own ("The Seven golden rules for sharing information" / "(including personal information):"), or be a
    phrase whose second line is set in another weight ("Children looked after and achieving" / "permanence
    Requires improvement").
    """
    size = max(prev.size, line.size, 1.0)
    step = prev.y - line.y
    if not 0.5 * size <= step <= 1.6 * size + 0.5 or abs(prev.size - line.size) > 1.0:
        return False
    if ends_sentence(prev.text) or prev.text[-1] in ":;" or is_numbered_start(line.text) or _is_bullet(line.text):
        return False
    if starts_lowercase(line.text):
        return not _small(line, st)
    styled = prev.bold or prev.size > st.body_size + 0.75
    if line.text.startswith("(") and styled and prev.bold == line.bold and _heading_like(prev, st):
        return True  # a heading's parenthesis set on its own line: "... for sharing information" / "(including ...):"
    wide = len(prev.text) * prev.size >= 0.6 * st.full_len * st.body_size
    return styled and prev.bold == line.bold and wide and _heading_like(line, st)


def _bullet_turns(cur: _Para, line: Line, st: _Stats) -> bool:
    """Whether ``line`` is the turned line of the list item ``cur`` opened, whatever size its first line
    was read at. pypdf reports the words after a bullet glyph at the glyph's size ("• provide a range of
    support ..." at the 10 pt of the Symbol bullet, "Children Act 1989)" under it at the text's 12 pt), so
    a change of size there is not a new paragraph: the line sits under the item's text, at a line's step."""
    prev = cur.last
    step = prev.y - line.y
    return (
        len(cur.lines) == 1
        and _is_bullet(prev.text)
        and line.x > prev.x + 2.0
        and 0 < step <= 1.6 * max(prev.size, line.size, st.body_size) + 0.5
        and not is_numbered_start(line.text)
        and not _is_bullet(line.text)
        and not _starts_footnote(line, st)
    )


def _emphasis_turns(cur: _Para, line: Line, st: _Stats) -> bool:
    """Whether a line set bold, or back in roman after bold lines, still belongs to the paragraph ``cur``: a
    sentence in bold inside a paragraph that fills whole lines ("1. All children have a right to be protected
    ... neglect." / "Protecting a child from such harm takes priority over protecting their" in bold). The
    line is in the same size at a line's step, in the paragraph's column (or under the text of a numbered
    paragraph's first line), and neither it nor the line before is short like a heading."""
    prev = cur.last
    column = abs(line.x - prev.x) <= 2.0 or (
        len(cur.lines) == 1 and is_numbered_start(prev.text) and line.x > prev.x + 2.0
    )
    return (
        not cur.standalone
        and column
        and abs(prev.size - line.size) <= 1.0
        and abs(prev.size - st.body_size) <= 1.0
        and not _heading_like(prev, st)
        and not _heading_like(line, st)
        and not _title_like(prev.text)
        and not _title_like(line.text)
        and not is_numbered_start(line.text)
        and not _is_bullet(line.text)
    )


_MINOR_WORDS = {"and", "for", "the", "with", "from", "into", "onto", "that", "this", "its", "their", "our", "per",
                "via"}


def _title_like(text: str) -> bool:
    """Most of the words capitalised, as in a title, a name or an address ("Consultation Proposals for the
    Cessation of the Commissioned Family Hub Contracts", "Council Chamber, Sessions House, County Hall")."""
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'\u2019-]{2,}", text) if w.lower() not in _MINOR_WORDS]
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.6 * len(words)


def _page_paragraphs(lines: list[Line], page_no: int, st: _Stats, prev_finished: bool = True) -> list[_Para]:
    paras: list[_Para] = []
    cur: _Para | None = None
    prev_para_finished = prev_finished  # the block before `cur` ended a sentence (or there is none)
    for line in lines:
        if line.cells:  # a table row is a paragraph of its own
            if cur is not None:
                paras.append(cur)
                cur = None
            paras.append(_Para(lines=[line], page=page_no, standalone=True, role="table_row"))
            prev_para_finished = True
            continue
        starts_list = is_numbered_start(line.text) or _is_bullet(line.text)
        new = cur is None
        if cur is not None:
            prev = cur.last
            step = prev.y - line.y
            size = max(prev.size, line.size, 1.0)
            if len(cur.lines) <= 2 and not cur.standalone and _wraps(prev, line, st):
                new = False
            elif step < -0.5 * size or step > st.pitch * 1.3 + 0.5:
                new = True
            elif _starts_footnote(line, st):
                new = True
            elif _small(prev, st) and _small(line, st) and not starts_list:
                new = False  # a footnote's next line (its number may have set the first line's size)
            elif abs(prev.size - line.size) > 1.0 and not _bullet_turns(cur, line, st):
                new = True
            elif prev.bold != line.bold and not _emphasis_turns(cur, line, st):
                new = True
            elif starts_list or cur.standalone:
                new = True
            elif len(prev.text) < 0.7 * st.full_len and ends_sentence(prev.text):
                new = True
            elif (
                len(cur.lines) == 1
                and prev_para_finished
                and _heading_like(prev, st)
                and not starts_lowercase(line.text)
            ):
                cur.standalone = True
                new = True
        if new:
            if cur is not None:
                prev_para_finished = (
                    ends_sentence(cur.last.text)
                    or cur.standalone
                    or (len(cur.lines) == 1 and _heading_like(cur.first, st))
                )
                paras.append(cur)
            cur = _Para(lines=[line], page=page_no)
            if BARE_NUMBER.match(line.text):
                cur.standalone = True
        else:
            cur.lines.append(line)  # type: ignore[union-attr]
    if cur is not None:
        paras.append(cur)
    _mark_footnotes(paras, st)
    return paras


def _mark_footnotes(paras: list[_Para], st: _Stats) -> None:
    """Give role "footnote" to the smaller-print paragraphs at the foot of a page that begin with a note number.

    A small paragraph there without a number (a note continued from the page before) is a footnote too.
    The notes must sit under text in the body size. The foot is found by position, lowest first: a box of
    text (a pull quote) can come after the notes in the page's content stream while printed above them.
    """
    foot: list[_Para] = []
    for para in sorted(paras, key=lambda p: min(ln.y for ln in p.lines)):
        if para.role != "body" or not all(_small(ln, st) for ln in para.lines):
            break
        foot.append(para)
    if len(foot) == len(paras):
        return  # a page all in small print (a covering letter, an annex) has no body for notes to sit under
    if any(_starts_footnote(p.first, st) for p in foot):
        for para in foot:
            para.role = "footnote"


COVER_MAX_WORDS = 25
"""A first page whose longest paragraph is shorter than this is a cover page (title, author, date)."""


def _mark_cover(merged: list[tuple[str, _Para]], page_count: int) -> None:
    """Give role "cover" to the first page's lines when that page is a cover, not the start of the text."""
    first = [(text, para) for text, para in merged if para.page == 1 and para.role == "body"]
    if page_count < 3 or not first or any(len(text.split()) >= COVER_MAX_WORDS for text, _ in first):
        return
    for _, para in merged:
        if para.page == 1 and para.role in ("body", "table_row"):  # a cover's judgement or version table too
            para.role = "cover"


def _para_text(para: _Para, vocab: set[str]) -> str:
    text = ""
    for line in para.lines:
        text = join_broken_lines(text, line.text, vocab) if text else line.text
    return text


def _continued_index(merged: list[tuple[str, _Para]], page_no: int, st: _Stats) -> int | None:
    """Index of the block on the previous page that a new page may continue, skipping footnotes.

    That is the last block of the previous page, or the last body-size block before a run of
    smaller-print blocks (footnotes) at the foot of that page.
    """
    for idx in range(len(merged) - 1, max(-1, len(merged) - 6), -1):
        para = merged[idx][1]
        if para.page != page_no - 1:
            return None
        small = max(ln.size for ln in para.lines) < st.body_size - 0.75
        if not small:
            return idx
    return None


def _type_level(para: _Para, text: str, st: _Stats) -> int:
    """1 or 2 for a short line (or a heading wrapped onto two) set bold or larger than the body text, else 0.

    The typography is what marks a sentence-case heading ("The local authority", "Information about this
    inspection"); a line set larger by 3 pt or more is a level-1 heading, a bold one at body size level 2.
    """
    if para.role != "body" or len(para.lines) > 2 or not all(ln.bold or ln.size >= st.body_size + 1.5
                                                                for ln in para.lines):
        return 0
    level = 1 if para.first.size >= st.body_size + 3 else 2
    if level == 2 and st.left is not None and para.first.x - st.left > 12:
        return 0  # a bold label indented from the margin: a table's column header, not a heading
    larger = all(ln.size >= st.body_size + 1.5 for ln in para.lines)
    if level == 1:
        text = text.rstrip(":")  # set well above the body, a lead-in to a list is its heading ("... rules:")
    return level if heading_shaped(text, LARGE_HEADING_MAX_WORDS if larger else HEADING_MAX_WORDS) else 0


def _runs_on(before: _Para, para: _Para, st: _Stats) -> bool:
    """Whether the last page's paragraph was cut mid-sentence where its print runs on: its last line, set
    full width ("... As of October") in the body type, has no sentence end, and the new page's first line
    starts at that line's x in the same type ("2024, the 18-25 section ..."). Inside a page such a line
    is joined to the next one; a page break is no reason to stop."""
    end = before.end or before.last
    first = para.first
    return (
        len(before.lines) >= 2
        and abs(end.size - st.body_size) <= 1.0
        and len(end.text) >= 0.7 * st.full_len
        and abs(first.x - end.x) <= 2.0
        and abs(first.size - end.size) <= 1.0
        and first.bold == end.bold
    )


def _capital_continuation(before: str, text: str, para: _Para, st: _Stats, prev: _Para | None = None) -> bool:
    """A page that opens with a capital continues the last page's paragraph when that stopped mid-clause
    ("... routinely given to" / "Fostering to Adopt arrangements ...") or mid-sentence on a full line in
    the same column (:func:`_runs_on`), and the new text reads as prose: a sentence or a long run, not a
    heading, a table's caption or its repeated header row."""
    return (
        (ends_mid_clause(before) or (prev is not None and _runs_on(prev, para, st)))
        and not _type_level(para, text, st)
        and (ends_sentence(text) or len(text.split()) >= 12)
    )


def _hanging_indent(para: _Para) -> float | None:
    """The x of the turned lines of a numbered paragraph set with a hanging indent ("13. Children and" at the
    margin, "an excellent service ..." under the text), else None."""
    lines = para.lines
    if para.role != "body" or len(lines) < 2 or not is_numbered_start(lines[0].text):
        return None
    return lines[1].x if lines[1].x - lines[0].x > 8 else None


def _indent_is_continuation(pages: list[list[Line]], st: _Stats) -> bool:
    """Whether, in this document, text at a numbered paragraph's hanging indent always belongs to that
    paragraph: it sets several numbered paragraphs so, and no page starts a paragraph of its own at their
    indent after one (an unnumbered paragraph or sub-paragraph of the same number, "Members should have
    regard ..." under 4.14). Then a page that opens at the indent goes on with the paragraph above."""
    hanging = 0
    for page_no, lines in enumerate(pages, start=1):
        indent: float | None = None
        for para in _page_paragraphs(lines, page_no, st):
            if para.role != "body":
                continue
            x = _hanging_indent(para)
            if x is not None:
                hanging += 1
                indent = x
            elif indent is not None and abs(para.first.x - indent) <= 2.0:
                if not _is_bullet(para.first.text):
                    return False
            else:
                indent = None
    return hanging >= 5


def _indent_runs_on(before: _Para, para: _Para, st: _Stats) -> bool:
    """A numbered paragraph with a hanging indent goes on over the page break: its last line is not clearly
    short and the new page opens at its indent in the same type (Ofsted: "... why children go missing." /
    "Appropriate action is taken to reduce episodes ..." under paragraph 13)."""
    indent = _hanging_indent(before)
    end = before.end or before.last
    first = para.first
    return (
        indent is not None
        and abs(end.x - indent) <= 2.0
        and abs(first.x - indent) <= 2.0
        and len(end.text) >= 0.7 * st.full_len
        and abs(first.size - end.size) <= 1.0
        and first.bold == end.bold
    )


_NOTE_NUMBER_RE = re.compile(r"^(\d{1,3})\s")
# a note reference pypdf glued to the word before it: digits straight after a letter (or after a letter's closing
# punctuation: "website.17", "partners’3"), then a space, punctuation or the end
_GLUED_MARK_RE = re.compile(
    r"(?:(?<=[A-Za-z])|(?<=[A-Za-z][).,;:\u2019\u201d\"']))(\d{1,3})(?=$|[\s).,;:\u2019\u201d\"'])"
)


def _drop_glued_marks(text: str, notes: set[str]) -> str:
    """Remove the references to this page's notes that the text layer glued to a word ("DSAs22 with" when
    note 22 is printed at the foot of the page: "DSAs with"). pypdf reports a raised reference in the same
    run as the word when the PDF sets it by text rise, so only its number, next to a letter, tells it apart;
    a number no note at the foot of the page carries is left alone."""
    if not notes:
        return text
    return _GLUED_MARK_RE.sub(lambda m: "" if m.group(1) in notes else m.group(0), text)


def _page_notes(paras: list[_Para]) -> set[str]:
    """The numbers of the notes printed at the foot of a page."""
    numbers: set[str] = set()
    for para in paras:
        m = _NOTE_NUMBER_RE.match(para.first.text) if para.role == "footnote" else None
        if m:
            numbers.add(m.group(1))
    return numbers


def blocks_from_page_lines(pages: list[list[Line]]) -> list[Block]:
    """Turn per-page lines (header/footer already removed) into paragraph blocks with page numbers.

    Pure function: tests can feed synthetic :class:`Line` objects.
    """
    st = _stats(pages)
    vocab = build_vocabulary(ln.text for lines in pages for ln in lines)
    merged: list[tuple[str, _Para]] = []  # (text so far, para it started on)
    indent_rule: bool | None = None  # whether hanging indents carry paragraphs over page breaks, read when first asked

    def indents_continue() -> bool:
        nonlocal indent_rule
        if indent_rule is None:
            indent_rule = _indent_is_continuation(pages, st)
        return indent_rule

    for page_no, lines in enumerate(pages, start=1):
        target = _continued_index(merged, page_no, st) if merged else None
        prev_finished = target is None or merged[target][1].standalone or ends_sentence(merged[target][0])
        paras = _page_paragraphs(lines, page_no, st, prev_finished)
        notes = _page_notes(paras)
        for i, para in enumerate(paras):
            text = _para_text(para, vocab)
            if para.role == "body":
                text = _drop_glued_marks(text, notes)
            if (
                i == 0
                and target is not None
                and not merged[target][1].standalone
                and (
                    (
                        not ends_sentence(merged[target][0])
                        and (starts_lowercase(text)
                             or _capital_continuation(merged[target][0], text, para, st, merged[target][1]))
                    )
                    or (
                        _indent_runs_on(merged[target][1], para, st)
                        and indents_continue()
                        and not _type_level(para, text, st)
                        and (ends_sentence(text) or len(text.split()) >= 12)
                    )
                )
                and not is_numbered_start(text)
                and not _is_bullet(text)
            ):
                prev_text, prev_para = merged[target]
                merged[target] = (join_broken_lines(prev_text, text, vocab), prev_para)
                prev_para.standalone = para.standalone
                prev_para.end = para.last
                continue
            merged.append((text, para))
    _mark_cover(merged, len(pages))
    blocks: list[Block] = []
    for text, para in merged:
        clean = normalise_space(_strip_bullet(text))
        if clean:
            first = para.first
            size = round(max(ln.size for ln in para.lines), 1)
            read = [ln.confidence for ln in para.lines if ln.confidence is not None]
            blocks.append(Block(text=clean, page=para.page, role=para.role, cells=first.cells, row=first.row,
                                type_level=_type_level(para, clean, st), size=size,
                                ocr_confidence=round(statistics.fmean(read), 3) if read else None,
                                list_item=para.role == "body" and _is_bullet(text)))
    return blocks


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------


def _read_tables(path: Path, pages: list, body: list[list[Line]] | None = None) -> dict[int, PageTables]:
    """The ruled tables of the pages that draw rules; none when pdfplumber cannot read the file.

    ``body`` (the pages' lines without running headers and footers) says where each page's text begins, so
    that only a table at the top of its page is taken to continue the table of the page before."""
    # A long document's first page is its cover: its boxes frame the title and labelled fields, which
    # metadata reads line by line at their own print sizes, not as table rows.
    first = 2 if len(pages) > 2 else 1
    ruled = [number for number, page in enumerate(pages, start=1) if number >= first and has_rules(page)]
    tops = {n: max(ln.y for ln in lines) for n, lines in enumerate(body or [], start=1) if lines}
    try:
        return read_tables(path, ruled, tops if body is not None else None)
    except MemoryError:
        raise
    except Exception:  # pypdf read the text; a table reader failing must not lose it
        return {}


def place_tables(pages: list[list[Line]], tables: dict[int, PageTables]) -> list[list[Line]]:
    """Replace the lines pypdf read inside each table by one line per table row, where the table was."""
    placed: list[list[Line]] = []
    for number, lines in enumerate(pages, start=1):
        found = tables.get(number)
        if not found or not found.boxes:
            placed.append(lines)
            continue
        inside = [ln for ln in lines if found.covers(ln.x, ln.y) or found.covers(ln.x + 1, ln.y)]
        kept = [ln for ln in lines if ln not in inside]
        rows = sorted(found.rows, key=lambda r: -r.top)
        for i, row in enumerate(rows):
            # the row keeps the print size of its largest text, so a cover's title in a table is still seen
            below = rows[i + 1].top if i + 1 < len(rows) else float("-inf")
            sizes = [ln.size for ln in inside if below < ln.y <= row.top + 2]
            line = Line(text=row.text, x=0.0, y=row.top, size=max(sizes, default=10.0), cells=row.cells, row=row.row)
            at = next((i for i, ln in enumerate(kept) if ln.y < row.top and not ln.cells), len(kept))
            kept.insert(at, line)
        placed.append([ln for ln in kept if ln.text])
    return placed


# --------------------------------------------------------------------------------------------
# Reading the file
# --------------------------------------------------------------------------------------------

_MEANINGLESS_TITLE_RE = re.compile(
    r"^(?:untitled|document\d*|title|microsoft word|slide \d+|none|null|unknown|\W*)$", re.IGNORECASE
)


def meaningful_title(raw: object) -> str | None:
    """A PDF /Title worth showing, or None ("Microsoft Word - x.docx", file names, "Untitled" are not)."""
    if raw is None:
        return None
    title = normalise_space(str(raw))
    title = re.sub(r"^microsoft (?:word|powerpoint|excel) - ", "", title, flags=re.IGNORECASE)
    if len(title) < 3 or _MEANINGLESS_TITLE_RE.match(title):
        return None
    if re.search(r"\.(?:docx?|pdf|rtf|odt|xlsx?|pptx?|indd|qxp|txt)$", title, re.IGNORECASE):
        return None
    if re.fullmatch(r"[\w\-.]+", title) and ("_" in title or re.search(r"\d{3,}", title)):
        return None  # a bare file-ish token like "DHR_Report_v3_final"
    if not re.search(r"[A-Za-z]", title):
        return None
    return title


def _reason(exc: BaseException) -> str:
    msg = str(exc)
    if "EOF marker" in msg or "ended unexpectedly" in msg or "truncated" in msg.lower():
        return "truncated or damaged PDF: the file ends too early"
    return f"damaged PDF: pypdf cannot parse it ({type(exc).__name__})"


def _open(path: Path):  # -> pypdf.PdfReader
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError, WrongPasswordError

    try:
        reader = PdfReader(str(path), strict=False)
    except (FileNotFoundError, PermissionError, IsADirectoryError) as exc:
        raise ExtractionError(path, f"cannot read: {exc.strerror or type(exc).__name__}") from None
    except DependencyError:
        raise EncryptedFileError(
            path, "encrypted (AES): cannot decrypt without the 'cryptography' package"
        ) from None
    except (FileNotDecryptedError, WrongPasswordError):
        raise EncryptedFileError(path, "password-protected: cannot be read without the password") from None
    except MemoryError:
        raise
    except (PdfReadError, Exception) as exc:  # pypdf raises many types on damaged files
        raise CorruptFileError(path, _reason(exc)) from None

    try:
        encrypted = reader.is_encrypted
    except Exception as exc:
        raise CorruptFileError(path, _reason(exc)) from None
    if encrypted:
        try:
            result = reader.decrypt("")
        except DependencyError:
            raise EncryptedFileError(
                path, "encrypted (AES): cannot decrypt without the 'cryptography' package"
            ) from None
        except NotImplementedError:
            raise EncryptedFileError(path, "encrypted with an unsupported method: cannot be read") from None
        except Exception as exc:
            raise CorruptFileError(path, _reason(exc)) from None
        if not result:
            raise EncryptedFileError(path, "password-protected: cannot be read without the password")
    return reader


def _sniff(path: Path) -> None:
    try:
        with path.open("rb") as fh:
            head = fh.read(1024)
            fh.seek(0, 2)
            size = fh.tell()
            fh.seek(max(0, size - 8192))
            tail = fh.read()
    except OSError as exc:
        raise ExtractionError(path, f"cannot read: {exc.strerror or type(exc).__name__}") from None
    if size == 0:
        raise NoTextError(path, "empty file")
    if b"%PDF-" not in head:
        kind = describe_content(head)
        detail = f"content looks like {kind}" if kind not in ("text", "binary data") else "no %PDF header"
        if kind == "text" and not head.strip():
            raise NoTextError(path, "empty file")
        raise CorruptFileError(path, f"not a PDF ({detail})")
    if b"%%EOF" not in tail:
        raise CorruptFileError(path, "truncated or damaged PDF: no end-of-file marker")


class _CountingHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:  # noqa: D102
        self.count += 1


@contextlib.contextmanager
def _quiet_pypdf():
    """Count pypdf's log warnings ("Ignoring wrong pointing object"...) instead of printing them.

    They can be hundreds of lines for one damaged file and mean nothing to a user; the count is
    reported in ``meta["pdf_warnings"]``.
    """
    logger = logging.getLogger("pypdf")
    handler = _CountingHandler()
    old_propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.propagate = old_propagate


def _page_kind(page: object) -> str:
    """Why a page gave no text: 'image' (a scan), 'blank', or 'damaged' (content missing)."""
    try:
        contents = page.get_contents()  # type: ignore[attr-defined]
    except Exception:
        return "damaged"
    raw = b""
    if contents is not None:
        try:
            raw = contents.get_data()
        except Exception:
            return "damaged"
    elif "/Contents" in page:  # type: ignore[operator]
        return "damaged"  # the page names a content stream that is not in the file
    try:
        resources = page.get("/Resources") or {}  # type: ignore[attr-defined]
        xobjects = resources.get("/XObject") or {}
        if len(xobjects) > 0:
            return "image"
    except Exception:
        return "damaged"
    if re.search(rb"(?:^|\s)BI(?:\s|$)", raw):
        return "image"
    return "blank"


def extract_pdf(path: Path, ocr: bool = True, progress: OcrProgress | None = None) -> Extracted:
    """Extract a PDF file: blocks with 1-based page numbers.

    Pages that are pictures (scans) are read by OCR (:mod:`ingest.ocr`) unless ``ocr`` is False, when a
    PDF of scans is refused ("no text layer: needs OCR") and a scanned page in a digital PDF stays empty.
    ``progress(done, total)`` is called before each page OCR reads.
    """
    path = Path(path)
    check_size(path, MAX_PDF_BYTES, "PDF")
    _sniff(path)
    with _quiet_pypdf() as warnings_seen:
        return _extract_pdf(path, warnings_seen, ocr, progress)


def _ocr_pages(path: Path, numbers: list[int], progress: OcrProgress | None) -> dict[int, list[Line]]:
    """The lines OCR reads on the given 1-based pages, one page in memory at a time."""
    found: dict[int, list[Line]] = {}
    for done, number in enumerate(numbers):
        if progress:
            progress(done, len(numbers))
        try:
            lines = ocr_page(path, number - 1)
        except (OcrUnavailable, MemoryError):
            raise
        except Exception:  # a page Tesseract cannot read stays empty, as an unreadable page does
            continue
        found[number] = [Line(text=ln.text, x=ln.x, y=ln.y, size=ln.size, confidence=ln.confidence) for ln in lines]
    if progress:
        progress(len(numbers), len(numbers))
    return found


def _extract_pdf(
    path: Path, warnings_seen: _CountingHandler, ocr: bool = True, progress: OcrProgress | None = None
) -> Extracted:
    reader = _open(path)
    try:
        pages = list(reader.pages)
    except Exception as exc:
        raise CorruptFileError(path, _reason(exc)) from None
    if not pages:
        raise NoTextError(path, "no text: the PDF has no pages")

    page_lines_all: list[list[Line]] = []
    failed: list[int] = []
    for number, page in enumerate(pages, start=1):
        try:
            page_lines_all.append(page_lines(page))
        except MemoryError:
            raise
        except Exception:
            failed.append(number)
            page_lines_all.append([])

    empty = [i for i, lines in enumerate(page_lines_all, start=1) if not lines and i not in failed]
    kinds = {i: _page_kind(pages[i - 1]) for i in empty}
    damaged = sorted(failed + [i for i, k in kinds.items() if k == "damaged"])
    scans = [i for i, k in kinds.items() if k == "image"]
    read: dict[int, list[Line]] = {}
    missing_ocr = False
    if ocr and scans:
        try:
            check_available()
            read = _ocr_pages(path, scans, progress)
        except OcrUnavailable:
            missing_ocr = True
        for number, lines in read.items():
            page_lines_all[number - 1] = lines
    clean = remove_running_lines(page_lines_all)
    body = place_tables(clean, _read_tables(path, pages, clean))
    blocks = blocks_from_page_lines(body)
    if not blocks:
        if len(damaged) == len(pages) or (damaged and "image" not in kinds.values()):
            raise CorruptFileError(path, "damaged PDF: the pages' content is missing or unreadable")
        if missing_ocr:
            raise NoTextError(path, INSTALL_HINT)
        if scans and ocr:
            raise NoTextError(path, "no text: OCR found no words on the scanned pages")
        if "image" in kinds.values() or not kinds:
            raise NoTextError(path, "no text layer: needs OCR")
        raise NoTextError(path, "no text: every page is blank")

    meta: dict[str, str] = {}
    title = author = None
    try:
        info = reader.metadata
        if info is not None:
            title = meaningful_title(info.get("/Title"))
            author = normalise_space(str(info.get("/Author") or ""))[:200] or None
            producer = info.get("/Producer")
            if producer:
                meta["producer"] = normalise_space(str(producer))[:200]
    except Exception:
        pass
    ocr_read = sorted(n for n, lines in read.items() if lines)
    if ocr_read:
        confidences = [ln.confidence for n in ocr_read for ln in read[n] if ln.confidence is not None]
        meta["ocr_pages"] = ",".join(map(str, ocr_read))
        meta["ocr_confidence"] = f"{statistics.fmean(confidences):.3f}" if confidences else ""
    unread = [n for n in scans if n not in ocr_read]
    if unread:
        meta["pages_without_text"] = ",".join(map(str, unread))
    if damaged:
        meta["unreadable_pages"] = ",".join(map(str, damaged))
    if warnings_seen.count:
        meta["pdf_warnings"] = str(warnings_seen.count)
    return Extracted(blocks=blocks, page_count=len(pages), title_hint=title, meta=meta, author_hint=author)
