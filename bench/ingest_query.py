"""Ingest and query speed on the sample corpus for each embedding backend, side by side, in one run.

Run from the repository root:  .venv/bin/python bench/ingest_query.py [--backends torch,onnx,onnx-int8] [PATH ...]

For each backend (torch = sentence-transformers; onnx = ONNX Runtime fp32, the same vectors; onnx-int8 =
dynamically quantised weights) on the same files: model load; ingest throughput (pages/s, passages/s) split
into extraction+tagging, embedding (and the model's encode within it), waiting for the reader and storing
(extraction and tagging overlap embedding, so the parts add up to more than the wall time); a bare encode
of the same texts the ingest embedded (passages and answer sentences together) and the ingest's wall time
as a ratio of it (goal <= 1.1x); warm `search` latency p50/p95 as `dhr ask` runs it; a cold-process
`dhr ask` (python -m cli ask, so this checkout is measured).
Where the ingest's time goes: a table per backend of each stage's wall and CPU seconds (the thread doing it),
the whole ingest's process CPU, and the ingest's own encode calls re-run alone (the same batches, nothing
else running) next to the bare encode of all the texts in one call: wall/bare is then (batched encode /
bare: what embedding in batches of files costs, as padding) x (ingest / batched encode: the pipeline's own
cost). `--repeat N` ingests (and encodes) N times and prints medians (the queries run once), and each
repeat's wall/bare with the share of the CPUs other processes used meanwhile; `--quiet-wait S` waits up to S
seconds before each repeat for other processes to use under 10% of the CPUs (wall times mean little otherwise).
Then the same figures relative to the torch backend measured in this run, and to the 26.3 passages/s the
torch backend managed before this work (issue 14; an absolute figure from another run, so only a guide).
The machine is shared: the load average is printed before each backend, and ratios within a run are the
figures to trust.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BEFORE_PASSAGES_PER_S = 26.3  # torch backend, serial pipeline: issue 14's measurement on this machine
QUERIES = [
    "missed chances to share information between the GP and the police",
    "no referral was made to MARAC",
    "coercive control and economic abuse",
    "alcohol and mental health of the perpetrator",
    "how much does each partner contribute to the domestic abuse contract",
    "lessons learned about professional curiosity",
    "children present during incidents",
    "risk assessment DASH not completed",
    "recommendations for housing and safe accommodation",
    "victim was isolated during COVID-19 restrictions",
]


@dataclass
class Run:
    backend: str
    load_s: float
    pages: int
    passages: int
    texts: int
    wall_s: float
    extract_tag_s: float
    embed_s: float
    encode_s: float
    wait_s: float
    store_s: float
    bare_s: float
    p50_ms: float
    p95_ms: float
    cold_ask_s: float
    cold_ask_cpu_s: float
    load_avg: float
    cpu_s: float = 0.0  # the ingest's process CPU (all threads)
    batched_s: float = 0.0  # the ingest's encode calls re-run alone: wall
    batched_cpu_s: float = 0.0
    bare_cpu_s: float = 0.0
    stages: dict[str, tuple[float, float]] = dataclasses.field(default_factory=dict)  # name -> (wall, CPU)
    spread: tuple[float, float] = (0.0, 0.0)  # lowest and highest wall/bare of the repeats
    others: float = 0.0  # share of the CPUs other processes used during the ingest and the bare encode
    lines: list[str] = dataclasses.field(default_factory=list)  # one per repeat

    @property
    def passages_per_s(self) -> float:
        return self.passages / self.wall_s


def texts_embedded(catalogue) -> list[str]:  # noqa: ANN001 - kb.catalogue.Catalogue
    """What an ingest of this catalogue's passages embeds: each distinct passage as the pipeline hands it
    to the model (with its document's title and section heading: ingest.pipeline.embedding_text), then
    the passages' answer sentences."""
    from types import SimpleNamespace

    from ingest.pipeline import embedding_text
    from kb.sentences import answer_sentences

    first: dict[str, str] = {}  # passage id -> embedded text, from the first document that holds it
    for doc in catalogue.documents():
        meta = SimpleNamespace(title=doc.title)
        for o in catalogue.occurrences(doc.doc_id):
            passage = SimpleNamespace(text=o.text, section=o.source.section)
            first.setdefault(o.passage_id, embedding_text(meta, passage))  # type: ignore[arg-type]
    passages = catalogue.all_passage_texts()
    return list(first.values()) + [s for text in passages for s in answer_sentences(text)]


def cold_ask(db: Path, backend: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of a new `dhr ask` process, best of two. CPU time (user + system, all
    threads) is what contention inflates least: on an idle machine the wall time is close to it."""
    import resource

    cmd = [sys.executable, "-m", "cli", "ask", QUERIES[0], "--db", str(db), "--json"]
    env = {**os.environ, "DHR_BACKEND": backend}
    walls, cpus = [], []
    for _ in range(2):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT, env=env)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return min(walls), min(cpus)


def stage_table(t) -> dict[str, tuple[float, float]]:  # noqa: ANN001 - ingest.pipeline.Timings
    nan = float("nan")
    return {
        "read: extract, structure, passages, metadata (reader)": (t.read, t.read_cpu),
        "tag themes (reader)": (t.tag, t.tag_cpu),
        "checks: hash, catalogue lookups (main)": (t.checks, t.checks_cpu),
        "embed less encode: vector lookups, sentences (main)": (t.embed - t.encode, t.embed_prep_cpu),
        "encode: the model (its own threads)": (t.encode, nan),
        "store: catalogue, FTS5 (main)": (t.store_catalogue, t.store_catalogue_cpu),
        "store: Chroma (main)": (t.store_vectors, t.store_vectors_cpu),
        "waiting for the reader (main)": (t.waiting, nan),
    }


def median_run(runs: list[Run]) -> Run:
    """Each figure the median over the repeats (the stage table stage by stage)."""
    med: dict[str, object] = {}
    for f in dataclasses.fields(Run):
        values = [getattr(r, f.name) for r in runs]
        if isinstance(values[0], float):
            med[f.name] = statistics.median(values)
        elif f.name == "stages":
            med[f.name] = {k: tuple(statistics.median(v[k][i] for v in values) for i in (0, 1)) for k in values[0]}
        else:
            med[f.name] = values[-1]
    ratios = [r.wall_s / r.bare_s for r in runs]
    med["spread"] = (min(ratios), max(ratios))
    med["lines"] = [f"repeat {i + 1}: ingest {r.wall_s:.2f}s ({r.passages / r.wall_s:.1f} passages/s), bare "
                    f"{r.bare_s:.2f}s, wall/bare {r.wall_s / r.bare_s:.2f}x, batched/bare "
                    f"{r.batched_s / r.bare_s:.2f}x; other processes used {r.others:.0%} of the CPUs"
                    for i, r in enumerate(runs)]
    return Run(**med)  # type: ignore[arg-type]


def cpu_jiffies() -> tuple[int, int, int]:
    """(busy jiffies of the whole machine, all jiffies, jiffies used by this process incl. threads)."""
    with open("/proc/stat") as fh:
        fields = [int(x) for x in fh.readline().split()[1:]]
    with open("/proc/self/stat") as fh:
        own = fh.read().rsplit(")", 1)[1].split()
    return sum(fields) - fields[3] - fields[4], sum(fields), int(own[11]) + int(own[12])


def others_share(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """Share of the machine's CPUs other processes used between two `cpu_jiffies()` (0..1)."""
    return max(0.0, (b[0] - a[0] - (b[2] - a[2])) / max(b[1] - a[1], 1))


def wait_until_quiet(limit_s: float, threshold: float = 0.10) -> None:
    start = time.perf_counter()
    while time.perf_counter() - start < limit_s:
        a = cpu_jiffies()
        time.sleep(2)
        if others_share(a, cpu_jiffies()) < threshold:
            return


def measure(backend: str, paths: list[Path], tmp: Path, repeat: int = 1, quiet_wait: float = 0.0) -> Run:
    from index.embedder import Embedder
    from index.search import search
    from index.vectors import VectorStore
    from ingest.pipeline import Ingestor
    from kb.catalogue import Catalogue
    from kb.config import Settings
    from kb.query import Query
    from kb.tagger import ThemeTagger

    load_avg = os.getloadavg()[0]
    embedder = Embedder(backend=backend)
    embedder.encode(["warm up"])  # the model load is reported on its own, not counted as ingest
    tagger = ThemeTagger()
    tagger.tag_many(["warm up the tagger"])

    def ingest(name: str):  # noqa: ANN202
        settings = Settings.resolve(db=tmp / f"{backend}-{name}")
        settings.ensure_dirs()
        catalogue = Catalogue(settings.catalogue_path)
        catalogue.record_vector_space(embedder.vector_space)
        vectors = VectorStore(settings)
        start = time.perf_counter()
        report = Ingestor(catalogue, vectors, embedder, tagger).run(paths)
        return settings, catalogue, vectors, report, time.perf_counter() - start

    ingest("scratch")  # warms every code path, so the timed ingest and the bare encode pay no start-up
    encode = embedder.encode
    repeats = []
    for i in range(repeat):
        calls: list[list[str]] = []
        if quiet_wait:
            wait_until_quiet(quiet_wait)
        jiffies = cpu_jiffies()

        def recorded(texts, *a, calls=calls, **k):  # noqa: ANN001, ANN002, ANN003, ANN202 - Embedder.encode's
            calls.append(list(texts))
            return encode(texts, *a, **k)

        embedder.encode = recorded  # type: ignore[method-assign]
        cpu = time.process_time()
        settings, catalogue, vectors, report, wall = ingest(f"kb{i}")
        cpu = time.process_time() - cpu
        embedder.encode = encode  # type: ignore[method-assign]
        t = report.timings
        texts = texts_embedded(catalogue)
        assert sorted(texts) == sorted(x for c in calls for x in c), "the bare encode must be of the ingest's texts"
        start, start_cpu = time.perf_counter(), time.process_time()
        for c in calls:
            embedder.encode(c)
        batched, batched_cpu = time.perf_counter() - start, time.process_time() - start_cpu
        start, start_cpu = time.perf_counter(), time.process_time()
        embedder.encode(texts)
        bare, bare_cpu = time.perf_counter() - start, time.process_time() - start_cpu
        repeats.append((t, wall, cpu, batched, batched_cpu, bare, bare_cpu, others_share(jiffies, cpu_jiffies())))

    latencies = []
    for _ in range(3):
        for q in QUERIES:
            start = time.perf_counter()
            search(Query(q), catalogue, vectors, embedder)
            latencies.append((time.perf_counter() - start) * 1000)
    latencies.sort()
    cold = cold_ask(settings.db, backend)
    return median_run([
        Run(backend, embedder.load_seconds, t.pages, t.passages, len(texts), wall, t.extract_tag, t.embed,
            t.encode, t.waiting, t.store, bare, statistics.median(latencies),
            latencies[int(0.95 * (len(latencies) - 1))], *cold, load_avg, cpu, batched, batched_cpu, bare_cpu,
            stage_table(t), others=others)
        for t, wall, cpu, batched, batched_cpu, bare, bare_cpu, others in repeats
    ])


def report(runs: list[Run], paths: list[Path]) -> None:
    print(f"Corpus: {', '.join(map(str, paths))}: {runs[0].pages} pages, {runs[0].passages} passages, "
          f"{runs[0].texts} texts embedded (passages + answer sentences); {os.cpu_count()} CPUs")
    head = (f"{'backend':<10} {'load':>6} {'pass/s':>7} {'pages/s':>7} {'wall':>6} {'extr+tag':>8} {'embed':>6} "
            f"{'encode':>6} {'wait':>5} {'store':>6} {'bare enc':>8} {'wall/bare':>9} {'ask p50':>7} {'ask p95':>7} "
            f"{'cold ask':>8} "
            f"{'load avg':>8}")
    print(head)
    for r in runs:
        print(f"{r.backend:<10} {r.load_s:5.1f}s {r.passages_per_s:7.1f} {r.pages / r.wall_s:7.1f} {r.wall_s:5.1f}s "
              f"{r.extract_tag_s:7.1f}s {r.embed_s:5.1f}s {r.encode_s:5.1f}s {r.wait_s:4.1f}s {r.store_s:5.1f}s "
              f"{r.bare_s:7.1f}s "
              f"{r.wall_s / r.bare_s:8.2f}x "
              f"{r.p50_ms:5.0f}ms {r.p95_ms:5.0f}ms {r.cold_ask_s:7.2f}s {r.cold_ask_cpu_s:5.2f}s "
              f"{r.load_avg:8.1f}")
    print("  wall/bare: ingest wall time / a bare encode of the same texts on that backend (goal <= 1.1x);\n"
          "  extraction runs on a reader thread ahead of the batch being embedded, and tags a batch while it\n"
          "  embeds, so the stages overlap;\n"
          "  encode: the model's part of embed; wait: the main thread waiting for the reader (mostly before the\n"
          "  first batch, which must be read whole before it can embed);\n"
          "  ask p50/p95: warm search() as `dhr ask` runs it (embed + hybrid + highlights); cold ask: a new process,\n"
          "  wall time and (CPU) its user+system CPU time, which contention inflates least")
    for r in runs:
        print(f"\n{r.backend}: where the ingest's time goes (seconds; medians of the repeats)")
        print(f"  {'stage':<56} {'wall':>6} {'CPU':>6}")
        for name, (wall, cpu) in r.stages.items():
            print(f"  {name:<56} {wall:6.2f} {'' if cpu != cpu else f'{cpu:6.2f}':>6}")
        print(f"  {'whole ingest (wall; CPU of the process, all threads)':<56} {r.wall_s:6.2f} {r.cpu_s:6.2f}")
        print(f"  {'its encode calls re-run alone (the same batches)':<56} {r.batched_s:6.2f} {r.batched_cpu_s:6.2f}")
        print(f"  {'bare encode: the same texts in one call':<56} {r.bare_s:6.2f} {r.bare_cpu_s:6.2f}")
        print(f"  wall/bare {r.wall_s / r.bare_s:.2f}x (repeats {r.spread[0]:.2f}-{r.spread[1]:.2f}x) = batched/bare "
              f"{r.batched_s / r.bare_s:.2f}x (CPU {r.batched_cpu_s / r.bare_cpu_s:.2f}x) "
              f"x ingest/batched {r.wall_s / r.batched_s:.2f}x (CPU {r.cpu_s / r.batched_cpu_s:.2f}x)")
        for line in r.lines:
            print(f"  {line}")
    torch = next((r for r in runs if r.backend == "torch"), None)
    for r in runs:
        vs_torch = (f"{r.passages_per_s / torch.passages_per_s:.2f}x torch's passages/s in this run, "
                    f"bare encode {torch.bare_s / r.bare_s:.2f}x as fast, cold ask "
                    f"{torch.cold_ask_s / r.cold_ask_s:.2f}x as fast; " if torch and r is not torch else "")
        print(f"{r.backend}: {vs_torch}{r.passages_per_s / BEFORE_PASSAGES_PER_S:.2f}x the {BEFORE_PASSAGES_PER_S} "
              "passages/s of torch before this work (goal >= 2x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="files or folders (default: corpus/)")
    parser.add_argument("--backends", default="torch,onnx,onnx-int8", help="comma-separated, in order")
    parser.add_argument("--repeat", type=int, default=1, help="ingests per backend; medians are printed")
    parser.add_argument("--quiet-wait", type=float, default=0.0, metavar="S",
                        help="wait up to S seconds before each repeat for other processes to use < 10%% of the CPUs")
    args = parser.parse_args()
    paths = args.paths or [ROOT / "corpus"]
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.backends.split(","):
            print(f"[{backend}] load average {os.getloadavg()[0]:.1f} ...", file=sys.stderr, flush=True)
            runs.append(measure(backend.strip(), paths, Path(tmp), max(args.repeat, 1), args.quiet_wait))
    report(runs, paths)


if __name__ == "__main__":
    main()
