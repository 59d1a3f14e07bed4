"""The vector store: Chroma, embedded on disk by default or a Chroma server when one is named.

One record per passage occurrence (see kb/records.py). Vectors are computed once per distinct text
and reused.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from kb.config import Settings
from kb.errors import StoreError
from kb.records import VectorRecord, parse_record_id

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

COLLECTION = "dhr_passages"
# How many candidates HNSW keeps while it searches. Chroma's default (100) found 94% of the exact 60
# nearest at 100,000 passages, and on a small store its answers varied between processes (the same
# query listed different passages near rank 60). 400 finds 99% and answers alike, for about 1 ms.
EF_SEARCH = 400


@dataclass(frozen=True)
class VectorHit:
    """A nearest record: which occurrence (document and ordinal) and how far from the query."""

    doc_id: str
    ordinal: int
    distance: float

    @property
    def key(self) -> tuple[str, int]:
        return self.doc_id, self.ordinal


def _missing_store(settings: Settings) -> StoreError:
    return StoreError(f"the vector store {settings.chroma_path} is missing: restore it from a copy or a backup, "
                      "or run `dhr check --repair` to embed every passage again from the catalogue")


def _read_only_client(settings: Settings, chroma_settings):  # noqa: ANN001, ANN202
    """Chroma writes to its own SQLite file when it opens, so a store in a read-only folder or mount is
    opened from a private temporary copy (removed at exit); a writable one is opened where it is."""
    import atexit
    import shutil
    import tempfile

    import chromadb

    if not (settings.chroma_path / "chroma.sqlite3").is_file():
        raise _missing_store(settings)
    try:
        return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)
    except Exception as exc:  # chromadb raises its own InternalError from the Rust side
        if "readonly" not in str(exc).replace("-", "").replace(" ", "").lower():
            raise StoreError(f"cannot open the vector store {settings.chroma_path}: {exc}") from exc
    copy = Path(tempfile.mkdtemp(prefix="dhr-readonly-"))
    atexit.register(shutil.rmtree, copy, ignore_errors=True)
    shutil.copytree(settings.chroma_path, copy / "chroma", copy_function=shutil.copyfile)
    for path in (copy / "chroma").rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)
    (copy / "chroma").chmod(0o700)
    return chromadb.PersistentClient(path=str(copy / "chroma"), settings=chroma_settings)


def _client(settings: Settings, read_only: bool = False):  # noqa: ANN202 - chromadb client types are internal
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise StoreError(f"--chroma-url must look like http://host:port, not {settings.chroma_url!r}")
        try:
            client = chromadb.HttpClient(
                host=url.hostname,
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
            client.heartbeat()
        except Exception as exc:  # chromadb raises several transport errors; all mean "not reachable"
            raise StoreError(f"cannot reach the Chroma server at {settings.chroma_url}: {exc}") from exc
        return client
    if read_only:
        return _read_only_client(settings, chroma_settings)
    settings.ensure_dirs()
    old = os.umask(0o077)
    try:
        return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)
    finally:
        os.umask(old)


def _ef_search(collection) -> int | None:  # noqa: ANN001 - chromadb's Collection
    """The collection's HNSW search breadth; None when it is not an HNSW index (a distributed server's)."""
    hnsw = (collection.configuration_json or {}).get("hnsw")
    return int(hnsw.get("ef_search") or 0) if hnsw else None


class VectorStore:
    """Add, delete and query passage vectors in one Chroma collection."""

    def __init__(self, settings: Settings, read_only: bool = False) -> None:
        """`read_only`: for queries; the store must exist, and nothing is created or chmod-ed."""
        self.client = _client(settings, read_only)
        if read_only and COLLECTION not in {c.name for c in self.client.list_collections()}:
            raise _missing_store(settings)
        self.collection = self.client.get_or_create_collection(
            COLLECTION, configuration={"hnsw": {"space": "cosine", "ef_search": EF_SEARCH}}, embedding_function=None
        )
        ef = _ef_search(self.collection)
        if ef is not None and ef < EF_SEARCH:  # a store made before EF_SEARCH: searched as carefully now
            self.collection.modify(configuration={"hnsw": {"ef_search": EF_SEARCH}})

    def add(self, records: Sequence[VectorRecord], batch: int = 2000) -> None:
        for i in range(0, len(records), batch):
            part = records[i : i + batch]
            self.collection.upsert(
                ids=[r.record_id for r in part],
                embeddings=[list(map(float, r.embedding)) for r in part],
                metadatas=[{**r.metadata, "passage_id": r.passage_id} for r in part],
            )

    def set_themes(self, themes_of: Mapping[str, Sequence[str]]) -> None:
        """Replace the `themes` metadata of these records (record id -> theme ids; none removes the key)."""
        ids = list(themes_of)
        for i in range(0, len(ids), 2000):
            part = ids[i : i + 2000]
            self.collection.update(ids=part, metadatas=[{"themes": list(themes_of[r]) or None} for r in part])

    def delete_document(self, doc_id: str) -> None:
        self.collection.delete(where={"doc_id": doc_id})

    def delete_ids(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        for i in range(0, len(ids), 2000):
            self.collection.delete(ids=ids[i : i + 2000])

    def embeddings_for(self, records: Mapping[str, Sequence[str]]) -> dict[str, list[float]]:
        """An existing vector for each passage that already has one (any occurrence will do).

        `records`: passage id -> the record ids of its occurrences (the catalogue knows them). Records are
        read by id: a `where` on the passage id made Chroma scan metadata, which grows with the store.
        """
        passage_of = {rid: pid for pid, rids in records.items() for rid in rids}
        ids = list(passage_of)
        found: dict[str, list[float]] = {}
        for i in range(0, len(ids), 500):
            got = self.collection.get(ids=ids[i : i + 500], include=["embeddings"])
            for rid, emb in zip(got["ids"], got["embeddings"], strict=True):
                found.setdefault(passage_of[rid], list(emb))
        return found

    def all_ids(self) -> set[str]:
        ids: set[str] = set()
        offset, page = 0, 5000
        while True:
            got = self.collection.get(include=[], limit=page, offset=offset)
            ids.update(got["ids"])
            if len(got["ids"]) < page:
                return ids
            offset += page

    def count(self) -> int:
        return self.collection.count()

    def query(
        self, embedding: Sequence[float], n: int, where: dict[str, Any] | None = None, ids: list[str] | None = None
    ) -> list[VectorHit]:
        """The `n` nearest records (fewer if the store holds fewer), nearest first; `ids` limits the search.

        Only ids and distances are fetched: reading the metadata back costs Chroma ten times the search
        itself, and the catalogue answers what a record is (and whether a filter takes it) faster.
        """
        res = self.collection.query(
            query_embeddings=[list(map(float, embedding))],
            n_results=max(n, 1),
            where=where or None,
            ids=ids,
            include=["distances"],
        )
        hits = []
        for rid, dist in zip(res["ids"][0], res["distances"][0], strict=True):
            doc_id, ordinal = parse_record_id(rid)
            hits.append(VectorHit(doc_id, ordinal, float(dist)))
        return hits
