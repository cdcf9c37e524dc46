"""Money in table cells whose currency and unit come from the column's header.

A spending table's `AP Amount (£)` column holds `33,021.00` with no sign beside it; an accounts
table's `£000` column holds `498,293`, meaning £498,293,000. `find` reads a document's lines
once, top to bottom: a header row (cells, none a number, one naming a currency or an amount)
opens a table; the rows below it are read until another header or the end of the table; every
number in a money column becomes an amount. Rules: ``rules/table_money.yaml``.

Where cells are placed on a page (PDF lines carry a box per character), a number belongs to the
header column it stands under, so an empty cell, two numbers glued in one cell or a header
printed on the first page only do not shift the columns. Elsewhere (Markdown tables) a cell
belongs to the header cell at the same position.

A cell amount is `33,021.00`, `-42,227.76`, `(1,234)` (negative) or a range `18,500 - 20,499`;
`-` states none. Its values: the column's currency, the number times the header's unit, the
financial year written over the column (`2024/25` over `£000`), and the header row's place.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

import regex
from pydantic import Field, ValidationInfo, field_validator, model_validator

from pipeline.extract.amounts import Shared, parse_number, phrase_alternation
from pipeline.extract.any_pattern import any_search
from pipeline.model import BBox, Document, Line
from pipeline.normalise import NormLine
from pipeline.rules import MacroRegex, Regex, RuleModel, VerboseRegex, groups, known, load_model

FILE = "table_money.yaml"
CURRENCIES = "currencies of rules/money.yaml"
WORD = regex.compile(r"\S+")
DIGIT = regex.compile(r"\d")


@dataclass(frozen=True)
class TableRules:
    """table_money.yaml, with its unit forms' values, money.yaml's currencies and amounts.yaml's years."""

    file: TableMoneyFile
    unit_of: dict[str, Decimal]  # lower-case unit form -> value
    currency_of: dict[str, str]  # sign or code -> currency code
    shared: Shared  # `year`: a financial year (rules/amounts.yaml fin_year.year), `max_years`


@dataclass(frozen=True)
class Cell:
    start: int  # offsets in the normalised line, whitespace trimmed
    end: int
    text: str


@dataclass(frozen=True)
class Column:
    index: int  # the header cell's position (tables without boxes)
    extent: tuple[float, float] | None  # along the line, in points (tables with boxes)
    currency: str | None  # None: not a money column
    unit: Decimal = Decimal(1)
    basis: str | None = None
    fin_year: str | None = None  # the financial year written over the column (`2024/25`)


@dataclass
class Table:
    separator: Separator
    header_line: Line
    columns: list[Column]
    cells: int  # cells in the header row
    axis: str | None  # how the header row runs on its page (None: no boxes)
    gap: int = 0  # lines without cells since the last row
    labels_above: tuple[tuple[float, float], ...] = ()  # label cells of the header rows above (boxes)


@dataclass(frozen=True)
class CellAmount:
    """One amount found in a table cell: a span of the normalised line and its values."""

    line_index: int
    start: int
    end: int
    currency: str
    low: Decimal
    high: Decimal
    basis: str
    fin_year: str | None
    header_page: int | None
    header_line: int


@dataclass(frozen=True)
class SignedCell:
    """A cell holding an amount with its own currency sign (`£116`) under a money column whose
    header states a unit (`£millions`): the span of the normalised line and the column's unit."""

    line_index: int
    start: int
    end: int
    currency: str
    unit: Decimal
    header_page: int | None
    header_line: int


class Unit(RuleModel):
    value: int = Field(gt=0, strict=True)
    forms: list[str]


class Separator(RuleModel):
    name: str
    row: Regex
    split: str = Field(min_length=1)
    borders: bool
    skip: Regex | None = None
    max_gap_lines: int = Field(ge=0, strict=True)


class Header(RuleModel):
    name: str
    basis: Literal["column_header", "amount_column"]
    pattern: VerboseRegex
    currency: Annotated[str, known(CURRENCIES)] | None = None  # for headers that name no currency
    whole_cell: bool = False  # the pattern must cover the cell's whole text

    @model_validator(mode="after")
    def _currency(self) -> Header:
        if self.basis == "amount_column" and self.currency is None:
            raise ValueError("an amount_column header needs a `currency` of rules/money.yaml")
        if self.basis == "column_header" and "cur" not in self.pattern.groupindex:
            raise ValueError("a column_header pattern needs a group `cur`")
        return self


