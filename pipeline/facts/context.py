"""The context of an amount: its paragraph, sentence and clause, and the section heading above it.

Plain functions over a document's normalised lines. A paragraph is a run of non-blank lines (in a
PDF, lines closer than the paragraph gap); its text is its lines' normalised texts joined by one
space, with a map back to (line index, offset in the normalised line). Sentences come from spaCy's
sentencizer (the one the bodies pipeline uses, on `spacy.blank("en")`); table rows are one sentence.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter

import regex

from pipeline.facts.fact_rules import Compiled
from pipeline.facts.prefilter import could_match, folded, marks_of, pattern_needs
from pipeline.model import Document, Line
from pipeline.normalise import NormLine


@dataclass(slots=True)
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
    # found by sentence_of, made when first needed (most paragraphs hold no amount)
    sentences: dict[tuple[int, int], list[tuple[int, int]]] | None = None
    stretches: dict[int, list[int]] | None = None  # window -> cuts (sentence_of), on demand

    def at(self, line_index: int, offset: int) -> int:
        """Paragraph offset of a normalised line offset."""
        k = bisect_left(self.lines, line_index)  # the lines are in document order
        if k == len(self.lines) or self.lines[k] != line_index:
            raise ValueError(f"line {line_index} is not in paragraph {self.index}")
        return self.starts[k] + offset

    def where(self, pos: int) -> tuple[int, int]:
        """(document line index, normalised offset in it) of a paragraph offset."""
        k = max(bisect_right(self.starts, pos) - 1, 0)
        return self.lines[k], pos - self.starts[k]


_MARKDOWN_ROW = re.compile(r"\s*\|")
_BULLETS = frozenset("•▪◦●○■□-–*·")


def is_table_row(text: str) -> bool:
    """Cells separated by tabs (a PDF table row; not a bullet and its text: `•<TAB>Investments ...`) or
    a Markdown row."""
    if "\t" in text:
        cells = text.strip()
        if cells[:1] in _BULLETS and cells[1:2] == "\t":
            cells = cells[2:]
        if "\t" in cells:
            return True
    return "|" in text and _MARKDOWN_ROW.match(text) is not None and text.count("|") >= 2


def paragraphs(doc: Document, lines: Sequence[NormLine], rules: Compiled) -> list[Paragraph]:
    """The document's paragraphs in order, with headings, sections and run-ons marked."""
    texts = list(map(_TEXT_OF, lines))
    if len(texts) != len(doc.lines):
        raise ValueError(f"{doc.path}: {len(doc.lines)} lines but {len(texts)} normalised lines")
    groups = _groups(doc, texts, rules.model.context.pdf_paragraph_gap)
    # each paragraph: its lines, their texts (joined by one space) and its kind
    merged: list[tuple[list[int], list[str], int]] = []
    last_text, last_kind = "", _HEADING
    ending = _Endings(rules)
    seen = ending.seen  # (its cache read inline: this loop runs once for every line group of a document)
    marks = ending.marks  # (a tail holding none of these ends no sentence: one set test, inline)
    heading, not_heading = rules.heading.search, rules.not_heading.search
    max_words, heading_first = rules.model.context.heading_max_words, frozenset(rules.model.context.heading_first)
    for group in groups:
        text = texts[group[0]] if len(group) == 1 else " ".join([texts[i] for i in group])
        if ("\t" in text or "|" in text) and is_table_row(text):
            kind = _TABLE
        elif len(text) > 120 or "£" in text:
            kind = _TEXT
        else:
            # a heading? the cheap tests first, inline: most of a long document's lines are no heading
            # (at most 120 characters, no `£`, starting with a capital, `#` or a digit; a few words that
            # the heading patterns take)
            first = text[:1]
            if first.isspace():
                first = text.lstrip()[:1]
            if not (first.isupper() or first in heading_first) or len(text.split()) > max_words:
                kind = _TEXT
            else:
                kind = _HEADING if heading(text) is not None and not_heading(text) is None else _TEXT
        # a paragraph that did not end runs on into this one: one paragraph (a converter's broken lines);
        # (`ending` says (ends, introduces), and what introduces ends; it reads the paragraph's tail)
        if kind is _TEXT and last_kind is _TEXT and merged:
            tail = last_text[-12:]  # where the end patterns look (`...$`), not the whole paragraph
            if (marks is not None and marks.isdisjoint(tail)) or not (seen.get(tail) or ending(tail))[0]:
                merged[-1][0].extend(group)
                merged[-1][1].append(text)
                last_text = text
                continue
        merged.append((group, [text], kind))  # `groups` is not read again: its lists are reused
        last_text, last_kind = text, kind
    out: list[Paragraph] = []
    for group, parts, kind in merged:
        if len(group) == 1:  # most paragraphs are one line
            starts, text = [0], parts[0]
        else:
            starts, pos = [], 0
            for i in group:
                starts.append(pos)
                pos += len(texts[i]) + 1
            text = parts[0] if len(parts) == 1 else " ".join(parts)
        out.append(Paragraph(len(out), group, starts, text, kind is _TABLE, kind is _HEADING))
    _link(out, rules, ending)
    return out


