"""Where the documents disagree: facts of one subject, measure and period whose amounts differ.

Written at the end of a build, over the whole corpus (``write``), from the rows of the
`facts` view. The work is a pure function, ``find(facts, rules) -> [Discrepancy]``:

1. a fact is compared when its measure is listed in ``rules/discrepancies.yaml`` and it has a
   subject and a period;
2. facts are grouped by subject, measure, period, currency, rate and aspect (`planned`,
   `forecast`, `cumulative`... from words near the amount, see the rule file);
3. each amount is an interval (a range, or one amount widened by its qualifier: `over £40m`)
   with the step it is written to (`£42m`: £1m; `£42.1m`: £0.1m; `498,293` under `£000`:
   £1,000), read from the amount as written and its value;
4. two amounts agree when their intervals are no further apart than `tolerance` times the
   coarser step; a group with two amounts that disagree is a discrepancy. Its facts are
   numbered by claim: facts joined by agreement (a figure printed twice, `£42m` beside
   `£42.1m`) are one claim.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import regex
from pydantic import Field, PlainValidator, StringConstraints, model_validator

from pipeline.rules import IRegex, Regex, RuleModel, declares, known, load_model, rules_dir

RULE_FILE = "discrepancies.yaml"
QUALIFIER_EFFECTS = ("at_least", "at_most")
QUALIFIER_SHARES = ("relative", "below", "above")
NUMBER = regex.compile(r"\d[\d,]*(?:\.\d+)?")
EPSILON = 1e-9


Names = frozenset[Annotated[str, Field(min_length=1)]]


def _effect(value: Any) -> str | tuple[str, float]:
    """A qualifier's effect: `at_least`, `at_most`, or `{relative|below|above: share}`."""
    if value in QUALIFIER_EFFECTS:
        return str(value)
    if isinstance(value, dict) and len(value) == 1:
        ((how, share),) = value.items()
        if how in QUALIFIER_SHARES and type(share) in (int, float) and 0 <= share < 1:
            return (str(how), float(share))
    raise ValueError(
        "expected at_least, at_most, {relative: share}, {below: share} or {above: share} "
        f"(a share from 0 to 1), not {value!r}"
    )


