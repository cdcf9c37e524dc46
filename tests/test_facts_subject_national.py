"""Causes of subject and period misses in the held-out 302 and blind2 (b2subj), each a rule of rules/facts.yaml
tested on the real lines it failed on: the health service's money named without `NHS` ("total health spending in
England"), amounts of a place or of the economy, a grant to councils and a unit cost (no one body's), "the wider
system" (the integrated care system a board paper speaks of), the year of an amount's own column where a converter
put two columns' lines in turn, and a numbered section heading in bold."""

from __future__ import annotations

from tests.test_facts import LCH, basis, facts_of, realdoc

HCT = "001_baeb06aa9c477327.txt"
COMMONS = "commons-library-cbp10313-nhs-productivity-2025-07.md"
LTHT = "ltht-annual-report-2024-25.md"
REFORM = "reform-getting-into-shape-workforce-integrated-care-2017.md"


def test_health_spending_is_the_whole_service(corpus_lines):
    # "Analysts have calculated that instead of the £8 billion asked of the government, total health spending
    # in England will rise by only £4.5 billion in real terms between 2015/16 and 2020/21": both were no one's
    f = facts_of(corpus_lines[HCT], 125, 126)
    for amount in ("£8 billion", "£4.5 billion"):
        row = f[(125, amount)]
        assert (row["subject"], row["subject_rule"]) == ("NHS", "subject.nhs")
        assert basis(row, "subject")["words"] == "total health spending"


def test_the_public_health_grant_is_no_one_bodys(corpus_lines):
    # "... the total public / health grant in 2025/26 is £3.86bn, 2% of the NHS budget": the grant to local
    # government (councils, several), not the NHS's (was subject.nhs, from "the NHS budget" after it)
    f = facts_of(corpus_lines[COMMONS], 2613, 2623)
    row = f[(2621, "£3.86bn")]
    assert (row["subject"], row["subject_rule"]) == (None, "subject.not_a_body")
    assert " ".join(basis(row, "subject")["words"].split()) == "public health grant"


def test_an_amount_of_the_city_is_no_one_bodys(shared):
    # "... the Leeds Innovation Village, a key neighbourhood within the city's £2 billion Innovation Arc": a
    # scheme of the city (was the trust's, whose annual report it is: subject.we)
    lines = realdoc(shared, LTHT)
    f = facts_of(lines, 1877, 1885, {"publisher": "Leeds Teaching Hospitals NHS Trust"}, name=LTHT)
    row = f[(1881, "£2 billion")]
    assert (row["subject"], row["subject_rule"]) == (None, "subject.not_a_body")
    assert basis(row, "subject")["words"] == "the city’s"


def test_the_wider_system_is_the_integrated_care_board(corpus_lines):
    # LCH's board assurance framework, risk 5: "The wider system has a stretch target of / £5.2M and it is not
    # yet known what LCH's 'fair share' contribution may be" (was the trust's own, subject.document): the
    # last integrated care board the papers name before it
    f = facts_of(corpus_lines[LCH], 1, 6680, {"publisher": "Leeds Community Healthcare NHS Trust"}, name=LCH)
    row = f[(6675, "£5.2M")]
    assert (row["subject"], row["subject_rule"]) == ("NHS West Yorkshire Integrated Care Board", "subject.the_stp")
    assert basis(row, "subject")["words"] == "The wider system"


def test_an_amount_in_two_columns_takes_the_year_of_its_columns_sentence(shared):
    # The LTHT report's converter put its two columns' lines in turn; the charity's page (no year in the
    # paragraph the lines make, none in its headings: all four were period.none):
    lines = realdoc(shared, LTHT)
    f = facts_of(lines, 25831, 26140, {"publisher": "Leeds Teaching Hospitals NHS Trust"}, name=LTHT)
    # "we have" / (other column) / "awarded over £3.2m of additional funding in" / ... / "the financial year
    # 2024/25 to support patients,": the column's sentence runs on below the amount, in lower case
    row = f[(25857, "£3.2m")]
    assert (row["period"], row["period_rule"]) == ("2024/25", "period.column")
    assert basis(row, "period")["spans"][0]["line"] == 25861
    # "In 2024, thanks to donations, we provided an" / ... / "additional £50k to continue to offer all patients"
    row = f[(26131, "£50k")]
    assert (row["period"], row["period_rule"]) == ("2024", "period.column")
    # "The charity appeal for the Rob Burrow Centre" / ... / "for MND reached its fundraising target of £6.8m" /
    # ... / "in December 2024" (a month: its financial year)
    assert f[(25963, "£6.8m")]["period"] == "2024/25"
    # "In September 2024, we launched ..." / ... / "project, costing nearly £500k, saw the current"
    assert f[(25981, "£500k")]["period"] == "2024/25"


def test_a_numbered_bold_heading_is_a_section_heading(shared):
    # "**3.8 Leeds Hospitals Charity**" alone on its line (the LTHT report converted to Markdown) was read as
    # text run on into the page's first paragraph, so "we have / awarded over £3.2m of additional funding"
    # under it was the trust's (the report's own body); now the heading opens the charity's section
    lines = realdoc(shared, LTHT)
    f = facts_of(lines, 25831, 25870, {"publisher": "Leeds Teaching Hospitals NHS Trust"}, name=LTHT)
    row = f[(25857, "£3.2m")]
    assert (row["subject"], row["subject_rule"]) == ("Leeds Hospitals Charity", "subject.we")


def test_the_economy_named_on_the_amounts_column_line_below(shared):
    # "Innovation Village in Leeds bringing £13 billion" / (other column) / "in economic growth for the city and
    # around": the words after the amount are on its column's next line (was Leeds Beckett University, named
    # earlier in the paragraph the interleaved lines make)
    lines = realdoc(shared, LTHT)
    f = facts_of(lines, 1855, 1875, {"publisher": "Leeds Teaching Hospitals NHS Trust"}, name=LTHT)
    row = f[(1865, "£13 billion")]
    assert (row["subject"], row["subject_rule"]) == (None, "subject.not_a_body")
    assert basis(row, "subject")["spans"][0]["line"] == 1869


def test_a_unit_cost_is_no_bodys_finances(shared):
    # "Buckingham University provides training for doctors at a total cost of £162,000": the price of training a
    # doctor (measure other.unit_cost), no body's finances (was Buckingham University, subject.clause); "tuition
    # fees vary between universities, with some charging more than £40,000" (was Health Education England)
    f = facts_of(realdoc(shared, REFORM), 280, 295, name=REFORM)
    row = f[(287, "£162,000")]
    assert (row["subject"], row["subject_rule"]) == (None, "subject.unit_cost")
    assert basis(row, "subject")["words"] == "training for doctors at a total cost of"
    f = facts_of(realdoc(shared, REFORM), 945, 960, name=REFORM)
    assert (f[(957, "£40,000")]["subject"], f[(957, "£40,000")]["subject_rule"]) == (None, "subject.unit_cost")
