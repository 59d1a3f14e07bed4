"""Evaluate the theme tagger against two labelled sets of passages.

    .venv/bin/python bench/eval_themes.py [--set current|real|both] [--split dev|test|test8|all]
                                          [--errors] [--theme ID] [--hide-test] [--agreement]

* current: tests/data/theme_labels.jsonl, mostly passages written in the style of our fictional corpus,
  and seed paragraphs;
* real: tests/data/theme_labels_real.jsonl, real wording only: passages of the published documents in
  ../shared/real (as `dhr ingest` cuts them), unused seed paragraphs, the realistic DHRs of
  tests/fixtures/realistic, and short quotes of public DHR pages and national analyses, each with its
  URL. Many are hard negatives: agency lists, terms-of-reference questions, committee business.

Both sets are labelled by tests/data/THEME_LABELLING.md (what counts as evidence of each theme, what does
not); every change to an existing label is recorded, with the guide's rule, in
tests/data/theme_labels_real_changes.jsonl.

Each passage is in a split: "dev" (rules may be written from its errors) or a held-out split, run once at the
end of a piece of work: "test" in the current set; "test8" in the real set, quotes of public pages labelled
blind (before they were tagged). A held-out split is spent once rules have been measured on it for a round:
the real set's "test" to "test5" became dev in taxonomy 10, "test6" and "test7" in taxonomy 11 (each such row
keeps its old split in "was"), after their last figures were recorded in the CHANGELOG. Every held-out split a set
has is reported on its own line. --hide-test prints no figure that includes a held-out split.

--agreement prints how far a second annotator, who labelled 339 of the real rows by the same guide without
seeing the first labels (tests/data/theme_labels_real_second.jsonl: 160 drawn at random, and the 179 of test8,
whose 24 disagreements were then adjudicated by the guide), agrees with the first, and the tagger on the same
rows: the first labels are no perfect truth, and this is the ceiling a tagger can be held to.

Prints, per theme, the gold count and precision / recall / F1 of the tagger and of a keyword-only
baseline (case-insensitive substring match of every phrase of the theme in the taxonomy, no
negation or context handling), then micro and macro F1 of both for the chosen split, and a summary
line for each split.

Seed, real and fixture passages are stored as references ({"source": "seed:<file>", "paragraph_index": N,
"starts_with": "..."}); their text is read at run time from ../shared/seeds (paragraphs are
separated by blank lines); real and fixture passages as {"source": "real:<file>" or
"fixture:realistic/<file>", "page": P, "ordinal": N, "starts_with": "..."}, found again among the
passages the project's readers cut from the file, and tagged with their section kind, as at ingest.
If a folder is absent its passages are skipped, and the script says so.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from kb.tagger import ThemeTagger  # noqa: E402
from kb.taxonomy import Taxonomy  # noqa: E402

LABELS = REPO / "tests" / "data" / "theme_labels.jsonl"
REAL_LABELS = REPO / "tests" / "data" / "theme_labels_real.jsonl"
SECOND_LABELS = REPO / "tests" / "data" / "theme_labels_real_second.jsonl"
SEEDS = REPO.parent / "shared" / "seeds"
REAL = REPO.parent / "shared" / "real"
FIXTURES = REPO / "tests" / "fixtures"


def paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs (a line of only whitespace counts as blank)."""
    out: list[str] = []
    cur: list[str] = []
    for line in text.splitlines():
        if line.strip():
            cur.append(line)
        elif cur:
            out.append("\n".join(cur).strip())
            cur = []
    if cur:
        out.append("\n".join(cur).strip())
    return out