class Cells(RuleModel):
    number: Annotated[Regex, groups("minus", "num", "paren")]
    nil: Regex
    range: Annotated[Regex, groups("low", "high")]


class SignedCells(RuleModel):
    """Amounts with their own currency sign in a column whose header states a unit."""

    basis: str = Field(min_length=1)  # the `basis` of such an amount
    cell: Annotated[MacroRegex, groups("cur")]  # what the cell holds, whole


class Boxes(RuleModel):
    max_offset_em: float
    min_fit_share: float


class CellLineRules(RuleModel):
    """Tables written one cell per line (pipeline/extract/table_cell_lines.py)."""

    min_columns: int = Field(ge=1, strict=True)
    min_columns_marked: int = Field(ge=1, strict=True)  # as many header cells in bold (`**£k**`) open a table
    marked_min_unit: int = Field(ge=1, strict=True)  # ... when each states a unit of at least this
    max_label_cells: int = Field(ge=1, strict=True)
    max_blank_lines: int = Field(ge=0, strict=True)
    max_header_gap: int = Field(ge=0, strict=True)  # label cells between two header cells of one table
    running_head_repeats: int = Field(ge=2, strict=True)  # a line printed this often after a page number
    running_head: Regex  # the form of a running head (`Financial statements`)
    marked_head_share: float = Field(gt=0, le=1)  # a bold line after a page number this often is a running head
    page_number: Regex  # a lone number of this form right before a running head, or alone and out of line
    note_header: Regex  # a label cell over a column of note numbers (`Note`)
    note_ref: Regex  # a note number at the start of a row (`3`)
    other_columns: Regex  # (searched) a label among the header's cells naming columns of counts or bands
    not_amount: Regex  # a number cell that is no amount (`2025`, a calendar year)
    date_day: Regex  # a number that may be the day of a date (`31`)
    date_month: Regex  # a label that is a month (`March`)
    date_reach: int = Field(ge=1, strict=True)  # how many cells after days of dates their month may come
    row_header_start: Regex  # the start of a row label that may end in a money header (`Total cost (£)`)
    row_header_continuation: Regex  # the second line of a wrapped row label (`remuneration (£)`)
    row_header_reach: int = Field(ge=0, strict=True)  # lines of another column between a row's label and numbers
    label_tail: Regex  # a number printed on its row's label line (`12,144`, `(1,427)`)
    band_header: Regex  # (searched) a label naming bands in a currency (`Bands of £5k`): group `cur`
    band_unit: int = Field(ge=1, strict=True)  # what a band's range is written in (`275-280`: £000)
    head_prints: int = Field(ge=2, strict=True)  # a line printed this often after a row of its own unit: a running head


class TableMoneyFile(RuleModel):
    """rules/table_money.yaml; the currencies (`{{cur_sign}}`, `{{cur_code}}`) come from money.yaml."""

    units: list[Unit]
    separators: tuple[Separator, ...] = Field(min_length=1)
    headers: tuple[Header, ...] = Field(min_length=1)
    min_header_cells: int = Field(ge=1, strict=True)
    marks: Annotated[Regex, groups("inner")]  # emphasis around a whole cell (`**975**`): read its inside
    header_rows_above: int = Field(ge=0, strict=True)
    cells: Cells
    signed_cells: SignedCells
    boxes: Boxes
    cell_lines: CellLineRules

    @field_validator("units")
    @classmethod
    def _unit_macro(cls, units: list[Unit], info: ValidationInfo) -> list[Unit]:
        forms = [f.lower() for u in units for f in u.forms]
        if info.context is not None:
            info.context["macros"]["unit"] = f"(?i:{phrase_alternation(forms)})" if forms else "(?!)"
        return units


def load_table_rules(
    directory: Path, macros: dict[str, str], currency_of: dict[str, str], shared: Shared
) -> TableRules:
    """The rules of table_money.yaml; currencies come from money.yaml, financial years from amounts.yaml."""
    context = {"macros": dict(macros), CURRENCIES: set(currency_of.values())}
    f = load_model(TableMoneyFile, directory / FILE, context)
    return TableRules(f, {form.lower(): Decimal(u.value) for u in f.units for form in u.forms}, currency_of, shared)


