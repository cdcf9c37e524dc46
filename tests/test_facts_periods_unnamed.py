"""Periods that a text speaks of without naming them (issue 9, developer "b7measure"), read on the tuning sets
tests/gold/heldout-facts-blind7 and -blind6, on the real lines of their committed documents (docs/SOURCES.md
there): a run opened by "since" with no end, "this year" nearer an amount than a year named before it, and the
trade union facility time returns' "relevant period". The guideline: "last year", "this year" name no year
(null). Each test failed before its rule."""

from __future__ import annotations

from pathlib import Path

from tests.test_facts import facts_of

GOLD = Path(__file__).resolve().parent / "gold"
LCH_2425 = GOLD / "heldout-facts-blind7" / "docs" / "Leeds Community Annual-report-2024-2025.md"
STRATEGY = GOLD / "heldout-facts-blind7" / "docs" / "leeds health wellbeing strategy 2023-2030.md"
LCH_2324 = GOLD / "heldout-facts-blind6" / "docs" / "Leeds Community Annual Report 2324.md"
LYPFT = GOLD / "heldout-facts-blind6" / "docs" / "LYPFT Annual-Report-and-Accounts-2024-25.md"


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def test_a_run_since_a_year_has_no_period():
    """Leeds Health and Wellbeing Strategy 2023-2030, line 4325: "*Since 2019/20 over £27m has been *" / "*spent on
    disabled facilities grants, *" took 2019/20: an open run, no end named (blind7 README: null)."""
    f = facts_of(lines_of(STRATEGY), 4313, 4327)[(4325, "£27m")]
    assert (f["measure"], f["period"], f["period_rule"]) == ("spend", None, "period.open_run")


def test_this_year_nearer_than_a_footer_year_names_none():
    """LCH 2024/25 lines 715-731: the page footer "**Annual report and accounts 2024-2025**" runs into the paragraph
    (a bold line, no sentence end) before "This year was the first of our three-year cost improvement programme
    ... We had a challenging £15.8m of savings to achieve": 2024/25, from the footer (blind7: null)."""
    f = facts_of(lines_of(LCH_2425), 715, 731, {"title": "Leeds Community Annual report 2024 2025"})
    assert (f[(731, "£15.8m")]["period"], f[(731, "£15.8m")]["period_rule"]) == (None, "period.relative")


def test_facility_time_in_the_relevant_period_names_no_year():
    """The trade union facility time returns: "Provide the figures ... to determine the percentage of your total pay
    bill spent on paying employees ... for facility time during the relevant period." over "Provide the total cost of
    facility time" / "£48,810.54" and "Provide the total pay bill" / "£169,032,000.00" (LCH 2024/25), "£58,660.27"
    and "£160,588,000.00" (LCH 2023/24): each took the page footer's year (blind6 and blind7: null). LYPFT's table
    "Percentage of pay bill spent on facility time during 2024/25" names its year."""
    f = facts_of(lines_of(LCH_2425), 10671, 10737, {"title": "Leeds Community Annual report 2024 2025"})
    assert [f[k]["period"] for k in [(10727, "£48,810.54"), (10731, "£169,032,000.00")]] == [None, None]
    f = facts_of(lines_of(LCH_2324), 10380, 10430, {"title": "Leeds Community Annual Report 2324"})
    assert [f[k]["period"] for k in [(10421, "£58,660.27"), (10425, "£160,588,000.00")]] == [None, None]
    assert {f[k]["measure"] for k in [(10421, "£58,660.27"), (10425, "£160,588,000.00")]} == {"spend"}
    f = facts_of(lines_of(LYPFT), 5487, 5496, {"title": "LYPFT Annual Report and Accounts 2024 25"})
    assert [f[k]["period"] for k in [(5491, "£68,309.18"), (5495, "£202,099,852")]] == ["2024/25", "2024/25"]


def test_last_year_in_passing_does_not_stop_a_year(corpus_lines):
    """corpus/000_9697e79c8f4d460c.txt lines 620-624: "The original control total for FY19 set as part of last year's
    planning process, ..., was a deficit of £5.4m. This included Performance Sustainability Funding of £15m": FY19
    (the held-out gold: 2018/19); "last year's" speaks of another year in passing and does not stop FY19 reaching the
    next sentence, as "this year" does (this test failed with a first form of the rule that stopped at any relative
    words; it passed before)."""
    f = facts_of(corpus_lines["000_9697e79c8f4d460c.txt"], 620, 624)
    assert [f[k]["period"] for k in [(624, "£5.4m"), (624, "£15m")]] == ["2018/19", "2018/19"]
