"""Word .docx files to blocks (python-docx for the package, lxml for the body XML).

* Body order is kept: paragraphs, tables, and content controls (``w:sdt``) are walked in document
  order.  Table-of-contents paragraphs (styles "TOC 1"...) are skipped.
* A paragraph's text is every ``w:t`` (plus tabs, breaks and non-breaking hyphens) in the
  paragraph, including hyperlinks, fields' results and tracked insertions; deleted text, field
  instructions and text boxes are left out.
* Headings: a style named "Heading N" (anywhere in the style's based-on chain) gives
  heading_level N; "Title" gives 1; otherwise an outline level (``w:outlineLvl``) on the
  paragraph or its style gives level+1.
* Automatic numbering is printed text in the PDF a council publishes, and later stages read
  paragraph numbers ("4.2.1") from block text, so list numbers are rendered from numbering.xml
  (``lvlText`` such as "%1.%2.", formats decimal / letter / roman) and prefixed: "4.2.1 The GP…".
  Counters follow Word: per abstract numbering, deeper levels restart after a shallower one,
  ``startOverride`` restarts a list.  Bullets add nothing.
* Tables: a row whose cells hold text becomes one block with the cells joined by `` | ``
  (merged-cell repeats and empty cells are skipped); a single-cell row (a boxed paragraph or a
  layout table) gives its paragraphs as separate blocks.
* Notes: each footnote follows the paragraph (or table row) that first cites it, as one block with
  ``role="footnote"`` beginning with the number Word prints ("3 Home Office (2016) ..."); endnotes
  follow the last paragraph.  Numbers are counted in order of first reference, in the format the
  settings give (footnotes 1, 2, 3 and endnotes i, ii, iii unless changed).  The reference mark
  itself adds nothing to the citing paragraph's text.
* Cover: the blocks before the first hard page break (a page break, "page break before" or a section
  break) get ``role="cover"`` when they are a short opening page of a longer document: metadata
  reads them, passages do not.
* title_hint: the core-properties title if meaningful, else the first "Title" paragraph, else the
  first level-1 heading.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from ingest.blocks import Block, Extracted
from ingest.numbering import roman, word_letters
from ingest.text import (
    HEADING_MAX_WORDS,
    LARGE_HEADING_MAX_WORDS,
    check_size,
    describe_content,
    heading_shaped,
    normalise_space,
)
from kb.errors import CorruptFileError, EncryptedFileError, ExtractionError, FileTooLargeError, NoTextError

MAX_DOCX_BYTES = 100 * 1024 * 1024
"""Word files above this size are refused (FileTooLargeError)."""

MAX_DOCX_XML_BYTES = 512 * 1024 * 1024
"""A part that would inflate beyond this is refused (zip bomb guard)."""

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


W_P, W_TBL, W_TR, W_TC, W_SDT, W_SDTCONTENT = (
    _w("p"),
    _w("tbl"),
    _w("tr"),
    _w("tc"),
    _w("sdt"),
    _w("sdtContent"),
)
W_T, W_TAB, W_BR, W_CR, W_NBH, W_PTAB = (
    _w("t"),
    _w("tab"),
    _w("br"),
    _w("cr"),
    _w("noBreakHyphen"),
    _w("ptab"),
)
W_VAL = _w("val")
W_FOOTNOTE_REF, W_ENDNOTE_REF = _w("footnoteReference"), _w("endnoteReference")

COVER_MAX_BLOCKS = 15  # a cover page holds a few short lines ...
COVER_MAX_WORDS = 40  # ... none of them running text
COVER_MIN_AFTER = 5  # and the document goes on after it
_SKIP_ANCESTORS = {
    _w("txbxContent"),
    _w("del"),
    _w("moveFrom"),
    f"{{{MC}}}Fallback",
    _w("pict"),
    _w("object"),
}


# --------------------------------------------------------------------------------------------
# Styles and numbering
# --------------------------------------------------------------------------------------------


@dataclass
class _Style:
    name: str = ""
    based_on: str | None = None
    outline: int | None = None
    num_id: str | None = None
    ilvl: int | None = None
    bold: bool | None = None  # None: inherited
    size: float | None = None  # points; None: inherited


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    legal: bool = False
    pstyle: str | None = None


@dataclass
class _Numbering:
    abstract: dict[str, dict[int, _Level]] = field(default_factory=dict)
    nums: dict[str, tuple[str, dict[int, int], dict[int, _Level]]] = field(default_factory=dict)
    counters: dict[str, list[int | None]] = field(default_factory=dict)
    seen_nums: set[str] = field(default_factory=set)

    def level(self, num_id: str, ilvl: int) -> _Level | None:
        entry = self.nums.get(num_id)
        if entry is None:
            return None
        abs_id, _, redefined = entry
        if ilvl in redefined:
            return redefined[ilvl]
        return self.abstract.get(abs_id, {}).get(ilvl)

    def ilvl_for_style(self, num_id: str, style_id: str) -> int:
        entry = self.nums.get(num_id)
        if entry is not None:
            for ilvl, lvl in self.abstract.get(entry[0], {}).items():
                if lvl.pstyle == style_id:
                    return ilvl
        return 0

    def label(self, num_id: str, ilvl: int) -> str:
        """Advance the counters for one numbered paragraph and return its printed label ('' for bullets)."""
        entry = self.nums.get(num_id)
        if entry is None:
            return ""
        abs_id, overrides, _ = entry
        ilvl = max(0, min(ilvl, 8))
        counters = self.counters.setdefault(abs_id, [None] * 9)
        if num_id not in self.seen_nums:
            self.seen_nums.add(num_id)
            for lvl_no, start in overrides.items():
                if 0 <= lvl_no < 9:
                    counters[lvl_no] = start - 1
                    for deeper in range(lvl_no + 1, 9):
                        counters[deeper] = None
        lvl = self.level(num_id, ilvl) or _Level()
        current = counters[ilvl]
        counters[ilvl] = lvl.start if current is None else current + 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = None
        if lvl.fmt in ("bullet", "none") or not lvl.text:
            return ""

        def repl(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            if not 0 <= k <= 8:
                return ""
            level_k = self.level(num_id, k) or _Level()
            value = counters[k] if counters[k] is not None else level_k.start
            fmt = "decimal" if (lvl.legal and k < ilvl) else level_k.fmt
            return _format_number(value, fmt)

        return normalise_space(re.sub(r"%([1-9])", repl, lvl.text))


def _format_number(n: int, fmt: str) -> str:
    if fmt == "lowerLetter":
        return word_letters(n)
    if fmt == "upperLetter":
        return word_letters(n).upper()
    if fmt == "lowerRoman":
        return roman(n)
    if fmt == "upperRoman":
        return roman(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("bullet", "none"):
        return ""
    return str(n)


def _int(el, default: int | None = None) -> int | None:
    if el is None:
        return default
    try:
        return int(el.get(W_VAL))
    except (TypeError, ValueError):
        return default


def _parse_level(lvl) -> _Level:
    fmt_el = lvl.find(_w("numFmt"))
    text_el = lvl.find(_w("lvlText"))
    pstyle = lvl.find(_w("pStyle"))
    return _Level(
        start=_int(lvl.find(_w("start")), 1) or 0,
        fmt=(fmt_el.get(W_VAL) if fmt_el is not None else "decimal") or "decimal",
        text=(text_el.get(W_VAL) if text_el is not None else "") or "",
        legal=lvl.find(_w("isLgl")) is not None,
        pstyle=pstyle.get(W_VAL) if pstyle is not None else None,
    )


def _load_numbering(document) -> _Numbering:
    numbering = _Numbering()
    try:
        part = document.part.numbering_part
        root = part.element
    except Exception:
        return numbering
    for absn in root.iter(_w("abstractNum")):
        abs_id = absn.get(_w("abstractNumId"))
        levels = {}
        for lvl in absn.findall(_w("lvl")):
            try:
                levels[int(lvl.get(_w("ilvl")))] = _parse_level(lvl)
            except (TypeError, ValueError):
                continue
        numbering.abstract[abs_id] = levels
    for num in root.iter(_w("num")):
        num_id = num.get(_w("numId"))
        abs_el = num.find(_w("abstractNumId"))
        if num_id is None or abs_el is None:
            continue
        overrides: dict[int, int] = {}
        redefined: dict[int, _Level] = {}
        for ov in num.findall(_w("lvlOverride")):
            try:
                ilvl = int(ov.get(_w("ilvl")))
            except (TypeError, ValueError):
                continue
            start = _int(ov.find(_w("startOverride")))
            if start is not None:
                overrides[ilvl] = start
            lvl = ov.find(_w("lvl"))
            if lvl is not None:
                redefined[ilvl] = _parse_level(lvl)
        numbering.nums[num_id] = (abs_el.get(W_VAL), overrides, redefined)
    return numbering


def _bold(rpr) -> bool | None:
    if rpr is None:
        return None
    b = rpr.find(_w("b"))
    return None if b is None else _on(b)


def _size(rpr) -> float | None:
    """The font size a run property gives, in points (Word stores half-points)."""
    half = _int(rpr.find(_w("sz"))) if rpr is not None else None
    return half / 2 if half else None


def _load_styles(document) -> tuple[dict[str, _Style], str | None]:
    """Paragraph and character styles by id; the default paragraph style's id.

    The document defaults' font size is kept under the id "" so a chain of styles ends there.
    """
    styles: dict[str, _Style] = {}
    default_id = None
    try:
        root = document.styles.element
    except Exception:
        return styles, None
    defaults = root.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}")
    styles[""] = _Style(name="", bold=_bold(defaults), size=_size(defaults))
    for st in root.iter(_w("style")):
        if st.get(_w("type")) not in (None, "paragraph", "character"):
            continue
        sid = st.get(_w("styleId"))
        if sid is None:
            continue
        name_el, based_el = st.find(_w("name")), st.find(_w("basedOn"))
        ppr = st.find(_w("pPr"))
        outline = num_id = ilvl = None
        if ppr is not None:
            outline = _int(ppr.find(_w("outlineLvl")))
            numpr = ppr.find(_w("numPr"))
            if numpr is not None:
                nid = numpr.find(_w("numId"))
                num_id = nid.get(W_VAL) if nid is not None else None
                ilvl = _int(numpr.find(_w("ilvl")))
        rpr = st.find(_w("rPr"))
        styles[sid] = _Style(
            name=(name_el.get(W_VAL) if name_el is not None else sid) or sid,
            based_on=based_el.get(W_VAL) if based_el is not None else None,
            outline=outline,
            num_id=num_id,
            ilvl=ilvl,
            bold=_bold(rpr),
            size=_size(rpr),
        )
        if st.get(_w("default")) in ("1", "true", "on"):
            default_id = sid
    return styles, default_id


# --------------------------------------------------------------------------------------------
# Body walk
# --------------------------------------------------------------------------------------------

_HEADING_RE = re.compile(r"^heading\s*([1-9])$", re.IGNORECASE)


@dataclass(frozen=True)
class _Para:
    text: str
    level: int
    is_title: bool
    bold: bool = False
    size: float | None = None
    bulleted: bool = False  # an item of a list whose numbering prints a bullet, not a number


class _Reader:
    def __init__(self, document, notes: _Notes | None = None) -> None:
        self.styles, self.default_style = _load_styles(document)
        self.numbering = _load_numbering(document)
        self.notes = notes or _Notes()
        self.blocks: list[Block] = []
        self.title_paragraph: str | None = None
        self.first_break: int | None = None  # how many blocks precede the first hard page break
        self.pending: list[Block] = []  # notes cited in this section, given before its next heading
        self.bold: set[int] = set()  # blocks all in bold print, outside tables
        self.sizes: dict[int, float | None] = {}  # block index -> the size most of its text is set in
        self.in_tables: set[int] = set()  # blocks from a table's cells

    # -- styles --------------------------------------------------------------------------
    def _chain(self, style_id: str | None) -> list[tuple[str, _Style]]:
        chain, seen = [], set()
        sid = style_id if style_id in self.styles else self.default_style
        while sid and sid in self.styles and sid not in seen:
            seen.add(sid)
            chain.append((sid, self.styles[sid]))
            sid = self.styles[sid].based_on
        return chain

    def _print(self, p, chain: list[tuple[str, _Style]]) -> tuple[bool, float | None]:
        """Whether all the paragraph's text is bold, and the size most of it is set in."""
        para_bold = next((st.bold for _, st in chain if st.bold is not None), None)
        para_size = next((st.size for _, st in chain if st.size is not None), None)
        defaults = self.styles.get("", _Style())
        sizes: Counter[float] = Counter()
        all_bold, any_text = True, False
        for run in p.iter(_w("r")):
            if any(a.tag in _SKIP_ANCESTORS for a in run.iterancestors()):
                continue
            chars = sum(len((t.text or "").strip()) for t in run.iter(W_T))
            if not chars:
                continue
            any_text = True
            rpr = run.find(_w("rPr"))
            rstyle = rpr.find(_w("rStyle")) if rpr is not None else None
            char_style = self.styles.get(rstyle.get(W_VAL)) if rstyle is not None else None
            bold = next((b for b in (_bold(rpr), char_style and char_style.bold, para_bold, defaults.bold)
                         if b is not None), False)
            size = next((z for z in (_size(rpr), char_style and char_style.size, para_size, defaults.size)
                         if z), 10.0)  # Word's own default when nothing says
            all_bold = all_bold and bool(bold)
            sizes[size] += chars
        return any_text and all_bold, (sizes.most_common(1)[0][0] if sizes else None)

    def paragraph(self, p) -> _Para | None:
        """The text, heading level and print of a w:p element, or None for TOC entries."""
        ppr = p.find(_w("pPr"))
        style_id = None
        direct_outline = None
        numpr = None
        if ppr is not None:
            ps = ppr.find(_w("pStyle"))
            style_id = ps.get(W_VAL) if ps is not None else None
            direct_outline = _int(ppr.find(_w("outlineLvl")))
            numpr = ppr.find(_w("numPr"))
        chain = self._chain(style_id)
        names = [st.name.strip().lower() for _, st in chain]
        if names and names[0].startswith("toc"):
            return None

        level, is_title = 0, False
        for name in names:
            m = _HEADING_RE.match(name)
            if m:
                level = int(m.group(1))
                break
            if name == "title":
                level, is_title = 1, True
                break
        if not level:
            outline = direct_outline
            if outline is None:
                outline = next((st.outline for _, st in chain if st.outline is not None), None)
            if outline is not None and 0 <= outline < 9:
                level = outline + 1

        label = self._label(numpr, chain)
        text = normalise_space(_paragraph_text(p))
        if not text:
            return _Para("", level, is_title)
        if label and not text.startswith(label):
            text = f"{label} {text}"
        bold, size = self._print(p, chain)
        return _Para(text, level, is_title, bold, size, bulleted=not label and self._listed(numpr, chain))

    def _listed(self, numpr, chain) -> bool:
        """Whether the paragraph is in a list (its own numbering or its style's), bulleted or numbered."""
        if numpr is not None:
            nid = numpr.find(_w("numId"))
            if nid is not None:
                return nid.get(W_VAL) not in (None, "0")
        return any(st.num_id not in (None, "0") for _, st in chain)

    def _label(self, numpr, chain) -> str:
        num_id = ilvl = None
        if numpr is not None:
            nid = numpr.find(_w("numId"))
            num_id = nid.get(W_VAL) if nid is not None else None
            ilvl = _int(numpr.find(_w("ilvl")))
        if num_id is None:
            for sid, st in chain:
                if st.num_id is not None:
                    num_id = st.num_id
                    if ilvl is None:
                        ilvl = st.ilvl if st.ilvl is not None else self.numbering.ilvl_for_style(num_id, sid)
                    break
        if num_id is None or num_id == "0":
            return ""
        return self.numbering.label(num_id, ilvl or 0)

    # -- walking -------------------------------------------------------------------------
    def container(self, el) -> None:
        for child in el:
            tag = child.tag
            if tag == W_P:
                if _page_break_before(child):
                    self.page_break()
                self.emit(self.paragraph(child))
                self.footnotes_cited(child)
                if _page_break_in(child):
                    self.page_break()
            elif tag == W_TBL:
                self.table(child)
            elif tag in (W_SDT, _w("customXml"), _w("smartTag"), W_SDTCONTENT, _w("ins"), _w("moveTo")):
                inner = child.find(W_SDTCONTENT) if tag == W_SDT else child
                if inner is not None:
                    self.container(inner)

    def page_break(self) -> None:
        if self.first_break is None:
            self.first_break = len(self.blocks)

    def footnotes_cited(self, el) -> None:
        """The footnotes `el` cites for the first time, kept for the end of the section.

        As at the foot of a printed page, a note does not interrupt the run of numbered paragraphs.
        """
        self.pending += _cited(el, W_FOOTNOTE_REF, self.notes.footnote)

    def end_section(self) -> None:
        self.blocks.extend(self.pending)
        self.pending = []

    def endnotes(self, body) -> None:
        self.end_section()
        self.blocks += _cited(body, W_ENDNOTE_REF, self.notes.endnote)

    def mark_cover(self) -> None:
        """Blocks before the first page break are the cover when they are few and short."""
        n = self.first_break
        if not n or n > COVER_MAX_BLOCKS or len(self.blocks) < n + COVER_MIN_AFTER:
            return
        opening = self.blocks[:n]
        if any(len(b.text.split()) > COVER_MAX_WORDS or b.role != "body" for b in opening):
            return
        self.blocks[:n] = [replace(b, role="cover") for b in opening]

    def emit(self, para: _Para | None, in_table: bool = False) -> None:
        if para is None or not para.text:
            return
        if para.level:
            self.end_section()
        if para.is_title and self.title_paragraph is None:
            self.title_paragraph = para.text
        self.blocks.append(Block(text=para.text, page=None, heading_level=para.level, list_item=para.bulleted))
        self.sizes[len(self.blocks) - 1] = para.size
        if para.bold and not in_table and not para.level:
            self.bold.add(len(self.blocks) - 1)

    def mark_typed_headings(self) -> None:
        """Short lines set bold, or 3 pt larger than the body text, are headings, as in a PDF.

        Many councils' Word files mark headings by direct formatting, not with a Heading style.
        """
        sizes: Counter[float] = Counter()
        for i, b in enumerate(self.blocks):
            if self.sizes.get(i) and b.role == "body":
                sizes[self.sizes[i]] += len(b.text)
        if not sizes:
            return
        body = sizes.most_common(1)[0][0]
        for i, b in enumerate(self.blocks):
            size = self.sizes.get(i)
            larger = size is not None and size >= body + 3 and i not in self.in_tables
            words = LARGE_HEADING_MAX_WORDS if larger else HEADING_MAX_WORDS
            if b.heading_level or b.role != "body" or not heading_shaped(b.text, words):
                continue
            level = 1 if larger else 2 if i in self.bold else 0
            if level:
                self.blocks[i] = replace(b, type_level=level)

    def _cell_paragraphs(self, tc) -> list[_Para]:
        out: list[_Para] = []
        for el in tc.iter(W_P):
            # paragraphs of nested tables are included in document order
            if any(a.tag in _SKIP_ANCESTORS for a in el.iterancestors()):
                continue
            para = self.paragraph(el)
            if para is not None and para.text:
                out.append(para)
        return out

    def table(self, tbl) -> None:
        for tr in tbl.iter(W_TR):
            if _nearest(tr, W_TBL) is not tbl:
                continue  # rows of nested tables are flattened into their cell
            cells = [tc for tc in tr.iter(W_TC) if _nearest(tc, W_TR) is tr]
            cell_paras = [self._cell_paragraphs(tc) for tc in cells]
            texts, previous = [], None
            for paras in cell_paras:
                t = normalise_space(" ".join(p.text for p in paras))
                if t and t != previous:
                    texts.append(t)
                previous = t or previous
            if len(texts) >= 2:
                self.blocks.append(Block(text=" | ".join(texts)))
            elif len(texts) == 1:
                for paras in cell_paras:
                    for para in paras:
                        self.emit(para, in_table=True)
                        self.in_tables.add(len(self.blocks) - 1)
                    if paras:
                        break
            self.footnotes_cited(tr)


