"""Optical character recognition for PDF pages with no text layer: pypdfium2 renders, Tesseract reads.

A page is rendered in grey at :data:`OCR_DPI` (chosen by measurement: ``bench/eval_ocr.py``), written
to a temporary PNG and read by the ``tesseract`` program (Debian packages ``tesseract-ocr`` and
``tesseract-ocr-eng``) with TSV output, which gives every word with its box and confidence.  Words are
grouped into Tesseract's lines, and each line becomes an :class:`OcrLine` in PDF user space (points,
y growing upwards, the baseline at the bottom of the line's box) with a font size estimated from the
height of its words, so the page goes through the same header/footer, paragraph and structure path
as a page with a text layer.  One page is in memory at a time.
"""

from __future__ import annotations

import csv
import os
import shutil
import statistics
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

OcrProgress = Callable[[int, int], None]
"""``progress(done, total)``: pages read by OCR so far in one file."""

OCR_DPI = 200
"""Render resolution for OCR, by measurement (bench/eval_ocr.py, README "Scanned documents: OCR"): 200 dpi
reads running text as well as 300 dpi (CER 0.77 % vs 0.72 %), tables better, and 1.4 times as fast."""

INSTALL_HINT = "needs OCR: install tesseract-ocr (apt-get install tesseract-ocr tesseract-ocr-eng)"

PAGE_TIMEOUT = 180
"""Seconds Tesseract may spend on one page before the page counts as unreadable."""

_EM_PER_BOX = 0.82
"""A line's tall word boxes (ascender to descender, blurred by the scan) as a fraction of the font size."""


class OcrUnavailable(Exception):
    """Tesseract (or its English data) is not installed."""


@dataclass(frozen=True)
class OcrLine:
    text: str
    x: float  # points from the left edge
    y: float  # baseline, points from the bottom edge
    size: float  # estimated font size in points
    confidence: float  # mean word confidence, 0..1


def tesseract_path() -> str | None:
    return shutil.which("tesseract")


def check_available() -> None:
    """Raise OcrUnavailable unless tesseract runs and has English."""
    exe = tesseract_path()
    if exe is None:
        raise OcrUnavailable(INSTALL_HINT)
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        raise OcrUnavailable(INSTALL_HINT) from None
    if "eng" not in out.split():
        raise OcrUnavailable(INSTALL_HINT)


def render_page(pdf: Path, index: int, dpi: int = OCR_DPI):
    """Page ``index`` (0-based) of ``pdf`` as a grey PIL image at ``dpi``, and the page height in points."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        page = doc[index]
        height = page.get_height()
        image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        page.close()
    finally:
        doc.close()
    return image, height


def read_tsv(tsv: str, dpi: int, page_height: float) -> list[OcrLine]:
    """Tesseract's TSV (level 5 rows are words) as lines in PDF user space. Pure: tests feed text."""
    lines: dict[tuple[str, str, str], list[dict[str, str]]] = {}
    for row in csv.DictReader(tsv.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") != "5" or not (row.get("text") or "").strip():
            continue
        try:
            if float(row["conf"]) < 0:
                continue
        except (KeyError, ValueError):
            continue
        lines.setdefault((row["block_num"], row["par_num"], row["line_num"]), []).append(row)
    for key, words in list(lines.items()):
        # specks read as "-", "_", "~" or "|" at either end of a line
        while words and _speck(words[0]):
            words.pop(0)
        while words and _speck(words[-1]):
            words.pop()
        if not words:
            del lines[key]
    scale = 72 / dpi
    slope = _skew([words for words in lines.values()])
    out: list[OcrLine] = []
    for words in lines.values():
        left = min(int(w["left"]) for w in words)
        # undo the skew, as if the sheet lay straight on the glass: y' = y - slope x, x' = x + slope y
        y = statistics.median(int(w["top"]) + int(w["height"]) - slope * (int(w["left"]) + int(w["width"]) / 2)
                              for w in words)
        left = left + slope * y
        text = " ".join(w["text"].strip() for w in words)
        conf = statistics.fmean(float(w["conf"]) for w in words) / 100
        good = [int(w["height"]) for w in words if float(w["conf"]) >= 50 and len(w["text"].strip()) >= 3]
        heights = sorted(good or [int(w["height"]) for w in words])
        tall = heights[int(0.8 * (len(heights) - 1))]
        out.append(OcrLine(text=text, x=left * scale, y=page_height - y * scale,
                           size=tall * scale / _EM_PER_BOX, confidence=round(conf, 3)))
    out.sort(key=lambda ln: -ln.y)
    return _even_sizes(out)


def _speck(word: dict[str, str]) -> bool:
    return not any(c.isalnum() for c in word["text"]) and float(word["conf"]) < 70


def _skew(lines: list[list[dict[str, str]]]) -> float:
    """The page's skew as a slope (pixels down per pixel right), the median over lines of 4 words or more."""
    slopes: list[float] = []
    for words in lines:
        if len(words) < 4:
            continue
        xs = [int(w["left"]) + int(w["width"]) / 2 for w in words]
        ys = [int(w["top"]) + int(w["height"]) for w in words]
        span = max(xs) - min(xs)
        if span <= 0:
            continue
        try:
            slopes.append(statistics.linear_regression(xs, ys).slope)
        except statistics.StatisticsError:
            continue
    return statistics.median(slopes) if len(slopes) >= 3 else 0.0


def _even_sizes(lines: list[OcrLine]) -> list[OcrLine]:
    """Snap sizes near the page's common size onto it: box heights vary with the letters a line holds."""
    if not lines:
        return lines
    common = statistics.median(ln.size for ln in lines if len(ln.text) > 20) if any(
        len(ln.text) > 20 for ln in lines) else statistics.median(ln.size for ln in lines)
    common = round(common * 2) / 2
    return [
        OcrLine(ln.text, ln.x, ln.y, common if abs(ln.size - common) <= 0.2 * common else round(ln.size * 2) / 2,
                ln.confidence)
        for ln in lines
    ]


def ocr_page(pdf: Path, index: int, dpi: int = OCR_DPI) -> list[OcrLine]:
    """The lines Tesseract reads on page ``index`` (0-based) of ``pdf``; [] when it reads nothing."""
    exe = tesseract_path()
    if exe is None:
        raise OcrUnavailable(INSTALL_HINT)
    image, height = render_page(pdf, index, dpi)
    with tempfile.TemporaryDirectory(prefix="dhr-ocr-") as tmp:
        png = Path(tmp) / "page.png"
        image.save(png, dpi=(dpi, dpi))
        del image
        env = {**os.environ, "OMP_THREAD_LIMIT": os.environ.get("OMP_THREAD_LIMIT", "1")}
        result = subprocess.run([exe, str(png), "stdout", "-l", "eng", "--psm", "3", "--dpi", str(dpi), "tsv"],
                                capture_output=True, text=True, timeout=PAGE_TIMEOUT, env=env)
    if result.returncode != 0:
        raise RuntimeError(f"tesseract failed ({result.returncode})")
    return read_tsv(result.stdout, dpi, height)
