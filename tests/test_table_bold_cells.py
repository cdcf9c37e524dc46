"""Money in tables whose cells or headers are written in bold, and spoken ranges, on real lines:
unmodified excerpts of Leeds and York Partnership NHS FT's Annual Report and Accounts 2024/25,
Leeds Community Healthcare NHS Trust's Annual Report 2023/24 (both converted to Markdown one cell a
line) and a West Yorkshire ICB meeting's captions (tests/data/SOURCES.md). Each test failed before
the bold marks (`marks` in rules/table_money.yaml) and the spoken range (`word-to-range` in
rules/money.yaml) were read."""

from __future__ import annotations

from pathlib import Path

from pipeline import components
from pipeline.extract import Context
from pipeline.extract import money as money_extractor
from pipeline.model import Document, Line, Mention

DATA = Path(__file__).resolve().parent / "data"
M = 1_000_000


def money_in(name: str) -> tuple[list[str], list[Mention]]:
    lines = (DATA / name).read_text(encoding="utf-8").split("\n")
    doc = Document("t.md", "0" * 64, "text", lines=[Line(i + 1, t) for i, t in enumerate(lines)])
    return lines, components.run(money_extractor.COMPONENT, doc, Context().rules).mentions


def test_bold_cells_under_000_are_read_with_the_number_inside_the_marks_as_span():
    # LYPFT note 2 (operating segments): the 2025 columns and the totals are bold
    lines, found = money_in("lypft-bold-cells.md")
    cells = [m for m in found if m.values["basis"] == "column_header"]
    assert len(cells) == 28  # 7 rows x 4 columns (and the 4 of `Income from activities`)
    by_line = {m.line_index: m for m in cells}
    bold_975 = next(m for m in cells if lines[m.line_index] == "**975**")
    assert (bold_975.text, bold_975.values["low"]) == ("975", 975_000)
    spaced = next(m for m in cells if lines[m.line_index] == "**\\(276,456\\) **")
    assert (spaced.text, spaced.values["low"], spaced.values["high"]) == ("\\(276,456\\)", -276_456_000, -276_456_000)
    assert (lines[spaced.line_index][spaced.start : spaced.end]) == spaced.text  # provenance exact
    assert lines[spaced.values["header_line"] - 1] == "**£000**"
    # the plain cells beside them as before, each under its own column's header
    plain = by_line[spaced.line_index + 2]
    assert (plain.text, plain.values["low"]) == ("\\(258,572\\)", -258_572_000)
    assert lines[plain.values["header_line"] - 1] == "£000"
    assert sum(lines[m.line_index].startswith("**") for m in cells) == 14


def test_a_header_in_bold_with_escaped_brackets_opens_its_table():
    # LYPFT table 2.3M: `**£000 **`, then two `**\(£000\) **` columns
    lines, found = money_in("lypft-bold-escaped-header.md")
    assert [(m.text, m.values["low"]) for m in found[:3]] == [
        ("128,861", 128_861_000),
        ("19,539", 19_539_000),
        ("148,400", 148_400_000),
    ]
    headers = [lines[m.values["header_line"] - 1] for m in found[:3]]
    assert headers == ["**£000 **", "**\\(£000\\) **", "**\\(£000\\) **"]
    assert len(found) == 9


def test_bold_k_headers_and_a_bold_000_header_alone_over_one_column():
    # LCH staff costs: six `**£k**` columns
    lines, found = money_in("lch-bold-unit-headers.md")
    assert len(found) == 18
    assert (found[0].text, found[0].values["low"]) == ("113,387", 113_387_000)
    assert {lines[m.values["header_line"] - 1] for m in found} == {"**£k**"}
    assert len({m.values["header_line"] for m in found}) == 6
    # LCH summary income and expenditure: one column under `**2023-24**` / `**£’000**`
    lines, found = money_in("lch-bold-one-column.md")
    cells = [m for m in found if m.values["basis"] == "column_header"]
    assert [(m.text, m.values["low"]) for m in cells] == [
        ("227,088", 227_088_000),
        ("\\(228,206\\)", -228_206_000),
        ("\\(1,118\\)", -1_118_000),
        ("1,415", 1_415_000),
        ("309", 309_000),
        ("\\(42\\)", -42_000),
        ("267", 267_000),
    ]
    assert {m.values["fin_year"] for m in cells} == {"2023-24"}


def test_a_plain_or_unitless_header_alone_still_opens_no_table():
    # a chart's axis title: `£000` alone (plain), `**£**` alone (bold, no unit) among a table's rows
    for header in ("£000", "**£**"):
        rows = [header, "160", "x", "140"]
        doc = Document("t.md", "0" * 64, "text", lines=[Line(i + 1, t) for i, t in enumerate(rows)])
        assert components.run(money_extractor.COMPONENT, doc, Context().rules).mentions == []


def test_spoken_ranges_with_to_glued_or_or():
    _, found = money_in("wy-icb-spoken-ranges.txt")
    assert [(m.line_index, m.text, m.values["low"], m.values["high"]) for m in found] == [
        (0, "30 to40 million pounds", 30 * M, 40 * M),
        (1, "30 or 40 million pounds", 30 * M, 40 * M),
        (2, "30 to40 million pounds", 30 * M, 40 * M),
    ]
