"""dhr: the command line of the DHR learning knowledge base.

Each command parses its options into a `Query` (or a document reference), calls one function that
returns a result object, and prints it with the one output helper (`reports.output.render`): text
for people, `--json` for scripts, `--csv` for spreadsheets. Heavy libraries (sentence-transformers,
Chroma, spaCy, matplotlib) load only in the commands that need them, so `--help`, `docs`, `themes`
and `show` answer at once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from kb.config import Settings
from kb.errors import DHRError, FilterError, UnknownThemeError
from kb.query import DEFAULT_PER_DOC, Filters, Query

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="markdown",  # a docstring's paragraphs reflow to the terminal's width
    help="Search the learning in Domestic Homicide Reviews and the committee papers around them, with citations.",
)
themes_app = typer.Typer(
    add_completion=False,
    rich_markup_mode="markdown",
    help="Recurring themes: how many reviews each theme occurs in, by year, area or type; co-occurrence; evidence.",
)
app.add_typer(themes_app, name="themes")

# --- options shared by every command: the same name, default and meaning everywhere -------------

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
CsvOption = Annotated[bool, typer.Option("--csv", help="Print CSV for spreadsheets instead of text.")]
OutOption = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Write to this file: .md, .docx, .html or .csv.", show_default=False),
]
ThemeOption = Annotated[str | None, typer.Option("--theme", help="Only passages tagged with this theme (id or label).")]
TypeOption = Annotated[str | None, typer.Option("--type", help="Only this document type, e.g. dhr_overview_report.")]
AreaOption = Annotated[str | None, typer.Option("--area", help="Only documents about this area, e.g. Northbridge.")]
SinceOption = Annotated[
    str | None, typer.Option("--since", help="Only documents dated on or after this (YYYY[-MM[-DD]]).")
]
UntilOption = Annotated[
    str | None, typer.Option("--until", help="Only documents dated on or before this (YYYY[-MM[-DD]]).")
]
SectionOption = Annotated[
    str | None, typer.Option("--section", help="Only this kind of section, e.g. lessons, recommendations.")
]
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
PerDocOption = Annotated[
    int,
    typer.Option(
        "--per-doc", min=0, help="Among the first results, at most this many from one document (0: no limit)."
    ),
]
PreparedOption = Annotated[
    str | None,
    typer.Option(
        "--date",
        help="The date printed as 'Prepared ...' in the output (YYYY-MM-DD). Default: today; "
        "--date none prints no date.",
        show_default=False,
    ),
]


def top_option(default: int, what: str = "results", zero_all: bool = False) -> object:
    return typer.Option(
        "--top", "-n", min=0 if zero_all else 1, max=200, help=f"How many {what}" + (" (0: all)." if zero_all else ".")
    )


# --- the few things every command does the same way ---------------------------------------------


@contextlib.contextmanager
def errors_as_messages() -> Iterator[None]:
    """Turn the library's domain errors into one clear line and exit code 2, never a traceback."""
    try:
        yield
    except FilterError as exc:  # named as typed: --death-year -5, not the field year_of_death
        typer.echo(f"Error: {exc.naming(lambda field, value: f'{OPTION_NAMES.get(field, field)} {value}')}", err=True)
        raise typer.Exit(2) from None
    except DHRError as exc:
        lost = isinstance(exc, UnknownThemeError) and not exc.suggestions
        hint = "; `dhr themes --all` lists them" if lost else ""  # the library names no command (web shares it)
        typer.echo(f"Error: {exc}{hint}", err=True)
        raise typer.Exit(2) from None


# the option each filter field of kb.query.Filters is given by on the command line
OPTION_NAMES = {"doc_type": "--type", "year_of_death": "--death-year", "since": "--since", "until": "--until",
                "area": "--area", "review_kind": "--review-kind", "relationship": "--relationship",
                "victim_sex": "--victim-sex", "victim_age_band": "--victim-age-band", "theme": "--theme",
                "section": "--section"}


