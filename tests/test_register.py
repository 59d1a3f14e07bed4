"""The recommendations register, and the sections it (and `--section`) rely on.

Unit tests on inline text say how recommendations are numbered and addressed; the rest ingests
the labelled sample corpus once and checks, against corpus/labels.json, that every section
heading written into it is found, that committee decisions are findable as resolutions, and
that the register lists every recommendation with the right number and agency.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from ingest.blocks import Block
from ingest.passages import cut_passages
from ingest.structure import find_structure
from kb.catalogue import Catalogue, ThemeMentionRow
from kb.sections import classify_heading
from reports.register import build_register, recommendations_in, split_agency, split_numbered
from tests.conftest import CORPUS, labelled_documents

runner = CliRunner()


# --- numbering and agencies, on inline text --------------------------------------------------------


def numbers(text: str) -> list[str]:
    return [p.number for p in recommendations_in(text)]


def test_recommendations_are_cut_at_their_printed_numbers():
    text = (
        "8.1 The panel makes the following recommendations. Recommendation 1: The police should act. "
        "Recommendation 2 (GP): Practices should ask, e.g. about injuries. Recommendation 3: Do more."
    )
    assert numbers(text) == ["Recommendation 1", "Recommendation 2", "Recommendation 3"]
    assert numbers(
        "1. The CSP should audit. 2. Arden Vale Police should train officers in 2023. "
        "3. The Trust should review section 4.2 of its policy."
    ) == ["1", "2", "3"]
    assert numbers("R1 The CSP should audit. R2 The police should train.") == ["R1", "R2"]
    assert numbers("I recommend that Cabinet: - a. Agree the contract. - b. Agree the funding.") == ["a", "b"]


def test_numbers_that_do_not_continue_the_list_stay_in_the_text():
    _, pieces = split_numbered(
        "9.2 The CSP should act by 2023. 9.3 Agencies should report. 4.1 above applies."
    )
    assert [p.number for p in pieces] == ["9.2", "9.3"]
    assert pieces[1].text == "Agencies should report. 4.1 above applies."


def test_lettered_sub_items_stay_inside_their_recommendation():
    recs = recommendations_in(
        "Recommendation 2: The CSP should: a. audit referrals; b. train staff. "
        "Recommendation 3: The police should act."
    )
    assert [r.number for r in recs] == ["Recommendation 2", "Recommendation 3"]
    assert recs[0].text == ": The CSP should: a. audit referrals; b. train staff."


def test_the_paragraph_that_introduces_the_list_is_not_a_recommendation():
    assert numbers(
        "8.1 The panel makes the following recommendations: 1. The CSP should audit. "
        "2. The police should train."
    ) == ["1", "2"]
    assert numbers(
        "9.1 The panel's recommendations are set out below. 9.2 The CSP should act. "
        "9.3 The police should train."
    ) == ["9.2", "9.3"]


@pytest.mark.parametrize(
    ("text", "agency", "rest"),
    [
        ("(Police): Officers should complete a DASH.", "Police", "Officers should complete a DASH."),
        (
            ": Hartshire Constabulary should ensure that supervisors review it.",
            "Hartshire Constabulary",
            None,
        ),
        (
            "The Westmere MARAC Steering Group should review action plans.",
            "Westmere MARAC Steering Group",
            None,
        ),
        (
            "Fellside Children's Services, through the Education Safeguarding Team, should provide guidance.",
            "Fellside Children's Services",
            None,
        ),
        (
            "Housing officers must ask about abuse at home (Housing Options).",
            "Housing Options",
            "Housing officers must ask about abuse at home.",
        ),
        ("Approves the strategy.", None, "Approves the strategy."),
    ],
)
def test_the_agency_comes_from_a_label_or_the_subject_of_should(text, agency, rest):
    got_agency, got_rest = split_agency(text)
    assert got_agency == agency
    assert got_rest == (rest or text.lstrip(": "))


def test_resolved_paragraphs_in_minutes_are_their_own_resolutions_passage():
    units = find_structure(
        [
            Block(t)
            for t in (
                "17.",
                "Domestic Abuse",
                "Report of the Cabinet Member for Communities",
                "Members heard about the contract and asked about funding for refuges in the county.",
                "RESOLVED: That",
                "(a) the report be noted; and",
                "(b) a further report be received in March.",
            )
        ]
    )
    assert {u.heading for u in units} == {"17. Domestic Abuse"}, "a byline is not a heading"
    assert [u.kind for u in units] == [
        "minutes_item",
        "minutes_item",
        "resolutions",
        "resolutions",
        "resolutions",
    ]
    passages = cut_passages(units)
    assert [p.section_kind for p in passages] == ["minutes_item", "resolutions"]
    assert passages[1].text.startswith("RESOLVED: That (a) the report be noted;")
    assert passages[1].paragraph.startswith("item 17, ")


# --- the sample corpus -------------------------------------------------------------------------------



def dhr(*args: str):
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def shown(corpus_db) -> dict[str, dict]:
    """`dhr show --json` of every labelled document, by its labelled path."""
    return {
        d["path"]: json.loads(
            dhr("show", str((CORPUS / d["path"]).resolve()), "--db", str(corpus_db), "--json").stdout
        )
        for d in labelled_documents()
    }


def norm(heading: str | None) -> str:
    """A heading compared as printed, give or take spacing, dashes, a PDF size and an item number's dot."""
    text = unicodedata.normalize("NFKC", heading or "").replace("\u2013", "-").replace("\u2019", "'")
    text = re.sub(r"\s+PDF\s*[\d.]+\s*[KMG]B$", "", " ".join(text.split()), flags=re.IGNORECASE)
    return re.sub(r"^\d{1,3}(?:\.\d{1,2})*\.?\s+", "", text).casefold()


