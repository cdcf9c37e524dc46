"""Facts' slowest patterns, rewritten to match the same (issue 9, developer "regexcost"): the time of every pattern
over one warm facts pass ranked them; each rewrite keeps what the rule matched, the same spans and groups, and is
tried here against the pattern as the rule file wrote it before, on every line of the corpus, of ../shared/realdocs
where present and of the accounts tables of tests/data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import regex

from pipeline.facts.accounts import AccountsRules
from pipeline.facts.fact_rules import Compiled

REALDOCS = Path(__file__).resolve().parents[1] / ".." / "shared" / "realdocs"

Span = tuple[tuple[int, int], ...]


@pytest.fixture(scope="module")
def lines(corpus_lines: dict[str, list[str]], accounts_table_lines: list[str]) -> list[str]:
    """Every line of the corpus and of the accounts tables, and a few of each rewrite's edges."""
    found = [line for lines in corpus_lines.values() for line in lines]
    found += accounts_table_lines
    found += ["at 10:30: the board", "Note: ratio 2:1, but", "£5m to adult social care", "£2m  for the NHS bodies"]
    found += ["1,822,986 (17,351) - 6.1", "1,822,986 Total", "12,,3 4", "1,8,", "(1.5)  –  \\(2\\)"]
    return found


@pytest.fixture(scope="module")
def realdocs_lines() -> list[str]:
    if not REALDOCS.is_dir():
        pytest.skip("../shared/realdocs is absent: the project does not ship it")
    return [
        line
        for p in sorted(REALDOCS.iterdir())
        if p.suffix in (".md", ".txt", ".csv")
        for line in p.read_text(encoding="utf-8", errors="replace").split("\n")
    ]


def _spans(m: regex.Match[str] | None) -> Span | None:
    return None if m is None else tuple(m.span(g) for g in range(len(m.groups()) + 1))


def _finditer(p: regex.Pattern[str], line: str) -> list[Span | None]:
    return [_spans(m) for m in p.finditer(line)]


def _match_everywhere(p: regex.Pattern[str], line: str) -> list[Span | None]:
    """A match at every character (group_after is matched right after an amount, wherever that is)."""
    return [_spans(p.match(line, k)) for k in range(len(line) + 1)]


def _fullmatch(p: regex.Pattern[str], line: str) -> list[Span | None]:
    return [_spans(p.fullmatch(line)), _spans(p.fullmatch(line, 0, len(line) // 2))]


Read = Callable[[regex.Pattern[str], str], list[Span | None]]

# each rewritten rule: how facts reads it, its text as the rule file wrote it before, and now
_REWRITTEN: dict[str, tuple[Read, str, str]] = {
    "context.clause_breaks": (_finditer, r"|(?<!\d):(?!\d)|", r"|:(?<!\d:)(?!\d)|"),
}


def _patterns(fact_rules: Compiled, accounts_rules: AccountsRules) -> dict[str, regex.Pattern[str]]:
    return {
        "context.clause_breaks": fact_rules.clause_breaks,
    }


def _same(fact_rules: Compiled, accounts_rules: AccountsRules, lines: list[str]) -> int:
    """Asserts each rewritten rule reads every line as it did before; how many lines it matched."""
    patterns, found = _patterns(fact_rules, accounts_rules), 0
    for name, (read, before, now) in _REWRITTEN.items():
        pattern = patterns[name]
        assert pattern.pattern.count(now) == 1, name  # the rule file holds the rewrite
        old = regex.compile(pattern.pattern.replace(now, before), pattern.flags)
        for line in lines:
            got = read(pattern, line)
            assert got == read(old, line), (name, line)
            found += any(s is not None for s in got)
    return found


def test_each_rewritten_pattern_matches_what_it_matched_before(
    fact_rules: Compiled, accounts_rules: AccountsRules, lines: list[str]
) -> None:
    assert _same(fact_rules, accounts_rules, lines) > 3000


def test_each_rewritten_pattern_matches_what_it_matched_before_on_the_real_documents(
    fact_rules: Compiled, accounts_rules: AccountsRules, realdocs_lines: list[str]
) -> None:
    assert _same(fact_rules, accounts_rules, realdocs_lines) > 1000
