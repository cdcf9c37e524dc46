"""Where a PDF page needs OCR besides a missing text layer. Pure functions over plain data.

- **Raster images** big enough to hold text (chart labels such as `90%`, `£2.1bn`): their boxes,
  from the page's image objects, sized by ``images`` in ``rules/ocr.yaml``.
- **Lost glyphs**: some fonts map digits and `%` to a space, so the page shows "Almost all (90%)"
  while the text layer holds ``lmost all (   )``. A drawn character whose text is a space and
  which is as wide as a digit (``lost_glyphs.min_space_width_em``) is a candidate; found from the
  characters already read, so a page with none costs nothing more. A candidate is a lost glyph
  when the rendered page has ink in its box (`ink_share`); the region to read is the word it
  stands in (`lost_glyph_regions`).
- **Broken labels**: a chart's label broken after a range's dash is joined with the line below
  it (`join_broken_ranges`); a row of such second halves that the detector took for one line is
  first cut under the labels above it, by where each character was read.
- **Repeats**: an OCR line over an image that text-layer characters already cover (vector
  labels drawn over a picture) is left out (`covered_share`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

import regex

from pipeline.ingest.ocr_rules import OcrRules
from pipeline.model import BBox

# a character as pdf.page_chars gives it: text, x0, top, x1, bottom, size, ...
Char = Sequence[Any]


def image_regions(images: Iterable[BBox], width: float, height: float, rules: OcrRules) -> list[BBox]:
    """The images worth reading, clipped to the page, overlapping ones merged."""
    page_area = max(width * height, 1.0)
    kept: list[BBox] = []
    for x0, top, x1, bottom in images:
        x0, top, x1, bottom = max(x0, 0.0), max(top, 0.0), min(x1, width), min(bottom, height)
        w, h = x1 - x0, bottom - top
        if w < rules.image_min_width_pt or h < rules.image_min_height_pt:
            continue
        if w * h > rules.image_max_page_share * page_area:
            continue
        kept.append((x0, top, x1, bottom))
    return merge_boxes(kept)


def merge_boxes(boxes: list[BBox]) -> list[BBox]:
    out: list[BBox] = []
    for box in sorted(boxes):
        for i, o in enumerate(out):
            if box[0] <= o[2] and o[0] <= box[2] and box[1] <= o[3] and o[1] <= box[3]:
                out[i] = (min(o[0], box[0]), min(o[1], box[1]), max(o[2], box[2]), max(o[3], box[3]))
                break
        else:
            out.append(box)
    return out


def lost_glyph_candidates(chars: Sequence[Char], rules: OcrRules) -> list[int]:
    """Indices of drawn characters stored as a space but as wide as a digit."""
    out: list[int] = []
    for i, c in enumerate(chars):
        text, x0, _, x1, _, size = c[0], c[1], c[2], c[3], c[4], c[5]
        if text.isspace() and size > 0 and (x1 - x0) >= rules.min_space_width_em * size:
            out.append(i)
    return out


def ink_share(gray: Any, box: BBox, scale: float, dark_level: int) -> float:
    """Share of dark pixels in `box` (page points) of a greyscale PIL image `scale` pixels per point."""
    x0, top, x1, bottom = (round(v * scale) for v in box)
    if x1 <= x0 or bottom <= top:
        return 0.0
    crop = gray.crop((x0, top, x1, bottom))
    hist = crop.histogram()
    total = sum(hist)
    return sum(hist[:dark_level]) / total if total else 0.0


def lost_glyph_regions(chars: Sequence[Char], inked: list[int]) -> list[BBox]:
    """The words holding the lost glyphs: each run of them extended over the characters beside it
    on the same line up to a real (blank) space, as one box per word."""
    lost = set(inked)
    boxes: list[BBox] = []
    for i in inked:
        lo = hi = i
        while lo > 0 and _joins(chars[lo - 1], chars[lo]) and (lo - 1 in lost or not chars[lo - 1][0].isspace()):
            lo -= 1
        while (
            hi + 1 < len(chars)
            and _joins(chars[hi], chars[hi + 1])
            and (hi + 1 in lost or not chars[hi + 1][0].isspace())
        ):
            hi += 1
        span = chars[lo : hi + 1]
        boxes.append(
            (min(c[1] for c in span), min(c[2] for c in span), max(c[3] for c in span), max(c[4] for c in span))
        )
    return merge_boxes(boxes)


def _joins(a: Char, b: Char) -> bool:
    """Two characters written one after the other on one line, with no gap between them."""
    size = max(a[5], b[5], 1.0)
    same_line: bool = abs((a[2] + a[4]) / 2 - (b[2] + b[4]) / 2) < 0.4 * size
    return same_line and bool(-0.2 * size <= b[1] - a[3] <= 0.25 * size)


def covered_share(box: BBox, glyphs: Iterable[BBox]) -> float:
    """Share of `box`'s area under the given glyph boxes (overlaps counted once per glyph)."""
    area = (box[2] - box[0]) * (box[3] - box[1])
    if area <= 0:
        return 0.0
    covered = 0.0
    for g in glyphs:
        w = min(box[2], g[2]) - max(box[0], g[0])
        h = min(box[3], g[3]) - max(box[1], g[1])
        if w > 0 and h > 0:
            covered += w * h
    return min(covered / area, 1.0)


OPEN_RANGE = ("-", "–", "—")
CUT_BEFORE = "£$€0123456789"  # a row of labels read as one line may be cut between a letter and these


