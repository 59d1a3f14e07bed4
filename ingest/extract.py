"""One entry point from a file on disk to an :class:`~ingest.blocks.Extracted` document.

``extract(path)`` dispatches on the file suffix (case-insensitive) and each format module confirms
the content by sniffing its first bytes: a ``.pdf`` without ``%PDF`` is a CorruptFileError "not a
PDF (...)", a ``.docx`` that is not a zip archive is "not a valid Word file (...)", a text or HTML
file that is really a PDF, zip or image is refused the same way.

Errors are the :mod:`kb.errors` classes, each with a human reason and never with passage text:

* UnsupportedFormatError -- a suffix not in :data:`SUPPORTED_SUFFIXES`;
* FileTooLargeError -- over the per-format limit (checked before reading): text/HTML 20 MB,
  Word 100 MB, PDF 200 MB;
* NoTextError -- "empty file" (zero bytes or whitespace only), "no text layer: needs OCR" (a PDF
  of scans read with ``ocr=False``), "needs OCR: install tesseract-ocr ..." (a PDF of scans where
  Tesseract is not installed), or "no text: ..." (nothing readable after cleaning);
* EncryptedFileError -- "password-protected: cannot be read without the password";
* CorruptFileError -- damaged, truncated or mislabelled files;
* ExtractionError -- the file cannot be read at all (missing, permission denied, a directory).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ingest.blocks import Extracted
from ingest.docx import MAX_DOCX_BYTES, extract_docx
from ingest.html import MAX_HTML_BYTES, extract_html
from ingest.ocr import OcrProgress
from ingest.pdf import MAX_PDF_BYTES, extract_pdf
from ingest.text import MAX_TEXT_BYTES, extract_text
from kb.errors import UnsupportedFormatError
from kb.marker import EXPORT_MARKER, HTML_META, MARKDOWN_LINE

SUPPORTED_SUFFIXES = {".pdf", ".html", ".htm", ".txt", ".md", ".text", ".docx"}

_EXTRACTORS: dict[str, Callable[[Path], Extracted]] = {
    ".pdf": extract_pdf,
    ".html": extract_html,
    ".htm": extract_html,
    ".txt": extract_text,
    ".md": extract_text,
    ".text": extract_text,
    ".docx": extract_docx,
}

SIZE_LIMITS = {
    ".pdf": MAX_PDF_BYTES,
    ".html": MAX_HTML_BYTES,
    ".htm": MAX_HTML_BYTES,
    ".txt": MAX_TEXT_BYTES,
    ".md": MAX_TEXT_BYTES,
    ".text": MAX_TEXT_BYTES,
    ".docx": MAX_DOCX_BYTES,
}
"""Size limit in bytes per suffix (informational; each module enforces its own constant)."""

_HINTS = {
    ".doc": "old Word .doc files are not read; save it as .docx or PDF",
    ".rtf": "RTF is not read; save it as .docx or PDF",
    ".odt": "OpenDocument text is not read; save it as .docx or PDF",
    ".xlsx": "spreadsheets are not read",
    ".xls": "spreadsheets are not read",
    ".pptx": "presentations are not read; export them as PDF",
}


def is_supported(path: Path | str) -> bool:
    return Path(path).suffix.lower() in SUPPORTED_SUFFIXES


def extract(path: Path, ocr: bool = True, progress: OcrProgress | None = None) -> Extracted:
    """Extract the text blocks of one file (see the module docstring for the errors raised).

    ``ocr`` and ``progress`` concern PDF pages that are scans (:func:`ingest.pdf.extract_pdf`).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    extractor = _EXTRACTORS.get(suffix)
    if extractor is None:
        shown = suffix or "no suffix"
        hint = _HINTS.get(suffix, "supported: " + ", ".join(sorted(SUPPORTED_SUFFIXES)))
        raise UnsupportedFormatError(path, f"unsupported file type ({shown}): {hint}")
    if extractor is extract_pdf:
        return extract_pdf(path, ocr=ocr, progress=progress)
    return extractor(path)


def is_our_export(path: Path) -> bool:
    """Whether the file is an export of this knowledge base (an evidence pack, a handout): it carries the
    mark of kb/marker.py near its start (Markdown, HTML) or in its core properties (Word)."""
    import zipfile

    try:
        if path.suffix.lower() == ".docx":
            with zipfile.ZipFile(path) as zf:
                info = zf.getinfo("docProps/core.xml")
                if info.file_size > 1 << 20:
                    return False
                core = zf.read(info).decode("utf-8", "replace")
            return f">{EXPORT_MARKER}</" in core
        with path.open("rb") as fh:
            head = fh.read(4096).lstrip(b"\xef\xbb\xbf").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile, RuntimeError, ValueError):
        return False  # not ours, or unreadable: the extractor says what is wrong with it
    return head.lstrip().startswith(MARKDOWN_LINE.split(":")[0]) or HTML_META in head
