"""Shared by tests/test_money.py and tests/test_percent.py: real lines and a way to run one extractor."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline import components
from pipeline.extract import Context
from pipeline.model import Document, Line, Mention

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DATA = Path(__file__).resolve().parent / "data" / "amount_lines.jsonl"

Extract = components.Component[Any]


def real_lines() -> dict[tuple[str, int], str]:
    """(doc, line number) -> the line as published, from tests/data/amount_lines.jsonl."""
    out = {}
    for raw in DATA.read_text(encoding="utf-8").splitlines():
        if raw.strip() and not raw.startswith("//"):
            row = json.loads(raw)
            out[(row["doc"], row["line"])] = row["text"]
    return out


LINES = real_lines()


def run_lines(extract: Extract, texts: Sequence[str], first: int = 1) -> list[list[Mention]]:
    """Run one extractor over consecutive lines; the mentions of each line, left to right."""
    doc = Document("test.txt", "0" * 64, "text", lines=[Line(first + i, t) for i, t in enumerate(texts)])
    found = components.run(extract, doc, Context().rules)
    per_line: list[list[Mention]] = [[] for _ in texts]
    for m in sorted(found.mentions, key=lambda m: (m.line_index, m.start)):
        per_line[m.line_index].append(m)
    return per_line


def run_real(extract: Extract, doc: str, line: int, last: int | None = None) -> list[Mention]:
    """Mentions on real line `line` of `doc`; lines up to `last` are given too (for amounts that run on)."""
    numbers = range(line, (last or line) + 1)
    per_line = run_lines(extract, [LINES[(doc, n)] for n in numbers], line)
    return per_line[0]


def source_text(doc: str) -> str | None:
    """The full source of a copied line, when it is at hand (corpus/ always, realdocs with ../shared)."""
    path = ROOT / doc if doc.startswith("corpus/") else SHARED / "realdocs" / doc
    return path.read_text(encoding="utf-8") if path.exists() else None
