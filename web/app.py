"""Routes of the web app: each page and API call is a few lines over the same function as a CLI command.

| page | API | the CLI command it mirrors |
|---|---|---|
| `/` (search) | `/api/search` | `dhr ask` |
| `/themes` | `/api/themes` | `dhr themes` (`by`, `with`, filters) |
| `/themes/{theme}` | `/api/themes/{theme}` | `dhr themes show` |
| `/evidence` (+ `/evidence/download`) | `/api/evidence` | `dhr evidence` |
| `/extracts` (+ `/extracts/download`) | `/api/extracts` | `dhr extract` |
| `/recommendations` (+ `.csv`) | `/api/recommendations` | `dhr recommendations` |
| `/documents`, `/documents/{id}` | `/api/documents`, `/api/documents/{id}` | `dhr docs`, `dhr show` |

The API returns exactly what `--json` prints (`reports.output.render(result, "json")`). Every
request is a GET: nothing here can change the knowledge base. Originals are served by document id
only, from the path the catalogue records, and only while the file's bytes still have the hash
recorded at ingest.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import stat
import tempfile
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from index.stores import Stores
from kb.catalogue import DocumentRow
from kb.citation import cite, format_date, format_position
from kb.errors import DHRError, EmptyKnowledgeBaseError, QueryError
from kb.query import Filters
from kb.sections import check_section_kind
from reports.answers import ask
from reports.documents import list_documents, show_document
from reports.exports import evidence_pack, recommendations_register, trainer_extracts
from reports.output import plural, render
from reports.retag import stale_tagging
from reports.themes import NO_REVIEWS, CoOccurrenceTable, ThemeBreakdown, ThemeTable, theme_evidence, theme_report
from web.backend import Backend
from web.forms import DOCUMENT_FIELDS, REGISTER_FIELDS, choices, filters_from, number, query_from
from web.present import agency_labels, bar_chart, marked, pairs_of, theme_label
from web.security import FILE_CSP, Guard

HERE = Path(__file__).parent
MAX_FILE_BYTES = 200 * 1024 * 1024
DOWNLOADS = {
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "md": ("text/markdown; charset=utf-8", ".md"),
    "csv": ("text/csv; charset=utf-8", ".csv"),
    "html": ("text/html; charset=utf-8", ".html"),
}
INLINE_FILES = {".pdf": "application/pdf", ".txt": "text/plain; charset=utf-8", ".md": "text/plain; charset=utf-8"}


class NotFound(DHRError):
    """A document, file or page that does not exist (404)."""


def url_with(params: Mapping[str, str], **changes: str | None) -> str:
    """The current query string with some values changed (None removes one)."""
    merged = {k: v for k, v in params.items() if k != "token"}
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return urlencode(merged)


def make_templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True, undefined=jinja2.StrictUndefined
    )
    env.globals.update(
        cite=cite, format_date=format_date, format_position=format_position, marked=marked,
        theme_label=theme_label, url_with=url_with, pairs_of=pairs_of, plural=plural, agency_labels=agency_labels,
        no_reviews=NO_REVIEWS,
    )
    return Jinja2Templates(env=env)


TEMPLATES = make_templates()


def today() -> str:
    return dt.date.today().isoformat()


# --- the few things every handler does --------------------------------------------------------


def status_of(exc: DHRError) -> int:
    return 404 if isinstance(exc, NotFound | EmptyKnowledgeBaseError) else 400 if isinstance(exc, QueryError) else 500


def next_step(exc: DHRError) -> str:
    if isinstance(exc, EmptyKnowledgeBaseError):
        return ("Nothing has been ingested here yet. Run `dhr ingest PATH` on the folder of reports, "
                "then reload this page (no restart needed).")
    if isinstance(exc, NotFound):
        return "Go back to the list of documents or start a new search."
    return "Change the value named above and try again."


def error_page(request: Request, exc: DHRError) -> Response:
    context = {"error": str(exc), "next_step": next_step(exc), "title": "Something needs changing"}
    return TEMPLATES.TemplateResponse(request, "error.html", context, status_code=status_of(exc))


async def page(request: Request, template: str, work: Callable[[Stores], dict[str, Any]]) -> Response:
    """Render `template` with what `work(stores)` returns; a bad value shows the form again with the reason."""

    def run(stores: Stores) -> tuple[dict[str, Any], int]:
        context: dict[str, Any] = {"choices": choices(stores), "params": request.query_params, "error": None,
                                  "title": "There is a problem"}
        try:
            context.update(work(stores))
            return context, 200
        except QueryError as exc:
            context["error"] = str(exc)
            return context, 400

    try:
        context, status = await request.app.state.backend.run(run)
    except DHRError as exc:
        return error_page(request, exc)
    return TEMPLATES.TemplateResponse(request, template, context, status_code=status)


async def api(request: Request, work: Callable[[Stores], Any]) -> Response:
    """The JSON of a result object, exactly as `--json` prints it; errors as {"error": ...} with 400/404."""
    try:
        result = await request.app.state.backend.run(work)
    except DHRError as exc:
        return JSONResponse({"error": str(exc)}, status_code=status_of(exc))
    return Response(render(result, "json"), media_type="application/json")


async def download(request: Request, work: Callable[[Stores], Any], stem: str, fmt: str | None = None) -> Response:
    """A result written to a file by its own `write` (the file the CLI's --out writes), sent as a download."""
    fmt = fmt or request.query_params.get("format", "docx")
    if fmt not in DOWNLOADS:
        return error_page(request, QueryError(f"cannot download {fmt!r}: choose {', '.join(DOWNLOADS)}"))
    media_type, suffix = DOWNLOADS[fmt]

    def run(stores: Stores) -> bytes:
        result = work(stores)
        with tempfile.TemporaryDirectory(prefix="dhr-web-") as folder:
            path = Path(folder) / f"{stem}{suffix}"
            result.write(path)
            return path.read_bytes()

    try:
        data = await request.app.state.backend.run(run)
    except DHRError as exc:
        return error_page(request, exc)
    headers = {"content-disposition": f'attachment; filename="{stem}{suffix}"'}
    return Response(data, media_type=media_type, headers=headers)


# --- what each page computes (shared by the page, its API call and its download) ---------------


def search_result(params: Mapping[str, str]) -> Callable[[Stores], Any]:
    return lambda stores: ask(query_from(params), stores)


def themes_result(params: Mapping[str, str]) -> Callable[[Stores], Any]:
    def work(stores: Stores) -> ThemeTable | ThemeBreakdown | CoOccurrenceTable:
        with_theme = params.get("with") or None
        base = Filters.build(theme=with_theme).theme if with_theme else None
        min_docs = number(params, "min_docs", 0, "minimum number of reviews")
        top = number(params, "top", 0, "number of themes")
        unit = params.get("count") or "reviews"
        filters = filters_from(params, DOCUMENT_FIELDS)
        return theme_report(stores.catalogue, filters, params.get("by") or None, base, unit, min_docs, top)

    return work


def theme_evidence_result(theme: str, params: Mapping[str, str]) -> Callable[[Stores], Any]:
    def work(stores: Stores) -> Any:
        theme_id = Filters.build(theme=theme).theme or ""
        top = number(params, "top", 20, "number of passages")
        per_doc = number(params, "per_doc", 3, "per-document cap")
        return theme_evidence(stores.catalogue, theme_id, filters_from(params, DOCUMENT_FIELDS), top, per_doc)

    return work


def evidence_result(params: Mapping[str, str]) -> Callable[[Stores], Any]:
    """`dhr evidence`: a query, or with no words but a theme, the theme's name as the query."""
    group_by = params.get("group_by") or "theme"

    def work(stores: Stores) -> Any:
        query = query_from(params, default_top=20)
        if not query.text.strip() and query.filters.theme:
            query = replace(query, text=theme_label(query.filters.theme))
        return evidence_pack(query, stores, group_by, today())

    return work


def extracts_result(params: Any) -> Callable[[Stores], Any]:
    def work(stores: Stores) -> Any:
        sections = tuple(s for s in params.getlist("section") if s)
        for kind in sections:
            check_section_kind(kind)
        filters = filters_from(params, {"theme": "theme", **DOCUMENT_FIELDS})
        if not filters.theme:
            raise QueryError("choose a theme for the extracts")
        return trainer_extracts(stores.catalogue, filters.theme, sections or ("lessons", "key_findings"),
                                filters.document_part(), today())

    return work


def register_result(params: Mapping[str, str]) -> Callable[[Stores], Any]:
    agency = params.get("agency") or None
    return lambda stores: recommendations_register(stores.catalogue, filters_from(params, REGISTER_FIELDS), agency)


def document_result(doc_id: str) -> Callable[[Stores], Any]:
    def work(stores: Stores) -> Any:
        if stores.catalogue.document(doc_id) is None:  # an exact id only: never a path or title from the URL
            raise NotFound(f"no document has the id {doc_id!r}")
        return show_document(stores.catalogue, doc_id)

    return work


# --- pages --------------------------------------------------------------------------------------


async def search_page(request: Request) -> Response:
    params = request.query_params

    def work(stores: Stores) -> dict[str, Any]:
        if "q" not in params:
            return {"answer": None, "title": "Search"}
        return {"answer": search_result(params)(stores), "title": f"Search: {params.get('q', '')[:60]}"}

    return await page(request, "search.html", work)


async def themes_page(request: Request) -> Response:
    params = request.query_params

    def work(stores: Stores) -> dict[str, Any]:
        result = themes_result(params)(stores)
        return {"result": result, "chart": themes_chart(result), "title": "Themes",
                "stale": stale_tagging(stores.catalogue)}

    return await page(request, "themes.html", work)


def themes_chart(result: ThemeTable | ThemeBreakdown | CoOccurrenceTable) -> Any:
    if isinstance(result, ThemeTable):
        key = "reviews" if result.unit == "reviews" else "documents"
        return bar_chart(f"Number of {result.unit} each theme occurs in", result.unit,
                         [(c.label, getattr(c, key)) for c in result.counts if getattr(c, key)])
    if isinstance(result, ThemeBreakdown):
        if not result.counts:
            return None
        first, bd = result.counts[0], result.breakdown
        by = bd.by.replace("_", " ")
        return bar_chart(f"{bd.unit.capitalize()} with {first.label}, by {by}", bd.unit,
                         [(g, bd.counts.get(first.theme, {}).get(g, 0)) for g in bd.groups], limit=60)
    return bar_chart(f"{result.unit.capitalize()} with {result.label} and each other theme", result.unit,
                     [(r.label, r.both) for r in result.rows])


async def theme_page(request: Request) -> Response:
    theme, params = request.path_params["theme"], request.query_params

    def work(stores: Stores) -> dict[str, Any]:
        result = theme_evidence_result(theme, params)(stores)
        return {"result": result, "title": f"Theme: {result.label}"}

    return await page(request, "theme.html", work)


async def evidence_page(request: Request) -> Response:
    params = request.query_params

    def work(stores: Stores) -> dict[str, Any]:
        pack = evidence_result(params)(stores).pack if "q" in params or "theme" in params else None
        return {"pack": pack, "title": "Evidence pack"}

    return await page(request, "evidence.html", work)


async def extracts_page(request: Request) -> Response:
    params = request.query_params

    def work(stores: Stores) -> dict[str, Any]:
        handout = extracts_result(params)(stores).handout if "theme" in params else None
        return {"handout": handout, "title": "Trainer extracts"}

    return await page(request, "extracts.html", work)


async def recommendations_page(request: Request) -> Response:
    params = request.query_params
    return await page(request, "recommendations.html",
                      lambda stores: {"register": register_result(params)(stores), "title": "Recommendations"})


async def documents_page(request: Request) -> Response:
    return await page(request, "documents.html",
                      lambda stores: {"documents": list_documents(stores.catalogue).to_dict(), "title": "Documents"})


async def document_page(request: Request) -> Response:
    doc_id = request.path_params["doc_id"]

    def work(stores: Stores) -> dict[str, Any]:
        view = document_result(doc_id)(stores)
        return {"view": view, "doc": view.to_dict(), "title": view.document.title}

    return await page(request, "document.html", work)


# --- original files -----------------------------------------------------------------------------


def original_file(stores: Stores, doc_id: str) -> tuple[DocumentRow, bytes]:
    """The ingested file's bytes, looked up by id; refused unless they still hash to what was ingested."""
    d = stores.catalogue.document(doc_id)
    if d is None or d.status != "ok":
        raise NotFound(f"no document has the id {doc_id!r}")
    try:
        fd = os.open(d.path, os.O_RDONLY)  # whatever a link points at, the hash below must match
        with os.fdopen(fd, "rb") as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
                raise NotFound(f"the original of {d.title!r} is not a readable file")
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError:
        raise NotFound(f"the original of {d.title!r} is no longer at {d.path}") from None
    if hashlib.sha256(data).hexdigest() != d.content_hash:
        raise NotFound(f"the file at {d.path} has changed since it was ingested: run `dhr ingest` on it again")
    return d, data


def file_name_parameters(name: str) -> str:
    """filename= (plain ASCII) and filename*= (UTF-8, RFC 6266) for any file name, quotes and newlines too."""
    plain = "".join(c if c.isascii() and (c.isalnum() or c in " ._-()") else "_" for c in name)
    return f'filename="{plain}"; filename*=UTF-8\'\'{quote(name, safe="")}'


async def document_file(request: Request) -> Response:
    doc_id = request.path_params["doc_id"]
    try:
        d, data = await request.app.state.backend.run(lambda stores: original_file(stores, doc_id))
    except DHRError as exc:
        return error_page(request, exc)
    suffix = Path(d.path).suffix.lower()
    inline = suffix in INLINE_FILES
    headers = {
        "content-disposition": f'{"inline" if inline else "attachment"}; {file_name_parameters(Path(d.path).name)}',
        "content-security-policy": FILE_CSP if suffix == ".pdf" else "default-src 'none'; sandbox",
    }
    return Response(data, media_type=INLINE_FILES.get(suffix, "application/octet-stream"), headers=headers)


# --- API ----------------------------------------------------------------------------------------


async def api_search(request: Request) -> Response:
    return await api(request, search_result(request.query_params))


async def api_themes(request: Request) -> Response:
    return await api(request, themes_result(request.query_params))


async def api_theme(request: Request) -> Response:
    return await api(request, theme_evidence_result(request.path_params["theme"], request.query_params))


async def api_evidence(request: Request) -> Response:
    return await api(request, evidence_result(request.query_params))


async def api_extracts(request: Request) -> Response:
    return await api(request, extracts_result(request.query_params))


async def api_recommendations(request: Request) -> Response:
    return await api(request, register_result(request.query_params))


async def api_documents(request: Request) -> Response:
    return await api(request, lambda stores: list_documents(stores.catalogue))


async def api_document(request: Request) -> Response:
    return await api(request, document_result(request.path_params["doc_id"]))


async def evidence_download(request: Request) -> Response:
    return await download(request, evidence_result(request.query_params), "evidence-pack")


async def extracts_download(request: Request) -> Response:
    return await download(request, extracts_result(request.query_params), "trainer-extracts")


async def register_download(request: Request) -> Response:
    return await download(request, register_result(request.query_params), "recommendations", fmt="csv")


async def not_found(request: Request, exc: Exception) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": "no such API call"}, status_code=404)
    return error_page(request, NotFound(f"there is no page at {request.url.path}"))


async def server_error(request: Request, exc: Exception) -> Response:
    """Never a traceback: a short page, and the details stay in the server's log."""
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": "internal error; see the server's log"}, status_code=500)
    context = {"error": "Something went wrong on the server.", "title": "Server error",
               "next_step": "Try again; if it happens again, the server's log says why."}
    return TEMPLATES.TemplateResponse(request, "error.html", context, status_code=500)


ROUTES = [
    Route("/", search_page),
    Route("/themes", themes_page),
    Route("/themes/{theme}", theme_page),
    Route("/evidence", evidence_page),
    Route("/evidence/download", evidence_download),
    Route("/extracts", extracts_page),
    Route("/extracts/download", extracts_download),
    Route("/recommendations", recommendations_page),
    Route("/recommendations.csv", register_download),
    Route("/documents", documents_page),
    Route("/documents/{doc_id}", document_page),
    Route("/documents/{doc_id}/file", document_file),
    Route("/api/search", api_search),
    Route("/api/themes", api_themes),
    Route("/api/themes/{theme}", api_theme),
    Route("/api/evidence", api_evidence),
    Route("/api/extracts", api_extracts),
    Route("/api/recommendations", api_recommendations),
    Route("/api/documents", api_documents),
    Route("/api/documents/{doc_id}", api_document),
    Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
]


def create_app(
    open_stores: Callable[[], Stores],
    token: str | None = None,
    allowed_hosts: list[str] | None = None,
    warm: bool = False,
) -> Starlette:
    """The web app over the knowledge base `open_stores()` opens (on the app's one worker thread).

    `allowed_hosts` (host names, no ports) limits the Host header; `warm` loads the model and vector
    store at start-up, so the first search is as fast as the rest.
    """
    backend = Backend(open_stores)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if warm:
            try:
                backend.warm()
                print("Ready.", flush=True)  # noqa: T201
            except EmptyKnowledgeBaseError as exc:
                print(f"Note: {exc}. Pages will say so until something is ingested.")  # noqa: T201
        yield
        backend.close()

    hosts = tuple(h.lower() for h in allowed_hosts) if allowed_hosts else None
    app = Starlette(
        routes=ROUTES,
        middleware=[Middleware(Guard, token=token, hosts=hosts)],
        exception_handlers={404: not_found, 500: server_error},
        lifespan=lifespan,
    )
    app.state.backend = backend
    return app
