"""Facts: the cues of rules/facts.yaml `measure` are run only over sentences holding one of their words
(`pipeline.facts.prefilter`, issue 9's cost). Here: the words are read from the rule file, the filter
never drops a cue that matches (every line of the corpus's text documents, cue by cue), and the cue
words found with it are those found by running every cue."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.extract import Context
from pipeline.facts import load_rules
from pipeline.facts.fact_rules import Compiled
from pipeline.facts.measure import cue_hits
from pipeline.facts.prefilter import could_match, folded, needs, pattern_needs


@pytest.fixture(scope="module")
def rules() -> Compiled:
    return load_rules(Context().rules)


def test_words_come_from_the_patterns() -> None:
    assert needs(r"\bsav(?:ings?|ed|e)\b") == {"sav"}
    assert needs(r"\boff plan\b|\bworse than plan(?:ned)?\b") == {"off plan", "worse than plan"}
    assert needs(r"\bControl[- ]totals?\b") in ({"control"}, {"total"})  # lower-cased; either word is held
    assert needs(r"(?:\w+\s+){0,2}\d+") is None  # no word every match holds
    assert needs(r"\bgaps?\b|\d+%?") is None  # one alternative holds no word: no filter
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
    letters = [chr(c) for c in range(0x80, 0x110000) if not 0xD800 <= c < 0xE000 and chr(c).isalpha()]
    assert len(letters) > 100000 and all(folded(f"£3m {c}") is None for c in letters)  # every letter outside ASCII
    assert any(cue.id == "savings.word" for _o, cue, _s, _e in cue_hits(line, 0, len(line), rules))


# -- sets of characters, and the paragraphs' end tests and the period's year patterns (factcost4) --------


def test_a_set_of_characters_is_read_as_one_character_words() -> None:
    assert needs(r'(?:[.!?"”)\]]|(?<![\d£$€])[.!?"”)\]]\d{1,3})\s*$') == {".", "!", "?", '"', "”", ")", "]"}
    assert needs(r':\s*["“]?\s*$') == {":"}
    assert needs(r"[A-Z]\d+x") == {"x"}  # a range is no word: the literal after it is
    assert needs(r"[éa]b") == {"b"}  # a cased letter outside ASCII: the set holds no word
    assert needs(r"[^.]") is None
    # sets `regex` (VERSION1) reads otherwise than Python's parser: no words at all
    assert needs(r"[[a-z]--[aeiou]]x") is None
    assert needs(r"[\w&&[^\d]]+y") is None


def test_caseless_marks_match_only_themselves() -> None:
    """The marks outside ASCII a word may hold (punctuation, currency, math and modifier symbols) have no
    case: `str.lower`, `upper` and `casefold` keep them and map no other character to one, and no character
    that has a case matches one of them in a case-insensitive pattern, folded simply or fully (every code
    point checked)."""
    import unicodedata

    import regex

    from pipeline.facts.prefilter import _CASELESS

    every = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    marks = {c for c in every if not c.isascii() and c.isprintable() and unicodedata.category(c) in _CASELESS}
    assert len(marks) > 1000 and "”" in marks and "£" in marks
    cased = {c for c in every if c.lower() != c or c.upper() != c or c.casefold() != c}
    images = {m for c in cased for m in c.lower() + c.upper() + c.casefold()}
    assert not marks & (cased | images)
    members = "".join(regex.escape(c) for c in sorted(marks))
    for flags in ("(?i)(?-f)", "(?i)(?f)"):
        assert regex.findall(f"{flags}[{members}]", "".join(sorted(cased | images)), regex.VERSION1) == []


def _shared_text_lines(shared_dir: Path) -> list[str]:
    folder = shared_dir / "realdocs"
    if not folder.is_dir():
        return []
    return [line for p in sorted(folder.iterdir()) if p.suffix in (".txt", ".md") for line in p.read_text().split("\n")]


@pytest.fixture(scope="module")
def every_line(corpus_lines: dict[str, list[str]]) -> list[str]:
    """Every line of the corpus's text documents and of ../shared/realdocs's (when present)."""
    from tests.conftest import SHARED

    return [line for lines in corpus_lines.values() for line in lines] + _shared_text_lines(SHARED)


FILTERED = ("paragraph_ends", "introduces", "run", "april_to_march", "financial_year", "fy_short", "part_of")


def test_no_matching_end_or_year_pattern_is_ruled_out(rules: Compiled, every_line: list[str]) -> None:
    """The patterns `paragraphs`, `period.years` and the measure's parts (`part_of`) filter: on every line (and its
    last 12 characters, where the end patterns look), a pattern that matches holds one of its words."""
    checked = 0
    for name in FILTERED:
        pattern = getattr(rules, name)
        words = pattern_needs(pattern)
        assert words is not None, name  # the shipped patterns are all filtered
        for line in every_line:
            for text in (line, line[-12:]):
                if pattern.search(text):
                    checked += 1
                    assert could_match(words, folded(text)), (name, text)
    assert checked > 10000


def test_endings_and_years_are_those_of_every_pattern(
    rules: Compiled, every_line: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`_Endings` and `period.years` give the same with the filter as with every pattern run."""
    from pipeline.facts import context, period

    ends = context._Endings(rules)
    filtered = [(ends(line[-12:]), period.years(line, 0, len(line), rules)) for line in every_line]
    monkeypatch.setattr(context, "pattern_needs", lambda _p: None)
    monkeypatch.setattr(period, "pattern_needs", lambda _p: None)
    ends = context._Endings(rules)
    assert filtered == [(ends(line[-12:]), period.years(line, 0, len(line), rules)) for line in every_line]
    assert sum(1 for (e, _i), _y in filtered if e) > 1000 and sum(1 for _e, y in filtered if y) > 1000


