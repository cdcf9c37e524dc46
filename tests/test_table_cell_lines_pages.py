"""Accounts pages of two notes side by side (pipeline/extract/table_cell_lines.py) in the Leeds Teaching
Hospitals annual report as converted to Markdown (../shared/realdocs/ltht-annual-report-2024-25.md):
the two notes' lines interleave, a line may hold several cells, rows start with note numbers, and
page numbers, dates and count columns stand among the cells. Before, a row that did not line up with
the header ended the table: 20 of the 128 cells of tests/gold/heldout-money-accounts were read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline import components
from pipeline.extract import Context
from pipeline.extract import money as money_extractor
from pipeline.model import Document, Line, Mention
from tests.conftest import ROOT

GOLD = ROOT / "tests" / "gold" / "heldout-money-accounts"
DOC = "ltht-annual-report-2024-25.md"


@pytest.fixture(scope="module")
def ltht(shared: Path) -> tuple[list[str], dict[tuple[int, int], Mention]]:
    """The report's lines and its money mentions by (1-based line, start)."""
    lines = (shared / "realdocs" / DOC).read_text(encoding="utf-8").split("\n")
    doc = Document(DOC, "0" * 64, "text", lines=[Line(i + 1, t) for i, t in enumerate(lines)])
    found = components.run(money_extractor.COMPONENT, doc, Context().rules).mentions
    return lines, {(m.line_index + 1, m.start): m for m in found}


def cells(ltht: tuple[list[str], dict[tuple[int, int], Mention]], first: int, last: int) -> list[Mention]:
    return [m for (n, _), m in sorted(ltht[1].items()) if first <= n <= last and m.values["basis"] == "column_header"]


@pytest.mark.shared
def test_every_cell_of_the_tuning_gold_is_found_with_its_span_and_value(ltht):
    lines, found = ltht
    gold = [json.loads(r) for r in (GOLD / f"{Path(DOC).stem}.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(gold) == 128
    for g in gold:
        m = found.get((g["line"], g["start"]))
        assert m is not None, g
        assert (m.end, m.text, m.values["low"]) == (g["end"], g["text"], g["low"])
        assert lines[g["line"] - 1][m.start : m.end] == m.text
    # and nothing else in its lines
    scopes = json.loads((GOLD / "scope.json").read_text(encoding="utf-8"))
    extra = [k for k in found if any(s["lines"][0] <= k[0] <= s["lines"][1] for s in scopes)]
    assert len(extra) == len(gold)


@pytest.mark.shared
def test_statement_of_comprehensive_income_skips_note_numbers_and_reads_brackets(ltht):
    found = cells(ltht, 27337, 27430)
    texts = [m.text for m in found]
    # `Operating income from patient care activities  3  1,822,986  1,645,171`: 3 is note 3
    assert texts[:4] == ["1,822,986", "1,645,171", "301,740", "255,345"]
    assert not any(m.text in ("3", "4", "10", "11", "12") for m in found)
    deficit = [m for m in found if m.line_index + 1 == 27421]
    assert [(m.text, m.values["low"], m.values["fin_year"]) for m in deficit] == [
        ("\\(17,351\\)", -17_351_000, "2024-25")
    ]
    # the page number under the table (`147`, then the running head) is not money
    assert not cells(ltht, 27431, 27440)


@pytest.mark.shared
def test_two_notes_side_by_side_give_each_cell_its_year_and_skip_page_numbers(ltht):
    lines, _ = ltht
    found = cells(ltht, 30839, 30990)  # notes 3.2 and 3.3, four `£000` over two notes of two years
    by_line = {m.line_index + 1: m for m in found}
    assert (by_line[30867].text, by_line[30867].values["fin_year"]) == ("895,744", "2024/25")
    assert (by_line[30869].text, by_line[30869].values["fin_year"]) == ("817,726", "2023/24")
    assert (by_line[30873].text, by_line[30873].values["fin_year"]) == ("1,919", "2024/25")  # note 3.3
    # `1,822,986 1,645,171` on one line: one row per cell, each span exact
    total = [m for m in found if m.line_index + 1 == 30955]
    assert [(m.start, m.end, m.values["fin_year"]) for m in total] == [(0, 9, "2024/25"), (10, 19, "2023/24")]
    assert all(lines[m.line_index][m.start : m.end] == m.text for m in found)
    assert not any(m.text in ("164", "165") for m in found)


@pytest.mark.shared
def test_a_header_split_by_labels_and_dates_over_the_next_note(ltht):
    found = cells(ltht, 30991, 31262)  # note 4: `£000` six times among `Contract income`...; note 5
    education = [m.text for m in found if 31049 <= m.line_index + 1 <= 31053]
    assert education == ["108,562", "4,680", "113,242", "104,257", "3,855", "108,112"]
    # `31`, `31`, `March`, `March`, `2025`, `2024` over note 5.2, and the page number 166
    assert not any(m.text in ("31", "2025", "2024", "166") for m in found)
    assert [m.text for m in found if m.line_index + 1 in (31257, 31259)] == ["5,826", "7,770"]


@pytest.mark.shared
def test_tables_with_count_or_band_columns_are_not_read(ltht):
    # Better Payment Practice Code: `Number`, `£000`, `Number`, `£000`, then `260,060 792,026 252,336 766,846`
    assert not cells(ltht, 36181, 36360)
    # the remuneration report's `(bands of £5000)` and `rounded to the nearest £100` columns
    assert not cells(ltht, 17283, 17600)


@pytest.mark.shared
def test_cash_flow_note_numbers_with_a_point_are_not_money(ltht):
    found = cells(ltht, 27815, 27860)
    assert [m.text for m in found if m.line_index + 1 <= 27845] == ["10,967", "43,026", "50,820", "39,632"]
    assert not any(m.text in ("6.1", "7", "4") for m in found)