def labelled_headings(doc: dict) -> list[str]:
    """The headings in reading order; a committee page's agenda items are headings too ("17. Title")."""
    return list(doc["section_headings"]) + [
        f"{i['number']}. {i['title']}"
        for i in doc.get("items", [])
        if i["title"] not in doc["section_headings"]
    ]


@pytest.mark.slow
def test_every_labelled_section_heading_is_found(shown):
    missing = []
    for doc in labelled_documents():
        sections = {norm(p["section"]) for p in shown[doc["path"]]["passages"]}
        headings = labelled_headings(doc)
        found = [norm(h) in sections for h in headings]
        for i, h in enumerate(headings):
            # A heading with no text of its own ("4. Analysis" directly above "4.1 ...", a web page's
            # "Agenda and minutes" above the meeting's title) is found through the heading under it.
            if not found[i] and not any(found[i + 1 : i + 3]):
                missing.append(f"{doc['path']}: {h!r}")
    assert not missing, "headings not found as passage sections:\n" + "\n".join(missing)


@pytest.mark.slow
def test_dhr_parts_get_their_section_kind(shown):
    wrong = []
    for doc in labelled_documents():
        if not doc["type"].startswith("dhr_"):
            continue
        passages = shown[doc["path"]]["passages"]
        for h in doc["section_headings"]:
            kind = classify_heading(h)
            under = {p["section_kind"] for p in passages if norm(p["section"]) == norm(h)}
            if kind and under and under != {kind}:
                wrong.append(f"{doc['path']}: {h!r} is {under}, not {kind}")
    assert not wrong, "\n".join(wrong)
    kinds = {p["section_kind"] for d in shown.values() for p in d["passages"]}
    assert kinds >= {
        "terms_of_reference",
        "chronology",
        "analysis",
        "key_findings",
        "lessons",
        "conclusions",
        "recommendations",
        "action_plan",
        "resolutions",
        "minutes_item",
    }


@pytest.mark.slow
def test_committee_decisions_are_findable_as_resolutions(shown, corpus_db):
    checked = 0
    for doc in labelled_documents():
        for resolution in doc.get("resolutions", []):
            words = " ".join(resolution.split())
            hits = [p for p in shown[doc["path"]]["passages"] if words in " ".join(p["text"].split())]
            assert hits, f"{doc['path']}: resolution not found: {words!r}"
            assert {p["section_kind"] for p in hits} == {"resolutions"}, (doc["path"], words)
            checked += 1
    assert checked >= 3
    found = json.loads(
        dhr(
            "ask",
            "what did the committee resolve about the review",
            "--section",
            "resolutions",
            "--top",
            "5",
            "--json",
            "--db",
            str(corpus_db),
        ).stdout
    )
    assert found and all(any(s["section_kind"] == "resolutions" for s in r["sources"]) for r in found)
    assert any(r["text"].startswith("RESOLVED") for r in found)


def _same_text(a: str, b: str) -> bool:
    def clean(s: str) -> str:
        s = unicodedata.normalize("NFKC", s).replace("\u2019", "'").replace("\u2013", "-")
        return " ".join(s.split()).casefold()

    return clean(a) == clean(b)


