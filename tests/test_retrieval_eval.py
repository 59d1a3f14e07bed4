"""Quality gate: on the labelled query set the full pipeline beats both single retrievers."""

import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def test_full_pipeline_beats_bm25_and_vectors_on_recall_and_never_loses_on_mrr():
    sys.path.insert(0, str(ROOT / "bench"))
    from eval_retrieval import evaluate

    results, n = evaluate("all")
    assert n >= 40
    best_r10 = max(results["bm25"]["R@10"], results["vector"]["R@10"])
    best_mrr = max(results["bm25"]["MRR"], results["vector"]["MRR"])
    assert results["full"]["R@10"] >= best_r10 + 0.05
    assert results["full"]["MRR"] >= best_mrr
