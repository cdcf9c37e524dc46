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
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Protocol, TypeVar

import regex
from pydantic import Field, ValidationInfo, model_validator

from pipeline.model import Document
from pipeline.normalise import NormLine
from pipeline.rules import Pattern, RuleModel, compiled, groups, load_model

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
    windows: Windows


def phrase_alternation(phrases: list[str]) -> str:
    """A regex alternation of literal phrases, longest first, any run of spaces matching a space."""
    uniq = sorted({p.strip() for p in phrases if p.strip()}, key=lambda p: (-len(p), p))
    return "|".join(r"\s+".join(regex.escape(w) for w in p.split()) for p in uniq)


def squash(text: str) -> str:
    """Lower case with single spaces: the key of a phrase in the rule maps."""
    return " ".join(text.lower().split())


class NumberWords(RuleModel):
    units: dict[str, int]
    teens: dict[str, int]
    tens: dict[str, int]
    hundred: str
    article: dict[str, int]


class Fraction(RuleModel):
    words: list[str]
    value: Decimal


class Qualifier(RuleModel):
    means: str
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    not_after: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _has_words(self) -> Qualifier:
        if not self.before and not self.after:
            raise ValueError("a qualifier needs `before` or `after` words")
        return self


class Rate(RuleModel):
    means: str
    after: list[str]


class ToRange(RuleModel):
    from_words: list[str]
    range_verbs: list[str]


class FinYear(RuleModel):
    year: Annotated[Pattern, groups("y1", "y2")]
    max_years: int = Field(ge=0)
    after_gap: Pattern
    before_gap_words: int = Field(ge=0)
    before_gap_stop: Pattern


class Windows(RuleModel):
    """How many characters beside an amount each matcher reads."""

    qualifier_before: int = Field(ge=0)  # a qualifier before the amount (`at least`)
    qualifier_cancel: int = Field(ge=0)  # words before that qualifier that cancel it (`not_after`)
    rate_after: int = Field(ge=0)  # a rate after the amount (`a year`)
    per_unit_after: int = Field(ge=0)  # `per <word>` after the amount
    qualifier_after: int = Field(ge=0)  # a qualifier after the amount and its rate (`or more`)
    year_after: int = Field(ge=0)  # a financial year after the amount and its rate
    year_before: int = Field(ge=0)  # a financial year before the amount (or its qualifier)
    from_before: int = Field(ge=0)  # `from` before `X to Y` (to_range)


class AmountRules(RuleModel):
    """rules/amounts.yaml."""

    number_words: NumberWords
    fractions: list[Fraction]
    qualifiers: list[Qualifier]
    rates: list[Rate]
    per_unit: bool = False
    per_unit_not: tuple[str, ...] = ()
    to_range: ToRange
    fin_year: FinYear
    windows: Windows


@lru_cache(maxsize=4)
def load_shared(directory: Path) -> Shared:
    """rules/amounts.yaml, validated, as macros and compiled matchers (once per process)."""
    return _shared(load_model(AmountRules, directory / FILE))


