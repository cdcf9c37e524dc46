"""Facts' work per amount, done once or skipped where it cannot change an answer (issue 9, developer
"amountcost"): the patterns a text's words let match are found with one test per word of a list of patterns
(`prefilter.WordIndex`: the measure cues, the accounts row and title cues), an accounts table's lines are
classed once (`accounts.LineKinds`), not by every cell below them, and the words spaCy must tokenize for a
sentence are found with no backtracking (`context._NOT_PLAIN`). Each gives what the plain reading gives, on
the corpus's lines and the real accounts tables of tests/data."""

from __future__ import annotations

import importlib
import re
from typing import Any

import regex

from pipeline.facts.accounts import AccountsRules, LineKinds, _match, _row_match, units
from pipeline.facts.context import _NOT_PLAIN
from pipeline.facts.fact_rules import Compiled
from pipeline.facts.measure import Decision, context_cue, words_between
from pipeline.facts.prefilter import Needs, WordIndex, could_match, folded, pattern_needs

_parser: Any = importlib.import_module("re._parser")  # Python's own reader of patterns
_constants: Any = importlib.import_module("re._constants")


def _plain(needs: list[Needs], text: str | None) -> list[int]:
    """The patterns `could_match` lets match, one by one."""
    return [k for k, words in enumerate(needs) if could_match(words, text)]


def test_a_word_index_picks_the_patterns_could_match_picks(
    fact_rules: Compiled,
    accounts_rules: AccountsRules,
    corpus_lines: dict[str, list[str]],
    accounts_table_lines: list[str],
) -> None:
    lists = [
        (fact_rules.cue_index, fact_rules.cue_needs),
        (fact_rules.context_index, [fact_rules.cue_needs[k] for k in fact_rules.context_cues]),
        (accounts_rules.row_index, [pattern_needs(c.pattern) for c in accounts_rules.row_cues]),
        (accounts_rules.title_index, [pattern_needs(c.pattern) for c in accounts_rules.title_cues]),
    ]
    lines = [line for lines in corpus_lines.values() for line in lines] + accounts_table_lines
    ruled_out = 0
    for line in lines:
        text = folded(line)
        for index, needs in lists:
            found = index.could_match(text)
            assert found == _plain(needs, text), line
            ruled_out += len(needs) - len(found)
    assert ruled_out > 100000
    assert WordIndex([frozenset({"sav"}), None]).could_match(None) == [0, 1]  # a letter outside ASCII: every one
    assert WordIndex([frozenset({"sav"}), None]).could_match("deficit") == [1]  # no words: always run


def test_a_word_index_looks_only_for_the_words_whose_first_three_characters_the_text_holds(
    fact_rules: Compiled, corpus_lines: dict[str, list[str]]
) -> None:
    """`WordIndex` tests a word only where the text holds its first three characters (a word of one or two
    always): the same patterns as testing every word, for the measure cues' words and for words of one and two
    characters, marks, words inside others and words overlapping (`sav` / `savings` / `in sav`, `£` / `£m`,
    `ab` / `abc` / `bcd`), over the corpus's lines and texts made of the words' pieces run together."""
    needs: list[Needs] = [
        *fact_rules.cue_needs,
        frozenset({"sav", "savings"}),
        frozenset({"in sav", "."}),
        frozenset({"£", "£m"}),
        frozenset({"ab", "abc", "bcd"}),
        frozenset({"c"}),
        None,
    ]
    index = WordIndex(needs)
    assert len(index.short) == 5 and len(index.starts) < sum(len(w or ()) for w in needs)
    words = sorted({w for ws in needs for w in ws or ()})
    pieces = [w[k:] for w in words for k in range(len(w))] + [w[:k] for w in words for k in range(1, len(w))]
    made = [" ".join(pieces[k : k + n]) for n in (1, 2, 5) for k in range(0, len(pieces), 3)]
    made += ["".join(pieces[k : k + 3]) for k in range(len(pieces))]
    texts = [folded(line) for lines in corpus_lines.values() for line in lines] + made + ["", "a", "ab", "abc"]
    kept = 0
    for text in texts:
        found = index.could_match(text)
        assert found == _plain(needs, text), text
        kept += len(found)
    assert 0 < kept < len(texts) * len(needs) / 4


