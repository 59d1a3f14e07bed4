"""Property tests: the pure extractors never raise and always return clean blocks."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.html import blocks_from_html
from ingest.pdf import Line, blocks_from_page_lines, remove_running_lines
from ingest.text import blocks_from_text, join_hyphenated, normalise_space

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_clean(blocks) -> None:
    for b in blocks:
        assert b.text, b
        assert b.text == b.text.strip()
        assert "  " not in b.text
        assert not re.search(r"[\n\r\t\u00a0]", b.text)
        assert b.heading_level >= 0


# text with the characters that drive the parser: markup, bullets, numbers, odd whitespace
MARKUPISH = st.lists(
    st.sampled_from(
        list("ab Z1.9#*_-|[]()<>/\t\n\r\u00a0\u2022\u00b7:;&!`~=\\\u00ad\u200b\x00")
        + ["sup", "**", "\n\n", "&amp;", "](", "## ", "- 12. "]
    ),
    max_size=120,
).map("".join)


@FAST
@given(st.text(max_size=400))
def test_blocks_from_text_never_raises_on_any_text(text):
    assert_clean(blocks_from_text(text))
    assert_clean(blocks_from_text(text, markdown=False))


@FAST
@given(MARKUPISH)
def test_blocks_from_text_never_raises_on_markup_soup(text):
    assert_clean(blocks_from_text(text))


WORDS = st.lists(
    st.sampled_from(
        [
            "the",
            "panel",
            "GP",
            "Adult",
            "met",
            "police",
            "risk",
            "agency",
            "£670,490",
            "2021",
            "review",
            "was",
            "told",
        ]
    ),
    min_size=1,
    max_size=12,
)


@FAST
@given(st.lists(WORDS, min_size=1, max_size=8), st.sampled_from(["\n", "\r\n", "\r"]))
def test_plain_prose_loses_no_words_and_keeps_their_order(paragraphs, newline):
    text = (newline * 2).join(" ".join(p) for p in paragraphs)
    blocks = blocks_from_text(text)
    assert " ".join(b.text for b in blocks).split() == text.split()


@FAST
@given(st.text(max_size=400))
def test_blocks_from_html_never_raises_on_any_text(text):
    assert_clean(blocks_from_html(text).blocks)


TAGS = [
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "h1",
    "h3",
    "table",
    "tr",
    "td",
    "th",
    "br",
    "nav",
    "main",
    "article",
    "script",
    "span",
    "b",
    "dl",
    "dt",
    "dd",
    "form",
    "header",
    "footer",
    "pre",
]
FRAGMENT = st.recursive(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20),
    lambda inner: st.tuples(
        st.sampled_from(TAGS),
        st.sampled_from(
            ["", ' class="cookie-banner"', " hidden", ' id="mgContent"', ' style="display:none"']
        ),
        st.lists(inner, max_size=4),
    ).map(lambda t: f"<{t[0]}{t[1]}>{''.join(t[2])}</{t[0]}>"),
    max_leaves=25,
)


@FAST
@given(FRAGMENT)
def test_blocks_from_html_never_raises_on_random_markup(html):
    assert_clean(blocks_from_html(f"<html><body>{html}</body></html>").blocks)


LINES = st.lists(
    st.builds(
        Line,
        text=st.text(min_size=1, max_size=60).map(normalise_space).filter(bool),
        x=st.floats(0, 600),
        y=st.floats(0, 842),
        size=st.floats(4, 30),
        bold=st.booleans(),
    ),
    max_size=12,
)


@FAST
@given(st.lists(LINES, min_size=1, max_size=5))
def test_pdf_paragraphs_from_any_lines(pages):
    blocks = blocks_from_page_lines(remove_running_lines(pages))
    assert_clean(blocks)
    page_numbers = [b.page for b in blocks]
    assert page_numbers == sorted(page_numbers)
    assert all(1 <= p <= len(pages) for p in page_numbers)


@FAST
@given(
    st.text(alphabet="abcXY-", min_size=1, max_size=12), st.text(alphabet="abcXY1", min_size=1, max_size=12)
)
def test_hyphen_joining_keeps_every_letter(left, right):
    joined = join_hyphenated(left + "-", right)
    assert joined.replace("-", "") == (left + right).replace("-", "")
