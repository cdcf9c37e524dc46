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