def _on(el) -> bool:
    """A Word on/off property: present and not switched off (w:val="0"/"false")."""
    return el is not None and el.get(W_VAL) not in ("0", "false", "off")


def _page_break_before(p) -> bool:
    ppr = p.find(_w("pPr"))
    return ppr is not None and _on(ppr.find(_w("pageBreakBefore")))


def _page_break_in(p) -> bool:
    """A hard page break inside the paragraph, or a section break (which starts a new page) ending it."""
    ppr = p.find(_w("pPr"))
    if ppr is not None and ppr.find(_w("sectPr")) is not None:
        kind = ppr.find(f"{_w('sectPr')}/{_w('type')}")
        return kind is None or kind.get(W_VAL) != "continuous"
    return any(br.get(_w("type")) == "page" for br in p.iter(W_BR))


@dataclass
class _Notes:
    """The document's footnotes and endnotes by id, numbered in order of first reference."""

    footnotes: dict[str, str] = field(default_factory=dict)
    endnotes: dict[str, str] = field(default_factory=dict)
    footnote_format: str = "decimal"
    endnote_format: str = "lowerRoman"
    given: set[str] = field(default_factory=set)
    counts: dict[str, int] = field(default_factory=lambda: {"f": 0, "e": 0})

    def footnote(self, note_id: str | None) -> str | None:
        return self._number("f", note_id, self.footnotes, self.footnote_format)

    def endnote(self, note_id: str | None) -> str | None:
        return self._number("e", note_id, self.endnotes, self.endnote_format)

    def _number(self, kind: str, note_id: str | None, notes: dict[str, str], fmt: str) -> str | None:
        if note_id is None or f"{kind}{note_id}" in self.given or not notes.get(note_id):
            return None
        self.given.add(f"{kind}{note_id}")
        self.counts[kind] += 1
        return f"{_format_number(self.counts[kind], fmt) or self.counts[kind]} {notes[note_id]}"


