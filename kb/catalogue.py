"""The catalogue: a SQLite file that is the source of truth for documents, passages and themes.

Tables
- documents: one row per ingested file (path, content hash, status, metadata).
- passages: one row per distinct passage text (id = hash of the normalised words).
- occurrences: where each passage appears (document, order, page, paragraph, section).
- passage_themes: theme mentions per passage, with status present / negated / hypothetical.
- passages_fts: FTS5 full-text index over passage text, for lexical search.
- lexical_rows, lexical_postings: the same index's rows (passage id, length) and each token's positions,
  kept beside FTS5 so BM25 can be scored in numpy (kb/postings.py); `meta` records the FTS5 state they
  match, and a write by code that does not keep them leaves them unused until `dhr check --repair`.
- sentence_vectors: each passage's answer-sentence embeddings (packed int8), for highlights.
- meta: facts about the knowledge base as a whole, such as the `vector_space` (model and precision) that
  made its vectors, so a query or an ingest with another one is refused rather than mixing them.

A document's status is 'indexing' while its vectors are being written and 'ok' once both stores
agree; readers only ever see documents whose status is 'ok' (`PUBLISHED`). Every SQL statement of
the knowledge base lives in this module; callers get dataclasses back, never rows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from kb import postings
from kb.citation import Source, label_of_review
from kb.errors import StoreError
from kb.models import DocumentMeta, Passage
from kb.query import Filters
from kb.records import record_id

PUBLISHED = "d.status = 'ok'"  # the one definition of "published", for tables aliased d

TOKENIZE = "porter unicode61 remove_diacritics 2"  # passages_fts's tokenizer

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL,
    status TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT,
    area TEXT,
    date TEXT,
    year INTEGER,
    doc_type TEXT NOT NULL,
    url TEXT,
    page_count INTEGER,
    extra_json TEXT NOT NULL DEFAULT '{{}}',
    ingested_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_hash ON documents(content_hash);
CREATE TABLE IF NOT EXISTS passages (
    passage_id TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    word_count INTEGER NOT NULL,
    themes_json TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS passages_theme_lists ON passages(passage_id, themes_json);
CREATE TABLE IF NOT EXISTS occurrences (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    passage_id TEXT NOT NULL REFERENCES passages(passage_id),
    page INTEGER,
    paragraph TEXT NOT NULL,
    section TEXT,
    section_kind TEXT NOT NULL,
    PRIMARY KEY (doc_id, ordinal)
);
CREATE INDEX IF NOT EXISTS occurrences_passage ON occurrences(passage_id);
CREATE INDEX IF NOT EXISTS occurrences_section ON occurrences(section_kind);
CREATE TABLE IF NOT EXISTS passage_themes (
    passage_id TEXT NOT NULL REFERENCES passages(passage_id) ON DELETE CASCADE,
    theme_id TEXT NOT NULL,
    status TEXT NOT NULL,
    evidence TEXT NOT NULL,
    PRIMARY KEY (passage_id, theme_id, status)
);
CREATE INDEX IF NOT EXISTS passage_themes_theme ON passage_themes(theme_id, status);
CREATE TABLE IF NOT EXISTS sentence_vectors (
    passage_id TEXT PRIMARY KEY REFERENCES passages(passage_id) ON DELETE CASCADE,
    vectors BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5(
    text, passage_id UNINDEXED, tokenize = '{TOKENIZE}'
);
CREATE TABLE IF NOT EXISTS lexical_rows (
    row INTEGER PRIMARY KEY AUTOINCREMENT,
    passage_id TEXT NOT NULL,
    length INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS lexical_rows_passage ON lexical_rows(passage_id);
CREATE TABLE IF NOT EXISTS lexical_postings (
    token TEXT NOT NULL,
    first_row INTEGER NOT NULL,
    instances INTEGER NOT NULL,
    rows INTEGER NOT NULL,
    keys BLOB NOT NULL,
    PRIMARY KEY (token, first_row)
);
"""


TABLES = frozenset({"documents", "passages", "occurrences", "passage_themes", "sentence_vectors", "passages_fts"})


@dataclass(frozen=True)
class DocumentRow:
    doc_id: str
    path: str
    content_hash: str
    status: str
    title: str
    body: str | None
    area: str | None
    date: str | None
    year: int | None
    doc_type: str
    url: str | None
    page_count: int | None
    extra: dict[str, str]
    ingested_at: str
    passages: int = 0


@dataclass(frozen=True)
class OccurrenceInfo:
    """What a search filter looks at, for one place a passage appears in a published ('ok') document."""

    doc_id: str
    ordinal: int
    passage_id: str
    doc_type: str
    area: str | None
    date: str | None
    section_kind: str
    themes: tuple[str, ...] | None = None  # read only when a filter asks for a theme


_INFO_SQL = (
    "SELECT o.doc_id, o.ordinal, o.passage_id, o.section_kind, d.doc_type, d.area, d.date"
    f" FROM occurrences o JOIN documents d USING (doc_id) WHERE {PUBLISHED}"
)


@dataclass(frozen=True)
class Occurrence:
    """One place a passage appears, with its text, its counted themes and its full source."""

    doc_id: str
    ordinal: int
    passage_id: str
    text: str
    themes: tuple[str, ...]
    source: Source


@dataclass(frozen=True)
class DocumentMention:
    """A theme mention in a passage of a document: what theme counts are rolled up from."""

    doc_id: str
    passage_id: str
    theme_id: str
    status: str


@dataclass(frozen=True)
class StoreCounts:
    """What `dhr check` compares: the catalogue's own tables and its lexical index."""

    documents: int
    passage_ids: frozenset[str]
    fts_ids: frozenset[str]
    fts_rows: int
    unfinished_paths: tuple[str, ...]
    orphan_passages: int
    missing_sentence_vectors: int


_OCCURRENCE_SQL = (
    "SELECT o.doc_id, o.ordinal, o.passage_id, o.page, o.paragraph, o.section, o.section_kind, p.text,"
    " p.themes_json, d.path, d.title, d.body, d.area, d.date, d.doc_type, d.url, d.extra_json"
    " FROM occurrences o JOIN passages p USING (passage_id) JOIN documents d USING (doc_id)"
)


def _occurrence(r: sqlite3.Row) -> Occurrence:
    return Occurrence(r["doc_id"], r["ordinal"], r["passage_id"], r["text"], tuple(json.loads(r["themes_json"])),
                      _source(r))


def _info(r: sqlite3.Row, themes: dict[str, tuple[str, ...]] | None = None) -> OccurrenceInfo:
    return OccurrenceInfo(r["doc_id"], r["ordinal"], r["passage_id"], r["doc_type"], r["area"], r["date"],
                          r["section_kind"], None if themes is None else themes.get(r["passage_id"], ()))


