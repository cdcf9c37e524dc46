"""Quotations: words reproduced inside double quotation marks, six words or more.

`find_quotes` reads a document's normalised lines and gives each quotation as segments
(one per source line it covers, normalised offsets), how it closed, and the page
reference that follows it. It handles what extracted text does to quotations:

- a quotation over several lines or paragraphs (each paragraph reopening the mark);
- a closing mark lost at a page break (the quotation ends with its line, or before a
  page reference or the author's `(emphasis added)` ending the line);
- `''` as a closing mark, a superscript standing for the opening mark (``pre_rewrites``);
- page residue (`**STOP PRESS**`, a pasted box, a repeated pull-quote) in the middle: the
  quotation is trimmed to the quoted words and resumes on the line that closes it;
- a word broken by a hyphen at a line's end (`Calibrat-` / `ing`, a PDF's hyphen hints): the
  quotation's text has it whole (`Calibrating`), its segments keep a span on each line.

Rules: ``rules/quotes.yaml``. Attribution (speaker, cited document) is done by
`pipeline.extract.citations`, which also maps offsets back to the raw lines.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any

import regex
from pydantic import AfterValidator, PlainValidator

from pipeline.extract.any_pattern import any_match, any_search
from pipeline.extract.joined_lines import Joint
from pipeline.extract.page_refs import PageRef
from pipeline.extract.speakers import LowerWords, SpeakerRules
from pipeline.normalise import Rewrite
from pipeline.rules import Regex, RuleModel, load_model

MARK = '"'
_LETTER = regex.compile(r"\p{L}")
SENTENCE_END = ".!?:;…\"')]"


NEVER = regex.compile("(?!)", regex.VERSION1)


class PreRewrite(RuleModel):
    name: str
    pattern: Regex
    replace: str


def _rewrite(value: Any) -> Rewrite:
    r = PreRewrite.model_validate(value)
    return Rewrite(r.name, r.pattern, r.replace)


class Layout(RuleModel):
    paragraph_max_open_ratio: float
    paragraph_min_median_length: float
    resume_window: int
    wrapped_window: int
    max_lines: int


class RunningHeads(RuleModel):
    min_repeats: int = 0  # a short line printed this often is a running head
    max_chars: int = 0


class Title(RuleModel):
    max_words: int
    min_capitalised: float
    small_words: LowerWords
    after: Regex = NEVER  # what stands before a title on its line: a reference's `(2024)`
    before: Regex = NEVER  # what stands after a title's closing mark: `, Web Page`


class QuoteRules(RuleModel):
    """rules/quotes.yaml."""

    min_words: int
    word: Regex
    pre_rewrites: tuple[Annotated[Rewrite, PlainValidator(_rewrite)], ...]
    before_opening: str
    after_closing: str
    lost_opening: bool = False
    lost_opening_end: Regex = regex.compile("$", regex.VERSION1)
    reopen: Regex
    skip_lines: tuple[Regex, ...]
    running_heads: RunningHeads = RunningHeads()
    residue: tuple[Regex, ...]
    edge_chars: Annotated[str, AfterValidator(lambda chars: " \t" + chars)] = " \t"
    trailing_notes: tuple[Regex, ...]
    repeated_min_words: int
    sentence_end: Regex
    layout: Layout
    title: Title
    ref_after_close: Regex
    ref_line_alone: Regex
    speakers: SpeakerRules  # read by speakers.py


@lru_cache(maxsize=4)
def load_rules(directory: Path) -> QuoteRules:
    return load_model(QuoteRules, directory / "quotes.yaml")


@dataclass(frozen=True)
class Segment:
    line: int  # index of the line in the document
    start: int  # normalised offsets in that line
    end: int


@dataclass
class FoundQuote:
    opened: tuple[int, int]  # (line, offset) where the quoted words start
    segments: list[Segment] = field(default_factory=list)
    closed: tuple[int, int] | None = None  # (line, offset of the closing mark); None when lost
    ref: tuple[int, PageRef] | None = None  # the page reference it is attributed to
    flags: list[str] = field(default_factory=list)
    breaks: Mapping[int, Joint] = field(default_factory=dict)  # the document's hyphen breaks by first line

    def text(self, texts: Sequence[str]) -> str:
        """The quotation in `texts` (normalised lines)."""
        return self.join([texts[s.line][s.start : s.end] for s in self.segments])

    def join(self, pieces: Sequence[str]) -> str:
        """The segments' texts `pieces` joined by a space, but whole where a segment ends with the hyphen of a
        word broken at its line's end and the next begins with the rest of the word (`Calibrat-` / `ing`:
        `Calibrating`; a compound keeps its hyphen: `data-independent`)."""
        out = ""
        for i, piece in enumerate(pieces):
            if i == 0:
                out = piece
                continue
            prev, seg = self.segments[i - 1], self.segments[i]
            joint = self.breaks.get(prev.line)
            if joint is not None and (joint.second, joint.hyphen + 1, joint.rest) == (seg.line, prev.end, seg.start):
                out = (out if joint.keep or not out.endswith("-") else out[:-1]) + piece
            else:
                out = f"{out} {piece}"
        return out

    @property
    def last_line(self) -> int:
        return self.segments[-1].line if self.segments else self.opened[0]

    def flag(self, name: str) -> None:
        if name not in self.flags:
            self.flags.append(name)


def pre_rewrites_apply(rules: QuoteRules) -> Callable[[str], bool]:
    """`raw -> whether any of the pre-rewrites matches on the raw line` (one scan where it can be)."""
    return any_search(tuple(rw.pattern for rw in rules.pre_rewrites))


def words(text: str, rules: QuoteRules) -> list[str]:
    return [w for w in text.split() if rules.word.search(w)]


def is_paragraph_layout(texts: Sequence[str], rules: QuoteRules) -> bool:
    """Lines that are whole paragraphs (True) or wrapped pieces of them (False)."""
    lines = [t.strip() for t in texts if t.strip()]
    if not lines:
        return True
    open_ratio = sum(t[-1] not in SENTENCE_END for t in lines) / len(lines)
    median = statistics.median(len(t) for t in lines)
    lay = rules.layout
    return open_ratio <= lay.paragraph_max_open_ratio and median >= lay.paragraph_min_median_length


def is_title(text: str, rules: QuoteRules) -> bool:
    """`"It's our NHS: Don't Slash, Trash and Privatise"` names something; it quotes nobody."""
    ws = words(text, rules)
    if len(ws) > rules.title.max_words:
        return False
    letters = [w.strip("\"'*_()[],.:;!?") for w in ws]
    significant = [w for w in letters if w and w[0].isalpha() and w.lower() not in rules.title.small_words]
    if not significant:
        return False
    return sum(w[0].isupper() for w in significant) / len(significant) >= rules.title.min_capitalised


def running_heads(texts: Sequence[str], rules: QuoteRules) -> list[bool]:
    """Which lines are a short line printed again and again (a running head)."""
    if rules.running_heads.min_repeats < 2:
        return [False] * len(texts)
    counts = Counter(t.strip() for t in texts if t.strip())
    # the same tests as ever, the cheapest first (each is pure: the answer is the same)
    return [
        MARK not in t
        and counts[t.strip()] >= rules.running_heads.min_repeats
        and len(t.strip()) <= rules.running_heads.max_chars
        and _LETTER.search(t) is not None
        for t in texts
    ]


class _Finder:
    """One pass over a document's lines, keeping the open quotation as state."""

    def __init__(
        self,
        texts: Sequence[str],
        refs: Sequence[Sequence[PageRef]],
        rules: QuoteRules,
        raws: Sequence[str],
        furniture: Sequence[bool],
    ) -> None:
        self.texts = texts
        self.refs = refs
        self.rules = rules
        self.paragraphs = is_paragraph_layout(texts, rules)
        heads = running_heads(texts, rules)
        skip_line = any_match(rules.skip_lines)
        self.skip = [
            not t.strip() or f or h or skip_line(r) for t, r, f, h in zip(texts, raws, furniture, heads, strict=True)
        ]
        self.blank = [not t.strip() for t in texts]
        self.found: list[FoundQuote] = []
        self.carry: dict[int, tuple[FoundQuote, int, int]] = {}  # line -> (quote, start, depth)
        self.resume: dict[int, tuple[FoundQuote, int, int]] = {}
        self._flat: list[str] | None = None

    # --- marks ---
    def kind(self, text: str, i: int) -> str:
        """`open`, `close` or `either`, from the characters either side of the mark at i."""
        prev = text[i - 1] if i > 0 else " "
        nxt = text[i + 1] if i + 1 < len(text) else " "
        can_open = prev.isspace() or prev in self.rules.before_opening
        can_close = nxt.isspace() or nxt in self.rules.after_closing
        if can_open and not can_close:
            return "open"
        if can_close and not can_open:
            return "close"
        return "either"

    def marks(self, line: int) -> list[int]:
        text = self.texts[line]
        if MARK not in text:
            return []
        out = []
        i = text.find(MARK)
        while i >= 0:
            out.append(i)
            i = text.find(MARK, i + 1)
        return out

    def first_mark_kind(self, line: int) -> str | None:
        ms = self.marks(line)
        return self.kind(self.texts[line], ms[0]) if ms else None

    def next_content(self, line: int) -> int | None:
        for j in range(line + 1, len(self.texts)):
            if not self.skip[j]:
                return j
        return None

    # --- the pass ---
    def run(self) -> list[FoundQuote]:
        for i, text in enumerate(self.texts):
            if self.skip[i]:
                continue
            state = self.carry.pop(i, None)
            resumed = self.resume.pop(i, None)
            if state is None and resumed is not None:
                state = resumed
            elif resumed is not None:
                self.finish(resumed[0], "closing_lost")
            self.scan_line(i, text, state)
        for q, _, _ in [*self.carry.values(), *self.resume.values()]:
            self.finish(q, "closing_lost")
        return self.found

    def scan_line(self, i: int, text: str, state: tuple[FoundQuote, int, int] | None) -> None:
        q, seg_start, depth = state if state else (None, 0, 0)
        pos = seg_start
        if q is None and self.rules.lost_opening and self.paragraphs:
            lost = self.lost_opening(i)
            if lost is not None:
                q, seg_start, depth = FoundQuote((i, lost), flags=["opening_lost"]), lost, 1
                pos = lost
        for m in self.marks(i):
            if m < pos:
                continue
            kind = self.kind(text, m)
            if q is None:
                if kind == "close":
                    continue  # a stray closing mark
                q, seg_start, depth = FoundQuote((i, m + 1)), m + 1, 1
                continue
            if kind == "open":
                depth += 1  # a quotation inside the quotation (or a mistyped mark)
                continue
            if depth > 1:
                depth -= 1
                continue
            self.add_segment(q, i, seg_start, m)
            q.closed = (i, m)
            self.finish(q)
            q = None
        if q is not None:
            self.line_ends_open(q, i, seg_start)

    def lost_opening(self, i: int) -> int | None:
        text = self.texts[i]
        ms = self.marks(i)
        if not ms or self.kind(text, ms[0]) != "close":
            return None
        start = len(text) - len(text.lstrip())
        head = text[start : ms[0]]
        if not head[:1].isupper() or len(words(head, self.rules)) < self.rules.min_words:
            return None
        if not self.rules.lost_opening_end.match(text, ms[0] + 1):
            return None  # the quotation must end its paragraph
        return start

    def line_ends_open(self, q: FoundQuote, i: int, seg_start: int) -> None:
        text = self.texts[i]
        end, ended_by = self.trim_end(q, i, seg_start)
        self.add_segment(q, i, seg_start, end)
        if ended_by is not None:
            q.flag("closing_lost")
            if isinstance(ended_by, tuple):
                q.ref = ended_by
            self.finish(q)
            return
        lines = {s.line for s in q.segments}
        if len(lines) >= self.rules.layout.max_lines:
            self.finish(q, "closing_lost")
            return
        j = self.next_content(i)
        if j is None:
            self.finish(q, "closing_lost")
            return
        tail = text[:end].rstrip()
        mid_sentence = bool(tail) and tail[-1] not in SENTENCE_END
        nxt = self.texts[j]
        m = self.rules.reopen.match(nxt)
        if m:
            q.flag("reopened")
            self.carry[j] = (q, m.end(), 1)
            return
        first = self.first_mark_kind(j)
        if first == "close":
            self.carry[j] = (q, self.tail_start(j), 1)
            return
        stripped = nxt.lstrip()
        lower = bool(stripped) and (stripped[0].islower() or stripped[0] in ",;")
        if self.paragraphs:
            same_paragraph = not any(self.blank[k] for k in range(i + 1, j))
            if same_paragraph or (lower and first != "open"):
                self.carry[j] = (q, len(nxt) - len(stripped), 1)
                return
            r = self.resume_line(j)
            if r is not None and r != j:
                q.flag("resumed")
                self.resume[r] = (q, self.tail_start(r), 1)
                return
            if mid_sentence and first is None:
                self.carry[j] = (q, len(nxt) - len(stripped), 1)
                return
            self.finish(q, "closing_lost")
            return
        # wrapped text: the quotation runs on while its closing mark comes within the window
        if self.closes_soon(j):
            self.carry[j] = (q, len(nxt) - len(stripped), 1)
            return
        self.finish(q, "closing_lost")

    def resume_line(self, j: int) -> int | None:
        """The later line that closes a quotation interrupted by a pasted block, if any."""
        seen = 0
        k: int | None = j
        while k is not None and seen < self.rules.layout.resume_window:
            if self.rules.reopen.match(self.texts[k]):
                return None
            if self.first_mark_kind(k) == "close":
                return k
            seen += 1
            k = self.next_content(k)
        return None

    def closes_soon(self, j: int) -> bool:
        """In wrapped text: the open quotation's closing mark comes within the window
        (quotations inside it opening and closing on the way)."""
        depth = 1
        k: int | None = j
        for _ in range(self.rules.layout.wrapped_window):
            if k is None or self.rules.reopen.match(self.texts[k]):
                return False
            for m in self.marks(k):
                depth += 1 if self.kind(self.texts[k], m) == "open" else -1
                if depth == 0:
                    return True
            k = self.next_content(k)
        return False

    def tail_start(self, j: int) -> int:
        """Where the quoted words start on a line that ends a quotation: after leading
        spaces and page residue, and after a repeated passage pasted in front of them."""
        text = self.texts[j]
        start = len(text) - len(text.lstrip())
        changed = True
        while changed:
            changed = False
            for p in self.rules.residue:
                m = p.match(text, start)
                if m and m.end() > start:
                    start, changed = m.end(), True
        close = self.marks(j)[0] if self.marks(j) else len(text)
        return self.after_repeated(j, start, close)

    def after_repeated(self, j: int, start: int, close: int) -> int:
        text = self.texts[j]
        ends = [m.end() for m in self.rules.sentence_end.finditer(text, start, close)]
        for b in reversed(ends):
            prefix = " ".join(text[start:b].split()).casefold()
            if len(words(prefix, self.rules)) < self.rules.repeated_min_words:
                continue
            if any(prefix in t for k, t in enumerate(self.flat()) if k != j):
                return b
        return start

    def flat(self) -> list[str]:
        if self._flat is None:
            self._flat = [" ".join(t.split()).casefold() for t in self.texts]
        return self._flat

    def trim_end(self, q: FoundQuote, i: int, seg_start: int) -> tuple[int, tuple[int, PageRef] | str | None]:
        """The end of the quoted words on a line that ends inside a quotation, and what
        ended the quotation there (a page reference, the author's note), if anything."""
        text = self.texts[i]
        end = len(text.rstrip())
        ended: tuple[int, PageRef] | str | None = None
        changed = True
        while changed and end > seg_start:
            changed = False
            for p in self.rules.residue:
                for m in p.finditer(text, seg_start, end):
                    if m.end() >= end and m.start() < end:
                        end, changed = m.start(), True
                        q.flag("residue_trimmed")
            for p in self.rules.trailing_notes:
                note = p.search(text, seg_start, end)
                if note and note.start() < end:
                    end, changed, ended = note.start(), True, ended or "note"
            for ref in reversed(self.refs[i]):
                if ref.start < seg_start or ref.end > end:
                    continue
                b = _bracket_before(text, seg_start, ref.start)
                if b is not None and regex.fullmatch(r"[^()\[\]\"]*[)\]][)\].,;\s]*", text[ref.end : end]):
                    end, changed, ended = b, True, (i, ref)
                break
            end = len(text[:end].rstrip())
        return end, ended

    def add_segment(self, q: FoundQuote, line: int, start: int, end: int) -> None:
        """The quoted words of one line, without surrounding spaces; page residue inside
        them splits them."""
        text = self.texts[line]
        cuts = [(start, start)]
        for p in self.rules.residue:
            for m in p.finditer(text, start, end):
                cuts.append(m.span())
                q.flag("residue_trimmed")
        cuts.append((end, end))
        cuts.sort()
        for (_, a), (b, _) in pairwise(cuts):
            piece = text[a:b]
            s = a + len(piece) - len(piece.lstrip(self.rules.edge_chars))
            e = a + len(piece.rstrip(self.rules.edge_chars))
            if e > s:
                q.segments.append(Segment(line, s, e))

    def finish(self, q: FoundQuote, flag: str | None = None) -> None:
        if flag:
            q.flag(flag)
        if q.ref is None:
            q.ref = self.ref_after(q)
        self.found.append(q)

    def ref_after(self, q: FoundQuote) -> tuple[int, PageRef] | None:
        """The page reference straight after the closing mark, or alone on the next line."""
        if q.closed is not None:
            line, m = q.closed
            text = self.texts[line]
            for ref in self.refs[line]:
                if ref.start > m:
                    if self.rules.ref_after_close.match(text[m + 1 : ref.start]):
                        return (line, ref)
                    break
            if text[m + 1 :].strip(" .,;:)]*_"):
                return None
        else:
            line = q.last_line
        j = self.next_content(line)
        if j is not None and self.refs[j] and self.rules.ref_line_alone.match(self.texts[j]):
            return (j, self.refs[j][0])
        return None


