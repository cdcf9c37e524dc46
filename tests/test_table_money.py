"""Money in table cells whose currency comes from the column header (pipeline/extract/table_money.py):
the four NHS spending PDFs of corpus/, a US Senate expenditure table (tests/data/hardpdfs), and
Leeds Teaching Hospitals accounts tables laid out in Markdown (tests/data/ltht-accounts-tables.md)."""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
import regex

from pipeline import components
from pipeline.extract import Context
from pipeline.extract import money as money_extractor
from pipeline.model import Document, Mention
from pipeline.rules import RULES_DIR, RuleError
from tests.conftest import CORPUS, ROOT, edit_yaml, ingested
from tests.test_pdf_hard import without_ocr

DATA = ROOT / "tests" / "data"
HOMERTON = "homerton-university-hospital-nhsft-expenditure-over-threshold-2020-04.pdf"
NCL = "nhs-north-central-london-ccg-payments-over-30k-2021-03.pdf"
BD = "nhs-barking-dagenham-ccg-invoices-over-25k-2014-15.pdf"
TH = "nhs-tower-hamlets-ccg-payments-over-30k-2020-05.pdf"
SENATE = "table-rotated90-senate-expenditures.pdf"
LTHT_MD = "ltht-accounts-tables.md"

DATE_CELL = regex.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")
TRANSACTION_END = regex.compile(r"\d{7,8}$")  # a transaction number (once glued to the supplier: `TRUS3T2429078`)


@cache
def read(folder: Path, name: str) -> Document:
    return ingested(folder, name)  # through the session cache: built_db and other tests read these PDFs too


@cache
def extracted(folder: Path, name: str) -> tuple[Document, tuple[Mention, ...]]:
    doc = read(folder, name)
    found = components.run(money_extractor.COMPONENT, doc, Context().rules)
    return doc, tuple(found.mentions)


def table_amounts(folder: Path, name: str) -> list[Mention]:
    return [m for m in extracted(folder, name)[1] if m.values["basis"] != "text"]


def expected_amount(text: str) -> tuple[int, int] | None:
    """Counted without the extractor: on a row of a spending table (a cell holding only a date),
    the amount is the first word after the first cell ending in a transaction number; its span."""
    cells: list[tuple[int, str]] = []
    pos = 0
    for part in text.split("\t"):
        cells.append((pos, part))
        pos += len(part) + 1
    dates = [i for i, (_, c) in enumerate(cells) if DATE_CELL.match(c.strip())]
    if not dates:
        return None
    for i in range(dates[0] + 1, len(cells) - 1):
        if TRANSACTION_END.search(cells[i][1].strip()):
            start, cell = cells[i + 1]
            word = regex.match(r"\s*(\S+)", cell)
            assert word is not None
            return start + word.start(1), start + word.end(1)
    return None


# every row of each spending table, counted by `expected_amount`
ROWS = {BD: 448, TH: 235, NCL: 501, HOMERTON: 133}


@pytest.mark.parametrize("name", list(ROWS))
def test_every_row_of_a_spending_table_gives_its_amount_and_nothing_else(name):
    doc, _ = extracted(CORPUS, name)
    found = table_amounts(CORPUS, name)
    by_line: dict[int, list[Mention]] = {}
    for m in found:
        by_line.setdefault(m.line_index, []).append(m)
    rows = 0
    for i, line in enumerate(doc.lines):
        span = expected_amount(line.text)
        got = [(m.start, m.end) for m in by_line.pop(i, [])]
        if span is None:
            assert not got, f"{name} p{line.page} l{line.number}: amount off a table row: {line.text!r}"
            continue
        rows += 1
        assert got == [span], f"{name} p{line.page} l{line.number}: {line.text!r}"
    assert rows == ROWS[name]
    assert len(found) == rows


@pytest.mark.parametrize("name", list(ROWS))
def test_cell_amounts_have_exact_provenance_values_and_their_header(name):
    doc, _ = extracted(CORPUS, name)
    for m in table_amounts(CORPUS, name):
        line = doc.lines[m.line_index]
        assert line.text[m.start : m.end] == m.text
        assert line.span_bbox(m.start, m.end) is not None
        digits = m.text.replace(",", "").strip("()")
        value = -Decimal(digits) if m.text.startswith("(") else Decimal(digits)
        assert Decimal(str(m.values["low"])) == value == Decimal(str(m.values["high"]))
        assert m.values["currency"] == "GBP"
        header = next(h for h in doc.lines if (h.page, h.number) == (m.values["header_page"], m.values["header_line"]))
        assert "Amount" in header.text and "\t" in header.text
        assert (header.page, header.number) <= (line.page, line.number)


