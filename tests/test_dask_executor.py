"""Builds on a Dask cluster (`--executor dask`): the same database as a local build; a worker that
cannot see the corpus or the cache is named before anything is built; a worker killed mid-document
costs a retry, and a document that kills every worker it meets becomes a `worker_lost` problem
while the build goes on.

The clusters are LocalClusters of 2 worker processes bound to 127.0.0.1 on ports chosen by the
OS, with the dashboard off."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import dask
import pytest
import sqlite_utils
from click.testing import CliRunner
from distributed import Client, LocalCluster

from pipeline.build import build
from pipeline.cli import cli
from pipeline.executors import ExecutorError
from pipeline.executors.dask import DaskExecutor, check_worker
from pipeline.extract import Context
from pipeline.manifest import load_manifest
from tests.conftest import CORPUS
from tests.test_build import make_corpus

pytestmark = pytest.mark.slow

# how long a test waits for a (re)started worker to join: a wait, not a measure; a nanny restarting a killed
# worker took over 60 s on a loaded 2-core CI machine
WORKER_WAIT = 600

TEXTS = [p.name for p in sorted(CORPUS.glob("00*.txt"))]  # five short text documents


def text_corpus(folder: Path) -> Path:
    return make_corpus(folder, {name: (CORPUS / name).read_bytes() for name in TEXTS})


def table_rows(db_path: Path) -> dict[str, list[tuple]]:
    """Every table's rows, ids included (in a canonical order); only the build's clock times are left out."""
    db = sqlite_utils.Database(db_path)
    out = {}
    for table in db.table_names():
        cursor = db.execute(f"SELECT * FROM [{table}]")
        columns = [d[0] for d in cursor.description]
        keep = [i for i, c in enumerate(columns) if not (table == "builds" and c in ("started", "finished"))]
        out[table] = sorted((tuple(row[i] for i in keep) for row in cursor.fetchall()), key=repr)
    return out


@pytest.fixture(scope="module")
def cluster() -> Iterator[Client]:
    """2 worker processes; a document may cost one dead worker and be retried, not two; each worker
    holds one task at a time, so killing a worker hits only the document it is processing."""
    config = {"distributed.scheduler.allowed-failures": 1, "distributed.scheduler.worker-saturation": 1.0}
    with dask.config.set(config):
        local = LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            scheduler_port=0,
            dashboard_address="127.0.0.1:0",
            scheduler_kwargs={"dashboard": False},
        )
    client = Client(local, set_as_default=False)
    yield client
    client.close()
    local.close()


def test_a_local_cluster_builds_the_corpus_into_the_rows_of_a_local_build(tmp_path, built_db, build_cache):
    # the local build is the session's (`built_db`: corpus/ built in this process, once for every test);
    # the cluster's build has a cache of its own, so its workers extract every document. It starts with the
    # session's ingest stage (the lines `built_db` read): reading the PDFs again would test the reader, not
    # the cluster, at about 100 CPU seconds
    shutil.copytree(build_cache / "ingest", tmp_path / "dask-cache" / "ingest", ignore=shutil.ignore_patterns(".*"))
    lines: list[str] = []
    with DaskExecutor(jobs=2, announce=lines.append, dashboard=None) as executor:
        assert len(executor.client.nthreads()) == 2
        ctx = Context(options={"cache": str(tmp_path / "dask-cache")})
        distributed = build(CORPUS, tmp_path / "dask.db", ctx, executor=executor)
    assert lines and lines[0].startswith("Dask: a local cluster at tcp://127.0.0.1:") and "2 workers" in lines[0]
    assert distributed.documents == len(load_manifest(CORPUS)) and not distributed.failed
    assert distributed.extracted == distributed.documents  # the workers did the work (and filled their cache)
    assert [p for p in (tmp_path / "dask-cache" / "extract").rglob("*") if p.is_file()]
    dask_rows, local_rows = table_rows(tmp_path / "dask.db"), table_rows(built_db)
    assert dask_rows.keys() == local_rows.keys()
    for table in local_rows:
        assert dask_rows[table] == local_rows[table], table
    assert len(dask_rows["money"]) > 100 and len(dask_rows["body_mentions"]) > 100


def test_the_cli_builds_on_a_running_scheduler(tmp_path, cluster):
    corpus = text_corpus(tmp_path / "c")
    args = ["build", "--corpus", str(corpus), "--db", str(tmp_path / "x.db"), "--scheduler", cluster.scheduler.address]
    result = CliRunner().invoke(cli, [*args, "--cache", str(tmp_path / "cache")])
    assert result.exit_code == 0, result.output
    # the scheduler's own dashboard address (here its HTTP server without the dashboard's pages)
    assert f"Dask: {cluster.scheduler.address}, 2 workers (2 threads); dashboard http://127.0.0.1:" in result.output
    assert "5 documents (0 failed)" in result.output
    files = [r["file"] for r in sqlite_utils.Database(tmp_path / "x.db")["documents"].rows]
    assert files == TEXTS  # manifest order


def test_no_scheduler_at_the_address_is_a_clear_error_and_nothing_is_built(tmp_path, monkeypatch):
    import pipeline.executors.dask as dask_executor

    monkeypatch.setattr(dask_executor, "CONNECT_TIMEOUT", 1)
    corpus = text_corpus(tmp_path / "c")
    args = ["build", "--corpus", str(corpus), "--db", str(tmp_path / "x.db")]
    result = CliRunner().invoke(cli, [*args, "--scheduler", "tcp://127.0.0.1:18787"])  # nothing listens there
    assert result.exit_code == 2
    assert "Error: no Dask scheduler answered at tcp://127.0.0.1:18787 within 1 s" in result.output
    assert "Start one with `dask scheduler`" in result.output
    result = CliRunner().invoke(cli, [*args, "--executor", "local", "--scheduler", "tcp://127.0.0.1:18787"])
    assert result.exit_code == 2 and "--scheduler tcp://127.0.0.1:18787 needs --executor dask" in result.output
    assert not (tmp_path / "x.db").exists()


def test_the_check_names_what_a_worker_cannot_see(tmp_path):
    """The check each worker runs, here in this process: a path it cannot see, a different copy, a
    cache folder of its own."""
    corpus = text_corpus(tmp_path / "c")
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / ".worker-check-t0k3n").write_text("t0k3n", encoding="utf-8")
    from pipeline.build import code_version
    from pipeline.cache import rules_hash
    from pipeline.rules import RULES_DIR

    expected = {
        "corpus": str(corpus),
        "probe": "manifest.yaml",
        "probe_sha": hashlib.sha256((corpus / "manifest.yaml").read_bytes()).hexdigest(),
        "cache": str(cache),
        "token": "t0k3n",
        "rules": str(RULES_DIR),
        "rules_hash": rules_hash(RULES_DIR),
        "code": code_version(),
    }
    assert check_worker(expected)["problems"] == []
    assert not [p for p in cache.iterdir() if p.name != ".worker-check-t0k3n"]  # its probe is removed
    elsewhere = check_worker({**expected, "corpus": str(tmp_path / "not-mounted")})["problems"]
    assert elsewhere == [f"cannot see the corpus folder {tmp_path / 'not-mounted'}"]
    (corpus / "manifest.yaml").write_text("documents: []\n", encoding="utf-8")
    assert "reads another" in check_worker(expected)["problems"][0]
    own = check_worker({**expected, "probe": None, "cache": str(tmp_path / "its-own-cache")})["problems"]
    assert own == [
        f"has its own folder at {tmp_path / 'its-own-cache'}, not the cache this machine writes "
        "(a check file written here is not there)"
    ]


def _can_unshare() -> bool:
    if not shutil.which("unshare") or os.geteuid() != 0:
        return False
    return subprocess.run(["unshare", "--mount", "true"], capture_output=True, check=False).returncode == 0


@pytest.mark.skipif(
    not _can_unshare(), reason="needs root and `unshare --mount` to give one worker another view of the files"
)
def test_a_worker_that_cannot_see_the_corpus_or_the_cache_is_named_and_nothing_is_built(tmp_path, cluster):
    corpus = text_corpus(tmp_path / "c")
    cache = tmp_path / "cache"
    cache.mkdir()
    # a third worker in its own mount namespace, where empty folders hide the corpus and the cache:
    # a machine on which the shared folder is not mounted
    script = 'mount -t tmpfs none "$1" && mount -t tmpfs none "$2" && shift 2 && exec "$@"'
    worker = [
        sys.executable,
        "-m",
        "distributed.cli.dask_worker",
        cluster.scheduler.address,
        "--name",
        "blind",
        "--host",
        "127.0.0.1",
        "--nthreads",
        "1",
        "--no-nanny",
        "--no-dashboard",
    ]
    proc = subprocess.Popen(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", str(corpus), str(cache), *worker],
        stderr=subprocess.DEVNULL,
    )
    try:
        cluster.wait_for_workers(3, timeout=WORKER_WAIT)
        db_path = tmp_path / "x.db"
        with pytest.raises(ExecutorError) as caught:
            build(
                corpus,
                db_path,
                Context(options={"cache": str(cache)}),
                executor=DaskExecutor(scheduler=cluster.scheduler.address),
            )
        message = str(caught.value)
        assert "worker blind (" in message
        assert f"cannot read the corpus: {corpus / 'manifest.yaml'}: No such file or directory" in message
        assert f"has its own folder at {cache}" in message
        assert "worker 0 (" not in message and "worker 1 (" not in message  # the others see both
        assert not db_path.exists() and not list(tmp_path.glob(".x.db.building-*"))
        assert [p.name for p in cache.iterdir()] == []  # the check leaves nothing behind
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    deadline = time.monotonic() + 30
    while len(cluster.nthreads()) > 2 and time.monotonic() < deadline:
        time.sleep(0.1)


def _executing(dask_worker) -> list[str]:
    return [str(ts.key) for ts in dask_worker.state.executing]


def _suspicious(dask_scheduler) -> dict[str, int]:
    """How many dead workers each task was on (running or waiting there): past allowed-failures, it errs."""
    return {str(key): ts.suspicious for key, ts in dask_scheduler.tasks.items()}


def _place(key: object) -> int:
    return int(str(key).rsplit("-", 1)[1])  # the executor's keys end with the document's place


class Killer(threading.Thread):
    """Kills the worker process running a document, mid-document: `victims` maps a document's place
    in the manifest to how many times. `hits` is the scheduler's count, for each document, of the
    dead workers it was on (a kill that came after the document finished does not count)."""

    def __init__(self, client: Client, victims: dict[int, int]) -> None:
        super().__init__(daemon=True)
        self.client, self.victims = client, dict(victims)
        self.hits: dict[int, int] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set() and any(self.victims.values()):
            for address, keys in self.client.processing().items():
                targets = [k for k in keys if self.victims.get(_place(k))]
                if targets and self._kill_if_running(address, targets[0]):
                    break
            time.sleep(0.05)

    def _kill_if_running(self, address: str, key: str) -> bool:
        try:
            if key not in self.client.run(_executing, workers=[address])[address]:
                return False
            pid = self.client.run(os.getpid, workers=[address])[address]
        except Exception:  # the worker is going away
            return False
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while address in self.client.nthreads() and time.monotonic() < deadline:
            time.sleep(0.05)
        before = self.hits.get(_place(key), 0)
        counts = self.client.run_on_scheduler(_suspicious)
        for k, n in counts.items():
            self.hits[_place(k)] = max(self.hits.get(_place(k), 0), n)
        if key not in counts:  # erred and released by the build at once (it was running: it did not finish)
            self.hits[_place(key)] = before + 1
        if self.hits.get(_place(key), 0) > before:
            self.victims[_place(key)] -= 1
        return True


def test_a_killed_worker_costs_a_retry_and_a_document_that_kills_every_worker_becomes_a_problem(tmp_path, cluster):
    cluster.wait_for_workers(2, timeout=WORKER_WAIT)
    slow = ["ippr-realising-the-neighbourhood-nhs-2020.md"]  # slow enough to be caught on its second try
    corpus = make_corpus(tmp_path / "c", {name: (CORPUS / name).read_bytes() for name in [*TEXTS, *slow]})
    names = [*TEXTS, *slow]
    killer = Killer(cluster, {0: 1, 5: 2})  # the first document's worker once; the slow one's on both its tries
    killer.start()
    try:
        # one document per worker at a time, so a kill mostly hits the document it is aimed at
        executor = DaskExecutor(scheduler=cluster.scheduler.address, in_flight=2)
        report = build(corpus, tmp_path / "x.db", Context(options={"cache": None}), executor=executor)
    finally:
        killer.stop.set()
        killer.join()
    assert killer.victims == {0: 0, 5: 0}
    db = sqlite_utils.Database(tmp_path / "x.db")
    status = {r["file"]: r["status"] for r in db["documents"].rows}
    problems = {r["file"]: r["reason"] for r in db["problems"].rows}
    assert list(status) == names  # every document is there, in manifest order
    # a document on one dead worker was retried and built; on two (allowed failures: 1) it is a problem
    lost = {names[place] for place, hits in killer.hits.items() if hits > 1}
    assert names[5] in lost and problems == dict.fromkeys(lost, "worker_lost")
    assert sorted(report.failed) == sorted(lost)
    assert killer.hits[0] == 1 and status[names[0]] == "built"
    assert all(status[name] == "built" for name in names if name not in lost)
    message = db.execute("SELECT message FROM problems WHERE file = ?", [names[5]]).fetchone()[0]
    assert message.startswith(
        f"{names[5]}: every Dask worker that processed this document died before finishing it "
        "(2 workers died, the last tcp://127.0.0.1:"
    )
    cluster.wait_for_workers(2, timeout=WORKER_WAIT)
