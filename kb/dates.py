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

DAY_MONTH_YEAR = re.compile(_WEEKDAY + r"(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+(\d{4})", re.I)
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
