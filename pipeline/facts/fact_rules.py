"""rules/facts.yaml: the typed model of the facts rules, and its one loader.

The file is validated with pydantic when loaded; any error becomes a `RuleError` naming the file,
the entry (`measure.cues[3] (deficit.word)`) and the field, so a bad rule file stops the build
(exit 2) with a message a person can act on.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

import regex
from pydantic import Field

from pipeline.facts.prefilter import WordIndex, needs, pattern_needs
from pipeline.rules import Pattern, Regex, RuleModel, compiled, load_model, once

FILE = "facts.yaml"
MEASURES = ("deficit", "surplus", "control_total", "savings", "gap", "funding", "capital", "spend", "other")
YearSource = Literal["paragraph", "heading", "column_header", "document"]  # the sources of a year a rule may set aside
Measure = Literal["deficit", "surplus", "control_total", "savings", "gap", "funding", "capital", "spend", "other"]


def _compile(value: str, case: bool = False) -> regex.Pattern[str]:
    """`value` compiled, case-insensitive unless `case`. Case is folded simply (`(?-f)`: one character
    for one, as `str.lower` does), not fully (`ß` = `ss`): full folding, VERSION1's default, makes every
    search of these patterns 3-5 times slower, and the text they read is normalised English."""
    return compiled(value) if case else compiled("(?-f)" + value, regex.IGNORECASE)


class ContextRules(RuleModel):
    pdf_paragraph_gap: float = Field(gt=0)
    paragraph_ends: Pattern
    introduces: Pattern
    heading_max_words: int = Field(ge=1)
    # the characters a heading may open with besides a capital (the cheap test before `heading_pattern`)
    heading_first: str = "#0123456789"
    heading_pattern: Pattern
    not_heading: Pattern
    clause_breaks: Pattern
    carry_paragraphs: int = Field(ge=0)
    paragraph_lookback: int = Field(ge=0)
    max_reach: int = Field(ge=100)
    crowded: int = Field(ge=1)
    crowded_reach: int = Field(ge=10)
    place_heading_lookback: int = Field(ge=0)
    carry_unnamed: bool = True
    subject_carry_paragraphs: int = Field(default=0, ge=0)
    subject_carry_types: list[str] = Field(default_factory=list)
    # a token of spaCy's after a number that ends a sentence though the tokenizer keeps its full stop (`m.`)
    unit_end: Pattern | None = None


class Cue(RuleModel):
    id: Annotated[str, once("cue ids")]
    measure: Measure
    pattern: Pattern
    weight: float = Field(gt=0)
    max_words: int = Field(ge=0)
    side: Literal["before", "after", "either"] = "either"
    case: bool = False


class MeasureRules(RuleModel):
    distance_penalty: float = Field(ge=0)
    clause_penalty: float = Field(ge=0)
    min_score: float
    part_of: Pattern
    part_continues: Pattern
    part_of_next: Pattern
    aside_clause: Pattern | None = None
    part_of_sentence: Pattern | None = None
    part_list: Pattern | None = None
    change_from: Pattern
    change_to: Pattern
    after_penalty: float = Field(ge=0)
    head_words: int = Field(ge=0)
    head_bonus: float = Field(ge=0)
    own_noun_words: int = Field(ge=0)
    head_breaks: Pattern | None = None
    cues: list[Cue] = Field(min_length=1)
    table_title_cues: list[Cue]
    context_penalty: float | None = Field(default=None, ge=0)
    context_chars: int = Field(default=0, ge=0)
    context_min_reach: int = Field(default=0, ge=0)
    caption: Pattern | None = None
    caption_lookback: int = Field(default=0, ge=0)
    # a text document's lines of the same column above an amount with no cue (a converter that puts two
    # columns' lines in turn): how many to read, every other non-blank line (0: none)
    column_lines: int = Field(default=0, ge=0)
    column_chars: int = Field(default=0, ge=0)  # the longest line of such a column
    # a line that ends the column's reading: a bold label (`**Table 4 ...`), no sentence of the column
    column_label: Regex | None = None


class PeriodRules(RuleModel):
    # an amount no rule dates in a text document whose converter put two columns' lines in turn: the years of
    # its column's sentence, at most this many of the column's lines above and below it (0: not read)
    column_lines: int = Field(default=0, ge=0)
    column_month: Pattern | None = None  # ... a month above it there dates it where this ends right before it
    financial_year: Pattern
    fy_short: Pattern
    april_to_march: Pattern
    run: Pattern
    calendar: Pattern
    calendar_max_words: int = Field(ge=0)
    calendar_after: Pattern
    calendar_after_words: int = Field(ge=0)
    not_calendar: Pattern
    relative: Pattern
    this_year: Pattern
    annual_report: Pattern
    max_words_after: int = Field(ge=0)
    comparison: Pattern
    continues: Pattern | None = None
    nearest_wins: bool = False
    asides: bool = False
    owned_words: int | None = Field(default=None, ge=0)
    month_year: Pattern | None = None
    deadline: Pattern | None = None
    year_start_month: int = Field(default=4, ge=1, le=12)
    month_before_words: int | None = Field(default=None, ge=0)
    comparative_after: Pattern | None = None
    comparative_in: Pattern | None = None
    contrast_before: Pattern | None = None
    open_run: Pattern | None = None
    balance_date: Pattern | None = None
    balance_date_words: int = Field(default=0, ge=0)
    during_year: Pattern | None = None
    title_year: Pattern | None = None
    lookback_months: bool = False
    dating_month: Pattern | None = None
    lookback_calendar: bool = False
    # a deadline (`calendar`) before an amount anywhere in its sentence, not only within calendar_max_words
    calendar_in_sentence: bool = False
    # "over the four years to 2014-15": a run of financial years ending with the one named
    years_to: Pattern | None = None
    # a list item (`– If productivity rises by 1%, ... £211bn`) after the paragraph introducing its list
    # ("... found that by 2028/29:"), at most `list_items` items back: the year of that paragraph
    list_item: Pattern | None = None
    list_items: int = Field(default=0, ge=0)
    # "... short by £191m in five years": time words right after an amount naming no year
    relative_after: Pattern | None = None
    # words before a year that make it a reference, not a period ("Item 2025-26 (35)" of minutes)
    reference_before: Pattern | None = None
    # a calendar year (`calendar_after`: "in 2020") of an amount's sentence, not opening it: before the
    # amount within `calendar_before_words` words ("46,000 WTEs in 2020 is estimated to be around £2.05
    # billion"), after it as a financial year is (`max_words_after`)
    calendar_before_words: int | None = Field(default=None, ge=0)
    calendar_in_sentence_after: bool = False
    # words before a calendar year (in its clause) that make it the date of an event ("Since it was set up in
    # 2012, the AUPC has secured £12.5m")
    calendar_event: Pattern | None = None
    # a calendar year after these words in an earlier sentence carries as a deadline does ("... the minimum
    # estimate for 2030. It is worth contrasting the figure of £132 million ...")
    calendar_carried: Pattern | None = None
    # a table whose header runs over several lines: the years over its money columns, found at most this
    # many lines above the header row (0: not looked for), a calendar year in a cell as `column_calendar`
    header_year_lines: int = Field(default=0, ge=0)
    column_calendar: Pattern | None = None
    # a day before a heading's month (`24 September 2025`): a day's date, which dates what is under the
    # heading only when it starts a financial year (the 1st of `year_start_month`) or ends it
    # (`year_end_day` of the month before: `31 March 2025`)
    heading_day: Pattern | None = None
    year_end_day: int = Field(default=31, ge=1, le=31)
    # a heading that is a month alone dates what is under it only in a timeline: another such heading at
    # most `timeline_paragraphs` paragraphs before or after it
    month_heading: Pattern | None = None
    timeline_paragraphs: int = Field(default=0, ge=0)
    # a `relative` word earlier in the amount's paragraph stops its section heading's year
    heading_after_relative: bool = False
    # ... nor the year of an earlier sentence of its paragraph, or of the paragraph it carries from, before these
    # words (rule period.relative)
    carry_stops: Pattern | None = None
    # prose right under an accounts table takes the latest year over the columns of the rows of cells at most this
    # many lines above its amount's line (rule period.table_above; 0: never)
    table_above_lines: int = Field(default=0, ge=0)
    # a Markdown bold line alone naming a year and a word (`**2024/25 7 Commitments**`) dates the amounts
    # at most `bold_heading_lines` lines under it that nothing nearer dates, up to a `marked_heading`
    bold_heading: Pattern | None = None
    bold_heading_words: int = Field(default=10, ge=1)
    bold_heading_lines: int = Field(default=0, ge=0)
    marked_heading: Pattern | None = None
    bold_heading_stop: Pattern | None = None
    # measure rules of amounts that have no year (a trust's capitalisation threshold): a heading's or the
    # document's year does not date them (rule period.undated); a year in their own sentence still does
    undated_measures: list[str] = Field(default_factory=list)
    # ... the sources of a year that do not date them (`money_facts.period_source`): a year carried from an earlier
    # sentence or paragraph is the time its own sentence spoke of, not the threshold's
    undated_sources: list[YearSource] = Field(default_factory=lambda: list[YearSource](["heading", "document"]))
    # an amount no rule dates, after an amount of its sentence dated by its comparative bracket, is a part of it:
    # its year (rule period.comparative_part)
    comparative_parts: bool = False
    # a calendar year closing the sentence just before an amount's carries to it as a financial year does
    calendar_closing: Pattern | None = None
    # a bracket opened with a date and a colon at the end of the paragraph before an amount that closes it
    split_bracket: Pattern | None = None
    split_bracket_close: Pattern | None = None
    split_sentence_end: Pattern | None = None


class BackReference(RuleModel):
    id: str
    pattern: Pattern
    types: list[str]
    names: Pattern | None = None
    suffix: str = ""


class PlaceType(RuleModel):
    id: str
    type: str
    pattern: Pattern  # words of the sentence that say the type (`acute trusts`)
    suffixes: list[str] = Field(min_length=1)


class WholeService(RuleModel):
    id: str
    pattern: Pattern
    name: str
    # words (no `NHS` in them) that speak of the health service's money as a whole ("total health spending in
    # England", "UK spending on healthcare"): read as the whole service, like `pattern`
    words: Pattern | None = None


class SelfReference(RuleModel):
    min_uses: int = Field(ge=1)
    types: dict[str, Pattern] = Field(min_length=1)  # type of body -> the words its own papers call it


class TitlePage(RuleModel):
    lines: int = Field(ge=1)  # the first non-blank lines read as the title page
    max_chars: int = Field(ge=1)  # longer lines are prose, not a title page's
    markup: Pattern  # taken out before the bodies are looked for (Markdown emphasis, escapes)


class Drop(RuleModel):
    type: str | None = None  # of bodies of this type only; every type when absent
    pattern: Pattern  # taken out of the name as written


class AsWritten(RuleModel):
    reporting_name: Pattern  # a known body's name that is no name of the body (ODS's, with its code)
    drop: list[Drop]


class NamedAfter(RuleModel):
    """Words after a body's name that name another organisation after it ("Leeds Hospitals Charity")."""

    id: str
    pattern: Pattern  # matched right after the body mention
    type: str  # the type its mentions have among the subject rules' types (paragraph_types, ...)
    body_type: str  # its `bodies` row's type