class Aspect(RuleModel):
    """Words before the amount, after it, or on either side that give it this aspect."""

    before: tuple[IRegex, ...] = ()
    after: tuple[IRegex, ...] = ()
    either: tuple[IRegex, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _sides(cls, value: Any) -> Any:
        if isinstance(value, list):  # a plain list: words on either side
            return {"either": value}
        if not isinstance(value, dict) or not value or set(value) - {"before", "after", "either"}:
            raise ValueError("expected a list of patterns or a mapping of before/after/either to lists")
        return value

    @model_validator(mode="after")
    def _some(self) -> Aspect:
        if not (self.before or self.after or self.either):
            raise ValueError("expected a non-empty list of patterns")
        return self


class Rules(RuleModel):
    """rules/discrepancies.yaml."""

    rule: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    measures: Names
    magnitude_measures: Names
    tolerance: float = Field(ge=0, le=5)  # a share of the written step
    no_digits_significant_figures: int = Field(2, ge=1, le=6)
    # qualifier -> at_least | at_most | (relative|below|above, share)
    qualifiers: dict[str, Annotated[str | tuple[str, float], PlainValidator(_effect)]]
    aspect_window: int = Field(ge=0)  # characters
    clause_end: Regex
    aspects: Annotated[dict[str, Aspect], declares("aspects")]  # in order: the first that matches wins
    uncompared_aspects: Annotated[Names, known("aspects")] = frozenset()


@lru_cache(maxsize=4)
def load_rules(directory: Path | None = None) -> Rules:
    """Read and check rules/discrepancies.yaml; a RuleError names the entry and field that are wrong."""
    return load_model(Rules, rules_dir(directory) / RULE_FILE)


# --- one amount ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Amount:
    """An amount as an interval, with the step it is written to."""

    low: float
    high: float
    step: float


def written_step(written: str, low: float, high: float, significant_figures: int = 2) -> float:
    """The precision an amount is written with, in its currency's units.

    Each number in `written` whose value times a power of ten gives `low` or `high` tells the
    unit (`42.1` for 42,100,000: millions) and its decimals the step within it (0.1 million).
    The finest such step is the amount's (`£2-2.5bn`: £0.1bn). With no such number (`a quarter
    of a billion`), the amount counts as written to `significant_figures` figures.
    """
    best: float | None = None
    for literal in NUMBER.findall(written):
        number = float(literal.replace(",", ""))
        if number == 0:
            continue
        decimals = len(literal.split(".", 1)[1]) if "." in literal else 0
        for value in (abs(low), abs(high)):
            if value == 0:
                continue
            power = round(math.log10(value / number))
            if math.isclose(value / number, 10.0**power, rel_tol=1e-6):
                step = 10.0**power * 10.0**-decimals
                best = step if best is None else min(best, step)
    if best is not None:
        return best
    largest = max(abs(low), abs(high))
    if largest == 0:
        return 1.0
    return 10.0 ** (math.floor(math.log10(largest)) - significant_figures + 1)


def amount(fact: Mapping[str, Any], rules: Rules) -> Amount:
    """A fact's amount: its range (by magnitude for deficits and gaps), widened by its qualifier."""
    low, high = float(fact["low"]), float(fact["high"])
    written = str(fact.get("normalised") or fact.get("text") or "")
    step = written_step(written, low, high, rules.no_digits_significant_figures)
    if fact.get("measure") in rules.magnitude_measures:
        low, high = sorted((abs(low), abs(high)))
        if fact["low"] < 0 < fact["high"]:  # a range across zero: from nothing to its larger end
            low = 0.0
    effect = rules.qualifiers.get(str(fact.get("qualifier") or ""))
    if effect == "at_least":
        high = math.inf
    elif effect == "at_most":
        low = 0.0 if low >= 0 else -math.inf
    elif isinstance(effect, tuple):
        how, share = effect
        if how in ("relative", "below"):
            low -= share * abs(low)
        if how in ("relative", "above"):
            high += share * abs(high)
    return Amount(low, high, step)


def agree(a: Amount, b: Amount, tolerance: float = 0.5) -> bool:
    """Equal at the precision of the less precise one; a range agrees with an amount inside it."""
    slack = tolerance * max(a.step, b.step)
    slack += EPSILON * max(1.0, abs(a.low), abs(b.low))
    return a.low <= b.high + slack and b.low <= a.high + slack


# --- aspects ---------------------------------------------------------------------------------


def aspect(
    line_text: str, start: int, end: int, other_starts: Iterable[int], other_ends: Iterable[int], rules: Rules
) -> str | None:
    """The first aspect whose words stand near the amount: back to the previous amount on the
    line, forward to the end of its clause, each at most `aspect_window` characters."""
    left = max([start - rules.aspect_window, 0, *(e for e in other_ends if e <= start)])
    right_limit = min(len(line_text), end + rules.aspect_window)
    stop = rules.clause_end.search(line_text, end, right_limit)
    right = stop.start() if stop else right_limit
    before, after = line_text[left:start], line_text[end:right]
    for name, a in rules.aspects.items():
        if any(p.search(before) for p in (*a.before, *a.either)) or any(p.search(after) for p in (*a.after, *a.either)):
            return name
    return None


# --- grouping --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    fact_id: str
    document_id: int
    claim: int
    step: float
    text: str
    written: str  # the amount after clean-up (money.normalised): `£32.6m` for `\pounds 32.6m`


@dataclass(frozen=True)
class Discrepancy:
    id: str
    subject_id: str | None
    subject: str
    measure: str
    period: str
    aspect: str | None
    currency: str
    rate: str | None
    members: tuple[Member, ...]
    rule: str

    @property
    def claims(self) -> int:
        return len({m.claim for m in self.members})

    @property
    def documents(self) -> int:
        return len({m.document_id for m in self.members})


def group_key(fact: Mapping[str, Any], aspect_name: str | None) -> tuple[str, str, str, str | None, str, str]:
    subject = str(fact.get("subject_id") or str(fact["subject"]).strip().lower())
    return (
        subject,
        str(fact["measure"]),
        str(fact["period"]),
        aspect_name,
        str(fact.get("currency") or ""),
        str(fact.get("rate") or ""),
    )


def discrepancy_id(key: Sequence[Any]) -> str:
    return hashlib.sha1("|".join("" if k is None else str(k) for k in key).encode("utf-8")).hexdigest()[:16]


def comparable(fact: Mapping[str, Any], rules: Rules) -> bool:
    return (
        fact.get("measure") in rules.measures
        and bool(fact.get("period"))
        and bool(fact.get("subject_id") or (fact.get("subject") and str(fact["subject"]).strip()))
        and fact.get("low") is not None
        and fact.get("high") is not None
    )


def find(facts: Iterable[Mapping[str, Any]], rules: Rules) -> list[Discrepancy]:
    """Every group of comparable facts in which two amounts disagree, in a stable order.

    Each fact is a mapping with the `facts` view's columns (id, document_id, line_id or page and
    line, char_start, char_end, text, line_text, low, high, currency, subject_id, subject,
    measure, period) and the money row's `normalised`, `qualifier` and `rate` where known.
    """
    facts = list(facts)
    on_line: dict[tuple[Any, ...], list[tuple[int, int]]] = defaultdict(list)
    for f in facts:
        on_line[_line_key(f)].append((int(f["char_start"]), int(f["char_end"])))
    groups: dict[tuple[Any, ...], list[tuple[Mapping[str, Any], Amount]]] = defaultdict(list)
    for f in facts:
        if not comparable(f, rules):
            continue
        start, end = int(f["char_start"]), int(f["char_end"])
        others = [(s, e) for s, e in on_line[_line_key(f)] if (s, e) != (start, end)]
        name = aspect(str(f.get("line_text") or ""), start, end, (s for s, _ in others), (e for _, e in others), rules)
        if name in rules.uncompared_aspects:
            continue
        groups[group_key(f, name)].append((f, amount(f, rules)))
    out = []
    for key in sorted(groups, key=lambda k: tuple("" if v is None else v for v in k)):
        members = sorted(groups[key], key=lambda fa: _order(fa[0]))
        if len(members) < 2:
            continue
        amounts = [a for _, a in members]
        n = len(amounts)
        agrees = [[agree(amounts[i], amounts[j], rules.tolerance) for j in range(n)] for i in range(n)]
        if all(agrees[i][j] for i in range(n) for j in range(i + 1, n)):
            continue
        claims = _claims(agrees)
        first = members[0][0]
        out.append(
            Discrepancy(
                id=discrepancy_id(key),
                subject_id=first.get("subject_id"),
                subject=str(first.get("subject") or first.get("subject_id")),
                measure=key[1],
                period=key[2],
                aspect=key[3],
                currency=key[4],
                rate=key[5] or None,
                members=tuple(
                    Member(
                        str(f["id"]),
                        int(f["document_id"]),
                        claims[i],
                        a.step,
                        str(f["text"]),
                        str(f.get("normalised") or f["text"]),
                    )
                    for i, (f, a) in enumerate(members)
                ),
                rule=rules.rule,
            )
        )
    return out


def _line_key(f: Mapping[str, Any]) -> tuple[Any, ...]:
    return (f.get("document_id"), f.get("page"), f.get("line"))


def _order(f: Mapping[str, Any]) -> tuple[Any, ...]:
    return (int(f["document_id"]), f.get("page") or 0, int(f.get("line") or 0), int(f["char_start"]), str(f["id"]))


def _claims(agrees: list[list[bool]]) -> list[int]:
    """Claim numbers from 1, in order of first appearance: facts joined by agreement share one."""
    n = len(agrees)
    claim = [0] * n
    current = 0
    for i in range(n):
        if claim[i]:
            continue
        current += 1
        claim[i] = current
        stack = [i]
        while stack:
            k = stack.pop()
            for j in range(n):
                if not claim[j] and agrees[k][j]:
                    claim[j] = current
                    stack.append(j)
    return claim


# --- the database edge -----------------------------------------------------------------------

FACT_SQL = """
SELECT f.id, f.document_id, f.page, f.line, f.char_start, f.char_end, f.text, f.line_text,
       f.low, f.high, f.currency, f.subject_id, f.subject, f.measure, f.period,
       m.normalised, m.qualifier, m.rate
FROM facts f JOIN money m ON m.id = f.money_id
"""


def read_facts(conn: Any) -> list[dict[str, Any]]:
    """The facts of a built database with the money columns the comparison reads ([] without facts)."""
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    if not {"facts", "money", "money_facts"} <= names:
        return []
    cur = conn.execute(FACT_SQL)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def rows(found: Sequence[Discrepancy]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows of `discrepancies` and `discrepancy_facts`."""
    heads: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for d in found:
        written = list(dict.fromkeys(m.written for m in d.members))
        heads.append(
            {
                "id": d.id,
                "subject_id": d.subject_id,
                "subject": d.subject,
                "measure": d.measure,
                "period": d.period,
                "aspect": d.aspect,
                "currency": d.currency,
                "rate": d.rate,
                "facts": len(d.members),
                "claims": d.claims,
                "documents": d.documents,
                "amounts": "; ".join(written),
                "fact_ids": json.dumps([m.fact_id for m in d.members]),
                "rule": d.rule,
            }
        )
        links.extend(
            {"discrepancy_id": d.id, "fact_id": m.fact_id, "seq": i, "claim": m.claim, "step": m.step}
            for i, m in enumerate(d.members, 1)
        )
    return heads, links


def write(db: Any, rules_directory: Path | None = None) -> int:
    """Fill `discrepancies` and `discrepancy_facts` of a built sqlite_utils database; returns how many."""
    found = find(read_facts(db.conn), load_rules(rules_directory))
    heads, links = rows(found)
    db.execute("DELETE FROM discrepancy_facts")
    db.execute("DELETE FROM discrepancies")
    if heads:
        db["discrepancies"].insert_all(heads)
        db["discrepancy_facts"].insert_all(links)
    return len(found)