_TEXT_OF, _BBOX_OF = attrgetter("text"), attrgetter("bbox")
# a line group's kind in `paragraphs` (compared by identity)
_TEXT, _TABLE, _HEADING = 0, 1, 2


def _groups(doc: Document, texts: list[str], gap: float) -> list[list[int]]:
    """The runs of non-blank lines (line indexes); a table row is a run of its own, and in a PDF a new
    page or a gap (`_new_block`) starts a run."""
    groups: list[list[int]] = []
    current: list[int] = []
    prev_table = False
    if any(map(_BBOX_OF, doc.lines)):  # a PDF's lines: boxes (a box is four numbers, never empty)
        prev: Line | None = None
        for i, text in enumerate(texts):
            if not text or text.isspace():
                if current:
                    groups.append(current)
                current, prev = [], None
                continue
            table = ("\t" in text or "|" in text) and is_table_row(text)
            line = doc.lines[i]
            if current and (table or prev_table or _new_block(prev, line, gap)):
                groups.append(current)
                current = []
            current.append(i)
            prev, prev_table = line, table
    else:
        for i, text in enumerate(texts):
            if not text or text.isspace():
                if current:
                    groups.append(current)
                    current = []
                continue
            table = ("\t" in text or "|" in text) and is_table_row(text)
            if current and (table or prev_table):
                groups.append(current)
                current = []
            current.append(i)
            prev_table = table
    if current:
        groups.append(current)
    return groups


class _Endings:
    """(ends a sentence, introduces what follows) of a paragraph's tail, each tail tested once (the
    same short tails recur: `£000`, `-`, a number)."""

    def __init__(self, rules: Compiled) -> None:
        self.rules = rules
        self.seen: dict[str, tuple[bool, bool]] = {}
        # the characters or words a match of each pattern holds (`prefilter`): a tail without any is not searched
        self.ends_words, self.introduces_words = pattern_needs(rules.paragraph_ends), pattern_needs(rules.introduces)
        # when every such word is one caseless mark (`.`, `:`): a tail holding none is (False, False), found
        # with one set test (`prefilter.marks_of`; most tails end in a word); None: `__call__` decides
        ends, introduces = marks_of(self.ends_words), marks_of(self.introduces_words)
        self.mark_sets = (ends, introduces) if ends is not None and introduces is not None else None
        self.marks = ends | introduces if ends is not None and introduces is not None else None

    def __call__(self, tail: str) -> tuple[bool, bool]:
        found = self.seen.get(tail)
        if found is None:
            if self.mark_sets is not None:  # caseless marks: set tests, no folded text needed
                ends_marks, introduces_marks = self.mark_sets
                if ends_marks.isdisjoint(tail) and introduces_marks.isdisjoint(tail):
                    return _NEITHER
                introduces = not introduces_marks.isdisjoint(tail) and self.rules.introduces.search(tail) is not None
                ends = introduces or (
                    not ends_marks.isdisjoint(tail) and self.rules.paragraph_ends.search(tail) is not None
                )
            else:
                low = folded(tail)
                introduces = could_match(self.introduces_words, low) and self.rules.introduces.search(tail) is not None
                ends = introduces or (
                    could_match(self.ends_words, low) and self.rules.paragraph_ends.search(tail) is not None
                )
            found = self.seen[tail] = (ends, introduces)
        return found