def test_an_amount_glued_to_a_vat_number_is_the_amount_alone():
    doc, mentions = extracted(CORPUS, HOMERTON)
    texts = {m.text for m in mentions}
    row = next(i for i, line in enumerate(doc.lines) if "\t42,227.76\t577704800\t" in line.text)
    on_row = [m for m in mentions if m.line_index == row]
    assert [(m.text, m.values["low"], m.values["currency"]) for m in on_row] == [("42,227.76", 42227.76, "GBP")]
    assert "577704800" not in texts and "33885864" not in texts and "15085461" not in texts
    # its credit note, two pages on, under the header printed on page 1 only
    credit = next(m for m in mentions if m.text == "-42,227.76")
    assert doc.lines[credit.line_index].page == 3
    assert (credit.values["low"], credit.values["high"]) == (-42227.76, -42227.76)
    assert (credit.values["header_page"], credit.values["header_line"]) == (1, 3)
    # `AP Amount` names no currency: pounds, said so in `basis`
    assert {m.values["basis"] for m in table_amounts(CORPUS, HOMERTON)} == {"amount_column"}


def test_a_glued_header_and_glued_cells_are_split_by_their_place_on_the_page():
    # Tower Hamlets prints `AP Amount (£) VAT registration` and `54,017.85 GB235134980` as one cell each
    doc, mentions = extracted(CORPUS, TH)
    header = next(line for line in doc.lines if "AP Amount (£) VAT registration" in line.text)
    assert header.page == 1
    for amount, vat in (("54,017.85", "GB235134980"), ("128,750.00", "123758118"), ("5,497,227.75", "232484277")):
        row = next(i for i, line in enumerate(doc.lines) if f"{amount} " in line.text and vat in line.text)
        assert [m.text for m in mentions if m.line_index == row] == [amount]
        assert all(vat not in m.text for m in mentions)
    assert {m.values["basis"] for m in table_amounts(CORPUS, TH)} == {"column_header"}
    # a credit written in brackets is negative
    credit = next(m for m in mentions if m.text == "(53,926.00)")
    assert (credit.values["low"], credit.values["header_page"], credit.values["header_line"]) == (-53926, 5, 4)


def test_ncl_amounts_stand_apart_from_the_vat_column():
    doc, mentions = extracted(CORPUS, NCL)
    row = next(i for i, line in enumerate(doc.lines) if "A LA CARTE CARE LTD" in line.text)
    assert [(m.text, m.values["low"]) for m in mentions if m.line_index == row] == [("30,610.29", 30610.29)]
    assert "923633627" in doc.lines[row].text and all(m.text != "923633627" for m in mentions)
    # `1.80E+13` in the invoice column, and `GB 307 5497 88` in the VAT column, are not money
    assert not any("E+" in m.text or m.text in ("307", "5497", "88") for m in mentions)


def test_titles_keep_their_own_sign_and_basis():
    _, mentions = extracted(CORPUS, BD)
    titles = [m for m in mentions if m.values["basis"] == "text"]
    assert {m.text for m in titles} == {"£25k", "£30k", "£30K"}
    assert all(m.values["header_line"] is None for m in titles)


def test_dollar_column_of_a_rotated_senate_table():
    doc, _ = extracted(DATA / "hardpdfs", SENATE)
    found = table_amounts(DATA / "hardpdfs", SENATE)
    ending_in_amount = [i for i, line in enumerate(doc.lines) if regex.search(r"\t[\d,]+\.\d\d$", line.text)]
    assert [m.line_index for m in found] == ending_in_amount and len(found) == 32
    assert {(m.values["currency"], m.values["basis"], m.values["header_line"]) for m in found} == {
        ("USD", "column_header", 1)
    }
    first = found[0]
    assert (first.text, first.values["low"]) == ("37,499.96", 37499.96)


# --- Markdown tables ------------------------------------------------------------------------


@cache
def ltht() -> tuple[Document, dict[int, list[Mention]]]:
    doc, mentions = extracted(DATA, LTHT_MD)
    rows: dict[int, list[Mention]] = {}
    for m in mentions:
        rows.setdefault(doc.lines[m.line_index].number, []).append(m)
    return doc, rows


def row_of(label: str) -> list[Mention]:
    doc, rows = ltht()
    number = next(line.number for line in doc.lines if line.text.startswith(f"| {label} |"))
    return sorted(rows.get(number, []), key=lambda m: m.start)


