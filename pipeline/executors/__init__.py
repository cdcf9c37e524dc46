"""Where the per-document stage runs: one seam, one small module per engine.

An executor maps the stage (`pipeline.build.process(corpus, entry, ctx) -> DocResult`, a function of
one document and plain, picklable data) over the manifest's entries and yields the results in
manifest order, with a bounded number in flight. The fold of those results into SQLite
(`pipeline.build.build`) is the same whichever engine ran them, so every engine gives the same
database.

- `local`: this machine, a pool of worker processes (`--jobs N`); the default.
- `dask`: a Dask cluster (`--executor dask [--scheduler tcp://HOST:8786]`).

Another engine (Ray, ...) is one more module whose class takes the same constructor arguments and
has the same members, listed in ENGINES.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pipeline.extract import Context
from pipeline.manifest import Entry

if TYPE_CHECKING:
    from pipeline.build import DocResult

Stage = Callable[[Path, Entry, Context], "DocResult"]
Announce = Callable[[str], None]

# name -> "module:class"; a module is imported only when its engine is chosen
ENGINES = {
    "local": "pipeline.executors.local:LocalExecutor",
    "dask": "pipeline.executors.dask:DaskExecutor",
}


class ExecutorError(RuntimeError):
    """The engine cannot run the build (a worker cannot read the corpus, no scheduler at the
    address, ...): raised before anything is written, with a message that says what to do."""


class Executor(Protocol):
    """`with executor:` holds what it needs (a pool, a connection) across the build; `map`
    alone also works, holding it for the one map."""

    jobs: int  # documents processed at once, as far as is known before the build starts

    def __enter__(self) -> Executor: ...

    def __exit__(self, *exc: object) -> None: ...

    def map(self, stage: Stage, corpus: Path, entries: list[Entry], ctx: Context) -> Iterator[DocResult]:
        """`stage(corpus, entry, ctx)` for each entry, yielded in the entries' order."""
        ...


def make_executor(name: str, jobs: int, scheduler: str | None = None, announce: Announce | None = None) -> Executor:
    """The executor called `name` (a key of ENGINES)."""
    if name not in ENGINES:
        raise ExecutorError(f"no executor called {name!r}: choose one of {', '.join(ENGINES)}")
    module, cls = ENGINES[name].split(":")
    executor: Executor = getattr(importlib.import_module(module), cls)(
        jobs=jobs, scheduler=scheduler, announce=announce
    )
    return executor
