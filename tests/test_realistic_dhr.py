"""Realistic DHR overview reports (fictional, built by tests/fixtures/realistic/make_realistic.py) read as a
reader sees them: no cover or contents text in passages, footnotes apart from the text that cites them,
every chronology and action-plan row one passage with its cells, headings as printed."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest

from ingest.extract import extract
from ingest.passages import cut_passages
from ingest.structure import find_structure
from kb.models import Passage

HERE = Path(__file__).resolve().parent / "fixtures" / "realistic"
LABELS = json.loads((HERE / "labels.json").read_text("utf-8"))
FILES = sorted(LABELS)


@cache
def passages(name: str) -> tuple[Passage, ...]:
    return tuple(cut_passages(find_structure(extract(HERE / name).blocks)))


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("name", FILES)
def test_labels_have_the_keys_the_metadata_benchmark_reads(name: str) -> None:
    assert set(LABELS[name]) == {"title", "body", "area", "date", "type", "headings", "paragraphs", "table_rows",
                                 "footnotes"}


@pytest.mark.parametrize("name", FILES)
def test_every_printed_heading_is_a_section_and_no_contents_line_is(name: str) -> None:
    sections = {p.section for p in passages(name)}
    for heading in LABELS[name]["headings"]:
        assert heading in sections, f"{heading!r} not found as a section"
    assert not any(re.search(r"\.{4,}", s or "") for s in sections)


@pytest.mark.parametrize("name", FILES)
def test_no_passage_holds_contents_or_cover_text(name: str) -> None:
    for p in passages(name):
        assert not re.search(r"\.{4,}\s*\d", p.text), p.text
        assert "FICTIONAL TEST DOCUMENT" not in p.text
        assert p.section_kind != "other", p.text


@pytest.mark.parametrize("name", FILES)
def test_numbered_paragraphs_keep_their_printed_number_and_page(name: str) -> None:
    for sample in LABELS[name]["paragraphs"]:
        printed = squash(f"{sample['number']} {sample['starts']}")
        found = [p for p in passages(name) if printed in squash(p.text)]
        assert found, sample
        assert found[0].page == sample["page"]
        assert found[0].paragraph.split("\u2013")[0].startswith(sample["number"].split(".")[0])


@pytest.mark.parametrize("name", FILES)
def test_footnotes_are_passages_of_their_own_never_inside_body_text(name: str) -> None:
    notes = [p for p in passages(name) if p.section_kind == "footnote"]
    for text in LABELS[name]["footnotes"]:
        assert any(squash(text) in squash(n.text) for n in notes), text
        for p in passages(name):
            if p.section_kind != "footnote":
                assert squash(text)[:40] not in squash(p.text)


@pytest.mark.parametrize("name", FILES)
def test_footnote_references_are_not_glued_to_the_words_they_follow(name: str) -> None:
    body = " ".join(p.text for p in passages(name) if p.section_kind != "footnote")
    assert not re.search(r"\b(?:2004|reviews|enquiry|present|police|guidance)\.\d\b", body)


@pytest.mark.parametrize("name", FILES)
def test_every_table_row_is_one_passage_with_its_column_names(name: str) -> None:
    rows = [p for p in passages(name) if p.paragraph.startswith("row ")]
    assert len(rows) == LABELS[name]["table_rows"]
    chronology = [p for p in rows if p.section_kind == "chronology"]
    actions = [p for p in rows if p.section_kind == "action_plan"]
    assert chronology and actions
    for p in chronology:
        assert re.match(r"Date: .+ \u00b7 Agency: .+ \u00b7 Event: .+", p.text), p.text
    for p in actions:
        assert re.match(r"Recommendation: .+ \u00b7 Action: .+ \u00b7 Lead agency: .+ \u00b7 Target date: .+", p.text)
    assert [p.paragraph for p in chronology] == [f"row {i}" for i in range(1, len(chronology) + 1)]


def test_a_row_cut_by_a_page_break_is_one_passage_at_the_page_it_starts() -> None:
    row = next(p for p in passages("dhr_northvale_anna_2024.pdf") if "30 April 2020" in p.text)
    assert row.page == 3
    assert "It was closed because Anna was assessed as having capacity" in row.text


def test_a_heading_that_wraps_is_one_heading() -> None:
    sections = {p.section for p in passages("dhr_northvale_anna_2024.pdf")}
    assert "4. Analysis of Agency Involvement with Anna and with Her Partner" in sections
    assert not any(p.text.startswith("Her Partner") for p in passages("dhr_northvale_anna_2024.pdf"))


def test_a_page_left_blank_on_purpose_gives_no_text() -> None:
    assert not any("intentionally left blank" in p.text.lower() for p in passages("dhr_northvale_anna_2024.pdf"))


def test_the_cover_stays_available_to_metadata_detection() -> None:
    blocks = extract(HERE / "dhr_northvale_anna_2024.pdf").blocks
    cover = [b.text for b in blocks if b.role == "cover"]
    assert "Domestic Homicide Review" in cover
    assert "Date: 14 March 2024" in cover


@pytest.mark.parametrize("name", FILES)
def test_the_word_original_gives_the_same_named_rows(name: str) -> None:
    docx = name.removesuffix(".pdf") + ".docx"
    rows = [p for p in passages(docx) if p.paragraph.startswith("row ")]
    assert len(rows) == LABELS[name]["table_rows"]
    assert all(re.match(r"(Date|Recommendation): ", p.text) for p in rows)
    assert not any(" | " in p.text for p in passages(docx))


@pytest.mark.parametrize("name", FILES)
def test_the_word_original_has_its_footnotes_as_notes_and_its_cover_out_of_the_passages(name: str) -> None:
    docx = name.removesuffix(".pdf") + ".docx"
    notes = [p for p in passages(docx) if p.section_kind == "footnote"]
    assert [squash(n.text) for n in notes] == [f"{i} {squash(t)}" for i, t in
                                               enumerate(LABELS[name]["footnotes"], start=1)]
    assert [n.paragraph for n in notes] == [f"note {i}" for i in range(1, len(notes) + 1)]
    assert not any("FICTIONAL TEST DOCUMENT" in p.text or p.section_kind == "other" for p in passages(docx))
    cover = [b.text for b in extract(HERE / docx).blocks if b.role == "cover"]
    assert "Domestic Homicide Review" in cover
