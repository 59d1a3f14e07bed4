"""Files change between ingests: edited, renamed, moved, deleted. Every store stays complete after each step.

Real files, real SQLite and real Chroma; the fake embedder (the slow test drives `dhr` with the real model).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from index.consistency import check
from ingest.pipeline import Ingestor
from kb.config import Settings
from kb.tagger import ThemeTagger
from tests.smallkb import build_folder, open_stores

EXTRA = ("\n4. Addendum\n\n4.1 After the review was published the partnership added that the housing "
         "provider had not been told of the risk, and that a referral to the IDVA service was never made.\n")


class KB:
    def __init__(self, db: Path) -> None:
        self.stores = open_stores(Settings(db=db))
        self.ingestor = Ingestor(self.stores.catalogue, self.stores.vectors, self.stores.embedder, ThemeTagger())

    def ingest(self, folder: Path) -> dict[str, str]:
        report = self.ingestor.run([folder])
        return {r.path.name: r.status for r in report.results if r.status != "unchanged"}

    def assert_consistent(self) -> None:
        report = check(self.stores.catalogue, self.stores.vectors)
        assert report.consistent, report.problems()


@pytest.fixture
def kb(tmp_path: Path) -> tuple[KB, Path]:
    folder = tmp_path / "docs"
    folder.mkdir()
    build_folder(folder)
    kb = KB(tmp_path / "kb")
    assert set(kb.ingest(folder).values()) == {"added"}
    kb.assert_consistent()
    return kb, folder


def test_editing_a_file_and_ingesting_again_leaves_every_store_complete(kb):
    kb, folder = kb
    with (folder / "anna.txt").open("a", encoding="utf-8") as fh:
        fh.write(EXTRA)
    assert kb.ingest(folder) == {"anna.txt": "updated"}
    kb.assert_consistent()
    # and again, replacing a paragraph rather than adding one
    text = (folder / "anna.txt").read_text("utf-8").replace("misused alcohol", "misused cannabis")
    (folder / "anna.txt").write_text(text, "utf-8")
    assert kb.ingest(folder) == {"anna.txt": "updated"}
    kb.assert_consistent()


def test_editing_renaming_moving_and_deleting_files_between_ingests_keeps_check_consistent(kb):
    kb, folder = kb
    steps = [
        lambda: (folder / "mary.txt").open("a", encoding="utf-8").write(EXTRA),
        lambda: (folder / "minutes.txt").rename(folder / "minutes-2021.txt"),
        lambda: (folder / "sub").mkdir() or shutil.move(folder / "swap.txt", folder / "sub" / "swap.txt"),
        lambda: (folder / "hostile.txt").unlink(),
        lambda: (folder / "sub" / "swap.txt").write_text("A new briefing note on economic abuse and the housing "
                                                         "register, replacing the old one entirely.\n", "utf-8"),
    ]
    for step in steps:
        step()
        kb.ingest(folder)
        kb.assert_consistent()


@pytest.mark.slow
def test_dhr_check_is_consistent_after_each_change_with_the_real_model(tmp_path: Path):
    from cli import app

    runner = CliRunner()
    folder = tmp_path / "docs"
    folder.mkdir()
    build_folder(folder)
    db = str(tmp_path / "kb")

    def ingest_then_check() -> None:
        ingested = runner.invoke(app, ["ingest", str(folder), "--db", db, "--json"], catch_exceptions=False)
        assert ingested.exit_code == 0, ingested.output
        checked = runner.invoke(app, ["check", "--db", db, "--json"], catch_exceptions=False)
        assert checked.exit_code == 0, checked.output
        assert json.loads(checked.output)["consistent"]

    ingest_then_check()
    with (folder / "anna.txt").open("a", encoding="utf-8") as fh:
        fh.write(EXTRA)
    ingest_then_check()
    (folder / "minutes.txt").rename(folder / "minutes-2021.txt")
    ingest_then_check()
    (folder / "mary.txt").unlink()
    ingest_then_check()


def paths_and_ids(kb: KB) -> dict[str, str]:
    return {Path(d.path).name: d.doc_id for d in kb.stores.catalogue.documents(status=None)}


def test_a_renamed_or_moved_file_is_the_same_document_at_its_new_path(kb):
    kb, folder = kb
    before = paths_and_ids(kb)
    (folder / "minutes.txt").rename(folder / "minutes-2021.txt")
    (folder / "sub").mkdir()
    shutil.move(folder / "anna.txt", folder / "sub" / "anna.txt")
    shutil.move(folder / "anna.txt.meta.json", folder / "sub" / "anna.txt.meta.json")
    assert kb.ingest(folder) == {"minutes-2021.txt": "moved", "anna.txt": "moved"}
    after = paths_and_ids(kb)
    assert len(after) == len(before)  # nothing counted twice
    assert after["minutes-2021.txt"] == before["minutes.txt"] and after["anna.txt"] == before["anna.txt"]
    assert kb.stores.catalogue.document(before["anna.txt"]).path == str((folder / "sub" / "anna.txt").absolute())
    kb.assert_consistent()
    # then edited at its new place: an update of the same document
    with (folder / "sub" / "anna.txt").open("a", encoding="utf-8") as fh:
        fh.write(EXTRA)
    assert kb.ingest(folder) == {"anna.txt": "updated"}
    assert paths_and_ids(kb)["anna.txt"] == before["anna.txt"]
    kb.assert_consistent()


def test_a_copy_whose_original_is_still_there_is_a_duplicate_not_a_move(kb):
    kb, folder = kb
    shutil.copy(folder / "minutes.txt", folder / "minutes copy.txt")
    assert kb.ingest(folder) == {"minutes copy.txt": "duplicate"}


def test_check_reports_documents_whose_source_file_is_gone(kb):
    kb, folder = kb
    (folder / "mary.txt").unlink()
    report = check(kb.stores.catalogue, kb.stores.vectors)
    assert report.consistent  # the stores agree: a missing source is a note, not something to repair
    assert report.missing_sources == [str((folder / "mary.txt").absolute())]
    assert report.notes()[0].startswith("1 missing source(s): document(s) whose file is no longer there")
    from cli import app

    shown = CliRunner().invoke(app, ["check", "--db", str(kb.stores.settings.db)], catch_exceptions=False)
    assert shown.exit_code == 0, shown.output
    assert "Note: 1 missing source(s)" in shown.output and "Consistent" in shown.output


def test_a_file_moved_and_edited_in_one_go_updates_the_same_document(kb):
    kb, folder = kb
    before = paths_and_ids(kb)
    (folder / "sub").mkdir()
    text = (folder / "anna.txt").read_text("utf-8")
    (folder / "sub" / "anna-final.txt").write_text(text + EXTRA, "utf-8")
    (folder / "anna.txt").unlink()
    report = kb.ingestor.run([folder])
    [result] = [r for r in report.results if r.status != "unchanged"]
    assert (result.path.name, result.status) == ("anna-final.txt", "updated")
    assert result.reason == f"moved from {folder.absolute() / 'anna.txt'} and changed"
    after = paths_and_ids(kb)
    assert len(after) == len(before) and after["anna-final.txt"] == before["anna.txt"]
    kb.assert_consistent()


def test_a_new_review_sharing_a_little_text_with_a_vanished_one_is_a_new_document(kb):
    from tests.smallkb import review

    kb, folder = kb
    (folder / "mary.txt").unlink()  # mary shares one passage of three with the new review
    (folder / "zoe.txt").write_text(review("Zoe", 2024, "Southport", "partner", "She had left him in May.")[0],
                                    "utf-8")
    assert kb.ingest(folder) == {"zoe.txt": "added"}
    assert "mary.txt" in paths_and_ids(kb)  # still there, and noted by check as a missing source
    kb.assert_consistent()


def test_forget_missing_withdraws_the_documents_whose_files_were_deleted(kb):
    from cli import app

    kb, folder = kb
    (folder / "mary.txt").unlink()
    (folder / "hostile.txt").unlink()
    db = str(kb.stores.settings.db)
    runner = CliRunner()
    refused = runner.invoke(app, ["forget", "--missing", "--db", db], input="n\n")
    assert refused.exit_code == 1
    assert "Forget 2 document(s)?" in refused.output and str(folder.absolute() / "mary.txt") in refused.output
    assert "mary.txt" in paths_and_ids(kb)
    done = runner.invoke(app, ["forget", "--missing", "--yes", "--db", db], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    assert "Forgot 'DHR Mary'" in done.output and "Forgot 'DHR Hostile'" in done.output
    assert not {"mary.txt", "hostile.txt"} & set(paths_and_ids(kb))
    assert not check(kb.stores.catalogue, kb.stores.vectors).missing_sources
    kb.assert_consistent()
    again = runner.invoke(app, ["forget", "--missing", "--yes", "--db", db], catch_exceptions=False)
    assert again.exit_code == 0 and "Nothing to forget" in again.output
    both = runner.invoke(app, ["forget", "anna", "--missing", "--db", db])
    assert both.exit_code == 2 and "name one document to forget, or give --missing (not both)" in both.output
