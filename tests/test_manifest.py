"""Manifests: one CSV row per file of a library download, and the pipeline taking their values."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pytest

from ingest.manifest import read_manifest
from ingest.pipeline import Ingestor, read_document
from kb.catalogue import Catalogue
from kb.records import VectorRecord
from kb.taxonomy import load_taxonomy

REPORT = (
    "Northbridge Community Safety Partnership\n\nDomestic Homicide Review\n\nOverview Report into the death of 'Anna'"
    "\n\nReport completed: March 2022\n\n1. Introduction\n\n1.1 This review was commissioned by the Northbridge "
    "Community Safety Partnership after the death of Anna in 2020, and looks at what agencies knew.\n\n"
    "2. Terms of Reference\n\n2.1 The review considered contact between agencies from 2018 to 2020 in detail.\n"
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


@pytest.fixture
def library(tmp_path: Path) -> Path:
    write(tmp_path / "lib" / "files" / "a.txt", REPORT)
    write(tmp_path / "lib" / "files" / "b.txt", REPORT.replace("Anna", "Beth").replace("Northbridge", "Westmere"))
    return tmp_path / "lib"


def test_rows_resolve_against_the_csv_folder_and_keep_extra_columns(library: Path) -> None:
    csv = write(library / "manifest.csv", (
        "path,title,area,date,type,url,review_kind\n"
        "files/a.txt,DHR Anna,Westshire,6 July 2021,dhr_executive_summary,https://example.org/a,"
        "intimate_partner_homicide\n"
        "files/b.txt,,,,,,\n"
    ))
    manifest = read_manifest(csv)
    a = (library / "files" / "a.txt").resolve()
    assert manifest.problems == [] and manifest.missing == []
    assert manifest.get(library / "files" / ".." / "files" / "a.txt") == {
        "title": "DHR Anna", "area": "Westshire", "date": "2021-07-06", "type": "dhr_executive_summary",
        "url": "https://example.org/a", "review_kind": "intimate_partner_homicide"}
    assert manifest.get(library / "files" / "b.txt") == {}  # listed, but says nothing: detection stands
    assert manifest.paths[0] == a


def test_a_bad_date_or_type_is_an_error_for_that_row_only(library: Path) -> None:
    csv = write(library / "manifest.csv", (
        "Path,Date,Type\n"
        "files/a.txt,31/02/2021,\n"
        "files/b.txt,,memo\n"
        "files/gone.pdf,2020,\n"
        ",2020,\n"
    ))
    manifest = read_manifest(csv)
    assert [(p.row, p.path) for p in manifest.problems] == [(2, "files/a.txt"), (3, "files/b.txt"), (5, "")]
    assert "not a date" in manifest.problems[0].message and "row 2" in str(manifest.problems[0])
    assert "not one of" in manifest.problems[1].message
    assert manifest.missing == [(4, (library / "files" / "gone.pdf").resolve())]
    assert manifest.overrides == {}


def test_the_same_file_twice_is_a_problem_and_a_csv_without_path_is_refused(library: Path) -> None:
    csv = write(library / "m.csv", "path,title\nfiles/a.txt,One\n./files/a.txt,Two\n")
    manifest = read_manifest(csv)
    assert manifest.get(library / "files" / "a.txt") == {"title": "One"}
    assert [(p.row, "row 2" in p.message) for p in manifest.problems] == [(3, True)]
    with pytest.raises(ValueError, match="no 'path' column"):
        read_manifest(write(library / "bad.csv", "file,title\na.txt,x\n"))


def test_manifest_wins_over_sidecar_and_detection_and_says_so(library: Path) -> None:
    a = library / "files" / "a.txt"
    write(library / "files" / "a.txt.meta.json", '{"title": "From the sidecar", "body": "Sidecar body", "x": "1"}')
    meta, _, _ = read_document(a)
    assert (meta.title, meta.body, meta.area) == ("From the sidecar", "Sidecar body", "Northbridge")
    assert meta.extra["provenance"] == {
        "title": "sidecar", "body": "sidecar", "area": "detected", "date": "detected", "type": "detected"}
    meta, _, _ = read_document(a, {"title": "From the manifest", "date": "2020-01-02", "batch": "7"})
    assert (meta.title, meta.body, meta.date) == ("From the manifest", "Sidecar body", "2020-01-02")
    assert meta.extra["provenance"]["title"] == "manifest" and meta.extra["provenance"]["body"] == "sidecar"
    assert meta.extra["x"] == "1" and meta.extra["batch"] == "7"


class FakeEncoder:
    """Fixed unit vectors: enough for ingest, which only stores them."""

    dimension = 4

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return np.tile(np.array([1.0, 0.0, 0.0, 0.0], dtype=np.float32), (len(texts), 1))


class FakeSink:
    def __init__(self) -> None:
        self.records: dict[str, VectorRecord] = {}

    def add(self, records: Sequence[VectorRecord]) -> None:
        self.records.update({r.record_id: r for r in records})

    def delete_document(self, doc_id: str) -> None:
        self.records = {k: v for k, v in self.records.items() if not k.startswith(doc_id + ":")}

    def embeddings_for(self, records: Mapping[str, Sequence[str]]) -> dict[str, list[float]]:
        wanted = set(records)
        return {r.passage_id: list(r.embedding) for r in self.records.values() if r.passage_id in wanted}


class NoThemes:
    taxonomy = load_taxonomy()

    def tag_many(self, texts: Iterable[str], section_kinds: Iterable[str] | None = None) -> list[list]:
        return [[] for _ in texts]

    def present_ids(self, mentions: Iterable) -> list[str]:
        return []


def test_an_ingest_run_takes_the_manifest_values(library: Path, tmp_path: Path) -> None:
    csv = write(library / "manifest.csv", (
        "path,title,area,type,source_list\n"
        "files/a.txt,Anna review as catalogued,Westshire,dhr_executive_summary,library 2024\n"
    ))
    (tmp_path / "kb").mkdir()
    catalogue = Catalogue(tmp_path / "kb" / "catalogue.sqlite3")
    sink = FakeSink()
    report = Ingestor(catalogue, sink, FakeEncoder(), NoThemes()).run(  # type: ignore[arg-type]
        [library / "files"], manifest=read_manifest(csv))
    assert report.counts()["added"] == 2 and not report.failed
    a = catalogue.document_by_path(str(library / "files" / "a.txt"))
    b = catalogue.document_by_path(str(library / "files" / "b.txt"))
    assert (a.title, a.area, a.doc_type, a.extra["source_list"]) == (
        "Anna review as catalogued", "Westshire", "dhr_executive_summary", "library 2024")
    assert a.extra["provenance"] == {
        "title": "manifest", "body": "detected", "area": "manifest", "date": "detected", "type": "manifest"}
    assert (b.area, b.extra["provenance"]["area"]) == ("Westmere", "detected")
    assert sink.records and all(r.metadata["doc_type"] in ("dhr_executive_summary", "dhr_overview_report")
                                for r in sink.records.values())


@pytest.mark.slow
def test_dhr_ingest_with_a_manifest_reports_every_row_and_a_changed_row_updates_the_document(tmp_path):
    from typer.testing import CliRunner

    from cli import app

    folder = tmp_path / "library"
    folder.mkdir()
    body = "The review found that agencies did not share information about the risk the perpetrator posed. " * 4
    for name in ("one.txt", "two.txt", "three.txt"):
        (folder / name).write_text(f"Overview report {name}\n\n1. Findings\n\n1.1 {body}\n", encoding="utf-8")
    manifest = folder / "library.csv"
    manifest.write_text(
        "path,title,area,date,type,reviewer\n"
        "one.txt,DHR 'Beth',Kent,2021-03-04,dhr_overview_report,J Smith\n"
        "two.txt,DHR 'Carl',Kent,not a date,dhr_overview_report,\n"
        "gone.txt,DHR 'Dee',Kent,2020,dhr_overview_report,\n",
        encoding="utf-8",
    )
    db = tmp_path / "kb"
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(folder), "--manifest", str(manifest), "--db", str(db), "--json"])
    report = json.loads(result.stdout)
    by_name = {Path(f["path"]).name: f for f in report["files"]}
    assert result.exit_code == 1  # two rows could not be used
    assert by_name["one.txt"]["status"] == "added" and by_name["one.txt"]["title"] == "DHR 'Beth'"
    assert "row 3" in by_name["two.txt"]["reason"] and "date" in by_name["two.txt"]["reason"]
    assert "row 4" in by_name["gone.txt"]["reason"]
    assert any("three.txt" in note and "no row" in note for note in report["notes"])
    docs = {d["title"]: d for d in json.loads(runner.invoke(app, ["docs", "--json", "--db", str(db)]).stdout)}
    assert docs["DHR 'Beth'"]["area"] == "Kent" and docs["DHR 'Beth'"]["date"] == "2021-03-04"

    manifest.write_text("path,title\none.txt,DHR 'Beth' (revised)\n", encoding="utf-8")
    again = json.loads(runner.invoke(app, ["ingest", "--manifest", str(manifest), "--db", str(db), "--json"]).stdout)
    assert again["counts"]["updated"] == 1
    titles = {d["title"] for d in json.loads(runner.invoke(app, ["docs", "--json", "--db", str(db)]).stdout)}
    assert "DHR 'Beth' (revised)" in titles and "DHR 'Beth'" not in titles