# the branches of cues that opened with a look-behind, as the rule files wrote them before (issue 9), and as now
_LOOKED_BEHIND_BEFORE = {
    "funding.word": (r"(?<!\bcharitable\s)\bfund(?:ing|ed|s)?\b", r"\bfund(?<!\bcharitable\sfund)(?:ing|ed|s)?\b"),
    "gap.word": (
        r"(?<!\b(?:just|little|not far)\s)\bshort of\b",
        r"\bshort of(?<!\b(?:just|little|not far)\sshort of)\b",
    ),
    "funding.donations": (r"(?<!\bcapital\s+)\bdonations?\b", r"\bdonation(?<!\bcapital\s+donation)s?\b"),
    "other.threshold_value": (
        r"(?<=\b(?:over|above|below|under|than|least)\s+[£$€]\s?[\d.,]+\s*(?:k|m|bn|million|billion)?\s+)in\s+value\b",
        r"in(?<=\b(?:over|above|below|under|than|least)\s+[£$€]\s?[\d.,]+\s*(?:k|m|bn|million|billion)?\s+in)\s+value\b",
    ),
    "measure.title_income": (r"(?<!comprehensive )\bincome\b", r"\bincome(?<!comprehensive income)\b"),
}


def _branches(pattern: str) -> list[list[tuple[object, object]]]:
    """The top-level branches of a pattern (Python's reader, the rule files' `(?-f)` taken off): lists of steps."""
    parsed = list(_parser.parse(pattern.removeprefix("(?-f)")))
    if len(parsed) == 1 and parsed[0][0] is _constants.BRANCH:
        return [list(b) for b in parsed[0][1][1]]
    return [parsed]


def test_no_cue_of_several_branches_opens_one_with_a_look_behind(
    fact_rules: Compiled, accounts_rules: AccountsRules
) -> None:
    """A look-behind that opens one of a cue's branches (`(?<!\\bcharitable\\s)\\bfund...|\\bgrants?\\b|...`) is
    tried by the regex module at every character of a sentence (funding.word: ten times the time of the cue
    with its look-behind after its word): the rule files look behind from after the word."""
    patterns = [(c.id, p) for c, p in fact_rules.cues] + [
        (c.id, c.pattern) for c in accounts_rules.row_cues + accounts_rules.title_cues
    ]
    opening = [
        cue_id
        for cue_id, pattern in patterns
        for branch in _branches(pattern.pattern)
        if len(_branches(pattern.pattern)) > 1
        and branch
        and branch[0][0] in (_constants.ASSERT, _constants.ASSERT_NOT)
        and branch[0][1][0] < 0  # type: ignore[index]
    ]
    assert opening == []
    assert _branches(r"(?<!\bcharitable\s)\bfund\b|\bgrants?\b")[0][0][0] is _constants.ASSERT_NOT


def test_a_look_behind_after_the_word_finds_what_it_found_before_it(
    fact_rules: Compiled,
    accounts_rules: AccountsRules,
    corpus_lines: dict[str, list[str]],
    accounts_table_lines: list[str],
) -> None:
    """Each cue whose look-behind now follows its word finds the same words, at the same places, as the cue as it
    was written before (its look-behind opening the branch), on every line of the corpus and the accounts tables."""
    patterns = {c.id: p for c, p in fact_rules.cues} | {c.id: c.pattern for c in accounts_rules.title_cues}
    lines = [line for lines in corpus_lines.values() for line in lines] + accounts_table_lines
    lines += ["charitable funds of £2m", "not far short of £3m", "capital donations of £1m", "over £25k in value"]
    found = 0
    for cue_id, (before, now) in _LOOKED_BEHIND_BEFORE.items():
        pattern = patterns[cue_id]
        assert pattern.pattern.count(now) == 1, cue_id
        old = regex.compile(pattern.pattern.replace(now, before), pattern.flags)
        for line in lines:
            spans = [m.span() for m in pattern.finditer(line)]
            assert spans == [m.span() for m in old.finditer(line)], (cue_id, line)
            found += len(spans)
    assert found > 300


