"""Normalisation keeps an exact map back to the raw line."""

from __future__ import annotations

import pytest
import regex

from pipeline.normalise import Rewrite, load_rewrites, normalise
from pipeline.rules import RuleError
from tests.conftest import edit_yaml

REWRITES = load_rewrites()


def raw_of(raw: str, pattern: str) -> list[str]:
    """The raw text behind every match of `pattern` in the normalised line."""
    nl = normalise(raw, REWRITES)
    out = []
    for m in regex.finditer(pattern, nl.text):
        s, e = nl.to_raw(*m.span())
        out.append(raw[s:e])
    return out


def test_latex_pounds_maps_back_to_the_residue(corpus_lines):
    line = corpus_lines["000_9697e79c8f4d460c.txt"][8]
    assert normalise(line, REWRITES).text.count("£22 billion") == 1
    assert raw_of(line, r"£22 billion") == [r"\pounds 22 billion"]


def test_math_mode_pounds_and_dots_drop_the_dollars(corpus_lines):
    line = corpus_lines["000_9697e79c8f4d460c.txt"][186]
    nl = normalise(line, REWRITES)
    assert "£13.4m" in nl.text and "$" not in nl.text
    assert raw_of(line, r"£13\.4m") == [r"\pounds 13.4m"]


def test_pm_standing_for_pound(corpus_lines):
    line = corpus_lines["000_9697e79c8f4d460c.txt"][627]
    assert raw_of(line, r"£[\d.]+m") == [r"\pm 10m", r"\pm 32.6m", r"\pm 3.7m", r"\pm 28.7m"]


def test_curly_quotes_and_nbsp_are_straightened(corpus_lines):
    lines = corpus_lines["001_baeb06aa9c477327.txt"]
    line = next(t for t in lines if "\u00a0" in t and "’" in t)
    nl = normalise(line, REWRITES)
    assert "\u00a0" not in nl.text and "’" not in nl.text
    assert len(nl.text) == len(line)  # one-for-one rewrites keep every offset
    assert nl.to_raw(0, len(nl.text)) == (0, len(line))


def test_markdown_escape_is_a_deletion_so_the_sign_maps_to_itself():
    raw = r"an increase of \+10% on last year"
    assert raw_of(raw, r"\+10%") == ["+10%"]


def test_ligature_damage_is_repaired_for_matching():
    raw = "£3.5 bil ion in 2022/23 (4.5% of total pay), and £249 mil ion"
    assert raw_of(raw, r"£[\d.]+ [bm]illion") == ["£3.5 bil ion", "£249 mil ion"]


def test_footnote_superscripts_are_dropped_but_offsets_kept(corpus_lines):
    line = next(t for t in corpus_lines["003_4bd6cd02c4d551ad.txt"] if "footprints.¹" in t)
    nl = normalise(line, REWRITES)
    assert "footprints. The" in nl.text
    assert raw_of(line, r"footprints\. The") == ["footprints.¹ The"]


def test_untouched_line_is_identity(corpus_lines):
    line = corpus_lines["000_9697e79c8f4d460c.txt"][6]
    nl = normalise(line, REWRITES)
    assert nl.text == line and nl.pieces == ()


def _ungated(rewrites):
    """The same rewrites without triggers: every pattern searched on every line."""
    return tuple(Rewrite(rw.name, rw.pattern, rw.replace) for rw in rewrites)


def _all_lines(built_db, shared_dir):
    import sqlite_utils

    lines = [r["text"] for r in sqlite_utils.Database(built_db).query("select text from lines")]
    if shared_dir is not None:
        for p in sorted((shared_dir / "realdocs").iterdir()):
            if p.suffix in (".txt", ".md"):
                lines.extend(p.read_text(encoding="utf-8").split("\n"))
    return lines


@pytest.fixture(scope="module")
def every_line(built_db, request):
    """Every line of a corpus build (PDFs as read) and of the text files of ../shared/realdocs."""
    try:
        shared_dir = request.getfixturevalue("shared")
    except pytest.skip.Exception:
        shared_dir = None
    return _all_lines(built_db, shared_dir)


def test_triggers_skip_only_lines_no_rewrite_would_touch(every_line):
    """Line by line, the gated rewrites give exactly what searching every pattern gives."""
    plain = _ungated(REWRITES)
    assert len(every_line) > 20_000
    differ = [line for line in every_line if normalise(line, REWRITES) != normalise(line, plain)]
    assert differ == []
    # the gate is what skips: most lines hold no trigger
    assert sum(1 for line in every_line if REWRITES.gate.opens(line)) < len(every_line) / 4


def test_every_match_of_a_rewrite_holds_its_trigger(every_line):
    seen = set()
    for line in every_line:
        for rw in REWRITES:
            for m in rw.pattern.finditer(line):
                if m.end() > m.start():
                    assert any(t in m.group() for t in rw.trigger), (rw.name, line)
                    seen.add(rw.name)
    assert len(seen) >= 8  # the corpus exercises most of them


def test_a_rewrite_without_a_trigger_is_a_rule_error(rules_copy):
    def drop(data):
        del data["rewrites"][2]["trigger"]

    edit_yaml(rules_copy / "normalise.yaml", drop)
    expected = r"normalise.yaml, entry rewrites\[2\] \(latex-pm-standing-for-pound\): field `trigger`: trigger must be"
    with pytest.raises(RuleError, match=expected):
        load_rewrites(rules_copy)