def _bracket_before(text: str, lo: int, pos: int) -> int | None:
    """The `(` or `[` (at or after lo) that the text at pos sits in, if any."""
    depth = 0
    for k in range(pos - 1, lo - 1, -1):
        if text[k] in ")]":
            depth += 1
        elif text[k] in "([":
            if depth == 0:
                return k
            depth -= 1
    return None


def find_quotes(
    texts: Sequence[str],
    refs: Sequence[Sequence[PageRef]],
    rules: QuoteRules,
    raws: Sequence[str] | None = None,
    furniture: Sequence[bool] | None = None,
    breaks: Sequence[Joint] = (),
) -> list[FoundQuote]:
    """Quotations in a document's normalised lines (with each line's page references, the
    raw lines, on which `skip_lines` are matched, which lines are page furniture: a
    PDF's headers, footers and page numbers, and the words hyphenated across lines), in
    document order, six words or more, titles left out."""
    raws = raws if raws is not None else texts
    furniture = furniture if furniture is not None else [False] * len(texts)
    found = _Finder(texts, refs, rules, raws, furniture).run()
    by_first = {j.first: j for j in breaks}
    out = []
    for q in found:
        if not q.segments:
            continue
        q.breaks = by_first
        text = q.text(texts)
        if len(words(text, rules)) < rules.min_words or is_title(text, rules):
            continue
        line, offset = q.opened
        if rules.title.after.search(texts[line][:offset]):
            continue  # `Stein T (2024) "Why our conversations ..."`: a reference's title
        if q.closed is not None and rules.title.before.match(texts[q.closed[0]][q.closed[1] + 1 :]):
            continue  # `OECD, "Health at a glance", Web Page, ...`: a reference's title
        out.append(q)
    out.sort(key=lambda q: (q.segments[0].line, q.segments[0].start))
    return out


def duplicate_key(text: str) -> str:
    return " ".join(regex.sub(r"[^\p{L}\p{N}]+", " ", text.casefold()).split())
