"""Periods in trusts' annual reports (issue 9, developer "b6period"): causes read on the misses of
tests/gold/heldout-facts-blind6 (a tuning set), each a general rule tested on the real lines it was read
on (tests/data/facts_causes, README there). Each test failed before its rule."""

from __future__ import annotations

from pathlib import Path

from tests.test_facts import facts_of

DATA = Path(__file__).resolve().parent / "data" / "facts_causes"
# the title the build infers from the file name `LYPFT Annual-Report-and-Accounts-2024-25.md`
LYPFT_META = {"title": "LYPFT Annual Report and Accounts 2024 25"}


def test_calendar_years_repeated_over_groups_of_accounts_columns():
    """LYPFT's note 2, operating segments: "**2025**" / "2024" over each of "Care Services" and "Hosted
    Services", "**March 2025**" / "March 2024" over "Total", over six `£000` cells: each pair of columns is
    2024/25 and 2023/24 (`period.column_year_end`; had none: a year alone and a month and year were no
    column years; then the repeated years were read as a misprint, 2024/25 down to 2019/20)."""
    lines = (DATA / "lypft-accounts-column-years.md").read_text(encoding="utf-8").split("\n")
    f = facts_of(lines, 1, len(lines), LYPFT_META, name="report.md")
    assert f[(71, "11,955")]["period_rule"] == "period.column_year_end"
    assert [f[(n, t)]["period"] for n, t in [(71, "11,955"), (73, "15,407"), (75, "15,668"), (77, "14,692")]] == [
        "2024/25",
        "2023/24",
        "2024/25",
        "2023/24",
    ]
    assert f[(93, "277,431")]["period"] == "2024/25" and f[(95, "256,902")]["period"] == "2023/24"


def test_a_comparative_in_an_escaped_bracket_without_in_and_one_of_no_amount():
    """LYPFT's provisions note: "dilapidation costs £460k \\(£393k 2023/24\\), IT software ... £194k \\(£258k
    2023/24\\)" and the PFI note's "£650k \\(£1,140k 2023/24\\)" / "£530k \\(£481k 2023/24\\)": each amount is
    2024/25, its comparative 2023/24 (had 2023/24 or none: the Markdown bracket is escaped and the year
    follows the comparative with no "in"); the remuneration report's "The highest paid agency non-director
    was £324,851 \\(2023-24 N/A\\)": 2024/25 (had 2023/24, the paragraph's)."""
    lines = (DATA / "lypft-comparatives.md").read_text(encoding="utf-8").split("\n")
    f = facts_of(lines, 1, len(lines), LYPFT_META, name="report.md")
    assert (f[(11, "£460k")]["period"], f[(11, "£460k")]["period_rule"]) == ("2024/25", "period.comparative")
    assert f[(11, "£393k")]["period"] == "2023/24" and f[(11, "£194k")]["period"] == "2024/25"
    assert f[(5, "£650k")]["period"] == "2024/25" and f[(7, "£530k")]["period"] == "2024/25"
    assert f[(3, "£324,851")]["period"] == "2024/25" and f[(3, "£227,050")]["period"] == "2024/25"


def test_the_year_a_report_ended_in_a_title_made_from_a_file_name_of_run_together_years():
    """LCH's annual report 2023/24, file `Leeds Community Annual Report 2324.md` (title inferred from it):
    "... the Trust ended the year with a surplus of £309k" and "... ended the year with an adjusted surplus of
    £267k": 2023/24 (had none: `2324` gave the report no year, and "ended the year" was no "during the
    year")."""
    lines = (DATA / "lch-annual-report-2023-24-financial-performance.md").read_text(encoding="utf-8").split("\n")
    f = facts_of(lines, 1, len(lines), {"title": "Leeds Community Annual Report 2324"}, name="report.md")
    assert (f[(5, "£309k")]["period"], f[(5, "£309k")]["period_rule"]) == ("2023/24", "period.during_year")
    assert f[(7, "£267k")]["period"] == "2023/24"


def test_in_year_in_the_amounts_clause_is_the_reports_year_whatever_an_earlier_sentence_named():
    """LYPFT's financial performance review: "... These schemes continue into 2025/26. A contribution from
    public dividend capital of £8.2m was received in year ...", "Working capital ... reduced £1.5m in year,
    within this net cash increased £7m ...": 2024/25, the report's year (had 2025/26, carried from the
    sentence before; "in year" after the amount was not read)."""
    lines = (DATA / "lypft-in-year.md").read_text(encoding="utf-8").split("\n")
    f = facts_of(lines, 1, len(lines), LYPFT_META, name="report.md")
    assert (f[(5, "£8.2m")]["period"], f[(5, "£8.2m")]["period_rule"]) == ("2024/25", "period.during_year")
    assert f[(13, "£1.5m")]["period"] == "2024/25" and f[(13, "£7m")]["period"] == "2024/25"
    assert f[(5, "£13.4m")]["period"] == "2024/25" and f[(5, "£6.1m")]["period"] == "2023/24"


def test_the_year_ended_a_date_after_the_amount():
    """LYPFT's financial performance review: "The statement of comprehensive income shows a surplus of £4.4m
    for the year ended 31 March 2025" / "\\(compared to a deficit of £0.5 million in the previous year\\).":
    2024/25 (had none: "previous year" later in the sentence named none)."""
    lines = (DATA / "lypft-year-ended.md").read_text(encoding="utf-8").split("\n")
    f = facts_of(lines, 1, len(lines), LYPFT_META, name="report.md")
    assert (f[(3, "£4.4m")]["period"], f[(3, "£4.4m")]["period_rule"]) == ("2024/25", "period.balance_date")
