"""Plain text and Markdown (.txt, .md, .text) to blocks, plus the text helpers every extractor shares.

The common input is a council web page saved as text (see the seed files): one paragraph per
line or per blank-line-separated group, Markdown-ish headings (``## **Title**``), bullet
characters, ``<sup>`` tags, non-breaking spaces and lines that hold nothing else.

Rules (in order):

* Decoding: a UTF-8/UTF-16 byte-order mark wins; else UTF-8; else cp1252 (so a cp1252 "£"
  survives); bytes cp1252 leaves undefined are read as Latin-1.  ``\\r\\n``, ``\\r``, form feeds and
  Unicode line/paragraph separators become ``\\n``.
* A line holding only whitespace (including non-breaking and other Unicode spaces) is blank.
  Blank lines separate paragraphs.
* Inside a paragraph, lines are joined with a space (hyphenated line ends follow
  :func:`join_broken_lines`) -- *unless* the file is "one line per paragraph": when its longest
  line is longer than :data:`SOFT_WRAP_MIN_LINE` characters, the text was evidently not
  hard-wrapped, so every line is its own block (this keeps "Report Author: X" and "Job Title: Y"
  apart in scraped pages).
* These lines always start a new block: Markdown headings (``#`` .. ``######``, setext
  underlines), lines that are only ``**bold**`` (a heading one level below the last ``#``
  heading, or level 1 when there was none), bullet lines (``-``, ``*``, ``+``, ``•``, ``·``, ...;
  the marker is dropped, so ``- 12. As part of…`` gives ``12. As part of…``), numbered lines
  (``4.2.1 The…``, ``17. The…``, ``a. Agree…``, ``(b) The…``; a number must be followed by a
  non-lower-case character, so "10.30 am" does not count) and table rows (``| a | b |`` lines, or
  lines with three or more tab-separated cells, or two when the first cell is empty; cells are
  joined with `` | ``).
* A paragraph that starts with a lower-case letter continues the previous block when that block
  does not end a sentence (``. ! ? : ;``): web pages scraped from PDFs break paragraphs at old page
  boundaries ("…for at least the next three years to" / "ensure victims of…").
* Markdown is flattened: ``[text](url)`` → text, emphasis markers, inline code backticks and
  simple inline HTML tags (``<sup>``, ``<b>``, ``<span>``…) are removed; entities are decoded.
"""

from __future__ import annotations

import html as _html
import re
from collections.abc import Iterable
from pathlib import Path

from ingest.blocks import Block, Extracted
from kb.errors import CorruptFileError, ExtractionError, FileTooLargeError, NoTextError

MAX_TEXT_BYTES = 20 * 1024 * 1024
"""Text and Markdown files above this size are refused (FileTooLargeError)."""

SOFT_WRAP_MIN_LINE = 120
"""A file whose longest line is longer than this is treated as one line per paragraph."""

# --------------------------------------------------------------------------------------------
# Shared helpers (used by the PDF, HTML and Word extractors too)
# --------------------------------------------------------------------------------------------

_SPACE_CHARS = (
    "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\x0b"
)
_SPACE_TRANS = {ord(c): " " for c in _SPACE_CHARS}
# zero-width characters, BOMs and soft hyphens never belong in passage text
_SPACE_TRANS.update({ord(c): None for c in "\u200b\u200c\u200d\u2060\ufeff\u00ad"})
_LINE_TRANS = {k: v for k, v in _SPACE_TRANS.items() if k != ord("\t")}  # keeps tabs (table cells)
_WS_RE = re.compile(r"\s+")
_CTRL_RE = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")  # control characters that are not whitespace


def normalise_space(text: str) -> str:
    """Collapse all whitespace (incl. non-breaking and other Unicode spaces) to single spaces and strip.

    Control characters other than whitespace are removed; zero-width characters and soft hyphens
    are dropped.
    """
    text = _CTRL_RE.sub("", text.translate(_SPACE_TRANS))
    return _WS_RE.sub(" ", text).strip()


