"""Percentages: `4%`, `95.1%`, `46 per cent`, `84 percent`, ranges `14-16%`, signs `-25%`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import regex

from pipeline.extract import Context
from pipeline.model import Document, Extraction, Mention
from pipeline.normalise import NormLine
from pipeline.rules import RuleError, compile_pattern, expand_macros, read_yaml, require


@dataclass(frozen=True)
class PercentRules:
    patterns: tuple[regex.Pattern[str], ...]


@lru_cache(maxsize=4)
def load_rules(directory: Path) -> PercentRules:
    path = directory / "percent.yaml"
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("patterns"), list):
        raise RuleError(path, "expected a mapping with a list `patterns`")
    macros = data.get("macros") or {}
    pats = []
    for i, row in enumerate(data["patterns"], 1):
        require(path, i, row, ("name", "pattern"))
        pats.append(compile_pattern(path, i, expand_macros(path, row["pattern"], macros)))
    return PercentRules(tuple(pats))


def _number(s: str) -> float:
    return float(s.replace(",", ""))


def find(text: str, rules: PercentRules) -> list[tuple[int, int, float, float]]:
    """Spans and values of percentages in one normalised line, left to right, no overlaps."""
    found: list[tuple[int, int, float, float]] = []
    taken: list[tuple[int, int]] = []
    for pat in rules.patterns:
        for m in pat.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            sign = -1.0 if m.group("sign") == "-" else 1.0
            low = sign * _number(m.group("low"))
            high = sign * _number(m.group("high")) if m.groupdict().get("high") else low
            found.append((m.start(), m.end(), low, high))
            taken.append(m.span())
    return sorted(found)


def extract(doc: Document, lines: Sequence[NormLine], ctx: Context) -> Extraction:
    rules = load_rules(ctx.rules)
    out = Extraction()
    for i, nl in enumerate(lines):
        if "%" not in nl.text and "cent" not in nl.text:
            continue
        for s, e, low, high in find(nl.text, rules):
            rs, re_ = nl.to_raw(s, e)
            out.mentions.append(
                Mention("percent", i, rs, re_, nl.raw[rs:re_], {"low": low, "high": high, "normalised": nl.text[s:e]})
            )
    return out