_NEITHER = (False, False)  # a tail that neither ends a sentence nor introduces what follows


def _new_block(prev: Line | None, line: Line, gap: float) -> bool:
    """In a PDF: a new page, or a gap above the line larger than `gap` line heights."""
    if prev is None or prev.bbox is None or line.bbox is None:
        return False
    if prev.page != line.page:
        return True
    height = max(prev.bbox[3] - prev.bbox[1], 1.0)
    return line.bbox[1] - prev.bbox[3] > gap * height


def _link(paras: list[Paragraph], rules: Compiled, ending: _Endings | None = None) -> None:
    ending = ending or _Endings(rules)
    seen = ending.seen
    section: int | None = None
    before: Paragraph | None = None
    for k, p in enumerate(paras):
        if p.heading:
            section, before = k, p
            continue
        p.section = section
        if before is not None and not (before.heading or before.table or p.table):
            tail = before.text[-12:]  # the paragraph's end, where the end patterns look (`...$`)
            ends, p.introduced = seen.get(tail) or ending(tail)
            p.runs_on = not ends
        before = p


@lru_cache(maxsize=1)
def _sentencizer() -> tuple[object, frozenset[str], str]:
    """spaCy's sentencizer, and the characters that end its sentences (as a set and a string)."""
    import spacy

    nlp = spacy.blank("en")
    ends: set[str] = nlp.add_pipe("sentencizer").punct_chars  # type: ignore[attr-defined]
    return nlp, frozenset(ends), "".join(sorted(ends))


def sentences(p: Paragraph, lo: int = 0, hi: int | None = None) -> list[tuple[int, int]]:
    """The sentences of p.text[lo:hi] as (start, end) offsets of the text (spaCy's sentencizer on the
    whole text; `sentence_of` gives the same sentence reading only the words around an offset, and with
    `unit_end` also ends one after "£5m.", which the tokenizer keeps whole)."""
    hi = len(p.text) if hi is None else hi
    nlp, ends, ends_text = _sentencizer()
    chunk = p.text[lo:hi]
    if p.table or hi - lo < 3 or ends.isdisjoint(chunk.rstrip(ends_text)):
        return [(lo, hi)]
    doc = nlp(chunk)  # type: ignore[operator]
    spans = [(lo + s.start_char, lo + s.end_char) for s in doc.sents]
    # a sentence runs to the next one's start, so every offset of the text is in one sentence
    out = [(lo if k == 0 else s, spans[k + 1][0] if k + 1 < len(spans) else hi) for k, (s, _) in enumerate(spans)]
    return out or [(lo, hi)]


def sentence_of(
    p: Paragraph, pos: int, window: int = 600, unit_end: regex.Pattern[str] | None = None
) -> tuple[int, int]:
    """The sentence holding offset `pos`. A long paragraph is read in stretches of whole lines of about
    `window` characters, each with the stretches either side (a sentence longer than that is cut)."""
    lo, hi = 0, len(p.text)
    if hi > 3 * window and len(p.starts) > 3:
        if p.stretches is None:
            p.stretches = {}
        cuts = p.stretches.get(window) or p.stretches.setdefault(window, _stretches(p, window))
        k = max(bisect_right(cuts, pos) - 1, 0)
        lo = cuts[max(k - 1, 0)]
        hi = cuts[k + 2] - 1 if k + 2 < len(cuts) else len(p.text)
    if p.sentences is None:
        p.sentences = {}
    found = p.sentences.get((lo, hi))
    if found is None:
        found = p.sentences[(lo, hi)] = _sentences(p, lo, hi, unit_end)
    for s, e in found:
        if s <= pos < e:
            return s, e
    return lo, hi


