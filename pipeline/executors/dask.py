"""The Dask executor: the per-document stage on a Dask cluster (`--executor dask`).

With `--scheduler tcp://HOST:8786` the build is a client of a running cluster (`dask scheduler`
and `dask worker` on any machines); without, it starts a `distributed.LocalCluster` of `--jobs`
worker processes on this machine, bound to 127.0.0.1.

- Before any document is sent, every worker proves it sees the same corpus, cache and rules as this
  machine and runs the same pipeline code (`check_worker`); a worker that does not is named in an
  ExecutorError and nothing is built.
- Documents go out with a bounded number in flight (2 per worker thread) and come back in
  manifest order, so `pipeline.build` folds them into SQLite exactly as after a local build.
- A worker that dies mid-document: the scheduler retries the document on another worker; once it
  has killed `allowed_failures` + 1 workers (the scheduler's `distributed.scheduler.allowed-failures`;
  set here for a local cluster) it comes back as a `worker_lost` problem and the build goes on.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import uuid
from collections import deque
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dask
from distributed import Client, Future, KilledWorker, LocalCluster

from pipeline.executors import Announce, ExecutorError, Stage
from pipeline.extract import Context, Options
from pipeline.manifest import Entry, find_manifest
from pipeline.model import Document, Problem

if TYPE_CHECKING:
    from pipeline.build import DocResult

CONNECT_TIMEOUT = 10  # seconds to reach a scheduler
WORKERS_TIMEOUT = 60  # seconds to wait for a first worker
SHARED_SETUP = "every worker must see the corpus, the cache and the rules at the same paths as this machine"


class DaskExecutor:
    def __init__(
        self,
        jobs: int = 2,
        scheduler: str | None = None,
        announce: Announce | None = None,
        *,
        dashboard: str | None = "127.0.0.1:0",
        scheduler_port: int = 0,
        allowed_failures: int = 2,
        in_flight: int | None = None,
    ) -> None:
        """`jobs`: worker processes of the local cluster (ignored with `scheduler`, whose cluster
        has the workers it has). `dashboard`: the local cluster's dashboard address (None: off).
        `allowed_failures`: how many dead workers a document may cost before it is given up
        (a local cluster only: a running scheduler has its own setting). `in_flight`: documents
        submitted and not yet folded [default: 2 per worker thread]."""
        self.jobs = jobs
        self.scheduler = scheduler
        self.announce = announce
        self.dashboard = dashboard
        self.scheduler_port = scheduler_port
        self.allowed_failures = allowed_failures
        self.in_flight = in_flight
        self.client: Client | None = None
        self._cluster: LocalCluster | None = None

    # -- connection ---------------------------------------------------------------------------

    def __enter__(self) -> DaskExecutor:
        self.connect()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def connect(self) -> Client:
        """Connect to the scheduler, or start a local cluster; say where its dashboard is."""
        if self.client is not None:
            return self.client
        if self.scheduler:
            try:
                client = Client(self.scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
            except (OSError, TimeoutError) as exc:
                raise ExecutorError(
                    f"no Dask scheduler answered at {self.scheduler} within {CONNECT_TIMEOUT} s ({exc}). "
                    "Start one with `dask scheduler` on that machine, or check the address and the firewall."
                ) from exc
        else:
            with dask.config.set({"distributed.scheduler.allowed-failures": self.allowed_failures}):
                self._cluster = LocalCluster(
                    n_workers=self.jobs,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    scheduler_port=self.scheduler_port,
                    # dashboard off: the scheduler's HTTP server (health checks) still listens, on a free port
                    dashboard_address=self.dashboard or "127.0.0.1:0",
                    scheduler_kwargs={"dashboard": self.dashboard is not None},
                    silence_logs=logging.ERROR,
                )
            client = Client(self._cluster, set_as_default=False)
        self.client = client
        try:
            client.wait_for_workers(1, timeout=WORKERS_TIMEOUT)
        except TimeoutError as exc:
            self.close()
            raise ExecutorError(
                f"the Dask scheduler at {self.scheduler} has no worker after {WORKERS_TIMEOUT} s: start "
                f"`dask worker {self.scheduler}` on each machine that should build"
            ) from exc
        self.jobs = sum(client.nthreads().values())
        if self.announce:
            self.announce(self.describe())
        return client

    def describe(self) -> str:
        assert self.client is not None
        workers = len(self.client.nthreads())
        scheduler: Any = self.client.scheduler
        where = self.scheduler or f"a local cluster at {scheduler.address}"
        dashboard = self.client.dashboard_link if self._dashboard_on() else "off"
        return (
            f"Dask: {where}, {workers} worker{'s' if workers != 1 else ''} ({self.jobs} threads); dashboard {dashboard}"
        )

    def _dashboard_on(self) -> bool:
        if self._cluster is not None:
            return self.dashboard is not None
        assert self.client is not None
        return "dashboard" in self.client.scheduler_info().get("services", {})

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    # -- the map ------------------------------------------------------------------------------

    def map(self, stage: Stage, corpus: Path, entries: list[Entry], ctx: Context) -> Iterator[DocResult]:
        """`stage(corpus, entry, ctx)` on the cluster for each entry, yielded in manifest order.
        Connects for the duration of the map when not connected already (`with executor:`)."""
        own = self.client is None
        client = self.connect()
        pending: deque[tuple[Entry, Future[Any]]] = deque()
        try:
            corpus, ctx = _absolute(corpus, ctx)
            check_workers(client, corpus, entries, ctx)
            window = self.in_flight or 2 * max(1, sum(client.nthreads().values()))
            token = uuid.uuid4().hex[:8]
            todo = iter(enumerate(entries))

            def submit_next() -> None:
                nxt = next(todo, None)
                if nxt is not None:
                    i, entry = nxt
                    # earlier documents first; the key names the build and the document's place
                    key = f"process-{token}-{i}"
                    pending.append((entry, client.submit(stage, corpus, entry, ctx, key=key, priority=-i, pure=False)))

            for _ in range(window):
                submit_next()
            while pending:
                entry, future = pending.popleft()
                try:
                    result = future.result()
                except KilledWorker as exc:
                    result = lost(entry, exc)
                future.release()
                submit_next()
                yield result
        finally:
            if pending:
                client.cancel([f for _, f in pending])
            if own:
                self.close()


def lost(entry: Entry, exc: KilledWorker) -> DocResult:
    """The result of a document that killed every worker that tried it: a `worker_lost` problem."""
    from pipeline.build import DocResult

    tries = getattr(exc, "allowed_failures", None)
    last = getattr(getattr(exc, "last_worker", None), "address", None)
    died = f"{tries + 1} workers died" if isinstance(tries, int) else "the workers died"
    problem = Problem(
        entry.file,
        "worker_lost",
        f"{entry.file}: every Dask worker that processed this document died before finishing it ({died}"
        f"{f', the last {last}' if last else ''}). The other documents were built. A worker dies when its process "
        "is killed, runs out of memory or loses its machine: rebuild to try again, and if this document fails "
        "again, give the workers more memory (`dask worker --memory-limit`) or build it with --executor local.",
    )
    doc = Document(path=entry.file, sha256="", media_type=entry.media_type, meta=dict(entry.meta), problems=[problem])
    return DocResult(entry, doc, None)


# -- the start-up check -----------------------------------------------------------------------


def _absolute(corpus: Path, ctx: Context) -> tuple[Path, Context]:
    """Paths the workers can use whatever their working folder: this machine's, made absolute."""
    options = Options(**ctx.options)
    cache = options.get("cache")
    if cache:
        options["cache"] = str(Path(cache).resolve())
    return corpus.resolve(), replace(ctx, rules=ctx.rules.resolve(), options=options)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_workers(client: Client, corpus: Path, entries: list[Entry], ctx: Context) -> None:
    """Every worker reads the corpus, the cache and the rules this machine sees, and runs the same
    code; else an ExecutorError naming each worker that does not, and why."""
    from pipeline.build import code_version
    from pipeline.cache import rules_hash

    manifest = find_manifest(corpus)
    probe = manifest or (corpus / entries[0].file if entries and (corpus / entries[0].file).is_file() else None)
    expected = {
        "corpus": str(corpus),
        "probe": probe.name if probe else None,
        "probe_sha": _sha256(probe) if probe else None,
        "cache": ctx.options.get("cache"),
        "token": uuid.uuid4().hex,
        "rules": str(ctx.rules),
        "rules_hash": rules_hash(ctx.rules),
        "code": code_version(),
    }
    token_file = Path(expected["cache"]) / f".worker-check-{expected['token']}" if expected["cache"] else None
    try:
        if token_file is not None:
            token_file.parent.mkdir(parents=True, exist_ok=True)
            token_file.write_text(str(expected["token"]), encoding="utf-8")
        answers = client.run(check_worker, expected, on_error="return")
    finally:
        if token_file is not None:
            token_file.unlink(missing_ok=True)
    complaints = []
    for address, answer in sorted(answers.items()):
        if isinstance(answer, BaseException):
            complaints.append(
                f"worker at {address} cannot run the pipeline's check ({type(answer).__name__}: {answer}): "
                "install this project on it (`pip install -e .` in the same checkout)"
            )
            continue
        for problem in answer["problems"]:
            complaints.append(f"worker {answer['name']} ({address}, host {answer['host']}) {problem}")
    if complaints:
        raise ExecutorError(
            "some Dask workers cannot build: "
            + "; ".join(complaints)
            + f". Nothing was built: {SHARED_SETUP} (a shared folder; see the README, 'Builds on a Dask cluster')."
        )


