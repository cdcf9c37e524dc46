"""The context of an amount: its paragraph, sentence and clause, and the section heading above it.

Plain functions over a document's normalised lines. A paragraph is a run of non-blank lines (in a
PDF, lines closer than the paragraph gap); its text is its lines' normalised texts joined by one
space, with a map back to (line index, offset in the normalised line). `Paragraphs` builds a
document's paragraphs where they are read (the facts read them around amounts); `paragraphs` builds
them all at once, the reference it is tested against. Sentences come from spaCy's sentencizer (the
one the bodies pipeline uses, on `spacy.blank("en")`); table rows are one sentence.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
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
    index: int  # its key: its first line's index (ordered as the paragraphs are; no count of them)
    lines: list[int]  # document line indexes
    starts: list[int]  # offset of each line's text in `text`
    text: str
    table: bool = False  # a table row (tab-separated cells, a Markdown row)
    heading: bool = False
    runs_on: bool = False  # the paragraph before it did not end: this one continues it
    introduced: bool = False  # the paragraph before it ends with ':' (it introduces this one)
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
    """The document's paragraphs in order, with headings and run-ons marked, all built at once: what
    `Paragraphs` builds a stretch at a time (the facts use that; this is the reference its tests compare)."""
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
    kind_of = _Kinds(rules)
    for group in groups:
        text = texts[group[0]] if len(group) == 1 else " ".join([texts[i] for i in group])
        kind = kind_of(text)
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
        out.append(_paragraph_of(group, parts, texts, kind))
    _link(out, rules, ending)
    return out


def _paragraph_of(lines: list[int], parts: list[str], texts: list[str], kind: int) -> Paragraph:
    """The paragraph of the lines (document line indexes) whose groups' texts are `parts`: the texts joined
    by one space, each line's start in it."""
    if len(lines) == 1:  # most paragraphs are one line
        return Paragraph(lines[0], lines, [0], parts[0], kind is _TABLE, kind is _HEADING)
    starts, pos = [], 0
    for i in lines:
        starts.append(pos)
        pos += len(texts[i]) + 1
    text = parts[0] if len(parts) == 1 else " ".join(parts)
    return Paragraph(lines[0], lines, starts, text, kind is _TABLE, kind is _HEADING)


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
    before: Paragraph | None = None
    for p in paras:
        if p.heading:
            before = p
            continue
        if before is not None and not (before.heading or before.table or p.table):
            tail = before.text[-12:]  # the paragraph's end, where the end patterns look (`...$`)
            ends, p.introduced = seen.get(tail) or ending(tail)
            p.runs_on = not ends
        before = p


class _Kinds:
    """A line group's kind from its text: a table row, a heading or text."""

    def __init__(self, rules: Compiled) -> None:
        self.heading, self.not_heading = rules.heading.search, rules.not_heading.search
        self.max_words = rules.model.context.heading_max_words
        self.heading_first = frozenset(rules.model.context.heading_first)

    def __call__(self, text: str) -> int:
        if ("\t" in text or "|" in text) and is_table_row(text):
            return _TABLE
        if len(text) > 120 or "£" in text:
            return _TEXT
        # a heading? the cheap tests first: most of a long document's lines are no heading (at most 120
        # characters, no `£`, starting with a capital, `#` or a digit; a few words that the heading patterns take)
        first = text[:1]
        if first.isspace():
            first = text.lstrip()[:1]
        if not (first.isupper() or first in self.heading_first) or len(text.split()) > self.max_words:
            return _TEXT
        return _HEADING if self.heading(text) is not None and self.not_heading(text) is None else _TEXT


