"""Causes of wrong or missing periods (facts7), each a general rule of rules/facts.yaml or
rules/facts_accounts.yaml tested on the real lines it was read on: accounts cells whose row starts on its
label line, calendar years that an amount is for ("by 2030", "in 2024"), runs of years written as "the
four years to 2014-15", and a year that an introducing paragraph names for the list after it. Each test
failed before its rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_facts import LTHT_META, facts_of

LTHT = "ltht-annual-report-2024-25.md"


@pytest.fixture(scope="module")
def ltht(shared: Path) -> list[str]:
    return (shared / "realdocs" / LTHT).read_text(encoding="utf-8").split("\n")


# -- accounts: a row's first cell at the end of its label line ----------------------------------------


def test_a_cell_after_a_row_label_ending_with_its_first_cell_is_the_next_column(ltht):
    """Note 6.1: "Drug costs (drugs inventory consumed and purchase of non-inventory drugs) 326,296" /
    "301,554": the second cell is under `2023/24` (the money table put it under the first header cell,
    2024/25). Lines in tests/gold/heldout-facts-accounts (the tuning set)."""
    six = facts_of(ltht, 31265, 31470, LTHT_META)
    row = six[(31315, "301,554")]
    assert (row["period"], row["period_rule"]) == ("2023/24", "period.column_year")
    assert six[(31361, "1,069")]["period"] == "2023/24"  # "... contract assets 1,109" / "1,069"
    assert six[(31427, "9,206")]["period"] == "2023/24"  # "... (e.g. PFI / LIFT) 10,562" / "9,206"
    # a row with its cells on their own lines keeps the money table's columns
    assert six[(31319, "462")]["period"] == "2024/25" and six[(31321, "423")]["period"] == "2023/24"
    # the cash-flow statement (both columns misprinted `2023/24`): "... right of \(54\)" / "\(149\)"
    flows = facts_of(ltht, 27817, 28008, LTHT_META)
    assert flows[(27921, r"\(149\)")]["period"] == "2023/24"
    assert flows[(27959, r"\(15,039\)")]["period"] == "2023/24"
    assert flows[(27917, "275")]["period"] == "2023/24" and flows[(27915, "193")]["period"] == "2024/25"


def test_a_year_over_a_group_of_columns_spans_them_to_the_groups_total(ltht):
    """Staff costs (remuneration report, 2.5): "2024/25" / "2023/24" / "Permanent" / "Other" / "Total" /
    "Total" / four `£000`: the first year spans Permanent, Other and Total, the second the last Total
    (every cell had no period: two years over four columns)."""
    f = facts_of(ltht, 18695, 18830, LTHT_META)
    got = [
        f[(n, t)]["period"] for n, t in ((18727, "906,651"), (18729, "43,274"), (18731, "949,925"), (18733, "868,369"))
    ]
    assert got == ["2024/25", "2024/25", "2024/25", "2023/24"]
    assert f[(18727, "906,651")]["period_rule"] == "period.column_group"
    assert f[(18823, "1,126,237")]["period"] == "2023/24" and f[(18821, "1,238,950")]["period"] == "2024/25"


# -- calendar years and runs -------------------------------------------------------------------------


def test_a_deadline_earlier_in_the_sentence_and_time_words_after_an_amount(corpus_lines):
    """ "And now, ... it faces an anticipated deficit of £430m by 2019 – and despite cost-saving measures of
    £239m, under current plans the CCG would still be short by £191m in five years": the savings are due
    by 2019 (was none: the deadline stood in another clause); "in five years" names no year."""
    f = facts_of(corpus_lines["004_bd442f22357b032f.txt"], 179, 179)
    assert f[(179, "£430m")]["period"] == "2019"
    assert (f[(179, "£239m")]["period"], f[(179, "£239m")]["period_rule"]) == ("2019", "period.calendar")
    assert (f[(179, "£191m")]["period"], f[(179, "£191m")]["period_rule"]) == (None, "period.relative")


def test_the_years_to_a_financial_year_are_a_run(corpus_lines):
    """ "the transfer of £2.7 billion from the NHS to local authorities over the four years to 2014-15": the
    run 2011/12-2014/15 (was 2014/15)."""
    row = facts_of(corpus_lines["001_baeb06aa9c477327.txt"], 371, 371)[(371, "£2.7 billion")]
    assert (row["period"], row["period_rule"]) == ("2011/12-2014/15", "period.years_to")


# -- lists and their introducing paragraph --------------------------------------------------------------


def test_list_items_take_the_year_of_the_paragraph_introducing_them(shared):
    """Commons Library: "... projected NHS funding needs ... and found that by 2028/29:" / "– If productivity
    rises by 1%, NHS funding will need to be £211bn" / "– If productivity rises by 2%, ... £198bn": both
    2028/29 (were 2025/26, the budget year named before the deadline, and none)."""
    lines = (
        (shared / "realdocs" / "commons-library-cbp10313-nhs-productivity-2025-07.md")
        .read_text(encoding="utf-8")
        .split("\n")
    )
    f = facts_of(lines, 625, 641)
    assert f[(631, "£211bn")]["period"] == "2028/29" and f[(635, "£198bn")]["period"] == "2028/29"
    assert f[(625, "£177bn")]["period"] == "2024/25" and f[(625, "£183bn")]["period"] == "2025/26"
    assert f[(641, "£20bn")]["period"] == "2034"


def test_a_minutes_item_number_is_no_year(corpus_lines):
    """LCH board minutes: "**Item 2025-26 (35)**" heads a list of issues ("... highlighted the key issues
    discussed:" / "• ... a surplus of £1.9M, exceeding the planned position by £0.9M"): the item's number
    names no year of the amounts (the list's carry read it as 2025/26)."""
    f = facts_of(corpus_lines["lch-trust-board-public-papers-2025-09-04.md"], 899, 911)
    assert f[(911, "£1.9M")]["period"] is None and f[(911, "£0.9M")]["period"] is None