def _read_notes(zf: zipfile.ZipFile) -> _Notes:
    """Footnote and endnote texts from their parts; a damaged notes part loses the notes, not the document."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    notes = _Notes()

    def root(name: str):
        try:
            return etree.fromstring(zf.read(name), parser)
        except (KeyError, etree.XMLSyntaxError, ValueError):
            return None

    for part, tag, store in (("word/footnotes.xml", "footnote", notes.footnotes),
                             ("word/endnotes.xml", "endnote", notes.endnotes)):
        tree = root(part)
        if tree is None:
            continue
        for note in tree.iter(_w(tag)):
            if note.get(_w("type")) in ("separator", "continuationSeparator", "continuationNotice"):
                continue
            text = normalise_space(" ".join(_paragraph_text(p) for p in note.iter(W_P)))
            if text:
                store[note.get(_w("id"))] = text
    settings = root("word/settings.xml")
    if settings is not None:
        for tag, attr in (("footnotePr", "footnote_format"), ("endnotePr", "endnote_format")):
            fmt = settings.find(f"{_w(tag)}/{_w('numFmt')}")
            if fmt is not None and fmt.get(W_VAL):
                setattr(notes, attr, fmt.get(W_VAL))
    return notes


def _cited(el, reference: str, number) -> list[Block]:  # noqa: ANN001 - number: _Notes.footnote or .endnote
    """The notes `el` cites for the first time, in order, as footnote blocks (text boxes and deletions aside)."""
    out = []
    for ref in el.iter(reference):
        if not any(a.tag in _SKIP_ANCESTORS for a in ref.iterancestors()):
            note = number(ref.get(_w("id")))
            if note:
                out.append(Block(text=note, role="footnote"))
    return out


def _nearest(el, tag: str):
    for a in el.iterancestors(tag):
        return a
    return None


def _paragraph_text(p) -> str:
    parts: list[str] = []
    for el in p.iter(W_T, W_TAB, W_BR, W_CR, W_NBH, W_PTAB, W_P):
        if el is p:
            continue
        if el.tag == W_P:
            continue  # a nested paragraph (text box) -- its text is excluded below
        skip = False
        for a in el.iterancestors():
            if a is p:
                break
            if a.tag in _SKIP_ANCESTORS or a.tag == W_P:
                skip = True
                break
        if skip:
            continue
        if el.tag == W_T:
            parts.append(el.text or "")
        elif el.tag == W_NBH:
            parts.append("-")
        else:
            parts.append(" ")
    return "".join(parts)


# --------------------------------------------------------------------------------------------
# File
# --------------------------------------------------------------------------------------------

_GENERIC_TITLES = {"title", "document", "untitled", "word document", "microsoft word document"}


def _sniff(path: Path) -> None:
    """Confirm the content is a zip package; explain what it is otherwise."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise ExtractionError(path, f"cannot read: {exc.strerror or type(exc).__name__}") from None
    if not head:
        raise NoTextError(path, "empty file")
    if head.startswith(b"PK\x03\x04"):
        return
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # Office saves a password-protected .docx as an OLE2 file with an "EncryptedPackage" stream
        if _ole_has_encrypted_package(path):
            raise EncryptedFileError(path, "password-protected: cannot be read without the password")
        raise CorruptFileError(path, "not a valid Word file (an old binary .doc file; save it as .docx)")
    if not head.strip():
        raise NoTextError(path, "empty file")
    kind = describe_content(head)
    raise CorruptFileError(path, f"not a valid Word file (not a zip archive; content looks like {kind})")


