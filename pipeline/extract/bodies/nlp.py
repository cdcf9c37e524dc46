"""The spaCy pipeline for bodies, built once per process from the rule files.

``spacy.blank("en")`` with: a sentencizer; `body_tokens`, which marks the
tokens that can make up a proper name (TAG ``NAME``) or join its words (TAG
``JOIN``); a SpanRuler with the generic patterns of rules/bodies/patterns.jsonl
(spans key ``body_patterns``); and `body_gazetteer`, which finds the names of
known bodies (spans key ``body_gazetteer``). No statistical model is involved.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import compile_suffix_regex

from pipeline.extract.bodies.gazetteer import GazetteerComponent, GazetteerIndex
from pipeline.extract.bodies.rules import BodyRules, ResolveRules, load_rules
from pipeline.rules import RuleError

PATTERNS_KEY = "body_patterns"
NAME, JOIN, OTHER = "NAME", "JOIN", "O"


class BodyTokens:
    """Marks name words (NAME) and joiners (JOIN) in TAG, other tokens O, for the generic patterns."""

    def __init__(self, rules: ResolveRules) -> None:
        self.stop = rules.stop_words
        self.hyphen_words = rules.hyphen_words
        self.breaks = rules.possessive_breaks

    def __call__(self, doc: Doc) -> Doc:
        toks = list(doc)
        texts = [t.text for t in toks]
        tags = [NAME if is_name_word(x) and x not in self.stop else OTHER for x in texts]
        n = len(toks)
        for i, text in enumerate(texts):
            if tags[i] == NAME:
                continue
            glued_before = i > 0 and not toks[i - 1].whitespace_
            glued_after = i + 1 < n and not toks[i].whitespace_
            if text in (",", "&", "and"):
                tags[i] = JOIN
            elif text == "-" and glued_before and glued_after:
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
        for t, tag in zip(toks, tags, strict=True):
            t.tag_ = tag
        return doc


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
        suffixes = [*nlp.Defaults.suffixes, *rules.resolve.tokenizer_suffixes]
        nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("body_tokens", config={"rules_dir": str(rules_dir)})
    ruler = nlp.add_pipe(
        "span_ruler", name="body_patterns", config={"spans_key": PATTERNS_KEY, "validate": True, "overwrite": True}
    )
    try:
        ruler.add_patterns(list(rules.patterns))  # type: ignore[attr-defined]
    except (ValueError, KeyError) as exc:
        raise RuleError(rules_dir / "bodies" / "patterns.jsonl", f"a pattern is not valid for spaCy ({exc})") from None
    nlp.add_pipe("body_gazetteer", config={"rules_dir": str(rules_dir)})
    return nlp
