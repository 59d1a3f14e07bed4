"""`dhr retag`: a knowledge base tagged by an earlier version is known, and tagged again without reading files."""

from __future__ import annotations

import json
from pathlib import Path

from kb.catalogue import Catalogue
from kb.config import Settings
from kb.taxonomy import load_taxonomy, tagging_version
from tests.clirun import dhr


def alcohol_passages(catalogue: Catalogue) -> list[str]:
    return [r[0] for r in catalogue.conn.execute(
        "SELECT passage_id FROM passages WHERE themes_json LIKE '%\"alcohol\"%'")]


def age_the_tags(db: Path) -> list[str]:
    """Make the knowledge base look tagged by an older version that missed alcohol: the catalogue's and
    the vector store's themes of those passages lose it, and the recorded rules are another version's."""
    from index.vectors import VectorStore

    settings = Settings(db=db)
    catalogue = Catalogue(settings.catalogue_path)
    pids = alcohol_passages(catalogue)
    stored = catalogue.passage_mentions(pids)
    catalogue.replace_themes([(pid, [m for m in stored[pid][1] if m.theme_id != "alcohol"],
                               [t for t in stored[pid][0] if t != "alcohol"]) for pid in pids])
    records = catalogue.record_ids_of(pids)
    VectorStore(settings).set_themes({rid: [t for t in stored[pid][0] if t != "alcohol"]
                                      for pid in pids for rid in records[pid]})
    catalogue.record_tagging("taxonomy 2, rules 00000000")
    catalogue.close()
    return pids


def test_a_knowledge_base_ingested_by_this_version_records_its_rules_and_says_nothing(small_kb: Path):
    catalogue = Catalogue(Settings(db=small_kb).catalogue_path, read_only=True)
    assert catalogue.tagging() == tagging_version(load_taxonomy())
    catalogue.close()
    out = dhr("themes", "--db", str(small_kb)).output
    assert "dhr retag" not in out


def test_themes_tagged_by_an_earlier_version_are_pointed_out(small_kb_copy: Path):
    age_the_tags(small_kb_copy)
    out = dhr("themes", "--db", str(small_kb_copy)).output
    assert "tagged by other rules (taxonomy 2, rules 00000000)" in out
    assert "Run `dhr retag`" in out
    assert "Run `dhr retag`" in dhr("themes", "show", "coercive_control", "--db", str(small_kb_copy)).output


def test_retag_restores_the_current_tags_in_the_catalogue_and_the_theme_filter(small_kb_copy: Path, monkeypatch):
    import reports.retag
    from index.vectors import VectorStore

    monkeypatch.setattr(reports.retag, "BATCH", 3)  # passages are read a page at a time: several pages here
    pids = age_the_tags(small_kb_copy)
    assert pids
    result = dhr("retag", "--db", str(small_kb_copy), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["changed"] == len(pids) and summary["gained"] == {"alcohol": len(pids)}
    assert summary["before"] == "taxonomy 2, rules 00000000" and summary["after"] == tagging_version(load_taxonomy())

    settings = Settings(db=small_kb_copy)
    catalogue = Catalogue(settings.catalogue_path, read_only=True)
    assert sorted(alcohol_passages(catalogue)) == sorted(pids)
    assert catalogue.tagging() == tagging_version(load_taxonomy())
    filtered = VectorStore(settings, read_only=True).collection.get(where={"themes": {"$contains": "alcohol"}},
                                                                  include=["metadatas"])
    assert {m["passage_id"] for m in filtered["metadatas"]} == set(pids)
    catalogue.close()
    assert "dhr retag" not in dhr("themes", "--db", str(small_kb_copy)).output


def test_retagging_an_up_to_date_knowledge_base_changes_nothing(small_kb_copy: Path):
    out = dhr("retag", "--db", str(small_kb_copy)).output
    assert "the themes of 0 passages changed" in out
