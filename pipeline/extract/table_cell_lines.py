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

A page of accounts often holds two notes side by side, and the converter interleaves their lines:
a row's label, a line of the other note's prose, the row's numbers; one line may hold several
cells (`1,822,986 1,645,171`). So a line is cut into cells: whole (a header, a label), or one cell
a word where every word is a number or a financial year.

A header is at least ``min_columns`` cells each of which is, whole, a money header of ``headers``
(`£000`, `(£000)`, `£'000`, `£m`: a currency and a unit), with at most ``max_header_gap`` label
cells between two of them (`£000`, `income`, `£000`). Its N cells are the table's N money columns.
Below it, a row is label cells then a run of numbers. A run whose count is a multiple of N puts
the k-th number under the k-th header cell (its year: the k-th of a run of N year cells just above
the header); a run that does not line up (the other note's row, an empty cell) is read too when
every column has one currency and unit, with a year only where the years over the columns repeat
with the run's length (`2024/25 2023/24 2024/25 2023/24` over two notes of two columns). Not
amounts: a row's note number under a `Note` header (``note_ref``), the page number right before the
page's running head (``running_head``: a line printed after a page number at least
``running_head_repeats`` times), a lone small number out of line (``page_number``), days of dates
(``date_day`` with a ``date_month`` after them), calendar years (``not_amount``); and a table with
columns of counts or bands among its money columns (``other_columns``: `Number`, `£000`) is not
read. The table ends at the next header, at the running head, at more than ``max_label_cells``
label cells in a row, at more than ``max_blank_lines`` blank lines between cells, and at any line
of another kind of table (tabs, pipes). The work is one pass over the lines (and one to count the
running heads). Rules: ``cell_lines`` in rules/table_money.yaml.

