"""Limits that keep one bad input from stalling a build, from ``rules/limits.yaml``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field

from pipeline.rules import RuleModel, load_model, rules_dir

FILE_NAME = "limits.yaml"


class Limits(RuleModel):
    """rules/limits.yaml."""

    # a longer text line is stored as pieces of at most this many characters
    max_line_chars: int = Field(ge=200, strict=True)
    # a document taking longer is given up (0: no limit)
    document_seconds: float = Field(ge=0, strict=True)


@lru_cache(maxsize=4)
def load_limits(rules: Path | None = None) -> Limits:
    return load_model(Limits, rules_dir(rules) / FILE_NAME)