def is_blank(line: str) -> bool:
    return normalise_space(line) == ""


_TERMINAL_RE = re.compile(r"[.!?:;][\"'”’)\]]*$")


def ends_sentence(text: str) -> bool:
    """True when ``text`` ends with sentence punctuation (. ! ? : ;), allowing closing quotes/brackets."""
    return bool(_TERMINAL_RE.search(text.rstrip()))


def starts_lowercase(text: str) -> bool:
    text = text.lstrip()
    return bool(text) and text[0].islower()


_CLAUSE_WORDS = frozenset(
    "a an the and or but nor of to in into on onto at by for from with within without about as than that "
    "which who whom whose where when while whether if because although so such their its his her our your "
    "is are was were be been being has have had will would should could may might must can not".split()
)


def ends_mid_clause(text: str) -> bool:
    """True when text stops where no sentence can end: on a comma or a word such as "to", "the", "and".

    A paragraph cut by a page break that goes on with a capital ("... routinely given to" / "Fostering to
    Adopt arrangements ...") is found by this, not by the case of the next line.
    """
    text = text.rstrip()
    if not text or ends_sentence(text):
        return False
    if text[-1] == ",":
        return True
    last = re.findall(r"[A-Za-z]+$", text)
    return bool(last) and last[0] in _CLAUSE_WORDS  # lower case only: "... the Act To" is no clause


BARE_NUMBER = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*\.?|[A-Za-z][.)]|\(?[ivxIVX]{1,6}\))$")
"""A paragraph or list number standing alone on its line: "4.2", "(b)", "iv)"."""

HEADING_MAX_WORDS = 12
"""A heading in bold at body size is at most this long; one set larger may run to LARGE_HEADING_MAX_WORDS
("The experiences and progress of children who need help and protection: requires improvement to be good")."""
LARGE_HEADING_MAX_WORDS = 20


# A heading's own number, in front of its title: "5. ", "4.2 ", "4.2.1. ", "Section 4: ", "Part 2 - ".
_HEADING_NUMBER = re.compile(
    r"^(?:(?:section|part|chapter)\s+\d{1,3}(?:\.\d{1,3})*\s*[.:\-\u2013\u2014]?|\d{1,3}(?:\.\d{1,3})*\.|"
    r"\d{1,3}(?:\.\d{1,3})+)\s+(?=\S)",
    re.IGNORECASE,
)
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?"
          r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
# A date or a period a heading names: "12 March 2020", "9th January 2025", "March 12, 2020", "12/03/2020",
# "2018-2021", "2019/20", "2018 to 2021". Its numbers are one date, not figures of a table.
_DATE_OR_PERIOD = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\b\.?,?(?:\s+\d{{4}})?"
    rf"|\b{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    r"|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b"
    r"|\b(?:19|20)\d\d\s*(?:[-\u2013/]|\bto\b)\s*(?:(?:19|20)\d\d|\d\d)\b",
    re.IGNORECASE,
)
_FIGURE = re.compile(r"\d[\d,.%]*")
_WEEKDAY = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", re.IGNORECASE)


def _figures(text: str) -> int:
    """How many figures a line holds, as a totals row holds them ("Total 586.1 621.6": 2), not counting a
    heading's own number in front ("5. ") nor the numbers of a date or period it names ("12 March 2020").
    An unnumbered line that is only a date ("Wednesday, 22 January 2025", the date a paper was published) is
    a dateline, not a heading: its numbers count, as they always did."""
    text, numbered = _HEADING_NUMBER.subn("", text, count=1)
    undated = _DATE_OR_PERIOD.sub(" ", text)
    if not numbered and not re.search(r"[^\W\d_]", _WEEKDAY.sub(" ", undated)):
        undated = text
    return len(_FIGURE.findall(undated))


