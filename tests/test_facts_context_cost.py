"""Facts: what the context of an amount costs (issue 9), with the same readings. The sentences `sentence_of`
reads from spaCy's tokens (taken as arrays) are those of spaCy's sentencizer over the whole text; the
paragraphs' end tests need no folded text when the patterns' words are caseless marks; a fact's basis is
the JSON text of its three items, each encoded once."""

from __future__ import annotations

import json

import pytest

from pipeline.extract import Context, normalise_lines
from pipeline.facts import load_rules
from pipeline.facts.basis_json import encode_item, encode_list
from pipeline.facts.context import Paragraph, _Endings, _sentences, paragraphs, sentence_of, sentences
from pipeline.facts.fact_rules import Compiled
from pipeline.facts.prefilter import marks_of, needs, pattern_needs
from pipeline.model import Document, Line


@pytest.fixture(scope="module")
def rules() -> Compiled:
    return load_rules(Context().rules)


@pytest.fixture(scope="module")
def corpus_paragraphs(rules: Compiled, corpus_lines: dict[str, list[str]]) -> list[Paragraph]:
    """The paragraphs of every corpus text document (its lines as published, blank ones kept)."""
    out = []
    for name, texts in corpus_lines.items():
        doc = Document(name, "0" * 64, "text", {}, [Line(n, t) for n, t in enumerate(texts, 1)])
        out.extend(paragraphs(doc, normalise_lines(doc, Context().rules), rules))
    return out


def test_the_sentences_from_token_arrays_are_spacys_sentencizers(corpus_paragraphs: list[Paragraph]) -> None:
    """`_sentences` (spaCy's tokens of the words that are not letters and digits, read as arrays) cuts every
    prose paragraph of the corpus where spaCy's sentencizer over the whole text does."""
    several = 0
    for p in corpus_paragraphs:
        if p.table or len(p.text) < 3:
            continue
        found = _sentences(p, 0, len(p.text))
        assert found == sentences(p), p.text[:80]
        several += len(found) > 1
    assert several > 100


def test_a_table_rows_sentence_is_the_row_found_with_no_sentences_kept(corpus_paragraphs: list[Paragraph]) -> None:
    """`sentence_of` gives a table row whole, as `sentences` (spaCy's sentencizer is not run on a row), and keeps
    no sentences for it (read for every cell of a table)."""
    rows = [p for p in corpus_paragraphs if p.table]
    for p in rows:
        for pos in (0, len(p.text) // 2, len(p.text)):
            assert sentence_of(p, pos) == sentences(p)[0] == (0, len(p.text)), p.text[:80]
        assert p.sentences is None
    assert len(rows) > 20 and any(len(p.lines) > 1 for p in rows)


def test_a_unit_ends_a_sentence_after_an_amount(rules: Compiled) -> None:
    text = "Capital investment in 2025/26 is planned at £109.4m. While some risk to delivery remains, the plan holds."
    p = Paragraph(0, [0], [0], text)
    assert sentences(p) == [(0, len(text))]  # spaCy keeps "m." whole: no sentence end seen
    cut = text.index("While")
    assert _sentences(p, 0, len(text), rules.unit_end) == [(0, cut), (cut, len(text))]


def test_the_end_patterns_words_are_caseless_marks(rules: Compiled) -> None:
    assert marks_of(pattern_needs(rules.paragraph_ends)) == {".", "!", "?", '"', "”", ")", "]"}
    assert marks_of(pattern_needs(rules.introduces)) == {":"}
    assert marks_of(needs(r"\bsav(?:ings?|ed|e)\b")) is None  # a word of letters
    assert marks_of(needs(r"[aé.]x")) is None and marks_of(needs(r"[a.]")) is None  # letters among marks
    assert marks_of(None) is None


def test_a_tail_with_no_mark_neither_ends_nor_introduces_whatever_its_letters(rules: Compiled) -> None:
    ends = _Endings(rules)
    assert ends.marks is not None
    for tail in ("the Trust’s ", "ſ and ı", "2024/25", "£000"):  # letters outside ASCII too: no folding
        assert ends(tail) == (False, False)
    assert ends("in 2024/25. ") == (True, False) and ends("as follows: ") == (True, True)


def test_a_basis_joined_from_its_items_texts_is_the_basis_text() -> None:
    span = {"page": None, "line": 3, "char_start": 6, "char_end": 13, "text": "“£5m”"}
    items = [
        {"field": "subject", "rule": "subject.document", "words": "publisher", "spans": []},
        {"field": "measure", "rule": "spend.word", "words": "spent “£5m”", "spans": [span]},
        {"field": "period", "rule": "period.none"},
    ]
    texts = [
        encode_item("subject", "subject.document", "publisher", []),
        encode_item("measure", "spend.word", "spent “£5m”", [span]),
        encode_item("period", "period.none"),
    ]
    assert encode_list(texts) == json.dumps(items, ensure_ascii=False)
    assert encode_list([]) == "[]"
