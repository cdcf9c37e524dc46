"""The one shape of ingestion's rule files (``pdf_layout.yaml``, ``ocr.yaml``): a typed model (fields
read from ``section.key`` of the file: `pipeline.rule_keys`), a version (the ingestion cache is keyed
by it), and a loader that reads the file again when it changes."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from pipeline.rules import RuleError, RuleModel, load_model

M = TypeVar("M", bound=RuleModel)


def version(path: Path) -> str:
    """A hash of the file: the ingestion cache is keyed by it."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except FileNotFoundError:
        raise RuleError(path, "file not found") from None


def load(model: type[M], path: Path) -> M:
    """The file at `path` as `model` (read once, and again when the file changes)."""
    loaded: M = _load(model, str(path), path.stat().st_mtime_ns if path.exists() else 0)
    return loaded


@lru_cache(maxsize=16)
def _load(model: type[M], path_str: str, _mtime: int) -> M:
    return load_model(model, Path(path_str))
