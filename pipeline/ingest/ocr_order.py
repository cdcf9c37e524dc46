"""OCR lines in the order a person reads the page. Pure functions over boxes.

The engine gives lines in no reliable order: the labels of one chart row, whose boxes differ in
height by a pixel or two, were sorted by their tops and so came out right to left or interleaved
with the row below. Here lines are grouped into rows by how much their boxes overlap vertically
(`OcrRules.row_overlap`, `same_row`), rows are read top to bottom, and the lines of a row left to right. The
pictures of a page are ordered the same way, each read whole before the next.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from pipeline.model import BBox

T = TypeVar("T")


def vertical_overlap(a: BBox, b: BBox) -> float:
    """How much two boxes overlap vertically, as a share of the shorter one's height (0-1)."""
    shorter = min(a[3] - a[1], b[3] - b[1])
    if shorter <= 0:
        return 0.0
    return max(0.0, min(a[3], b[3]) - max(a[1], b[1])) / shorter


def same_row(a: BBox, b: BBox, row_overlap: float) -> bool:
    """Two boxes on one row: they overlap vertically by at least `row_overlap` of the shorter
    one's height, and each one's middle is within the other's height (so a tall box, such as a
    title set on its side, does not take in the short rows beside it)."""
    middle_a, middle_b = (a[1] + a[3]) / 2, (b[1] + b[3]) / 2
    return vertical_overlap(a, b) >= row_overlap and a[1] <= middle_b <= a[3] and b[1] <= middle_a <= b[3]


def rows(boxes: Sequence[BBox], row_overlap: float) -> list[list[int]]:
    """The indices of `boxes` grouped in rows, top to bottom, each row left to right. A box joins
    the row whose first (topmost) box it is on one row with (`same_row`), the one it overlaps most
    where there are several; otherwise it starts a row below."""
    out: list[list[int]] = []
    for i in sorted(range(len(boxes)), key=lambda k: (boxes[k][1], boxes[k][0], k)):
        fits = [(vertical_overlap(boxes[row[0]], boxes[i]), n) for n, row in enumerate(out)]
        fits = [(share, n) for share, n in fits if same_row(boxes[out[n][0]], boxes[i], row_overlap)]
        if fits:
            out[max(fits)[1]].append(i)
        else:
            out.append([i])
    return [sorted(row, key=lambda k: (boxes[k][0], k)) for row in out]


def in_reading_order(items: Sequence[T], boxes: Sequence[BBox], row_overlap: float) -> list[T]:
    """`items` (one per box) in reading order: rows top to bottom, left to right within a row."""
    return [items[i] for row in rows(boxes, row_overlap) for i in row]


def lines_in_reading_order(lines: Sequence[Any], row_overlap: float) -> list[Any]:
    """Page lines (with a `bbox`) in reading order."""
    return in_reading_order(lines, [line.bbox for line in lines], row_overlap)
