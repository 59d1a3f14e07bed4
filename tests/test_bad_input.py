"""Bad input never costs data: the whole `dhr ingest` command on damaged, odd and hostile files.

Each case drops one bad file beside one good file into a fresh folder and ingests the folder into a
knowledge base that already holds a seed document. For every case the test asserts: the exact
status and reason for the bad file, on a line naming it; the good file is still added (the batch
goes on); the exit code and the summary say what failed; what the knowledge base held before is
intact (`dhr docs --json` rows and passage texts); and the message does not quote the file's text.

The extractors' own unit tests (tests/test_extract_*.py) cover the reasons in detail; this suite
is about the command and the knowledge base around them.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from tests.clirun import dhr
from tests.conftest import SEEDS

pytestmark = pytest.mark.slow
runner = CliRunner()
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

PROSE = (
    "The review panel found that agencies did not share what they knew about the risk to the victim. "
    "The GP recorded injuries but did not ask about abuse at home. Police attended three incidents and "
    "each was treated as a single event rather than part of a pattern of coercive control. "
    "Housing officers were not told of the history when the family moved. "
)
SECRET_SENTENCE = "Marigold whispered that the blue ledger was kept under the third stair of the cottage."



def bare(line: str) -> str:
    """An ingest line without the "[3/12] " that numbers it when output is not a terminal."""
    return re.sub(r"^\[\d+/\d+\]\s*", "", line.strip())


@pytest.fixture(scope="module")
def shared_model():
    """Load the embedding model once for the module, not once per CLI invocation."""
    from index.embedder import Embedder

    mp = pytest.MonkeyPatch()
    cache: dict[str, object] = {}
    original = Embedder.model

    def model(self):  # noqa: ANN001, ANN202
        if self.model_name not in cache:
            cache[self.model_name] = original.fget(self)
        return cache[self.model_name]

    mp.setattr(Embedder, "model", property(model))
    yield
    mp.undo()


@pytest.fixture(scope="module")
def baseline(tmp_path_factory, shared_model) -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"the user's seed texts are not at {SEEDS}")
    db = tmp_path_factory.mktemp("baseline") / "kb"
    result = dhr("ingest", str(SEEDS / "000_46a52917dd00bfef.txt"), "--db", str(db))
    assert result.exit_code == 0, result.output
    return db


def good_text(tag: str) -> str:
    return f"Lessons learned {tag}\n\n" + f"Finding {tag}: " + PROSE * 2 + "\n"


# --- builders: each writes the bad file(s) into `folder` and returns the path the message names --------


def minimal_pdf(text: str | None = "Executive summary. " + PROSE, pages: int = 1) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    for _ in range(pages):
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())


def encrypted_pdf(user_password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(minimal_pdf())).pages:
        writer.add_page(page)
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def scanned_pdf(tmp: Path) -> bytes:
    """A page that is only a picture: what a scanner produces with no OCR."""
    import struct
    import zlib

    from fpdf import FPDF

    w = h = 64
    raw = b"".join(b"\x00" + bytes((x * 4) % 256 for x in range(w)) for _ in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    image = tmp / "scan.png"
    image.write_bytes(png)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(image), x=10, y=10, w=180)
    image.unlink()
    return bytes(pdf.output())


def write(name: str, data: bytes | str) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / name
        if isinstance(data, str):
            path.write_text(data, "utf-8")
        else:
            path.write_bytes(data)
        return path

    return build


def build_corrupt_pdf(folder: Path) -> Path:
    path = folder / "corrupt.pdf"
    data = bytearray(minimal_pdf())
    start = data.index(b"stream") + 10  # damage the page content and the cross-reference table
    data[start:start + 200] = os.urandom(200)
    xref = data.rindex(b"xref")
    data[xref:xref + 60] = b"X" * 60
    path.write_bytes(bytes(data))
    return path


def build_truncated_pdf(folder: Path) -> Path:
    path = folder / "truncated.pdf"
    data = minimal_pdf()
    path.write_bytes(data[: len(data) // 2])
    return path


def build_scanned(folder: Path) -> Path:
    """A page that is only a picture, of no words."""
    path = folder / "scanned.pdf"
    path.write_bytes(scanned_pdf(folder.parent))
    return path


def build_scanned_text(folder: Path) -> Path:
    """One scanned page of a report (tests/fixtures/scans/, made by make_scans.py): OCR reads it."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.add_page(PdfReader(Path(__file__).parent / "fixtures" / "scans" / "mixed_eastmoor_scan_p3.pdf").pages[2])
    path = folder / "scanned report.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def build_symlink_loop(folder: Path) -> Path:
    (folder / "sub").mkdir()
    (folder / "sub" / "loop").symlink_to(folder, target_is_directory=True)
    return folder / "sub" / "loop"


