"""Measures of amounts in prose, second pass (b2facts, issue 9), each cause a cue of rules/facts.yaml tested on the
real lines it was read on, which it failed before: the price of training a doctor is no body's spend (Reform's
"Getting into shape", 2017; GUIDELINES.md: a price is `other`), and income named before an amount outweighs the
words of a table column the converter put into its sentence (the LTHT annual report). Neither document states a
licence, so the tests read them from ../shared/realdocs and skip where that is absent."""

from __future__ import annotations

import pytest

from tests.test_facts import facts_of

REFORM = "reform-getting-into-shape-workforce-integrated-care-2017.md"
META = {"title": "Getting into shape: Delivering a workforce for integrated care", "publisher": "Reform"}


@pytest.fixture(scope="module")
def reform(shared) -> dict[tuple[int, str], dict[str, object]]:
    from tests.test_facts import realdoc

    lines = realdoc(shared, REFORM)
    out = facts_of(lines, 281, 289, META, name="report.md")
    out.update(facts_of(lines, 881, 1000, META, name="report.md"))
    return out


def test_the_cost_of_training_a_doctor_is_a_unit_cost(reform):
    # "Buckingham University provides training for doctors at a total cost of £162,000" (was spend,
    # spend.cost_of), "£36,000 per year for the full costs of their tuition and placement fees \(totalling
    # £162,000" (was spend), "tuition fees vary ..., with some charging more than £40,000 for each clinical year
    # and others £20,140" (were spend): prices, other (rule other.unit_cost)
    assert (reform[(287, "£162,000")]["measure"], reform[(287, "£162,000")]["measure_rule"]) == (
        "other",
        "other.unit_cost",
    )
    for key in ((953, "£162,000"), (957, "£40,000"), (957, "£20,140")):
        assert reform[key]["measure"] == "other", key
    # "the true cost of training is unclear. However, ... the Department's estimation of £230,000 is too high.
    # Buckingham Medical School ... are delivering GMC-approved medical training for £162,000": the paragraph's
    # unit cost (were spend, carried from "cost")
    assert reform[(991, "£230,000")]["measure"] == "other"
    assert reform[(991, "£162,000")]["measure"] == "other"


def test_money_a_government_invests_in_training_stays_its_spend(reform):
    # "The Government invest around" / "£1.3 billion per year in training medical students" under "2.3.1 The
    # cost of training": the government's spend (spend.invested now takes the bare verb; the heading's unit
    # cost would otherwise carry), as "the NHS spent £1.3 billion on agency doctors" stays
    row = reform[(887, "£1.3 billion")]
    assert (row["measure"], row["measure_rule"]) == ("spend", "spend.invested")
    assert reform[(283, "£1.3 billion")]["measure"] == "spend"


@pytest.fixture(scope="module")
def related(shared) -> dict[tuple[int, str], dict[str, object]]:
    # the LTHT accounts' related-party note, its lines interleaved by the converter with the payables table's
    # ("During the year the Trust's" / "invoices" / "260,060 792,026 ..." / "income from the University was £10.4m"
    # / "paid in the" / "\(2023/24 £12.5m\) of which £0.5m remained")
    from tests.test_facts import LTHT_META, realdoc

    return facts_of(realdoc(shared, "ltht-annual-report-2024-25.md"), 36150, 36300, LTHT_META, name="report.md")


def test_income_named_before_the_amount_outweighs_the_other_columns_words(related):
    # were spend ("paid" of the table's "paid in the" right after the amount; "invoices" before it): income
    # received (rule funding.income_from), and the comparative and the part that remained to be paid with it
    for key in ((36217, "£10.4m"), (36269, "£127k")):
        assert (related[key]["measure"], related[key]["measure_rule"]) == ("funding", "funding.income_from"), key
    for key in ((36221, "£12.5m"), (36221, "£0.5m"), (36269, "£93k")):
        assert related[key]["measure"] == "funding", key


@pytest.fixture(scope="module")
def columns(shared) -> dict[tuple[int, str], dict[str, object]]:
    # the LTHT report's overview, its two columns' lines put in turn by the converter
    from tests.test_facts import LTHT_META, realdoc

    lines = realdoc(shared, "ltht-annual-report-2024-25.md")
    out = facts_of(lines, 1851, 1875, LTHT_META, name="report.md")
    out.update(facts_of(lines, 4795, 5825, LTHT_META, name="report.md"))
    return out


def test_an_amount_with_no_cue_reads_the_lines_of_its_own_column(columns):
    # "to the Trust's delivery of a Waste Reduction" / "be announced in June 2025." / "Programme of £110.4m.",
    # "mitigation and waste reduction programme" / "costs and staffing costs." / "of £110.4m, of which £40.2m came
    # from", "Capital investment for 2025/26 is planned at" / "We are committed to ..." / "£109.4m.": were other
    # (measure.none: the line between is the other column's); now the cue of the column's line above
    expected = {(4809, "£110.4m"): "savings", (5329, "£110.4m"): "savings", (5817, "£109.4m"): "capital"}
    for key, measure in expected.items():
        assert (columns[key]["measure"], columns[key]["measure_rule"]) == (measure, "measure.column"), key
    assert columns[(5329, "£40.2m")]["measure"] == "savings"
    # "Innovation Village in Leeds bringing £13 billion" runs on in lower case into its column's next line ("in
    # economic growth"), read first: the size of an economy stays other, not the capital of the line above
    # ("heritage building redevelopment to create an")
    assert columns[(1865, "£13 billion")]["measure"] == "other"