def _seed_text(rec: dict, seeds_dir: Path, cache: dict[str, list[str]]) -> str:
    name = rec["source"].split(":", 1)[1]
    if name not in cache:
        cache[name] = paragraphs((seeds_dir / name).read_text(encoding="utf-8"))
    paras = cache[name]
    idx = rec.get("paragraph_index")
    start = " ".join(rec.get("starts_with", "").split())
    if idx is not None and idx < len(paras) and " ".join(paras[idx].split()).startswith(start):
        return paras[idx]
    for p in paras:  # the file changed shape: find the paragraph by its opening words
        if start and " ".join(p.split()).startswith(start):
            return p
    raise ValueError(f"{rec['id']}: paragraph not found in {name}")


def _words(text: str) -> str:
    return " ".join(text.split())


def _document_passage(rec: dict, path: Path, cache: dict[str, list]) -> tuple[str, str]:
    """The text and section kind of the passage ``rec`` points at, cut from ``path`` as at ingest."""
    from ingest.extract import extract
    from ingest.passages import cut_passages
    from ingest.structure import find_structure

    key = str(path)
    if key not in cache:
        cache[key] = cut_passages(find_structure(extract(path, ocr=False).blocks))
    passages = cache[key]
    start = _words(rec["starts_with"])
    by_ordinal = [p for p in passages if p.ordinal == rec.get("ordinal") and _words(p.text).startswith(start)]
    found = by_ordinal or [p for p in passages if p.page == rec.get("page") and _words(p.text).startswith(start)]
    if not found:  # the reader changed how it cuts: find the passage by its opening words alone
        found = [p for p in passages if _words(p.text).startswith(start)]
    if not found:  # ... or the passage that now holds them (a heading found since moved the cut)
        found = [p for p in passages if start in _words(p.text)]
    if not found:
        raise ValueError(f"{rec['id']}: passage not found in {path.name}")
    return found[0].text, found[0].section_kind


def load_labels(
    path: Path = LABELS, seeds_dir: Path = SEEDS, real_dir: Path = REAL, fixtures_dir: Path = FIXTURES
) -> tuple[list[dict], int]:
    """Labelled passages with their text (and section kind, where known); also the number skipped
    because the folder they come from is absent."""
    records: list[dict] = []
    skipped = 0
    cache: dict[str, list[str]] = {}
    docs: dict[str, list] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        kind, _, name = rec["source"].partition(":")
        if kind == "seed":
            if not (seeds_dir / name).is_file():
                skipped += 1
                continue
            rec = {**rec, "text": _seed_text(rec, seeds_dir, cache)}
        elif kind in {"real", "fixture"}:
            file = (real_dir if kind == "real" else fixtures_dir) / name
            if not file.is_file():
                skipped += 1
                continue
            text, section_kind = _document_passage(rec, file, docs)
            rec = {**rec, "text": text, "section_kind": section_kind}
        records.append(rec)
    return records, skipped


