"""Measures of amounts in trusts' annual reports and a board meeting's transcript (issue 9, developer
"b6measure"): causes of wrong measures read on the tuning set tests/gold/heldout-facts-blind6, each a set of
cue words of rules/facts.yaml `measure`, tested on the real lines it was read on
(tests/data/facts_causes/README.md says which). Each test failed before its cues, except where noted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.test_facts import facts_of

DATA = Path(__file__).resolve().parent / "data" / "facts_causes"


def excerpt(name: str) -> dict[tuple[int, str], dict[str, Any]]:
    lines = (DATA / name).read_text(encoding="utf-8").split("\n")
    return facts_of(lines, 1, len(lines) - 1)


@pytest.fixture(scope="module")
def lypft() -> dict[tuple[int, str], dict[str, Any]]:
    return excerpt("lypft-annual-report-2024-25-measures.md")


@pytest.fixture(scope="module")
def lch() -> dict[tuple[int, str], dict[str, Any]]:
    return excerpt("lch-annual-report-2023-24-measures.md")


def measures(f: dict[tuple[int, str], dict[str, Any]], keys: list[tuple[int, str]]) -> list[str]:
    return [f[k]["measure"] for k in keys]


def test_remuneration_and_the_pay_of_the_highest_paid_are_other(lypft):
    """LYPFT 2024/25 lines 5341-5359: "the range of remuneration in 2024/25 was from £41 to £324,851",
    "the 25th percentile remuneration of the workforce, which was £27,113 (£26,784 in 2023/24)" (was spend,
    from the heading's "paid"), "Remuneration for the highest paid substantive non-director was £227,050",
    "The highest paid agency non-director was £324,851" (both were spend: "paid", "agency")."""
    keys = [(7, "£41"), (17, "£27,113"), (17, "£26,784"), (25, "£227,050"), (25, "£209,442"), (25, "£324,851")]
    assert measures(lypft, keys) == ["other"] * 6
    assert lypft[(25, "£227,050")]["measure_rule"] == "other.pay"


def test_the_provisions_a_note_lists_are_other(lypft):
    """LYPFT line 17639: "Other provisions comprise the commitment ... in respect of dilapidation costs £460k
    (£393k 2023/24), IT software ... vat £194k ..., Pension Annual Allowance ... £235k ... and onerous
    contracts ... £4,546k (£6,370k 2023/24)": all eight were spend (the "costs" right before £460k)."""
    row = [k for k in lypft if k[0] == 35]
    assert len(row) == 8 and measures(lypft, row) == ["other"] * 8
    assert lypft[(35, "£460k")]["measure_rule"] == "other.provision"


def test_impairments_revaluations_and_valuations_are_other(lypft, lch):
    """LCH 2023/24 lines 14065-14067: "A net impairment gain of £43k has been included in operating expenses"
    (was spend), "£1,307k impairment has been included in the revaluation reserve" (spend), "The net impact on
    the value of assets was an overall reduction of £1,264k" (savings); line 16499 "a net reduction in value of
    £1,307k" (savings); line 16503 "The values from the District Valuer is £570k for Otley and £445k for
    Horsforth" (surplus, from the paragraph); LYPFT line 15783 "an impairment charge to operating expenses of
    £0k" (spend)."""
    keys = [(5, "£43k"), (7, "£1,307k"), (7, "£1,264k"), (17, "£1,307k"), (21, "£570k"), (21, "£445k")]
    assert measures(lch, keys) == ["other"] * 6
    assert lypft[(33, "£0k")]["measure"] == "other"


def test_balances_liabilities_and_special_payments_are_other(lypft, lch):
    """LYPFT line 1933: "Working capital (current assets less current liabilities) reduced £1.5m in year,
    within this net cash increased £7m and receivables increased £1.3m" (all capital); line 18321: "17 special
    payments totalling £13k (29 in 2023/24 totalling £30k)" (funding); line 18031: "£3k of related party
    transactions with its charitable fund (2023/24 £3k)" (the second funding, from "fund"). The pension
    liabilities of ill-health retirements (LYPFT line 15443, LCH line 14155) are other by their own words
    (they took their section's measure in the whole reports; in these excerpts they passed before)."""
    assert measures(lypft, [(5, "£1.5m"), (5, "£7m"), (5, "£1.3m")]) == ["other"] * 3
    assert measures(lypft, [(39, "£13k"), (39, "£30k")]) == ["other"] * 2
    assert measures(lypft, [(37, "£3k")]) == ["other"]
    assert lypft[(29, "£359k")]["measure_rule"] == "other.balances"
    assert lch[(15, "£52k")]["measure_rule"] == "other.balances"


def test_thresholds_are_other(lypft, lch):
    """LYPFT lines 14079 and 15781: "capitalised as intangible non-current assets where expenditure of at
    least £5,000 is incurred" (was capital); LCH line 11899: "the annual value of activity ... is expected to
    be below £500,000" (was funding, from the paragraph)."""
    assert measures(lypft, [(27, "£5,000"), (31, "£5k")]) == ["other", "other"]
    assert lch[(3, "£500,000")]["measure"] == "other"


def test_cost_reductions_are_savings(lypft, lch):
    """LYPFT line 1897: "we needed to reduce run-rate/expenditure in year by £16.9m" (was spend); line 1899:
    "Trust agency reduced £2.8m compared to 2023/24" (spend); LCH line 1827: "an unprecedented efficiency
    target of £15.8m, with costs having to reduce by just over 7%" (spend: a noun after a comma is no head
    noun of the amount)."""
    assert measures(lypft, [(1, "£16.9m"), (3, "£2.8m")]) == ["savings", "savings"]
    assert lch[(1, "£15.8m")]["measure"] == "savings"


def test_worth_of_names_the_noun_after_it_and_away_from_plan_is_a_deficit():
    """West Yorkshire ICB board, 23 September 2025, lines 127-128: "round about 1.6 million pounds / worth of
    savings were delivered" (was other, from "worth"); line 542: "One of our trusts £90,000 away from plan"
    (was savings, from the paragraph)."""
    f = excerpt("wy-icb-meeting-2025-09-23-measures.txt")
    assert f[(2, "1.6 million pounds")]["measure"] == "savings"
    assert f[(6, "£90,000")]["measure"] == "deficit"


def test_the_amounts_listed_after_includes_keep_the_first_ones_measure(lypft):
    """LYPFT line 14589 (note 2, footnote b): "Expenditure includes employee expenses £201,861k (£181,517k in
    2023/24), premises £8,107k (£7,010k in 2023/24), depreciation and amortisation £7,657k (...) and
    establishment £2,280k (...)": the parts of expenditure are spend (the six after the first were capital,
    from "premises")."""
    row = [k for k in lypft if k[0] == 43]
    assert len(row) == 8 and measures(lypft, row) == ["spend"] * 8
    assert lypft[(43, "£8,107k")]["measure_rule"] == "measure.part_of"


def test_a_cause_after_due_to_is_no_head_noun_of_the_amount(lypft):
    """LYPFT line 1907: "this includes technical adjustments of £3.3m due to fixed asset impairments": the
    adjustments (other), not capital (the fixed assets after "due to" had the bonus of a head noun)."""
    assert lypft[(41, "£3.3m")]["measure"] == "other"


def test_a_pfi_unitary_payment_is_spend_and_an_external_financing_limit_other(lypft, lch):
    """LYPFT line 17833: "the percentage increase in the unitary payment was 3.64%, equalling a monetary
    decrease of (£2,318k) (11.98%, £1,729k in 2023/24)" (both were other: no cue); LCH lines 1733-1757, the
    Key Financial Duties table: "Remain within External Financing Limit | £7.6m | £7.6m" (were surplus, from
    the row above's "Planned surplus")."""
    assert measures(lypft, [(45, "£2,318k"), (45, "£1,729k")]) == ["spend", "spend"]
    assert measures(lch, [(43, "£7.6m"), (45, "£7.6m")]) == ["other", "other"]
    assert lch[(35, "£0.3m")]["measure"] == "surplus"


def test_money_for_digital_infrastructure_is_capital(lch):
    """LCH line 1719: "The Trust also made a £2.5m investment into digital infrastructure and new technology,
    the latter being possible due to the Trust's successful bid for national monies of £1.75m for frontline
    digitisation" (both were funding: "investment", "bid for")."""
    assert measures(lch, [(49, "£2.5m"), (49, "£1.75m")]) == ["capital", "capital"]
