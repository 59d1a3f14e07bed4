"""The years a query asks about, and the years a document or passage is about.

"How many reviews in 2022-23" means the report on 2022 to 2023, not last year's report with the same
wording: the search prefers passages whose document (by its title or date) or whose own text names the
query's years. A year that names a law ("the 2004 Act", "Domestic Abuse Act 2021") is not a period.
"Since 2019" and "before 2016" are open: any period from 2019 on, or before 2016, will do. A query
without a year may name one by today's date: "this year", "last year", "in the past year" (this year or
last).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

_YEAR = r"(?:19|20)\d\d"
_SINGLE = re.compile(rf"\b{_YEAR}\b")
# at a year: "2022-23", "2022/2023", "2022 to 2023", "2019 to September 2020", "2021 and 2022"
_RANGE_AT = re.compile(rf"({_YEAR})\s*(?:[-/\u2013]|to\b|and\b|until\b)\s*(?:[A-Z][a-z]+\s+)?(\d\d(?:\d\d)?)\b")
_LAW_BEFORE = re.compile(r"\b(?:Act|Regulations|Order)\s+$")  # "Domestic Abuse Act 2021"
_LAW_AFTER = re.compile(r"\s+(?:Act|Regulations|Order)\b")  # "the 2004 Act"
_CITED = re.compile(r"\([^()]*[A-Za-z][^()]*,\s*$")  # "(Office for National Statistics, 2022)"
_OPEN = re.compile(rf"\b(since|after|before)\s+(?:[A-Z][a-z]+\s+)?({_YEAR})\b(?!\s*(?:[-/\u2013]|to\b|and\b))",
                   re.IGNORECASE)
MAX_SPAN = 10  # "1990 to 2020" is not a period a report is about year by year
_PAST_YEAR = re.compile(r"\b(?:in|over|during|for|within)\s+the\s+(?:past|last)\s+(?:year|12 months|twelve months)\b",
                        re.IGNORECASE)
_LAST_YEAR = re.compile(r"\blast\s+year(?!s)\b", re.IGNORECASE)  # not "the last years of her life"
_THIS_YEAR = re.compile(r"\b(?:this|the current)\s+year(?!s)\b", re.IGNORECASE)


def periods_in(text: str) -> list[frozenset[int]]:
    """The periods the text names: each range as the years in it ("2022-23": 2022 and 2023), each other year alone.

    Laws ("Domestic Abuse Act 2021") and citations ("(Smith et al., 2019)") name no period. Only the places
    where a year stands are read closely (a passage is read once per query that names a year).
    """
    periods: list[frozenset[int]] = []
    taken_to = -1  # the end of the last range read: its second year is not a period of its own
    for year in _SINGLE.finditer(text):
        start, end = year.span()
        if start < taken_to:
            continue
        if (_LAW_BEFORE.search(text, max(start - 14, 0), start) or _LAW_AFTER.match(text, end)
                or _CITED.search(text, max(start - 120, 0), start)):
            continue
        span = _RANGE_AT.match(text, start)
        if span:
            first, last_text = int(span.group(1)), span.group(2)
            last = int(last_text) if len(last_text) == 4 else first // 100 * 100 + int(last_text)
            if 0 < last - first <= MAX_SPAN:
                periods.append(frozenset(range(first, last + 1)))
                taken_to = span.end()
                continue
        periods.append(frozenset({int(year.group())}))
    return list(dict.fromkeys(periods))


def years_in(text: str) -> frozenset[int]:
    """Every year the text names as a period (see `periods_in`)."""
    return frozenset().union(*periods_in(text))


@lru_cache(maxsize=4096)
def document_periods(title: str, date: str | None) -> tuple[frozenset[int], ...]:
    """The periods a document is about: those its title names ("Key findings: October 2019 to September 2020"),
    or else the year it is dated (a report's date can lag its period by years; its title says which)."""
    named = tuple(periods_in(title))
    if named or not date or not re.match(_YEAR, date):
        return named
    return (frozenset({int(date[:4])}),)


@dataclass(frozen=True)
class Asked:
    """The years a query asks about; `open` when any one of them will do ("since 2019", "before 2016")."""

    years: frozenset[int] = frozenset()
    open: bool = False


def relative_years(query: str, this_year: int) -> Asked:
    """The years a query names by today's date: "this year", "last year", "in the past year" (either of the two)."""
    if _PAST_YEAR.search(query):
        return Asked(frozenset({this_year - 1, this_year}), open=True)
    if _LAST_YEAR.search(query):
        return Asked(frozenset({this_year - 1}))
    if _THIS_YEAR.search(query):
        return Asked(frozenset({this_year}))
    return Asked()


def asked_years(query: str, this_year: int | None = None) -> Asked:
    """The years a query names: "in 2022-23" asks for 2022 and 2023, "since 2019" for any year from 2019 on,
    "last year" for the year before `this_year` (today's, by default) when it names no year in figures."""
    bound = _OPEN.search(query)
    if not bound:
        named = years_in(query)
        return Asked(named) if named else relative_years(query, this_year or date.today().year)
    word, year = bound.group(1).lower(), int(bound.group(2))
    if word == "before":
        return Asked(frozenset(range(year - MAX_SPAN, year)), open=True)
    last = max(this_year or date.today().year, year)
    return Asked(frozenset(range(year + (word == "after"), last + 1)), open=True)


def year_match(asked: Asked, periods: Iterable[frozenset[int]]) -> float:
    """The largest share of the asked years that one of the periods covers: "2022-23" is matched fully by a
    report on 2022 to 2023 and half by last year's on 2021 to 2022; "2019" fully by "2019 to 2020". An open
    question ("since 2019") is matched fully by any period with a year in its range."""
    if not asked.years:
        return 0.0
    if asked.open:
        return 1.0 if any(asked.years & period for period in periods) else 0.0
    return max((len(asked.years & period) / len(asked.years) for period in periods), default=0.0)
