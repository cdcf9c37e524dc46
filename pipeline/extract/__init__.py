"""The extractors of mentions, and the context a build runs them in.

Each extractor is a component (pipeline/components.py): a typed object declaring its name, the
kinds and tables it writes, its values record, its rules and its `extract` function, declared at
the bottom of its own module (`money.COMPONENT`, `percent.COMPONENT`, `citations.COMPONENT`,
`bodies.COMPONENT`, and `pipeline.facts.COMPONENT`). See the README, "Adding a kind of mention".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.components import Options, normalise_lines
from pipeline.model import Document, Extraction
from pipeline.rules import rules_dir

__all__ = ["Context", "Options", "extract_all", "normalise_lines"]


@dataclass(frozen=True)
class Context:
    """What a build runs the extractors with besides the document: where the rules are, and options."""

    rules: Path = field(default_factory=rules_dir)
    options: Options = field(default_factory=Options)


def extract_all(doc: Document, ctx: Context, only: Sequence[str] | None = None) -> Extraction:
    """Every component (or those of `only`: component names or kinds) over one document."""
    from pipeline import components

    return components.extract_all(doc, ctx.rules, ctx.options, only)
