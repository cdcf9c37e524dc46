"""Accounts notes beyond income and expenditure (rules/facts_accounts.yaml, pipeline/facts/accounts.py):
balances and roll-forwards, impairments, finance costs, a reconciliation of financing liabilities and
the PFI notes of the LTHT annual accounts 2024/25 (tests/data/ltht-accounts-notes.md: six notes as the
conversion wrote them, two columns whose lines interleave). Each test failed before its rule. Lines in
tests/gold/heldout-facts-blind5, a tuning set since the sixth round."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.facts.accounts import load_accounts
from tests.conftest import edit_yaml
from tests.test_facts import LTHT_META, facts_of
from tests.test_facts_accounts import refusal

DATA = Path(__file__).resolve().parent / "data" / "ltht-accounts-notes.md"
# the report's line ranges the excerpt holds, one after the other (tests/data/SOURCES.md)
RANGES = (
    (31509, 31585),
    (31857, 31977),
    (32031, 32151),
    (34607, 34723),
    (34865, 35079),
    (35395, 35559),
    (35677, 35831),
    (36381, 36570),
)


def excerpt_lines() -> list[str]:
    """The report's lines by their own numbers (lines outside the excerpt blank)."""
    text = DATA.read_text(encoding="utf-8").split("\n")
    lines = [""] * RANGES[-1][1]
    k = 0
    for first, last in RANGES:
        lines[first - 1 : last] = text[k : k + last - first + 1]
        k += last - first + 1
    return lines


@pytest.fixture(scope="module")
def notes() -> list[str]:
    return excerpt_lines()


def _got(row: dict) -> tuple[str, str | None, str, str]:
    return row["measure"], row["period"], row["measure_rule"], row["period_rule"]


def test_a_provisions_roll_forward_is_other_of_the_year_its_row_dates_fall_in(notes):
    """Note 26.1: seven columns (`Legal claims`, `Redundancy costs`, ...) of `£000` with no year over them;
    rows "At 1 April 2024", "Arising during the year", ..., "At 31 March 2025", "Expected timing of cash
    flows". Before: no period (no column year, no title year), and `spend` from the column label "costs"
    nearest the header cells, read as the table's title. Now the numbered note's title decides
    ("26.1 Provisions for liabilities and charges": balances) and each row takes the year of the balance
    date labelling it or the rows above it."""
    f = facts_of(notes, 34865, 35079, LTHT_META)
    opening = f[(34909, "5,613")]  # legal claims at 1 April 2024
    assert _got(opening) == ("other", "2024/25", "measure.title_balances", "period.row_date")
    assert _got(f[(34955, r"\(1,167\)")])[:2] == ("other", "2024/25")  # utilised during the year
    assert _got(f[(34931, r"\(11\)")]) == ("other", "2024/25", "measure.title_balances", "period.row_date")
    assert _got(f[(35001, "4,659")])[:2] == ("other", "2024/25")  # at 31 March 2025
    assert _got(f[(35065, "6,867")])[:2] == ("other", "2024/25")  # due later than five years
    # note 31.3, columns "Held at amortised cost" / "Total book value": "Total at 31 March 2025" / ... /
    # "Carrying values of financial liabilities as at" / "31 March 2024" / "Loans from the Department ..."
    # 13,357 13,357: the date on a line of its own heads the next table, whose rows are of 2023/24 (none before)
    g = facts_of(notes, 35677, 35831, LTHT_META)
    assert (g[(35767, "464,910")]["period"], g[(35783, "13,357")]["period"]) == ("2024/25", "2023/24")


def test_an_impairments_note_is_other_even_where_its_row_names_the_surplus(notes):
    """Note 7: "Changes in market price" (its label lines interleaved with note 9's "Pension costs") and
    "Total net impairments charged to operating surplus / deficit": write-downs, `other` (were `spend`
    and `surplus`/`deficit`)."""
    f = facts_of(notes, 31509, 31585, LTHT_META)
    assert _got(f[(31547, "15,469")])[:3] == ("other", "2024/25", "measure.title_impairments")
    assert _got(f[(31561, "50,360")])[:3] == ("other", "2024/25", "measure.title_impairments")
    assert _got(f[(31563, r"\(1,027\)")])[:2] == ("other", "2023/24")


def test_the_parts_of_finance_costs_are_spend(notes):
    """Note 11.1, "Interest Expense": the remeasurement of the PFI liability and the unwinding of the
    discount on provisions are parts of the finance costs (were `other`: "liability", "provisions")."""
    f = facts_of(notes, 31857, 31977, LTHT_META)
    assert _got(f[(31947, "9,261")])[:3] == ("spend", "2024/25", "measure.title_finance_costs")
    assert _got(f[(31969, "30")])[:2] == ("spend", "2023/24")
    assert _got(f[(31907, "394")])[:2] == ("spend", "2024/25")