def heading_shaped(text: str, max_words: int = HEADING_MAX_WORDS) -> bool:
    """A line short and plain enough to be a heading when its print (bold or larger) marks it as one.

    Sentences, lines that break off (",", ":", "-"), a bold totals row ("Total 586.1 621.6": two figures or
    more), a bare number and lower-case continuations are not; a question is ("What needs to improve?").
    A numbered heading that names a date or period ("5. Chronology 2018-2021", "3. Events of 12 March 2020",
    "Section 4: 2019/20 performance") holds no figures: its own number and the date's are not counted.
    """
    text = text.strip()
    return bool(text) and not (
        len(text.split()) > max_words
        or _figures(text) >= 2
        or (ends_sentence(text) and not text.endswith("?"))
        or text[-1] in ",;:-("
        or starts_lowercase(text)
        or BARE_NUMBER.match(text)
        or not any(c.isalpha() for c in text)
    )


_WORD_RE = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:-[A-Za-z\u00c0-\u024f]+)*")


def build_vocabulary(lines: Iterable[str]) -> set[str]:
    """Lower-cased words and hyphenated compounds seen in a document (for hyphen decisions).

    ``lines`` are in reading order; the fragments around a line-end hyphen ("infor-" / "mation")
    are left out so that they do not count as words.
    """
    vocab: set[str] = set()
    prev_hyphen = False
    for line in lines:
        words = _WORD_RE.findall(line)
        stripped = line.rstrip()
        ends_hyphen = (
            stripped.endswith(("-", "\u2010", "\u00ad")) and len(stripped) > 1 and stripped[-2].isalpha()
        )
        if prev_hyphen and words:
            words = words[1:]
        if ends_hyphen and words:
            words = words[:-1]
        prev_hyphen = ends_hyphen
        for word in words:
            w = word.lower()
            vocab.add(w)
            if "-" in w:
                vocab.update(w.split("-"))
    return vocab


# Prefixes that form real hyphenated compounds in UK public-sector English.
_COMPOUND_PREFIXES = frozenset(
    """self multi non co cross inter intra pre post anti pro ex well long short full part semi sub
    over under high low mid one two three four five six seven eight nine ten twenty thirty forty
    fifty first second third half quasi counter step great ill all year day face child
    young older risk case sub-""".split()
)
# Word endings that are almost never words on their own: a break before them split a word.
_SPLIT_SUFFIXES = frozenset(
    """cy tion tions sion sions ment ments ness ity ities ance ances ence ences ing ings ed ly
    ous ive ives ible able ably al ally ial ist ists ism isms ise ised ises ising ize ized izes
    izing isation isations ization er ers ure ures ture tures ary ory ful less ship ships hood
    ward gy phy ic ics ical ate ated ates ating ation ations ant ants ent ents ency encies ancy
    ular ity ry ty ies es le les ple ples ble bles cal tic tics nal ual ially ence""".split()
)


