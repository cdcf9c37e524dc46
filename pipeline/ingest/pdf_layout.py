"""Reading order of one PDF page: characters in, lines out. Pure functions over plain data.

The steps, each governed by a parameter of ``rules/pdf_layout.yaml``:

1. Characters become `Glyph`s: unreadable glyphs (``(cid:NN)``) become one replacement
   character, and shadow / fake-bold duplicates are dropped (`dedupe`).
2. Glyphs are grouped by writing direction (left to right, top to bottom, bottom to top,
   upside down) and each group is turned into a frame where it reads left to right, so rotated
   text is read like any other. Boxes stay in page coordinates.
3. Rows: glyphs whose vertical middles lie within ``same_line_em`` of the row's first glyph.
4. Pieces: a row is cut where the gap is a cell break (``cells.gap_em``, or any unmarked gap on
   pages that write their own spaces), so a table amount never runs into the next column.
5. Columns: gutters are empty vertical strips between the pieces of the narrower rows. When the
   strips cut the page into at most ``max_columns`` columns that each read like prose, columns
   are read one after the other; rows crossing a gutter (titles, full-width paragraphs) are read
   whole between column blocks. Otherwise (single column, tables) rows are read across, pieces
   joined by ``cells.separator``.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from pipeline.ingest.pdf_rules import PdfLayout
from pipeline.model import BBox

LTR, TTB, BTT, RTL = 0, 1, 2, 3


class Glyph(NamedTuple):
    text: str  # usually one character; ligatures may give several
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    direction: int  # LTR, TTB, BTT or RTL


@dataclass(frozen=True)
class PageLine:
    text: str
    boxes: tuple[BBox | None, ...]  # one per character of text
    bbox: BBox
    band: str | None  # "top" or "bottom" when within the running header/footer band


@dataclass
class PageStats:
    glyphs: int = 0  # visible (non-space) glyphs
    unreadable: int = 0
    duplicates: int = 0
    outside: int = 0  # glyphs drawn outside the page box


def direction_of(matrix: Sequence[float]) -> int:
    a, b = matrix[0], matrix[1]
    if abs(a) >= abs(b):
        return LTR if a >= 0 else RTL
    return BTT if b > 0 else TTB


RawChar = tuple[str, float, float, float, float, float, bool, Sequence[float] | None]
"""text, x0, top, x1, bottom, font size, upright, text matrix: one character as pdfplumber places it."""


def glyphs_from_chars(
    chars: Iterable[RawChar], width: float, height: float, layout: PdfLayout
) -> tuple[list[Glyph], PageStats]:
    """Characters to glyphs, counting unreadable, duplicate and stray ones."""
    stats = PageStats()
    out: list[Glyph] = []
    repl = layout.unreadable_replacement
    for text, x0, top, x1, bottom, size, upright, matrix in chars:
        if not text:
            continue
        if text.startswith("(cid:"):
            text = repl
            stats.unreadable += 1
        elif not text.isprintable():
            text = "".join(ch if ch.isprintable() else " " for ch in text)
        if not text.isspace():
            stats.glyphs += 1
            if x1 < 0 or x0 > width or bottom < 0 or top > height:
                stats.outside += 1
        direction = LTR if upright or not matrix else direction_of(matrix)
        out.append(Glyph(text, x0, top, x1, bottom, size or (bottom - top) or 1.0, direction))
    kept, stats.duplicates = dedupe(out, layout.dedupe_em)
    return kept, stats


def dedupe(glyphs: list[Glyph], tolerance_em: float) -> tuple[list[Glyph], int]:
    """Drop a glyph drawn again on top of itself: same text, same size, offset by less than
    `tolerance_em` and less than half its width (so neighbouring equal letters, as in "ll", stay)."""
    if tolerance_em <= 0:
        return glyphs, 0
    grid: dict[tuple[str, int, int], list[Glyph]] = {}
    kept: list[Glyph] = []
    removed = 0
    for g in glyphs:
        if g.text.isspace():
            kept.append(g)
            continue
        tol = tolerance_em * g.size
        ix, iy = int(g.x0 // tol), int(g.top // tol)
        half = (g.x1 - g.x0) / 2
        dup = False
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for o in grid.get((g.text, ix + dx, iy + dy), ()):
                    if (
                        abs(o.x0 - g.x0) <= min(tol, half)
                        and abs(o.top - g.top) <= tol
                        and abs(o.size - g.size) <= 0.05 * g.size
                    ):
                        dup = True
                        break
                if dup:
                    break
            if dup:
                break
        if dup:
            removed += 1
            continue
        grid.setdefault((g.text, ix, iy), []).append(g)
        kept.append(g)
    return kept, removed


class _W(NamedTuple):
    """A glyph in its reading frame: u along the line, v down the page."""

    u0: float
    u1: float
    v0: float
    v1: float
    size: float
    text: str
    box: BBox


def _frame(g: Glyph) -> _W:
    box = (g.x0, g.top, g.x1, g.bottom)
    if g.direction == LTR:
        return _W(g.x0, g.x1, g.top, g.bottom, g.size, g.text, box)
    if g.direction == TTB:  # reads downwards, tops of letters to the right: next line is to the left
        return _W(g.top, g.bottom, -g.x1, -g.x0, g.size, g.text, box)
    if g.direction == BTT:  # reads upwards, tops of letters to the left: next line is to the right
        return _W(-g.bottom, -g.top, g.x0, g.x1, g.size, g.text, box)
    return _W(-g.x1, -g.x0, -g.bottom, -g.top, g.size, g.text, box)


def _v_extent(direction: int, width: float, height: float) -> tuple[float, float]:
    return {LTR: (0.0, height), TTB: (-width, 0.0), BTT: (0.0, width), RTL: (-height, 0.0)}[direction]


@dataclass
class _Piece:
    u0: float
    u1: float
    chars: list[tuple[str, BBox | None]]
    words: int


@dataclass
class _Row:
    v0: float
    v1: float
    pieces: list[_Piece]
    items: list[_W]
    band: str | None = None


@dataclass(frozen=True)
class _Frame:
    """What every row of one direction group shares."""

    explicit_spaces: bool
    top_band: float  # rows ending above this are in the top band
    bottom_band: float  # rows starting below this are in the bottom band
    typical_size: float


def read_page(glyphs: Sequence[Glyph], width: float, height: float, layout: PdfLayout) -> list[PageLine]:
    """The page's lines in reading order."""
    groups: dict[int, list[_W]] = {}
    for g in glyphs:
        groups.setdefault(g.direction, []).append(_frame(g))
    lines: list[PageLine] = []
    # the main direction first, then any rotated labels
    for direction, ws in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        lines.extend(_read_group(ws, _v_extent(direction, width, height), layout))
    return lines


