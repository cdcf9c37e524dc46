"""PDF characters from pdfium (pypdfium2), placed as pdfplumber places them.

The layout code (`pdf_layout`) takes characters as pdfplumber gives them: top-left origin, the
page's /Rotate applied, and pdfminer's box for each character (the advance width along the
baseline; across it, from the font's descent to descent + font size). pdfium gives each
character's loose box in PDF user space (bottom-left origin, before /Rotate) from the font's
descent to its ascent. This module turns one into the other:

- the loose box's descent side is kept and its ascent side moved to descent + one em (the font
  size times the text matrix), which is pdfminer's box;
- the box is mapped to the page as pdfminer maps it (the /Rotate and MediaBox origin matrix of
  `PDFPageInterpreter.process_page`) and then flipped as pdfplumber flips it
  (``top = height - y1 + mediabox top``);
- characters pdfium generates (spaces and line ends not in the content stream) are dropped;
  pieces pdfium splits one glyph into (a ligature, a glyph mapped to several letters) are joined
  back into one character; a glyph with no Unicode mapping becomes ``(cid:N)`` like pdfminer's.

pdfium's text page is not the content stream: it drops glyphs drawn twice within 0.07 em, runs of
spaces, non-breaking spaces and zero-width text, and follows /ActualText. Where that changes a
page's lines, `tests/test_pdfium_reader.py` lists the documents and says why.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline.ingest.pdf_layout import RawChar
from pipeline.model import BBox

_SPACE_LIKE = frozenset((0x20, 0x0D, 0x0A, 0x02))  # the code points pdfium generates


def _page_transform(page: Any) -> tuple[tuple[float, ...], float, float, float]:
    """pdfminer's device matrix for the page (rotation and MediaBox origin), and pdfplumber's
    x offset, top offset and height."""
    x0, y0, x1, y1 = page.get_mediabox()
    rot = page.get_rotation()
    if rot == 90:
        ctm: tuple[float, ...] = (0, -1, 1, 0, -y0, x1)
    elif rot == 180:
        ctm = (-1, 0, 0, -1, x1, y1)
    elif rot == 270:
        ctm = (0, 1, -1, 0, y1, -x0)
    else:
        ctm = (1, 0, 0, 1, -x0, -y0)
    if rot in (90, 270):
        return ctm, y0, -x0, x1 - x0
    return ctm, x0, -y0, y1 - y0


def page_chars(page: Any) -> list[RawChar]:
    """The characters of one pypdfium2 page, as `pdf.page_chars` gives pdfplumber's."""
    textpage = page.get_textpage()
    try:
        return _chars(page, textpage)
    finally:
        textpage.close()


