"""Worker processes that never outlive their build, and SIGTERM handled like Ctrl-C.

- `init_worker` runs first in every worker of ``--jobs N``: on Linux it asks the kernel to
  kill the worker when the build process dies (PR_SET_PDEATHSIG), however it dies, SIGKILL
  included, and it restores the default SIGTERM and SIGINT handling the build process set.
- `stop_workers` kills a pool's workers at once, for a build that is interrupted: waiting for
  their documents to finish would keep them, and the temporary database, for minutes.
- `sigterm_as_interrupt` makes SIGTERM raise `Terminated` (a KeyboardInterrupt), so a
  terminated build runs every clean-up an interrupted one does: workers stopped, the
  temporary database removed, the previous database left as it was.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from types import FrameType

PR_SET_PDEATHSIG = 1


class Terminated(KeyboardInterrupt):
    """The build process received SIGTERM."""


def init_worker(parent: int) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the build died before the request above was made
        os._exit(1)


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's worker processes now (an interrupted build must not wait for them)."""
    processes = getattr(pool, "_processes", None) or {}  # the executor keeps no public handle on them
    for proc in list(processes.values()):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            proc.kill()


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """While the block runs, SIGTERM raises `Terminated` in the main thread."""

    def on_term(_signum: int, _frame: FrameType | None) -> None:
        raise Terminated()

    try:
        previous = signal.signal(signal.SIGTERM, on_term)
    except ValueError:  # not the main thread: leave SIGTERM alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
