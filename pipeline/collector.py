"""Python's cycle collector paused over a stretch of work that allocates many small objects and makes few
cycles: reading a PDF page (a tuple per character box) and making one document's facts. Each collection
in between walks every object the process holds (a document's earlier pages, the other documents'
mentions in the bench or a worker), which cost half the pdfium reader's layout time and a tenth to a fifth
of the facts' time, and a fifth to a half of normalisation's and the page references' (issue 15, fifth
pass). Cycles the work leaves are collected after it; the collector is left as it was found, also when the
work fails."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


@contextmanager
def paused() -> Iterator[None]:
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def while_paused(func: Callable[P, T]) -> Callable[P, T]:
    """`func` run with the collector paused (an extractor's `extract`: one document's work)."""

    @wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        with paused():
            return func(*args, **kwargs)

    return run