class Paragraphs:
    """A document's paragraphs, each built when first read, by its key (its first line's index) or by a
    line it holds; `before`/`after` step to the paragraph next to one, `section` is the heading above one.

    Most of a long document's paragraphs hold no amount, and what makes a paragraph is local: whether a
    line group runs on the paragraph before depends only on its kind, the previous group's kind and that
    group's last characters; a paragraph's run-on and introduction only on the paragraph before. So the
    paragraphs are built a stretch of `_CHUNK` line groups at a time, the stretch holding a line read
    (from the paragraph that starts first in it, through the one running past its end). What is not
    local (the heading above a paragraph, however far) is found walking back, each group's kind once."""

    def __init__(self, doc: Document, lines: Sequence[NormLine], rules: Compiled) -> None:
        self.texts = list(map(_TEXT_OF, lines))
        if len(self.texts) != len(doc.lines):
            raise ValueError(f"{doc.path}: {len(doc.lines)} lines but {len(self.texts)} normalised lines")
        # the line groups (cheap, one pass: runs of non-blank lines) and their first lines, to find a line's
        self.groups = _groups(doc, self.texts, rules.model.context.pdf_paragraph_gap)
        self.firsts = [g[0] for g in self.groups]
        self.kind_of, self.ending = _Kinds(rules), _Endings(rules)
        n = len(self.groups)
        # each group's text, kind and paragraph, found when first needed
        self.group_texts: list[str | None] = [None] * n
        self.kinds: list[int | None] = [None] * n
        self.built: list[Paragraph | None] = [None] * n
        self.keyed: dict[int, Paragraph] = {}  # the paragraphs built, by key (read for every amount, often)
        self.steps: dict[tuple[int, int], int | None] = {}  # (key, -1 back or 1 on) -> the next paragraph's key
        self.heading_above: dict[int, int | None] = {}  # group -> the heading group nearest above it

    def __getitem__(self, key: int) -> Paragraph:
        """The paragraph whose first line is `key`."""
        p = self.keyed.get(key)
        if p is None:
            p = self.of_line(key)
            if p is None or p.index != key:
                raise KeyError(f"no paragraph starts at line {key}")
        return p

    def __iter__(self) -> Iterator[Paragraph]:
        """Every paragraph in order (each built)."""
        g = 0
        while g < len(self.groups):
            p = self._paragraph(g)
            yield p
            g = self._group(p.lines[-1]) + 1

    def holds(self, line: int) -> bool:
        """Whether a paragraph holds the line: whether it is not blank (`_groups` puts every line that is not
        blank in a group, and no blank one), read without finding its group (asked for every body mention)."""
        if not 0 <= line < len(self.texts):
            return False
        text = self.texts[line]
        return bool(text) and not text.isspace()

    def of_line(self, line: int) -> Paragraph | None:
        """The paragraph holding the line; None for a blank line."""
        g = self._group(line)
        if g < 0 or line > self.groups[g][-1]:
            return None
        return self._paragraph(g)

    def containing(self, line: int) -> Paragraph:
        """The paragraph holding the line, which is not blank."""
        p = self.of_line(line)
        if p is None:
            raise KeyError(f"line {line} is in no paragraph")
        return p

    def before(self, key: int) -> int | None:
        """The key of the paragraph before paragraph `key`; None for the first."""
        step = (key, -1)
        if step not in self.steps:
            g = self._group(key)
            self.steps[step] = self._paragraph(g - 1).index if g > 0 else None
        return self.steps[step]

    def after(self, key: int) -> int | None:
        """The key of the paragraph after paragraph `key`; None for the last."""
        step = (key, 1)
        if step not in self.steps:
            g = self._group(self[key].lines[-1]) + 1  # (the group after a paragraph's last opens the next)
            self.steps[step] = self.groups[g][0] if g < len(self.groups) else None
        return self.steps[step]

    def around(self, key: int, reach: int) -> list[int]:
        """The keys of the paragraphs at most `reach` before or after paragraph `key`, and its own, in order."""
        out, k = [key], key
        for _ in range(reach):
            before = self.before(k)
            if before is None:
                break
            out.insert(0, k := before)
        k = key
        for _ in range(reach):
            after = self.after(k)
            if after is None:
                break
            out.append(k := after)
        return out

    def heading_before(self, key: int) -> int | None:
        """The key of the heading paragraph nearest above paragraph `key` (a heading is a group of its own)."""
        g, walked, found = self._group(key), [], None
        while g > 0:
            if g in self.heading_above:
                found = self.heading_above[g]
                break
            walked.append(g)
            if self._kind(g - 1) is _HEADING:
                found = g - 1
                break
            g -= 1
        for w in walked:
            self.heading_above[w] = found
        return None if found is None else self.groups[found][0]

    def heading(self, key: int) -> tuple[list[int], str]:
        """The lines and text of heading paragraph `key` (`heading_before`'s), read without building the
        paragraphs around it: a heading is a line group of its own, and no group runs on it or it on one."""
        g = self._group(key)
        if self.groups[g][0] != key or self._kind(g) is not _HEADING:
            raise KeyError(f"no heading starts at line {key}")
        return self.groups[g], self._text(g)

    def section(self, p: Paragraph) -> int | None:
        """The key of the heading paragraph above `p` (None for a heading: it opens a section)."""
        return None if p.heading else self.heading_before(p.index)

    def _group(self, line: int) -> int:
        """The group holding or last before the line (-1: none)."""
        return bisect_right(self.firsts, line) - 1

    def _text(self, g: int) -> str:
        text = self.group_texts[g]
        if text is None:
            group, texts = self.groups[g], self.texts
            text = self.group_texts[g] = texts[group[0]] if len(group) == 1 else " ".join([texts[i] for i in group])
        return text

    def _kind(self, g: int) -> int:
        kind = self.kinds[g]
        if kind is None:
            kind = self.kinds[g] = self.kind_of(self._text(g))
        return kind

    def _runs_on(self, g: int) -> bool:
        """Group g continues the paragraph before: both text, the one before ending no sentence."""
        return (
            g > 0
            and self._kind(g) is _TEXT
            and self._kind(g - 1) is _TEXT
            and not self.ending(self._text(g - 1)[-12:])[0]
        )

    def _tail(self, g: int) -> str:
        """The last 12 characters of the paragraph whose last group is g (its groups' texts joined by a space)."""
        tail = self._text(g)
        while len(tail) < 12 and self._runs_on(g):
            g -= 1
            tail = self._text(g) + " " + tail
        return tail[-12:]

    def _paragraph(self, g: int) -> Paragraph:
        """The paragraph holding group g (its stretch built when first read)."""
        p = self.built[g]
        if p is None:
            self._build(g - g % _CHUNK)
            p = self.built[g]
            assert p is not None
        return p

    def _build(self, start: int) -> None:
        """The paragraphs of the stretch of groups from `start`: from the paragraph holding group `start` (or
        the first after those built) through the one running past the stretch's end, or to one built."""
        groups, texts, group_texts, kinds, built = self.groups, self.texts, self.group_texts, self.kinds, self.built
        kind_of, ending = self.kind_of, self.ending
        marks = ending.marks  # (a tail holding none of these ends no sentence: one set test, inline)
        n, stop = len(groups), min(start + _CHUNK, len(groups))
        g = start
        while g < stop and (p := built[g]) is not None:
            g = self._group(p.lines[-1]) + 1
        while g < stop and self._runs_on(g):  # (the stretch opens inside a paragraph)
            g -= 1
        before: tuple[int, str] | None = None  # the kind and text of the paragraph before, once built here
        while g < stop and built[g] is None:
            first, lines = g, list(groups[g])
            text = self._text(g)
            kind = kinds[g]
            if kind is None:
                kind = kinds[g] = kind_of(text)
            parts = [text]
            # the groups that run on it (text after text that ends no sentence: a converter's broken lines)
            while kind is _TEXT and g + 1 < n:
                nxt = group_texts[g + 1] or self._text(g + 1)
                next_kind = kinds[g + 1]
                if next_kind is None:
                    next_kind = kinds[g + 1] = kind_of(nxt)
                if next_kind is not _TEXT:
                    break
                tail = parts[-1][-12:]  # where the end patterns look (`...$`)
                if not (marks is not None and marks.isdisjoint(tail)) and ending(tail)[0]:
                    break  # the group before ends a sentence
                g += 1
                lines.extend(groups[g])
                parts.append(nxt)
            p = _paragraph_of(lines, parts, texts, kind)
            text = p.text
            if kind is _TEXT and first > 0:
                # after a paragraph of text: it runs on when that one ends no sentence, is introduced by a colon
                if (before[0] if before is not None else self._kind(first - 1)) is _TEXT:
                    tail = before[1][-12:] if before is not None else self._tail(first - 1)
                    ends, p.introduced = ending(tail)
                    p.runs_on = not ends
            self.keyed[p.index] = p
            for k in range(first, g + 1):
                built[k] = p
            before = (kind, text)
            g += 1


# how many line groups `Paragraphs` builds at a time: enough that a run of paragraphs read together (a
# table's title, a section's timeline) is one stretch, few enough that a paragraph read alone costs little.
# (Over the bench's documents 8 builds a fifth fewer paragraphs than 32 and costs 1% fewer instructions in
# all; 4 saves 0.2% more, with half as many stretches again.)
_CHUNK = 8


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
    if p.table:
        return lo, hi  # a table row is one sentence (`_sentences`): nothing to find or keep
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
# spaCy's sentencizer must see (a word of letters and digits is a token that is no punctuation). Its letters
# and digits are taken possessively up to the first other character (a mark: the word is one; a space or the
# end: it is none, and nothing is given back to try again, issue 9), then the word's rest: the words
# `\S*[^\sA-Za-z0-9]\S*` finds, without its backtracking over every plain word
_NOT_PLAIN = re.compile(r"[A-Za-z0-9]*+[^\sA-Za-z0-9]\S*")


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
