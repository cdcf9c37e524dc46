"""Money in one-cell-per-line tables whose unit is not in a row of column headers, on real lines
(tests/data/SOURCES.md): a row's label that ends in its own unit (`Total resource cost (£000)`,
`Total Renumeration (£)`: the header in the table's first column), a wrapped label whose cells stand
between its two lines, and cells printed on their row's label line (`Net book value at 12,144
487,152`, then the row's other cells one a line). Each test failed before `row_header_*`,
and `label_tail` of rules/table_money.yaml were read."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import components
from pipeline.extract import Context
from pipeline.extract import money as money_extractor
from pipeline.model import Document, Line, Mention

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
LCH_2425 = ROOT / "tests" / "gold" / "heldout-facts-blind7" / "docs" / "Leeds Community Annual-report-2024-2025.md"
LCH_2324 = ROOT / "tests" / "gold" / "heldout-facts-blind6" / "docs" / "Leeds Community Annual Report 2324.md"


def money_of(lines: list[str]) -> list[Mention]:
    doc = Document("t.md", "0" * 64, "text", lines=[Line(i + 1, t) for i, t in enumerate(lines)])
    return components.run(money_extractor.COMPONENT, doc, Context().rules).mentions


def cells_in(name: str) -> tuple[list[str], list[Mention]]:
    lines = (DATA / name).read_text(encoding="utf-8").split("\n")
    return lines, [m for m in money_of(lines) if m.values["basis"] == "column_header"]


def test_a_row_label_ending_in_its_unit_makes_the_numbers_after_it_money():
    # LYPFT table 2.3Q, staff exit packages: columns of counts, and a row `Total resource cost (£000)`
    lines, found = cells_in("lypft-exit-resource-cost.md")
    got = [(lines[m.line_index], m.text, m.values["low"]) for m in found]
    assert got == [
        ("**230 \\(8\\) **", "230", 230_000),
        ("**230 \\(8\\) **", "\\(8\\)", -8_000),
        ("**241 \\(33\\) **", "241", 241_000),
        ("**241 \\(33\\) **", "\\(33\\)", -33_000),
        ("**471 \\(41\\) **", "471", 471_000),
        ("**471 \\(41\\) **", "\\(41\\)", -41_000),
    ]
    assert all(lines[m.values["header_line"] - 1] == "Total resource cost \\(£000\\) " for m in found)
    # the counts above it (`**6 \(1\) **`) and the page number after it (`77`) are not money
    assert not any(lines[m.line_index].startswith(("**6 ", "**20 ", "**26 ", "77")) for m in found)


def test_pay_ratio_rows_in_pounds_and_a_wrapped_label_around_its_cells():
    # LCH 2024/25 fair pay: `Total Renumeration (£)` then three cells; `Salary component of total
    # remumeration (£)` on one line here; the ratios (`5.4:1`) are no money
    lines, found = cells_in("lch-pay-ratio-rows.md")
    assert [(m.text, m.values["low"]) for m in found] == [
        ("29,114", 29_114),
        ("39,151", 39_151),
        ("46,389", 46_389),
        ("29,114", 29_114),
        ("39,151", 39_151),
        ("46,389", 46_389),
    ]
    for m in found:
        assert lines[m.line_index][m.start : m.end] == m.text and m.values["currency"] == "GBP"
    # the same rows with the label wrapped as the converter printed LCH's 2023/24 report: `Salary
    # component of total`, the cells, `remumeration (£)`
    wrapped = ["Salary component of total ", "", "28,185", "", "36,608", "", "46,389", "", "remumeration \\(£\\)", ""]
    got = money_of(["Total Renumeration \\(£\\)", "", "28,185", "", *wrapped, "Pay ratio information", "", "5.2:1"])
    assert [(m.text, m.values["low"], m.values["header_line"]) for m in got] == [
        ("28,185", 28_185, 1),
        ("28,185", 28_185, 13),
        ("36,608", 36_608, 13),
        ("46,389", 46_389, 13),
    ]


def test_a_row_label_ending_in_a_bare_sign_or_naming_bands_is_no_row_header():
    # `less than £` ends prose as often as a header; `(bands of £5,000) £'000s` heads bands of pay
    assert money_of(["s than £", "", "**476 **", "", "55 "]) == []
    bands = money_of(["**pay and bonuses **\\(bands of £5,000\\) **£’000s**", "", "155", "", "160"])
    assert [m.text for m in bands] == ["£5,000"]  # (the band's width, in the text)


@pytest.mark.skipif(not LCH_2425.exists(), reason="the blind7 documents are not in this checkout")
def test_the_page_number_after_a_row_of_its_own_unit_is_no_money():
    # LCH 2024/25 exit packages: `**Total cost \(£\)**`, `**188,693**`, `**188,693**`, then the page's
    # number `**117**` before the page's running head (printed on most pages)
    lines = LCH_2425.read_text(encoding="utf-8").split("\n")
    found = [m for m in money_of(lines) if 10_830 <= m.line_index <= 10_852]
    assert [(m.text, m.values["low"], lines[m.values["header_line"] - 1]) for m in found] == [
        ("188,693", 188_693, "**Total cost \\(£\\)**"),
        ("188,693", 188_693, "**Total cost \\(£\\)**"),
    ]


def test_cells_printed_on_their_row_label_line_are_the_rows_first_cells():
    # LTHT note 14.1 (nine £000 columns): `Net book value at 12,144 487,152`, then seven cells one a line
    lines, found = cells_in("ltht-ppe-cell-lines.md")
    row = next(k for k, t in enumerate(lines) if t.startswith("Net book value at 12,144"))
    first = [m for m in found if m.line_index == row]
    assert [(m.text, m.values["low"]) for m in first] == [("12,144", 12_144_000), ("487,152", 487_152_000)]
    headers = [k + 1 for k, t in enumerate(lines) if t == "£000"]
    assert len(headers) == 9
    # each of the row's nine cells under its own column, in order
    nine = [m for m in found if row <= m.line_index < row + 16]
    assert [m.values["header_line"] for m in nine] == [headers[k] for k in (0, 1, 2, 3, 4, 6, 8)]
    assert [m.text for m in nine] == ["12,144", "487,152", "871", "61,044", "105,225", "111,703", "778,139"]
    for m in found:
        assert lines[m.line_index][m.start : m.end] == m.text
    # the dates of the labels (`31 March 2025`, `1 April 2024 -`) are not money
    assert not any(m.text in {"2025", "2024"} for m in found)


def test_a_cell_on_its_label_line_puts_the_rows_after_it_under_their_years():
    # LTHT note 6.1: `Drug costs (...) 326,296`, then `301,554`: both read, each with its year
    _lines, found = cells_in("ltht-opex-cell-lines.md")
    got = {m.text: m.values["fin_year"] for m in found}
    assert got["326,296"] == "2024/25" and got["301,554"] == "2023/24"
    assert got["462"] == "2024/25" and got["423"] == "2023/24"  # consultancy costs, as before


def test_a_number_of_the_labels_own_or_in_prose_is_no_cell():
    # `Lease Cars IFRS 16` (LCH 2023/24, one column of £k) and prose ending in a number are labels
    lines = ["**£k**", "", "Estates ", "", "1,621", "", "Lease Cars IFRS 16", "", "485"]
    assert [m.text for m in money_of(lines)] == ["1,621", "485"]
    prose = ["2024/25", "", "£000", "", "£000", "", "Income", "", "1,000", "", "2,000", "", "we delivered 1,259,785 "]
    assert [m.text for m in money_of([*prose, "", "appointments in the year."])] == ["1,000", "2,000"]


@pytest.mark.skipif(not LCH_2425.exists(), reason="the blind7 documents are not in this checkout")
def test_a_row_label_then_its_unit_alone_on_the_next_line_then_its_numbers():
    # LCH 2024/25 pension benefits, turned on its page: `Cash` (of Cash Equivalent Transfer Value), `£'000`
    # alone (a header that opens no table), five numbers, then `Transfer` (a label printed 7 times, not a
    # running head: the last number is the row's, not a page number)
    lines = LCH_2425.read_text(encoding="utf-8").split("\n")
    found = [m for m in money_of(lines) if 9_226 <= m.line_index <= 9_240]
    assert [(m.text, m.values["low"], lines[m.values["header_line"] - 1]) for m in found] == [
        (t, v * 1000, "£’000") for t, v in (("566", 566), ("405", 405), ("289", 289), ("1,059", 1059), ("794", 794))
    ]


def test_a_charts_axis_title_among_its_numbers_is_no_unit():
    # LTHT Table 8, a chart beside a list: `160`, `£000`, `140` are the axis's; `£` of `£ Millions` likewise
    lines = ["Table 8: Capital investment", "", "the following higher value schemes:", "", "160", "", "£000", "", "140"]
    lines += ["", "Building the Leeds Way - ", "", "9,387", "", "120", "", "New Hospital Programme ", "", "**s **100"]
    lines += ["", "**n**", "", "Rob Burrow Centre for Motor Neurone ", "", "2,967", "", "**£**", "", "60"]
    assert [m for m in money_of(lines) if m.values["basis"] == "column_header"] == []


LTHT = ROOT.parent / "shared" / "realdocs" / "ltht-annual-report-2024-25.md"


def ltht_cells(first: int, last: int) -> list[tuple[int, str, int]]:
    """The column-header amounts of lines first..last (1-based) of the LTHT report as converted:
    (line, text, low)."""
    lines = LTHT.read_text(encoding="utf-8").split("\n")[first - 1 : last]
    found = [m for m in money_of(lines) if m.values["basis"] == "column_header"]
    return [(first + m.line_index, m.text, int(m.values["low"])) for m in found]


@pytest.mark.skipif(not LTHT.exists(), reason="../shared/realdocs (the LTHT report) is not in this checkout")
def test_a_small_number_before_the_cells_on_a_label_line_is_the_labels_own():
    # LTHT note 14.2 (nine £000 columns): `Net book value at 1 12,011 442,719` (`1` of `1 April 2024`,
    # broken), then the row's other cells one a line
    got = [c for c in ltht_cells(32600, 33060) if c[0] == 33043]
    assert got == [(33043, "12,011", 12_011_000), (33043, "442,719", 442_719_000)]


@pytest.mark.skipif(not LTHT.exists(), reason="../shared/realdocs (the LTHT report) is not in this checkout")
def test_rows_of_one_cell_each_on_their_label_lines():
    # LTHT note 17.1 and 17.2: `Net book value of right of use assets leased from other NHS providers 4,475`,
    # then `... from other DHSC group bodies 3,066`: each line its row, its cell on it
    assert [c for c in ltht_cells(33440, 33625) if c[0] in (33611, 33613)] == [
        (33611, "4,475", 4_475_000),
        (33613, "3,066", 3_066_000),
    ]
    # the last such row, before a line of prose (`17.3 Reconciliation ... disclosed in note 24.1.`)
    assert [c for c in ltht_cells(33630, 33815) if c[0] >= 33805] == [
        (33805, "4,842", 4_842_000),
        (33807, "2,817", 2_817_000),
    ]


@pytest.mark.skipif(not LTHT.exists(), reason="../shared/realdocs (the LTHT report) is not in this checkout")
def test_bands_under_a_band_header_and_a_table_beside_them():
    # LTHT remuneration report: two tables interleaved, `Bands of £5k Bands of £5k` (the highest-paid
    # director's salary, `275-280`...) over `£’000` `£’000` (exit packages, `Total value of exit packages`,
    # `271`, `596`): the bands are money in £000, and the band label names no columns of the `£’000` table
    got = ltht_cells(19140, 19200)
    assert [c for c in got if c[0] >= 19170] == [
        (19177, "275-280", 275_000),
        (19179, "255-260", 255_000),
        (19185, "5-10", 5_000),
        (19187, "15-20", 15_000),
        (19191, "271", 271_000),
        (19193, "596", 596_000),
        (19197, "280-285", 280_000),
        (19199, "270-275", 270_000),
    ]


@pytest.mark.skipif(not LCH_2324.exists(), reason="the blind6 documents are not in this checkout")
def test_a_lone_unit_under_a_band_label_is_the_band_columns_own():
    # LCH 2023/24 remuneration: `**TOT **\(bands of £5,000\)`, `**£’000s**`, `155 - 160`...: the bands are money;
    # `Performance pay and bonuses (bands of £5,000)`, `**£’000s**` then `Expense payments (Rounded to the
    # nearest hundred)` `6,100`: a sum in pounds, not £6.1m (the lone unit is the band column's own)
    lines = LCH_2324.read_text(encoding="utf-8").split("\n")[8135:8240]
    found = [(8136 + m.line_index, m.text, m.values["low"], m.values["high"]) for m in money_of(lines)]
    cells = [f for f in found if f[0] not in (8141, 8171, 8195, 8217)]  # (`£5,000` in the labels: text)
    assert cells[:3] == [
        (8145, "155 - 160", 155_000, 160_000),
        (8147, "110 - 115", 110_000, 115_000),
        (8149, "125 - 130", 125_000, 130_000),
    ]
    assert (8175, "27.5 - 30", 27_500, 30_000) in cells
    assert not any(f[1] in {"6,100", "0"} for f in found)


def test_a_range_without_a_band_label_is_no_money():
    lines = ["2024/25", "", "£000", "", "£000", "", "Length of service (years)", "", "5-10", "", "10-15"]
    assert money_of(lines) == []


@pytest.mark.skipif(not LTHT.exists(), reason="../shared/realdocs (the LTHT report) is not in this checkout")
def test_a_row_label_and_its_numbers_with_the_other_columns_lines_between():
    # LTHT remuneration report, a page of two columns interleaved: `Consultancy costs \(£'000s\)`, `of employees\)
    # between 2023/24 and 2024/25` (the other column's prose), `462`, `423`; the pay ratios: `Total `,
    # numbers, `Remuneration \(£\)`, `Number`; `Salary component `, `Number of existing engagements`, `of total`,
    # numbers, `4` (the other table's count), `as of 31 March 2025`, `remuneration \(£\)`
    got = ltht_cells(19200, 19410)
    assert got == [
        (19223, "462", 462_000),
        (19225, "423", 423_000),
        (19279, "26,530", 26_530),
        (19281, "36,622", 36_622),
        (19283, "49,220", 49_220),
        (19295, "26,530", 26_530),
        (19297, "36,222", 36_222),
        (19299, "49,220", 49_220),
        (19333, "26,050", 26_050),
        (19335, "35,392", 35_392),
        (19337, "47,946", 47_946),
        (19349, "26,050", 26_050),
        (19351, "35,392", 35_392),
        (19353, "47,946", 47_946),
    ]


@pytest.mark.skipif(not LCH_2324.exists(), reason="the blind6 documents are not in this checkout")
def test_a_count_then_the_next_rows_label_with_its_own_amounts_is_no_row():
    # LCH 2023/24 exit packages: `**Total number of exit packages by type**`, `**1 **`, `**- **`, `**1 **`, then
    # `Total resource cost \(£\)` and its amounts `£10,000`...: the counts are no money
    lines = LCH_2324.read_text(encoding="utf-8").split("\n")[22790:22840]
    assert [m.text for m in money_of(lines) if m.values["basis"] == "column_header"] == []
