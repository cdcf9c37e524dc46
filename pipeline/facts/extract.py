"""extract_facts: one `money_facts` row per amount of money of one document.

    extract_facts(document, lines, money, bodies, rules, lookup, named_in) -> rows

`money` and `bodies` are the document's money and body mentions (raw offsets, as the extractors
give them), `lines` its normalised lines, `rules` the compiled rules/facts.yaml, `lookup` a
function from a name to the known body it is (pipeline/facts/subject.py) and `named_in` one from a
text (the manifest's publisher or title) to the known body it names; None: no bodies are known. Each row says
the subject, measure and period with the rule that decided each, and `basis`: for each field the
rule id, the deciding words and their spans in the raw lines (page, line, char_start, char_end,
text, so ``line.text[char_start:char_end] == text``).
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import attrgetter, contains
from typing import Any

import regex

from pipeline.facts import accounts as acc
from pipeline.facts.basis_json import encode_item, encode_list
from pipeline.facts.context import Paragraph, Paragraphs, clause_of, sentence_of
from pipeline.facts.fact_rules import Compiled
from pipeline.facts.measure import CueHit, Decision, context_cue, cue_hits, score_cues, title_measure
from pipeline.facts.period import (
    YearHit,
    after_comparative,
    another_day,
    balance_dates,
    calendar_years,
    carried_calendars,
    deadlines,
    header_years,
    heading_months,
    is_month_heading,
    month_years,
    nearest,
    reporting_year,
    sentence_calendars,
    title_year,
    years,
)
from pipeline.facts.prefilter import could_match, folded, pattern_needs
from pipeline.facts.spending import (
    DateHit,
    is_spending_list,
    lead_body,
    list_month,
    payment_date,
    row_dates,
    writes_name,
)
from pipeline.facts.subject import BodyRef, Known, title_page_text
from pipeline.model import Document, Mention, mention_id
from pipeline.normalise import NormLine

Lookup = Callable[[str], Known | None]


@dataclass
class Amount:
    mention: Mention
    para: int
    start: int  # paragraph offsets of the amount
    end: int
    table: bool
    crowded: bool = False  # among many amounts with no sentence end: read with a short reach


@dataclass
class Subject:
    body_id: str | None
    name: str | None
    rule: str
    span: tuple[int, int, int] | None = None  # (paragraph, start, end) of the deciding words
    words: str | None = None  # deciding words not in the text (a manifest field)


@dataclass
class Period:
    value: str | None
    source: str  # sentence | paragraph | heading | column_header | document | none
    rule: str
    span: tuple[int, int, int] | None = None
    words: str | None = None


@dataclass
class _State:
    measure: Decision
    whole: Decision  # the measure of the figure this one is a part of (itself when none)
    part: bool


def to_norm(nl: NormLine, start: int, end: int) -> tuple[int, int]:
    """Normalised offsets of a raw span (the inverse of NormLine.to_raw, at piece precision)."""
    if not nl.pieces:
        return start, end
    r0s = [p.r0 for p in nl.pieces]

    def one(pos: int, is_end: bool) -> int:
        i = max(bisect_right(r0s, pos - (1 if is_end else 0)) - 1, 0)
        p = nl.pieces[i]
        if p.same:
            return p.n0 + min(pos - p.r0, p.n1 - p.n0)
        return p.n1 if is_end else p.n0

    s, e = one(start, False), one(end, True)
    return s, max(e, s)


def extract_facts(
    document: Document,
    lines: Sequence[NormLine],
    money: Sequence[Mention],
    bodies: Sequence[Mention],
    rules: Compiled,
    lookup: Lookup | None = None,
    named_in: Lookup | None = None,
    site_of: Lookup | None = None,
    accounts: acc.AccountsRules | None = None,
    written: Callable[[str, str], Known | None] | None = None,
    founded: Callable[[str, str], Known] | None = None,
    marks: regex.Pattern[str] | None = None,
) -> list[dict[str, Any]]:
    if not money:
        return []
    lookup = lookup or (lambda _name: None)
    named_in = named_in or lookup
    paras = Paragraphs(document, lines, rules)  # each built when first read
    refs = _BodyRefs(bodies, lines, paras, rules, written, founded)
    amounts = []
    for m in sorted(money, key=lambda m: (m.line_index, m.start)):
        p = paras.containing(m.line_index)
        s, e = to_norm(lines[m.line_index], m.start, m.end)
        table = p.table or m.values.get("basis", "text") != "text"
        amounts.append(Amount(m, p.index, p.at(m.line_index, s), p.at(m.line_index, e), table))
    doc_body = _document_body(document, rules, named_in, bodies, lookup)
    facts = _Facts(document, lines, paras, refs, rules, lookup, doc_body, site_of)
    facts.accounts = accounts
    facts.marks = marks
    facts.title_page = _title_page_body(document, rules, named_in)
    for a in amounts:
        facts.amounts_in.setdefault(a.para, []).append(a)
        facts.cells_on.setdefault(a.mention.line_index, []).append(a)
    rows = []
    previous: tuple[Amount, _State] | None = None
    main: tuple[Amount, _State] | None = None  # the last amount in no aside clause (`aside_clause`)
    subjects: dict[tuple[int, int], Subject] = {}  # (paragraph, start) of each amount read: its subject
    dated: tuple[Amount, Period] | None = None  # the last amount dated by its comparative bracket
    for a in amounts:
        p = paras[a.para]
        sent = sentence_of(p, a.start, unit_end=rules.unit_end)
        # what is read around one amount is bounded, so a line of 40,000 amounts costs linear time
        reach = rules.model.context.max_reach
        sent = (max(sent[0], a.start - reach), min(sent[1], a.end + reach))
        if len(facts._amounts_between(a.para, sent[0], sent[1])) > rules.model.context.crowded:
            # a list or table of amounts with no sentence ends: each amount is read with its neighbours
            reach = rules.model.context.crowded_reach
            sent = (max(sent[0], a.start - reach), min(sent[1], a.end + reach))
            a.crowded = True
        prev = previous if previous and previous[0].para == a.para and previous[0].start >= sent[0] else None
        earlier = previous if previous and previous[0].para == a.para else None
        if prev is not None and facts.aside(prev[0], sent) and facts._clause(prev[0], sent) != facts._clause(a, sent):
            # "... £27.3m – despite planning for a surplus of £3.6m; Queen Elizabeth around £20m": the amount
            # before the aside passes its measure on
            prev = main if main and main[0].para == a.para and main[0].start >= sent[0] else None
        state = facts.measure(a, sent, prev, earlier)
        period = facts.period(a, sent)
        if period.rule == "period.none" and rules.model.period.comparative_parts and dated is not None:
            if dated[0].para == a.para and dated[0].start >= sent[0]:  # "£257m (£228m in 2023/24) ... (£160m ...)"
                period = Period(dated[1].value, "sentence", "period.comparative_part", dated[1].span)
        if period.rule == "period.none" and not a.table:
            period = facts.column_year(a) or period  # two columns' lines in turn: its column's sentence
        if period.rule == "period.comparative":
            dated = (a, period)
        undated = rules.model.period
        if period.source in undated.undated_sources and state.measure.rule in undated.undated_measures:
            period = Period(None, "none", "period.undated")  # "the item has cost of at least £5,000" under a year
        if state.measure.rule in rules.model.subject.no_subject_cues and state.measure.span is not None:
            # a price or a unit cost ("training for doctors at a total cost of £162,000"): no body's finances
            at = a.para if state.measure.para is None else state.measure.para
            subject = Subject(None, None, "subject.unit_cost", (at, *state.measure.span))
        else:
            subject = facts.subject(a, sent, state.measure.value)
        subject = _whole_subject(subject, state.measure, subjects.get((a.para, (state.measure.span or (-1,))[0])))
        subjects[(a.para, a.start)] = subject
        rows.append(facts.row(a, state.measure, period, subject))
        previous = (a, state)
        if not facts.aside(a, sent):
            main = previous
    return rows


def _whole_subject(subject: Subject, measure: Decision, whole: Subject | None) -> Subject:
    """A part of a larger figure (measure rule `measure.part_of`) that no rule gives a subject of its own
    is the whole's ("the NHS would need an extra £30 billion by 2020 ... Of this figure, the FYFV suggested
    that the government should provide £8 billion": the NHS's), rule `subject.part_of`, its words the
    whole's."""
    if subject.rule != "subject.none" or measure.rule != "measure.part_of" or measure.para is not None:
        return subject
    if whole is None or whole.rule == "subject.none" or (whole.body_id is None and whole.name is None):
        return subject
    return Subject(whole.body_id, whole.name, "subject.part_of", whole.span, whole.words)


class _BodyRefs:
    """The bodies each paragraph names (`BodyRef`s in order of their start), found when a paragraph's are
    first read: the body mentions of its lines (of the subject types, no `not_subject_names`), and in
    prose the words naming the service as a whole (`whole_service`). Most of a long document's paragraphs
    are read by no amount, and the whole-service scan reads a paragraph's whole text."""

    def __init__(
        self,
        bodies: Sequence[Mention],
        lines: Sequence[NormLine],
        paras: Paragraphs,
        rules: Compiled,
        written: Callable[[str, str], Known | None] | None = None,
        founded: Callable[[str, str], Known] | None = None,
    ) -> None:
        self.lines, self.paras, self.rules = lines, paras, rules
        self.founded = founded
        self.memo: dict[int, list[BodyRef]] = {}
        types = set(rules.model.subject.subject_types)
        # each name's two tests, made once (a document names the same few bodies again and again): (no
        # subject's name, a reporting name)
        self.tested: dict[str, tuple[bool, bool]] = {}
        reporting = rules.reporting_name if written is not None else None
        # the mentions that may be subjects, by line (in `bodies` order), each with its body's id and name
        self.on_line: dict[int, list[tuple[Mention, str, str]]] = {}
        for b in bodies:
            if b.values.get("type") not in types or not paras.holds(b.line_index):
                continue
            name = b.values["name"]
            test = self.tested.get(name)
            if test is None:
                test = self.tested[name] = (
                    rules.not_subject_names.search(name) is not None,
                    reporting is not None and reporting.search(name) is not None,
                )
            if test[0]:
                continue
            body_id = b.values["body_id"]
            if written is not None and test[1]:
                # a reporting name of ODS (`... ICB - 93C`): the body as the mention writes it (`subject.as_written`);
                # here, for every mention in turn (`written` keeps the last words of each body it makes)
                known = written(name, b.text)
                if known is not None:
                    body_id, name = known.body_id, known.name
            self.on_line.setdefault(b.line_index, []).append((b, body_id, name))
        self.named_lines = sorted(self.on_line)
        self.lines_of: dict[frozenset[str], list[int]] = {}  # types -> the lines naming a body of one of them

    def names_a_body(self, p: Paragraph) -> bool:
        """Whether a line of paragraph p has a mention of a body (of the subject types), found among the lines
        from its first to its last: those between that are not its own are blank, and name none."""
        named = self.named_lines
        at = bisect_left(named, p.lines[0])
        return at < len(named) and named[at] <= p.lines[-1]

    def of(self, k: int) -> list[BodyRef]:
        """Paragraph k's bodies, in order of their start (found once a paragraph)."""
        found = self.memo.get(k)
        if found is None:
            found = self.memo[k] = self._find(self.paras[k])
        return found

    def _find(self, p: Paragraph) -> list[BodyRef]:
        rules, founded = self.rules, self.founded
        out = []
        for li in p.lines:
            for b, body_id, name in self.on_line.get(li, ()):
                s, e = to_norm(self.lines[b.line_index], b.start, b.end)
                start, end, kind = p.at(b.line_index, s), p.at(b.line_index, e), b.values["type"]
                after = rules.model.subject.named_after
                hit = rules.named_after.match(p.text, end) if rules.named_after is not None and founded else None
                if hit is not None and after is not None and founded is not None:
                    # "Leeds Hospitals Charity": another organisation named after the body, whose money is its own
                    known = founded(" ".join(p.text[start : hit.end()].split()), after.body_type)
                    body_id, name, end, kind = known.body_id, known.name, hit.end(), after.type
                out.append(BodyRef(p.index, start, end, body_id, name, kind))
        if not (p.heading or p.table):
            ws = rules.model.subject.whole_service
            words, needed = rules.whole_service_words, rules.whole_service_needs
            hits = list(rules.whole_service.finditer(p.text)) if "NHS" in p.text else []
            if words is not None and could_match(needed, folded(p.text)):
                # "total health spending in England", "UK spending on healthcare": the service's money as a whole
                hits.extend(words.finditer(p.text))
            here = out[:]
            for hit in hits:
                if not any(r.start < hit.end() and hit.start() < r.end for r in here):
                    out.append(BodyRef(p.index, hit.start(), hit.end(), "", ws.name, _WHOLE_SERVICE))
        out.sort(key=_START)  # (stable: a line's mentions stay in their order)
        return out

    def last_of_types(
        self, p: Paragraph, pos: int, first: int, types: set[str], names: regex.Pattern[str] | None
    ) -> BodyRef | None:
        """The last body of these types named before `pos` of paragraph `p`, back to paragraph `first`. Only
        the paragraphs naming a body of these types are read when no whole-service words are asked for."""
        k: int | None = p.index
        every = _WHOLE_SERVICE in types
        named = [] if every else self._lines_naming(types)
        while k is not None and k >= first:
            for r in reversed(self.of(k)):
                if (k != p.index or r.start < pos) and r.type in types and (names is None or names.search(r.name)):
                    return r
            if every:
                k = self.paras.before(k)
            else:  # the nearest paragraph before k naming one
                at = bisect_left(named, k) - 1  # (a paragraph's key is its first line)
                k = self.paras.containing(named[at]).index if at >= 0 else None
        return None

    def _lines_naming(self, types: set[str]) -> list[int]:
        """The lines with a mention of a body of these types (any mention's, when a body named after one
        may be of them: `named_after`), in order."""
        key = frozenset(types)
        if key not in self.lines_of:
            after = self.rules.model.subject.named_after
            if after is not None and after.type in types:
                self.lines_of[key] = self.named_lines
            else:
                self.lines_of[key] = [
                    li for li in self.named_lines if any(b.values["type"] in types for b, _, _ in self.on_line[li])
                ]
        return self.lines_of[key]


