"""Metadata read from a document's cover as a reader reads it: title, area, date and type."""

from __future__ import annotations

from pathlib import Path

from ingest.blocks import Block, Extracted
from ingest.metadata import detect_metadata


def pdf(*lines: tuple[str, float] | str, title_hint: str | None = None, body: list[str] | None = None) -> Extracted:
    """A PDF-like document: cover lines on page 1 (text, or (text, font size)), then body paragraphs on page 2."""
    blocks = [Block(t, page=1, size=11.0) if isinstance(t, str) else Block(t[0], page=1, size=t[1]) for t in lines]
    text = body or ["1.1 " + "The partnership reviewed the services provided to the family over two years. " * 6]
    blocks += [Block(t, page=2, size=11.0) for t in text]
    return Extracted(blocks, page_count=2, title_hint=title_hint)


def words(*lines: str, title_hint: str | None = None) -> Extracted:
    """A document without pages or sizes (Word, HTML, text)."""
    return Extracted([Block(t) for t in lines], title_hint=title_hint)


def test_the_largest_text_on_the_cover_is_the_title_not_the_template_name_in_the_properties() -> None:
    meta = detect_metadata(Path("x.pdf"), pdf(
        ("Westshire County Council", 12), ("Domestic Abuse Strategy", 28), ("2024 to 2027", 20),
        "Published: 4 March 2024", title_hint="Torbay - full report template -"))
    assert meta.title == "Domestic Abuse Strategy"
    assert meta.date == "2024-03-04"


def test_a_template_name_in_the_properties_is_never_the_title() -> None:
    meta = detect_metadata(Path("x.docx"), words(
        "AGENDA", "CABINET", "Thursday, 30th January, 2025, at 10.00 am", "1. Apologies", title_hint="Agenda Template"))
    assert "template" not in meta.title.lower()
    hint = "EQIA Submission Draft Working Template"
    meta = detect_metadata(Path("x.pdf"), pdf("some text in the body size only", title_hint=hint))
    assert "template" not in meta.title.lower()


def test_a_byline_is_never_the_title() -> None:
    meta = detect_metadata(Path("x.pdf"), pdf(
        "From: Sarah Hammond, Corporate Director of Children, Young People and Education",
        "To: Cabinet Member for Integrated Children's Services",
        "Subject: Recommissioning of domestic abuse support services",
        "Classification: Unrestricted"))
    assert meta.title == "Recommissioning of domestic abuse support services"
    assert meta.doc_type == "committee_report"
    meta = detect_metadata(Path("x.docx"), words(
        "By: Anna Taylor, Scrutiny Research Officer", "Domestic abuse services in Westshire: a scrutiny review",
        "1. Introduction", "1.1 The committee asked for a review of the services available to victims."))
    assert meta.title == "Domestic abuse services in Westshire: a scrutiny review"


def test_a_letters_addressee_is_never_the_title() -> None:
    meta = detect_metadata(Path("x.docx"), words(
        "Daniel Ruaux", "Chair, Westshire Community Safety Partnership", "County Hall", "Westshire", "WS1 2AB",
        "Dear Daniel,", "Re: Domestic Homicide Review (Adult A) for Westshire",
        "Thank you for submitting the report to the Home Office Quality Assurance Panel.",
        title_hint="Daniel Ruaux"))
    assert meta.title == "Domestic Homicide Review (Adult A) for Westshire"


def test_a_running_header_is_never_the_title() -> None:
    meta = detect_metadata(Path("x.docx"), words(
        "Lake Market Research | www.lakemarketresearch.co.uk", "Community Safety Survey 2023: Findings",
        "Summary of findings from a survey of residents."))
    assert meta.title == "Community Safety Survey 2023: Findings"
    assert (meta.doc_type, meta.area) == ("research", None)


def test_a_county_papers_area_is_the_county_not_a_district_it_mentions() -> None:
    body = ["Swale Borough Council and the Swale Community Safety Partnership are partners. " * 3,
            "Services in Swale and Thanet are provided from Sheppey. Swale Borough Council agrees. " * 2]
    meta = detect_metadata(Path("x.pdf"), pdf(("KENT COUNTY COUNCIL", 12), ("Family Hub Contracts", 20),
                                              "To: Cabinet - 30 January 2025", body=body))
    assert (meta.area, meta.body) == ("Kent", "Kent County Council")


