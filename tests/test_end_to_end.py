"""End to end on the real components: real files, the real embedding model, a real Chroma store.

A knowledge base is built once per module from the user's seed texts and reused by every test
that only reads it; tests that change a knowledge base build their own.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.clirun import dhr
from tests.conftest import CORPUS, SEEDS

pytestmark = pytest.mark.slow
FUNDING_QUERY = "how much does each partner contribute to the domestic abuse contract"



@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory) -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"the user's seed texts are not at {SEEDS}")
    db = tmp_path_factory.mktemp("seeded") / "kb"
    result = dhr("ingest", str(SEEDS), "--db", str(db))
    assert result.exit_code == 0, result.output
    return db


def ask_json(db: Path, query: str, *extra: str) -> list[dict]:
    result = dhr("ask", query, "--db", str(db), "--json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_funding_split_is_cited_once_with_both_seed_sources(seeded_db):
    results = ask_json(seeded_db, FUNDING_QUERY, "--top", "5")
    funding = [r for r in results if "\u00a3670,490" in r["text"]]
    assert len(funding) == 1, "the item 17 funding paragraph must be one result, not one per published copy"
    assert results.index(funding[0]) < 5
    hit = funding[0]
    names = sorted(Path(s["path"]).name for s in hit["sources"])
    assert names == ["000_46a52917dd00bfef.txt", "004_e3f8f148ba7122f1.txt"]
    for s in hit["sources"]:
        assert s["body"] == "Safeguarding Overview and Scrutiny Committee"
        assert s["date"] == "2021-07-06"
        assert s["paragraph"].startswith("item 17")
        assert s["type"] == "committee_minutes"
    assert "6 July 2021" in hit["citation"] and "item 17" in hit["citation"]
    assert set(hit) >= {"text", "score", "citation", "themes", "sources"}


def test_reingesting_unchanged_files_changes_nothing(seeded_db):
    before = json.loads(dhr("docs", "--db", str(seeded_db), "--json").output)
    result = dhr("ingest", str(SEEDS), "--db", str(seeded_db), "--json")
    report = json.loads(result.output)
    assert result.exit_code == 0
    assert {f["status"] for f in report["files"] if f["path"].endswith(".txt")} == {"unchanged"}
    after = json.loads(dhr("docs", "--db", str(seeded_db), "--json").output)
    assert after == before


def test_filters_narrow_results(seeded_db):
    minutes = ask_json(seeded_db, "domestic abuse services", "--type", "committee_minutes", "--top", "10")
    assert minutes and all(any(s["type"] == "committee_minutes" for s in r["sources"]) for r in minutes)
    worcs = ask_json(seeded_db, "safe accommodation", "--area", "Worcestershire")
    assert worcs and all(any(s["area"] == "Worcestershire" for s in r["sources"]) for r in worcs)
    early = ask_json(seeded_db, "domestic abuse services", "--until", "2019")
    assert early and all(any((s["date"] or "9") <= "2019-12-31" for s in r["sources"]) for r in early)


def test_show_and_docs_describe_the_documents(seeded_db):
    docs = json.loads(dhr("docs", "--db", str(seeded_db), "--json").output)
    assert len(docs) == 5
    shown = json.loads(dhr("show", "004_e3f8", "--db", str(seeded_db), "--json").output)
    assert shown["body"] == "Safeguarding Overview and Scrutiny Committee"
    assert any(p["section"] == "17. Domestic Abuse" for p in shown["passages"])


def test_a_changed_file_is_replaced_with_no_stale_passages(tmp_path, seeds_dir):
    db = tmp_path / "kb"
    doc = tmp_path / "docs" / "minutes.txt"
    doc.parent.mkdir()
    shutil.copy(seeds_dir / "000_46a52917dd00bfef.txt", doc)
    assert dhr("ingest", str(doc.parent), "--db", str(db)).exit_code == 0
    doc.write_text(doc.read_text("utf-8").replace("\u00a3670,490", "\u00a3999,999"), "utf-8")
    report = json.loads(dhr("ingest", str(doc.parent), "--db", str(db), "--json").output)
    assert [f["status"] for f in report["files"]] == ["updated"]
    texts = [r["text"] for r in ask_json(db, FUNDING_QUERY, "--top", "10")]
    assert any("\u00a3999,999" in t for t in texts)
    assert not any("\u00a3670,490" in t for t in texts)
    shown = json.loads(dhr("show", "minutes.txt", "--db", str(db), "--json").output)
    assert not any("\u00a3670,490" in p["text"] for p in shown["passages"])


def test_ingest_and_ask_open_no_network_connection(tmp_path, seeds_dir, no_network):
    db = tmp_path / "kb"
    assert dhr("ingest", str(seeds_dir / "000_46a52917dd00bfef.txt"), "--db", str(db)).exit_code == 0
    assert ask_json(db, FUNDING_QUERY)
    assert no_network == []


def test_the_sample_corpus_ingests_without_failures(tmp_path):
    db = tmp_path / "kb"
    result = dhr("ingest", str(CORPUS), "--db", str(db), "--json")
    report = json.loads(result.output)
    assert result.exit_code == 0, [f for f in report["files"] if f["status"] == "failed"]
    added = [f for f in report["files"] if f["status"] == "added"]
    assert len(added) >= 10
    text = dhr("ask", "missed chances to share information between the GP and the police", "--db", str(db)).output
    assert "Source:" in text and "Themes" in text


def test_detected_metadata_matches_the_corpus_labels():
    """Type, date and area as detected from the text of every sample document, against corpus/labels.json."""
    from ingest.extract import extract
    from ingest.metadata import detect_metadata

    labels = json.loads((CORPUS / "labels.json").read_text("utf-8"))
    docs = labels["documents"] if isinstance(labels, dict) else labels
    missing_area = []
    for label in docs:
        path = CORPUS / label["path"]
        meta = detect_metadata(path, extract(path))
        assert (meta.doc_type, meta.date) == (label["type"], label["date"]), label["path"]
        if meta.area is None:
            missing_area.append(label["path"])  # nothing in the text names a council or partnership
        else:
            assert meta.area == label["area"], label["path"]
    assert len(missing_area) <= 1, missing_area
