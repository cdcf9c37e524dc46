"""Facts: a paragraph's offsets, looked up without walking the paragraph (a run-on paragraph of
thousands of lines made each amount walk all of them: a file of 4,000 one-amount lines took 52 s of
facts, now 2 s; the time is `make bench --only longline`'s, not a test's). Here: the lookups give
what the plain walk over every line gives, on real text."""

from __future__ import annotations

import pytest

from pipeline.extract import Context, normalise_lines
from pipeline.facts import load_rules
from pipeline.facts.context import Paragraphs
from pipeline.facts.extract import _BodyRefs, _Facts
from pipeline.model import Document, Line

UNISON = "000_9697e79c8f4d460c.txt"


def _walk(facts: _Facts, para: int, start: int, end: int) -> list[tuple[int, int, int]]:
    """The raw spans of paragraph offsets start..end, by walking every line of the paragraph."""
    p, out = facts.paras[para], []
    for k, li in enumerate(p.lines):
        ls = p.starts[k]
        s, e = max(start, ls), min(end, ls + len(facts.lines[li].text))
        if s < e:
            out.append((li, *facts.lines[li].to_raw(s - ls, e - ls)))
    return out


@pytest.fixture(scope="module")
def long_paragraph(corpus_lines):
    """The UNISON paper's lines run together into paragraphs, the longest of them (lines of prose)."""
    texts = corpus_lines[UNISON]
    doc = Document(UNISON, "0" * 64, "text", {}, [Line(n, t) for n, t in enumerate(texts, 1) if t.strip()])
    ctx = Context()
    lines = normalise_lines(doc, ctx.rules)
    rules = load_rules(ctx.rules)
    paras = Paragraphs(doc, lines, rules)
    facts = _Facts(doc, lines, paras, _BodyRefs([], lines, paras, rules), rules, lambda _name: None, None)
    return facts, max(paras, key=lambda p: len(p.lines))


def test_a_line_offset_is_its_paragraph_offset(long_paragraph):
    _, p = long_paragraph
    assert len(p.lines) > 20
    for k, li in enumerate(p.lines):
        assert p.at(li, 3) == p.starts[k] + 3
    with pytest.raises(ValueError, match="not in paragraph"):
        p.at(p.lines[-1] + 1, 0)


def test_raw_spans_are_those_of_every_line_the_words_cross(long_paragraph):
    facts, p = long_paragraph
    index = {line.number: i for i, line in enumerate(facts.document.lines)}
    n = len(p.text)
    cuts = sorted({0, n, *p.starts, *(s - 1 for s in p.starts[1:]), *range(0, n, 37)})
    for start in cuts:
        for end in {start, start + 1, start + 40, start + 400, n}:
            end = min(end, n)
            got = [(index[s["line"]], s["char_start"], s["char_end"]) for s in facts._raw_spans(p.index, start, end)]
            assert got == _walk(facts, p.index, start, end), (start, end)
