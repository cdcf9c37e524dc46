"""One compiled scan asking whether any of several rule patterns matches: the patterns joined as
alternatives, where that is sure to answer as testing them one by one would.

A line is then scanned once (in C) instead of once per pattern, and only a line that some pattern
matches is looked at pattern by pattern. Patterns that cannot be joined safely (different flags,
verbose mode, a global inline flag, a back-reference, whose number would shift) give None: test
them one by one."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import regex

# what makes joining unsafe: a back-reference or a conditional on a group, a global inline flag, a
# branch reset (group numbers), verbose mode (a comment would swallow the closing bracket)
_UNSAFE = regex.compile(r"\\[1-9]|\\g<|\(\?P=|\(\?\(|\(\?\||\(\?[a-zA-Z]+\)|\(\?[a-zA-Z-]*x")


@lru_cache(maxsize=64)
def joined(patterns: tuple[regex.Pattern[str], ...]) -> regex.Pattern[str] | None:
    """The patterns as one alternation (`(?:p1)|(?:p2)|...`), or None when that could answer differently."""
    flags = {p.flags for p in patterns}
    if len(flags) != 1:
        return None
    common = flags.pop()
    if common & regex.VERBOSE or any(_UNSAFE.search(p.pattern) for p in patterns):
        return None
    try:
        return regex.compile("|".join(f"(?:{p.pattern})" for p in patterns), common)
    except regex.error:
        return None


@lru_cache(maxsize=64)
def any_search(patterns: tuple[regex.Pattern[str], ...]) -> Callable[[str], bool]:
    """`text -> any(p.search(text) for p in patterns)`, as one scan where it can be."""
    one = joined(patterns) if patterns else None
    if one is not None:
        search = one.search
        return lambda text: search(text) is not None
    return lambda text: any(p.search(text) for p in patterns)


@lru_cache(maxsize=64)
def any_match(patterns: tuple[regex.Pattern[str], ...]) -> Callable[[str], bool]:
    """`text -> any(p.match(text) for p in patterns)`, as one match where it can be."""
    one = joined(patterns) if patterns else None
    if one is not None:
        match = one.match
        return lambda text: match(text) is not None
    return lambda text: any(p.match(text) for p in patterns)
