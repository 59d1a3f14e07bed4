"""Check that the catalogue, its lexical index and Chroma agree, and repair them when they do not.

The catalogue is the source of truth. After a crash mid-ingest a document can be left 'indexing',
Chroma can hold vectors the catalogue does not know (orphans) or lack some it should hold, and the
FTS index can disagree with the passages table, and a knowledge base written before highlights
used stored sentence vectors lacks them. `check` counts each kind; `repair` fixes them: orphan
vectors are deleted, missing vectors and sentence vectors embedded from the catalogue's text,
FTS rebuilt, and 'indexing' documents completed.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kb.catalogue import Catalogue, DocumentRow, damaged
from kb.errors import RepairRefusedError
from kb.models import DocumentMeta, Passage
from kb.records import VectorRecord, parse_record_id, record_id, vector_metadata
from kb.sentences import answer_sentences, pack

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
    postings_out_of_step: bool = False  # the lexical index's own postings (kb/postings.py) are not in use
    missing_sources: list[str] = field(default_factory=list)  # documents whose file is gone (not a store problem)

    @property
    def consistent(self) -> bool:
        return not (self.unfinished_documents or self.orphan_vectors or self.missing_vectors
                    or self.orphan_passages or self.fts_mismatch or self.missing_sentence_vectors
                    or self.postings_out_of_step)

    @property
    def unknown_documents(self) -> set[str]:
        """The documents the orphan vectors belong to (by their record ids)."""
        return {parse_record_id(rid)[0] for rid in self.orphan_vectors}

    @property
    def looks_lost(self) -> bool:
        """The catalogue looks lost, emptied or replaced by an older copy: it holds no documents while Chroma
        holds vectors, or Chroma holds vectors of more documents the catalogue does not know than it knows.
        Repairing then would delete vectors nobody can account for, so it needs --force."""
        return bool(self.orphan_vectors) and (self.documents == 0 or len(self.unknown_documents) > self.documents)

    def deletions(self) -> list[str]:
        """What a repair deletes, one line each (nothing else is deleted)."""
        out = []
        if self.orphan_vectors:
            docs = sorted(self.unknown_documents)
            shown = ", ".join(docs[:5]) + (f" and {len(docs) - 5} more" if len(docs) > 5 else "")
            out.append(f"{len(self.orphan_vectors)} vector(s) in Chroma of {len(docs)} document(s) the catalogue "
                       f"does not know ({shown})")
        if self.orphan_passages:
            out.append(f"{self.orphan_passages} passage(s) of the catalogue that no document cites")
        return out

    def notes(self) -> list[str]:
        """What is worth knowing but is not a disagreement of the stores (a repair cannot fix it)."""
        if not self.missing_sources:
            return []
        shown = ", ".join(self.missing_sources[:3]) + (" and more" if len(self.missing_sources) > 3 else "")
        return [f"{len(self.missing_sources)} missing source(s): document(s) whose file is no longer there "
                f"({shown}); `dhr forget --missing` (or `dhr ingest FOLDER --prune`) withdraws them, and an ingest "
                "of a moved file's new place records the move"]

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
        if self.postings_out_of_step:
            out.append("the lexical index's own postings are out of step with it (written before they were kept, "
                       "or by an older version): word search scores with FTS5, which is slower on a large "
                       "knowledge base")
        return out


def _gone(path: Path) -> bool:
    """Whether a source file is no longer there (one this user may not look at is not "gone")."""
    try:
        return not path.exists()
    except OSError:
        return False


def missing_sources(catalogue: Catalogue, under: Sequence[Path] = ()) -> list[DocumentRow]:
    """Documents whose source file is gone; with `under`, only those whose file was in one of these
    folders (what an ingest of the folders can report and `--prune` withdraws)."""
    folders = [Path(os.path.abspath(p)) for p in under]
    folders += [r for p in folders if (r := p.resolve()) != p]

    def wanted(path: Path) -> bool:
        return not under or any(f in path.parents for f in folders)

    return [d for d in catalogue.documents(status=None) if wanted(Path(d.path)) and _gone(Path(d.path))]


def check(catalogue: Catalogue, vectors: VectorStore) -> CheckReport:
    """Compare the stores; a catalogue file SQLite finds damaged raises StoreError saying what to do."""
    problem = catalogue.integrity_problem()
    if problem:
        raise damaged(catalogue.path, problem)
    expected = catalogue.vector_ids()
    stored = vectors.all_ids()
    counts = catalogue.store_counts()
    return CheckReport(
        documents=counts.documents,
        passages=len(counts.passage_ids),
        vectors=len(stored),
        unfinished_documents=list(counts.unfinished_paths),
        orphan_vectors=sorted(stored - expected),
        missing_vectors=sorted(expected - stored),
        orphan_passages=counts.orphan_passages,
        fts_mismatch=len(counts.fts_ids ^ counts.passage_ids) + (counts.fts_rows - len(counts.fts_ids)),
        missing_sentence_vectors=counts.missing_sentence_vectors,
        postings_out_of_step=not catalogue.postings_synced(),
        missing_sources=sorted(d.path for d in missing_sources(catalogue)),
    )


def repair(catalogue: Catalogue, vectors: VectorStore, embedder: Embedder, force: bool = False,
           report: CheckReport | None = None) -> CheckReport:
    """Make the three stores agree with the catalogue; returns the check after repair.

    When the catalogue looks lost (see CheckReport.looks_lost) nothing is done without `force`:
    RepairRefusedError says what would be deleted and what to do instead."""
    report = report or check(catalogue, vectors)
    if report.looks_lost and not force:
        raise RepairRefusedError(
            f"the catalogue holds {report.documents} document(s) but Chroma holds {len(report.orphan_vectors)} "
            f"vector(s) of {len(report.unknown_documents)} document(s) it does not know: the catalogue looks lost "
            "or replaced, and a repair would delete those vectors. Restore catalogue.sqlite3 from a copy or a "
            "backup; to delete them anyway, run `dhr check --repair --force`")
    vectors.delete_ids(report.orphan_vectors)
    # passages nobody cites, then the lexical index rebuilt from the passages table
    catalogue.remove_orphan_passages(rebuild_lexical=bool(report.fts_mismatch or report.orphan_passages))
    if not catalogue.postings_synced():
        catalogue.rebuild_postings()
    missing = set(report.missing_vectors)
    if missing:
        found = [o for o in catalogue.all_occurrences() if record_id(o.doc_id, o.ordinal) in missing]
        texts = list(dict.fromkeys(o.text for o in found))
        encoded = dict(zip(texts, embedder.encode(texts), strict=True))
        records = []
        for o in found:
            s = o.source
            meta = DocumentMeta(title=s.title, area=s.area, date=s.date, doc_type=s.type)
            passage = Passage(o.text, o.ordinal, s.page, s.paragraph, s.section, s.section_kind)
            records.append(VectorRecord(record_id(o.doc_id, o.ordinal), o.passage_id, encoded[o.text],
                                        vector_metadata(o.doc_id, meta, passage, list(o.themes))))
        vectors.add(records)
    if report.missing_sentence_vectors:
        store_sentence_vectors(catalogue, embedder)
    catalogue.publish_all()
    return check(catalogue, vectors)


def store_sentence_vectors(catalogue: Catalogue, embedder: Embedder) -> int:
    """Embed and store the answer sentences of every passage that has none stored; returns how many passages."""
    rows = catalogue.passages_without_sentence_vectors()
    groups = [answer_sentences(text) for _, text in rows]
    encoded = embedder.encode([s for g in groups for s in g])
    blobs, at = [], 0
    for (pid, _), group in zip(rows, groups, strict=True):
        blobs.append((pid, pack(encoded[at : at + len(group)])))
        at += len(group)
    catalogue.store_sentence_vectors(blobs)
    return len(blobs)
