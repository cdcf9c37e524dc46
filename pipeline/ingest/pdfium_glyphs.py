"""A page's glyphs from pdfium, array-shaped: what `pdf_layout.glyphs_from_chars` makes of
`pdfium_chars.page_chars`, without a Python object per character until the glyphs themselves.

The characters come from the compiled loop (`pdfium_kernel.read_chars`), the clean-up (unreadable
glyphs, characters that cannot be printed, glyphs outside the page, directions, sizes) is done on
whole arrays, and the duplicates are dropped by `pdfium_kernel.dedupe_keep`. The glyphs, the counts
and the characters (built only when OCR asks for them) are those of the Python path; the
tests compare them on real PDFs.
"""

from __future__ import annotations

import ctypes
import statistics
from collections.abc import Iterator, Sequence
from typing import Any, overload

import numpy as np
import pypdfium2.raw as pdfium_c

from pipeline.ingest import pdfium_kernel as k
from pipeline.ingest.pdf_layout import (
    BTT,
    LTR,
    RTL,
    TTB,
    Glyph,
    PageLine,
    PageStats,
    RawChar,
    _frame,
    _gutters,
    _Piece,
    _read_group,
    _Row,
    _v_extent,
    glyphs_from_chars,
)
from pipeline.ingest.pdf_rules import PdfLayout
from pipeline.ingest.pdfium_chars import _dropped_spaces, _page_transform
from pipeline.ingest.pdfium_fonts import builtin_metrics_differ
from pipeline.model import BBox

Array = np.ndarray[Any, Any]
_FNS: list[Array] = []


def _functions() -> Array:
    """The addresses of the pdfium functions the compiled loop calls, in `pdfium_kernel`'s order."""
    if not _FNS:
        names = (
            "FPDFText_GetUnicode",
            "FPDFText_IsGenerated",
            "FPDFText_GetLooseCharBox",
            "FPDFText_GetMatrix",
            "FPDFText_GetFontSize",
            "FPDFText_HasUnicodeMapError",
            "FPDFText_GetCharOrigin",
            "FPDFText_GetTextObject",
            "FPDFTextObj_GetFont",
            "FPDFFont_GetGlyphWidth",
            "FPDFFont_GetDescent",
        )
        addresses = [ctypes.cast(getattr(pdfium_c, name), ctypes.c_void_p).value for name in names]
        _FNS.append(np.array(addresses, dtype=np.uint64))
    return _FNS[0]


class _Chars(Sequence[RawChar]):
    """The page's characters as `pdfium_chars.page_chars` gives them, made when first asked for
    (only OCR looks at them)."""

    def __init__(self, texts: list[str], out: Array, upright: Array) -> None:
        self._args = (texts, out, upright)
        self._list: list[RawChar] | None = None

    def _made(self) -> list[RawChar]:
        if self._list is None:
            texts, out, upright = self._args
            rows = out.tolist()
            self._list = [
                (t, *r[k.X0 : k.SIZE + 1], u, (*r[k.MA : k.MD + 1], 0.0, 0.0))
                for t, r, u in zip(texts, rows, upright.tolist(), strict=True)
            ]
        return self._list

    def __len__(self) -> int:
        return len(self._made())

    @overload
    def __getitem__(self, i: int) -> RawChar: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[RawChar]: ...
    def __getitem__(self, i: int | slice) -> RawChar | Sequence[RawChar]:
        return self._made()[i]

    def __iter__(self) -> Iterator[RawChar]:
        return iter(self._made())


def _piece_text(code: int, unmapped: bool) -> str:
    if unmapped:
        return f"(cid:{code})"
    if code == 0x02:  # a hyphen pdfium found at a line end
        return "-"
    return chr(code) if code else ""


def _texts(codes: Array, owner: Array, unmapped: Array, first: Array, pieces: Array) -> list[str]:
    """Each character's text as `pdfium_chars._chars` writes it: one code point, or its pieces
    joined, ``(cid:N)`` for a glyph with no Unicode, ``-`` for a line-end hyphen."""
    fc = codes[first]
    surrogate = (fc >= 0xD800) & (fc <= 0xDFFF)
    special = (pieces != 1) | unmapped[first] | (fc == 0) | (fc == 0x02) | surrogate | (fc > 0x10FFFF)
    plain = np.where(special, 0x20, fc).astype("<u4")
    texts = list(plain.tobytes().decode("utf-32-le"))
    for j in np.flatnonzero(special).tolist():
        i0 = int(first[j])
        parts = (
            [_piece_text(int(codes[i]), bool(unmapped[i])) for i in range(i0, len(owner)) if owner[i] == j]
            if pieces[j] != 1
            else [_piece_text(int(codes[i0]), bool(unmapped[i0]))]
        )
        texts[j] = "".join(parts)
    return texts