def _shared(rules: AmountRules) -> Shared:
    nw = rules.number_words
    words = (nw.units, nw.teens, nw.tens, nw.article)
    units, teens, tens, article = ({squash(k): v for k, v in w.items()} for w in words)
    hundred = squash(nw.hundred)
    small = f"(?:{phrase_alternation(list(tens))})(?:[-\\s](?:{phrase_alternation(list(units))}))?"
    small += f"|{phrase_alternation([*teens, *units])}"
    num_word = f"(?i:(?:{small})(?:\\s+{regex.escape(hundred)}(?:\\s+and\\s+(?:{small}))?)?(?![\\w-]))"
    fractions = {squash(w): row.value for row in rules.fractions for w in row.words}
    quals = rules.qualifiers
    qual_after = [w for q in quals for w in q.after]
    rate_words = phrase_alternation([w for r in rules.rates for w in r.after])
    nots = phrase_alternation(list(rules.per_unit_not))
    verbs, from_words = phrase_alternation(rules.to_range.range_verbs), phrase_alternation(rules.to_range.from_words)
    fy = rules.fin_year
    return Shared(
        macros={
            "num_word": num_word,
            "article": f"(?i:{phrase_alternation(list(article))})",
            "fraction": f"(?i:{phrase_alternation(list(fractions))})",
        },
        number_values={**units, **teens, **tens, **article},
        hundred=hundred,
        fractions=fractions,
        qual_before=compiled(rf"(?<![A-Za-z])(?i:{phrase_alternation([w for q in quals for w in q.before])})[\s.]*$"),
        qual_after=compiled(rf"\s*(?i:{phrase_alternation(qual_after)})(?![A-Za-z])") if qual_after else None,
        qual_means={squash(w): q.means for q in quals for w in [*q.before, *q.after]},
        qual_not_after={
            q.means: compiled(rf"(?<![A-Za-z])(?i:{phrase_alternation(list(q.not_after))})\s+$")
            for q in quals
            if q.not_after
        },
        rate_after=compiled(rf"\s*(?i:{rate_words})(?![A-Za-z])"),
        rate_means={squash(w): r.means for r in rules.rates for w in r.after},
        per_unit=compiled(rf"\s*(?i:per\s+(?!(?:{nots})\b)([a-z]+))\b") if rules.per_unit else None,
        from_before=compiled(rf"(?<!(?i:\b(?:{verbs}))\s+)(?<![A-Za-z])(?i:{from_words})\s+$"),
        year=compiled(fy.year),
        max_years=fy.max_years,
        year_after=compiled(f"(?i:{fy.after_gap})(?P<fy>{fy.year})"),
        before_gap_words=fy.before_gap_words,
        before_gap_stop=compiled(fy.before_gap_stop),
        windows=rules.windows,
    )


def set_macros(own: dict[str, str], info: ValidationInfo, generated: dict[str, str] | None = None) -> dict[str, str]:
    """The `macros` validator of a pattern file: its own macros join the generated ones (amounts.yaml's,
    and those of the file's own word lists) in the validation context, for the patterns after them."""
    context = info.context if info.context is not None else {}
    generated = {**context.get("macros", {}), **(generated or {})}
    clash = set(own) & set(generated)
    if clash:
        raise ValueError(f"macro(s) {', '.join(sorted(clash))} are generated from the word lists")
    context["macros"] = {**generated, **own}
    return own


class PatternRule(RuleModel):
    """One entry of a file's `patterns`, its `{{macros}}` expanded and compiled: each file types `pattern`
    with its flags and the named groups its code reads (`groups(only=..., one_of=AMOUNT_GROUPS)`)."""

    name: str
    pattern: regex.Pattern[str]
    not_after_from: bool = False  # `from X to Y` is a change, not a range: skip the match after `from`


AMOUNT_GROUPS = frozenset({"low", "lword", "frac"})  # a pattern's amount: one of these groups


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
    w = shared.windows
    head_start = max(0, start - w.qualifier_before)
    m = shared.qual_before.search(text, head_start, start)
    if m:
        written = squash(m.group().rstrip(". \t"))
        means = shared.qual_means.get(written) or shared.qual_means.get(written + ".")
        cancel = shared.qual_not_after.get(means or "")
        if means and not (cancel and cancel.search(text, max(0, m.start() - w.qualifier_cancel), m.start())):
            qualifier, qualifier_text, q_start = means, written, m.start()
    rate = None
    rate_end = end
    r = shared.rate_after.match(text, end, min(len(text), end + w.rate_after))
    if r:
        rate = shared.rate_means[squash(r.group())]
        rate_end = r.end()
    elif shared.per_unit is not None:
        p = shared.per_unit.match(text, end, min(len(text), end + w.per_unit_after))
        if p:
            rate = f"per {p.group(1).lower()}"
            rate_end = p.end()
    if qualifier is None and shared.qual_after is not None:
        a = shared.qual_after.match(text, rate_end, min(len(text), rate_end + w.qualifier_after))
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
    m = shared.year_after.match(text, after, min(len(text), after + shared.windows.year_after))
    if m:
        if not _year_ok(m, shared):
            return None  # a year is written after the amount, but not one financial year
        return " ".join(m.group("fy").split()), m.start("fy"), True
    head_start = max(0, before - shared.windows.year_before)
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
    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


S = TypeVar("S", bound=_Span)


def first_matches(
    patterns: Iterable[PatternRule], text: str, read: Callable[[PatternRule, regex.Match[str]], S | None]
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
        for m in pat.pattern.finditer(text):
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
