"""extract(): dispatch by suffix, content sniffing, and the errors every format shares."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.blocks import Extracted
from ingest.extract import SUPPORTED_SUFFIXES, extract, is_supported
from kb.errors import (
    CorruptFileError,
    ExtractionError,
    FileTooLargeError,
    NoTextError,
    UnsupportedFormatError,
)


def test_supported_suffixes_contract():
    assert SUPPORTED_SUFFIXES == {".pdf", ".html", ".htm", ".txt", ".md", ".text", ".docx"}
    assert is_supported("a/B.PDF") and not is_supported("x.doc")


@pytest.mark.parametrize("name", ["report.doc", "sheet.xlsx", "notes", "image.png", "archive.zip"])
def test_other_suffixes_are_unsupported(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"anything")
    with pytest.raises(UnsupportedFormatError) as err:
        extract(path)
    assert err.value.path == path
    assert err.value.reason.startswith("unsupported file type (")


def test_old_doc_gets_a_hint(tmp_path):
    path = tmp_path / "r.doc"
    path.write_bytes(b"x")
    with pytest.raises(UnsupportedFormatError, match="save it as .docx"):
        extract(path)


@pytest.mark.parametrize("suffix", sorted(SUPPORTED_SUFFIXES))
def test_zero_byte_file_of_each_type_is_empty(tmp_path, suffix):
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(b"")
    with pytest.raises(NoTextError) as err:
        extract(path)
    assert err.value.reason == "empty file"
    assert str(err.value) == f"{path}: empty file"


@pytest.mark.parametrize("suffix", [".txt", ".md", ".text", ".html", ".htm", ".pdf"])
def test_whitespace_only_file_is_empty(tmp_path, suffix):
    path = tmp_path / f"blank{suffix}"
    path.write_bytes(b" \r\n\t\n  ")
    with pytest.raises(NoTextError) as err:
        extract(path)
    assert err.value.reason == "empty file"


def test_upper_case_suffix_is_dispatched(tmp_path):
    path = tmp_path / "NOTES.TXT"
    path.write_text("The panel met.")
    assert isinstance(extract(path), Extracted)


def test_missing_file_is_an_extraction_error(tmp_path):
    with pytest.raises(ExtractionError) as err:
        extract(tmp_path / "nope.txt")
    assert err.value.reason == "cannot read: file not found"


def test_directory_is_an_extraction_error(tmp_path):
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(ExtractionError) as err:
        extract(folder)
    assert err.value.reason == "cannot read: it is a directory"


def test_zip_named_pdf_is_not_a_pdf(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(CorruptFileError) as err:
        extract(path)
    assert err.value.reason == "not a PDF (content looks like a zip archive)"


def test_pdf_named_docx_is_not_a_word_file(tmp_path):
    path = tmp_path / "report.docx"
    path.write_bytes(b"%PDF-1.4\n")
    with pytest.raises(CorruptFileError) as err:
        extract(path)
    assert err.value.reason == "not a valid Word file (not a zip archive; content looks like a PDF)"


@pytest.mark.parametrize(
    ("module", "constant", "name", "data"),
    [
        ("ingest.text", "MAX_TEXT_BYTES", "a.md", b"# x\n" * 100),
        ("ingest.html", "MAX_HTML_BYTES", "a.html", b"<p>x</p>" * 100),
        ("ingest.pdf", "MAX_PDF_BYTES", "a.pdf", b"%PDF-1.4\n" * 100),
        ("ingest.docx", "MAX_DOCX_BYTES", "a.docx", b"PK\x03\x04" * 100),
    ],
)
def test_size_is_checked_before_reading(tmp_path, monkeypatch, module, constant, name, data):
    import importlib

    mod = importlib.import_module(module)
    monkeypatch.setattr(mod, constant, 64)
    path = tmp_path / name
    path.write_bytes(data)

    def no_reading(*args, **kwargs):  # reading the file at all would be a failure
        raise AssertionError("file was read before its size was checked")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    monkeypatch.setattr(Path, "open", no_reading)
    with pytest.raises(FileTooLargeError) as err:
        extract(path)
    assert "too large" in err.value.reason


def test_messages_never_quote_the_passage(tmp_path):
    secret = "Adult A disclosed the assault to her GP"
    cases = {
        "a.pdf": secret.encode() * 5,
        "b.docx": secret.encode() * 5,
        "c.txt": b"%PDF-1.4 " + secret.encode(),
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(ExtractionError) as err:
            extract(path)
        assert "disclosed" not in str(err.value), name
