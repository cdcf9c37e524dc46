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
