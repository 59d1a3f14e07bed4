"""The one path from files on disk into the knowledge base.

For each file: hash it; skip it if unchanged; extract blocks; find structure; cut passages; detect
metadata; tag themes; embed the passages whose text is new; then write the catalogue and the
vectors. Nothing is written until a file has been read completely, so a bad file never touches
what the knowledge base already holds.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.discover import discover, not_regular
from ingest.extract import SIZE_LIMITS, extract, is_our_export
from ingest.metadata import detect_metadata, load_sidecar
from ingest.ocr import OcrProgress
from ingest.passages import cut_passages
from ingest.structure import find_structure
from kb.catalogue import Catalogue, DocumentRow, ThemeMentionRow
from kb.errors import DHRError, ExtractionError, FileTooLargeError, NoTextError
from kb.marker import EXPORT_REASON
from kb.models import DocumentMeta, Passage
from kb.records import TextEncoder, VectorRecord, VectorSink, record_id, vector_metadata
from kb.sentences import answer_sentences, pack
from kb.taxonomy import tagging_version

if TYPE_CHECKING:  # spaCy loads only when a run needs the tagger
    from ingest.manifest import Manifest
    from kb.tagger import ThemeTagger


@dataclass
class FileResult:
    path: Path
    status: str  # added | updated | moved | unchanged | duplicate | failed | skipped
    reason: str = ""
    doc_id: str | None = None
    title: str | None = None
    passages: int = 0
    pages: int | None = None


@dataclass
class Timings:
    """Seconds spent in each stage, summed over a run (for benchmarks and --verbose).

    Wall seconds, except the `*_cpu` fields: the CPU time of the thread doing that stage (the reader
    thread for reading and tagging, the main thread for the rest; the model's own threads are not in them).
    """

    extract_tag: float = 0.0
    embed: float = 0.0
    encode: float = 0.0  # of `embed`, the model's own time (the rest: looking up stored vectors, splitting sentences)
    waiting: float = 0.0  # the main thread waiting for the reader thread (at the start, before anything can embed)
    store: float = 0.0
    read: float = 0.0  # of `extract_tag`: extraction, structure, passages and metadata
    read_cpu: float = 0.0
    tag: float = 0.0  # of `extract_tag`: theme tagging
    tag_cpu: float = 0.0
    checks: float = 0.0  # hashing a file and looking it up in the catalogue (unchanged, moved, duplicate?)
    checks_cpu: float = 0.0
    embed_prep_cpu: float = 0.0  # `embed` less `encode`: stored vectors looked up, answer sentences split
    store_catalogue: float = 0.0  # of `store`: the catalogue (SQLite, FTS5)
    store_catalogue_cpu: float = 0.0
    store_vectors: float = 0.0  # of `store`: Chroma
    store_vectors_cpu: float = 0.0
    pages: int = 0
    passages: int = 0
    embedded: int = 0
    sentences_embedded: int = 0  # answer sentences embedded for highlights (index.highlights)


class _Clock:
    """Wall and this thread's CPU seconds since it was made (or last `lap`)."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.thread_time()

    def lap(self) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.thread_time()
        out = (wall - self.wall, cpu - self.cpu)
        self.wall, self.cpu = wall, cpu
        return out


class ResultLog(list):
    """A run's results in order; `heard(result)` is told each one as it is known (a log's per-file lines)."""

    def __init__(self, heard: Callable[[FileResult], None] | None = None) -> None:
        super().__init__()
        self.heard = heard

    def append(self, result: FileResult) -> None:
        super().append(result)
        if self.heard:
            self.heard(result)

    def __iadd__(self, results: Iterable[FileResult]) -> ResultLog:  # type: ignore[override]
        for result in results:
            self.append(result)
        return self


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)
    timings: Timings = field(default_factory=Timings)
    notes: list[str] = field(default_factory=list)  # worth saying, not a failure (a file with no manifest row)

    def by_status(self, status: str) -> list[FileResult]:
        return [r for r in self.results if r.status == status]

    @property
    def failed(self) -> list[FileResult]:
        return self.by_status("failed")

    def counts(self) -> dict[str, int]:
        keys = ("added", "updated", "moved", "unchanged", "duplicate", "failed", "skipped")
        return {k: len(self.by_status(k)) for k in keys}


