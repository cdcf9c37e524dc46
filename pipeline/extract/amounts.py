"""What money and percentages share: numbers, number words, qualifiers, rates, financial years.

The word lists live in ``rules/amounts.yaml``. `load_shared` validates them and
turns them into regex macros (``{{num_word}}``, ``{{fraction}}``...) for the
patterns of ``money.yaml`` and ``percent.yaml``, and into the small context
matchers that read what stands beside an amount: `qualifier_before`,
`qualifier_after`, `rate_after`, `fin_year_beside`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, TypeVar

import regex

from pipeline.model import Document
from pipeline.normalise import NormLine
from pipeline.rules import RuleError, compile_pattern, expand_macros, read_yaml, require

FILE = "amounts.yaml"


@dataclass(frozen=True)
class Context:
    """What was found beside one amount."""

    qualifier: str | None = None
    qualifier_text: str | None = None
    qualifier_start: int | None = None  # where a qualifier before the amount starts
    rate: str | None = None
    rate_end: int | None = None
    fin_year: str | None = None


@dataclass(frozen=True)
class Shared:
    macros: dict[str, str]
    number_values: dict[str, int]  # lower-case number word -> value (units, teens, tens, article)
    hundred: str
    fractions: dict[str, Decimal]  # lower-case fraction phrase (single spaces) -> value
    qual_before: regex.Pattern[str]
    qual_after: regex.Pattern[str] | None
    qual_means: dict[str, str]  # lower-case phrase (single spaces) -> meaning
    qual_not_after: dict[str, regex.Pattern[str]]  # meaning -> words that cancel it when right before
    rate_after: regex.Pattern[str]
    rate_means: dict[str, str]
    per_unit: regex.Pattern[str] | None
    from_before: regex.Pattern[str]  # `from` right before `X to Y`: a change, not a range
    year: regex.Pattern[str]
    max_years: int
    year_after: regex.Pattern[str]
    before_gap_words: int
    before_gap_stop: regex.Pattern[str]


def phrase_alternation(phrases: list[str]) -> str:
    """A regex alternation of literal phrases, longest first, any run of spaces matching a space."""
    uniq = sorted({p.strip() for p in phrases if p.strip()}, key=lambda p: (-len(p), p))
    return "|".join(r"\s+".join(regex.escape(w) for w in p.split()) for p in uniq)


def squash(text: str) -> str:
    """Lower case with single spaces: the key of a phrase in the rule maps."""
    return " ".join(text.lower().split())


def _words(path: Path, entry: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(w, str | int | float) for w in value):
        raise RuleError(path, "expected a list of words", entry)
    return [str(w) for w in value]


def _number_map(path: Path, entry: str, value: Any) -> dict[str, int]:
    if not isinstance(value, dict) or not all(isinstance(v, int) for v in value.values()):
        raise RuleError(path, "expected a mapping of words to whole numbers", entry)
    return {squash(str(k)): v for k, v in value.items()}


def _decimal(path: Path, entry: str, value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise RuleError(path, f"{value!r} is not a number", entry) from None


@lru_cache(maxsize=4)
def load_shared(directory: Path) -> Shared:
    path = directory / FILE
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise RuleError(path, "expected a mapping")
    for key in ("number_words", "fractions", "qualifiers", "rates", "to_range", "fin_year"):
        if key not in data:
            raise RuleError(path, f"missing section `{key}`")

    nw = data["number_words"]
    require(path, "number_words", nw, ("units", "teens", "tens", "hundred", "article"))
    units = _number_map(path, "number_words.units", nw["units"])
    teens = _number_map(path, "number_words.teens", nw["teens"])
    tens = _number_map(path, "number_words.tens", nw["tens"])
    article = _number_map(path, "number_words.article", nw["article"])
    hundred = squash(str(nw["hundred"]))
    small = f"(?:{phrase_alternation(list(tens))})(?:[-\\s](?:{phrase_alternation(list(units))}))?"
    small += f"|{phrase_alternation([*teens, *units])}"
    num_word = f"(?i:(?:{small})(?:\\s+{regex.escape(hundred)}(?:\\s+and\\s+(?:{small}))?)?(?![\\w-]))"
    article_word = f"(?i:{phrase_alternation(list(article))})"

    if not isinstance(data["fractions"], list):
        raise RuleError(path, "expected a list", "fractions")
    fractions: dict[str, Decimal] = {}
    for i, row in enumerate(data["fractions"], 1):
        require(path, f"fractions {i}", row, ("words", "value"))
        val = _decimal(path, f"fractions {i}", row["value"])
        for w in _words(path, f"fractions {i}", row["words"]):
            fractions[squash(w)] = val

    qual_before: list[str] = []
    qual_after: list[str] = []
    qual_means: dict[str, str] = {}
    qual_not_after: dict[str, regex.Pattern[str]] = {}
    if not isinstance(data["qualifiers"], list):
        raise RuleError(path, "expected a list", "qualifiers")
    for i, row in enumerate(data["qualifiers"], 1):
        require(path, f"qualifiers {i}", row, ("means",))
        if "before" not in row and "after" not in row:
            raise RuleError(path, "a qualifier needs `before` or `after` words", f"qualifiers {i}")
        for side, bucket in (("before", qual_before), ("after", qual_after)):
            for w in _words(path, f"qualifiers {i}", row.get(side, [])):
                bucket.append(w)
                qual_means[squash(w)] = str(row["means"])
        if row.get("not_after"):
            words = phrase_alternation(_words(path, f"qualifiers {i}", row["not_after"]))
            qual_not_after[str(row["means"])] = compile_pattern(
                path, f"qualifiers {i}", rf"(?<![A-Za-z])(?i:{words})\s+$"
            )

    rate_words: list[str] = []
    rate_means: dict[str, str] = {}
    if not isinstance(data["rates"], list):
        raise RuleError(path, "expected a list", "rates")
    for i, row in enumerate(data["rates"], 1):
        require(path, f"rates {i}", row, ("means", "after"))
        for w in _words(path, f"rates {i}", row["after"]):
            rate_words.append(w)
            rate_means[squash(w)] = str(row["means"])
    per_unit = None
    if data.get("per_unit"):
        nots = phrase_alternation(_words(path, "per_unit_not", data.get("per_unit_not", [])))
        per_unit = compile_pattern(path, "per_unit", rf"\s*(?i:per\s+(?!(?:{nots})\b)([a-z]+))\b")

    tr = data["to_range"]
    require(path, "to_range", tr, ("from_words", "range_verbs"))
    from_words = phrase_alternation(_words(path, "to_range.from_words", tr["from_words"]))
    verbs = phrase_alternation(_words(path, "to_range.range_verbs", tr["range_verbs"]))
    from_before = compile_pattern(path, "to_range", rf"(?<!(?i:\b(?:{verbs}))\s+)(?<![A-Za-z])(?i:{from_words})\s+$")

    fy = data["fin_year"]
    require(path, "fin_year", fy, ("year", "max_years", "after_gap", "before_gap_words", "before_gap_stop"))
    year = compile_pattern(path, "fin_year.year", fy["year"])
    if not {"y1", "y2"} <= set(year.groupindex):
        raise RuleError(path, "the `year` pattern needs named groups y1 and y2", "fin_year.year")
    after_gap = compile_pattern(path, "fin_year.after_gap", fy["after_gap"], regex.IGNORECASE).pattern
    year_after = compile_pattern(path, "fin_year", f"(?i:{after_gap})(?P<fy>{fy['year']})")

    return Shared(
        macros={
            "num_word": num_word,
            "article": article_word,
            "fraction": f"(?i:{phrase_alternation(list(fractions))})",
        },
        number_values={**units, **teens, **tens, **article},
        hundred=hundred,
        fractions=fractions,
        qual_before=compile_pattern(path, "qualifiers", rf"(?<![A-Za-z])(?i:{phrase_alternation(qual_before)})[\s.]*$"),
        qual_after=(
            compile_pattern(path, "qualifiers", rf"\s*(?i:{phrase_alternation(qual_after)})(?![A-Za-z])")
            if qual_after
            else None
        ),
        qual_means=qual_means,
        qual_not_after=qual_not_after,
        rate_after=compile_pattern(path, "rates", rf"\s*(?i:{phrase_alternation(rate_words)})(?![A-Za-z])"),
        rate_means=rate_means,
        per_unit=per_unit,
        from_before=from_before,
        year=year,
        max_years=int(fy["max_years"]),
        year_after=year_after,
        before_gap_words=int(fy["before_gap_words"]),
        before_gap_stop=compile_pattern(path, "fin_year.before_gap_stop", fy["before_gap_stop"]),
    )


def pattern_macros(path: Path, data: dict[str, Any], generated: dict[str, str]) -> dict[str, str]:
    """The macros a pattern file may use: its own `macros` plus the generated ones."""
    own = data.get("macros") or {}
    if not isinstance(own, dict) or not all(isinstance(v, str) for v in own.values()):
        raise RuleError(path, "`macros` must map names to patterns")
    clash = set(own) & set(generated)
    if clash:
        raise RuleError(path, f"macro(s) {', '.join(sorted(clash))} are generated from the word lists")
    return {**generated, **own}


@dataclass(frozen=True)
class Pattern:
    name: str
    regex: regex.Pattern[str]
    not_after_from: bool  # `from X to Y` is a change, not a range: skip the match after `from`


def compile_patterns(
    path: Path, rows: Any, macros: dict[str, str], groups: set[str], flags: int = 0
) -> tuple[Pattern, ...]:
    """Compile a file's `patterns` list; each must use only the named groups the code reads."""
    if not isinstance(rows, list) or not rows:
        raise RuleError(path, "expected a non-empty list `patterns`")
    out = []
    for i, row in enumerate(rows, 1):
        require(path, i, row, ("name", "pattern"))
        pat = compile_pattern(path, f"{i} ({row['name']})", expand_macros(path, row["pattern"], macros), flags)
        unknown = set(pat.groupindex) - groups
        if unknown:
            raise RuleError(path, f"unknown group(s) {', '.join(sorted(unknown))}", f"{i} ({row['name']})")
        if "low" not in pat.groupindex and "lword" not in pat.groupindex and "frac" not in pat.groupindex:
            raise RuleError(path, "a pattern needs a group `low`, `lword` or `frac`", f"{i} ({row['name']})")
        out.append(Pattern(str(row["name"]), pat, bool(row.get("not_after_from", False))))
    return tuple(out)