_WHOLE_SERVICE = "national"  # the type of the words naming the service as a whole (`whole_service`)
_START = attrgetter("start")


def _document_body(
    document: Document,
    rules: Compiled,
    lookup: Lookup,
    bodies: Sequence[Mention] = (),
    exact: Lookup | None = None,
) -> tuple[Known, str] | None:
    """The body the document is by (its manifest publisher, else title), when that is a known body;
    with no publisher, the body the text speaks of as itself (`_self_named`)."""
    for name in rules.model.subject.document_fields:
        value = document.meta.get(name)
        if value:
            known = lookup(str(value))
            if known is not None and known.type in rules.model.subject.document_types:
                return known, name
    if document.meta.get("publisher"):
        return None
    words = rules.model.subject.title_lead_words
    if words and exact is not None:
        # an inferred title ("nhs tower hamlets ccg payments over 30k 2020 05"): a body named at its start
        known = lead_body(str(document.meta.get("title") or ""), exact, words)
        if known is not None and known.type in rules.model.subject.document_types:
            return known, "title"
    known = _title_page_body(document, rules, lookup)
    if known is not None and known.type in rules.model.subject.document_types:
        return known, "title_page"
    return _self_named(document, rules, bodies)


def _title_page_body(document: Document, rules: Compiled, named_in: Lookup) -> Known | None:
    """The body a document with no publisher names first on its title page or in its running heads
    (`subject.title_page`): "The Leeds Teaching Hospitals NHS Trust Annual Report and Accounts"."""
    tp = rules.model.subject.title_page
    if tp is None or rules.title_page_markup is None or document.meta.get("publisher"):
        return None
    text = title_page_text(document, tp.lines, tp.max_chars, rules.title_page_markup)
    return named_in(text) if text else None


def _self_named(document: Document, rules: Compiled, bodies: Sequence[Mention]) -> tuple[Known, str] | None:
    """A document with no publisher (no manifest entry) that calls a body "the Trust" (capitalised, as
    its own papers do) at least `self_reference.min_uses` times is that body's: the body of that type it
    names most often ("Leeds Teaching Hospitals" in "ltht-annual-report-2024-25.md")."""
    ref = rules.model.subject.self_reference
    if ref is None or rules.self_reference is None:
        return None
    uses: dict[str, int] = {}
    # one scan of the whole text (the words of a pattern never span a line break)
    for hit in rules.self_reference.finditer("\n".join(line.text for line in document.lines)):
        key = next(k for k, v in hit.groupdict().items() if v)
        uses[key] = uses.get(key, 0) + 1
    types = {t for t, n in uses.items() if n >= ref.min_uses}
    counts: dict[str, int] = {}
    names: dict[str, tuple[str, str]] = {}
    for b in bodies:
        t = b.values.get("type")
        if t in types and b.values.get("body_id"):
            counts[b.values["body_id"]] = counts.get(b.values["body_id"], 0) + 1
            names[b.values["body_id"]] = (b.values["name"], t)
    if not counts:
        return None
    body_id = max(sorted(counts), key=lambda k: counts[k])
    if counts[body_id] < ref.min_uses:
        return None
    name, t = names[body_id]
    return Known(body_id, name, t, ()), "self_reference"


