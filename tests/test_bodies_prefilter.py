"""The line filter of the bodies extractor (pipeline/extract/bodies/prefilter.py) only skips lines on
which the whole pipeline finds nothing, and the lines it passes get the same spans as before."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from pipeline.extract import Context, normalise_lines
from pipeline.extract.bodies.candidates import line_candidates
from pipeline.extract.bodies.extractor import Env, environment
from pipeline.extract.bodies.gazetteer import SPANS_KEY as GAZ_KEY
from pipeline.extract.bodies.nlp import PATTERNS_KEY
from pipeline.extract.bodies.prefilter import NOTHING, has_upper
from pipeline.model import Document, Line

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
TEXT_DOCS = [
    "000_9697e79c8f4d460c.txt",
    "001_baeb06aa9c477327.txt",
    "003_4bd6cd02c4d551ad.txt",
    "004_bd442f22357b032f.txt",
    "nhse-board-paper-nhs-productivity-2024-12-05.md",
    "ippr-realising-the-neighbourhood-nhs-2020.md",
]


@pytest.fixture(scope="module")
def env() -> Env:
    return environment(Path(Context().rules))


def all_normalised_lines(file: str) -> list[str]:
    """Every line of a corpus document, normalised (blank lines kept)."""
    text = (CORPUS / file).read_text(encoding="utf-8")
    doc = Document(file, "0" * 64, "text", {}, [Line(i + 1, t) for i, t in enumerate(text.split("\n"))])
    return [nl.text for nl in normalise_lines(doc, Context().rules)]


def normalised_lines(file: str) -> list[str]:
    return [t for t in all_normalised_lines(file) if t.strip()]


@pytest.mark.parametrize("file", TEXT_DOCS)
def test_a_skipped_line_holds_nothing_the_pipeline_finds(env: Env, file: str) -> None:
    passed = skipped = 0
    for text in normalised_lines(file):
        need = env.filter.need(text)
        full = env.nlp(text)  # every component, as before the filter
        if not need.patterns:
            assert not full.spans[PATTERNS_KEY], text
        if not need.gazetteer:
            assert not full.spans[GAZ_KEY], text
        if not need:
            skipped += 1
            assert line_candidates(full, env.rules.resolve, env.index) == [], text
            continue
        passed += 1
        # the groups of patterns the line needs give the spans the one ruler gives over all patterns
        ours = env.annotate(text, need)
        assert [(s.start, s.end, s.label_, s.id_) for s in ours.spans.get(PATTERNS_KEY, ())] == [
            (s.start, s.end, s.label_, s.id_) for s in full.spans[PATTERNS_KEY]
        ], text
        if need.gazetteer:
            assert [(s.start, s.end, s.kb_id_) for s in ours.spans[GAZ_KEY]] == [
                (s.start, s.end, s.kb_id_) for s in full.spans[GAZ_KEY]
            ], text
    assert passed and skipped  # the filter does skip lines here, and passes some


def test_what_the_filter_passes(env: Env) -> None:
    need = env.filter.need
    assert need("and the trust has also been asked to pause") == NOTHING  # no capital at all
    # `The Trust` cannot match `<Name> Trust`: the word before the head is no name word
    assert not need("The Trust delivered ahead of the 2023/24 plan").patterns
    assert not need("Income in respect of employee benefits").patterns  # `Inc` of `Income` is no token `Inc`
    assert need("the Luton and Dunstable University Hospital said").gazetteer
    assert need("commissioned by NHS providers, Leeds Teaching Hospitals NHS Trust and").patterns
    assert need("the Milton Keynes council's health and Wellbeing Board").patterns
    # a known name that begins with a digit or in lower case passes whole: `38 Degrees`, `i newspaper`
    assert need("a petition by 38 degrees") == env.filter.all
    assert need("as the i newspaper reported") == env.filter.all


def test_upper_case_characters_with_no_lower_case_count() -> None:
    assert has_upper("𝐀mbulance") and has_upper("ℋ") and has_upper("Trust")
    assert not has_upper("trust") and not has_upper("2019/20") and not has_upper("£4.4m")


@pytest.mark.parametrize("file", TEXT_DOCS[-2:])
def test_a_document_tokenized_at_once_gives_each_line_the_same_need(env: Env, file: str) -> None:
    """`needs` tokenizes a document's chunks as one text: each chunk gets the tokens spaCy makes of it alone,
    so every line's need and every remembered chunk are those of the line-by-line filter."""
    texts = normalised_lines(file)
    one_by_one, at_once = copy.copy(env.filter), copy.copy(env.filter)
    for f in (one_by_one, at_once):
        f.memo, f.pending = {}, {}
    assert at_once.needs(texts) == [one_by_one.need(t) for t in texts]
    assert at_once.memo == one_by_one.memo and len(at_once.memo) > 500
    split = [c for c in at_once.memo if len(at_once._tokens(c)) > 1]
    assert split and all(list(at_once._tokens(c)) == [t.text for t in env.nlp.tokenizer(c)] for c in split)