def _read_group(ws: list[_W], v_extent: tuple[float, float], layout: PdfLayout) -> list[PageLine]:
    spaces = sum(1 for w in ws if w.text.isspace())
    vmin, vmax = v_extent
    band = layout.band_share * (vmax - vmin)
    frame = _Frame(
        explicit_spaces=spaces / len(ws) >= layout.explicit_space_share,
        top_band=vmin + band,
        bottom_band=vmax - band,
        typical_size=statistics.median(w.size for w in ws),
    )
    rows = _make_rows(ws, frame, layout)
    gutters = _gutters(rows, layout)
    if not gutters:
        return [_line(r.pieces, r.band, layout) for r in rows]
    return _read_columns(rows, gutters, frame, layout)


def _make_rows(ws: list[_W], frame: _Frame, layout: PdfLayout) -> list[_Row]:
    rows: list[_Row] = []
    for items in _cluster_rows(ws, frame.typical_size, layout):
        pieces = _pieces(items, frame.explicit_spaces, layout)
        if not pieces:
            continue
        visible = [w for w in items if not w.text.isspace()]
        v0, v1 = min(w.v0 for w in visible), max(w.v1 for w in visible)
        where = "top" if v1 <= frame.top_band else "bottom" if v0 >= frame.bottom_band else None
        rows.append(_Row(v0, v1, pieces, items, where))
    return rows


def _cluster_rows(ws: list[_W], typical: float, layout: PdfLayout) -> list[list[_W]]:
    """Glyphs grouped into rows, top to bottom. A glyph joins the row when its middle lies
    within same_line_em of the middle of the row's first glyph (no chaining down the page),
    measured in the larger of that glyph's size and the page's typical size (so a small
    superscript starting a row does not cut it short)."""
    rows: list[list[_W]] = []
    limit = float("-inf")
    cur: list[_W] = []
    for w in sorted(ws, key=lambda w: w.v0 + w.v1):
        mid = (w.v0 + w.v1) / 2
        if cur and mid <= limit:
            cur.append(w)
        else:
            cur = [w]
            rows.append(cur)
            limit = mid + layout.same_line_em * max(w.size, typical)
    return rows


