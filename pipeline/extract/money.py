"""Amounts of money: `£4.4m`, `£22 billion`, `£500-£600 million`, `+£9.7m`, `a quarter of a billion pounds`.

Patterns, currencies, multipliers and the footnote rule live in ``rules/money.yaml``;
qualifiers, rates and financial years in ``rules/amounts.yaml``. Each mention's
values: currency, low and high in whole units (negative only after a minus sign),
the qualifier and rate written beside it, the financial year written beside it,
and the normalised text of the span.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated

import regex
from pydantic import Field, ValidationInfo, field_validator

from pipeline import collector
from pipeline.components import Component, Kind, Options
from pipeline.extract import table_cell_lines, table_money
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
    phrase_alternation,
    set_macros,
    squash,
)
from pipeline.model import Document, Extraction, Mention, Values
from pipeline.normalise import NormLine
from pipeline.rules import Regex, RuleModel, VerboseRegex, declares, groups, known, load_model


@dataclass(frozen=True)
class MoneyRules:
    file: MoneyFile  # its patterns, footnotes, continued
    currency_of: dict[str, str]  # sign, code or lower-case word -> currency code
    minor_of: dict[str, tuple[str, Decimal]]  # lower-case minor word -> (currency, value)
    mult_of: dict[str, Decimal]  # lower-case multiplier form -> value
    triggers: tuple[str, ...]  # a line holding none of these is skipped
    shared: Shared
    table: table_money.TableRules  # money in table cells (rules/table_money.yaml)
    cell_lines: table_money.CellLineRules  # tables written one cell per line (the same file)


class Minor(RuleModel):
    words: list[str]
    value: Decimal


class Currency(RuleModel):
    code: str
    signs: list[str]
    codes: list[str]
    words: list[str]
    minor: Minor | None = None


class Multiplier(RuleModel):
    value: int = Field(gt=0, strict=True)
    forms: list[str]


class Footnotes(RuleModel):
    pence_digits: int = Field(ge=0)
    footnote_follows: Regex
    cell_end: Regex  # after an amount: the end of a table cell (pence there are pence)
    table_row: Regex  # a line that is a table row (cells split by tabs or pipes)


class ContinuedRules(RuleModel):
    """How an amount at the end of a line runs on to the next."""

    max_blank_lines: int = Field(ge=0)
    ends_line: VerboseRegex
    ends_line_open_range: VerboseRegex
    multiplier: Annotated[VerboseRegex, groups("hmult")]
    range_end: Annotated[VerboseRegex, groups("high", "hmult")]


# the named groups the code reads of a money pattern
GROUPS = frozenset({"sign", "cur", "low", "lmult", "hcur", "high", "hmult", "lword", "frac", "cword", "minor"})


class MoneyPattern(PatternRule):
    pattern: Annotated[VerboseRegex, groups(only=GROUPS, one_of=AMOUNT_GROUPS)]


class MoneyFile(RuleModel):
    """rules/money.yaml. Its word lists become macros (`{{cur_sign}}`, `{{mult}}`...) of its patterns."""

    currencies: list[Currency]
    multipliers: Annotated[list[Multiplier], declares("multiplier forms", lambda m: [f.lower() for f in m.forms])]
    # multiplier forms (lower case) written only glued to the number (`£2b`), or as words (`two billion pounds`)
    attached_only: Annotated[tuple[str, ...], known("multiplier forms")] = ()
    word_forms: Annotated[tuple[str, ...], known("multiplier forms")] = ()
    macros: dict[str, str] = Field(default={}, validate_default=True)
    footnotes: Footnotes
    continued: ContinuedRules
    patterns: list[MoneyPattern] = Field(min_length=1)

    @field_validator("macros")
    @classmethod
    def _macros(cls, own: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        currencies = info.data.get("currencies", [])
        forms = [f for m in info.data.get("multipliers", []) for f in m.forms]
        attached = {f.lower() for f in info.data.get("attached_only", [])}
        minors = [w for c in currencies if c.minor for w in c.minor.words]
        generated = {
            "cur_sign": phrase_alternation([s for c in currencies for s in c.signs]),
            "cur_code": f"(?<![A-Za-z])(?:{phrase_alternation([s for c in currencies for s in c.codes])})(?![A-Za-z])",
            "cur_word": f"(?i:{phrase_alternation([w for c in currencies for w in c.words])})",
            "minor_word": f"(?i:{phrase_alternation(minors)})" if minors else "(?!)",
            "mult": f"(?i:{phrase_alternation([f.lower() for f in forms])})",
            "mult_spaced": f"(?i:{phrase_alternation([f.lower() for f in forms if f.lower() not in attached])})",
            "mult_word": f"(?i:{phrase_alternation(list(info.data.get('word_forms', ())))})",
        }
        return set_macros(own, info, generated)


@lru_cache(maxsize=4)
def load_rules(directory: Path) -> MoneyRules:
    """rules/money.yaml (with amounts.yaml and table_money.yaml), validated and compiled once."""
    shared = load_shared(directory)
    context = {"macros": dict(shared.macros)}
    f = load_model(MoneyFile, directory / "money.yaml", context)
    currency_of = {k: c.code for c in f.currencies for k in [*c.signs, *c.codes, *map(squash, c.words)]}
    minor_of = {squash(w): (c.code, c.minor.value) for c in f.currencies if c.minor for w in c.minor.words}
    words = [*(w for c in f.currencies for w in c.words), *minor_of]
    triggers = {s for c in f.currencies for s in [*c.signs, *c.codes]}
    triggers |= {v for w in words for v in (w.lower(), w.capitalize(), w.upper())}
    return MoneyRules(
        file=f,
        currency_of=currency_of,
        minor_of=minor_of,
        mult_of={form.lower(): Decimal(m.value) for m in f.multipliers for form in m.forms},
        triggers=tuple(sorted(triggers)),
        shared=shared,
        table=table_money.load_table_rules(directory, context["macros"], currency_of, shared),
        cell_lines=table_cell_lines.load_cell_line_rules(directory),
    )


@dataclass(frozen=True)
class Amount:
    """One amount as written: its numbers and multipliers, before they are multiplied out."""

    start: int
    end: int
    currency: str
    low: Decimal  # the first number as written, unsigned
    lmult: Decimal | None
    high: Decimal | None = None  # the second number of a range
    hmult: Decimal | None = None
    negative: bool = False
    unit: Decimal = Decimal(1)  # 0.01 for `50 pence`
    open_mult: bool = False  # no multiplier written on the number that ends it

    def values(self) -> tuple[Decimal, Decimal] | None:
        """Low and high in whole units, or None when it is not a range after all (`£5m-£3m`)."""
        lmult, hmult = self.lmult, self.hmult
        if self.high is None:
            lo = self.low * (lmult or 1) * self.unit
            return (-lo, -lo) if self.negative else (lo, lo)
        if lmult is None and hmult is not None and self.low <= self.high:
            lmult = hmult  # `£500-£600 million`, `£2-2.5bn`: the multiplier is written once
        lo = self.low * (lmult or 1) * self.unit
        hi = self.high * (hmult or 1) * self.unit
        if self.negative:
            lo = -lo
        return (lo, hi) if lo <= hi else None


def _group(m: regex.Match[str], name: str) -> str | None:
    return m.groupdict().get(name)


def _mult(rules: MoneyRules, text: str | None) -> Decimal | None:
    return rules.mult_of[text.strip().lower()] if text else None


def _currency(rules: MoneyRules, m: regex.Match[str]) -> str | None:
    for name in ("cur", "hcur", "cword"):
        token = _group(m, name)
        if token:
            key = token.strip()
            return rules.currency_of.get(key) or rules.currency_of.get(squash(key))
    minor = _group(m, "minor")
    return rules.minor_of[squash(minor)][0] if minor else None


def _footnote_follows(rules: MoneyRules, text: str, start: int, end: int) -> bool:
    """Whether what follows two decimals makes them a footnote (`£230,000.17 This`): a new sentence, or
    the end of a line of prose; not the end of a table cell (`£68,309.18` alone or in a row's cell)."""
    f = rules.file.footnotes
    if not f.footnote_follows.match(text, end):
        return False
    if f.cell_end.match(text, end) and (f.table_row.search(text) or not text[:start].strip()):
        return False
    return True


def _read(pat: PatternRule, m: regex.Match[str], text: str, rules: MoneyRules) -> Amount | None:
    """The amount a match states, or None when the match is not one (checked here, not by the pattern)."""
    start, end = m.span()
    currency = _currency(rules, m)
    if currency is None:
        return None
    negative = "-" in (m.captures("sign") if "sign" in m.re.groupindex else [])
    lmult = _mult(rules, _group(m, "lmult"))
    if _group(m, "frac"):
        return Amount(start, end, currency, rules.shared.fractions[squash(m.group("frac"))], lmult)
    if _group(m, "lword"):
        return Amount(start, end, currency, parse_number_words(m.group("lword"), rules.shared), lmult)
    shared = rules.shared
    if pat.not_after_from and shared.from_before.search(text, max(0, start - shared.windows.from_before), start):
        return None  # `from £3m to £5m`: a change, two amounts
    low_s = m.group("low")
    high_s = _group(m, "high")
    hmult = _mult(rules, _group(m, "hmult"))
    # decimals on the number written last may be a footnote (`£230,000.17 This suggests`)
    last_key = "high" if high_s is not None else "low"
    last_s = m.group(last_key)
    if (hmult if high_s is not None else lmult) is None and "." in last_s:
        whole, _, decimals = last_s.partition(".")
        if "," in whole and (
            len(decimals) != rules.file.footnotes.pence_digits or _footnote_follows(rules, text, start, m.end(last_key))
        ):
            end = m.start(last_key) + len(whole)
            if high_s is not None:
                high_s = whole
            else:
                low_s = whole
    minor = _group(m, "minor")
    amount = Amount(
        start,
        end,
        currency,
        parse_number(low_s),
        lmult,
        parse_number(high_s) if high_s is not None else None,
        hmult,
        negative,
        rules.minor_of[squash(minor)][1] if minor else Decimal(1),
        open_mult=(hmult if high_s is not None else lmult) is None and not minor,
    )
    return amount if amount.values() is not None else None


def find(text: str, rules: MoneyRules) -> list[Amount]:
    """Amounts of money in one normalised line, left to right, without overlaps."""
    return first_matches(rules.file.patterns, text, lambda pat, m: _read(pat, m, text, rules))


def continued(amount: Amount, text: str, next_text: str | None, rules: MoneyRules) -> Amount:
    """The amount, completed by the start of the next non-blank line when it runs on there.

    `... and £17` / `million in London` is £17 million; `... to £285-` / `290k in 2024/25`
    is £285k-£290k. Anything else is returned unchanged.
    """
    if next_text is None or not amount.open_mult:
        return amount
    c = rules.file.continued
    if c.ends_line.match(text, amount.end):
        m = c.multiplier.match(next_text)
        if m:
            mult = _mult(rules, m.group("hmult"))
            if amount.high is None:
                return replace(amount, lmult=mult)
            return replace(amount, hmult=mult)
    elif amount.high is None and c.ends_line_open_range.match(text, amount.end):
        m = c.range_end.match(next_text)
        if m:
            ranged = replace(
                amount, high=parse_number(m.group("high")), hmult=_mult(rules, m.group("hmult")), open_mult=False
            )
            if ranged.values() is not None:
                return ranged
    return amount


@lru_cache(maxsize=8)
def _any_of(words: tuple[str, ...]) -> re.Pattern[str]:
    """One compiled scan for any of `words` (as `any(w in text for w in words)`, in C)."""
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


@collector.while_paused
def extract(
    doc: Document, lines: Sequence[NormLine], rules: MoneyRules, earlier: Extraction, options: Options
) -> Extraction:
    may_hold = _any_of(rules.triggers).search
    out = Extraction()
    cells, signed = table_money.read(doc, lines, rules.table)
    signed_at: dict[int, list[table_money.SignedCell]] = {}
    for sc in signed:
        signed_at.setdefault(sc.line_index, []).append(sc)
    for i, nl in enumerate(lines):
        text = nl.text
        if may_hold(text) is None:  # holds none of the triggers
            continue
        amounts = find(text, rules)
        if amounts and amounts[-1].open_mult:
            next_text = next_body_text(doc, lines, i, rules.file.continued.max_blank_lines)
            amounts[-1] = continued(amounts[-1], text, next_text, rules)
        claimed: set[int] = set()
        for a in amounts:
            low, high = a.values() or (a.low, a.low)
            beside = context(text, a.start, a.end, rules.shared, claimed=claimed)
            rs, re_ = nl.to_raw(a.start, a.end)
            unit_cell = _signed_cell(a, signed_at.get(i, ()))
            if unit_cell is not None:  # `£116` under `£millions`: the column's unit
                low, high = low * unit_cell.unit, high * unit_cell.unit
            values = MoneyValues(
                currency=a.currency,
                low=as_number(low),
                high=as_number(high),
                qualifier=beside.qualifier,
                qualifier_text=beside.qualifier_text,
                rate=beside.rate,
                fin_year=beside.fin_year,
                normalised=text[a.start : a.end],
                basis="text" if unit_cell is None else rules.table.file.signed_cells.basis,
                header_page=None if unit_cell is None else unit_cell.header_page,
                header_line=None if unit_cell is None else unit_cell.header_line,
            )
            out.mentions.append(Mention("money", i, rs, re_, nl.raw[rs:re_], values))
    out.mentions.extend(_table_mentions(doc, lines, rules, out.mentions, cells))
    return out


def _signed_cell(a: Amount, cells: Sequence[table_money.SignedCell]) -> table_money.SignedCell | None:
    """The cell under a unit column (`£millions`) that the amount fills, when it has no multiplier
    of its own (`£1.2m` keeps its own) and is in whole currency units (not `50p`)."""
    if a.lmult is not None or a.hmult is not None or a.unit != 1:
        return None
    return next((c for c in cells if c.start <= a.start and a.end <= c.end and c.currency == a.currency), None)


def _table_mentions(
    doc: Document,
    lines: Sequence[NormLine],
    rules: MoneyRules,
    found: Sequence[Mention],
    cells: Sequence[table_money.CellAmount],
) -> list[Mention]:
    """Amounts in table cells under a header naming their currency, where no sign beside them did."""
    taken: dict[int, list[tuple[int, int]]] = {}
    for m in found:
        taken.setdefault(m.line_index, []).append((m.start, m.end))
    out = []
    cell_lines = table_cell_lines.find(doc, lines, rules.table, rules.cell_lines)
    for a in [*cells, *cell_lines]:
        nl = lines[a.line_index]
        rs, re_ = nl.to_raw(a.start, a.end)
        if a.start:  # what clean-up dropped right before the number is part of it: `\(3,454\)`
            before = nl.to_raw(a.start - 1, a.start)[1]
            if before < rs and not any(ch.isspace() for ch in nl.raw[before:rs]):
                rs = before
        elif rs and not nl.raw[:rs].isspace():  # a cell alone on its line: `\(3,454\)`
            rs = 0
        if any(rs < e and s < re_ for s, e in taken.get(a.line_index, ())):
            continue
        values = MoneyValues(
            currency=a.currency,
            low=as_number(a.low),
            high=as_number(a.high),
            fin_year=a.fin_year,
            normalised=nl.text[a.start : a.end],
            basis=a.basis,
            header_page=a.header_page,
            header_line=a.header_line,
        )
        out.append(Mention("money", a.line_index, rs, re_, nl.raw[rs:re_], values))
    return out


class MoneyValues(Values, frozen=True, kw_only=True):
    """The columns of a `money` row besides its provenance (see the module's docstring)."""

    currency: str  # GBP | USD | EUR
    low: int | float  # whole units
    high: int | float
    normalised: str  # the span after clean-up
    basis: str  # text | column_header | amount_column | column_unit: where the currency (or unit) was read
    qualifier: str | None = None  # about | almost | over | under | at least | up to | only
    qualifier_text: str | None = None  # the qualifier as written
    rate: str | None = None  # per year | per month | per head ...
    fin_year: str | None = None  # the financial year written beside it or over its column
    header_page: int | None = None  # the table header the currency came from
    header_line: int | None = None


COMPONENT: Component[MoneyRules] = Component(
    name="money",
    load_rules=load_rules,
    extract=extract,
    kinds={"money": Kind("money", MoneyValues)},
    rule_files=("money.yaml", "amounts.yaml", "table_money.yaml"),
)