def _chars(page: Any, textpage: Any) -> list[RawChar]:
    (A, B, C, D, E, F), mb_x0, mb_top, height = _page_transform(page)
    tp = textpage.raw
    count = pdfium_c.FPDFText_CountChars(tp)
    get_unicode = pdfium_c.FPDFText_GetUnicode
    is_generated = pdfium_c.FPDFText_IsGenerated
    get_box = pdfium_c.FPDFText_GetLooseCharBox
    get_matrix = pdfium_c.FPDFText_GetMatrix
    get_size = pdfium_c.FPDFText_GetFontSize
    map_error = pdfium_c.FPDFText_HasUnicodeMapError
    rect = pdfium_c.FS_RECTF()
    m = pdfium_c.FS_MATRIX()
    rect_p, m_p = ctypes.byref(rect), ctypes.byref(m)
    get_origin = pdfium_c.FPDFText_GetCharOrigin
    ox, oy = ctypes.c_double(), ctypes.c_double()
    ox_p, oy_p = ctypes.byref(ox), ctypes.byref(oy)
    out: list[RawChar] = []
    last_key: tuple[float, ...] | None = None
    for i in range(count):
        code = get_unicode(tp, i)
        if code in _SPACE_LIKE and is_generated(tp, i):
            last_key = None
            continue
        get_box(tp, i, rect_p)
        get_matrix(tp, i, m_p)
        left, bottom, right, top = rect.left, rect.bottom, rect.right, rect.top
        key = (left, bottom, right, top, m.a, m.b, m.c, m.d)
        if map_error(tp, i):
            text = f"(cid:{code})"
        elif code == 0x02:  # a hyphen pdfium found at a line end
            text = "-"
        else:
            text = chr(code) if code else ""
        if key == last_key and out:  # one glyph that pdfium split into several letters
            prev = out[-1]
            out[-1] = (prev[0] + text, *prev[1:])
            continue
        last_key = key
        size = get_size(tp, i)
        ux, uy = m.c * size, m.d * size  # one em up the glyph, in user space
        if abs(uy) >= abs(ux):
            if uy > 0:
                top = bottom + uy
            else:
                bottom = top + uy
        elif ux > 0:
            right = left + ux
        else:
            left = right + ux
        # along the baseline pdfminer's box starts at the origin; pdfium's loose box takes in
        # the ink of a glyph drawn left of its origin (a `J` reaching under the letter before)
        get_origin(tp, i, ox_p, oy_p)
        if abs(uy) >= abs(ux):
            if m.a > 0 and ox.value > left:
                left = ox.value
            elif m.a < 0 and ox.value < right:
                right = ox.value
        elif m.b > 0 and oy.value > bottom:
            bottom = oy.value
        elif m.b < 0 and oy.value < top:
            top = oy.value
        # and ends at origin + advance (the font's /Widths); pdfium's loose box also takes in the
        # ink of a glyph running past its advance (italics, bold headings)
        font = _font(tp, i)
        adv = _advance(font, code, size)
        if adv > 0:
            if abs(uy) >= abs(ux) and abs(m.b) <= _SKEW * abs(m.a):
                end = ox.value + adv * m.a
                if m.a > 0 and ox.value < end <= right + _SLACK:
                    right = end
                elif m.a < 0 and left - _SLACK <= end < ox.value:
                    left = end
            elif abs(ux) > abs(uy) and abs(m.a) <= _SKEW * abs(m.b):
                end = oy.value + adv * m.b
                if m.b > 0 and oy.value < end <= top + _SLACK:
                    top = end
                elif m.b < 0 and bottom - _SLACK <= end < oy.value:
                    bottom = end
            elif pdfium_c.FPDFFont_GetDescent(font, ctypes.c_float(size).value, ctypes.byref(_ADVANCE)):
                # text at an angle: pdfminer's box holds the four corners of the glyph's
                # rectangle (origin to advance, descent to descent + one em); pdfium's holds its ink
                low = float(_ADVANCE.value)
                xs = (ox.value + low * m.c, ox.value + adv * m.a + low * m.c)
                ys = (oy.value + low * m.d, oy.value + adv * m.b + low * m.d)
                corners_x = (xs[0], xs[1], xs[0] + size * m.c, xs[1] + size * m.c)
                corners_y = (ys[0], ys[1], ys[0] + size * m.d, ys[1] + size * m.d)
                left, right = min(corners_x), max(corners_x)
                bottom, top = min(corners_y), max(corners_y)
        a, b = A * m.a + C * m.b, B * m.a + D * m.b
        c, d = A * m.c + C * m.d, B * m.c + D * m.d
        out.append(
            _device_char(text, (left, bottom), (right, top), (A, B, C, D, E, F), (mb_x0, mb_top, height), (a, b, c, d))
        )
    out.extend(_dropped_spaces(page, (A, B, C, D, E, F), mb_x0, mb_top, height))
    return out


_SKEW = 1e-3  # a matrix is axis-aligned when its off-axis part is at most this share of the other
_SLACK = 0.01  # how far past pdfium's loose box (which holds the advance) its end may lie, in points
_ADVANCE = ctypes.c_float()


def _font(tp: Any, i: int) -> Any:
    """The font of character i of the text page (None when pdfium has none)."""
    obj = pdfium_c.FPDFText_GetTextObject(tp, i)
    return pdfium_c.FPDFTextObj_GetFont(obj) if obj else None


def _advance(font: Any, code: int, size: float) -> float:
    """The advance of a character of `font` in text space (the font's width for its code times
    the font size), 0.0 when pdfium cannot give it; a line-end hyphen (code 2) is looked up as `-`."""
    if not font:
        return 0.0
    glyph = 0x2D if code == 0x02 else code
    if not pdfium_c.FPDFFont_GetGlyphWidth(font, glyph, ctypes.c_float(size).value, ctypes.byref(_ADVANCE)):
        return 0.0
    return float(_ADVANCE.value)


