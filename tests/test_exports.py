"""Evidence packs and trainer handouts: what they say, and that each format is done properly.

The first half builds packs and handouts from hand-made excerpts and checks every writer:
Markdown against golden files in tests/golden/ (regenerate with UPDATE_GOLDEN=1 after a
deliberate change), Word by opening the file again with python-docx, CSV by reading it back as a
spreadsheet would, HTML for escaping. The second half ingests the sample corpus once and checks
the real commands end to end.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from cli import app
from kb.models import Excerpt, Source
from reports.evidence import (
    CSV_COLUMNS,
    CaseContext,
    Handout,
    ReviewExtracts,
    case_context,
    make_pack,
    overview_of,
    reference,
)
from reports.writers import (
    ExportError,
    handout_blocks,
    pack_blocks,
    pack_rows,
    render_csv,
    render_docx,
    render_html,
    render_markdown,
    write_pack,
)
from tests.clirun import dhr
from tests.conftest import labelled_documents

GOLDEN = Path(__file__).parent / "golden"
PREPARED = "2025-01-31"  # a fixed date: outputs carry no date but the one passed in
runner = CliRunner()


# --- hand-built evidence --------------------------------------------------------------------------


def source(
    doc: str,
    title: str,
    body: str,
    area: str,
    date: str,
    page: int | None,
    para: str,
    doc_type: str = "dhr_overview_report",
    url: str | None = None,
    section: str = "6. Lessons Learned",
    kind: str = "lessons",
) -> Source:
    return Source(
        doc_id=doc,
        path=f"/docs/{doc}.pdf",
        title=title,
        body=body,
        area=area,
        date=date,
        type=doc_type,
        url=url,
        page=page,
        paragraph=para,
        section=section,
        section_kind=kind,
    )


ANNA = source(
    "anna",
    "DHR 'Anna': Overview Report",
    "Northbridge Community Safety Partnership",
    "Northbridge",
    "2021-03-14",
    7,
    "6.3",
    url="https://example.org/anna.pdf",
)
ANNA_EXEC = source(
    "anna-es",
    "DHR 'Anna': Executive Summary",
    "Northbridge Community Safety Partnership",
    "Northbridge",
    "2021-03-14",
    3,
    "4.2",
    doc_type="dhr_executive_summary",
)
MINUTES = source(
    "min",
    "Safer Communities Committee minutes",
    "Eastvale Safer Communities Committee",
    "Eastvale",
    "2022-07-06",
    None,
    "item 12, \u00b63",
    doc_type="committee_minutes",
    section="12. Domestic abuse",
    kind="minutes_item",
)
PRIYA = source("priya", "DHR 'Priya': Overview Report", "Ashworth CSP", "Ashworth", "2020-07-07", 5, "5.1")

SHARED = Excerpt(
    "p1",
    "Good multi-agency working depends on the right people being told. Where the police know of domestic "
    "abuse and the GP does not, a patient's disclosure may go unrecognised.",
    0.9,
    ("information_sharing", "gp_primary_care"),
    (ANNA, ANNA_EXEC),
)
FORMULA = Excerpt(
    "p2",
    "- Members asked whether GP practices are told of <b>every</b> incident; officers said *not yet* & "
    "promised a report.",
    0.8,
    ("information_sharing",),
    (MINUTES,),
)
INTERPRETERS = Excerpt(
    "p3",
    "Family members must never be used as interpreters when a professional asks about abuse at home.",
    0.7,
    ("language_interpreters",),
    (PRIYA,),
)


def hand_pack():
    return make_pack(
        "information sharing with GPs", [SHARED, FORMULA, INTERPRETERS], group_by="theme", prepared=PREPARED
    )


def hand_handout() -> Handout:
    anna = CaseContext(
        "DHR \u2018Anna\u2019",
        "Northbridge",
        2021,
        "intimate partner homicide",
        "ex-partner",
        "30-39",
        "2019",
    )
    priya = CaseContext("DHR \u2018Priya\u2019", "Ashworth", 2020)
    return Handout(
        "information_sharing",
        ("lessons",),
        (("theme", "Information sharing"),),
        (ReviewExtracts(anna, (SHARED,)), ReviewExtracts(priya, (INTERPRETERS,))),
        PREPARED,
    )


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path}: run with UPDATE_GOLDEN=1 once and review it"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from the golden file"


# --- what a pack says -----------------------------------------------------------------------------


def test_an_excerpt_published_twice_is_one_item_whose_reference_cites_both():
    pack = hand_pack()
    assert len(pack.items) == 3
    shared = next(i for i in pack.items if i.excerpt is SHARED)
    assert shared.reference.count("Northbridge Community Safety Partnership (2021)") == 2
    assert "DHR executive summary, p. 3, para 4.2" in shared.reference
    assert "https://example.org/anna.pdf" in shared.reference


def test_the_overview_says_how_many_documents_areas_years_and_types():
    ov = overview_of([SHARED, FORMULA, INTERPRETERS])
    assert (ov.excerpts, ov.documents) == (3, 4)
    assert ov.areas == ("Ashworth", "Eastvale", "Northbridge")
    assert ov.years == (2020, 2021, 2022)
    assert dict(ov.types) == {"dhr_overview_report": 2, "dhr_executive_summary": 1, "committee_minutes": 1}
    text = " ".join(ov.sentences())
    assert text.startswith(
        "3 excerpts from 4 documents (2 DHR overview reports, 1 DHR executive summary, 1 set of minutes)."
    )
    assert "Published: 2020\u20132022." in text


def test_excerpts_are_numbered_in_reading_order_within_their_groups():
    pack = hand_pack()
    assert [name for name, _ in pack.groups] == ["Information sharing", "Language and interpreters"]
    numbers = [i.number for _, items in pack.groups for i in items]
    assert numbers == [1, 2, 3]


def test_references_follow_body_year_title_position_url():
    assert reference(ANNA) == (
        "Northbridge Community Safety Partnership (2021). \u201cDHR 'Anna': Overview "
        "Report\u201d. DHR overview report, p. 7, para 6.3. https://example.org/anna.pdf"
    )
    assert reference(MINUTES).startswith(
        "Eastvale Safer Communities Committee (2022). \u201cSafer Communities "
        "Committee minutes\u201d. Minutes, item 12, \u00b63."
    )


# --- formats ---------------------------------------------------------------------------------------


def test_pack_markdown_matches_the_golden_file():
    check_golden("evidence_pack.md", render_markdown(pack_blocks(hand_pack())))


def test_handout_markdown_matches_the_golden_file():
    check_golden("trainer_handout.md", render_markdown(handout_blocks(hand_handout())))


def test_markdown_escapes_markup_in_quoted_text():
    md = render_markdown(pack_blocks(hand_pack()))
    assert r"\<b>every\</b>" in md and r"\*not yet\*" in md
    assert "> \\- Members asked" in md, "a quoted line is a quotation, never a list"


def test_word_pack_has_headings_quotations_and_numbered_references():
    doc = Document(io.BytesIO(render_docx(pack_blocks(hand_pack()), PREPARED)))
    styles = [(p.style.name, p.text) for p in doc.paragraphs]
    assert styles[0] == ("Title", "Evidence pack: information sharing with GPs")
    headings = [t for s, t in styles if s.startswith("Heading")]
    assert headings[:2] == ["What the evidence covers", "Evidence by theme"]
    assert headings[-1] == "References"
    quotes = [t for s, t in styles if s == "Quote"]
    assert quotes == [SHARED.text, FORMULA.text, INTERPRETERS.text]
    refs = [t for s, t in styles if s == "List Number"]
    assert len(refs) == 3 and refs[0].startswith("Northbridge Community Safety Partnership (2021)")
    assert doc.core_properties.created.date().isoformat() == PREPARED


def test_csv_opens_cleanly_in_a_spreadsheet():
    data = render_csv(pack_rows(hand_pack()), CSV_COLUMNS)
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark, so Excel reads the accents"
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 3, "one row per excerpt"
    assert rows[0]["number"] == "1" and rows[0]["text"] == SHARED.text
    assert rows[0]["also_published_in"].startswith("Northbridge Community Safety Partnership (2021).")
    minutes = next(r for r in rows if r["title"].startswith("Safer Communities"))
    assert minutes["text"].startswith("'- Members"), "a leading '-' would be read as a formula"
    assert minutes["paragraph"] == "item 12, \u00b63"


def test_html_handout_is_a_standalone_page_with_escaped_text():
    page = render_html(handout_blocks(hand_handout()))
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<title>Learning from reviews: Information sharing</title>" in page
    assert "<blockquote><p>Good multi-agency working" in page
    hostile = Handout(
        "information_sharing", ("lessons",), (), (ReviewExtracts(CaseContext("R"), (FORMULA,)),)
    )
    assert "&lt;b&gt;every&lt;/b&gt;" in render_html(handout_blocks(hostile))
    assert "<b>every" not in render_html(handout_blocks(hostile))


def test_case_context_reads_metadata_and_falls_back_on_the_title():
    from kb.catalogue import DocumentRow

    row = DocumentRow(
        "d",
        "/x.pdf",
        "h",
        "ok",
        "Domestic Homicide Review into the death of 'Margaret'",
        "Kelsey Vale CSP",
        "Kelsey Vale",
        "2022-09-22",
        2022,
        "dhr_overview_report",
        None,
        10,
        {"review_kind": "adult_family_homicide", "relationship": "son", "year_of_death": "2020"},
        "",
    )
    assert case_context(row).line() == (
        "DHR \u2018Margaret\u2019, Kelsey Vale, 2022: adult family homicide; "
        "relationship: son; death in 2020."
    )
    bare = DocumentRow(
        "e",
        "/y.pdf",
        "h",
        "ok",
        "Cabinet report",
        None,
        None,
        None,
        None,
        "committee_report",
        None,
        None,
        {},
        "",
    )
    assert case_context(bare).line() == "Cabinet report: committee report."


def test_an_unknown_output_format_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(ExportError, match=r"\.pdf.*use one of \.csv, \.docx, \.html, \.md"):
        write_pack(hand_pack(), tmp_path / "pack.pdf")
    with pytest.raises(ExportError, match="does not exist"):
        write_pack(hand_pack(), tmp_path / "missing" / "pack.md")
    assert list(tmp_path.iterdir()) == []


# --- end to end on the sample corpus ---------------------------------------------------------------




@pytest.mark.slow
def test_a_word_evidence_pack_from_the_corpus(corpus_db, tmp_path):
    out = tmp_path / "pack.docx"
    result = dhr(
        "evidence",
        "missed chances to share information between the GP and the police",
        "--top",
        "12",
        "--out",
        str(out),
        "--date",
        PREPARED,
        "--db",
        str(corpus_db),
    )
    assert result.exit_code == 0, result.output
    assert re.match(r"12 excerpts from \d+ documents written to ", result.stdout)
    doc = Document(str(out))
    paras = [(p.style.name, p.text) for p in doc.paragraphs]
    assert paras[0] == (
        "Title",
        "Evidence pack: missed chances to share information between the GP and the police",
    )
    assert paras[1][1].startswith(f"Prepared {PREPARED}.")
    headings = [(s, t) for s, t in paras if s.startswith("Heading")]
    assert headings[0] == ("Heading 1", "What the evidence covers")
    assert headings[1] == ("Heading 1", "Evidence by theme")
    assert headings[-1] == ("Heading 1", "References")
    groups = [t for s, t in headings if s == "Heading 2"]
    assert groups and len(groups) == len(set(groups)), "each theme is one group"
    overview = paras[paras.index(headings[0]) + 1][1]
    n_docs = int(re.match(r"12 excerpts from (\d+) documents", overview).group(1))
    assert 2 <= n_docs <= 12 and "Areas: " in overview and "Published: " in overview

    quotes = [t for s, t in paras if s == "Quote"]
    refs = [t for s, t in paras if s == "List Number"]
    assert len(quotes) == len(refs) == 12
    cites = [t for s, t in paras if re.match(r"\[\d+\] ", t)]
    assert [int(re.match(r"\[(\d+)\]", c).group(1)) for c in cites] == list(range(1, 13)), (
        "every quotation is followed by its reference number, in order"
    )
    for ref in refs:
        assert re.match(r"[^\u201c]+ \(((19|20)\d\d|n\.d\.)\)\. \u201c[^\u201d]+\u201d\. ", ref), (
            "body (year). \u201ctitle\u201d. type, position"
        )
        assert re.search(r"p\. \d+|para |\u00b6|item ", ref), "a page or paragraph to find the words"
    assert len(set(quotes)) == 12, "no excerpt appears twice"


@pytest.mark.slow
def test_an_evidence_pack_as_csv_and_as_json(corpus_db, tmp_path):
    out = tmp_path / "pack.csv"
    result = dhr(
        "evidence",
        "coercive control",
        "--top",
        "5",
        "--group-by",
        "source",
        "--out",
        str(out),
        "--date",
        "none",
        "--db",
        str(corpus_db),
    )
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["number"] for r in rows] == ["1", "2", "3", "4", "5"]
    assert all(r["text"] and r["title"] and r["reference"] for r in rows)

    data = json.loads(
        dhr(
            "evidence",
            "coercive control",
            "--top",
            "5",
            "--theme",
            "coercive_control",
            "--json",
            "--date",
            "none",
            "--db",
            str(corpus_db),
        ).stdout
    )
    assert data["prepared"] is None and data["filters"] == {"theme": "Coercive and controlling behaviour"}
    assert len(data["items"]) == 5 and all("coercive_control" in i["themes"] for i in data["items"])
    assert data["overview"]["excerpts"] == 5


@pytest.mark.slow
def test_a_markdown_trainer_handout_from_the_corpus(corpus_db, tmp_path):
    out = tmp_path / "handout.md"
    result = dhr(
        "extract", "--theme", "risk assessment", "--out", str(out), "--date", PREPARED, "--db", str(corpus_db)
    )
    assert result.exit_code == 0, result.output
    md = out.read_text("utf-8")
    lines = md.splitlines()
    assert lines[0].startswith("<!-- dhr-kb export:")  # an ingest of this folder skips the file
    assert lines[2] == "# Learning from reviews: Risk assessment (DASH, DIAL)"
    assert re.match(
        r"\d+ extracts? from the lessons learned and key findings sections of \d+ reviews?", lines[4]
    )
    reviews = re.findall(r"^## (.+)$", md, re.M)
    assert len(reviews) >= 2 and len(reviews) == len(set(reviews)), "grouped by review, each review once"

    shown = json.loads(
        dhr(
            "extract", "--theme", "risk_assessment", "--json", "--date", PREPARED, "--db", str(corpus_db)
        ).stdout
    )
    assert [r["review"] for r in shown["reviews"]] == reviews
    cases = {d["case"]["victim_pseudonym"]: d for d in labelled_documents() if d.get("case")}
    for block, review in zip(re.split(r"^## .+$", md, flags=re.M)[1:], shown["reviews"], strict=True):
        body = block.strip().splitlines()
        assert body[0].startswith("**Case:** "), "each review opens with one line of case context"
        assert str(review["year"]) in body[0] and review["area"] in body[0]
        name = re.search(r"\u2018(.+?)\u2019", review["review"])
        if name and name.group(1) in cases:
            assert cases[name.group(1)]["area"] == review["area"]
        quotes = [ln for ln in body if ln.startswith("> ")]
        sources = [ln for ln in body if ln.startswith("**Source:** ")]
        assert quotes and len(quotes) == len(sources) == len(review["extracts"])
        for ex in review["extracts"]:
            assert "risk_assessment" in ex["themes"]
            assert all(s["section_kind"] in ("lessons", "key_findings") for s in ex["sources"])
            assert ex["citation"].replace("*", "") in block.replace("\\", "")


@pytest.mark.slow
def test_extracts_from_recommendations_sections_as_a_web_page(corpus_db, tmp_path):
    out = tmp_path / "handout.html"
    result = dhr(
        "extract",
        "--theme",
        "marac",
        "--section",
        "recommendations",
        "--out",
        str(out),
        "--date",
        "none",
        "--db",
        str(corpus_db),
    )
    assert result.exit_code == 0, result.output
    page = out.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<h1>Learning from reviews: MARAC" in page
    assert "from the recommendations sections of" in page
    assert page.count("<blockquote>") >= 2 and "Prepared" not in page


@pytest.mark.slow
def test_export_mistakes_are_one_line_messages(corpus_db, tmp_path):
    result = runner.invoke(
        app, ["evidence", "x", "--out", str(tmp_path / "pack.pdf"), "--db", str(corpus_db)]
    )
    assert result.exit_code == 2 and "use one of .csv, .docx, .html, .md" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(app, ["extract", "--theme", "not a theme", "--db", str(corpus_db)])
    assert result.exit_code == 2 and "unknown theme" in result.output
    result = runner.invoke(
        app, ["extract", "--theme", "marac", "--section", "nonsense", "--db", str(corpus_db)]
    )
    assert result.exit_code == 2 and "unknown section kind 'nonsense'" in result.output
