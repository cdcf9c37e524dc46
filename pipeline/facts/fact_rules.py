"""rules/facts.yaml: the typed model of the facts rules, and its one loader.

The file is validated with pydantic when loaded; any error becomes a `RuleError` naming the file,
the entry (`measure.cues[3] (deficit.word)`) and the field, so a bad rule file stops the build
(exit 2) with a message a person can act on.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import regex
from pydantic import BaseModel, ConfigDict, Field, field_validator

from pipeline.rules import RuleError, read_yaml, validate_model

FILE = "facts.yaml"
MEASURES = ("deficit", "surplus", "control_total", "savings", "gap", "funding", "capital", "spend", "other")
Measure = Literal["deficit", "surplus", "control_total", "savings", "gap", "funding", "capital", "spend", "other"]


def _compile(value: str, case: bool = False) -> regex.Pattern[str]:
    """`value` compiled, case-insensitive unless `case`. Case is folded simply (`(?-f)`: one character
    for one, as `str.lower` does), not fully (`ß` = `ss`): full folding, VERSION1's default, makes every
    search of these patterns 3-5 times slower, and the text they read is normalised English."""
    try:
        if case:
            return regex.compile(value, regex.VERSION1)
        return regex.compile("(?-f)" + value, regex.IGNORECASE | regex.VERSION1)
    except regex.error as exc:
        raise ValueError(f"pattern does not compile ({exc})") from None


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


def _pattern(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("expected a regular expression (a non-empty string)")
    _compile(value)
    return value


class ContextRules(_Model):
    pdf_paragraph_gap: float = Field(gt=0)
    paragraph_ends: str
    introduces: str
    heading_max_words: int = Field(ge=1)
    heading_pattern: str
    not_heading: str
    clause_breaks: str
    carry_paragraphs: int = Field(ge=0)
    paragraph_lookback: int = Field(ge=0)
    max_reach: int = Field(ge=100)
    crowded: int = Field(ge=1)
    crowded_reach: int = Field(ge=10)
    place_heading_lookback: int = Field(ge=0)
    carry_unnamed: bool = True

    _check = field_validator("paragraph_ends", "introduces", "heading_pattern", "not_heading", "clause_breaks")(
        _pattern
    )


class Cue(_Model):
    id: str
    measure: Measure
    pattern: str
    weight: float = Field(gt=0)
    max_words: int = Field(ge=0)
    side: Literal["before", "after", "either"] = "either"
    case: bool = False

    _check = field_validator("pattern")(_pattern)


class MeasureRules(_Model):
    distance_penalty: float = Field(ge=0)
    clause_penalty: float = Field(ge=0)
    min_score: float
    part_of: str
    part_continues: str
    part_of_next: str
    part_of_sentence: str | None = None
    change_from: str
    change_to: str
    after_penalty: float = Field(ge=0)
    head_words: int = Field(ge=0)
    head_bonus: float = Field(ge=0)
    own_noun_words: int = Field(ge=0)
    cues: list[Cue] = Field(min_length=1)
    table_title_cues: list[Cue]
    context_penalty: float | None = Field(default=None, ge=0)
    context_chars: int = Field(default=0, ge=0)
    context_min_reach: int = Field(default=0, ge=0)
    caption: str | None = None
    caption_lookback: int = Field(default=0, ge=0)

    _check = field_validator("part_of", "part_continues", "part_of_next", "change_from", "change_to")(_pattern)
    _check_caption = field_validator("caption")(lambda v: v if v is None else _pattern(v))

    @field_validator("cues", "table_title_cues")
    @classmethod
    def _unique(cls, cues: list[Cue]) -> list[Cue]:
        seen: set[str] = set()
        for cue in cues:
            if cue.id in seen:
                raise ValueError(f"rule id {cue.id!r} is used twice")
            seen.add(cue.id)
        return cues


class PeriodRules(_Model):
    financial_year: str
    fy_short: str
    april_to_march: str
    run: str
    calendar: str
    calendar_max_words: int = Field(ge=0)
    calendar_after: str
    calendar_after_words: int = Field(ge=0)
    not_calendar: str
    relative: str
    this_year: str
    annual_report: str
    max_words_after: int = Field(ge=0)
    comparison: str
    continues: str | None = None
    nearest_wins: bool = False
    asides: bool = False
    owned_words: int | None = Field(default=None, ge=0)
    month_year: str | None = None
    deadline: str | None = None
    year_start_month: int = Field(default=4, ge=1, le=12)
    month_before_words: int | None = Field(default=None, ge=0)

    _check = field_validator(
        "financial_year",
        "fy_short",
        "april_to_march",
        "run",
        "calendar",
        "not_calendar",
        "relative",
        "this_year",
        "annual_report",
        "comparison",
    )(_pattern)
    _check_continues = field_validator("continues", "month_year", "deadline")(lambda v: v if v is None else _pattern(v))


class BackReference(_Model):
    id: str
    pattern: str
    types: list[str]
    names: str = ""
    suffix: str = ""

    _check = field_validator("pattern")(_pattern)
    _check_names = field_validator("names")(lambda v: _pattern(v) if v else v)


class PlaceType(_Model):
    id: str
    type: str
    pattern: str  # words of the sentence that say the type (`acute trusts`)
    suffixes: list[str] = Field(min_length=1)

    _check = field_validator("pattern")(_pattern)


class WholeService(_Model):
    id: str
    pattern: str
    name: str

    _check = field_validator("pattern")(_pattern)


class SelfReference(_Model):
    min_uses: int = Field(ge=1)
    types: dict[str, str] = Field(min_length=1)  # type of body -> the words its own papers call it

    @field_validator("types")
    @classmethod
    def _patterns(cls, v: dict[str, str]) -> dict[str, str]:
        for pattern in v.values():
            _pattern(pattern)
        return v


class SubjectRules(_Model):
    back_references: list[BackReference]
    whole_service: WholeService
    not_subject_names: str
    paragraph_types: list[str]
    near_words: int = Field(ge=0)
    counterparty_before: str
    source_after: str
    group_after: str
    subject_types: list[str] = Field(min_length=1)
    section_suffixes: list[str]
    place_name: str
    place_before: str
    sentence_place: str | None = None
    group_before: str | None = None
    national_documents: str | None = None
    place_types: list[PlaceType]
    document_fields: list[Literal["publisher", "title", "author"]]
    document_types: list[str]
    self_reference: SelfReference | None = None

    _check = field_validator(
        "counterparty_before", "source_after", "group_after", "place_before", "not_subject_names", "place_name"
    )(_pattern)
    _check_place = field_validator("sentence_place", "national_documents", "group_before")(
        lambda v: v if v is None else _pattern(v)
    )


class FactRules(_Model):
    context: ContextRules
    measure: MeasureRules
    period: PeriodRules
    subject: SubjectRules


class Compiled:
    """The rules with every pattern compiled once (what the extraction steps use)."""

    def __init__(self, rules: FactRules) -> None:
        self.model = rules
        c, m, p, s = rules.context, rules.measure, rules.period, rules.subject
        self.paragraph_ends = _compile(c.paragraph_ends)
        self.introduces = _compile(c.introduces)
        self.heading = _compile(c.heading_pattern, case=True)
        self.not_heading = _compile(c.not_heading)
        self.clause_breaks = _compile(c.clause_breaks)
        self.cues = [(cue, _compile(cue.pattern, cue.case)) for cue in m.cues]
        self.part_of = _compile(m.part_of)
        self.part_continues = _compile(m.part_continues)
        self.part_of_next = _compile(m.part_of_next)
        self.part_of_sentence = _compile(m.part_of_sentence) if m.part_of_sentence else None
        self.change_from = _compile(m.change_from)
        self.change_to = _compile(m.change_to)
        self.caption = _compile(m.caption, case=True) if m.caption else None
        self.table_title_cues = [(cue, _compile(cue.pattern, cue.case)) for cue in m.table_title_cues]
        self.financial_year = _compile(p.financial_year)
        self.fy_short = _compile(p.fy_short)
        self.april_to_march = _compile(p.april_to_march)
        self.run = _compile(p.run)
        self.calendar = _compile(p.calendar)
        self.calendar_after = _compile(p.calendar_after)
        self.not_calendar = _compile(p.not_calendar)
        self.relative = _compile(p.relative)
        self.this_year = _compile(p.this_year)
        self.annual_report = _compile(p.annual_report)
        self.comparison = _compile(p.comparison)
        self.continues = _compile(p.continues) if p.continues else None
        self.month_year = _compile(p.month_year) if p.month_year else None
        self.deadline = _compile(p.deadline) if p.deadline else None
        self.back_references = [(b, _compile(b.pattern)) for b in s.back_references]
        self.reference_names = {b.id: _compile(b.names, case=True) for b in s.back_references if b.names}
        self.counterparty_before = _compile(s.counterparty_before)
        self.group_after = _compile(s.group_after)
        self.source_after = _compile(s.source_after)
        self.whole_service = _compile(s.whole_service.pattern, case=True)
        self.not_subject_names = _compile(s.not_subject_names, case=True)
        self.place_before = _compile(s.place_before, case=True)
        self.place_name = _compile(s.place_name, case=True)
        self.sentence_place = _compile(s.sentence_place, case=True) if s.sentence_place else None
        self.group_before = _compile(s.group_before) if s.group_before else None
        self.national_documents = _compile(s.national_documents) if s.national_documents else None
        self.place_types = [(t, _compile(t.pattern)) for t in s.place_types]
        self.self_reference = (
            _compile("|".join(f"(?P<{t}>{p})" for t, p in s.self_reference.types.items()), case=True)
            if s.self_reference
            else None
        )


def validate(data: Any, path: Path) -> FactRules:
    """The typed rules of one parsed file; RuleError naming the entry and field otherwise."""
    return validate_model(FactRules, data, path)


@lru_cache(maxsize=4)
def load_rules(rules_dir: Path) -> Compiled:
    """rules/facts.yaml, validated and compiled (once per process)."""
    path = Path(rules_dir) / FILE
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise RuleError(path, "expected a mapping with context, measure, period and subject")
    return Compiled(validate(data, path))
