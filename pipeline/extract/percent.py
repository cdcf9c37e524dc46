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

import regex

from pipeline.components import Component, Kind, Options
from pipeline.extract.amounts import (
    Pattern,
    Shared,
    as_number,
    compile_patterns,
    context,
    first_matches,
    load_shared,
    next_body_text,
    parse_number,
    parse_number_words,
    pattern_macros,
)
from pipeline.model import Document, Extraction, Mention, Values
from pipeline.normalise import NormLine
from pipeline.rules import RuleError, compile_pattern, expand_macros, read_yaml, require

GROUPS = {"sign", "low", "hsign", "high", "lword", "hword"}


@dataclass(frozen=True)
class PercentRules:
    patterns: tuple[Pattern, ...]
    triggers: tuple[str, ...]
    shared: Shared
    descending_ranges: frozenset[str]  # patterns whose high-to-low pair is a range (`11-5%`)
    descending_not_range: regex.Pattern[str]  # a first number that makes such a pair no range (`2017`)
    continued: tuple[int, regex.Pattern[str], regex.Pattern[str]] | None  # max blank lines, ends_line, opens_line


@lru_cache(maxsize=4)
def load_rules(directory: Path) -> PercentRules:
    shared = load_shared(directory)
    path = directory / "percent.yaml"
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("patterns"), list):
        raise RuleError(path, "expected a mapping with a list `patterns`")
    triggers = data.get("triggers")
    if not isinstance(triggers, list) or not triggers or not all(isinstance(t, str) and t for t in triggers):
        raise RuleError(path, "expected a non-empty list of strings", "triggers")
    macros = pattern_macros(path, data, shared.macros)
    patterns = compile_patterns(path, data["patterns"], macros, GROUPS)
    names = {p.name for p in patterns}
    descending = data.get("descending_ranges") or []
    if not isinstance(descending, list) or not all(isinstance(n, str) and n in names for n in descending):
        raise RuleError(path, "expected a list of the names of patterns in `patterns`", "descending_ranges")
    not_range = compile_pattern(path, "descending_not_range", data.get("descending_not_range", "(?!)"))
    cont = data.get("continued")
    continued = None
    if cont is not None:
        require(path, "continued", cont, ("max_blank_lines", "ends_line", "opens_line"))
        ends = compile_pattern(path, "continued.ends_line", expand_macros(path, cont["ends_line"], macros))
        if "low" not in ends.groupindex:
            raise RuleError(path, "`ends_line` needs a group low", "continued.ends_line")
        opens = compile_pattern(path, "continued.opens_line", expand_macros(path, cont["opens_line"], macros))
        continued = (int(cont["max_blank_lines"]), ends, opens)
    return PercentRules(patterns, tuple(triggers), shared, frozenset(descending), not_range, continued)


@dataclass(frozen=True)
class Figure:
    start: int
    end: int
    low: Decimal
    high: Decimal


def _read(pat: Pattern, m: regex.Match[str], text: str, rules: PercentRules) -> Figure | None:
    start, end = m.span()
    groups = m.groupdict()
    if pat.not_after_from and rules.shared.from_before.search(text, max(0, start - 40), start):
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
    max_blank, ends, opens = rules.continued
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
