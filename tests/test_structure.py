"""Structure: headings open sections, printed numbers are kept, minutes items are recognised."""

from ingest.blocks import Block
from ingest.structure import find_structure
from kb.sections import classify_heading


def blocks(*texts: str, page: int | None = None) -> list[Block]:
    return [Block(t, page) for t in texts]


def test_numbered_headings_open_sections_and_paragraph_numbers_are_kept():
    units = find_structure(blocks(
        "4. Analysis",
        "4.1 The GP saw Anna on 3 March 2020 and did not ask about abuse at home.",
        "4.2 The police attended twice.",
        "6. Lessons Learned",
        "6.1 Professionals must ask directly about domestic abuse.",
    ))
    assert [(u.number, u.heading, u.kind) for u in units] == [
        ("4.1", "4. Analysis", "analysis"),
        ("4.2", "4. Analysis", "analysis"),
        ("6.1", "6. Lessons Learned", "lessons"),
    ]
    assert units[0].section_id == units[1].section_id != units[2].section_id


def test_a_numbered_sentence_is_a_paragraph_not_a_heading():
    units = find_structure(blocks("5. Findings", "5.2.1 The GP was not told about the assault"))
    assert units[0].number == "5.2.1"
    assert units[0].heading == "5. Findings"


def test_subheadings_keep_the_kind_of_their_parent_section():
    units = find_structure(blocks("8. Recommendations", "8.1 Police", "8.1.1 Recommendation 1: Police should do X."))
    assert units[0].kind == "recommendations"
    assert units[0].heading == "8.1 Police"


def test_minutes_items_number_their_paragraphs():
    units = find_structure(blocks(
        "17.", "Domestic Abuse pdf icon PDF 246 KB", "Additional documents:", "Minutes:",
        "Members heard about the contract.", "RESOLVED: That the report be noted.",
        "18.", "Work Programme", "The Committee noted the programme.",
    ))
    assert [(u.item, u.heading, u.counted) for u in units] == [
        ("17", "17. Domestic Abuse", 1),
        ("17", "17. Domestic Abuse", 2),
        ("18", "18. Work Programme", 1),
    ]
    assert units[0].kind == "minutes_item"


def test_issue_page_item_number_comes_from_the_meeting_line_or_icon_heading():
    units = find_structure(blocks(
        "Meeting: 06/07/2021 - Safeguarding Overview and Scrutiny Committee (Item 17)",
        "17 Domestic Abuse pdf icon PDF 246 KB",
        "Members heard about the contract.",
    ))
    assert units[0].item == "17"
    assert units[0].heading == "17. Domestic Abuse"


def test_recommendations_and_lettered_items_are_numbered_as_printed():
    units = find_structure(blocks(
        "Recommendations",
        "Recommendation 3 (Police): Officers should complete a DASH risk assessment.",
        "16. A review is held when:",
        "a. a person to whom they were related, or",
    ))
    assert [u.number for u in units] == ["Recommendation 3", "16", "16(a)"]


def test_pages_are_carried_from_blocks():
    units = find_structure([Block("1. Introduction", 1), Block("1.1 Text here.", 2)])
    assert units[0].page == 2


def test_heading_kinds_cover_the_parts_of_a_dhr():
    assert classify_heading("2. Terms of Reference") == "terms_of_reference"
    assert classify_heading("3 Summary Chronology") == "chronology"
    assert classify_heading("Lessons to be Learned") == "lessons"
    assert classify_heading("7. Conclusions") == "conclusions"
    assert classify_heading("Reasons for Recommendations") == "background"
    assert classify_heading("Single Agency Recommendations") == "recommendations"
    assert classify_heading("Appendix A: Action Plan") == "action_plan"
    assert classify_heading("Agenda") is None


def test_notes_at_the_foot_of_the_page_are_not_counted_as_paragraphs_of_the_text():
    # a reader counting the paragraphs of a page skips its footnotes: the paragraph after two notes is the
    # text's second paragraph, cited ¶2, not ¶4; an unnumbered note is cited as a note, not as a paragraph
    units = find_structure([
        Block("The panel met six times.", 3),
        Block("1 Home Office (2016) Multi-agency statutory guidance.", 3, role="footnote"),
        Block("* Figures are rounded.", 3, role="footnote"),
        Block("The chair thanks the family.", 4),
        Block("Figures were checked by the partnership.", 4, role="footnote"),
    ])
    assert [(u.number, u.counted) for u in units] == [(None, 1), ("note 1", 1), ("note *", 1), (None, 2), ("note", 2)]


