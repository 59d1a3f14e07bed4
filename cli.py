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
    typer.Option(
        "--db", help="Knowledge base folder. Default: $DHR_DB, else ~/.local/share/dhr-kb.", show_default=False
    ),
]
ChromaUrlOption = Annotated[
    str | None,
    typer.Option(
        "--chroma-url",
        help="Use a Chroma server (http://host:port) instead of the embedded store. Default: $DHR_CHROMA_URL.",
        show_default=False,
    ),
]
ModelOption = Annotated[
    str | None,
    typer.Option(
        "--model",
        help="Sentence-transformers model directory. Default: $DHR_MODEL, else the packaged all-MiniLM-L6-v2.",
        show_default=False,
    ),
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


@contextlib.contextmanager
def private_files() -> Iterator[None]:
    """Files the stores create while writing (Chroma's segment files too) are readable by the user only."""
    import os

    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


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
    from kb.lock import ingest_lock
    from kb.render import to_json

    settings = Settings.resolve(db, chroma_url, model)
    with errors_as_messages(), private_files(), ingest_lock(settings, wait=wait):
        # the heavy imports after the lock: a second ingest is refused at once
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from index.embedder import Embedder
        from index.vectors import VectorStore
        from ingest.pipeline import Ingestor
        from kb.tagger import ThemeTagger

        vectors = VectorStore(settings)  # first: an unreachable server stops us before anything is written
        catalogue = open_catalogue(settings, must_exist=False)
        ingestor = Ingestor(catalogue, vectors, Embedder(settings.model), ThemeTagger())
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, transient=True, disable=as_json) as bar:
            task = bar.add_task("Ingesting", total=None)

            def step(done: int, total: int, path: Path) -> None:
                bar.update(task, completed=done, total=total, description=f"Ingesting {path.name[:40]}")

            report = ingestor.run(paths, progress=step)
        stats = catalogue.stats()

    if as_json:
        typer.echo(
            to_json(
                {
                    "counts": report.counts(),
                    "files": [
                        {
                            "path": str(r.path),
                            "status": r.status,
                            "reason": r.reason or None,
                            "title": r.title,
                            "passages": r.passages,
                        }
                        for r in report.results
                    ],
                    "knowledge_base": stats,
                }
            )
        )
    else:
        for r in report.results:
            if r.status in ("added", "updated"):
                typer.echo(f"{r.status:>9}  {r.path}  ({r.passages} passages)")
            elif r.status in ("failed", "duplicate", "skipped"):
                typer.echo(f"{r.status:>9}  {r.path}: {r.reason}", err=r.status == "failed")
        counts = report.counts()
        typer.echo(
            ", ".join(f"{n} {k}" for k, n in counts.items() if n or k in ("added", "failed"))
            + f". The knowledge base holds {stats['documents']} documents, {stats['passages']} passages."
        )
    if report.failed:
        raise typer.Exit(1)


