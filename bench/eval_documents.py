"""Evaluate document metadata and structure against labelled documents, next to a naive baseline.

    .venv/bin/python bench/eval_documents.py [--errors] [--labels FILE --folder DIR]

Label sets (each skipped, with a note, when its files are absent):
  * real: bench/data/documents_labels.json for the published documents in ../shared/real;
  * realistic: tests/fixtures/realistic/labels.json (DHR-shaped Word files and their PDFs);
  * corpus: corpus/labels.json (the fictional sample corpus; title, body, area, date, type only);
  * any --labels FILE (with its documents in --folder DIR).
A labels file is either {"documents": [{"path": ..., ...}]} or {"<file name>": {...}}.

Per field, the share of documents right:
  * title: equal after normalising (case, quotes, punctuation, spacing), or the label contained in the
    detected title with at most 4 extra words ("Finance Monitoring Report" for "Finance Monitoring
    Report: As at November");
  * body: equal after normalising; area, date, type: equal (a null label is right only when nothing
    is detected, so a national document must get no area);
  * headings: of the labelled headings, the share some passage has as its section (normalised);
  * paragraphs: of the labelled paragraphs, the share found in a passage cited with the same printed
    number, the same page, and the labelled first words.
The baseline is what a file says about itself without reading it as a reader does: the PDF
properties' title, else the first line; no body or area; the first date in the text; the type from
words in the file name. It has no structure, so its heading and paragraph scores are not shown.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from ingest.extract import extract  # noqa: E402
from ingest.pipeline import read_document  # noqa: E402
from kb.dates import find_dates  # noqa: E402
from kb.errors import DHRError  # noqa: E402
from kb.models import Passage  # noqa: E402

SETS = {
    "real": (REPO / "bench" / "data" / "documents_labels.json", REPO.parent / "shared" / "real"),
    "realistic": (REPO / "tests" / "fixtures" / "realistic" / "labels.json", REPO / "tests" / "fixtures" / "realistic"),
    "corpus": (REPO / "corpus" / "labels.json", REPO / "corpus"),
}
FIELDS = ("title", "body", "area", "date", "type")
EXTRA_WORDS = 4
TYPE_WORDS = (  # the baseline's reading of a file name
    ("dhr_executive_summary", ("executive-summary", "executive_summary", "exec-summary")),
    ("dhr_overview_report", ("dhr",)),
    ("safeguarding_adult_review", ("sar_", "sar-", "safeguarding-adult")),
    ("inspection_report", ("inspection", "ofsted", "jtai")),
    ("committee_minutes", ("minutes", "agenda")),
    ("committee_report", ("report", "cabinet", "decision", "committee")),
    ("guidance", ("guidance", "advice")),
    ("research", ("research", "evaluation")),
)


def norm(text: str | None) -> str:
    text = (text or "").lower().replace("\u2019", "'").replace("\u2018", "'").replace("&", " and ")
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def title_right(label: str | None, found: str | None) -> bool:
    want, got = norm(label), norm(found)
    if want == got:
        return True
    return bool(want) and f" {want} " in f" {got} " and len(got.split()) - len(want.split()) <= EXTRA_WORDS


def value_right(name: str, label: str | None, found: str | None) -> bool:
    if name == "title":
        return title_right(label, found)
    if name == "body":
        return norm(label) == norm(found)
    return (label or None) == (found or None) if name != "area" else norm(label) == norm(found)


def heading_found(heading: str, passages: list[Passage]) -> bool:
    sections = {norm(p.section) for p in passages if p.section}
    return norm(heading) in sections


def _covers(label: str, number: str) -> bool:
    """A passage's paragraph label names the number: '4.2', or a joined run '4.1\u20134.3' that holds it."""
    if label == number:
        return True
    lo, dash, hi = label.partition("\u2013")
    key = lambda n: tuple(int(x) for x in re.findall(r"\d+", n))  # noqa: E731
    return bool(dash) and bool(key(number)) and key(lo) <= key(number) <= key(hi) and len(key(lo)) == len(key(number))


