"""Which lines can hold a body name at all: most cannot, and skip the spaCy pipeline.

A name is found by a generic pattern of rules/bodies/patterns.jsonl or by the gazetteer.

- A pattern matches only where each of its required token specs matches a token: a name word
  (TAG ``NAME``: capitalised, not a stop word), an upper-case head word (`ORTH` `Trust`,
  `CCG`, ...), a lower-case word (`LOWER` `council`: the word is then in the line's text);
  and a head word that must follow a name word or a joiner (`[NAME, (NAME|JOIN)*, Trust]`)
  must have one before it (`The Trust` cannot match).
- A known name begins with the first word of a gazetteer key, capitalised, a digit or an exact
  lower-case alias, and goes on through the words of that key.

Tokens never cross whitespace in spaCy's tokenizer, so each whitespace-delimited chunk is
tokenized once per process and remembered with what its tokens can be; a line's answer comes
from its chunks. Chunks with no upper-case character are not tokenized: they hold no name word,
head word or start of a known name. The exceptions (a pattern that needs no capital, a known
name beginning with a digit or in lower case: `38 Degrees`, `i newspaper`) pass every line that
could hold them whole.

Every test is a necessary condition: a line that passes goes through the same components as
before, and a line that fails could have had no pattern match and no known name, so what is
found is the same as with every line through the whole pipeline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import itemgetter, or_
from typing import Any, NamedTuple, cast

from spacy.tokenizer import Tokenizer

from pipeline.extract.bodies.gazetteer import SKIP_UNITS, GazetteerIndex, unit
from pipeline.extract.bodies.nlp import ANYWHERE_JOINS, JOIN, NAME, is_name_word

# token flags: can be tagged NAME, JOIN; can begin a known name; the bits above: head words (LineFilter.sets)
NAME_BIT, JOIN_BIT, START_BIT = 1, 2, 4
MEMO_SIZE = 50_000  # chunks remembered (about 400 bytes each; the corpus and realdocs hold 32,000)
_OPTIONAL = ("?", "*")  # token specs that may match no token


def has_upper(text: str) -> bool:
    """Whether `text` holds an upper-case character (`str.isupper`, as `is_name_word` tests)."""
    if text.islower():
        return False
    if text.lower() != text:
        return True
    # no character with a lower case: still `ℋ` or a mathematical bold `𝐀` may be upper case
    return not text.isascii() and any(c.isupper() for c in text)


@dataclass(frozen=True)
class Need:
    """What the pipeline must run on one line: the generic patterns of some groups (`patterns`, one bit per
    group of `LineFilter.groups`) and the gazetteer. A line that needs neither is no Doc until asked for."""

    patterns: int
    gazetteer: bool

    def __bool__(self) -> bool:
        return bool(self.patterns) or self.gazetteer


NOTHING = Need(0, False)


@dataclass(frozen=True)
class Requirement:
    """What a line must hold for a pattern to match: tokens with every bit of `mask`; for each (bit, regex,
    lowered) of `words`, a token with that bit or text (in its lower case where flagged) matching the regex;
    and for each (head bit, bits) of `after`, a head-word token right after a token with one of those bits."""

    mask: int
    words: tuple[tuple[int, re.Pattern[str], bool], ...] = ()
    after: tuple[tuple[int, int], ...] = ()


class Chunk(NamedTuple):
    """What the tokens of one whitespace-delimited chunk can be."""

    bits: int  # the union of `flags`
    flags: tuple[int, ...]  # per token: NAME_BIT, JOIN_BIT and head-word bits
    last: int  # the flags of the last token (for a chunk not tokenized: JOIN_BIT when it may end in a joiner)
    starts: tuple[int, ...]  # the tokens where a known name can begin
    units: tuple[str, ...] | None  # every token's unit (gazetteer.unit); None until asked for


# the groups a line's bits meet: those met whatever the line's text (bits), and for the others their
# bit, the regexes its text must match (each with whether in lower case) and the tokens that must follow others
Met = tuple[int, tuple[tuple[int, tuple[tuple[re.Pattern[str], bool], ...], tuple[tuple[int, int], ...]], ...]]
_BITS = itemgetter(0)  # a Chunk's `bits`
_LOWER = Chunk(0, (), 0, (), None)  # a chunk with no capital (tokens known only when asked for)
_LOWER_JOIN = Chunk(0, (), JOIN_BIT, (), None)  # the same, that may end with a joiner (`and`, `,`)


class LineFilter:
    def __init__(
        self,
        tokenizer: Tokenizer,
        patterns: Iterable[dict[str, Any]],
        stop_words: frozenset[str],
        join_words: frozenset[str],
        index: GazetteerIndex,
    ) -> None:
        self.tokenizer = tokenizer
        self.stop = stop_words
        self.joins = join_words
        self.joins_anywhere = join_words & ANYWHERE_JOINS
        self.join_ends = tuple(self.joins_anywhere)
        self.index = index
        self.sets: dict[frozenset[str], int] = {}  # each required set of upper-case ORTH literals -> its bit
        self.literals: dict[str, int] = {}  # a literal -> the bits of the sets holding it
        groups: dict[Requirement, list[dict[str, Any]]] = {}
        for row in patterns:
            groups.setdefault(self._requirement(row["pattern"]), []).append(row)
        # the patterns grouped by what a line must hold for them to match; a line's Need names groups
        self.groups = list(groups.values())
        self.requirements = list(groups)
        self.all = Need((1 << len(self.groups)) - 1, True)
        # a pattern that can match on any line / every pattern needs an upper-case character
        self.always = any(r.mask == 0 and not r.words for r in self.requirements)
        self.upper_only = all(r.mask for r in self.requirements)
        self.by_bits: dict[int, Met] = {}  # a line's bits -> the groups they allow
        self.lower_starts: set[str] = set()  # first units of known names that may begin with no capital
        rare: set[str] = set()
        for key, entries in index.by_key.items():
            if key[0][:1].isdigit():  # `38 Degrees`
                rare.add(max(key, key=len))
            for e in entries:
                first = e.surface[:1]
                if e.exact and not (first.isupper() or first.isdigit()):  # `i newspaper`, `openDemocracy`
                    self.lower_starts.add(key[0])
                    rare.add(max(e.surface.split(), key=len))
        # a line holding the longest word of such a name (in lower case) passes whole
        self.rare = tuple(sorted(_fold(w.lower()) for w in rare))
        # one scan for all of them (as `any(w in folded for w in self.rare)`)
        self.rare_words = re.compile("|".join(map(re.escape, self.rare))) if self.rare else None
        self.need_of: dict[tuple[int, bool], Need] = {}  # each answer made once
        self.memo: dict[str, Chunk] = {}
        self.pending: dict[str, tuple[str, ...]] = {}  # a document's chunks tokenized at once (`needs`)
        self.specials = frozenset(tokenizer.rules or ())
        self.prefix_search = tokenizer.prefix_search
        self.suffix_search = tokenizer.suffix_search
        self.infix_finditer = tokenizer.infix_finditer

    def _requirement(self, specs: list[dict[str, Any]]) -> Requirement:
        mask = 0
        words: list[tuple[int, re.Pattern[str], bool]] = []
        after: list[tuple[int, int]] = []
        for p, spec in enumerate(specs):
            if spec.get("OP") not in (None, "+", "1"):
                continue  # may match no token (or is a negation or a count)
            if spec.get("TAG") == NAME:
                mask |= NAME_BIT
            for attr, lowered in (("ORTH", False), ("LOWER", True)):
                values = _literals(spec.get(attr))
                if not values:
                    continue
                upper = [] if lowered else [v for v in values if has_upper(v)]
                bit = self.sets.setdefault(frozenset(upper), 1 << (len(self.sets) + 3)) if upper else 0
                for v in upper:
                    self.literals[v] = self.literals.get(v, 0) | bit
                rest = [v for v in values if v not in upper]
                if not rest:  # a token with one of these texts
                    mask |= bit
                    before = _tags_before(specs, p)
                    if before is not None and before <= {NAME, JOIN}:
                        after.append((bit, (NAME_BIT if NAME in before else 0) | (JOIN_BIT if JOIN in before else 0)))
                else:  # a token with an upper-case text of `bit`, or the text (lower case) holds one of the others
                    alts = "|".join(re.escape(v) for v in sorted(rest, key=len, reverse=True))
                    words.append((bit, re.compile(alts), lowered))
        return Requirement(mask, tuple(words), tuple(after))

    def needs(self, texts: Sequence[str]) -> list[Need]:
        """`need` of every line of a document. The chunks spaCy must split are tokenized first all at once, as
        one text (tokens never cross whitespace, so each chunk's tokens are the same): one Doc, not one a chunk."""
        self._tokenize_chunks(texts)
        try:
            return [self.need(t) for t in texts]
        finally:
            self.pending.clear()

    def _tokenize_chunks(self, texts: Sequence[str]) -> None:
        memo, pending = self.memo, self.pending
        split: list[str] = []
        # each chunk of the document not yet remembered, once, in order
        for chunk in sorted(set(" ".join(texts).split()).difference(memo)):
            if chunk in pending or not has_upper(chunk):
                continue
            if self._one_token(chunk):
                pending[chunk] = (chunk,)
            else:
                pending[chunk] = ()
                split.append(chunk)
        if not split:
            return
        tokens: list[list[str]] = [[] for _ in split]
        ends = []
        pos = -1
        for chunk in split:
            pos += len(chunk) + 1
            ends.append(pos)  # the offset just past the chunk in the joined text
        k = 0
        for t in self.tokenizer(" ".join(split)):
            while t.idx >= ends[k]:
                k += 1
            tokens[k].append(t.text)
        for chunk, toks in zip(split, tokens, strict=True):
            pending[chunk] = tuple(toks)

    def need(self, text: str) -> Need:
        """Which groups of patterns can match on this line, and whether a known name can be on it."""
        lower = text.lower()
        if self.always:
            return self.all
        if self.rare_words is not None and self.rare_words.search(_fold(lower)):
            return self.all
        if self.upper_only and lower == text and (text.isascii() or not any(c.isupper() for c in text)):
            return NOTHING  # no upper-case character (see has_upper)
        chunks = text.split()
        memo = list(map(self.memo.get, chunks))
        # every chunk's facts, from the memo or worked out now
        found = cast("list[Chunk]", memo)  # when every chunk is in the memo
        if None in memo:
            found = [c or self._chunk(chunk) for c, chunk in zip(memo, chunks, strict=True)]
        bits = reduce(or_, map(_BITS, found), 0)
        patterns = 0
        met = self.by_bits.get(bits)
        if met is None:
            met = self.by_bits[bits] = self._met(bits)
        patterns, tests = met
        for bit, words, after in tests:
            for rx, low in words:
                if rx.search(lower if low else text) is None:
                    break
            else:
                for head, before in after:
                    if not _follows(found, head, before):
                        break
                else:
                    patterns |= bit
        gazetteer = bool(bits & START_BIT) and any(
            self._known_name(chunks, ci, ti) for ci, c in enumerate(found) if c.starts for ti in c.starts
        )
        if not patterns and not gazetteer:
            return NOTHING
        need = self.need_of.get((patterns, gazetteer))
        if need is None:
            need = self.need_of[patterns, gazetteer] = Need(patterns, gazetteer)
        return need

    def _met(self, bits: int) -> Met:
        """For a line whose chunks have `bits`: the groups whose requirements those bits meet, and for the other
        groups whose mask they meet, the tests left: the words of `Requirement.words` no bit holds, and `after`."""
        sure = 0
        tests = []
        for g, r in enumerate(self.requirements):
            if bits & r.mask != r.mask:
                continue
            words = tuple((rx, low) for b, rx, low in r.words if not bits & b)
            if words or r.after:
                tests.append((1 << g, words, r.after))
            else:
                sure |= 1 << g
        return sure, tuple(tests)

    def _known_name(self, chunks: list[str], ci: int, ti: int) -> bool:
        """Whether a key of the gazetteer begins at token `ti` of chunk `ci`, walking on as
        `GazetteerIndex.match` does (without its checks, and across any whitespace)."""
        prefixes, by_key = self.index.prefixes, self.index.by_key
        steps = self.index.max_tokens + 4
        key: tuple[str, ...] = ()
        units = self._units(chunks[ci])[ti:]
        while True:
            for u in units:
                steps -= 1
                if steps < 0:
                    return False
                if u in SKIP_UNITS:
                    continue
                key = (*key, u)
                if key not in prefixes:
                    return False
                if key in by_key:
                    return True
            ci += 1
            if ci == len(chunks):
                return False
            units = self._units(chunks[ci])

    def _chunk(self, chunk: str) -> Chunk:
        """What `chunk`'s tokens can be (remembered). Only a chunk with a capital is tokenized here."""
        if len(self.memo) >= MEMO_SIZE:
            self.memo.clear()
        if not has_upper(chunk):
            found = _LOWER_JOIN if chunk.endswith(self.join_ends) else _LOWER
        else:
            flags: list[int] = []
            starts = []
            units = []
            tokens = self._tokens(chunk)
            for i, x in enumerate(tokens):
                f = self.literals.get(x, 0)
                if is_name_word(x) and x not in self.stop:
                    f |= NAME_BIT
                if self._may_join(tokens, i, flags):
                    f |= JOIN_BIT
                u = unit(x)
                if (u,) in self.index.prefixes and (x[:1].isupper() or x[:1].isdigit() or u in self.lower_starts):
                    starts.append(i)
                    f |= START_BIT
                flags.append(f)
                units.append(u)
            bits = 0
            for f in flags:
                bits |= f
            found = Chunk(bits, tuple(flags), flags[-1] if flags else 0, tuple(starts), tuple(units))
        self.memo[chunk] = found
        return found

    def _may_join(self, tokens: Sequence[str], i: int, flags: list[int]) -> bool:
        """Whether BodyTokens may tag token `i` of a chunk JOIN where a name could go on through it: a `-` or
        hyphen word needs tokens glued on both sides (in the chunk), `'s` a name word glued before it."""
        x = tokens[i]
        if x in self.joins_anywhere:
            return True
        inside = 0 < i < len(tokens) - 1
        if x == "-":
            return inside
        if x == "'s":
            return i > 0 and bool(flags[i - 1] & NAME_BIT)
        return x in self.joins and inside and tokens[i - 1] == "-"

    def _units(self, chunk: str) -> tuple[str, ...]:
        c = self.memo.get(chunk) or self._chunk(chunk)
        if c.units is None:
            c = self.memo[chunk] = c._replace(units=tuple(unit(x) for x in self._tokens(chunk)))
        return c.units  # type: ignore[return-value]

    def _tokens(self, chunk: str) -> Sequence[str]:
        """The texts of the tokens spaCy's tokenizer makes of `chunk` (no whitespace in it). A chunk with no
        special case, prefix, suffix or infix is one token, known without making a Doc."""
        known = self.pending.get(chunk)
        if known is not None:
            return known
        if self._one_token(chunk):
            return (chunk,)
        return [t.text for t in self.tokenizer(chunk)]

    def _one_token(self, chunk: str) -> bool:
        """Whether spaCy's tokenizer keeps `chunk` whole: no special case, prefix, suffix or infix in it."""
        if chunk in self.specials:
            return False
        m = self.prefix_search(chunk) if self.prefix_search else None
        if m is not None and m.end() != m.start():
            return False
        m = self.suffix_search(chunk) if self.suffix_search else None
        if m is not None and m.end() != m.start():
            return False
        return self.infix_finditer is None or next(iter(self.infix_finditer(chunk)), None) is None


def _follows(chunks: list[Chunk], head: int, before: int) -> bool:
    """Whether a token with the `head` bit comes right after a token with one of the `before` bits."""
    for ci, c in enumerate(chunks):
        if c.bits & head:
            for ti, f in enumerate(c.flags):
                if f & head:
                    prev = c.flags[ti - 1] if ti else chunks[ci - 1].last if ci else 0
                    if prev & before:
                        return True
    return False


def _tags_before(specs: list[dict[str, Any]], p: int) -> set[str] | None:
    """The TAGs the token before a match of spec `p` can have, or None when anything can be there (or nothing)."""
    tags: set[str] = set()
    for spec in reversed(specs[:p]):
        tag = spec.get("TAG")
        allowed = {tag} if isinstance(tag, str) else set(_literals(tag)) if tag is not None else None
        if not allowed:
            return None
        tags |= allowed
        op = spec.get("OP")
        if op in (None, "+", "1"):
            return tags
        if op not in _OPTIONAL:
            return None
    return None  # spec p may match the first token


def _literals(value: Any) -> list[str]:
    """The strings a token attribute's spec allows: `"Trust"` or `{"IN": [...]}`; [] for anything else."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict) and set(value) == {"IN"} and all(isinstance(v, str) for v in value["IN"]):
        return list(value["IN"])
    return []


def _fold(text: str) -> str:
    """Apostrophes straight (as `gazetteer.unit` reads them) and the final sigma as any other: a word's lower
    case is then in its line's lower case."""
    if "‘" in text or "’" in text:
        text = text.replace("‘", "'").replace("’", "'")
    return text.replace("ς", "σ") if "ς" in text else text
