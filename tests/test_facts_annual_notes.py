"""Measures and periods of a trust's annual report and accounts (issue 9, developer "b7measure"), causes read on
the tuning set tests/gold/heldout-facts-blind7 (Leeds Community Healthcare NHS Trust, Annual report and accounts
2024-2025) that recur in every NHS trust's report (the same notes and policies stand in LCH 2023/24 and LYPFT
2024/25 of blind6 and LTHT 2024/25 of blind3), each tested on the real lines it was read on
(tests/data/facts_causes/README.md says which). Each test failed before its rule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.test_facts import facts_of

DATA = Path(__file__).resolve().parent / "data" / "facts_causes"
# the title the build infers from the report's file name ("Leeds Community Annual-report-2024-2025.md")
LCH = {"title": "Leeds Community Annual report 2024 2025"}


def excerpt(name: str, meta: dict[str, Any] | None = None) -> dict[tuple[int, str], dict[str, Any]]:
    lines = (DATA / name).read_text(encoding="utf-8").split("\n")
    return facts_of(lines, 1, len(lines) - 1, meta)


@pytest.fixture(scope="module")
def crl() -> dict[tuple[int, str], dict[str, Any]]:
    return excerpt("lch-2024-25-crl-breakeven.md", LCH)


def test_every_row_of_a_capital_resource_limit_note_is_capital(crl):
    """LCH 2024/25 note 32 "Capital Resource Limit" (lines 20535-20573): "Less: Disposals" (219) and (42) and
    "Less: Donated and granted capital additions" (15) were `other` (the reconciling rows' "Less:"); they are
    parts of the charge against the limit, as gross capital expenditure, the charge and the limit are (blind7;
    LTHT's note 38 in blind3)."""
    rows = [(17, "\\(219\\)"), (19, "\\(42\\)"), (23, "\\(15\\)")]
    assert [crl[k]["measure"] for k in rows] == ["capital"] * 3
    assert crl[(17, "\\(219\\)")]["measure_rule"] == "measure.title_capital_resource_limit"
    charge = [(13, "7,847"), (13, "15,931"), (27, "7,628"), (29, "15,874"), (33, "7,628"), (33, "15,875")]
    assert [crl[k]["measure"] for k in charge] == ["capital"] * 6


def test_an_underspend_against_the_limit_is_a_surplus(crl):
    """Note 32's "Under / \\(over\\) spend against CRL" 1 (2023/24) was `capital` (the row's "CRL"): an underspend
    is the guideline's surplus (blind7, blind3)."""
    assert crl[(39, "1")]["measure"] == "surplus"
    assert crl[(39, "1")]["measure_rule"] == "measure.row_underspend"
    assert crl[(39, "1")]["period"] == "2023/24"
    # the breakeven duty note below is no part of the limit: its result and reconciling items keep their rules
    assert [crl[k]["measure"] for k in [(55, "1,931"), (65, "12"), (69, "1,943")]] == ["surplus", "other", "surplus"]


@pytest.fixture(scope="module")
def performance() -> dict[tuple[int, str], dict[str, Any]]:
    return excerpt("lch-2024-25-financial-performance.md", LCH)


def test_net_financing_costs_and_adjusting_items_are_other(performance):
    """The Summary Income and Expenditure Position (lines 2241-2271): "Net Financing Costs" 1,782 (a net finance
    income: blind6's `other`) was `spend` (the row's "Costs"); "Adjusting items" 12, between the surplus and the
    adjusted surplus, was `surplus` (the next row's words)."""
    assert performance[(35, "1,782")]["measure"] == "other"
    assert performance[(35, "1,782")]["measure_rule"] == "measure.row_net_finance"
    assert performance[(47, "12")]["measure"] == "other"
    assert [performance[k]["measure"] for k in [(31, "329"), (43, "1,931"), (51, "1,943")]] == ["surplus"] * 3


def test_net_finance_costs_in_brackets_are_a_cost(shared):
    """The sign decides a net of finance income and costs: LTHT 2024/25's statement of comprehensive income
    (../shared/realdocs) "Net finance costs" (28,089) and (46,122) are costs (the accounts gold: `spend`; they
    passed before, as every "costs" row did, and failed with the first form of the rule, sign-blind)."""
    lines = (shared / "realdocs" / "ltht-annual-report-2024-25.md").read_text(encoding="utf-8").split("\n")
    f = facts_of(lines, 27339, 27411, {"title": "ltht annual report 2024 25"})
    assert [f[k]["measure"] for k in [(27407, "\\(28,089\\)"), (27409, "\\(46,122\\)")]] == ["spend", "spend"]
    assert f[(27407, "\\(28,089\\)")]["measure_rule"] == "measure.row_net_finance"


def test_the_end_of_the_year_in_a_report_titled_2024_2025_is_its_year(performance):
    """LCH line 2275: "At the end of the year, we achieved our savings target in full, recurrent savings of £9,130k"
    had no year: the title "... Annual report 2024 2025" (from the file name) named no year the rules read
    (`title_year` wanted `2024 25`), and "at the end of the year" was no `during_year`."""
    f = performance[(55, "£9,130k")]
    assert (f["measure"], f["period"], f["period_rule"]) == ("savings", "2024/25", "period.during_year")


@pytest.fixture(scope="module")
def notes() -> dict[tuple[int, str], dict[str, Any]]:
    return excerpt("lch-2024-25-thresholds-income.md", LCH)


def test_a_value_threshold_has_no_year(notes):
    """LCH line 12753: "IFRS 16 has been applied to all leases ... of over 12 months and a value over £5k" took the
    page footer's 2024/25 ("**Annual report and accounts 2024-2025**"); the NHS Payment Scheme's "\\(annual value
    below £0.5m\\)" took the paragraph before's "for 2024/25": thresholds, no period (blind6, blind7). The same
    threshold "for 2024/25 is expected to be below £500,000" names its year in its sentence."""
    for k in [(21, "£5k"), (7, "£0.5m")]:
        assert (notes[k]["measure"], notes[k]["period"]) == ("other", None)
        assert notes[k]["measure_rule"] == "other.threshold_value"
    assert notes[(7, "£500,000")]["period"] == "2024/25"


def test_income_generated_from_is_funding(notes):
    """LCH line 17559: "Income generated from subleasing right of use assets is £89k" was `capital` (the assets' words
    nearer the amount)."""
    assert notes[(27, "£89k")]["measure"] == "funding"
    assert notes[(27, "£89k")]["measure_rule"] == "funding.income_from"


def test_the_parts_of_a_loss_on_disposal_are_other():
    """LCH 2024/25 line 14643 (note 13, read in the committed blind7 document): "Loss on disposal of assets relates to
    the disposal of lease cars held by the Trust under IFRS 16 of £40k and the disposal of Clinical and IT Equipment
    of £140k": £140k was `capital` (the equipment's word beside it; the second "disposal of" was taken for the noun
    of £40k, though "and" parts them); gains and losses on disposal are `other` (blind3 README)."""
    doc = Path(__file__).resolve().parent / "gold" / "heldout-facts-blind7" / "docs"
    lines = (doc / "Leeds Community Annual-report-2024-2025.md").read_text(encoding="utf-8").split("\n")
    f = facts_of(lines, 14637, 14645, LCH)
    assert [f[k]["measure"] for k in [(14643, "£40k"), (14643, "£140k")]] == ["other", "other"]
    assert f[(14643, "£140k")]["measure_rule"] == "other.disposal"


def test_a_paragraph_continuing_the_end_of_the_year_takes_its_year(performance):
    """LCH line 2277: "We recognised at the outset that service redesign ... These measures were effective not only
    in achieving financial balance, generating non recurrent savings of £6,648k" continues the paragraph "At the end
    of the year, we achieved our savings target in full, ..." (blind7: 2024/25); only a year written out was carried
    from the paragraph before."""
    f = performance[(57, "£6,648k")]
    assert (f["measure"], f["period"], f["period_rule"]) == ("savings", "2024/25", "period.during_year")
    assert f["period_source"] == "paragraph"


def test_prose_under_a_note_table_takes_the_tables_current_year():
    """LCH 2024/25 (the committed blind7 document): note 7.1's footnote "\\* Other expenditure includes £1,850k for
    external recharges, £360k for general provisions and £334k for fees and penalties" under its last row
    "237,919 228,206" (line 14025), and "Loss on disposal of assets relates to ... £40k and ... £140k" under note 13's
    total (line 14643), had no year (blind7: 2024/25, the note's current year); LYPFT 2024/25 (blind6) "These are for
    the Perinatal scheme at The Mount \\(£1,309k\\) and the High Intensity Rehabilitation Unit at Parkside Lodge
    \\(£4,383k\\)" under the capital commitments' total 5,692 (2024/25). A threshold under a table takes no year from
    it (LYPFT's "where expenditure of at least £5k is incurred" under a note's total at 31 March 2024: null)."""
    docs = Path(__file__).resolve().parent / "gold"
    lch = (docs / "heldout-facts-blind7" / "docs" / "Leeds Community Annual-report-2024-2025.md").read_text("utf-8")
    f = facts_of(lch.split("\n"), 13855, 14027, LCH)
    assert [f[(14025, t)]["period"] for t in ["£1,850k", "£360k", "£334k"]] == ["2024/25"] * 3
    assert f[(14025, "£1,850k")]["period_rule"] == "period.table_above"
    f = facts_of(lch.split("\n"), 14609, 14645, LCH)
    assert [f[(14643, t)]["period"] for t in ["£40k", "£140k"]] == ["2024/25"] * 2
    lypft = (docs / "heldout-facts-blind6" / "docs" / "LYPFT Annual-Report-and-Accounts-2024-25.md").read_text("utf-8")
    meta = {"title": "LYPFT Annual Report and Accounts 2024 25"}
    f = facts_of(lypft.split("\n"), 16505, 16533, meta)
    assert [f[(16533, t)]["period"] for t in ["£1,309k", "£4,383k"]] == ["2024/25"] * 2
    f = facts_of(lypft.split("\n"), 15655, 15781, meta)
    assert f[(15781, "£5k")]["period"] is None
