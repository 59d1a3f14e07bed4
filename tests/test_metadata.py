"""Metadata: what the text says about a document, and a sidecar file that overrides it."""

import json
from pathlib import Path

import pytest

from ingest.blocks import Block, Extracted
from ingest.metadata import detect_metadata, load_sidecar
from kb.dates import parse_date
from kb.errors import ExtractionError


def doc(*texts: str, title_hint: str | None = None) -> Extracted:
    return Extracted([Block(t) for t in texts], title_hint=title_hint)


@pytest.mark.parametrize("text,iso", [
    ("06/07/2021", "2021-07-06"),
    ("Tuesday 6th July 2021 10:00am", "2021-07-06"),
    ("15th January 2018", "2018-01-15"),
    ("Report completed: March 2022", "2022-03"),
    ("2019", "2019"),
    ("2021-07", "2021-07"),
    ("31/02/2021", None),
    ("no date here", None),
])
def test_dates_as_uk_documents_print_them(text, iso):
    assert parse_date(text) == iso


def test_meeting_line_gives_body_date_and_type():
    meta = detect_metadata(Path("x.txt"), doc(
        "Issue - meetings", "Domestic Abuse",
        "Meeting: 06/07/2021 - Safeguarding Overview and Scrutiny Committee (Item 17)",
        "17 Domestic Abuse pdf icon PDF 246 KB", "Minutes:",
        "Staffordshire County Council and Stoke-on-Trent City Council jointly commission services in Staffordshire.",
    ))
    assert meta.title == "Domestic Abuse"
    assert meta.body == "Safeguarding Overview and Scrutiny Committee"
    assert meta.date == "2021-07-06"
    assert meta.doc_type == "committee_minutes"
    assert meta.area == "Staffordshire"


def test_cabinet_report_title_follows_the_meeting_line():
    meta = detect_metadata(Path("x.txt"), doc(
        "Cabinet Meeting on Wednesday 19 October 2022", "Recommissioning Domestic Abuse Services",
        "Report of the Director. Recommendations: I recommend that Cabinet agree. Kelsey Vale County Council.",
    ))
    assert (meta.title, meta.body, meta.date, meta.doc_type) == (
        "Recommissioning Domestic Abuse Services", "Cabinet", "2022-10-19", "committee_report")
    assert meta.area == "Kelsey Vale"


def test_dhr_overview_report_title_body_and_date():
    meta = detect_metadata(Path("x.pdf"), doc(
        "FICTIONAL SAMPLE DOCUMENT", "Northbridge Community Safety Partnership", "Domestic Homicide Review",
        "Overview Report into the death of 'Anna'", "Report completed: March 2022",
        "1. Introduction", "1.1 This review was commissioned by the Northbridge Community Safety Partnership.",
        "2. Terms of Reference",
    ))
    assert meta.doc_type == "dhr_overview_report"
    assert meta.title == "Domestic Homicide Review: Overview Report into the death of 'Anna'"
    assert meta.body == "Northbridge Community Safety Partnership"
    assert meta.area == "Northbridge"
    assert meta.date == "2022-03"
    assert meta.year == 2022


def test_sidecar_overrides_detection_and_keeps_extra_keys(tmp_path):
    path = tmp_path / "report.pdf"
    (tmp_path / "report.pdf.meta.json").write_text(json.dumps(
        {"title": "DHR Anna", "area": "Westshire", "date": "2020-05-01", "type": "dhr_executive_summary",
         "url": "https://example.org/dhr-anna.pdf", "review_kind": "intimate_partner_homicide"}))
    meta = detect_metadata(path, doc("Some Committee - 1 January 2019", "Text."), load_sidecar(path))
    assert (meta.title, meta.area, meta.date, meta.doc_type, meta.url) == (
        "DHR Anna", "Westshire", "2020-05-01", "dhr_executive_summary", "https://example.org/dhr-anna.pdf")
    assert meta.extra.pop("provenance") == {
        "title": "sidecar", "body": "detected", "area": "sidecar", "date": "sidecar", "type": "sidecar"}
    assert meta.extra == {"review_kind": "intimate_partner_homicide"}


def test_a_broken_sidecar_is_reported_by_name(tmp_path):
    path = tmp_path / "report.pdf"
    (tmp_path / "report.meta.json").write_text("{not json")
    with pytest.raises(ExtractionError, match="report.meta.json"):
        load_sidecar(path)


def test_a_sidecar_with_an_unknown_type_is_refused(tmp_path):
    path = tmp_path / "a.txt"
    with pytest.raises(ExtractionError, match="not one of"):
        detect_metadata(path, doc("Text."), {"type": "memo"})


GUIDANCE = ("Information Sharing", "Advice for practitioners providing safeguarding services", "May 2024",
            "This is non-statutory guidance for practitioners who share information about children at risk.")


def guidance(author: str | None) -> Extracted:
    return Extracted([Block(t) for t in GUIDANCE], author_hint=author)


def test_a_department_named_only_in_the_files_author_property_publishes_its_guidance():
    meta = detect_metadata(Path("advice.pdf"), guidance("Department for Education"))
    assert (meta.doc_type, meta.body) == ("guidance", "Department for Education")


def test_a_person_as_the_files_author_is_no_publisher():
    assert detect_metadata(Path("advice.pdf"), guidance("Jane Smith")).body is None


def test_a_review_written_on_a_home_office_template_is_not_published_by_the_home_office():
    review = Extracted([Block(t) for t in (
        "Domestic Homicide Review", "Overview Report", "Into the death of 'Anna'", "Northbridge Community Safety "
        "Partnership", "March 2022")], author_hint="Home Office")
    meta = detect_metadata(Path("dhr.pdf"), review)
    assert meta.doc_type.startswith("dhr_") and meta.body != "Home Office"
