"""Limits that keep one bad input from stalling a build, from ``rules/limits.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.rules import RuleError, read_yaml, rules_dir

FILE_NAME = "limits.yaml"


@dataclass(frozen=True)
class Limits:
    max_line_chars: int  # a longer text line is stored as pieces of at most this many characters
    document_seconds: float  # a document taking longer is given up (0: no limit)


@lru_cache(maxsize=4)
def load_limits(rules: Path | None = None) -> Limits:
    path = rules_dir(rules) / FILE_NAME
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise RuleError(path, "expected a mapping with max_line_chars and document_seconds")
    unknown = sorted(set(data) - {"max_line_chars", "document_seconds"})
    if unknown:
        raise RuleError(path, f"unknown field(s) {unknown}")
    chars, seconds = data.get("max_line_chars"), data.get("document_seconds")
    if not isinstance(chars, int) or isinstance(chars, bool) or chars < 200:
        raise RuleError(path, f"max_line_chars must be a whole number of at least 200, not {chars!r}")
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0:
        raise RuleError(path, f"document_seconds must be a number of seconds (0: no limit), not {seconds!r}")
    return Limits(chars, float(seconds))