class PageGlyphs:
    """One page's glyphs as arrays (kept ones only, in page order), their counts, and the
    characters they came from."""

    def __init__(
        self,
        texts: list[str],
        box: Array,
        size: Array,
        direction: Array,
        stats: PageStats,
        chars: Sequence[RawChar],
        space: Array | None = None,
    ) -> None:
        self.texts, self.box, self.size, self.direction = texts, box, size, direction
        self.stats, self.chars = stats, chars
        if space is None:
            space = np.fromiter((t.isspace() for t in texts), np.bool_, len(texts))
        self.space = space
        self.split = 0  # glyphs pdfium split into several letters (a ligature normalised)
        # fonts pdfminer measures by its built-in metrics, with a descent pdfium reads otherwise
        self.builtin_metrics: list[str] = []
        # gaps and row reaches on a layout threshold within single precision (set by `lines`)
        self.ties = 0
        self._lines: tuple[tuple[float, float, int], list[PageLine]] | None = None

    def glyphs(self) -> list[Glyph]:
        return _glyph_list(self.texts, self.box, self.size, self.direction, np.arange(len(self.texts)))

    def lines(self, width: float, height: float, layout: PdfLayout) -> list[PageLine]:
        """`pdf_layout.read_page(self.glyphs(), width, height, layout)`, made once (the ties are
        counted then)."""
        key = (width, height, id(layout))
        if self._lines is None or self._lines[0] != key:
            self.ties = 0
            self._lines = (key, read_page_arrays(self, width, height, layout))
        return self._lines[1]


def _glyph_list(texts: list[str], box: Array, size: Array, direction: Array, idx: Array) -> list[Glyph]:
    b = box[idx]
    return list(
        map(
            Glyph,
            [texts[i] for i in idx.tolist()],
            b[:, 0].tolist(),
            b[:, 1].tolist(),
            b[:, 2].tolist(),
            b[:, 3].tolist(),
            size[idx].tolist(),
            direction[idx].tolist(),
        )
    )


def page_glyphs(page: Any, width: float, height: float, layout: PdfLayout) -> PageGlyphs:
    """`glyphs_from_chars(pdfium_chars.page_chars(page), width, height, layout)` as arrays, and
    those characters (made only when used)."""
    textpage = page.get_textpage()
    try:
        tp = textpage.raw
        count = max(pdfium_c.FPDFText_CountChars(tp), 0)
        ctm, mb_x0, mb_top, page_height = _page_transform(page)
        tf = np.array([*ctm, mb_x0, mb_top, page_height], dtype=np.float64)
        codes = np.zeros(count, np.uint32)
        owner = np.zeros(count, np.int64)
        unmapped = np.zeros(count, np.bool_)
        first = np.zeros(count, np.int64)
        pieces = np.zeros(count, np.int64)
        out = np.zeros((count, 9), np.float64)
        upright = np.zeros(count, np.bool_)
        fonts = np.zeros(count, np.uint64)
        address = ctypes.cast(tp, ctypes.c_void_p).value or 0
        n = k.read_chars(_functions(), address, count, tf, codes, owner, unmapped, first, pieces, out, upright, fonts)
        builtin = builtin_metrics_differ(np.unique(fonts[:n]).tolist())
    finally:
        textpage.close()
    extra = _dropped_spaces(page, ctm, mb_x0, mb_top, page_height)
    first, pieces, out, upright = first[:n], pieces[:n], out[:n], upright[:n]
    split = int((pieces > 1).sum())
    texts = _texts(codes, owner, unmapped, first, pieces)
    if extra:  # the spaces pdfium leaves off its text page, after its characters as in page_chars
        texts.extend(c[0] for c in extra)
        rows = [[c[1], c[2], c[3], c[4], c[5], *(c[7] or (1.0, 0.0, 0.0, 1.0))[:4]] for c in extra]
        out = np.concatenate([out, np.array(rows, dtype=np.float64)])
        upright = np.concatenate([upright, np.array([c[6] for c in extra], dtype=np.bool_)])
    chars = _Chars(texts, out, upright)
    if not np.isfinite(out[:, : k.SIZE + 1]).all():  # a broken file: the Python path, same characters
        glyphs, stats = glyphs_from_chars(chars, width, height, layout)
        pg = PageGlyphs(
            [g.text for g in glyphs],
            np.array([g[1:5] for g in glyphs], dtype=np.float64).reshape(-1, 4),
            np.array([g.size for g in glyphs], dtype=np.float64),
            np.array([g.direction for g in glyphs], dtype=np.int64),
            stats,
            chars,
        )
    else:
        pg = _glyphs(texts, out, upright, width, height, layout, chars)
    pg.split = split
    pg.builtin_metrics = builtin
    return pg


