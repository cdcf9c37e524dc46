"""Abbreviation definitions in text: the algorithm of Schwartz and Hearst (2003).

A. S. Schwartz and M. A. Hearst, "A simple algorithm for identifying abbreviation
definitions in biomedical text", Pacific Symposium on Biocomputing 8:451-462, 2003.

Candidates are ``long form (short form)`` and ``short form (long form)``. The
short form has at most two words and `max_chars` characters, begins with a letter
or digit and holds a letter. The long form is searched among the
``min(|A| + 5, 2|A|)`` words before the parenthesis (|A| the short form's length),
within the sentence. The best long form is the shortest one in which every letter
and digit of the short form appears, in order, matched from right to left, the
short form's first character matching the first character of a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PAREN = re.compile(r"\(([^()]*)\)")
_SENTENCE_BREAK = re.compile(r"[.;:!?](?=\s)|[()\[\]]")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Definition:
    short: str
    short_start: int
    short_end: int
    long_start: int
    long_end: int


def find_definitions(text: str, max_chars: int = 10) -> list[Definition]:
    """Every abbreviation defined in `text`, with character offsets of both forms."""
    out = []
    for m in _PAREN.finditer(text):
        inner = m.group(1)
        cut = re.search(r"[;,]", inner)
        sf_text = inner[: cut.start()] if cut else inner
        sf_stripped = sf_text.strip()
        sf_start = m.start(1) + (len(sf_text) - len(sf_text.lstrip()))
        if _plausible_short(sf_stripped, max_chars):
            found = _long_form_before(text, m.start(), sf_stripped)
            if found:
                out.append(Definition(sf_stripped, sf_start, sf_start + len(sf_stripped), *found))
            continue
        # `short form (long form)`: the word just before the parenthesis is the short form
        before = re.search(r"(\S+)\s*$", text[: m.start()])
        if before and _plausible_short(before.group(1), max_chars) and len(inner.split()) >= 2:
            sf = before.group(1)
            lf = inner.strip()
            best = best_long_form(sf, lf)
            if best is not None:
                lf_start = m.start(1) + (len(inner) - len(inner.lstrip())) + (len(lf) - len(best))
                out.append(Definition(sf, before.start(1), before.end(1), lf_start, lf_start + len(best)))
    return out


def _plausible_short(sf: str, max_chars: int) -> bool:
    if not (2 <= len(sf) <= max_chars) or len(sf.split()) > 2:
        return False
    return sf[0].isalnum() and any(c.isalpha() for c in sf)


def _long_form_before(text: str, paren: int, sf: str) -> tuple[int, int] | None:
    """The long form among the words before `paren`, as (start, end) offsets, or None."""
    breaks = list(_SENTENCE_BREAK.finditer(text, 0, paren))
    seg_start = breaks[-1].end() if breaks else 0
    words = list(_WORD.finditer(text, seg_start, paren))
    limit = min(len(sf) + 5, len(sf) * 2)
    words = words[-limit:]
    if not words:
        return None
    start, end = words[0].start(), words[-1].end()
    candidate = text[start:end]
    best = best_long_form(sf, candidate)
    if best is None:
        return None
    return end - len(best), end


def best_long_form(sf: str, lf: str) -> str | None:
    """The shortest end of `lf` that covers the letters of `sf` (Schwartz and Hearst's findBestLongForm)."""
    s = len(sf) - 1
    li = len(lf) - 1
    while s >= 0:
        c = sf[s].lower()
        if not c.isalnum():
            s -= 1
            continue
        while li >= 0 and (lf[li].lower() != c or (s == 0 and li > 0 and lf[li - 1].isalnum())):
            li -= 1
        if li < 0:
            return None
        li -= 1
        s -= 1
    li = lf.rfind(" ", 0, li + 1) + 1
    best = lf[li:]
    if len(best) <= len(sf) or sf.lower() in best.lower().split():
        return None
    return best
