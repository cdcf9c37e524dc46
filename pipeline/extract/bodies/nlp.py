"""The spaCy pipeline for bodies, built once per process from the rule files.

``spacy.blank("en")`` with: a sentencizer; `body_tokens`, which marks the
tokens that can make up a proper name (TAG ``NAME``) or join its words (TAG
``JOIN``); a SpanRuler with the generic patterns of rules/bodies/patterns.jsonl
(spans key ``body_patterns``); and `body_gazetteer`, which finds the names of
known bodies (spans key ``body_gazetteer``). No statistical model is involved.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import compile_suffix_regex

from pipeline.extract.bodies.body_rules import BodyRules, ResolveRules, load_rules
from pipeline.extract.bodies.gazetteer import GazetteerComponent, GazetteerIndex

PATTERNS_KEY = "body_patterns"  # doc.spans key of the generic patterns' matches
PATTERNS_PIPE = "body_patterns"  # the SpanRuler's name
SENTENCIZER = "sentencizer"  # the sentencizer's name: sentence starts, read by the gazetteer only
TOKENS_PIPE = "body_tokens"  # the component that tags name words and joiners (BodyTokens)
GAZETTEER_PIPE = "body_gazetteer"  # the gazetteer component's name (its spans key: gazetteer.SPANS_KEY)
NAME, JOIN, OTHER = "NAME", "JOIN", "O"
ANYWHERE_JOINS = frozenset({",", "&", "and"})  # JOIN wherever they stand (`-`, `'s`, hyphen words: in context)


class BodyTokens:
    """Marks name words (NAME) and joiners (JOIN) in TAG, other tokens O, for the generic patterns."""

    def __init__(self, rules: ResolveRules) -> None:
        self.stop = rules.stop_words
        self.hyphen_words = rules.hyphen_words
        self.breaks = rules.possessive_breaks
        self.may_join = join_words(rules)
        self.names: dict[str, str] = {}  # token text -> NAME or OTHER (remembered)

    def __call__(self, doc: Doc) -> Doc:
        tags = self.tags([t.text for t in doc], [bool(t.whitespace_) for t in doc])
        strings = doc.vocab.strings
        ids = {tag: strings.add(tag) for tag in (NAME, JOIN, OTHER)}
        for t, tag in zip(doc, tags, strict=True):
            t.tag = ids[tag]
        return doc

    def _tag(self, text: str) -> str:
        tag = self.names[text] = NAME if is_name_word(text) and text not in self.stop else OTHER
        return tag

    def tags(self, texts: Sequence[str], spaced: Sequence[bool]) -> list[str]:
        """The TAG of each token of a line, from the tokens' texts and whether each is followed by whitespace."""
        names = self.names
        if len(names) > 200_000:
            names.clear()
        got = list(map(names.get, texts))
        tags = cast("list[str]", got)  # when every text is remembered
        if None in got:
            tags = [tag or self._tag(x) for tag, x in zip(got, texts, strict=True)]
        if self.may_join.isdisjoint(texts):
            return tags
        n = len(texts)
        for i, text in enumerate(texts):
            if text not in self.may_join or tags[i] == NAME:
                continue
            if text in ANYWHERE_JOINS:
                tags[i] = JOIN
                continue
            glued_before = i > 0 and not spaced[i - 1]
            glued_after = i + 1 < n and not spaced[i]
            if text == "-" and glued_before and glued_after:
                tags[i] = JOIN
            elif text in self.hyphen_words and glued_before and glued_after and texts[i - 1] == "-":
                tags[i] = JOIN
            elif (
                text == "'s"
                and glued_before
                and tags[i - 1] == NAME
                and i + 1 < n
                and tags[i + 1] == NAME
                and texts[i + 1] not in self.breaks
            ):
                tags[i] = JOIN
        return tags


def join_words(rules: ResolveRules) -> frozenset[str]:
    """Every text a token that `BodyTokens` tags JOIN can have (it tags them so only in some contexts)."""
    return frozenset(ANYWHERE_JOINS | {"-", "'s"} | rules.hyphen_words)


@lru_cache(maxsize=65536)
def is_name_word(text: str) -> bool:
    """Capitalised (`Luton`, `NHS`, `McKinsey`) or an ampersand acronym (`L&D`, `C&P`); letters, digits and
    `&'.-/` only (converter residue such as `Leadership\\` is no name)."""
    if not all(c.isalnum() or c in "&'.-/" for c in text):
        return False
    if text[:1].isupper():
        return any(c.isalpha() for c in text)
    return "&" in text and any(c.isupper() for c in text)


@Language.factory("body_tokens", default_config={"rules_dir": ""})
def make_body_tokens(nlp: Language, name: str, rules_dir: str) -> BodyTokens:
    return BodyTokens(load_rules(Path(rules_dir)).resolve)


@Language.factory("body_gazetteer", default_config={"rules_dir": ""})
def make_body_gazetteer(nlp: Language, name: str, rules_dir: str) -> GazetteerComponent:
    rules = load_rules(Path(rules_dir))
    return GazetteerComponent(gazetteer_index(rules, nlp))


def gazetteer_index(rules: BodyRules, nlp: Language) -> GazetteerIndex:
    tokenizer = nlp.tokenizer
    return GazetteerIndex(rules.bodies.values(), lambda s: [t.text for t in tokenizer(s)])


@lru_cache(maxsize=4)
def build_nlp(rules_dir: Path) -> Language:
    """The pipeline for the rules in `rules_dir` (cached: built once per process)."""
    rules = load_rules(rules_dir)
    nlp = spacy.blank("en")
    if rules.resolve.tokenizer_suffixes:
        suffixes = [*(nlp.Defaults.suffixes or ()), *rules.resolve.tokenizer_suffixes]
        tokenizer: Any = nlp.tokenizer
        tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    nlp.add_pipe("sentencizer", name=SENTENCIZER)
    nlp.add_pipe("body_tokens", name=TOKENS_PIPE, config={"rules_dir": str(rules_dir)})
    ruler = nlp.add_pipe(
        "span_ruler", name=PATTERNS_PIPE, config={"spans_key": PATTERNS_KEY, "validate": True, "overwrite": True}
    )
    ruler.add_patterns(list(rules.patterns))  # type: ignore[attr-defined]  # checked by body_rules.PatternRow
    nlp.add_pipe("body_gazetteer", name=GAZETTEER_PIPE, config={"rules_dir": str(rules_dir)})
    return nlp
