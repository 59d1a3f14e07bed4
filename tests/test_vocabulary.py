"""The field's vocabulary (index/data/vocabulary.toml): how a query's words are matched to its forms."""

from __future__ import annotations

import re

import pytest

from index.lexical import fts_terms, lexical_search
from index.vocabulary import expansions, form_pattern, vocabulary
from kb.catalogue import SCHEMA, TOKENIZE, Catalogue, fts_tokens


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


def test_the_vocabulary_loads_and_each_entry_finds_its_own_forms():
    terms = vocabulary()
    assert len(terms) > 100
    for term in terms:
        assert len(term.forms) >= 2, term.forms
        for form in term.forms:
            assert term.found_in(form), form


def test_no_form_is_listed_in_two_entries():
    # Forms that match each other (a hyphen for a space, a plural) count as one form.
    owner: dict[str, int] = {}
    for i, term in enumerate(vocabulary()):
        for form in term.forms:
            for other, j in owner.items():
                same = re.fullmatch(form_pattern(other), form, re.I) or re.fullmatch(form_pattern(form), other, re.I)
                assert not (same and j != i), f"{form!r} and {other!r} are in two entries"
            owner[form] = i


PASSAGES = {
    "dvds": "She had asked the police under the Domestic Violence Disclosure Scheme about his past.",
    "clare": "A Clare's Law application was made in 2019.",
    "pseudonym": "Her family chose the pseudonym used here.",
    "changed": "All names have been changed to protect the children.",
    "perpetrator": "The perpetrator attended every appointment with her.",
    "abuser": "Her abuser controlled the money.",
    "constabulary": "Hartshire Constabulary wrote to the Home Office within a month.",
    "force": "Each police force reports the death to the national team.",
    "imr": "Each agency wrote an individual management review.",
    "dardr": "The Act renames the reviews domestic abuse related death reviews.",
    "other": "The review panel met six times and heard from her sister.",
}


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory) -> Catalogue:
    cat = Catalogue(tmp_path_factory.mktemp("vocab") / "catalogue.sqlite3")
    for pid, text in PASSAGES.items():
        cat.conn.execute("INSERT INTO passages_fts (text, passage_id) VALUES (?, ?)", (text, pid))
    cat.conn.commit()
    return cat


def found(catalogue: Catalogue, query: str) -> set[str]:
    return {pid for pid, _ in lexical_search(catalogue, query)}


def test_clares_law_finds_the_disclosure_scheme_and_the_reverse(catalogue):
    assert "dvds" in found(catalogue, "Claire's Law")  # the common misspelling too
    assert "clare" in found(catalogue, "domestic violence disclosure scheme")


def test_names_changed_finds_pseudonyms_and_the_reverse(catalogue):
    assert "pseudonym" in found(catalogue, "were names changed")
    assert "changed" in found(catalogue, "pseudonym")


def test_abuser_finds_the_perpetrator_and_the_reverse(catalogue):
    assert "perpetrator" in found(catalogue, "abuser")
    assert "abuser" in found(catalogue, "perpetrators")


def test_constabularies_find_police_forces_and_the_reverse(catalogue):
    assert "force" in found(catalogue, "constabularies")
    assert "constabulary" in found(catalogue, "which police force")


def test_acronyms_of_the_review_find_their_long_forms(catalogue):
    assert "imr" in found(catalogue, "IMRs")
    assert "dardr" in found(catalogue, "DHR")


# --- a form the index reads as another counts once ---------------------------------------------------------------


def test_the_index_reads_a_plural_and_its_singular_as_one_token():
    assert fts_tokens("IDVAs") == fts_tokens("idva") == ("idva",)
    assert fts_tokens("safeguarding adults review") == fts_tokens("safeguarding adult review")


def test_the_tokens_are_read_as_the_catalogue_indexes_them():
    assert f"tokenize = '{TOKENIZE}'" in SCHEMA


def test_no_two_search_phrases_are_the_same_words_to_the_index():
    for query in ("IDVA", "IDVAs", "a safeguarding adults review", "the constabulary", "reviews and the review"):
        terms = fts_terms(query)
        assert len({fts_tokens(t.strip('"')) for t in terms}) == len(terms), terms


def test_an_acronym_scores_its_passages_the_same_as_its_plural(tmp_path):
    # "IDVA" once added "IDVAs" as a second phrase, which the index stems to the same token: BM25 then counted every
    # "IDVA" in a passage twice, so an acronym outweighed the other words of the query.
    cat = Catalogue(tmp_path / "catalogue.sqlite3")
    texts = {"idva": "The IDVA called her twice.", "adviser": "An independent domestic violence adviser called.",
             "other": "Her sister called the police.", "more": "The panel met twice."}
    for pid, text in texts.items():
        cat.conn.execute("INSERT INTO passages_fts (text, passage_id) VALUES (?, ?)", (text, pid))
    cat.conn.commit()
    assert lexical_search(cat, "IDVA") == lexical_search(cat, "IDVAs")


# --- terms of art added for issue 15 -----------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "other_form"), [
    ("the IDVA service", "independent domestic violence advocate"),  # IDVAs are advisers or advocates
    ("is Sarah's Law the same scheme", "child sex offender disclosure scheme"),
    ("a vulnerable adult", "adult at risk"),  # the Care Act 2014's term for the older one
    ("referred to the crisis team", "crisis resolution and home treatment team"),
    ("her former partner", "ex-partner"),
    ("did the review hear from relatives", "family members"),
    ("the DVCVA", "Domestic Violence, Crime and Victims Act"),
])
def test_a_term_of_art_finds_its_other_forms(query, other_form):
    assert other_form in expansions(query)


@pytest.mark.parametrize(("american", "british"), [
    ("controlling behavior", "behaviour"), ("a community organization", "organisation"),
    ("a pediatric ward", "paediatric"), ("abuse not recognized", "recognised"), ("counseling", "counselling"),
])
def test_an_american_spelling_finds_the_british_one(american, british):
    assert british in expansions(american)