def join_broken_ranges(lines: Sequence[Any], rules: OcrRules) -> list[Any]:
    """Chart labels broken after a range's dash (`£18,500 –` over `£20,499 | AfC`) joined into one
    line, so the range is read whole: a line ending in a dash, and a line right below it (`below`)
    centred under it. `lines` are `ocr.OcrLine`s of one picture.

    A line right below two or more such labels (the detector read `£20,499 | AfC £22,499 | AfC`
    as one) that spans their centres is first cut into the parts under each of them (`cut_under`)."""
    opens = [a for a in lines if a.text.rstrip().endswith(OPEN_RANGE)]
    out: list[Any] = []
    for b in lines:
        above = [a for a in opens if a is not b and below(a.bbox, b.bbox, rules) and _spans_centre(a.bbox, b.bbox)]
        out.extend(cut_under(b, above) if len(above) >= 2 else [b])
    i = 0
    while i < len(out):
        a = out[i]
        if a.text.rstrip().endswith(OPEN_RANGE):
            below_a = [
                b for b in out if b is not a and below(a.bbox, b.bbox, rules) and _centred(a.bbox, b.bbox, rules)
            ]
            if below_a:
                b = min(below_a, key=lambda x: x.bbox[1])
                out.remove(b)
                out[i] = _joined(a, b)
                continue  # the joined line may end in a dash again
        i += 1
    return out


def below(a: BBox, b: BBox, rules: OcrRules) -> bool:
    """`b` starts right below `a`: the gap from `a`'s bottom to `b`'s top is within
    `below_gap_min` .. `below_gap_max` of `a`'s height (rules/ocr.yaml `lines`)."""
    height = a[3] - a[1]
    return rules.below_gap_min * height <= b[1] - a[3] <= rules.below_gap_max * height


def _spans_centre(a: BBox, b: BBox) -> bool:
    """`b` reaches across `a`'s centre (a row of labels read as one line, under `a`)."""
    return b[0] <= (a[0] + a[2]) / 2 <= b[2]


def _centred(a: BBox, b: BBox, rules: OcrRules) -> bool:
    """`a` and `b` are centred on each other: their centres at most `below_centre_share` of the
    wider one's width apart."""
    width = max(a[2] - a[0], b[2] - b[0])
    return abs((a[0] + a[2]) / 2 - (b[0] + b[2]) / 2) <= rules.below_centre_share * width


def cut_under(b: Any, above: Sequence[Any]) -> list[Any]:
    """`b` cut into the parts under each line of `above` (two or more): between each two
    neighbours above, at the break in `b` nearest the middle of their centres. A break is a space,
    or a letter followed by a currency sign or digit (`AfC£109,000`); one further than half a
    label's width from that middle is not taken. Parts keep their characters' boxes."""
    centres = sorted((a.bbox[0] + a.bbox[2]) / 2 for a in above)
    width = sum(a.bbox[2] - a.bbox[0] for a in above) / len(above)
    breaks: dict[int, float] = {}  # index in b.text -> x of the break
    for i in range(1, len(b.text)):
        prev, box = b.boxes[i - 1], b.boxes[i]
        if b.text[i].isspace() and prev is not None:
            after = next((x for x in b.boxes[i + 1 :] if x is not None), None)
            breaks[i] = (prev[2] + after[0]) / 2 if after is not None else prev[2]
        elif box is not None and prev is not None and b.text[i - 1].isalpha() and b.text[i] in CUT_BEFORE:
            breaks[i] = (prev[2] + box[0]) / 2
    cuts: set[int] = set()
    for left, right in itertools.pairwise(centres):
        middle = (left + right) / 2
        near = min(breaks, key=lambda i: abs(breaks[i] - middle), default=None)
        if near is not None and abs(breaks[near] - middle) <= width / 2:
            cuts.add(near)
    parts: list[Any] = []
    for lo, hi in itertools.pairwise([0, *sorted(cuts), len(b.text)]):
        run = list(range(lo, hi))
        while run and b.boxes[run[-1]] is None:
            run.pop()
        while run and b.boxes[run[0]] is None:
            run.pop(0)
        if not run:
            continue
        boxes = [b.boxes[i] for i in run]
        placed = [x for x in boxes if x is not None]
        bbox = (min(x[0] for x in placed), b.bbox[1], max(x[2] for x in placed), b.bbox[3])
        parts.append(replace(b, text="".join(b.text[i] for i in run), boxes=tuple(boxes), bbox=bbox))
    return parts or [b]


def _joined(a: Any, b: Any) -> Any:
    bbox = (min(a.bbox[0], b.bbox[0]), min(a.bbox[1], b.bbox[1]), max(a.bbox[2], b.bbox[2]), max(a.bbox[3], b.bbox[3]))
    return replace(
        a,
        text=f"{a.text} {b.text}",
        boxes=(*a.boxes, None, *b.boxes),
        bbox=bbox,
        confidence=min(a.confidence, b.confidence),
    )


def usual_sign(lines: Sequence[Any], rules: OcrRules) -> list[Any]:
    """A currency sign the recogniser confuses with another (`rules.sign_lookalikes`: `€` read for
    a blurred `£`) is written as that other sign when, among the figures of the same picture, the
    other stands before at least `rules.sign_min_share` of those with either sign. `lines` are the
    OCR lines of one picture; the text changes, never the number of characters or their boxes."""
    out = list(lines)
    for wrong, right in rules.sign_lookalikes.items():
        before = regex.compile(rf"[{regex.escape(wrong)}{regex.escape(right)}](?=\s?\d)")
        signs = [m.group() for line in out for m in before.finditer(line.text)]
        n_right, n_wrong = signs.count(right), signs.count(wrong)
        if not n_wrong or n_right < rules.sign_min_share * (n_right + n_wrong):
            continue
        lone = regex.compile(rf"{regex.escape(wrong)}(?=\s?\d)")
        out = [replace(x, text=lone.sub(right, x.text)) if lone.search(x.text) else x for x in out]
    return out
