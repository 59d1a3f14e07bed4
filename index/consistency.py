"""Check that the catalogue, its lexical index and Chroma agree, and repair them when they do not.

The catalogue is the source of truth. After a crash mid-ingest a document can be left 'indexing',
Chroma can hold vectors the catalogue does not know (orphans) or lack some it should hold, and the
FTS index can disagree with the passages table, and a knowledge base written before highlights
used stored sentence vectors lacks them. `check` counts each kind; `repair` fixes them: orphan
vectors are deleted, missing vectors and sentence vectors embedded from the catalogue's text,
FTS rebuilt, and 'indexing' documents completed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kb.catalogue import Catalogue

if TYPE_CHECKING:
    from index.embedder import Embedder
    from index.vectors import VectorStore


@dataclass
class CheckReport:
    documents: int = 0
    passages: int = 0
    vectors: int = 0
    unfinished_documents: list[str] = field(default_factory=list)  # paths left 'indexing'
    orphan_vectors: list[str] = field(default_factory=list)  # in Chroma, not in the catalogue
    missing_vectors: list[str] = field(default_factory=list)  # in the catalogue, not in Chroma
    orphan_passages: int = 0  # passages no document cites
    fts_mismatch: int = 0  # passages missing from, or extra in, the lexical index
    missing_sentence_vectors: int = 0  # passages whose highlights must be embedded at query time

    @property
    def consistent(self) -> bool:
        return not (self.unfinished_documents or self.orphan_vectors or self.missing_vectors
                    or self.orphan_passages or self.fts_mismatch or self.missing_sentence_vectors)

    def problems(self) -> list[str]:
        out = []
        if self.unfinished_documents:
            out.append(f"{len(self.unfinished_documents)} document(s) left half-written by an interrupted ingest")
        if self.orphan_vectors:
            out.append(f"{len(self.orphan_vectors)} vector(s) in Chroma that the catalogue does not know")
        if self.missing_vectors:
            out.append(f"{len(self.missing_vectors)} passage occurrence(s) with no vector in Chroma")
        if self.orphan_passages:
            out.append(f"{self.orphan_passages} passage(s) that no document cites")
        if self.fts_mismatch:
            out.append(f"{self.fts_mismatch} passage(s) out of step with the lexical index")
        if self.missing_sentence_vectors:
            out.append(f"{self.missing_sentence_vectors} passage(s) without stored sentence vectors "
                       "(their highlights are embedded at query time, which is slower)")
        return out


def check(catalogue: Catalogue, vectors: VectorStore) -> CheckReport:
    conn = catalogue.conn
    expected = catalogue.vector_ids()
    stored = vectors.all_ids()
    fts_ids = {r[0] for r in conn.execute("SELECT passage_id FROM passages_fts")}
    passage_ids = {r[0] for r in conn.execute("SELECT passage_id FROM passages")}
    fts_rows = conn.execute("SELECT COUNT(*) FROM passages_fts").fetchone()[0]
    return CheckReport(
        documents=conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0],
        passages=len(passage_ids),
        vectors=len(stored),
        unfinished_documents=[r[0] for r in conn.execute("SELECT path FROM documents WHERE status != 'ok'")],
        orphan_vectors=sorted(stored - expected),
        missing_vectors=sorted(expected - stored),
        orphan_passages=conn.execute(
            "SELECT COUNT(*) FROM passages WHERE passage_id NOT IN (SELECT passage_id FROM occurrences)"
        ).fetchone()[0],
        fts_mismatch=len(fts_ids ^ passage_ids) + (fts_rows - len(fts_ids)),
        missing_sentence_vectors=conn.execute(
            "SELECT COUNT(*) FROM passages WHERE passage_id NOT IN (SELECT passage_id FROM sentence_vectors)"
        ).fetchone()[0],
    )


def repair(catalogue: Catalogue, vectors: VectorStore, embedder: Embedder) -> CheckReport:
    """Make the three stores agree with the catalogue; returns the check after repair."""
    from kb.models import DocumentMeta, Passage
    from kb.records import VectorRecord, record_id, vector_metadata

    report = check(catalogue, vectors)
    conn = catalogue.conn
    vectors.delete_ids(report.orphan_vectors)
    with conn:  # passages nobody cites, then the lexical index rebuilt from the passages table
        conn.execute("DELETE FROM passage_themes WHERE passage_id NOT IN (SELECT passage_id FROM occurrences)")
        conn.execute("DELETE FROM passages WHERE passage_id NOT IN (SELECT passage_id FROM occurrences)")
        if report.fts_mismatch or report.orphan_passages:
            conn.execute("DELETE FROM passages_fts")
            conn.execute("INSERT INTO passages_fts (text, passage_id) SELECT text, passage_id FROM passages")
    missing = set(report.missing_vectors)
    if missing:
        rows = conn.execute(
            "SELECT o.*, p.text, p.themes_json, d.title, d.doc_type, d.area, d.date FROM occurrences o"
            " JOIN passages p USING (passage_id) JOIN documents d USING (doc_id)"
        ).fetchall()
        rows = [r for r in rows if record_id(r['doc_id'], r['ordinal']) in missing]
        texts = list(dict.fromkeys(r["text"] for r in rows))
        encoded = dict(zip(texts, embedder.encode(texts), strict=True))
        import json

        records = []
        for r in rows:
            meta = DocumentMeta(title=r["title"], area=r["area"], date=r["date"], doc_type=r["doc_type"])
            passage = Passage(r["text"], r["ordinal"], r["page"], r["paragraph"], r["section"], r["section_kind"])
            records.append(VectorRecord(record_id(r['doc_id'], r['ordinal']), r["passage_id"], encoded[r["text"]],
                                        vector_metadata(r["doc_id"], meta, passage, json.loads(r["themes_json"]))))
        vectors.add(records)
    if report.missing_sentence_vectors:
        store_sentence_vectors(catalogue, embedder)
    with conn:
        conn.execute("UPDATE documents SET status = 'ok' WHERE status != 'ok'")
    return check(catalogue, vectors)


def store_sentence_vectors(catalogue: Catalogue, embedder: Embedder) -> int:
    """Embed and store the answer sentences of every passage that has none stored; returns how many passages."""
    from kb.sentences import answer_sentences, pack

    rows = catalogue.conn.execute(
        "SELECT passage_id, text FROM passages WHERE passage_id NOT IN (SELECT passage_id FROM sentence_vectors)"
    ).fetchall()
    groups = [answer_sentences(r["text"]) for r in rows]
    encoded = embedder.encode([s for g in groups for s in g])
    blobs, at = [], 0
    for r, group in zip(rows, groups, strict=True):
        blobs.append((r["passage_id"], pack(encoded[at : at + len(group)])))
        at += len(group)
    with catalogue.conn:
        catalogue.conn.executemany("INSERT OR IGNORE INTO sentence_vectors (passage_id, vectors) VALUES (?, ?)", blobs)
    return len(blobs)
