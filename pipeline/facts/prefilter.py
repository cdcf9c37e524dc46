"""Which patterns of a rule file could match a text, found without running them (issue 9: what facts cost).

`needs(pattern)` reads a pattern (as the rule file gives it) and returns the words every match of it
contains, any one of them (`\\bsav(?:ings?|ed|e)\\b`: {"sav"}; `\\bin the red\\b|\\bin deficit\\b`:
{"in the red", "in deficit"}), lower-cased, or None when it cannot say (a pattern of classes and
repeats only, or one Python's parser does not read). A pattern whose words are all absent from a text
cannot match it, so it need not be run: `could_match` tells. The words come from the rules when they
are loaded, never from a list here.

A set of single characters (`[.!?)]`) is read as one-character words, any one of them: its members
must be ASCII or caseless marks (punctuation, currency, math and modifier symbols: `”`, `£`), which
match only themselves with or without case and which `str.lower` keeps (tests/test_facts_prefilter.py
checks both over every code point); a set with any other member (a range, a class such as digits, `é`) holds no word.

It is exact for case-insensitive patterns (simple case folding, `(?-f)`) over a text whose letters are
ASCII: such a text matches an ASCII word only where its lower-case form holds the word's. A text with
any other letter (`ſ` and `ı` match `s` and `I` without folding to them) is not filtered: every pattern
runs, as before.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

import regex

_parser: Any = importlib.import_module("re._parser")  # Python's own reader of patterns (no public API)
# a word character outside ASCII that is no decimal digit: every letter outside ASCII is one (and so are a
# few other characters, such as `²`: a text holding one is not filtered, which is only less filtering)
_WORD_OUTSIDE_ASCII = re.compile(r"[^\W\d_\x00-\x7f]")
_REPEATS = {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}
_CASELESS = ("Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sc", "Sm", "Sk")  # categories with no case

Needs = frozenset[str] | None


def needs(pattern: str) -> Needs:
    """The lower-cased words one of which every match of `pattern` holds; None: no such words found."""
    if _set_operations(pattern):
        return None  # read otherwise by `regex`: no filter
    try:
        parsed = _parser.parse(pattern)
    except Exception:  # `regex` syntax Python's parser does not know (\p{L}, ...): no filter
        return None
    return _needs(list(parsed))


def _set_operations(pattern: str) -> bool:
    """Whether a set of `pattern` may be read otherwise by `regex` (VERSION1, as the rules are compiled)
    than by Python's parser: a set inside a set (`[[a-z]--[aeiou]]`) or a set operator (`--`, `&&`,
    `||`, `~~`)."""
    if any(op in pattern for op in ("--", "&&", "||", "~~")):
        return True
    inside, k = False, 0
    while k < len(pattern):
        c = pattern[k]
        if c == "\\":
            k += 2
            continue
        if c == "[":
            if inside:
                return True
            inside = True
            k += 2 if pattern[k + 1 : k + 2] in ("]", "^") else 1  # `[]...]`, `[^...]`
            continue
        if c == "]":
            inside = False
        k += 1
    return False


_NEEDS: dict[str, Needs] = {}


def pattern_needs(compiled: Any) -> Needs:
    """`needs` of a compiled rule pattern (its text, without the `(?-f)` `fact_rules._compile` puts before
    a case-insensitive one), read once per pattern."""
    text: str = compiled.pattern
    if text not in _NEEDS:
        _NEEDS[text] = needs(text.removeprefix("(?-f)"))
    return _NEEDS[text]


def _better(a: Needs, b: Needs) -> Needs:
    """Of two sets of words any match holds, the one that rules out more texts: longer words, fewer."""
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b, key=lambda s: (min(len(w) for w in s), -len(s)))


def _needs(items: list[tuple[Any, Any]]) -> Needs:
    best: Needs = None
    run: list[str] = []
    for op, av in items:
        name = op.name
        if name == "LITERAL" and _plain(chr(av)):
            run.append(chr(av).lower())
            continue
        if run:  # a run of literal characters ends: every match holds it
            best = _better(best, frozenset({"".join(run)}))
            run = []
        if name == "SUBPATTERN":
            best = _better(best, _needs(list(av[3])))
        elif name == "ATOMIC_GROUP":
            best = _better(best, _needs(list(av)))
        elif name in _REPEATS and av[0] >= 1:
            best = _better(best, _needs(list(av[2])))
        elif name == "IN":
            best = _better(best, _members(av))
        elif name == "BRANCH":
            alternatives = [_needs(list(b)) for b in av[1]]
            if all(a is not None for a in alternatives):
                best = _better(best, frozenset(w for a in alternatives if a is not None for w in a))
        # anything else (classes, any character, assertions, lookarounds) holds no word for sure
    if run:
        best = _better(best, frozenset({"".join(run)}))
    return best


def _members(items: list[tuple[Any, Any]]) -> Needs:
    """The characters of a set (`[.!?]`) as one-character words; None for a set with anything else."""
    out = set()
    for op, av in items:
        if op.name != "LITERAL" or not _plain(chr(av)):
            return None  # a range, a category (`\d`), a negated set, a cased letter outside ASCII
        out.add(chr(av).lower())
    return frozenset(out) or None


def _plain(c: str) -> bool:
    """A character a word may hold: ASCII and printable, or a caseless mark outside ASCII (`”`, `£`)."""
    return c.isprintable() and (c.isascii() or unicodedata.category(c) in _CASELESS)


def folded(text: str) -> str | None:
    """`text` lower-cased for `could_match`; None when a letter of it is not ASCII (no filtering)."""
    if not text.isascii() and _WORD_OUTSIDE_ASCII.search(text) is not None:
        return None
    return text.lower()


def marks_of(words: Needs) -> frozenset[str] | None:
    """`words` when every one is a single caseless mark (`.`, `:`, `”`: punctuation or a symbol, see `_plain`),
    else None. Such a mark matches only itself, folded or not, so a text holding none of them cannot match,
    whatever its letters: one `marks.isdisjoint(text)`, with no `folded` text (issue 9: the paragraphs' end
    tests run on every line group of a document)."""
    if words is None or not all(len(w) == 1 and unicodedata.category(w) in _CASELESS for w in words):
        return None
    return words


_SCANS: dict[tuple[str, int], Any] = {}


def _scan(compiled: Any) -> Any:
    """One pattern finding the words `pattern_needs(compiled)` says every match holds, matched as `compiled`
    matches them (its `(?-f)`, its flags of case, and case-blind always: it finds every place the pattern's
    own letters would match, and more where the pattern heeds case); None when it names no words."""
    key = (compiled.pattern, compiled.flags)
    if key not in _SCANS:
        words = pattern_needs(compiled)
        kept = compiled.flags & (regex.VERSION1 | regex.FULLCASE | regex.ASCII | regex.UNICODE)
        prefix = "(?-f)" if compiled.pattern.startswith("(?-f)") else ""
        body = "|".join(regex.escape(w) for w in sorted(words)) if words else ""
        _SCANS[key] = regex.compile(prefix + body, kept | regex.IGNORECASE) if body else None
    return _SCANS[key]


def lines_that_could_match(compiled: Any, lines: Sequence[str]) -> list[int]:
    """The indices, in order, of the `lines` a compiled rule pattern could match: those holding one of the
    words it needs (`pattern_needs`), found by one scan of the lines joined (issue 9: a test of every line of
    a document, most of which hold none of its words); every line when it needs none. A word holds no line
    break (`_plain`), so no word found spans two lines."""
    scan = _scan(compiled)
    if scan is None:
        return list(range(len(lines)))
    text = "\n".join(lines)
    if text.count("\n") != len(lines) - 1:
        return list(range(len(lines)))  # a line holding a line break (none does: they are split at them)
    found: list[int] = []
    i, counted = 0, 0  # a hit's line: the line breaks before it, counted on from the last hit's, not every line's start
    for hit in scan.finditer(text):
        i += text.count("\n", counted, hit.start())
        counted = hit.start()
        if not found or found[-1] != i:
            found.append(i)
    return found


Trigram = tuple[str, str, str]


class WordIndex:
    """Which of a list of patterns could match a text, given each one's words (`needs`): gives what `could_match`
    gives for each pattern (issue 9: the measure cues, 66 patterns of 215 words, are filtered for every sentence
    that holds an amount and for the words before it; the accounts row cues for every label line).

    A word is looked for only where the text holds its first three characters: the words are indexed by them,
    and the text's own runs of three (`zip` of the text and its tails: no loop in Python) pick the few that
    can be there, one `in` test each. A word of one or two characters is tested alone."""

    def __init__(self, needs: Sequence[Needs]) -> None:
        self.count = len(needs)
        self.unfiltered = frozenset(k for k, words in enumerate(needs) if words is None)
        by_word: dict[str, list[int]] = {}
        for k, words in enumerate(needs):
            for w in sorted(words or ()):
                by_word.setdefault(w, []).append(k)
        self.short = [(w, places) for w, places in by_word.items() if len(w) < 3]
        self.by_start: dict[Trigram, list[tuple[str, list[int]]]] = {}
        for w, places in by_word.items():
            if len(w) >= 3:
                self.by_start.setdefault((w[0], w[1], w[2]), []).append((w, places))
        self.starts = frozenset(self.by_start)

    def could_match(self, text: str | None) -> list[int]:
        """The places, in order, of the patterns that could match the text `folded` made `text`."""
        if text is None:
            return list(range(self.count))
        found = set(self.unfiltered)
        for w, places in self.short:
            if w in text:
                found.update(places)
        # the runs of three end with the text: its tails are shorter, where `zip` stops
        for start in self.starts.intersection(zip(text, text[1:], text[2:], strict=False)):
            for w, places in self.by_start[start]:
                if w in text:
                    found.update(places)
        return sorted(found)


def could_match(words: Needs, text: str | None) -> bool:
    """Whether a pattern needing `words` could match the text `folded` made `text`."""
    if words is None or text is None:
        return True
    for w in words:
        if w in text:
            return True
    return False
