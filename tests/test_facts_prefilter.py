"""Facts: the cues of rules/facts.yaml `measure` are run only over sentences holding one of their words
(`pipeline.facts.prefilter`, issue 9's cost). Here: the words are read from the rule file, the filter
never drops a cue that matches (every line of the corpus's text documents, cue by cue), and the cue
words found with it are those found by running every cue."""

from __future__ import annotations

import pytest

from pipeline.extract import Context
from pipeline.facts import load_rules
from pipeline.facts.fact_rules import Compiled
from pipeline.facts.measure import cue_hits
from pipeline.facts.prefilter import could_match, folded, needs


@pytest.fixture(scope="module")
def rules() -> Compiled:
    return load_rules(Context().rules)


def test_words_come_from_the_patterns() -> None:
    assert needs(r"\bsav(?:ings?|ed|e)\b") == {"sav"}
    assert needs(r"\boff plan\b|\bworse than plan(?:ned)?\b") == {"off plan", "worse than plan"}
    assert needs(r"\bControl[- ]totals?\b") in ({"control"}, {"total"})  # lower-cased; either word is held
    assert needs(r"(?:\w+\s+){0,2}\d+") is None  # no word every match holds
    assert needs(r"\bgaps?\b|[£$]\d+") is None  # one alternative holds no word: no filter
    assert needs(r"\p{Lu}\w+") is None  # `regex` syntax Python's parser does not read: no filter


def test_every_cue_of_the_rule_file_has_words(rules: Compiled) -> None:
    """The cues of the shipped rules are all filtered (a cue without words would run everywhere)."""
    missing = [cue.id for (cue, _), words in zip(rules.cues, rules.cue_needs, strict=True) if words is None]
    assert missing == []


def test_no_matching_cue_is_dropped(rules: Compiled, corpus_lines: dict[str, list[str]]) -> None:
    checked = 0
    for name, lines in corpus_lines.items():
        for line in lines:
            text = folded(line)
            for (cue, pattern), words in zip(rules.cues, rules.cue_needs, strict=True):
                if pattern.search(line):
                    checked += 1
                    assert could_match(words, text), (name, cue.id, line)
    assert checked > 1000


def test_cue_hits_are_those_of_every_cue(rules: Compiled, corpus_lines: dict[str, list[str]]) -> None:
    skipped = 0
    for lines in corpus_lines.values():
        for line in lines:
            every = [(o, c, *h.span()) for o, (c, p) in enumerate(rules.cues) for h in p.finditer(line)]
            assert cue_hits(line, 0, len(line), rules) == every
            text = folded(line)
            skipped += sum(not could_match(w, text) for w in rules.cue_needs)
    assert skipped > 0  # the filter did rule cues out


def test_a_letter_outside_ascii_turns_the_filter_off(rules: Compiled) -> None:
    """`ſ` (long s) matches `s` in a case-insensitive pattern without lower-casing to it: a sentence
    with it is not filtered, and the savings cue is still found."""
    line = "The trust ſaved £3m this year."
    assert folded(line) is None
    assert folded("Savings of £3m – “recurrent”") is not None  # symbols and quotes outside ASCII are no letters
    assert any(cue.id == "savings.word" for _o, cue, _s, _e in cue_hits(line, 0, len(line), rules))