def test_interest_in_a_reconciliation_of_financing_liabilities_is_spend(notes):
    """Note 24.2: "Financing cash flows - payments of interest" and "Application of effective interest
    rate" are interest, `spend` (were `other`, the reconciliation's); its other movements stay `other`."""
    f = facts_of(notes, 34607, 34723, LTHT_META)
    assert _got(f[(34661, r"\(13,020\)")])[:3] == ("spend", "2024/25", "measure.row_interest_paid")
    assert _got(f[(34701, "13,020")])[:3] == ("spend", "2024/25", "measure.row_interest_charged")
    assert _got(f[(34671, "1,212")])[:3] == ("other", "2024/25", "measure.title_reconciliation")  # additions
    assert _got(f[(34649, r"\(16,241\)")])[:2] == ("other", "2024/25")  # principal repaid


def test_a_row_of_an_intangible_assets_note_that_names_nothing_is_other(notes):
    """Note 13.1: "Provided during the year" (amortisation) names no measure; under "13.1 Intangible assets
    - 2024/25" it is a movement of the assets' value, `other` (was `capital`, the general rules')."""
    f = facts_of(notes, 32031, 32151, LTHT_META)
    assert _got(f[(32121, "4,386")])[:3] == ("other", "2024/25", "measure.title_assets")
    assert _got(f[(32081, "2,353")])[:3] == ("capital", "2024/25", "measure.row_capital")  # additions


def test_a_column_date_written_a_word_a_line_names_its_year(notes):
    """Note 30.1, PFI obligations at `31` / `31` / `March` / `March` / `2025` / `2024` (the two columns'
    words interleaved above their `£000` cells): 2024/25 and 2023/24 (were none)."""
    f = facts_of(notes, 35395, 35559, LTHT_META)
    first, second = f[(35533, "269,685")], f[(35533, "276,664")]
    assert (first["period"], first["period_rule"]) == ("2024/25", "period.column_split_date")
    assert second["period"] == "2023/24"
    assert f[(35559, "190,536")]["period"] == "2023/24"
    # the unitary payment table's columns are headed 2024/25 and 2023/24 in full: unchanged
    assert f[(35443, "46,032")]["period_rule"] == "period.column_year"


def test_column_years_several_to_a_line_and_a_skipped_year(notes):
    """Notes 38 and 39 (lines interleaved): "2024/25 2023/24" on one line over `£000` / `£000` (each year had
    to be a line of its own: no period); the reconciliation's "2024/25 2022/23" skips a year, a misprint
    of an annual report for 2024/25 (its second column took 2022/23). Lines in tests/gold/heldout-facts-blind3."""
    f = facts_of(notes, 36381, 36570, LTHT_META)
    crl = f[(36415, "76,500")]  # gross capital expenditure
    assert (crl["measure"], crl["period"], crl["period_rule"]) == ("capital", "2024/25", "period.column_year")
    assert f[(36469, "5,392")]["period"] == "2023/24"  # breakeven duty surplus, second column
    deficit = f[(36495, r"\(2,827\)")]
    assert (deficit["measure"], deficit["period"], deficit["period_rule"]) == (
        "deficit",
        "2023/24",
        "period.column_misprint",
    )
    assert f[(36493, r"\(17,351\)")]["period"] == "2024/25"


def test_a_cell_below_a_cell_of_its_row_under_the_same_header_is_the_next_column(notes):
    """Notes 38 and 39 interleave a row of one with a row of the other: "performance surplus" / `19,859` /
    `12,304`, "Gross capital expenditure" / `76,500` / `99,028`: the money table put both cells of each row
    under the first `£000`, so the second took 2024/25 (after the years several to a line were read; none
    before). Two cells of one row never share a column: the second is 2023/24."""
    f = facts_of(notes, 36381, 36570, LTHT_META)
    assert [f[(n, t)]["period"] for n, t in ((36409, "19,859"), (36411, "12,304"))] == ["2024/25", "2023/24"]
    assert [f[(n, t)]["period"] for n, t in ((36415, "76,500"), (36417, "99,028"))] == ["2024/25", "2023/24"]
    assert f[(36425, r"\(6\)")]["period"] == "2023/24"  # "Less: Disposals" (422) / (6)
    # cells whose rows the money table already put under two header cells keep them
    assert [f[(n, t)]["period"] for n, t in ((36493, r"\(17,351\)"), (36495, r"\(2,827\)"))] == ["2024/25", "2023/24"]


def test_a_title_cue_yielding_to_an_unknown_row_cue_names_file_entry_and_field(rules_copy):
    edit_yaml(
        rules_copy / "facts_accounts.yaml",
        lambda d: d["title_cues"][0]["yields_to"].append("measure.row_nothing"),
    )
    message = refusal(load_accounts, rules_copy)
    assert "facts_accounts.yaml" in message and "measure.row_nothing" in message, message