def check_worker(expected: dict[str, Any], dask_worker: Any = None) -> dict[str, Any]:
    """Run on each worker by `check_workers`: what this worker cannot read, write or agree with."""
    from pipeline.build import code_version
    from pipeline.cache import rules_hash

    problems = []
    corpus = Path(expected["corpus"])
    if not corpus.is_dir():
        problems.append(f"cannot see the corpus folder {corpus}")
    elif expected["probe"]:
        probe = corpus / expected["probe"]
        try:
            if _sha256(probe) != expected["probe_sha"]:
                problems.append(f"reads another {probe} than this machine (its SHA-256 differs): a stale copy?")
        except OSError as exc:
            problems.append(f"cannot read the corpus: {probe}: {exc.strerror or exc}")
    cache = expected["cache"]
    if cache:
        mine = Path(cache) / f".worker-check-{expected['token']}-{socket.gethostname()}-{os.getpid()}"
        try:
            mine.parent.mkdir(parents=True, exist_ok=True)
            mine.write_text("ok", encoding="utf-8")
            mine.unlink()
        except OSError as exc:
            problems.append(f"cannot write the cache folder {cache}: {exc.strerror or exc}")
        else:
            try:
                seen = (Path(cache) / f".worker-check-{expected['token']}").read_text(encoding="utf-8")
            except OSError:
                seen = None
            if seen != expected["token"]:
                problems.append(
                    f"has its own folder at {cache}, not the cache this machine writes "
                    "(a check file written here is not there)"
                )
    rules = Path(expected["rules"])
    try:
        if not rules.is_dir():
            problems.append(f"cannot see the rules folder {rules}")
        elif rules_hash(rules) != expected["rules_hash"]:
            problems.append(f"reads other rules at {rules} than this machine")
    except OSError as exc:
        problems.append(f"cannot read the rules folder {rules}: {exc.strerror or exc}")
    if code_version() != expected["code"]:
        problems.append("runs other pipeline code than this machine: install the same checkout on every worker")
    name = getattr(dask_worker, "name", None)
    return {"name": str(name) if name is not None else "?", "host": socket.gethostname(), "problems": problems}
