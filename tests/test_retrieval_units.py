"""Retrieval building blocks, without the model: vocabulary, FTS queries, fusion, folding, diversity."""

import json

import pytest

from index.lexical import fts_query
from index.search import _shingles, fold_and_diversify, fuse, fuse_scores, near_duplicate
from index.vocabulary import expansions
from kb.errors import QueryError
from kb.models import Excerpt, Source
from kb.query import Filters
from kb.query import clean_text as clean_query


def src(doc: str, para: str = "1") -> Source:
    return Source(doc, f"/{doc}.txt", doc, None, None, None, "other", None, None, para, None)


def ex(pid: str, text: str, *docs: str) -> Excerpt:
    return Excerpt(pid, text, 1.0, (), tuple(src(d) for d in docs))


def test_acronyms_expand_to_their_long_forms_and_back():
    assert "independent domestic violence adviser" in expansions("IDVA support")
    assert "MARAC" in expansions("was she referred to the multi-agency risk assessment conference")
    assert "DVDS" in expansions("Clare's Law application")


def test_case_sensitive_acronyms_do_not_fire_on_ordinary_words():
    assert expansions("she did not dial 999") == []
    assert "MASH" not in " ".join(expansions("mash potato"))
    assert "multi-agency safeguarding hub" in expansions("the MASH was told")


def test_fts_query_ors_content_words_and_expansions():
    q = fts_query("Was an IDVA involved?")
    assert '"idva"' in q and '"involved"' in q and '"independent domestic violence adviser"' in q
    assert '"was"' not in q
    assert fts_query("the and of") is None


def test_reciprocal_rank_fusion_rewards_agreement():
    scores = fuse([[("a", 0.9), ("b", 0.8)], [("b", 10.0), ("c", 5.0)]])
    assert max(scores, key=scores.get) == "b"


def test_score_fusion_rescales_each_list_so_scales_do_not_matter():
    cosines = [("a", 0.61), ("b", 0.60), ("c", 0.20)]  # a and b nearly tied, c far behind
    bm25 = [("c", 40.0), ("a", 39.0), ("b", 1.0)]
    scores = fuse_scores([cosines, bm25], [1.0, 1.0])
    assert scores["a"] > scores["c"] > scores["b"]
    assert scores["a"] == pytest.approx(1.0 + 38.0 / 39.0)
    assert fuse_scores([[("x", 0.5)], []], [1.0, 1.0]) == {"x": 0.0}


def test_near_duplicates_fold_into_one_result_listing_both_sources():
    text = "Members heard that the overall annual contract value was two million pounds and more words here."
    truncated = text[:70]
    out = fold_and_diversify([ex("p1", text, "A"), ex("p2", truncated + " ...", "B")], top=5, per_doc=None)
    assert len(out) == 1
    assert [s.doc_id for s in out[0].sources] == ["A", "B"]


def test_different_texts_are_not_near_duplicates():
    a = _shingles("The GP did not ask about abuse at the appointment in March.")
    b = _shingles("The police attended the address twice in April and made arrests.")
    assert not near_duplicate(a, b)


def test_at_most_two_results_per_document_in_the_opening_results_unless_lifted():
    results = [ex(f"a{i}", f"distinct passage number {i} " * 5, "A") for i in range(6)]
    results += [ex(f"b{i}", f"other text here {i} " * 5, "B") for i in range(2)] + [ex("c", "third doc " * 5, "C")]
    diverse = [e.passage_id for e in fold_and_diversify(results, top=8, per_doc=2)]
    assert diverse[:5] == ["a0", "a1", "b0", "b1", "c"]
    assert diverse[5:] == ["a2", "a3", "a4"], "held-back passages follow in rank order"
    assert [e.passage_id for e in fold_and_diversify(results, top=3, per_doc=None)] == ["a0", "a1", "a2"]


@pytest.mark.parametrize("bad", ["", "   ", "\x00\x01", "x" * 10_000])
def test_empty_control_and_huge_queries_get_a_clear_message(bad):
    with pytest.raises(QueryError):
        clean_query(bad)


def test_control_characters_are_removed_from_queries():
    assert clean_query("MARAC\x00 referral\n") == "MARAC referral"