def parse_number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def parse_number_words(text: str, shared: Shared) -> Decimal:
    """`twenty-five` -> 25, `two hundred and fifty` -> 250, `a` -> 1."""
    total = 0
    current = 0
    for word in regex.split(r"[\s-]+", text.lower()):
        if not word or word == "and":
            continue
        if word == shared.hundred:
            current = (current or 1) * 100
        else:
            current += shared.number_values[word]
    total += current
    return Decimal(total)


def context(
    text: str, start: int, end: int, shared: Shared, fin_year: bool = True, claimed: set[int] | None = None
) -> Context:
    """Qualifier, rate and financial year written beside the amount text[start:end].

    `claimed` holds the start offsets of years already read as the year written after an
    earlier amount (`£64.3m in 2018/19, £72.2m`): such a year is not also the year written
    before the next amount. The year found here is added to it.
    """
    qualifier = qualifier_text = None
    q_start: int | None = None
    head_start = max(0, start - 40)
    m = shared.qual_before.search(text, head_start, start)
    if m:
        written = squash(m.group().rstrip(". \t"))
        means = shared.qual_means.get(written) or shared.qual_means.get(written + ".")
        cancel = shared.qual_not_after.get(means or "")
        if means and not (cancel and cancel.search(text, max(0, m.start() - 30), m.start())):
            qualifier, qualifier_text, q_start = means, written, m.start()
    rate = None
    rate_end = end
    r = shared.rate_after.match(text, end, min(len(text), end + 60))
    if r:
        rate = shared.rate_means[squash(r.group())]
        rate_end = r.end()
    elif shared.per_unit is not None:
        p = shared.per_unit.match(text, end, min(len(text), end + 40))
        if p:
            rate = f"per {p.group(1).lower()}"
            rate_end = p.end()
    if qualifier is None and shared.qual_after is not None:
        a = shared.qual_after.match(text, rate_end, min(len(text), rate_end + 30))
        if a:
            qualifier_text = squash(a.group())
            qualifier = shared.qual_means[qualifier_text]
    year = None
    if fin_year:
        found = find_fin_year(text, q_start if q_start is not None else start, rate_end, shared, claimed or set())
        if found:
            year, year_start, after = found
            if after and claimed is not None:
                claimed.add(year_start)
    return Context(qualifier, qualifier_text, q_start, rate, rate_end, year)


