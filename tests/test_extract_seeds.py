"""The five real council pages in /work/shared/seeds, read through extract().

The seeds live outside the project (they may not be copied into it); the tests skip when absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.extract import extract

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed documents not found at {SEEDS}")


def seed(prefix: str):
    matches = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not matches:
        pytest.skip(f"seed {prefix} not found in {SEEDS}")
    return extract(matches[0])


def texts(doc) -> list[str]:
    return [b.text for b in doc.blocks]


def one(doc, needle: str) -> str:
    found = [t for t in texts(doc) if needle in t]
    assert len(found) == 1, f"{needle!r} in {len(found)} blocks"
    return found[0]


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_every_seed_gives_clean_blocks(prefix):
    doc = seed(prefix)
    assert len(doc.blocks) >= 10
    for b in doc.blocks:
        assert b.text and b.text == b.text.strip()
        assert "  " not in b.text and "\u00a0" not in b.text and "\n" not in b.text
        assert "**" not in b.text and "<sup>" not in b.text and "](" not in b.text
        assert not b.text.startswith(("·", "- ", "• "))
        assert b.page is None
    assert doc.page_count is None


def test_004_item_17_number_title_and_funding_paragraph():
    t = texts(seed("004"))
    i = t.index("17.")
    assert t[i + 1].startswith("Domestic Abuse")
    funding = one(seed("004"), "£670,490")
    assert funding.startswith("Members heard that the overall annual contract value")
    assert "£2,157,000" in funding and "£544,997 (22%)" in funding
    assert funding.endswith("good value for money from their contribution.")
    for n in ("15.", "16.", "18.", "19.", "20."):
        assert n in t


def test_000_and_004_share_the_item_17_paragraphs_word_for_word():
    a, b = set(texts(seed("000"))), set(texts(seed("004")))
    assert one(seed("000"), "£670,490") in b
    assert len(a & b) >= 6


def test_000_non_breaking_space_lines_are_blank():
    t = texts(seed("000"))
    assert t[0] == "Issue - meetings"
    assert len([x for x in t if x.startswith("Members")]) == 3
    assert t[-1].endswith("view the full minutes text for item 17")


def test_001_recommendations_table_and_numbered_paragraphs():
    doc = seed("001")
    t = texts(doc)
    assert "Victim service | 21,884 | 13,678 | 7,669 | 4,771" in t
    assert "Pan-Staffordshire | Staffordshire | Pan-Staffordshire | Staffordshire" in t
    # paragraphs numbered 1. .. 18. each start a block
    for n in range(1, 19):
        assert any(x.startswith(f"{n}. ") for x in t), n
    # list items lose their "- " marker but keep their letter
    assert any(x.startswith("a. Agree that the Domestic Abuse victim") for x in t)
    assert any(x.startswith("b. Early Intervention (Tier 2)") for x in t)
    # a paragraph broken by a blank line mid-sentence is rejoined
    quote = one(doc, "recognised nationally shows")
    assert quote.endswith("regardless of where they live in the county.”")
    assert "Report Author: Trish Caldwell" in t


def test_002_markdown_headings_and_numbered_paragraphs():
    doc = seed("002")
    heads = {b.text: b.heading_level for b in doc.blocks if b.heading_level}
    assert heads["Background"] == 4  # "#### **Background**"
    assert heads["Domestic Abuse"] == 3
    assert heads["Safe and Strong Communities Select Committee – 15th January 2018"] == 2
    assert heads["Governance:"] == 4  # a bold-only line under a "###" heading
    assert doc.title_hint == "Safe and Strong Communities Select Committee – 15th January 2018"
    t = texts(doc)
    assert any(x.startswith("12. As part of the re-commissioning process") for x in t)
    six = one(doc, "Commissioners met with organisations")
    assert six.startswith("6. ") and six.endswith("these were very well received.")
    assert "Helpline e-mail address: talktoeve@pathway-project.co.uk" in t
    dhr = one(doc, "A Domestic Homicide Review (DHR) is a review")
    assert dhr.startswith("16. ")
    assert any(x.startswith("a. A person to whom they were related") for x in t)


def test_003_bullets_and_money():
    doc = seed("003")
    t = texts(doc)
    assert t[:3] == [
        "Agendas, Meetings and Minutes - Agenda item",
        "Agenda item",
        "Domestic Abuse and Children",
    ]
    assert any(x.startswith("The Panel was reminded that the Public Health Team") for x in t)
    assert "£194,000" in one(doc, "Domestic Abuse Grant included a total")
    assert t[-1] == "Supporting documents:"
