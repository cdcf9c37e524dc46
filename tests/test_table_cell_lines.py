"""Tables written one cell per line (pipeline/extract/table_cell_lines.py): the Leeds Teaching
Hospitals accounts as converted to Markdown, one cell a line (tests/data/ltht-accounts-cell-lines.md,
an unmodified excerpt of ../shared/realdocs/ltht-annual-report-2024-25.md)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipeline import components
from pipeline.extract import Context
from pipeline.extract import money as money_extractor
from pipeline.extract.table_cell_lines import load_cell_line_rules
from pipeline.model import Document, Line, Mention
from pipeline.rules import RuleError
from tests.amount_helpers import run_lines
from tests.conftest import ROOT, edit_yaml

CELL_LINES = ROOT / "tests" / "data" / "ltht-accounts-cell-lines.md"


def money_of(lines: list[str]) -> list[Mention]:
    doc = Document("t.md", "0" * 64, "text", lines=[Line(i + 1, t) for i, t in enumerate(lines)])
    return components.run(money_extractor.COMPONENT, doc, Context().rules).mentions


@pytest.fixture(scope="module")
def excerpt() -> tuple[list[str], list[Mention]]:
    lines = CELL_LINES.read_text(encoding="utf-8").split("\n")
    return lines, [m for m in money_of(lines) if m.values["basis"] == "column_header"]


def test_income_table_cells_line_up_with_the_eight_000_headers(excerpt):
    lines, found = excerpt
    income = [m for m in found if m.line_index < 176]
    assert len(income) == 6 * 8  # six rows of eight years
    first = income[0]
    assert lines[first.line_index] == "498,293" and first.values["low"] == 498_293_000
    assert first.values["currency"] == "GBP" and first.values["fin_year"] == "2017/18"
    assert lines[first.values["header_line"] - 1] == "£000"
    total_2024_25 = next(m for m in income if m.text == "2,124,726")
    assert total_2024_25.values["fin_year"] == "2024/25" and total_2024_25.values["high"] == 2_124_726_000
    # each amount points at its own column's header cell, in order
    headers = sorted({m.values["header_line"] for m in income})
    assert len(headers) == 8 and all(lines[h - 1] == "£000" for h in headers)
    assert [m.values["header_line"] for m in income[:8]] == headers
    # the page number `38` after the table and the prose after it are not money
    assert not any(m.text == "38" for m in found)


def test_lease_table_reads_negatives_in_brackets_and_rows_that_do_not_line_up(excerpt):
    lines, found = excerpt
    lease = [m for m in found if m.line_index >= 176]
    assert len(lease) == 6 * 4 + 4
    charges = [m for m in lease if m.text.startswith("\\(")]
    assert [(m.text, m.values["low"]) for m in charges] == [
        ("\\(3,454\\)", -3_454_000),
        ("\\(289\\)", -289_000),
        ("\\(4,126\\)", -4_126_000),
        ("\\(246\\)", -246_000),
    ]
    # `Of which: Leased from other NHS providers 4,348 4,928`: two numbers under four columns are
    # amounts in thousands still, but which column each stands under is not said (no year)
    out_of_line = [(m.text, m.values["low"], m.values["fin_year"]) for m in lease if m.line_index >= 286]
    assert out_of_line == [
        ("4,348", 4_348_000, None),
        ("4,928", 4_928_000, None),
        ("2,859", 2_859_000, None),
        ("2,710", 2_710_000, None),
    ]
    for m in lease:
        assert lines[m.line_index][m.start : m.end] == m.text


def test_numbers_one_per_line_without_a_money_header_are_not_money():
    lines = ["Staff in post", "", "2024/25", "", "2023/24", "", "Nurses", "", "4,356", "", "4,120"]
    assert money_of(lines) == []


def test_a_header_of_000_in_brackets_heads_numbers_below_it():
    lines = ["Income", "(£000)", "(£000)", "Clinical income", "4,356", "508", "Losses", "(3,682)", "-"]
    found = money_of(lines)
    assert [(m.text, m.values["low"], m.values["basis"]) for m in found] == [
        ("4,356", 4_356_000, "column_header"),
        ("508", 508_000, "column_header"),
        ("(3,682)", -3_682_000, "column_header"),
    ]
    assert [m.values["header_line"] for m in found] == [2, 3, 2]


@pytest.mark.shared
def test_the_real_report_has_its_income_table_read(shared):
    lines = (shared / "realdocs" / "ltht-annual-report-2024-25.md").read_text(encoding="utf-8").split("\n")
    window = lines[4966:5145]
    found = [m for m in money_of(window) if m.values["basis"] == "column_header"]
    assert len(found) == 48 and sum(Decimal(str(m.values["low"])) for m in found) > 0


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("£68,309.18", [("£68,309.18", 68_309.18)]),  # a table cell alone on its line: pence
        ("Payment\t£68,309.18\tSupplier Ltd", [("£68,309.18", 68_309.18)]),  # a cell of a tab row
        ("| Fees | £68,309.18 |", [("£68,309.18", 68_309.18)]),  # a Markdown cell
        ("saved £230,000.17 This suggests", [("£230,000", 230_000)]),  # footnote 17, then a sentence
        ("the cost was £230,000.17", [("£230,000", 230_000)]),  # footnote ending a line of prose
        ("£1,234.56 was paid", [("£1,234.56", 1_234.56)]),
    ],
)
def test_pence_are_judged_by_what_follows_them(line, expected):
    (found,) = run_lines(money_extractor.COMPONENT, [line])
    assert [(m.text, m.values["low"]) for m in found] == [(t, pytest.approx(v)) for t, v in expected]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["cell_lines"].update(min_columns=0), r"entry cell_lines: field `min_columns`: .*greater than or"),
        (lambda d: d["cell_lines"].update(max_blank_lines=True), r"entry cell_lines: field `max_blank_lines`"),
        (lambda d: d.pop("cell_lines"), r"table_money\.yaml, entry \(top level\): field `cell_lines`: Field required"),
        (lambda d: d["cell_lines"].update(note_ref="(\\d"), r"entry cell_lines: field `note_ref`"),
        (lambda d: d["cell_lines"].pop("running_head"), r"entry cell_lines: field `running_head`: Field required"),
    ],
)
def test_cell_line_rules_are_checked(rules_copy, change, expected):
    edit_yaml(rules_copy / "table_money.yaml", change)
    with pytest.raises(RuleError, match=expected):
        load_cell_line_rules(rules_copy)
