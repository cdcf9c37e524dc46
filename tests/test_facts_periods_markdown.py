"""Periods of amounts in Markdown conversions of reports (issue 9, developer "period2"): causes of missing
periods read on the tuning sets' misses (tests/gold/heldout-facts-blind2..4), each a rule of rules/facts.yaml
`period` tested on the real lines it was read on (tests/data/facts_periods). Each test failed before its rule."""

from __future__ import annotations

from pathlib import Path

from tests.test_facts import LTHT_META, facts_of

DATA = Path(__file__).resolve().parent / "data" / "facts_periods"


def lines_of(name: str) -> list[str]:
    return (DATA / name).read_text(encoding="utf-8").split("\n")


def test_a_bold_heading_naming_a_year_dates_the_infographic_under_it():
    """The LTHT annual report's page "**2024/25 7 Commitments**" (its lines 1259-1400): "£5m saved", "£3.4m",
    "£2m reduction in" (lines 1335-1341) and "£366,775" (1273) are 2024/25 (all had none: a bold line was no
    heading, and the page's short lines "14.6 Tonnes", "5 CSUs" were read as headings naming no year)."""
    lines = lines_of("ltht-commitments-infographic.md")
    f = facts_of(lines, 1, len(lines), LTHT_META, name="report.md")
    first = f[(19, "£366,775")]
    assert (first["period"], first["period_rule"], first["period_source"]) == (
        "2024/25",
        "period.bold_heading",
        "heading",
    )
    assert [f[(n, t)]["period"] for n, t in ((81, "£5m"), (83, "£3.4m"), (87, "£2m"), (137, "£100k"))] == [
        "2024/25"
    ] * 4


def test_a_bold_item_number_ends_a_bold_headings_year():
    """The LCH board minutes: "**Mortality Reports Quarter 4 and Annual Report 2024/25**" (line 883) is followed
    by "**Item 2025-26 (35)**" and "**Business Committee Assurance Report: April 2025**": "... with a surplus of
    £1.9M, exceeding the planned position by £0.9M" (line 911) keeps none (the next item's)."""
    lines = lines_of("lch-board-minutes-items.md")
    f = facts_of(lines, 1, len(lines), name="minutes.md")
    assert (f[(33, "£1.9M")]["period"], f[(33, "£0.9M")]["period"]) == (None, None)


def test_a_calendar_year_closing_the_sentence_before_carries_to_the_amount():
    """HEE's Data Driven Healthcare in 2030, pages 118-119: "Software developer was the fourth most advertised
    digital and informatics role in the NHS in 2019. The median salary calculated for NHS adverts was £29,000,
    compared to industry median of £45,000": both 2019 (both had none: a calendar year of an earlier sentence
    carried only as a deadline or an estimate's year)."""
    lines = lines_of("hee-data-driven-healthcare-2030-p118-119.txt")
    f = facts_of(lines, 1, len(lines))
    first = f[(7, "£29,000")]
    assert (first["period"], first["period_rule"], first["period_source"]) == ("2019", "period.calendar", "paragraph")
    assert f[(8, "£45,000")]["period"] == "2019"


def test_a_comparative_bracket_broken_at_its_colon_dates_the_amount_closing_it():
    """The LTHT accounts' note 29: "... of The Leeds Teaching Hospitals NHS Trust (31 March 2024:" / "£503,331k).":
    2023/24 (had none: the colon ended the paragraph and the amount's own names no date), beside "At 31 March
    2025, £567,621k was included" (2024/25)."""
    lines = lines_of("ltht-accounts-note-29.md")
    f = facts_of(lines, 1, len(lines), LTHT_META, name="report.md")
    assert (f[(15, "£503,331k")]["period"], f[(15, "£503,331k")]["period_rule"]) == ("2023/24", "period.month")
    assert f[(3, "£567,621k")]["period"] == "2024/25"


def test_a_sentence_continued_across_a_line_of_the_other_column():
    """The LTHT accounts' related-party note, its lines in turn with the payment table's: "During the year the
    Trust's expenditure with " / "NHS payables" / "the University of York was £0.3m (2023/24 " / "Total NHS " /
    "£0.2m).": 2024/25 and 2023/24; "(31 March 2024 " / "Total non-" / "- £3.2m).": 2023/24; "During the year,
    the Trust received " / "Percentage " / "£0.3m from the hospice": 2024/25 (all four had none: the table's
    lines read as headings cut the sentences)."""
    lines = lines_of("ltht-accounts-related-parties.md")
    f = facts_of(lines, 1, len(lines), LTHT_META, name="report.md")
    during = f[(83, "£0.3m")]
    assert (during["period"], during["period_rule"]) == ("2024/25", "period.during_year")
    assert (f[(87, "£0.2m")]["period"], f[(29, "£3.2m")]["period"], f[(135, "£0.3m")]["period"]) == (
        "2023/24",
        "2023/24",
        "2024/25",
    )
