"""Several rule patterns tested by one joined scan (pipeline/extract/any_pattern.py) answer as they do one by
one, on every line of corpus text documents; patterns that could answer differently are not joined."""

from __future__ import annotations

from pathlib import Path

import pytest
import regex

from pipeline.extract import Context, cited_documents, page_refs, quotes
from pipeline.extract.any_pattern import any_match, any_search, joined
from pipeline.rules import compiled

ROOT = Path(__file__).resolve().parents[1]
TEXTS = ["000_9697e79c8f4d460c.txt", "001_baeb06aa9c477327.txt", "ippr-realising-the-neighbourhood-nhs-2020.md"]


@pytest.fixture(scope="module")
def lines() -> list[str]:
    out = [t for f in TEXTS for t in (ROOT / "corpus" / f).read_text(encoding="utf-8").split("\n")]
    # lines each rule set below is written for, so that both answers occur
    return [*out, "Page 3 of 12", "  12  ", "…", "necessity’’. of it", "‘‘Our plan", "on page seven", "(p43)"]


def rule_sets() -> dict[str, tuple[regex.Pattern[str], ...]]:
    rules = Context().rules
    q = quotes.load_rules(rules)
    return {
        "page_refs": page_refs.load_rules(rules).patterns,
        "skip_lines": q.skip_lines,
        "pre_rewrites": tuple(rw.pattern for rw in q.pre_rewrites),
        "headings": tuple(fp.heading for fp in cited_documents.load_rules(rules).footprints),
    }


@pytest.mark.parametrize("name", ["page_refs", "skip_lines", "pre_rewrites", "headings"])
def test_the_rules_patterns_join_and_answer_as_one_by_one(lines: list[str], name: str) -> None:
    patterns = rule_sets()[name]
    assert joined(patterns) is not None  # these rule files' patterns are joined: one scan a line
    search, match = any_search(patterns), any_match(patterns)
    searched = [search(t) for t in lines]
    assert searched == [any(p.search(t) for p in patterns) for t in lines]
    assert [match(t) for t in lines] == [any(p.match(t) for p in patterns) for t in lines]
    assert any(searched) and not all(searched)


def test_patterns_that_could_answer_differently_are_tested_one_by_one() -> None:
    backref = (compiled(r"(a)b"), compiled(r"(x)\1"))  # joined, \1 would name the first pattern's group
    assert joined(backref) is None and any_search(backref)("xx") and not any_search(backref)("xa")
    verbose = (compiled("a  # a comment", regex.VERBOSE), compiled("b", regex.VERBOSE))
    assert joined(verbose) is None and any_search(verbose)("b")
    assert joined((compiled("a"), compiled("b", regex.IGNORECASE))) is None
    assert joined((compiled("(?i)a"), compiled("b"))) is None
    assert not any_search(())("anything") and not any_match(())("anything")
