"""The agreement rule and the grouping of pipeline/discrepancies.py, on facts as the `facts`
view gives them (amounts and lines written as NHS papers write them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipeline.discrepancies import Amount, agree, amount, aspect, find, load_rules, written_step
from pipeline.rules import RuleError
from tests.conftest import edit_yaml

RULES = load_rules()


def fact(
    text: str,
    low: float,
    high: float | None = None,
    *,
    line_text: str | None = None,
    doc: int = 1,
    line: int = 1,
    subject: str | None = "princess-alexandra-hospital-nhs-trust",
    measure: str = "deficit",
    period: str | None = "2017/18",
    qualifier: str | None = None,
    rate: str | None = None,
) -> dict[str, Any]:
    line_text = line_text or f"The trust ended 2017/18 with a deficit of {text}."
    start = line_text.index(text)
    return {
        "id": f"{doc}-{line}-{start}",
        "document_id": doc,
        "page": None,
        "line": line,
        "char_start": start,
        "char_end": start + len(text),
        "text": text,
        "normalised": text,
        "line_text": line_text,
        "low": low,
        "high": low if high is None else high,
        "currency": "GBP",
        "subject_id": subject,
        "subject": subject,
        "measure": measure,
        "period": period,
        "qualifier": qualifier,
        "rate": rate,
    }


def agrees(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return agree(amount(a, RULES), amount(b, RULES), RULES.tolerance)


# --- the precision an amount is written with ------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "low", "high", "step"),
    [
        ("£42m", 42e6, 42e6, 1e6),
        ("£42.1m", 42.1e6, 42.1e6, 1e5),
        ("£1.05bn", 1.05e9, 1.05e9, 1e7),
        ("£300,000", 3e5, 3e5, 1),
        ("£230,000.17", 230000.17, 230000.17, 0.01),
        ("c£700k", 7e5, 7e5, 1e3),
        ("£2-2.5bn", 2e9, 2.5e9, 1e8),  # a range: its finer end
        ("(1,234)", -1234000, -1234000, 1e3),  # a table cell under `£000`
        ("£3.5 billion", 3.5e9, 3.5e9, 1e8),
    ],
)
def test_written_step_is_the_unit_of_the_last_digit_written(written, low, high, step):
    assert written_step(written, low, high) == pytest.approx(step)


def test_an_amount_in_words_counts_as_two_significant_figures():
    assert written_step("a quarter of a billion pounds", 2.5e8, 2.5e8) == pytest.approx(1e7)


# --- agreement ------------------------------------------------------------------------------------


def test_42m_and_42_1m_agree_at_the_coarser_precision():
    assert agrees(fact("£42m", 42e6), fact("£42.1m", 42.1e6))


def test_42_1m_and_42_6m_disagree():
    assert not agrees(fact("£42.1m", 42.1e6), fact("£42.6m", 42.6e6))


def test_42m_and_42_6m_disagree_they_round_apart():
    assert not agrees(fact("£42m", 42e6), fact("£42.6m", 42.6e6))


def test_the_same_figure_printed_twice_agrees():
    assert agrees(fact("£32.6m", 32.6e6), fact("£32.6m", 32.6e6, line=9))


def test_a_range_agrees_with_an_amount_inside_it_and_not_outside():
    assert agrees(fact("£40-45m", 40e6, 45e6), fact("£42.3m", 42.3e6))
    assert not agrees(fact("£40-45m", 40e6, 45e6), fact("£47.2m", 47.2e6))


def test_a_deficit_printed_negative_is_the_same_claim():
    assert agrees(fact("-£8.5m", -8.5e6), fact("£8.5m", 8.5e6))
    surplus = {"measure": "surplus"}
    assert not agrees({**fact("-£8.5m", -8.5e6), **surplus}, {**fact("£8.5m", 8.5e6), **surplus})


def test_qualifiers_bound_the_amount():
    over = fact("over £40m", 40e6, qualifier="over")
    assert agrees(over, fact("£42.3m", 42.3e6))
    assert not agrees(over, fact("£38m", 38e6))
    almost = fact("almost £53m", 53e6, qualifier="almost")
    assert agrees(almost, fact("£52.9m", 52.9e6))
    assert not agrees(almost, fact("£40m", 40e6))
    assert not agrees(almost, fact("£55m", 55e6))


def test_agreement_is_symmetric():
    a, b = Amount(42e6, 42e6, 1e6), Amount(42.6e6, 42.6e6, 1e5)
    assert agree(a, b) == agree(b, a) is False


# --- aspects --------------------------------------------------------------------------------------


def aspect_of(line_text: str, text: str, others: tuple[str, ...] = ()) -> str | None:
    start = line_text.index(text)
    spans = [(line_text.index(o), line_text.index(o) + len(o)) for o in others]
    return aspect(line_text, start, start + len(text), [s for s, _ in spans], [e for _, e in spans], RULES)


def test_aspect_words_before_the_amount_back_to_the_previous_amount():
    line = "The trust ended 2017/18 with a deficit of £32.6m, against a planned deficit of £25.9m."
    assert aspect_of(line, "£32.6m", ("£25.9m",)) is None
    assert aspect_of(line, "£25.9m", ("£32.6m",)) == "planned"


def test_aspect_words_after_the_amount_up_to_the_end_of_its_clause():
    line = "Southend University Hospital ended £14.4m in deficit prior to a £6.4m STF bonus."
    assert aspect_of(line, "£14.4m", ("£6.4m",)) == "before_support"
    line = "Luton CCG delivered a £5m surplus for 2017/18, but is carrying a cumulative deficit of £16.5m."
    assert aspect_of(line, "£5m", ("£16.5m",)) is None
    assert aspect_of(line, "£16.5m", ("£5m",)) == "cumulative"


def test_a_part_of_a_figure_is_not_set_against_the_whole():
    line = (
        "PAH ended the year with a deficit of £32.6m, £3.7m of which was the result of the suspension of "
        "elective surgery in January, and appears to be aiming at a similar (£28.7m) deficit for 2018/19."
    )
    assert aspect_of(line, "£32.6m", ("£3.7m", "£28.7m")) is None
    assert aspect_of(line, "£3.7m", ("£32.6m", "£28.7m")) == "part"
    assert aspect_of(line, "£28.7m", ("£32.6m", "£3.7m")) == "planned"
    line = "By the end of July, the Trust had identified £10.1m of its £14m recurrent savings target for 2025/26."
    assert aspect_of(line, "£10.1m", ("£14m",)) == "part"
    assert aspect_of(line, "£14m", ("£10.1m",)) == "underlying"  # `recurrent`
    line = "The trust reported a deficit of £42m, including £5m of costs from the ward closures."
    assert aspect_of(line, "£5m", ("£42m",)) == "part"
    assert aspect_of(line, "£42m", ("£5m",)) is None


# --- grouping -------------------------------------------------------------------------------------


def test_two_documents_stating_different_deficits_for_one_trust_and_year_are_one_discrepancy():
    board = "The Princess Alexandra Hospital NHS Trust ended 2017/18 with a deficit of £32.6m."
    briefing = "The Princess Alexandra Hospital NHS Trust closed 2017/18 with a deficit of £34.2m."
    facts = [
        fact("£32.6m", 32.6e6, line_text=board, doc=1, line=7),
        fact("£32.6m", 32.6e6, line_text=board, doc=1, line=11),  # the pull-quote
        fact("£34.2m", 34.2e6, line_text=briefing, doc=2, line=6),
    ]
    found = find(facts, RULES)
    assert len(found) == 1
    d = found[0]
    assert (d.subject_id, d.measure, d.period, d.documents, d.claims) == (
        "princess-alexandra-hospital-nhs-trust",
        "deficit",
        "2017/18",
        2,
        2,
    )
    assert [m.claim for m in d.members] == [1, 1, 2]
    assert [m.fact_id for m in d.members] == [f["id"] for f in facts]
    assert d.rule == RULES.rule


def test_a_figure_printed_twice_or_42m_beside_42_1m_is_no_discrepancy():
    ccg = "west-essex-ccg"
    facts = [
        fact("£42m", 42e6, subject=ccg, line_text="NHS West Essex CCG reported a deficit of £42m for 2017/18."),
        fact("£42.1m", 42.1e6, subject=ccg, line=3, line_text="The CCG's deficit for 2017/18 was £42.1m."),
        fact("£42m", 42e6, subject=ccg, doc=2, line_text="NHS West Essex CCG ended 2017/18 with a deficit of £42m."),
    ]
    assert find(facts, RULES) == []


def test_different_periods_subjects_measures_aspects_and_rates_are_not_compared():
    base = fact("£32.6m", 32.6e6)
    others = [
        fact("£28.7m", 28.7e6, period="2018/19"),
        fact("£28.7m", 28.7e6, subject="west-essex-ccg"),
        fact("£28.7m", 28.7e6, measure="funding"),  # many amounts of funding in a year: not compared
        fact("£28.7m", 28.7e6, line_text="The trust had planned a deficit of £28.7m in 2017/18."),
        fact("£2.8m", 2.8e6, rate="per month"),
        fact("£28.7m", 28.7e6, period=None),
        fact("£28.7m", 28.7e6, subject=None),
    ]
    for other in others:
        assert find([base, other], RULES) == [], other


def test_a_discrepancy_id_is_stable_and_its_order_does_not_depend_on_input_order():
    facts = [fact("£32.6m", 32.6e6, doc=1), fact("£34.2m", 34.2e6, doc=2), fact("£30m", 30e6, doc=3)]
    one, two = find(facts, RULES), find(list(reversed(facts)), RULES)
    assert one == two
    assert [m.document_id for m in one[0].members] == [1, 2, 3]


def test_parts_of_a_figure_are_compared_with_nothing():
    april = "At the end of April 2025, £5.3million of the £14m savings target for 2025/26 had been identified."
    july = "By the end of July, the Trust had identified £10.1m of its £14m savings target for 2025/26."
    facts = [
        fact("£5.3million", 5.3e6, line_text=april, measure="savings", period="2025/26"),
        fact("£14m", 14e6, line_text=april, measure="savings", period="2025/26"),
        fact("£10.1m", 10.1e6, line_text=july, line=9, measure="savings", period="2025/26"),
        fact("£14m", 14e6, line_text=july, line=9, measure="savings", period="2025/26"),
    ]
    assert find(facts, RULES) == []
    whole = fact("£15m", 15e6, line_text="The savings target for 2025/26 is £15m.", line=20, measure="savings")
    [d] = find([*facts, {**whole, "period": "2025/26"}], RULES)  # the wholes still disagree: £14m, £15m
    assert [m.text for m in d.members] == ["£14m", "£14m", "£15m"]


# --- the rule file --------------------------------------------------------------------------------


def broken(rules_copy: Path, change) -> str:
    edit_yaml(rules_copy / "discrepancies.yaml", change)
    load_rules.cache_clear()
    try:
        with pytest.raises(RuleError) as err:
            load_rules(rules_copy)
    finally:
        load_rules.cache_clear()
    return str(err.value)


def test_a_bad_tolerance_is_refused_naming_the_entry(rules_copy):
    message = broken(rules_copy, lambda d: d.update(tolerance="half"))
    assert "discrepancies.yaml, entry (top level): field `tolerance`" in message and "'half'" in message


def test_an_unknown_qualifier_effect_is_refused(rules_copy):
    message = broken(rules_copy, lambda d: d["qualifiers"].update(over="more"))
    assert "entry qualifiers: field `over`" in message and "at_least" in message


def test_an_aspect_pattern_that_does_not_compile_is_refused(rules_copy):
    message = broken(rules_copy, lambda d: d["aspects"].update(planned=["(plan"]))
    assert "entry aspects.planned.either[0]: the entry: pattern does not compile" in message


def test_an_aspect_side_must_be_before_after_or_either(rules_copy):
    message = broken(rules_copy, lambda d: d["aspects"].update(part={"around": ["of which"]}))
    assert "entry aspects: field `part`" in message and "before/after/either" in message


def test_an_uncompared_aspect_must_be_an_aspect(rules_copy):
    message = broken(rules_copy, lambda d: d.update(uncompared_aspects=["parts"]))
    assert "field `uncompared_aspects`" in message and "parts" in message


def test_a_missing_rule_id_is_refused(rules_copy):
    message = broken(rules_copy, lambda d: d.pop("rule"))
    assert "field `rule`: Field required" in message


def test_the_fact_review_rules_refuse_an_empty_measure_list(rules_copy):
    from pipeline.reviews import facts

    edit_yaml(rules_copy / "fact_review.yaml", lambda d: d.update(measures=[]))
    with pytest.raises(RuleError, match=r"fact_review\.yaml, entry \(top level\): field `measures`"):
        facts.load_rules(rules_copy)


def test_a_broken_discrepancy_rule_stops_the_build_before_the_database_is_touched(rules_copy, tmp_path):
    from pipeline.build import build
    from pipeline.extract import Context
    from tests.conftest import CORPUS

    edit_yaml(rules_copy / "discrepancies.yaml", lambda d: d.update(measures="deficit"))
    db = tmp_path / "nhs.db"
    load_rules.cache_clear()
    try:
        with pytest.raises(RuleError, match=r"discrepancies\.yaml, entry \(top level\): field `measures`"):
            build(CORPUS, db, Context(rules=rules_copy))
    finally:
        load_rules.cache_clear()
    assert not db.exists()