def build_broken_link(folder: Path) -> Path:
    path = folder / "gone.txt"
    path.symlink_to(folder / "does-not-exist.txt")
    return path


def build_unreadable(folder: Path, tag: str = "locked") -> Path:
    path = folder / "locked.txt"
    path.write_text(good_text(tag) + SECRET_SENTENCE + "\n", "utf-8")
    path.chmod(0o000)
    return path


def build_docx_not_zip(folder: Path) -> Path:
    path = folder / "report.docx"
    path.write_text("This is plain text pretending to be a Word file. " + SECRET_SENTENCE, "utf-8")
    return path


def build_docx_bad_zip(folder: Path) -> Path:
    import zipfile

    path = folder / "hollow.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "no word/document.xml here")
    return path


def build_large_text(folder: Path) -> Path:
    path = folder / "huge.txt"
    path.write_text((SECRET_SENTENCE + " ") * 400, "utf-8")  # ~36 kB, over the patched 16 kB limit
    return path


def build_large_pdf(folder: Path) -> Path:
    path = folder / "huge.pdf"
    path.write_bytes(minimal_pdf(pages=30))
    return path


def build_duplicate(folder: Path) -> Path:
    (folder / "a copy.txt").write_text(good_text("twin") + "\n" + PROSE, "utf-8")
    path = folder / "b copy.txt"
    path.write_text(good_text("twin") + "\n" + PROSE, "utf-8")
    return path


def build_cp1252(folder: Path, tag: str = "cp1252") -> Path:
    path = folder / "cp1252.txt"
    path.write_bytes((good_text(tag) + "The contract cost \u00a3670,490 a year.\n").encode("cp1252"))
    return path


def build_mixed_endings(folder: Path) -> Path:
    path = folder / "endings.txt"
    text = good_text("endings").replace("\n\n", "\r\n\r\n", 1) + "Second block with old Mac endings.\r" + PROSE + "\n"
    path.write_bytes(text.encode("utf-8"))
    return path


def build_odd_name(folder: Path, tag: str = "oddname") -> Path:
    path = folder / "Revue d\u2019homicide \u2014 Z\u00fcrich caf\u00e9 \u00e9t\u00e9.txt"
    path.write_text(good_text(tag), "utf-8")
    return path


def build_empty_pdf_password(folder: Path) -> Path:
    path = folder / "open-encrypted.pdf"
    path.write_bytes(encrypted_pdf(""))
    return path


def build_real_password(folder: Path) -> Path:
    path = folder / "locked.pdf"
    path.write_bytes(encrypted_pdf("s3cret"))
    return path


def build_readme(folder: Path) -> Path:
    path = folder / "README.md"
    path.write_text("# About this folder\n\n" + PROSE, "utf-8")
    return path


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Path], Path]
    status: str  # what the bad file's line says: failed | skipped | duplicate | added
    reason: str  # a regular expression the reason must match ("" for added)
    limits: tuple[tuple[str, str, object], ...] = ()  # (module, constant, value) to monkeypatch
    args: tuple[str, ...] = ()  # more options for `dhr ingest`

    @property
    def exit_code(self) -> int:
        return 1 if self.status == "failed" else 0


