"""The spaCy Docs of a document's lines, made only when asked for.

A line that can hold a name (prefilter.py) goes through the pipeline's components; the
pattern matcher and the gazetteer run only where they can find something (their spans
groups are otherwise absent). Any other line is a Doc only when the resolver looks at it
(the lines before a committee, the uses of a learnt abbreviation), and then without the
matcher and gazetteer, which would find nothing on it. The tokenizer and `body_tokens` do
not run over lines: a line's Doc is made from its chunks' remembered tokens, with their
tags, and the sentencizer runs only where the gazetteer reads a sentence start (`Annotator`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import chain
from operator import itemgetter
from typing import Any, cast, overload

from spacy.language import Language
from spacy.pipeline import SpanRuler
from spacy.tokens import Doc, Span

from pipeline.extract.bodies.candidates import Words
from pipeline.extract.bodies.gazetteer import GazetteerComponent
from pipeline.extract.bodies.nlp import (
    GAZETTEER_PIPE,
    JOIN,
    NAME,
    OTHER,
    PATTERNS_KEY,
    PATTERNS_PIPE,
    SENTENCIZER,
    TOKENS_PIPE,
    BodyTokens,
)
from pipeline.extract.bodies.prefilter import MEMO_SIZE, Need

MAX_RULERS = 1024  # rulers kept, one for each set of groups of patterns met (a few dozen in the corpus)
Remembered = tuple[tuple[str, ...], tuple[bool, ...]]  # a chunk's tokens, and whether a space follows each
_TOKENS, _SPACED = itemgetter(0), itemgetter(1)  # of a remembered chunk
_RUNS = re.compile(r"\s+|\S+")  # runs of whitespace (`str.isspace`, as the tokenizer tests) and of the rest


class Annotator:
    """The components of the bodies pipeline (nlp.py), run one by one over a line's text. The generic patterns
    run in the groups of `LineFilter.groups` whose requirements the line meets: each group is a SpanRuler like
    the pipeline's, and their matches are united and sorted as that one ruler sorts its own, so the spans are
    the same (a pattern of another group finds nothing on the line).

    A line whose words are parted by single spaces is not run through the tokenizer: tokens never cross
    whitespace, so its tokens are those of its chunks (each tokenized once, and remembered), and the Doc is
    made from them with their tags (`BodyTokens.tags`), as the tokenizer and `body_tokens` would make it."""

    def __init__(self, nlp: Language, groups: Sequence[Sequence[dict[str, Any]]]) -> None:
        self.vocab = nlp.vocab
        self.tag_ids = {tag: nlp.vocab.strings.add(tag) for tag in (NAME, JOIN, OTHER)}
        self.tokenizer = nlp.tokenizer
        self.tagger: BodyTokens = nlp.get_pipe(TOKENS_PIPE)  # type: ignore[assignment]
        self.sentencizer = nlp.get_pipe(SENTENCIZER)
        self.gazetteer: GazetteerComponent = nlp.get_pipe(GAZETTEER_PIPE)  # type: ignore[assignment]
        # a chunk -> its tokens' texts, and whether a space follows each when one follows the chunk (remembered)
        self.chunks: dict[str, Remembered] = {}
        self.nlp = nlp
        self.key = nlp.get_pipe(PATTERNS_PIPE).key  # type: ignore[attr-defined]
        self.groups = groups
        # the groups a line needs (a bit each) -> one ruler holding their patterns: one matcher call a line, and a
        # token's test shared by the groups' patterns (`NAME` or `JOIN`) made once
        self.rulers: dict[int, tuple[list[Any], dict[int, dict[str, str]]]] = {}

    def _ruler(self, groups: int) -> tuple[list[Any], dict[int, dict[str, str]]]:
        ruler = self.rulers.get(groups)
        if ruler is None:
            if len(self.rulers) >= MAX_RULERS:
                self.rulers.clear()
            made = SpanRuler(self.nlp, PATTERNS_PIPE, spans_key=self.key, overwrite=True)
            made.add_patterns([row for i, rows in enumerate(self.groups) if groups >> i & 1 for row in rows])
            # its matchers called directly, as SpanRuler.match calls them (without its warnings filter per call:
            # only a matcher holding patterns is called, so none warns of having none)
            matchers = [m for m in (made.matcher, made.phrase_matcher) if len(m)]
            ruler = self.rulers[groups] = (matchers, made._match_label_id_map)
        return ruler

    def __call__(self, text: str, need: Need) -> Doc:
        return self.annotate(text, need)[0]

    def annotate(self, text: str, need: Need) -> tuple[Doc, Words]:
        """The line's Doc, with its tokens' texts and tags."""
        words, spaces = self._split(text)
        doc = Doc(self.vocab, words=words, spaces=spaces)
        ids = self.tag_ids
        tags = self.tagger.tags(words, spaces)
        for token, tag in zip(doc, tags, strict=True):
            token.tag = ids[tag]
        if need.patterns:
            self._patterns(doc, need.patterns)
        if need.gazetteer:
            # sentence starts are read only by the gazetteer, for a common word (a common word that starts a
            # sentence is no name): it runs the sentencizer when it meets one
            doc = self.gazetteer(doc, words, self.sentencizer)
        return doc, Words(words, tags)

    def _split(self, text: str) -> tuple[list[str], list[bool]]:
        """The tokens' texts of a line and whether a space follows each, as the tokenizer splits it: each run of
        non-whitespace is tokenized alone; the first space after one is its token's trailing space, and the rest
        of a run of whitespace (all of it when it begins the line or with another character) is tokenized."""
        memo = self.chunks
        if len(memo) > MEMO_SIZE:
            memo.clear()
        words: list[str] = []
        spaces: list[bool] = []
        if text.isprintable():  # no whitespace but " " (the common case, made quicker)
            chunks = text.split(" ")
            end_space = len(chunks) > 1 and not chunks[-1]
            if end_space:
                chunks.pop()
            if "" not in chunks:  # single spaces, none first
                got = list(map(memo.get, chunks))
                found = cast("list[Remembered]", got)  # when every chunk is remembered
                if None in got:
                    found = [f or self._chunk(chunk) for f, chunk in zip(got, chunks, strict=True)]
                words = list(chain.from_iterable(map(_TOKENS, found)))
                spaces = list(chain.from_iterable(map(_SPACED, found)))
                spaces[-1] = end_space
                return words, spaces
        for m in _RUNS.finditer(text):
            run = m.group()
            if run[0] == " " and m.start():
                if words:
                    spaces[-1] = True
                run = run[1:]
                if not run:
                    continue
            tokens = (memo.get(run) or self._chunk(run))[0]
            words.extend(tokens)
            spaces.extend([False] * len(tokens))
        return words, spaces

    def _chunk(self, chunk: str) -> Remembered:
        """The texts of the tokens the tokenizer makes of `chunk` alone, and whether a space follows each when
        one follows the chunk (remembered)."""
        tokens = tuple(t.text for t in self.tokenizer(chunk))
        found = self.chunks[chunk] = tokens, (False,) * (len(tokens) - 1) + (True,)
        return found

    def _patterns(self, doc: Doc, groups: int) -> None:
        spans: set[Span] = set()
        matchers, labels = self._ruler(groups)
        for matcher in matchers:
            for m_id, start, end in matcher(doc):
                if start != end:
                    label = labels[m_id]
                    spans.add(Span(doc, start, end, label=label["label"], span_id=label["id"]))
        doc.spans[PATTERNS_KEY] = sorted(spans)


class LineDocs(Sequence[Doc]):
    def __init__(self, texts: Sequence[str], needs: Sequence[Need], annotate: Annotator) -> None:
        self.texts = texts
        self.needs = needs
        self.annotate = annotate
        self.docs: list[Doc | None] = [None] * len(texts)
        self.line_words: list[Words | None] = [None] * len(texts)

    def __len__(self) -> int:
        return len(self.texts)

    @overload
    def __getitem__(self, i: int) -> Doc: ...

    @overload
    def __getitem__(self, i: slice) -> Sequence[Doc]: ...

    def __getitem__(self, i: int | slice) -> Doc | Sequence[Doc]:
        if isinstance(i, slice):
            return _View(self, range(len(self.texts))[i])
        doc = self.docs[i]
        if doc is None:
            doc, self.line_words[i] = self.annotate.annotate(self.texts[i], self.needs[i])
            self.docs[i] = doc
        return doc

    def words(self, i: int) -> Words:
        """The texts and tags of line i's tokens."""
        words = self.line_words[i]
        if words is None:
            self[i]  # makes the line's Doc and its words
            words = self.line_words[i]
        assert words is not None
        return words


class _View(Sequence[Doc]):
    """Some of the lines, still made only when asked for (`docs[k - 5 : k]`)."""

    def __init__(self, docs: LineDocs, indexes: range) -> None:
        self.line_docs = docs
        self.indexes = indexes

    def __len__(self) -> int:
        return len(self.indexes)

    @overload
    def __getitem__(self, i: int) -> Doc: ...

    @overload
    def __getitem__(self, i: slice) -> Sequence[Doc]: ...

    def __getitem__(self, i: int | slice) -> Doc | Sequence[Doc]:
        if isinstance(i, slice):
            return _View(self.line_docs, self.indexes[i])
        return self.line_docs[self.indexes[i]]
