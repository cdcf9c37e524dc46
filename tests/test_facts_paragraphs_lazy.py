"""Facts: a document's paragraphs built when first read (`context.Paragraphs`, issue 9) are those built all
at once (`context.paragraphs`), read in any order: for every line the same paragraph (lines, text, table
row, heading, run-on, introduction), the same section heading above it, the same paragraphs before and
after; and a paragraph's bodies (`extract._BodyRefs`) are found back as a scan of every paragraph finds
them."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pipeline.extract import Context, extract_all, normalise_lines
from pipeline.facts import context, load_rules
from pipeline.facts.context import Paragraph, Paragraphs, paragraphs
from pipeline.facts.extract import _WHOLE_SERVICE, _BodyRefs, _Facts
from pipeline.facts.fact_rules import Compiled
from pipeline.facts.subject import Known, lookup
from pipeline.ingest import ingest
from pipeline.model import Document, Line
from tests.conftest import CORPUS

LCH = "lch-trust-board-public-papers-2025-09-04.md"


@pytest.fixture(scope="module")
def rules() -> Compiled:
    return load_rules(Context().rules)


def _text_document(path: Path) -> Document:
    """A text document's lines as published, blank ones kept (they part paragraphs)."""
    texts = path.read_text(encoding="utf-8").split("\n")
    return Document(path.name, "0" * 64, "text", {}, [Line(n, t) for n, t in enumerate(texts, 1)])


def _same_as_full(doc: Document, rules: Compiled, seed: int) -> int:
    """Read the lazy paragraphs line by line in a shuffled order; each must be the full list's. The
    paragraphs compared."""
    lines = normalise_lines(doc, Context().rules)
    full = paragraphs(doc, lines, rules)
    by_line = {li: p for p in full for li in p.lines}
    sections: dict[int, int | None] = {}
    head = None
    for p in full:  # the section of a paragraph: the heading nearest above it (none for a heading)
        sections[p.index] = None if p.heading else head
        head = p.index if p.heading else head
    lazy = Paragraphs(doc, lines, rules)
    order = list(range(len(doc.lines)))
    random.Random(seed).shuffle(order)
    for li in order:
        got, want = lazy.of_line(li), by_line.get(li)
        assert got == want, (doc.path, li)
        assert lazy.holds(li) is (want is not None), (doc.path, li)
        if got is not None:
            assert lazy.section(got) == sections[got.index], (doc.path, li)
    keys = [p.index for p in full]
    for k, key in enumerate(keys):
        assert lazy.before(key) == (keys[k - 1] if k else None)
        assert lazy.after(key) == (keys[k + 1] if k + 1 < len(keys) else None)
    assert list(Paragraphs(doc, lines, rules)) == full
    assert not lazy.holds(-1) and not lazy.holds(len(doc.lines))
    return len(full)


@pytest.mark.parametrize("chunk", [1, 5, context._CHUNK])
def test_lazy_paragraphs_are_the_full_ones_on_the_corpus_texts(rules, monkeypatch, chunk):
    # stretches of 1 and 5 groups: paragraphs running over a stretch's end, read from either side
    monkeypatch.setattr(context, "_CHUNK", chunk)
    counted = [
        _same_as_full(_text_document(p), rules, chunk) for p in sorted(CORPUS.iterdir()) if p.suffix in (".txt", ".md")
    ]
    assert len(counted) >= 8 and sum(counted) > 5000


def test_lazy_paragraphs_are_the_full_ones_on_a_pdf(rules, monkeypatch):
    # a PDF's groups part at page breaks and gaps (`_new_block`); its table rows are groups of their own
    from pipeline.manifest import load_manifest

    monkeypatch.setattr(context, "_CHUNK", 3)
    entry = next(e for e in load_manifest(CORPUS) if e.file == "nhs-tower-hamlets-ccg-payments-over-30k-2020-05.pdf")
    doc = ingest(CORPUS, entry)
    assert any(line.bbox for line in doc.lines)
    assert _same_as_full(doc, rules, 7) > 100


def test_lazy_paragraphs_are_the_full_ones_on_the_real_documents(rules, shared, monkeypatch):
    monkeypatch.setattr(context, "_CHUNK", 4)
    counted = [
        _same_as_full(_text_document(p), rules, 4)
        for p in sorted((shared / "realdocs").iterdir())
        if p.suffix in (".txt", ".md") and p.name != "SOURCES.md"
    ]
    assert sum(counted) > 5000  # the LTHT annual report alone has 6,380


