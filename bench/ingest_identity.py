"""What an ingest stores, as one canonical JSON file, so two versions of the code can be compared.

Run from the repository root of each checkout, then compare:

    .venv/bin/python bench/ingest_identity.py dump old.json corpus ../shared/seeds ../shared/real
    .venv/bin/python bench/ingest_identity.py compare old.json new.json

`dump` ingests the paths into a new knowledge base (the default backend, or $DHR_BACKEND) and writes every
catalogue table (documents less their ingest time, passages, occurrences, passage_themes with status and
evidence, sentence_vectors, the FTS5 rows, meta) and every Chroma record (id, metadata, embedding as the
exact float32 bytes), sorted. `compare` says whether two dumps are identical and, if not, where they differ.
The meta table's `tagging` row is a digest of the taxonomy and of kb/tagger.py's bytes (kb.taxonomy.
tagging_version), so any edit to the tagger changes it even when every tag stays the same: `compare` names
that difference apart from the others, and it alone does not count as a difference.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TABLES = {  # table -> the columns that say what was stored (ingested_at is a clock reading)
    "documents": "doc_id, path, content_hash, status, title, body, area, date, year, doc_type, url, page_count, "
                 "extra_json",
    "passages": "passage_id, text, word_count, themes_json",
    "occurrences": "doc_id, ordinal, passage_id, page, paragraph, section, section_kind",
    "passage_themes": "passage_id, theme_id, status, evidence",
    "sentence_vectors": "passage_id, vectors",
    "passages_fts": "passage_id, text",
    "meta": "key, value",
}


def _cell(value: object) -> object:
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    return value


def dump(paths: list[Path]) -> dict[str, object]:
    import numpy as np

    from index.embedder import Embedder
    from index.vectors import VectorStore
    from ingest.pipeline import Ingestor
    from kb.catalogue import Catalogue
    from kb.config import Settings
    from kb.tagger import ThemeTagger

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.resolve(db=Path(tmp) / "kb")
        settings.ensure_dirs()
        catalogue = Catalogue(settings.catalogue_path)
        embedder = Embedder()
        catalogue.record_vector_space(embedder.vector_space)
        vectors = VectorStore(settings)
        report = Ingestor(catalogue, vectors, embedder, ThemeTagger()).run(paths)
        out: dict[str, object] = {"results": sorted(
            [str(r.path), r.status, r.reason, r.doc_id, r.passages, r.pages] for r in report.results)}
        conn = sqlite3.connect(settings.catalogue_path)
        for table, columns in TABLES.items():
            rows = conn.execute(f"SELECT {columns} FROM {table}").fetchall()  # noqa: S608 - our own names
            out[table] = sorted(([_cell(v) for v in row] for row in rows), key=json.dumps)
        got = vectors.collection.get(include=["embeddings", "metadatas"])
        out["chroma"] = sorted(
            [rid, json.dumps(meta, sort_keys=True), _cell(np.asarray(emb, dtype=np.float32).tobytes())]
            for rid, meta, emb in zip(got["ids"], got["metadatas"], got["embeddings"], strict=True)
        )
        return out


def compare(a: dict[str, list], b: dict[str, list]) -> tuple[list[str], list[str]]:
    """(where two dumps differ, notes): no differences when they are identical but for the tagging digest."""
    problems, notes = [], []
    digests = [dict(map(tuple, d.get("meta", []))).get("tagging") for d in (a, b)]
    if digests[0] != digests[1]:
        notes.append(f"meta tagging: {digests[0]!r} vs {digests[1]!r} (a digest of kb/tagger.py's bytes)")
    a, b = ({**d, "meta": [r for r in d.get("meta", []) if r[0] != "tagging"]} for d in (a, b))
    for key in sorted(set(a) | set(b)):
        left, right = a.get(key, []), b.get(key, [])
        if left == right:
            continue
        only_a = [r for r in left if r not in right]
        only_b = [r for r in right if r not in left]
        problems.append(f"{key}: {len(left)} vs {len(right)} rows; {len(only_a)} only in the first, {len(only_b)} "
                        f"only in the second; e.g. {only_a[:2]} / {only_b[:2]}")
    return problems, notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out", type=Path)
    d.add_argument("paths", nargs="+", type=Path)
    c = sub.add_parser("compare")
    c.add_argument("first", type=Path)
    c.add_argument("second", type=Path)
    args = parser.parse_args()
    if args.command == "dump":
        data = dump([p.resolve() for p in args.paths])
        args.out.write_text(json.dumps(data))
        print(f"{args.out}: " + ", ".join(f"{k} {len(v)}" for k, v in data.items()))
        return
    problems, notes = compare(json.loads(args.first.read_text()), json.loads(args.second.read_text()))
    first = json.loads(args.first.read_text())
    print("\n".join([*notes, *problems, "different" if problems else "identical: " + ", ".join(
        f"{k} {len(v)} rows" for k, v in first.items())]))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
