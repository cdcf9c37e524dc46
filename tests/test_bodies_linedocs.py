"""The Docs the bodies extractor makes of its lines (pipeline/extract/bodies/linedocs.py) without running
spaCy's tokenizer and `body_tokens` over each line are the Docs the whole pipeline makes: the same tokens,
spaces, tags, sentence starts and spans."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.tokens import Doc

from pipeline.extract import Context
from pipeline.extract.bodies.extractor import Env, environment
from pipeline.extract.bodies.gazetteer import SPANS_KEY as GAZ_KEY
from tests.test_bodies_prefilter import all_normalised_lines

TEXT_DOCS = ["003_4bd6cd02c4d551ad.txt", "nhse-board-paper-nhs-productivity-2024-12-05.md"]


@pytest.fixture(scope="module")
def env() -> Env:
    return environment(Path(Context().rules))


def facts(doc: Doc) -> tuple[object, ...]:
    tokens = [(t.text, t.whitespace_, t.idx, t.tag_) for t in doc]
    spans = {k: [(s.start, s.end, s.label_, s.id_, s.kb_id_) for s in v] for k, v in doc.spans.items()}
    return doc.text, tokens, spans


def whitespace_variants(text: str) -> list[str]:
    """The line with whitespace as converters leave it: spaces before and after, doubled, tabs, a no-break space."""
    return [
        f" {text}",
        f"{text} ",
        f"  {text}  ",
        text.replace(" ", "  ", 3),
        text.replace(" ", "\t", 2),
        text.replace(" ", " \t ", 2),
        text.replace(" ", "\u00a0", 2),
        f"\t{text}\n",
    ]


@pytest.mark.parametrize("file", TEXT_DOCS)
def test_a_line_made_from_its_chunks_is_the_pipelines_doc(env: Env, file: str) -> None:
    lines = all_normalised_lines(file)
    passing = [t for t in lines if env.filter.need(t)]
    assert len(passing) > 10
    texts = [*lines, *(v for t in passing[:40] for v in whitespace_variants(t)), "", " ", "  ", "\t"]
    for text in texts:
        # every pattern and the gazetteer, so that every component's work is compared
        assert facts(env.annotate(text, env.filter.all)) == facts(env.nlp(text)), repr(text)


def test_what_the_chunks_are(env: Env) -> None:
    text = " Luton & Dunstable  University Hospital's (L&D)\tboard "
    words, spaces = env.annotate._split(text)
    assert " ".join(words) == "  Luton & Dunstable   University Hospital 's ( L&D ) \t board"
    assert spaces == [False, True, True, True, False, True, False, True, False, False, False, False, True]


def test_a_common_word_is_no_name_where_a_sentence_starts(env: Env) -> None:
    """The sentencizer runs only when the gazetteer meets a common word (`Monitor`): the name is still not found
    where a sentence starts, and found elsewhere, as by the whole pipeline."""
    line = next(t for t in all_normalised_lines("lch-trust-board-public-papers-2025-09-04.md") if ". Monitor the" in t)
    mid = line.replace("work. Monitor the", "work reported to Monitor by the")
    found = []
    for text in (line, mid):
        assert env.filter.need(text).gazetteer
        ours = env.annotate(text, env.filter.all)
        assert facts(ours) == facts(env.nlp(text))
        found.append([s.text for s in ours.spans[GAZ_KEY]])
    assert "Monitor" not in found[0] and "Monitor" in found[1]
