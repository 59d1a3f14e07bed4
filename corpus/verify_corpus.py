#!/usr/bin/env python3
"""Check the fictional sample corpus against corpus/labels.json.

    .venv/bin/python corpus/verify_corpus.py           # checks; exit status 1 on any failure
    .venv/bin/python corpus/verify_corpus.py --show    # also print page counts and page-2 excerpts

Uses only pypdf, python-docx and beautifulsoup4 (html.parser). It is a sanity check of the
labels, not part of the product.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def norm(s: str) -> str:
    s = s.replace("\u00a0", " ")
    return re.sub(r"\s+", " ", s).strip()


def dehyphenate(s: str) -> str:
    # the build only ever breaks words at line ends with "-\n" where it hyphenated them
    return re.sub(r"(\w)-\n(\w)", r"\1\2", s)


def pdf_pages(path: Path) -> list[str]:
    import pypdf

    return [p.extract_text() or "" for p in pypdf.PdfReader(str(path)).pages]


def docx_text(path: Path) -> str:
    import docx

    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def html_main_text(path: Path) -> tuple[str, str]:
    from bs4 import BeautifulSoup

    raw = path.read_text(encoding="utf-8")
    soup = BeautifulSoup(raw, "html.parser")
    main = soup.find(id="modgov")
    return raw, main.get_text("\n") if main else ""


def main() -> int:
    show = "--show" in sys.argv
    labels = json.loads((HERE / "labels.json").read_text(encoding="utf-8"))
    theme_ids = set(labels["theme_ids"])
    failures: list[str] = []

    def check(cond: bool, msg: str) -> None:
        if not cond:
            failures.append(msg)

    for doc in labels["documents"]:
        path = HERE / doc["path"]
        check(path.exists(), f"{doc['path']}: missing")
        if not path.exists():
            continue
        pages: list[str] | None = None
        if doc["format"] == "pdf":
            pages = pdf_pages(path)
            # body text: drop the running header (first line) and footer (last line) of every page
            text = "\n".join("\n".join(p.split("\n")[1:-1]) for p in pages)
            check(
                len(pages) == doc["page_count"],
                f"{doc['path']}: page_count {len(pages)} != {doc['page_count']}",
            )
            for i, p in enumerate(pages, 1):
                check(doc["running_header"] in p, f"{doc['path']}: header missing on page {i}")
                check(f"Page {i} of {len(pages)}" in p, f"{doc['path']}: footer missing on page {i}")
            if show:
                print(f"--- {doc['path']}: {len(pages)} pages; page 2 starts:")
                print(pages[1][:300] if len(pages) > 1 else "(no page 2)")
        elif doc["format"] == "docx":
            text = docx_text(path)
            if show:
                print(f"--- {doc['path']}: docx, {len(text.split())} words; starts:")
                print(text[:300])
        elif doc["format"] == "html":
            raw, text = html_main_text(path)
            for m in doc.get("boilerplate_markers", []):
                check(m in raw, f"{doc['path']}: boilerplate marker not in file: {m!r}")
                check(m not in text, f"{doc['path']}: boilerplate marker inside main content: {m!r}")
        else:
            text = path.read_text(encoding="utf-8")
            for m in doc.get("boilerplate_markers", []):
                check(m in text, f"{doc['path']}: marker not in file: {m!r}")

        flat = norm(text)
        flat_dh = norm(dehyphenate(text))
        check("FICTIONAL SAMPLE DOCUMENT" in flat[:400], f"{doc['path']}: fictional notice not near the top")
        check(norm(doc["date_as_printed"]) in flat, f"{doc['path']}: date_as_printed not found")
        for h in doc["section_headings"]:
            check(norm(h) in flat, f"{doc['path']}: heading not found: {h!r}")
        for sec in doc.get("sections", []):
            if pages and sec.get("page"):
                check(
                    norm(sec["heading"]) in norm(pages[sec["page"] - 1]),
                    f"{doc['path']}: heading {sec['heading']!r} not on page {sec['page']}",
                )
        for rec in doc.get("recommendations", []):
            check(
                norm(rec["number"]) in flat,
                f"{doc['path']}: recommendation number {rec['number']!r} not found",
            )
            check(
                norm(rec["text"]) in flat_dh, f"{doc['path']}: recommendation {rec['number']} text not found"
            )
            if pages and rec.get("page"):
                pg = norm(dehyphenate(pages[rec["page"] - 1]))
                check(
                    norm(rec["number"]) in pg and norm(rec["text"])[:60] in pg,
                    f"{doc['path']}: recommendation {rec['number']} not on page {rec['page']}",
                )
        for h in doc.get("hyphenated_words", []):
            pg = pages[h["page"] - 1] if pages else ""
            check(
                f"{h['line_end']}\n{h['next_line_start']}" in pg,
                f"{doc['path']}: hyphenation {h['line_end']}|{h['next_line_start']} not on page {h['page']}",
            )
        for t in doc["themes"] + doc["negated_themes"] + doc.get("incidental_mentions", []):
            check(t in theme_ids, f"{doc['path']}: unknown theme {t}")
        check(
            not set(doc["themes"]) & set(doc["negated_themes"]),
            f"{doc['path']}: theme both present and negated",
        )
        if doc.get("related_dhr"):
            check((HERE / doc["related_dhr"]).exists(), f"{doc['path']}: related_dhr missing")
        if show:
            print(f"    {doc['path']}: {len(flat.split())} words extracted")

    # each theme should occur in several documents
    counts = {t: 0 for t in theme_ids}
    for doc in labels["documents"]:
        for t in doc["themes"]:
            counts[t] += 1
    if show:
        print("theme document counts:", json.dumps(dict(sorted(counts.items(), key=lambda kv: kv[1]))))

    for f in failures:
        print("FAIL:", f)
    print(f"{len(labels['documents'])} documents checked, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
