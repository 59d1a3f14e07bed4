"""Reviews are known by their names: the pseudonym a DHR gives the victim, its area and year.

"DHR 'Anna' (Northbridge, 2021)" is how a board paper names a review; four of the seven sample DHRs
are titled only "Domestic Homicide Review: Overview Report" or "... Executive Summary", so the title
cannot tell them apart. `dhr show`, `dhr forget` and the listings accept and print the name.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from kb.characteristics import detect_names
from kb.citation import review_name
from kb.errors import QueryError
from kb.models import DocumentMeta
from reports.documents import find_document
from tests.conftest import CORPUS

runner = CliRunner()


@pytest.mark.parametrize(
    ("text", "pseudonym"),
    [
        # as real published reviews name them (safeinthecity.info, safernel.co.uk, saferdevon.co.uk)
        ("Domestic Homicide Review into the death of 'Alina'\nApproved for publication in August 2019", "Alina"),
        ("Published reviews\nDomestic Homicide Review into the death of Edie\nIntroduction", "Edie"),
        ("is to review the death of Subject A, who was killed by her son Subject B in Devon.", "Subject A"),
        ("This review examines the death of Adult C, aged 67, in 2020.", "Adult C"),
        ("1.1 The review into the death of Mrs D, who was 81, was commissioned in 2021.", "Mrs D"),
        ("Overview report into the death of \u2018Jo\u2019 in March 2022", "Jo"),
        ("examines the involvement of agencies with 'Margaret', who was 78 years old when she was killed", "Margaret"),
        ("into the death of Priya\nNovember 2018", "Priya"),  # a month on the next line is not a surname
        ("Thank you for submitting the Domestic Homicide Review (DHR) report \u2018(Louise)\u2019 for the", "Louise"),
        ("Domestic Homicide Review\nOverview Report (Margaret)\n1.1 This report", "Margaret"),
    ],
)
def test_the_victims_pseudonym_is_read_as_reviews_print_it(text, pseudonym):
    assert detect_names(text)["pseudonym"] == pseudonym


def test_other_people_named_and_the_review_reference_are_kept_too():
    found = detect_names(
        "DHR Hollinsby 2021/1\nThis review examines the death of 'Anna', a 34 year old woman killed by her "
        "former partner, who is referred to in this report as Mr B. Her brother, known as 'Jo' in this report, ..."
    )
    assert found == {"pseudonym": "Anna", "other_names": "Mr B; Jo", "review_ref": "Hollinsby 2021/1"}
    assert detect_names("Domestic Homicide Review Case 17 \u2013 Feedback Letter")["review_ref"] == "Case 17"


@pytest.mark.parametrize(
    "text",
    ["the death of her mother in 2019", "the death of The Domestic Abuse Commissioner", "the death of Mr.",
     "Members noted the deaths of two residents.", "Domestic Homicide Review: Overview Report (Final Draft)"],
)
def test_words_that_are_not_names_are_not_taken_for_a_pseudonym(text):
    assert "pseudonym" not in detect_names(text)


def _meta(**extra: str) -> DocumentMeta:
    return DocumentMeta("Domestic Homicide Review: Overview Report", area="Northbridge", date="2021-03-14",
                        doc_type="dhr_overview_report", extra=extra)


def test_a_review_is_named_by_pseudonym_area_and_year_and_anything_else_by_its_title():
    assert review_name(_meta(pseudonym="Anna")) == "DHR \u2018Anna\u2019 (Northbridge, 2021)"
    assert review_name(_meta(review_ref="Hollinsby 2021/1")) == "DHR Hollinsby 2021/1 (Northbridge, 2021)"
    assert review_name(_meta()) == "Domestic Homicide Review: Overview Report"
    minutes = replace(_meta(pseudonym="Anna"), title="Scrutiny minutes", doc_type="committee_minutes")
    assert review_name(minutes) == "Scrutiny minutes"
    assert review_name(replace(_meta(pseudonym="Anna"), area=None, date=None)) == "DHR \u2018Anna\u2019"


def _labelled_dhrs() -> list[dict]:
    path = CORPUS / "labels.json"
    if not path.is_file():
        pytest.skip("corpus/labels.json is not there")
    return [d for d in json.loads(path.read_text("utf-8"))["documents"] if d.get("case")]


def test_every_sample_dhr_gets_its_labelled_pseudonyms():
    from ingest.pipeline import read_document

    for d in _labelled_dhrs():
        meta, _, _ = read_document(CORPUS / d["path"])
        assert meta.extra.get("pseudonym") == d["case"]["victim_pseudonym"], d["path"]
        assert d["case"]["perpetrator_pseudonym"] in meta.extra.get("other_names", "").split("; "), d["path"]


@pytest.fixture(scope="module")
def corpus_kb(tmp_path_factory) -> Path:
    from tests.test_themes_cli import corpus_catalogue

    return corpus_catalogue(tmp_path_factory.mktemp("names") / "kb")


def test_docs_name_every_sample_review_distinctly(corpus_kb):
    listed = json.loads(runner.invoke(app, ["docs", "--json", "--db", str(corpus_kb)]).output)
    reviews = [d for d in listed if d["type"].startswith("dhr_")]
    assert len(reviews) == len(_labelled_dhrs())
    names = [d["name"] for d in reviews]
    assert len(set(names)) == len(names)
    for d in reviews:
        assert d["name"] == f"DHR \u2018{d['pseudonym']}\u2019 ({d['area']}, {d['date'][:4]})"
    text = runner.invoke(app, ["docs", "--db", str(corpus_kb)]).output
    assert "DHR \u2018Anna\u2019 (Northbridge, 2021)" in text


@pytest.mark.parametrize(
    ("ref", "path_part"),
    [("Hollinsby", "hollinsby-dhr-lucy"), ("Anna", "northbridge-dhr-anna"), ("anna", "northbridge-dhr-anna"),
     ("Mr B", "northbridge-dhr-anna"), ("DHR 'Kayleigh' (Rosshaven, 2024)", "rosshaven-dhr-kayleigh"),
     ("Kelsey Vale", "kelsey-vale-dhr-margaret"), ("Safe Accommodation Strategy", "safe-accommodation")],
)
def test_show_finds_a_document_by_pseudonym_area_or_title_words(corpus_kb, ref, path_part):
    result = runner.invoke(app, ["show", ref, "--json", "--db", str(corpus_kb)])
    assert result.exit_code == 0, result.output
    assert path_part in json.loads(result.output)["path"]


def test_a_name_several_documents_answer_to_lists_them_all_in_one_message(corpus_kb):
    result = runner.invoke(app, ["show", "Northbridge", "--db", str(corpus_kb)])
    assert result.exit_code != 0
    assert "'Northbridge' names 2 documents" in result.output
    assert "DHR \u2018Anna\u2019 (Northbridge, 2021)" in result.output and "publication and progress" in result.output
    assert "Traceback" not in result.output


def test_forget_accepts_the_same_names(corpus_kb):
    from kb.catalogue import Catalogue
    from reports.documents import documents_to_forget

    cat = Catalogue(corpus_kb / "catalogue.sqlite3")
    try:
        assert "hollinsby-dhr-lucy" in documents_to_forget(cat, "Lucy", missing=False)[0].path
        with pytest.raises(QueryError, match="names 2 documents"):
            find_document(cat, "Northbridge")
    finally:
        cat.close()


def test_the_register_and_theme_evidence_name_reviews_as_people_do(corpus_kb):
    rows = json.loads(runner.invoke(app, ["recommendations", "--json", "--db", str(corpus_kb)]).output)
    reviews = {r["review"] for r in rows if r["type"].startswith("dhr_")}
    assert len(reviews) == len(_labelled_dhrs())
    assert all(r.startswith("DHR \u2018") for r in reviews)
    shown = runner.invoke(app, ["themes", "show", "stalking", "--db", str(corpus_kb)]).output
    assert "== DHR \u2018Anna\u2019 (Northbridge, 2021): DHR overview report, 14 March 2021" in shown
