"""Page references: `(p43)`, `pp17-18`, `p 11/11`, `page 61 of 225`, `On page 31`, `PAGE 3`, `p.12`.

`find_refs` reads one normalised line and gives each reference's span, pages, page count
and the document named right beside the number (`cites`, as written: `FBC p83` -> `FBC`,
`(Refreshing NHS Plans: p12)` -> `Refreshing NHS Plans`, `May Board papers (Slide 46 p 90/96)`
-> `May Board papers`), and whether the reference points into the document itself (a
`Page 3 of 12` footer, a contents list). Rules: ``rules/page_refs.yaml``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import regex
from pydantic import Field, field_validator

from pipeline.extract.amounts import Shared, load_shared, parse_number_words, set_macros
from pipeline.extract.any_pattern import any_search
from pipeline.rules import MacroRegex, Regex, RuleModel, load_model

OPENERS = {")": "(", "]": "["}


@dataclass(frozen=True)
class PageRef:
    """One page reference in a normalised line: text[start:end]."""

    start: int
    end: int
    first: int
    last: int
    count: int | None
    cites: str | None
    self_ref: str | None  # the name of the self-reference rule that matched, if any


@dataclass(frozen=True)
class PageRefRules:
    trigger: regex.Pattern[str]  # a line it does not find holds no page reference
    patterns: tuple[regex.Pattern[str], ...]
    cites: Cites
    self_refs: tuple[SelfReference, ...]
    shared: Shared  # number words (rules/amounts.yaml): `page seven`


class PagePattern(RuleModel):
    name: str
    pattern: MacroRegex


class Cites(RuleModel):
    """page_refs.yaml `cites`: how the document named beside a page number is found (compiled when loaded)."""

    max_words: int = Field(ge=0)
    strip_leading: Regex
    strip_trailing: Regex
    not_documents: tuple[Regex, ...]
    locator: Regex
    before_bracket: Regex
    citation_line: Regex
    after: Regex


class SelfReference(RuleModel):
    name: str
    where: Literal["ref", "before", "after", "line"]
    pattern: Regex


class PageRefFile(RuleModel):
    """rules/page_refs.yaml."""

    macros: dict[str, str] = Field(default={}, validate_default=True)
    trigger: Regex
    patterns: list[PagePattern]
    cites: Cites
    self_references: list[SelfReference]

    _macros = field_validator("macros")(lambda own, info: set_macros(own, info))


@lru_cache(maxsize=4)
def load_rules(directory: Path) -> PageRefRules:
    shared = load_shared(directory)
    f = load_model(PageRefFile, directory / "page_refs.yaml", {"macros": dict(shared.macros)})
    return PageRefRules(f.trigger, tuple(p.pattern for p in f.patterns), f.cites, tuple(f.self_references), shared)


def _page(s: str | None) -> int | None:
    return int(s.strip("*")) if s else None


def _pages(m: regex.Match[str], name: str, shared: Shared) -> int | None:
    """The page number in group `name` (digits) or `name`_word (words: `seven`)."""
    groups = m.groupdict()
    if groups.get(name):
        return _page(groups[name])
    word = groups.get(f"{name}_word")
    return int(parse_number_words(word, shared)) if word else None


def _last_page(first: int, last: int | None) -> int:
    """`pp17-18` -> 18; an abbreviated range `pp117-8` -> 118."""
    if last is None:
        return first
    if last < first:
        digits = str(last)
        widened = int(str(first)[: -len(digits)] + digits) if len(digits) < len(str(first)) else last
        return widened if widened >= first else first
    return last


def find_refs(text: str, rules: PageRefRules, names: Sequence[regex.Pattern[str]] = ()) -> list[PageRef]:
    """Page references in one normalised line, left to right, not overlapping. `names` are
    patterns for documents' names (rules/cited_documents.yaml): one written just before a
    bracket holding only the reference is the document cited (`The June Annex (p49)`)."""
    if not rules.trigger.search(text) or not any_search(rules.patterns)(text):
        return []  # (no pattern matches anywhere on the line: one scan for all of them)
    spans: list[tuple[int, int, regex.Match[str]]] = []
    for pat in rules.patterns:
        for m in pat.finditer(text):
            if any(m.start() < e and s < m.end() for s, e, _ in spans):
                continue
            spans.append((m.start(), m.end(), m))
    refs: list[PageRef] = []
    for s, e, m in sorted(spans, key=lambda t: t[0]):
        first = _pages(m, "first", rules.shared)
        assert first is not None
        last = _last_page(first, _pages(m, "last", rules.shared))
        count = _page(m.groupdict().get("count"))
        prev_end = refs[-1].end if refs else 0
        cites = cites_beside(text, s, e, rules.cites, prev_end, names)
        refs.append(PageRef(s, e, first, last, count, cites, _self_ref(text, s, e, rules)))
    return refs


def _self_ref(text: str, s: int, e: int, rules: PageRefRules) -> str | None:
    parts = {"ref": text[s:e], "before": text[:s], "after": text[e:], "line": text}
    for name, where, pat in ((s.name, s.where, s.pattern) for s in rules.self_refs):
        if pat.search(parts[where]):
            return name
    return None


def _open_bracket(text: str, pos: int) -> int | None:
    """Index of the unclosed `(` or `[` before `pos` on this line, if any."""
    depth = 0
    for i in range(pos - 1, -1, -1):
        ch = text[i]
        if ch in ")]":
            depth += 1
        elif ch in "([":
            if depth == 0:
                return i
            depth -= 1
    return None


def _clean(phrase: str, rules: Cites) -> str | None:
    """A phrase that names a document, tidied; None when it names none."""
    phrase = rules.strip_trailing.sub("", rules.strip_leading.sub("", phrase.strip()))
    phrase = phrase.strip().strip("*_").strip()
    if not phrase or not (phrase[0].isupper() or phrase[0].isdigit()):
        return None
    if len(phrase.split()) > rules.max_words:
        return None
    if any(p.search(phrase) for p in rules.not_documents):
        return None
    return phrase


def _name_before(before: str, rules: Cites, names: Sequence[regex.Pattern[str]]) -> str | None:
    """A document's name ending just before a bracket: `The STP (p25)`, `May Board papers (p4)`."""
    before = before.rstrip(" *_")
    for pat in names:
        for m in pat.finditer(before):
            if m.end() == len(before):
                return m.group(0)
    tail = rules.before_bracket.search(before)
    return _clean(tail.group("doc"), rules) if tail else None


def cites_beside(
    text: str, s: int, e: int, rules: Cites, prev_end: int = 0, names: Sequence[regex.Pattern[str]] = ()
) -> str | None:
    """The document named right beside the reference at text[s:e], as written (after the
    reference before it in the same bracket: `(Milestones pp19-23, Financial targets pp30-31)`)."""
    bracket = _open_bracket(text, s)
    if bracket is not None:
        inside = text[max(bracket + 1, prev_end) : s]
        if prev_end > bracket:
            inside = inside.lstrip(" ,;")
        named = _clean(inside, rules)
        if named:
            return named
        leading = rules.strip_trailing.sub("", inside.strip())
        if leading and rules.locator.match(leading):
            m = rules.before_bracket.search(text[:bracket])
            if m:
                return _clean(m.group("doc"), rules)
        if leading:
            return None
        return _name_before(text[:bracket], rules, names)
    else:
        m = rules.citation_line.match(text[:s])
        if m and not text[e:].strip(" .;"):
            named = _clean(m.group("doc"), rules)
            if named:
                return named
    m = rules.after.match(text[e:])
    if m:
        doc = regex.sub(r"(?:\s+(?:of|and|&))+$", "", m.group("doc"))
        return _clean(doc, rules)
    return None