@contextlib.contextmanager
def private_files() -> Iterator[None]:
    """Files the stores create while writing (Chroma's segment files too) are readable by the user only."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def emit(result: object, as_json: bool = False, as_csv: bool = False, out: Path | None = None) -> None:
    """Print a result as text, JSON or CSV; with `out`, write the file and say so (on stderr beside data)."""
    from reports.output import output_format, render

    fmt = output_format(as_json, as_csv)
    if out is not None:
        result.write(out)  # type: ignore[attr-defined]
    if out is None or fmt != "text":
        typer.echo(render(result, fmt), nl=fmt != "csv")  # type: ignore[arg-type]
    if out is not None:
        typer.echo(result.written(out), err=fmt != "text")  # type: ignore[attr-defined]


def stores(  # noqa: ANN201
    db: Path | None, chroma_url: str | None = None, model: str | None = None, write: bool = False, repair: bool = False
):
    """The knowledge base at `db`, which must exist; opened read-only unless the command `write`s (or repairs)."""
    from index.stores import Stores

    return Stores.open(Settings.resolve(db, chroma_url, model), read_only=not write, repair=repair)


def prepared_date(value: str | None) -> str | None:
    """Today's date unless a date (or 'none') is given, so a file can be made reproducible."""
    from kb.errors import QueryError

    if value is None:
        return dt.date.today().isoformat()
    if value.lower() == "none":
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise QueryError(f"the prepared date {value!r} is not a date (use YYYY-MM-DD, or none)") from None


def say_waiting(message: str) -> None:
    typer.echo(message, err=True)


@contextlib.contextmanager
def ingest_feedback(as_json: bool) -> Iterator[tuple]:
    """(progress, ocr_progress, on_result) for an ingest. On a terminal, a progress bar; when output goes
    to a file or a pipe, one line per file as each is done (echo flushes, so a killed run keeps its log).
    --json prints one document at the end and nothing as it goes."""
    from reports.ingesting import FileLines

    if as_json or not sys.stdout.isatty():
        lines = FileLines(lambda line, is_error: typer.echo(line, err=is_error))
        yield (None, None, None) if as_json else (lines.progress, None, lines)
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("Ingesting", total=None)

        def step(done: int, total: int, path: Path) -> None:
            bar.update(task, completed=done, total=total, description=f"Ingesting {path.name[:40]}")

        def ocr_step(page: int, pages: int, path: Path) -> None:
            bar.update(task, description=f"Ingesting {path.name[:40]}: OCR page {min(page + 1, pages)} of {pages}")

        yield step, ocr_step, None


def say_if_stale(catalogue) -> None:  # noqa: ANN001 - a Catalogue or None (nothing ingested yet)
    """Say on stderr when the themes being counted were tagged by other rules than this version's."""
    from reports.retag import stale_tagging

    notice = stale_tagging(catalogue) if catalogue is not None else None
    if notice:
        typer.echo(notice, err=True)


# --- commands -----------------------------------------------------------------------------------