def test_capitalised_words_before_council_are_not_areas() -> None:
    meta = detect_metadata(Path("x.docx"), words(
        "Annual report", "Income The Council receives grants. The General Medical Council and the Children in Care "
        "Council were consulted; so was the Young People and Learning West Sussex team."))
    assert meta.area in (None, "West Sussex")
    assert meta.area not in ("Income The", "General Medical", "Children in Care")


def test_a_national_document_has_no_area_even_when_it_names_councils() -> None:
    meta = detect_metadata(Path("x.pdf"), pdf(
        ("Working with victims", 40), ("Statutory guidance for local partnerships", 22), ("May 2024", 20),
        body=["Kent County Council and Leeds City Council shared their practice with the Department for Education.",
              "\u00a9 Crown copyright 2024. Published by the Department for Education."]))
    assert (meta.doc_type, meta.area, meta.body, meta.date) == ("guidance", None, "Department for Education", "2024-05")


def test_an_inspection_of_a_councils_services_has_that_councils_area() -> None:
    meta = detect_metadata(Path("x.pdf"), pdf(
        ("Inspection of Westshire local authority children's services", 26),
        "Inspection dates: 5 to 16 December 2022", "Lead inspector: A Person, His Majesty's Inspector",
        body=["1. Leeds City Council was mentioned once as a comparison by Ofsted. " * 2]))
    assert meta.doc_type == "inspection_report"
    assert meta.title == "Inspection of Westshire local authority children's services"
    meta = detect_metadata(Path("x.pdf"), pdf(
        ("Torbay", 26), ("Inspection of services for children in need of help and protection", 14),
        "Inspection date: 12 October 2015 \u2013 5 November 2015", "Report published: 5 January 2016"))
    assert (meta.area, meta.date, meta.doc_type) == ("Torbay", "2016-01-05", "inspection_report")
    assert meta.title == "Torbay: Inspection of services for children in need of help and protection"


def test_the_meetings_date_beats_dates_of_other_meetings_and_events() -> None:
    meta = detect_metadata(Path("x.pdf"), pdf(
        ("CABINET", 15), "MINUTES of a meeting of the Cabinet held at County Hall on Thursday, 30 January 2025.",
        "(a) At the Scrutiny Committee held on 29th January 2025, Members considered the call-in.",
        "86. Minutes of the Meeting held on 9th January 2025"))
    assert meta.date == "2025-01-30"
    assert meta.doc_type == "committee_minutes"
    assert meta.title == "Cabinet minutes, 30 January 2025"


def test_a_date_in_a_sentence_about_an_event_is_not_the_documents_date() -> None:
    meta = detect_metadata(Path("x.pdf"), pdf(
        "Subject: Commissioned Family Hub Contracts",
        "Summary: the current contracts come to an end on 31 March 2025 and a consultation ran from 30 July 2024 "
        "to 22 September 2024, after the decision taken in November 2023 by the Cabinet Member."))
    assert meta.date is None
    assert meta.extra["provenance"]["date"] == "missing"


def test_a_safeguarding_adult_review_and_research_are_told_apart() -> None:
    sar = detect_metadata(Path("x.docx"), words(
        "Westshire Safeguarding Adults Board", "Safeguarding Adults Review: 'Joan'", "Overview report",
        "1. Introduction"))
    assert (sar.doc_type, sar.area) == ("safeguarding_adult_review", "Westshire") or sar.doc_type == (
        "safeguarding_adult_review")
    research = detect_metadata(Path("x.docx"), words(
        "Research report: the experiences of older victims of domestic abuse", "University of Westshire",
        "Summary", "Kent and Leeds took part."))
    assert (research.doc_type, research.area) == ("research", None)


def test_provenance_says_where_every_field_came_from() -> None:
    meta = detect_metadata(Path("x.docx"), words("Some notes", "Nothing else."), {"area": "Kent"}, {"title": "Given"})
    assert meta.extra["provenance"] == {
        "title": "manifest", "body": "missing", "area": "sidecar", "date": "missing", "type": "detected"}


