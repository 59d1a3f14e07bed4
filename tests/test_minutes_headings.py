"""Minutes items and the headings around them: items numbered without a full stop ("45 Apologies"), and the
meeting's business after its last item ("EXEMPT ITEMS", "Date of next meeting"), which is cited without that
item's number.

The PDF is fictional, built by tests/fixtures/headings/make_headings.py (python-docx, then LibreOffice's PDF
export); the other documents are plain text as a council's web page or a text export gives it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.extract import extract
from ingest.passages import cut_passages
from ingest.structure import Unit, find_structure
from ingest.text import blocks_from_text

HERE = Path(__file__).resolve().parent / "fixtures" / "headings"


def read_text(text: str) -> list[Unit]:
    return find_structure(blocks_from_text(text, markdown=False))


def items_by_heading(units: list[Unit]) -> dict[str | None, str | None]:
    return {u.heading: u.item for u in units}


def test_items_numbered_without_a_full_stop_are_items_in_a_word_made_pdf() -> None:
    units = find_structure(extract(HERE / "minutes_unstopped_items.pdf").blocks)
    items = items_by_heading(units)
    assert items["45 Apologies"] == "45"
    assert items["46 Declarations of Interest"] == "46"
    assert items["48 Domestic Homicide Review Ruth"] == "48"
    assert items["49 Work Programme"] == "49"
    cited = {(p.section, p.paragraph, p.section_kind) for p in cut_passages(units)}
    assert ("45 Apologies", "item 45, \u00b61", "minutes_item") in cited
    # the figures under item 48 stay in its text, not items of their own
    assert [u.item for u in units if u.text.startswith(("Referrals 212", "Repeat cases 64"))] == ["48", "48"]


def test_the_meetings_business_after_its_last_item_is_not_cited_as_that_item() -> None:
    units = find_structure(extract(HERE / "minutes_unstopped_items.pdf").blocks)
    items = items_by_heading(units)
    assert items["EXEMPT ITEMS"] is None
    assert items["Date of next meeting"] is None
    cited = {p.section: p.paragraph for p in cut_passages(units)}
    # counted among the document's paragraphs again (the twelfth and thirteenth), not as the item's or from 1
    assert (cited["EXEMPT ITEMS"], cited["Date of next meeting"]) == ("\u00b612", "\u00b613")


MINUTES_WITH_REFS = """\
91. 24/00115 - Integrated Care Strategy Delivery Plan

(Item 8)

1. The Cabinet Member introduced the report. Members asked about the timetable.

2. RESOLVED that the delivery plan be agreed.

92. 24/00096 - Commissioning Plan for Education Provision

(Item 9)

1. The Cabinet Member introduced the report and the plan was discussed.

{closing}

{after}
"""


@pytest.mark.parametrize(("closing", "after"), [
    ("EXEMPT ITEMS", "There were no items of exempt business."),
    ("Part 2 \u2013 exempt business", "The committee resolved to exclude the press and public for the next item."),
    ("Exclusion of the Press and Public", "There was no exempt business."),
    ("Date of next meeting", "The next meeting will be held on 27 March 2025 at 10.00 am."),
    ("Date of Next Meeting", "Thursday 27 March 2025 at 10.00 am in the Council Chamber."),
    ("ITEMS TAKEN IN PRIVATE", "None."),
])
def test_a_closing_heading_after_the_last_item_ends_it(closing: str, after: str) -> None:
    units = read_text(MINUTES_WITH_REFS.format(closing=closing, after=after))
    last = next(u for u in units if u.text == after)
    assert (last.heading, last.item) == (closing, None)
    assert last.kind != "minutes_item"
    assert next(u for u in units if u.text.startswith("1. The Cabinet Member introduced the report and")).item == "92"


def test_a_heading_in_capitals_inside_an_items_report_keeps_the_item() -> None:
    text = MINUTES_WITH_REFS.format(closing="FINANCIAL IMPLICATIONS", after="The plan is funded from the grant.")
    last = next(u for u in read_text(text) if u.text == "The plan is funded from the grant.")
    assert (last.heading, last.item) == ("FINANCIAL IMPLICATIONS", "92")


UNSTOPPED_MINUTES = """\
MINUTES of the Safer Communities Panel held on 14 November 2023

45 Apologies

Apologies were received from Councillor Grant.

46 Declarations of Interest

There were none.

47 Domestic Abuse Strategy Update

The Community Safety Manager presented the update. Members noted the increase in referrals.

Referrals 212 230

Repeat cases 64 71

RESOLVED: That the update be noted.

48 Work Programme

The work programme was agreed.

Date of next meeting

16 January 2024 at 6.30 pm.
"""


def test_items_numbered_without_a_full_stop_are_items_in_text() -> None:
    units = read_text(UNSTOPPED_MINUTES)
    by_text = {u.text: u for u in units}
    assert by_text["Apologies were received from Councillor Grant."].item == "45"
    assert by_text["There were none."].item == "46"
    assert by_text["Referrals 212 230"].item == "47"
    assert by_text["RESOLVED: That the update be noted."].item == "47"
    assert by_text["The work programme was agreed."].item == "48"
    assert by_text["16 January 2024 at 6.30 pm."].item is None


@pytest.mark.parametrize("text", [
    # a report numbering its sections without a full stop: sections, not items of a meeting
    "1 Introduction\n\nThis review examines the death of Ruth.\n\n2 Background\n\nRuth lived in Ashcombe.\n\n"
    "3 Terms of Reference\n\nThe panel agreed its terms of reference.\n",
    # a list of figures: no prose between the lines
    "RESOLVED: That the figures be noted.\n\n12 Referrals\n\n13 Repeat Cases\n\n14 Closed Cases\n",
    # addresses, one after another
    "The refuges are at:\n\n12 High Street\n\n13 High Street\n\nRESOLVED: That the list be noted.\n",
    # numbers that do not go up by one
    "Apologies\n\n45 Apologies\n\nNone were received.\n\n52 Work Programme\n\nThe programme was agreed.\n",
])
def test_lines_shaped_like_unstopped_items_that_are_not_minutes_items(text: str) -> None:
    assert all(u.item is None for u in read_text(text))


def test_a_report_numbered_without_full_stops_keeps_its_section_kinds() -> None:
    units = read_text("1 Introduction\n\nThis review examines the death of Ruth.\n\n2 Recommendations\n\n"
                      "The police should review their training.\n")
    assert [(u.heading, u.kind, u.item) for u in units] == [
        ("1 Introduction", "introduction", None), ("2 Recommendations", "recommendations", None)]
