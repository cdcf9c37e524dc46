"""Normalise a raw line for matching, keeping an offset map back to the raw text.

Typesetting residue (``\\pounds 22 billion``), curly quotes, non-breaking
spaces, Markdown escapes and ligature damage are rewritten by the rules in
``rules/normalise.yaml``. The result remembers, for every stretch of the
normalised text, which stretch of the raw line it came from, so a match found
in the normalised text maps back to exact raw offsets.

Each rewrite names its `trigger` in the rule file: characters (or strings) at least one of which
every match holds. A line holding no trigger of any rewrite (most lines) is returned as it is
after one scan, and a rewrite runs only over lines holding one of its own triggers.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Annotated

import regex
from pydantic import BeforeValidator, Field

from pipeline.rules import Regex, RuleModel, load_model, rules_dir


@dataclass(frozen=True)
class Rewrite:
    name: str
    pattern: regex.Pattern[str]
    replace: str
    trigger: tuple[str, ...] = ()  # every match holds one of these; empty: run on every line
    # the triggers that are one character (tested against the set of a line's characters) and the others
    trigger_chars: frozenset[str] = field(init=False, repr=False, compare=False)
    trigger_strings: tuple[str, ...] = field(init=False, repr=False, compare=False)
    literal: bool = field(init=False, repr=False, compare=False)  # `replace` holds no escape or group: as it is

    def __post_init__(self) -> None:
        object.__setattr__(self, "trigger_chars", frozenset(t for t in self.trigger if len(t) == 1))
        object.__setattr__(self, "trigger_strings", tuple(t for t in self.trigger if len(t) > 1))
        object.__setattr__(self, "literal", "\\" not in self.replace)


class Rewrites(tuple[Rewrite, ...]):
    """The rewrites of one rule file, and the triggers of all of them, for a quick first look."""

    gate: Gate | None = None


@dataclass(frozen=True)
class Gate:
    """Does a line hold any trigger? An ASCII line (most lines) is checked for the ASCII
    triggers only, with `in`; others for every trigger character (one set test) and string."""

    ascii: tuple[str, ...]
    chars: frozenset[str]
    strings: tuple[str, ...]
    # the ASCII triggers as one alternation: one scan of the line, not one `in` per trigger
    ascii_scan: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        scan = "|".join(re.escape(t) for t in self.ascii) or r"(?!)"
        object.__setattr__(self, "ascii_scan", re.compile(scan))

    @classmethod
    def of(cls, triggers: set[str]) -> Gate:
        ascii_ = {t for t in triggers if t.isascii()}
        # a trigger holding another (`\\pounds` holds `\\`) is in a line only when that one is too
        ascii_ = {t for t in ascii_ if not any(o != t and o in t for o in ascii_)}
        return cls(
            tuple(sorted(ascii_)),
            frozenset(t for t in triggers if len(t) == 1),
            tuple(sorted(t for t in triggers if len(t) > 1)),
        )

    def opens(self, line: str) -> bool:
        if line.isascii():
            return self.ascii_scan.search(line) is not None
        return not self.chars.isdisjoint(line) or any(t in line for t in self.strings)


@dataclass(frozen=True)
class Piece:
    """norm[n0:n1] came from raw[r0:r1]; `same` when copied unchanged (so n1-n0 == r1-r0)."""

    n0: int
    n1: int
    r0: int
    r1: int
    same: bool


@dataclass(frozen=True)
class NormLine:
    raw: str
    text: str
    pieces: tuple[Piece, ...]  # empty when text == raw

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Raw offsets of the normalised span [start, end)."""
        if not self.pieces:
            return start, end
        if end <= start:
            r = self._raw_start(start)
            return r, r
        return self._raw_start(start), self._raw_end(end)

    def _piece(self, pos: int) -> Piece:
        starts = [p.n0 for p in self.pieces]
        i = max(bisect_right(starts, pos) - 1, 0)
        # skip empty pieces (deletions) that start at the same position
        while i + 1 < len(self.pieces) and self.pieces[i].n1 <= pos and self.pieces[i + 1].n0 <= pos:
            i += 1
        return self.pieces[i]

    def _raw_start(self, pos: int) -> int:
        if pos >= len(self.text):
            return len(self.raw)
        p = self._piece(pos)
        return p.r0 + (pos - p.n0) if p.same else p.r0

    def _raw_end(self, end: int) -> int:
        p = self._piece(end - 1)
        return p.r0 + (end - p.n0) if p.same else p.r1


def load_rewrites(directory: Path | str | None = None) -> Rewrites:
    return _load_rewrites(str(rules_dir(directory) / "normalise.yaml"))


def _trigger(value: object) -> tuple[str, ...]:
    """`trigger: '“”'` (any of these characters) or `trigger: ['il ion']` (any of these strings)."""
    if isinstance(value, str) and value:
        return tuple(dict.fromkeys(value))
    if isinstance(value, list) and value and all(isinstance(v, str) and v for v in value):
        return tuple(value)
    raise ValueError(
        f"trigger must be a non-empty string of characters or a list of non-empty strings, got {value!r}: "
        "name what every match of the pattern holds (a line holding none is not rewritten)"
    )


class RewriteRule(RuleModel):
    name: str
    pattern: Regex
    replace: str
    trigger: Annotated[tuple[str, ...], BeforeValidator(_trigger)] = Field(default=None, validate_default=True)


class NormaliseFile(RuleModel):
    """rules/normalise.yaml."""

    rewrites: list[RewriteRule]


@lru_cache(maxsize=4)
def _load_rewrites(path_str: str) -> Rewrites:
    rules = load_model(NormaliseFile, Path(path_str)).rewrites
    rewrites = Rewrites(Rewrite(rw.name, rw.pattern, rw.replace, rw.trigger) for rw in rules)
    if all(rw.trigger for rw in rewrites):
        rewrites.gate = Gate.of({t for rw in rewrites for t in rw.trigger})
    return rewrites


def normalise(raw: str, rewrites: tuple[Rewrite, ...]) -> NormLine:
    """Apply every rewrite in one left-to-right pass (earlier rules win ties)."""
    gate = getattr(rewrites, "gate", None)
    if gate is not None and not gate.opens(raw):
        return NormLine(raw, raw, ())
    found: list[tuple[int, int, int, regex.Match[str]]] = []
    chars: set[str] | None = None  # the line's characters, for the one-character triggers
    for order, rw in enumerate(rewrites):
        if rw.trigger:
            if chars is None:
                chars = set(raw)
            if rw.trigger_chars.isdisjoint(chars) and not any(t in raw for t in rw.trigger_strings):
                continue
        for m in rw.pattern.finditer(raw):
            if m.end() > m.start():
                found.append((m.start(), order, m.end(), m))
    if not found:
        return NormLine(raw, raw, ())
    found.sort(key=lambda f: (f[0], f[1]))
    parts: list[str] = []
    pieces: list[Piece] = []
    pos = n = 0
    for start, order, end, m in found:
        if start < pos:
            continue  # overlaps a rewrite already taken
        if start > pos:
            parts.append(raw[pos:start])
            pieces.append(Piece(n, n + start - pos, pos, start, True))
            n += start - pos
        rw = rewrites[order]
        rep = rw.replace if rw.literal else m.expand(rw.replace)
        parts.append(rep)
        pieces.append(Piece(n, n + len(rep), start, end, rep == raw[start:end]))
        n += len(rep)
        pos = end
    if pos < len(raw):
        parts.append(raw[pos:])
        pieces.append(Piece(n, n + len(raw) - pos, pos, len(raw), True))
    return NormLine(raw, "".join(parts), tuple(pieces))
