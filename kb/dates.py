"""Dates as UK documents print them, parsed to ISO strings as precise as the text is."""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}
_MONTH = (
    r"(january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
)
_WEEKDAY = r"(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s+)?"

# A day is not the tail of a longer number or a version ("V1.2 April 2024" is April, not 2 April).
DAY_MONTH_YEAR = re.compile(
    _WEEKDAY + r"(?<![\d.])(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+(\d{4})", re.I
)
MONTH_DAY_YEAR = re.compile(_MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", re.I)
MONTH_YEAR = re.compile(r"\b" + _MONTH + r"\s+(\d{4})\b", re.I)
NUMERIC = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _valid(y: int, m: int, d: int | None = None) -> bool:
    try:
        dt.date(y, m, d or 1)
    except ValueError:
        return False
    return 1990 <= y <= 2100


def find_dates(text: str) -> list[tuple[int, str]]:
    """Every date in `text` as (offset, ISO string), full dates before month-only ones at one offset."""
    found: list[tuple[int, str]] = []
    taken: list[range] = []

    def add(match: re.Match[str], iso: str) -> None:
        span = range(match.start(), match.end())
        if any(match.start() in r for r in taken):
            return
        taken.append(span)
        found.append((match.start(), iso))

    for m in ISO.finditer(text):
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if _valid(y, mo, d):
            add(m, f"{y:04d}-{mo:02d}-{d:02d}")
    for m in DAY_MONTH_YEAR.finditer(text):
        d, mo, y = int(m.group(1)), MONTHS[m.group(2).lower()], int(m.group(3))
        if _valid(y, mo, d):
            add(m, f"{y:04d}-{mo:02d}-{d:02d}")
    for m in MONTH_DAY_YEAR.finditer(text):
        mo, d, y = MONTHS[m.group(1).lower()], int(m.group(2)), int(m.group(3))
        if _valid(y, mo, d):
            add(m, f"{y:04d}-{mo:02d}-{d:02d}")
    for m in NUMERIC.finditer(text):  # UK order: day/month/year
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if _valid(y, mo, d):
            add(m, f"{y:04d}-{mo:02d}-{d:02d}")
    for m in MONTH_YEAR.finditer(text):
        mo, y = MONTHS[m.group(1).lower()], int(m.group(2))
        if _valid(y, mo):
            add(m, f"{y:04d}-{mo:02d}")
    return sorted(found)


def parse_date(text: str) -> str | None:
    """The first date in `text`, or None. Accepts ISO input unchanged ('2021', '2021-07', '2021-07-06')."""
    text = text.strip()
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
        parts = [int(p) for p in text.split("-")]
        if _valid(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else None):
            return text
        return None
    dates = find_dates(text)
    return dates[0][1] if dates else None


def date_key(iso: str | None) -> int:
    """An ISO date (or year, or year-month) as a sortable YYYYMMDD integer; missing parts are 0, no date is 0."""
    return int((iso or "0").replace("-", "").ljust(8, "0"))


# A document's own date, by precedence: the first kind of line that holds a date wins. The labels are
# how UK reports, committee papers and inspection reports print the date they belong to.
# A label, not a sentence: "Published: 5 June 2023", "Report published 5 January 2016", not "published in 2018".
PUBLISHED = re.compile(
    r"(?:^|\breport\s+)published\b\s*(?::|on\b|\d|[A-Z])|\bpublished\s*:|\bpublication\s+date\b"
    r"|\bdate\s+(?:of\s+publication|published)\b",
    re.I,
)
OWN_DATE = re.compile(
    r"\b(?:report\s+(?:completed|finalised|date)|date\s+of\s+(?:the\s+)?(?:final\s+)?(?:report|meeting)"
    r"|meeting\s+date|final\s+version|completed|dated?)\s*:"
    r"|^(?:date|meeting)\s*:|\bdate\s*:"
    r"|^minutes\s+of\s+(?:a|the)\s+(?:meeting|(?:\w+\s+){0,3}meeting)\b"
    r"|^to:?\s+[^\n]{0,80}?\b(?:cabinet|committee|council|board|panel|executive)\b[^\n]{0,40}?[-\u2013\u2014,]"
    r"|\b(?:committee|cabinet|council|board|panel)\b[^\n]{0,60}?(?:\bmeeting\s+on\b|[-\u2013\u2014])\s*"
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day)",
    re.I,
)
MEETING_DAY = re.compile(r"^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s+\d", re.I)
# Dates of other things: earlier meetings, pathways, periods, deadlines, inspections.
CROSS_REFERENCE = re.compile(
    r"^\s*\(?\d+[.)]\s|\b(?:pathway|previous|last|since|until|between|from|ending|ends?|ended|deadline"
    r"|consultation|held\s+on|due|by|before|after|inspect(?:ion|ed)|visit|published\s+in|replac(?:es|ed)"
    r"|supersed(?:es|ed)|updated|introduced|amended|came\s+into|in\s+force)\b",
    re.I,
)
EVENT_ON_COVER = re.compile(r"\binspection\s+dates?\b|\binspected\b|\bvisit\s+dates?\b", re.I)


def _rank(line: str) -> int | None:
    """How strongly a line's date is the document's own: 0 strongest; None when it is not."""
    if PUBLISHED.search(line) and not re.search(r"\b(?:first|originally|previously)\s+published\b", line, re.I):
        return 0
    if OWN_DATE.search(line) or MEETING_DAY.match(line):
        return 1
    if EVENT_ON_COVER.search(line):
        return 4
    if CROSS_REFERENCE.search(line):
        return None
    rest = re.sub(r"[\W\d_]+", " ", " ".join(DAY_MONTH_YEAR.sub(" ", MONTH_YEAR.sub(" ", line)).split()))
    if len(rest.split()) <= 3:
        return 2  # a line that is (nearly) just a date, as on a cover
    if len(line.split()) <= 15 and not line.rstrip().endswith("."):
        return 3  # a short line, not a sentence
    return None


def document_date(lines: list[str]) -> str | None:
    """The date a document belongs to, from its cover lines: published, then meeting or completed, then a date
    standing alone, then one in a short line; dates of events the text mentions do not count."""
    best: tuple[int, int, str] | None = None
    for order, line in enumerate(lines):
        dates = find_dates(line)
        if not dates:
            continue
        rank = _rank(line)
        if rank is None:
            continue
        candidate = (rank, order, _after_label(line) or dates[0][1])
        best = candidate if best is None or candidate < best else best
    return best[2] if best else None


def _after_label(line: str) -> str | None:
    """The date after a 'published:' or 'date:' label in a line that holds several."""
    m = re.search(r"(?:published|date)\s*:?\s*(.{0,40})", line, re.I)
    return parse_date(m.group(1)) if m else None