def _scan(refs: _BodyRefs, full: list[Paragraph], p: Paragraph, pos: int, first: int, types: set[str]):
    """`last_of_types` as a scan of every paragraph back from p (what it read before issue 9's change)."""
    for q in reversed([q for q in full if first <= q.index <= p.index]):
        for r in reversed(refs.of(q.index)):
            if (q.index != p.index or r.start < pos) and r.type in types:
                return r
    return None


def test_a_body_named_last_is_found_reading_only_the_paragraphs_naming_bodies(rules):
    doc = _text_document(CORPUS / LCH)
    bodies = [m for m in extract_all(doc, Context(), only=["bodies"]).mentions if m.kind == "body"]
    lines = normalise_lines(doc, Context().rules)
    full = paragraphs(doc, lines, rules)
    paras = Paragraphs(doc, lines, rules)
    refs = _BodyRefs(bodies, lines, paras, rules)
    assert len(refs.named_lines) > 100
    type_sets = [set(ref.types) for ref, _ in rules.back_references if ref.types]
    type_sets.append({_WHOLE_SERVICE, "trust"})  # the whole-service words read in every paragraph
    found = 0
    for p in full[::7]:
        for types in type_sets:
            for first in (-1, max(0, p.index - 400)):
                got = refs.last_of_types(p, len(p.text), first, types, None)
                assert got == _scan(refs, full, p, len(p.text), first, types), (p.index, types, first)
                found += got is not None
    assert found > 100


def test_a_heading_is_read_without_building_the_paragraphs_around_it(rules):
    # `_place_heading` walks back over headings far above an amount: each is its line group alone
    headings = 0
    for path in sorted(CORPUS.iterdir()):
        if path.suffix not in (".txt", ".md"):
            continue
        doc = _text_document(path)
        lines = normalise_lines(doc, Context().rules)
        lazy = Paragraphs(doc, lines, rules)
        for p in paragraphs(doc, lines, rules):
            if p.heading:
                assert lazy.heading(p.index) == (p.lines, p.text), (path.name, p.index)
                headings += 1
            else:
                with pytest.raises(KeyError):
                    lazy.heading(p.index)
        assert not lazy.keyed  # no paragraph was built
    assert headings > 200


def test_a_heading_names_a_place_as_its_built_paragraph_says(rules):
    # `_names_place` reads a heading's bodies only where one of its lines names one: the same answer as
    # reading the built paragraph's bodies and text
    named = 0
    for path in sorted(CORPUS.iterdir()):
        if path.suffix not in (".txt", ".md"):
            continue
        doc = _text_document(path)
        bodies = [m for m in extract_all(doc, Context(), only=["bodies"]).mentions if m.kind == "body"]
        lines = normalise_lines(doc, Context().rules)
        paras = Paragraphs(doc, lines, rules)
        facts = _Facts(doc, lines, paras, _BodyRefs(bodies, lines, paras, rules), rules, _lookup, None)
        for p in paragraphs(doc, lines, rules):
            if p.heading:
                want = bool(facts._heading_bodies(p.index)) or facts._heading_known(p.text) is not None
                assert facts._names_place(p.index) == want, (path.name, p.index)
                named += want
    assert named > 10


def _lookup(name: str) -> Known | None:
    return lookup(name, Context().rules)


def test_whether_a_paragraph_names_a_body_is_read_from_the_named_lines_between_its_first_and_last(rules):
    # `_BodyRefs.names_a_body` (a table row of a document whose own body is known needs its bodies only when
    # one of its lines names one) looks for a named line from the paragraph's first line to its last: the
    # lines between that are not its own are blank; a PDF's groups also part at gaps and pages
    from pipeline.manifest import load_manifest

    entry = next(e for e in load_manifest(CORPUS) if e.file == "nhs-tower-hamlets-ccg-payments-over-30k-2020-05.pdf")
    counts = [0, 0]
    for doc in (_text_document(CORPUS / LCH), ingest(CORPUS, entry)):
        bodies = [m for m in extract_all(doc, Context(), only=["bodies"]).mentions if m.kind == "body"]
        lines = normalise_lines(doc, Context().rules)
        refs = _BodyRefs(bodies, lines, Paragraphs(doc, lines, rules), rules)
        for p in paragraphs(doc, lines, rules):
            names = any(li in refs.on_line for li in p.lines)
            assert refs.names_a_body(p) is names, (doc.path, p.index)
            counts[names] += 1
    assert counts[True] > 100 and counts[False] > 1000
