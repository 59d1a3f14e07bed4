"""Headings set in bold print, as councils type them in Word and export them to PDF.

The documents are fictional, built by tests/fixtures/headings/make_headings.py (python-docx, then LibreOffice's
PDF export); the Word files are read too, since the Word reader takes bold short lines for headings by the same
rule. A bold line holding two figures or more is a totals row, not a heading ("Total 586.1 621.6"); a heading's
own number ("5.", "Section 4:") and the date or period it names ("12 March 2020", "2018-2021") are no figures.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from ingest.blocks import Block
from ingest.extract import extract
from ingest.passages import cut_passages
from ingest.structure import Unit, find_structure
from ingest.text import heading_shaped
from kb.models import Passage

HERE = Path(__file__).resolve().parent / "fixtures" / "headings"
DHR = ("dhr_dated_headings.pdf", "dhr_dated_headings.docx")

DATED_HEADINGS = [
    "2. Chronology 2018-2021",
    "3. Events of 12 March 2020",
    "Section 4: 2019/20 performance",
    "5. Contact with agencies from 1 January 2018 to 31 March 2021",
]


@cache
def blocks(name: str) -> tuple[Block, ...]:
    return tuple(extract(HERE / name).blocks)


@cache
def units(name: str) -> tuple[Unit, ...]:
    return tuple(find_structure(list(blocks(name))))


@cache
def passages(name: str) -> tuple[Passage, ...]:
    return tuple(cut_passages(list(units(name))))


@pytest.mark.parametrize("name", DHR)
def test_a_bold_numbered_heading_that_names_a_date_or_period_keeps_its_heading_print(name: str) -> None:
    levels = {b.text: b.type_level for b in blocks(name)}
    for heading in DATED_HEADINGS:
        assert levels[heading] == 2, heading
    assert levels["1. Introduction"] == levels["6. Recommendations"] == 2


@pytest.mark.parametrize("name", DHR)
def test_a_bold_totals_line_is_still_no_heading(name: str) -> None:
    levels = {b.text: b.type_level for b in blocks(name)}
    assert levels["Total 586.1 621.6"] == 0
    assert not any(u.heading == "Total 586.1 621.6" for u in units(name))


@pytest.mark.parametrize("name", DHR)
def test_the_paragraphs_under_a_dated_heading_are_cited_under_it(name: str) -> None:
    by_number = {u.number: u.heading for u in units(name) if u.number}
    assert by_number["2.1"] == "2. Chronology 2018-2021"
    assert by_number["3.2"] == "3. Events of 12 March 2020"
    assert by_number["4.1"] == by_number["4.2"] == "Section 4: 2019/20 performance"
    assert by_number["5.1"] == "5. Contact with agencies from 1 January 2018 to 31 March 2021"
    # the heading is not read as a paragraph of the section before it
    assert not any(u.text.startswith("Section 4:") for u in units(name))
    cited = {(p.section, p.paragraph) for p in passages(name)}
    assert ("Section 4: 2019/20 performance", "4.1\u20134.2") in cited


@pytest.mark.parametrize(("line", "heading"), [
    ("5. Chronology 2018-2021", True),
    ("3. Events of 12 March 2020", True),
    ("Section 4: 2019/20 performance", True),
    ("4.2 Contact between 1 January 2018 and 31 March 2021", True),
    ("Part 2 - 2019/20 and 2020/21", True),
    ("7. 12 March 2020", True),  # a numbered chronology heading that is a date
    ("Total 586.1 621.6", False),  # a totals row
    ("Total 2019/20 586.1 621.6", False),  # a totals row for a year: the figures still count
    ("4.2 586.1 621.6", False),  # a row's figures after a number are figures
    ("Total Earmarked Reserves -314.6 26.9 -287.7", False),
    ("Referrals 2019/20 212 230", False),
    ("Decision no: 24/00093", False),  # a reference is no date
    ("Wednesday, 22 January 2025", False),  # an unnumbered date alone: a dateline
    ("Telephone: 03000 414043", False),
])
def test_which_bold_lines_with_numbers_are_shaped_like_headings(line: str, heading: bool) -> None:
    assert heading_shaped(line) is heading
