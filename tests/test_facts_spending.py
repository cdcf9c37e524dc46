"""Facts of spending-transparency lists (rules/facts.yaml `spending_list`): a row per payment made by
the document's own body, read from the corpus PDFs as a build reads them."""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from pipeline.extract import Context, extract_all
from pipeline.facts import load_rules
from pipeline.facts.spending import list_month, payment_date, row_dates, writes_name
from pipeline.manifest import load_manifest
from pipeline.model import mention_id
from tests.conftest import CORPUS, ingested

HOMERTON = "homerton-university-hospital-nhsft-expenditure-over-threshold-2020-04.pdf"
NCL = "nhs-north-central-london-ccg-payments-over-30k-2021-03.pdf"
TOWER_HAMLETS = "nhs-tower-hamlets-ccg-payments-over-30k-2020-05.pdf"


def table_facts(name: str, manifest: bool = True) -> list[dict[str, Any]]:
    """The facts of the table amounts of corpus/`name`, with its manifest entry or (`manifest=False`)
    as a build of a folder without a manifest reads it (title from the file name, no publisher)."""
    doc = ingested(CORPUS, name)
    if manifest:
        meta = next(e.meta for e in load_manifest(CORPUS) if e.file == name)
        doc = dataclasses.replace(doc, meta=dict(meta))
    ex = extract_all(doc, Context(), only=["money", "bodies", "facts"])
    table = {
        mention_id(doc.sha256, doc.lines[m.line_index], m)
        for m in ex.mentions
        if m.kind == "money" and m.values.get("basis", "text") != "text"
    }
    out = [r for r in ex.records.get("money_facts", []) if r["money_id"] in table]
    assert out, f"no table amounts in {name}"
    return out


@pytest.mark.slow
def test_a_trusts_list_is_the_trusts_spend_not_the_department_familys():
    # "Department of Health<TAB>Homerton University Hospital NHS FT<TAB>4/30/2020<TAB>...<TAB>25,500.00": the
    # publisher is no known body; the row's Entity column, which the title names, is the payer
    rows = table_facts(HOMERTON)
    assert len(rows) == 133
    assert Counter((r["subject"], r["subject_rule"], r["measure"]) for r in rows) == Counter(
        {("Homerton University Hospital NHS FT", "subject.payer_row", "spend"): 133}
    )
    # paid in April 2020 (written month/day/year): 2020/21
    assert Counter((r["period"], r["period_rule"]) for r in rows) == Counter({("2020/21", "period.payment_date"): 133})


@pytest.mark.slow
def test_without_a_manifest_a_trust_unknown_by_its_name_then_is_still_the_payer():
    # a user's own folder: title "homerton university hospital nhsft expenditure over threshold 2020 04" (the
    # file name), no publisher; the trust's name of 2020 is in no reference list (ODS knows only the later
    # Homerton Healthcare). Each row's Entity column "Homerton University Hospital NHS FT" is the body the file
    # name writes (`nhsft`): the payer, never no one
    rows = table_facts(HOMERTON, manifest=False)
    assert Counter((r["subject_id"], r["subject"], r["subject_rule"]) for r in rows) == Counter(
        {("homerton-university-hospital-nhs-ft", "Homerton University Hospital NHS FT", "subject.payer_row"): 133}
    )


@pytest.mark.slow
@pytest.mark.parametrize("manifest", [True, False])
def test_a_ccgs_list_is_the_ccgs_as_the_list_names_it_and_takes_the_year_of_each_payment_date(manifest: bool):
    # the list's heading and title: "NHS North Central London CCG"; ODS lists the CCG's code 93C under its
    # current reporting name "NHS North Central London ICB - 93C", a name the CCG did not have in March 2021
    # and whose " - 93C" is no part of a name: the payer is the CCG as the list names it
    rows = table_facts(NCL, manifest=manifest)
    assert Counter((r["subject_id"], r["subject"], r["subject_rule"]) for r in rows) == Counter(
        {("north-central-london-ccg", "North Central London CCG", "subject.payer"): 501}
    )
    # "3/31/2021<TAB>Cont Care-Mental Health (<65)<TAB>...<TAB>30,610.29": paid 31 March 2021, in 2020/21
    assert {(r["period"], r["period_rule"]) for r in rows} == {("2020/21", "period.payment_date")}


@pytest.mark.slow
def test_without_a_manifest_the_file_name_names_the_payer():
    # a user's own folder: title "nhs tower hamlets ccg payments over 30k 2020 05", no publisher; every
    # row starts "Department of Health<TAB>NHS Tower Hamlets CCG<TAB>31/05/2020"
    rows = table_facts(TOWER_HAMLETS, manifest=False)
    assert Counter((r["subject"], r["subject_rule"], r["period"]) for r in rows) == Counter(
        {("Tower Hamlets CCG", "subject.payer", "2020/21"): 235}
    )


def test_payment_dates_and_list_months_give_financial_years():
    rules = load_rules(Path(__file__).resolve().parents[1] / "rules")
    row = "Department of Health\tNHS Barking And Dagenham CCG\t31/03/2015\tAcute\t33,021.00"
    hit = payment_date(row, 0, len(row), row.index("33,021"), rules)
    assert hit is not None and (hit.value, row[hit.start : hit.end]) == ("2014/15", "31/03/2015")
    row = "4/30/2020\tVaccines\tSOLAREX (GB) LTD\t25,500.00"  # month/day/year: 30 April
    assert payment_date(row, 0, len(row), row.index("25,500"), rules).value == "2020/21"  # type: ignore[union-attr]
    assert payment_date("Supplier\t30,573.35", 0, 18, 9, rules) is None
    assert list_month("nhs tower hamlets ccg payments over 30k 2020 05", rules).value == "2020/21"  # type: ignore[union-attr]
    assert list_month("2021-03", rules).value == "2020/21"  # type: ignore[union-attr]


def test_a_rows_dates_read_once_date_each_of_its_amounts_as_read_alone():
    """`row_dates` read once for a row with several amounts (factrest): each amount's date as `payment_date`
    reads it alone, the last date before it, else the first after it."""
    rules = load_rules(Path(__file__).resolve().parents[1] / "rules")
    row = "01/04/2020\tSupplier Ltd\t1,000.00\t31/03/2021\t2,000.00"
    found = row_dates(row, 0, len(row), rules)
    assert [row[h.start : h.end] for h in found] == ["01/04/2020", "31/03/2021"]
    for amount in ("1,000.00", "2,000.00"):
        at = row.index(amount)
        assert payment_date(row, 0, len(row), at, rules, found) == payment_date(row, 0, len(row), at, rules)
    assert payment_date(row, 0, len(row), row.index("2,000.00"), rules, found).value == "2020/21"  # type: ignore[union-attr]


def test_a_file_names_words_write_a_bodys_name_whole_words_only():
    title = "homerton university hospital nhsft expenditure over threshold 2020 04"
    assert writes_name(title, "Homerton University Hospital NHS FT")
    assert writes_name("Homerton University Hospital NHS FT: expenditure", "Homerton University Hospital NHS FT")
    assert not writes_name(title, "Homerton Healthcare NHS FT")
    assert not writes_name("bartshealth payments over 25k", "Barts")  # half a word
    assert not writes_name(title, "Department of Health")
