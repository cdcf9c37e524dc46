"""Fault benchmarks of `make bench` (issue 10): long lines, and the review site under load.

    python -m pipeline.bench --only longline   # 10,000 amounts on one line vs on 10,000 lines (40,000 with --large)
    python -m pipeline.bench --only web        # 500 requests (2,000 with --large) from 8 threads, 32,000-character URLs

Nothing here is a test: it measures, and prints whether the targets of issue 10 are met (a long
line no slower than 3x the same amounts on lines of their own; no errors and p95 under 1 s).
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import urlopen

import yaml

from pipeline.reviews.serve import serve_command

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def _build_seconds(corpus: Path, db: Path) -> tuple[float, float]:
    """CPU and wall seconds of building `corpus` afresh (no cache, one job) in this process, as
    `python -m pipeline build --no-cache -j1` builds it: ingestion, normalisation, every extractor,
    facts and the database. In-process, so the process's start-up (the same for every case, about
    5 CPU s: imports, rules, spaCy) neither dilutes the ratios nor is paid once per case."""
    from pipeline.build import build
    from pipeline.extract import Context

    w0, c0 = time.perf_counter(), time.process_time()
    build(corpus, db, Context(options={"cache": None}), jobs=1)
    return time.process_time() - c0, time.perf_counter() - w0


def bench_long_lines(amounts: int = 40_000) -> None:
    """`amounts` amounts on lines of their own and on one line; text of 32.5 characters per amount
    (1.3 MB for 40,000) on lines and as one line. Each case's time is linear in its size, and the
    ratios are what the target is about, so the default run uses a quarter of issue 10's sizes."""
    print("L. Long lines: a file whose line ends were lost (each a build of its own in this process, -j1, no")
    print("   cache; CPU seconds, which a shared machine leaves as they are; wall in brackets)")
    with tempfile.TemporaryDirectory(prefix="nhs-figures-longline-") as tmp_str:
        tmp = Path(tmp_str)
        # a first build sets up what every build of a process shares (imports, rules, spaCy): not counted
        (tmp / "warm-up").mkdir()
        (tmp / "warm-up" / "doc.txt").write_text("NHS England paid £4.4m (4%) to Luton CCG.\n", encoding="utf-8")
        _build_seconds(tmp / "warm-up", tmp / "warm-up.db")
        cases = {
            f"{amounts:,} amounts on {amounts:,} lines": "£1m \n" * amounts,
            f"the same {amounts:,} amounts on one line": "£1m " * amounts,
        }
        text = " ".join(line for p in sorted(CORPUS.glob("*.txt")) for line in p.read_text("utf-8").split("\n"))
        size = amounts * 65 // 2
        cases[f"corpus/*.txt as lines ({size / 1e6:.2f} MB)"] = "\n".join(
            (text.replace(". ", ".\n") * (size // len(text) + 1))[:size].split("\n")
        )
        cases[f"the same {size / 1e6:.2f} MB as one line"] = (text * (size // len(text) + 1))[:size]
        times: dict[str, float] = {}
        for label, body in cases.items():
            folder = tmp / str(len(times))
            folder.mkdir()
            (folder / "doc.txt").write_text(body, encoding="utf-8")
            times[label], wall = _build_seconds(folder, tmp / f"{len(times)}.db")
            print(f"   {label:45} {times[label]:7.2f}s ({wall:.2f}s)")
        labels = list(times)
        for lines, one in ((labels[0], labels[1]), (labels[2], labels[3])):
            ratio = times[one] / times[lines]
            print(f"   one line / many lines: {ratio:4.2f} (target: at most 3) {'ok' if ratio <= 3 else 'MISSED'}")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, float]:
    t0 = time.perf_counter()
    try:
        with urlopen(url, timeout=60) as r:
            r.read()
            status = r.status
    except HTTPError as exc:
        status = exc.code
    except (URLError, OSError):
        status = 0
    return status, time.perf_counter() - t0


def _db_for_web(tmp: Path, prebuilt: Path | None = None) -> Path:
    """A copy of the corpus database: the one the builds part made, else db/nhs.db, else built here."""
    db = tmp / "nhs.db"
    built = prebuilt if prebuilt is not None else ROOT / "db" / "nhs.db"
    if built.is_file():
        shutil.copy(built, db)
    else:
        subprocess.run(
            [sys.executable, "-m", "pipeline", "build", "-q", "--corpus", str(CORPUS), "--db", str(db)],
            cwd=ROOT,
            check=True,
        )
    return db


def _urls(db: Path, per_kind: int, seed: int) -> list[tuple[str, str]]:
    """(group, path) of every canned query (HTML and JSON) and of audit pages of each kind."""
    meta = yaml.safe_load((ROOT / "db" / "metadata.yaml").read_text(encoding="utf-8"))
    urls = []
    for name in meta["databases"]["nhs"].get("queries", {}):
        urls += [(f"query {name}", f"/nhs/{name}"), (f"query {name}", f"/nhs/{name}.json?_shape=objects")]
    rng = random.Random(seed)
    with sqlite3.connect(db) as conn:
        for kind in ("money", "percent", "page_ref", "body"):
            ids = [r[0] for r in conn.execute("SELECT id FROM mentions WHERE kind = ? ORDER BY id", (kind,))]
            urls += [("audit page", f"/-/audit/{kind}/{i}") for i in rng.sample(ids, min(per_kind, len(ids)))]
        quotes = [r[0] for r in conn.execute("SELECT id FROM quotes ORDER BY id")]
        urls += [("audit page", f"/-/audit/quote/{i}") for i in rng.sample(quotes, min(per_kind, len(quotes)))]
    urls.append(("search", "/nhs/lines?" + urlencode({"_search": "deficit"})))
    return urls


def bench_web(requests: int = 2000, threads: int = 8, seed: int = 10, db: Path | None = None, port: int = 0) -> None:
    print(f"W. The review site (Datasette, as make serve runs it): {requests} requests from {threads} threads")
    with tempfile.TemporaryDirectory(prefix="nhs-figures-web-") as tmp_str:
        tmp = Path(tmp_str)
        db = _db_for_web(tmp, db)
        port = port or _free_port()
        cmd = serve_command(db, port)
        with (tmp / "datasette.log").open("w") as log:
            server = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while _get(base + "/-/versions.json")[0] != 200:
                if server.poll() is not None or time.monotonic() > deadline:
                    print("   Datasette did not start:\n" + (tmp / "datasette.log").read_text()[-2000:])
                    return
                time.sleep(0.2)
            urls = _urls(db, 40, seed)
            for _, path in urls:  # one pass first: every page answers, and caches are warm
                _get(base + path)
            rng = random.Random(seed)
            plan = [rng.choice(urls) for _ in range(requests)]
            long_times: list[tuple[int, float]] = []
            done = threading.Event()

            def long_urls() -> None:
                while not done.is_set() and len(long_times) < 20:
                    long_times.append(_get(base + "/-/audit/money/" + "a" * 32000))
                    time.sleep(0.5)

            side = threading.Thread(target=long_urls)
            t0 = time.perf_counter()
            side.start()
            with ThreadPoolExecutor(threads) as pool:
                results = list(pool.map(lambda u: (u[0], *_get(base + u[1])), plan))
            wall = time.perf_counter() - t0
            done.set()
            side.join()
        finally:
            server.terminate()
            server.wait(timeout=30)
    errors = [(g, s) for g, s, _ in results if s != 200]
    times = sorted(t for _, _, t in results)
    p95 = times[int(0.95 * (len(times) - 1))]
    print(
        f"   {len(results)} requests in {wall:.1f}s ({len(results) / wall:.0f}/s): errors {len(errors)}, "
        f"median {statistics.median(times) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms "
        f"(target: no errors, p95 under 1 s) {'ok' if not errors and p95 < 1 else 'MISSED'}"
    )
    groups: dict[str, list[float]] = {}
    for g, _, t in results:
        groups.setdefault(g, []).append(t)
    for g, ts in sorted(groups.items()):
        ts.sort()
        print(
            f"     {g:48} {len(ts):5}  p95 {ts[int(0.95 * (len(ts) - 1))] * 1000:6.0f} ms  max {ts[-1] * 1000:6.0f} ms"
        )
    if long_times:
        statuses = sorted({s for s, _ in long_times})
        worst = max(t for _, t in long_times)
        print(
            f"   32,000-character URLs meanwhile: {len(long_times)}, status {statuses}, slowest {worst * 1000:.0f} ms "
            f"(target: under 1 s) {'ok' if worst < 1 else 'MISSED'}"
        )
    for g, s in errors[:10]:
        print(f"   error: {g}: status {s}")