def _plain_context_cue(text: str, lo: int, hi: int, fact_rules: Compiled) -> Decision | None:
    """`context_cue` as it read before: every cue of the rule file, those of a side or a short reach skipped."""
    m = fact_rules.model.measure
    if m.context_penalty is None or hi <= lo:
        return None
    best: tuple[float, int, Decision] | None = None
    for order, (cue, pattern) in enumerate(fact_rules.cues):
        if cue.side != "either" or cue.max_words < m.context_min_reach:
            continue
        for hit in pattern.finditer(text, lo, hi):
            score = cue.weight - m.context_penalty * words_between(text, hit.end(), hi)
            if best is None or (score, -order) > (best[0], best[1]):
                best = (score, -order, Decision(cue.measure, cue.id, hit.span()))
    return None if best is None or best[0] < m.min_score else best[2]


def test_the_context_cue_is_the_plain_readings(fact_rules: Compiled, corpus_lines: dict[str, list[str]]) -> None:
    decided = 0
    for lines in corpus_lines.values():
        for line in lines:
            found = context_cue(line, 0, len(line), fact_rules)
            assert found == _plain_context_cue(line, 0, len(line), fact_rules), line
            decided += found is not None
    assert decided > 100


def test_the_row_cues_found_by_their_index_are_those_of_every_cue(
    accounts_rules: AccountsRules, accounts_table_lines: list[str]
) -> None:
    found = 0
    for line in accounts_table_lines:
        for value in (1.0, -1.0):  # a result's measure is its sign's
            hit = _row_match(line, 0, len(line), value, accounts_rules)
            assert hit == _match(line, 0, len(line), accounts_rules.row_cues, value, accounts_rules), line
            found += hit is not None
    assert found > 50


def test_line_kinds_are_the_patterns_answers_each_found_once(
    accounts_rules: AccountsRules, accounts_table_lines: list[str]
) -> None:
    """`LineKinds` answers as `number_cell` and `units` do, and asks each line once (the `£000` header cells,
    the rows of cells `(17,351)` and the labels of the real tables)."""
    kinds = LineKinds(accounts_table_lines, accounts_rules)
    for j, line in enumerate(accounts_table_lines):
        assert kinds.number(j) == (accounts_rules.number_cell.fullmatch(line) is not None), line
        assert kinds.units(j) == units(line, accounts_rules), line
    assert sum(kinds.cells.values()) > 100 and sum(map(bool, kinds.header_cells.values())) > 10
    asked = dict(kinds.cells)
    kinds.lines = []  # read again, each answer is the one kept: no line is read twice
    assert all(kinds.number(j) == asked[j] for j in asked)


def test_the_words_spacy_must_see_are_those_the_backtracking_pattern_finds(corpus_lines: dict[str, list[str]]) -> None:
    """`_NOT_PLAIN` (letters and digits taken possessively) finds the words `\\S*[^\\sA-Za-z0-9]\\S*` finds: in every
    corpus line, from every offset of a few (mid-word too), and in words with a mark or a letter outside ASCII."""
    plain = re.compile(r"\S*[^\sA-Za-z0-9]\S*")
    found = 0
    lines = [line for lines in corpus_lines.values() for line in lines]
    lines += ["The Trust's café (£5m) a.m. 2024/25", "plain words only", "x-ray", "naïve", "--", "end."]
    for line in lines:
        for lo in {0, 1, 3, len(line) // 2}:
            words = [m.span() for m in _NOT_PLAIN.finditer(line, lo)]
            assert words == [m.span() for m in plain.finditer(line, lo)], (line, lo)
            found += len(words)
    assert found > 10000
