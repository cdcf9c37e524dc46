"""The command line of `make serve` (Datasette on the review metadata, plugins and templates)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def serve_command(db: Path, port: int, *settings: tuple[str, str]) -> list[str]:
    """`datasette serve` of `db` read-only on 127.0.0.1:`port` as `make serve` runs it (no --reload),
    with extra Datasette `--setting NAME VALUE` pairs."""
    cmd = [sys.executable, "-m", "datasette", "serve", "-i", str(db)]
    cmd += ["-m", str(ROOT / "db" / "metadata.yaml"), "--plugins-dir", str(ROOT / "plugins")]
    cmd += ["--template-dir", str(ROOT / "templates"), "-h", "127.0.0.1", "-p", str(port)]
    for name, value in settings:
        cmd += ["--setting", name, value]
    return cmd