# -- the lines of a document a pattern could match, found by one scan (factrest) ---------------------------


def test_lines_that_could_match_hold_every_matching_line(rules: Compiled, every_line: list[str]) -> None:
    """`lines_that_could_match` keeps every line a pattern matches, for the accounts' row groups and every
    measure cue, over every line of the corpus and realdocs; and it rules most lines out."""
    from pipeline.facts.accounts import load_accounts
    from pipeline.facts.prefilter import lines_that_could_match

    accounts = load_accounts(Context().rules)
    assert accounts is not None and accounts.row_groups
    patterns = [c.pattern for c in accounts.row_groups] + [p for _c, p in rules.cues]
    for pattern in patterns:
        kept = lines_that_could_match(pattern, every_line)
        assert kept == sorted(set(kept))
        matching = [i for i, line in enumerate(every_line) if pattern.search(line)]
        assert set(matching) <= set(kept), pattern.pattern
    kept = lines_that_could_match(accounts.row_groups[0].pattern, every_line)
    assert 0 < len(kept) < len(every_line) / 10


def test_lines_that_could_match_read_letters_as_the_pattern_does() -> None:
    """A letter outside ASCII the pattern's simple folding matches (`ſ` for `s`) is matched by the scan too,
    and a line break ends each line: no word spans two."""
    import regex

    from pipeline.facts.prefilter import lines_that_could_match
    from pipeline.rules import compiled

    pattern = compiled(r"(?-f)^\s*non-?cash\s+items\b", regex.IGNORECASE)
    lines = ["Non-caſh itemſ", "non-cash ite", "ms", "", "NONCASH ITEMS", "nothing"]
    assert [i for i, t in enumerate(lines) if pattern.search(t)] == [0, 4]
    assert lines_that_could_match(pattern, lines) == [0, 4]
    assert lines_that_could_match(compiled(r"\d+"), lines) == list(range(len(lines)))  # no words: every line
    # a line holding a line break (a document's lines hold none) would shift the lines counted: every line is kept
    assert lines_that_could_match(pattern, ["Non-cash items\nx", "y", "non-cash items"]) == [0, 1, 2]


def test_group_heads_are_those_every_line_searched_finds(every_line: list[str]) -> None:
    """`group_heads` (the lines holding a cue's word searched) finds the lines searching every line finds."""
    from pipeline.facts.accounts import group_heads, load_accounts

    accounts = load_accounts(Context().rules)
    assert accounts is not None
    heads = group_heads(every_line, accounts)
    assert heads == [j for j, t in enumerate(every_line) if any(c.pattern.search(t) for c in accounts.row_groups)]
    assert heads