CASES = [
    Case("corrupt PDF", build_corrupt_pdf, "failed", r"damaged|corrupt|cannot|not a PDF|no text"),
    Case("truncated PDF", build_truncated_pdf, "failed", r"^truncated or damaged PDF: no end-of-file marker$"),
    Case("encrypted PDF, empty user password", build_empty_pdf_password, "added", ""),
    Case("encrypted PDF, real password", build_real_password, "failed",
         r"^password-protected: cannot be read without the password$"),
    Case("scanned PDF, no text layer, --no-ocr", build_scanned_text, "failed", r"^no text layer: needs OCR$",
         args=("--no-ocr",)),
    Case("scanned PDF, tesseract not installed", build_scanned_text, "failed",
         r"^needs OCR: install tesseract-ocr \(apt-get install tesseract-ocr tesseract-ocr-eng\)$",
         (("ingest.ocr", "tesseract_path", lambda: None),)),
    *([Case("scanned PDF, read by OCR", build_scanned_text, "added", ""),
       Case("scanned picture with no words", build_scanned, "failed",
            r"^no text: OCR found no words on the scanned pages$")] if shutil.which("tesseract") else []),
    Case("zero-byte PDF", write("empty.pdf", b""), "failed", r"^empty file$"),
    Case("zero-byte text", write("empty.txt", b""), "failed", r"^empty file$"),
    Case("zero-byte docx", write("empty.docx", b""), "failed", r"^empty file$"),
    Case("zero-byte HTML", write("empty.html", b""), "failed", r"^empty file$"),
    Case("binary junk named .pdf", write("junk.pdf", os.urandom(4096).replace(b"%PDF", b"xxxx")), "failed",
         r"^not a PDF"),
    Case("a PNG named .pdf", write("picture.pdf", b"\x89PNG\r\n\x1a\n" + bytes(200)), "failed", r"^not a PDF"),
    Case("binary junk named .txt", write("junk.txt", bytes(range(256)) * 8), "failed", r"^not a text file"),
    Case("a PDF named .html", write("page.html", minimal_pdf()), "failed", r"^not an HTML file"),
    Case("HTML of only scripts, styles and navigation", write(
        "scripts.html",
        "<html><head><style>body{color:red}</style><script>var x = 'Secret words in a script';</script></head>"
        "<body><nav><a href='/'>Home</a> <a href='/about'>About us</a></nav><script>track()</script></body></html>"),
        "failed", r"^no text: nothing readable once scripts, navigation and banners are removed$"),
    Case("text of only punctuation", write("dots.txt", "... --- *** ###\n\n!!! ???\n"), "failed", r"^no text"),
    Case("PDF of blank pages", write("blank.pdf", minimal_pdf(text=None, pages=2)), "failed",
         r"^no text: every page is blank$"),
    Case("text in cp1252 with a pound sign", build_cp1252, "added", ""),
    Case("mixed line endings", build_mixed_endings, "added", ""),
    Case("file name with spaces and non-ASCII", build_odd_name, "added", ""),
    Case("symlink loop in the folder", build_symlink_loop, "skipped", r"^folder already visited \(symlink loop\)$"),
    Case("broken symlink in the folder", build_broken_link, "failed", r"^broken link$"),
    Case("unreadable file (chmod 000)", build_unreadable, "added" if IS_ROOT else "failed",
         "" if IS_ROOT else r"permission denied"),
    Case(".docx that is not a zip", build_docx_not_zip, "failed", r"^not a valid Word file \(not a zip archive"),
    Case(".docx zip with no document", build_docx_bad_zip, "failed", r"Word|docx|document"),
    Case("old binary .doc renamed .docx", write("old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000)),
         "failed", r"^not a valid Word file \(an old binary \.doc file"),
    Case("very large text file", build_large_text, "failed", r"^too large: .*limit for text files",
         (("ingest.text", "MAX_TEXT_BYTES", 16 * 1024),)),
    Case("very large PDF", build_large_pdf, "failed", r"^too large: .*limit for PDF files",
         (("ingest.pdf", "MAX_PDF_BYTES", 8 * 1024),)),
    Case("same document under two names", build_duplicate, "duplicate",
         r"^same content as .*a copy\.txt; not added again$"),
    Case("unsupported .doc file in the folder", write("minutes.doc", b"\xd0\xcf\x11\xe0" + bytes(100)), "skipped",
         r"^unsupported file type \.doc$"),
    Case("a folder README", build_readme, "skipped", r"^a folder's README or licence"),
]


def docs_json(db: Path) -> list[dict]:
    result = dhr("docs", "--db", str(db), "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def passage_texts(db: Path, paths: set[str] | None = None) -> dict[str, list[str]]:
    conn = sqlite3.connect(db / "catalogue.sqlite3")
    try:
        rows = conn.execute("SELECT d.path, p.text FROM occurrences o JOIN documents d USING (doc_id)"
                            " JOIN passages p USING (passage_id) ORDER BY d.path, o.ordinal").fetchall()
    finally:
        conn.close()
    out: dict[str, list[str]] = {}
    for path, text in rows:
        if paths is None or path in paths:
            out.setdefault(path, []).append(text)
    return out


def passage_count(db: Path) -> int:
    conn = sqlite3.connect(db / "catalogue.sqlite3")
    try:
        return conn.execute("SELECT COUNT(*) FROM passages").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_bad_file_fails_alone_and_the_knowledge_base_is_intact(case: Case, baseline: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch):
    for module, constant, value in case.limits:
        monkeypatch.setattr(f"{module}.{constant}", value)
    folder = tmp_path / "in"
    folder.mkdir()
    tag = re.sub(r"\W+", "", case.name)[:20] + str(abs(hash(case.name)) % 10_000)
    good = folder / "good report.txt"
    good.write_text(good_text(tag), "utf-8")
    bad = case.build(folder)

    before_docs = docs_json(baseline)
    before_texts = passage_texts(baseline)
    before_count = passage_count(baseline)

    result = runner.invoke(app, ["ingest", str(folder), "--db", str(baseline), *case.args], catch_exceptions=False)
    output = result.output  # stdout and stderr together, as a user sees them
    assert result.exit_code == case.exit_code, output
    assert "Traceback" not in output

    # the bad file's own line names it and says exactly why
    shown = str(bad.absolute())
    if case.status == "added":
        line = next((ln for ln in output.splitlines() if bare(ln).startswith("added") and shown in ln), None)
        assert line is not None, output
    else:
        lines = [bare(ln) for ln in output.splitlines() if bare(ln).startswith(case.status) and shown in ln]
        assert len(lines) == 1, output
        reason = lines[0].split(f"{shown}: ", 1)[1]
        assert re.search(case.reason, reason), reason

    # the rest of the batch goes on: the good file is added
    assert any(bare(ln).startswith("added") and str(good.absolute()) in ln for ln in output.splitlines()), output
    summary = output.strip().splitlines()[-1]
    expected_failed = 1 if case.status == "failed" else 0
    assert re.search(rf"\b{expected_failed} failed\b", summary), summary
    if case.status in ("skipped", "duplicate"):
        assert re.search(rf"\b1 {case.status}\b", summary), summary

    # what the knowledge base held before is intact, and only the good file(s) were added
    after_docs = docs_json(baseline)
    for row in before_docs:
        assert row in after_docs
    assert passage_texts(baseline, {r["path"] for r in before_docs}) == before_texts
    added_paths = {r["path"] for r in after_docs} - {r["path"] for r in before_docs}
    expected_added = {str(good.absolute())}
    if case.status == "added":
        expected_added.add(shown)
    if case.status == "duplicate":
        expected_added.add(str((folder / "a copy.txt").absolute()))
    assert added_paths == expected_added
    assert passage_count(baseline) > before_count

    # a failure message never quotes the file's text
    assert SECRET_SENTENCE not in output
    assert "Secret words in a script" not in output
    assert PROSE[:60] not in output


def test_the_pound_sign_and_odd_names_survive_as_text(baseline: Path, tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    cp = build_cp1252(folder, "pound2")
    odd = build_odd_name(folder, "oddname2")
    assert dhr("ingest", str(folder), "--db", str(baseline)).exit_code == 0
    texts = passage_texts(baseline, {str(cp.absolute()), str(odd.absolute())})
    assert any("\u00a3670,490" in t for t in texts[str(cp.absolute())])
    assert not any("\u00c2\u00a3" in t or "\ufffd" in t for t in texts[str(cp.absolute())])
    shown = json.loads(dhr("show", str(odd.absolute()), "--db", str(baseline), "--json").output)
    assert shown["path"] == str(odd.absolute())


def test_json_report_gives_the_reason_of_every_failure(baseline: Path, tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.pdf").write_bytes(b"")
    build_real_password(folder)
    result = dhr("ingest", str(folder), "--db", str(baseline), "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["counts"]["failed"] == 2
    reasons = {Path(f["path"]).name: f["reason"] for f in report["files"]}
    assert reasons == {"empty.pdf": "empty file",
                       "locked.pdf": "password-protected: cannot be read without the password"}


def test_a_missing_path_on_the_command_line_fails_but_the_rest_goes_on(baseline: Path, tmp_path: Path):
    good = tmp_path / "fine.txt"
    good.write_text(good_text("missingpath"), "utf-8")
    missing = tmp_path / "nowhere.pdf"
    result = dhr("ingest", str(missing), str(good), "--db", str(baseline))
    assert result.exit_code == 1
    assert f"failed  {missing}: no such file or folder" in result.output
    assert any(bare(ln).startswith("added") and str(good) in ln for ln in result.output.splitlines())


def test_unreadable_file_behaviour_is_documented(baseline: Path, tmp_path: Path):
    """chmod 000: as root the file is still readable, so it is read; otherwise it fails 'permission denied'."""
    folder = tmp_path / "in"
    folder.mkdir()
    path = build_unreadable(folder, "locked2")
    try:
        result = dhr("ingest", str(folder), "--db", str(baseline), "--json")
    finally:
        path.chmod(0o600)
    (entry,) = json.loads(result.stdout)["files"]
    if os.access(path, os.R_OK) and IS_ROOT:
        assert entry["status"] == "added" and result.exit_code == 0
    else:
        assert entry["status"] == "failed" and "permission denied" in entry["reason"]
        assert result.exit_code == 1


def test_the_knowledge_base_is_consistent_after_all_the_bad_input(baseline: Path):
    result = dhr("check", "--db", str(baseline), "--json")
    report = json.loads(result.output)
    assert report["consistent"], report
    assert result.exit_code == 0
    shutil.rmtree(baseline.parent / "nothing", ignore_errors=True)
