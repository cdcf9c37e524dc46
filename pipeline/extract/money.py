"""Amounts of money: `£4.4m`, `£22 billion`, `£500-£600 million`, `+£9.7m`, `a quarter of a billion pounds`.

Patterns, currencies, multipliers and the footnote rule live in ``rules/money.yaml``;
qualifiers, rates and financial years in ``rules/amounts.yaml``. Each mention's
values: currency, low and high in whole units (negative only after a minus sign),
the qualifier and rate written beside it, the financial year written beside it,
and the normalised text of the span.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import regex

from pipeline.components import Component, Kind, Options
from pipeline.extract import table_cell_lines, table_money
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
    phrase_alternation,
    squash,
)
from pipeline.model import Document, Extraction, Mention, Values
from pipeline.normalise import NormLine
from pipeline.rules import RuleError, compile_pattern, expand_macros, read_yaml, require

GROUPS = {"sign", "cur", "low", "lmult", "hcur", "high", "hmult", "lword", "frac", "cword", "minor"}


@dataclass(frozen=True)
class Continued:
    """How an amount at the end of a line runs on to the next (see money.yaml `continued`)."""

    max_blank_lines: int
    ends_line: regex.Pattern[str]
    ends_line_open_range: regex.Pattern[str]
    multiplier: regex.Pattern[str]
    range_end: regex.Pattern[str]


@dataclass(frozen=True)
class MoneyRules:
    patterns: tuple[Pattern, ...]
    currency_of: dict[str, str]  # sign, code or lower-case word -> currency code
    minor_of: dict[str, tuple[str, Decimal]]  # lower-case minor word -> (currency, value)
    mult_of: dict[str, Decimal]  # lower-case multiplier form -> value
    triggers: tuple[str, ...]  # a line holding none of these is skipped
    pence_digits: int
    footnote_follows: regex.Pattern[str]
    cell_end: regex.Pattern[str]  # after an amount: the end of a table cell (pence there are pence)
    table_row: regex.Pattern[str]  # a line that is a table row (cells split by tabs or pipes)
    continued: Continued
    shared: Shared
    table: table_money.TableRules  # money in table cells (rules/table_money.yaml)
    cell_lines: table_cell_lines.CellLineRules  # tables written one cell per line (the same file)


def _list(path: Path, entry: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleError(path, "expected a list of strings", entry)
    return list(value)


@lru_cache(maxsize=4)
def load_rules(directory: Path) -> MoneyRules:
    shared = load_shared(directory)
    path = directory / "money.yaml"
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise RuleError(path, "expected a mapping")
    for key in ("currencies", "multipliers", "patterns", "footnotes", "continued"):
        if key not in data:
            raise RuleError(path, f"missing section `{key}`")

    currency_of: dict[str, str] = {}
    minor_of: dict[str, tuple[str, Decimal]] = {}
    signs: list[str] = []
    codes: list[str] = []
    words: list[str] = []
    minors: list[str] = []
    if not isinstance(data["currencies"], list):
        raise RuleError(path, "expected a list", "currencies")
    for i, row in enumerate(data["currencies"], 1):
        entry = f"currencies {i}"
        require(path, entry, row, ("code", "signs", "codes", "words"))
        code = str(row["code"])
        for s in _list(path, entry, row["signs"]):
            signs.append(s)
            currency_of[s] = code
        for c in _list(path, entry, row["codes"]):
            codes.append(c)
            currency_of[c] = code
        for w in _list(path, entry, row["words"]):
            words.append(w)
            currency_of[squash(w)] = code
        if "minor" in row:
            require(path, entry, row["minor"], ("words", "value"))
            for w in _list(path, entry, row["minor"]["words"]):
                minors.append(w)
                minor_of[squash(w)] = (code, Decimal(str(row["minor"]["value"])))

    mult_of: dict[str, Decimal] = {}
    if not isinstance(data["multipliers"], list):
        raise RuleError(path, "expected a list", "multipliers")
    for i, row in enumerate(data["multipliers"], 1):
        require(path, f"multipliers {i}", row, ("value", "forms"))
        if not isinstance(row["value"], int) or row["value"] <= 0:
            raise RuleError(path, "value must be a positive whole number", f"multipliers {i}")
        for f in _list(path, f"multipliers {i}", row["forms"]):
            mult_of[f.lower()] = Decimal(row["value"])
    attached_only = {f.lower() for f in _list(path, "attached_only", data.get("attached_only", []))}
    word_forms = _list(path, "word_forms", data.get("word_forms", []))
    unknown = [w for w in [*attached_only, *word_forms] if w.lower() not in mult_of]
    if unknown:
        raise RuleError(path, f"not a multiplier form: {', '.join(unknown)}", "attached_only/word_forms")

    generated = {
        **shared.macros,
        "cur_sign": phrase_alternation(signs),
        "cur_code": f"(?<![A-Za-z])(?:{phrase_alternation(codes)})(?![A-Za-z])",
        "cur_word": f"(?i:{phrase_alternation(words)})",
        "minor_word": f"(?i:{phrase_alternation(minors)})" if minors else "(?!)",
        "mult": f"(?i:{phrase_alternation(list(mult_of))})",
        "mult_spaced": f"(?i:{phrase_alternation([f for f in mult_of if f not in attached_only])})",
        "mult_word": f"(?i:{phrase_alternation(word_forms)})",
    }
    macros = pattern_macros(path, data, generated)
    patterns = compile_patterns(path, data["patterns"], macros, GROUPS, regex.VERBOSE)

    cont = data.get("continued")
    require(
        path, "continued", cont, ("max_blank_lines", "ends_line", "ends_line_open_range", "multiplier", "range_end")
    )
    continued_rules = Continued(
        int(cont["max_blank_lines"]),
        *(
            compile_pattern(path, f"continued.{k}", expand_macros(path, cont[k], macros), regex.VERBOSE)
            for k in ("ends_line", "ends_line_open_range", "multiplier", "range_end")
        ),
    )
    if not {"high", "hmult"} <= set(continued_rules.range_end.groupindex):
        raise RuleError(path, "`range_end` needs groups high and hmult", "continued.range_end")
    if "hmult" not in continued_rules.multiplier.groupindex:
        raise RuleError(path, "`multiplier` needs a group hmult", "continued.multiplier")

    fn = data["footnotes"]
    require(path, "footnotes", fn, ("pence_digits", "footnote_follows", "cell_end", "table_row"))

    triggers = {*signs, *codes}
    for w in [*words, *minors]:
        triggers.update({w.lower(), w.capitalize(), w.upper()})
    return MoneyRules(
        patterns=patterns,
        currency_of=currency_of,
        minor_of=minor_of,
        mult_of=mult_of,
        triggers=tuple(sorted(triggers)),
        pence_digits=int(fn["pence_digits"]),
        footnote_follows=compile_pattern(path, "footnotes.footnote_follows", fn["footnote_follows"]),
        cell_end=compile_pattern(path, "footnotes.cell_end", fn["cell_end"]),
        table_row=compile_pattern(path, "footnotes.table_row", fn["table_row"]),
        continued=continued_rules,
        shared=shared,
        table=table_money.load_table_rules(directory, signs, codes, currency_of, shared),
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
    if not rules.footnote_follows.match(text, end):
        return False
    if rules.cell_end.match(text, end) and (rules.table_row.search(text) or not text[:start].strip()):
        return False
    return True


def _read(pat: Pattern, m: regex.Match[str], text: str, rules: MoneyRules) -> Amount | None:
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
    if pat.not_after_from and rules.shared.from_before.search(text, max(0, start - 40), start):
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
            len(decimals) != rules.pence_digits or _footnote_follows(rules, text, start, m.end(last_key))
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
    return first_matches(rules.patterns, text, lambda pat, m: _read(pat, m, text, rules))


def continued(amount: Amount, text: str, next_text: str | None, rules: MoneyRules) -> Amount:
    """The amount, completed by the start of the next non-blank line when it runs on there.

    `... and £17` / `million in London` is £17 million; `... to £285-` / `290k in 2024/25`
    is £285k-£290k. Anything else is returned unchanged.
    """
    if next_text is None or not amount.open_mult:
        return amount
    c = rules.continued
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


def extract(
    doc: Document, lines: Sequence[NormLine], rules: MoneyRules, earlier: Extraction, options: Options
) -> Extraction:
    triggers = rules.triggers
    out = Extraction()
    for i, nl in enumerate(lines):
        text = nl.text
        if not any(t in text for t in triggers):
            continue
        amounts = find(text, rules)
        if amounts and amounts[-1].open_mult:
            next_text = next_body_text(doc, lines, i, rules.continued.max_blank_lines)
            amounts[-1] = continued(amounts[-1], text, next_text, rules)
        claimed: set[int] = set()
        for a in amounts:
            low, high = a.values() or (a.low, a.low)
            beside = context(text, a.start, a.end, rules.shared, claimed=claimed)
            rs, re_ = nl.to_raw(a.start, a.end)
            values = MoneyValues(
                currency=a.currency,
                low=as_number(low),
                high=as_number(high),
                qualifier=beside.qualifier,
                qualifier_text=beside.qualifier_text,
                rate=beside.rate,
                fin_year=beside.fin_year,
                normalised=text[a.start : a.end],
                basis="text",
            )
            out.mentions.append(Mention("money", i, rs, re_, nl.raw[rs:re_], values))
    out.mentions.extend(_table_mentions(doc, lines, rules, out.mentions))
    return out


def _table_mentions(
    doc: Document, lines: Sequence[NormLine], rules: MoneyRules, found: Sequence[Mention]
) -> list[Mention]:
    """Amounts in table cells under a header naming their currency, where no sign beside them did."""
    taken: dict[int, list[tuple[int, int]]] = {}
    for m in found:
        taken.setdefault(m.line_index, []).append((m.start, m.end))
    out = []
    cell_lines = table_cell_lines.find(doc, lines, rules.table, rules.cell_lines)
    for a in [*table_money.find(doc, lines, rules.table), *cell_lines]:
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
    basis: str  # text | column_header | amount_column: where the currency was read
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
