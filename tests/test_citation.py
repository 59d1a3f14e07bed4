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


def test_a_review_titled_only_by_its_kind_is_cited_with_its_name():
    text = cite(source(title="Domestic Homicide Review: Overview Report", review="DHR \u2018Anna\u2019"))
    assert "\u201cDomestic Homicide Review: Overview Report\u201d (DHR \u2018Anna\u2019)" in text


def test_a_title_that_already_names_the_review_is_not_repeated():
    text = cite(source(review="DHR \u2018Anna\u2019"))
    assert "(DHR" not in text and text.count("Anna") == 1


def test_evidence_references_and_quote_lines_name_the_review():
    from reports.evidence import reference, short_cite

    s = source(title="Executive Summary", review="DHR Hollinsby 2021/1")
    assert "\u201cExecutive Summary\u201d (DHR Hollinsby 2021/1)" in reference(s)
    assert short_cite(s) == "DHR Hollinsby 2021/1, Northbridge Community Safety Partnership, 2022, p. 14, para 4.2.1"


def test_the_catalogue_gives_each_source_its_review_name(small_kb):
    from kb.catalogue import Catalogue
    from kb.config import Settings

    catalogue = Catalogue(Settings(db=small_kb).catalogue_path)  # three reviews "into the death of" Anna, ...
    ids = [r[0] for r in catalogue.conn.execute("SELECT passage_id FROM passages")]
    sources = [s for group in catalogue.sources(ids).values() for s in group]
    catalogue.close()
    assert {s.review for s in sources if s.type == "dhr_overview_report"} == {
        "DHR \u2018Anna\u2019", "DHR \u2018Mary\u2019", "DHR \u2018Hostile\u2019"}
    assert {s.review for s in sources if s.type != "dhr_overview_report"} == {None}
