"""Facts of annual accounts written in bold Markdown (issue 9): unmodified excerpts of Leeds and York
Partnership NHS FT's Annual Report and Accounts 2024/25 and Leeds Community Healthcare NHS Trust's Annual
Report 2023/24, converted one cell a line (tests/data/SOURCES.md; lines of tests/gold/tuning-facts-boldacc).
The accounts rules (pipeline/facts/accounts.py) read the lines with bold marks blanked (`marks` of
rules/table_money.yaml) and a column's date written in two rows (`31 March` over `2025`). Each test failed
before: bold headers, labels, titles and cells were not read as plain ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.facts.accounts import load_marks
from tests.conftest import edit_yaml
from tests.test_facts import basis, facts_of
from tests.test_facts_accounts import refusal

DATA = Path(__file__).resolve().parent / "data"
LYPFT = {"title": "LYPFT Annual-Report-and-Accounts-2024-25"}  # a title made from the file name
LCH = {"title": "Leeds Community Annual Report 2324"}


def _excerpt(name: str, first: int) -> tuple[list[str], int]:
    """The excerpt's lines at their line numbers in the report (the lines before it blank)."""
    lines = (DATA / name).read_text(encoding="utf-8").split("\n")
    return [""] * (first - 1) + lines, first - 1 + len(lines)


def _got(row: dict[str, Any]) -> tuple[str | None, str | None, str, str]:
    return row["measure"], row["period"], row["measure_rule"], row["period_rule"]


def test_a_bold_header_over_dates_split_in_two_rows_gives_each_column_its_year():
    """LYPFT's Statement of Financial Position: `**31 March **` / `31 March` / `**2025**` / `2024` / `**note**`
    / `**£000 **` / `£000`: 31 March 2025 is 2024/25, 31 March 2024 2023/24 (both were none: the bold header
    was no header cell, the years alone no date). Its bold title decides the balances' measure (the public
    dividend capital balance was `spend`, by "dividend"); a bold total under a bold label is read as its row."""
    lines, last = _excerpt("lypft-accounts-sofp.md", 12861)
    f = facts_of(lines, 12861, last, LYPFT)
    assert _got(f[(12887, "1,737")]) == ("other", "2024/25", "measure.title_balances", "period.column_split_date")
    assert _got(f[(12889, "1,035")])[:2] == ("other", "2023/24")
    assert basis(f[(12887, "1,737")], "period")["words"] == "2025"
    assert _got(f[(13029, "46,422")])[:3] == ("other", "2024/25", "measure.title_balances")
    total = f[(12985, r"\(65,770\)")]
    assert _got(total)[:2] == ("other", "2024/25")
    assert basis(total, "measure")["spans"][0]["text"] == "FINANCIAL POSITION"  # the bold title's words
    assert _got(f[(13047, "81,754")])[:3] == ("surplus", "2024/25", "measure.row_result")


def test_the_notes_title_between_the_date_rows_and_a_label_ending_with_a_bold_cell():
    """LYPFT note 5: "Year ended" / "31 March" / `**5**` / `**Operating expenses**` / `**2025**` / `2024` /
    `**£000**`: the years (were none); "MH collaboratives ... **7,383**" / `6,871`: a row whose first cell,
    bold, ends its label line, so `6,871` is the 2024 column's (was none; the money table put it under the
    first header cell)."""
    lines, last = _excerpt("lypft-accounts-note5.md", 14747)
    f = facts_of(lines, 14747, last, LYPFT)
    assert _got(f[(14773, "18,602")])[:2] == ("spend", "2024/25")
    assert _got(f[(14775, "21,225")])[:2] == ("spend", "2023/24")
    assert _got(f[(14783, "6,871")])[:2] == ("spend", "2023/24")
    assert f[(14799, "238")]["measure_rule"] == "measure.title_cost"  # "Non-executive directors": the bold title


def test_bold_labels_and_totals_are_their_rows_and_bold_years_the_columns():
    """LCH notes 11 and 13: `**Total gains / \\(losses\\) on disposal of assets**` / `**12 **` is a gain (was
    `spend`: the bold cells above were no row of cells, so a title 30 lines up, "Total finance costs", was
    read); the column years `**2023/24**` / `**2022/23**` over `**£000 **` are read from the header run."""
    lines, last = _excerpt("lch-accounts-notes-11-13.md", 14193)
    f = facts_of(lines, 14193, last, LCH)
    assert _got(f[(14265, "12")]) == ("other", "2023/24", "measure.row_reconciling", "period.column_year")
    assert _got(f[(14267, "1")])[:3] == ("other", "2022/23", "measure.row_reconciling")
    assert _got(f[(14213, "2,446")]) == ("funding", "2023/24", "measure.row_income", "period.column_year")


def test_the_first_column_year_in_bold_at_the_end_of_the_title_line():
    """LYPFT's reconciliation to the cash flow's working balances: `**Reconciliation ... in Cash Flow**
    **2024/25**` / `**2023/24**` / `**£000s**` / `**£000s**`: the first column is 2024/25 (was 2023/24, the
    paragraph's year, for the first rows and none after them)."""
    lines, last = _excerpt("lypft-accounts-title-year.md", 13513)
    f = facts_of(lines, 13513, last, LYPFT)
    first = f[(13523, r"\(1,955\)")]
    assert _got(first) == ("other", "2024/25", "measure.title_reconciliation", "period.column_year")
    assert basis(first, "period")["spans"][0]["text"] == "2024/25"
    assert _got(f[(13525, "40")])[:2] == ("other", "2023/24")
    assert _got(f[(13547, "5,455")])[:2] == ("other", "2024/25")


def test_the_marks_the_accounts_rules_read_are_the_money_tables_and_checked(rules_copy):
    """`marks` comes from rules/table_money.yaml (no copy in facts_accounts.yaml); a pattern without its
    `inner` group is refused, naming the file and the entry."""
    assert load_marks(Path(__file__).resolve().parents[1] / "rules") is not None
    edit_yaml(rules_copy / "table_money.yaml", lambda d: d.update(marks=r"\*\*(.+)\*\*"))
    message = refusal(load_marks, rules_copy)
    assert "table_money.yaml" in message and "marks" in message, message


def test_a_corner_label_among_the_groups_labels_and_the_first_groups_year_ending_the_title():
    """LCH's staff costs (lines 9687-9759): `**Staff costs and numbers ...** ** 2023/24**` / `**2022/23 **` /
    `**Staff costs**` / `**Permanent**` / `**Other**` / `**Total**` x 2 / six `**£k**`: the rows' own label
    stands among the columns' (no column's: `group_corner`), the first group's year ends the title line
    (`title_year`). Each group's three columns are of its year (all had none; 66 cells in the whole table)."""
    lines, last = _excerpt("lch-bold-unit-headers.md", 9687)
    f = facts_of(lines, 9687, last, LCH)
    for line, cells in ((9721, ("113,387", "8,143", "121,530")), (9727, ("110,497", "6,881", "117,378"))):
        year = "2023/24" if line == 9721 else "2022/23"
        for k, cell in enumerate(cells):
            got = _got(f[(line + 2 * k, cell)])
            assert (got[1], got[3]) == (year, "period.column_group"), (cell, got)
    words = basis(f[(9721, "113,387")], "period")["words"]
    assert words == "2023/24", words  # the year's cell on the title line
    assert basis(f[(9727, "110,497")], "period")["words"] == "2022/23"
    cells = [row for (line, _), row in f.items() if line > 9719]
    assert len(cells) == 18 and all(row["period"] for row in cells)  # the excerpt's three rows
