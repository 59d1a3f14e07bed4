"""Real published council, Ofsted and DfE PDFs (../shared/real, not in the repo) read as a reader sees them."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from ingest.extract import extract
from ingest.passages import cut_passages
from ingest.structure import find_structure
from kb.models import Passage

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real"
TORBAY = "ofsted_torbay_childrens_services_inspection_2016.pdf"
KENT_QA = "cp_kent_council_questions_answers_2025-03-13.pdf"
INFO_SHARING = "gov_dfe_information_sharing_advice_safeguarding_2024.pdf"
KENT_MINUTES = "cp_kent_cabinet_minutes_2025-01-30.pdf"
KENT_AGENDA = "cp_kent_cabinet_agenda_frontsheet_2025-01-30.pdf"
BUDGET_ITEM = "88. 24/00108 - Revenue and Capital Budget Monitoring Report \u2013 November 2024-25"


@cache
def passages(name: str) -> tuple[Passage, ...]:
    path = REAL / name
    if not path.exists():
        pytest.skip(f"the real documents are not at {REAL} (they live in ../shared/real beside the repo)")
    return tuple(cut_passages(find_structure(extract(path).blocks)))


def test_torbay_contents_lines_are_not_headings_or_text() -> None:
    for p in passages(TORBAY):
        assert not re.search(r"\s\d{1,2}$", p.section or ""), p.section  # "Recommendations 35"
        assert "Summary for children and young people 9" not in p.text
        assert "Recommendations 7" not in p.text


def test_torbay_recommendations_kind_only_under_a_recommendations_heading() -> None:
    recs = [p for p in passages(TORBAY) if p.section_kind == "recommendations"]
    assert recs
    assert {p.section for p in recs} == {"Recommendations"}
    # pages 7-8: the local authority's recommendations; page 35: the LSCB's. Not the contents page's entry
    # "Recommendations 35", and not "Inspection findings – the Local Safeguarding Children Board" after them.
    assert {p.page for p in recs} == {7, 8, 35}
    assert any(p.text.startswith("1. The Chief Executive should") for p in recs)


def test_torbay_wrapped_cover_line_is_joined_and_the_cover_is_not_passages() -> None:
    blocks = extract(REAL / TORBAY).blocks if (REAL / TORBAY).exists() else pytest.skip("no real files")
    assert any("2. Children looked after and achieving permanence" in b.text for b in blocks)
    assert not any(b.text.startswith("permanence") for b in blocks)
    assert not any(p.page == 1 and p.section_kind != "footnote" for p in passages(TORBAY))


def test_torbay_footnotes_are_their_own_passages() -> None:
    notes = [p for p in passages(TORBAY) if p.section_kind == "footnote"]
    assert any(p.text.startswith("1 Ofsted produces this report") for p in notes)
    body = [p for p in passages(TORBAY) if p.section_kind != "footnote"]
    assert not any("Ofsted produces this report under its power" in p.text for p in body)
    assert not any("Local Safeguarding Children Board1" in p.text for p in passages(TORBAY))


def test_sentence_case_headings_in_bold_or_larger_print_open_sections() -> None:
    sections = {p.section for p in passages(TORBAY)}
    assert {"Previous Ofsted inspections", "Information about this inspection",
            "Inspection findings \u2013 the Local Safeguarding Children Board"} <= sections


def test_pages_left_blank_on_purpose_give_no_passages() -> None:
    assert not any("intentionally left blank" in p.text.lower() for p in passages(KENT_QA))


def test_a_contents_page_that_runs_over_two_pages_is_all_kept_out() -> None:
    for p in passages(INFO_SHARING):
        assert "Annex B: Useful resources and advice 27" not in p.text
        assert "Why consent is not usually the most appropriate lawful basis in a safeguarding context 10" \
            not in p.text


def test_a_page_all_in_small_print_has_no_footnotes() -> None:
    # the pack's covering letter is set smaller than the answers; its "6 Questions (Pages 1 - 18)" is an agenda line
    assert not any(p.section_kind == "footnote" for p in passages(KENT_QA))


def test_long_judgement_headings_in_larger_print_and_question_headings_open_sections() -> None:
    sections = {p.section for p in passages("ofsted_blackpool_ilacs_inspection_2023.pdf")}
    assert "What needs to improve?" in sections
    assert ("The experiences and progress of children who need help and protection: requires improvement "
            "to be good") in sections
    assert "What is this advice for?" in {p.section for p in passages(INFO_SHARING)}


def test_a_word_template_with_hand_formatted_headings_has_its_sections() -> None:
    path = REAL / "la_d2i_data_service_diagnostic_template_2024.docx"
    if not path.exists():
        pytest.skip(f"the real documents are not at {REAL}")
    found = list(cut_passages(find_structure(extract(path).blocks)))
    assert {"What is Data to Insight?", "What is this document?"} <= {p.section for p in found}
    assert not any(p.text.startswith("D2I Data Service Diagnostic: Template") for p in found)  # the cover


def test_a_recommendation_cut_by_a_page_break_mid_clause_is_one_passage() -> None:
    twelve = next(p for p in passages(TORBAY) if "routinely given to" in p.text)
    assert "routinely given to Fostering to Adopt arrangements and concurrent planning" in twelve.text
    assert twelve.page == 7 and twelve.section_kind == "recommendations"


def test_every_item_of_the_minutes_is_a_section_titled_as_printed() -> None:
    # the minutes number their items on from the last meeting (84-92); each title opens its item, however long,
    # whatever decision reference or date it carries, and the "(Item 5)" printed under it is neither title nor text
    found = passages(KENT_MINUTES)
    titles = [s for s in dict.fromkeys(p.section for p in found) if s and re.match(r"\d+\. ", s)]
    assert [int(t.split(".")[0]) for t in titles] == list(range(84, 93))
    assert BUDGET_ITEM in titles
    assert ("89. Draft Revenue Budget 2025-26, MTFP 2025-28, Draft Capital Programme 2025-35 and Treasury "
            "Management Strategy") in titles
    assert ("90. 24/00109 - Transfer the 18-25 section of the Strengthening Independence Service from the Children "
            "Young People and Education Directorate to the Adult Social Care and Health Directorate") in titles
    assert not any(re.search(r"\(Item \d+\)", p.text) for p in found)
    assert {p.section_kind for p in found if p.section in titles} == {"minutes_item", "resolutions"}


def test_the_budget_item_is_cited_under_its_own_title_with_its_own_paragraph_numbers() -> None:
    found = passages(KENT_MINUTES)
    report = next(p for p in found if "introduced the report which set out the revenue and capital" in p.text)
    assert report.section == BUDGET_ITEM and report.page == 9
    # the attendance line and paragraph 1, counted within the item: not "88–1", paragraph 88 of the item above
    assert report.paragraph.startswith("item 88, \u00b61")
    units = find_structure(extract(REAL / KENT_MINUTES).blocks)
    numbers = [u.number for u in units if u.heading == BUDGET_ITEM and u.number and u.number[0].isdigit()]
    assert numbers == ["1", "2", "3", "3(b)", "3(c)", "3(d)", "3(e)", "3(f)"]  # as printed ("A)" is no letter)
    assert {u.item for u in units if u.heading == BUDGET_ITEM} == {"88"}
    decision = next(p for p in found if p.text.startswith("3. RESOLVED that Cabinet agree to"))
    assert decision.section == BUDGET_ITEM and decision.paragraph.startswith("3")
    assert decision.section_kind == "resolutions"
    # the paragraphs of the next items are numbered from 1 again under their own titles, not under item 87
    transfer = [p for p in found if p.section.startswith("90. ")]
    assert [p.paragraph for p in transfer if p.paragraph[0].isdigit()] == ["2\u20133", "4", "5"]
    assert not any(p.section == "87. Cabinet Member Updates" and p.page > 9 for p in found)


def test_an_agenda_lists_its_items_as_text_not_as_sections() -> None:
    # "5. 24/00108 - Revenue ... (Pages 11 - 80)": an entry of the agenda, with the pages of its papers
    found = passages(KENT_AGENDA)
    assert any("5. 24/00108 - Revenue and Capital Budget Monitoring Report" in p.text for p in found)
    assert not any(p.section and p.section.startswith(("5. ", "9. ")) for p in found)
