"""Optional statistical NER: an installed spaCy pipeline's `ner`, run beside the rules.

`build --spacy-model NAME` (ctx.options["spacy_model"]) loads the pipeline NAME
(a package name or a path) once per process and runs only its `ner` (and the
token-to-vector layers it listens to). Its entities of the labels listed in
rules/bodies/resolve.yaml become candidate names that lose to the rules'
wherever they overlap. Nothing is downloaded: the pipeline must be installed.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

KEEP = ("tok2vec", "transformer")


class NerModelError(ValueError):
    """The named spaCy pipeline cannot be used."""


@lru_cache(maxsize=2)
def load_ner(name: str) -> Language:
    try:
        nlp = spacy.load(name)
    except (OSError, ValueError) as exc:
        raise NerModelError(
            f"spaCy pipeline {name!r} could not be loaded ({exc}). Install it (pip install ...) or give the path "
            "of a saved pipeline; nothing is downloaded at build time."
        ) from None
    if "ner" not in nlp.pipe_names:
        raise NerModelError(f"spaCy pipeline {name!r} has no `ner` component (it has: {', '.join(nlp.pipe_names)})")
    for pipe in nlp.pipe_names:
        if pipe != "ner" and pipe not in KEEP:
            nlp.disable_pipe(pipe)
    return nlp


def ner_spans(
    model: Language, texts: Sequence[str], docs: Sequence[Doc], labels: frozenset[str]
) -> list[list[tuple[int, int]]]:
    """Per line, the (start, end) token ranges in our Doc of the model's entities with one of `labels`."""
    out: list[list[tuple[int, int]]] = []
    for ours, theirs in zip(docs, model.pipe(texts), strict=True):
        spans = []
        for ent in theirs.ents:
            if ent.label_ not in labels:
                continue
            span = ours.char_span(ent.start_char, ent.end_char, alignment_mode="contract")
            if span is not None and len(span):
                spans.append((span.start, span.end))
        out.append(spans)
    return out
