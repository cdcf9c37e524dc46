"""The rule files of rules/bodies/ (known bodies, generic patterns, resolver settings), each described by a
typed model: a file that does not fit raises `RuleError` naming the file, the entry and the field."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from pipeline.extract.bodies.casing import slug
from pipeline.extract.bodies.variants import variants
from pipeline.rule_keys import KeyedRules, key
from pipeline.rules import RuleModel, known, load_model, read_jsonl, read_yaml, validate_model

BodyType = Literal[
    "national", "ccg", "trust", "stp", "local_gov", "parliament", "union", "think_tank", "company", "media", "other"
]
TYPES: tuple[str, ...] = get_args(BodyType)


@dataclass
class KnownBody:
    """A body of the gazetteer or of ODS."""

    id: str
    name: str
    type: str
    aliases: list[str]
    source: str  # gazetteer | ods
    ods_code: str | None = None
    official_name: str | None = None
    opened: str | None = None
    closed: str | None = None
    exact: frozenset[str] = frozenset()  # aliases that match only with this exact case
    common_word: frozenset[str] = frozenset()

    def open_at(self, date: str | None) -> bool:
        """Open at `date` (YYYY, YYYY-MM or YYYY-MM-DD; unknown dates count as open)."""
        if not date:
            return True
        n = len(date)
        return (self.opened is None or self.opened[:n] <= date) and (self.closed is None or self.closed[:n] >= date)

    def record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "aliases": sorted(set(self.aliases)),
            "ods_code": self.ods_code,
            "official_name": self.official_name,
            "opened": self.opened,
            "closed": self.closed,
            "source": self.source,
        }


Words = frozenset[str]
ODS_CODES = "codes of nhs_ods.jsonl (scripts/make_gazetteer.py makes it)"
Date = Annotated[str, StringConstraints(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")]  # YYYY, YYYY-MM or YYYY-MM-DD


def _re_pattern(value: str) -> str:
    """A regular expression for spaCy's tokenizer (the `re` module)."""
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"{value!r} is not a valid regular expression ({exc})") from None
    return value


def _synonyms(d: Any) -> Any:
    """`{Herts: hertfordshire, NE: north east}`: lower case, the synonym as its words."""
    return {str(k).lower(): str(v).lower().split() for k, v in d.items()} if isinstance(d, dict) else d


def _long_forms(d: Any) -> Any:
    """`{Sustainability and Transformation Plan: STP}`: the long ending as its words, and the short one."""
    return [(str(k).split(), v) for k, v in d.items()] if isinstance(d, dict) else d


class Family(RuleModel):
    """A family of generic patterns (the `label` of patterns.jsonl)."""

    type: Annotated[str, StringConstraints(pattern=f"^(?:{'|'.join(TYPES)}|committee)$")]  # committees: typed later
    generic: Words
    lowercase_head: bool = False
    closed_head: bool = False


class ShortFormRule(RuleModel):
    """A name ending in one of `heads` is also written without it, when the word before is in `last`
    (any word when `last` is None)."""

    heads: Words = Field(validation_alias="drop_heads")
    last: Words | None = Field(None, validation_alias="last_words")


class WordRule(RuleModel):
    words: Words
    type: BodyType