def _glyphs(
    texts: list[str],
    out: Array,
    upright: Array,
    width: float,
    height: float,
    layout: PdfLayout,
    chars: Sequence[RawChar],
) -> PageGlyphs:
    stats = PageStats()
    joined = "".join(texts)
    if len(joined) == len(texts) and joined.isprintable():
        # one printable character each (no "(cid:", no empty text): nothing to clean
        cleaned = texts
        keep_text = None
        codes = np.frombuffer(joined.encode("utf-32-le"), dtype="<u4")
        space = np.isin(codes, _WHITESPACE)
        ids = codes.astype(np.int64)  # each text one character: its code point stands for it
    else:
        cleaned, keep_text, stats.unreadable = _cleaned(texts, layout.unreadable_replacement)
        space = np.fromiter((t.isspace() for t in cleaned), np.bool_, len(cleaned))
        ids = _text_ids(cleaned)
    if keep_text is not None:
        out, upright = out[keep_text], upright[keep_text]
    x0, top, x1, bottom = out[:, k.X0], out[:, k.TOP], out[:, k.X1], out[:, k.BOTTOM]
    visible = ~space
    stats.glyphs = int(visible.sum())
    stats.outside = int((visible & ((x1 < 0) | (x0 > width) | (bottom < 0) | (top > height))).sum())
    a, b = out[:, k.MA], out[:, k.MB]
    direction = np.where(
        upright, LTR, np.where(np.abs(a) >= np.abs(b), np.where(a >= 0, LTR, RTL), np.where(b > 0, BTT, TTB))
    ).astype(np.int64)
    size = out[:, k.SIZE]
    size = np.where(size != 0, size, np.where(bottom - top != 0, bottom - top, 1.0))
    if layout.dedupe_em > 0 and len(cleaned):
        keep = np.zeros(len(cleaned), np.bool_)
        stats.duplicates = int(k.dedupe_keep(ids, x0, top, x1, size, space, float(layout.dedupe_em), keep))
        kept = np.flatnonzero(keep)
        if len(kept) < len(cleaned):
            cleaned = [cleaned[i] for i in kept.tolist()]
            out, size, direction, space = out[kept], size[kept], direction[kept], space[kept]
    box = np.ascontiguousarray(out[:, k.X0 : k.BOTTOM + 1])
    return PageGlyphs(cleaned, box, size, direction, stats, chars, space)


# every character str.isspace() holds for (all below U+3001)
_WHITESPACE = np.array([c for c in range(0x3001) if chr(c).isspace()], dtype="<u4")


def _cleaned(texts: list[str], repl: str) -> tuple[list[str], Array, int]:
    """`glyphs_from_chars`'s clean-up of texts: empty ones left out (the mask of those kept),
    unreadable glyphs as `repl` (how many), characters that cannot be printed as spaces."""
    keep_text = np.fromiter((bool(t) for t in texts), np.bool_, len(texts))
    cleaned: list[str] = []
    unreadable = 0
    for t in texts:
        if not t:
            continue
        if t.startswith("(cid:"):
            t = repl
            unreadable += 1
        elif not t.isprintable():
            t = "".join(ch if ch.isprintable() else " " for ch in t)
        cleaned.append(t)
    return cleaned, keep_text, unreadable


def _text_ids(texts: list[str]) -> Array:
    """A number for each text: its code point, or one past the last code point for longer texts."""
    longer: dict[str, int] = {}
    return np.fromiter(
        (ord(t) if len(t) == 1 else longer.setdefault(t, 0x110000 + len(longer)) for t in texts), np.int64, len(texts)
    )