_FIELDS = {"title": "title", "body": "body", "area": "area", "date": "date", "type": "doc_type", "url": "url"}


def _differs(existing: DocumentRow, overrides: Mapping[str, str]) -> bool:
    """Whether a manifest row says something the catalogue does not hold yet (so an unchanged file is re-read)."""
    for key, value in overrides.items():
        held = getattr(existing, _FIELDS[key]) if key in _FIELDS else existing.extra.get(key)
        if str(held or "") != value:
            return True
    return False


def file_hash(path: Path, limit: int | None = None) -> str:
    """The SHA-256 of a regular file's bytes. The file is opened without blocking (a FIFO swapped in
    after discovery cannot hang the ingest) and read no further than `limit` (its type's size limit)."""
    limit = SIZE_LIMITS.get(path.suffix.lower(), max(SIZE_LIMITS.values())) if limit is None else limit
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as fh:
        reason = not_regular(os.fstat(fd).st_mode)
        if reason:
            raise ExtractionError(path, reason)
        digest, read = hashlib.sha256(), 0
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            read += len(chunk)
            if read > limit:
                raise FileTooLargeError(path, f"too large: over {limit // 1_048_576} MB, the limit for its type")
            digest.update(chunk)
    return digest.hexdigest()


def doc_id_for(path: Path) -> str:
    return hashlib.sha256(str(path).encode("utf-8")).hexdigest()[:16]


def read_document(
    path: Path, overrides: Mapping[str, str] | None = None, ocr: bool = True, progress: OcrProgress | None = None
) -> tuple[DocumentMeta, list[Passage], int | None]:
    """Extract, structure, cut and describe one file. Pure: writes nothing. Raises DHRError subclasses.

    `overrides` (a manifest's row) win over the file's sidecar and over what the text says. `ocr`
    False refuses a PDF of scans; `progress(done, total)` follows OCR page by page.
    """
    extracted = extract(path, ocr=ocr, progress=progress)
    passages = cut_passages(find_structure(extracted.blocks))
    if not passages:
        raise NoTextError(path, "no passages: the file holds only headings or page furniture")
    meta = detect_metadata(path, extracted, load_sidecar(path), dict(overrides) if overrides else None)
    return meta, passages, extracted.page_count


@dataclass
class Tagged:
    """One file's passages tagged (on the reader thread, while its batch embeds), and how long that took."""

    mentions: list  # per passage, the tagger's mentions
    seconds: float = 0.0
    cpu: float = 0.0


@dataclass
class Prepared:
    """One file read and cut in memory, waiting for its vectors (and, until its batch is written, its tags)."""

    path: Path
    content_hash: str
    replacing: bool
    meta: DocumentMeta
    passages: list[Passage]
    pages: int | None
    tagging: Future[Tagged] | Tagged  # the tagger's mentions, per passage: the embedder does not need them
    doc_id: str = ""  # the document it replaces, else one made from the path
    note: str = ""  # why it replaces a document at another path
    mentions: list[list[ThemeMentionRow]] = field(default_factory=list)  # set from `tagging` when written
    present: list[list[str]] = field(default_factory=list)  # per passage, the theme ids that count (negated
    # ones do not; implied ones do)


EMBED_CONTEXT = True  # embed a passage with its document's title and section heading (issue 15: measured on
# the real-text evaluation of bench/eval_retrieval.py); the stored passage text never changes


def embedding_text(meta: DocumentMeta, passage: Passage) -> str:
    """The text handed to the embedder for a passage: its title and heading, then its words.

    A passage of a DHR rarely names what it is about ("She was seen twice in 2019..."); the
    document's title and the section it sits in say so ("Learning from DHRs: older couples",
    "Recommendations"), and a query phrased by topic finds it more easily.
    """
    if not EMBED_CONTEXT:
        return passage.text
    context = [c.strip() for c in (meta.title, passage.section) if c and c.strip()]
    context = [c for i, c in enumerate(context) if c not in context[:i] and c not in passage.text[: len(c) + 5]]
    return ". ".join([*context, passage.text]) if context else passage.text