def test_impossible_date_ranges_and_bad_dates_are_refused():
    with pytest.raises(QueryError, match="after"):
        Filters(since="2023", until="2020")
    with pytest.raises(QueryError, match="not a date"):
        Filters(since="last year")
    with pytest.raises(QueryError, match="unknown document type"):
        Filters(doc_type="memo")


def test_date_filters_cover_whole_periods():
    f = Filters(since="2021", until="2021-07")
    assert (f.since_bound(), f.until_bound()) == (20210000, 20210799)


# --- issue 15: number questions, context embedding -----------------------------------------------

from index.highlights import add_highlights, has_figure, is_number_question  # noqa: E402
from ingest.pipeline import embedding_text  # noqa: E402
from kb.models import DocumentMeta, Passage  # noqa: E402
from tests.fakes import FakeEmbedder  # noqa: E402


@pytest.mark.parametrize("query", ["how many reviews were there in 2022", "What share of victims were women?",
                                   "percentage of cases with coercive control", "what proportion had a GP"])
def test_counts_shares_and_percentages_are_number_questions(query):
    assert is_number_question(query)


@pytest.mark.parametrize("query", ["who chairs the review panel", "lessons for GPs about routine enquiry"])
def test_other_questions_are_not_number_questions(query):
    assert not is_number_question(query)


@pytest.mark.parametrize("sentence", ["Ten deaths were caused by the son of the victim.",
                                      "Thirty-one per cent (49) of the victims died by suicide.",
                                      "One in every eight victims was killed by a child.",
                                      "Coercive control was a factor in two thirds of cases.",
                                      "There were 16,350 commissioned bedspaces."])
def test_counts_percentages_and_fractions_are_figures(sentence):
    assert has_figure(sentence)


@pytest.mark.parametrize("sentence", ["Reviews came into effect on 13 April 2011.",
                                      "The report covers 2022-23 and was published in 2024.",
                                      "The panel met the family and the GP."])
def test_years_and_dates_alone_are_not_figures(sentence):
    assert not has_figure(sentence)


def test_a_number_question_highlights_the_sentence_that_states_the_figure():
    text = ("Deaths by suicide of victims of domestic abuse in the county were reviewed. "
            "In the county 31 per cent of deaths of victims of domestic abuse were by suicide.")
    embedder = FakeEmbedder()
    query_vec = embedder.encode_query("deaths by suicide of victims of domestic abuse in the county")
    plain = add_highlights([ex("p", text, "d")], query_vec, embedder, max_each=1)[0]
    asked = add_highlights([ex("p", text, "d")], query_vec, embedder, max_each=1, figures=True)[0]
    assert plain.highlights == ("Deaths by suicide of victims of domestic abuse in the county were reviewed.",)
    assert asked.highlights == ("In the county 31 per cent of deaths of victims of domestic abuse were by suicide.",)


def test_a_passage_is_embedded_with_its_title_and_heading_but_stored_as_written():
    passage = Passage("She was seen twice by her GP.", 3, None, "4", "Agency involvement")
    text = embedding_text(DocumentMeta("DHR into the death of Anna"), passage)
    assert text == "DHR into the death of Anna. Agency involvement. She was seen twice by her GP."
    assert passage.text == "She was seen twice by her GP."


def test_a_heading_the_passage_already_starts_with_is_not_repeated():
    passage = Passage("Recommendations: the GP practice should ask about abuse.", 0, None, "1", "Recommendations")
    assert embedding_text(DocumentMeta(""), passage) == passage.text


def test_the_real_text_set_is_split_labelled_and_judged_consistently():
    import sys

    from tests.conftest import ROOT

    sys.path.insert(0, str(ROOT / "bench"))
    from eval_retrieval import REAL_LABELS, load_judged, norm, real_passages

    rows = [json.loads(line) for line in REAL_LABELS.read_text("utf-8").splitlines() if line.strip()]
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)) >= 120
    assert {r["split"] for r in rows} == {"dev", "test"}
    assert {r["user"] for r in rows} == {"board", "strategy", "trainer"}
    web = [norm(p["text"]) for p in real_passages()]
    for r in rows:
        assert r["relevant"], r["id"]
        for label in r["relevant"]:
            if label["file"].startswith("web:"):
                assert any(norm(label["contains"]) in text for text in web), (r["id"], label["contains"])
    assert set(load_judged()) <= set(ids)
