"""`dhr themes`: ranking, --by, --with, `show`, --json/--csv, --chart and the case-characteristic filters."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from kb.catalogue import Catalogue, ThemeMentionRow
from kb.characteristics import CHARACTERISTICS
from kb.models import DocumentMeta, Passage
from kb.taxonomy import load_taxonomy
from tests.conftest import CORPUS, ROOT
from tests.test_analytics import build_catalogue

runner = CliRunner()


def dhr(*args: str):  # noqa: ANN201
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "kb"
    build_catalogue(path / "catalogue.sqlite3").close()
    return path


def test_themes_with_no_arguments_ranks_by_reviews(db):
    result = dhr("themes", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "3 reviews, 4 documents" in result.output
    lines = result.output.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("theme"))
    assert lines[header + 2].split()[:1] == ["alcohol"]


def test_themes_json_keeps_its_shape(db):
    rows = json.loads(dhr("themes", "--db", str(db), "--json").output)
    assert rows[0] == {
        "theme": "alcohol",
        "label": rows[0]["label"],
        "reviews": 2,
        "documents": 3,
        "passages": 3,
    }
    assert "drugs" not in {r["theme"] for r in rows}  # only ever negated


def test_themes_all_works_before_anything_is_ingested(tmp_path):
    result = dhr("themes", "--all", "--json", "--db", str(tmp_path / "none"))
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)) == len(load_taxonomy())


def test_themes_on_a_missing_knowledge_base_says_what_to_do(tmp_path):
    result = runner.invoke(app, ["themes", "--db", str(tmp_path / "none")])
    assert result.exit_code == 2 and "dhr ingest" in result.output


def test_by_year_table_json_and_csv(db):
    table = dhr("themes", "--by", "year", "--db", str(db))
    assert table.exit_code == 0, table.output
    assert "Reviews per year: 2019: 1, 2020: 1, 2021: 1" in table.output
    alcohol = next(line for line in table.output.splitlines() if line.startswith("alcohol"))
    assert alcohol.split()[-4:] == ["2", "1", "1", "0"]

    data = json.loads(dhr("themes", "--by", "year", "--json", "--db", str(db)).output)
    assert data["groups"] == ["2019", "2020", "2021"] and data["totals"] == {"2019": 1, "2020": 1, "2021": 1}
    by = {t["theme"]: t["by"] for t in data["themes"]}
    assert by["alcohol"] == {"2019": 1, "2020": 1, "2021": 0}

    rows = list(csv.DictReader(io.StringIO(dhr("themes", "--by", "year", "--csv", "--db", str(db)).output)))
    assert rows[0]["theme"] == "alcohol" and rows[0]["2021"] == "0" and rows[0]["reviews"] == "2"


def test_by_area_and_type_and_documents(db):
    data = json.loads(dhr("themes", "--by", "type", "--count", "documents", "--json", "--db", str(db)).output)
    assert data["unit"] == "documents" and data["totals"]["committee_minutes"] == 1
    area = json.loads(dhr("themes", "--by", "area", "--json", "--db", str(db)).output)
    assert area["groups"] == ["Eastmoor", "Northbridge", "unknown"]


def test_since_until_and_min_docs(db):
    rows = json.loads(dhr("themes", "--since", "2020", "--until", "2021", "--json", "--db", str(db)).output)
    assert {r["theme"]: r["reviews"] for r in rows}["alcohol"] == 1
    rows = json.loads(dhr("themes", "--min-docs", "2", "--json", "--db", str(db)).output)
    assert {r["theme"] for r in rows} == {"alcohol", "mental_health"}


def test_case_characteristic_filters(db):
    rows = json.loads(
        dhr("themes", "--review-kind", "intimate_partner_homicide", "--json", "--db", str(db)).output
    )
    assert {r["theme"]: r["reviews"] for r in rows} == {"mental_health": 2, "alcohol": 1, "marac": 1}
    rows = json.loads(dhr("themes", "--relationship", "son", "--json", "--db", str(db)).output)
    assert "parricide" in {r["theme"] for r in rows}
    bad = runner.invoke(app, ["themes", "--relationship", "lodger", "--db", str(db)])
    assert bad.exit_code == 2 and "relationships in the knowledge base: ex-partner, partner, son" in bad.output


def test_with_shows_co_occurrence(db):
    result = dhr("themes", "--with", "alcohol", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "occurs in 2 of 3 reviews" in result.output
    data = json.loads(dhr("themes", "--with", "ALCOHOL", "--json", "--db", str(db)).output)
    mh = {r["theme"]: r for r in data["themes"]}["mental_health"]
    assert (data["with_theme"], data["total"], mh["both"], mh["same_passage"]) == (2, 3, 1, 1)


@pytest.mark.parametrize("args", [["themes", "--with", "alcohole"], ["themes", "show", "alcohole"]])
def test_an_unknown_theme_gets_suggestions_not_a_traceback(db, args):
    result = runner.invoke(app, [*args, "--db", str(db)])
    assert result.exit_code == 2
    assert "unknown theme 'alcohole'" in result.output and "alcohol" in result.output.split("did you mean")[1]
    assert "Traceback" not in result.output


def test_show_lists_the_evidence_with_citations(db):
    result = dhr("themes", "show", "alcohol", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "in 2 of 3 reviews and 3 of 4 documents, 3 passages" in result.output
    assert "Her son killed her; he had been drinking." in result.output
    assert (
        "Source: Eastmoor CSP, \u201cDHR Margaret summary\u201d, DHR executive summary, February 2020"
        in result.output
    )
    assert "There was no evidence that alcohol" not in result.output
    data = json.loads(dhr("themes", "show", "alcohol", "--json", "--db", str(db)).output)
    assert [e["title"] for e in data["evidence"]] == ["DHR Margaret summary", "DHR Anna", "Scrutiny minutes"]
    assert data["evidence"][0]["matched"] == ["drinking"] and "citation" in data["evidence"][0]
    rows = list(
        csv.DictReader(io.StringIO(dhr("themes", "show", "alcohol", "--csv", "--db", str(db)).output))
    )
    assert len(rows) == 3 and rows[0]["paragraph"] == "1.1"
    limited = json.loads(dhr("themes", "show", "alcohol", "--json", "--top", "1", "--db", str(db)).output)
    assert len(limited["evidence"]) == 1 and limited["passages"] == 3


def test_json_and_csv_together_are_refused(db):
    result = runner.invoke(app, ["themes", "--json", "--csv", "--db", str(db)])
    assert result.exit_code == 2 and "JSON or CSV" in result.output


def test_by_an_unknown_grouping_is_refused(db):
    result = runner.invoke(app, ["themes", "--by", "colour", "--db", str(db)])
    assert result.exit_code == 2 and "year, area, type" in result.output


def test_chart_writes_a_png(db, tmp_path):
    out = tmp_path / "board" / "themes.png"
    result = dhr("themes", "--chart", str(out), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert f"Chart written to {out}" in result.output
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000


def test_matplotlib_is_only_imported_for_a_chart(db):
    code = (
        "import sys; from typer.testing import CliRunner; from cli import app;"
        f"r = CliRunner().invoke(app, ['themes', '--by', 'year', '--db', {str(db)!r}]);"
        "assert r.exit_code == 0, r.output; print('matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ----------------------------------------------------------------------------- with the real tagger


def test_a_negated_mention_is_not_counted_as_the_theme_being_present(tmp_path):
    from kb.tagger import ThemeTagger

    tagger = ThemeTagger()
    texts = [
        "There was no evidence of alcohol misuse by either party.",
        "Mr B had a long history of heavy drinking and had been violent when drunk.",
    ]
    (tmp_path / "kb").mkdir()
    cat = Catalogue(tmp_path / "kb" / "catalogue.sqlite3")
    for i, text in enumerate(texts):
        mentions = tagger.tag_many([text])[0]
        rows = [[ThemeMentionRow(m.theme_id, m.status, m.text) for m in mentions]]
        meta = DocumentMeta(title=f"DHR {i}", date=f"202{i}", doc_type="dhr_overview_report")
        cat.write_document(f"d{i}", f"/d{i}.pdf", f"h{i}", meta, 1, [Passage(text, 0, 1, "1.1", None)], rows)
        cat.set_status(f"d{i}", "ok")
    cat.close()
    data = json.loads(dhr("themes", "--by", "year", "--json", "--db", str(tmp_path / "kb")).output)
    by = {t["theme"]: t for t in data["themes"]}
    assert by["alcohol"]["reviews"] == 1 and by["alcohol"]["by"] == {"2020": 0, "2021": 1}
    shown = json.loads(dhr("themes", "show", "alcohol", "--json", "--db", str(tmp_path / "kb")).output)
    assert [e["title"] for e in shown["evidence"]] == ["DHR 1"]


# ----------------------------------------------------------------------------- the sample corpus


def corpus_catalogue(db: Path, labelled_metadata: bool = False) -> Path:
    """The fictional sample corpus read and tagged as `dhr ingest` does, into a catalogue at ``db``;
    vectors are left out (nothing here needs them). With ``labelled_metadata`` each document's type
    and date are taken from labels.json, so that what is tested is the themes and their counting,
    not metadata detection (tests/test_metadata.py and corpus/verify_corpus.py test that)."""
    labels_path = CORPUS / "labels.json"
    if not labels_path.is_file():
        pytest.skip("corpus/labels.json is not there")
    try:
        from ingest.pipeline import doc_id_for, file_hash, read_document
    except ImportError as exc:  # the extractors are not in place
        pytest.skip(f"ingest cannot be imported: {exc}")
    from kb.tagger import default_tagger

    labels = json.loads(labels_path.read_text("utf-8"))
    db.mkdir(parents=True, exist_ok=True)
    cat = Catalogue(db / "catalogue.sqlite3")
    tagger = default_tagger()
    for doc in labels["documents"]:
        path = CORPUS / doc["path"]
        if not path.is_file():
            continue
        meta, passages, pages = read_document(path)
        if labelled_metadata:
            extra = (
                meta.extra
                if doc["type"].startswith("dhr_")
                else {k: v for k, v in meta.extra.items() if k not in CHARACTERISTICS}
            )
            meta = dataclasses.replace(meta, doc_type=doc["type"], date=doc["date"], extra=extra)
        rows = [
            [ThemeMentionRow(m.theme_id, m.status, m.text) for m in ms]
            for ms in tagger.tag_many([p.text for p in passages], section_kinds=[p.section_kind for p in passages])
        ]
        cat.write_document(doc_id_for(path), str(path), file_hash(path), meta, pages, passages, rows)
        cat.set_status(doc_id_for(path), "ok")
    cat.close()
    return db


@pytest.fixture(scope="module")
def labelled_catalogue(tmp_path_factory) -> tuple[Path, dict]:
    db = corpus_catalogue(tmp_path_factory.mktemp("corpus") / "kb", labelled_metadata=True)
    return db, json.loads((CORPUS / "labels.json").read_text("utf-8"))


def _labelled(labels: dict) -> list[dict]:
    return [d for d in labels["documents"] if (CORPUS / d["path"]).is_file()]


def test_themes_by_year_on_the_sample_corpus_matches_its_labels(labelled_catalogue):
    db, labels = labelled_catalogue
    docs = [d for d in _labelled(labels) if d["type"].startswith("dhr_")]
    data = json.loads(dhr("themes", "--by", "year", "--json", "--db", str(db)).output)
    assert data["unit"] == "reviews"
    assert data["totals"] == dict(Counter(d["date"][:4] for d in docs))
    expected: dict[tuple[str, str], int] = Counter((t, d["date"][:4]) for d in docs for t in d["themes"])
    got = {(t["theme"], y): n for t in data["themes"] for y, n in t["by"].items() if n}
    cells = set(expected) | set(got)
    agree = [c for c in cells if expected.get(c, 0) == got.get(c, 0)]
    missed = sum(max(0, expected[c] - got.get(c, 0)) for c in expected)
    extra = sum(max(0, got[c] - expected.get(c, 0)) for c in got)
    detail = sorted((c, expected.get(c, 0), got.get(c, 0)) for c in cells if c not in agree)
    # Every labelled theme of a review is counted in its year (recall); a few themes the labels leave
    # out are counted from passages that do state them (see the report of this change). Agency names
    # ("Children's Services" on a panel) no longer count, so the tolerance is tighter than it was
    # (extra 0.12, agreement 0.85).
    print("mismatched (theme, year), labelled, counted:", detail)
    assert missed <= 0.03 * sum(expected.values()), detail
    assert extra <= 0.08 * sum(expected.values()), detail
    assert len(agree) >= 0.90 * len(cells), detail


def test_negated_themes_of_the_sample_corpus_are_not_counted(labelled_catalogue):
    db, labels = labelled_catalogue
    checked = 0
    for d in _labelled(labels):
        for t in d.get("negated_themes", []):
            shown = json.loads(
                dhr("themes", "show", t, "--json", "--top", "0", "--per-doc", "0", "--db", str(db)).output
            )
            paths = {Path(e["path"]).name for e in shown["evidence"]}
            assert Path(d["path"]).name not in paths, (t, d["path"])
            checked += 1
    assert checked >= 5