def join_hyphenated(left: str, right: str, vocab: set[str] | None = None) -> str:
    """Join a line ending in a hyphen with the next line.

    Rule, first match wins (``p`` = the word fragment before the hyphen, ``s`` = the one after):

    1. a soft hyphen (U+00AD) is dropped;
    2. before an upper-case letter, digit or symbol the hyphen is kept ("Stoke-on-" + "Trent");
    3. the document decides: if it uses "p-s" elsewhere but not "ps", keep; if it uses "ps" but
       not "p-s", drop ("multi-agen-" + "cy" → "multi-agency" when "agency" occurs);
    4. after a compound prefix (self, multi, non, co, cross, inter, well, long, ...) keep
       ("self-" + "harm" → "self-harm", "co-" + "ordinated");
    5. before a word ending that cannot stand alone (-cy, -tion, -ment, -ing, ...) or a fragment
       of one or two letters, drop;
    6. if both fragments are words the document uses on their own, keep (a compound);
    7. otherwise drop (syllable fragments such as "infor-" + "mation").
    """
    vocab = vocab or set()
    left = left.rstrip()
    right = right.lstrip()
    if left.endswith("\u00ad"):
        return left[:-1] + right
    if not left.endswith(("-", "\u2010")):
        return f"{left} {right}" if left and right else left + right
    stem = left[:-1]
    if not right or not right[0].islower() or not stem or not stem[-1].isalpha():
        return stem + "-" + right
    m_left = re.search(r"([A-Za-z\u00c0-\u024f]+)$", stem)
    m_right = re.match(r"([A-Za-z\u00c0-\u024f]+)", right)
    if not m_left or not m_right:
        return stem + "-" + right
    p, s = m_left.group(1).lower(), m_right.group(1).lower()
    joined, hyphened = p + s, f"{p}-{s}"
    if hyphened in vocab and joined not in vocab:
        return stem + "-" + right
    if joined in vocab and hyphened not in vocab:
        return stem + right
    if p in _COMPOUND_PREFIXES:
        return stem + "-" + right
    if s in _SPLIT_SUFFIXES or len(s) <= 2 or len(p) <= 1:
        return stem + right
    if p in vocab and s in vocab:
        return stem + "-" + right
    return stem + right


def join_broken_lines(left: str, right: str, vocab: set[str] | None = None) -> str:
    """Join two wrapped lines of one paragraph: with a space, or by the hyphen rule."""
    left, right = left.rstrip(), right.lstrip()
    if not left:
        return right
    if not right:
        return left
    if left.endswith(("-", "\u2010", "\u00ad")) and len(left) > 1 and left[-2].isalpha():
        return join_hyphenated(left, right, vocab)
    return f"{left} {right}"


