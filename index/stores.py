"""An open knowledge base: the catalogue, and the vector store and the model when a task needs them.

Front ends (the CLI, the web app) open one `Stores` and pass it to the query and report functions.
The vector store and the model load on first use, so counting themes or listing documents never
pays for them; a resident process (the web app) pays once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from index.embedder import Embedder, embedder_for
from index.vectors import VectorStore
from kb.catalogue import Catalogue
from kb.config import Settings
from kb.errors import EmptyKnowledgeBaseError, StoreError


def open_catalogue(settings: Settings, must_exist: bool = True, read_only: bool = False) -> Catalogue:
    """The catalogue at `settings.db`; with `must_exist`, a clear error when nothing was ingested there.
    `read_only` creates, chmods and writes nothing (a read-only copy or mount can be queried)."""
    settings.refuse_file()
    if must_exist and not settings.catalogue_path.exists() and settings.chroma_path.is_dir():
        raise StoreError(f"the catalogue {settings.catalogue_path} is missing but the vector store is there: restore "
                         "catalogue.sqlite3 from a copy or a backup")
    if must_exist and not settings.catalogue_path.exists():
        raise EmptyKnowledgeBaseError(f"no knowledge base at {settings.db}: run `dhr ingest PATH` first (or pass --db)")
    if read_only:
        return Catalogue(settings.catalogue_path, read_only=True)
    settings.ensure_dirs()
    return Catalogue(settings.catalogue_path)


@dataclass
class Stores:
    settings: Settings
    catalogue: Catalogue
    _vectors: VectorStore | None = field(default=None, repr=False)
    _embedder: Embedder | None = field(default=None, repr=False)

    read_only: bool = False

    @classmethod
    def open(
        cls, settings: Settings, must_exist: bool = True, vectors_first: bool = False, read_only: bool = False,
        repair: bool = False,
    ) -> Stores:
        """Open the catalogue; `vectors_first` connects the vector store before anything is created on
        disk, so an unreachable Chroma server stops an ingest before it writes. `read_only` stores are
        for queries: nothing is created, chmod-ed or written.

        A writer that is not a `repair` first opens an existing catalogue read-only, so a lost table (the
        lexical index) is reported rather than created again empty, and an ingest refuses a vector store
        that was deleted rather than start a new, empty one beside a catalogue that expects vectors."""
        settings.refuse_file()
        if not read_only and not repair and settings.catalogue_path.exists():
            Catalogue(settings.catalogue_path, read_only=True).close()
            if vectors_first and not settings.chroma_url and not settings.chroma_path.is_dir():
                raise StoreError(f"the vector store {settings.chroma_path} is missing: restore it from a copy or a "
                                 "backup, or run `dhr check --repair` to embed every passage again, then ingest")
        vectors = VectorStore(settings, read_only) if vectors_first else None
        return cls(settings, open_catalogue(settings, must_exist, read_only), vectors, read_only=read_only)

    @property
    def vectors(self) -> VectorStore:
        if self._vectors is None:
            self._vectors = VectorStore(self.settings, self.read_only)
        return self._vectors

    @property
    def embedder(self) -> Embedder:
        """The embedder whose vectors match this knowledge base's (see `embedder_for`); a writable store
        records which kind it holds, so a later query or ingest with another kind is refused."""
        if self._embedder is None:
            recorded = self.catalogue.vector_space()
            legacy = recorded is None and self.catalogue.passage_count() > 0
            if legacy:  # written before the kind was recorded, when the torch backend made every vector
                recorded = Embedder(self.settings.model, backend="torch").vector_space
            embedder = embedder_for(self.settings.model, recorded)
            if not self.read_only and self.catalogue.vector_space() != embedder.vector_space:
                self.catalogue.record_vector_space(embedder.vector_space)
            self._embedder = embedder
        return self._embedder