@app.command()
def ask(
    query: Annotated[str, typer.Argument(help="What you are looking for, in your own words.")],
    top: Annotated[int, typer.Option("--top", "-n", min=1, max=100, help="How many results.")] = 5,
    theme: Annotated[str | None, typer.Option(help="Only passages tagged with this theme (id or label).")] = None,
    doc_type: Annotated[
        str | None, typer.Option("--type", help="Only this document type, e.g. dhr_overview_report.")
    ] = None,
    area: Annotated[str | None, typer.Option(help="Only documents about this area, e.g. Staffordshire.")] = None,
    since: Annotated[str | None, typer.Option(help="Only documents dated on or after this (YYYY[-MM[-DD]]).")] = None,
    until: Annotated[str | None, typer.Option(help="Only documents dated on or before this (YYYY[-MM[-DD]]).")] = None,
    section: Annotated[
        str | None, typer.Option(help="Only this kind of section, e.g. lessons, recommendations.")
    ] = None,
    per_doc: Annotated[
        int, typer.Option("--per-doc", min=0, help="At most this many results from one document (0: no limit).")
    ] = 2,
    review_kind: ReviewKindOption = None,
    relationship: RelationshipOption = None,
    victim_sex: VictimSexOption = None,
    victim_age_band: VictimAgeOption = None,
    death_year: DeathYearOption = None,
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
        filters = Filters(
            theme=resolve_theme(theme), doc_type=doc_type, area=area, since=since, until=until, section=section
        )
        catalogue = open_catalogue(settings)
        case = doc_filter(None, None, None, None, review_kind, relationship, victim_sex, victim_age_band, death_year)
        if case.active:  # case characteristics: only passages from the documents that state them
            from kb.analytics import check_case_filter, matching_doc_ids, search_documents

            check_case_filter(catalogue, case)
            results = search_documents(
                search,
                matching_doc_ids(catalogue, case),
                query,
                catalogue,
                VectorStore(settings),
                Embedder(settings.model),
                filters,
                top,
                per_doc or None,
            )
        else:
            results = search(
                query, catalogue, VectorStore(settings), Embedder(settings.model), filters, top, per_doc=per_doc or None
            )
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


themes_app = typer.Typer(
    add_completion=False,
    help="Recurring themes: how many reviews each theme occurs in, by year, area or type; co-occurrence; evidence.",
)
app.add_typer(themes_app, name="themes")

ByOption = Annotated[
    str | None,
    typer.Option(
        "--by",
        help="Break counts down by year, area or type (also: "
        "review-kind, relationship, victim-sex, victim-age-band, "
        "year-of-death).",
        show_default=False,
    ),
]
TypeOption = Annotated[str | None, typer.Option("--type", help="Only this document type, e.g. dhr_overview_report.")]
AreaOption = Annotated[str | None, typer.Option(help="Only documents about this area, e.g. Northbridge.")]
SinceOption = Annotated[str | None, typer.Option(help="Only documents dated on or after this (YYYY[-MM[-DD]]).")]
UntilOption = Annotated[str | None, typer.Option(help="Only documents dated on or before this (YYYY[-MM[-DD]]).")]
ReviewKindOption = Annotated[
    str | None,
    typer.Option(
        "--review-kind",
        help="Only reviews of this kind: intimate_partner_homicide, adult_family_homicide, suspected_victim_suicide.",
        show_default=False,
    ),
]
RelationshipOption = Annotated[
    str | None,
    typer.Option(
        "--relationship",
        help="Only cases where the perpetrator was the victim's partner, ex-partner, son, daughter, ...",
        show_default=False,
    ),
]
VictimSexOption = Annotated[
    str | None, typer.Option("--victim-sex", help="Only cases with a female or male victim.", show_default=False)
]
VictimAgeOption = Annotated[
    str | None,
    typer.Option("--victim-age-band", help="Only victims aged in this band, e.g. 30-39.", show_default=False),
]
DeathYearOption = Annotated[
    int | None, typer.Option("--death-year", help="Only cases where the victim died in this year.", show_default=False)
]
CsvOption = Annotated[bool, typer.Option("--csv", help="Print CSV for spreadsheets instead of text.")]


def output_format(as_json: bool, as_csv: bool) -> str:
    if as_json and as_csv:
        raise fail("choose one of --json and --csv")
    return "json" if as_json else "csv" if as_csv else "table"


def doc_filter(
    doc_type,
    area,
    since,
    until,
    review_kind,
    relationship,
    victim_sex,
    victim_age_band,  # noqa: ANN001, ANN201
    death_year,
):
    from kb.analytics import DocFilter

    return DocFilter.build(
        doc_type,
        area,
        since,
        until,
        review_kind=review_kind,
        relationship=relationship,
        victim_sex=victim_sex,
        victim_age_band=victim_age_band,
        year_of_death=death_year,
    )


@themes_app.callback(invoke_without_command=True)
def themes(
    ctx: typer.Context,
    by: ByOption = None,
    with_theme: Annotated[
        str | None,
        typer.Option(
            "--with",
            help="Which themes occur in the same reviews as this one (co-occurrence), e.g. alcohol.",
            show_default=False,
        ),
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    min_docs: Annotated[
        int,
        typer.Option(
            "--min-docs", min=0, help="Only themes found in at least N reviews (documents with --count documents)."
        ),
    ] = 0,
    count: Annotated[
        str,
        typer.Option(
            "--count",
            help="What to count: reviews (DHR overview reports and executive summaries) or documents (every type).",
        ),
    ] = "reviews",
    doc_type: TypeOption = None,
    area: AreaOption = None,
    review_kind: ReviewKindOption = None,
    relationship: RelationshipOption = None,
    victim_sex: VictimSexOption = None,
    victim_age_band: VictimAgeOption = None,
    death_year: DeathYearOption = None,
    top: Annotated[int, typer.Option("--top", min=0, help="Only the first N themes (0: all).")] = 0,
    chart: Annotated[
        Path | None,
        typer.Option(
            "--chart",
            help="Also draw prevalence and the trend by year to this PNG file, for a board paper.",
            show_default=False,
        ),
    ] = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="List every theme in the taxonomy, even unused ones.")
    ] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Themes ranked by the number of reviews they occur in; `dhr themes show THEME` lists the evidence.

    A theme occurs in a document when at least one passage states it: negated or hypothetical
    mentions ("no evidence of alcohol misuse") do not count."""
    if ctx.invoked_subcommand:
        return
    from kb import analytics
    from kb.render import render_rows, to_json
    from kb.taxonomy import load_taxonomy

    fmt = output_format(as_json, as_csv)
    if count not in ("reviews", "documents"):
        raise fail(f"--count must be reviews or documents, not {count!r}")
    if by is not None:
        by = by.strip().lower().replace("-", "_")
        by = {"doc_type": "type", "death_year": "year_of_death"}.get(by, by)
        if by not in analytics.GROUPINGS:
            raise fail(f"--by must be one of {', '.join(g.replace('_', '-') for g in analytics.GROUPINGS)}")
    if by and with_theme:
        raise fail("use --by or --with, not both")
    settings = Settings.resolve(db)
    taxonomy = load_taxonomy()
    with errors_as_messages():
        flt = doc_filter(
            doc_type, area, since, until, review_kind, relationship, victim_sex, victim_age_band, death_year
        )
        base_theme = resolve_theme(with_theme) if with_theme else None
        if not settings.catalogue_path.exists() and show_all and not (by or with_theme or chart):
            docs = []  # the whole taxonomy with zero counts, before anything is ingested
        else:
            catalogue = open_catalogue(settings)
            analytics.check_case_filter(catalogue, flt)
            docs = analytics.document_themes(catalogue, flt, taxonomy)
    if doc_type and doc_type not in analytics.REVIEW_TYPES:
        count = "documents"  # only reviews are DHRs: count the documents of the type asked for
    unit = count
    n_reviews = sum(d.is_review for d in docs)
    n_unit = n_reviews if unit == "reviews" else len(docs)
    scope = flt.describe()
    counts = analytics.prevalence(docs, taxonomy, min_count=min_docs, unit=unit, include_all=show_all)
    if top:
        counts = counts[:top]

    if chart is not None:
        from kb.chart import draw_themes_chart

        trend = analytics.breakdown(docs, "year", unit)
        note = f"Filters: {scope}. " if scope else ""
        note += f"Counted over {n_reviews} reviews and {len(docs)} documents in the knowledge base."
        out = draw_themes_chart(chart, counts, trend, n_unit, unit, note, top=top or 12)
        typer.echo(f"Chart written to {out}", err=fmt != "table")

    if base_theme:
        n_with, n_total, rows = analytics.cooccurrence(docs, base_theme, taxonomy, unit, max(min_docs, 1))
        label = taxonomy.get(base_theme).label
        if top:
            rows = rows[:top]
        if fmt == "json":
            typer.echo(
                to_json(
                    {
                        "theme": base_theme,
                        "label": label,
                        "unit": unit,
                        "with_theme": n_with,
                        "total": n_total,
                        "filters": scope or None,
                        "themes": [r.to_row() for r in rows],
                    }
                )
            )
            return
        data = [r.to_row() for r in rows]
        if fmt == "csv":
            typer.echo(
                render_rows(
                    data, ["theme", "label", "both", "share", "overall", "overall_share", "same_passage"], "csv"
                ),
                nl=False,
            )
            return
        typer.echo(f"{label} occurs in {n_with} of {n_total} {unit}{f' ({scope})' if scope else ''}.")
        if not rows:
            typer.echo("No other theme occurs with it." if n_with else "Nothing to compare.")
            return
        typer.echo(f"Themes in the same {unit} (share: of the {n_with} with {label}; overall: of all {n_total}):\n")
        for r in data:
            r["share"] = f"{r['share']:.0%}"
            r["overall_share"] = f"{r['overall_share']:.0%}"
        typer.echo(
            render_rows(
                data,
                ["theme", "label", "both", "share", "overall_share", "same_passage"],
                "table",
                ["theme", "label", "both", "share", "overall", "same passage"],
            )
        )
        return

    if by:
        bd = analytics.breakdown(docs, by, unit)
        counts = [c for c in counts if (c.reviews if unit == "reviews" else c.documents) or show_all]
        rows = []
        for c in counts:
            row = c.to_row()
            row.update({g: bd.counts.get(c.theme, {}).get(g, 0) for g in bd.groups})
            rows.append(row)
        if fmt == "json":
            typer.echo(
                to_json(
                    {
                        "by": by,
                        "unit": unit,
                        "filters": scope or None,
                        "groups": bd.groups,
                        "totals": bd.totals,
                        "themes": [
                            {**c.to_row(), "by": {g: bd.counts.get(c.theme, {}).get(g, 0) for g in bd.groups}}
                            for c in counts
                        ],
                    }
                )
            )
            return
        columns = ["theme", "label", unit, *bd.groups]
        if fmt == "csv":
            typer.echo(render_rows(rows, columns, "csv"), nl=False)
            return
        if not rows:
            typer.echo(
                f"No themes in these {unit}."
                if docs
                else "No documents match: run `dhr ingest PATH` first, or use fewer filters."
            )
            return
        typer.echo(
            f"Number of {unit} each theme occurs in, by {by.replace('_', ' ')}"
            f"{f' ({scope})' if scope else ''}. {unit.capitalize()} per {by.replace('_', ' ')}: "
            + ", ".join(f"{g}: {bd.totals[g]}" for g in bd.groups)
            + ".\n"
        )
        typer.echo(render_rows(rows, columns, "table"))
        return

    rows = [c.to_row() for c in counts]
    columns = ["theme", "label", "reviews", "documents", "passages"]
    if fmt != "table":
        typer.echo(render_rows(rows, columns, fmt), nl=fmt == "json")
        return
    if not rows:
        typer.echo(
            "No themes tagged yet: run `dhr ingest PATH` first." if not docs else "No theme meets these conditions."
        )
        return
    if docs:
        typer.echo(
            f"Themes ranked by the number of {unit} they occur in: {n_reviews} reviews, {len(docs)} documents"
            f"{f' ({scope})' if scope else ''}.\n"
        )
    typer.echo(render_rows(rows, columns, "table"))


@themes_app.command("show")
def themes_show(
    theme: Annotated[str, typer.Argument(help="Theme id or label, e.g. alcohol or 'Coercive control'.")],
    since: SinceOption = None,
    until: UntilOption = None,
    doc_type: TypeOption = None,
    area: AreaOption = None,
    review_kind: ReviewKindOption = None,
    relationship: RelationshipOption = None,
    victim_sex: VictimSexOption = None,
    victim_age_band: VictimAgeOption = None,
    death_year: DeathYearOption = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=0, help="At most this many passages (0: all).")] = 20,
    per_doc: Annotated[
        int, typer.Option("--per-doc", min=0, help="At most this many passages from one document (0: no limit).")
    ] = 3,
    db: DbOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """The evidence for one theme: every passage that states it, with its citation, reviews first."""
    import textwrap

    from kb import analytics
    from kb.render import render_rows, to_json
    from kb.taxonomy import load_taxonomy

    fmt = output_format(as_json, as_csv)
    settings = Settings.resolve(db)
    taxonomy = load_taxonomy()
    with errors_as_messages():
        theme_id = resolve_theme(theme)
        flt = doc_filter(
            doc_type, area, since, until, review_kind, relationship, victim_sex, victim_age_band, death_year
        )
        catalogue = open_catalogue(settings)
        analytics.check_case_filter(catalogue, flt)
        docs = analytics.document_themes(catalogue, flt, taxonomy)
        found = analytics.evidence(catalogue, theme_id, flt, taxonomy, docs)
    t = taxonomy.get(theme_id)
    with_it = [d for d in docs if theme_id in d.themes]
    shown, per = [], Counter()
    for e in found:
        if per_doc and per[e.doc_id] >= per_doc:
            continue
        per[e.doc_id] += 1
        shown.append(e)
    if limit:
        shown = shown[:limit]
    if fmt == "json":
        typer.echo(
            to_json(
                {
                    "theme": t.id,
                    "label": t.label,
                    "definition": t.definition,
                    "reviews": sum(d.is_review for d in with_it),
                    "documents": len(with_it),
                    "passages": len(found),
                    "filters": flt.describe() or None,
                    "evidence": [e.to_row() for e in shown],
                }
            )
        )
        return
    if fmt == "csv":
        columns = [
            "doc_id",
            "title",
            "type",
            "date",
            "area",
            "page",
            "paragraph",
            "section",
            "citation",
            "matched",
            "text",
        ]
        typer.echo(render_rows([e.to_row() for e in shown], columns, "csv"), nl=False)
        return
    n_rev = sum(d.is_review for d in with_it)
    scope = flt.describe()
    typer.echo(
        f"{t.label} ({t.id}): in {n_rev} of {sum(d.is_review for d in docs)} reviews and {len(with_it)} of "
        f"{len(docs)} documents, {len(found)} passages{f' ({scope})' if scope else ''}."
    )
    typer.echo(textwrap.fill(f"Definition: {t.definition}", 100, subsequent_indent="  ") + "\n")
    if not shown:
        typer.echo("No passage states this theme" + (" in the documents these filters match." if scope else "."))
        return
    current = None
    for e in shown:
        if e.doc_id != current:
            current = e.doc_id
            typer.echo(f"== {e.source.title} ({e.source.date or 'undated'}, {e.source.type})")
        typer.echo(textwrap.fill(e.text, 100, initial_indent="    ", subsequent_indent="    "))
        if e.words:
            typer.echo("      matched: " + ", ".join(f"\u201c{w}\u201d" for w in e.words))
        typer.echo(textwrap.fill(f"Source: {e.citation}", 100, initial_indent="    ", subsequent_indent="      "))
        typer.echo("")
    if len(shown) < len(found):
        typer.echo(f"Showing {len(shown)} of {len(found)} passages; --limit 0 --per-doc 0 shows all.")


@app.command()
def docs(db: DbOption = None, as_json: JsonOption = False) -> None:
    """What the knowledge base holds: one line per document."""
    from kb.analytics import CASE_KEYS
    from kb.render import render_rows

    settings = Settings.resolve(db)
    with errors_as_messages():
        rows = [
            {
                "id": d.doc_id[:8],
                "date": d.date,
                "type": d.doc_type,
                "body": d.body,
                "area": d.area,
                "title": d.title,
                "pages": d.page_count,
                "passages": d.passages,
                "path": d.path,
                **{k: d.extra.get(k) for k in CASE_KEYS},
            }  # case characteristics a review states (or its sidecar)
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
        {
            "ordinal": r["ordinal"],
            "page": r["page"],
            "paragraph": r["paragraph"],
            "section": r["section"],
            "section_kind": r["section_kind"],
            "themes": _json.loads(r["themes_json"]),
            "text": r["text"],
        }
        for r in rows
    ]
    if as_json:
        meta = {
            k: getattr(d, k)
            for k in (
                "doc_id",
                "path",
                "title",
                "body",
                "area",
                "date",
                "doc_type",
                "url",
                "page_count",
                "status",
                "extra",
            )
        }
        typer.echo(to_json({**meta, "passages": passages}))
        return
    typer.echo(
        f"{d.title}\n  id {d.doc_id}  type {d.doc_type}  date {d.date or '?'}\n  body {d.body or '?'}  "
        f"area {d.area or '?'}\n  file {d.path}\n"
    )
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
    from kb.lock import ingest_lock

    settings = Settings.resolve(db, chroma_url)
    with errors_as_messages(), private_files(), ingest_lock(settings, wait=True):
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
    fix: Annotated[
        bool, typer.Option("--repair", help="Fix what disagrees, taking the catalogue as the truth.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Check that the catalogue, the lexical index and Chroma agree (exit 1 if not); --repair fixes them."""
    from dataclasses import asdict

    from index.consistency import check as run_check
    from index.consistency import repair
    from index.vectors import VectorStore
    from kb.lock import ingest_lock
    from kb.render import to_json

    settings = Settings.resolve(db, chroma_url, model)
    with errors_as_messages(), private_files(), ingest_lock(settings, wait=fix):
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


PreparedOption = Annotated[
    str | None,
    typer.Option(
        "--date",
        help="The date printed as 'Prepared ...' in the output (YYYY-MM-DD). Default: today; "
        "--date none prints no date.",
        show_default=False,
    ),
]


def prepared_date(value: str | None) -> str | None:
    """Today's date unless a date (or 'none') is given, so a file can be made reproducible."""
    import datetime as dt

    if value is None:
        return dt.date.today().isoformat()
    if value.lower() == "none":
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise fail(f"--date {value!r} is not a date (use YYYY-MM-DD, or none)") from None


@app.command()
def recommendations(
    theme: Annotated[str | None, typer.Option(help="Only recommendations about this theme (id or label).")] = None,
    agency: Annotated[
        str | None,
        typer.Option(help="Only recommendations addressed to this agency (any part of its name, e.g. police)."),
    ] = None,
    area: AreaOption = None,
    csv_file: Annotated[
        Path | None,
        typer.Option(
            "--csv", help="Also write the register to this CSV file (UTF-8, opens in Excel).", show_default=False
        ),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The recommendations register: every numbered recommendation, with review, agency, themes and page.

    Numbers are as printed ("Recommendation 3", "8.2", "1"); the agency is taken from "(Police)",
    "Recommendation 3 (Police):" or the subject of "X should ..."."""
    import textwrap

    from kb.citation import format_position
    from kb.register import build_register
    from kb.render import to_json
    from kb.writers import write_register_csv

    settings = Settings.resolve(db)
    with errors_as_messages():
        register = build_register(open_catalogue(settings), resolve_theme(theme), agency, area)
        if csv_file is not None:
            write_register_csv(register, csv_file)
    if as_json:
        typer.echo(to_json([r.to_dict() for r in register]))
    elif not register:
        typer.echo(
            "No numbered recommendations match."
            if theme or agency or area
            else "No numbered recommendations found: ingest DHR reports first (`dhr ingest PATH`)."
        )
    else:
        current = None
        for r in register:
            if r.source.doc_id != current:
                current = r.source.doc_id
                who = r.source.body or r.source.area or "?"
                typer.echo(f"== {r.review} ({who}, {r.source.date or 'undated'})")
            who = f" [{r.agency}]" if r.agency else ""
            typer.echo(textwrap.fill(f"{r.number}{who}: {r.text}", 100, subsequent_indent="    "))
            where = format_position(r.page, r.source.paragraph)
            themes = f"; themes: {', '.join(r.themes)}" if r.themes else ""
            typer.echo(f"    ({where}{themes})")
        docs = len({r.source.doc_id for r in register})
        typer.echo(f"\n{len(register)} recommendations from {docs} document{'s' * (docs != 1)}.")
    if csv_file is not None:
        typer.echo(f"Register written to {csv_file} ({len(register)} rows).", err=as_json)


@app.command()
def extract(
    theme: Annotated[str, typer.Option(help="The theme to teach (id or label), e.g. coercive_control.")],
    section: Annotated[
        list[str] | None,
        typer.Option(
            help="Which kind of section to quote: lessons, key_findings, recommendations, conclusions, ... "
            "Repeat for several. Default: lessons and key_findings.",
            show_default=False,
        ),
    ] = None,
    area: AreaOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Write to this file: .md, .docx, .html or .csv. Default: print Markdown.",
            show_default=False,
        ),
    ] = None,
    date: PreparedOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Case-learning extracts for trainers on one theme, grouped by review, ready to paste.

    Each review opens with one line of case context (review, area, year, kind of review,
    relationship, where known), then its extracts, each with its citation."""
    from kb.evidence import build_handout
    from kb.sections import check_section_kind
    from kb.writers import handout_blocks, write_handout

    settings = Settings.resolve(db)
    with errors_as_messages():
        for kind in section or []:
            check_section_kind(kind)
        handout = build_handout(
            open_catalogue(settings),
            resolve_theme(theme),
            tuple(section or ()),
            area,
            since,
            until,
            prepared_date(date),
        )
        if out is not None:
            write_handout(handout, out)
    show_document(handout.to_dict(), handout_blocks(handout), out, as_json,
                  f"{handout.count} extracts from {len(handout.reviews)} reviews written to {out}.")


@app.command()
def evidence(
    query: Annotated[str, typer.Argument(help="What the evidence is about, in your own words.")],
    theme: Annotated[str | None, typer.Option(help="Only passages tagged with this theme (id or label).")] = None,
    doc_type: TypeOption = None,
    area: AreaOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    section: Annotated[
        str | None, typer.Option(help="Only this kind of section, e.g. lessons, recommendations.")
    ] = None,
    top: Annotated[int, typer.Option("--top", "-n", min=1, max=200, help="How many excerpts.")] = 20,
    per_doc: Annotated[
        int,
        typer.Option(
            "--per-doc", min=0, help="At most this many excerpts from one document while others remain (0: no limit)."
        ),
    ] = 3,
    group_by: Annotated[str, typer.Option("--group-by", help="Group the excerpts by theme or by source.")] = "theme",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Write to this file: .md, .docx, .csv or .html. Default: print Markdown.",
            show_default=False,
        ),
    ] = None,
    date: PreparedOption = None,
    db: DbOption = None,
    chroma_url: ChromaUrlOption = None,
    model: ModelOption = None,
    as_json: JsonOption = False,
) -> None:
    """An evidence pack for strategy writers: overview, excerpts by theme or source, numbered references.

    The overview says how many documents, areas, years and kinds of document the excerpts span.
    One excerpt published in several documents is one item whose reference cites them all."""
    from index.embedder import Embedder
    from index.search import Filters
    from index.vectors import VectorStore
    from kb.evidence import build_evidence_pack
    from kb.writers import output_format as file_format
    from kb.writers import pack_blocks, write_pack

    if group_by not in ("theme", "source"):
        raise fail(f"--group-by must be theme or source, not {group_by!r}")
    settings = Settings.resolve(db, chroma_url, model)
    with errors_as_messages():
        if out is not None:
            file_format(out)  # a bad file name fails before the model loads
        filters = Filters(
            theme=resolve_theme(theme), doc_type=doc_type, area=area, since=since, until=until, section=section
        )
        catalogue = open_catalogue(settings)
        pack = build_evidence_pack(
            query,
            catalogue,
            VectorStore(settings),
            Embedder(settings.model),
            filters,
            top,
            per_doc or None,
            group_by,
            prepared_date(date),
        )
        if out is not None:
            write_pack(pack, out)
    show_document(pack.to_dict(), pack_blocks(pack), out, as_json,
                  f"{len(pack.items)} excerpts from {pack.overview.documents} documents written to {out}.")


def show_document(data: dict, blocks: list, out: Path | None, as_json: bool, written: str) -> None:
    """After a pack or handout is built: JSON, or Markdown when no file was named; then say what was written."""
    from kb.render import to_json
    from kb.writers import render_markdown

    if as_json:
        typer.echo(to_json(data))
    elif out is None:
        typer.echo(render_markdown(blocks), nl=False)
    if out is not None:
        typer.echo(written, err=as_json)  # with --json, stdout holds only the JSON


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