# --- cells and their place on the page ---------------------------------------------------------


def split_cells(text: str, sep: Separator) -> list[Cell]:
    """The cells of one row, as spans of `text` with surrounding whitespace trimmed."""
    lo, hi = 0, len(text)
    if sep.borders:
        lo = text.index(sep.split) + len(sep.split)
        hi = text.rindex(sep.split)
    out = []
    pos = lo
    while True:
        nxt = text.find(sep.split, pos, hi)
        end = hi if nxt < 0 else nxt
        s, e = pos, end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        out.append(Cell(s, e, text[s:e]))
        if nxt < 0:
            return out
        pos = nxt + len(sep.split)


def unmark(cell: Cell, rules: TableRules) -> Cell:
    """The cell inside emphasis written around the whole of it (`**975**`, `**(1,670) **`), else the cell."""
    m = rules.file.marks.fullmatch(cell.text) if cell.text[:1] in "*_" else None
    if m is None:
        return cell
    s, e = m.span("inner")
    return Cell(cell.start + s, cell.start + e, m.group("inner"))


def line_axis(line: Line) -> str | None:
    """Which way the line runs on its page (`+x` left to right, `-y` upwards...), or None without boxes."""
    boxes = line.char_boxes or ()
    first = next((b for b in boxes if b is not None), None)
    last = next((b for b in reversed(boxes) if b is not None), None)
    if first is None or last is None or first is last:
        return None
    dx = (last[0] + last[2]) - (first[0] + first[2])
    dy = (last[1] + last[3]) - (first[1] + first[3])
    if abs(dx) >= abs(dy):
        return "+x" if dx >= 0 else "-x"
    return "+y" if dy >= 0 else "-y"


def _along(box: BBox, axis: str) -> tuple[float, float]:
    x0, top, x1, bottom = box
    return {"+x": (x0, x1), "-x": (-x1, -x0), "+y": (top, bottom), "-y": (-bottom, -top)}[axis]


def _box(nl: NormLine, line: Line, start: int, end: int) -> BBox | None:
    """The box from the first to the last character of a span that has one (cells and words
    are trimmed, so these are the span's ends)."""
    boxes = line.char_boxes
    if not boxes:
        return None
    rs, re_ = nl.to_raw(start, end)
    first = _first_box(boxes, range(rs, re_))
    last = _first_box(boxes, range(re_ - 1, rs - 1, -1))
    if first is None or last is None:
        return None
    return (min(first[0], last[0]), min(first[1], last[1]), max(first[2], last[2]), max(first[3], last[3]))


def _first_box(boxes: Sequence[BBox | None], at: range) -> BBox | None:
    """The first box at the offsets `at` (a plain loop: most spans' first offset has one)."""
    for k in at:
        box = boxes[k]
        if box is not None:
            return box
    return None


def _extent(nl: NormLine, line: Line, start: int, end: int, axis: str | None) -> tuple[float, float] | None:
    if axis is None:
        return None
    box = _box(nl, line, start, end)
    return _along(box, axis) if box else None


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return min(a[1], b[1]) - max(a[0], b[0])


# --- headers -----------------------------------------------------------------------------------


