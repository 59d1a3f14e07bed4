"""The field's vocabulary (index/data/vocabulary.toml): how a query's words are matched to its forms."""

from __future__ import annotations

from index.vocabulary import expansions


def test_a_curly_apostrophe_matches_as_a_straight_one():
    assert "DVDS" in expansions("was a Clare\u2019s Law application made")


def test_a_hyphen_and_a_space_between_words_match_either_way():
    assert "strangulation" not in expansions("non fatal strangulation")  # the query's own word is not added
    assert "choking" in expansions("non fatal strangulation")
    assert "MASH" in expansions("a multi agency safeguarding hub")


def test_a_plural_matches_its_singular_form():
    assert "independent sexual violence adviser" in expansions("ISVAs")
    assert "SAR" in expansions("two safeguarding adults reviews")


def test_an_acronym_that_is_a_word_still_matches_only_in_capitals_even_as_a_plural():
    assert expansions("mashes") == []
    assert "safeguarding adults review" in expansions("the SARs")
