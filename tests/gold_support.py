"""What the held-out gold tests share: the evaluation script, where a gold document is, span checks."""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def evaluate_module() -> ModuleType:
    """scripts/evaluate_heldout.py as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("evaluate_heldout", ROOT / "scripts" / "evaluate_heldout.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def source(doc: str) -> Path | None:
    """A gold document in corpus/ or ../shared/realdocs; None where it is absent."""
    for path in (ROOT / "corpus" / doc, SHARED / "realdocs" / doc):
        if path.exists():
            return path
    return None


def located(records: list[dict]) -> Iterator[dict]:
    """Each record whose document is at hand, after checking its SHA-256 and that its line sliced at
    start:end is its text."""
    for doc in sorted({r["doc"] for r in records}):
        path = source(doc)
        if path is None:
            continue  # a ../shared/realdocs file, where ../shared is absent
        raw = path.read_bytes()
        lines = raw.decode("utf-8").split("\n")
        for r in (r for r in records if r["doc"] == doc):
            assert r["doc_sha256"] == hashlib.sha256(raw).hexdigest(), r
            assert lines[r["line"] - 1][r["start"] : r["end"]] == r["text"], r
            yield r
