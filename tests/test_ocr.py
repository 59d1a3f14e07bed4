"""OCR of scanned PDF pages (issue 16): whole scans, one scanned page in a digital PDF, --no-ocr, no tesseract.

The scans in tests/fixtures/scans/ are made by make_scans.py from the realistic DHRs, so the text they
should give is known: the text layer of the original pages.
"""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

import pytest

from ingest.extract import extract
from ingest.ocr import INSTALL_HINT, read_tsv
from kb.errors import NoTextError

SCANS = Path(__file__).parent / "fixtures" / "scans"
REALISTIC = Path(__file__).parent / "fixtures" / "realistic"
SCAN = SCANS / "scan_northvale_p1-3.pdf"
MIXED = SCANS / "mixed_eastmoor_scan_p3.pdf"

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr is not installed")

HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"


def tsv(*words: tuple[int, int, int, int, float, str], line: int = 1) -> list[str]:
    return [f"5\t1\t1\t1\t{line}\t{i}\t{x}\t{y}\t{w}\t{h}\t{c}\t{t}" for i, (x, y, w, h, c, t) in enumerate(words, 1)]


def test_tsv_words_become_lines_in_pdf_space_with_specks_dropped_and_skew_undone():
    # three lines of a sheet turned by about 1.1 degrees (1 pixel in 50) at 300 dpi, on an A4 page
    slope = 0.02
    rows = [HEADER, "5\t1\t1\t1\t1\t1\t240\t290\t12\t8\t35\t~"]  # a speck before the first line
    texts = ["The panel met twice in the spring.", "It agreed the plan and the terms.", "Then it wrote the report."]
    for number, text in enumerate(texts, start=1):
        base = 300 + 60 * number  # the bottom of the line's words, were the sheet straight
        for i, word in enumerate(text.split()):
            x = 300 + 130 * i
            left, bottom = x - slope * base, base + slope * x
            rows.append(f"5\t1\t1\t1\t{number}\t{i + 1}\t{left:.0f}\t{bottom - 40:.0f}\t100\t40\t93\t{word}")
    lines = read_tsv("\n".join(rows), 300, 842.0)
    assert [ln.text for ln in lines] == texts  # the "~" speck is gone
    assert lines[0].y > lines[1].y > lines[2].y  # y grows upwards
    for upper, lower in zip(lines, lines[1:], strict=False):
        assert abs((upper.y - lower.y) - 60 * 72 / 300) < 0.3  # the pitch survives the skew
    assert max(ln.x for ln in lines) - min(ln.x for ln in lines) < 0.5  # one left margin, not a slanting one
    assert all(0.9 < ln.confidence < 0.95 for ln in lines)
    assert len({ln.size for ln in lines}) == 1


@needs_tesseract
@pytest.mark.slow  # runs Tesseract on real page images
def test_a_scanned_pdf_gives_passages_on_the_right_pages_with_known_sentences():
    extracted = extract(SCAN)
    assert extracted.page_count == 3
    assert extracted.meta["ocr_pages"] == "1,2,3"
    assert float(extracted.meta["ocr_confidence"]) > 0.8
    by_page = {}
    for block in extracted.blocks:
        assert block.ocr_confidence is not None
        by_page.setdefault(block.page, []).append(block.text)
    assert any("Domestic Homicide Review" in t for t in by_page[1])
    page3 = " ".join(by_page[3])
    assert "The panel met six times." in page3
    assert "The key lines of enquiry were how agencies identified risk, how they shared information" in page3
    # a passage as a whole: nearly every character right (OCR may still miss one accent or full stop)
    wanted = ("The review considered the period from 1 January 2019 to the date of Anna's death. "
              "Agencies were asked to provide individual management reviews.")
    best = max(difflib.SequenceMatcher(None, wanted, t).ratio() for t in by_page[3])
    assert best > 0.97


@needs_tesseract
@pytest.mark.slow  # runs Tesseract on real page images
def test_the_scanned_page_of_a_digital_pdf_is_read_and_the_others_keep_their_text_layer():
    extracted = extract(MIXED)
    assert extracted.meta["ocr_pages"] == "3"
    assert "pages_without_text" not in extracted.meta
    scanned = [b for b in extracted.blocks if b.page == 3]
    assert scanned and all(b.ocr_confidence is not None for b in scanned)
    assert all(b.ocr_confidence is None for b in extracted.blocks if b.page != 3)
    text = " ".join(b.text for b in scanned)
    assert "This fictional Domestic Homicide Review concerns Mr B" in text


def test_no_ocr_refuses_a_scan_as_before_and_leaves_a_scanned_page_empty():
    with pytest.raises(NoTextError) as err:
        extract(SCAN, ocr=False)
    assert err.value.reason == "no text layer: needs OCR"
    mixed = extract(MIXED, ocr=False)
    assert mixed.meta["pages_without_text"] == "3"
    assert not [b for b in mixed.blocks if b.page == 3]


def test_without_tesseract_a_scan_fails_saying_what_to_install(monkeypatch):
    monkeypatch.setattr("ingest.ocr.tesseract_path", lambda: None)
    with pytest.raises(NoTextError) as err:
        extract(SCAN)
    assert err.value.reason == INSTALL_HINT == (
        "needs OCR: install tesseract-ocr (apt-get install tesseract-ocr tesseract-ocr-eng)")
    assert extract(MIXED).meta["pages_without_text"] == "3"  # the digital pages are still read


@needs_tesseract
@pytest.mark.slow  # runs Tesseract on real page images
def test_a_query_that_finds_a_passage_in_the_original_finds_it_in_the_scan_on_the_same_page(tmp_path):
    from ingest.pipeline import Ingestor
    from kb.config import Settings
    from kb.query import Query
    from kb.tagger import ThemeTagger
    from reports.answers import ask
    from reports.documents import show_document
    from tests.smallkb import open_stores

    docs = tmp_path / "docs"
    docs.mkdir()
    original = docs / "original.pdf"
    shutil.copy(REALISTIC / "dhr_eastmoor_mr_b_2023.pdf", original)
    scan = docs / "scan.pdf"  # its page 3 is a scan of the original's page 3
    shutil.copy(MIXED, scan)
    stores = open_stores(Settings(db=tmp_path / "kb"))
    seen: list[tuple[int, int]] = []
    report = Ingestor(stores.catalogue, stores.vectors, stores.embedder, ThemeTagger(),
                      ocr_progress=lambda done, total, path: seen.append((done, total))).run([docs])
    assert not report.failed, report.failed
    assert seen == [(0, 1), (1, 1)]  # progress, page by page

    answer = ask(Query("the crisis team discharge summary went to the GP only", top=10, per_doc=None), stores)
    pages: dict[str, set[int | None]] = {}
    for excerpt in answer.excerpts:
        if "discharge summary went to the GP only" in excerpt.text:
            for source in excerpt.sources:
                pages.setdefault(Path(source.path).name, set()).add(source.page)
    assert pages.get("original.pdf") == {3}
    assert pages.get("scan.pdf") == {3}

    view = show_document(stores.catalogue, str(scan))
    shown = view.to_dict()
    assert shown["ocr"]["pages"] == [3] and shown["ocr"]["confidence"] > 0.8
    assert {p["page"] for p in shown["passages"] if p["ocr"]} == {3}
    assert "read by OCR (scanned): page 3" in view.to_text() and "[OCR]" in view.to_text()
    digital = show_document(stores.catalogue, str(original)).to_dict()
    assert digital["ocr"] is None and not any(p["ocr"] for p in digital["passages"])
    json.dumps(shown)
    stores.catalogue.close()
