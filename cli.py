"""dhr: the command line of the DHR learning knowledge base.

Each command parses its options, calls a plain function in ingest/, index/ or kb/, and prints
what comes back. Heavy libraries (sentence-transformers, Chroma, spaCy) are imported only by the
commands that need them, so `--help`, `docs`, `themes` and `show` answer at once.
"""

from __future__ import annotations

import contextlib
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from kb.config import Settings
from kb.errors import DHRError

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Search the learning in Domestic Homicide Reviews and the committee papers around them, with citations.",
)

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Knowledge base folder. Default: $DHR_DB, else ~/.local/share/dhr-kb.",
                 show_default=False),
]
ChromaUrlOption = Annotated[
    str | None,
    typer.Option("--chroma-url", help="Use a Chroma server (http://host:port) instead of the embedded store. "
                 "Default: $DHR_CHROMA_URL.", show_default=False),
]
ModelOption = Annotated[
    str | None,
    typer.Option("--model", help="Sentence-transformers model directory. Default: $DHR_MODEL, else the packaged "
                 "all-MiniLM-L6-v2.", show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of text.")]


def fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code)


@contextlib.contextmanager
def errors_as_messages() -> Iterator[None]:
    """Turn the library's domain errors into one clear line and exit code 2, never a traceback."""
    try:
        yield
    except DHRError as exc:
        raise fail(str(exc)) from None


def open_catalogue(settings: Settings, must_exist: bool = True):  # noqa: ANN201
    from kb.catalogue import Catalogue

    if must_exist and not settings.catalogue_path.exists():
        raise fail(f"no knowledge base at {settings.db}: run `dhr ingest PATH` first (or pass --db)")
    settings.ensure_dirs()
    return Catalogue(settings.catalogue_path)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively) to add.")],
    db: DbOption = None,
    chroma_url: ChromaUrlOption = None,
    model: ModelOption = None,
    wait: Annotated[bool, typer.Option("--wait", help="If another ingest is running, wait for it.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Add PDF, Word, HTML, text and Markdown files; unchanged files are skipped, changed ones replaced."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from index.embedder import Embedder
    from index.vectors import VectorStore
    from ingest.lock import ingest_lock
    from ingest.pipeline import Ingestor
    from kb.render import to_json
    from kb.tagger import ThemeTagger

    settings = Settings.resolve(db, chroma_url, model)
    with errors_as_messages(), ingest_lock(settings, wait=wait):
        catalogue = open_catalogue(settings, must_exist=False)
        ingestor = Ingestor(catalogue, VectorStore(settings), Embedder(settings.model), ThemeTagger())
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, transient=True, disable=as_json) as bar:
            task = bar.add_task("Ingesting", total=None)

            def step(done: int, total: int, path: Path) -> None:
                bar.update(task, completed=done, total=total, description=f"Ingesting {path.name[:40]}")

            report = ingestor.run(paths, progress=step)
        stats = catalogue.stats()

    if as_json:
        typer.echo(to_json({
            "counts": report.counts(),
            "files": [{"path": str(r.path), "status": r.status, "reason": r.reason or None, "title": r.title,
                       "passages": r.passages} for r in report.results],
            "knowledge_base": stats,
        }))
    else:
        for r in report.results:
            if r.status in ("added", "updated"):
                typer.echo(f"{r.status:>9}  {r.path}  ({r.passages} passages)")
            elif r.status in ("failed", "duplicate", "skipped"):
                typer.echo(f"{r.status:>9}  {r.path}: {r.reason}", err=r.status == "failed")
        counts = report.counts()
        typer.echo(", ".join(f"{n} {k}" for k, n in counts.items() if n or k in ("added", "failed")) +
                   f". The knowledge base holds {stats['documents']} documents, {stats['passages']} passages.")
    if report.failed:
        raise typer.Exit(1)


@app.command()
def ask(
    query: Annotated[str, typer.Argument(help="What you are looking for, in your own words.")],
    top: Annotated[int, typer.Option("--top", "-n", min=1, max=100, help="How many results.")] = 5,
    theme: Annotated[str | None, typer.Option(help="Only passages tagged with this theme (id or label).")] = None,
    doc_type: Annotated[str | None, typer.Option("--type", help="Only this document type, e.g. dhr_overview_report.")] = None,
    area: Annotated[str | None, typer.Option(help="Only documents about this area, e.g. Staffordshire.")] = None,
    since: Annotated[str | None, typer.Option(help="Only documents dated on or after this (YYYY[-MM[-DD]]).")] = None,
    until: Annotated[str | None, typer.Option(help="Only documents dated on or before this (YYYY[-MM[-DD]]).")] = None,
    section: Annotated[str | None, typer.Option(help="Only this kind of section, e.g. lessons, recommendations.")] = None,
    per_doc: Annotated[int, typer.Option("--per-doc", min=0, help="At most this many results from one document "
                                         "(0: no limit).")] = 2,
    db: DbOption = None,
    chroma_url: ChromaUrlOption = None,
    model: ModelOption = None,
    as_json: JsonOption = False,
) -> None:
    """Answer a thematic query with cited excerpts, one per piece of evidence, key points first."""
    from index.embedder import Embedder
    from index.search import Filters, search, summarise
    from index.vectors import VectorStore
    from kb.render import render_excerpt, render_summary, to_json

    settings = Settings.resolve(db, chroma_url, model)
    with errors_as_messages():
        filters = Filters(theme=resolve_theme(theme), doc_type=doc_type, area=area, since=since, until=until,
                          section=section)
        catalogue = open_catalogue(settings)
        results = search(query, catalogue, VectorStore(settings), Embedder(settings.model), filters, top,
                         per_doc=per_doc or None)
    if as_json:
        typer.echo(to_json([r.to_dict() for r in results]))
        return
    if not results:
        typer.echo("No passages match. Try other words, or fewer filters.")
        return
    typer.echo(render_summary(summarise(results), results) + "\n")
    for n, excerpt in enumerate(results, 1):
        typer.echo(render_excerpt(n, excerpt) + "\n")
    themes = Counter(t for r in results for t in r.themes)
    if themes:
        typer.echo("Themes in these results: " + ", ".join(f"{t} ({n})" for t, n in themes.most_common()))


def resolve_theme(name: str | None) -> str | None:
    """A theme id from an id or label; unknown names get the nearest suggestions."""
    if not name:
        return None
    from kb.errors import QueryError
    from kb.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    try:
        return taxonomy.resolve(name).id
    except KeyError:
        hint = ", ".join(taxonomy.suggest(name)) or "see `dhr themes --all`"
        raise QueryError(f"unknown theme {name!r}; did you mean: {hint}?") from None


@app.command()
def themes(
    db: DbOption = None,
    show_all: Annotated[bool, typer.Option("--all", help="List every theme in the taxonomy, even unused ones.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Each theme with the number of documents and passages it occurs in."""
    from kb.render import render_rows
    from kb.taxonomy import load_taxonomy

    settings = Settings.resolve(db)
    taxonomy = load_taxonomy()
    with errors_as_messages():
        counts = {t: (d, p) for t, d, p in open_catalogue(settings).theme_counts()} if not show_all or \
            settings.catalogue_path.exists() else {}
    ids = taxonomy.ids() if show_all else list(counts)
    rows = [{"theme": t, "label": taxonomy.get(t).label if taxonomy.get(t) else t,
             "documents": counts.get(t, (0, 0))[0], "passages": counts.get(t, (0, 0))[1]} for t in ids]
    if not rows and not as_json:
        typer.echo("No themes tagged yet: run `dhr ingest PATH` first.")
        return
    typer.echo(render_rows(rows, ["theme", "label", "documents", "passages"], "json" if as_json else "table"))


@app.command()
def docs(db: DbOption = None, as_json: JsonOption = False) -> None:
    """What the knowledge base holds: one line per document."""
    from kb.render import render_rows

    settings = Settings.resolve(db)
    with errors_as_messages():
        rows = [
            {"id": d.doc_id[:8], "date": d.date, "type": d.doc_type, "body": d.body, "area": d.area, "title": d.title,
             "pages": d.page_count, "passages": d.passages, "path": d.path}
            for d in open_catalogue(settings).documents()
        ]
    if as_json:
        typer.echo(render_rows(rows, list(rows[0]) if rows else ["id"], "json"))
    elif not rows:
        typer.echo("The knowledge base is empty: run `dhr ingest PATH` first.")
    else:
        typer.echo(render_rows(rows, ["id", "date", "type", "area", "title", "passages"]))


@app.command()
def show(
    doc: Annotated[str, typer.Argument(help="Document id (or its start), path, file name or words of its title.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """One document: its metadata, then every passage with its position and themes."""
    import json as _json

    from kb.citation import format_position
    from kb.render import to_json

    settings = Settings.resolve(db)
    with errors_as_messages():
        catalogue = open_catalogue(settings)
        matches = catalogue.find_documents(doc)
        if not matches:
            raise fail(f"no document matches {doc!r}; `dhr docs` lists them")
        if len(matches) > 1:
            names = "\n  ".join(f"{d.doc_id[:8]}  {d.title}  ({d.path})" for d in matches[:10])
            raise fail(f"{doc!r} matches {len(matches)} documents; give an id:\n  {names}")
        d = matches[0]
        rows = catalogue.occurrences(d.doc_id)
    passages = [
        {"ordinal": r["ordinal"], "page": r["page"], "paragraph": r["paragraph"], "section": r["section"],
         "section_kind": r["section_kind"], "themes": _json.loads(r["themes_json"]), "text": r["text"]}
        for r in rows
    ]
    if as_json:
        meta = {k: getattr(d, k) for k in ("doc_id", "path", "title", "body", "area", "date", "doc_type", "url",
                                           "page_count", "status", "extra")}
        typer.echo(to_json({**meta, "passages": passages}))
        return
    typer.echo(f"{d.title}\n  id {d.doc_id}  type {d.doc_type}  date {d.date or '?'}\n  body {d.body or '?'}  "
               f"area {d.area or '?'}\n  file {d.path}\n")
    for p in passages:
        where = format_position(p["page"], p["paragraph"])
        typer.echo(f"[{where}] {p['section'] or ''}  ({p['section_kind']})")
        typer.echo(f"    {p['text']}")
        if p["themes"]:
            typer.echo(f"    Themes: {', '.join(p['themes'])}")


@app.command()
def forget(
    doc: Annotated[str, typer.Argument(help="Document id (or its start), path or file name, as `dhr docs` shows.")],
    db: DbOption = None,
    chroma_url: ChromaUrlOption = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Remove a withdrawn document and every trace of it: passages, catalogue rows, lexical index, vectors."""
    from index.vectors import VectorStore
    from ingest.lock import ingest_lock

    settings = Settings.resolve(db, chroma_url)
    with errors_as_messages(), ingest_lock(settings, wait=True):
        catalogue = open_catalogue(settings)
        matches = [d for d in catalogue.find_documents(doc) if d.doc_id.startswith(doc) or d.path.endswith(doc)]
        if len(matches) != 1:
            raise fail(f"{doc!r} matches {len(matches)} documents; give the id `dhr docs` shows")
        d = matches[0]
        if not yes and not typer.confirm(f"Forget {d.title!r} ({d.path})?"):
            raise typer.Exit(1)
        catalogue.delete_document(d.doc_id)  # the source of truth first: a crash now leaves only orphan vectors
        VectorStore(settings).delete_document(d.doc_id)
    typer.echo(f"Forgot {d.title!r} ({d.path}).")


@app.command()
def check(
    db: DbOption = None,
    chroma_url: ChromaUrlOption = None,
    model: ModelOption = None,
    fix: Annotated[bool, typer.Option("--repair", help="Fix what disagrees, taking the catalogue as the truth.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Check that the catalogue, the lexical index and Chroma agree (exit 1 if not); --repair fixes them."""
    from dataclasses import asdict

    from index.consistency import check as run_check
    from index.consistency import repair
    from index.vectors import VectorStore
    from ingest.lock import ingest_lock
    from kb.render import to_json

    settings = Settings.resolve(db, chroma_url, model)
    with errors_as_messages(), ingest_lock(settings, wait=fix):
        catalogue = open_catalogue(settings)
        vectors = VectorStore(settings)
        before = run_check(catalogue, vectors)
        after = before
        if fix and not before.consistent:
            from index.embedder import Embedder

            after = repair(catalogue, vectors, Embedder(settings.model))
    if as_json:
        typer.echo(to_json({"consistent": after.consistent, "before": asdict(before), "after": asdict(after)}))
    else:
        typer.echo(f"{before.documents} documents, {before.passages} passages, {before.vectors} vectors.")
        for problem in before.problems():
            typer.echo(f"  - {problem}")
        if before.consistent:
            typer.echo("Consistent: the catalogue, the lexical index and Chroma agree.")
        elif fix:
            typer.echo("Repaired." if after.consistent else "Still inconsistent: " + "; ".join(after.problems()))
        else:
            typer.echo("Run `dhr check --repair` to fix.")
    if not after.consistent:
        raise typer.Exit(1)


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
