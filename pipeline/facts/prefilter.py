"""Which patterns of a rule file could match a text, found without running them (issue 9: what facts cost).

`needs(pattern)` reads a pattern (as the rule file gives it) and returns the words every match of it
contains, any one of them (`\\bsav(?:ings?|ed|e)\\b`: {"sav"}; `\\bin the red\\b|\\bin deficit\\b`:
{"in the red", "in deficit"}), lower-cased, or None when it cannot say (a pattern of classes and
repeats only, or one Python's parser does not read). A pattern whose words are all absent from a text
cannot match it, so it need not be run: `could_match` tells. The words come from the rules when they
are loaded, never from a list here.

It is exact for case-insensitive patterns (simple case folding, `(?-f)`) over a text whose letters are
ASCII: such a text matches an ASCII word only where its lower-case form holds the word's. A text with
any other letter (`ſ` and `ı` match `s` and `I` without folding to them) is not filtered: every pattern
runs, as before.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

_parser: Any = importlib.import_module("re._parser")  # Python's own reader of patterns (no public API)
_ASCII = re.compile(r"[\x00-\x7f]+")
_REPEATS = {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}

Needs = frozenset[str] | None


def needs(pattern: str) -> Needs:
    """The lower-cased words one of which every match of `pattern` holds; None: no such words found."""
    try:
        parsed = _parser.parse(pattern)
    except Exception:  # `regex` syntax Python's parser does not know (\p{L}, ...): no filter
        return None
    return _needs(list(parsed))


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
        if name == "LITERAL" and chr(av).isascii() and chr(av).isprintable():
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
        elif name == "BRANCH":
            alternatives = [_needs(list(b)) for b in av[1]]
            if all(a is not None for a in alternatives):
                best = _better(best, frozenset(w for a in alternatives if a is not None for w in a))
        # anything else (classes, any character, assertions, lookarounds) holds no word for sure
    if run:
        best = _better(best, frozenset({"".join(run)}))
    return best


def folded(text: str) -> str | None:
    """`text` lower-cased for `could_match`; None when a letter of it is not ASCII (no filtering)."""
    if not text.isascii() and any(c.isalpha() for c in _ASCII.sub("", text)):
        return None
    return text.lower()


def could_match(words: Needs, text: str | None) -> bool:
    """Whether a pattern needing `words` could match the text `folded` made `text`."""
    if words is None or text is None:
        return True
    for w in words:
        if w in text:
            return True
    return False
