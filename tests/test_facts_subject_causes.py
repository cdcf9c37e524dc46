"""Causes of weak subjects and of staff costs read as `other` (facts6), each a general rule of
rules/facts.yaml tested on real lines that it failed before: the own body of a document with no
publisher read from its title page or running heads, a national body's paper (named on its title page)
speaking of the NHS, and a body's operating expenses and staff costs as money it spends."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_facts import basis, facts_of, realdoc

HERE = Path(__file__).resolve().parent
LYPFT = HERE / "data" / "facts_causes" / "lypft-annual-report-2024-25-excerpt.md"
TRANSCRIPT = "nhse-board-meeting-2025-09-23-youtube-transcript.txt"


@pytest.fixture(scope="module")
def lypft() -> list[str]:
    return LYPFT.read_text(encoding="utf-8").split("\n")


def test_operating_expenses_are_spend_and_a_salary_stays_other(lypft):
    # "The total operating expenses for the year was £276.5m (£258.6m in 2023/24)": was other (no cue)
    f = facts_of(lypft, 1, len(lypft), name="report.md")
    row = f[(21, "£276.5m")]
    assert (row["measure"], row["measure_rule"]) == ("spend", "spend.staff_costs")
    assert basis(row, "measure")["words"] == "operating expenses"
    assert f[(21, "£258.6m")]["measure"] == "spend"  # its comparative in brackets
    # "The amount charged to operating expenses during the year in respect of services was £8,344k"
    assert f[(25, "£8,344k")]["measure"] == "spend"
    # ... while "The average salary and allowance for all employees in the financial year was £53,312" is pay
    assert f[(23, "£53,312")]["measure"] == "other"


def test_a_document_with_no_publisher_is_the_body_its_title_page_names(lypft):
    # "**Leeds and York Partnership NHS Foundation Trust **" on the title page of a file outside the manifest
    # (no publisher, a title from its file name, too few "the Trust" to count): the trust's own accounts
    f = facts_of(lypft, 1, len(lypft), {"title": "report"}, name="report.md")
    for key in ((25, "£8,344k"), (23, "£53,312")):
        row = f[key]
        assert (row["subject"], row["subject_rule"]) == (
            "Leeds and York Partnership NHS Foundation Trust",
            "subject.document",
        )
        assert "title page" in basis(row, "subject")["words"]
    # a publisher in the manifest still decides (a think tank's paper is no trust's)
    other = facts_of(lypft, 1, len(lypft), {"title": "report", "publisher": "Reform"}, name="report.md")
    assert other[(25, "£8,344k")]["subject"] is None


def test_a_national_bodys_paper_named_on_its_title_page_speaks_of_the_nhs(shared):
    # an NHS England board meeting's transcript outside the manifest, under a file name that does not say
    # whose it is: "welcome to the NHS England board" at its head makes it NHS England's paper, so "We are
    # currently reporting a 57 million pound overspend in aggregate" is the NHS's (was no subject)
    lines = realdoc(shared, TRANSCRIPT)
    f = facts_of(lines, 1, 520, {"title": "board meeting transcript"}, name="board.txt")
    row = f[(506, "57 million pound")]
    assert (row["subject"], row["subject_rule"]) == ("NHS", "subject.national_document")
    assert basis(row, "subject")["words"] == "NHS England"
