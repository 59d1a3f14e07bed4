"""Wording: counts read correctly ("1 review", "1 passage"), positions carry a key, and a knowledge
base of committee papers only says why it has no reviews to count."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from kb.catalogue import ThemeMentionRow
from kb.taxonomy import tagging_version
from reports.output import POSITION_KEY, plural
from reports.themes import NO_REVIEWS

runner = CliRunner()


def test_plural_says_one_of_a_thing_and_many_of_them():
    assert [plural(n, "review") for n in (0, 1, 2)] == ["0 reviews", "1 review", "2 reviews"]
    assert plural(1, "body", "bodies") == "1 body" and plural(3, "body", "bodies") == "3 bodies"


def seeds_catalogue(db: Path, seeds: Path) -> Path:
    """The user's real committee papers (no DHR among them), read and tagged as ingest does, no vectors."""
    from ingest.pipeline import doc_id_for, file_hash, read_document
    from kb.catalogue import Catalogue
    from kb.tagger import default_tagger

    db.mkdir(parents=True, exist_ok=True)
    cat = Catalogue(db / "catalogue.sqlite3")
    tagger = default_tagger()
    for path in sorted(seeds.glob("*.txt")):
        meta, passages, pages = read_document(path)
        rows = [[ThemeMentionRow(m.theme_id, m.status, m.text) for m in ms]
                for ms in tagger.tag_many([p.text for p in passages])]
        cat.write_document(doc_id_for(path), str(path), file_hash(path), meta, pages, passages, rows)
        cat.set_status(doc_id_for(path), "ok")
    cat.record_tagging(tagging_version(tagger.taxonomy))  # as an ingest by this version does
    cat.close()
    return db


@pytest.fixture(scope="module")
def seeds_kb(tmp_path_factory) -> Path:
    from tests.conftest import SEEDS

    if not SEEDS.is_dir():
        pytest.skip(f"the user's seed texts are not at {SEEDS}")
    return seeds_catalogue(tmp_path_factory.mktemp("seeds") / "kb", SEEDS)


def test_a_knowledge_base_of_committee_papers_says_why_no_review_is_counted(seeds_kb):
    out = runner.invoke(app, ["themes", "--db", str(seeds_kb)]).output
    assert out.startswith(NO_REVIEWS)
    assert "0 reviews" in out and "1 reviews" not in out


def test_the_notice_is_not_given_when_there_are_reviews_or_documents_are_counted(seeds_kb, tmp_path):
    from tests.test_themes_cli import corpus_catalogue

    assert NO_REVIEWS not in runner.invoke(app, ["themes", "--count", "documents", "--db", str(seeds_kb)]).output
    corpus = corpus_catalogue(tmp_path / "kb")
    assert NO_REVIEWS not in runner.invoke(app, ["themes", "--db", str(corpus)]).output


def test_output_citing_a_counted_position_explains_it(seeds_kb):
    from kb.catalogue import Catalogue

    cat = Catalogue(seeds_kb / "catalogue.sqlite3")
    try:
        docs = cat.documents()
        counted = next(d for d in docs if any("\u00b6" in o.source.paragraph for o in cat.occurrences(d.doc_id)))
    finally:
        cat.close()
    shown = runner.invoke(app, ["show", counted.doc_id, "--db", str(seeds_kb)]).output
    assert shown.rstrip().endswith(POSITION_KEY)