class ResolveRules(KeyedRules):
    """rules/bodies/resolve.yaml (see its comments): a flat model of its sections."""

    stop_words: Words
    hyphen_words: Words = frozenset()
    name_joiners: Words
    lowercase_tail_keeps: Words = frozenset()  # lower-case last words a candidate keeps
    possessive_breaks: Words = frozenset()
    generic_everywhere: Words = frozenset()
    families: dict[str, Family]
    committee_min_words: int = 1
    org_types: tuple[WordRule, ...]
    council_types: tuple[WordRule, ...] = ()
    owner_endings: Words
    committee_by_name: tuple[WordRule, ...] = key("committees", "by_name")
    committee_by_context: tuple[WordRule, ...] = key("committees", "by_context")
    committee_context_lines: int = key("committees", "context_lines", default=0)
    committee_default: BodyType = key("committees", "default")
    committee_document_context: tuple[WordRule, ...] = key("committees", "document_context", default=())
    committee_fallback_share: float = key("committees", "document_fallback", "min_share", default=0.0)  # 0: none
    committee_fallback_count: int = key("committees", "document_fallback", "min_count", default=0)
    plural_heads: dict[str, str] = key("lists", "plural_heads")
    qualifiers: Words = key("lists", "qualifiers")
    separators: Words = key("lists", "separators")
    list_breaks: Words = key("lists", "breaks", default=frozenset())
    count_words: Words = key("lists", "count_words", default=frozenset())
    direction_words: Words = key("lists", "direction_words", default=frozenset())
    lowercase_place_words: Words = key("lists", "lowercase_place_words", default=frozenset())
    link_ignore: Words = key("linking", "ignore")
    synonyms: Annotated[dict[str, tuple[str, ...]], BeforeValidator(_synonyms)] = key("linking", "synonyms")
    place_suffixes: tuple[str, ...] = key("linking", "place_suffixes")
    link_families: dict[str, Words] = key("linking", "families")
    # a long name ending and its short form: `Sustainability and Transformation Plan: STP`
    long_forms: Annotated[tuple[tuple[tuple[str, ...], str], ...], BeforeValidator(_long_forms)] = key(
        "linking", "long_forms", default=()
    )
    sf_max_chars: int = key("abbreviations", "max_short_form_chars")
    long_form_heads: Words = key("abbreviations", "long_form_heads")
    long_form_types: dict[str, str] = key("abbreviations", "long_form_types", default_factory=dict)
    not_abbreviations: Words = key("abbreviations", "not_abbreviations")
    ner_labels: Words = key("ner", "labels", default=frozenset({"ORG"}))
    ner_type: BodyType = key("ner", "type", default="other")
    tokenizer_suffixes: tuple[Annotated[str, AfterValidator(_re_pattern)], ...] = ()
    document_words: Words = key("document_words", "words", default=frozenset())
    document_heads: Words = key("document_words", "heads", default=frozenset())
    known_only_patterns: Words = key("known_only", "patterns", default=frozenset())
    known_only_min_words: int = key("known_only", "min_name_words", default=1)
    open_ended_patterns: Words = frozenset()
    short_forms: tuple[ShortFormRule, ...] = ()
    line_break_words: Words = key("line_breaks", "next_words", default=frozenset())
    line_break_new_heads: Words = key("line_breaks", "new_name_heads", default=frozenset())

    @field_validator("families")
    @classmethod
    def _everywhere(cls, families: dict[str, Family], info: ValidationInfo) -> dict[str, Family]:
        """Words of `generic_everywhere` are generic in every family."""
        everywhere = info.data.get("generic_everywhere", frozenset())
        return {k: f.model_copy(update={"generic": f.generic | everywhere}) for k, f in families.items()}


class OdsRow(RuleModel):
    """A row of nhs_ods.jsonl (made by scripts/make_gazetteer.py)."""

    ods_code: str
    type: BodyType
    name: str
    aliases: list[str]
    official_name: str | None = None
    opened: str | None = None
    closed: str | None = None


class GazetteerEntry(RuleModel):
    """A body of gazetteer.yaml (see its comments)."""

    name: str | None = None
    type: BodyType | None = None
    aliases: list[Annotated[str, StringConstraints(pattern=r"\S")]]
    ods: Annotated[str, known(ODS_CODES)] | None = None
    former_name_of: Annotated[str, known(ODS_CODES)] | None = None
    official_name: str | None = None
    opened: Date | None = None
    closed: Date | None = None
    exact: Words = frozenset()
    common_word: Words = frozenset()

    @model_validator(mode="after")
    def _named(self, info: ValidationInfo) -> GazetteerEntry:
        """A new body, or an ODS body renamed, takes a name no other body has (the context holds the ids of
        the bodies known so far, and the id and name of each ODS code's body, as `_merge_gazetteer` renames
        them)."""
        adds = not self.ods or self.former_name_of
        if adds and not (self.name and self.type):
            raise ValueError("a body that adds to no ODS code needs a `name` and a `type`")
        ids, ods = (info.context or {})["body ids"], (info.context or {})["ods bodies"]
        old = None if adds else ods[self.ods]
        if self.name and (old is None or self.name != old[1]):
            if old is not None:  # renamed: its ODS name is free again
                ids.discard(old[0])
                ods[self.ods] = (slug(self.name), self.name)
            if slug(self.name) in ids:
                raise ValueError(f"a body named {self.name!r} is already known (from ODS or above)")
            ids.add(slug(self.name))
        return self