def _words(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [m.span() for m in WORD.finditer(text, start, end)]


def is_number_cell(cell: Cell, rules: TableRules) -> bool:
    """Every word of the cell is a number or a nil (and there is at least one)."""
    text, number, nil = cell.text, rules.file.cells.number, rules.file.cells.nil
    found = False
    for m in WORD.finditer(text):  # word by word: prose stops at its first word
        s, e = m.span()
        if not (number.fullmatch(text, s, e) or nil.fullmatch(text, s, e)):
            return False
        found = True
    return found


def _money_column(cell: Cell, rules: TableRules) -> tuple[Header, regex.Match[str]] | None:
    for h in rules.file.headers:
        m = h.pattern.fullmatch(cell.text) if h.whole_cell else h.pattern.search(cell.text)
        if m:
            return h, m
    return None


def parse_unit_header(cell: Cell, rules: TableRules) -> tuple[str, Decimal] | None:
    """The currency and unit of a cell that is, whole, a money header naming a currency (`£000`,
    `(£000)`, `£m`), or None."""
    for h in rules.file.headers:
        m = h.pattern.fullmatch(cell.text) if h.basis == "column_header" else None
        if m:
            return _currency_unit(m, rules)
    return None


def _currency_unit(m: regex.Match[str], rules: TableRules) -> tuple[str, Decimal] | None:
    """The currency and unit a money header's match names (groups `cur` and `unit`), or None for an
    unknown currency sign."""
    token = m.group("cur")
    currency = rules.currency_of.get(token) or rules.currency_of.get(token.upper())
    if currency is None:
        return None
    return currency, rules.unit_of[m.group("unit").lower()] if m.group("unit") else Decimal(1)


def parse_row_header(cell: Cell, rules: TableRules) -> tuple[str, Decimal] | None:
    """The currency and unit of a row's label that ends in a money header naming a currency after
    words of its own (`Total remuneration (£)`, `Total resource cost (£000)`), or None."""
    for h in rules.file.headers:
        if h.basis != "column_header":
            continue
        last = None
        for m in h.pattern.finditer(cell.text):
            last = m
        if last is None or last.end() != len(cell.text) or not any(ch.isalpha() for ch in cell.text[: last.start()]):
            continue
        if last.group() == last.group("cur"):
            return None  # a bare sign ends the label (`less than £`): prose as often as a header
        return _currency_unit(last, rules)
    return None


def header_columns(
    nl: NormLine, line: Line, cells: list[Cell], axis: str | None, rules: TableRules
) -> list[Column] | None:
    """The columns of a header row, or None when the row is not a header of money columns.

    A header cell that holds a money header followed by more words (`AP Amount (£) VAT
    registration`, two header cells glued on the page) gives two columns: up to the end of the
    money header, and the rest.
    """
    if not any(h.pattern.search(nl.text) for h in rules.file.headers):
        return None  # (a quick test: no header anywhere on the line)
    filled = [c for c in cells if c.text]
    if len(filled) < rules.file.min_header_cells or any(is_number_cell(c, rules) for c in filled):
        return None
    columns: list[Column] = []
    money = False
    for index, cell in enumerate(cells):
        found = _money_column(cell, rules) if cell.text else None
        if found is None:
            columns.append(Column(index, _extent(nl, line, cell.start, cell.end, axis), None))
            continue
        h, m = found
        money = True
        if h.basis == "amount_column":
            currency, unit = h.currency, Decimal(1)
        else:
            token = m.group("cur")
            currency = rules.currency_of.get(token) or rules.currency_of.get(token.upper())
            unit = rules.unit_of[m.group("unit").lower()] if m.group("unit") else Decimal(1)
        cut = cell.start + m.end()
        rest = _words(nl.text, cut, cell.end)
        end = cut if rest else cell.end
        columns.append(Column(index, _extent(nl, line, cell.start, end, axis), currency, unit, h.basis))
        if rest:
            columns.append(Column(index, _extent(nl, line, rest[0][0], rest[-1][1], axis), None))
    return columns if money else None


Row = tuple[NormLine, Line, list[Cell]]


def _cell_over(column: Column, row: Row, cells_in_header: int, axis: str | None) -> Cell | None:
    """The cell of another header row that stands over `column`."""
    nl, line, cells = row
    if column.extent is None:
        return cells[column.index] if len(cells) == cells_in_header else None
    best: tuple[float, Cell] | None = None
    for cell in cells:
        extent = _extent(nl, line, cell.start, cell.end, axis) if cell.text else None
        if extent is not None and _overlap(extent, column.extent) > 0:
            if best is None or _overlap(extent, column.extent) > best[0]:
                best = (_overlap(extent, column.extent), cell)
    return best[1] if best else None


def _fin_year(text: str, rules: TableRules) -> str | None:
    """The one financial year written in a header cell (`2024/25`, `2024-25 £000`), or None."""
    years = []
    for m in rules.shared.year.finditer(text):
        y1, y2 = m.group("y1"), m.group("y2")
        if y2 is None or 0 < (int(y2[-2:]) - int(y1[-2:])) % 100 <= rules.shared.max_years:
            years.append(" ".join(m.group().split()))
    return years[0] if len(years) == 1 else None


def with_years(
    columns: list[Column], rows: list[Row], cells_in_header: int, axis: str | None, rules: TableRules
) -> list[Column]:
    """Money columns with the financial year written over them in the header rows (`2024/25` over `£000`)."""
    out = []
    for col in columns:
        if col.currency is not None:
            for row in reversed(rows):
                cell = _cell_over(col, row, cells_in_header, axis)
                year = _fin_year(cell.text, rules) if cell is not None else None
                if year:
                    col = replace(col, fin_year=year)
                    break
        out.append(col)
    return out


# --- rows --------------------------------------------------------------------------------------


def _column_of(extent: tuple[float, float], height: float, columns: list[Column], rules: TableRules) -> Column | None:
    """The header column a number stands under: most overlap, else the nearest within reach."""
    best: Column | None = None
    most = float("-inf")
    for c in columns:
        if c.extent is not None:
            overlap = min(extent[1], c.extent[1]) - max(extent[0], c.extent[0])
            if overlap > most:
                best, most = c, overlap
    # none overlapping: the nearest, when near enough
    return best if most > 0 or -most <= rules.file.boxes.max_offset_em * height else None


def _fits(nl: NormLine, line: Line, cells: list[Cell], table: Table, rules: TableRules) -> bool:
    placed = [c.extent for c in table.columns if c.extent is not None] + list(table.labels_above)
    filled = [c for c in cells if c.text]
    fitting = 0
    for cell in filled:
        extent = _extent(nl, line, cell.start, cell.end, table.axis)
        if extent is None:
            return False
        low, high = extent
        for p in placed:  # (`any(_overlap(extent, p) > 0 ...)` as a loop: a row's every cell is tested)
            if min(high, p[1]) - max(low, p[0]) > 0:
                fitting += 1
                break
    return bool(filled) and fitting >= rules.file.boxes.min_fit_share * len(filled)


def _amount(m: regex.Match[str], column: Column) -> Decimal:
    if m.group("paren"):
        return -parse_number(m.group("paren")) * column.unit
    value = parse_number(m.group("num")) * column.unit
    return -value if m.group("minus") == "-" else value


def _in_table(nl: NormLine, line: Line, cells: list[Cell], table: Table, rules: TableRules) -> bool:
    """The row lines up under the header: on a page, most of its cells stand under header columns;
    elsewhere it has as many cells as the header."""
    if table.axis is None:
        return len(cells) == table.cells
    return line_axis(line) == table.axis and _fits(nl, line, cells, table, rules)


def _row_amounts(
    i: int, nl: NormLine, line: Line, cells: list[Cell], table: Table, rules: TableRules
) -> Iterable[CellAmount]:
    header = table.header_line
    boxed = table.axis is not None
    for index, cell in enumerate(cells):
        if not cell.text:
            continue
        if not boxed:
            col = next((c for c in table.columns if c.index == index), None)
            if col is not None and is_number_cell(cell, rules):
                yield from _amounts(i, cell, _words(cell.text, 0, len(cell.text)), col, header, rules)
            continue
        # on a page, each word goes to the column it stands under: a cell may hold two glued
        # cells (`54,017.85 GB235134980`, an amount and a VAT number)
        if not DIGIT.search(cell.text):
            continue  # no amount in it
        under: dict[int, tuple[Column, list[tuple[int, int]]]] = {}
        for s, e in _words(cell.text, 0, len(cell.text)):
            box = _box(nl, line, cell.start + s, cell.start + e)
            col = (
                _column_of(_along(box, table.axis), box[3] - box[1], table.columns, rules)
                if box and table.axis
                else None
            )
            if col is not None:
                under.setdefault(id(col), (col, []))[1].append((s, e))
        for col, words in under.values():
            yield from _amounts(i, cell, words, col, header, rules)


def _amounts(
    i: int, cell: Cell, words: list[tuple[int, int]], col: Column, header: Line, rules: TableRules
) -> Iterable[CellAmount]:
    """The amounts of the words of one cell under one column: none unless the column holds money
    and every word is a number or a nil."""
    if col.currency is None or col.basis is None or not words:
        return
    where = (header.page, header.number)
    first, last = words[0][0], words[-1][1]
    r = rules.file.cells.range.fullmatch(cell.text, first, last)
    if r:
        low, high = parse_number(r.group("low")) * col.unit, parse_number(r.group("high")) * col.unit
        if low <= high:
            yield CellAmount(
                i, cell.start + first, cell.start + last, col.currency, low, high, col.basis, col.fin_year, *where
            )
            return
    found = [(s, e, rules.file.cells.number.fullmatch(cell.text, s, e)) for s, e in words]
    if not all(m or rules.file.cells.nil.fullmatch(cell.text, s, e) for s, e, m in found):
        return
    for s, e, m in found:
        if m is not None:
            value = _amount(m, col)
            yield CellAmount(
                i, cell.start + s, cell.start + e, col.currency, value, value, col.basis, col.fin_year, *where
            )


def _row_signed(
    i: int, nl: NormLine, line: Line, cells: list[Cell], table: Table, rules: TableRules
) -> Iterable[SignedCell]:
    """The cells of a row that hold an amount with its own currency sign (`£116`) under a money
    column whose header states a unit (`£millions`)."""
    for index, cell in enumerate(cells):
        m = rules.file.signed_cells.cell.fullmatch(cell.text) if cell.text else None
        if m is None:
            continue
        if table.axis is None:
            col = next((c for c in table.columns if c.index == index), None)
        else:
            box = _box(nl, line, cell.start, cell.end)
            col = _column_of(_along(box, table.axis), box[3] - box[1], table.columns, rules) if box else None
        if col is None or col.basis != "column_header" or col.unit == 1:
            continue
        token = m.group("cur")
        if col.currency is None or col.currency != (
            rules.currency_of.get(token) or rules.currency_of.get(token.upper())
        ):
            continue
        yield SignedCell(
            i, cell.start, cell.end, col.currency, col.unit, table.header_line.page, table.header_line.number
        )


def _labels(rows: list[Row], axis: str | None, rules: TableRules) -> tuple[tuple[float, float], ...]:
    """Where the label cells of header rows stand along the line (a header spread over several lines)."""
    out = []
    for nl, line, cells in rows:
        if axis is None or line_axis(line) != axis:
            continue
        for cell in cells:
            extent = _extent(nl, line, cell.start, cell.end, axis) if cell.text else None
            if extent is not None and not is_number_cell(cell, rules):
                out.append(extent)
    return tuple(out)


def find(doc: Document, lines: Sequence[NormLine], rules: TableRules) -> list[CellAmount]:
    """Every amount in a money column of a table in the document, top to bottom."""
    return read(doc, lines, rules)[0]


def read(doc: Document, lines: Sequence[NormLine], rules: TableRules) -> tuple[list[CellAmount], list[SignedCell]]:
    """Every amount in a money column of a table in the document, top to bottom, and every cell
    holding an amount with its own sign under a column whose header states a unit."""
    out: list[CellAmount] = []
    signed: list[SignedCell] = []
    table: Table | None = None
    above: list[Row] = []  # the rows just before this line, for the years over a header
    above_sep: Separator | None = None
    # one scan asking whether any separator is on the line (most lines hold none); then which, in order
    any_row = any_search(tuple(s.row for s in rules.file.separators))
    for i, nl in enumerate(lines):
        line = doc.lines[i]
        sep = next((s for s in rules.file.separators if s.row.search(nl.text)), None) if any_row(nl.text) else None
        if sep is not None and sep.skip is not None and sep.skip.match(nl.text):
            continue
        cells = [unmark(c, rules) for c in split_cells(nl.text, sep)] if sep is not None else []
        if sep is not above_sep:
            above, above_sep = [], sep
        if sep is not None:
            axis = line_axis(line)
            columns = header_columns(nl, line, cells, axis, rules)
            if columns is not None:
                boxed = all(c.extent is not None for c in columns)
                axis = axis if boxed else None
                columns = with_years(columns, [*above, (nl, line, cells)], len(cells), axis, rules)
                table = Table(sep, line, columns, len(cells), axis, labels_above=_labels(above, axis, rules))
                above = []
                continue
            above = [*above, (nl, line, cells)][-rules.file.header_rows_above :] if rules.file.header_rows_above else []
        if table is not None and sep is table.separator and _in_table(nl, line, cells, table, rules):
            table.gap = 0
            out.extend(_row_amounts(i, nl, line, cells, table, rules))
            signed.extend(_row_signed(i, nl, line, cells, table, rules))
        elif table is not None:
            table.gap += 1
            if table.gap > table.separator.max_gap_lines:
                table = None
    return out, signed
