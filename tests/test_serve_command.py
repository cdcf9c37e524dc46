"""`nhs-figures serve`: stopping it stops the site (a supervisor's SIGTERM must not leave Datasette
running as an orphan holding the port)."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def _children(pid: int) -> list[int]:
    """The pids whose parent is `pid` (from /proc)."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_terminating_serve_stops_datasette(tmp_path: Path) -> None:
    db = tmp_path / "nhs.db"
    sqlite3.connect(db).execute("CREATE TABLE documents (id INTEGER PRIMARY KEY, file TEXT)").connection.close()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "pipeline", "serve", "--db", str(db), "-p", str(port)]
    proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    servers = [proc.pid]
    try:
        for _ in range(600):
            assert proc.poll() is None, "serve exited before the site answered"
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=5)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("the site never answered")
        servers += _children(proc.pid)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        for _ in range(100):
            if not any(_alive(pid) for pid in servers):
                break
            time.sleep(0.1)
        assert not [pid for pid in servers if _alive(pid)], "a Datasette process outlived `serve`"
    finally:
        for pid in servers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