class _Facts:
    def __init__(
        self,
        document: Document,
        lines: Sequence[NormLine],
        paras: Paragraphs,
        refs: _BodyRefs,
        rules: Compiled,
        lookup: Lookup,
        doc_body: tuple[Known, str] | None,
        site_of: Lookup | None = None,
    ) -> None:
        self.document, self.lines, self.paras, self.refs = document, lines, paras, refs
        self.rules, self.lookup, self.doc_body = rules, lookup, doc_body
        self.site_of = site_of
        self.amounts_in: dict[int, list[Amount]] = {}
        self.starts_in: dict[int, list[int]] = {}
        self.carried_from: dict[int, Period | None] = {}  # `_carried_from` of each paragraph carried from
        self.cue_hits: dict[tuple[int, int, int], list[CueHit]] = {}  # of the last sentence read
        self.clauses: dict[tuple[int, int, int, int], tuple[int, int]] = {}
        self.clause_starts: dict[tuple[int, int, int, int], int] = {}  # `_clause_start`, where no clause is read
        self.aside_words: dict[int, int] = {}  # `_last_aside_word` of each paragraph
        self.year_hits: dict[tuple[int, int, int], list[YearHit]] = {}
        self.earlier_hits: dict[tuple[int, int, int], list[YearHit]] = {}
        self.during_hits: dict[tuple[int, int, int], regex.Match[str] | None] = {}
        self.sentence_deadlines: dict[tuple[int, int, int], list[YearHit]] = {}
        self.header_year_hits: dict[tuple[int, int], list[tuple[int, YearHit]]] = {}
        self.timeline: dict[int, bool] = {}
        self.heading_hits: dict[int, list[YearHit]] = {}  # `_heading_years` of each section heading read
        self.month_headings: dict[int, bool] = {}  # whether a paragraph is a heading that is a month alone
        self.spending_rows: dict[tuple[int, int], list[DateHit]] = {}  # a spending row's dates (paragraph, row)
        self.header_years: dict[str, list[YearHit]] = {}  # `_header_years`: a `fin_year` text's years
        self.starred_lines: dict[int, list[int]] = {}  # each block of lines' lines opening with `*` (`_starred`)
        self.bold_heads: dict[int, YearHit | None] = {}  # a bold line's year where it is a bold heading
        self.bold_stops: dict[int, int] = {}  # a bold heading's line -> the first line ending its reach
        self.place_of: dict[int, bool] = {}
        self.title_measure: dict[int, Decision | None] = {}
        self.title_period: dict[int, Period | None] = {}
        title = str(document.meta.get("title") or "")
        self.title = title
        self.annual = rules.annual_report.search(title) is not None or document.meta.get("kind") == "annual report"
        self.report_year = reporting_year(title, str(document.meta.get("date") or ""), rules) if self.annual else None
        # the year of an annual report's accounts ("during the year"): also from a title inferred from a
        # file name ("ltht annual report 2024 25")
        self.accounts_year = (self.report_year or title_year(title, rules)) if self.annual else None
        self.title_years = years(title, 0, len(title), rules)
        self.spending = is_spending_list(document.meta, document.path, rules)
        self.accounts: acc.AccountsRules | None = None  # rules/facts_accounts.yaml (accounts tables' cells)
        self.column_periods: dict[int, list[Period] | None] = {}
        self.texts: list[str] = []
        self.line_kinds: acc.LineKinds | None = None  # what each of `texts` is (a row of cells, header cells)
        self.marks: regex.Pattern[str] | None = None  # bold around a cell (`**£000 **`): table_money.yaml's
        self.title_lines: dict[int, list[int]] = {}
        self.title_measures: dict[tuple[int, bool], tuple[acc.Found, bool] | None] = {}
        self.title_dates: dict[int, Period | None] = {}
        self.title_line_years: dict[int, list[YearHit]] = {}  # the years or months of a title line (`_texts`)
        self.title_cue_memo: dict[int, tuple[bool, int, int]] = {}  # each title line's cue (`acc.title_measure`)
        self.header_runs: dict[int, tuple[int, list[int]] | None] = {}
        self.label_memo: dict[tuple[int, bool], acc.Found | None] = {}
        self.row_dates: dict[int, dict[int, int | None]] = {}  # per header: each line's balance-date label
        self.row_date_periods: dict[int, Period | None] = {}  # a balance-date label line's period
        self.group_heads: list[int] | None = None  # the lines heading a group of rows (`row_groups`), found once
        self.cells_on: dict[int, list[Amount]] = {}  # the amounts of each line (accounts cells' rows)
        self.run_columns: dict[tuple[int, int], int] = {}  # a cell's column (line, start) in a run of cells
        self.even_groups: dict[int, int] = {}  # first header cell -> how many years head equal groups of columns
        self.line_index: dict[tuple[int | None, int], int] = {}
        self.title_page: Known | None = None  # the body a document with no publisher names on its title page
        self.national: tuple[Subject | None] | None = None  # `_national_document`, found once
        self.doc_subjects: dict[str, Subject] = {}  # rule -> the document's own body as subject (`_doc_subject`)
        self.mine: dict[int, list[BodyRef]] = {}  # each paragraph's bodies that are no counterparty (`_mine`)
        self.table_title: tuple[Decision | None] | None = None  # `title_measure` of the title, found once
        self.first_cells: dict[int, int] = {}  # each table paragraph's first cell's end (`text_first_cell`)
        self.payers: dict[str, bool] = {}  # whether the title or publisher writes a body's name (`_payer`)
        self.row_of_line: dict[int, dict[int, int]] = {}  # each paragraph's line index -> its place in `lines`
        self.basis_texts: dict[tuple[str, str, tuple[int, int, int] | None, str | None], str] = {}  # `_basis_text`

    # -- measure ----------------------------------------------------------------------------------

    def measure(
        self,
        a: Amount,
        sent: tuple[int, int],
        prev: tuple[Amount, _State] | None,
        earlier: tuple[Amount, _State] | None = None,
    ) -> _State:
        p = self.paras[a.para]
        text, rules = p.text, self.rules
        d: Decision | None
        if self._accounts_cell(a):
            d = self._accounts_measure(a)
            if d is not None:
                return _State(d, d, False)
        if prev is None and earlier is not None and rules.part_of_sentence is not None:
            # "... rise to £548M by the end of 2020/21. Of this, £397M is attributed to ...": a part
            if rules.part_of_sentence.search(text[earlier[0].end : a.start]):
                whole = earlier[1].whole
                d = Decision(whole.value, "measure.part_of", (earlier[0].start, earlier[0].end))
                return _State(d, whole, True)
        if prev is not None:
            between = text[prev[0].end : a.start]
            whole = prev[1].whole
            # `part_of` is run only where a word every match holds is there (`prefilter`): between most amounts, none
            part_of = could_match(pattern_needs(rules.part_of), folded(between)) and rules.part_of.search(between)
            if part_of or (prev[1].part and rules.part_continues.fullmatch(between)):
                d = Decision(whole.value, "measure.part_of", (prev[0].start, prev[0].end))
                return _State(d, whole, True)
            if rules.change_to.search(between) and rules.change_from.search(
                text, max(0, prev[0].start - 30), prev[0].start
            ):
                d = Decision(prev[1].measure.value, "measure.from_to", (prev[0].start, prev[0].end))
                return _State(d, d, False)
        d = None
        if a.table:
            if self.table_title is None:  # the document's title is read once
                self.table_title = (title_measure(self.title, rules),)
            d = self.table_title[0]
        if d is None:
            d = self._cues(a, sent)
            nxt = self._next_in_sentence(a, sent)
            if nxt is not None and rules.part_of_next.match(text[a.end : nxt.start]):
                of_next = self._cues(nxt, sent)
                if of_next is not None:
                    d = Decision(of_next.value, "measure.part_of", (nxt.start, nxt.end))
        if d is None and prev is not None:
            d = Decision(prev[1].measure.value, "measure.same_sentence", (prev[0].start, prev[0].end))
        if d is None:
            d = self._context_measure(a, sent, earlier)
        if d is None and not a.table:
            d = self._column_measure(a)
        if d is None:
            d = Decision("other", "measure.none")
        return _State(d, d, self._opens_list(a, sent, prev))

    def _column_measure(self, a: Amount) -> Decision | None:
        """No cue anywhere near: the cue words of the lines of the amount's own column, where a text document's
        converter put two columns' lines in turn ("to the Trust's delivery of a Waste Reduction" / "be announced
        in June 2025." / "Programme of £110.4m."): every other non-blank line, each read alone (rule
        `measure.column`). First the column's next line, where the amount's line runs on into it in lower case
        ("Innovation Village in Leeds bringing £13 billion" / ... / "in economic growth"), then at most
        `column_lines` above while their sentence runs on; only where every line is at most `column_chars` long
        (a column's) and no bold label. Not in a PDF (its lines keep their columns)."""
        count = self.rules.model.measure.column_lines
        if count == 0 or self.document.lines[a.mention.line_index].bbox is not None:
            return None
        texts, i = self.lines, a.mention.line_index
        width, ends = self.rules.model.measure.column_chars, self.rules.paragraph_ends
        before, after = self._column_of(i, -1, count), self._column_of(i, 1, 1)
        if not before or any(len(texts[j].text.strip()) > width for j in range(before[-1], i + 1)):
            return None  # lines of a page's width: no columns
        # the sentence runs on below first: into a line that starts in lower case
        runs_on = (
            after and not ends.search(texts[i].text.rstrip()[-12:]) and texts[after[0]].text.lstrip()[:1].islower()
        )
        found = after if runs_on else []
        for li in [*found, *before]:
            text = texts[li].text
            label = self.rules.model.measure.column_label
            if (label is not None and label.match(text)) or len(text.strip()) > width:
                return None  # a bold label, a line of a page's width: no sentence of the column
            if li < i and ends.search(text.rstrip()[-12:]):
                return None  # the column's sentence ended there: what is above it says nothing of the amount
            q = self.paras.containing(li)
            if q.table or q.heading:
                return None
            lo = q.at(li, 0)
            d = context_cue(q.text, lo, lo + len(texts[li].text), self.rules)
            if d is not None:
                return Decision(d.value, "measure.column", d.span, q.index)
        return None

    def _column_of(self, i: int, way: int, count: int) -> list[int]:
        """Line `i`'s column's lines (every other non-blank line) going `way` (-1 up, 1 down), at most `count`."""
        texts, found = self.lines, list[int]()
        k, step = i + way, 0
        while 0 <= k < len(texts) and len(found) < count and step < 4 * count:
            if texts[k].text.strip():
                step += 1
                if step % 2 == 0:
                    found.append(k)
            k += way
        return found

    def _opens_list(self, a: Amount, sent: tuple[int, int], prev: tuple[Amount, _State] | None) -> bool:
        """Whether the amount is the first of a list of parts its sentence opens ("Expenditure includes employee
        expenses £201,861k (...), premises £8,107k ..."): the amounts listed after it keep its measure."""
        pattern = self.rules.part_list
        if pattern is None:
            return False
        start, text = sent[0] if prev is None else max(sent[0], prev[0].end), self.paras[a.para].text
        if not could_match(pattern_needs(pattern), folded(text[start : a.start])):
            return False  # none of the words every match holds is there (`prefilter`): not run
        return pattern.search(text, start, a.start) is not None

    def aside(self, a: Amount, sent: tuple[int, int]) -> bool:
        """The amount is in a clause that concedes or contrasts ("– despite planning for a surplus of £3.6m")."""
        pattern = self.rules.aside_clause
        if pattern is None or self._last_aside_word(a.para) < sent[0]:
            return False  # the clause starts at or after sent[0]: no word every match holds starts there
        return pattern.match(self.paras[a.para].text, self._clause_start(a, sent)) is not None

    def _last_aside_word(self, k: int) -> int:
        """Where the last of the words every `aside_clause` match holds (`prefilter`) starts in paragraph `k`
        (-1: none; its length when that cannot be told, the words unknown or its lower case not the same
        length), found once a paragraph: a match at or after that place cannot be."""
        if k not in self.aside_words:
            text, words = self.paras[k].text, None
            if self.rules.aside_clause is not None:
                words = pattern_needs(self.rules.aside_clause)
            low = folded(text)
            if words is None or low is None or len(low) != len(text):
                self.aside_words[k] = len(text)
            else:
                self.aside_words[k] = max(map(low.rfind, words))
        return self.aside_words[k]

    def _accounts_cell(self, a: Amount) -> bool:
        """A cell of an accounts table: read under a money column header, outside a spending list."""
        return (
            self.accounts is not None
            and a.table
            and not self.spending
            and a.mention.values.get("basis") == "column_header"
            and a.mention.values.get("header_line") is not None
        )

    def _accounts_measure(self, a: Amount) -> Decision | None:
        """What an accounts cell's row label says it is ("Deficit for the year", "Purchase of PPE"); else
        what its table's title says ("6.1 Operating expenses"); in a reconciliation or a note of balances
        ("19. Inventories"), a row that is no result is `other` whatever its label. None: the general
        rules decide."""
        rules, header = self.accounts, self._header_index(a)
        assert rules is not None
        if header is None:
            return None
        texts, i = self._texts(), a.mention.line_index
        value = float(a.mention.values.get("low") or 0)
        start = to_norm(self.lines[i], a.mention.start, a.mention.end)[0]
        found = acc.row_label_measure(texts, i, start, value, rules, self.label_memo, self._kinds())
        key = (header, value < 0)  # a table's title is read once per column (and sign: a result's)
        if key not in self.title_measures:
            lines = self._title_lines(header)
            self.title_measures[key] = acc.title_measure(texts, lines, value, rules, self.title_cue_memo)
        title = self.title_measures[key]
        if title is not None and (found is None or (title[1] and not acc.yields(rules, title[0][1], found[1]))):
            found = title[0]  # no row label, or a table of reconciling items or balances
        if self.group_heads is None:
            self.group_heads = acc.group_heads(texts, rules)
        group = acc.row_group(texts, i, header, value, rules, self.group_heads)
        if group is not None and (found is None or found[1] not in group[1].yields_to):
            found = group[0]  # "Non-cash income and expense:" over "Depreciation and amortisation"
        if found is None:
            return None
        return self._line_decision(found[0], found[1], found[2])

    def _line_decision(self, value: str, rule: str, where: tuple[int, int, int]) -> Decision:
        """A decision whose words are line `where[0]`'s text[where[1]:where[2]] (as paragraph offsets)."""
        i, s, e = where
        q = self.paras.of_line(i)
        if q is None:
            return Decision(value, rule)
        return Decision(value, rule, (q.at(i, s), q.at(i, e)), q.index)

    def _texts(self) -> list[str]:
        """The line texts accounts tables are read in, bold marks blanked (`**£000 **`: `  £000   `)."""
        if not self.texts:  # a line with no mark is its own text (`unmarked`): no call for it
            texts, marks = [nl.text for nl in self.lines], self.marks
            self.texts = [t if "*" not in t and "_" not in t else acc.unmarked(t, marks) for t in texts]
        return self.texts

    def _kinds(self) -> acc.LineKinds:
        """What each line of `_texts` is, found once per line for every accounts cell of the document."""
        if self.line_kinds is None:
            assert self.accounts is not None
            self.line_kinds = acc.LineKinds(self._texts(), self.accounts)
        return self.line_kinds

    def _header_index(self, a: Amount) -> int | None:
        """The line index of a cell's column header (its page and line number)."""
        number = a.mention.values.get("header_line")
        if number is None:
            return None
        page, lines = a.mention.values.get("header_page"), self.document.lines
        k: int = int(number) - 1  # a text document's lines are numbered from 1 in order: no look-up
        if 0 <= k < len(lines) and lines[k].number == number and lines[k].page == page:
            return k
        if not self.line_index:
            self.line_index = {(ln.page, ln.number): k for k, ln in enumerate(lines)}
        return self.line_index.get((page, number))

    def _context_measure(
        self, a: Amount, sent: tuple[int, int], earlier: tuple[Amount, _State] | None
    ) -> Decision | None:
        """No cue in the amount's sentence: what its context speaks of. The cue words of the paragraph
        before the sentence (back to the amount before it, whose measure is next), then the title
        over it: a table's caption, else its section's heading."""
        m, rules = self.rules.model.measure, self.rules
        if m.context_penalty is None:
            return None
        p = self.paras[a.para]
        lo = max(0, sent[0] - m.context_chars)
        if not a.table:
            start = max(lo, earlier[0].end) if earlier is not None else lo
            d = context_cue(p.text, start, sent[0], rules)
            if d is not None:
                return Decision(d.value, "measure.paragraph", d.span)
            if earlier is not None and earlier[0].end > lo and earlier[1].measure.rule != "measure.none":
                e = earlier[1].measure
                return Decision(e.value, "measure.paragraph", (earlier[0].start, earlier[0].end))
        under = self._header_para(a) if a.table else p
        if under.index not in self.title_measure:
            self.title_measure[under.index] = None
            for title in self._titles_of(under):
                t = self.paras[title]
                d = context_cue(t.text, 0, len(t.text), rules)
                if d is not None:
                    self.title_measure[under.index] = Decision(d.value, "measure.heading", d.span, title)
                    break
        return self.title_measure[under.index]

    def _header_para(self, a: Amount) -> Paragraph:
        """A table cell's header row (its paragraph), where the table's title is looked for above: the
        labels of the rows between are no title."""
        li = self._header_index(a)  # by page and line: a PDF's lines are numbered from 1 on every page
        if li is None:
            return self.paras[a.para]
        return self.paras.of_line(li) or self.paras[a.para]

    def _titles_of(self, p: Paragraph) -> list[int]:
        """The paragraphs that may title `p`, nearest first: the headings, labels and column headers at
        most `caption_lookback` paragraphs above, back to a caption (`Table 2: Income received ...`, put
        first) or to prose (a paragraph of sentences titles something else)."""
        m, out = self.rules.model.measure, list[int]()
        k = self.paras.before(p.index)
        for _ in range(m.caption_lookback):
            if k is None:
                break
            q = self.paras[k]
            if self.rules.caption is not None and self.rules.caption.search(q.text):
                return [k, *out]  # a caption says what the whole table or figure is: it comes first
            if not q.table and q.text.rstrip()[-1:] in ".!?" and len(q.text.split()) > 12:
                break  # prose: what is above it titles something else
            out.append(k)  # a heading, a label, a column header
            k = self.paras.before(k)
        return out

    def _cues(self, a: Amount, sent: tuple[int, int]) -> Decision | None:
        text = self.paras[a.para].text
        clause = self._clause(a, sent)
        others = [(o.start, o.end) for o in self._amounts_between(a.para, sent[0], sent[1]) if o is not a]
        key = (a.para, *sent)
        if key not in self.cue_hits:  # the sentence's cue words, found once for all its amounts
            self.cue_hits = {key: cue_hits(text, sent[0], sent[1], self.rules)}
        return score_cues(text, sent, (a.start, a.end), clause, self.rules, others, self.cue_hits[key])

    def _clause(self, a: Amount, sent: tuple[int, int]) -> tuple[int, int]:
        """The clause of the amount's sentence that holds it (found once per amount and sentence)."""
        key = (a.para, a.start, *sent)
        if key not in self.clauses:
            if len(self.clauses) > 64:
                self.clauses.clear()
            self.clauses[key] = clause_of(self.paras[a.para].text, sent[0], sent[1], (a.start, a.end), self.rules)
        return self.clauses[key]

    def _clause_start(self, a: Amount, sent: tuple[int, int]) -> int:
        """Where the clause holding the amount starts (`_clause`'s first offset), read only up to the amount:
        the clause breaks of the sentence come in order, their ends too, so none after the first ending past
        the amount's start moves it (an amount whose clause is otherwise not read, such as a table cell's,
        is not read to its sentence's end for the clause's)."""
        key = (a.para, a.start, *sent)
        if key in self.clauses:
            return self.clauses[key][0]
        if key not in self.clause_starts:
            if len(self.clause_starts) > 64:
                self.clause_starts.clear()
            lo = sent[0]
            for m in self.rules.clause_breaks.finditer(self.paras[a.para].text, sent[0], sent[1]):
                if m.end() > a.start:
                    break
                lo = max(lo, m.end())
            self.clause_starts[key] = lo
        return self.clause_starts[key]

    def _years(self, para: int, start: int, end: int) -> list[YearHit]:
        """The years named in paragraph `para`'s text[start:end] (found once per stretch)."""
        key = (para, start, end)
        if key not in self.year_hits:
            if len(self.year_hits) > 256:
                self.year_hits.clear()
            self.year_hits[key] = years(self.paras[para].text, start, end, self.rules)
        return self.year_hits[key]

    def _header_years(self, written: str) -> list[YearHit]:
        """The years of a column header's financial year as the money table wrote it (`fin_year`), found once
        per header text: a table's cells share a few."""
        if written not in self.header_years:
            self.header_years[written] = years(written, 0, len(written), self.rules)
        return self.header_years[written]

    def _next_in_sentence(self, a: Amount, sent: tuple[int, int]) -> Amount | None:
        return next((o for o in self._amounts_between(a.para, a.end, sent[1])), None)

    def _amounts_between(self, para: int, start: int, end: int) -> list[Amount]:
        """The amounts of a paragraph starting in start..end (the paragraph's amounts are in order)."""
        found = self.amounts_in.get(para, [])
        if para not in self.starts_in:
            self.starts_in[para] = [o.start for o in found]
        starts = self.starts_in[para]
        return found[bisect_left(starts, start) : bisect_left(starts, end)]

    # -- period -----------------------------------------------------------------------------------

    def period(self, a: Amount, sent: tuple[int, int]) -> Period:
        if a.table and self.spending:
            return self._payment_period(a)
        p = self.paras[a.para]
        text, rules = p.text, self.rules
        fin_year = a.mention.values.get("fin_year")
        if self._accounts_cell(a):
            column = self._column_period(a)
            if column is not None:
                return column
        if a.table and fin_year:
            hits = self._header_years(str(fin_year))
            if hits:
                return Period(hits[0].value, "column_header", "period.column_header", words=str(fin_year))
        if a.table and not fin_year:
            over = self._header_year(a)
            if over is not None:
                return over
        amount = (a.start, a.end)
        clause = self._clause(a, sent)
        here = self._own_years(a, self._years(a.para, clause[0], clause[1]), clause)
        here = [
            h for h in here if h.end <= a.start or not self._contrast(text, h)
        ]  # "... more than double the 2017/18 deficit"
        hit = nearest(here, amount, text)
        if hit is None:
            cal = [
                h
                for h in calendar_years(text, clause[0], clause[1], rules, a.end)
                if _distance(text, h, amount) <= rules.model.period.calendar_max_words
            ]
            hit = nearest(cal, amount, text)
        if hit is not None:
            run = rules.open_run
            if run is not None and hit.end <= a.start and run.search(text, max(0, hit.start - 40), hit.start):
                # "Since 2019/20 over £27m has been spent": a run with no end named
                return Period(None, "none", "period.open_run", (a.para, hit.start, hit.end))
            return self._period_hit(a, hit, "sentence")
        # "£51k with NHS Providers (2023/24 - £22k)": the year after a comparative's; "of which £0.5m
        # remained outstanding at 31 March 2025": the year a balance date ends
        # (a balance date is looked for only in the few words a reach allows: about 15 characters a word)
        stop = min(clause[1], a.end + 15 * (rules.model.period.balance_date_words + 3))
        own = after_comparative(text, a.end, rules) or balance_dates(text, a.end, stop, rules)
        if own is not None and not (
            own.rule == "period.balance_date" and self._amounts_between(a.para, a.end, own.start)
        ):
            return self._period_hit(a, own, "sentence")
        if self.accounts_year and rules.during_year is not None:
            during = self._during(a.para, sent)
            # before the amount in its sentence, or after it in its clause ("£1.5m in year")
            during = during if during is not None and (during.end() <= a.start or during.end() <= clause[1]) else None
            if during is not None:  # "During the year the Trust incurred expenditure of £4k" in annual accounts
                return Period(self.accounts_year, "document", "period.during_year", (a.para, *during.span()))
        if rules.relative_after is not None:
            soon = rules.relative_after.match(text, a.end, clause[1])
            if soon is not None:  # "... short by £191m in five years": no year named
                return Period(None, "none", "period.relative", (a.para, *soon.span()))
        relative = rules.relative.search(text, clause[0], clause[1])
        if relative is not None:
            if self.annual and self.report_year and rules.this_year.search(text, clause[0], clause[1]):
                return Period(self.report_year, "document", "period.this_year", (a.para, *relative.span()))
            return Period(None, "none", "period.relative", (a.para, *relative.span()))
        before = [
            h
            for h in self._years(a.para, sent[0], sent[1])
            if h.end <= a.start and not (rules.model.period.asides and _aside(text, sent[0], h, a.start))
        ]
        reach = rules.model.period.month_before_words
        if reach is not None:
            # "As at the end of July 2025, the Trust reported a ... surplus of £0.1m": the month's year
            months = [
                h
                for h in month_years(text, sent[0], a.start, rules)
                if _distance(text, h, amount) <= reach and not _aside(text, sent[0], h, a.start)
            ]
            before = sorted([*before, *months], key=lambda h: h.start)
        # "... a deficit of £430m by 2019 – and despite cost-saving measures of £239m": a deadline before it
        if rules.model.period.calendar_in_sentence:
            key = (a.para, *sent)
            if key not in self.sentence_deadlines:  # found once per sentence
                if len(self.sentence_deadlines) > 64:
                    self.sentence_deadlines.clear()
                self.sentence_deadlines[key] = deadlines(text, sent[0], sent[1], rules)
            calendars = [
                h
                for h in self.sentence_deadlines[key]
                if h.end <= a.start and not _aside(text, sent[0], h, a.start) and not self._contrast(text, h)
            ]
            if calendars:
                before = sorted([*before, *calendars], key=lambda h: h.start)
        if rules.model.period.calendar_before_words is not None:
            # "... 46,000 WTEs in 2020 is estimated to be around £2.05 billion": a calendar year before it
            calendars = self._sentence_calendars(a, sent, sent[0], a.start)
            if calendars:
                before = sorted([*before, *calendars], key=lambda h: h.start)
        if rules.model.period.nearest_wins:
            # "... 2017-18 ... plans this year (April Board papers) to reduce ... by over £15m": the time
            # words nearest before the amount say its period; "this year" after a year names none
            last = None
            for m in rules.relative.finditer(text, before[-1].end if before else sent[0], a.start):
                last = m
            if last is not None:
                return Period(None, "none", "period.relative", (a.para, *last.span()))
        if before:
            return self._period_hit(a, before[-1], "sentence")
        lookback = rules.model.context.crowded_reach if a.crowded else rules.model.context.paragraph_lookback
        lo = max(0, sent[0] - lookback)
        earlier = self._earlier_years(a.para, lo, sent[0])
        if earlier:
            if rules.model.period.nearest_wins and rules.carry_stops is not None:
                # "... 2024-2025** ... This year was the first of our ... programme ... We had a challenging £15.8m
                # of savings to achieve": the time words nearest before it name no year
                spoken = rules.carry_stops.search(text, earlier[-1].end, sent[0])
                if spoken is not None:
                    return Period(None, "none", "period.relative", (a.para, *spoken.span()))
            return self._period_hit(a, earlier[-1], "paragraph")
        continues = (
            rules.continues is not None
            and rules.continues.search(text, sent[0], sent[1]) is not None
            and rules.relative.search(text, sent[0], sent[1]) is None  # "after ... last year (which ended ...)"
        )
        split = self._split_bracket(a)  # "... NHS Trust (31 March 2024:" / "£503,331k)."
        if split is not None:
            return split
        listed = self._list_period(a)  # "... found that by 2028/29:" / "– If ..., ... £211bn"
        if listed is not None:
            return listed
        if p.runs_on or p.introduced or continues:
            carried = self._carried_period(a, continues)
            if carried is not None:
                return carried
        after = [
            h
            for h in self._years(a.para, a.end, clause[1])
            if _distance(text, h, amount) <= rules.model.period.max_words_after
            and rules.comparison.search(text, max(0, h.start - 5), h.start) is None
            and not self._contrast(text, h)
            and not self._amounts_between(a.para, a.end, h.start)  # "£8.5m ... and ... savings of £7.5m ... by 2020-21"
        ]
        if rules.model.period.calendar_in_sentence_after:
            # "the figure of £132 million should be regarded as the minimum estimate for 2030"
            after = sorted([*after, *self._sentence_calendars(a, sent, a.end, clause[1])], key=lambda h: h.start)
        if after:
            return self._period_hit(a, after[0], "sentence")
        relative = rules.relative.search(text, sent[0], sent[1])
        if relative is not None:  # "after the experience of last year (which ended £42.6m in deficit)"
            return Period(None, "none", "period.relative", (a.para, *relative.span()))
        carried = self._carried_period(a)
        if carried is not None:
            return carried
        if a.table:
            titled = self._table_title_period(a)
            if titled is not None:
                return titled
        section = self.paras.section(p)  # the heading paragraph above
        if rules.model.period.heading_after_relative and section is not None:
            # "The vast majority of this year's up-front funding ... This leaves only £300 million": the
            # paragraph speaks of a year it does not name; no heading names it
            spoken = rules.relative.search(text, 0, a.start)
            if spoken is not None:
                return Period(None, "none", "period.relative", (a.para, *spoken.span()))
        under = self._table_above(a)  # "* Other expenditure includes £1,850k ..." under note 7.1's last row
        if under is not None:
            return under
        bold = self._bold_heading(a)
        if section is not None:
            head = self.paras[section]
            hits = self._heading_years(head)
            if hits and (bold is None or head.lines[0] > bold[0]):
                return self._period_hit(Amount(a.mention, head.index, 0, 0, False), hits[0], "heading")
        if bold is not None:
            i, h = bold
            return self._line_period(h.value, "period.bold_heading", (i, h.start, h.end), "heading")
        if a.table and self.title_years:
            return Period(self.title_years[0].value, "document", "period.title", words=self.title)
        return Period(None, "none", "period.none")

    def _heading_years(self, head: Paragraph) -> list[YearHit]:
        """The years of a section's heading: a financial year, else a month ("September 2024" over a timeline
        of the year: 2024/25; the paragraphs around are read only for a heading that is a month alone, the
        timeline's kind). Read once per heading: every amount of its section that no nearer words date asks."""
        if head.index not in self.heading_hits:
            text, rules = head.text, self.rules
            hits = years(text, 0, len(text), rules)
            if not hits:
                timeline = is_month_heading(text, rules) and self._in_timeline(head.index)
                hits = heading_months(text, rules, timeline)
            self.heading_hits[head.index] = hits
        return self.heading_hits[head.index]

    def _table_above(self, a: Amount) -> Period | None:
        """Prose right under an accounts table, its first line the amount's (a note's footnote or the words that
        explain a row: "\\* Other expenditure includes £1,850k for external recharges ..." under note 7.1's last
        row, "Loss on disposal of assets relates to ..." under note 13's total), speaks of the table's figures: the
        latest year over the columns of the rows of cells right above it (the report's current year)."""
        reach = self.rules.model.period.table_above_lines
        if not reach or a.table or not self.accounts_year or self.accounts is None:
            return None
        i = a.mention.line_index
        lines = range(i - 1, max(-1, i - 1 - reach), -1)
        if not any(self._accounts_cell(o) for j in lines for o in self.cells_on.get(j, ())):
            return None  # no cell within reach: nothing to find (the lines' texts and kinds not read for it)
        texts, kinds = self._texts(), self._kinds()
        if kinds.number(i):
            return None
        found: list[Period] = []
        for j in lines:
            if not texts[j].strip():
                continue
            if not kinds.number(j):
                break  # the row's label, or prose: the rows of cells end
            for o in self.cells_on.get(j, []):
                column = self._column_period(o) if self._accounts_cell(o) else None
                if column is not None and column.value:
                    found.append(column)
        if not found:
            return None
        latest = max(found, key=lambda c: str(c.value))
        return Period(latest.value, "column_header", "period.table_above", latest.span, latest.words)

    def column_year(self, a: Amount) -> Period | None:
        """No year for the amount in its paragraph, section or headings (nor a comparative's part): the year
        its own column's sentence names, where a text document's converter put two columns' lines in turn
        (every other non-blank line, as `measure.column` reads them): "In 2024, thanks to donations, we
        provided an" / (other column) / "additional £50k to continue ..." is 2024; "awarded over £3.2m of
        additional funding in" / ... / "the financial year 2024/25 to support patients," is 2024/25 (rule
        `period.column`). The column's lines above while its sentence runs on (the nearest year first), then
        below while the amount's sentence runs on into them in lower case; at most `period.column_lines` each
        way, every line a column's width, no bold label, heading or table. Not in a PDF (its lines keep their
        columns)."""
        count = self.rules.model.period.column_lines
        if count == 0 or self.document.lines[a.mention.line_index].bbox is not None:
            return None
        texts, i = self.lines, a.mention.line_index
        width, ends = self.rules.model.measure.column_chars, self.rules.paragraph_ends
        label = self.rules.model.measure.column_label
        if not width or len(texts[i].text.strip()) > width:
            return None

        def column_line(li: int) -> bool:
            text = texts[li].text
            q = self.paras.containing(li)
            return (
                len(text.strip()) <= width and not (label is not None and label.match(text)) and not q.table
            ) and not q.heading

        above: list[int] = []
        for li in self._column_of(i, -1, count):
            if not column_line(li) or ends.search(texts[li].text.rstrip()[-12:]):
                break  # the column's sentence ended there (or no column): what is above says nothing of the amount
            above.append(li)
        below: list[int] = []
        last = i
        for li in self._column_of(i, 1, count):
            if ends.search(texts[last].text.rstrip()[-12:]) or not texts[li].text.lstrip()[:1].islower():
                break
            if not column_line(li):
                break
            below.append(li)
            last = li
        for li, way in [*((li, -1) for li in above), *((li, 1) for li in below)]:
            q = self.paras.containing(li)
            lo = q.at(li, 0)
            hi = lo + len(texts[li].text)
            # a month above dates what follows only as `dating_month` says, or opening its sentence
            # (`column_month`: "In September 2024, we launched", not "advice service commenced May 2022"); one
            # just after the amount names its year
            months = month_years(q.text, lo, hi, self.rules)
            if way < 0:
                opening = self.rules.column_month
                months = [
                    h
                    for h in months
                    if h in self._dating_months(q.text, lo, hi)
                    or (opening is not None and opening.search(q.text[lo : h.start]) is not None)
                ]
            hits = [*self._years(q.index, lo, hi), *months, *sentence_calendars(q.text, lo, hi, self.rules)]
            hits = [h for h in hits if not self._contrast(q.text, h)]
            if hits:
                hit = max(hits, key=lambda h: h.start) if way < 0 else min(hits, key=lambda h: h.start)
                return Period(hit.value, "sentence", "period.column", (q.index, hit.start, hit.end))
        return None

    def _column_period(self, a: Amount) -> Period | None:
        """An accounts cell's year: the year or balance date over its column (`2024-25`, `31 March 2025`:
        2024/25), read from the cells above its run of header cells; where an annual report's column years
        repeat or skip a year (`2023/24` over both columns of a cash-flow statement), the report's year and
        the years before it. Else the one year or date of the table's title ("for the year ended 31 March
        2025")."""
        rules, header = self.accounts, self._header_index(a)
        assert rules is not None
        if header is None:
            return None
        texts = self._texts()
        if header not in self.header_runs:  # found once per column
            self.header_runs[header] = acc.header_run(texts, header, rules)
        run = self.header_runs[header]
        if run is None:
            return None
        column, cells = run
        if cells[0] not in self.column_periods:
            self.column_periods[cells[0]] = self._column_years(cells[0], len(cells), rules)
        found = self.column_periods[cells[0]]
        if found is not None:  # the cell's column is read only where the columns have years (all or none
            # of a header's cells; a run of cells under one header is read whole: `_next_of_same_header`)
            # "Drug costs (...) 326,296" / "301,554": a row whose first cell ends its label line
            shifted = acc.row_column(texts, a.mention.line_index, rules, self._kinds())
            if shifted is not None and shifted < len(cells):
                column = shifted
            elif rules.same_header_next:
                column = self._next_of_same_header(a, column, len(cells))
            groups = self.even_groups.get(cells[0])
            if groups is not None and rules.same_header_next:
                column = self._short_row_column(a, column, len(cells), groups)
            return found[column]
        titled = self._title_date(header)
        if titled is not None:
            return titled
        # a roll-forward whose columns name no year: "At 1 April 2024" / ... / "At 31 March 2025"
        i = a.mention.line_index
        start = to_norm(self.lines[i], a.mention.start, a.mention.end)[0]
        memo = self.row_dates.setdefault(header, {})
        dated = acc.row_date_line(texts, i, start, header, rules, memo)
        if dated is None:
            return None
        if dated not in self.row_date_periods:  # read once for all the rows under it
            self.row_date_periods[dated] = self._row_date_period(dated)
        return self.row_date_periods[dated]

    def _row_date_period(self, dated: int) -> Period | None:
        """The financial year of the balance date a row label line names ("At 1 April 2024": 2024/25)."""
        text = self._texts()[dated]
        hits = month_years(text, 0, len(text), self.rules)
        if not hits:
            return None
        return self._line_period(hits[0].value, "period.row_date", (dated, hits[0].start, hits[0].end), "heading")

    def _next_of_same_header(self, a: Amount, column: int, columns: int) -> int:
        """A cell right below a cell of its row (blank lines between) that the money table put under the
        same header cell (two tables' rows interleaved: `19,859` / `12,304` both under the first `£000`), or
        after it on its line (`**1,943 267 **`, both under the first `£000`): the column after that cell's,
        while there is one (else the money table's). Cells of one row never share a column. Walked up the
        run of such cells, then down, each cell's column kept."""
        chain = [a]
        while _cell_key(chain[-1]) not in self.run_columns:
            above = self._cell_above(chain[-1])
            if above is None:
                self.run_columns[_cell_key(chain[-1])] = column
                break
            chain.append(above)
        for upper, lower in itertools.pairwise(reversed(chain)):
            nxt = self.run_columns[_cell_key(upper)] + 1
            self.run_columns[_cell_key(lower)] = nxt if nxt < columns else column
        return self.run_columns[_cell_key(a)]

    def _short_row_column(self, a: Amount, column: int, columns: int, groups: int) -> int:
        """The column of a cell in a row with fewer cells than columns under years each over as many columns
        (`14,581` / `14,581` / `13,572` / `13,572` under "Year Ended 31 March 2025" and "... 2024" over three
        columns each, the "Other" cells blank): as many of the row's cells under each year, in turn (the first
        column of the cell's year's group); the money table's column where the row is full or does not split."""
        before, k = 0, a
        while (up := self._cell_above(k)) is not None:
            before, k = before + 1, up
        after, k = 0, a
        while (down := self._cell_below(k)) is not None:
            after, k = after + 1, down
        cells = before + after + 1
        if cells >= columns or cells % groups:
            return column
        return (before // (cells // groups)) * (columns // groups)

    def _cell_below(self, a: Amount) -> Amount | None:
        """The cell alone on the line right below a cell alone on its line (blank lines between), under the
        same header cell: the next cell of its row."""
        assert self.accounts is not None
        i, texts = a.mention.line_index, self._texts()
        j = next((k for k in range(i + 1, min(len(texts), i + self.accounts.reach_lines)) if texts[k].strip()), None)
        below = self.cells_on.get(j, []) if j is not None else []
        if len(below) != 1 or len(self.cells_on.get(i, [])) != 1:
            return None
        return below[0] if _same_header(below[0], a) else None

    def _cell_above(self, a: Amount) -> Amount | None:
        """The cell before a cell in its row under the same header cell: the cell before it on its own line
        (`**1,943 267 **`, both put under the first `£000`), else the cell alone on the line right above a
        cell alone on its line (blank lines between)."""
        assert self.accounts is not None
        i = a.mention.line_index
        on = self.cells_on.get(i, [])
        k = next((n for n, c in enumerate(on) if c is a), 0)
        if k > 0:
            return on[k - 1] if _same_header(on[k - 1], a) else None
        j = acc.line_above(self._texts(), i, self.accounts)
        above = self.cells_on.get(j, []) if j is not None else []
        if len(above) != 1 or len(on) != 1:
            return None
        return above[0] if _same_header(above[0], a) else None

    def _column_years(self, first: int, columns: int, rules: acc.AccountsRules) -> list[Period] | None:
        texts = self._texts()
        out: list[Period] = []
        # `31 March` / `31 March` over `2025` / `2024` (before a year alone is read as the year it ends)
        split = acc.split_day_months(texts, first, columns, rules)
        if split:
            return self._split_dates(split)
        cells = acc.column_years(texts, first, columns, rules)
        grouped = not cells
        if grouped:  # `2024/25` over `Permanent` / `Other` / `Total`, `2023/24` over `Total`
            cells = [(i, 0) for i in acc.column_groups(texts, first, columns, rules)]
        if grouped and not cells:  # "Year Ended 31 March 2025" over three columns, "... 2024" over three
            cells = [(i, 0) for i in acc.column_even_groups(texts, first, columns, rules)]
            if cells:
                self.even_groups[first] = len(set(cells))
        if not cells:  # `31` / `31` / `March` / `March` / `2025` / `2024`: a date a word a line
            return self._split_dates(acc.split_dates(texts, first, columns, rules))
        for i, k in cells:
            t = texts[i]
            lo = acc.year_start(t, rules)  # 0 but for a title line ending with the year
            found = (years(t, lo, len(t), self.rules) or month_years(t, lo, len(t), self.rules))[k:]
            ended = acc.year_ended(t, rules) if not found and self.annual and k == 0 else None
            if ended is not None:  # `**2025**` / `2024` under "Year ended 31 March" in an annual report
                where = (i, ended[1], ended[2])
                out.append(self._line_period(ended[0], "period.column_year_end", where, "column_header"))
                continue
            if not found:
                return None
            rule = "period.column_date" if found[0].rule == "period.month" else "period.column_year"
            rule = "period.column_group" if grouped else rule
            out.append(self._line_period(found[0].value, rule, (i, found[0].start, found[0].end), "column_header"))
        if not out:
            return None
        values = [p.value for p in out]
        year = self.report_year or acc.report_year(self.title, rules)
        if (
            not grouped
            and self.annual
            and year
            and len(values) > 1
            and values != _counting_down(year, values)
            and not _repeated_groups(values)  # `2025` / `2024` over each of three segments' columns
        ):
            # a misprint: an annual report's columns are its year and the years before it
            expected = _years_before(year, len(values))
            # a year repeated (`2023/24` over both columns) or skipped (`2024/25 2022/23`)
            if (set(values) <= set(expected) or values[0] == expected[0]) and values != expected:
                out = [
                    Period(v, "column_header", "period.column_misprint", p.span)
                    for v, p in zip(expected, out, strict=True)
                ]
        return out

    def _split_dates(self, split: list[tuple[int, int]]) -> list[Period] | None:
        """Each column's balance date from (day-and-month or month line, year line) pairs, one per column:
        `31 March` / `2025` (split_day_months), or `31` / `31` / `March` / `March` / `2025` / `2024`
        (split_dates): 2024/25; the words, the year's cell (None when there are none)."""
        texts, out = self._texts(), []
        for day, year in split:
            date = f"{texts[day].strip()} {texts[year].strip()}"
            found = month_years(date, 0, len(date), self.rules)
            if not found:
                return None
            start = len(texts[year]) - len(texts[year].lstrip())
            where = (year, start, start + len(texts[year].strip()))
            out.append(self._line_period(found[0].value, "period.column_split_date", where, "column_header"))
        return out or None

    def _line_period(self, value: str, rule: str, where: tuple[int, int, int], source: str) -> Period:
        d = self._line_decision(value, rule, where)
        return Period(value, source, rule, (d.para, *d.span) if d.span and d.para is not None else None)

    def _title_lines(self, header: int) -> list[int]:
        if header not in self.title_lines:
            assert self.accounts is not None
            self.title_lines[header] = acc.titles(self._texts(), header, self.accounts, self._kinds())
        return self.title_lines[header]

    def _title_date(self, header: int) -> Period | None:
        """The one financial year the titles over a table's header name, as a year or a date (read once
        per column)."""
        if header not in self.title_dates:
            self.title_dates[header] = self._read_title_date(header)
        return self.title_dates[header]

    def _read_title_date(self, header: int) -> Period | None:
        """The title lines' one year; a day's date that neither starts nor ends a year is none ("approved by the
        Board on 19 June 2025" over the next page's statement of changes in equity)."""
        texts = self._texts()
        for i in self._title_lines(header):  # a line titling several columns is read once
            if i not in self.title_line_years:
                t = texts[i]
                self.title_line_years[i] = years(t, 0, len(t), self.rules) or [
                    h for h in month_years(t, 0, len(t), self.rules) if not another_day(t, h, self.rules)
                ]
        found = [(i, h) for i in self._title_lines(header) for h in self.title_line_years[i]]
        if len({h.value for _, h in found}) != 1:
            return None
        i, h = found[0]
        return self._line_period(h.value, "period.table_title", (i, h.start, h.end), "heading")

    def _payment_period(self, a: Amount) -> Period:
        """A row of a spending list: the financial year of the payment's date in its row, else of the
        month the list covers (a year or month its title names, else its date)."""
        sl = self.rules.model.spending_list
        assert sl is not None
        p = self.paras[a.para]
        if p.index not in self.row_of_line:  # each line's place in its paragraph, found once a paragraph
            places = self.row_of_line[p.index] = {}
            for place, li in enumerate(p.lines):
                places.setdefault(li, place)
        k = self.row_of_line[p.index][a.mention.line_index]
        end = p.starts[k + 1] if k + 1 < len(p.starts) else len(p.text)
        key = (p.index, k)  # a row's dates, read once for all its amounts (a list's net, VAT and gross)
        if key not in self.spending_rows:
            self.spending_rows[key] = row_dates(p.text, p.starts[k], end, self.rules)
        hit = payment_date(p.text, p.starts[k], end, a.start, self.rules, self.spending_rows[key])
        if hit is not None:
            return Period(hit.value, "sentence", sl.row_date_id, (a.para, hit.start, hit.end))
        if self.title_years:
            return Period(self.title_years[0].value, "document", "period.title", words=self.title)
        months = month_years(self.title, 0, len(self.title), self.rules)
        if months:
            return Period(months[0].value, "document", "period.title", words=self.title)
        for name in ("date", "title"):
            value = str(self.document.meta.get(name) or "")
            month = list_month(value, self.rules)
            if month is not None:
                return Period(month.value, "document", sl.list_month_id, words=value)
        return Period(None, "none", "period.none")

    def _table_title_period(self, a: Amount) -> Period | None:
        """A table cell whose column names no year: the year of the table's title, the captions, headings
        and labels above its header row (`_titles_of`, as its measure is read: "14.1 Property, Plant and
        Equipment - 2024/25" over cells under `£000`), when they name one year and no other."""
        under = self._header_para(a)
        if under.index not in self.title_period:
            found = [
                (k, h)
                for k in self._titles_of(under)
                for h in years(self.paras[k].text, 0, len(self.paras[k].text), self.rules)
            ]
            # titles naming two years (a year and its comparative, in columns the cell is not placed in) say none
            one = len({h.value for _, h in found}) == 1
            k, h = found[0] if found else (0, None)
            self.title_period[under.index] = (
                Period(h.value, "heading", "period.table_title", (k, h.start, h.end)) if one and h else None
            )
        return self.title_period[under.index]

    def _own_years(self, a: Amount, hits: list[YearHit], clause: tuple[int, int]) -> list[YearHit]:
        """The years of a clause that may be this amount's: not a year right after another amount of the
        clause, before this one ("from £13.6 billion in 2025/26 to £14.6 billion in 2029/30")."""
        words = self.rules.model.period.owned_words
        if words is None or len(hits) < 2:
            return hits
        text = self.paras[a.para].text
        others = [o for o in self._amounts_between(a.para, clause[0], a.start) if o is not a]
        return [
            h
            for h in hits
            if not (
                h.end <= a.start
                and any(o.end <= h.start and len(text[o.end : h.start].split()) <= words for o in others)
            )
        ]

    def _sentence_calendars(self, a: Amount, sent: tuple[int, int], lo: int, hi: int) -> list[YearHit]:
        """The calendar years of text[lo:hi] in the amount's sentence that may be its period: not opening the
        sentence ("In 2016 the STP began by identifying ... £311m" dates an event) nor in a clause saying when
        something happened (`calendar_event`: "Since it was set up in 2012, ..."), not an aside, a
        contrast or another amount's year, no other amount between it and this one, and (before the
        amount) within `calendar_before_words` words, (after it) `max_words_after`."""
        text, period = self.paras[a.para].text, self.rules.model.period
        before = hi <= a.start
        reach = (period.calendar_before_words or 0) if before else period.max_words_after
        out = []
        for h in sentence_calendars(text, lo, hi, self.rules):
            if _distance(text, h, (a.start, a.end)) > reach or not text[sent[0] : h.start].strip():
                continue
            if self._contrast(text, h) or (before and _aside(text, sent[0], h, a.start)):
                continue
            event = self.rules.calendar_event
            if before and event is not None and event.search(text, sent[0], h.start) is not None:
                continue  # "Since it was set up in 2012, the AUPC has secured £12.5m": when something happened
            between = (h.end, a.start) if before else (a.end, h.start)
            if self._amounts_between(a.para, *between):
                continue
            if before and self._owned_by_other(a, h, sent):
                continue
            if not before and self.rules.comparison.search(text, max(0, h.start - 5), h.start) is not None:
                continue
            out.append(h)
        return out

    def _header_year(self, a: Amount) -> Period | None:
        """A table cell's year over its column, where the header runs over several lines (`header_years`):
        the cell is the k-th of its row's amounts under that header, the column the k-th year."""
        header = self._header_index(a)
        if header is None:
            return None
        row = [
            o
            for o in self.amounts_in.get(a.para, [])
            if o.mention.line_index == a.mention.line_index
            and o.mention.values.get("header_line") == a.mention.values.get("header_line")
        ]
        key = (header, len(row))
        if key not in self.header_year_hits:
            self.header_year_hits[key] = header_years(self._texts(), header, len(row), self.rules)
        found = self.header_year_hits[key]
        if not found:
            return None
        i, h = found[next(k for k, o in enumerate(row) if o is a)]
        return self._line_period(h.value, h.rule, (i, h.start, h.end), "column_header")

    def _split_bracket(self, a: Amount) -> Period | None:
        """An amount in the open sentence of a paragraph continuing one that did not end, across a colon or one
        line of the other column (`_continued`): the date a bracket opened there names, when the amount closes
        it ("(31 March 2024:" / "£503,331k).", "(31 March 2024 " / "Total non-" / "- £3.2m).": 2023/24); in
        an annual report's accounts "during the year" there ("During the year the Trust's expenditure with " /
        "NHS payables" / "the University of York was £0.3m": 2024/25)."""
        rules = self.rules
        k = self._continued(a)
        if k is None:
            return None
        prev, text = self.paras[k].text, self.paras[a.para].text
        m = rules.split_bracket.search(prev, max(0, len(prev) - 80)) if rules.split_bracket is not None else None
        close = rules.split_bracket_close
        if m is not None and close is not None and close.match(text, a.end) is not None:
            hits = years(prev, m.start(1), m.end(1), rules) or month_years(prev, m.start(1), m.end(1), rules)
            if hits:
                return self._period_hit(Amount(a.mention, k, 0, 0, False), hits[-1], "sentence")
        if self.accounts_year and rules.during_year is not None and rules.split_sentence_end is not None:
            ends = [e.end() for e in rules.split_sentence_end.finditer(prev)]
            during = rules.during_year.search(prev, ends[-1] if ends else 0)
            if during is not None:
                return Period(self.accounts_year, "document", "period.during_year", (k, *during.span()))
        return None

    def _continued(self, a: Amount) -> int | None:
        """The paragraph whose open sentence an amount's continues, for the period alone: the one before,
        where it ends with a colon, or the one before a heading of one line (a line of the other column a
        two-column conversion put between), where it ends no sentence; only for an amount in its paragraph's
        first sentence, which starts in lower case or with the amount (a dash before it)."""
        rules, p = self.rules, self.paras[a.para]
        if rules.split_sentence_end is None or p.table:
            return None
        head = p.text[: a.start]
        opening = next((c for c in head if c.isalnum()), "")  # "- £3.2m)." opens with the amount
        # (the opening letter first: most paragraphs open in upper case, and then their words are not searched)
        if (opening and not opening.islower()) or rules.split_sentence_end.search(head):
            return None
        k = self.paras.before(a.para)
        if k is None:
            return None
        if p.introduced:
            return k
        two = self.paras.before(k)
        if not (self.paras[k].heading and len(self.paras[k].lines) == 1) or two is None:
            return None
        prev = self.paras[two]
        if prev.heading or prev.table or rules.paragraph_ends.search(prev.text[-12:]) is not None:
            return None
        return two

    def _bold_heading(self, a: Amount) -> tuple[int, YearHit] | None:
        """The nearest Markdown bold heading naming a year at most `bold_heading_lines` lines above the amount
        (`**2024/25 7 Commitments**`), with no `marked_heading` nor heading naming a year between: (line
        index, its first year). Only the bold lines of that reach are read, each once (issue 9: most of a
        document's bold lines are under no amount that asks)."""
        rules = self.rules
        reach = rules.model.period.bold_heading_lines
        if rules.bold_heading is None or reach == 0:
            return None
        line = a.mention.line_index
        for head in reversed(self._starred(max(0, line - reach), line)):
            hit = self._bold_head(head)
            if hit is not None:
                return None if self._first_stop(head) < line else (head, hit)
        return None

    def _starred(self, lo: int, hi: int) -> list[int]:
        """The lines lo..hi-1 opening with `*` (a bold line, a list item), as written, bold marks kept (`_texts`
        blanks them); found `_STAR_BLOCK` lines at a time, each block once, where an amount's reach first
        asks (the lines holding a `*` found by calls over the block, not a step a line: few lines hold one; and
        most of a long document's lines are above no amount that `_bold_heading` is asked for)."""
        texts = self.paras.texts
        out: list[int] = []
        for b in range(lo // _STAR_BLOCK, (hi - 1) // _STAR_BLOCK + 1):
            if b not in self.starred_lines:
                first = b * _STAR_BLOCK
                block = texts[first : first + _STAR_BLOCK]
                starred = itertools.compress(
                    range(first, first + len(block)), map(contains, block, itertools.repeat("*"))
                )
                self.starred_lines[b] = [i for i in starred if texts[i].lstrip()[:1] == "*"]
            out.extend(i for i in self.starred_lines[b] if lo <= i < hi)
        return out

    def _bold_head(self, i: int) -> YearHit | None:
        """The first year of bold line i where it is a bold heading naming one (`bold_heading`, at most
        `bold_heading_words` words); None otherwise (found once a line)."""
        if i not in self.bold_heads:
            rules, text = self.rules, self.lines[i].text
            assert rules.bold_heading is not None
            found = years(text, 0, len(text), rules)  # first: most bold lines name no year (found at once)
            ok = found and rules.bold_heading.match(text) is not None
            self.bold_heads[i] = found[0] if ok and len(text.split()) <= rules.model.period.bold_heading_words else None
        return self.bold_heads[i]

    def _first_stop(self, head: int) -> int:
        """The first line of the `bold_heading_lines` under bold heading `head` that ends its reach (a
        `marked_heading`, a bold line naming a year or date of its own, a heading paragraph naming a year);
        the document's length where none does (found once a heading)."""
        if head not in self.bold_stops:
            rules, n = self.rules, len(self.lines)
            self.bold_stops[head] = n
            for i in range(head + 1, min(head + rules.model.period.bold_heading_lines + 1, n)):
                text = self.lines[i].text
                first = text.lstrip()[:1]
                if first == "#" and rules.marked_heading is not None and rules.marked_heading.match(text):
                    self.bold_stops[head] = i
                    break
                if first == "*" and rules.bold_heading_stop is not None and rules.bold_heading_stop.match(text):
                    self.bold_stops[head] = i  # a bold line naming a year or date of its own ("**Item 2025-26 (35)**")
                    break
                q = self.paras.of_line(i)
                if q is not None and q.heading and q.lines[0] == i and years(q.text, 0, len(q.text), rules):
                    self.bold_stops[head] = i
                    break
        return self.bold_stops[head]

    def _in_timeline(self, head: int) -> bool:
        """A heading among others that are a month alone, at most `timeline_paragraphs` paragraphs before or
        after it ("September 2024" / ... / "October 2024"): a timeline of the year (found once a heading)."""
        if head not in self.timeline:
            reach = self.rules.model.period.timeline_paragraphs
            near = self.paras.around(head, reach)
            for k in near:  # each heading's test made once for every heading near it
                if k not in self.month_headings:
                    q = self.paras[k]
                    self.month_headings[k] = q.heading and is_month_heading(q.text, self.rules)
            self.timeline[head] = any(k != head and self.month_headings[k] for k in near)
        return self.timeline[head]

    def _owned_by_other(self, a: Amount, h: YearHit, sent: tuple[int, int]) -> bool:
        """A year at most `owned_words` words after another amount before it ("£116 million in 2020")."""
        words = self.rules.model.period.owned_words
        if words is None:
            return False
        text = self.paras[a.para].text
        return any(
            o is not a and o.end <= h.start and len(text[o.end : h.start].split()) <= words
            for o in self._amounts_between(a.para, sent[0], h.start)
        )

    def _during(self, para: int, sent: tuple[int, int]) -> regex.Match[str] | None:
        """The first "during the year" of a sentence (found once per sentence)."""
        key = (para, *sent)
        if key not in self.during_hits:
            if len(self.during_hits) > 64:
                self.during_hits.clear()
            pattern = self.rules.during_year
            self.during_hits[key] = pattern.search(self.paras[para].text, *sent) if pattern is not None else None
        return self.during_hits[key]

    def _earlier_years(self, para: int, lo: int, hi: int) -> list[YearHit]:
        """The years of paragraph `para`'s text[lo:hi] (the sentences before an amount's) that may carry
        to it: financial years, dating months and deadlines, not contrast years (found once per stretch)."""
        key = (para, lo, hi)
        if key not in self.earlier_hits:
            if len(self.earlier_hits) > 256:
                self.earlier_hits.clear()
            text, period = self.paras[para].text, self.rules.model.period
            found = self._years(para, lo, hi)
            if period.lookback_months:  # "As at the end of July 2025, ... £0.1m favourable ..."
                found = [*found, *self._dating_months(text, lo, hi)]
            if period.lookback_calendar:  # "... an extra £30 billion by 2020. Of this figure, ... £8 billion"
                found = [*found, *deadlines(text, lo, hi, self.rules), *carried_calendars(text, lo, hi, self.rules)]
            closing = self.rules.calendar_closing
            last = closing.search(text, lo, hi) if closing is not None else None
            if last is not None:  # "... role in the NHS in 2019. The median salary ... was £29,000"
                event = self.rules.calendar_event
                if event is None or event.search(text, lo, last.start()) is None:
                    found.append(YearHit(last.group(1), last.start(), last.end(), "period.calendar"))
            self.earlier_hits[key] = sorted((h for h in found if not self._contrast(text, h)), key=lambda h: h.start)
        return self.earlier_hits[key]

    def _dating_months(self, text: str, start: int, end: int) -> list[YearHit]:
        """The months of text[start:end] that date what follows ("As at the end of July 2025", "For April
        2025"), not an event ("Just before Christmas ... in December 2015 NHS England sent out")."""
        pattern = self.rules.dating_month
        return [
            h
            for h in month_years(text, start, end, self.rules)
            if pattern is None or pattern.search(text, max(0, h.start - 30), h.start)
        ]

    def _contrast(self, text: str, h: YearHit) -> bool:
        """A year named as the contrast of another ("after finishing 2016-17 £7.8m in the red", "more than
        double the 2017/18 deficit"): never the year carried to, or named after, another amount."""
        pattern = self.rules.contrast_before
        return pattern is not None and pattern.search(text, max(0, h.start - 40), h.start) is not None

    def _period_hit(self, a: Amount, hit: YearHit, source: str) -> Period:
        return Period(hit.value, source, hit.rule, (a.para, hit.start, hit.end))

    def _list_period(self, a: Amount) -> Period | None:
        """A list item's year: the year named last by the paragraph introducing its list ("... found that
        by 2028/29:" / "– If productivity rises by 1%, NHS funding will need to be £211bn" / "– If ... 2%,
        ... £198bn"), a deadline too, back over at most `list_items` items."""
        pattern, p = self.rules.list_item, self.paras[a.para]
        if pattern is None or p.table or pattern.match(p.text) is None:
            return None
        k = p.index
        for _ in range(self.rules.model.period.list_items):
            cur, before = self.paras[k], self.paras.before(k)
            if before is None or cur.heading or cur.table or pattern.match(cur.text) is None:
                return None
            if cur.introduced:
                # the introducing sentence: the words after the paragraph's last sentence end
                intro = self.paras[before]
                lo = sentence_of(intro, max(0, len(intro.text) - 1), unit_end=self.rules.unit_end)[0]
                hits = [
                    *years(intro.text, lo, len(intro.text), self.rules),
                    *deadlines(intro.text, lo, len(intro.text), self.rules),
                ]
                hits = [h for h in hits if not self._contrast(intro.text, h)]
                if not hits:
                    return None
                h = max(hits, key=lambda h: h.start)
                return Period(h.value, "paragraph", h.rule, (before, h.start, h.end))
            k = before
        return None

    def _carried_period(self, a: Amount, continues: bool = False) -> Period | None:
        """A year named in the paragraph(s) just before, when this one continues them: it runs on, is
        introduced by them, names no body before the amount, or its sentence says it goes on from them
        (`continues`: "Basildon & Thurrock ended the year £29.3m in deficit")."""
        p = self.paras[a.para]
        if p.table:
            return None
        k = p.index
        for step in range(self.rules.model.context.carry_paragraphs + 1):
            cur = self.paras[k]
            carries = cur.runs_on or cur.introduced or continues
            if not carries and self.rules.model.context.carry_unnamed:
                # no body named before the amount (in its own paragraph), or in a paragraph carried over: its
                # bodies read only here, where the paragraph neither runs on nor is introduced
                carries = not any(r.start < a.start for r in self._mine(k)) if step == 0 else not self._mine(k)
            before = self.paras.before(k) if carries else None
            if before is None:
                return None
            k = before
            prev = self.paras[k]
            if prev.heading or prev.table:
                return None
            if k not in self.carried_from:  # read once for every amount carried to from it
                self.carried_from[k] = self._carried_from(k)
            if self.carried_from[k] is not None:
                return self.carried_from[k]
        return None

    def _carried_from(self, k: int) -> Period | None:
        """The period paragraph k (neither a heading nor a table) carries to the paragraphs after it: its last
        year that is neither a deadline nor a contrast, the time words after it naming no year, or an annual
        report's "during the year"; None when it names none (the paragraph before it is read then)."""
        prev = self.paras[k]
        hits = years(prev.text, 0, len(prev.text), self.rules)
        if self.rules.deadline is not None:
            # "a gap projected at £123m ... by 2020-21": a target date, no year of what follows
            hits = [h for h in hits if not self.rules.deadline.search(prev.text, max(0, h.start - 20), h.start)]
        hits = [h for h in hits if not self._contrast(prev.text, h)]
        if self.rules.carry_stops is not None:
            # "... 2024-2025** ... Provide the figures ... for facility time during the relevant period." /
            # "**Pay bill spend** ... Provide the total cost of facility time £48,810.54": the nearest time
            # words name no year
            spoken = self.rules.carry_stops.search(prev.text, hits[-1].end if hits else 0)
            if spoken is not None:
                return Period(None, "none", "period.relative", (k, *spoken.span()))
        if hits:
            h = hits[-1]
            return Period(h.value, "paragraph", h.rule, (k, h.start, h.end))
        during = self.rules.during_year.search(prev.text) if self.rules.during_year is not None else None
        if during is not None and self.accounts_year:
            # "At the end of the year, we achieved our savings target in full, ..." / "... These measures were
            # effective ..., generating non recurrent savings of £6,648k": the report's year, carried
            return Period(self.accounts_year, "paragraph", "period.during_year", (k, *during.span()))
        return None

    # -- subject ----------------------------------------------------------------------------------

    def subject(self, a: Amount, sent: tuple[int, int], measure: str | None = None) -> Subject:
        p = self.paras[a.para]
        text, rules = p.text, self.rules
        group = rules.group_after.match(text, a.end)
        if group is not None:
            return Subject(None, None, "subject.group", (a.para, group.start(), group.end()))
        if a.table:
            return self._table_subject(a, measure)
        mine = self._mine(p.index)
        clause = self._clause(a, sent)
        nobody = self._not_a_body(a, clause)
        if nobody is not None:
            return nobody
        place = self._place_before(a, sent, clause, mine)
        if place is not None:
            return place
        in_clause = [r for r in mine if clause[0] <= r.start and r.end <= a.start]
        if in_clause:
            # the body just before the amount (`CUHFT £42.1m`), else the clause's first (its subject: `PAH
            # ended the year with a deficit of £32.6m, ... the NHS England response ..., a similar £28.7m`)
            last = in_clause[-1]
            near = len(text[last.end : a.start].split()) <= rules.model.subject.near_words
            return self._from_ref(last if near else in_clause[0], "subject.clause")
        in_sent = [r for r in mine if sent[0] <= r.start and r.end <= a.start]
        if in_sent:
            return self._from_ref(in_sent[0], "subject.sentence")
        if rules.group_before is not None:
            group = rules.group_before.search(text, clause[0], a.start)
            if group is not None:  # "The merging acute hospital trusts are all running ... deficits, totalling"
                return Subject(None, None, "subject.group", (a.para, group.start(), group.end()))
        back = self._back_reference(a, sent)
        if back is not None:
            return back
        after = [r for r in mine if a.end <= r.start and r.end <= clause[1]]
        if after:
            return self._from_ref(after[0], "subject.clause_after")
        types = set(rules.model.subject.paragraph_types)
        reach = sent[0] - rules.model.context.paragraph_lookback
        earlier = [r for r in mine if reach <= r.start and r.end <= sent[0] and r.type in types]
        if earlier:
            return self._from_ref(earlier[-1], "subject.paragraph")
        carried = self._carried_subject(a)
        if carried is not None:
            return carried
        opening = self._sentence_place(a, sent, rules.model.subject.section_suffixes, "subject.sentence_place")
        if opening is not None:
            return opening
        section = self._section_body(p)
        if section is not None:
            return section
        own = self._doc_subject()
        if own is not None:
            return own
        national = self._national_document(measure)
        if national is not None:
            return national
        return Subject(None, None, "subject.none")

    def _not_a_body(self, a: Amount, clause: tuple[int, int]) -> Subject | None:
        """An amount of a place or of the economy ("the city's £2 billion Innovation Arc", "£13 billion in
        economic growth for the city"), or in a clause about money of no one body ("the public health grant
        ... is £3.86bn"): no subject (rules/facts.yaml `subject.not_a_body`)."""
        nb = self.rules.model.subject.not_a_body
        if nb is None:
            return None
        text, rules = self.paras[a.para].text, self.rules
        for pattern, anchored in ((rules.not_a_body_before, True), (rules.not_a_body_clause, False)):
            if pattern is not None:
                hit = pattern.search(text, clause[0], a.start)
                if hit is not None and (not anchored or not text[hit.end() : a.start].strip()):
                    return Subject(None, None, nb.id, (a.para, hit.start(), hit.end()))
        if rules.not_a_body_after is not None:
            hit = rules.not_a_body_after.match(text, a.end)
            if hit is not None:
                return Subject(None, None, nb.id, (a.para, hit.start(), hit.end()))
            below = self._column_next(a)  # "... bringing £13 billion" / (other column) / "in economic growth for"
            if below is not None:
                q, lo = below
                hit = rules.not_a_body_after.match(q.text, lo)
                if hit is not None:
                    return Subject(None, None, nb.id, (q.index, hit.start(), hit.end()))
        return None

    def _column_next(self, a: Amount) -> tuple[Paragraph, int] | None:
        """Where an amount ends its line in a text document whose converter put two columns' lines in turn, and
        its sentence runs on into its column's next line in lower case: that line's paragraph and offset there
        (as `measure.column` reads the column)."""
        width = self.rules.model.measure.column_chars
        i = a.mention.line_index
        line = self.lines[i]
        if not width or self.document.lines[i].bbox is not None or len(line.text.strip()) > width:
            return None
        p = self.paras[a.para]
        if p.at(i, len(line.text)) < a.end or p.text[a.end : p.at(i, len(line.text))].strip():
            return None  # words after the amount on its own line
        below = self._column_of(i, 1, 1)
        if not below or len(self.lines[below[0]].text.strip()) > width:
            return None
        text = self.lines[below[0]].text
        if not text.lstrip()[:1].islower():
            return None
        q = self.paras.containing(below[0])
        if q.table or q.heading:
            return None
        return q, q.at(below[0], 0)

    def _doc_words(self, field: str) -> str:
        """What named the document's own body: its manifest field, or its name and what the text calls it."""
        if field in self.document.meta:
            return str(self.document.meta.get(field))
        known = self.doc_body[0] if self.doc_body is not None else None
        if field == "title_page":
            return f"{known.name if known else ''} (the document's own body: no publisher; named on its title page)"
        return (
            f"{known.name if known else ''} (the document's own body: no publisher; the body it names most"
            " of the type it calls 'the Trust', 'the CCG')"
        )

    def _national_document(self, measure: str | None = None) -> Subject | None:
        """A paper of the national bodies that run the NHS (its publisher, else title, says so) speaks of
        the health service as a whole where no body is named: subject `NHS`, no body row. Not of an amount
        of a measure in `national_not_measures` (a pay range, a market's median salary: no body's money)."""
        if measure is not None and measure in self.rules.model.subject.national_not_measures:
            return None
        if self.national is None:
            self.national = (self._read_national_document(),)
        return self.national[0]

    def _read_national_document(self) -> Subject | None:
        pattern = self.rules.national_documents
        if pattern is None:
            return None
        values = [str(self.document.meta.get(name) or "") for name in self.rules.model.subject.document_fields]
        if self.title_page is not None:  # no publisher: the body its title page or running heads name
            values.append(self.title_page.name)
        for value in values:
            if value and pattern.search(value):
                return Subject(
                    None, self.rules.model.subject.whole_service.name, "subject.national_document", words=value
                )
        return None

    def _place_before(
        self, a: Amount, sent: tuple[int, int], clause: tuple[int, int], mine: list[BodyRef]
    ) -> Subject | None:
        """`Bedford by £8.5m` in a sentence about acute trusts: the known body of that place and type."""
        text = self.paras[a.para].text
        hit = self.rules.place_before.search(text, max(clause[0], a.start - 80), a.start)
        if hit is None or any(r.start < hit.end(1) and hit.start(1) < r.end for r in mine):
            return None
        place = hit.group(1)
        for t, pattern in self.rules.place_types:
            if pattern.search(text, sent[0], sent[1]) is None:
                continue
            for suffix in t.suffixes:
                known = self.lookup(place + suffix)
                if known is not None and known.type == t.type:
                    return Subject(known.body_id, known.name, t.id, (a.para, hit.start(1), hit.end(1)))
        return None

    def _mine(self, k: int) -> list[BodyRef]:
        """The bodies paragraph `k` names that are no counterparty (`_counterparty`), in order (found once
        a paragraph; read only)."""
        if k not in self.mine:
            text = self.paras[k].text
            self.mine[k] = [r for r in self.refs.of(k) if not self._counterparty(text, r)]
        return self.mine[k]

    def _counterparty(self, text: str, r: BodyRef) -> bool:
        """A body that is another party (`with ...`) or the source of the figure (`... has calculated`)."""
        return (
            self.rules.counterparty_before.search(text, max(0, r.start - 30), r.start) is not None
            or self.rules.source_after.match(text, r.end) is not None
        )

    def _from_ref(self, r: BodyRef, rule: str) -> Subject:
        if not r.body_id:  # the health service as a whole: a name, no body row
            return Subject(None, r.name, self.rules.model.subject.whole_service.id, (r.para, r.start, r.end))
        if r.type == "trust" and self.site_of is not None:
            # a hospital named for its money ("to replace Watford General Hospital"): the trust that runs it
            trust = self.site_of(r.name)
            if trust is not None and trust.body_id != r.body_id:
                return Subject(trust.body_id, trust.name, "subject.site", (r.para, r.start, r.end))
        return Subject(r.body_id, r.name, rule, (r.para, r.start, r.end))

    def _table_subject(self, a: Amount, measure: str | None = None) -> Subject:
        if self.spending:
            return self._payer(a)
        p = self.paras[a.para]
        document = self._doc_subject()
        if document is not None and not self.refs.names_a_body(p):
            # no line of the row names a body: its only bodies would be whole-service words, which are neither
            # the document's body nor a first cell's own (so not looked for: most rows of accounts name none)
            return document
        row = [r for r in self.refs.of(p.index) if r.end <= a.start]
        if document is not None:
            named = next((r for r in row if r.body_id == document.body_id), None)
            if named is not None:
                return self._from_ref(named, "subject.table_row")
            if p.index not in self.first_cells:
                self.first_cells[p.index] = text_first_cell(p.text)
            first_cell = self.first_cells[p.index]
            own = [r for r in row if r.end <= first_cell and r.type != "national"]
            if own:
                return self._from_ref(own[0], "subject.table_row")
            return document
        if row:
            return self._from_ref(row[0], "subject.table_row")
        # a table of a national body's paper whose row names no body ("Table 3.3: ... salary and employment
        # on-costs" of the NHS digital workforce): the health service's, as that paper's prose is
        return self._national_document(measure) or Subject(None, None, "subject.none")

    def _payer(self, a: Amount) -> Subject:
        """Whose payment a row of a spending list is: the document's own body; when that is not a known
        body, the row's body that the title or publisher names (its "Entity" column), never a body its
        other columns name (the template's department family, the supplier)."""
        sl = self.rules.model.spending_list
        assert sl is not None
        own = self._doc_subject(sl.subject_id)
        if own is not None:  # (the row's bodies are not read: most lists are a known body's)
            return own
        said = [str(self.document.meta.get(f) or "") for f in ("publisher", "title")]
        row = [r for r in self.refs.of(a.para) if r.end <= a.start]  # the row's bodies before the amount
        for r in row:
            # the title of a folder's own file is its name's words: `... hospital nhsft` names `... NHS FT`
            if r.body_id and r.name not in self.payers:  # read once a name
                self.payers[r.name] = any(writes_name(t, r.name) for t in said)
            if r.body_id and self.payers[r.name]:
                return self._from_ref(r, sl.row_subject_id)
        return Subject(None, None, "subject.none")

    def _back_reference(self, a: Amount, sent: tuple[int, int]) -> Subject | None:
        p = self.paras[a.para]
        for ref, pattern in self.rules.back_references:
            hit = pattern.search(p.text, sent[0], sent[1])
            if hit is None:
                continue
            if not ref.types:  # `we`, `our`: the section's or the document's own body
                # (in a paper of no body's own, quoting one named just before: that body)
                mine = self._mine(p.index)
                quoted = self._unnamed_subject(a, mine) if self.doc_body is None else None
                found = quoted or self._section_body(p) or self._doc_subject()
                if found is not None:
                    return Subject(found.body_id, found.name, ref.id, (a.para, *hit.span()))
                continue
            words = hit.group(0).split()
            own = self.doc_body is not None and self.doc_body[0].type in ref.types
            if own and len(words) > 1 and words[1][:1].isupper():
                # `the Trust` in a trust's own papers is the trust itself
                known = self.doc_body[0]  # type: ignore[index]
                return Subject(known.body_id, known.name, ref.id, (a.para, *hit.span()))
            target = self._last_of_types(p, hit.start(), set(ref.types), self.rules.reference_names.get(ref.id))
            if target is not None:
                site = self._from_ref(target, ref.id)  # "the hospital" after its name: the trust running it
                return Subject(site.body_id, site.name, site.rule, (a.para, *hit.span()))
            if ref.suffix:
                opening = self._sentence_place(a, sent, [ref.suffix], ref.id)
                if opening is not None:
                    return opening
            head_p = self._place_heading(p)
            head = head_p.text.strip().strip("#").strip() if head_p is not None else ""
            if ref.suffix and self.rules.place_name.fullmatch(head):
                known = self.lookup(head + ref.suffix)
                if known is not None:
                    return Subject(known.body_id, known.name, ref.id, (a.para, *hit.span()))
        return None

    def _sentence_place(self, a: Amount, sent: tuple[int, int], suffixes: list[str], rule: str) -> Subject | None:
        """`In East and North Hertfordshire the CCG ...`, `In Kent and Medway their bill ...`: the known body
        of the place a sentence opens with (its longest leading words that, with a suffix, name one)."""
        pattern = self.rules.sentence_place
        if pattern is None:
            return None
        text = self.paras[a.para].text
        hit = pattern.match(text, sent[0], a.start)
        if hit is None:
            return None
        words = hit.group(1).split()
        for n in range(len(words), 0, -1):
            place = " ".join(words[:n])
            for suffix in suffixes:
                known = self.lookup(place + suffix)
                if known is not None:
                    return Subject(known.body_id, known.name, rule, (a.para, hit.start(1), hit.start(1) + len(place)))
        return None

    def _doc_subject(self, rule: str = "subject.document") -> Subject | None:
        """The document's own body as the subject, by this rule; made once a rule (every cell of an annual
        report's accounts and every row of a spending list is its): rows share it, and read it only."""
        if self.doc_body is None:
            return None
        found = self.doc_subjects.get(rule)
        if found is None:
            known, field = self.doc_body
            found = self.doc_subjects[rule] = Subject(known.body_id, known.name, rule, words=self._doc_words(field))
        return found

    def _last_of_types(
        self, p: Paragraph, pos: int, types: set[str], names: regex.Pattern[str] | None = None
    ) -> BodyRef | None:
        """The last body of these types named before `pos` of paragraph `p`, back to the heading that
        opens its place's section (a heading naming a body or a known place)."""
        stop = self._place_heading(p)
        return self.refs.last_of_types(p, pos, stop.index if stop is not None else -1, types, names)

    def _place_heading(self, p: Paragraph) -> Paragraph | None:
        """The nearest heading above `p` (at most `place_heading_lookback` back) that names a body or a
        place with a known section body (`Cambridgeshire and Peterborough` above `Current/recent
        financial issues`)."""
        k = p.index if p.heading else self.paras.heading_before(p.index)
        for _ in range(self.rules.model.context.place_heading_lookback):
            if k is None:
                break
            if k not in self.place_of:
                self.place_of[k] = self._names_place(k)
            if self.place_of[k]:
                return self.paras[k]
            k = self.paras.heading_before(k)
        return None

    def _names_place(self, k: int) -> bool:
        """Whether heading k names a local body or a place with a known section body. Most headings walked
        over name neither: a heading is a line group of its own, so its lines and text are read without
        building the paragraphs around it, and its bodies are found only when one of its lines names one."""
        lines, text = self.paras.heading(k)
        if any(li in self.refs.on_line for li in lines) and self._heading_bodies(k):
            return True
        return self._heading_known(text) is not None

    def _heading_bodies(self, k: int) -> list[BodyRef]:
        """The local bodies a heading names (a national body in a running header is no section's)."""
        types = self.rules.model.subject.paragraph_types
        return [r for r in self.refs.of(k) if r.type in types]

    def _heading_known(self, text: str) -> Known | None:
        """The known body of the place a heading's text is (with a section suffix: `Cambridgeshire and
        Peterborough` + ` CCG`)."""
        place = text.strip().strip("#").strip()
        if not self.rules.place_name.fullmatch(place):
            return None
        for suffix in self.rules.model.subject.section_suffixes:
            known = self.lookup(place + suffix)
            if known is not None:
                return known
        return None

    def _carried_subject(self, a: Amount) -> Subject | None:
        p = self.paras[a.para]
        before = self.paras.before(a.para) if p.runs_on or p.introduced else None
        if before is None:
            return None
        prev = self._mine(before)
        if prev:
            return self._from_ref(prev[-1], "subject.paragraph")
        return None

    def _unnamed_subject(self, a: Amount, mine: list[BodyRef]) -> Subject | None:
        """Whom `we` or `our` quotes in a paragraph that names no body before the amount: the local body
        named last in the paragraphs just before it (at most `subject_carry_paragraphs` back, not past a
        heading or table): "During 2017/18 Norfolk & Norwich also borrowed £57.7m ..." / ... / "Even this
        figure "assumes that £30m of savings will be made in year," ... "to date we have c. £10m ..."
        (rule subject.carried)."""
        steps = self.rules.model.context.subject_carry_paragraphs
        p = self.paras[a.para]
        if not steps or p.table or any(r.start < a.start for r in mine):
            return None
        types = set(self.rules.model.context.subject_carry_types)
        k = p.index
        for _ in range(steps):
            before = self.paras.before(k)
            if before is None:
                return None
            k = before
            prev = self.paras[k]
            if prev.heading or prev.table:
                return None
            named = [r for r in self._mine(k) if r.type in types and r.body_id]
            if named:
                return self._from_ref(named[-1], "subject.carried")
        return None

    def _section_body(self, p: Paragraph) -> Subject | None:
        head = self._place_heading(p)
        if head is None:
            return None
        named = self._heading_bodies(head.index)
        if named:
            return self._from_ref(named[0], "subject.heading")
        known = self._heading_known(head.text)
        if known is not None:
            return Subject(known.body_id, known.name, "subject.heading", (head.index, 0, len(head.text)))
        return None

    # -- the row ----------------------------------------------------------------------------------

    def row(self, a: Amount, measure: Decision, period: Period, subject: Subject) -> dict[str, Any]:
        m = a.mention
        line = self.document.lines[m.line_index]
        basis = [
            self._basis_text("subject", subject.rule, subject.span, subject.words),
            self._basis_text(
                "measure",
                measure.rule,
                (a.para if measure.para is None else measure.para, *measure.span) if measure.span else None,
                None,
            ),
            self._basis_text("period", period.rule, period.span, period.words),
        ]
        return {
            "money_id": mention_id(self.document.sha256, line, m),
            "subject_id": subject.body_id,
            "subject": subject.name,
            "measure": measure.value,
            "period": period.value,
            "period_source": period.source,
            "subject_rule": subject.rule,
            "measure_rule": measure.rule,
            "period_rule": period.rule,
            "basis": encode_list(basis),
        }

    def _basis_text(self, field: str, rule: str, span: tuple[int, int, int] | None, words: str | None) -> str:
        """`_basis`, made once per document for each (field, rule, words and where): the facts of a document
        share many (its own body as subject, a column's year as period)."""
        key = (field, rule, span, words)
        text = self.basis_texts.get(key)
        if text is None:
            text = self.basis_texts[key] = self._basis(field, rule, span, words)
        return text

    def _basis(self, field: str, rule: str, span: tuple[int, int, int] | None, words: str | None) -> str:
        """The JSON text of `{"field", "rule"}`, with the words that decided and their raw spans (from the
        paragraph span, else the words given, with no span)."""
        if span is not None:
            spans = self._raw_spans(*span)
            return encode_item(field, rule, " ".join([s["text"] for s in spans]), spans)
        if words is not None:
            return encode_item(field, rule, words, [])
        return encode_item(field, rule)

    def _raw_spans(self, para: int, start: int, end: int) -> list[dict[str, Any]]:
        """Paragraph offsets as spans of the raw lines (one per line the words cross)."""
        p = self.paras[para]
        out = []
        # only the lines the span can cross (a paragraph of 40,000 lines is not walked per amount)
        first = max(bisect_right(p.starts, start) - 1, 0)
        for k in range(first, bisect_left(p.starts, end)):
            li, ls = p.lines[k], p.starts[k]
            le = ls + len(self.lines[li].text)
            s, e = max(start, ls), min(end, le)
            if s >= e:
                continue
            nl = self.lines[li]
            rs, re_ = nl.to_raw(s - ls, e - ls)
            line = self.document.lines[li]
            out.append(
                {"page": line.page, "line": line.number, "char_start": rs, "char_end": re_, "text": nl.raw[rs:re_]}
            )
        return out


_STAR_BLOCK = 128  # lines `_starred` reads at a time


def _cell_key(a: Amount) -> tuple[int, int]:
    return a.mention.line_index, a.mention.start


def _same_header(a: Amount, b: Amount) -> bool:
    """Whether the money table put two cells under the same header cell."""
    va, vb = a.mention.values, b.mention.values
    return bool(va.get("header_line") == vb.get("header_line") and va.get("header_page") == vb.get("header_page"))


def _years_before(year: str, n: int) -> list[str]:
    """`2024/25` and the n-1 financial years before it, latest first."""
    first = int(year[:4])
    return [f"{first - k}/{(first - k + 1) % 100:02d}" for k in range(n)]


def _repeated_groups(values: list[str | None]) -> bool:
    """Column years that repeat one run of consecutive years counting down, a run per group of columns
    (`2024/25` / `2023/24` / `2024/25` / `2023/24` under "Care Services" / "Hosted Services"): no misprint."""
    for size in range(2, len(values) // 2 + 1):
        group = values[:size]
        if len(values) % size == 0 and values == group * (len(values) // size):
            return _counting_down(str(group[0] or ""), group) == group and all(group)
    return False


def _counting_down(year: str, values: list[str | None]) -> list[str | None]:
    """`values` when they are consecutive financial years counting down (or up), else the report's run."""
    starts = [int(v[:4]) for v in values if v and len(v) == 7]
    if len(starts) == len(values):
        steps = {b - a for a, b in itertools.pairwise(starts)}
        if steps in ({-1}, {1}):
            return values
    return list[str | None](_years_before(year, len(values)))


def _aside(text: str, start: int, h: YearHit, pos: int) -> bool:
    """A year inside brackets closed before `pos` (`HEE pays their placement fees (due to stop in
    2018/19), but ... £40,000`): an aside about something else. A bracket closed with none open (a list
    item's `a)`) opens none: "a) Income includes £257m (£228m in 2023/24) ... (primarily £160m ...)"."""
    depth = 0
    for c in text[start : h.start]:
        if c == "(":
            depth += 1
        elif c == ")" and depth:
            depth -= 1
    return depth > 0 and ")" in text[h.end : pos]


def _distance(text: str, h: YearHit, amount: tuple[int, int]) -> int:
    a, b = amount
    return len(text[h.end : a].split()) if h.end <= a else len(text[b : h.start].split())


def text_first_cell(text: str) -> int:
    """End offset of a table row's first cell (tab or Markdown `|` separated)."""
    s = text.lstrip(" |")
    offset = len(text) - len(s)
    cut = min((i for i in (s.find("\t"), s.find("|")) if i >= 0), default=len(s))
    return offset + cut