def test_thousands_columns_of_a_markdown_table_add_up_to_their_totals():
    parts = ["NHS England", "Integrated Care Board", "Non-NHS: Private Patients"]
    parts += ["Other income from patient care activities", "Other operating income"]
    total = row_of("Total operating income")
    assert len(total) == 8
    for col, t in enumerate(total):
        assert sum(row_of(p)[col].values["low"] for p in parts) == t.values["low"]
    nhse = row_of("NHS England")
    assert (nhse[0].text, nhse[0].values["low"], nhse[0].values["currency"]) == ("498,293", 498_293_000, "GBP")
    years = [f"{y}/{(y + 1) % 100:02d}" for y in range(2017, 2025)]
    assert [m.values["fin_year"] for m in nhse] == years
    assert {(m.values["basis"], m.values["header_line"]) for m in total} == {("column_header", 6)}


def test_nil_cells_give_no_amount_and_columns_stay_in_place():
    owned = row_of("Owned - purchased")  # 12,144 | 344,271 | 871 | 37,257 | 83,582 | - | 111,666 | - | 589,791
    assert [m.text for m in owned] == ["12,144", "344,271", "871", "37,257", "83,582", "111,666", "589,791"]
    assert sum(m.values["low"] for m in owned[:-1]) == owned[-1].values["low"] == 589_791_000
    donated = row_of("Owned - donated/granted")
    assert [m.text for m in donated] == ["8,985", "23,787", "14,122", "37", "46,931"]
    assert all(m.values["fin_year"] is None for m in owned)  # no financial year over these columns


def test_bracketed_negatives_keep_their_escapes_in_the_span():
    doc, _ = ltht()
    charges = row_of("Finance charges allocated to future periods")
    assert [m.text for m in charges] == [r"\(3,454\)", r"\(289\)", r"\(4,126\)", r"\(246\)"]
    assert [m.values["low"] for m in charges] == [-3_454_000, -289_000, -4_126_000, -246_000]
    assert [m.values["normalised"] for m in charges] == ["(3,454)", "(289)", "(4,126)", "(246)"]
    for m in charges:
        assert doc.lines[m.line_index].text[m.start : m.end] == m.text
    gross, net = row_of("Total gross future lease payments"), row_of("Net lease liabilities at 31 March 2025")
    for g, c, n in zip(gross, charges, net, strict=True):
        assert g.values["low"] + c.values["low"] == n.values["low"]


def test_label_cells_and_prose_are_not_table_money():
    doc, rows = ltht()
    assert [m.text for m in row_of("- not later than one year;")] == ["5,510", "1,575", "5,437", "1,508"]
    assert row_of("Undiscounted future lease payments payable in:") == []
    prose = [m for ms in rows.values() for m in ms if m.values["basis"] == "text"]
    assert [(m.text, m.values["low"]) for m in prose] == [("£7.3m", 7_300_000)]
    # header rows (years, `Actual`, dates, `£000`) hold no money
    headers = [
        line.number
        for line in doc.lines
        if regex.match(r"\| \| (?:\d{4}/\d\d|Actual|31 March|£000|Land|Total) ", line.text)
    ]
    assert len(headers) == 8
    assert not any(rows.get(n) for n in headers)


# --- real documents that are not shipped ----------------------------------------------------


def test_pay_bands_under_a_pound_header_are_ranges(shared):
    folder = shared / "realdocs"
    doc, _ = extracted(folder, "nhse-analystx-state-of-the-nation-workforce-survey-2022-10.pdf")
    found = table_amounts(folder, "nhse-analystx-state-of-the-nation-workforce-survey-2022-10.pdf")
    assert [(m.text, m.values["low"], m.values["high"]) for m in found[:2]] == [
        ("18,500 – 20,499", 18500, 20499),
        ("20,500 – 22,499", 20500, 22499),
    ]
    assert len(found) == 11 and found[-1].values["high"] == 109_000  # bands 2 to 9, across a page
    assert all(doc.lines[m.line_index].text.split("\t")[0] == m.text for m in found)  # the AfC band is not money


def test_a_stray_pound_glyph_in_a_row_makes_no_header(shared):
    # a statistics table whose `×` is drawn as `£` (`Training £ family involvement`)
    folder = shared / "hardpdfs"
    assert table_amounts(folder, "missing-spaces-journal-article-issue-316.pdf") == []


@pytest.mark.parametrize("name", [HOMERTON, BD])
def test_amounts_match_a_third_party_extraction_of_the_amount_column(shared, name):
    """crahal's pdf_table_parser read these two tables whole (it is not gold: it errs elsewhere)."""
    path = shared / "realdocs" / name.replace(".pdf", ".thirdparty-extraction.csv")
    rows = list(csv.reader(path.open(encoding="utf-8")))
    col = next(i for i, h in enumerate(rows[0]) if "mount" in h)
    theirs = Counter(Decimal(r[col].replace(",", "")) for r in rows[1:])
    ours = Counter(Decimal(str(m.values["low"])) for m in table_amounts(CORPUS, name))
    assert ours == theirs