class NotABody(RuleModel):
    id: str
    before: Pattern | None = None  # searched in the clause before the amount, anchored at its end with `$`
    after: Pattern | None = None  # matched right after the amount
    clause: Pattern | None = None  # searched in the clause before the amount


class SubjectRules(RuleModel):
    back_references: list[BackReference]
    whole_service: WholeService
    not_subject_names: Pattern
    paragraph_types: list[str]
    near_words: int = Field(ge=0)
    counterparty_before: Pattern
    source_after: Pattern
    group_after: Pattern
    subject_types: list[str] = Field(min_length=1)
    section_suffixes: list[str]
    place_name: Pattern
    place_before: Pattern
    sentence_place: Pattern | None = None
    group_before: Pattern | None = None
    # an amount right after these words, or right before `not_a_body_after`, is a place's or the economy's,
    # no one body's finances ("the city's £2 billion Innovation Arc", "£13 billion in economic growth for
    # the city"); a clause holding `not_a_body_clause` before its amount speaks of money of no one body ("the
    # public health grant in 2025/26 is £3.86bn": the councils')
    not_a_body: NotABody | None = None
    national_documents: Pattern | None = None
    # measures whose amounts a national paper's `NHS` is not given to (pay, prices, markets: `other`)
    national_not_measures: list[Measure] = Field(default_factory=list)
    # amounts whose measure these cue rules decide are no body's finances (a price, a unit cost): no subject
    no_subject_cues: list[str] = Field(default_factory=list)
    place_types: list[PlaceType]
    document_fields: list[Literal["publisher", "title", "author"]]
    document_types: list[str]
    self_reference: SelfReference | None = None
    title_page: TitlePage | None = None
    title_lead_words: int = Field(default=0, ge=0)
    as_written: AsWritten | None = None
    named_after: NamedAfter | None = None


