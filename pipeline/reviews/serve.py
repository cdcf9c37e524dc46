"""The command line of `make serve` and `nhs-figures serve` (Datasette on the review metadata,
plugins and templates: the checkout's, or the copy a built wheel carries in `pipeline/_data/`)."""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.package_data import data_path


def serve_command(db: Path, port: int, *settings: tuple[str, str]) -> list[str]:
    """`datasette serve` of `db` read-only on 127.0.0.1:`port` as `make serve` runs it (no --reload),
    with extra Datasette `--setting NAME VALUE` pairs."""
    cmd = [sys.executable, "-m", "datasette", "serve", "-i", str(db)]
    cmd += ["-m", str(data_path("db", "metadata.yaml")), "--plugins-dir", str(data_path("plugins"))]
    cmd += ["--template-dir", str(data_path("templates")), "-h", "127.0.0.1", "-p", str(port)]
    for name, value in settings:
        cmd += ["--setting", name, value]
    return cmd