def _dropped_spaces(page: Any, ctm: tuple[float, ...], mb_x0: float, mb_top: float, height: float) -> list[RawChar]:
    """The spaces of each text object that pdfium's text page leaves out: one with no width (spaces
    and non-breaking spaces have no ink), which pdfminer reads as its space characters; on the
    page and inside form XObjects. Each character comes back as pdfminer has it (`_space_run`): a
    space, or a non-breaking space where the font has no space, each over its own advance from the
    object's start (pdfminer's box runs over the advance), so the gap it fills is read as a word
    space, not a cell break, and a run of narrow spaces is not one wide lost-glyph candidate."""
    A, B, C, D = ctm[:4]
    out: list[RawChar] = []
    objects = list(_text_objects(page.raw))
    for i, (obj, form_to_page) in enumerate(objects):
        left, _, right, _ = _bounds(obj)
        if abs(right - left) >= _EMPTY:
            continue
        a, b, c, d, e, f = _matrix(obj) if form_to_page is None else _times(_matrix(obj), form_to_page)
        size = _SIZE.value if pdfium_c.FPDFTextObj_GetFontSize(obj, ctypes.byref(_SIZE)) else 1.0
        font = pdfium_c.FPDFTextObj_GetFont(obj)
        after = None
        if i + 1 < len(objects):
            nxt, nxt_to_page = objects[i + 1]
            after = (_matrix(nxt) if nxt_to_page is None else _times(_matrix(nxt), nxt_to_page))[4:]
        text, advance, count = _space_run(font, size, (a, b, c, d, e, f), after)
        # from the font's descent to one em above it, as pdfminer's box (a fifth of an em below the
        # baseline when pdfium has no descent), over a space's advance
        low = (
            _DESCENT.value if font and pdfium_c.FPDFFont_GetDescent(font, size, ctypes.byref(_DESCENT)) else -0.2 * size
        )
        ma, mb = A * a + C * b, B * a + D * b
        mc, md = A * c + C * d, B * c + D * d
        for k in range(count):
            start = k * advance
            lo = (e + a * start + c * low, f + b * start + d * low)
            hi = (e + a * (start + advance) + c * (low + size), f + b * (start + advance) + d * (low + size))
            out.append(_device_char(text, lo, hi, ctm, (mb_x0, mb_top, height), (ma, mb, mc, md)))
    return out


def _device_char(
    text: str,
    lo: tuple[float, float],
    hi: tuple[float, float],
    ctm: tuple[float, ...],
    page: tuple[float, float, float],
    matrix: tuple[float, float, float, float],
) -> RawChar:
    """A character as pdfminer has it: the two corners `lo` and `hi` of its box (PDF user space) through
    the page's matrix `ctm` (/Rotate, MediaBox origin), flipped as pdfplumber flips them (`page`: the
    MediaBox's x0 and top, the page's height); `matrix` is its text matrix in device space, upright
    when its axes keep their directions."""
    A, B, C, D, E, F = ctm
    px0, py0 = A * lo[0] + C * lo[1] + E, B * lo[0] + D * lo[1] + F
    px1, py1 = A * hi[0] + C * hi[1] + E, B * hi[0] + D * hi[1] + F
    if px1 < px0:
        px0, px1 = px1, px0
    if py1 < py0:
        py0, py1 = py1, py0
    mb_x0, mb_top, height = page
    a, b, c, d = matrix
    upright = a * d > 0 and b * c <= 0
    return (
        text,
        px0 + mb_x0,
        height - py1 + mb_top,
        px1 + mb_x0,
        height - py0 + mb_top,
        py1 - py0,
        upright,
        (*matrix, 0.0, 0.0),
    )


def _space_run(font: Any, size: float, m: Matrix, after: tuple[float, ...] | None) -> tuple[str, float, int]:
    """The character, its advance (text space) and how many of them a text object pdfium left off
    its text page holds. pdfium gives neither its character codes nor its advance, so: the character
    is a space, or a non-breaking space where the font maps no space (its width for U+0020 is the one
    it gives any unmapped character) but does map U+00A0; the count is how many of its advance fit
    up to the start of the next text object when that starts on the same baseline a whole number of
    advances on (as `Tj` strings of a row follow one another), else one."""
    if not font:
        return " ", 0.0, 1
    space, nbsp, unmapped = (_glyph_width(font, u, size) for u in (0x20, 0xA0, _UNMAPPED))
    text, advance = ("\xa0", nbsp) if space == unmapped and nbsp != unmapped else (" ", space)
    if after is None or advance <= 0.0:
        return text, advance, 1
    a, b, c, d, e, f = m
    det = a * d - b * c
    if abs(det) < 1e-9:
        return text, advance, 1
    dx, dy = after[0] - e, after[1] - f
    along, across = (d * dx - c * dy) / det, (a * dy - b * dx) / det
    count = round(along / advance)
    if 1 <= count <= _MAX_RUN and abs(across) <= _SAME_LINE * size and abs(along - count * advance) <= _FIT * advance:
        return text, advance, count
    return text, advance, 1


