"""Casing of body names: proper case for upper-case official names, and the slug used as a stable id."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping

_WORD = re.compile(r"[^\s]+")


def proper_case(
    name: str, upper: Collection[str], lower: Collection[str], special: Mapping[str, str] | None = None
) -> str:
    """`THE PRINCESS ALEXANDRA HOSPITAL NHS TRUST` -> `The Princess Alexandra Hospital NHS Trust`.

    Words in `upper` stay upper case, words in `lower` are lower case unless first,
    hyphenated words are cased part by part (`Stoke-on-Trent`).
    """
    special = special or {}
    upper_set = {u.upper() for u in upper}
    lower_set = {w.lower() for w in lower}
    words = name.split()
    out = []
    for i, word in enumerate(words):
        out.append(_case_word(word, i == 0, upper_set, lower_set, special))
    return " ".join(out)


def _case_word(word: str, first: bool, upper: set[str], lower: set[str], special: Mapping[str, str]) -> str:
    bare = word.strip(",.;:()")
    if bare.upper() in special:
        return word.replace(bare, special[bare.upper()])
    if bare.upper() in upper or (any(c.isdigit() for c in bare) and any(c.isalpha() for c in bare)):
        return word.upper()  # kept words, and codes such as `D4U1Y`
    if "-" in word.strip("-"):
        parts = word.split("-")
        return "-".join(_case_word(p, first and j == 0, upper, lower, special) for j, p in enumerate(parts))
    if not first and bare.lower() in lower:
        return word.lower()
    return _capitalise(word)


def _capitalise(word: str) -> str:
    """Upper-case the first letter, lower-case the rest (`KING'S` -> `King's`, `(ST` -> `(St`)."""
    for i, ch in enumerate(word):
        if ch.isalpha():
            return word[:i] + ch.upper() + word[i + 1 :].lower()
    return word.lower()


def slug(name: str) -> str:
    """A stable id from a canonical name: `King's Fund` -> `kings-fund`, `L&D` -> `l-and-d`."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    text = text.replace("&", " and ").replace("'", "").replace("’", "")
    text = re.sub(r"[^a-zA-Z0-9]+", "-", text).strip("-").lower()
    return text or "body"
