"""Citations let a reader find the words: body, area, title, type, date, page and paragraph."""

from kb.citation import cite, cite_sources, format_date
from kb.models import Excerpt, Source, passage_id_for


def source(**kw) -> Source:
    base = dict(
        doc_id="d1",
        path="/c/a.pdf",
        title="DHR Overview Report into the death of Anna",
        body="Northbridge Community Safety Partnership",
        area="Northbridge",
        date="2022-03-14",
        type="dhr_overview_report",
        url=None,
        page=14,
        paragraph="4.2.1",
        section="4. Analysis",
    )
    base.update(kw)
    return Source(**base)


def test_a_report_citation_names_body_title_type_date_page_and_paragraph():
    assert cite(source()) == (
        "Northbridge Community Safety Partnership, \u201cDHR Overview Report into the death of Anna\u201d, "
        "DHR overview report, 14 March 2022, p. 14, para 4.2.1"
    )


def test_a_minutes_citation_names_committee_area_meeting_date_and_item():
    text = cite(
        source(
            body="Safeguarding Overview and Scrutiny Committee",
            area="Staffordshire",
            title="Domestic Abuse",
            type="committee_minutes",
            date="2021-07-06",
            page=None,
            paragraph="item 17, \u00b63",
        )
    )
    assert text == (
        "Safeguarding Overview and Scrutiny Committee (Staffordshire), \u201cDomestic Abuse\u201d, minutes, "
        "6 July 2021, item 17, \u00b63"
    )


def test_the_same_text_in_two_documents_is_cited_once_with_both_sources():
    a, b = source(doc_id="a", title="Issue page"), source(doc_id="b", title="Agenda and minutes")
    excerpt = Excerpt(passage_id_for("x"), "x", 0.9, (), (a, b))
    assert excerpt.citation.count("also published in") == 1
    assert "Issue page" in excerpt.citation and "Agenda and minutes" in excerpt.citation
    assert [s["title"] for s in excerpt.to_dict()["sources"]] == ["Issue page", "Agenda and minutes"]


def test_dates_print_at_the_precision_the_document_gives():
    assert format_date("2022-03") == "March 2022"
    assert format_date("2019") == "2019"
    assert format_date(None) is None


def test_passage_ids_ignore_spacing_and_curly_quotes_but_not_words():
    assert passage_id_for("Anna\u2019s GP  was told.") == passage_id_for("Anna's GP was told.")
    assert passage_id_for("Anna's GP was told.") != passage_id_for("Anna's GP was not told.")


def test_missing_body_falls_back_to_area():
    assert cite_sources([source(body=None, page=None, paragraph="\u00b62")]).startswith("Northbridge, ")
