"""Our own exports are not ingested as reviews: every exported file carries a mark that ingest reads.

Handouts written by `dhr extract` as Word, Markdown and HTML are saved in a folder that is then
ingested: each is skipped with the reason "an export of this knowledge base", and the number of
documents and reviews is unchanged. Real files, real SQLite and Chroma, the fake embedder.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from ingest.pipeline import Ingestor
from kb.config import Settings
from kb.tagger import ThemeTagger
from tests.smallkb import build_kb, open_stores

runner = CliRunner()


@pytest.fixture
def kb(tmp_path: Path) -> Settings:
    (tmp_path / "docs").mkdir()
    return build_kb(tmp_path / "docs", tmp_path / "kb")


def test_exported_handouts_in_an_ingested_folder_are_skipped_as_exports(kb: Settings, tmp_path: Path):
    saved = tmp_path / "docs" / "handouts"
    saved.mkdir()
    for name in ("handout.docx", "handout.md", "handout.html"):
        result = runner.invoke(app, ["extract", "--theme", "information_sharing", "--section", "lessons",
                                     "--out", str(saved / name), "--db", str(kb.db)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    (saved / "csv-is-never-read.csv").write_text("a,b\n", "utf-8")
    stores = open_stores(kb)
    before = stores.catalogue.stats()
    report = Ingestor(stores.catalogue, stores.vectors, stores.embedder, ThemeTagger()).run([tmp_path / "docs"])
    skipped = {r.path.name: r.reason for r in report.by_status("skipped")}
    for name in ("handout.docx", "handout.md", "handout.html"):
        assert skipped[name] == "an export of this knowledge base"
    assert report.counts()["added"] == 0
    assert stores.catalogue.stats() == before


def test_a_report_that_only_mentions_the_marker_words_is_still_read(kb: Settings, tmp_path: Path):
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "note.md").write_text(
        "# Overview\n\n1.1 The partnership read the dhr-kb export and found that agencies did not share "
        "information about the risk to the victim.\n", "utf-8")
    stores = open_stores(kb)
    report = Ingestor(stores.catalogue, stores.vectors, stores.embedder, ThemeTagger()).run([folder])
    assert [r.status for r in report.results] == ["added"]
