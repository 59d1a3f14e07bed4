"""Web benchmark: search over HTTP (`/api/search`) next to the same search in-process, then 20 clients at once.

Run from the repository root:

    .venv/bin/python bench/web.py                       # the sample corpus (ingested into bench/.cache/web-corpus)
    .venv/bin/python bench/web.py --db bench/.cache/scale-10000/db   # a store bench/scale.py built
    .venv/bin/python bench/web.py --duration 60 --clients 20

1. The server is the real one (`python -m web`, a separate process on a free loopback port, model loaded
   at start-up), serving the knowledge base at --db.
2. Side by side: this process opens the same knowledge base; each query is timed in-process (what the
   API handler runs: `reports.answers.ask(Query.build(q), stores)` and `render(answer, "json")`) and
   then over HTTP (one keep-alive connection), in turn, so a busy moment on the shared machine hits
   both; p50/p95 of both and the ratio.
4. Load: --clients threads, each with its own connection, send the queries in turn for --duration
   seconds; every non-200 answer or exception is an error. Prints requests, errors, throughput and
   latency under load. Only loopback is ever contacted, and every loop stops by itself.

The server runs searches on one worker thread (the catalogue's SQLite connection belongs to it), so
under load requests queue: throughput is about 1 / (search time), and latency grows with the queue.
`python -m web` computes the model on one thread (OMP_NUM_THREADS=1, see web/__main__.py); this
script sets the same for its in-process searches, so the two sides differ only by HTTP.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_NUM_THREADS", "1")  # as the server does (web/__main__.py); before torch loads

QUERIES = [
    ({"q": "missed chances to share information between the GP and the police"}),
    ({"q": "funding of refuge places and outreach workers"}),
    ({"q": "risk assessment was not completed and no MARAC referral was made"}),
    ({"q": "coercive control and economic abuse by a partner"}),
    ({"q": "alcohol misuse and mental health of the perpetrator", "theme": "alcohol"}),
    ({"q": "adult son as carer killed his mother"}),
    ({"q": "professional curiosity and routine enquiry", "type": "dhr_overview_report"}),
    ({"q": "training for housing officers on domestic abuse", "since": "2020"}),
    ({"q": "recommendations for the police", "section": "recommendations"}),
    ({"q": "safeguarding adults board learning"}),
]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def corpus_db() -> Path:
    """The sample corpus, ingested once with the real model into bench/.cache/web-corpus/db."""
    db = ROOT / "bench" / ".cache" / "web-corpus" / "db"
    if not (db / "catalogue.sqlite3").exists():
        log(f"Ingesting corpus/ into {db} (once) ...")
        subprocess.run([sys.executable, str(ROOT / "cli.py"), "ingest", str(ROOT / "corpus"), "--db", str(db)],
                       check=True, stdout=subprocess.DEVNULL)
    return db


def start_server(db: Path, port: int) -> subprocess.Popen:
    import httpx

    env = {k: v for k, v in os.environ.items() if k != "DHR_TOKEN"}
    proc = subprocess.Popen([sys.executable, "-m", "web", "--db", str(db), "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server stopped: {proc.stdout.read() if proc.stdout else ''}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/documents", timeout=5).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    proc.terminate()
    raise SystemExit("the server did not answer within 180 s")


def side_by_side(db: Path, base: str, rounds: int) -> tuple[list[float], list[float]]:
    """Each query in-process and then over HTTP, in turn, so both see the same machine (it is shared)."""
    import httpx

    from index.stores import Stores
    from kb.config import Settings
    from kb.query import Query
    from reports.answers import ask
    from reports.output import render

    stores = Stores.open(Settings.resolve(db))
    _ = stores.embedder.model, stores.vectors

    def local(params: dict[str, str]) -> None:
        filters = {("doc_type" if k == "type" else k): v for k, v in params.items() if k != "q"}
        render(ask(Query.build(params["q"], **filters), stores), "json")  # what the API handler runs

    local_times, http_times = [], []
    with httpx.Client(base_url=base, timeout=60) as client:
        for params in QUERIES:  # warm-up, both ways
            local(params)
            client.get("/api/search", params=params).raise_for_status()
        for _ in range(rounds):
            for params in QUERIES:
                t = time.perf_counter()
                local(params)
                local_times.append(time.perf_counter() - t)
                t = time.perf_counter()
                client.get("/api/search", params=params).raise_for_status()
                http_times.append(time.perf_counter() - t)
    return local_times, http_times


def load(base: str, clients: int, duration: float) -> dict[str, object]:
    import httpx

    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + duration

    def client_loop(n: int) -> None:
        with httpx.Client(base_url=base, timeout=120) as client:
            i = n
            while time.monotonic() < stop_at:
                params = QUERIES[i % len(QUERIES)]
                i += 1
                t = time.perf_counter()
                try:
                    r = client.get("/api/search", params=params)
                    ok = r.status_code == 200 and r.json() is not None
                    why = f"HTTP {r.status_code}"
                except (httpx.HTTPError, ValueError) as exc:
                    ok, why = False, repr(exc)
                elapsed = time.perf_counter() - t
                with lock:
                    (latencies if ok else errors).append(elapsed if ok else why)  # type: ignore[arg-type]

    started = time.monotonic()
    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.monotonic() - started
    return {"requests": len(latencies) + len(errors), "errors": len(errors), "wall": wall,
            "throughput": len(latencies) / wall, "p50": pct(latencies, 0.5) if latencies else 0.0,
            "p95": pct(latencies, 0.95) if latencies else 0.0, "first_errors": errors[:3]}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, help="knowledge base folder (default: the sample corpus, ingested once)")
    ap.add_argument("--rounds", type=int, default=10, help="timed passes over the 10 queries, each way")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of concurrent load")
    args = ap.parse_args()

    db = args.db or corpus_db()
    from kb.catalogue import Catalogue

    passages = Catalogue(db / "catalogue.sqlite3").passage_count()
    port = free_port()
    log(f"Starting the server on 127.0.0.1:{port} over {db} ({passages} passages) ...")
    server = start_server(db, port)
    base = f"http://127.0.0.1:{port}"
    try:
        log("Searches in-process and over HTTP, in turn ...")
        local, remote = side_by_side(db, base, args.rounds)
        log(f"{args.clients} clients for {args.duration:.0f} s ...")
        loaded = load(base, args.clients, args.duration)
    finally:
        server.terminate()
        server.wait(30)

    p50_l, p95_l, p50_h, p95_h = pct(local, 0.5), pct(local, 0.95), pct(remote, 0.5), pct(remote, 0.95)
    print(f"bench/web.py: {db} ({passages:,} passages), {len(local)} searches each way "
          f"({len(QUERIES)} queries x {args.rounds}), {os.cpu_count()} CPUs")
    print(f"  in-process ask + JSON : p50 {ms(p50_l)}  p95 {ms(p95_l)}  mean {ms(statistics.mean(local))}")
    print(f"  HTTP /api/search      : p50 {ms(p50_h)}  p95 {ms(p95_h)}  mean {ms(statistics.mean(remote))}")
    print(f"  HTTP / in-process     : p50 x{p50_h / p50_l:.3f}  p95 x{p95_h / p95_l:.3f} "
          f"(goal: p95 under x1.10: {'met' if p95_h / p95_l < 1.10 else 'NOT met'})")
    print(f"  {args.clients} concurrent clients, {loaded['wall']:.1f} s: {loaded['requests']} requests, "
          f"{loaded['errors']} errors, {loaded['throughput']:.1f} requests/s, "
          f"latency under load p50 {ms(loaded['p50'])} p95 {ms(loaded['p95'])}")
    if loaded["first_errors"]:
        print(f"  first errors: {loaded['first_errors']}")


if __name__ == "__main__":
    main()
