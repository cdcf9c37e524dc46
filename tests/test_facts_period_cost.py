"""A fact's period read with less repeated work (issue 9, developer "period"): a section heading's years read
once for every amount under it, the bodies of a paragraph carried over read only where they decide, prose under
no accounts cell not reading the lines' kinds, a spending row's date patterns and their words read once per
rule set. The facts are those of the plain reading, on the real lines of tests/data/facts_periods and the
corpus."""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pipeline.extract import Context
from pipeline.facts import load_rules
from pipeline.facts.context import Paragraph
from pipeline.facts.extract import Amount, Period, _Facts
from pipeline.facts.fact_rules import Compiled
from pipeline.facts.period import YearHit, heading_months, is_month_heading, years
from pipeline.facts.prefilter import could_match, folded, pattern_needs
from pipeline.facts.spending import _MONTHS, DateHit, _row_patterns, row_dates
from tests.conftest import CORPUS, ingested
from tests.test_facts import LTHT_META, facts_of
from tests.test_facts_accounts_notes import excerpt_lines
from tests.test_facts_spending import HOMERTON, NCL

BARKING = "nhs-barking-dagenham-ccg-invoices-over-25k-2014-15.pdf"

# the module, not the function `pipeline.facts` names `extract` too
fx = importlib.import_module("pipeline.facts.extract")
DATA = Path(__file__).resolve().parent / "data" / "facts_periods"


def _plain_heading_years(self: _Facts, head: Paragraph) -> list[YearHit]:
    """`_heading_years` as it read before: the heading read again for every amount under it."""
    timeline = is_month_heading(head.text, self.rules) and self._in_timeline(head.index)
    return years(head.text, 0, len(head.text), self.rules) or heading_months(head.text, self.rules, timeline)


def _plain_carried_period(self: _Facts, a: Amount, continues: bool = False) -> Period | None:
    """`_carried_period` as it read before: each paragraph's bodies read whether they decide or not, and what a
    paragraph carries read again for every amount."""
    p = self.paras[a.para]
    if p.table:
        return None
    own = [r for r in self._mine(p.index) if r.start < a.start]
    k = p.index
    for _ in range(self.rules.model.context.carry_paragraphs + 1):
        cur = self.paras[k]
        unnamed = self.rules.model.context.carry_unnamed and not own
        before = self.paras.before(k) if cur.runs_on or cur.introduced or continues or unnamed else None
        if before is None:
            return None
        k = before
        prev = self.paras[k]
        if prev.heading or prev.table:
            return None
        carried = self._carried_from(k)  # what the paragraph carries, read afresh for every amount
        if carried is not None:
            return carried
        own = self._mine(k)
    return None


_FAST_TABLE_ABOVE = _Facts._table_above


def _plain_table_above(self: _Facts, a: Amount) -> Period | None:
    """`_table_above` reading the lines' texts and kinds for every amount it is asked about."""
    if self.rules.model.period.table_above_lines and not a.table and self.accounts_year and self.accounts:
        self._kinds()
    return _FAST_TABLE_ABOVE(self, a)


def _plain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_Facts, "_heading_years", _plain_heading_years)
    monkeypatch.setattr(_Facts, "_carried_period", _plain_carried_period)
    monkeypatch.setattr(_Facts, "_table_above", _plain_table_above)


