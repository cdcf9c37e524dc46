"""Percentages: `4%`, `95.1%`, `46 per cent`, `84 percent`, ranges `14-16%`, signs `-25%`.

Patterns live in ``rules/percent.yaml``; number words and qualifiers (`almost 20%`)
in ``rules/amounts.yaml``. Values: low and high as written (negative only after a
minus sign), the qualifier beside the figure, the normalised text of the span.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated

import regex
from pydantic import Field, field_validator

from pipeline import collector
from pipeline.components import Component, Kind, Options
from pipeline.extract.amounts import (
    AMOUNT_GROUPS,
    PatternRule,
    Shared,
    as_number,
    context,
    first_matches,
    load_shared,
    next_body_text,
    parse_number,
    parse_number_words,
    set_macros,
)
from pipeline.model import Document, Extraction, Mention, Values
from pipeline.normalise import NormLine
from pipeline.rules import MacroRegex, Regex, RuleModel, compiled, declares, groups, known, load_model


@dataclass(frozen=True)
class PercentRules:
    patterns: tuple[PatternRule, ...]
    triggers: tuple[str, ...]
    shared: Shared
    descending_ranges: frozenset[str]  # patterns whose high-to-low pair is a range (`11-5%`)
    descending_not_range: regex.Pattern[str]  # a first number that makes such a pair no range (`2017`)
    continued: PercentContinued | None


GROUPS = frozenset({"sign", "low", "hsign", "high", "lword", "hword"})  # the named groups the code reads


class PercentPattern(PatternRule):
    pattern: Annotated[MacroRegex, groups(only=GROUPS, one_of=AMOUNT_GROUPS)]


class PercentContinued(RuleModel):
    max_blank_lines: int = Field(ge=0)
    ends_line: Annotated[MacroRegex, groups("low")]
    opens_line: MacroRegex


class PercentFile(RuleModel):
    """rules/percent.yaml."""

    triggers: list[Annotated[str, Field(min_length=1)]] = Field(min_length=1)
    macros: dict[str, str] = Field(default={}, validate_default=True)
    continued: PercentContinued | None = None
    patterns: Annotated[list[PercentPattern], declares("patterns", lambda p: [p.name])] = Field(min_length=1)
    # patterns whose high-to-low pair is a range (`11-5%`)
    descending_ranges: Annotated[frozenset[str], known("patterns")] = frozenset()
    # a first number that makes such a pair no range (`2017`)
    descending_not_range: Regex = Field(default_factory=lambda: compiled("(?!)"))

    _macros = field_validator("macros")(set_macros)


@lru_cache(maxsize=4)
def load_rules(directory: Path) -> PercentRules:
    shared = load_shared(directory)
    f = load_model(PercentFile, directory / "percent.yaml", {"macros": dict(shared.macros)})
    ranges, not_range = f.descending_ranges, f.descending_not_range
    return PercentRules(tuple(f.patterns), tuple(f.triggers), shared, ranges, not_range, f.continued)


@dataclass(frozen=True)
class Figure:
    start: int
    end: int
    low: Decimal
    high: Decimal


def _read(pat: PatternRule, m: regex.Match[str], text: str, rules: PercentRules) -> Figure | None:
    start, end = m.span()
    groups = m.groupdict()
    shared = rules.shared
    if pat.not_after_from and shared.from_before.search(text, max(0, start - shared.windows.from_before), start):
        return None
    if groups.get("lword"):
        value = parse_number_words(groups["lword"], rules.shared)
        high = parse_number_words(groups["hword"], rules.shared) if groups.get("hword") else value
        return Figure(start, end, value, high) if value <= high else None
    low = parse_number(groups["low"])
    if groups.get("sign") == "-":
        low = -low
    if groups.get("high") is None:
        return Figure(start, end, low, low)
    high = parse_number(groups["high"])
    if groups.get("hsign") == "-":
        high = -high
    if low > high:
        if pat.name in rules.descending_ranges and not rules.descending_not_range.search(groups["low"]):
            return Figure(start, end, high, low)  # `11-5%` written high to low
        return None  # `2017-25%` is not a range
    return Figure(start, end, low, high)


def find(text: str, rules: PercentRules) -> list[Figure]:
    """Percentages in one normalised line, left to right, without overlaps."""
    return first_matches(rules.patterns, text, lambda pat, m: _read(pat, m, text, rules))


def _continued(doc: Document, lines: Sequence[NormLine], i: int, rules: PercentRules) -> Figure | None:
    """A number ending line i whose `per cent` opens the next non-blank body line (see `continued`)."""
    if rules.continued is None:
        return None
    max_blank, ends, opens = rules.continued.max_blank_lines, rules.continued.ends_line, rules.continued.opens_line
    if not lines[i].text.rstrip()[-1:].isdigit():
        return None
    m = ends.search(lines[i].text)
    if m is None:
        return None
    following = next_body_text(doc, lines, i, max_blank)
    if following is None or not opens.match(following):
        return None
    value = parse_number(m.group("low"))
    return Figure(m.start("low"), m.end("low"), value, value)


@collector.while_paused
def extract(
    doc: Document, lines: Sequence[NormLine], rules: PercentRules, earlier: Extraction, options: Options
) -> Extraction:
    triggers = rules.triggers
    out = Extraction()
    for i, nl in enumerate(lines):
        text = nl.text
        figures = find(text, rules) if any(t in text for t in triggers) else []
        run_on = _continued(doc, lines, i, rules)
        if run_on is not None:
            figures.append(run_on)
        for f in figures:
            beside = context(text, f.start, f.end, rules.shared, fin_year=False)
            rs, re_ = nl.to_raw(f.start, f.end)
            values = PercentValues(
                low=as_number(f.low),
                high=as_number(f.high),
                qualifier=beside.qualifier,
                qualifier_text=beside.qualifier_text,
                normalised=text[f.start : f.end],
            )
            out.mentions.append(Mention("percent", i, rs, re_, nl.raw[rs:re_], values))
    return out


class PercentValues(Values, frozen=True, kw_only=True):
    """The columns of a `percentages` row besides its provenance."""

    low: int | float  # as written (negative only after a minus sign)
    high: int | float
    normalised: str  # the span after clean-up
    qualifier: str | None = None
    qualifier_text: str | None = None


COMPONENT: Component[PercentRules] = Component(
    name="percent",
    load_rules=load_rules,
    extract=extract,
    kinds={"percent": Kind("percentages", PercentValues)},
    rule_files=("percent.yaml", "amounts.yaml"),
)
