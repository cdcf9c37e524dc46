"""Annual accounts: what a cell of an accounts table measures and which year its column is.

An accounts table (cells under a money column header such as `£000`) says what each amount is in its
row's label ("Deficit for the year", "Purchase of PPE", "Interest received", "Remove impairments") and,
where the label names nothing, in the table's title ("6.1 Operating expenses"). Its columns are years
(`2024/25`) or balance dates (`31 March 2025`) written above the header cells. The words are data in
rules/facts_accounts.yaml (model `AccountsRules`); the steps here read only a few lines around a
cell (cached per header), never the whole document.

Tables written one cell a line (blank lines between) are read line by line, not by paragraph (a
paragraph runs on over cells that end with no full stop):

    row_label_measure(lines, i, start, value, rules) -> (measure, rule id, (line, start, end)) | None
    titles(lines, header, rules) -> the lines above the header; title_measure over them
    header_run(lines, header, rules), column_years(lines, first, columns, rules): a column's year cell
    split_dates(lines, first, columns, rules): `31 March` cells over a later row of year cells (`2025`)

A converter may write a cell, a label, a header, a title in bold (`**£000 **`, `**Total finance income**`,
`**(65,770)**`, `**2024/25**`): `unmarked` reads the lines with the marks (`marks` of
rules/table_money.yaml, the money table's) blanked, so every step here reads a bold line as a plain one,
at the same offsets.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from functools import cached_property, lru_cache
from itertools import islice
from pathlib import Path
from typing import Annotated, Literal

import regex
from pydantic import Field, model_validator

from pipeline.facts.fact_rules import Measure
from pipeline.facts.prefilter import WordIndex, could_match, folded, lines_that_could_match, pattern_needs
from pipeline.rules import FoldRegex, Regex, RuleModel, groups, load_model, once, read_yaml, validate_model

FILE = "facts_accounts.yaml"


class RowCue(RuleModel):
    """Words of a row label (or a table's title) that say what the row's amounts are. `result`: the
    year's surplus or deficit, by the amount's sign (brackets: a deficit) unless the label names only
    a deficit."""

    id: Annotated[str, once("accounts cue ids")]
    measure: Measure | Literal["result"]
    pattern: FoldRegex
    # a title cue that decides every row of its table but those whose row cue it `yields_to` (a
    # reconciliation's reconciling items, a note of balances): over the row labels, not under them
    over_rows: bool = False
    # an `over_rows` title cue's exceptions: the row cues (ids) that still decide their rows (the year's
    # result in a reconciliation; interest paid in a reconciliation of financing liabilities)
    yields_to: list[str] = Field(default_factory=list)
    # the measure when the amount is negative (brackets): a net figure of finance costs is a cost when
    # bracketed, and no income nor cost alone when positive (a net finance income)
    negative: Measure | None = None


class AccountsRules(RuleModel):
    # a line that is only cells of numbers (and nil cells `-`, note numbers `6.1`): a row's cells
    number_cell: FoldRegex
    # a line that is one money column header cell (`£000`)
    unit_cell: FoldRegex
    # a column's year or balance date above the header cells (`2024/25`, `2024-25`, `31 March 2025`)
    year_cell: FoldRegex
    date_cell: FoldRegex
    # a column's year as the calendar year its financial year ends in (`2025` under "Year ended 31 March")
    year_end_cell: FoldRegex | None = None
    month_year_cell: FoldRegex | None = None
    # how many label lines above a cell (after its row's other cells) make its row label
    label_lines: int = Field(ge=1)
    # how many lines above the header cells a table's title is looked for in
    title_lines: int = Field(ge=1)
    # how many lines (labels such as `Note`) may stand between the column years and the headers
    year_gap: int = Field(ge=0)
    # how many lines, at most, are looked at for one cell's header or row (blank lines included)
    reach_lines: int = Field(ge=1)
    # a label naming only a deficit: a `result` row that is a deficit whatever its sign
    deficit_only: FoldRegex
    # the year of an annual report in its title, as a file name gives it (`annual report 2024 25`)
    report_year: FoldRegex
    # a row's first cell written at the end of its label line (`Drug costs (...) 326,296`): the cells on
    # the lines after it are the next columns' (period.column_year)
    label_cell: FoldRegex | None = None
    # the label closing a group of columns under one year (`2024/25` over `Permanent` / `Other` / `Total`,
    # `2023/24` over `Total`): a year spans the columns up to its group's last label (period.column_group)
    group_end: FoldRegex | None = None
    # how many lines, beyond the columns' labels, may stand between them and the groups' years: the label of
    # the rows' column written among the columns' (`2023/24` / `2022/23` / `Staff costs` / `Permanent` / ...)
    group_corner: int = Field(default=0, ge=0)
    # a group's year written with words about it ("Year Ended 31 March 2025" over "Total" / "Permanently" /
    # "Other", "Year Ended 31 March 2024" over the same three): as many columns under each year, in order, where
    # no `group_end` label closes the groups, the columns' labels at most `group_label_lines` lines, a label
    # written over two lines too ("Permanently" / "Employed"; period.column_group)
    group_year_cell: FoldRegex | None = None
    group_label_lines: int = Field(default=0, ge=0)
    # a column's date written in two rows of cells (`31 March` / `31 March`, then `2025` / `2024`): the
    # day and month of a balance date, and a calendar year alone (period.column_split_date)
    day_month_cell: FoldRegex | None = None
    # a title line ending with the first column's year in bold of its own (marks blanked; group `year`)
    title_year: FoldRegex | None = None
    year_alone_cell: FoldRegex | None = None
    # a row label naming a balance date (`At 1 April 2024`, `Balance at 31 March 2025`): in a table whose
    # columns and title name no year (a roll-forward of provisions), a cell is of the financial year of
    # the nearest such label at or above its row (period.row_date)
    row_date: FoldRegex | None = None
    # a numbered note's title (`26.1 Provisions for ...`, `**7. Impairment of assets**`): read before the
    # other lines above a table's header cells (column labels such as `Redundancy` / `costs`)
    note_title: FoldRegex | None = None
    # a column's balance date written a word a line, the columns' words interleaved (`31` / `31` / `March` /
    # `March` / `2025` / `2024` over two `£000`): a run of month names above a run of years, one per
    # column, at most `split_reach` lines above the header cells (period.column_split_date)
    split_month: FoldRegex | None = None
    split_year: FoldRegex | None = None
    split_reach: int = Field(default=0, ge=0)
    # a cell right below a cell of its row (blank lines between) that the money table put under the same
    # header cell is in the next column (two tables' rows interleaved; period.column_year)
    same_header_next: bool = False
    # ordered: the first cue matching the nearest label line wins
    row_cues: list[RowCue] = Field(min_length=1)
    title_cues: list[RowCue] = Field(min_length=1)
    # a heading of a group of rows inside a table ("Non-cash income and expense:" in a statement of cash flows):
    # it decides every row below it, up to a line `row_group_end` matches ("NET CASH GENERATED FROM
    # OPERATIONS"), over the row labels but those whose row cue it `yields_to` (`over_rows` is not read)
    row_groups: list[RowCue] = Field(default_factory=list)
    row_group_end: FoldRegex | None = None

    # the row and title cues a line's words let match (`prefilter.WordIndex`), built once with the rules (a
    # cached property, no field: read as fast as one, where a private attribute of the model takes microseconds)
    @cached_property
    def row_index(self) -> WordIndex:
        return WordIndex([pattern_needs(c.pattern) for c in self.row_cues])

    @cached_property
    def title_index(self) -> WordIndex:
        return WordIndex([pattern_needs(c.pattern) for c in self.title_cues])

    @model_validator(mode="after")
    def _yields_to_row_cues(self) -> AccountsRules:
        ids = {c.id for c in self.row_cues}
        for kind, cues in (("title cue", self.title_cues), ("row group", self.row_groups)):
            for cue in cues:
                unknown = [i for i in cue.yields_to if i not in ids]
                if unknown:
                    raise ValueError(f"{kind} {cue.id}: yields_to names {unknown[0]}, which is no row cue's id")
        return self


@lru_cache(maxsize=4)
def load_accounts(rules_dir: Path) -> AccountsRules | None:
    """rules/facts_accounts.yaml, validated and compiled; None where the folder has none."""
    path = Path(rules_dir) / FILE
    return load_model(AccountsRules, path) if path.exists() else None


class MarksRule(RuleModel):
    """The one entry of rules/table_money.yaml the accounts rules read: `marks`, the emphasis written around a
    cell (the money table's model checks the whole file)."""

    marks: Annotated[Regex, groups("inner")]


@lru_cache(maxsize=4)
def load_marks(rules_dir: Path) -> regex.Pattern[str] | None:
    """`marks` of rules/table_money.yaml, as the money table reads it; None where the folder has none."""
    path = Path(rules_dir) / "table_money.yaml"
    if not path.exists():
        return None
    data = read_yaml(path)
    entry = {"marks": data.get("marks")} if isinstance(data, dict) else data
    return validate_model(MarksRule, entry, path).marks


def unmarked(text: str, marks: regex.Pattern[str] | None) -> str:
    """The line with the emphasis around its cells, labels and titles blanked, offsets unchanged
    (`**£000 **` -> `  £000   `; `Label **1,199**` -> `Label   1,199  `)."""
    if marks is None or ("*" not in text and "_" not in text):
        return text
    chars = list(text)
    for m in marks.finditer(text):
        inner_start, inner_end = m.span("inner")
        for k in (*range(m.start(), inner_start), *range(inner_end, m.end())):
            if chars[k] in "*_":
                chars[k] = " "
    return "".join(chars)


Found = tuple[str, str, tuple[int, int, int]]  # measure, rule id, (line index, start, end) of the words
Lines = Sequence[str]  # the document's normalised line texts
Hit = tuple[str, str, int, int]  # measure, rule id, start, end in one line


def units(t: str, rules: AccountsRules) -> int:
    """How many money column header cells line t is: 1 for a cell alone (`£000`), n for n cells on one line
    (`**£000 £000 £000 **`, marks blanked), 0 for any other line."""
    if rules.unit_cell.fullmatch(t):
        return 1
    words = t.split()
    return len(words) if len(words) > 1 and all(rules.unit_cell.fullmatch(w) for w in words) else 0


class LineKinds:
    """Whether each line of a document is a row of cells (`number_cell`) and how many money column header cells
    it is (`units`), each found once per line (issue 9: what facts cost): every cell of a table walks up the
    lines above it (its row's other cells, its label lines, its header cells), so a table's lines are asked
    about again and again, by each cell of the rows below them."""

    def __init__(self, lines: Lines, rules: AccountsRules) -> None:
        self.lines, self.rules = lines, rules
        self.cells: dict[int, bool] = {}
        self.header_cells: dict[int, int] = {}

    def number(self, j: int) -> bool:
        """Whether line j is only cells of numbers (`number_cell`)."""
        found = self.cells.get(j)
        if found is None:
            found = self.cells[j] = self.rules.number_cell.fullmatch(self.lines[j]) is not None
        return found

    def units(self, j: int) -> int:
        """`units` of line j."""
        found = self.header_cells.get(j)
        if found is None:
            found = self.header_cells[j] = units(self.lines[j], self.rules)
        return found


def _above(lines: Lines, i: int, reach: int) -> Iterator[int]:
    """The non-blank lines of the `reach` above line i, nearest first (a cell a line, blank lines between)."""
    for j in range(i - 1, max(-1, i - 1 - reach), -1):
        if lines[j].strip():
            yield j


def line_above(lines: Lines, i: int, rules: AccountsRules) -> int | None:
    """The first non-blank line above line i (a cell a line, blank lines between), within `reach_lines`."""
    return next(_above(lines, i, rules.reach_lines), None)


def _match(text: str, lo: int, hi: int, cues: Sequence[RowCue], value: float, rules: AccountsRules) -> Hit | None:
    words = folded(text[lo:hi])
    for cue in cues:
        if not could_match(pattern_needs(cue.pattern), words):
            continue  # none of the words every match holds is there (`prefilter`): not run
        hit = _hit(text, lo, hi, cue, value, rules)
        if hit is not None:
            return hit
    return None


def _row_match(text: str, lo: int, hi: int, value: float, rules: AccountsRules) -> Hit | None:
    """`_match` over the row cues: the cues the words of text[lo:hi] let match found in one go (`row_index`)."""
    for k in rules.row_index.could_match(folded(text[lo:hi])):
        hit = _hit(text, lo, hi, rules.row_cues[k], value, rules)
        if hit is not None:
            return hit
    return None


def _hit(text: str, lo: int, hi: int, cue: RowCue, value: float, rules: AccountsRules) -> Hit | None:
    """What one cue says of text[lo:hi], where it matches there."""
    hit = cue.pattern.search(text, lo, hi)
    if hit is None:
        return None
    measure: str = cue.negative if cue.negative is not None and value < 0 else cue.measure
    if measure == "result":
        label = text[lo:hi]
        measure = "deficit" if value < 0 or rules.deficit_only.search(label) else "surplus"
    return measure, cue.id, hit.start(), hit.end()


def row_label_measure(
    lines: Lines,
    i: int,
    start: int,
    value: float,
    rules: AccountsRules,
    memo: dict[tuple[int, bool], Found | None] | None = None,
    kinds: LineKinds | None = None,
) -> Found | None:
    """The measure a cell's row label names: the words before the cell on its own line (`Drug costs
    ... 326,296`), else the label lines above it, nearest first, after its row's other cells
    (`Deficit for the year` / `(17,351)` / `(2,827)`), at most `label_lines` of them, past a neighbouring
    note's column years written between (`Unitary payment` / `2025` / `2024` / `payable to service` /
    `46,032`); a label line that starts in lower case is read with the line it continues (`_label_hit`).
    `memo` keeps what each label line says (by line and sign) for the other cells of its row; `kinds`, what each
    line is (the document's, kept for its other cells)."""
    seen: dict[tuple[int, bool], Found | None] = {} if memo is None else memo
    kinds = LineKinds(lines, rules) if kinds is None else kinds
    text = lines[i]
    if rules.number_cell.fullmatch(text, 0, start) is None:
        hit = _row_match(text, 0, start, value, rules)
        return None if hit is None else (hit[0], hit[1], (i, hit[2], hit[3]))
    labels, in_row = 0, True
    for j in _above(lines, i, rules.reach_lines):
        if kinds.number(j):
            if in_row:
                continue  # the row's earlier cells
            if rules.year_alone_cell is not None and rules.year_alone_cell.fullmatch(lines[j]):
                continue  # a column's year (`2025` / `2024`, a neighbouring note's header written between)
            break  # the row above
        if kinds.units(j):
            break  # the header
        in_row = False
        key = (j, value < 0)
        if key not in seen:
            seen[key] = _label_hit(lines, j, value, rules, kinds)
        found = seen[key]
        if found is not None:
            return found
        labels += 1
        if labels >= rules.label_lines:
            break
    return None


def _label_hit(lines: Lines, j: int, value: float, rules: AccountsRules, kinds: LineKinds) -> Found | None:
    """What label line j says: where it starts in lower case, first a cue written across it and the label line it
    continues (`Non Operating Income` / `and Expenditure Total`: the whole label's cue, not `Expenditure`
    alone), on the line it starts on; else a cue on the line alone (the upper line is read in its turn; in two
    notes interleaved it may be the other note's: `- later than one year and` / `other charges to`)."""
    t = lines[j]
    upper = next(_above(lines, j, rules.reach_lines), None) if t.lstrip()[:1].islower() else None
    if upper is not None and not (kinds.number(upper) or kinds.units(upper)):
        u = lines[upper]
        joined = f"{u} {t}"
        for k in rules.row_index.could_match(folded(joined)):
            hit = _hit(joined, 0, len(joined), rules.row_cues[k], value, rules)
            if hit is not None and hit[2] < len(u) < hit[3]:
                return hit[0], hit[1], (upper, hit[2], len(u))
    hit = _row_match(t, 0, len(t), value, rules)
    return None if hit is None else (hit[0], hit[1], (j, hit[2], hit[3]))


def titles(lines: Lines, header: int, rules: AccountsRules, kinds: LineKinds | None = None) -> list[int]:
    """The lines that may title a table, nearest first: at most `title_lines` above its header
    cells (`£000`), up to a row of cells (another table's). `kinds`: what each line is (`LineKinds`)."""
    kinds = LineKinds(lines, rules) if kinds is None else kinds
    out: list[int] = []
    for j in _above(lines, header, rules.reach_lines):
        t = lines[j]
        if kinds.units(j):
            continue
        # the year of a column's date (`31 March` / `2025`) is no row of cells: a line of the header's
        year = rules.year_alone_cell is not None and rules.year_alone_cell.fullmatch(t) is not None
        if (kinds.number(j) and not year) or len(out) >= rules.title_lines:
            break
        out.append(j)
    return out


def yields(rules: AccountsRules, title_id: str, row_id: str) -> bool:
    """Whether a row cue still decides its row under a title cue that decides over the rows."""
    return any(row_id in c.yields_to for c in rules.title_cues if c.id == title_id)


def title_measure(
    lines: Lines,
    above: list[int],
    value: float,
    rules: AccountsRules,
    memo: dict[int, tuple[bool, int, int]] | None = None,
) -> tuple[Found, bool] | None:
    """The measure a table's title names ("6.1 Operating expenses" over `£000` headers): the nearest
    title line with a title cue, a numbered note's title (`note_title`) before the other lines (column
    labels such as `Redundancy` / `costs` stand nearer); and whether it decides over the row labels
    (`over_rows`). `memo` keeps what each line is (a note's title; its first title cue and where that
    finds its words) for the other tables' columns it titles."""
    seen: dict[int, tuple[bool, int, int]] = {} if memo is None else memo
    for j in above:
        if j not in seen:
            note = rules.note_title is not None and rules.note_title.match(lines[j]) is not None
            seen[j] = (note, -1, -1)
            for k in rules.title_index.could_match(folded(lines[j])):  # the cues its words let match, in order
                hit = rules.title_cues[k].pattern.search(lines[j])
                if hit is not None:
                    seen[j] = (note, k, hit.start())
                    break
    if rules.note_title is not None:
        notes = [j for j in above if seen[j][0]]
        above = [*notes, *(j for j in above if j not in notes)]
    for j in above:
        _, k, start = seen[j]
        if k < 0:
            continue
        cue = rules.title_cues[k]
        found = _match(lines[j], start, len(lines[j]), (cue,), value, rules)
        assert found is not None
        return (found[0], found[1], (j, found[2], found[3])), cue.over_rows
    return None


def group_heads(lines: Lines, rules: AccountsRules) -> list[int]:
    """The lines a `row_groups` cue matches ("Non-cash income and expense:"), in order: read once per document."""
    if not rules.row_groups:
        return []
    # only the lines that hold a word a cue needs are searched (most of a document's lines hold none)
    near = sorted({j for c in rules.row_groups for j in lines_that_could_match(c.pattern, lines)})
    return [j for j in near if any(c.pattern.search(lines[j]) for c in rules.row_groups)]


def row_group(
    lines: Lines, i: int, header: int, value: float, rules: AccountsRules, heads: Sequence[int]
) -> tuple[Found, RowCue] | None:
    """The heading of the group of rows a cell's row is in ("Non-cash income and expense:" over "Depreciation and
    amortisation" / `50,820`): the nearest of the `heads` (`group_heads`) above the cell and below its header
    cells (line `header`), at most `reach_lines` up, unless a line `row_group_end` matches stands between; with
    its cue."""
    k = bisect.bisect_left(heads, i) - 1
    if k < 0 or heads[k] <= max(header, i - 1 - rules.reach_lines):
        return None
    j = heads[k]
    if rules.row_group_end is not None and any(rules.row_group_end.search(lines[n]) for n in range(j + 1, i)):
        return None
    cue = next(c for c in rules.row_groups if c.pattern.search(lines[j]))
    hit = _match(lines[j], 0, len(lines[j]), (cue,), value, rules)
    assert hit is not None
    return (hit[0], hit[1], (j, hit[2], hit[3])), cue


def row_date_line(
    lines: Lines, i: int, start: int, header: int, rules: AccountsRules, memo: dict[int, int | None]
) -> int | None:
    """The line of the nearest row label naming a balance date (`At 1 April 2024`), or of a date on a line
    of its own (a later table's title, `31 March 2024`), at or above a cell's row and below its header
    cells (line `header`); `memo` keeps each line's answer for the cells below."""
    if rules.row_date is None:
        return None
    if rules.number_cell.fullmatch(lines[i], 0, start) is None and rules.row_date.match(lines[i], 0, start):
        return i
    seen: list[int] = []
    found: int | None = None
    for j in range(i - 1, header, -1):
        if j in memo:
            found = memo[j]
            break
        seen.append(j)
        # a date on a line of its own is the next table's title ("... as at" / "31 March 2024")
        if rules.row_date.match(lines[j]) or rules.date_cell.fullmatch(lines[j]):
            found = j
            break
    for j in seen:
        memo[j] = found
    return found


def header_run(lines: Lines, header: int, rules: AccountsRules) -> tuple[int, list[int]] | None:
    """(column, the run's header lines) of a header cell in its run of header cells, one a line; for a line of
    several header cells (`**£000 £000 **`), (0, the line once per cell): the cells' own order decides their
    columns (`same_header_next`)."""
    count = units(lines[header], rules)
    if count == 0:
        return None
    if count > 1:
        return 0, [header] * count
    before = []
    for j in _above(lines, header, rules.reach_lines):
        if not rules.unit_cell.fullmatch(lines[j]):
            break
        before.append(j)
    after = []
    for j in range(header + 1, min(len(lines), header + rules.reach_lines)):
        if not lines[j].strip():
            continue
        if not rules.unit_cell.fullmatch(lines[j]):
            break
        after.append(j)
    return len(before), [*reversed(before), header, *after]


def is_year_cell(t: str, rules: AccountsRules) -> bool:
    """A column's year or balance date (`2024-25`, `31 March 2025`, `**2025**`)."""
    if rules.year_cell.fullmatch(t) or rules.date_cell.fullmatch(t):
        return True
    if rules.month_year_cell is not None and rules.month_year_cell.fullmatch(t):
        return True
    return rules.year_end_cell is not None and rules.year_end_cell.fullmatch(t) is not None


def year_ended(t: str, rules: AccountsRules) -> tuple[str, int, int] | None:
    """The financial year a column's calendar year ends (`**2025**`: 2024/25), with the year's offsets."""
    m = rules.year_end_cell.fullmatch(t) if rules.year_end_cell is not None else None
    if m is None:
        return None
    end = int(m.group(1))
    return f"{end - 1}/{end % 100:02d}", m.start(1), m.end(1)


def column_years(lines: Lines, first: int, columns: int, rules: AccountsRules) -> list[tuple[int, int]]:
    """The year or date cells over a run of `columns` header cells whose first is line `first`: a run of
    exactly that many, at most `year_gap` lines above it (`2024-25` / `2023-24` / `Note` / `£000` /
    `£000`), a cell a line or the years several to a line (`2024/25 2023/24`); (line, k-th year on the
    line) of each, left to right."""
    run: list[tuple[int, int]] = []
    gap = 0
    for j in _above(lines, first, rules.reach_lines):
        t = lines[j]
        if is_year_cell(t, rules):
            run.append((j, 0))
            continue
        words = t.split()
        if len(words) > 1 and all(rules.year_cell.fullmatch(w) for w in words):
            run.extend((j, k) for k in reversed(range(len(words))))
            continue
        if run:
            if year_start(t, rules):  # the first column's year, bold, at the end of the title line
                run.append((j, 0))
            break
        gap += 1
        if gap > rules.year_gap:
            break
    return list(reversed(run)) if len(run) == columns else []


def year_start(text: str, rules: AccountsRules) -> int:
    """Where the year cell a bold title line ends with starts (`**Reconciliation ...** **2024/25**`, its marks
    blanked: `title_year`); 0 when the line is no such title."""
    hit = rules.title_year.fullmatch(text) if rules.title_year is not None else None
    return 0 if hit is None else hit.start("year")


def split_day_months(lines: Lines, first: int, columns: int, rules: AccountsRules) -> list[tuple[int, int]]:
    """The dates over a run of `columns` header cells whose first is line `first`, each written in two rows
    of cells: a run of exactly that many years alone at most `year_gap` lines above the header (the note's
    number and title may stand between), and as many `31 March` cells at most `year_gap` lines above the
    years (`**31 March **` / `31 March` / `**2025**` / `2024` / `note` / `£000` / `£000`); (day-month line,
    year line) of each column, left to right ([] when not so)."""
    if rules.day_month_cell is None or rules.year_alone_cell is None:
        return []
    found: list[list[int]] = [[], []]  # years, then days and months, nearest first
    step, gap = 0, 0
    for j in _above(lines, first, rules.reach_lines):
        t = lines[j]
        cell = (rules.year_alone_cell, rules.day_month_cell)[step]
        if cell.fullmatch(t):
            found[step].append(j)
            continue
        if found[step]:
            if step == 1:
                break
            step, gap = 1, 0
            if rules.day_month_cell.fullmatch(t):
                found[1].append(j)
                continue
        gap += 1
        if gap > rules.year_gap:
            break
    years, days = found
    if len(years) != columns or len(days) != columns:
        return []
    return list(zip(reversed(days), reversed(years), strict=True))


def row_column(lines: Lines, i: int, rules: AccountsRules, kinds: LineKinds | None = None) -> int | None:
    """The column of the cell on line i when its row's first cell ends the row's label line (`Drug costs
    (...) 326,296` / `301,554`: column 1), counting the row's cells on the lines between; None when the
    label line holds no cell (the money table's header cell says the column). `kinds`: what each line is."""
    if rules.label_cell is None:
        return None
    kinds = LineKinds(lines, rules) if kinds is None else kinds
    cells = 0
    for j in _above(lines, i, rules.reach_lines):
        t = lines[j]
        if kinds.number(j):
            cells += 1
            if cells > rules.label_lines:
                return None  # a column of cells, not one row's
            continue
        if rules.unit_cell.fullmatch(t) or rules.label_cell.search(t) is None:
            return None
        return cells + 1
    return None


def split_dates(lines: Lines, first: int, columns: int, rules: AccountsRules) -> list[tuple[int, int]]:
    """(month line, year line) of each of a run of `columns` header cells whose first is line `first`, when
    each column's date is written a word a line, the columns' words interleaved (`March` / `March` /
    `2025` / `2024`): the nearest run of `columns` year lines and the nearest run of month lines above it,
    within `split_reach` lines; left to right ([] when not so)."""
    if rules.split_month is None or rules.split_year is None or columns < 1:
        return []
    seen = list(islice(_above(lines, first, rules.reach_lines), rules.split_reach))
    is_year = [rules.split_year.fullmatch(lines[j]) is not None for j in seen]
    for k in range(len(seen) - columns + 1):
        if not all(is_year[k : k + columns]) or (k + columns < len(seen) and is_year[k + columns]):
            continue
        for m in range(k + columns, len(seen) - columns + 1):
            months = seen[m : m + columns]
            if all(rules.split_month.fullmatch(lines[j]) for j in months):
                return list(zip(reversed(months), reversed(seen[k : k + columns]), strict=True))
        return []
    return []


def column_groups(lines: Lines, first: int, columns: int, rules: AccountsRules) -> list[int]:
    """The year cell over each of a run of `columns` header cells when fewer years than columns head groups
    of columns labelled one a line between them and the header cells (`2024/25` / `2023/24` / `Permanent`
    / `Other` / `Total` / `Total` / `£000` x 4): a group ends at each `group_end` label (`Total`), and there
    must be as many groups as years; their year lines, one per column, left to right ([] when not so). At most
    `group_corner` lines above the labels (the rows' own label, `Staff costs`, written among the columns') are
    no column's; the first group's year may end the title line (`**Staff costs ...** ** 2023/24**`:
    `title_year`)."""
    if rules.group_end is None:
        return []
    labels: list[int] = []
    years: list[int] = []
    corner = 0  # the label of the rows' column, among the columns' labels (`Staff costs`)
    for j in _above(lines, first, rules.reach_lines):
        t = lines[j]
        if rules.year_cell.fullmatch(t) or rules.date_cell.fullmatch(t):
            if len(labels) != columns:
                return []
            years.append(j)
            continue
        if years:
            if year_start(t, rules):  # the first group's year, bold, at the end of the title line
                years.append(j)
            break
        if rules.unit_cell.fullmatch(t) or rules.number_cell.fullmatch(t):
            break
        if len(labels) >= columns:
            corner += 1
            if corner > rules.group_corner or rules.group_end.fullmatch(t):
                break
            continue
        labels.append(j)
    if not 1 < len(years) < columns:
        return []
    ends = [k for k, j in enumerate(reversed(labels)) if rules.group_end.fullmatch(lines[j])]
    if len(ends) != len(years) or ends[-1] != columns - 1:
        return []
    out: list[int] = []
    start = 0
    for year, end in zip(reversed(years), ends, strict=True):
        out.extend([year] * (end - start + 1))
        start = end + 1
    return out


def column_even_groups(lines: Lines, first: int, columns: int, rules: AccountsRules) -> list[int]:
    """The year line over each of a run of `columns` header cells when fewer years, written with words about them
    (`group_year_cell`: "Year Ended 31 March 2025" / "Year Ended 31 March 2024"), head as many columns each, their
    labels between (`Total` / `Permanently` / `Other` / `Total` / `Permanently` / `Other` / `Employed` /
    `Employed`, at least one line a column, at most `group_label_lines`): each year over `columns / years`
    columns in turn, left to right ([] when not so)."""
    if rules.group_year_cell is None:
        return []
    labels: list[int] = []
    years: list[int] = []
    for j in _above(lines, first, rules.reach_lines):
        t = lines[j]
        if rules.group_year_cell.fullmatch(t) or rules.year_cell.fullmatch(t) or rules.date_cell.fullmatch(t):
            years.append(j)
            continue
        if years or rules.unit_cell.fullmatch(t) or rules.number_cell.fullmatch(t):
            break
        labels.append(j)
        if len(labels) > rules.group_label_lines:
            return []
    if not 1 < len(years) < columns or columns % len(years) or len(labels) < columns:
        return []
    return [year for year in reversed(years) for _ in range(columns // len(years))]


def report_year(title: str, rules: AccountsRules) -> str | None:
    """The year of an annual report whose title was made from its file name (`ltht annual report 2024
    25`): `report_year` of the rules, as a financial year."""
    hit = rules.report_year.search(title)
    if hit is None:
        return None
    first = int(hit.group(1))
    return f"{first}/{(first + 1) % 100:02d}" if int(hit.group(2)) == (first + 1) % 100 else None
