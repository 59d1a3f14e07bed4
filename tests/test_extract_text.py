"""Plain text and Markdown: paragraphs, headings, bullets, tables, decoding, line endings."""

from __future__ import annotations

import pytest

from ingest.blocks import Block
from ingest.extract import extract
from ingest.text import (
    blocks_from_text,
    decode_text,
    ends_mid_clause,
    heading_shaped,
    join_broken_lines,
    join_hyphenated,
    normalise_space,
    strip_inline_markdown,
)
from kb.errors import CorruptFileError, FileTooLargeError, NoTextError


def texts(blocks: list[Block]) -> list[str]:
    return [b.text for b in blocks]


# --------------------------------------------------------------------------------------------
# Paragraphs
# --------------------------------------------------------------------------------------------


def test_blank_lines_separate_paragraphs_and_wrapped_lines_join():
    text = "The panel met on six\noccasions in 2021.\n\nThe GP saw Adult A\nseven times.\n"
    assert blocks_from_text(text) == [
        Block("The panel met on six occasions in 2021."),
        Block("The GP saw Adult A seven times."),
    ]


def test_lines_of_only_spaces_or_non_breaking_spaces_are_blank():
    text = "First paragraph.\n\u00a0\nSecond paragraph.\n \u00a0 \t\nThird paragraph."
    assert texts(blocks_from_text(text)) == ["First paragraph.", "Second paragraph.", "Third paragraph."]


def test_whitespace_is_normalised():
    [block] = blocks_from_text("  The\u00a0panel   met\t\tin\u2009May.  ")
    assert block.text == "The panel met in May."
    assert block.page is None and block.heading_level == 0


def test_long_lines_are_one_paragraph_each():
    # a file saved from a web page: lines are paragraphs, not hard-wrapped text
    long = "Members heard that the overall annual contract value for the service was reviewed " * 2
    text = f"{long}\nReport Author: A Person\nJob Title: Commissioner\n"
    assert texts(blocks_from_text(text)) == [
        long.strip(),
        "Report Author: A Person",
        "Job Title: Commissioner",
    ]


def test_lower_case_paragraph_continues_an_unfinished_one():
    text = (
        "We recommend that the arrangements continue for at least three years to\n\n"
        "ensure victims can access services.\n\nNext paragraph."
    )
    assert texts(blocks_from_text(text)) == [
        "We recommend that the arrangements continue for at least three years to "
        "ensure victims can access services.",
        "Next paragraph.",
    ]


def test_finished_sentence_is_not_continued():
    text = "The panel met.\n\nand this is a separate fragment."
    assert texts(blocks_from_text(text)) == ["The panel met.", "and this is a separate fragment."]


def test_hyphenated_wrapped_lines():
    text = "The multi-agen-\ncy response to her self-\nharm was not co-\nordinated.\n\nThe agency met."
    assert (
        texts(blocks_from_text(text))[0] == "The multi-agency response to her self-harm was not co-ordinated."
    )


# --------------------------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------------------------


def test_markdown_headings_have_levels():
    text = (
        "# Report\n\n## **Safe and Strong Communities – 15<sup>th</sup> January 2018**\n\n"
        "### Summary\n\n#### **Background**\n\nBody."
    )
    assert blocks_from_text(text) == [
        Block("Report", heading_level=1),
        Block("Safe and Strong Communities – 15th January 2018", heading_level=2),
        Block("Summary", heading_level=3),
        Block("Background", heading_level=4),
        Block("Body."),
    ]


def test_bold_only_line_is_a_heading_one_below_the_last_hash_heading():
    text = "### **Method:**\n\nText.\n\n**Governance:**\n\nMore text.\n\n**Name:** Julie Long"
    assert blocks_from_text(text) == [
        Block("Method:", heading_level=3),
        Block("Text."),
        Block("Governance:", heading_level=4),
        Block("More text."),
        Block("Name: Julie Long"),
    ]


def test_bold_only_line_without_hash_headings_is_level_one():
    assert blocks_from_text("**Recommendations**\n\nText.")[0] == Block("Recommendations", heading_level=1)


def test_setext_headings():
    assert blocks_from_text("Overview\n========\n\nDetail\n------\n\nText.") == [
        Block("Overview", heading_level=1),
        Block("Detail", heading_level=2),
        Block("Text."),
    ]