def test_a_title_case_line_between_a_finished_paragraph_and_a_numbered_one_is_its_heading():
    # a committee report saved as text: nothing but its place marks "Legal Implications" as a heading
    units = find_structure(blocks(
        "Reasons for Recommendations:",
        "14. The committee noted that funding levels have not increased since the contract began.",
        "Legal Implications",
        "15. It is proposed that agreements will be drawn up and signed by all parties.",
        "Resource and Value for Money Implications",
        "16. The funding will provide services solely within the local authority footprint.",
    ))
    assert [(u.number, u.heading) for u in units] == [
        ("14", "Reasons for Recommendations:"),
        ("15", "Legal Implications"),
        ("16", "Resource and Value for Money Implications"),
    ]


def test_a_title_case_line_is_no_heading_after_a_list_item_before_figures_or_before_a_heading():
    units = find_structure(blocks(
        "The sessions on offer include:",
        "Baby Massage",
        "Stay and Play",
        "4.5 In relation to Seashells the provision would move to the Gateway.",
        "The real variance is due to the Isle of Sheppey scheme.",
        "Kent Thameside Programme",
        "2.380 3.1 -0.7",
        "Note: This should be the Head of Service who will approve the assessment.",
        "Dan Bride Director of Youth Justice",
        "6. Director of Service",
    ))
    texts_read = [u.text for u in units]
    assert {"Stay and Play", "Kent Thameside Programme", "Dan Bride Director of Youth Justice"} <= set(texts_read)


def test_a_bulleted_item_is_a_heading_only_in_heading_print():
    units = find_structure([
        Block("The mapping covers these areas."),
        Block("Data analysis", list_item=True),
        Block("The analysts report to the head of service each month."),
        Block("Data analysis", type_level=2, list_item=True),
        Block("The analysts report to the head of service each month."),
    ])
    assert [(u.text, u.heading) for u in units] == [
        ("The mapping covers these areas.", None),
        ("Data analysis", None),
        ("The analysts report to the head of service each month.", None),
        ("The analysts report to the head of service each month.", "Data analysis"),
    ]


BUDGET = "88. 24/00108 - Revenue and Capital Budget Monitoring Report \u2013 November 2024-25"
DRAFT_BUDGET = ("89. Draft Revenue Budget 2025-26, MTFP 2025-28, Draft Capital Programme 2025-35 and Treasury "
                "Management Strategy")


def test_minutes_items_numbered_on_from_the_last_meeting_open_their_sections():
    # a long title, a decision reference or a date in it: still the item's title, not paragraph 88 of the item above
    units = find_structure(blocks(
        "87. Cabinet Member Updates", "(Item 4)",
        "1. Mr Gough, Leader of the Council, provided an update.",
        "2. Mr Watkins provided an update on adult social care.",
        BUDGET, "(Item 5)",
        "John Betts (Interim Corporate Director Finance) was in attendance for this item",
        "1. Mr Oakford introduced the report.",
        "2. Mr Watkins highlighted the challenges within the Adults Directorate.",
        "3. RESOLVED that Cabinet agree to:",
        "a) Note the forecast revenue overspend.",
        DRAFT_BUDGET, "(Item 6)",
        "1. Mr Oakford introduced the report.",
    ))
    assert [(u.heading.split(" ")[0], u.item, u.number) for u in units] == [
        ("87.", "87", "1"), ("87.", "87", "2"),
        ("88.", "88", None), ("88.", "88", "1"), ("88.", "88", "2"), ("88.", "88", "3"), ("88.", "88", "3(a)"),
        ("89.", "89", "1"),
    ]
    assert units[2].heading == BUDGET  # the agenda reference "(Item 5)" is neither the title nor text
    assert not any("(Item" in u.text for u in units)
    assert units[2].kind == "minutes_item"
    assert [u.kind for u in units[5:7]] == ["resolutions", "resolutions"]  # "3. RESOLVED": the item's decision