@app.command()
def ingest(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or folders (searched recursively) to add.", show_default=False)
    ] = None,
    manifest: Annotated[
        Path | None,
        typer.Option(
            "--manifest",
            show_default=False,
            help="A CSV with one row per file (path, and any of title, body, area, date, type, url, more columns): "
            "its values win over detection. Without PATHS, ingest the files it lists.",
        ),
    ] = None,
    db: DbOption = None,
    chroma_url: ChromaUrlOption = None,
    model: ModelOption = None,
    wait: Annotated[bool, typer.Option("--wait", help="If another ingest is running, wait for it.")] = False,
    no_ocr: Annotated[
        bool, typer.Option("--no-ocr", help="Refuse PDFs of scans instead of reading them with OCR (Tesseract).")
    ] = False,
    prune: Annotated[
        bool,
        typer.Option("--prune", help="Also withdraw the documents whose file was in these folders and is gone."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Add PDF, Word, HTML, text and Markdown files; unchanged files are skipped, changed ones replaced.

    Output to a file or a pipe gets one line per file as it is done;
    --json prints one JSON document at the end instead.

    Exit codes: 0 done (unchanged files count as done), 1 some files failed,
    2 a usage error or another ingest running, 3 nothing to ingest."""
    from ingest.manifest import load_manifest
    from kb.lock import ingest_lock

    settings = Settings.resolve(db, chroma_url, model)
    with errors_as_messages():
        listed = load_manifest(manifest) if manifest is not None else None
        if not paths and listed is None:
            raise typer.BadParameter("give files or folders to ingest, or --manifest FILE.csv")
    with errors_as_messages(), private_files(), ingest_lock(settings, wait, say_waiting):
        # the heavy imports after the lock: a second ingest is refused at once
        from index.stores import Stores
        from reports.ingesting import ingest as run_ingest
        from reports.retag import stale_tagging

        kb = Stores.open(settings, must_exist=False, vectors_first=True)
        with ingest_feedback(as_json) as (step, ocr_step, on_result):
            summary = run_ingest(kb, paths or [], listed, ocr=not no_ocr, prune=prune, progress=step,
                                 ocr_progress=ocr_step, on_result=on_result)
            stale = stale_tagging(kb.catalogue)
    if as_json:
        emit(summary, as_json=True)
    else:
        for line, is_error in summary.lines(per_file=on_result is None):
            typer.echo(line, err=is_error)
        if stale:
            typer.echo(stale, err=True)
    if summary.exit_code:
        raise typer.Exit(summary.exit_code)


@app.command()
def ask(
    query: Annotated[str, typer.Argument(help="What you are looking for, in your own words.")],
    top: Annotated[int, top_option(5)] = 5,
    theme: ThemeOption = None,
    doc_type: TypeOption = None,
    area: AreaOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    section: SectionOption = None,
    per_doc: PerDocOption = DEFAULT_PER_DOC,
    review_kind: ReviewKindOption = None,
    relationship: RelationshipOption = None,
    victim_sex: VictimSexOption = None,
    victim_age_band: VictimAgeOption = None,
    death_year: DeathYearOption = None,
    db: DbOption = None,
    chroma_url: ChromaUrlOption = None,
    model: ModelOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Answer a thematic query with cited excerpts, one per piece of evidence, key points first."""
    from reports.answers import ask as answer

    with errors_as_messages():
        q = Query.build(
            query,
            top,
            per_doc,
            theme=theme,
            doc_type=doc_type,
            area=area,
            since=since,
            until=until,
            section=section,
            review_kind=review_kind,
            relationship=relationship,
            victim_sex=victim_sex,
            victim_age_band=victim_age_band,
            year_of_death=death_year,
        )
        emit(answer(q, stores(db, chroma_url, model)), as_json, as_csv)


@themes_app.callback(invoke_without_command=True)
def themes(
    ctx: typer.Context,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            show_default=False,
            help="Break counts down by year, area or type "
            "(also: review-kind, relationship, victim-sex, victim-age-band, year-of-death).",
        ),
    ] = None,
    with_theme: Annotated[
        str | None,
        typer.Option(
            "--with",
            show_default=False,
            help="Which themes occur in the same reviews as this one (co-occurrence), e.g. alcohol.",
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
    top: Annotated[int, top_option(0, "themes", zero_all=True)] = 0,
    chart: Annotated[
        Path | None,
        typer.Option(
            "--chart",
            show_default=False,
            help="Also draw prevalence and the trend by year to this PNG file, for a board paper.",
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
    from reports.chart import themes_chart
    from reports.themes import theme_report

    settings = Settings.resolve(db)
    with errors_as_messages():
        filters = Filters.build(
            doc_type=doc_type,
            area=area,
            since=since,
            until=until,
            review_kind=review_kind,
            relationship=relationship,
            victim_sex=victim_sex,
            victim_age_band=victim_age_band,
            year_of_death=death_year,
        )
        base = Filters.build(theme=with_theme).theme if with_theme else None
        empty = not settings.catalogue_path.exists() and show_all and not (by or with_theme or chart)
        catalogue = None if empty else stores(db).catalogue  # the bare taxonomy before anything is ingested
        result = theme_report(catalogue, filters, by, base, count, min_docs, top, show_all)
        if not (as_json or as_csv):  # scripts read the data alone (a test runner mixes stderr into it)
            say_if_stale(catalogue)
        if chart is not None:
            written = themes_chart(catalogue, filters, chart, count, min_docs, top, show_all)
            typer.echo(f"Chart written to {written}", err=as_json or as_csv)
        emit(result, as_json, as_csv)


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
    top: Annotated[int, top_option(20, "passages", zero_all=True)] = 20,
    per_doc: Annotated[
        int, typer.Option("--per-doc", min=0, help="At most this many passages from one document (0: no limit).")
    ] = 3,
    db: DbOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """The evidence for one theme: every passage that states it, with its citation, reviews first."""
    from reports.themes import theme_evidence

    with errors_as_messages():
        filters = Filters.build(
            theme=theme,
            doc_type=doc_type,
            area=area,
            since=since,
            until=until,
            review_kind=review_kind,
            relationship=relationship,
            victim_sex=victim_sex,
            victim_age_band=victim_age_band,
            year_of_death=death_year,
        )
        catalogue = stores(db).catalogue
        result = theme_evidence(catalogue, filters.theme, filters.document_part(), top, per_doc)
        if not (as_json or as_csv):  # scripts read the data alone (a test runner mixes stderr into it)
            say_if_stale(catalogue)
        emit(result, as_json, as_csv)


@app.command()
def docs(db: DbOption = None, as_json: JsonOption = False, as_csv: CsvOption = False) -> None:
    """What the knowledge base holds: one line per document."""
    from reports.documents import list_documents

    with errors_as_messages():
        emit(list_documents(stores(db).catalogue), as_json, as_csv)


@app.command()
def show(
    doc: Annotated[str, typer.Argument(help="Document id (or its start), path, file name or words of its title.")],
    db: DbOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """One document: its metadata, then every passage with its position and themes."""
    from reports.documents import show_document

    with errors_as_messages():
        emit(show_document(stores(db).catalogue, doc), as_json, as_csv)


@app.command()
def forget(
    doc: Annotated[
        str | None,
        typer.Argument(help="Document id (or its start), path or file name, as `dhr docs` shows.", show_default=False),
    ] = None,
    missing: Annotated[
        bool, typer.Option("--missing", help="Forget every document whose source file is no longer there.")
    ] = False,
    db: DbOption = None,
    chroma_url: ChromaUrlOption = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Remove a withdrawn document and every trace of it: passages, catalogue rows, lexical index, vectors."""
    from kb.lock import ingest_lock
    from reports.documents import documents_to_forget
    from reports.ingesting import withdraw

    settings = Settings.resolve(db, chroma_url)
    with errors_as_messages(), private_files(), ingest_lock(settings, True, say_waiting):
        kb = stores(db, chroma_url, write=True)
        gone = documents_to_forget(kb.catalogue, doc, missing)
        if not gone:
            typer.echo("Nothing to forget: every document's source file is there.")
            return
        listed = "\n".join(f"  {d.title!r} ({d.path})" for d in gone)
        if not yes and not typer.confirm(f"Forget {len(gone)} document(s)?\n{listed}\n"):
            raise typer.Exit(1)
        for d in gone:
            withdraw(kb, d)
            typer.echo(f"Forgot {d.title!r} ({d.path}).")


@app.command()
def retag(
    db: DbOption = None,
    chroma_url: ChromaUrlOption = None,
    as_json: JsonOption = False,
) -> None:
    """Tag every passage again with this version's themes and rules, without reading the files.

    Run it after an upgrade when `dhr themes` says the themes were tagged by an earlier version: counts,
    theme filters and the register then follow the current rules. Vectors and citations are unchanged."""
    from kb.lock import ingest_lock
    from reports.retag import retag as run_retag

    settings = Settings.resolve(db, chroma_url)
    with errors_as_messages(), private_files(), ingest_lock(settings, True, say_waiting):
        kb = stores(db, chroma_url, write=True)
        from kb.tagger import ThemeTagger  # spaCy loads once the lock is held

        tagger = ThemeTagger()
        if as_json or not sys.stderr.isatty():
            summary = run_retag(kb, tagger)
        else:
            from rich.progress import Progress

            with Progress(transient=True) as bar:
                task = bar.add_task("Tagging passages", total=None)
                summary = run_retag(kb, tagger, lambda done, total: bar.update(task, completed=done, total=total))
    emit(summary, as_json)


@app.command()
def backup(
    target: Annotated[Path, typer.Argument(help="A new or empty folder to copy the knowledge base into.")],
    db: DbOption = None,
    chroma_url: ChromaUrlOption = None,
    as_json: JsonOption = False,
) -> None:
    """Copy the knowledge base to a new or empty folder, consistently, while people may be searching it.

    The catalogue is copied with SQLite's online backup and the vector store under the ingest lock, so
    no ingest writes meanwhile. The copy is a knowledge base (--db TARGET); to restore, move the damaged
    folder aside and copy the backup to its place."""
    from reports.backup import backup as back_up

    with errors_as_messages(), private_files():
        emit(back_up(Settings.resolve(db, chroma_url), target, say_waiting), as_json)


@app.command()
def check(
    db: DbOption = None,
    chroma_url: ChromaUrlOption = None,
    model: ModelOption = None,
    fix: Annotated[
        bool, typer.Option("--repair", help="Fix what disagrees, taking the catalogue as the truth.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="With --repair: delete vectors even when the catalogue looks lost or empty."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Check that the catalogue, the lexical index and Chroma agree (exit 1 if not); --repair fixes them."""
    from index.consistency import check as run_check
    from index.consistency import repair
    from kb.lock import ingest_lock, reading_lock
    from reports.status import CheckSummary

    settings = Settings.resolve(db, chroma_url, model)
    lock = ingest_lock(settings, True, say_waiting) if fix else reading_lock(settings)
    with errors_as_messages(), private_files(), lock:
        kb = stores(db, chroma_url, model, write=fix, repair=fix)
        before = run_check(kb.catalogue, kb.vectors)
        if fix and not before.consistent and not (before.looks_lost and not force):
            for line in before.deletions():  # said before it is done
                typer.echo(f"Repair will delete {line}.", err=as_json)
        mend = fix and not before.consistent
        after = repair(kb.catalogue, kb.vectors, kb.embedder, force, before) if mend else before
        summary = CheckSummary(before, after, fix)
    emit(summary, as_json)
    if not summary.consistent:
        raise typer.Exit(1)


@app.command()
def recommendations(
    theme: ThemeOption = None,
    agency: Annotated[
        str | None,
        typer.Option(help="Only recommendations addressed to this agency (any part of its name, e.g. police)."),
    ] = None,
    area: AreaOption = None,
    doc_type: TypeOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", show_default=False, help="Also write the register to this CSV file (UTF-8, opens in Excel)."
        ),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """The recommendations register: every numbered recommendation, with review, agency, themes and page.

    Numbers are as printed ("Recommendation 3", "8.2", "1"); the agency is taken from "(Police)",
    "Recommendation 3 (Police):" or the subject of "X should ..."."""
    from reports.exports import check_file_name, recommendations_register

    with errors_as_messages():
        if out is not None:
            check_file_name(out, register=True)
        filters = Filters.build(theme=theme, area=area, doc_type=doc_type, since=since, until=until)
        register = recommendations_register(stores(db).catalogue, filters, agency)
        if out is not None:
            register.write(out)
        emit(register, as_json, as_csv)
    if out is not None:
        typer.echo(register.written(out), err=as_json or as_csv)


@app.command()
def extract(
    theme: Annotated[str, typer.Option(help="The theme to teach (id or label), e.g. coercive_control.")],
    section: Annotated[
        list[str] | None,
        typer.Option(
            show_default=False,
            help="Which kind of section to quote: "
            "lessons, key_findings, recommendations, conclusions, ... Repeat for several. "
            "Default: lessons and key_findings.",
        ),
    ] = None,
    area: AreaOption = None,
    doc_type: TypeOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    out: OutOption = None,
    date: PreparedOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Case-learning extracts for trainers on one theme, grouped by review, ready to paste.

    Each review opens with one line of case context (review, area, year, kind of review,
    relationship, where known), then its extracts, each with its citation."""
    from kb.sections import check_section_kind
    from reports.exports import check_file_name, trainer_extracts

    with errors_as_messages():
        for kind in section or []:
            check_section_kind(kind)
        if out is not None:
            check_file_name(out)
        filters = Filters.build(theme=theme, area=area, doc_type=doc_type, since=since, until=until)
        handout = trainer_extracts(
            stores(db).catalogue, filters.theme, tuple(section or ()), filters.document_part(), prepared_date(date)
        )
        emit(handout, as_json, as_csv, out)


@app.command()
def evidence(
    query: Annotated[str, typer.Argument(help="What the evidence is about, in your own words.")],
    theme: ThemeOption = None,
    doc_type: TypeOption = None,
    area: AreaOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    section: SectionOption = None,
    review_kind: ReviewKindOption = None,
    relationship: RelationshipOption = None,
    victim_sex: VictimSexOption = None,
    victim_age_band: VictimAgeOption = None,
    death_year: DeathYearOption = None,
    top: Annotated[int, top_option(20, "excerpts")] = 20,
    per_doc: PerDocOption = DEFAULT_PER_DOC,
    group_by: Annotated[str, typer.Option("--group-by", help="Group the excerpts by theme or by source.")] = "theme",
    out: OutOption = None,
    date: PreparedOption = None,
    db: DbOption = None,
    chroma_url: ChromaUrlOption = None,
    model: ModelOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """An evidence pack for strategy writers: overview, excerpts by theme or source, numbered references.

    The overview says how many documents, areas, years and kinds of document the excerpts span.
    One excerpt published in several documents is one item whose reference cites them all."""
    from reports.exports import check_file_name, evidence_pack

    with errors_as_messages():
        if out is not None:
            check_file_name(out)  # a bad file name fails before the model loads
        q = Query.build(
            query,
            top,
            per_doc,
            theme=theme,
            doc_type=doc_type,
            area=area,
            since=since,
            until=until,
            section=section,
            review_kind=review_kind,
            relationship=relationship,
            victim_sex=victim_sex,
            victim_age_band=victim_age_band,
            year_of_death=death_year,
        )
        pack = evidence_pack(q, stores(db, chroma_url, model), group_by, prepared_date(date))
        emit(pack, as_json, as_csv, out)


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on. Anything but loopback needs --token.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8765,
    token: Annotated[
        str | None,
        typer.Option(help="Access token every request must carry. Default: $DHR_TOKEN.", show_default=False),
    ] = None,
    db: DbOption = None,
    chroma_url: ChromaUrlOption = None,
    model: ModelOption = None,
) -> None:
    """A local web app for board members, strategy writers and trainers: search, themes, packs, register.

    The web app is its own front end (`python -m web`); this command runs it in place of itself."""
    args = [sys.executable, "-m", "web", "--host", host, "--port", str(port)]
    for flag, value in (("--db", db), ("--chroma-url", chroma_url), ("--model", model)):
        if value:
            args += [flag, str(value)]
    env = {**os.environ, **({"DHR_TOKEN": token} if token else {})}
    os.execve(sys.executable, args, env)


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