def test_inline_markdown_is_flattened():
    assert (
        strip_inline_markdown("see [Published DHRs](#) and [mail](mailto:a@b.uk)")
        == "see Published DHRs and mail"
    )
    assert (
        strip_inline_markdown("**bold** and *italic* and _under_ and `code`")
        == "bold and italic and under and code"
    )
    assert strip_inline_markdown("15<sup>th</sup> &amp; 1<SUP>st</SUP>") == "15th & 1st"
    assert strip_inline_markdown("snake_case_name and a*b*c stay") == "snake_case_name and a*b*c stay"
    text = '*"The local authority has worked well".*'
    assert texts(blocks_from_text(text)) == ['"The local authority has worked well".']


def test_markdown_is_not_applied_when_turned_off():
    assert texts(blocks_from_text("# not a heading", markdown=False)) == ["# not a heading"]


def test_horizontal_rules_are_dropped():
    assert texts(blocks_from_text("Above.\n\n---\n\nBelow.\n\n***")) == ["Above.", "Below."]


# --------------------------------------------------------------------------------------------
# Lists and tables
# --------------------------------------------------------------------------------------------


def test_each_bullet_starts_a_block_and_loses_its_marker():
    text = (
        "Points made:\n"
        "·\u00a0\u00a0\u00a0\u00a0  The Panel was reminded of its role.\n"
        "- a. Agree that services be re-commissioned.\n"
        " - b. Early Intervention (Tier 2).\n"
        "* A starred item\n"
        "• A round bullet\n"
        "- 12. As part of the re-commissioning process, a Needs Assessment was done.\n"
    )
    assert texts(blocks_from_text(text)) == [
        "Points made:",
        "The Panel was reminded of its role.",
        "a. Agree that services be re-commissioned.",
        "b. Early Intervention (Tier 2).",
        "A starred item",
        "A round bullet",
        "12. As part of the re-commissioning process, a Needs Assessment was done.",
    ]


def test_numbered_lines_start_blocks_even_without_blank_lines():
    text = (
        "1. The first paragraph\nwraps here.\n2. The second one.\n"
        "4.2.1 A deeper one.\nat 10.30 am the panel met"
    )
    assert texts(blocks_from_text(text)) == [
        "1. The first paragraph wraps here.",
        "2. The second one.",
        "4.2.1 A deeper one. at 10.30 am the panel met",
    ]


def test_bare_minute_number_is_its_own_block():
    text = "17.\n\nDomestic Abuse\n\nMinutes:\n\nThe Committee heard that the value was £670,490."
    assert texts(blocks_from_text(text)) == [
        "17.",
        "Domestic Abuse",
        "Minutes:",
        "The Committee heard that the value was £670,490.",
    ]


def test_tab_separated_rows_are_table_blocks():
    text = "Referrals:\n\tPan-Staffordshire\tStaffordshire\nVictim service\t21,884\t13,678\n"
    assert texts(blocks_from_text(text)) == [
        "Referrals:",
        "Pan-Staffordshire | Staffordshire",
        "Victim service | 21,884 | 13,678",
    ]


def test_markdown_pipe_tables():
    text = "| Agency | Contacts |\n|---|---:|\n| Police | 4 |\n| GP | 7 |"
    assert texts(blocks_from_text(text)) == ["Agency | Contacts", "Police | 4", "GP | 7"]


# --------------------------------------------------------------------------------------------
# Decoding and line endings (through the file extractor)
# --------------------------------------------------------------------------------------------


def test_cp1252_file_keeps_the_pound_sign(tmp_path):
    path = tmp_path / "minutes.txt"
    path.write_bytes("The contribution was £670,490 – agreed.\r\n".encode("cp1252"))
    doc = extract(path)
    assert doc.blocks == [Block("The contribution was £670,490 – agreed.")]
    assert doc.meta["encoding"] == "cp1252"


def test_utf8_with_bom(tmp_path):
    path = tmp_path / "bom.md"
    path.write_bytes("\ufeff# Title\n\nCost £5.".encode("utf-8"))
    doc = extract(path)
    assert doc.blocks == [Block("Title", heading_level=1), Block("Cost £5.")]
    assert doc.title_hint == "Title"
    assert doc.meta["format"] == "markdown"


