"""Facts of annual accounts (rules/facts_accounts.yaml, pipeline/facts/accounts.py): each rule on the
real table of the LTHT annual accounts 2024/25 it was written for (lines outside every gold's, but
tests/gold/heldout-facts-accounts, the tuning set), and the rule file's errors. Before these rules every
cell below took the measure of the nearest cue word above its table ("income": funding) and no period
where its column was a date or its table's year a title's date."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.facts.accounts import load_accounts
from pipeline.rules import RuleError
from tests.conftest import edit_yaml
from tests.test_facts import LTHT_META, basis, facts_of

# a title made from the file name, as a build of ../shared/realdocs without a manifest gives it
INFERRED = {"title": "ltht annual report 2024 25"}


def refusal(load: Callable[[Path], object], rules: Path) -> str:
    """The message of the RuleError a cached rule loader raises on the rules folder `rules`, its cache
    cleared before and after (so neither the shipped rules nor the edited copy leak into other tests)."""
    load.cache_clear()  # type: ignore[attr-defined]
    try:
        with pytest.raises(RuleError) as err:
            load(rules)
    finally:
        load.cache_clear()  # type: ignore[attr-defined]
    return str(err.value)


@pytest.fixture(scope="module")
def ltht(shared: Path) -> list[str]:
    return (shared / "realdocs" / "ltht-annual-report-2024-25.md").read_text(encoding="utf-8").split("\n")


def _got(row: dict, field: str = "measure") -> tuple[str | None, str | None, str]:
    return row["measure"], row["period"], row[f"{field}_rule"]


def test_the_years_result_is_a_surplus_or_deficit_by_its_sign(ltht):
    """Statement of changes in equity: "Surplus/ (deficit) for the year" / `-` / `-` / `(17,351)`: a
    deficit (was funding: "Revaluation Income and" over the columns), of the year the title's date ends
    ("for the year ended 31 March 2025": 2024/25; was none)."""
    f = facts_of(ltht, 27641, 27798, LTHT_META)
    row = f[(27685, r"\(17,351\)")]
    assert _got(row) == ("deficit", "2024/25", "measure.row_result")
    assert row["period_rule"] == "period.table_title" and basis(row, "period")["words"] == "March 2025"
    assert _got(f[(27765, r"\(2,827\)")]) == ("deficit", "2023/24", "measure.row_result")
    # a movement of equity that is no result: an accounting adjustment; PDC received: capital
    assert _got(f[(27753, r"\(123,627\)")]) == ("other", "2023/24", "measure.row_reconciling")
    assert _got(f[(27691, "44,321")]) == ("capital", "2024/25", "measure.row_capital")


@pytest.mark.parametrize("meta", [LTHT_META, INFERRED], ids=["manifest title", "file-name title"])
def test_misprinted_column_years_are_the_reports_year_and_the_year_before(ltht, meta):
    """Statement of cash flows: both columns headed `2023/24`; the first is the report's year (its
    operating surplus 10,967 is the SOCI's 2024-25 one). Was 2023/24 for both, and `other`/funding."""
    f = facts_of(ltht, 27817, 28008, meta)
    first, second = f[(27833, "10,967")], f[(27835, "43,026")]
    assert (first["measure"], first["period"], first["period_rule"]) == ("surplus", "2024/25", "period.column_misprint")
    assert (second["measure"], second["period"]) == ("surplus", "2023/24")


def test_costs_and_income_rows_and_their_column_years(ltht):
    """Note 6.1 (operating expenses), note 8 (employee benefits, its lines between note 9's prose) and
    note 10 (finance income): costs are spend (were funding and other), interest earned funding."""
    six = facts_of(ltht, 31265, 31470, LTHT_META)
    assert _got(six[(31279, "244")]) == ("spend", "2024/25", "measure.row_cost")
    assert _got(six[(31281, "80")]) == ("spend", "2023/24", "measure.row_cost")
    assert six[(31279, "244")]["period_rule"] == "period.column_year"
    eight = facts_of(ltht, 31627, 31730, LTHT_META)
    assert _got(eight[(31647, "949,925")]) == ("spend", "2024/25", "measure.row_cost")
    assert basis(eight[(31675, "181,883")], "measure")["words"] == "contributions"  # "Employer's contributions"
    ten = facts_of(ltht, 31813, 31852, LTHT_META)
    assert _got(ten[(31841, "4,573")]) == ("funding", "2024/25", "measure.row_interest_received")


def test_ppe_additions_are_capital_and_its_cost_and_impairments_other(ltht):
    """Note 14.1, nine columns of `£000` under "14.1 Property, Plant and Equipment - 2024/25": additions
    are capital, the cost brought forward and impairments other (all were capital, with no period)."""
    f = facts_of(ltht, 32277, 32426, LTHT_META)
    assert _got(f[(32349, "21,502")]) == ("capital", "2024/25", "measure.row_capital")
    assert _got(f[(32323, "12,011")]) == ("other", "2024/25", "measure.row_balance_at")  # "cost at 1 April"
    assert _got(f[(32369, r"\(34,344\)")]) == ("other", "2024/25", "measure.row_reconciling")


def test_a_note_of_balances_is_other_and_its_date_columns_are_years(ltht):
    """Note 19, inventories at `31 March 2025` / `31 March 2024`: "Drugs" held are a balance, not spend;
    a balance at 31 March 2025 is 2024/25 (was spend/other with the period of the paragraph)."""
    f = facts_of(ltht, 33985, 34031, LTHT_META)
    drugs, before = f[(34001, "10,513")], f[(34003, "10,359")]
    assert _got(drugs) == ("other", "2024/25", "measure.title_balances")
    assert drugs["period_rule"] == "period.column_date" and basis(drugs, "period")["words"] == "March 2025"
    assert (before["measure"], before["period"]) == ("other", "2023/24")


def test_the_project_accounts_rules_load():
    rules = load_accounts(Path(__file__).resolve().parents[1] / "rules")
    assert rules is not None and rules.row_cues[0].id == "measure.row_control_total"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["row_cues"][1].update(measure="loss"), "entry row_cues[1].measure"),
        (lambda d: d["title_cues"][0].update(pattern="(reconcil"), "pattern does not compile"),
        (lambda d: d.pop("unit_cell"), "field `unit_cell`: Field required"),
    ],
)
def test_a_bad_accounts_rule_names_file_entry_and_field(rules_copy, change, expected):
    edit_yaml(rules_copy / "facts_accounts.yaml", change)
    message = refusal(load_accounts, rules_copy)
    assert "facts_accounts.yaml" in message and expected in message, message
