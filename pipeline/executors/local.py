"""The default executor: this machine's cores, in a pool of worker processes (`--jobs N`)."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.executors import Announce, ExecutorError, Stage
from pipeline.extract import Context
from pipeline.manifest import Entry
from pipeline.workers import init_worker, stop_workers

if TYPE_CHECKING:
    from pipeline.build import DocResult


class LocalExecutor:
    def __init__(self, jobs: int = 1, scheduler: str | None = None, announce: Announce | None = None) -> None:
        if scheduler:
            raise ExecutorError(f"--scheduler {scheduler} needs --executor dask (the local executor has no scheduler)")
        self.jobs = jobs

    def __enter__(self) -> LocalExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def map(self, stage: Stage, corpus: Path, entries: list[Entry], ctx: Context) -> Iterator[DocResult]:
        """Each entry processed, in manifest order. With jobs > 1, documents are processed by a pool
        of worker processes, at most 2 x jobs at a time, so memory does not grow with the corpus."""
        jobs = self.jobs
        if jobs <= 1 or len(entries) <= 1:
            for entry in entries:
                yield stage(corpus, entry, ctx)
            return
        workers = min(jobs, len(entries))
        pool = ProcessPoolExecutor(max_workers=workers, initializer=init_worker, initargs=(os.getpid(),))
        try:
            pending: deque[Future[DocResult]] = deque()
            todo = iter(entries)
            for entry in islice(todo, 2 * jobs):
                pending.append(pool.submit(stage, corpus, entry, ctx))
            while pending:
                result = pending.popleft().result()
                nxt = next(todo, None)
                if nxt is not None:
                    pending.append(pool.submit(stage, corpus, nxt, ctx))
                yield result
        except BaseException:  # interrupted, terminated or abandoned: the workers go now
            stop_workers(pool)
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
