"""Measures and periods of amounts in trusts' annual reports left after b6measure and b6period (issue 9,
developer "b6rest"), read on the tuning set tests/gold/heldout-facts-blind6, each tested on the real lines it
was read on (tests/data/facts_causes/README.md says which). Each test failed before its rule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.test_facts import facts_of

DATA = Path(__file__).resolve().parent / "data" / "facts_causes"


def excerpt(name: str) -> dict[tuple[int, str], dict[str, Any]]:
    lines = (DATA / name).read_text(encoding="utf-8").split("\n")
    return facts_of(lines, 1, len(lines) - 1)


def test_every_row_of_a_capital_expenditure_table_is_capital():
    """LCH 2023/24 lines 1657-1713, the table "Capital Expenditure": its IFRS 16 lease rows ("Lease Cars IFRS
    16" 485, "Property Leases IFRS 16 - Additions" 3,210, "- Remeasurement" 3,210) were `other` (reconciling
    items), "Lease Disposals" (42) `other` (a balance) and "Sub-total Finance Lease Expenditure" 11,300
    `spend`: all are parts of "Total Capital Expenditure" (blind6 README)."""
    f = excerpt("lch-capital-expenditure.md")
    cells = [k for k in f if 15 <= k[0] <= 55]
    assert len(cells) == 11
    assert [f[k]["measure"] for k in cells] == ["capital"] * 11
    assert f[(51, "11,300")]["measure_rule"] == "measure.title_capital_expenditure"


def test_other_comprehensive_income_is_no_result():
    """LYPFT 2024/25 lines 12729-12857, the statement of comprehensive income: "Other comprehensive income for
    the year" 1,132 and 478 (revaluation gains taken to reserves) were `surplus` (the result's words
    "comprehensive income"); "TOTAL COMPREHENSIVE INCOME FOR THE YEAR" stays the result."""
    f = excerpt("lypft-comprehensive-income.md")
    assert [f[k]["measure"] for k in [(121, "1,132"), (123, "478")]] == ["other", "other"]
    assert f[(121, "1,132")]["period"] == "2024/25" and f[(123, "478")]["period"] == "2023/24"
    assert [f[k]["measure"] for k in [(127, "5,488"), (129, "20")]] == ["surplus", "surplus"]
    assert f[(97, "4,356")]["measure"] == "surplus"


def test_a_trusts_capitalisation_and_lease_thresholds_have_no_year():
    """LCH 2023/24 lines 11949-11969 and 12215-12237 (accounting policies, under the page footer "**Annual
    report and accounts 2023-2024**"): "the item has cost of at least £5,000", "... have a cost of at least
    £5,000 and individually have cost of more than £250", "leases where the value of the underlying asset is
    below £5,000" (was `measure.none`) took 2023/24 from the footer; a trust's own thresholds are `other` with
    no period (blind6 README)."""
    f = excerpt("lch-thresholds.md")
    keys = [(19, "£5,000"), (21, "£5,000"), (21, "£250"), (45, "£5,000")]
    assert [f[k]["measure_rule"] for k in keys] == ["other.threshold"] * 4
    assert [f[k]["period"] for k in keys] == [None] * 4
    assert f[(45, "£5,000")]["period_rule"] == "period.undated"


def test_a_comparative_bracket_opening_with_a_count_and_the_parts_of_a_dated_amount():
    """LYPFT 2024/25 line 18321: "4 cases of losses totalling £0k (4 in 2023/24 totalling £48k) and 17 special
    payments totalling £13k (29 in 2023/24 totalling £30k)": £0k and £13k took the brackets' 2023/24 (a
    comparative may open with its count). Line 14587: "a) Income includes £257m (£228m in 2023/24) from NHS
    organisations (primarily £160m from the West Yorkshire ICB and £56m from NHS England)": the parts took
    2023/24 (the list item's "a)" closed the comparative's bracket for the aside rule); they are £257m's,
    2024/25."""
    f = excerpt("lypft-comparative-parts.md")
    assert [f[k]["period"] for k in [(3, "£0k"), (3, "£48k"), (3, "£13k"), (3, "£30k")]] == [
        "2024/25",
        "2023/24",
        "2024/25",
        "2023/24",
    ]
    assert [f[k]["period"] for k in [(31, "£257m"), (31, "£228m"), (31, "£160m"), (31, "£56m")]] == [
        "2024/25",
        "2023/24",
        "2024/25",
        "2024/25",
    ]
    assert f[(31, "£160m")]["period_rule"] == "period.comparative_part"
