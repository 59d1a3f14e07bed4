"""Honest answers: when no passage matches well, `ask` says so first and quotes no key points.

The fused score is rank-based (a nonsense query's first result scores like a good one's), so the
verdict is on the best passage's similarity in meaning and on whether the query's words occur at all
(reports/answers.py; thresholds chosen with bench/weak_match.py).
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cli import app
from kb.query import Query
from reports.answers import NO_WORDS_COSINE, WEAK_COSINE, WEAK_NOTICE, ask, judge
from reports.output import render
from tests.smallkb import build_kb, open_stores

runner = CliRunner()
NONSENSE = ["!!!???", "AND OR", "рецепт борща со сметаной", "香蕉面包的做法", "recipe for banana bread",
            "football results", "purple elephant staircase umbrella"]
REAL = ["missed chances to share information between the GP and the police", "IDVA caseloads too high",
        "using family members as interpreters", "stalking after separation and Stalking Protection Orders",
        "shotgun certificate holder with suicidal thoughts: risk to others"]


def test_the_verdict_is_on_meaning_and_words_not_on_the_rank_based_score():
    assert judge(0.08, 0.12, 3, 3).weak  # top-ranked by both retrievers, yet about nothing the query says
    assert not judge(0.03, 0.55, 0, 4).weak  # found by meaning alone, in other words
    between = (WEAK_COSINE + NO_WORDS_COSINE) / 2  # close enough with a shared word, not without one
    assert judge(0.03, between, 0, 2).weak and not judge(0.05, between, 1, 2).weak
    other_model = judge(0.03, 0.05, 2, 2, calibrated=False)
    assert not other_model.weak and judge(0.03, 0.9, 0, 0, calibrated=False).weak
    assert judge(0.03, 0.1, 0, 0).reason


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    return open_stores(build_kb(tmp_path_factory.mktemp("docs"), tmp_path_factory.mktemp("kb") / "kb"))


def test_a_query_with_no_word_to_look_up_gets_the_notice_and_no_key_points(kb):
    answer = ask(Query("!!!???"), kb)
    text = render(answer, "text")
    assert answer.excerpts and text.startswith(WEAK_NOTICE) and "Key points" not in text
    data = json.loads(render(answer, "json"))
    assert data and all(r["weak_match"] is True and r["weak_reason"] for r in data)


def test_a_query_whose_words_occur_is_answered_with_key_points(kb):
    answer = ask(Query("refuge budget outreach"), kb)
    assert not answer.weak and answer.key_points
    assert render(answer, "text").startswith("Key points")
    assert all(r["weak_match"] is False for r in json.loads(render(answer, "json")))


@pytest.mark.slow
@pytest.mark.parametrize("query", NONSENSE)
def test_nonsense_queries_print_the_notice_and_no_key_points(corpus_db, query):
    result = runner.invoke(app, ["ask", query, "--db", str(corpus_db)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(WEAK_NOTICE) and "Key points" not in result.output


@pytest.mark.slow
@pytest.mark.parametrize("query", REAL)
def test_real_queries_are_answered_with_key_points(corpus_db, query):
    result = runner.invoke(app, ["ask", query, "--db", str(corpus_db)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Key points") and WEAK_NOTICE not in result.output
