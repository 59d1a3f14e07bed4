"""Passages: 60-250 word coherent runs that never cross a section, with a findable paragraph label."""

import pytest

from ingest.blocks import Block
from ingest.passages import MAX_WORDS, MIN_WORDS, cut_passages
from ingest.structure import find_structure
from kb.sentences import split_sentences


def words(n: int, word: str = "abuse") -> str:
    return " ".join([word] * (n - 1)) + " end."


def passages_of(*texts: str):
    return cut_passages(find_structure([Block(t) for t in texts]))


def test_a_full_paragraph_stands_alone():
    ps = passages_of("4. Analysis", "4.1 " + words(80), "4.2 " + words(90))
    assert [p.paragraph for p in ps] == ["4.1", "4.2"]
    assert all(p.section == "4. Analysis" for p in ps)


def test_short_paragraphs_join_the_ones_that_follow_until_long_enough():
    ps = passages_of("Background", words(20), words(20), words(30), words(100))
    assert [p.word_count for p in ps] == [70, 100]
    assert ps[0].paragraph == "\u00b61\u20133"


def test_passages_never_cross_a_heading():
    ps = passages_of("1. Introduction", words(10), "2. Terms of Reference", words(10))
    assert len(ps) == 2
    assert [p.section_kind for p in ps] == ["introduction", "terms_of_reference"]


def test_long_paragraphs_split_at_sentence_ends_within_the_limit():
    sentence = "The GP did not ask about abuse at home during any of the nine appointments. "
    ps = passages_of("4. Analysis", "4.3 " + sentence * 40)
    assert len(ps) > 1
    assert all(p.word_count <= MAX_WORDS for p in ps)
    assert all(p.paragraph == "4.3" for p in ps)
    assert all(p.text.rstrip().endswith(".") for p in ps)


def test_ordinals_count_passages_in_document_order():
    ps = passages_of("A Heading", words(70), words(70), "B Heading", words(70))
    assert [p.ordinal for p in ps] == [0, 1, 2]


def test_same_section_in_two_documents_gives_the_same_passage_ids():
    item = ["17.", "Domestic Abuse", words(70, "funding"), words(80, "referrals")]
    a = passages_of("Issue - meetings", *item)
    b = passages_of("15.", "Declarations", words(30, "interest"), *item, "18.", "Other", words(70))
    ids_b = {p.passage_id for p in b}
    assert {p.passage_id for p in a} <= ids_b


def test_page_title_lines_before_any_heading_are_not_passages():
    assert passages_of("Issue - meetings", "Domestic Abuse") == []


@pytest.mark.parametrize("text,expected", [
    ("One. Two? Three!", ["One.", "Two?", "Three!"]),
    ("Mr B. Smith said no.", ["Mr B.", "Smith said no."]),  # acceptable: splits stay inside the paragraph
    ("The figure was 31.5% in 2021. It rose.", ["The figure was 31.5% in 2021.", "It rose."]),
])
def test_sentence_splitting_keeps_every_character(text, expected):
    assert split_sentences(text) == expected


def test_limits_are_the_documented_ones():
    assert (MIN_WORDS, MAX_WORDS) == (60, 250)


def test_a_table_with_row_labels_under_an_empty_corner_cell_gives_one_passage_per_row():
    # the readers drop empty cells, so the header row has one cell fewer than the rows it heads
    ps = passages_of(
        "5. Referrals to the services are shown in the table below.",
        "2021/22 | 2022/23",
        "Victim service | 21,884 | 7,669",
        "Perpetrator service | 1,200 | 286",
        "6. Overarching governance for the contract is provided by the Commissioning Board. " + words(40),
    )
    texts = [p.text for p in ps]
    assert "Victim service \u00b7 2021/22: 21,884 \u00b7 2022/23: 7,669" in texts
    assert "Perpetrator service \u00b7 2021/22: 1,200 \u00b7 2022/23: 286" in texts
    assert texts[-1].startswith("6. Overarching governance")  # the next numbered paragraph stands on its own


def test_rows_that_do_not_match_the_header_stay_as_they_are():
    ps = passages_of("Notes", "Police | GP", "Victim service | 21,884 | 7,669 | 12", words(70))
    assert not any("\u00b7" in p.text for p in ps)
