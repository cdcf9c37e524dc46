"""Periods of amounts in running text and PDF reports (issue 9, developer "period"): causes of wrong or
missing periods read on the tuning sets' misses (tests/gold/heldout-facts-blind2..5), each a general rule
of rules/facts.yaml `period` tested on the real lines it was read on. Each test failed before its rule."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from pipeline.extract import Context, extract_all
from pipeline.model import Document, mention_id
from pipeline.rules import RULES_DIR
from tests.conftest import ingested
from tests.test_facts import LCH, LTHT_META, facts_of, realdoc
from tests.test_pdf_hard import without_ocr

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
FULL = "data-driven-healthcare-2030-full-report-2021-03.pdf"
SUMMARY = "data-driven-healthcare-2030-summary-2021-03.pdf"
LTHT = "ltht-annual-report-2024-25.md"
LYPFT = Path(__file__).resolve().parent / "data" / "facts_causes" / "lypft-annual-report-2024-25-excerpt.md"


def page_facts(doc: Document, pages: set[int]) -> dict[tuple[int, int, str], dict[str, Any]]:
    """The facts of some pages of a PDF read alone, by (page, line, amount as written)."""
    part = Document(doc.path, doc.sha256, "pdf", doc.meta, [line for line in doc.lines if line.page in pages])
    ex = extract_all(part, Context(), only=["money", "bodies", "facts"])
    rows = {r["money_id"]: r for r in ex.records["money_facts"]}
    out = {}
    for m in ex.mentions:
        if m.kind == "money":
            line = part.lines[m.line_index]
            out[(line.page, line.number, m.text)] = rows[mention_id(part.sha256, line, m)]
    return out


@pytest.fixture(scope="module")
def summary() -> Document:
    from pipeline.ingest import ingest
    from pipeline.manifest import load_manifest

    entry = next(e for e in load_manifest(CORPUS) if e.file == SUMMARY)
    return ingest(CORPUS, entry)


@pytest.fixture(scope="module")
def full(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Document:
    # the 207-page report with OCR off, through the session cache other PDF tests fill
    rules = tmp_path_factory.mktemp("rules") / "rules"
    shutil.copytree(RULES_DIR, rules)
    return ingested(shared / "realdocs", FULL, rules=without_ocr(rules))


# -- calendar years in a report that counts in them ------------------------------------------------------


def test_a_calendar_year_before_an_amount_in_its_sentence(summary):
    """ "The salary and employment on-costs for the workforce of 46,000 WTEs in 2020 is estimated to be around
    £2.05 billion. If this workforce is to increase to a projected size of 78,000 WTEs in 2030 and its
    composition remains the same, the costs will be around £5.2 billion." (summary report, page 10): 2020
    and 2030 (both had none: a calendar year counted only right after an amount or as a deadline)."""
    f = page_facts(summary, {10})
    first = f[(10, 4, "£2.05 billion")]
    assert (first["period"], first["period_rule"]) == ("2020", "period.calendar")
    assert f[(10, 6, "£5.2 billion")]["period"] == "2030"


@pytest.mark.slow
def test_a_calendar_year_after_an_amount_and_an_estimate_for_a_year(full):
    """The full report, page 76: "Therefore, the figure of £132 million should be regarded as the minimum
    estimate for 2030. It is worth contrasting the figure of £132 million with the £151 million (baseline
    costs) that represents the salary and employment on-costs of a workforce remaining at 3,550 WTEs in
    2030.": all three 2030 (all three had none); page 74: "... of 3,550 WTEs in 2020 are estimated to be
    around £116 million": 2020."""
    f = page_facts(full, {74, 75, 76})
    assert f[(74, 38, "£116 million")]["period"] == "2020"
    assert f[(74, 40, "£132 million")]["period"] == "2030"  # "... £132 million in 2030 (Figure 6A.6)"
    assert f[(76, 3, "£132 million")]["period"] == "2030"  # "... the minimum estimate for 2030"
    second = f[(76, 5, "£132 million")]  # the next sentence: the estimate's year carries
    assert (second["period"], second["period_source"]) == ("2030", "paragraph")
    assert f[(76, 5, "£151 million")]["period"] == "2030"  # "... remaining at 3,550 WTEs in 2030"


# -- a table's header over several lines -----------------------------------------------------------------


