"""Bad queries get a clear message (exit 2, "Error: ..."), never a traceback; and the passage splitter
is fuzzed: no exception, sane sizes, never across a section, only the input's words in order."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cli import app
from ingest.blocks import Block
from ingest.passages import MAX_WORDS, cut_passages
from ingest.structure import find_structure
from tests.conftest import SEEDS

runner = CliRunner()


@pytest.fixture(scope="module")
def small_db(tmp_path_factory) -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"the user's seed texts are not at {SEEDS}")
    db = tmp_path_factory.mktemp("queries") / "kb"
    result = runner.invoke(app, ["ingest", str(SEEDS / "000_46a52917dd00bfef.txt"), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


BAD_QUERIES = [
    (["ask", ""], r"the query is empty"),
    (["ask", "   \t  "], r"the query is empty"),
    (["ask", "\x00\x01\x02\x1b\x7f\x9b"], r"the query is empty"),
    (["ask", "x" * 10_000], r"the query is 10,000 characters long; keep it under"),
    (["ask", "funding", "--theme", "coercive controll"],
     r"unknown theme 'coercive controll'; did you mean: .*coercive"),
    (["ask", "funding", "--theme", "zzzzqqq"], r"unknown theme 'zzzzqqq'"),
    (["ask", "funding", "--since", "2022", "--until", "2019"],
     r"the start date 2022 is after the end date 2019: no document can match"),
    (["ask", "funding", "--since", "last tuesday"], r"the start date 'last tuesday' is not a date"),
    (["ask", "funding", "--type", "novel"], r"unknown document type 'novel'"),
    (["ask", "funding", "--section", "lesons"], r"unknown section kind 'lesons': choose from .*lessons"),
    (["themes", "--since", "2024", "--until", "2001"], r"the start date 2024 is after the end date 2001"),
    (["themes", "show", "alcohool"], r"unknown theme 'alcohool'; did you mean: .*alcohol"),
    (["themes", "--with", "no-such-theme"], r"unknown theme"),
]


@pytest.mark.slow
@pytest.mark.parametrize("args,message", BAD_QUERIES, ids=[repr(a)[:50] for a, _ in BAD_QUERIES])
def test_a_bad_query_gets_one_clear_error_line(args: list[str], message: str, small_db: Path):
    import re

    result = runner.invoke(app, [*args, "--db", str(small_db)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    err = result.stderr.strip()
    assert err.startswith("Error: "), err
    assert len(err.splitlines()) == 1, err
    assert re.search(message, err), err


@pytest.mark.slow
def test_control_characters_inside_a_real_query_are_ignored(small_db: Path):
    import json

    result = runner.invoke(app, ["ask", "domestic\x00 abuse\x1b[2J\tcontract\r\n", "--db", str(small_db), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)


@pytest.mark.slow
def test_asking_with_no_knowledge_base_says_so(tmp_path: Path):
    result = runner.invoke(app, ["ask", "funding", "--db", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: no knowledge base at")


# --- fuzzing the passage splitter ---------------------------------------------------------------

WORD = st.one_of(
    st.sampled_from(["abuse", "the", "GP", "police", "risk.", "victim,", "4.1", "1.", "Recommendation", "(a)",
                     "Lessons", "Learned", "Item", "17", "RESOLVED", "\u00a3670,490", "agency;", "Why?", "-",
                     "\u2022"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Z", "Cc")), min_size=1, max_size=12),
)
BLOCK_TEXT = st.lists(WORD, min_size=1, max_size=320).map(" ".join)
BLOCKS = st.lists(
    st.builds(Block, text=st.one_of(BLOCK_TEXT, st.sampled_from(["1. Introduction", "Lessons Learned",
                                                                 "Recommendations", "Item 17 - Funding",
                                                                 "Conclusions"])),
              page=st.one_of(st.none(), st.integers(1, 50)), heading_level=st.integers(0, 3)),
    max_size=25,
)


def is_subsequence(needle: list[str], haystack: list[str]) -> bool:
    it = iter(haystack)
    return all(any(w == h for h in it) for w in needle)


def contiguous_in(needle: list[str], haystack: list[str]) -> bool:
    n = len(needle)
    return any(haystack[i:i + n] == needle for i in range(len(haystack) - n + 1))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(BLOCKS)
@example([Block("1. Introduction", None, 0)] * 2 + [Block("abuse | abuse", None, 0)] * 2)  # a table row
def test_the_splitter_never_fails_and_keeps_passages_sane(blocks: list[Block]):
    units = find_structure(blocks)
    passages = cut_passages(units)
    input_words = [w for b in blocks for w in b.text.split()]
    sections: dict[int, list[str]] = {}
    for u in units:
        sections.setdefault(u.section_id, []).extend(u.text.split())
    all_words: list[str] = []
    for i, p in enumerate(passages):
        words = p.text.split()
        assert p.ordinal == i
        assert 1 <= len(words) <= MAX_WORDS or len(words) == 1, len(words)
        # never crosses a section: the passage is a run of one section's words
        assert any(contiguous_in(words, s) for s in sections.values()), p.text
        all_words += words
    # passage text is made only of the input's words, in order
    unit_words = [w for u in units for w in u.text.split()]
    assert is_subsequence(all_words, unit_words)
    assert set(all_words) <= set(input_words) | set(unit_words)
    assert is_subsequence(all_words, input_words) or not all_words or _cleaned(input_words, all_words)


def _cleaned(input_words: list[str], passage_words: list[str]) -> bool:
    """find_structure may strip a printed paragraph number or page furniture, never invent words; a
    table's rows ("a | b") read as "Header: value · Header: value", which adds only the colons and dots."""
    return {w.removesuffix(":") for w in passage_words if w != "·"} <= set(input_words)