def _frame_arrays(direction: int, box: Array) -> tuple[Array, ...]:
    """`pdf_layout._frame` over arrays: u0, u1, v0, v1."""
    x0, top, x1, bottom = box[:, 0], box[:, 1], box[:, 2], box[:, 3]
    if direction == LTR:
        return x0, x1, top, bottom
    if direction == TTB:
        return top, bottom, -x1, -x0
    if direction == BTT:
        return -bottom, -top, x0, x1
    return -x1, -x0, -bottom, -top


_BANDS = (None, "top", "bottom")


def read_page_arrays(pg: PageGlyphs, width: float, height: float, layout: PdfLayout) -> list[PageLine]:
    """`pdf_layout.read_page` over a page's glyph arrays. Rows and pieces come from the compiled
    `rows_and_pieces`; a direction group whose rows have column gutters is read by
    `pdf_layout._read_group` itself (prose in columns: few glyphs a page)."""
    if not pg.texts:
        return []
    dirs, counts = np.unique(pg.direction, return_counts=True)
    groups = sorted(zip(dirs.tolist(), counts.tolist(), strict=True), key=lambda dc: (-dc[1], dc[0]))
    space = pg.space
    single = len(layout.cell_separator) == 1 and len("".join(pg.texts)) == len(pg.texts)
    params = np.array([layout.same_line_em, layout.cell_gap_em, layout.after_space_gap_em, layout.space_gap_em])
    sep = layout.cell_separator
    lines: list[PageLine] = []
    for direction, _ in groups:
        idx = np.flatnonzero(pg.direction == direction) if len(groups) > 1 else np.arange(len(pg.texts))
        box = pg.box[idx]
        size = pg.size[idx]
        sp = space[idx]
        u0, u1, v0, v1 = _frame_arrays(direction, box)
        vmin, vmax = _v_extent(direction, width, height)
        band = layout.band_share * (vmax - vmin)
        sizes = size.tolist()
        n = len(idx)
        tokens = np.zeros(2 * n + 1, np.int64)
        row_info = np.zeros((n + 1, 11), np.float64)
        piece_info = np.zeros((n + 1, 3), np.float64)
        n_rows, n_tokens, n_pieces, ties = k.rows_and_pieces(
            np.ascontiguousarray(u0),
            np.ascontiguousarray(u1),
            np.ascontiguousarray(v0),
            np.ascontiguousarray(v1),
            size,
            sp,
            box,
            float(statistics.median(sizes)),
            int(sp.sum()) / n >= layout.explicit_space_share,
            vmin + band,
            vmax - band,
            params,
            tokens,
            row_info,
            piece_info,
        )
        pg.ties += ties
        info = row_info[:n_rows].tolist()
        pinfo = piece_info[:n_pieces].tolist()
        rows = [
            _Row(r[2], r[3], [_Piece(p[0], p[1], [], int(p[2])) for p in pinfo[int(r[9]) : int(r[10])]], [], band)
            for r in info
            for band in (_BANDS[int(r[4])],)
        ]
        if _gutters(rows, layout):
            glyphs = _glyph_list(pg.texts, pg.box, pg.size, pg.direction, idx)
            lines.extend(_read_group([_frame(g) for g in glyphs], (vmin, vmax), layout))
            continue
        texts = [pg.texts[i] for i in idx.tolist()]
        texts += [sep, " "]  # tokens -2 and -1
        # one tuple per glyph, made by zip from the four columns (no list per glyph on the way);
        # tokens -2 and -1 (a cell break, a word space) have no box
        bx0, btop, bx1, bbottom = box.T.tolist()
        boxes: list[BBox | None] = list(zip(bx0, btop, bx1, bbottom, strict=True))
        boxes += [None, None]
        sep_boxes: tuple[None, ...] = (None,) * len(sep)
        toks = tokens[:n_tokens].tolist()
        text_of, box_of = texts.__getitem__, boxes.__getitem__
        for r in info:
            row = toks[int(r[0]) : int(r[1])]
            text = "".join(map(text_of, row))
            if single:
                line_boxes = tuple(map(box_of, row))
            else:
                parts: list[BBox | None] = []
                for t in row:
                    if t == -2:
                        parts.extend(sep_boxes)
                    elif t == -1:
                        parts.append(None)
                    else:
                        parts.extend([boxes[t]] * len(texts[t]))
                line_boxes = tuple(parts)
            lines.append(PageLine(text, line_boxes, (r[5], r[6], r[7], r[8]), _BANDS[int(r[4])]))
    return lines
