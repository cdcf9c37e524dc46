"""The context of an amount: its paragraph, sentence and clause, and the section heading above it.

Plain functions over a document's normalised lines. A paragraph is a run of non-blank lines (in a
PDF, lines closer than the paragraph gap); its text is its lines' normalised texts joined by one
space, with a map back to (line index, offset in the normalised line). Sentences come from spaCy's
sentencizer (the one the bodies pipeline uses, on `spacy.blank("en")`); table rows are one sentence.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.facts.rules import Compiled
from pipeline.model import Document, Line
from pipeline.normalise import NormLine


@dataclass
class Paragraph:
    index: int
    lines: list[int]  # document line indexes
    starts: list[int]  # offset of each line's text in `text`
    text: str
    table: bool = False  # a table row (tab-separated cells, a Markdown row)
    heading: bool = False
    runs_on: bool = False  # the paragraph before it did not end: this one continues it
    introduced: bool = False  # the paragraph before it ends with ':' (it introduces this one)
    section: int | None = None  # index of the heading paragraph above it
    sentences: list[tuple[int, int]] = field(default_factory=list)  # filled on demand

    def at(self, line_index: int, offset: int) -> int:
        """Paragraph offset of a normalised line offset."""
        return self.starts[self.lines.index(line_index)] + offset

    def where(self, pos: int) -> tuple[int, int]:
        """(document line index, normalised offset in it) of a paragraph offset."""
        k = max(bisect_right(self.starts, pos) - 1, 0)
        return self.lines[k], pos - self.starts[k]


def is_table_row(text: str) -> bool:
    s = text.strip()
    return "\t" in s or (s.startswith("|") and s.count("|") >= 2)


def paragraphs(doc: Document, lines: Sequence[NormLine], rules: Compiled) -> list[Paragraph]:
    """The document's paragraphs in order, with headings, sections and run-ons marked."""
    gap = rules.model.context.pdf_paragraph_gap
    groups: list[list[int]] = []
    current: list[int] = []
    prev: Line | None = None
    for i, (line, nl) in enumerate(zip(doc.lines, lines, strict=True)):
        if not nl.text.strip():
            if current:
                groups.append(current)
            current, prev = [], None
            continue
        table = is_table_row(nl.text)
        if current and (table or is_table_row(lines[current[-1]].text) or _new_block(prev, line, gap)):
            groups.append(current)
            current = []
        current.append(i)
        prev = line
    if current:
        groups.append(current)
    merged: list[list[int]] = []
    last_text, last_kind = "", ""
    for group in groups:
        text = " ".join(lines[i].text for i in group)
        kind = "table" if is_table_row(text) else ("heading" if _is_heading(text, rules) else "text")
        # a paragraph that did not end runs on into this one: one paragraph (a converter's broken lines)
        if merged and kind == "text" and last_kind == "text" and rules.paragraph_ends.search(last_text) is None:
            if rules.introduces.search(last_text) is None:
                merged[-1] = merged[-1] + group
                last_text = text
                continue
        merged.append(list(group))
        last_text, last_kind = text, kind
    out: list[Paragraph] = []
    for group in merged:
        starts, parts, pos = [], [], 0
        for i in group:
            starts.append(pos)
            parts.append(lines[i].text)
            pos += len(lines[i].text) + 1
        text = " ".join(parts)
        p = Paragraph(len(out), group, starts, text, table=is_table_row(text))
        p.heading = not p.table and _is_heading(text, rules)
        out.append(p)
    _link(out, rules)
    return out


def _new_block(prev: Line | None, line: Line, gap: float) -> bool:
    """In a PDF: a new page, or a gap above the line larger than `gap` line heights."""
    if prev is None or prev.bbox is None or line.bbox is None:
        return False
    if prev.page != line.page:
        return True
    height = max(prev.bbox[3] - prev.bbox[1], 1.0)
    return line.bbox[1] - prev.bbox[3] > gap * height


def _is_heading(text: str, rules: Compiled) -> bool:
    words = text.split()
    if not words or len(words) > rules.model.context.heading_max_words or "£" in text:
        return False
    return rules.heading.search(text) is not None and rules.not_heading.search(text) is None


def _link(paras: list[Paragraph], rules: Compiled) -> None:
    section: int | None = None
    for k, p in enumerate(paras):
        if p.heading:
            section = k
            continue
        p.section = section
        if k == 0 or paras[k - 1].heading or paras[k - 1].table or p.table:
            continue
        before = paras[k - 1].text
        p.introduced = rules.introduces.search(before) is not None
        p.runs_on = not p.introduced and rules.paragraph_ends.search(before) is None


@lru_cache(maxsize=1)
def _sentencizer() -> object:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def sentences(p: Paragraph) -> list[tuple[int, int]]:
    """The paragraph's sentences as (start, end) offsets of its text (spaCy's sentencizer)."""
    if p.sentences:
        return p.sentences
    if p.table or len(p.text) < 3:
        p.sentences = [(0, len(p.text))]
        return p.sentences
    doc = _sentencizer()(p.text)  # type: ignore[operator]
    spans = [(s.start_char, s.end_char) for s in doc.sents]
    # a sentence runs to the next one's start, so every offset of the text is in one sentence
    out = []
    for k, (s, _) in enumerate(spans):
        end = spans[k + 1][0] if k + 1 < len(spans) else len(p.text)
        out.append((0 if k == 0 else s, end))
    p.sentences = out or [(0, len(p.text))]
    return p.sentences


def sentence_of(p: Paragraph, pos: int) -> tuple[int, int]:
    for s, e in sentences(p):
        if s <= pos < e:
            return s, e
    return 0, len(p.text)


def clause_of(text: str, start: int, end: int, amount: tuple[int, int], rules: Compiled) -> tuple[int, int]:
    """The clause of `text[start:end]` holding the amount: between the clause breaks around it."""
    a, b = amount
    lo, hi = start, end
    for m in rules.clause_breaks.finditer(text, start, end):
        if m.end() <= a:
            lo = max(lo, m.end())
        elif m.start() >= b:
            hi = min(hi, m.start())
            break
    return lo, hi