def check_size(path: Path, limit: int, kind: str) -> int:
    """Return the size of ``path``; raise FileTooLargeError above ``limit``, ExtractionError if unreadable."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ExtractionError(path, "cannot read: file not found") from None
    except PermissionError:
        raise ExtractionError(path, "cannot read: permission denied") from None
    except OSError as exc:
        raise ExtractionError(path, f"cannot read: {exc.strerror or type(exc).__name__}") from None
    if path.is_dir():
        raise ExtractionError(path, "cannot read: it is a directory")
    if size > limit:
        raise FileTooLargeError(
            path,
            f"too large: {size / 1_048_576:.1f} MB (the limit for {kind} files is {limit // 1_048_576} MB)",
        )
    return size


def read_bytes(path: Path, limit: int, kind: str) -> bytes:
    """Size-check then read a file; zero bytes raise NoTextError("empty file")."""
    check_size(path, limit, kind)
    try:
        with path.open("rb") as fh:
            data = fh.read(limit + 1)  # a file that grew since (or a device) stops at the limit
    except PermissionError:
        raise ExtractionError(path, "cannot read: permission denied") from None
    except OSError as exc:
        raise ExtractionError(path, f"cannot read: {exc.strerror or type(exc).__name__}") from None
    if not data:
        raise NoTextError(path, "empty file")
    if len(data) > limit:
        raise FileTooLargeError(path, f"too large: over the limit for {kind} files ({limit // 1_048_576} MB)")
    return data


def describe_content(head: bytes) -> str:
    """A short human description of what some leading bytes look like (never quotes the content)."""
    h = head.lstrip()
    if not head:
        return "empty"
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "a PDF"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "a zip archive"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "an old binary Office file (OLE2, e.g. .doc)"
    if head.startswith(b"\x89PNG"):
        return "a PNG image"
    if head.startswith(b"\xff\xd8\xff"):
        return "a JPEG image"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "a GIF image"
    if head.startswith(b"{\\rtf"):
        return "an RTF document"
    if head.startswith(b"\x1f\x8b"):
        return "gzip data"
    low = h[:512].lower()
    if low.startswith((b"<!doctype html", b"<html")) or b"<html" in low or b"<body" in low:
        return "HTML"
    if low.startswith(b"<?xml"):
        return "XML"
    if b"\x00" in head[:4096]:
        return "binary data"
    return "text"


# --------------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------------


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes to text: BOM, else UTF-8, else cp1252 (undefined bytes as Latin-1).

    Returns (text, encoding name) with line endings normalised to ``\\n``.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        text, enc = data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, enc = data.decode("utf-16", errors="replace"), "utf-16"
    else:
        try:
            text, enc = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, enc = _decode_cp1252(data), "cp1252"
    return normalise_newlines(text), enc


def _decode_cp1252(data: bytes) -> str:
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # cp1252 leaves 0x81, 0x8D, 0x8F, 0x90, 0x9D undefined: read those as Latin-1
        return "".join(
            data[i : i + 1].decode("cp1252", errors="strict")
            if data[i] not in b"\x81\x8d\x8f\x90\x9d"
            else chr(data[i])
            for i in range(len(data))
        )


def normalise_newlines(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.translate({0x2028: "\n", 0x2029: "\n\n", 0x0C: "\n\n", 0x85: "\n"})


# --------------------------------------------------------------------------------------------
# Markdown inline flattening
# --------------------------------------------------------------------------------------------

_IMAGE_RE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK_RE = re.compile(r"\[([^\]]+)\]\((?:[^()\s]|\([^)]*\))*(?:\s+\"[^\"]*\")?\)")
_REFLINK_RE = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_AUTOLINK_RE = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>")
_TAG_RE = re.compile(
    r"</?(?:sup|sub|b|i|u|s|em|strong|span|font|small|big|mark|a|abbr|cite|code|ins|del|br|wbr|p|div)"
    r"(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
_ENTITY_RE = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
_BOLD_RE = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_STAR_EM_RE = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
_UNDER_EM_RE = re.compile(r"(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])")
_STRIKE_RE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_CODE_RE = re.compile(r"`+([^`]+?)`+")
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")


def strip_inline_markdown(text: str) -> str:
    """Flatten Markdown inline markup and simple inline HTML to plain text."""
    if not any(c in text for c in "[*_`<&~\\"):
        return text
    text = _IMAGE_RE.sub(r"\1", text)
    text = _LINK_RE.sub(r"\1", text)
    text = _REFLINK_RE.sub(r"\1", text)
    text = _AUTOLINK_RE.sub(r"\1", text)
    text = _TAG_RE.sub("", text)
    text = _CODE_RE.sub(r"\1", text)
    for _ in range(2):  # nested ***bold italic***
        text = _BOLD_RE.sub(r"\2", text)
        text = _STAR_EM_RE.sub(r"\1", text)
        text = _UNDER_EM_RE.sub(r"\1", text)
    text = _STRIKE_RE.sub(r"\1", text)
    text = _ESCAPE_RE.sub(r"\1", text)
    text = _ENTITY_RE.sub(lambda m: _html.unescape(m.group(0)), text)
    return text


# --------------------------------------------------------------------------------------------
# Line classification
# --------------------------------------------------------------------------------------------

_ATX_RE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT_RE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_HRULE_RE = re.compile(r"^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_BOLD_LINE_RE = re.compile(r"^\s*(\*\*|__)(?=\S)(.+?)(?<=\S)\1\s*$")
BULLET_CHARS = "-*+•·‣▪▫●○◦■□➢➤►▶✓✔⁃–—\uf0b7\uf0a7\uf0d8\uf076\uf0fc\uf0a8"
_BULLET_RE = re.compile(r"^\s*[" + re.escape(BULLET_CHARS) + r"](?:\s+|$)(.*)$")
_NUMBERED_RE = re.compile(
    r"^\s*(?:"
    r"\d{1,3}(?:\.\d{1,3})+\.?"  # 4.2.1  4.2.  4.2
    r"|\d{1,3}[.)]"  # 17.  3)
    r"|\(\d{1,3}\)"  # (3)
    r"|\(?[a-zA-Z][.)]"  # a.  b)  (c)
    r"|\(?(?:[ivxlc]{1,6}|[IVXLC]{1,6})\)"  # (iv)  iv)
    r"|(?:Recommendation|Finding|Learning point|Lesson|Appendix|Annex)\s+[0-9A-Z]{1,3}[.:)]?"
    r")(?:\s+(?=[^\sa-z])|\s*$)"
)
_PIPE_ROW_RE = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_SEP_RE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")


def is_numbered_start(text: str) -> bool:
    """True when text starts like a numbered paragraph or list item ("4.2.1 The", "17.", "a. Agree")."""
    return bool(_NUMBERED_RE.match(text))


def bullet_body(line: str) -> str | None:
    """The text after a leading bullet marker, or None when the line has no bullet."""
    m = _BULLET_RE.match(line)
    if not m:
        return None
    if _HRULE_RE.match(line):
        return None
    marker = line.lstrip()[0]
    body = m.group(1)
    # "*emphasis*" / "**bold**" is not a bullet; "-5" and "–" as a dash inside prose are handled by
    # requiring whitespace after the marker (enforced by the regex).
    if marker == "*" and body.startswith("*"):
        return None
    return body


def _table_cells(line: str) -> list[str] | None:
    if _PIPE_ROW_RE.match(line):
        cells = [normalise_space(strip_inline_markdown(c)) for c in line.strip().strip("|").split("|")]
        return cells
    if "\t" in line.strip(" \u00a0"):
        # a tab-separated row: three or more cells, or a row whose first (label) cell is empty
        cells = [normalise_space(strip_inline_markdown(c)) for c in re.split(r"\t+", line)]
        cells = [c for c in cells if c]
        if len(cells) >= 3 or (len(cells) == 2 and line.startswith("\t")):
            return cells
    return None


# --------------------------------------------------------------------------------------------
# Blocks
# --------------------------------------------------------------------------------------------


class _Builder:
    """Accumulates blocks; knows which blocks may be continued by a following lower-case paragraph."""

    def __init__(self, vocab: set[str]):
        self.vocab = vocab
        self.items: list[list] = []  # [raw text, heading_level, continuable]

    def add(self, text: str, level: int = 0, continuable: bool = True) -> None:
        self.items.append([text, level, continuable])

    def extend_last(self, text: str) -> None:
        self.items[-1][0] = join_broken_lines(self.items[-1][0], text, self.vocab)

    def last_accepts_continuation(self) -> bool:
        if not self.items:
            return False
        text, level, continuable = self.items[-1]
        if level or not continuable:
            return False
        plain = normalise_space(strip_inline_markdown(text))
        return bool(plain) and not ends_sentence(plain)

    def blocks(self) -> list[Block]:
        out: list[Block] = []
        for text, level, _ in self.items:
            clean = normalise_space(strip_inline_markdown(text))
            if level:
                clean = clean.strip("#").strip() or clean
            if clean and not _HRULE_RE.match(clean):
                out.append(Block(text=clean, page=None, heading_level=level))
        return out


def blocks_from_text(text: str, markdown: bool = True) -> list[Block]:
    """Split decoded text into paragraph blocks (see the module docstring for the rules).

    Never raises on any ``str``; every returned block has non-empty, whitespace-normalised text.
    ``markdown=False`` turns off heading detection and inline Markdown flattening.
    """
    text = normalise_newlines(text)
    raw_lines = text.split("\n")
    lines = [ln.translate(_LINE_TRANS).rstrip() for ln in raw_lines]
    longest = max((len(ln.strip()) for ln in lines), default=0)
    one_line_per_paragraph = longest > SOFT_WRAP_MIN_LINE
    vocab = build_vocabulary(lines)
    b = _Builder(vocab)
    last_hash_level = 0
    in_paragraph = False  # the previous line was non-blank and belongs to the current paragraph
    after_blank = True
    fence = False

    for line in lines:
        if not line.strip():
            in_paragraph = False
            after_blank = True
            continue
        starts_paragraph = after_blank
        after_blank = False
        stripped = line.strip()

        if markdown and stripped.startswith(("```", "~~~")):
            fence = not fence
            in_paragraph = False
            continue
        if fence:
            b.add(stripped, 0, continuable=False)
            continue

        if markdown:
            m = _ATX_RE.match(line)
            if m and (m.group(2) or "").strip():
                level = len(m.group(1))
                last_hash_level = level
                b.add(m.group(2), level, continuable=False)
                in_paragraph = False
                continue
            if m:  # a lone "#"
                in_paragraph = False
                continue
            sm = _SETEXT_RE.match(line)
            if sm and in_paragraph and b.items and not b.items[-1][1] and "\n" not in b.items[-1][0]:
                # "Title\n=====" / "Title\n-----": the previous single line is a heading
                if len(sm.group(1)) >= 2:
                    b.items[-1][1] = 1 if sm.group(1)[0] == "=" else 2
                    b.items[-1][2] = False
                    last_hash_level = b.items[-1][1]
                    in_paragraph = False
                    continue
            if _HRULE_RE.match(line):
                in_paragraph = False
                continue
            bm = _BOLD_LINE_RE.match(line)
            if bm and "**" not in bm.group(2) and "__" not in bm.group(2) and len(bm.group(2)) <= 150:
                level = min(6, last_hash_level + 1) if last_hash_level else 1
                b.add(bm.group(2), level, continuable=False)
                in_paragraph = False
                continue

        cells = _table_cells(line) if not (markdown and _PIPE_SEP_RE.match(line)) else None
        if markdown and _PIPE_SEP_RE.match(line) and "|" in line:
            continue
        if cells is not None:
            row = " | ".join(c for c in cells if c)
            if row:
                b.add(row, 0, continuable=False)
            in_paragraph = False
            continue

        body = bullet_body(line)
        if body is not None:
            body = body.strip()
            if not body:
                in_paragraph = False
                continue
            b.add(body, 0)
            in_paragraph = True
            continue

        if markdown and stripped.startswith(">"):
            stripped = stripped.lstrip(">").strip()
            if not stripped:
                continue

        numbered = is_numbered_start(stripped)
        if (
            (starts_paragraph or one_line_per_paragraph)
            and not numbered
            and starts_lowercase(strip_inline_markdown(stripped))
            and b.last_accepts_continuation()
        ):
            # a paragraph broken at an old page boundary: "…the next three years to" / "ensure …"
            b.extend_last(stripped)
            in_paragraph = True
            continue
        if in_paragraph and not numbered and not one_line_per_paragraph:
            b.extend_last(stripped)
            continue
        b.add(stripped, 0)
        in_paragraph = True

    return b.blocks()


def first_heading(blocks: list[Block]) -> str | None:
    heads = [blk for blk in blocks if blk.heading_level]
    if not heads:
        return None
    top = min(blk.heading_level for blk in heads)
    return next(blk.text for blk in heads if blk.heading_level == top)


def extract_text(path: Path) -> Extracted:
    """Extract a .txt / .md / .text file."""
    path = Path(path)
    data = read_bytes(path, MAX_TEXT_BYTES, "text")
    kind = describe_content(data[:4096])
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")) and kind not in ("text", "HTML", "XML"):
        raise CorruptFileError(path, f"not a text file (content looks like {kind})")
    text, encoding = decode_text(data)
    if not normalise_space(text):
        raise NoTextError(path, "empty file")
    blocks = blocks_from_text(text, markdown=True)
    if not any(ch.isalnum() for b in blocks for ch in b.text):  # no blocks, or only punctuation and rules
        raise NoTextError(path, "no text: the file holds only markup or punctuation")
    return Extracted(
        blocks=blocks,
        page_count=None,
        title_hint=first_heading(blocks),
        meta={"encoding": encoding, "format": "markdown" if path.suffix.lower() == ".md" else "text"},
    )