# a run of non-space characters that is not all ASCII letters and digits: the only words whose tokens
# spaCy's sentencizer must see (a word of letters and digits is a token that is no punctuation)
_NOT_PLAIN = re.compile(r"\S*[^\sA-Za-z0-9]\S*")


def _sentences(p: Paragraph, lo: int, hi: int, unit_end: regex.Pattern[str] | None = None) -> list[tuple[int, int]]:
    """`sentences(p, lo, hi)`, with spaCy's tokenizer given only the words that are not letters and digits.

    spaCy's tokenizer cuts the text at whitespace (one space after a word is part of that word's token,
    other whitespace a token of its own) and tokenizes each word alone; its sentencizer starts a sentence
    at the first token after a sentence end (`.`, `!`, `?`, ...) that is no punctuation. A word of ASCII
    letters and digits holds no punctuation, so its tokens are not needed: the words that are not (most
    words of prose are) are tokenized together, joined by single spaces, and the sentencizer's rule is run
    over their tokens and the words and whitespace between them."""
    nlp, ends, ends_text = _sentencizer()
    text = p.text
    if p.table or hi - lo < 3 or ends.isdisjoint(text[lo:hi].rstrip(ends_text)):
        # one sentence: the sentencizer starts one only at a word after a sentence end, and this text
        # has none, or only at its very end (most paragraphs that hold money are one sentence)
        return [(lo, hi)]
    words = [m.span() for m in _NOT_PLAIN.finditer(text, lo, hi)]
    tokenized = " ".join([text[a:b] for a, b in words])
    doc = nlp.tokenizer(tokenized)  # type: ignore[attr-defined]
    joined = list(itertools.accumulate((b - a + 1 for a, b in words), initial=0))  # each word's start there
    # the tokens' offsets, lengths and flags as lists, in one call (not a Token object per attribute read);
    # a token's text is its stretch of the text tokenized
    idxs, lengths, puncts, nums = doc.to_array(_token_attrs()).T.tolist()
    starts = [lo]
    seen = False  # a sentence end seen, and no token since that starts a sentence
    k = -1
    for i, idx in enumerate(idxs):
        while idx >= joined[k + 1]:  # the token is the next word's: only whitespace and plain words between
            k += 1
            if seen and k:
                gap = _gap_start(text, words[k - 1][1], words[k][0])
                if gap is not None:
                    starts.append(gap)
                    seen = False
        token = tokenized[idx : idx + lengths[i]]
        if token in ends:
            seen = True
        elif unit_end is not None and i and nums[i - 1] and unit_end.fullmatch(token):
            # "planned at £109.4m. While ...": spaCy's tokenizer keeps "m." whole (an abbreviation), which hid
            # the sentence end after an amount from its sentencizer
            seen = True
        elif seen and not puncts[i]:
            starts.append(words[k][0] + idx - joined[k])
            seen = False
    if seen:
        gap = _gap_start(text, words[-1][1], hi)
        if gap is not None:
            starts.append(gap)
    return [(s, starts[j + 1] if j + 1 < len(starts) else hi) for j, s in enumerate(starts)]


@lru_cache(maxsize=1)
def _token_attrs() -> list[int]:
    """spaCy's ids of the token attributes `_sentences` reads: offset, length, punctuation, like a number."""
    from spacy.attrs import IDX, IS_PUNCT, LENGTH, LIKE_NUM

    return [IDX, LENGTH, IS_PUNCT, LIKE_NUM]


def _gap_start(text: str, end: int, nxt: int) -> int | None:
    """The first token's start in text[end:nxt] (whitespace and plain words after a word ending at `end`),
    None when there is none: one space after the word is part of its token, other whitespace a token."""
    if end >= nxt:
        return None
    if text[end] != " ":
        return end
    return end + 1 if end + 1 < nxt else None


def _stretches(p: Paragraph, window: int) -> list[int]:
    """Offsets where the stretches of a long paragraph start: line starts about `window` apart."""
    cuts = [0]
    for start in p.starts[1:]:
        if start - cuts[-1] >= window:
            cuts.append(start)
    return cuts


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