def _glyph_width(font: Any, unicode: int, size: float) -> float:
    """The font's advance for a Unicode character at `size` (pdfium maps it to a code first)."""
    return _WIDTH.value if pdfium_c.FPDFFont_GetGlyphWidth(font, unicode, size, ctypes.byref(_WIDTH)) else 0.0


Matrix = tuple[float, float, float, float, float, float]


def _times(m: Matrix, n: Matrix) -> Matrix:
    """m then n (PDF's row-vector order: a point p goes to p m n)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _matrix(obj: Any) -> Matrix:
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(_MATRIX)):
        raise RuntimeError("pdfium cannot give a page object's matrix")
    m = _MATRIX
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _text_objects(
    page: Any, form: Any = None, to_page: Matrix | None = None, level: int = 0
) -> Iterator[tuple[Any, Matrix | None]]:
    """The page's text objects in page order, also inside form XObjects, each with the matrix from
    its form's space to the page's (None for the page's own objects: their matrix is the page's)."""
    for obj, kind in _objects(page, 1, form, 0):
        if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
            yield obj, to_page
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and level < _MAX_DEPTH - 1:
            inner = _matrix(obj) if to_page is None else _times(_matrix(obj), to_page)
            yield from _text_objects(page, obj, inner, level + 1)


_EMPTY = 0.01  # pdfium's kSizeEpsilon: a text object narrower than this is not on its text page
_SIZE = ctypes.c_float()
_WIDTH = ctypes.c_float()
_UNMAPPED = 0xFFFF  # a non-character no font maps: pdfium gives it the width of a missing glyph
_MAX_RUN = 64  # at most this many spaces read from one text object
_SAME_LINE = 0.01  # the next object's start this far (of the size) off the baseline is on it
_FIT = 0.1  # ... and this close (of an advance) to a whole number of advances on
_DESCENT = ctypes.c_float()
_MATRIX = pdfium_c.FS_MATRIX()
_BOUNDS = (ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float())
_BOUNDS_P = tuple(ctypes.byref(v) for v in _BOUNDS)
_MAX_DEPTH = 16  # form XObjects inside form XObjects, as deep as pypdfium2's get_objects looks by default


def _objects(page: Any, max_depth: int, form: Any = None, level: int = 0) -> Iterator[tuple[Any, int]]:
    """The page's objects and their types through pdfium's own calls, in pypdfium2's `get_objects`
    order (an object, then what a form XObject holds, `max_depth` levels deep), without a Python
    object per page object."""
    if form is None:
        parent, count, get = page, pdfium_c.FPDFPage_CountObjects(page), pdfium_c.FPDFPage_GetObject
    else:
        parent, count, get = form, pdfium_c.FPDFFormObj_CountObjects(form), pdfium_c.FPDFFormObj_GetObject
    if count < 0:
        raise RuntimeError("pdfium cannot count the page's objects")
    for i in range(count):
        obj = get(parent, i)
        if not obj:
            raise RuntimeError("pdfium cannot give a page object")
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        yield obj, kind
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM and level < max_depth - 1:
            yield from _objects(page, max_depth, obj, level + 1)


def _bounds(obj: Any) -> tuple[float, float, float, float]:
    """Left, bottom, right, top of a page object (PDF user space)."""
    if not pdfium_c.FPDFPageObj_GetBounds(obj, *_BOUNDS_P):
        raise RuntimeError("pdfium cannot locate a page object")
    left, bottom, right, top = _BOUNDS
    return left.value, bottom.value, right.value, top.value


def image_boxes(page: Any) -> Iterator[BBox]:
    """The boxes of the page's raster images (also inside form XObjects), top-left origin like
    pdfplumber's."""
    (A, B, C, D, E, F), mb_x0, mb_top, height = _page_transform(page)
    for obj, kind in _objects(page.raw, _MAX_DEPTH):
        if kind != pdfium_c.FPDF_PAGEOBJ_IMAGE:
            continue
        left, bottom, right, top = _bounds(obj)
        xs = [A * x + C * y + E for x, y in ((left, bottom), (right, top))]
        ys = [B * x + D * y + F for x, y in ((left, bottom), (right, top))]
        yield (min(xs) + mb_x0, height - max(ys) + mb_top, max(xs) + mb_x0, height - min(ys) + mb_top)


def has_images(page: Any) -> bool:
    return any(kind == pdfium_c.FPDF_PAGEOBJ_IMAGE for _, kind in _objects(page.raw, _MAX_DEPTH))


def open_document(data: bytes, password: str | None) -> pdfium.PdfDocument:
    return pdfium.PdfDocument(data, password=password)
