"""Spending-transparency lists ("payments over £25k", "expenditure over threshold"): a table with a row
per payment made by the document's own body (rules/facts.yaml `spending_list`).

`is_spending_list` tells such a document by its title or file name; `payment_date` reads the date of a
payment in its row and `list_month` the month a list covers, each as the financial year it falls in;
`lead_body` finds the known body named by the first words of a title (an inferred, lower-case title);
`writes_name` tells whether a text (a title, a file name's words) writes a body's name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import regex

from pipeline.facts.fact_rules import Compiled
from pipeline.facts.prefilter import Needs, could_match, folded, pattern_needs

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
T = TypeVar("T")
_WORD = regex.compile(r"[^\W_]+")


@dataclass(frozen=True)
class DateHit:
    value: str  # the financial year: `2020/21`
    start: int
    end: int


def is_spending_list(meta: dict[str, Any], path: str, rules: Compiled) -> bool:
    """Whether the document's title or file name says it is a list of payments."""
    if rules.spending_list is None:
        return False
    names = [str(meta.get("title") or ""), " ".join(Path(path).stem.replace("_", " ").replace("-", " ").split())]
    return any(rules.spending_list.search(n) for n in names if n)


def _financial_year(year: int, month: int, rules: Compiled) -> str:
    first = year if month >= rules.model.period.year_start_month else year - 1
    return f"{first}/{(first + 1) % 100:02d}"


def payment_date(
    text: str, start: int, end: int, amount_start: int, rules: Compiled, found: list[DateHit] | None = None
) -> DateHit | None:
    """The payment's date in text[start:end] (its row): the last date before the amount, else the first
    after it, as the financial year it falls in. `d/m/y` is read as written in the UK unless its first
    number cannot be a month (`4/30/2020` is month/day). `found`: the row's dates (`row_dates`), when
    already read for another amount of the row (a list's net, VAT and gross)."""
    if found is None:
        found = row_dates(text, start, end, rules)
    if not found:
        return None
    before = [h for h in found if h.end <= amount_start]
    if before:
        return max(before, key=lambda h: h.start)
    return min(found, key=lambda h: h.start)


def row_dates(text: str, start: int, end: int, rules: Compiled) -> list[DateHit]:
    """Every date of text[start:end] (a spending list's row), as the financial year it falls in, pattern by
    pattern in the rule file's order."""
    found: list[DateHit] = []
    words = folded(text[start:end])
    for row in _row_patterns(rules):
        if not could_match(row.needs, words):
            continue  # none of the words every match holds is in the row (`prefilter`): not run
        for m in row.pattern.finditer(text, start, end):
            mon = m.group(row.mon) if row.mon else None
            if mon:
                day, month = int(m.group(row.d)), _MONTHS.index(mon[:3].lower()) + 1
            else:
                day, month = int(m.group(row.d)), int(m.group(row.m))
                if month > 12 >= day:
                    day, month = month, day
            if not (1 <= month <= 12 and 1 <= day <= 31):
                continue
            found.append(DateHit(_financial_year(int(m.group(row.y)), month, rules), m.start(), m.end()))
    return found


@dataclass(frozen=True)
class _RowPattern:
    """A `row_dates` pattern, the words every match of it holds (`prefilter`) and the numbers of its groups:
    day, month as a number, year, month's name (0: none). A group read by number, not by name, costs a
    third (`regex` tries a name as a number first)."""

    pattern: regex.Pattern[str]
    needs: Needs
    d: int
    m: int
    y: int
    mon: int


@lru_cache(maxsize=4)
def _row_patterns(rules: Compiled) -> tuple[_RowPattern, ...]:
    """The `row_dates` patterns read once, not for every row of a list (issue 9)."""
    out = []
    for p in rules.row_dates:
        groups = p.groupindex
        out.append(_RowPattern(p, pattern_needs(p), groups["d"], groups.get("m", 0), groups["y"], groups.get("mon", 0)))
    return tuple(out)


def list_month(text: str, rules: Compiled) -> DateHit | None:
    """The month a list covers, written as numbers (`2020-05`, an inferred title's `2020 05`)."""
    if rules.list_month is None:
        return None
    m = rules.list_month.search(text)
    if m is None:
        return None
    return DateHit(_financial_year(int(m.group("y")), int(m.group("m")), rules), m.start(), m.end())


def lead_body(title: str, find: Callable[[str], T | None], max_words: int) -> T | None:
    """The body named by the longest run of at most `max_words` words at the start of `title`."""
    words = title.split()
    for n in range(min(max_words, len(words)), 0, -1):
        found = find(" ".join(words[:n]))
        if found is not None:
            return found
    return None


def writes_name(text: str, name: str) -> bool:
    """Whether `text` writes `name` as a run of its words, letters and digits compared without case, spaces
    or punctuation: a file name's `homerton university hospital nhsft` writes `Homerton University Hospital
    NHS FT` (`nhsft` = `NHS FT`), never half a word (`Barts` is not in `bartshealth`)."""
    want = "".join(_WORD.findall(name.casefold()))
    words = _WORD.findall(text.casefold())
    if not want:
        return False
    for i in range(len(words)):
        run = ""
        for w in words[i:]:
            run += w
            if len(run) >= len(want):
                break
        if run == want:
            return True
    return False