def paragraph_found(label: dict, passages: list[Passage]) -> bool:
    """The labelled paragraph is in a passage cited with its number (alone or in a joined run) and page."""
    starts = norm(label["starts"])
    for p in passages:
        if p.page != label.get("page") or not _covers((p.paragraph or "").strip(), label["number"]):
            continue
        if starts in norm(p.text):
            return True
    return False


def baseline(path: Path) -> dict[str, str | None]:
    extracted = extract(path)
    lines = [b.text.strip() for b in extracted.blocks if b.text.strip()]
    dates = find_dates("\n".join(lines))
    name = path.name.lower()
    kind = next((t for t, words in TYPE_WORDS if any(w in name for w in words)), "other")
    return {
        "title": extracted.title_hint or (lines[0] if lines else None),
        "body": None,
        "area": None,
        "date": dates[0][1] if dates else None,
        "type": kind,
    }


@dataclass
class Score:
    right: int = 0
    total: int = 0

    def add(self, ok: bool, n: int = 1) -> None:
        self.right += int(ok) if n == 1 else 0
        self.total += n

    def __str__(self) -> str:
        return f"{self.right}/{self.total} {100 * self.right / self.total:5.1f}%" if self.total else "n/a"


@dataclass
class Result:
    base: dict[str, Score] = field(default_factory=lambda: {f: Score() for f in FIELDS})
    found: dict[str, Score] = field(default_factory=lambda: {f: Score() for f in (*FIELDS, "headings", "paragraphs")})
    errors: list[str] = field(default_factory=list)


def load_labels(path: Path) -> list[dict]:
    data = json.loads(path.read_text("utf-8"))
    if isinstance(data, dict) and "documents" in data:
        return list(data["documents"])
    return [{"path": name, **label} for name, label in data.items() if isinstance(label, dict)]


def evaluate(labels: list[dict], folder: Path) -> Result:
    result = Result()
    for label in labels:
        path = folder / label["path"]
        if not path.is_file():
            result.errors.append(f"{label['path']}: file not found")
            continue
        try:
            meta, passages, _ = read_document(path)
            base = baseline(path)
        except DHRError as exc:
            result.errors.append(f"{label['path']}: {exc}")
            continue
        found = {"title": meta.title, "body": meta.body, "area": meta.area, "date": meta.date, "type": meta.doc_type}
        for name in FIELDS:
            if name not in label:
                continue
            ok = value_right(name, label[name], found[name])
            result.found[name].add(ok)
            result.base[name].add(value_right(name, label[name], base[name]))
            if not ok:
                result.errors.append(f"{label['path']}: {name} {found[name]!r}, label {label[name]!r}")
        for heading in label.get("headings", []):
            ok = heading_found(heading, passages)
            result.found["headings"].add(ok)
            if not ok:
                result.errors.append(f"{label['path']}: heading not found: {heading!r}")
        for para in label.get("paragraphs", []):
            ok = paragraph_found(para, passages)
            result.found["paragraphs"].add(ok)
            if not ok:
                result.errors.append(f"{label['path']}: paragraph not found: {para}")
    return result


def report(name: str, result: Result, errors: bool) -> None:
    print(f"\n== {name}")
    print(f"{'field':12} {'baseline':>14} {'detected':>14}")
    for f in (*FIELDS, "headings", "paragraphs"):
        base = str(result.base[f]) if f in result.base else "n/a"
        print(f"{f:12} {base:>14} {result.found[f]!s:>14}")
    if errors and result.errors:
        print("misses:")
        for line in result.errors:
            print("  " + line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--errors", action="store_true", help="list every miss")
    parser.add_argument("--labels", type=Path, help="a further labels file")
    parser.add_argument("--folder", type=Path, help="where the further labels file's documents are")
    args = parser.parse_args()
    sets = dict(SETS)
    if args.labels:
        sets[args.labels.stem] = (args.labels, args.folder or args.labels.parent)
    for name, (labels_path, folder) in sets.items():
        if not labels_path.is_file() or not folder.is_dir():
            print(f"\n== {name}: skipped ({labels_path if not labels_path.is_file() else folder} is not there)")
            continue
        start = time.perf_counter()
        result = evaluate(load_labels(labels_path), folder)
        report(f"{name} ({time.perf_counter() - start:.1f} s)", result, args.errors)


if __name__ == "__main__":
    main()