def test_utf16_with_bom(tmp_path):
    path = tmp_path / "wide.txt"
    path.write_bytes("Line one.\n\nLine £two.".encode("utf-16"))
    assert texts(extract(path).blocks) == ["Line one.", "Line £two."]


def test_mixed_line_endings(tmp_path):
    path = tmp_path / "mixed.text"
    path.write_bytes(b"First para\r\nstill first.\r\n\r\nSecond para.\rThird\n\nFourth.\r\rFifth.")
    assert texts(extract(path).blocks) == [
        "First para still first.",
        "Second para. Third",
        "Fourth.",
        "Fifth.",
    ]


def test_cp1252_bytes_undefined_in_cp1252_do_not_fail():
    text, enc = decode_text(b"caf\xe9 \x81 \xa3")
    assert enc == "cp1252" and text.startswith("café") and text.endswith("£")


def test_zero_byte_and_whitespace_files_are_empty(tmp_path):
    for name, data in [("a.txt", b""), ("b.md", b"  \n\r\n\t "), ("c.text", "\u00a0\n".encode())]:
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(NoTextError) as err:
            extract(path)
        assert err.value.reason == "empty file"


def test_binary_named_txt_is_refused(tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    with pytest.raises(CorruptFileError) as err:
        extract(path)
    assert err.value.reason == "not a text file (content looks like a PDF)"


def test_text_size_limit(tmp_path, monkeypatch):
    import ingest.text

    path = tmp_path / "big.txt"
    path.write_text("x" * 2000)
    monkeypatch.setattr(ingest.text, "MAX_TEXT_BYTES", 1000)
    with pytest.raises(FileTooLargeError):
        extract(path)


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "right", "vocab", "expected"),
    [
        ("multi-agen-", "cy work", set(), "multi-agency work"),  # -cy is never a word
        ("the self-", "harm team", set(), "the self-harm team"),  # compound prefix
        ("infor-", "mation", set(), "information"),  # unknown fragments: joined
        ("safe-", "guarding", {"safeguarding"}, "safeguarding"),  # the document uses the joined word
        ("decision-", "making", {"decision-making"}, "decision-making"),  # ... or the hyphenated one
        ("child-", "minder", {"child", "minder"}, "child-minder"),
        ("Stoke-on-", "Trent", set(), "Stoke-on-Trent"),  # capital after the hyphen
        ("COVID-", "19", set(), "COVID-19"),
        ("soft\u00ad", "ware", set(), "software"),
    ],
)
def test_join_hyphenated(left, right, vocab, expected):
    assert join_hyphenated(left, right, vocab) == expected


def test_join_broken_lines_keeps_dashes_between_words():
    assert join_broken_lines("the panel -", "and the police") == "the panel - and the police"
    assert join_broken_lines("ends", "starts") == "ends starts"


def test_normalise_space_drops_controls_and_zero_width():
    assert normalise_space("a\x00b\u200bc\u00ad d\x0b\x0ce\u2028f") == "abc d e f"


@pytest.mark.parametrize(("line", "heading"), [
    ("What needs to improve?", True),  # a question heading (Ofsted, DfE)
    ("The local authority", True),
    ("Recommendations", True),
    ("The panel met six times.", False),  # a sentence
    ("Total 586.1 621.6 +35.4", False),  # a totals row
    ("4.2", False),  # a bare paragraph number
    ("and the police were told", False),  # a continuation
    ("The agencies involved were:", False),  # a lead-in
    ("A heading that goes on for far too many words to be anything but a sentence of body text", False),
])
def test_which_short_lines_are_shaped_like_headings(line: str, heading: bool) -> None:
    assert heading_shaped(line) is heading


@pytest.mark.parametrize(("text", "mid_clause"), [
    ("consideration is routinely given to", True),
    ("the panel heard from the family,", True),
    ("Northdown Road Family Hub has been valued at", True),
    ("The panel met six times.", False),
    ("Section 9 of the Act To", False),  # a capital is not a function word
    ("Revenue Budget Forecast", False),
    ("Who is this advice for?", False),
])
def test_which_lines_stop_where_no_sentence_can_end(text: str, mid_clause: bool) -> None:
    assert ends_mid_clause(text) is mid_clause
