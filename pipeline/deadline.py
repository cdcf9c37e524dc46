"""A time limit per document, so one pathological input cannot stall a build.

`time_limit(seconds)` raises `DocumentTimeout` in the code it guards once the time is up (a
SIGALRM timer, so it stops pure Python and C code alike wherever it checks for signals: the
`regex` module and spaCy do). It works in the main thread of a process, which is where a
serial build and every worker of ``--jobs N`` run a document; elsewhere (an engine running
documents in threads) it does nothing. `DocumentTimeout` is a BaseException so that no
``except Exception`` inside a stage swallows it.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class DocumentTimeout(BaseException):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"still running after {seconds:g} s")
        self.seconds = seconds


def can_limit() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    if not seconds or seconds <= 0 or not can_limit():
        yield
        return
    armed = [True]

    def on_alarm(_signum: int, _frame: FrameType | None) -> None:
        if armed[0]:
            raise DocumentTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