# --- rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "names"),
    [
        (
            lambda d: d["headers"][0].update(pattern="(?P<cur>£"),
            ["table_money.yaml", "entry headers[0] (currency-mark)", "field `pattern`"],
        ),
        (lambda d: d["headers"][0].update(pattern="£"), ["entry headers[0] (currency-mark): the entry", "group `cur`"]),
        (
            lambda d: d["headers"][1].update(currency="XYZ"),
            ["entry headers[1] (amount-word): field `currency`", "currencies of rules/money.yaml, not 'XYZ'"],
        ),
        (lambda d: d["headers"][1].pop("currency"), ["entry headers[1] (amount-word): the entry", "currency"]),
        (
            lambda d: d["headers"][0].update(basis="guess"),
            ["entry headers[0] (currency-mark)", "field `basis`", "column_header"],
        ),
        (lambda d: d["separators"][0].pop("split"), ["entry separators[0] (tab): field `split`: Field required"]),
        (lambda d: d["units"][0].update(value="a thousand"), ["entry units[0]: field `value`"]),
        (lambda d: d["cells"].update(number="\\d+"), ["entry cells: field `number`", "minus"]),
        (lambda d: d.pop("boxes"), ["table_money.yaml", "boxes"]),
    ],
)
def test_malformed_table_rules_name_file_and_entry(rules_copy, change, names):
    edit_yaml(rules_copy / "table_money.yaml", change)
    with pytest.raises(RuleError) as err:
        money_extractor.load_rules(rules_copy)
    for name in names:
        assert name in str(err.value)


@pytest.mark.slow
def test_signed_cells_under_a_unit_header_take_the_columns_unit(shared, tmp_path):
    # Table 3.3 of the Data Driven Healthcare report: cells `£116` under a header whose last line
    # is `£millions  £millions` (a header spread over six lines); `3,560` (WTEs) is no money.
    # Read with OCR off, through the session cache that test_pdf_long_report and test_pdfium_reader
    # fill with the same rules (OCR of its ~60 charts would cost minutes and add no cell of Table 3.3)
    folder = shared / "realdocs"
    name = "data-driven-healthcare-2030-full-report-2021-03.pdf"
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    doc = ingested(folder, name, rules=without_ocr(rules))
    found = tuple(components.run(money_extractor.COMPONENT, doc, Context().rules).mentions)
    rows = [m for m in found if doc.lines[m.line_index].page == 34]
    first = [m for m in rows if doc.lines[m.line_index].text.startswith("Data\tClinical coding")]
    assert [(m.text, m.values["low"], m.values["high"]) for m in first] == [
        ("£116", 116_000_000, 116_000_000),
        ("£132", 132_000_000, 132_000_000),
    ]
    header = next(line for line in doc.lines if line.page == 34 and line.text == "£millions\t£millions")
    assert {(m.values["basis"], m.values["header_page"], m.values["header_line"]) for m in rows} == {
        ("column_unit", 34, header.number)
    }
    total = [m for m in rows if doc.lines[m.line_index].text.startswith("Total workforce")]
    assert [m.values["low"] for m in total] == [2_054_000_000, 5_220_000_000]
    # the column of 2020 is the sum of the rows above the total (£m, as printed)
    column_2020 = [m.values["low"] for m in rows if m not in total][::2]
    assert len(column_2020) == 9 and sum(column_2020) == 2_056_000_000  # rounding: £2,054m printed
    for m in rows:
        assert doc.lines[m.line_index].text[m.start : m.end] == m.text


def test_signed_cells_of_a_markdown_table_take_their_columns_unit(tmp_path):
    (tmp_path / "costs.md").write_text(
        "Costs by area\n\n"
        "| Area | Spend 2020 £m | Spend 2030 £m | Fee (£) |\n"
        "| --- | --- | --- | --- |\n"
        "| Coding | £116 | £1.2bn | £5 |\n"
        "| Records | £411.5 | $524 | 12 |\n\n"
        "The board spent £116 in all.\n",
        encoding="utf-8",
    )
    _, found = extracted(tmp_path, "costs.md")
    got = [(m.text, m.values["low"], m.values["basis"], m.values["header_line"]) for m in found]
    assert got == [
        ("£116", 116_000_000, "column_unit", 3),
        ("£1.2bn", 1_200_000_000, "text", None),  # its own multiplier
        ("£5", 5, "text", None),  # a column without a unit
        ("£411.5", 411_500_000, "column_unit", 3),
        ("$524", 524, "text", None),  # another currency than the column's
        ("£116", 116, "text", None),  # prose below the table
        ("12", 12, "column_header", 3),
    ]
