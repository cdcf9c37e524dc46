"""Financial facts (pipeline/facts/, rules/facts.yaml): each rule's effect on the real sentence it was
written for, the rule file's errors, and the provenance of every fact of a full build."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.extract import Context, extract_all
from pipeline.facts import load_rules
from pipeline.facts.sites import load_sites
from pipeline.model import Document, Line, mention_id
from pipeline.rules import RuleError
from tests.conftest import CORPUS, edit_yaml

UNISON = "000_9697e79c8f4d460c.txt"
LCH = "lch-trust-board-public-papers-2025-09-04.md"
NHSE = "nhse-board-paper-nhs-productivity-2024-12-05.md"


def facts_of(
    lines: list[str], first: int, last: int, meta: dict[str, Any] | None = None, name: str = "part.txt"
) -> dict[tuple[int, str], dict[str, Any]]:
    """The facts of lines first..last (1-based, as numbered in the file), by (line, amount as written)."""
    doc = Document(name, "0" * 64, "text", meta or {}, [Line(n, lines[n - 1]) for n in range(first, last + 1)])
    ex = extract_all(doc, Context(), only=["money", "bodies", "facts"])
    rows = {r["money_id"]: r for r in ex.records.get("money_facts", [])}
    out = {}
    for m in ex.mentions:
        if m.kind == "money":
            line = doc.lines[m.line_index]
            out[(line.number, m.text)] = rows.pop(mention_id(doc.sha256, line, m))
    assert not rows, "a fact for no amount"
    return out


def basis(row: dict[str, Any], field: str) -> dict[str, Any]:
    return next(b for b in json.loads(row["basis"]) if b["field"] == field)


@pytest.fixture(scope="module")
def unison(corpus_lines):
    return corpus_lines[UNISON]


# -- measure ----------------------------------------------------------------------------------------


def test_control_total_and_savings_cues_on_the_blmk_finance_headlines(unison):
    f = facts_of(unison, 183, 187)
    assert f[(185, "£9.7m")]["measure"] == "control_total"
    assert basis(f[(185, "£9.7m")], "measure")["words"] == "control total"
    assert f[(185, "£80.5m")]["measure"] == "savings"
    # "an actual deficit of $\pounds 13.4m": the cue is read through the typesetting residue
    assert f[(187, "\\pounds 13.4m")]["measure"] == "deficit"


def test_the_noun_after_an_amount_wins_and_an_alternative_keeps_its_measure(unison):
    # "missing the control total would mean a loss of £29.5m funding ..., or £8.8m if ..."
    f = facts_of(unison, 189, 189)
    assert (f[(189, "£29.5m")]["measure"], f[(189, "£29.5m")]["measure_rule"]) == ("funding", "funding.word")
    assert (f[(189, "£8.8m")]["measure"], f[(189, "£8.8m")]["measure_rule"]) == ("funding", "measure.same_sentence")


def test_parts_in_brackets_keep_the_whole_figures_measure_and_groups_have_no_subject(unison):
    f = facts_of(unison, 235, 253)
    whole, nhs, local = f[(253, "£311m")], f[(253, "£203m")], f[(253, "£108m")]
    assert whole["measure"] == "gap" and whole["subject"] == "Bedfordshire, Luton and Milton Keynes STP"
    assert whole["subject_rule"] == "subject.the_stp"
    assert (nhs["measure"], nhs["measure_rule"], nhs["subject"], nhs["subject_rule"]) == (
        "gap",
        "measure.part_of",
        None,
        "subject.group",
    )
    # the "local government deficit" later in the brackets does not make the part a deficit
    assert (local["measure"], local["subject"]) == ("gap", None)


def test_a_cue_beyond_another_amount_is_that_amounts(unison):
    # "a net risk of approximately £6m which includes a £4.8m gap with Luton & Dunstable Hospital, ..."
    f = facts_of(unison, 267, 271)
    assert f[(271, "£6m")]["measure"] == "other"
    assert {f[(271, t)]["measure_rule"] for t in ("£4.8m", "£3m", "£1.5m")} == {"measure.part_of"}
    # the hospital after "with" is a counterparty: the subject is the CCG of the paragraph before
    assert {f[(271, t)]["subject"] for t in ("£6m", "£4.8m", "£3m", "£1.5m")} == {"Luton CCG"}
    assert {f[(271, t)]["period"] for t in ("£6m", "£3m")} == {"2018/19"}


def test_part_of_a_later_amount_and_deficit_support_funding_in_board_papers(corpus_lines):
    lch = corpus_lines[LCH]
    f = facts_of(lch, 1045, 1045)
    # "£5.3million of the £14m savings target for 2025/26 had been identified"
    assert (f[(1045, "£5.3million")]["measure"], f[(1045, "£5.3million")]["measure_rule"]) == (
        "savings",
        "measure.part_of",
    )
    assert f[(1045, "£14m")]["period"] == "2025/26"
    f = facts_of(lch, 7061, 7061)
    assert f[(7061, "£49.2M")]["measure"] == "funding"  # "£49.2M deficit support funding"


def test_from_one_amount_to_another_keeps_the_measure(corpus_lines):
    # "Spend has reduced from £3.5 bil ion in 2022/23 (4.5% of total pay) to £3.0 bil ion in 2023/24"
    f = facts_of(corpus_lines[NHSE], 161, 161)
    first, second = f[(161, "£3.5 bil ion")], f[(161, "£3.0 bil ion")]
    assert (first["measure"], first["period"]) == ("spend", "2022/23")
    assert (second["measure"], second["measure_rule"], second["period"]) == ("spend", "measure.from_to", "2023/24")


# -- period -----------------------------------------------------------------------------------------


def test_a_paragraph_that_runs_on_carries_its_year(unison):
    # "... ended 2017-18 in deficit: ... Luton & Dunstable managed" / "- through securing ... a £9.4m loss
    # of the year into a £10.5m surplus: the trust has already bid for another £9m of support for 2018-19."
    f = facts_of(unison, 259, 265)
    assert f[(265, "£9.4m")]["period"] == "2017/18"
    assert f[(265, "£10.5m")]["period"] == "2017/18"
    assert f[(265, "£9m")]["period"] == "2018/19"
    assert basis(f[(265, "£9.4m")], "period")["spans"][0]["line"] == 261


def test_last_year_names_no_year_and_stops_a_carried_one(unison):
    f = facts_of(unison, 269, 273)
    row = f[(273, "£7.9m")]
    assert (row["period"], row["period_rule"]) == (None, "period.relative")
    assert basis(row, "period")["words"] == "last year"


def test_calendar_year_only_beside_the_amount(unison):
    # "In 2016 the STP began by identifying a potential ... gap ... of £311m": when, not what for
    assert facts_of(unison, 253, 253)[(253, "£311m")]["period"] is None
    # "... £22 billion of cost savings to enable the NHS to balance its books by 2020/21"
    row = facts_of(unison, 9, 9)[(9, "\\pounds 22 billion")]
    assert (row["period"], row["period_source"], row["measure"]) == ("2020/21", "sentence", "savings")


def test_this_year_in_an_annual_report_is_the_reports_year(shared):
    lines = (shared / "realdocs" / "ltht-annual-report-2024-25.md").read_text(encoding="utf-8").split("\n")
    meta = {"title": "Leeds Teaching Hospitals NHS Trust Annual Report 2024/25", "kind": "report", "date": "2025"}
    row = facts_of(lines, 20497, 20497, meta)[(20497, "£3.5m")]
    assert (row["period"], row["period_source"], row["period_rule"]) == ("2024/25", "document", "period.this_year")
    assert row["measure"] == "spend"  # "the Trust has spent just over £3.5m"
    # the same words in a paper that is no annual report name no year
    row = facts_of(lines, 20497, 20497, {"title": "Board papers", "date": "2025"})[(20497, "£3.5m")]
    assert row["period"] is None


# -- subject ----------------------------------------------------------------------------------------


def test_places_before_amounts_name_the_trusts_of_the_sentence(unison):
    # "two of the three acute trusts ended 2017-18 in deficit: Bedford by £8.5m, Milton Keynes by £16.1m"
    f = facts_of(unison, 261, 261)
    bedford, mk = f[(261, "£8.5m")], f[(261, "£16.1m")]
    assert (bedford["subject"], bedford["subject_rule"]) == ("Bedford Hospital NHS Trust", "subject.place_trust")
    assert mk["subject"] == "Milton Keynes University Hospital NHS Foundation Trust"
    assert {bedford["measure"], mk["measure"]} == {"deficit"} and {bedford["period"], mk["period"]} == {"2017/18"}
    assert basis(bedford, "subject")["words"] == "Bedford"


def test_the_ccg_under_a_place_heading_is_that_places_ccg(unison):
    # heading "Cambridgeshire and Peterborough", then "The CCG reported a deficit of £42m for 2017-18"; PwC
    # (a company) in the same sentence is a source, not whose money it is
    f = facts_of(unison, 301, 309)
    for text in ("£42m", "£26.6m", "£49.2m"):
        row = f[(309, text)]
        assert (row["subject"], row["measure"], row["period"]) == (
            "Cambridgeshire and Peterborough CCG",
            "deficit",
            "2017/18",
        ), text
    assert f[(309, "£42m")]["subject_rule"] == "subject.the_ccg"


def test_our_and_bare_place_names_in_a_section_are_the_sections_stp(unison):
    f = facts_of(unison, 301, 446)
    row = f[(444, "£160m")]  # "our collective deficit was more than £160m"
    assert (row["subject"], row["measure"], row["period"]) == (
        "Cambridgeshire and Peterborough STP",
        "deficit",
        "2015/16",
    )


def test_the_nhs_as_a_whole(shared):
    path = shared / "realdocs" / "commons-library-cbp10313-nhs-productivity-2025-07.md"
    lines = path.read_text("utf-8").split("\n")
    f = facts_of(lines, 625, 625)  # "The NHS budget for 2024/25 was £177bn, and for 2025/26 it is £183bn."
    assert [(r["subject"], r["subject_id"], r["measure"], r["period"]) for r in f.values()] == [
        ("NHS", None, "funding", "2024/25"),
        ("NHS", None, "funding", "2025/26"),
    ]


# -- the rule file ----------------------------------------------------------------------------------


def test_the_project_rules_load():
    rules = load_rules(Path(__file__).resolve().parents[1] / "rules")
    ids = [c.id for c, _ in rules.cues]
    assert len(ids) == len(set(ids)) and "deficit.word" in ids


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["measure"]["cues"][2].update(weight=-1), "measure.cues[2] (control_total.phrase): field `weight`"),
        (lambda d: d["measure"]["cues"][3].update(measure="loss"), "measure.cues[3] (deficit.word): field `measure`"),
        (lambda d: d["measure"]["cues"][3].update(pattern="(deficit"), "pattern does not compile"),
        (lambda d: d["period"].pop("financial_year"), "entry period: field `financial_year`: Field required"),
        (lambda d: d["subject"].update(colour="red"), "entry subject: field `colour`: Extra inputs"),
        (
            lambda d: d["measure"]["cues"].append(dict(d["measure"]["cues"][0])),
            # (the entry's index is the number of cues, which changes as cues are added)
            "(funding.deficit_support): field `id`: 'funding.deficit_support' is used by another",
        ),
    ],
)
def test_a_bad_rule_names_file_entry_and_field(rules_copy, change, expected):
    edit_yaml(rules_copy / "facts.yaml", change)
    load_rules.cache_clear()
    with pytest.raises(RuleError) as err:
        load_rules(rules_copy)
    assert "facts.yaml" in str(err.value) and expected in str(err.value), str(err.value)


def test_a_bad_facts_rule_file_stops_the_build_with_exit_2(rules_copy, tmp_path):
    edit_yaml(rules_copy / "facts.yaml", lambda d: d["measure"]["cues"][0].update(max_words="many"))
    load_rules.cache_clear()
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_bytes((CORPUS / "004_bd442f22357b032f.txt").read_bytes())
    db = tmp_path / "x.db"
    result = CliRunner().invoke(cli, ["build", "--corpus", str(corpus), "--db", str(db), "--rules", str(rules_copy)])
    assert result.exit_code == 2
    assert "facts.yaml, entry measure.cues[0]" in result.output and "max_words" in result.output
    assert not db.exists()


# -- a full build -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_every_amount_has_one_fact_and_its_basis_slices_the_stored_lines(built_db):
    con = sqlite3.connect(built_db)
    assert con.execute("SELECT count(*) FROM money").fetchone() == con.execute("SELECT count(*) FROM facts").fetchone()
    lines = {(d, p, n): t for d, p, n, t in con.execute("SELECT document_id, page, line, text FROM lines")}
    checked = 0
    for doc, money_text, line_text, start, end, raw in con.execute(
        "SELECT document_id, text, line_text, char_start, char_end, basis FROM facts"
    ):
        assert line_text[start:end] == money_text
        items = json.loads(raw)
        assert [b["field"] for b in items] == ["subject", "measure", "period"]
        for item in items:
            for span in item.get("spans", []):
                stored = lines[(doc, span["page"], span["line"])]
                assert stored[span["char_start"] : span["char_end"]] == span["text"]
                checked += 1
    assert checked > 1000


@pytest.mark.slow
def test_tables_take_their_documents_body_and_title(built_db):
    con = sqlite3.connect(built_db)
    rows = con.execute(
        "SELECT f.subject, f.measure, f.subject_rule, count(*) FROM facts f JOIN money m ON m.id = f.id "
        "WHERE f.doc = 'nhs-tower-hamlets-ccg-payments-over-30k-2020-05.pdf' AND m.basis != 'text' GROUP BY 1, 2, 3"
    ).fetchall()
    # a spending list's rows are its own body's payments (rules/facts.yaml `spending_list`)
    assert rows == [("Tower Hamlets CCG", "spend", "subject.payer", 235)]


@pytest.mark.slow
def test_the_readmes_deficit_question_on_facts(built_db):
    con = sqlite3.connect(built_db)
    sql = "SELECT doc, line, text FROM facts WHERE measure = 'deficit' AND currency = 'GBP' AND high > 10e6"
    found = set(con.execute(sql).fetchall())
    assert (UNISON, 267, "£55.9m") in found  # Bedfordshire CCG's cumulative deficit, 2017/18
    assert (UNISON, 317, "£42.1m") in found  # CUHFT's, beside the CCG's £42m
    # what the word search on line_text put at the top: capital investment and a transformation fund
    assert ("001_baeb06aa9c477327.txt", 48, "£9.53 billion") not in found
    assert ("001_baeb06aa9c477327.txt", 136, "£2.1bn") not in found


@pytest.fixture(scope="module")
def ltht(shared):
    return (shared / "realdocs" / "ltht-annual-report-2024-25.md").read_text(encoding="utf-8").split("\n")


LTHT_META = {
    "title": "Leeds Teaching Hospitals NHS Trust Annual Report 2024/25",
    "publisher": "Leeds Teaching Hospitals NHS Trust",
    "date": "2025",
}


def test_a_prior_year_in_brackets_is_a_comparison_not_the_period(ltht):
    # "The adjusted financial performance for 2024/25 is a surplus of £19.9m (2023/24 surplus of £12.3m)"
    f = facts_of(ltht, 27431, 27431, LTHT_META)
    assert (f[(27431, "£19.9m")]["period"], f[(27431, "£12.3m")]["period"]) == ("2024/25", "2023/24")
    # "Income from NHS England includes £72.7m (2023/24" / "£44.6m) to cover ...": the bracket is the prior
    # year's comparative, so £72.7m is the year after it (period.comparative), never the bracket's year
    f = facts_of(ltht, 30975, 30977, LTHT_META)
    assert f[(30975, "£72.7m")]["period"] == "2024/25" and f[(30977, "£44.6m")]["period"] == "2023/24"


def test_the_trust_in_a_trusts_own_papers_is_the_publisher(ltht):
    row = facts_of(ltht, 20497, 20497, LTHT_META)[(20497, "£3.5m")]  # "This year the Trust has spent just over £3.5m"
    assert (row["subject"], row["subject_rule"]) == ("Leeds Teaching Hospitals NHS Trust", "subject.the_trust")
    assert basis(row, "subject")["words"] == "the Trust"


def test_a_body_that_calculated_a_figure_is_its_source_not_its_subject(shared):
    path = shared / "realdocs" / "ippr-realising-the-neighbourhood-nhs-2020.md"
    lines = path.read_text(encoding="utf-8").split("\n")
    # "NHS England has calculated that by 2023/24" / "a typical network ... will receive up to £1.47 million"
    row = facts_of(lines, 1063, 1065)[(1065, "£1.47 million")]
    assert (row["subject"], row["measure"], row["period"]) == (None, "funding", "2023/24")


@pytest.mark.slow
def test_a_spending_tables_title_gives_its_financial_year(built_db):
    # "NHS Barking and Dagenham CCG: invoices over £25k, April 2014 to March 2015"
    con = sqlite3.connect(built_db)
    rows = con.execute(
        "SELECT f.period, f.period_source, f.period_rule, count(*) FROM facts f JOIN money m ON m.id = f.id "
        "WHERE f.doc = 'nhs-barking-dagenham-ccg-invoices-over-25k-2014-15.pdf' AND m.basis != 'text' GROUP BY 1, 2, 3"
    ).fetchall()
    # ... each row's year is its payment date's ("30/04/2014"), all within the list's 2014/15
    assert rows == [("2014/15", "sentence", "period.payment_date", 448)]


def test_a_bullet_and_its_tab_is_no_table_row_and_on_costs_are_spend():
    from pipeline.facts.context import is_table_row
    from pipeline.ingest import ingest
    from pipeline.manifest import load_manifest

    entry = next(e for e in load_manifest(CORPUS) if e.file == "data-driven-healthcare-2030-summary-2021-03.pdf")
    doc = ingest(CORPUS, entry)
    page = [line for line in doc.lines if line.page == 10 and line.number <= 6]
    assert page[1].text.startswith("•\tInvestments") and not is_table_row(page[1].text)
    assert is_table_row("Data\tClinical coding\tBand 4\t3,560\t£116\t3,101\t£132")
    part = Document(doc.path, doc.sha256, "pdf", doc.meta, page)
    ex = extract_all(part, Context(), only=["money", "bodies", "facts"])
    (first, *_) = ex.records["money_facts"]
    # "The salary and employment on-costs for the" / "workforce of 46,000 WTEs in 2020 is estimated to be
    # around £2.05 billion."
    assert (first["measure"], first["measure_rule"]) == ("spend", "spend.cost_of")
    assert basis(first, "measure")["spans"][0]["line"] == 3  # the cue is on the line before the amount


# -- cues and carries tuned on held-out documents (facts2) ------------------------------------------


def test_do_nothing_overspend_and_a_part_named_in_the_next_sentence(unison):
    # "to prevent an overspend that, if no action is taken, is calculated to rise to £548M by the end
    # of 2020/21. Of this, £397M is attributed to the NHS, and £151M to social care."
    f = facts_of(unison, 529, 533)
    assert (f[(531, "£548M")]["measure"], f[(531, "£548M")]["measure_rule"]) == ("gap", "gap.no_action")
    assert (f[(531, "£397M")]["measure"], f[(531, "£397M")]["measure_rule"]) == ("gap", "measure.part_of")
    assert f[(531, "£151M")]["measure"] == "gap"


def test_new_hospital_and_the_cost_of_building_are_capital(unison):
    # "its replacement with a new £450m hospital on a "new" site"
    f = facts_of(unison, 561, 561)
    assert (f[(561, "£450m")]["measure"], f[(561, "£450m")]["measure_rule"]) == ("capital", "capital.new_build")
    # "building the hospital on the Vicarage Road site would cost at least £220m more"
    f = facts_of(unison, 583, 583)
    assert (f[(583, "£220m")]["measure"], f[(583, "£220m")]["measure_rule"]) == ("capital", "capital.cost_of_works")


def test_a_bill_reaches_further_and_a_sentence_opening_place_names_the_system(unison):
    # "In Kent and Medway their bill for work in 2015-16 came to an eyewatering £2.97m"
    f = facts_of(unison, 662, 662)
    row = f[(662, "£2.97m")]
    assert (row["measure"], row["measure_rule"], row["period"]) == ("spend", "spend.bill", "2015/16")
    assert row["subject_rule"] == "subject.sentence_place" and "Kent and Medway" in row["subject"]


def test_the_ccg_after_an_opening_place_is_that_places_ccg(unison):
    # "In East and North Hertfordshire the CCG has been merrily stacking up unspent surpluses (CCG
    # underspent by £4.4m last year, ...)"
    f = facts_of(unison, 610, 610)
    assert (f[(610, "£4.4m")]["subject"], f[(610, "£4.4m")]["subject_rule"]) == (
        "East and North Hertfordshire CCG",
        "subject.the_ccg",
    )
    assert f[(610, "£4.4m")]["measure"] == "surplus"


def test_reduced_by_after_an_amount_and_just_short_of(unison):
    # "wound up 2017-18 with a deficit of £55.9m, reduced by a "bonus" payment of £1.8m from the STF"
    f = facts_of(unison, 861, 861)
    assert f[(861, "£55.9m")]["measure"] == "deficit" and f[(861, "£1.8m")]["measure"] == "funding"
    # "where the CCG was also in a comfortable surplus just short of $\pm 10m$ in 2017/18"
    f = facts_of(unison, 628, 628)
    assert f[(628, "\\pm 10m")]["measure"] == "surplus"


def test_control_total_stated_as_a_deficit_and_savings_from_reducing(unison):
    # "The original control total for FY19 ..., was a deficit of £5.4m."
    f = facts_of(unison, 624, 624)
    assert (f[(624, "£5.4m")]["measure"], f[(624, "£5.4m")]["measure_rule"]) == (
        "control_total",
        "control_total.stated_as",
    )
    # "£26m from "reducing unnecessary hospital visits""
    f = facts_of(unison, 728, 735)
    assert (f[(734, "£26m")]["measure"], f[(734, "£26m")]["measure_rule"]) == ("savings", "savings.from_reducing")


def test_ended_the_year_carries_the_year_of_the_paragraph_before(unison):
    # "Mid Essex ... wound up 2017-18 with a deficit of £55.9m ..." / "Basildon & Thurrock ended the year
    # £29.3m in deficit ..." / "Southend University Hospital ended £14.4m in deficit prior to ..."
    f = facts_of(unison, 859, 866)
    assert f[(863, "£29.3m")]["period"] == "2017/18" and f[(863, "£3.1m")]["period"] == "2017/18"
    assert f[(865, "£14.4m")]["period"] == "2017/18"
    # "The merging acute hospital trusts are all running substantial deficits, totalling almost £100m."
    assert f[(859, "£100m")]["period"] is None


def test_a_year_after_a_bracket_or_clause_is_not_the_period(unison):
    # "after the experience of last year (which ended £42.6m in deficit) there is ... the trust was in
    # any case projecting a 2018-19 deficit"
    f = facts_of(unison, 622, 622)
    assert f[(622, "£42.6m")]["period"] is None
    # ... nor is a year of the paragraphs before: its sentence says "last year"
    f = facts_of(unison, 612, 622)
    assert (f[(622, "£42.6m")]["period"], f[(622, "£42.6m")]["period_rule"]) == (None, "period.relative")


def test_cues_on_the_reform_workforce_paper(shared):
    lines = (
        (shared / "realdocs" / "reform-getting-into-shape-workforce-integrated-care-2017.md")
        .read_text(encoding="utf-8")
        .split("\n")
    )
    # "The Government spends £1.3 billion on agency doctors each year"
    f = facts_of(lines, 983, 983)
    assert f[(983, "£1.3 billion")]["measure"] == "spend"
    # "Doctors working in agencies can expect to earn at least £11,700 above ..." and a pay rate
    f = facts_of(lines, 1017, 1017)
    assert (f[(1017, "£11,700")]["measure"], f[(1017, "£11,700")]["measure_rule"]) == ("other", "other.pay")
    assert f[(1017, "£18.26")]["measure"] == "other"


def test_a_bracketed_part_after_the_wholes_noun_and_benefits_as_savings(shared):
    path = shared / "realdocs" / "commons-library-cbp10313-nhs-productivity-2025-07.md"
    lines = path.read_text(encoding="utf-8").split("\n")
    # "£8bn of capital investment \(£5bn for England alone\) over the next 5 years"
    f = facts_of(lines, 2335, 2341)
    assert (f[(2339, "£5bn")]["measure"], f[(2339, "£5bn")]["measure_rule"]) == ("capital", "measure.part_of")
    path = shared / "realdocs" / "nhse-board-paper-nhs-productivity-2024-12-05.md"
    lines = path.read_text(encoding="utf-8").split("\n")
    # "The NHS App is estimated to have achieved benefits equivalent to £249 mil ion in financial year 2023/24"
    f = facts_of(lines, 207, 207)
    row = f[(207, "£249 mil ion")]
    assert (row["measure"], row["measure_rule"], row["period"]) == ("savings", "savings.benefits", "2023/24")


def test_up_to_a_year_is_a_calendar_year(shared):
    path = shared / "realdocs" / "nhse-board-paper-nhs-productivity-2024-12-05.md"
    lines = path.read_text(encoding="utf-8").split("\n")
    # "pipeline opportunities available for biosimilars up to 2028 which could realise over £0.5 bil ion"
    f = facts_of(lines, 213, 213)
    assert (f[(213, "£0.5 bil ion")]["period"], f[(213, "£0.5 bil ion")]["period_rule"]) == ("2028", "period.calendar")


def test_a_national_bodys_paper_speaks_of_the_nhs_where_no_body_is_named(shared):
    path = shared / "realdocs" / "nhse-board-paper-nhs-productivity-2024-12-05.md"
    lines = path.read_text(encoding="utf-8").split("\n")
    # "Spend has reduced from £3.5 bil ion in 2022/23 ... to £3.0 bil ion in 2023/24" in NHS England's paper
    f = facts_of(lines, 161, 161, meta={"publisher": "NHS England", "title": "NHS productivity"})
    row = f[(161, "£3.5 bil ion")]
    assert (row["subject"], row["subject_id"], row["subject_rule"]) == ("NHS", None, "subject.national_document")
    # the same sentence in a paper by anyone else names no one's money
    f = facts_of(lines, 161, 161, meta={"publisher": "House of Commons Library"})
    assert f[(161, "£3.5 bil ion")]["subject"] is None


def test_money_spent_on_a_named_hospital_is_capital(unison):
    # "£41m is to be spent on Southend Hospital, £30m at Basildon and £19m at Broomfield, plus another £28m"
    f = facts_of(unison, 724, 726)
    assert (f[(726, "£41m")]["measure"], f[(726, "£41m")]["measure_rule"]) == ("capital", "capital.spent_on_hospital")
    assert [f[(726, t)]["measure"] for t in ("£30m", "£19m", "£28m")] == ["capital"] * 3


def test_the_cost_of_new_centres_is_capital(shared):
    path = shared / "realdocs" / "ippr-realising-the-neighbourhood-nhs-2020.md"
    lines = path.read_text(encoding="utf-8").split("\n")
    # "750 new centres could be funded at a cost of £3.3 billion"
    f = facts_of(lines, 2519, 2523)
    row = f[(2521, "£3.3 billion")]
    assert (row["measure"], row["measure_rule"]) == ("capital", "capital.cost_of_works")


def test_a_group_of_bodies_as_the_clauses_subject_is_no_one_body(unison):
    # "The merging acute hospital trusts are all running substantial deficits, totalling almost £100m."
    f = facts_of(unison, 859, 861)
    assert (f[(859, "£100m")]["subject"], f[(859, "£100m")]["subject_rule"]) == (None, "subject.group")
    assert f[(861, "£55.9m")]["subject"] == "Mid Essex Hospital Services NHS Trust"


# -- causes of held-out misses, fixed as general rules (facts3) ----------------------------------------


def realdoc(shared, name: str) -> list[str]:
    return (shared / "realdocs" / name).read_text(encoding="utf-8").split("\n")


REFORM = "reform-getting-into-shape-workforce-integrated-care-2017.md"
MTPF = "nhse-medium-term-planning-framework-2026-27-to-2028-29.md"


def test_an_amount_with_no_cue_takes_the_caption_of_its_figure(shared):
    # "**Figure 4: Approximate breakdown of medical education funding**" ... "£12,000" / "£40,000"
    f = facts_of(realdoc(shared, REFORM), 919, 945)
    row = f[(941, "£12,000")]
    assert (row["measure"], row["measure_rule"]) == ("funding", "measure.heading")
    assert [s["line"] for s in basis(row, "measure")["spans"]] == [921]  # the caption's line
    assert f[(943, "£40,000")]["measure"] == "funding"


def test_a_table_cell_takes_its_row_label_before_the_title_above_its_header(shared):
    # "Employee Benefits - Gross Expenditure (£'000s)" over "£000" columns; row "Salaries and wages": an
    # accounts cell's row label names it first (rules/facts_accounts.yaml; was the title, measure.heading)
    f = facts_of(realdoc(shared, "ltht-annual-report-2024-25.md"), 18695, 18740, LTHT_META)
    row = f[(18727, "906,651")]
    assert (row["measure"], row["measure_rule"]) == ("spend", "measure.row_cost")
    assert basis(row, "measure")["words"] == "Salaries"


def test_an_amount_with_no_cue_takes_the_measure_its_paragraph_speaks_of(shared):
    # "... the NHS budget will grow ... over the SR25 period up to £226 billion in 2028/29": no cue in
    # the amount's sentence; the paragraph before it speaks of the budget
    row = facts_of(realdoc(shared, MTPF), 300, 316)[(311, "£226 billion")]
    assert (row["measure"], row["measure_rule"], row["period"]) == ("funding", "measure.paragraph", "2028/29")


def test_loans_are_other(shared):
    # "... £11,700: an 'employer loan' that totals £117,000."
    f = facts_of(realdoc(shared, REFORM), 995, 997)
    assert [(f[(997, t)]["measure"], f[(997, t)]["measure_rule"]) for t in ("£11,700", "£117,000")] == [
        ("other", "other.borrowing")
    ] * 2


def test_this_year_after_a_year_names_none(unison):
    # "... ended 2017-18 £27m ... Herts Valleys CCG ... plans this year (April Board papers) to reduce acute
    # service activity by over £15m": the nearest time words before the amount decide
    row = facts_of(unison, 606, 616)[(616, "£15m")]
    assert (row["period"], row["period_rule"]) == (None, "period.relative")


def test_a_year_in_brackets_closed_before_the_amount_is_an_aside(shared):
    # "HEE pays their placement fees (due to stop in 2018/19), but tuition fees vary ... more than £40,000"
    f = facts_of(realdoc(shared, REFORM), 951, 957)
    assert f[(957, "£40,000")]["period"] is None and f[(957, "£20,140")]["period"] is None


def test_a_year_right_after_another_amount_is_that_amounts(shared):
    # "capital spending will increase from £13.6 billion in 2025/26 to £14.6 billion in 2029/30"
    f = facts_of(realdoc(shared, MTPF), 300, 316)
    assert (f[(311, "£13.6 billion")]["period"], f[(313, "£14.6 billion")]["period"]) == ("2025/26", "2029/30")


def test_a_month_after_an_amount_names_its_financial_year(shared):
    # "reduced from £7 mil ion a month in July 2023 to £1 mil ion a month in August 2024"
    lines = realdoc(shared, NHSE)
    f = facts_of(lines, 160, 164)
    row = f[(163, "£7 mil ion")]
    assert (row["period"], row["period_rule"]) == ("2023/24", "period.month")
    assert f[(163, "£1 mil ion")]["period"] == "2024/25"
    # "biosimilars which have saved £171 mil ion year to date July 2024"
    assert facts_of(lines, 211, 213)[(213, "£171 mil ion")]["period"] == "2024/25"


def test_a_footnote_number_after_a_full_stop_ends_a_paragraph(shared):
    # "... (£18.26 per hour).118" then "Should the output ... double ..., the policy would cost £140.4
    # million per year": the quarter of 2016-17 in the paragraph before is not carried
    f = facts_of(realdoc(shared, REFORM), 1015, 1021)
    assert f[(1017, "£18.26")]["period"] == "2016/17"
    assert f[(1019, "£140.4 million")]["period"] is None


def test_a_target_date_is_not_carried_into_later_paragraphs(unison):
    # "... the social care funding gap projected at £123m for Essex County Council alone by 2020-21" two
    # paragraphs before "instead it wound up with a £156m deficit"
    f = facts_of(unison, 880, 889)
    assert f[(885, "£123m")]["period"] == "2020/21"
    assert (f[(889, "£156m")]["period"], f[(889, "£156m")]["period_rule"]) == (None, "period.none")


def test_a_document_with_no_publisher_is_the_body_it_calls_the_trust(shared):
    # a file outside the manifest (no publisher; its title from its name) that speaks of "the Trust" and
    # names Leeds Teaching Hospitals (LTHT, defined on line 219) most: its accounting policy "the item
    # has cost of at least £5,000" is the Trust's, though no body is named near it
    lines = realdoc(shared, "ltht-annual-report-2024-25.md")
    numbers = [*range(215, 225), *range(23001, 25800), *range(28651, 28700)]
    meta = {"title": "ltht annual report 2024 25"}

    def fact(meta: dict[str, Any]) -> dict[str, Any]:
        doc = Document("ltht.md", "0" * 64, "text", meta, [Line(n, lines[n - 1]) for n in numbers])
        ex = extract_all(doc, Context(), only=["money", "body", "facts"])
        m = next(m for m in ex.mentions if m.kind == "money" and doc.lines[m.line_index].number == 28675)
        mid = mention_id(doc.sha256, doc.lines[m.line_index], m)
        return next(r for r in ex.records["money_facts"] if r["money_id"] == mid)

    row = fact(meta)
    assert (row["subject"], row["subject_rule"]) == ("Leeds Teaching Hospitals NHS Trust", "subject.document")
    assert "the document's own body" in basis(row, "subject")["words"]
    # with a publisher that is no local body, the same lines are not the trust's own
    assert fact({**meta, "publisher": "A think tank"})["subject"] is None


def test_a_body_written_into_a_compound_word_is_no_subject(shared):
    # "Buckingham Medical School, for example, are delivering GMC-approved medical training for £162,000"
    row = facts_of(realdoc(shared, REFORM), 989, 991)[(991, "£162,000")]
    assert (row["subject"], row["subject_rule"]) == (None, "subject.none")


def test_the_financial_years_start_month_is_a_rule(rules_copy):
    # "a £6m surplus in March 2018": March is before April, when the NHS's year starts, so 2017/18; a
    # body whose year starts in January (year_start_month: 1) puts it in the year that starts in 2018
    line = "The trust delivered a surplus of £6m in March 2018 and £2m in May 2018."
    doc = Document("part.txt", "0" * 64, "text", {}, [Line(1, line)])

    def periods(rules: Path) -> list[str | None]:
        load_rules.cache_clear()
        ex = extract_all(doc, Context(rules=rules), only=["money", "bodies", "facts"])
        return [r["period"] for r in ex.records["money_facts"]]

    assert periods(rules_copy) == ["2017/18", "2018/19"]
    edit_yaml(rules_copy / "facts.yaml", lambda d: d["period"].update(year_start_month=1))
    assert periods(rules_copy) == ["2018/19", "2018/19"]
    edit_yaml(rules_copy / "facts.yaml", lambda d: d["period"].update(year_start_month=13))
    load_rules.cache_clear()
    with pytest.raises(RuleError, match="year_start_month"):
        load_rules(rules_copy)
    load_rules.cache_clear()


def test_a_hospital_named_for_its_money_is_the_trust_that_runs_it(unison, rules_copy):
    # "a PFI-funded new hospital ... to replace Watford General - for which the same STP apparently bid
    # for another £600m of capital": Watford General Hospital is a site of West Hertfordshire's trust
    # (its ODS address, rules/facts_sites.yaml), so the capital is the trust's, not a hospital's
    f = facts_of(unison, 560, 583, {"date": "2018"})  # "the decrepit Watford General Hospital" on line 573
    row = f[(579, "£600m")]
    assert (row["subject"], row["subject_rule"]) == ("West Hertfordshire Teaching Hospitals NHS Trust", "subject.site")
    assert basis(row, "subject")["words"] == "Watford General"
    # "the hospital" pointing back to it is the trust too
    assert f[(583, "£220m")]["subject"] == "West Hertfordshire Teaching Hospitals NHS Trust"
    # a site run by a trust that closed is the one open at the document's date
    sites = load_sites(rules_copy)
    assert sites.trust("Hinchingbrooke Hospital", "2016-05") == "Hinchingbrooke Health Care NHS Trust"
    assert sites.trust("Hinchingbrooke Hospital", "2018") == "North West Anglia NHS Foundation Trust"
    assert sites.trust("the Hinchingbrooke hospital", None) == "North West Anglia NHS Foundation Trust"
    assert sites.trust("Bedford", None) is None


def test_a_bad_site_names_file_entry_and_field(rules_copy):
    edit_yaml(rules_copy / "facts_sites.yaml", lambda d: d["manual"][0].update(opened="1998"))
    load_sites.cache_clear()
    with pytest.raises(RuleError) as err:
        load_sites(rules_copy)
    assert "facts_sites.yaml" in str(err.value) and "manual[0]" in str(err.value) and "opened" in str(err.value)
    load_sites.cache_clear()


def test_the_sites_file_is_made_from_the_ods_trusts():
    # every `ods` entry is a trust's address line naming a hospital; the file is up to date with data/ods
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, str(root / "scripts" / "make_sites.py"), "--check"], capture_output=True)
    assert done.returncode == 0, done.stderr.decode()


def test_a_table_cell_with_no_year_in_its_column_takes_its_titles_one_year(shared):
    # "13.1 Intangible assets - 2024/25" over columns headed only `£000`: the cells are 2024/25
    lines = realdoc(shared, "ltht-annual-report-2024-25.md")
    f = facts_of(lines, 32031, 32120, name="ltht-annual-report-2024-25.md")
    row = f[(32079, "2,229")]  # the row "Additions" (the rows "... at 1 April 2024" say their month's year)
    assert (row["period"], row["period_rule"], basis(row, "period")["words"]) == (
        "2024/25",
        "period.table_title",
        "2024/25",
    )
    # the staff costs table has a column for each of two years: its title says neither for a cell
    # whose column is not read (2.5, "2024/25" and "2023/24" over Permanent / Other / Total)
    f = facts_of(lines, 18699, 18815, name="ltht-annual-report-2024-25.md")
    assert all(r["period_rule"] != "period.table_title" for r in f.values())


def test_a_month_just_before_an_amount_names_its_financial_year(shared, unison):
    # "As at the end of July 2025, the Trust reported a year-to-date (YTD) surplus of £0.1m": 2025/26
    sentence = realdoc(shared, LCH)[8912].split(", which is")[0] + "."
    row = facts_of([sentence], 1, 1)[(1, "£0.1m")]
    assert (row["period"], row["period_rule"]) == ("2025/26", "period.month")
    assert basis(row, "period")["words"] == "July 2025"
    # "the three acute hospital trusts in January 2018 began their own process of 'merger' to create a
    # new" running on into "The expectation is for £31m ...": a month further back dates an event
    f = facts_of(unison, 811, 815)
    assert f[(815, "£31m")]["period"] is None