@pytest.mark.slow
def test_the_year_over_a_money_column_of_a_header_on_several_lines(full):
    """Table 3.3 (page 34): "Estimated" / "salary and" / "employment" / "on-costs in" / "2020 –" / "£millions"
    over the first money column, "Projected" / ... / "2030 –" / "£millions" over the second; the header
    line "banding*<TAB>2020 –<TAB>2030 –" ends with the two years. "Data<TAB>Clinical coding<TAB>Band 4<TAB>
    3,560<TAB>£116<TAB>3,101<TAB>£132": 2020 and 2030 (both had none)."""
    f = page_facts(full, {34})
    first = f[(34, 9, "£116")]
    assert (first["period"], first["period_rule"], first["period_source"]) == (
        "2020",
        "period.header_year",
        "column_header",
    )
    assert f[(34, 9, "£132")]["period"] == "2030"
    assert (f[(34, 21, "£2,054")]["period"], f[(34, 21, "£5,220")]["period"]) == ("2020", "2030")


# -- a heading's month -----------------------------------------------------------------------------------


def test_a_month_heading_dates_the_amounts_under_it_and_a_meetings_date_does_not(shared, corpus_lines):
    """The LTHT annual report's timeline of the year: "September 2024" / ... / "A £2.7 million study to improve
    gallstone treatment launched at Leeds.": 2024/25 (had none: a heading's year was read only as a financial
    year); the LCH committee report under "Date of next meeting:" / "24 September 2025" keeps none ("the
    £1.1M slippage YTD" names no year: a meeting's date dates nothing under it)."""
    ltht = realdoc(shared, LTHT)
    row = facts_of(ltht, 3773, 3819, LTHT_META)[(3799, "£2.7 million")]
    assert (row["period"], row["period_rule"], row["period_source"]) == ("2024/25", "period.month", "heading")
    lch = facts_of(corpus_lines[LCH], 7001, 7039)
    assert lch[(7039, "£1.1M")]["period"] is None
    # a month alone over a page's update, with no other such heading near, is its date: "June 2017" / ... /
    # "Submission by NHS Providers, January 2018" / "... £74bn ..." keeps none
    providers = facts_of(corpus_lines["003_4bd6cd02c4d551ad.txt"], 1, 7)
    assert providers[(7, "£74bn")]["period"] is None
    # ... and a paragraph speaking of "this year" is dated by no heading: "• The vast majority of this year's
    # up-front funding ... This leaves only £300 million available ..." under "June 2017", after "May 2017"
    update = facts_of(corpus_lines["001_baeb06aa9c477327.txt"], 60, 136)
    assert (update[(136, "£300 million")]["period"], update[(136, "£300 million")]["period_rule"]) == (
        None,
        "period.relative",
    )


# -- a comparative in brackets after the amount ------------------------------------------------------------


def test_an_amount_before_its_comparative_and_the_comparatives_year_is_the_year_after(shared):
    """LYPFT's annual report: "The total operating expenses for the year was £276.5m (£258.6m in 2023/24)":
    2024/25 (had none), "... in the financial year was £53,312 (£50,207 in 2023/24)": 2024/25 (had 2023/24,
    the bracket's year read as its own); the LTHT accounts' prose: "The estimated additional pension
    liabilities of these ill-health retirements is £2,433k (£2,429k in 2023/24)": 2024/25 (had none)."""
    lines = LYPFT.read_text(encoding="utf-8").split("\n")
    f = facts_of(lines, 1, len(lines), name="report.md")
    assert (f[(21, "£276.5m")]["period"], f[(21, "£276.5m")]["period_rule"]) == ("2024/25", "period.comparative")
    assert f[(21, "£258.6m")]["period"] == "2023/24"
    assert f[(23, "£53,312")]["period"] == "2024/25" and f[(23, "£50,207")]["period"] == "2023/24"
    ltht = facts_of(realdoc(shared, LTHT), 31491, 31517, LTHT_META)
    assert ltht[(31511, "£2,433k")]["period"] == "2024/25"


def test_a_calendar_year_saying_when_something_happened_dates_no_amount(shared):
    """The Leeds research strategy, page 17: "Since it was set up in 2012, the AUPC has secured £12.5m research
    income": none (the calendar-year rule above first read 2012, the year the unit was set up)."""
    doc = ingested(shared / "realdocs", "leeds-shared-research-and-innovation-strategy-2020-2030.pdf")
    row = page_facts(doc, {17})[(17, 37, "£12.5m")]
    assert row["period"] is None