class Gazetteer(RuleModel):
    bodies: list[GazetteerEntry]


class PatternRow(RuleModel):
    """A generic pattern of patterns.jsonl: spaCy SpanRuler token patterns, labelled by a family of
    resolve.yaml (the validation context's `families`)."""

    label: Annotated[str, known("families")]
    id: str
    pattern: list[dict[str, Any]] = Field(min_length=1)

    @field_validator("pattern")
    @classmethod
    def _token_pattern(cls, pattern: list[dict[str, Any]]) -> list[dict[str, Any]]:
        from spacy.schemas import validate_token_pattern  # spaCy only when the patterns are read

        errors = validate_token_pattern(pattern)
        if errors:
            raise ValueError(f"not a spaCy token pattern ({'; '.join(errors)})")
        return pattern


@dataclass(frozen=True)
class BodyRules:
    directory: Path
    bodies: dict[str, KnownBody]
    patterns: tuple[dict[str, Any], ...]
    resolve: ResolveRules


@lru_cache(maxsize=4)
def load_rules(directory: Path) -> BodyRules:
    base = directory / "bodies"
    resolve = load_model(ResolveRules, base / "resolve.yaml")
    bodies = _load_ods(base / "nhs_ods.jsonl")
    _merge_gazetteer(base / "gazetteer.yaml", bodies, read_yaml(base / "variants.yaml"))
    patterns = read_jsonl(base / "patterns.jsonl", PatternRow, {"families": resolve.families})
    return BodyRules(directory, bodies, tuple(p.model_dump() for p in patterns), resolve)


def _load_ods(path: Path) -> dict[str, KnownBody]:
    out: dict[str, KnownBody] = {}
    for row in read_jsonl(path, OdsRow):
        key = slug(row.name)
        key = f"{key}-{row.ods_code.lower()}" if key in out else key  # two of one name (over time): told apart
        out[key] = KnownBody(id=key, source="ods", **row.model_dump())
    return out


def _merge_gazetteer(path: Path, bodies: dict[str, KnownBody], variant_rules: dict[str, Any]) -> None:
    """The bodies of gazetteer.yaml, added to those of ODS (an entry with `ods` adds to that body)."""
    by_code = {b.ods_code: b for b in reversed(bodies.values()) if b.ods_code}  # the first body of a code
    context = {
        ODS_CODES: by_code.keys(),
        "body ids": set(bodies),
        "ods bodies": {c: (b.id, b.name) for c, b in by_code.items()},
    }
    for row in validate_model(Gazetteer, read_yaml(path), path, context).bodies:
        if row.ods and not row.former_name_of:
            body = by_code[row.ods]
            renamed = bool(row.name) and row.name != body.name
            if row.name and renamed:
                body.aliases.extend([body.name, row.name])
                del bodies[body.id]
                body.id, body.name = slug(row.name), row.name
            body.type = row.type or body.type
            body.aliases.extend(row.aliases)
            body.exact, body.common_word = body.exact | row.exact, body.common_word | row.common_word
            body.source = "gazetteer"
            if not renamed:
                continue
        else:
            assert row.name and row.type  # checked by GazetteerEntry
            words = [*row.aliases, *row.exact, *row.common_word, *variants(row.name, row.type, variant_rules)]
            body = KnownBody(
                **row.model_dump(include={"name", "type", "official_name", "opened", "closed", "exact", "common_word"}),
                id=slug(row.name),
                aliases=[row.name, *words],
                source="gazetteer",
                ods_code=row.former_name_of,
            )
        bodies[body.id] = body  # a name no other body has (GazetteerEntry checks)