def test_contact_addresses_name_the_council_when_the_cover_does_not() -> None:
    meta = detect_metadata(Path("x.docx"), words(
        "Report to: Overview and Scrutiny Committee", "Date of meeting: 14 June 2022",
        "Title: Domestic abuse support services", "1. Summary",
        "1.1 Services are provided across the borough with the Swale Community Safety Partnership.",
        "Contact: Jo Bloggs, jo.bloggs@kent.gov.uk; Sam Smith, sam.smith@kent.gov.uk"))
    assert (meta.title, meta.date, meta.area, meta.body) == (
        "Domestic abuse support services", "2022-06-14", "Kent", "Kent County Council")
    assert meta.doc_type == "committee_report"


def test_a_safeguarding_adult_reviews_body_is_its_board() -> None:
    meta = detect_metadata(Path("x.pdf"), pdf(
        ("Kent Safeguarding Adults Board", 16), ("Safeguarding Adults Review", 28), ("'Joan'", 20),
        "Published: 12 May 2023",
        body=["1.1 Kent Safeguarding Adults Board commissioned this review with the Kent Community Safety "
              "Partnership, and Kent County Council took part."]))
    assert (meta.doc_type, meta.area) == ("safeguarding_adult_review", "Kent")
    assert meta.title == "Safeguarding Adults Review - 'Joan'"
    assert meta.body == "Kent Safeguarding Adults Board"


def test_a_letter_is_cited_by_its_sender_and_date_not_its_addressee() -> None:
    meta = detect_metadata(Path("x.pdf"), pdf(
        "Home Office", "Public Protection Unit", "2 Marsham Street", "London SW1P 4DF",
        "Daniel Ruaux", "Chair, Safer Westshire Partnership", "Town Hall", "Westshire WS1 1AA", "15 June 2022",
        "Dear Daniel,",
        "Thank you for resubmitting the Domestic Homicide Review (DHR) report (Anna) for Westshire to the Home "
        "Office Quality Assurance (QA) Panel. The overview report was reconsidered at the panel in May 2022.",
        title_hint="Daniel Ruaux"))
    assert meta.title == "Home Office letter, 15 June 2022"
    assert (meta.doc_type, meta.date) == ("other", "2022-06-15")


def test_the_seed_committee_papers_keep_their_county(seeds_dir: Path) -> None:
    """Staffordshire papers that work with Stoke-on-Trent, and a Worcestershire panel that hears West Mercia Police."""
    from ingest.extract import extract

    areas = {p.name[:3]: detect_metadata(p, extract(p)).area for p in sorted(seeds_dir.glob("*.txt"))}
    assert areas == {"000": "Staffordshire", "001": "Staffordshire", "002": "Staffordshire",
                     "003": "Worcestershire", "004": "Staffordshire"}


def test_an_acronym_the_text_defines_counts_for_its_council() -> None:
    meta = detect_metadata(Path("x.docx"), words(
        "Annual report of the domestic abuse service", "Summary",
        "West Sussex County Council (WSCC) funds the service. Crawley Borough Council hosts one of its hubs. "
        "WSCC reviewed it. WSCC extended it. WSCC published the results."))
    assert meta.area == "West Sussex"


def test_a_councils_name_set_large_is_the_publisher_not_the_title() -> None:
    meta = detect_metadata(Path("x.pdf"), pdf(
        ("KENT COUNTY COUNCIL", 30), ("Domestic Abuse Strategy", 24), "Published: 1 April 2024"))
    assert (meta.title, meta.area, meta.body) == ("Domestic Abuse Strategy", "Kent", "Kent County Council")


def test_a_title_in_capitals_reads_in_title_case_keeping_its_acronyms() -> None:
    meta = detect_metadata(Path("x.pdf"), pdf(("KENT AND MEDWAY DHR ANNUAL REPORT 2023", 26), "Published: May 2024"))
    assert meta.title == "Kent and Medway DHR Annual Report 2023"


def test_an_agenda_item_number_set_large_is_not_the_title() -> None:
    meta = detect_metadata(Path("x.pdf"), pdf(
        ("Agenda Item 7", 28), ("Appendix 2", 20), ("Domestic Abuse Safe Accommodation Strategy", 18),
        "Report to: Cabinet", "Date of meeting: 8 February 2023"))
    assert (meta.title, meta.date) == ("Domestic Abuse Safe Accommodation Strategy", "2023-02-08")