class SpendingListRules(RuleModel):
    document: Pattern  # the title or file name of a list of payments
    subject_id: str
    row_subject_id: str
    row_dates: list[Pattern] = Field(min_length=1)  # groups d, m (or mon), y
    row_date_id: str
    list_month: Pattern  # groups y, m
    list_month_id: str


class FactRules(RuleModel):
    context: ContextRules
    measure: MeasureRules
    period: PeriodRules
    subject: SubjectRules
    spending_list: SpendingListRules | None = None


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
        self.unit_end = _compile(c.unit_end) if c.unit_end else None
        self.cues = [(cue, _compile(cue.pattern, cue.case)) for cue in m.cues]
        self.cue_needs = [needs(cue.pattern) for cue in m.cues]  # words each cue's matches hold (prefilter)
        self.cue_index = WordIndex(self.cue_needs)  # the cues a text's words let match, found in one go
        # the cues that speak from afar (`measure.context_cue`): on either side, of a reach of `context_min_reach`
        reach = m.context_min_reach
        self.context_cues = [k for k, c in enumerate(m.cues) if c.side == "either" and c.max_words >= reach]
        self.context_index = WordIndex([self.cue_needs[k] for k in self.context_cues])
        self.part_of = _compile(m.part_of)
        self.part_continues = _compile(m.part_continues)
        self.part_of_next = _compile(m.part_of_next)
        self.aside_clause = _compile(m.aside_clause) if m.aside_clause else None
        self.part_of_sentence = _compile(m.part_of_sentence) if m.part_of_sentence else None
        self.part_list = _compile(m.part_list) if m.part_list else None
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
        self.comparative_after = _compile(p.comparative_after) if p.comparative_after else None
        self.comparative_in = _compile(p.comparative_in) if p.comparative_in else None
        self.contrast_before = _compile(p.contrast_before) if p.contrast_before else None
        self.open_run = _compile(p.open_run) if p.open_run else None
        self.carry_stops = _compile(p.carry_stops) if p.carry_stops else None
        self.balance_date = _compile(p.balance_date) if p.balance_date else None
        self.dating_month = _compile(p.dating_month) if p.dating_month else None
        self.during_year = _compile(p.during_year) if p.during_year else None
        self.title_year = _compile(p.title_year) if p.title_year else None
        self.years_to = _compile(p.years_to) if p.years_to else None
        self.list_item = _compile(p.list_item) if p.list_item else None
        self.relative_after = _compile(p.relative_after) if p.relative_after else None
        self.reference_before = _compile(p.reference_before) if p.reference_before else None
        self.calendar_carried = _compile(p.calendar_carried) if p.calendar_carried else None
        self.calendar_event = _compile(p.calendar_event) if p.calendar_event else None
        self.column_calendar = _compile(p.column_calendar) if p.column_calendar else None
        self.heading_day = _compile(p.heading_day) if p.heading_day else None
        self.month_heading = _compile(p.month_heading) if p.month_heading else None
        self.bold_heading = _compile(p.bold_heading, case=True) if p.bold_heading else None
        self.marked_heading = _compile(p.marked_heading, case=True) if p.marked_heading else None
        self.bold_heading_stop = _compile(p.bold_heading_stop) if p.bold_heading_stop else None
        self.calendar_closing = _compile(p.calendar_closing) if p.calendar_closing else None
        self.split_bracket = _compile(p.split_bracket) if p.split_bracket else None
        self.split_bracket_close = _compile(p.split_bracket_close) if p.split_bracket_close else None
        self.split_sentence_end = _compile(p.split_sentence_end) if p.split_sentence_end else None
        self.head_breaks = _compile(m.head_breaks) if m.head_breaks else None
        self.back_references = [(b, _compile(b.pattern)) for b in s.back_references]
        self.reference_names = {b.id: _compile(b.names, case=True) for b in s.back_references if b.names}
        self.counterparty_before = _compile(s.counterparty_before)
        self.group_after = _compile(s.group_after)
        self.column_month = _compile(p.column_month, case=True) if p.column_month else None
        self.source_after = _compile(s.source_after)
        self.whole_service = _compile(s.whole_service.pattern, case=True)
        self.whole_service_words = _compile(s.whole_service.words) if s.whole_service.words else None
        self.whole_service_needs = pattern_needs(self.whole_service_words) if self.whole_service_words else None
        nb = s.not_a_body
        self.not_a_body_before = _compile(nb.before) if nb and nb.before else None
        self.not_a_body_after = _compile(nb.after) if nb and nb.after else None
        self.not_a_body_clause = _compile(nb.clause) if nb and nb.clause else None
        self.not_subject_names = _compile(s.not_subject_names, case=True)
        self.place_before = _compile(s.place_before, case=True)
        self.place_name = _compile(s.place_name, case=True)
        self.sentence_place = _compile(s.sentence_place, case=True) if s.sentence_place else None
        self.group_before = _compile(s.group_before) if s.group_before else None
        self.national_documents = _compile(s.national_documents) if s.national_documents else None
        self.place_types = [(t, _compile(t.pattern)) for t in s.place_types]
        self.title_page_markup = _compile(s.title_page.markup) if s.title_page else None
        self.self_reference = (
            _compile("|".join(f"(?P<{t}>{p})" for t, p in s.self_reference.types.items()), case=True)
            if s.self_reference
            else None
        )
        aw = s.as_written
        self.reporting_name = _compile(aw.reporting_name, case=True) if aw else None
        self.named_after = _compile(s.named_after.pattern, case=True) if s.named_after else None
        self.written_drops = [(d.type, _compile(d.pattern, case=True)) for d in aw.drop] if aw else []
        sl = rules.spending_list
        self.spending_list = _compile(sl.document) if sl else None
        self.row_dates = [_compile(d) for d in sl.row_dates] if sl else []
        self.list_month = _compile(sl.list_month) if sl else None


@lru_cache(maxsize=4)
def load_rules(rules_dir: Path) -> Compiled:
    """rules/facts.yaml, validated and compiled (once per process)."""
    return Compiled(load_model(FactRules, Path(rules_dir) / FILE))