def _year_ok(m: regex.Match[str], shared: Shared) -> bool:
    y1, y2 = m.group("y1"), m.group("y2")
    if y2 is None:
        return True
    a, b = int(y1[-2:]), int(y2[-2:])
    return 0 < (b - a) % 100 <= shared.max_years


def find_fin_year(
    text: str, before: int, after: int, shared: Shared, claimed: set[int]
) -> tuple[str, int, bool] | None:
    """A financial year right after the amount (`£5m for 2017/18`), else one a few words before it.

    Returns the year as written, where it starts, and whether it stands after the amount.
    """
    m = shared.year_after.match(text, after, min(len(text), after + 60))
    if m:
        if not _year_ok(m, shared):
            return None  # a year is written after the amount, but not one financial year
        return " ".join(m.group("fy").split()), m.start("fy"), True
    head_start = max(0, before - 80)
    last = None
    for y in shared.year.finditer(text, head_start, before):
        last = y
    if last is None or last.start() in claimed or not _year_ok(last, shared):
        return None
    gap = text[last.end() : before]
    if shared.before_gap_stop.search(gap) or len(gap.split()) > shared.before_gap_words:
        return None
    return " ".join(last.group().split()), last.start(), False


def as_number(value: Decimal) -> float | int:
    """A Decimal as stored: an int when whole, else a float."""
    return int(value) if value == value.to_integral_value() else float(value)