@pytest.mark.parametrize(
    ("name", "meta"),
    [
        ("hee-data-driven-healthcare-2030-p118-119.txt", None),
        ("lch-board-minutes-items.md", None),
        ("ltht-commitments-infographic.md", LTHT_META),
        ("ltht-accounts-note-29.md", LTHT_META),
        ("ltht-accounts-related-parties.md", LTHT_META),
    ],
)
def test_the_period_shortcuts_give_the_facts_of_the_plain_reading(
    name: str, meta: dict[str, Any] | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = (DATA / name).read_text(encoding="utf-8").split("\n")
    fast = facts_of(lines, 1, len(lines), meta, name=name)
    _plain(monkeypatch)
    assert len(fast) >= 2 and fast == facts_of(lines, 1, len(lines), meta, name=name)


def test_the_period_shortcuts_give_the_facts_of_the_plain_reading_of_corpus_papers(
    corpus_lines: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The corpus's UNISON update (180 amounts: carried years, headings) and the Reform report."""
    papers = [corpus_lines[n] for n in ("000_9697e79c8f4d460c.txt", "001_baeb06aa9c477327.txt")]
    fast = [facts_of(lines, 1, len(lines)) for lines in papers]
    _plain(monkeypatch)
    assert sum(map(len, fast)) > 100 and fast == [facts_of(lines, 1, len(lines)) for lines in papers]


def test_a_section_heading_is_read_once_for_the_amounts_under_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """LTHT's commitments infographic: four amounts under "5 CSUs" that nothing nearer dates each ask for the
    heading's years; `years` reads it once for them (once more for the paragraph before a carried one)."""
    asked: Counter[str] = Counter()
    read: Counter[str] = Counter()
    fast_heading, fast_years = _Facts._heading_years, fx.years

    def heading_years(self: _Facts, head: Paragraph) -> list[YearHit]:
        asked[head.text] += 1
        return fast_heading(self, head)

    def counted_years(text: str, *args: Any) -> list[YearHit]:
        read[text] += 1
        return fast_years(text, *args)

    monkeypatch.setattr(_Facts, "_heading_years", heading_years)
    monkeypatch.setattr(fx, "years", counted_years)
    name = "ltht-commitments-infographic.md"
    lines = (DATA / name).read_text(encoding="utf-8").split("\n")
    facts_of(lines, 1, len(lines), name=name)
    assert asked["5 CSUs "] == 4 and read["5 CSUs "] <= 2


def test_prose_under_no_accounts_cell_reads_no_line_kinds(monkeypatch: pytest.MonkeyPatch) -> None:
    """LTHT's related parties note, prose of an annual report's accounts with no table: the prose is under no
    accounts cell, so `_table_above` finds nothing without reading every line's text and kind."""
    read: list[bool] = []

    def table_above(self: _Facts, a: Amount) -> Period | None:
        found = _FAST_TABLE_ABOVE(self, a)
        read.append(self.line_kinds is not None)
        return found

    monkeypatch.setattr(_Facts, "_table_above", table_above)
    name = "ltht-accounts-related-parties.md"
    lines = (DATA / name).read_text(encoding="utf-8").split("\n")
    facts_of(lines, 1, len(lines), LTHT_META, name=name)
    assert read and not any(read)


def _plain_row_dates(text: str, start: int, end: int, rules: Compiled) -> list[DateHit]:
    """`row_dates` as it read before: each pattern's words looked up for every row, its groups read as a dict."""
    found: list[DateHit] = []
    words = folded(text[start:end])
    for pattern in rules.row_dates:
        if not could_match(pattern_needs(pattern), words):
            continue
        for m in pattern.finditer(text, start, end):
            groups = m.groupdict()
            year = int(groups["y"])
            if groups.get("mon"):
                day, month = int(groups["d"]), _MONTHS.index(groups["mon"][:3].lower()) + 1
            else:
                day, month = int(groups["d"]), int(groups["m"])
                if month > 12 >= day:
                    day, month = month, day
            if not (1 <= month <= 12 and 1 <= day <= 31):
                continue
            first = year if month >= rules.model.period.year_start_month else year - 1
            found.append(DateHit(f"{first}/{(first + 1) % 100:02d}", m.start(), m.end()))
    return found


@pytest.mark.slow
@pytest.mark.parametrize("name", [HOMERTON, NCL, BARKING])
def test_a_rows_dates_are_those_of_the_plain_reading(name: str) -> None:
    """Each row of three spending lists (`4/30/2020`, `31/03/2021`, `30/04/2014`) and each of their lines as
    written in a month's name (`30 Apr 2014`, `2014-04-30`): the dates `row_dates` finds, the patterns' words
    and groups read once per rule set, are the plain reading's."""
    rules = load_rules(Context().rules)
    assert [r.pattern for r in _row_patterns(rules)] == rules.row_dates
    rows = [line.text for line in ingested(CORPUS, name).lines if "\t" in line.text]
    rows += [r.replace("/04/2014", " Apr 2014").replace("30/04", "2014-04-30 ") for r in rows]
    found = 0
    for row in rows:
        fast = row_dates(row, 0, len(row), rules)
        assert fast == _plain_row_dates(row, 0, len(row), rules), row
        found += len(fast)
    assert found >= 100


def test_a_balance_date_label_is_read_once_for_the_rows_under_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """LTHT's note 26.1, a provisions roll-forward with no year over its columns: the cells of "At 1 April 2024"
    and of the rows under it take the year of that label (`period.row_date`), read once for all of them."""
    read: Counter[int] = Counter()
    fast = _Facts._row_date_period

    def row_date_period(self: _Facts, dated: int) -> Period | None:
        read[dated] += 1
        return fast(self, dated)

    monkeypatch.setattr(_Facts, "_row_date_period", row_date_period)
    f = facts_of(excerpt_lines(), 34865, 35079, LTHT_META)
    dated = Counter(r["period_rule"] for r in f.values())["period.row_date"]
    assert dated >= 10 and read and max(read.values()) == 1 and sum(read.values()) < dated


def test_the_lines_a_bold_heading_may_open_are_read_only_in_the_reach_of_an_amount(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """LTHT's commitments infographic ("**2024/25 7 Commitments**" over "£5m saved") after 2,000 lines of
    another part of a document: the amounts under the bold heading take its year as alone, and only the
    blocks of lines in their reach are read for the lines opening with `*`, not the document's every line."""
    name = "ltht-commitments-infographic.md"
    lines = (DATA / name).read_text(encoding="utf-8").split("\n")
    alone = facts_of(lines, 1, len(lines), name=name)
    read: list[tuple[int, int]] = []
    fast = _Facts._bold_heading

    def bold_heading(self: _Facts, a: Amount) -> tuple[int, YearHit] | None:
        found = fast(self, a)
        read.append((len(self.starred_lines), len(self.lines)))
        return found

    monkeypatch.setattr(_Facts, "_bold_heading", bold_heading)
    padded = [""] * 2000 + lines
    after = facts_of(padded, 1, len(padded), name=name)
    assert {(n - 2000, text): row["period"] for (n, text), row in after.items()} == {
        k: row["period"] for k, row in alone.items()
    }
    assert any(row["period_rule"] == "period.bold_heading" for row in after.values())
    blocks, count = read[-1]
    assert count > 2000 and 0 < blocks * 128 < count / 4


class _Counted:
    """A compiled pattern whose searches are counted."""

    def __init__(self, pattern: Any) -> None:
        self.pattern, self.searches = pattern, 0

    def search(self, *args: Any) -> Any:
        self.searches += 1
        return self.pattern.search(*args)

    def __getattr__(self, name: str) -> Any:  # its other methods, uncounted
        return getattr(self.pattern, name)


def test_a_paragraph_carried_from_is_read_once_for_the_amounts_after_it(
    corpus_lines: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The corpus's UNISON update: amounts whose paragraph runs on from one naming a year take that year; the
    paragraph's years and the time words after them (`carry_stops`) are read once for all the amounts carried
    from it, the facts those of the plain reading."""
    lines = corpus_lines["000_9697e79c8f4d460c.txt"]
    once, plain = _searches(lines, "carry_stops", "_carried_period", _plain_carried_period, monkeypatch)
    assert 0 < once < plain


def _searches(
    lines: list[str], pattern: str, method: str, plain: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, int]:
    """How often the rule pattern named `pattern` is searched for the facts of `lines`, with `_Facts.method` as it
    is and as `plain` reads it; the facts of both the same."""
    rules = load_rules(Context().rules)
    assert getattr(rules, pattern) is not None
    counted = _Counted(getattr(rules, pattern))
    monkeypatch.setattr(rules, pattern, counted)
    fast = facts_of(lines, 1, len(lines))
    searched, counted.searches = counted.searches, 0
    with monkeypatch.context() as m:
        m.setattr(_Facts, method, plain)
        assert facts_of(lines, 1, len(lines)) == fast
    return searched, counted.searches


def _plain_continued(self: _Facts, a: Amount) -> int | None:
    """`_continued` as it read before: the paragraph's words before the amount searched for a sentence end
    first, whatever letter the paragraph opens with."""
    rules, p = self.rules, self.paras[a.para]
    if rules.split_sentence_end is None or p.table:
        return None
    head = p.text[: a.start]
    opening = next((c for c in head if c.isalnum()), "")
    if rules.split_sentence_end.search(head) or (opening and not opening.islower()):
        return None
    return _FAST_CONTINUED(self, a)


_FAST_CONTINUED = _Facts._continued


def test_a_paragraph_opening_in_upper_case_is_not_searched_for_a_sentence_end(
    corpus_lines: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The corpus's UNISON update: an amount continues the paragraph before only in its paragraph's first
    sentence, opening in lower case; a paragraph opening in upper case is not searched for a sentence end
    before the amount (`split_sentence_end`), the facts those of the plain reading."""
    lines = corpus_lines["000_9697e79c8f4d460c.txt"]
    searched, plain = _searches(lines, "split_sentence_end", "_continued", _plain_continued, monkeypatch)
    assert searched < plain
