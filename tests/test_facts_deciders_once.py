"""Facts' deciders do once, or skip, what cannot change their answer (issue 9, developer "factdecide"): the
patterns a span is filtered for (`prefilter`: row dates, part lists, aside clauses, accounts row and title
cues) never drop a match on real lines, and the shortcuts (the aside clause's words found once a paragraph,
its clause read only up to the amount, the bold headings and their stops read only over the amounts that
ask) give the facts the plain reading gives, on the real lines of tests/data/facts_periods and the corpus."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from pathlib import Path
from typing import Any

import pytest

from pipeline.extract import Context
from pipeline.facts import load_rules
from pipeline.facts.accounts import load_accounts
from pipeline.facts.extract import _Facts
from pipeline.facts.period import years
from pipeline.facts.prefilter import could_match, folded, pattern_needs
from tests.test_facts import LTHT_META, facts_of

DATA = Path(__file__).resolve().parent / "data" / "facts_periods"


def test_the_filtered_patterns_drop_no_match(corpus_lines: dict[str, list[str]]) -> None:
    rules = load_rules(Context().rules)
    accounts = load_accounts(Context().rules)
    assert accounts is not None and rules.part_list is not None and rules.aside_clause is not None
    patterns = [*rules.row_dates, rules.part_list, rules.aside_clause]
    patterns += [c.pattern for c in (*accounts.row_cues, *accounts.title_cues)]
    assert all(pattern_needs(p) is not None for p in patterns)  # each is filtered
    lines = [line for lines in corpus_lines.values() for line in lines]
    lines += [line for p in sorted(DATA.iterdir()) for line in p.read_text(encoding="utf-8").split("\n")]
    matched = 0
    for line in lines:
        text = folded(line)
        for p in patterns:
            if p.search(line):
                matched += 1
                assert could_match(pattern_needs(p), text), (p.pattern, line)
    assert matched > 100


def _every_line_bold_heads(self: _Facts) -> Any:
    """`_find_bold_heads` as it read before: the stops of every line of the document."""
    rules = self.rules
    assert rules.bold_heading is not None
    words = rules.model.period.bold_heading_words
    heads, hits = [], []
    stops = {q.lines[0] for q in self.paras if q.heading and years(q.text, 0, len(q.text), rules)}
    for i, line in enumerate(self.lines):
        text = line.text
        first = text.lstrip()[:1]
        if first == "#" and rules.marked_heading is not None and rules.marked_heading.match(text):
            stops.add(i)
        if first != "*":
            continue
        if rules.bold_heading_stop is not None and rules.bold_heading_stop.match(text):
            stops.add(i)
        if rules.bold_heading.match(text) is None or len(text.split()) > words:
            continue
        found = years(text, 0, len(text), rules)
        if found:
            heads.append(i)
            hits.append(found[0])
    return heads, hits, sorted(stops)


_PLAIN_HEADS: dict[int, Any] = {}


def _every_line_bold_heading(self: _Facts, a: Any) -> Any:
    """`_bold_heading` as it read before (factrest): every line's heads and stops found first, then the
    nearest head above the amount within reach, none where a stop stands between."""
    rules = self.rules
    if rules.bold_heading is None or rules.model.period.bold_heading_lines == 0:
        return None
    if id(self) not in _PLAIN_HEADS:
        _PLAIN_HEADS[id(self)] = (self, _every_line_bold_heads(self))
    heads, hits, stops = _PLAIN_HEADS[id(self)][1]
    line = a.mention.line_index
    k = bisect_left(heads, line) - 1
    if k < 0 or line - heads[k] > rules.model.period.bold_heading_lines:
        return None
    s = bisect_right(stops, heads[k])
    if s < len(stops) and stops[s] < line:
        return None
    return heads[k], hits[k]


@pytest.mark.parametrize(
    "name,meta",
    [
        ("lch-board-minutes-items.md", None),
        ("ltht-commitments-infographic.md", LTHT_META),
        ("ltht-accounts-note-29.md", LTHT_META),
        ("ltht-accounts-related-parties.md", LTHT_META),
    ],
)
def test_the_shortcuts_give_the_facts_of_the_plain_reading(
    name: str, meta: dict[str, Any] | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = (DATA / name).read_text(encoding="utf-8").split("\n")
    fast = facts_of(lines, 1, len(lines), meta, name=name)
    monkeypatch.setattr(_Facts, "_last_aside_word", lambda self, k: len(self.paras[k].text))
    monkeypatch.setattr(_Facts, "_clause_start", lambda self, a, sent: self._clause(a, sent)[0])
    monkeypatch.setattr(_Facts, "_bold_heading", _every_line_bold_heading)
    plain = facts_of(lines, 1, len(lines), meta, name=name)
    assert len(fast) >= 2 and fast == plain


def test_the_shortcuts_give_the_facts_of_the_plain_reading_of_a_corpus_paper(
    corpus_lines: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The corpus's UNISON update on the East of England's STPs (180 amounts, its asides and tables)."""
    lines = corpus_lines["000_9697e79c8f4d460c.txt"]
    fast = facts_of(lines, 1, len(lines))
    monkeypatch.setattr(_Facts, "_last_aside_word", lambda self, k: len(self.paras[k].text))
    monkeypatch.setattr(_Facts, "_clause_start", lambda self, a, sent: self._clause(a, sent)[0])
    monkeypatch.setattr(_Facts, "_bold_heading", _every_line_bold_heading)
    assert len(fast) > 100 and fast == facts_of(lines, 1, len(lines))


def test_an_aside_is_still_read_where_its_words_are() -> None:
    """The clause after a dash conceding something ("– despite planning for a surplus of £3.6m") is an
    aside wherever the paragraph holds an aside word after the sentence's start."""
    line = "PAH ended the year £27.3m in deficit – despite planning for a surplus of £3.6m; QEH around £20m."
    f = facts_of([line], 1, 1)
    assert f[(1, "£20m")]["measure"] == "deficit"
