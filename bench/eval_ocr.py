"""OCR accuracy and speed on scans made from PDFs whose text is known (issue 16).

    .venv/bin/python bench/eval_ocr.py [--dpi 200 300] [--pages 2] [--scan-dpi 200] [--files A.pdf ...]

Test set: the sample corpus's PDFs (corpus/dhr/), the realistic DHRs (tests/fixtures/realistic/) and,
when present, the published PDFs in ../shared/real/ (skipped with a note when absent).  Of each file,
``--pages`` pages from page 2 (page 1 for a short file) are scanned as a scanner would give them
(tests/fixtures/scans/make_scans.py: grey, turned 0.5-1.5 degrees, noise, uneven light, dust, JPEG
quality 50 at ``--scan-dpi``), then rendered again at each ``--dpi`` and read by Tesseract
(ingest/ocr.py), as ingest does.

Reference: the original page's text layer (pypdf).  Both texts are compared after folding whitespace
to single spaces, typographic quotes and dashes to plain ones (a ‘curly’ quote read as 'straight'
is not an error) and a contents page's dotted leaders to "..." (how many dots OCR sees is no error):
  * CER: character edit distance / reference characters;
  * WER: word edit distance / reference words;
summed over pages (per file and overall), with the mean OCR time per page (rendering included).
Targets: CER <= 2 %, WER <= 5 %.  Reading order counts: a page whose text layer runs in another order
than the printed lines scores worse than its OCR is, so pages of ruled tables (ingest.tables.has_rules)
and contents pages (three dotted leaders or more) are also summed apart from running-text pages.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from ingest.ocr import check_available, ocr_page  # noqa: E402
from ingest.tables import has_rules  # noqa: E402
from tests.fixtures.scans.make_scans import scan_pdf  # noqa: E402

REAL = REPO.parent / "shared" / "real"

_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
                       "\u2010": "-", "\u2011": "-", "\u00a0": " ", "\ufb01": "fi", "\ufb02": "fl"})


_LEADER_RE = re.compile(r"(?:[._\u2026]\s?){3,}")
"""A contents page's dotted leader ("Introduction ........ 3"): layout, not words; OCR sees more or fewer dots."""


def normalise(text: str) -> str:
    text = _LEADER_RE.sub(" ... ", text.translate(_FOLD))
    return re.sub(r"\s+", " ", text).strip()


def edit_distance(a: str | list[str], b: str | list[str]) -> int:
    """Levenshtein distance, bit-parallel (Myers 1999, Hyyrö's form): fast enough for whole pages."""
    if isinstance(a, list) or isinstance(b, list):  # words: one symbol per distinct word
        ids: dict[str, str] = {}
        a = "".join(ids.setdefault(w, chr(0x10000 + len(ids))) for w in a)
        b = "".join(ids.setdefault(w, chr(0x10000 + len(ids))) for w in b)
    if not a or not b:
        return len(a) + len(b)
    m = len(b)
    mask = (1 << m) - 1
    high = 1 << (m - 1)
    peq: dict[str, int] = {}
    for i, c in enumerate(b):
        peq[c] = peq.get(c, 0) | (1 << i)
    pv, mv, score = mask, 0, m
    for c in a:
        eq = peq.get(c, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | ~(xh | pv)
        mh = pv & xh
        if ph & high:
            score += 1
        elif mh & high:
            score -= 1
        ph = ((ph << 1) | 1) & mask
        mh = (mh << 1) & mask
        pv = (mh | ~(xv | ph)) & mask
        mv = ph & xv
    return score


@dataclass
class Score:
    chars: int = 0
    char_errors: int = 0
    words: int = 0
    word_errors: int = 0
    pages: int = 0
    seconds: float = 0.0

    def add(self, other: Score) -> None:
        for name in ("chars", "char_errors", "words", "word_errors", "pages", "seconds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def row(self, name: str) -> str:
        cer = self.char_errors / max(self.chars, 1)
        wer = self.word_errors / max(self.words, 1)
        per = self.seconds / max(self.pages, 1)
        return f"{name[:58]:58} {self.pages:5} {cer:7.2%} {wer:7.2%} {per:8.2f}"


def files(chosen: list[Path] | None) -> list[Path]:
    if chosen:
        return chosen
    found = sorted((REPO / "corpus" / "dhr").glob("*.pdf"))
    found += sorted((REPO / "tests" / "fixtures" / "realistic").glob("*.pdf"))
    if REAL.is_dir():
        found += sorted(REAL.glob("*.pdf"))
    else:
        print(f"note: {REAL} is absent: the published PDFs are left out", file=sys.stderr)
    return found


def is_layout(page: object, raw: str) -> bool:
    """A page of a ruled table or a contents page: its text layer's order need not be the printed lines'."""
    return has_rules(page) or len(_LEADER_RE.findall(raw)) >= 3


def evaluate(path: Path, pages: int, scan_dpi: int, dpis: list[int], tmp: Path) -> dict[tuple[int, bool], Score]:
    """Scores per (dpi, layout page or not)."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    count = len(reader.pages)
    first = 1 if count > 2 else 0
    chosen = list(range(first, min(count, first + pages)))
    scan = scan_pdf(path, tmp / f"{path.stem}.scan.pdf", chosen, dpi=scan_dpi)
    scores = {(dpi, layout): Score() for dpi in dpis for layout in (False, True)}
    for k, index in enumerate(chosen):
        raw = reader.pages[index].extract_text() or ""
        reference = normalise(raw)
        if not reference:
            continue
        layout = is_layout(reader.pages[index], raw)
        for dpi in dpis:
            start = time.perf_counter()
            lines = ocr_page(scan, k, dpi)
            seconds = time.perf_counter() - start
            read = normalise(" ".join(ln.text for ln in lines))
            scores[dpi, layout].add(Score(len(reference), edit_distance(read, reference), len(reference.split()),
                                  edit_distance(read.split(), reference.split()), 1, seconds))
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dpi", type=int, nargs="+", default=[200, 300], help="render resolutions for OCR")
    parser.add_argument("--pages", type=int, default=2, help="pages per file")
    parser.add_argument("--scan-dpi", type=int, default=200, help="resolution of the simulated scans")
    parser.add_argument("--files", type=Path, nargs="*", help="PDFs with a text layer (default: the test set)")
    args = parser.parse_args()
    check_available()
    rows: list[tuple[Path, dict[tuple[int, bool], Score]]] = []
    with tempfile.TemporaryDirectory(prefix="dhr-eval-ocr-") as tmp:
        for path in files(args.files):
            rows.append((path, evaluate(path, args.pages, args.scan_dpi, args.dpi, Path(tmp))))
    print(f"scans at {args.scan_dpi} dpi (grey JPEG q50, skew 0.5-1.5 degrees, noise); {args.pages} pages a file")
    for dpi in args.dpi:
        print(f"\nOCR render at {dpi} dpi")
        print(f"{'file':58} {'pages':>5} {'CER':>7} {'WER':>7} {'s/page':>8}")
        text, layout, total = Score(), Score(), Score()
        for path, scores in rows:
            both = Score()
            both.add(scores[dpi, False])
            both.add(scores[dpi, True])
            print(both.row(path.name))
            text.add(scores[dpi, False])
            layout.add(scores[dpi, True])
            total.add(both)
        print(text.row("ALL running-text pages"))
        print(layout.row("ALL ruled-table and contents pages"))
        print(total.row("ALL"))
        per = total.seconds / max(total.pages, 1)
        print(f"{60 / per:.1f} pages a minute" if per else "")

if __name__ == "__main__":
    main()