class KeywordBaseline:
    """Case-insensitive substring match of each theme's phrases; no negation, no context."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.phrases = {t.id: [p.lower() for p in t.all_phrases()] for t in taxonomy}

    def tag(self, text: str) -> list[str]:
        low = text.lower()
        return sorted(tid for tid, ps in self.phrases.items() if any(p in low for p in ps))


@dataclass
class Scores:
    tp: dict[str, int] = field(default_factory=dict)
    fp: dict[str, int] = field(default_factory=dict)
    fn: dict[str, int] = field(default_factory=dict)
    gold: dict[str, int] = field(default_factory=dict)

    def add(self, gold: set[str], pred: set[str]) -> None:
        for t in gold | pred:
            self.gold[t] = self.gold.get(t, 0) + (t in gold)
            if t in gold and t in pred:
                self.tp[t] = self.tp.get(t, 0) + 1
            elif t in pred:
                self.fp[t] = self.fp.get(t, 0) + 1
            else:
                self.fn[t] = self.fn.get(t, 0) + 1

    def prf(self, theme: str | None = None) -> tuple[float, float, float]:
        if theme is None:
            tp, fp, fn = sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values())
        else:
            tp, fp, fn = self.tp.get(theme, 0), self.fp.get(theme, 0), self.fn.get(theme, 0)
        p = tp / (tp + fp) if tp + fp else (1.0 if not fn else 0.0)
        r = tp / (tp + fn) if tp + fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f

    def micro_f1(self) -> float:
        return self.prf()[2]

    def macro_f1(self) -> float:
        """Mean F1 over the themes that have at least one gold example."""
        themes = [t for t, n in self.gold.items() if n]
        return sum(self.prf(t)[2] for t in themes) / len(themes) if themes else 0.0


@dataclass
class Result:
    split: str
    n: int
    tagger: Scores
    baseline: Scores
    errors: list[tuple[str, str, str, str]]  # (passage id, theme, "FP"|"FN", text)


def evaluate(
    split: str = "all", tagger: ThemeTagger | None = None, records: list[dict] | None = None
) -> Result:
    if records is None:
        records, _ = load_labels()
    tagger = tagger or ThemeTagger()
    baseline = KeywordBaseline(tagger.taxonomy)
    chosen = [r for r in records if split == "all" or r.get("split", "dev") == split]
    ts, bs = Scores(), Scores()
    errors = []
    tagged = tagger.tag_many([r["text"] for r in chosen], section_kinds=[r.get("section_kind") for r in chosen])
    for rec, mentions in zip(chosen, tagged, strict=True):
        gold = set(rec["themes"])
        pred = set(tagger.present_ids(mentions))
        ts.add(gold, pred)
        bs.add(gold, set(baseline.tag(rec["text"])))
        for t in sorted(pred - gold):
            errors.append((rec["id"], t, "FP", rec["text"]))
        for t in sorted(gold - pred):
            errors.append((rec["id"], t, "FN", rec["text"]))
    return Result(split, len(chosen), ts, bs, errors)


def _table(res: Result, taxonomy: Taxonomy) -> str:
    lines = [
        f"split={res.split}  passages={res.n}",
        f"{'theme':30} {'gold':>4} | {'tagger P':>8} {'R':>5} {'F1':>5} "
        f"| {'keyword P':>9} {'R':>5} {'F1':>5}",
        "-" * 84,
    ]
    for t in taxonomy.ids():
        g = res.tagger.gold.get(t, 0)
        if not g and not res.tagger.fp.get(t) and not res.baseline.fp.get(t):
            continue
        tp, tr, tf = res.tagger.prf(t)
        bp, br, bf = res.baseline.prf(t)
        flag = "  <F1" if g >= 10 and tf < 0.70 else ""
        flag += "  <P" if g >= 10 and tp < 0.80 else ""
        lines.append(f"{t:30} {g:>4} | {tp:8.2f} {tr:5.2f} {tf:5.2f} | {bp:9.2f} {br:5.2f} {bf:5.2f}{flag}")
    lines.append("-" * 84)
    for name, s in (("tagger", res.tagger), ("keyword", res.baseline)):
        p, r, f = s.prf()
        lines.append(f"{name:8} micro P={p:.3f} R={r:.3f} F1={f:.3f}   macro F1={s.macro_f1():.3f}")
    tm, bm = res.tagger.micro_f1(), res.baseline.micro_f1()
    lines.append(
        f"gain     micro F1 {tm - bm:+.3f} (x{tm / bm:.2f})   macro F1 "
        f"{res.tagger.macro_f1() - res.baseline.macro_f1():+.3f}"
        if bm
        else "gain     n/a"
    )
    return "\n".join(lines)


def agreement(records: list[dict], second: dict[str, list[str]], tagger: ThemeTagger) -> tuple[Scores, Scores]:
    """The second annotator's labels and the tagger's, each scored against the first labels, on the rows the
    second annotator labelled."""
    rows = [r for r in records if r["id"] in second]
    tagged = tagger.tag_many([r["text"] for r in rows], section_kinds=[r.get("section_kind") for r in rows])
    annotator, machine = Scores(), Scores()
    for rec, mentions in zip(rows, tagged, strict=True):
        gold = set(rec["themes"])
        annotator.add(gold, set(second[rec["id"]]))
        machine.add(gold, set(tagger.present_ids(mentions)))
    return annotator, machine


def load_second(path: Path = SECOND_LABELS) -> dict[str, list[str]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {r["id"]: r["themes"] for r in rows}


def weak_precision(res: Result, floor: float = 0.80, min_gold: int = 10) -> dict[str, float]:
    """Themes with at least ``min_gold`` gold examples whose precision is below ``floor``."""
    return {
        t: round(res.tagger.prf(t)[0], 3)
        for t, n in res.tagger.gold.items()
        if n >= min_gold and res.tagger.prf(t)[0] < floor
    }


SETS = {"current": LABELS, "real": REAL_LABELS}
HELD_OUT = ("test", "test2", "test3", "test4", "test5", "test6", "test7", "test8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", choices=("current", "real", "both"), default="both")
    ap.add_argument("--split", choices=("dev", *HELD_OUT, "all"), default="all")
    ap.add_argument("--errors", action="store_true", help="list false positives and negatives")
    ap.add_argument("--theme", help="only list errors for this theme id")
    ap.add_argument("--agreement", action="store_true",
                    help="also score a second annotator's labels of 339 real rows, and the tagger on the same rows")
    ap.add_argument(
        "--hide-test",
        action="store_true",
        help="print no figure that includes the test split (while working on rules: run it once, at the end)",
    )
    args = ap.parse_args(argv)
    if args.hide_test and args.split != "dev":
        ap.error("--hide-test goes with --split dev")

    t0 = time.perf_counter()
    tagger = ThemeTagger()
    build = time.perf_counter() - t0
    taxonomy = tagger.taxonomy
    print(f"taxonomy v{taxonomy.version}: {len(taxonomy)} themes; tagger built in {build:.2f}s")
    for name in ("current", "real") if args.set == "both" else (args.set,):
        records, skipped = load_labels(SETS[name])
        print()
        print(f"=== {name} set: {SETS[name].relative_to(REPO)}, {len(records)} labelled passages")
        if skipped:
            print(f"note: {skipped} passages skipped: their folder ({SEEDS} or {REAL}) was not found")
        t0 = time.perf_counter()
        res = evaluate(args.split, tagger, records)
        elapsed = time.perf_counter() - t0
        print(_table(res, taxonomy))
        print(f"(evaluated in {elapsed:.2f}s)")
        held_out = tuple(s for s in HELD_OUT if any(r.get("split") == s for r in records))
        for split in ("dev",) if args.hide_test else ("dev", *held_out, "all"):
            r = res if split == args.split else evaluate(split, tagger, records)
            print(
                f"summary {name:7} {split:5} n={r.n:3}  tagger micro F1={r.tagger.micro_f1():.3f} "
                f"macro F1={r.tagger.macro_f1():.3f}"
                f" | keyword micro F1={r.baseline.micro_f1():.3f} macro F1={r.baseline.macro_f1():.3f}"
            )
        weak = weak_precision(res)
        print(f"themes with >= 10 gold below 0.80 precision ({args.split}): {weak or 'none'}")
        if args.agreement and name == "real":
            second = load_second()
            annotator, machine = agreement(records, second, tagger)
            p, r, f = annotator.prf()
            print(f"second annotator vs first labels ({sum(1 for x in records if x['id'] in second)} rows): "
                  f"P={p:.3f} R={r:.3f} F1={f:.3f}")
            p, r, f = machine.prf()
            print(f"tagger vs first labels, same rows: P={p:.3f} R={r:.3f} F1={f:.3f}")
        if args.errors:
            print()
            for pid, theme, kind, text in res.errors:
                if args.theme and theme != args.theme:
                    continue
                print(f"{kind} {theme:28} {pid}: {' '.join(text.split())[:220]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