A row's label that ends in its own unit (`Total resource cost (£000)`, `Total Renumeration (£)`: the
header in the table's first column) makes the run of numbers right after it amounts in that unit,
whatever the columns over them hold (``row_header_start``; a wrapped label's second line after its
cells, ``row_header_continuation``). Numbers ending a label's line (`Net book value at 12,144
487,152`, ``label_tail``) are the row's first cells when the row's other cells follow on the next
lines.

A label naming bands in a currency (`Bands of £5k`, `(bands of £5,000)`, ``band_header``) makes the ranges
alone on their lines below it (`275-280`) amounts in ``band_unit``s (£275,000 to £280,000); a range anywhere
else is no money.

Each amount points at its own column's header cell (`header_page`/`header_line`), with
`basis = column_header`, like the amounts of other tables.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from pydantic import ConfigDict

from pipeline.extract.any_pattern import any_search
from pipeline.extract.table_money import (
    DIGIT,
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
    parse_row_header,
    parse_unit_header,
    unmark,
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


@dataclass(slots=True)  # (not frozen: made once a line, and a frozen dataclass is slow to make)
class _Cell:
    index: int  # the line's index in the document
    cell: Cell  # offsets in the normalised line
    kind: str  # header | number | year | label | head (a page's running head)
    alone: bool = True  # the only cell of its line
    marked: bool = False  # a header written in bold with a unit (`**£000**`): may open a table alone
    line_whole: Cell | None = None  # a label with numbers after it on its line: the line as one cell


@dataclass
class _Table:
    columns: list[tuple[Column, Line]]
    notes: bool  # a `Note` label among the header's cells: rows may start with a note number
    period: int | None  # the years over the columns repeat every `period` columns (None: they do not)
    same_unit: bool  # every column has one currency and unit (a run that does not line up is still read)


def _line_cells(i: int, text: str, rules: TableRules, own: CellLineRules) -> list[_Cell]:
    """The cells of one line: the line whole as a header or a label, or one cell per word where
    every word is a number (`1,822,986 1,645,171`), a financial year (`2024/25 2023/24`) or a header
    written with its sign (`£000 £000`). The first word decides which test the others get (most lines
    are prose: one test of one word)."""
    whole = _bare(text, rules)
    start = whole.start
    header = parse_unit_header(whole, rules)
    if header is not None:
        marked = len(whole.text) < len(text.strip()) and header[1] >= own.marked_min_unit
        return [_Cell(i, whole, "header", marked=marked)]
    first = WORD.search(text, start, whole.end)
    if first is None:
        return [_Cell(i, whole, "label")]
    s, e = first.span()
    cells = rules.file.cells
    digit = DIGIT.search(text, s, e) is not None  # (every number and year has one; most words none)
    if digit and cells.range.fullmatch(text, start, whole.end) and _fin_year(whole.text, rules) is None:
        return [_Cell(i, whole, "range")]  # `275-280`: a band (money under a band header only)
    if (digit and cells.number.fullmatch(text, s, e)) or cells.nil.fullmatch(text, s, e):
        kind = "number"
    elif digit and _fin_year(first.group(), rules) is not None:
        kind = "year"
    elif e < whole.end and not text[s].isalpha() and parse_unit_header(Cell(s, e, first.group()), rules) is not None:
        kind = "header"
    else:
        return _label(i, text, whole, rules, own)
    words = [Cell(s, e, text[s:e]) for s, e in _words(text, start, whole.end)]
    if not all(_is_kind(w, kind, rules) for w in words[1:]):
        return _label(i, text, whole, rules, own)
    if kind == "number" and any(own.not_amount.fullmatch(w.text) for w in words):
        return [_Cell(i, whole, "label")]  # `2025` under `31 March`: part of a date
    return [_Cell(i, w, kind, len(words) == 1) for w in words]


def _label(i: int, text: str, whole: Cell, rules: TableRules, own: CellLineRules) -> list[_Cell]:
    """A label line: one label cell, or, where numbers end the line (`Net book value at 12,144 487,152`,
    `Net book value at 31 March 2024 12,345`), the label and a number cell each (`label_tail`; a calendar year ends
    the label: `not_amount`). Whether those numbers are the row's cells is told by what follows (`_cells`)."""
    number, nil = rules.file.cells.number, rules.file.cells.nil
    last = max(whole.start, text.rfind(" ", whole.start, whole.end) + 1)
    if not (number.fullmatch(text, last, whole.end) or nil.fullmatch(text, last, whole.end)):
        return [_Cell(i, whole, "label")]  # (most lines: no number ends them)
    words = _words(text, whole.start, whole.end)
    k = len(words)
    while k > 1:  # (a small number before the tail is the label's own: `Net book value at 1 12,011 442,719`)
        s, e = words[k - 1]
        if not (own.label_tail.fullmatch(text, s, e) or nil.fullmatch(text, s, e)):
            break
        k -= 1
    tail = [(s, e) for s, e in words[k:] if DIGIT.search(text, s, e)]  # (without nils)
    label = Cell(whole.start, words[k - 1][1], text[whole.start : words[k - 1][1]])
    if not tail or not _has_letter(label.text):
        return [_Cell(i, whole, "label")]  # (`Lease cars IFRS 16`: a number of the label's own)
    tail = words[k:]
    numbers = [_Cell(i, Cell(s, e, text[s:e]), "number", False) for s, e in tail]
    return [_Cell(i, label, "label", line_whole=whole), *numbers]


def _has_letter(text: str) -> bool:
    return any(c.isalpha() for c in text)


def _bare(text: str, rules: TableRules) -> Cell:
    """The line as one cell: whitespace trimmed, and emphasis around the whole of it (`**£000 **`,
    `**(1,670) **`: ``marks``) left out."""
    stripped = text.strip()
    start = text.index(stripped[0]) if stripped else 0
    return unmark(Cell(start, start + len(stripped), stripped), rules)


def _is_kind(word: Cell, kind: str, rules: TableRules) -> bool:
    if kind == "number":
        return is_number_cell(word, rules)
    if kind == "year":
        return _one_word(word.text) and _fin_year(word.text, rules) is not None
    return parse_unit_header(word, rules) is not None


def _cells(lines: Sequence[NormLine], rules: TableRules, own: CellLineRules) -> list[_Cell | None]:
    """The document's cells in order, None for a break (a line of another table, too many blanks)."""
    out: list[_Cell | None] = []
    blanks = 0
    any_row = any_search(tuple(s.row for s in rules.file.separators))  # one scan, not one a separator
    heads = _running_heads(lines, rules, own)
    for i, nl in enumerate(lines):
        text = nl.text.strip()
        if not text:
            blanks += 1
            if blanks == own.max_blank_lines + 1:
                out.append(None)
            continue
        blanks = 0
        if any_row(nl.text):
            out.append(None)
        elif text in heads:
            out.append(_Cell(i, Cell(0, len(text), text), "head"))
        else:
            out.extend(_line_cells(i, nl.text, rules, own))
    return _row_lines(out)


def _row_lines(cells: list[_Cell | None]) -> list[_Cell | None]:
    """The cells, where a label line's numbers are its row's first cells only when the row's other cells
    follow (numbers on the next lines: `Net book value at 12,144 487,152`, `871`, `61,044`...) or the next
    line or the one before is such a row too (rows of one cell each, every one on its label's line: `Net book
    value of right of use assets leased from other NHS providers 4,475`); else the line is one label
    (`... we delivered 1,259,785` in prose)."""
    out: list[_Cell | None] = []
    k = 0
    tail_row_end = -1  # where the cells of the last label line read as a row end
    while k < len(cells):
        c = cells[k]
        if c is not None and c.line_whole is not None:
            end = k + 1
            while end < len(cells) and (n := cells[end]) is not None and n.index == c.index:
                end += 1
            after = cells[end] if end < len(cells) else None
            row = after is not None and (after.kind == "number" or after.line_whole is not None)
            if not row and k != tail_row_end:
                out.append(_Cell(c.index, c.line_whole, "label"))
                k = end
                continue
            tail_row_end = end
        out.append(c)
        k += 1
    return out


def _running_heads(lines: Sequence[NormLine], rules: TableRules, own: CellLineRules) -> set[str]:
    """Label lines printed right after a page number (a lone number of `page_number`'s form) at least
    `running_head_repeats` times: a page's running head (`Financial statements`). A line in bold
    (`**Annual report and accounts 2023-2024**`, after a page number in bold, `**33**`) is one when
    it stands after a page number at least `running_head_repeats` times and at least
    `marked_head_share` of the times it is printed (not a bold `**Total**` that a small amount
    sometimes stands before)."""
    counts: Counter[str] = Counter()
    printed: Counter[str] = Counter()  # bold lines: how often each is printed
    previous = ""
    for nl in lines:
        text = nl.text.strip()
        if text:
            bare = _bare(text, rules).text if text[0] in "*_" else text
            if bare is not text:
                printed[text] += 1
            if own.page_number.fullmatch(previous):
                counts[text] += 1
            previous = bare
    return {
        t
        for t, n in counts.items()
        if n >= own.running_head_repeats
        and (own.running_head.fullmatch(t) or (t in printed and n >= own.marked_head_share * printed[t]))
    }


def find(doc: Document, lines: Sequence[NormLine], rules: TableRules, own: CellLineRules) -> list[CellAmount]:
    """Every amount in a money column of a one-cell-per-line table, top to bottom."""
    if not _may_have_header(lines, rules, own):
        return []
    cells = _cells(lines, rules, own)
    found = [*_columns(doc, cells, rules, own), *_bands(doc, cells, rules, own)]
    return sorted(found, key=lambda a: (a.line_index, a.start))


def _bands(doc: Document, cells: Sequence[_Cell | None], rules: TableRules, own: CellLineRules) -> list[CellAmount]:
    """Ranges (`275-280`, each alone on its line) below a label naming bands in a currency (`Bands of £5k`,
    `(bands of £5,000)`): amounts in that currency, in units of ``band_unit`` (£275k-£280k), up to a break,
    a running head or more than ``max_label_cells`` label cells in a row. A range anywhere else (`5-10`, a
    count of years) is no money."""
    out: list[CellAmount] = []
    band: tuple[str, _Cell] | None = None
    labels = 0
    for c in cells:
        if c is None or c.kind == "head":
            band = None
        elif c.kind == "range" and band is not None:
            col = Column(0, None, band[0], Decimal(own.band_unit), "column_header", None)
            out.extend(_amounts(c.index, c.cell, [(0, len(c.cell.text))], col, doc.lines[band[1].index], rules))
            labels = 0
        elif c.kind in ("label", "header"):
            m = own.band_header.search(c.cell.text)
            currency = rules.currency_of.get(m.group("cur")) if m else None
            if currency is not None:
                band, labels = (currency, c), 0
            elif band is not None and c.kind == "label":
                labels += 1
                if labels > own.max_label_cells:
                    band = None
    return out


def _columns(doc: Document, cells: list[_Cell | None], rules: TableRules, own: CellLineRules) -> list[CellAmount]:
    """The amounts of the tables' money columns and of rows whose label ends in their unit."""
    out: list[CellAmount] = []
    table: _Table | None = None
    group: list[_Cell] = []  # the header cells of the table being opened
    group_labels: list[_Cell] = []  # label cells among them (and the one right before them)
    gap = 0  # label cells since the group's last header cell
    years: list[_Cell] = []  # the last run of year cells since the last row
    labels = 0  # label cells since the last row
    run: list[_Cell] = []  # number cells in a row
    before: _Cell | None = None  # the cell before the group's first header cell
    lead: list[_Cell] = []  # the label cells right before this cell (at most `max_header_gap`)
    group_lead: list[_Cell] = []  # those right before the group's first header cell

    printed = Counter(c.cell.text for c in cells if c is not None and c.kind == "label")
    heads = own.head_prints

    def rows(r: list[_Cell], at: int) -> None:
        nonlocal table, group, group_labels, labels
        after = cells[at] if at < len(cells) else None
        if _dates(r, cells[at : at + own.date_reach], own):
            return  # `31`, `31`, `March`, `March`: days of dates over the columns
        if group:
            table = _open(doc, group, group_labels, group_lead, years, rules, own) if _enough(group, own) else None
            group, group_labels, labels = [], [], 0
        row = _row_header(cells, at - len(r), at, rules, own)
        if table is None and row is None:
            row = _unit_under_label(cells, at - len(r), rules, own)
        if table is None and row is None:
            return  # (numbers outside a table, `31` of `31 March`, leave the years for the next header)
        if table is not None:
            years.clear()
        head = after is not None and (
            after.kind == "head" or (row is not None and after.kind == "label" and printed[after.cell.text] >= heads)
        )  # (after a row of its own unit, a line printed on many pages: a running head not told as one)
        if head and r[-1].alone and own.page_number.fullmatch(r[-1].cell.text):
            r = r[:-1]  # the page's number
            if not r:
                return
        if row is not None:  # `Total remuneration (£)`, then the row's numbers: its own currency and unit
            currency, unit, label = row
            while (
                len(r) > 1 and own.page_number.fullmatch(r[-1].cell.text) and own.label_tail.fullmatch(r[0].cell.text)
            ):
                r = r[:-1]  # `26,530`, `36,222`, `49,220`, `4`: the last is the other column's count
            lined_up = table is not None and len(r) % len(table.columns) == 0
            for j, c in enumerate(r):  # (the years over the table's columns, where the row lines up)
                year = table.columns[j % len(table.columns)][0].fin_year if table is not None and lined_up else None
                col = Column(0, None, currency, unit, "column_header", year)
                out.extend(_amounts(c.index, c.cell, [(0, len(c.cell.text))], col, doc.lines[label.index], rules))
            labels = 0
            return
        if table is None:
            return
        n = len(table.columns)
        if table.notes and len(r) % n == 1 and own.note_ref.fullmatch(r[0].cell.text):
            r = r[1:]  # the row's note number
        lined_up = len(r) % n == 0
        if not lined_up and (not table.same_unit or (len(r) == 1 and own.page_number.fullmatch(r[0].cell.text))):
            return
        period = n if lined_up else table.period if table.period and len(r) % table.period == 0 else None
        for j, c in enumerate(r):
            # out of line: the column is known only up to the years' period (none: the first column's
            # header, no year)
            col, header = table.columns[j % period] if period else table.columns[0]
            if not period:
                col = replace(col, fin_year=None)
            out.extend(_amounts(c.index, c.cell, [(0, len(c.cell.text))], col, header, rules))
        labels = 0

    for at, item in enumerate([*cells, None]):
        if run and (item is None or item.kind != "number"):
            rows(run, at)
            run = []
        if item is None or item.kind == "head":
            table, group, group_labels, years[:], labels, lead = None, [], [], [], 0, []
            before = item
            continue
        if item.kind == "number":
            run.append(item)
        elif item.kind == "header":
            if not group or gap > own.max_header_gap:
                group, group_labels = [], [before] if before is not None and before.kind == "label" else []
                group_lead = lead[:-1] if group_labels else []
            group.append(item)
            table, gap = None, 0
        else:
            if group:
                gap += 1
                group_labels.append(item)
            if item.kind == "year":
                if before is None or before.kind != "year":
                    years.clear()  # the years over a table are the last run of them
                years.append(item)
            if table is not None:
                labels += 1
                if labels > own.max_label_cells:
                    table = None
        lead = [*lead, item][-own.max_header_gap :] if item.kind == "label" else []
        before = item
    return out


def _enough(group: list[_Cell], own: CellLineRules) -> bool:
    """Whether a header's cells open a table: `min_columns` of them, or `min_columns_marked` all in bold."""
    return len(group) >= own.min_columns or (len(group) >= own.min_columns_marked and all(c.marked for c in group))


def _row_header(
    cells: Sequence[_Cell | None], first: int, end: int, rules: TableRules, own: CellLineRules
) -> tuple[str, Decimal, _Cell] | None:
    """The currency, unit and label of a row whose label ends in a money header (`Total cost (£)`,
    `Total resource cost (£000)`), for its numbers cells[first:end]: the label before them, or the second
    line of a wrapped label after them (`Salary component of total`, numbers, `remuneration (£)`: it starts
    as `row_header_continuation` says; one that starts as `row_header_start` says only where a label without
    a digit follows it, else it is the next row's label: `Total`, numbers, `Remuneration (£)`, `Number`, not
    `Total resource cost (£)`, `£10,000`). Up to
    `row_header_reach` lines that start as `row_header_continuation` says may stand between the numbers and
    the label on either side (the other column of a page of two, interleaved: `Consultancy costs (£'000s)`,
    `of employees) between 2023/24 and 2024/25`, `462`). The label's first line starts as `row_header_start`
    says. None for a label naming bands (`other_columns`)."""
    back: list[_Cell] = []  # the labels before the numbers, nearest first, back to the label's first line
    at = first - 1
    while at >= 0 and len(back) <= own.row_header_reach:
        c = cells[at]
        if c is None or c.kind != "label":
            break
        back.append(c)
        if not own.row_header_continuation.match(c.cell.text):
            break
        at -= 1
    if not back or not own.row_header_start.match(back[-1].cell.text):
        return None  # (`ntract com £000`: a piece of a line cut on a turned page)
    for c in back:
        found = _row_unit(c, rules, own)
        if found is not None:
            return (*found, c)
    for at in range(end, min(end + own.row_header_reach + 1, len(cells))):
        c = cells[at]
        if c is None or c.kind != "label":
            return None
        lower = own.row_header_continuation.match(c.cell.text) is not None
        found = _row_unit(c, rules, own)
        if found is not None:
            after = cells[at + 1] if at + 1 < len(cells) else None
            if lower or after is None or (after.kind == "label" and not DIGIT.search(after.cell.text)):
                return (*found, c)
        if not lower:
            return None
    return None


def _row_unit(c: _Cell, rules: TableRules, own: CellLineRules) -> tuple[str, Decimal] | None:
    return None if own.other_columns.search(c.cell.text) else parse_row_header(c.cell, rules)


def _unit_under_label(
    cells: Sequence[_Cell | None], first: int, rules: TableRules, own: CellLineRules
) -> tuple[str, Decimal, _Cell] | None:
    """The currency, unit and header cell of a row whose label is followed by its unit on a line of its own,
    then its numbers cells[first:] (`Total resource cost`, `£'000`, numbers): a header cell that opened no
    table, right after a label that starts as `row_header_start` says and names no bands. (A chart's axis
    title stands among the axis's numbers: `160`, `£000`, `140`.)"""
    if first < 2:
        return None
    unit, label = cells[first - 1], cells[first - 2]
    if unit is None or label is None or unit.kind != "header" or label.kind != "label":
        return None
    if not own.row_header_start.match(label.cell.text) or own.other_columns.search(label.cell.text):
        return None
    found = parse_unit_header(unit.cell, rules)
    return None if found is None else (*found, unit)


def _dates(r: list[_Cell], following: Sequence[_Cell | None], own: CellLineRules) -> bool:
    """Whether a run of numbers is the days of dates: each a day, with a month among the cells after it."""
    return all(own.date_day.fullmatch(c.cell.text) for c in r) and any(
        c is not None and c.kind == "label" and own.date_month.fullmatch(c.cell.text) for c in following
    )


def _open(
    doc: Document,
    group: list[_Cell],
    labels: list[_Cell],
    lead: list[_Cell],
    years: list[_Cell],
    rules: TableRules,
    own: CellLineRules,
) -> _Table | None:
    """The table a header's cells open, or None where columns of counts or bands stand among them (or
    among the `max_header_gap` labels right before them: `(bands of`, `£5000)`, `£'000`)."""
    texts = [c.cell.text for c in [*lead, *labels]]
    ranges = len(group) >= own.min_columns  # (a lone unit under a band label is the band column's own)
    if any(own.other_columns.search(t) and not (ranges and own.band_header.search(t)) for t in texts):
        return None
    n = len(group)
    written = [_fin_year(c.cell.text, rules) for c in years]
    over: list[str | None] = [None] * n
    if len(written) == n:  # (two years over six columns may be 3 + 3 or 5 + 1: no year is said)
        over = written
    columns: list[tuple[Column, Line]] = []
    for k, c in enumerate(group):
        currency, unit = parse_unit_header(c.cell, rules) or ("", Decimal(1))
        columns.append((Column(k, None, currency, unit, "column_header", over[k]), doc.lines[c.index]))
    period = next(
        (p for p in range(1, n) if n % p == 0 and over[0] and all(over[k] == over[k % p] for k in range(n))),
        None,
    )
    same = len({(c.currency, c.unit) for c, _ in columns}) == 1
    notes = any(own.note_header.fullmatch(c.cell.text) for c in labels)
    return _Table(columns, notes, period, same)


def _one_word(text: str) -> bool:
    """Whether `text` is one word (`len(_words(text, 0, len(text))) == 1`, without listing the others)."""
    first = WORD.search(text)
    return first is not None and WORD.search(text, first.end()) is None


def _may_have_header(lines: Sequence[NormLine], rules: TableRules, own: CellLineRules) -> bool:
    """Whether the document holds the `min_columns` header cells a table needs, or a row label ending in its
    unit (most hold none: then no line is worth classifying)."""
    found = 0
    for nl in lines:
        text = nl.text.strip()
        header = parse_unit_header(bare := _bare(text, rules), rules) if text else None
        if header is not None:
            found += 1
            if found >= own.min_columns or (len(bare.text) < len(text) and header[1] >= own.marked_min_unit):
                return True
        elif text and parse_row_header(bare, rules) is not None:
            return True  # a row's label ending in its unit (`Total cost (£)`)
    return False