BATCH_PASSAGES = 128  # files are gathered until this many passages wait, then embedded in one call
BATCH_FILES = 32
READ_AHEAD = 8  # files a reader thread extracts while the main thread embeds and writes a batch
# The reader thread also tags each file's passages, after the file has joined a batch: tags are needed only
# to write it, so a batch starts embedding as soon as its files are read, and is tagged while it embeds.


@dataclass
class Read:
    """One file extracted and cut (on the reader thread), and how long that took."""

    meta: DocumentMeta
    passages: list[Passage]
    pages: int | None
    seconds: float
    cpu: float = 0.0


class Ingestor:
    """Holds the stores, the tagger and the embedder for one ingest run.

    The vector store and the embedder are handed in (index/ builds them), so reading files never
    depends on how vectors are made or kept.
    """

    def __init__(
        self, catalogue: Catalogue, vectors: VectorSink, embedder: TextEncoder, tagger: ThemeTagger,
        ocr: bool = True, ocr_progress: Callable[[int, int, Path], None] | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.vectors = vectors
        self.embedder = embedder
        self.tagger = tagger
        self.claimed: set[str] = set()  # vanished documents a moved and changed file has taken over
        self.ocr = ocr  # False: a PDF of scans is refused ("no text layer: needs OCR"), as `--no-ocr` asks
        self.ocr_progress = ocr_progress  # (page done, pages to read, file) while OCR reads a file's scans

    def run(
        self,
        paths: list[Path],
        progress: Callable[[int, int, Path], None] | None = None,
        manifest: Manifest | None = None,
        on_result: Callable[[FileResult], None] | None = None,
    ) -> IngestReport:
        """Ingest every file under `paths`; `progress(done, total, path)` is called before each file.

        A `manifest` (ingest/manifest.py) gives metadata for the files it lists, over sidecars and detection.
        `on_result(result)` hears each file's outcome once it is known (written, for a file added).

        Files are read and tagged one by one, and embedded in batches (one encode call for many
        files is much faster than one per file); each file then goes into the catalogue in its own
        transaction and the batch's vectors into Chroma in one call, so a failure or a kill costs at
        most the files of the current batch, which a re-run redoes.
        """
        report = IngestReport(results=ResultLog(on_result))
        fresh = self.catalogue.passage_count() == 0  # then every passage will be tagged by these rules
        refused: set[Path] = set()  # files whose manifest row is wrong: fixed and re-run, not guessed at
        if manifest is not None:
            paths = list(paths) or manifest.paths  # no paths given: the files the manifest lists
            for problem in manifest.problems:
                path = (manifest.source.parent / problem.path).resolve() if problem.path else manifest.source
                refused.add(path)
                report.results.append(FileResult(path, "failed", f"manifest {problem}"))
            report.results += [FileResult(p, "failed", f"listed in the manifest (row {row}) but not found")
                               for row, p in manifest.missing]
        found = discover(paths)
        found.files = [f for f in found.files if f.resolve() not in refused]
        report.results += [FileResult(p, "failed", reason) for p, reason in found.missing]
        report.results += [FileResult(p, "skipped", reason) for p, reason in found.skipped]
        overrides_of = {path: manifest.get(path) if manifest else None for path in found.files}
        batch: list[Prepared] = []
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="dhr-read") as reader:
            ahead: dict[int, Future[Read]] = {}
            for done, path in enumerate(found.files):
                for k in range(done, min(done + READ_AHEAD, len(found.files))):
                    if k not in ahead and self.worth_reading_ahead(found.files[k]):
                        ahead[k] = reader.submit(self.read, found.files[k], overrides_of[found.files[k]])
                if progress:
                    progress(done, len(found.files), path)
                overrides = overrides_of[path]
                if manifest is not None and overrides is None:
                    report.notes.append(f"{path}: no row in the manifest {manifest.source.name}; metadata detected")
                outcome = self.prepare(path, report.timings, overrides, ahead.pop(done, None), reader)
                if isinstance(outcome, FileResult):
                    report.results.append(outcome)
                    continue
                twin = next((b for b in batch if b.content_hash == outcome.content_hash), None)
                if twin is not None:  # the same content twice in one batch: the catalogue cannot see it yet
                    report.results.append(FileResult(path, "duplicate", f"same content as {twin.path}; not added "
                                                     "again", title=twin.meta.title))
                    continue
                batch.append(outcome)
                if sum(len(b.passages) for b in batch) >= BATCH_PASSAGES or len(batch) >= BATCH_FILES:
                    report.results += self.write_batch(batch, report.timings)
                    batch = []
            report.results += self.write_batch(batch, report.timings)
        if fresh:
            self.catalogue.record_tagging(tagging_version(self.tagger.taxonomy))
        if not self.catalogue.postings_synced():  # a knowledge base written before they were kept
            self.catalogue.rebuild_postings()
            report.notes.append("the lexical index's own postings were written anew (word search is faster with them)")
        return report

    def worth_reading_ahead(self, path: Path) -> bool:
        """Whether to read a file on the reader thread before its turn: only one the catalogue does not hold
        yet, so re-running over an unchanged library reads nothing it will not use (a changed file is read
        at its turn)."""
        return self.catalogue.document_by_path(str(path)) is None

    def read(self, path: Path, overrides: Mapping[str, str] | None) -> Read:
        """Read one file (what the reader thread does while the main one embeds)."""
        clock = _Clock()
        follow = self.ocr_progress
        meta, passages, pages = read_document(
            path, overrides, self.ocr, (lambda done, total: follow(done, total, path)) if follow else None)
        return Read(meta, passages, pages, *clock.lap())

    def tag(self, passages: list[Passage]) -> Tagged:
        """Tag one file's passages (on the reader thread, while the batch the file is in embeds)."""
        clock = _Clock()
        mentions = self.tagger.tag_many([p.text for p in passages], section_kinds=[p.section_kind for p in passages])
        return Tagged(mentions, *clock.lap())

    def ingest_file(self, path: Path, timings: Timings) -> FileResult:
        """Bring one file into the knowledge base; any failure is returned, never raised."""
        outcome = self.prepare(path, timings)
        return outcome if isinstance(outcome, FileResult) else self.write_batch([outcome], timings)[0]

    def prepare(
        self, path: Path, timings: Timings, overrides: Mapping[str, str] | None = None,
        ahead: Future[Read] | None = None, reader: ThreadPoolExecutor | None = None,
    ) -> Prepared | FileResult:
        """Read one file into memory, or say why it is skipped or failed. Writes nothing, except the new
        path of a moved file (known content whose old path no longer exists). `ahead`: the file as the
        reader thread read it (used once the checks below say it is to be read); `reader`: that thread,
        which then tags its passages (else they are tagged here)."""
        key = str(path)
        clock = _Clock()
        try:
            content_hash = file_hash(path)
        except OSError as exc:
            return FileResult(path, "failed", f"cannot read: {exc.strerror or exc}")
        except ExtractionError as exc:
            return FileResult(path, "failed", exc.reason)
        if is_our_export(path):
            return FileResult(path, "skipped", EXPORT_REASON)
        existing = self.catalogue.document_by_path(key)
        unchanged = existing and existing.content_hash == content_hash and existing.status == "ok"
        if unchanged and not (overrides and _differs(existing, overrides)):
            return FileResult(path, "unchanged", doc_id=existing.doc_id, title=existing.title)
        twins = [d for d in self.catalogue.documents_by_hash(content_hash) if d.path != key and d.status == "ok"]
        gone = next((d for d in twins if not Path(d.path).exists()), None)
        if gone is not None and existing is None:  # known content whose old path has vanished: a move
            self.catalogue.move_document(gone.doc_id, key)
            return FileResult(path, "moved", f"moved from {gone.path}", doc_id=gone.doc_id, title=gone.title)
        if twins:
            return FileResult(path, "duplicate", f"same content as {twins[0].path}; not added again",
                              doc_id=twins[0].doc_id, title=twins[0].title)
        checked = clock.lap()
        timings.checks += checked[0]
        timings.checks_cpu += checked[1]
        try:
            if ahead is not None:
                start = time.perf_counter()
                read = ahead.result()
                timings.waiting += time.perf_counter() - start
            else:
                read = self.read(path, overrides)
            tagging = reader.submit(self.tag, read.passages) if reader is not None else self.tag(read.passages)
        except DHRError as exc:
            return FileResult(path, "failed", getattr(exc, "reason", str(exc)))
        meta, passages, pages = read.meta, read.passages, read.pages
        timings.extract_tag += read.seconds
        timings.read += read.seconds
        timings.read_cpu += read.cpu
        doc_id, note = (existing.doc_id, "") if existing else (self.new_doc_id(path, content_hash), "")
        if existing is None and (moved := self.moved_and_changed(passages)) is not None:
            doc_id, note = moved.doc_id, f"moved from {moved.path} and changed"
        return Prepared(path, content_hash, existing is not None or bool(note), meta, passages, pages, tagging,
                        doc_id, note)

    def take_tags(self, b: Prepared, timings: Timings) -> None:
        """The file's tags, as the reader thread made them (waiting for it if it is still tagging)."""
        tagging = b.tagging
        if isinstance(tagging, Future):
            start = time.perf_counter()
            tagging = tagging.result()
            timings.waiting += time.perf_counter() - start
        b.mentions = [[ThemeMentionRow(m.theme_id, m.status, m.text) for m in ms] for ms in tagging.mentions]
        b.present = [self.tagger.present_ids(ms) for ms in tagging.mentions]
        timings.extract_tag += tagging.seconds
        timings.tag += tagging.seconds
        timings.tag_cpu += tagging.cpu

    def new_doc_id(self, path: Path, content_hash: str) -> str:
        """An id for a new document: made from its path, unless a document moved away from that path keeps
        that id (a move keeps the id), so a new file at the old path never replaces the moved document."""
        doc_id = doc_id_for(path)
        if self.catalogue.document(doc_id) is not None:
            doc_id = hashlib.sha256(f"{path}\n{content_hash}".encode()).hexdigest()[:16]
        return doc_id

    def moved_and_changed(self, passages: list[Passage]) -> DocumentRow | None:
        """The vanished document (its file is gone) that most of whose passages this new file holds: the
        same review, moved and edited. None when there is none (then the file is a new document)."""
        best, best_share = None, 0.5
        for doc, shared, total in self.catalogue.documents_sharing([p.passage_id for p in passages]):
            share = shared / max(total, 1)
            if doc.doc_id not in self.claimed and not Path(doc.path).exists() and share > best_share:
                best, best_share = doc, share
        if best is not None:
            self.claimed.add(best.doc_id)  # one new file per vanished document
        return best

    def write_batch(self, batch: list[Prepared], timings: Timings) -> list[FileResult]:
        """Embed the batch's new texts in one call, then write its files to the catalogue and Chroma."""
        if not batch:
            return []
        start = time.perf_counter()
        prep_cpu = time.thread_time()
        texts = {p.passage_id: p.text for b in batch for p in b.passages}
        to_embed: dict[str, str] = {}
        for b in batch:  # a text published twice is embedded once, with the context it first came in
            for p in b.passages:
                to_embed.setdefault(p.passage_id, embedding_text(b.meta, p))
        # Chroma is asked, by record id, only for passages the catalogue holds (a new library holds none)
        held_records = self.catalogue.record_ids_of(list(texts))
        vectors = self.vectors.embeddings_for(held_records) if held_records else {}
        new_texts = {pid: to_embed[pid] for pid in texts if pid not in vectors}
        stored = self.catalogue.sentence_vectors(texts)
        sentences_of = {pid: answer_sentences(text) for pid, text in texts.items() if pid not in stored}
        sentence_texts = [s for group in sentences_of.values() for s in group]
        # one encode call for passages and their answer sentences: the model sorts them by length
        to_encode = [*new_texts.values(), *sentence_texts]
        encode_start, encode_cpu = time.perf_counter(), time.thread_time()
        encoded = self.embedder.encode(to_encode) if to_encode else None
        timings.encode += time.perf_counter() - encode_start
        prep_cpu += time.thread_time() - encode_cpu  # not the encode's (tokenising, or the model when one batch)
        if new_texts:
            vectors.update({pid: list(vec) for pid, vec in zip(new_texts, encoded, strict=False)})
        # Blobs already stored go back in too: rewriting a document first deletes the sentence vectors of
        # its own passages that no other document cites, then inserts the passages again with these.
        packed: dict[str, bytes] = dict(stored)
        at = len(new_texts)
        for pid, group in sentences_of.items():  # an empty blob where a passage has no answer sentence
            packed[pid] = pack(encoded[at : at + len(group)]) if group else b""
            at += len(group)
        timings.embed += time.perf_counter() - start
        timings.embed_prep_cpu += time.thread_time() - prep_cpu
        timings.embedded += len(new_texts)
        timings.sentences_embedded += len(sentence_texts)

        failed: dict[int, FileResult] = {}
        for b in batch:
            try:
                self.take_tags(b, timings)
            except DHRError as exc:
                failed[id(b)] = FileResult(b.path, "failed", getattr(exc, "reason", str(exc)))
        ready = [(b, b.doc_id or doc_id_for(b.path)) for b in batch if id(b) not in failed]
        # Each document goes into the catalogue in its own transaction, left 'indexing'; then the batch's
        # vectors go to Chroma in one call (each call costs Chroma ~30 ms however few records it holds);
        # then the documents are marked 'ok'. A kill in between leaves them 'indexing': a re-run redoes them.
        start = time.perf_counter()
        clock = _Clock()
        # Chroma holds vectors for a document only once the catalogue has a row for it (written first; `forget`
        # and repairs remove both), so those of a document new to the catalogue are not looked for: Chroma
        # finds a document's records by scanning metadata, 10 ms a document at 100,000 passages and growing.
        held = {doc_id for b, doc_id in ready if b.replacing or self.catalogue.document(doc_id) is not None}
        for b, doc_id in ready:
            self.catalogue.write_document(
                doc_id, str(b.path), b.content_hash, b.meta, b.pages, b.passages, b.mentions, b.present, packed
            )
        wall, cpu = clock.lap()
        timings.store_catalogue += wall
        timings.store_catalogue_cpu += cpu
        records = []
        for b, doc_id in ready:
            if doc_id in held:
                self.vectors.delete_document(doc_id)
            records += [
                VectorRecord(record_id(doc_id, p.ordinal), p.passage_id, vectors[p.passage_id],
                             vector_metadata(doc_id, b.meta, p, themes))
                for p, themes in zip(b.passages, b.present, strict=True)
            ]
        self.vectors.add(records)
        wall, cpu = clock.lap()
        timings.store_vectors += wall
        timings.store_vectors_cpu += cpu
        for _, doc_id in ready:
            self.catalogue.set_status(doc_id, "ok")
        wall, cpu = clock.lap()
        timings.store_catalogue += wall
        timings.store_catalogue_cpu += cpu
        timings.store += time.perf_counter() - start
        doc_of = {id(b): doc_id for b, doc_id in ready}
        results = []
        for b in batch:
            if id(b) in failed:
                results.append(failed[id(b)])
                continue
            timings.pages += b.pages or 0
            timings.passages += len(b.passages)
            results.append(FileResult(b.path, "updated" if b.replacing else "added", b.note, doc_id=doc_of[id(b)],
                                      title=b.meta.title, passages=len(b.passages), pages=b.pages))
        return results
