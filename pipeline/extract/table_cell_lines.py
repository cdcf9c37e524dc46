"""Money in tables written one cell per line (Markdown or text conversions of annual accounts).

A converter that loses a table's grid writes each cell on a line of its own, often with a blank
line between cells::

    2017/18   ...  2024/25        (one line each)
    £000      ...  £000
    NHS England
    498,293   ...  895,744
    Integrated Care
    522,806   ...  913,276
    Board

A header here is a run of at least ``min_columns`` cells each of which is, whole, a money
header of ``headers`` (`£000`, `(£000)`, `£'000`, `£m`: a currency and a unit). Its N cells are
the table's N money columns, in order. Below it, a row is one or more label cells then numbers:
a run of number cells whose count is a multiple of N is N-column rows, each k-th number under the
k-th header cell. The financial year over a column is the k-th cell of a run of N year cells just
above the header (`2024/25`). The table ends at the next header, at a run of numbers that does
not line up (its count is not a multiple of N), at more than ``max_label_cells`` label cells in a
row (prose, a heading), at more than ``max_blank_lines`` blank lines between cells, and at any
line of another kind of table (tabs, pipes). Rules: ``cell_lines`` in rules/table_money.yaml.

Each amount points at its own column's header cell (`header_page`/`header_line`), with
`basis = column_header`, like the amounts of other tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from pydantic import ConfigDict

from pipeline.extract.table_money import (
    WORD,
    Cell,
    CellAmount,
    CellLineRules,
    Column,
    TableRules,
    _amounts,
    _fin_year,
    _words,
    is_number_cell,
    parse_unit_header,
)
from pipeline.model import Document, Line
from pipeline.normalise import NormLine
from pipeline.rules import RuleModel, read_yaml, validate_model

FILE = "table_money.yaml"


class _CellLinesOnly(RuleModel):
    model_config = ConfigDict(extra="ignore", frozen=True)  # the rest of the file is table_money's

    cell_lines: CellLineRules


@lru_cache(maxsize=4)
def load_cell_line_rules(directory: Path) -> CellLineRules:
    path = directory / FILE
    return validate_model(_CellLinesOnly, read_yaml(path), path).cell_lines


@dataclass(frozen=True)
class _Cell:
    index: int  # the line's index in the document
    cell: Cell
    kind: str  # header | number | year | label


def _cells(doc: Document, lines: Sequence[NormLine], rules: TableRules, own: CellLineRules) -> Iterable[_Cell | None]:
    """Each non-blank line as one cell, None for a break (a line of another table, or too many blanks)."""
    blanks = 0
    rows = [s.row.search for s in rules.file.separators]
    for i, nl in enumerate(lines):
        text = nl.text.strip()
        if not text:
            blanks += 1
            if blanks == own.max_blank_lines + 1:
                yield None
            continue
        blanks = 0
        if any(row(nl.text) for row in rows):
            yield None
            continue
        start = len(nl.text) - len(nl.text.lstrip())
        cell = Cell(start, start + len(text), text)
        if parse_unit_header(cell, rules) is not None:
            kind = "header"
        elif is_number_cell(cell, rules):
            kind = "number"
        elif _one_word(text) and _fin_year(text, rules) is not None:  # one word first: it stops at the second
            kind = "year"
        else:
            kind = "label"
        yield _Cell(i, cell, kind)


def find(doc: Document, lines: Sequence[NormLine], rules: TableRules, own: CellLineRules) -> list[CellAmount]:
    """Every amount in a money column of a one-cell-per-line table, top to bottom."""
    if not _may_have_header(lines, rules, own):
        return []
    out: list[CellAmount] = []
    run: list[_Cell] = []  # cells of one kind in a row
    previous: list[list[_Cell]] = []  # the runs before the current one (for years over a header)
    columns: list[tuple[Column, Line]] | None = None
    labels = 0

    def close(r: list[_Cell]) -> None:
        nonlocal columns, labels
        if not r:
            return
        kind = r[0].kind
        if kind == "header" and len(r) >= own.min_columns:
            years = _years_over(previous, len(r), rules)
            columns = []
            for k, c in enumerate(r):
                currency, unit = parse_unit_header(c.cell, rules) or ("", Decimal(1))
                col = Column(k, None, currency, unit, "column_header", years[k] if years else None)
                columns.append((col, doc.lines[c.index]))
            labels = 0
        elif columns is not None and kind == "number":
            n = len(columns)
            if len(r) % n:
                columns = None  # does not line up: the table is over
            else:
                for j, c in enumerate(r):
                    col, header = columns[j % n]
                    words = _words(c.cell.text, 0, len(c.cell.text))
                    out.extend(_amounts(c.index, c.cell, words, col, header, rules))
                labels = 0
        elif columns is not None and kind in ("label", "year"):
            labels += len(r)
            if labels > own.max_label_cells:
                columns = None
        elif columns is not None:
            columns = None  # a header too short to be one
        previous.append(r)
        del previous[: -max(rules.file.header_rows_above, 1) * 2]

    for item in _cells(doc, lines, rules, own):
        if item is None:
            close(run)
            run, columns, previous[:] = [], None, []
            continue
        if run and run[-1].kind != item.kind:
            close(run)
            run = []
        run.append(item)
    close(run)
    return out


def _one_word(text: str) -> bool:
    """Whether `text` is one word (`len(_words(text, 0, len(text))) == 1`, without listing the others)."""
    first = WORD.search(text)
    return first is not None and WORD.search(text, first.end()) is None


def _may_have_header(lines: Sequence[NormLine], rules: TableRules, own: CellLineRules) -> bool:
    """Whether the document holds the `min_columns` header cells a table needs (most hold none: then no line
    is worth classifying)."""
    found = 0
    for nl in lines:
        text = nl.text.strip()
        if text and parse_unit_header(Cell(0, len(text), text), rules) is not None:
            found += 1
            if found >= own.min_columns:
                return True
    return False


def _years_over(previous: list[list[_Cell]], n: int, rules: TableRules) -> list[str | None] | None:
    """The financial years of a run of n year cells among the few runs just above a header."""
    for r in reversed(previous[-rules.file.header_rows_above * 2 :] if rules.file.header_rows_above else []):
        if r[0].kind == "year" and len(r) == n:
            return [_fin_year(c.cell.text, rules) for c in r]
    return None