@dataclass(frozen=True)
class ThemeMentionRow:
    theme_id: str
    status: str
    evidence: str


def _doc_row(row: sqlite3.Row, passages: int = 0) -> DocumentRow:
    return DocumentRow(
        doc_id=row["doc_id"],
        path=row["path"],
        content_hash=row["content_hash"],
        status=row["status"],
        title=row["title"],
        body=row["body"],
        area=row["area"],
        date=row["date"],
        year=row["year"],
        doc_type=row["doc_type"],
        url=row["url"],
        page_count=row["page_count"],
        extra=json.loads(row["extra_json"] or "{}"),
        ingested_at=row["ingested_at"],
        passages=passages,
    )


def copy_sqlite(source: sqlite3.Connection | Path, path: Path) -> None:
    """Copy a SQLite database (an open connection, or a file opened read-only) to a new file at `path`
    with SQLite's online backup API, as one self-contained file (no -wal beside it) readable by the user only."""
    opened = None
    if isinstance(source, Path):
        source = opened = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    old_umask = os.umask(0o077)
    try:
        copy = sqlite3.connect(path)
    finally:
        os.umask(old_umask)
    try:
        with copy:
            source.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")
    finally:
        copy.close()
        if opened is not None:
            opened.close()
    os.chmod(path, 0o600)


class Tokenizer:
    """FTS5's tokenizer, run on a private in-memory database (never the catalogue's connection, whose
    change counter keys the caches of query answers)."""

    def __init__(self) -> None:
        self.conn = sqlite3.connect(":memory:")
        self.conn.execute(f"CREATE VIRTUAL TABLE words USING fts5(text, tokenize = '{TOKENIZE}')")
        self.conn.execute("CREATE VIRTUAL TABLE instances USING fts5vocab(words, 'instance')")

    def instances(self, rows: Sequence[tuple[int, str]]) -> list[tuple[str, int, int]]:
        """(token, row, position) of every token of every (row, text), ordered by token, row, position."""
        with self.conn:
            self.conn.execute("DELETE FROM words")
            self.conn.executemany("INSERT INTO words (rowid, text) VALUES (?, ?)", rows)
            found = self.conn.execute("SELECT term, doc, offset FROM instances").fetchall()
            self.conn.execute("DELETE FROM words")
        return found

    def tokens(self, text: str) -> list[str]:
        """The text's tokens in order, as FTS5 indexes them ('Assessments' is 'assess')."""
        found = self.instances([(1, text)])
        return [t for t, _, _ in sorted(found, key=lambda i: i[2])]


_tokenizers = threading.local()


def tokenizer() -> Tokenizer:
    """This thread's FTS5 tokenizer (an SQLite connection belongs to the thread that made it)."""
    if getattr(_tokenizers, "tokenizer", None) is None:
        _tokenizers.tokenizer = Tokenizer()
    return _tokenizers.tokenizer


@functools.lru_cache(maxsize=8192)
def fts_tokens(text: str) -> tuple[str, ...]:
    """The tokens passages_fts holds for `text`: "IDVAs" and "IDVA" are both ("idva",) (porter stems)."""
    return tuple(tokenizer().tokens(text))


_BM25_SQL = "SELECT passage_id, -bm25(passages_fts) AS score FROM passages_fts WHERE passages_fts MATCH ?"
_WITHIN_SQL = " AND passage_id IN (SELECT value FROM json_each(?))"


