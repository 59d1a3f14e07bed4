"""The web app over HTTP (Starlette's TestClient): pages, the JSON API, downloads, errors and security.

The knowledge base is small and built with the fake embedder, so this file runs in seconds.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from cli import app as cli_app
from kb.config import Settings
from kb.query import Query
from reports.answers import ask
from reports.output import render
from tests.smallkb import HOSTILE, build_kb, open_stores
from web.app import create_app, file_name_parameters
from web.security import LOOPBACK_HOSTS, ServeError, check_bind

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> Settings:
    return build_kb(tmp_path_factory.mktemp("docs"), tmp_path_factory.mktemp("kb") / "kb")


@pytest.fixture(scope="module")
def client(settings) -> TestClient:
    with TestClient(create_app(lambda: open_stores(settings))) as c:
        yield c


@pytest.fixture(scope="module")
def docs(client) -> dict[str, dict]:
    return {d["title"]: d for d in client.get("/api/documents").json()}


def cli_json(settings: Settings, *args: str) -> object:
    result = CliRunner().invoke(cli_app, [*args, "--db", str(settings.db), "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- pages ----------------------------------------------------------------------------------------


def test_search_with_a_filter_shows_cited_excerpts_highlights_theme_links_and_source_links(client, docs):
    r = client.get("/", params={"q": "GP police information sharing", "area": "Eastmoor", "top": "10"})
    assert r.status_code == 200
    html = r.text
    cited_first = set(re.findall(r"<h3>Result \d+: (.*?)</h3>", html))
    # named as people name reviews; Anna's copy is "also published in"
    assert "DHR \u2018Mary\u2019 (Eastmoor, 2022)" in cited_first and not any("Anna" in c for c in cited_first)
    assert "<mark>" in html
    assert 'href="/themes/' in html
    assert f'href="/documents/{docs["DHR Mary"]["doc_id"]}/file"' in html
    assert 'value="GP police information sharing"' in html  # the form keeps the query: the URL is the bookmark
    assert '<option value="Eastmoor" selected>' in html


def test_a_pdf_source_links_to_its_page(client, docs):
    r = client.get("/", params={"q": "refuge waiting list outreach caseloads", "type": "committee_report"})
    assert f'/documents/{docs["Safer Eastmoor annual report"]["doc_id"]}/file#page=2' in r.text


def test_every_page_renders_with_headings_labels_and_no_script(client, docs):
    doc_id = docs["DHR Anna"]["doc_id"]
    for url in ("/", "/themes", "/themes?by=year", "/themes?with=alcohol", "/themes/alcohol",
                "/evidence?q=refuge+funding", "/extracts?theme=alcohol&section=lessons", "/recommendations",
                "/documents", f"/documents/{doc_id}"):
        r = client.get(url)
        assert r.status_code == 200, (url, r.text[:500])
        assert "<h1>" in r.text and "<script" not in r.text.lower(), url
        assert "content-security-policy" in r.headers and "default-src 'none'" in r.headers["content-security-policy"]
        assert "http://" not in r.text and "https://" not in r.text, url  # nothing from another origin


def test_the_themes_page_draws_a_chart_with_its_numbers_in_a_table(client):
    html = client.get("/themes").text
    assert '<svg role="img"' in html and "<table>" in html and '<th scope="col">Reviews</th>' in html
    assert "Alcohol" in html
    by_year = client.get("/themes", params={"by": "year"}).text
    assert "<th scope=\"col\">2019</th>" in by_year and "<th scope=\"col\">2022</th>" in by_year


def test_the_themes_page_says_when_the_themes_were_tagged_by_other_rules(small_kb_copy):
    from kb.catalogue import Catalogue

    settings = Settings(db=small_kb_copy)
    with TestClient(create_app(lambda: open_stores(settings))) as c:
        assert "dhr retag" not in c.get("/themes").text
    catalogue = Catalogue(settings.catalogue_path)
    catalogue.record_tagging("taxonomy 2, rules 00000000")
    catalogue.close()
    with TestClient(create_app(lambda: open_stores(settings))) as c:
        html = c.get("/themes").text
        assert 'role="status">Note: the themes in this knowledge base were tagged by other rules' in html


def test_a_theme_page_lists_its_evidence_with_citations(client):
    html = client.get("/themes/alcohol").text
    assert "DHR Anna" in html and "misused alcohol" in html and "Open the original" in html


def test_a_document_page_shows_passages_with_positions_themes_and_metadata(client, docs):
    html = client.get(f"/documents/{docs['DHR Anna']['doc_id']}").text
    assert "Northbridge" in html and "para 2.1" in html and "Lessons learned" in html
    assert "relationship" in html and "partner" in html
    assert "Where it came from" in html and "<td>sidecar</td>" in html  # Anna's title and area come from a sidecar


def test_document_text_is_escaped_everywhere_it_is_shown(client, docs):
    doc_id = docs["DHR Hostile"]["doc_id"]
    pages = [client.get(f"/documents/{doc_id}").text,
             client.get("/", params={"q": "case notes written agency"}).text,
             client.get("/evidence", params={"q": "case notes written agency"}).text,
             client.get("/", params={"q": "<script>alert(2)</script>"}).text]
    for html in pages:
        assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in pages[0]
    assert "&lt;img src=x onerror=alert(1)&gt;" in pages[0]
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in pages[3]
    assert HOSTILE.split(" and ")[0] in client.get(f"/api/documents/{doc_id}").text  # the API keeps the words


# --- the API gives exactly what --json prints --------------------------------------------------


def test_api_search_is_the_json_of_the_same_answer(client, settings):
    api = client.get("/api/search", params={"q": "refuge budget outreach", "top": "3"}).json()
    stores = open_stores(settings)
    expected = json.loads(render(ask(Query.build("refuge budget outreach", 3), stores), "json"))
    assert api == expected
    assert set(api[0]) == {"passage_id", "text", "score", "citation", "themes", "highlights", "sources",
                           "weak_match", "weak_reason"}


@pytest.mark.parametrize(
    ("url", "command"),
    [
        ("/api/documents", ["docs"]),
        ("/api/themes", ["themes"]),
        ("/api/themes?by=year", ["themes", "--by", "year"]),
        ("/api/themes?with=alcohol", ["themes", "--with", "alcohol"]),
        ("/api/themes/alcohol", ["themes", "show", "alcohol"]),
        ("/api/recommendations?area=Northbridge", ["recommendations", "--area", "Northbridge"]),
        ("/api/extracts?theme=alcohol&section=lessons", ["extract", "--theme", "alcohol", "--section", "lessons"]),
    ],
)
def test_api_fields_equal_the_cli_json(client, settings, url, command):
    api = client.get(url).json()
    cli = cli_json(settings, *command)
    if command[0] == "extract":  # the prepared date is today in both
        assert api["prepared"] == cli["prepared"]
    assert api == cli


def test_api_document_is_dhr_show_json(client, settings, docs):
    doc_id = docs["DHR Mary"]["doc_id"]
    assert client.get(f"/api/documents/{doc_id}").json() == cli_json(settings, "show", doc_id)


# --- downloads --------------------------------------------------------------------------------


def test_an_evidence_pack_downloads_as_word_markdown_csv_and_html(client):
    from docx import Document

    params = {"q": "information sharing GP police MARAC", "top": "5"}
    r = client.get("/evidence/download", params={**params, "format": "docx"})
    assert r.status_code == 200 and 'filename="evidence-pack.docx"' in r.headers["content-disposition"]
    doc = Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "information sharing GP police MARAC" in text and "MARAC was not made" in text
    assert any(p.style.name == "Quote" for p in doc.paragraphs)
    md = client.get("/evidence/download", params={**params, "format": "md"})
    assert md.headers["content-type"].startswith("text/markdown") and "MARAC was not made" in md.text
    csv = client.get("/evidence/download", params={**params, "format": "csv"})
    assert csv.content.startswith(b"\xef\xbb\xbfnumber,group,text")
    html = client.get("/evidence/download", params={**params, "format": "html"})
    assert html.text.startswith("<!DOCTYPE html>")
    assert client.get("/evidence/download", params={**params, "format": "exe"}).status_code == 400


def test_an_evidence_pack_on_a_theme_needs_no_words(client):
    r = client.get("/evidence", params={"q": "", "theme": "alcohol"})
    assert r.status_code == 200 and "Preview: Alcohol" in r.text and "misused alcohol" in r.text
    assert client.get("/api/evidence", params={"theme": "alcohol"}).json()["query"] == "Alcohol"
    assert client.get("/evidence", params={"q": ""}).status_code == 400  # neither words nor a theme


def test_trainer_extracts_and_the_register_download(client):
    from docx import Document

    r = client.get("/extracts/download", params={"theme": "alcohol", "section": "introduction", "format": "docx"})
    assert r.status_code == 200, r.text[:300]
    Document(io.BytesIO(r.content))
    reg = client.get("/recommendations.csv", params={"area": "Eastmoor"})
    assert reg.headers["content-type"].startswith("text/csv")
    assert reg.content.startswith(b"\xef\xbb\xbfreview,number,agency") and b"Eastmoor Community Safety" in reg.content


# --- originals: by id only, read-only, never outside what the catalogue records ------------------


def test_the_original_file_is_served_by_document_id(client, docs):
    doc = docs["Safer Eastmoor annual report"]
    r = client.get(f"/documents/{doc['doc_id']}/file")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.content == Path(doc["path"]).read_bytes()
    txt = client.get(f"/documents/{docs['DHR Anna']['doc_id']}/file")
    assert txt.headers["content-type"].startswith("text/plain") and "Overview Report" in txt.text


@pytest.mark.parametrize(
    "url",
    [
        "/documents/../../../../etc/passwd/file",
        "/documents/..%2F..%2F..%2F..%2Fetc%2Fpasswd/file",
        "/documents/%2Fetc%2Fpasswd/file",
        "/documents//etc/passwd/file",
        "/documents/%252e%252e%252fetc%252fpasswd/file",
        "/documents/..%5C..%5Cetc%5Cpasswd/file",
        "/documents/ffffffffffffffffffffffff/file",
        "/documents/%00/file",
        "/static/../web/app.py",
        "/static/..%2Fapp.py",
        "/static/%2e%2e/app.py",
    ],
)
def test_paths_outside_the_catalogue_cannot_be_read(client, url):
    r = client.get(url)
    assert r.status_code in (400, 404), (url, r.status_code)
    assert "root:" not in r.text and "import " not in r.text and "Traceback" not in r.text


def test_a_path_or_title_in_the_url_is_not_a_document_id(client, docs):
    anna = docs["DHR Anna"]
    assert client.get(f"/documents/{anna['path']}/file").status_code == 404
    assert client.get("/documents/DHR Anna/file").status_code == 404
    assert client.get(f"/documents/{anna['doc_id'][:6]}/file").status_code == 404  # no prefix matching either
    assert client.get(f"/api/documents/{anna['doc_id'][:6]}").status_code == 404


def test_a_recorded_file_swapped_for_a_symlink_or_changed_is_not_served(client, docs, tmp_path):
    doc = docs[next(t for t in docs if "housing officers" in t or "Briefing" in t or "swap" in t)]
    path = Path(doc["path"])
    original = path.read_bytes()
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET not in the catalogue", encoding="utf-8")
    try:
        path.unlink()
        os.symlink(secret, path)
        r = client.get(f"/documents/{doc['doc_id']}/file")
        assert r.status_code == 404 and "TOP SECRET" not in r.text and "changed since it was ingested" in r.text
        path.unlink()
        path.write_bytes(original + b"edited")
        assert client.get(f"/documents/{doc['doc_id']}/file").status_code == 404
        path.unlink()
        assert "no longer at" in client.get(f"/documents/{doc['doc_id']}/file").text
    finally:
        if path.is_symlink() or path.exists():
            path.unlink()
        path.write_bytes(original)
    assert client.get(f"/documents/{doc['doc_id']}/file").status_code == 200


def test_nothing_can_write(client):
    for method in ("post", "put", "delete", "patch"):
        assert getattr(client, method)("/api/documents").status_code == 405
        assert getattr(client, method)("/").status_code == 405


# --- access -------------------------------------------------------------------------------------


def test_a_public_address_needs_a_token():
    check_bind("127.0.0.1", None)
    check_bind("::1", None)
    check_bind("localhost", None)
    for host in ("0.0.0.0", "192.168.1.20", "::", "example.org"):
        with pytest.raises(ServeError, match="token"):
            check_bind(host, None)
        check_bind(host, "a-long-token")


def test_dhr_serve_refuses_a_public_host_without_a_token(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DHR_TOKEN"}
    r = subprocess.run([sys.executable, "cli.py", "serve", "--host", "0.0.0.0", "--db", str(tmp_path)],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "without an access token" in r.stderr and "Traceback" not in r.stderr


def test_with_a_token_every_request_needs_it(settings):
    with TestClient(create_app(lambda: open_stores(settings), token="s3cret-token")) as c:
        for url in ("/", "/api/documents", "/static/style.css", "/documents"):
            assert c.get(url).status_code == 401
        assert c.get("/api/documents", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.get("/api/documents", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
        r = c.get("/documents?token=s3cret-token", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/documents"
        assert "httponly" in r.headers["set-cookie"].lower() and "samesite=strict" in r.headers["set-cookie"].lower()
        assert c.get("/documents").status_code == 200  # the cookie now carries it


def test_a_loopback_server_answers_only_loopback_host_names(settings):
    app = create_app(lambda: open_stores(settings), allowed_hosts=list(LOOPBACK_HOSTS))
    with TestClient(app, base_url="http://127.0.0.1:8765") as c:
        assert c.get("/documents").status_code == 200
        assert c.get("/documents", headers={"host": "[::1]:8765"}).status_code == 200
        assert c.get("/documents", headers={"host": "localhost"}).status_code == 200
        for host in ("evil.example", "evil.example:8765", "127.0.0.1.evil.example", ""):
            assert c.get("/documents", headers={"host": host}).status_code == 400, host


def test_any_file_name_makes_a_valid_header():
    value = file_name_parameters('Rückblick "final"\nSet-Cookie: x=1.pdf')
    value.encode("latin-1")  # a header Starlette can send
    assert "\n" not in value and value.count('"') == 2
    assert "filename*=UTF-8''R%C3%BCckblick" in value


# --- clear pages, never a traceback -----------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/?q=GP&since=soon", "is not a date"),
        ("/?q=GP&since=2023&until=2020", "after the end date"),
        ("/?q=+++", "the query is empty"),
        ("/?q=GP&top=lots", "whole number"),
        ("/?q=GP&relationship=husband", "relationships in the knowledge base"),
        ("/themes/zzzz", "unknown theme"),
        ("/themes?by=colour", "cannot break counts down"),
        ("/extracts?theme=alcohol&section=nonsense", "section"),
        ("/evidence?q=GP&group_by=colour", "group"),
    ],
)
def test_a_bad_value_gives_a_clear_page_and_a_400(client, url, message):
    r = client.get(url)
    assert r.status_code == 400 and message in r.text and "Traceback" not in r.text
    api = client.get("/api" + url if url.startswith("/themes") else "/api/search" + url[1:])
    if not url.startswith(("/extracts", "/evidence")):
        assert api.status_code == 400 and message in api.json()["error"]


def test_unknown_pages_and_documents_are_404s(client):
    assert client.get("/nowhere").status_code == 404
    assert client.get("/api/nowhere").json() == {"error": "no such API call"}
    r = client.get("/documents/0123456789abcdef01234567")
    assert r.status_code == 404 and "no document has the id" in r.text


def test_an_empty_knowledge_base_says_what_to_do(tmp_path):
    settings = Settings(db=tmp_path / "nothing-here")
    from index.stores import Stores

    with TestClient(create_app(lambda: Stores.open(settings))) as c:
        r = c.get("/?q=anything")
        assert r.status_code == 404 and "dhr ingest" in r.text and "Traceback" not in r.text
        assert "dhr ingest" in c.get("/api/search?q=x").json()["error"]


def test_a_search_nothing_matches_well_says_so_first_and_quotes_no_key_points(client):
    weak = client.get("/", params={"q": "!!!???"}).text
    assert "No passage matches these words well; nearest passages:" in weak
    assert "Key points" not in weak and "Result 1:" in weak
    good = client.get("/", params={"q": "refuge budget outreach"}).text
    assert "No passage matches these words well" not in good and "Key points" in good


def test_documents_and_the_register_use_review_names_and_agency_kinds(client):
    listing = client.get("/documents").text
    assert "DHR \u2018Anna\u2019 (Northbridge, 2019)" in listing
    register = client.get("/recommendations", params={"agency": "community_safety_partnership"}).text
    assert "Kind of agency" in register and "<td>Community safety partnership</td>" in register
    assert "Northbridge CSP" in register or "Northbridge Community Safety Partnership" in register