def _pieces(items: list[_W], explicit_spaces: bool, layout: PdfLayout) -> list[_Piece]:
    """One row's glyphs, left to right, cut into pieces at cell breaks, with word spaces put in.

    A gap is a cell break when it is at least cells.gap_em wide; or, after a space character,
    when the gap left after that space is at least cells.after_space_gap_em; or, on a page that
    writes its own spaces, when an unmarked gap is wider than a word space (unless the glyph is
    a superscript or subscript, as a footnote mark)."""
    pieces: list[_Piece] = []
    cur: _Piece | None = None
    end = 0.0  # right edge of the text so far in this piece
    prev_size = prev_base = 0.0
    space_end: float | None = None  # right edge of the space characters since the last glyph
    visible = [w.size for w in items if not w.text.isspace()]
    script = 0.85 * statistics.median(visible) if visible else 0.0  # smaller glyphs may be scripts
    for w in sorted(items, key=lambda w: w.u0):
        if w.text.isspace():
            space_end = w.u1 if space_end is None else max(space_end, w.u1)
            continue
        if cur is not None:
            gap = w.u0 - end
            size = (w.size + prev_size) / 2
            # a superscript or subscript (smaller than the row's text, baseline shifted) is not
            # cut off as a cell of its own
            shifted = (w.size < script or prev_size < script) and abs(w.v1 - prev_base) > 0.2 * max(w.size, prev_size)
            if (
                gap >= layout.cell_gap_em * size
                or (space_end is not None and w.u0 - max(space_end, end) >= layout.after_space_gap_em * size)
                or (explicit_spaces and space_end is None and not shifted and gap >= layout.space_gap_em * size)
            ):
                cur = None
            elif space_end is not None or gap >= layout.space_gap_em * size:
                cur.chars.append((" ", None))
                cur.words += 1
        if cur is None:
            cur = _Piece(w.u0, w.u1, [], 1)
            pieces.append(cur)
            end = w.u1
        for ch in w.text:
            cur.chars.append((ch, w.box))
        end = max(end, w.u1)
        cur.u1 = end
        prev_size, prev_base = w.size, w.v1
        space_end = None
    return pieces


def _gutters(rows: list[_Row], layout: PdfLayout) -> list[tuple[float, float]]:
    """Empty vertical strips that cut the body of the page into prose columns, or none."""
    body = [r for r in rows if r.band is None]
    if len(body) < layout.min_column_lines:
        return []
    left = min(p.u0 for r in body for p in r.pieces)
    right = max(p.u1 for r in body for p in r.pieces)
    text_width = right - left
    if text_width <= 0:
        return []
    narrow = sorted((p.u0, p.u1) for r in body for p in r.pieces if p.u1 - p.u0 < layout.wide_share * text_width)
    merged: list[list[float]] = []
    for a, b in narrow:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    gutters = [
        (merged[i][1], merged[i + 1][0])
        for i in range(len(merged) - 1)
        if merged[i + 1][0] - merged[i][1] >= layout.min_gutter_pt
    ]
    if not gutters or len(gutters) + 1 > layout.max_columns:
        return []
    edges = [left, *[x for g in gutters for x in g], right]
    regions = [(edges[i], edges[i + 1]) for i in range(0, len(edges), 2)]
    for r0, r1 in regions:
        if r1 - r0 < layout.min_column_width_share * text_width:
            return []
        widths: list[float] = []
        words: list[int] = []
        for r in body:
            inside = [p for p in r.pieces if p.u0 >= r0 - 0.5 and p.u1 <= r1 + 0.5]
            if inside:
                widths.append(max(p.u1 for p in inside) - min(p.u0 for p in inside))
                words.append(sum(p.words for p in inside))
        if len(widths) < layout.min_column_lines:
            return []
        if statistics.median(words) < layout.min_column_words:
            return []
        if statistics.median(widths) < layout.min_column_fill_share * (r1 - r0):
            return []
    return gutters


def _read_columns(
    rows: list[_Row], gutters: list[tuple[float, float]], frame: _Frame, layout: PdfLayout
) -> list[PageLine]:
    """Column by column between rows that cross a gutter. Rows are found again within each
    column, since the rows found across the page can pair a line of one column with a
    slightly higher line of the next."""
    cuts = [(g0 + g1) / 2 for g0, g1 in gutters]
    blocks: list[list[_W]] = [[] for _ in range(len(cuts) + 1)]
    out: list[PageLine] = []

    def flush() -> None:
        for block in blocks:
            out.extend(_line(r.pieces, r.band, layout) for r in _make_rows(block, frame, layout))
            block.clear()

    for r in rows:
        if any(p.u0 < c < p.u1 for p in r.pieces for c in cuts):  # spans a gutter
            flush()
            out.append(_line(r.pieces, r.band, layout))
            continue
        for w in r.items:
            mid = (w.u0 + w.u1) / 2
            blocks[sum(1 for c in cuts if mid >= c)].append(w)
    flush()
    return out


def _line(pieces: list[_Piece], band: str | None, layout: PdfLayout) -> PageLine:
    chars: list[tuple[str, BBox | None]] = []
    for i, p in enumerate(pieces):
        if i:
            chars.extend((ch, None) for ch in layout.cell_separator)
        chars.extend(p.chars)
    boxes = [b for _, b in chars if b is not None]
    bbox = (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )
    return PageLine("".join(ch for ch, _ in chars), tuple(b for _, b in chars), bbox, band)