def next_body_text(doc: Document, lines: Sequence[NormLine], i: int, max_blank: int) -> str | None:
    """The next non-blank body line after line `i` on the same page, at most `max_blank` blank lines on.

    Running headers and footers between the two are passed over, so an amount or a
    percentage cut by a line break (`£17` / `million`) can be read whole.
    """
    blank = 0
    for j in range(i + 1, len(lines)):
        line = doc.lines[j]
        if line.page != doc.lines[i].page:
            return None
        if line.role != "body":
            continue
        if lines[j].text.strip():
            return lines[j].text
        blank += 1
        if blank > max_blank:
            return None
    return None


class _Span(Protocol):
    start: int
    end: int


S = TypeVar("S", bound=_Span)


def first_matches(
    patterns: Iterable[Pattern], text: str, read: Callable[[Pattern, regex.Match[str]], S | None]
) -> list[S]:
    """What `read` makes of every match of `patterns` in `text`, earlier patterns first, without
    overlaps (a match overlapping one already read is passed over), in text order."""
    found: list[S] = []
    # the spans read so far never overlap, so sorted by start they are sorted by end too: a new
    # span overlaps one of them only if it overlaps the last one starting before its end (a
    # bisection, so a line of n amounts costs n log n, not n squared)
    starts: list[int] = []
    ends: list[int] = []
    for pat in patterns:
        for m in pat.regex.finditer(text):
            s, e = m.span()
            at = bisect_left(starts, e) - 1
            if at >= 0 and s < ends[at] and starts[at] < e:
                continue
            item = read(pat, m)
            if item is not None:
                found.append(item)
                where = bisect_left(starts, item.start)
                starts.insert(where, item.start)
                ends.insert(where, item.end)
    return sorted(found, key=lambda f: f.start)
