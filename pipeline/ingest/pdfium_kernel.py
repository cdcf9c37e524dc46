"""The per-character loops of the pdfium reader, compiled (numba): no Python call per character.

`pdfium_chars._chars` asks pdfium for each character's code, box, matrix and size through ctypes:
five Python-level calls a character, a third of the time of a whole ingest. Here the same calls are
made from compiled code: `read_chars` calls pdfium's C functions by their addresses (taken from
pypdfium2's bindings once per process and passed in as integers, so the compiled code holds no
address and can be cached on disk: ``cache=True``, in ``__pycache__`` beside this file or numba's
user cache when that is not writable) and fills numpy arrays with what `_chars` builds, character by
character, with the same arithmetic in the same order (the results are the same floats).
`dedupe_keep` is `pdf_layout.dedupe` over arrays.

The first call in a process loads the compiled code from the cache (about 0.1-0.3 s with the import
of numba); with no cache it compiles (a few seconds, once per machine).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from llvmlite import ir  # type: ignore[import-untyped]
from numba import njit, types
from numba.extending import intrinsic

_VOIDP = ir.IntType(8).as_pointer()
_I32 = ir.IntType(32)


def _pointer(builder: Any, address: Any, ret: Any, args: list[Any]) -> Any:
    return builder.inttoptr(address, ir.FunctionType(ret, args).as_pointer())


def _index_call(ret: Any, ir_ret: Any) -> Any:
    """The intrinsic calling `ret fn(void *handle, int index)`, fn an address (typed Any: numba's
    intrinsics are called with the arguments after typingctx)."""

    def typing(typingctx: Any, fn: Any, handle: Any, index: Any) -> Any:
        sig = ret(types.uint64, types.uint64, types.int64)

        def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
            f = _pointer(builder, args[0], ir_ret, [_VOIDP, _I32])
            return builder.call(f, [builder.inttoptr(args[1], _VOIDP), builder.trunc(args[2], _I32)])

        return sig, codegen

    return intrinsic(typing)


def _call_i32_out_typing(typingctx: Any, fn: Any, handle: Any, index: Any, out: Any) -> Any:
    """int fn(void *handle, int index, void *out), fn an address."""
    sig = types.int32(types.uint64, types.uint64, types.int64, types.uint64)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        f = _pointer(builder, args[0], _I32, [_VOIDP, _I32, _VOIDP])
        handle = builder.inttoptr(args[1], _VOIDP)
        return builder.call(f, [handle, builder.trunc(args[2], _I32), builder.inttoptr(args[3], _VOIDP)])

    return sig, codegen


def _call_i32_out2_typing(typingctx: Any, fn: Any, handle: Any, index: Any, out1: Any, out2: Any) -> Any:
    """int fn(void *handle, int index, void *out1, void *out2), fn an address."""
    sig = types.int32(types.uint64, types.uint64, types.int64, types.uint64, types.uint64)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        f = _pointer(builder, args[0], _I32, [_VOIDP, _I32, _VOIDP, _VOIDP])
        handle = builder.inttoptr(args[1], _VOIDP)
        out1, out2 = builder.inttoptr(args[3], _VOIDP), builder.inttoptr(args[4], _VOIDP)
        return builder.call(f, [handle, builder.trunc(args[2], _I32), out1, out2])

    return sig, codegen


def _call_ptr_index_typing(typingctx: Any, fn: Any, handle: Any, index: Any) -> Any:
    """void *fn(void *handle, int index), fn an address; the pointer as an integer."""
    sig = types.uint64(types.uint64, types.uint64, types.int64)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        f = _pointer(builder, args[0], _VOIDP, [_VOIDP, _I32])
        got = builder.call(f, [builder.inttoptr(args[1], _VOIDP), builder.trunc(args[2], _I32)])
        return builder.ptrtoint(got, ir.IntType(64))

    return sig, codegen


def _call_ptr_typing(typingctx: Any, fn: Any, handle: Any) -> Any:
    """void *fn(void *handle), fn an address; the pointer as an integer."""
    sig = types.uint64(types.uint64, types.uint64)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        f = _pointer(builder, args[0], _VOIDP, [_VOIDP])
        return builder.ptrtoint(builder.call(f, [builder.inttoptr(args[1], _VOIDP)]), ir.IntType(64))

    return sig, codegen


def _call_width_typing(typingctx: Any, fn: Any, font: Any, glyph: Any, size: Any, out: Any) -> Any:
    """int fn(void *font, uint32_t glyph, float size, float *out), fn an address
    (FPDFFont_GetGlyphWidth)."""
    sig = types.int32(types.uint64, types.uint64, types.uint32, types.float32, types.uint64)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        f = _pointer(builder, args[0], _I32, [_VOIDP, _I32, ir.FloatType(), _VOIDP])
        font_p, out_p = builder.inttoptr(args[1], _VOIDP), builder.inttoptr(args[4], _VOIDP)
        return builder.call(f, [font_p, args[2], args[3], out_p])

    return sig, codegen


def _call_metric_typing(typingctx: Any, fn: Any, font: Any, size: Any, out: Any) -> Any:
    """int fn(void *font, float size, float *out), fn an address (FPDFFont_GetDescent)."""
    sig = types.int32(types.uint64, types.uint64, types.float32, types.uint64)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        f = _pointer(builder, args[0], _I32, [_VOIDP, ir.FloatType(), _VOIDP])
        return builder.call(f, [builder.inttoptr(args[1], _VOIDP), args[2], builder.inttoptr(args[3], _VOIDP)])

    return sig, codegen


# typed Any: numba's intrinsics are called with the arguments after typingctx
_call_metric: Any = intrinsic(_call_metric_typing)
_call_ptr_index: Any = intrinsic(_call_ptr_index_typing)
_call_ptr: Any = intrinsic(_call_ptr_typing)
_call_width: Any = intrinsic(_call_width_typing)
_call_u32: Any = _index_call(types.uint32, _I32)
_call_i32: Any = _index_call(types.int32, _I32)
_call_f64: Any = _index_call(types.float64, ir.DoubleType())
_call_i32_out: Any = intrinsic(_call_i32_out_typing)
_call_i32_out2: Any = intrinsic(_call_i32_out2_typing)

# the order of the addresses in `fns`
(
    UNICODE,
    GENERATED,
    LOOSE_BOX,
    MATRIX,
    FONT_SIZE,
    MAP_ERROR,
    ORIGIN,
    TEXT_OBJECT,
    OBJECT_FONT,
    GLYPH_WIDTH,
    DESCENT,
) = range(11)
# a matrix is taken as axis-aligned when its off-axis part is at most this share of its on-axis part
_SKEW = 1e-3
# how far past pdfium's loose box (which holds the advance) the advance's end may lie, in points
_SLACK = 0.01
# a distance within this share of the coordinates it comes from is a tie with a threshold: pdfium's
# coordinates are single precision (about 6e-8 of their size, a few roundings each), pdfminer's double
_TIE = 5e-7
# the columns of `out`: pdfplumber's box, font size, and the text matrix mapped to the page
X0, TOP, X1, BOTTOM, SIZE, MA, MB, MC, MD = range(9)


@njit(cache=True, nogil=True)
def read_chars(
    fns: Any,
    textpage: int,
    count: int,
    tf: Any,
    codes: Any,
    owner: Any,
    unmapped: Any,
    first: Any,
    pieces: Any,
    out: Any,
    upright: Any,
    fonts: Any,
) -> int:
    """`pdfium_chars._chars` over a text page of `count` characters; returns how many characters
    it gives. For each of pdfium's characters i: its code, whether it has no Unicode mapping, and
    the character it belongs to (`owner`, -1 when dropped as generated). For each character j:
    its first piece, how many pieces, its box and size (`out`), whether it is upright and its font
    (pdfium's handle, 0 when it has none)."""
    a_, b_, c_, d_, e_, f_ = tf[0], tf[1], tf[2], tf[3], tf[4], tf[5]
    mb_x0, mb_top, height = tf[6], tf[7], tf[8]
    rect = np.zeros(4, np.float32)  # FS_RECTF: left, top, right, bottom
    m = np.zeros(6, np.float32)  # FS_MATRIX: a, b, c, d, e, f
    rect_p = np.uint64(rect.ctypes.data)
    m_p = np.uint64(m.ctypes.data)
    origin = np.zeros(2, np.float64)  # the glyph's origin on the baseline (x, y)
    ox_p = np.uint64(origin.ctypes.data)
    oy_p = np.uint64(origin.ctypes.data + 8)
    width = np.zeros(1, np.float32)  # the glyph's advance from the font's widths
    width_p = np.uint64(width.ctypes.data)
    n = 0
    have_last = False
    k0 = k1 = k2 = k3 = k4 = k5 = k6 = k7 = np.float32(0.0)
    for i in range(count):
        code = _call_u32(fns[UNICODE], textpage, i)
        codes[i] = code
        owner[i] = -1
        unmapped[i] = False
        if (code == 0x20 or code == 0x0D or code == 0x0A or code == 0x02) and _call_i32(
            fns[GENERATED], textpage, i
        ) != 0:
            have_last = False
            continue
        _call_i32_out(fns[LOOSE_BOX], textpage, i, rect_p)
        _call_i32_out(fns[MATRIX], textpage, i, m_p)
        unmapped[i] = _call_i32(fns[MAP_ERROR], textpage, i) != 0
        if (
            have_last
            and n > 0
            and rect[0] == k0
            and rect[3] == k1
            and rect[2] == k2
            and rect[1] == k3
            and m[0] == k4
            and m[1] == k5
            and m[2] == k6
            and m[3] == k7
        ):  # one glyph that pdfium split into several letters
            owner[i] = n - 1
            pieces[n - 1] += 1
            continue
        have_last = True
        k0, k1, k2, k3, k4, k5, k6, k7 = rect[0], rect[3], rect[2], rect[1], m[0], m[1], m[2], m[3]
        owner[i] = n
        first[n] = i
        pieces[n] = 1
        left = np.float64(rect[0])
        bottom = np.float64(rect[3])
        right = np.float64(rect[2])
        top = np.float64(rect[1])
        ma, mb, mc, md = np.float64(m[0]), np.float64(m[1]), np.float64(m[2]), np.float64(m[3])
        size = _call_f64(fns[FONT_SIZE], textpage, i)
        ux = mc * size
        uy = md * size
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
        _call_i32_out2(fns[ORIGIN], textpage, i, ox_p, oy_p)
        if abs(uy) >= abs(ux):
            if ma > 0 and origin[0] > left:
                left = origin[0]
            elif ma < 0 and origin[0] < right:
                right = origin[0]
        elif mb > 0 and origin[1] > bottom:
            bottom = origin[1]
        elif mb < 0 and origin[1] < top:
            top = origin[1]
        # and ends at origin + advance (the font's /Widths); pdfium's loose box also takes in the
        # ink of a glyph running past its advance (italics, bold headings)
        obj = _call_ptr_index(fns[TEXT_OBJECT], textpage, i)
        font = _call_ptr(fns[OBJECT_FONT], obj) if obj != 0 else np.uint64(0)
        fonts[n] = font
        adv = _advance(fns, font, code, size, width, width_p)
        if adv > 0:
            if abs(uy) >= abs(ux) and abs(mb) <= _SKEW * abs(ma):
                end = origin[0] + adv * ma
                if ma > 0 and origin[0] < end <= right + _SLACK:
                    right = end
                elif ma < 0 and left - _SLACK <= end < origin[0]:
                    left = end
            elif abs(ux) > abs(uy) and abs(ma) <= _SKEW * abs(mb):
                end = origin[1] + adv * mb
                if mb > 0 and origin[1] < end <= top + _SLACK:
                    top = end
                elif mb < 0 and bottom - _SLACK <= end < origin[1]:
                    bottom = end
            elif _call_metric(fns[DESCENT], font, np.float32(size), width_p) != 0:
                # text at an angle: pdfminer's box holds the four corners of the glyph's
                # rectangle (origin to advance, descent to descent + one em); pdfium's holds its ink
                low = np.float64(width[0])
                xs = (origin[0] + low * mc, origin[0] + adv * ma + low * mc)
                ys = (origin[1] + low * md, origin[1] + adv * mb + low * md)
                left = min(xs[0], xs[1], xs[0] + size * mc, xs[1] + size * mc)
                right = max(xs[0], xs[1], xs[0] + size * mc, xs[1] + size * mc)
                bottom = min(ys[0], ys[1], ys[0] + size * md, ys[1] + size * md)
                top = max(ys[0], ys[1], ys[0] + size * md, ys[1] + size * md)
        px0 = a_ * left + c_ * bottom + e_
        py0 = b_ * left + d_ * bottom + f_
        px1 = a_ * right + c_ * top + e_
        py1 = b_ * right + d_ * top + f_
        if px1 < px0:
            px0, px1 = px1, px0
        if py1 < py0:
            py0, py1 = py1, py0
        a = a_ * ma + c_ * mb
        b = b_ * ma + d_ * mb
        c = a_ * mc + c_ * md
        d = b_ * mc + d_ * md
        out[n, X0] = px0 + mb_x0
        out[n, TOP] = height - py1 + mb_top
        out[n, X1] = px1 + mb_x0
        out[n, BOTTOM] = height - py0 + mb_top
        out[n, SIZE] = py1 - py0
        out[n, MA] = a
        out[n, MB] = b
        out[n, MC] = c
        out[n, MD] = d
        upright[n] = a * d > 0 and b * c <= 0
        n += 1
    return n


@njit(cache=True, nogil=True)
def _advance(fns: Any, font: Any, code: int, size: float, width: Any, width_p: Any) -> float:
    """The advance of a character of `font` in text space (the font's width for its code times
    the font size), 0.0 when pdfium cannot give it. A hyphen pdfium marked at a line end (code 2)
    is looked up as `-`."""
    if font == 0:
        return 0.0
    glyph = np.uint32(0x2D) if code == 0x02 else np.uint32(code)
    if _call_width(fns[GLYPH_WIDTH], font, glyph, np.float32(size), width_p) == 0:
        return 0.0
    return np.float64(width[0])


@njit(cache=True, nogil=True)
def dedupe_keep(ids: Any, x0: Any, top: Any, x1: Any, size: Any, space: Any, tolerance_em: float, keep: Any) -> int:
    """`pdf_layout.dedupe` over arrays: sets keep[i] for the glyphs it keeps and returns how many it
    drops. `ids` stand for the glyphs' texts (equal ids, equal texts). A glyph is dropped when an
    earlier kept glyph of the same text lies in its grid cell or one beside it (cells of
    tolerance_em x its size, as dedupe's) within that tolerance and half its width, at a size
    within 5%. Only glyphs of the same text whose tops lie within the tolerance are looked at."""
    n = len(ids)
    order = np.argsort(ids, kind="mergesort")  # stable: each text's glyphs in page order
    ix = np.zeros(n, np.int64)
    iy = np.zeros(n, np.int64)
    removed = 0
    start = 0
    while start < n:
        end = start
        while end < n and ids[order[end]] == ids[order[start]]:
            end += 1
        members = order[start:end]
        tops = top[members]
        by_top = members[np.argsort(tops, kind="mergesort")]
        sorted_tops = top[by_top]
        for g in members:
            if space[g]:
                keep[g] = True
                continue
            tol = tolerance_em * size[g]
            ix[g] = int(x0[g] // tol)
            iy[g] = int(top[g] // tol)
            half = (x1[g] - x0[g]) / 2
            reach = min(tol, half)
            slack = 1e-9 * (abs(top[g]) + tol) + 1e-12
            lo = np.searchsorted(sorted_tops, top[g] - tol - slack, "left")
            hi = np.searchsorted(sorted_tops, top[g] + tol + slack, "right")
            dup = False
            for q in range(lo, hi):
                o = by_top[q]
                if o >= g or not keep[o] or space[o]:
                    continue
                if abs(ix[o] - ix[g]) > 1 or abs(iy[o] - iy[g]) > 1:
                    continue
                near = abs(x0[o] - x0[g]) <= reach and abs(top[o] - top[g]) <= tol
                if near and abs(size[o] - size[g]) <= 0.05 * size[g]:
                    dup = True
                    break
            if dup:
                removed += 1
                keep[g] = False
            else:
                keep[g] = True
        start = end
    return removed


@njit(cache=True, nogil=True)
def _median(values: Any) -> float:
    """statistics.median: the middle value, or the mean of the two middle values as (a + b) / 2."""
    s = np.sort(values)
    m = len(s) // 2
    if len(s) % 2:
        return float(s[m])
    return float((s[m - 1] + s[m]) / 2)


@njit(cache=True, nogil=True)
def rows_and_pieces(
    u0: Any,
    u1: Any,
    v0: Any,
    v1: Any,
    size: Any,
    space: Any,
    box: Any,
    typical: float,
    explicit_spaces: bool,
    top_band: float,
    bottom_band: float,
    params: Any,
    tokens: Any,
    row_info: Any,
    piece_info: Any,
) -> tuple[int, int, int, int]:
    """`pdf_layout._make_rows` over the glyphs of one direction group, in their reading frame (u
    along the line, v down the page). params: same_line_em, cell_gap_em, after_space_gap_em,
    space_gap_em. For each row: its first and last token, v0, v1, band (0 none, 1 top, 2 bottom),
    its box and its first and last piece (`row_info`); tokens are glyph indices, -1 a word space,
    -2 a cell break; for each piece its u0, u1 and words (`piece_info`). Returns the numbers of
    rows, tokens and pieces, and of ties: a row's reach or a gap that lies on a threshold within
    the precision of pdfium's single-precision coordinates (`_TIE`), which pdfminer's double
    precision may decide the other way."""
    same_line_em, cell_gap_em, after_space_gap_em, space_gap_em = params[0], params[1], params[2], params[3]
    n = len(u0)
    mids = v0 + v1
    order = np.argsort(mids, kind="mergesort")
    n_rows = n_tokens = n_pieces = ties = 0
    start = 0
    while start < n:
        # one row: glyphs whose middle lies within same_line_em of the first glyph's middle
        w = order[start]
        limit = (v0[w] + v1[w]) / 2 + same_line_em * max(size[w], typical)
        end = start + 1
        while end < n and (v0[order[end]] + v1[order[end]]) / 2 <= limit:
            end += 1
        tie_v = _TIE * (abs(limit) + 1.0)
        if end < n and (v0[order[end]] + v1[order[end]]) / 2 - limit <= tie_v:
            ties += 1
        elif end - 1 > start and limit - (v0[order[end - 1]] + v1[order[end - 1]]) / 2 <= tie_v:
            ties += 1
        items = order[start:end]
        start = end
        visible = items[~space[items]]
        if len(visible) == 0:
            continue
        script = 0.85 * _median(size[visible])
        row_v0 = v0[visible].min()
        row_v1 = v1[visible].max()
        first_token, first_piece = n_tokens, n_pieces
        bx0 = bt = np.inf
        bx1 = bb = -np.inf
        have_piece = False
        end_u = 0.0
        prev_size = prev_base = 0.0
        have_space = False
        space_end = 0.0
        for w in items[np.argsort(u0[items], kind="mergesort")]:
            if space[w]:
                space_end = u1[w] if not have_space else max(space_end, u1[w])
                have_space = True
                continue
            if have_piece:
                gap = u0[w] - end_u
                sz = (size[w] + prev_size) / 2
                shifted = (size[w] < script or prev_size < script) and abs(v1[w] - prev_base) > 0.2 * max(
                    size[w], prev_size
                )
                tie = _TIE * (abs(u0[w]) + abs(end_u) + 1.0)
                if (
                    abs(gap - cell_gap_em * sz) <= tie
                    or abs(gap - space_gap_em * sz) <= tie
                    or (have_space and abs(u0[w] - max(space_end, end_u) - after_space_gap_em * sz) <= tie)
                ):
                    ties += 1
                if (
                    gap >= cell_gap_em * sz
                    or (have_space and u0[w] - max(space_end, end_u) >= after_space_gap_em * sz)
                    or (explicit_spaces and not have_space and not shifted and gap >= space_gap_em * sz)
                ):
                    have_piece = False
                    tokens[n_tokens] = -2
                    n_tokens += 1
                elif have_space or gap >= space_gap_em * sz:
                    tokens[n_tokens] = -1
                    n_tokens += 1
                    piece_info[n_pieces - 1, 2] += 1
            if not have_piece:
                have_piece = True
                piece_info[n_pieces, 0] = u0[w]
                piece_info[n_pieces, 1] = u1[w]
                piece_info[n_pieces, 2] = 1
                n_pieces += 1
                end_u = u1[w]
            tokens[n_tokens] = w
            n_tokens += 1
            end_u = max(end_u, u1[w])
            piece_info[n_pieces - 1, 1] = end_u
            prev_size = size[w]
            prev_base = v1[w]
            have_space = False
            bx0 = min(bx0, box[w, 0])
            bt = min(bt, box[w, 1])
            bx1 = max(bx1, box[w, 2])
            bb = max(bb, box[w, 3])
        row_info[n_rows, 0] = first_token
        row_info[n_rows, 1] = n_tokens
        row_info[n_rows, 2] = row_v0
        row_info[n_rows, 3] = row_v1
        row_info[n_rows, 4] = 1 if row_v1 <= top_band else 2 if row_v0 >= bottom_band else 0
        row_info[n_rows, 5] = bx0
        row_info[n_rows, 6] = bt
        row_info[n_rows, 7] = bx1
        row_info[n_rows, 8] = bb
        row_info[n_rows, 9] = first_piece
        row_info[n_rows, 10] = n_pieces
        n_rows += 1
    return n_rows, n_tokens, n_pieces, ties