@pytest.mark.slow
def test_the_register_lists_every_labelled_recommendation(corpus_db):
    register = json.loads(dhr("recommendations", "--json", "--db", str(corpus_db)).stdout)
    labelled = 0
    for doc in labelled_documents():
        expected = doc.get("recommendations", [])
        path = str((CORPUS / doc["path"]).resolve())
        rows = [r for r in register if any(s["path"] == path for s in r["sources"])]
        assert [r["number"] for r in rows] == [e["number"] for e in expected], doc["path"]
        for row, want in zip(rows, expected, strict=True):
            labelled += 1
            assert _same_text(row["text"], want["text"]), (
                doc["path"],
                row["number"],
                row["text"],
                want["text"],
            )
            if want["agency"]:
                assert row["agency"] == want["agency"], (doc["path"], row["number"])
            elif want.get("addressed_to"):
                assert row["agency"] == want["addressed_to"], (doc["path"], row["number"])
            source = next(s for s in row["sources"] if s["path"] == path)
            if want["page"] is not None:
                # cited at the page its passage starts on: the recommendation's own page or the one before
                assert source["page"] in (want["page"], want["page"] - 1), (doc["path"], row["number"])
            assert row["number"] in source["paragraph"], "cited at its own number, not its passage's range"
    assert labelled == sum(len(d.get("recommendations", [])) for d in labelled_documents()) >= 40


@pytest.mark.slow
def test_the_register_filters_and_exports(corpus_db, tmp_path):
    police = json.loads(dhr("recommendations", "--agency", "police", "--json", "--db", str(corpus_db)).stdout)
    assert police and all("police" in r["agency_kind"] for r in police)  # "Hartshire Constabulary" too
    marac = json.loads(dhr("recommendations", "--theme", "MARAC", "--json", "--db", str(corpus_db)).stdout)
    assert marac and all("marac" in r["themes"] for r in marac)
    everything = json.loads(dhr("recommendations", "--json", "--db", str(corpus_db)).stdout)
    assert len(marac) < len(everything)
    westmere = json.loads(
        dhr("recommendations", "--area", "westmere", "--json", "--db", str(corpus_db)).stdout
    )
    assert [r["number"] for r in westmere] == ["1", "2", "3", "4", "5", "6"]

    out = tmp_path / "register.csv"
    result = dhr("recommendations", "--out", str(out), "--db", str(corpus_db))
    assert f"Register written to {out} ({len(everything)} rows)." in result.stdout
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == len(everything)
    assert list(rows[0]) == [
        "review",
        "number",
        "agency",
        "agency_kind",
        "target_date",
        "text",
        "themes",
        "page",
        "paragraph",
        "body",
        "area",
        "date",
        "type",
        "url",
        "citation",
    ]
    anna = [r for r in rows if "Anna" in r["review"]]
    assert anna[0]["number"] == "Recommendation 1" and anna[0]["agency"] == "Hartshire Constabulary"

    text = dhr("recommendations", "--agency", "Hartshire", "--db", str(corpus_db)).stdout
    assert "Recommendation 1 [Hartshire Constabulary]: Hartshire Constabulary should ensure" in text
    assert text.rstrip().endswith("2 recommendations from 1 document.")


REALISTIC = Path(__file__).parent / "fixtures" / "realistic"


@pytest.fixture(scope="module")
def realistic_catalogue(tmp_path_factory) -> Catalogue:
    """The realistic DHRs (Word exported to PDF by LibreOffice) in a catalogue, without vectors."""
    from ingest.pipeline import doc_id_for, file_hash, read_document
    from kb.tagger import ThemeTagger

    catalogue = Catalogue(tmp_path_factory.mktemp("realistic") / "catalogue.sqlite3")
    tagger = ThemeTagger()
    for path in sorted(REALISTIC.glob("*.pdf")):
        meta, passages, pages = read_document(path)
        tagged = tagger.tag_many([p.text for p in passages])
        mentions = [[ThemeMentionRow(m.theme_id, m.status, m.text) for m in ms] for ms in tagged]
        doc_id = doc_id_for(path)
        catalogue.write_document(doc_id, str(path), file_hash(path), meta, pages, passages, mentions)
        catalogue.set_status(doc_id, "ok")
    return catalogue


def test_action_plan_rows_enter_the_register_with_lead_agency_and_target_date(realistic_catalogue):
    register = build_register(realistic_catalogue)
    rows = [r for r in register if r.scope == "action plan"]
    by_agency = {r.agency: r for r in rows}
    assert len(rows) == 7  # 4 in the Northvale plan, 3 in the Eastmoor plan
    probation = by_agency["Probation Service"]
    assert probation.number == "2" and probation.target_date == "January 2024"
    assert probation.text.startswith("Probation should check police domestic abuse records")
    assert probation.source.paragraph == "row 2" and probation.page is not None
    assert all(r.target_date and r.agency for r in rows)
