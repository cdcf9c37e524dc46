"""Subjects and measures of amounts in running text and in the tables of national papers (prose, issue 9),
each cause a general rule of rules/facts.yaml (or a small step of pipeline/facts/) tested on the real lines
it was read on, which it failed before (the lines: tests/data/facts_prose, with their sources)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_facts import basis, facts_of

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "facts_prose"
HEE = {"title": "Data Driven Healthcare in 2030", "publisher": "Health Education England"}


def lines_of(name: str) -> list[str]:
    return (DATA / name).read_text(encoding="utf-8").split("\n")


@pytest.fixture(scope="module")
def hee() -> dict[tuple[int, str], dict[str, object]]:
    lines = lines_of("data-driven-healthcare-2030-excerpt.txt")
    return facts_of(lines, 1, len(lines), HEE, name="report.txt")


def test_a_national_papers_table_is_the_nhss_but_a_market_salary_is_no_ones(hee):
    # Table 3.3 "Change in salary and employment on-costs ... by area of work" of HEE's report on the NHS
    # digital workforce: its rows name no body, so its cells are the NHS's, as the report's prose is (they
    # had no subject); the labour market's median salaries in the report's prose are no body's (were NHS)
    for key in ((38, "£116"), (40, "£524"), (50, "£2,054"), (50, "£5,220")):
        row = hee[key]
        assert (row["subject"], row["subject_rule"], row["measure"]) == ("NHS", "subject.national_document", "spend")
    for key in ((9, "£55,000"), (10, "£32,500")):
        assert (hee[key]["subject"], hee[key]["measure"]) == (None, "other")


def test_it_is_worth_contrasting_says_nothing_of_the_amount(hee):
    # "It is worth contrasting the figure of £5.2 billion with the £2.7 billion (baseline costs) that represents
    # the salary and employment on-costs of a workforce": the staff costs of the sentence before, not a value
    # (`worth`, other.risk: was other)
    row = hee[(27, "£5.2 billion")]
    assert (row["measure"], row["measure_rule"]) == ("spend", "measure.paragraph")
    assert hee[(27, "£2.7 billion")]["measure"] == "spend"


def test_development_of_a_service_or_a_job_is_no_building(hee):
    # row "IT strategy and development" of Table 3.3: a job family's staff costs (was capital, `development`)
    assert hee[(48, "£80")]["measure"] == "spend"
    assert hee[(48, "£442")]["measure"] == "spend"
    assert basis(hee[(48, "£80")], "measure")["words"] != "development"


LTHT = "ltht-annual-report-2024-25.md"
LCH = "lch-trust-board-public-papers-2025-09-04.md"


@pytest.fixture(scope="module")
def charity(shared) -> dict[tuple[int, str], dict[str, object]]:
    # the LTHT annual report's section "**3.8 Leeds Hospitals Charity**" (its two columns interleaved by the
    # converter, one line to a paragraph)
    from tests.test_facts import LTHT_META, realdoc

    return facts_of(realdoc(shared, LTHT), 25829, 26370, LTHT_META, name="report.md")


def test_a_charity_named_after_a_trust_is_the_charitys_money(charity):
    # "Leeds Hospitals Charity invested over £150k to support an MND research study": the bodies extractor finds
    # "Leeds Hospitals" (the trust); the words after it name the charity (rule subject.named_after; was the trust)
    row = charity[(26153, "£150k")]
    assert (row["subject"], row["subject_rule"]) == ("Leeds Hospitals Charity", "subject.clause")
    assert basis(row, "subject")["words"] == "Leeds Hospitals Charity"
    assert charity[(26367, "£7.06m")]["subject"] == "Leeds Hospitals Charity"


def test_money_a_body_gives_away_is_its_spend(charity):
    # "we have awarded over £3.2m of additional funding" (was funding: the noun after the amount), "Leeds
    # Hospitals Charity invested over £150k to support ..." and "We have also provided over £79k to support ..."
    # (were other and funding): the giver's spend; "we invested over £120k in renovation projects" is capital
    assert (charity[(25857, "£3.2m")]["measure"], charity[(25857, "£3.2m")]["measure_rule"]) == ("spend", "spend.given")
    assert charity[(26153, "£150k")]["measure_rule"] == "spend.invested"
    assert charity[(26185, "£79k")]["measure"] == "spend"
    assert charity[(26367, "£7.06m")]["measure"] == "spend"
    row = charity[(26335, "£120k")]
    assert (row["measure"], basis(row, "measure")["words"]) == ("capital", "renovation")


def test_donations_and_fundraising_are_income_but_capital_donations_stay_capital(shared):
    from tests.test_facts import LTHT_META, realdoc

    # the LCH charitable funds committee: "a minimum fundraising target of £2000", "The latest donation from
    # members was £716.28" (were other)
    lch = facts_of(realdoc(shared, LCH), 7385, 7400, name="papers.md")
    assert (lch[(7397, "£2000")]["measure"], lch[(7397, "£2000")]["measure_rule"]) == ("funding", "funding.donations")
    assert lch[(7399, "£716.28")]["measure"] == "funding"
    # "... and £4.3m in capital donations (2023/24 - £0.9m)": capital, not a donation's income
    ltht = facts_of(realdoc(shared, LTHT), 36150, 36165, LTHT_META, name="report.md")
    assert ltht[(36157, "£0.9m")]["measure"] == "capital"


def test_what_an_amount_pays_for_and_what_is_no_bodys_money(shared):
    from tests.test_facts import LTHT_META, realdoc

    leeds = lines_of("leeds-research-innovation-strategy-excerpt.txt")
    f = facts_of(leeds, 1, len(leeds), {"title": "Shared research and innovation strategy"}, name="strategy.txt")
    # "the Leeds City Region has an economic output of £65 billion per year": the size of an economy (was capital,
    # from "economic hub" in the sentence before)
    row = f[(8, "£65 billion")]
    assert (row["measure"], row["measure_rule"]) == ("other", "other.economy")
    # "The ambitious £650m hospital project will see the LGI site completely redesigned" (was other)
    row = f[(17, "£650m")]
    assert (row["measure"], row["measure_rule"]) == ("capital", "capital.project")
    ltht = realdoc(shared, LTHT)
    # "A £2.7 million study to improve gallstone treatment launched at Leeds" (was other)
    row = facts_of(ltht, 3790, 3802, LTHT_META, name="report.md")[(3799, "£2.7 million")]
    assert (row["measure"], row["measure_rule"]) == ("spend", "spend.study")
    # an accounting policy's capitalisation limits: "the item has cost of at least £5,000", "individually have cost
    # of more than £250" (were spend, `cost of`)
    policy = facts_of(ltht, 28670, 28690, LTHT_META, name="report.md")
    for key in ((28675, "£5,000"), (28687, "£250")):
        assert (policy[key]["measure"], policy[key]["measure_rule"]) == ("other", "other.threshold")


def test_an_amount_in_millions_ends_its_sentence(corpus_lines):
    from tests.test_facts import UNISON

    # "All these strings are attached to a loan of just over £5m. The costs and management time of complying ...":
    # spaCy's tokenizer keeps "m." whole, so the sentence ran on and `costs` made the loan spend
    # (context.unit_end); a loan is other
    row = facts_of(corpus_lines[UNISON], 1077, 1077)[(1077, "£5m")]
    assert (row["measure"], row["measure_rule"]) == ("other", "other.borrowing")


def test_a_non_nhs_employer_is_not_the_nhs(shared):
    from tests.test_facts import REFORM, realdoc

    # "... students should pay back £11,700 per year, for a maximum of ten years, for each year spent working for a
    # non-NHS employer or locum agency": a repayment of no one body (was NHS, from `non-NHS`)
    row = facts_of(realdoc(shared, REFORM), 285, 295)[(293, "£11,700")]
    assert (row["subject"], row["subject_rule"]) == (None, "subject.none")