class Catalogue:
    """Read and write the catalogue. One instance per process; not shared between threads."""

    def __init__(self, path: Path, read_only: bool = False) -> None:
        """Open (or create) the catalogue. `read_only` opens an existing one for reading only: nothing is
        created, chmod-ed or written, so a read-only copy or mount can be queried.

        A file that is not a SQLite database, or was cut short, raises StoreError saying what to do."""
        self.path = path
        self.read_only = read_only
        self._match_counts: dict[tuple[str, int], int] = {}  # fts_matches' answers, while `version()` stays
        self._match_counts_version: tuple[int, int, int] | None = None
        _refuse_truncated(path, read_only)
        try:
            if read_only:
                self.conn = _connect_read_only(path)
            else:
                self.conn = self._connect_for_writing(path)
            self.conn.execute("SELECT COUNT(*) FROM documents").fetchone()
            missing = sorted(TABLES - {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master")})
        except sqlite3.DatabaseError as exc:
            raise damaged(path, exc) from None
        if missing == ["passages_fts"]:
            raise StoreError(f"the catalogue {path} has lost its lexical index (passages_fts): run `dhr check "
                             "--repair` to rebuild it from the passages")
        if missing:
            raise damaged(path, "tables missing: " + ", ".join(missing))

    def _connect_for_writing(self, path: Path) -> sqlite3.Connection:
        new = not path.exists()
        old_umask = os.umask(0o077)
        try:
            conn = sqlite3.connect(path, timeout=30)
        finally:
            os.umask(old_umask)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA secure_delete = ON")  # a forgotten text's pages are zeroed, not left in the file
        conn.executescript(SCHEMA)
        if new:
            os.chmod(path, 0o600)
        return conn

    def backup_to(self, path: Path) -> None:
        """A consistent copy of the catalogue at `path` (a new file, readable by the user only), made by
        SQLite's online backup: readers may go on reading, and what a WAL holds is included."""
        copy_sqlite(self.conn, path)

    def integrity_problem(self) -> str | None:
        """What SQLite's quick check finds wrong with the file (None when it is sound). Reads every page."""
        try:
            rows = [r[0] for r in self.conn.execute("PRAGMA quick_check(5)")]
        except sqlite3.DatabaseError as exc:
            return str(exc)
        if rows == ["ok"]:
            return None
        found = [" ".join(r.split()) for r in rows if not r.startswith("***")] or ["the integrity check failed"]
        return found[0] + (" and more" if len(found) > 1 else "")  # one line, not SQLite's listing

    def close(self) -> None:
        self.conn.close()

    # --- documents -------------------------------------------------------------------------

    def document_by_path(self, path: str) -> DocumentRow | None:
        row = self.conn.execute("SELECT * FROM documents WHERE path = ?", (path,)).fetchone()
        return _doc_row(row) if row else None

    def documents_by_hash(self, content_hash: str) -> list[DocumentRow]:
        rows = self.conn.execute("SELECT * FROM documents WHERE content_hash = ?", (content_hash,)).fetchall()
        return [_doc_row(r) for r in rows]

    def document(self, doc_id: str) -> DocumentRow | None:
        row = self.conn.execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return _doc_row(row, self._passage_count(doc_id)) if row else None

    def _passage_count(self, doc_id: str) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM occurrences WHERE doc_id = ?", (doc_id,)).fetchone()[0]

    def documents(self, status: str | None = "ok") -> list[DocumentRow]:
        sql = (
            "SELECT d.*, (SELECT COUNT(*) FROM occurrences o WHERE o.doc_id = d.doc_id) AS n FROM documents d"
            + (" WHERE status = ?" if status else "")
            + " ORDER BY date DESC, title"
        )
        rows = self.conn.execute(sql, (status,) if status else ()).fetchall()
        return [_doc_row(r, r["n"]) for r in rows]

    def find_documents(self, ref: str) -> list[DocumentRow]:
        """Documents matching an id prefix, an exact path, the start of a file name, or words of the title."""
        rows = self.conn.execute(
            "SELECT * FROM documents WHERE doc_id LIKE ? OR path = ? OR path LIKE ? ORDER BY path",
            (ref + "%", ref, "%/" + ref.replace("%", "") + "%"),
        ).fetchall()
        if not rows:
            rows = self.conn.execute(
                "SELECT * FROM documents WHERE title LIKE ? ORDER BY path", ("%" + ref + "%",)
            ).fetchall()
        return [_doc_row(r, self._passage_count(r["doc_id"])) for r in rows]

    def write_document(
        self,
        doc_id: str,
        path: str,
        content_hash: str,
        meta: DocumentMeta,
        page_count: int | None,
        passages: Sequence[Passage],
        themes: Sequence[Sequence[ThemeMentionRow]],
        present: Sequence[Sequence[str]] | None = None,
        sentence_vectors: Mapping[str, bytes] | None = None,
    ) -> None:
        """Replace everything known about `doc_id` in one transaction; the document is left 'indexing'.

        `present` gives, per passage, the theme ids that count as present (the tagger's rule, implied
        themes included); without it, mentions whose status is 'present'. `sentence_vectors` holds
        packed answer-sentence vectors (see index.highlights) for passages that have them.
        """
        with self._lexical_write() as synced:
            self._delete_document(doc_id)
            self.conn.execute(
                "INSERT INTO documents (doc_id, path, content_hash, status, title, body, area, date, year, doc_type,"
                " url, page_count, extra_json, ingested_at) VALUES (?, ?, ?, 'indexing', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    doc_id,
                    path,
                    content_hash,
                    meta.title,
                    meta.body,
                    meta.area,
                    meta.date,
                    meta.year,
                    meta.doc_type,
                    meta.url,
                    page_count,
                    json.dumps(meta.extra, sort_keys=True),
                    dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                ),
            )
            present_lists = present or [sorted({m.theme_id for m in ms if m.status == "present"}) for ms in themes]
            new_rows: list[tuple[int, str]] = []
            for passage, mentions, counted in zip(passages, themes, present_lists, strict=True):
                pid = passage.passage_id
                inserted = self.conn.execute(
                    "INSERT OR IGNORE INTO passages (passage_id, text, word_count, themes_json) VALUES (?, ?, ?, ?)",
                    (pid, passage.text, passage.word_count, json.dumps(sorted(counted))),
                ).rowcount
                if inserted:
                    new_rows += self._insert_lexical(pid, passage.text, synced)
                    self.conn.executemany(
                        "INSERT OR IGNORE INTO passage_themes (passage_id, theme_id, status, evidence)"
                        " VALUES (?, ?, ?, ?)",
                        [(pid, m.theme_id, m.status, m.evidence) for m in mentions],
                    )
                if sentence_vectors and pid in sentence_vectors:
                    self.conn.execute(
                        "INSERT OR IGNORE INTO sentence_vectors (passage_id, vectors) VALUES (?, ?)",
                        (pid, sentence_vectors[pid]),
                    )
                self.conn.execute(
                    "INSERT INTO occurrences (doc_id, ordinal, passage_id, page, paragraph, section, section_kind)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        doc_id,
                        passage.ordinal,
                        pid,
                        passage.page,
                        passage.paragraph,
                        passage.section,
                        passage.section_kind,
                    ),
                )
            self._index_postings(new_rows)

    def documents_sharing(self, passage_ids: Sequence[str]) -> list[tuple[DocumentRow, int, int]]:
        """(document, how many of these passages it holds, how many distinct passages it has) for every
        published document holding at least one of them."""
        rows = self.conn.execute(
            "SELECT d.*, COUNT(DISTINCT o.passage_id) AS shared,"
            " (SELECT COUNT(DISTINCT passage_id) FROM occurrences WHERE doc_id = d.doc_id) AS total"
            " FROM occurrences o JOIN documents d USING (doc_id)"
            f" WHERE {PUBLISHED} AND o.passage_id IN (SELECT value FROM json_each(?)) GROUP BY d.doc_id",
            (json.dumps(list(set(passage_ids))),),
        ).fetchall()
        return [(_doc_row(r), r["shared"], r["total"]) for r in rows]

    def move_document(self, doc_id: str, path: str) -> None:
        """The document's file is now at `path` (its id, passages and vectors are unchanged)."""
        with self.conn:
            self.conn.execute("UPDATE documents SET path = ? WHERE doc_id = ?", (path, doc_id))

    def set_status(self, doc_id: str, status: str) -> None:
        with self.conn:
            self.conn.execute("UPDATE documents SET status = ? WHERE doc_id = ?", (status, doc_id))

    def delete_document(self, doc_id: str) -> None:
        """Remove a document, its occurrences, and every passage no other document still cites.

        Its text leaves the file too: deleted pages are zeroed (secure_delete) and the write-ahead log,
        which still holds them as they were, is written back and emptied (as far as readers allow)."""
        with self._lexical_write():
            self._delete_document(doc_id)
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _delete_document(self, doc_id: str) -> None:
        # Only this document's passages can become orphans here (`dhr check --repair` sweeps the rest),
        # so look at those instead of scanning every passage on every write.
        own = [
            r[0] for r in self.conn.execute("SELECT DISTINCT passage_id FROM occurrences WHERE doc_id = ?", (doc_id,))
        ]
        self.conn.execute("DELETE FROM occurrences WHERE doc_id = ?", (doc_id,))
        self.conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
        orphans = [
            pid
            for pid in own
            if self.conn.execute("SELECT 1 FROM occurrences WHERE passage_id = ? LIMIT 1", (pid,)).fetchone() is None
        ]
        for chunk in _chunks(orphans, 500):
            marks = ",".join("?" * len(chunk))
            self._purge_postings(chunk)
            self.conn.execute(f"DELETE FROM passages_fts WHERE passage_id IN ({marks})", chunk)
            self.conn.execute(f"DELETE FROM passage_themes WHERE passage_id IN ({marks})", chunk)
            self.conn.execute(f"DELETE FROM sentence_vectors WHERE passage_id IN ({marks})", chunk)
            self.conn.execute(f"DELETE FROM passages WHERE passage_id IN ({marks})", chunk)

    # --- passages and sources --------------------------------------------------------------

    def passage_texts(self, passage_ids: Iterable[str]) -> dict[str, tuple[str, tuple[str, ...]]]:
        """passage_id -> (text, present themes), for passages that exist."""
        out: dict[str, tuple[str, tuple[str, ...]]] = {}
        for chunk in _chunks(list(passage_ids), 500):
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                f"SELECT passage_id, text, themes_json FROM passages WHERE passage_id IN ({marks})", chunk
            ):
                out[row["passage_id"]] = (row["text"], tuple(json.loads(row["themes_json"])))
        return out

    def occurrence_info(
        self, keys: Sequence[tuple[str, int]], with_themes: bool = False
    ) -> dict[tuple[str, int], OccurrenceInfo]:
        """(doc_id, ordinal) -> what filters look at, for occurrences in published documents."""
        # one primary-key lookup per key: a row-value IN (VALUES ...) list makes SQLite scan the table
        rows = [r for key in keys for r in self.conn.execute(f"{_INFO_SQL} AND o.doc_id = ? AND o.ordinal = ?", key)]
        themes = self.theme_lists({r["passage_id"] for r in rows}) if with_themes else None
        return {(r["doc_id"], r["ordinal"]): _info(r, themes) for r in rows}

    def passage_occurrence_info(
        self, passage_ids: Iterable[str], with_themes: bool = False
    ) -> dict[str, list[OccurrenceInfo]]:
        """passage_id -> every place it appears in a published document, as filters see it."""
        ids = list(passage_ids)
        themes = self.theme_lists(ids) if with_themes else None
        out: dict[str, list[OccurrenceInfo]] = {}
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            for r in self.conn.execute(f"{_INFO_SQL} AND o.passage_id IN ({marks})", chunk):
                out.setdefault(r["passage_id"], []).append(_info(r, themes))
        return out

    def candidate_occurrences(
        self, doc_ids: Iterable[str] | None = None, section_kind: str | None = None, theme: str | None = None
    ) -> list[OccurrenceInfo]:
        """Occurrences in published documents narrowed in SQL (documents, section kind, a theme's id in the
        passage's theme list); callers apply their exact test to what comes back."""
        sql, params = _INFO_SQL, []
        if doc_ids is not None:
            ids = list(doc_ids)
            sql += f" AND o.doc_id IN ({','.join('?' * len(ids)) or 'NULL'})"
            params += ids
        if section_kind:
            sql += " AND o.section_kind = ?"
            params.append(section_kind)
        if theme:
            sql += (" AND o.passage_id IN (SELECT passage_id FROM passages INDEXED BY passages_theme_lists"
                    " WHERE themes_json LIKE ?)")
            params.append(f'%"{theme}"%')
        rows = self.conn.execute(sql, params).fetchall()
        themes = self.theme_lists({r["passage_id"] for r in rows}) if theme else None
        return [_info(r, themes) for r in rows]

    def document_ids(self, filters: Filters) -> frozenset[str] | None:
        """The published documents the filters' document fields accept; None when they restrict nothing."""
        if not filters.by_document:
            return None
        rows = self.conn.execute(f"SELECT doc_id, doc_type, area, date, extra_json FROM documents d WHERE {PUBLISHED}")
        return frozenset(r[0] for r in rows if filters.accepts_document(r[1], r[2], r[3], json.loads(r[4] or "{}")))

    def documents_matching(self, filters: Filters) -> list[DocumentRow]:
        """Published documents the filters' document fields accept, oldest first."""
        rows = self.conn.execute(f"SELECT * FROM documents d WHERE {PUBLISHED} ORDER BY d.date, d.path")
        docs = [_doc_row(r) for r in rows]
        return [d for d in docs if filters.accepts_document(d.doc_type, d.area, d.date, d.extra)]

    def case_values(self, key: str) -> list[str]:
        """The distinct values of one case characteristic among published documents."""
        rows = self.conn.execute(
            f"SELECT DISTINCT CAST(json_extract(extra_json, ?) AS TEXT) FROM documents d WHERE {PUBLISHED}",
            (f"$.{key}",),
        ).fetchall()
        return sorted(r[0] for r in rows if r[0] is not None)

    def check_filters(self, filters: Filters) -> None:
        """Refuse document filters no published document matches, saying what the documents hold instead
        (kb.query.Filters.check_matches): a filter that matches nothing is not an empty knowledge base."""
        if filters.by_document:
            filters.check_matches(self.documents_matching(Filters()))

    def document_mentions(self) -> list[DocumentMention]:
        """Every theme mention in a passage of a published document (distinct per document and passage)."""
        rows = self.conn.execute(
            "SELECT DISTINCT o.doc_id, o.passage_id, t.theme_id, t.status FROM occurrences o"
            f" JOIN documents d USING (doc_id) JOIN passage_themes t USING (passage_id) WHERE {PUBLISHED}"
        )
        return [DocumentMention(*r) for r in rows]

    def version(self) -> tuple[int, int, int]:
        """Changes whenever this connection or another process writes: a key for caching query answers."""
        return id(self.conn), self.conn.total_changes, self.conn.execute("PRAGMA data_version").fetchone()[0]

    def theme_lists(self, passage_ids: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """passage_id -> the theme ids that count as present (read from a covering index, not the text rows)."""
        out: dict[str, tuple[str, ...]] = {}
        for chunk in _chunks(list(passage_ids), 500):
            marks = ",".join("?" * len(chunk))
            for r in self.conn.execute(
                f"SELECT passage_id, themes_json FROM passages INDEXED BY passages_theme_lists"
                f" WHERE passage_id IN ({marks})",
                chunk,
            ):
                out[r[0]] = tuple(json.loads(r[1]))
        return out

    def sentence_vectors(self, passage_ids: Iterable[str]) -> dict[str, bytes]:
        """passage_id -> packed answer-sentence vectors, for the passages that have them."""
        out: dict[str, bytes] = {}
        for chunk in _chunks(list(passage_ids), 500):
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                f"SELECT passage_id, vectors FROM sentence_vectors WHERE passage_id IN ({marks})", chunk
            ):
                out[row["passage_id"]] = bytes(row["vectors"])
        return out

    def sources(self, passage_ids: Iterable[str]) -> dict[str, list[Source]]:
        """passage_id -> every place it appears in a document whose status is 'ok', oldest document first."""
        out: dict[str, list[Source]] = {}
        for chunk in _chunks(list(passage_ids), 500):
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                "SELECT o.passage_id, o.page, o.paragraph, o.section, o.section_kind, d.doc_id, d.path, d.title,"
                " d.body, d.area, d.date, d.doc_type, d.url, d.extra_json"
                " FROM occurrences o JOIN documents d USING (doc_id)"
                f" WHERE {PUBLISHED} AND o.passage_id IN ({marks}) ORDER BY d.date, d.path, o.ordinal",
                chunk,
            )
            for r in rows:
                out.setdefault(r["passage_id"], []).append(_source(r))
        return out

    def neighbours(self, doc_id: str, passage_id: str) -> list[str]:
        """The passages just before and after the first place `passage_id` appears in one document."""
        rows = self.conn.execute(
            "SELECT n.passage_id FROM occurrences n WHERE n.doc_id = ?1 AND n.ordinal IN ("
            " SELECT o.ordinal + d FROM (SELECT MIN(ordinal) AS ordinal FROM occurrences"
            " WHERE doc_id = ?1 AND passage_id = ?2) o, (SELECT -1 AS d UNION ALL SELECT 1))"
            " ORDER BY n.ordinal",
            (doc_id, passage_id),
        )
        return [r["passage_id"] for r in rows]

    def occurrences(self, doc_id: str) -> list[Occurrence]:
        """Every passage of one document (published or not), in reading order."""
        rows = self.conn.execute(f"{_OCCURRENCE_SQL} WHERE o.doc_id = ? ORDER BY o.ordinal", (doc_id,))
        return [_occurrence(r) for r in rows]

    def published_occurrences(
        self,
        section_kinds: Sequence[str] = (),
        mentioning: Sequence[str] = (),
        present_only: bool = False,
        doc_ids: Iterable[str] | None = None,
    ) -> list[Occurrence]:
        """Occurrences in published documents, oldest document first, then in reading order.

        `section_kinds` keeps those kinds of section; `mentioning` keeps passages with a mention of one
        of these themes (with `present_only`, a mention whose status is 'present'); `doc_ids` keeps
        those documents.
        """
        sql, params = f"{_OCCURRENCE_SQL} WHERE {PUBLISHED}", []
        if section_kinds:
            sql += f" AND o.section_kind IN ({','.join('?' * len(section_kinds))})"
            params += list(section_kinds)
        if mentioning:
            status = " AND status = 'present'" if present_only else ""
            sql += (f" AND o.passage_id IN (SELECT passage_id FROM passage_themes"
                    f" WHERE theme_id IN ({','.join('?' * len(mentioning))}){status})")
            params += list(mentioning)
        rows = [_occurrence(r) for r in self.conn.execute(sql + " ORDER BY d.date, d.path, o.ordinal", params)]
        if doc_ids is not None:
            wanted = set(doc_ids)
            rows = [r for r in rows if r.doc_id in wanted]
        return rows

    def theme_mentions(self, passage_ids: Iterable[str]) -> dict[str, list[ThemeMentionRow]]:
        out: dict[str, list[ThemeMentionRow]] = {}
        for chunk in _chunks(list(passage_ids), 500):
            marks = ",".join("?" * len(chunk))
            for r in self.conn.execute(
                f"SELECT * FROM passage_themes WHERE passage_id IN ({marks}) ORDER BY theme_id", chunk
            ):
                out.setdefault(r["passage_id"], []).append(ThemeMentionRow(r["theme_id"], r["status"], r["evidence"]))
        return out

    def theme_counts(self) -> list[tuple[str, int, int]]:
        """(theme_id, documents, passages) for every theme present in at least one passage, most documents first."""
        rows = self.conn.execute(
            "SELECT t.theme_id, COUNT(DISTINCT o.doc_id) AS docs, COUNT(DISTINCT t.passage_id) AS passages"
            " FROM passage_themes t JOIN occurrences o USING (passage_id) JOIN documents d USING (doc_id)"
            f" WHERE t.status = 'present' AND {PUBLISHED} GROUP BY t.theme_id ORDER BY docs DESC, passages DESC"
        ).fetchall()
        return [(r["theme_id"], r["docs"], r["passages"]) for r in rows]

    def stats(self) -> dict[str, int]:
        q = self.conn.execute
        return {
            "documents": q(f"SELECT COUNT(*) FROM documents d WHERE {PUBLISHED}").fetchone()[0],
            "passages": q("SELECT COUNT(*) FROM passages").fetchone()[0],
            "occurrences": q("SELECT COUNT(*) FROM occurrences").fetchone()[0],
        }

    def vector_ids(self) -> set[str]:
        """The Chroma record id of every occurrence: what the vector store should hold."""
        return {record_id(r[0], r[1]) for r in self.conn.execute("SELECT doc_id, ordinal FROM occurrences")}


    # --- lexical index (BM25 over FTS5) -------------------------------------------------------

    def fts_size(self) -> int:
        """How many passages the FTS5 index holds, from its 'averages' record (a count(*) would read them all)."""
        record = self._fts_record()
        if record:
            return record[0]
        return self.conn.execute("SELECT COUNT(*) FROM passages").fetchone()[0]

    def _fts_record(self) -> list[int]:
        """FTS5's 'averages' record: passages, then tokens per column ([] before anything is indexed)."""
        row = self.conn.execute("SELECT block FROM passages_fts_data WHERE id = 1").fetchone()
        return postings.varints(bytes(row[0])) if row and row[0] else []

    def fts_matches(self, match: str, limit: int) -> int:
        """How many passages match an FTS5 expression, counting no further than `limit`.

        Remembered until the catalogue changes (`version`): a phrase of the vocabulary's, such as
        "information was not shared", is counted by reading every passage that holds its words, and
        comes back with every question on its theme.
        """
        version = self.version()
        if version != self._match_counts_version or len(self._match_counts) > 10_000:
            self._match_counts, self._match_counts_version = {}, version
        key = (match, limit)
        if key not in self._match_counts:
            sql = "SELECT COUNT(*) FROM (SELECT 1 FROM passages_fts WHERE passages_fts MATCH ? LIMIT ?)"
            self._match_counts[key] = self.conn.execute(sql, (match, limit)).fetchone()[0]
        return self._match_counts[key]

    def bm25(self, match: str, n: int, within: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """(passage_id, BM25 score; higher is better) of the best `n` matches, optionally among `within`."""
        sql = _BM25_SQL
        params: list[object] = [match]
        if within is not None:
            sql += _WITHIN_SQL
            params.append(json.dumps(list(within)))
        rows = self.conn.execute(sql + " ORDER BY score DESC LIMIT ?", [*params, n])
        return [(r[0], float(r[1])) for r in rows]

    def bm25_led_by(
        self, leading: str, other: str, n: int, within: Sequence[str] | None = None,
    ) -> list[tuple[str, float]]:
        """As `bm25(f"{leading} OR {other}", ...)`, but only among passages that match `leading`.

        Each passage is scored by every phrase of both expressions, as the OR-ed query would score it:
        one FTS5 query takes those that also match `other`, a second those that do not. FTS5 finds the
        first by seeking `other`'s postings to `leading`'s rows, so passages matching only `other` are
        never read or scored.
        """
        both = _BM25_SQL + _WITHIN_SQL if within is not None else _BM25_SQL
        sql = f"SELECT passage_id, score FROM ({both} UNION ALL {both}) ORDER BY score DESC LIMIT ?"
        params: list[object] = [f"({leading}) AND ({other})", f"({leading}) NOT ({other})"]
        if within is not None:
            allowed = json.dumps(list(within))
            params = [params[0], allowed, params[1], allowed]
        rows = self.conn.execute(sql, [*params, n])
        return [(r[0], float(r[1])) for r in rows]

    # --- the lexical index's own postings (kb/postings.py, scored by index/bm25.py) -----------------

    @contextlib.contextmanager
    def _lexical_write(self) -> Iterator[bool]:
        """A transaction that may change the lexical index; it yields whether the postings are kept in step.

        FTS5 writes its totals only when the transaction commits, so the state the postings match is
        recorded just after, in a second transaction: a crash between the two leaves them out of step
        (searches use FTS5 until `dhr check --repair`), never wrong."""
        synced = self._postings_synced()
        with self.conn:
            yield synced
        if synced:
            self._record_postings_synced()

    def _insert_lexical(self, passage_id: str, text: str, synced: bool) -> list[tuple[int, str]]:
        """Add a passage to the lexical index; with the postings kept, under a row number never used before
        (FTS5 would reuse a deleted highest rowid), returned for `_index_postings`."""
        if not synced:
            self.conn.execute("INSERT INTO passages_fts (text, passage_id) VALUES (?, ?)", (text, passage_id))
            return []
        row = self.conn.execute("INSERT INTO lexical_rows (passage_id, length) VALUES (?, 0)", (passage_id,)).lastrowid
        self.conn.execute("INSERT INTO passages_fts (rowid, text, passage_id) VALUES (?, ?, ?)",
                          (row, text, passage_id))
        return [(row, text)]

    def _index_postings(self, rows: Sequence[tuple[int, str]]) -> None:
        """Write the postings and lengths of these (row, text), in the caller's transaction."""
        if not rows:
            return
        found = tokenizer().instances(rows)
        sizes = postings.lengths(found)
        self.conn.executemany("UPDATE lexical_rows SET length = ? WHERE row = ?",
                              [(sizes.get(row, 0), row) for row, _ in rows])
        for segment in postings.segments(found):
            self._append_segment(segment)

    def _append_segment(self, segment: postings.Segment) -> None:
        """Add a token's newest segment, merged with the newest ones held as `postings.merges` says."""
        held = self.conn.execute("SELECT first_row, instances FROM lexical_postings WHERE token = ?"
                                 " ORDER BY first_row", (segment.token,)).fetchall()
        merged = postings.merges([r[1] for r in held] + [len(segment.keys)])
        if merged:
            older = [r[0] for r in held[len(held) - merged + 1:]]
            marks = ",".join("?" * len(older))
            blobs = self.conn.execute(f"SELECT keys FROM lexical_postings WHERE token = ? AND first_row IN ({marks})"
                                      " ORDER BY first_row", (segment.token, *older)).fetchall()
            self.conn.execute(f"DELETE FROM lexical_postings WHERE token = ? AND first_row IN ({marks})",
                              (segment.token, *older))
            keys = [*(postings.keys_of(b[0]) for b in blobs), segment.keys]
            segment = postings.Segment(segment.token, older[0], postings.np.concatenate(keys))
        self.conn.execute("INSERT INTO lexical_postings (token, first_row, instances, rows, keys)"
                          " VALUES (?, ?, ?, ?, ?)",
                          (segment.token, segment.first_row, len(segment.keys), segment.rows, segment.blob()))

    def _purge_postings(self, passage_ids: Sequence[str]) -> None:
        """Remove these passages' rows and every posting of their words (nothing of a forgotten text stays).

        A document's rows were written together, so each of its words' instances sit in one or two
        segments: only those are rewritten."""
        marks = ",".join("?" * len(passage_ids))
        rows = self.conn.execute(f"SELECT r.row, p.text FROM lexical_rows r JOIN passages p USING (passage_id)"
                                 f" WHERE r.passage_id IN ({marks})", list(passage_ids)).fetchall()
        self.conn.execute(f"DELETE FROM lexical_rows WHERE passage_id IN ({marks})", list(passage_ids))
        if not rows:
            return
        gone = postings.np.array(sorted(r[0] for r in rows), dtype=postings.np.int64)
        low, high = int(gone[0]), int(gone[-1])
        for token in dict.fromkeys(t for t, _, _ in tokenizer().instances([(r[0], r[1]) for r in rows])):
            held = self.conn.execute(
                "SELECT first_row, keys FROM lexical_postings WHERE token = ? AND first_row <= ? AND first_row >="
                " coalesce((SELECT max(first_row) FROM lexical_postings WHERE token = ? AND first_row <= ?), 0)",
                (token, high, token, low)).fetchall()
            for first_row, blob in held:
                keys = postings.keys_of(blob)
                kept = keys[~postings.np.isin(keys >> postings.POSITION_BITS, gone)]
                if len(kept) == len(keys):
                    continue
                if len(kept):
                    self.conn.execute("UPDATE lexical_postings SET keys = ?, instances = ?, rows = ? WHERE token = ?"
                                      " AND first_row = ?", (kept.astype("<i8").tobytes(), len(kept),
                                                             postings.distinct_rows(kept), token, first_row))
                else:
                    self.conn.execute("DELETE FROM lexical_postings WHERE token = ? AND first_row = ?",
                                      (token, first_row))

    def lexical_state(self) -> str:
        """The lexical index's totals and highest row, as FTS5 keeps them: any write changes it."""
        block = self.conn.execute("SELECT block FROM passages_fts_data WHERE id = 1").fetchone()
        highest = self.conn.execute("SELECT rowid FROM passages_fts ORDER BY rowid DESC LIMIT 1").fetchone()
        return f"{bytes(block[0]).hex() if block and block[0] else ''}:{highest[0] if highest else 0}"

    def _postings_synced(self) -> bool:
        """Whether the postings hold exactly what passages_fts holds: they were written with its last change,
        or both are empty (a new knowledge base)."""
        recorded = self._meta_value("lexical_postings")
        if recorded is not None:
            return recorded == self.lexical_state()
        q = self.conn.execute
        return (q("SELECT 1 FROM passages_fts LIMIT 1").fetchone() is None
                and q("SELECT 1 FROM lexical_rows LIMIT 1").fetchone() is None
                and q("SELECT 1 FROM lexical_postings LIMIT 1").fetchone() is None)

    def postings_synced(self) -> bool:
        """Whether searches can score the own postings (index/bm25.py); if not, FTS5 scores them."""
        try:
            return self._postings_synced()
        except sqlite3.OperationalError:  # an older catalogue opened read-only: no such tables
            return False

    def _record_postings_synced(self) -> None:
        self._record_meta("lexical_postings", self.lexical_state())

    def rebuild_postings(self, chunk: int = 20_000, progress: Callable[[int, int], None] | None = None) -> None:
        """Write the postings anew from the lexical index, a chunk of rows per transaction; they are used
        again only once the last chunk is written. `progress(done, total)` after each chunk."""
        with self.conn:
            self.conn.execute("DELETE FROM meta WHERE key = 'lexical_postings'")
            self.conn.execute("DELETE FROM lexical_postings")
            self.conn.execute("DELETE FROM lexical_rows")
        total = self.conn.execute("SELECT COUNT(*) FROM passages_fts").fetchone()[0]
        done, last = 0, -1
        while True:
            rows = self.conn.execute("SELECT rowid, text, passage_id FROM passages_fts WHERE rowid > ?"
                                     " ORDER BY rowid LIMIT ?", (last, chunk)).fetchall()
            if not rows:
                break
            with self.conn:
                self.conn.executemany("INSERT INTO lexical_rows (row, passage_id, length) VALUES (?, ?, 0)",
                                      [(r[0], r[2]) for r in rows])
                self._index_postings([(r[0], r[1]) for r in rows])
            done, last = done + len(rows), rows[-1][0]
            if progress:
                progress(done, total)
        self._record_postings_synced()

    def lexical_lengths(self) -> tuple[list[int], list[int]]:
        """(rows, their lengths in tokens) of every passage of the lexical index."""
        rows = self.conn.execute("SELECT row, length FROM lexical_rows").fetchall()
        return [r[0] for r in rows], [r[1] for r in rows]

    def posting_blobs(self, token: str) -> list[bytes]:
        """A token's segments, oldest first: concatenated, its keys in order."""
        return [r[0] for r in self.conn.execute(
            "SELECT keys FROM lexical_postings WHERE token = ? ORDER BY first_row", (token,))]

    def token_rows(self, token: str) -> int:
        """How many passages hold a token (its segments' counts: no postings are read)."""
        return self.conn.execute("SELECT COALESCE(SUM(rows), 0) FROM lexical_postings WHERE token = ?",
                                 (token,)).fetchone()[0]

    def passages_of_rows(self, rows: Sequence[int]) -> dict[int, str]:
        out: dict[int, str] = {}
        for part in _chunks(list(rows), 500):
            marks = ",".join("?" * len(part))
            out.update(self.conn.execute(f"SELECT row, passage_id FROM lexical_rows WHERE row IN ({marks})", part))
        return out

    def rows_of_passages(self, passage_ids: Sequence[str]) -> list[int]:
        return [r[0] for r in self.conn.execute(
            "SELECT row FROM lexical_rows WHERE passage_id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(passage_ids)),))]

    def fts_totals(self) -> tuple[int, int]:
        """(passages, tokens) in the lexical index, from FTS5's own record: what its BM25 averages over."""
        values = self._fts_record()
        return (values[0], values[1]) if len(values) >= 2 else (0, 0)

    # --- consistency (dhr check) -----------------------------------------------------------

    def store_counts(self) -> StoreCounts:
        q = self.conn.execute
        return StoreCounts(
            documents=q("SELECT COUNT(*) FROM documents").fetchone()[0],
            passage_ids=frozenset(r[0] for r in q("SELECT passage_id FROM passages")),
            fts_ids=frozenset(r[0] for r in q("SELECT passage_id FROM passages_fts")),
            fts_rows=q("SELECT COUNT(*) FROM passages_fts").fetchone()[0],
            unfinished_paths=tuple(r[0] for r in q("SELECT path FROM documents WHERE status != 'ok'")),
            orphan_passages=q(
                "SELECT COUNT(*) FROM passages WHERE passage_id NOT IN (SELECT passage_id FROM occurrences)"
            ).fetchone()[0],
            missing_sentence_vectors=q(
                "SELECT COUNT(*) FROM passages WHERE passage_id NOT IN (SELECT passage_id FROM sentence_vectors)"
            ).fetchone()[0],
        )

    def remove_orphan_passages(self, rebuild_lexical: bool) -> None:
        """Drop passages no document cites; optionally rebuild the lexical index from the passages table."""
        with self.conn:
            self.conn.execute(
                "DELETE FROM passage_themes WHERE passage_id NOT IN (SELECT passage_id FROM occurrences)"
            )
            self.conn.execute("DELETE FROM passages WHERE passage_id NOT IN (SELECT passage_id FROM occurrences)")
            if rebuild_lexical:
                self.conn.execute("DELETE FROM passages_fts")
                self.conn.execute("INSERT INTO passages_fts (text, passage_id) SELECT text, passage_id FROM passages")

    def all_occurrences(self) -> list[Occurrence]:
        """Every occurrence in every document, published or not (for rebuilding vectors)."""
        return [_occurrence(r) for r in self.conn.execute(f"{_OCCURRENCE_SQL} ORDER BY o.doc_id, o.ordinal")]

    def passages_without_sentence_vectors(self) -> list[tuple[str, str]]:
        """(passage_id, text) of passages with no stored answer-sentence vectors."""
        rows = self.conn.execute(
            "SELECT passage_id, text FROM passages WHERE passage_id NOT IN (SELECT passage_id FROM sentence_vectors)"
        )
        return [(r[0], r[1]) for r in rows]

    def store_sentence_vectors(self, blobs: Iterable[tuple[str, bytes]]) -> None:
        with self.conn:
            self.conn.executemany(
                "INSERT OR IGNORE INTO sentence_vectors (passage_id, vectors) VALUES (?, ?)", list(blobs)
            )

    def passages_with_sentence_vectors(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT passage_id FROM sentence_vectors")}

    def publish_all(self) -> None:
        """Mark every document published (after a repair has made the stores agree)."""
        with self.conn:
            self.conn.execute("UPDATE documents SET status = 'ok' WHERE status != 'ok'")

    def passage_count(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM passages").fetchone()[0]

    def all_passage_texts(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT text FROM passages")]

    # --- facts about the whole knowledge base --------------------------------------------------

    def vector_space(self) -> str | None:
        """The embedding model and precision that made this knowledge base's vectors, if recorded (a
        catalogue written before it was recorded has no `meta` table until it is next opened for writing)."""
        return self._meta_value("vector_space")

    def record_vector_space(self, space: str) -> None:
        self._record_meta("vector_space", space)

    def tagging(self) -> str | None:
        """The rules that tagged this knowledge base's passages (kb.taxonomy.tagging_version), if recorded:
        a knowledge base holding passages tagged before it was recorded, or by other rules, has none or another."""
        return self._meta_value("tagging")

    def record_tagging(self, version: str) -> None:
        self._record_meta("tagging", version)

    def _meta_value(self, key: str) -> str | None:
        try:
            row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.OperationalError:  # no meta table: an older catalogue opened read-only
            return None
        return row[0] if row else None

    def _record_meta(self, key: str, value: str) -> None:
        with self.conn:
            self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # --- re-tagging (reports.retag) --------------------------------------------------------------

    def passages_to_tag(self, after: str = "", limit: int = 256) -> list[tuple[str, str, str]]:
        """(passage_id, text, section kind where it first appears) of the next `limit` passages whose id
        sorts after `after`: every passage, a page at a time, however large the knowledge base."""
        return [(r[0], r[1], r[2]) for r in self.conn.execute(
            "SELECT p.passage_id, p.text, (SELECT o.section_kind FROM occurrences o WHERE o.passage_id = p.passage_id"
            " ORDER BY o.doc_id, o.ordinal LIMIT 1) FROM passages p WHERE p.passage_id > ? ORDER BY p.passage_id"
            " LIMIT ?", (after, limit))]

    def passage_mentions(self, passage_ids: Sequence[str]) -> dict[str, tuple[list[str], set[ThemeMentionRow]]]:
        """passage_id -> (theme ids counted present, every mention) as stored."""
        out: dict[str, tuple[list[str], set[ThemeMentionRow]]] = {}
        for chunk in _chunks(list(passage_ids), 500):
            marks = ",".join("?" * len(chunk))
            for pid, themes in self.conn.execute(
                    f"SELECT passage_id, themes_json FROM passages WHERE passage_id IN ({marks})", chunk):
                out[pid] = (json.loads(themes), set())
            for pid, theme, status, evidence in self.conn.execute(
                    f"SELECT passage_id, theme_id, status, evidence FROM passage_themes WHERE passage_id IN ({marks})",
                    chunk):
                out[pid][1].add(ThemeMentionRow(theme, status, evidence))
        return out

    def replace_themes(self, rows: Sequence[tuple[str, Sequence[ThemeMentionRow], Sequence[str]]]) -> None:
        """Set each passage's mentions and counted themes (passage_id, mentions, present), in one transaction."""
        with self.conn:
            for pid, mentions, present in rows:
                self.conn.execute("UPDATE passages SET themes_json = ? WHERE passage_id = ?",
                                  (json.dumps(sorted(present)), pid))
                self.conn.execute("DELETE FROM passage_themes WHERE passage_id = ?", (pid,))
                self.conn.executemany(
                    "INSERT OR IGNORE INTO passage_themes (passage_id, theme_id, status, evidence) VALUES (?, ?, ?, ?)",
                    [(pid, m.theme_id, m.status, m.evidence) for m in mentions])

    def record_ids_of(self, passage_ids: Sequence[str]) -> dict[str, list[str]]:
        """passage_id -> the Chroma record id of each place it appears."""
        out: dict[str, list[str]] = {}
        for chunk in _chunks(list(passage_ids), 500):
            marks = ",".join("?" * len(chunk))
            for pid, doc_id, ordinal in self.conn.execute(
                    f"SELECT passage_id, doc_id, ordinal FROM occurrences WHERE passage_id IN ({marks})", chunk):
                out.setdefault(pid, []).append(record_id(doc_id, ordinal))
        return out


def damaged(path: Path, what: object) -> StoreError:
    return StoreError(f"the catalogue {path} is damaged ({what}): restore catalogue.sqlite3 from a copy or a "
                      "backup, or ingest the files again into a new --db folder")


def _refuse_truncated(path: Path, read_only: bool = False) -> None:
    """A SQLite file shorter than its header says was cut short (a copy or a disk that stopped)."""
    try:
        with path.open("rb") as fh:
            header = fh.read(100)
        size = path.stat().st_size
    except OSError:
        return  # not there yet (created on first write) or unreadable: sqlite3 says which
    if not header:
        if read_only:
            raise damaged(path, "it is empty")
        return  # SQLite treats it as a new, empty database: `dhr check --repair` sees the catalogue as lost
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        raise damaged(path, "it is not a SQLite database")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    if pages and size < pages * page_size:
        raise damaged(path, f"it is cut short: {size} bytes of {pages * page_size}")


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot write. `mode=ro` sees a concurrent ingest's commits; where SQLite cannot
    share the write-ahead log (a read-only folder or mount), `immutable=1` reads the file as it stands."""
    from urllib.parse import quote

    if not path.is_file():
        raise StoreError(f"no catalogue at {path}: run `dhr ingest PATH` first (or pass --db)")
    last: sqlite3.Error | None = None
    for mode in ("mode=ro", "immutable=1"):
        conn = sqlite3.connect(f"file:{quote(str(path.absolute()))}?{mode}", uri=True, timeout=30)
        conn.row_factory = sqlite3.Row
        try:
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.OperationalError as exc:  # cannot open the shared-memory file of the log
            conn.close()
            last = exc
    raise StoreError(f"cannot open the catalogue {path} for reading: {last}")


def _source(r: sqlite3.Row) -> Source:
    """A Source from a row joining occurrences and documents (columns named as in the tables)."""
    return Source(
        doc_id=r["doc_id"],
        path=r["path"],
        title=r["title"],
        body=r["body"],
        area=r["area"],
        date=r["date"],
        type=r["doc_type"],
        url=r["url"],
        page=r["page"],
        paragraph=r["paragraph"],
        section=r["section"],
        section_kind=r["section_kind"],
        review=_review_label(r["doc_type"], r["extra_json"]),
    )


@functools.lru_cache(maxsize=4096)
def _review_label(doc_type: str, extra_json: str | None) -> str | None:
    """A document's review label, worked out once per document rather than once per passage row."""
    return label_of_review(doc_type, json.loads(extra_json or "{}"))


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