def test_a_minutes_item_without_its_agenda_reference_is_found_by_its_number():
    # the next item's number follows the last item's, and is not the next number of the paragraphs under it
    units = find_structure(blocks(
        "87. Cabinet Member Updates", "(Item 4)",
        "1. Mr Gough, Leader of the Council, provided an update.",
        "2. Mr Watkins provided an update on adult social care.",
        "88. Revenue and Capital Budget Monitoring Report for November 2024-25 and the Forecast for the Year",
        "1. Mr Oakford introduced the report.",
        DRAFT_BUDGET,
        "1. Mr Oakford introduced the report.",
        "2. The Leader advised that the Council would make representations.",
    ))
    assert [(u.heading[:3], u.item, u.number) for u in units[2:]] == [
        ("88.", "88", "1"), ("89.", "89", "1"), ("89.", "89", "2"),
    ]


def test_a_long_numbered_title_after_a_numbered_section_opens_the_next_one():
    # no mark of minutes (agenda reference, decision reference): the next section, not an item
    for under in (["1. Mr Gough provided an update.", "2. Mr Love provided an update."],  # numbered from 1 again
                  ["4.1 The GP saw Anna twice.", "4.2 The police attended once."],  # in the heading's series
                  ["Members heard about the contract."]):  # not numbered
        units = find_structure(blocks(
            "4. Cabinet Member Updates", *under,
            "5. Revenue and Capital Budget Monitoring Report for November 2024-25 and the Forecast for the Year",
            "Members noted the report.",
        ))
        assert (units[-1].heading[:3], units[-1].item, units[-1].number) == ("5. ", None, None), under
    # a numbered sentence, and a paragraph numbered next in the series under the heading, are paragraphs
    units = find_structure(blocks(
        "4. Analysis", "Members heard about the contract.", "5. The GP did not refer Anna to MARAC in 2019 or 2020",
        "Her sister told the police.", "6. Lessons", "1. Agencies should share information.",
        "2. Practitioners should ask about abuse at home in every contact during 2025",
    ))
    assert [(u.heading, u.number) for u in units] == [
        ("4. Analysis", None), ("4. Analysis", "5"), ("4. Analysis", None), ("6. Lessons", "1"), ("6. Lessons", "2")]


def test_an_agenda_reference_the_reader_joined_to_the_title_or_the_text_is_cut_off():
    for joined in (
        [f"{BUDGET} (Item 5) John Betts was in attendance for this item"],
        [BUDGET, "(Item 5) John Betts was in attendance for this item"],
        ["88.", BUDGET[4:], "(Item 5)", "John Betts was in attendance for this item"],
    ):
        units = find_structure(blocks("87. Cabinet Member Updates", "1. Mr Gough provided an update.", *joined))
        assert [(u.heading, u.item, u.text) for u in units[1:]] == [
            (BUDGET, "88", "John Betts was in attendance for this item")], joined


def test_numbered_lines_that_are_not_minutes_items_stay_as_they_were():
    # the next paragraph of the item, however title-like; an agenda's list of items (with their pages)
    units = find_structure(blocks(
        "87. Cabinet Member Updates", "(Item 4)",
        "1. Mr Gough provided an update.", "2. Mr Love provided an update.",
        "3. Consultations on the Draft Revenue Budget 2025-26 and the MTFP 2025-28",
    ))
    assert [(u.heading, u.number) for u in units] == [("87. Cabinet Member Updates", n) for n in ("1", "2", "3")]
    agenda = find_structure(blocks(
        "UNRESTRICTED ITEMS",
        "4. Cabinet Member Updates",
        "5. 24/00108 - Revenue and Capital Budget Monitoring Report \u2013 November 2024-25 (Pages 11 - 80)",
        "6. Draft Revenue Budget 2025-26, MTFP 2025-28 and Treasury Management Strategy (Pages 81 - 300)",
    ))
    assert all(u.item is None for u in agenda)
    assert any(u.text.startswith("5. 24/00108") for u in agenda)


def test_a_report_under_an_item_title_keeps_its_own_numbered_sections():
    # item 7 of a web page holds a report numbered 1-8: its "8. Background Papers" is not minutes item 8
    units = find_structure(blocks(
        "Meeting: 08/02/2023 - Cabinet (Item 7)",
        "7 Domestic Abuse Safe Accommodation Strategy pdf icon PDF 356 KB",
        "1. Purpose of the Report", "1.1 To seek Cabinet approval of the Strategy.",
        "7. Equality Implications", "7.1 An Equality Impact Assessment has been completed.",
        "8. Background Papers", "8.1 Domestic Abuse Safe Accommodation Needs Assessment, October 2022.",
    ))
    assert [(u.heading, u.item, u.kind) for u in units][-1] == ("8. Background Papers", "7", "background")