def _ole_has_encrypted_package(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            data = fh.read(4 * 1024 * 1024)
    except OSError:
        return False
    return "EncryptedPackage".encode("utf-16-le") in data


def extract_docx(path: Path) -> Extracted:
    """Extract a .docx file."""
    path = Path(path)
    check_size(path, MAX_DOCX_BYTES, "Word")
    _sniff(path)
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "[Content_Types].xml" not in names:
                raise CorruptFileError(
                    path, "not a valid Word file (zip archive without Office content types)"
                )
            for info in zf.infolist():
                if info.file_size > MAX_DOCX_XML_BYTES:
                    raise FileTooLargeError(path, "too large: a part of the Word file inflates beyond 512 MB")
            notes = _read_notes(zf)
    except zipfile.BadZipFile:
        raise CorruptFileError(path, "not a valid Word file (damaged or truncated zip archive)") from None
    except (OSError, EOFError):
        raise CorruptFileError(path, "not a valid Word file (damaged or truncated zip archive)") from None

    import docx  # python-docx

    try:
        document = docx.Document(str(path))
    except KeyError:
        raise CorruptFileError(path, "not a valid Word file (a required part is missing)") from None
    except ValueError:
        raise CorruptFileError(path, "not a valid Word file (the package is not a Word document)") from None
    except MemoryError:
        raise
    except Exception as exc:  # python-docx / lxml / zipfile raise many types on damaged files
        raise CorruptFileError(path, f"not a valid Word file ({type(exc).__name__})") from None

    reader = _Reader(document, notes)
    try:
        reader.container(document.element.body)
        reader.endnotes(document.element.body)
        reader.mark_cover()
        reader.mark_typed_headings()
    except MemoryError:
        raise
    except Exception as exc:
        raise CorruptFileError(
            path, f"damaged Word file: cannot read its body ({type(exc).__name__})"
        ) from None
    blocks = reader.blocks
    if not blocks:
        raise NoTextError(path, "no text: the document has no paragraphs with text")

    title = author = None
    meta: dict[str, str] = {}
    try:
        props = document.core_properties
        from ingest.pdf import meaningful_title

        title = meaningful_title(props.title)
        author = " ".join((props.author or "").split())[:200] or None
        if title and title.lower() in _GENERIC_TITLES:
            title = None
    except Exception:
        pass
    if not title:
        title = reader.title_paragraph or next((b.text for b in blocks if b.heading_level == 1), None)
    return Extracted(blocks=blocks, page_count=None, title_hint=title, meta=meta, author_hint=author)
