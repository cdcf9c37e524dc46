"""A picture of the whole PDF page an item is on, readable, with the item boxed.

Rendered on demand with pdfplumber (``page.to_image()``, ``draw_rect``) at 150 dpi or more (at
least 1000 px wide, so table text stays legible), and cached as PNG files named by the
document's SHA-256, the page and the boxes, so a picture is drawn once per item and never goes
stale: a changed document has a new SHA-256. The item is outlined in red over a yellow tint; a
table amount's column header row, when given, in blue.
"""

from __future__ import annotations

import functools
import hashlib
import io
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

BBox = tuple[float, float, float, float]

RESOLUTION = 150  # dots per inch at least: small table text stays legible
MIN_WIDTH = 1000  # pixels at least, for small pages
FILL = (255, 214, 0, 60)  # translucent yellow over the text
STROKE = (200, 30, 30)
HEADER_STROKE = (30, 90, 200)  # the column header of a table amount
PAD = 2.0  # points between the text and the outline, so the outline never covers a glyph
VERSION = 2  # of the picture's recipe (1: a strip of the page; 2: the whole page)


def resolution_for(width_points: float) -> int:
    """Dots per inch: RESOLUTION, or more for a page narrower than MIN_WIDTH pixels at that."""
    return max(RESOLUTION, math.ceil(MIN_WIDTH * 72 / width_points))


def padded(box: BBox, pad: float = PAD) -> BBox:
    return (box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad)


def page_size(pdf_path: Path, page_number: int, password: str | None = None) -> tuple[float, float]:
    """Width and height of the page in points (as pdfplumber measures boxes). Kept per file version:
    every audit page of a PDF item asks, and opening the PDF took 5-80 ms of the GIL each time."""
    stat = pdf_path.stat()
    return _page_size(str(pdf_path), stat.st_mtime_ns, stat.st_size, page_number, password)


@functools.lru_cache(maxsize=4096)
def _page_size(path: str, mtime_ns: int, size: int, page_number: int, password: str | None) -> tuple[float, float]:
    import pdfplumber

    with pdfplumber.open(path, password=password or "") as pdf:
        page: Any = _page(pdf, Path(path), page_number)
        return float(page.width), float(page.height)


def _page(pdf: object, pdf_path: Path, page_number: int) -> object:
    pages = pdf.pages  # type: ignore[attr-defined]
    if not 1 <= page_number <= len(pages):
        raise ValueError(f"{pdf_path.name} has {len(pages)} pages, not a page {page_number}")
    return pages[page_number - 1]


def render(
    pdf_path: Path,
    page_number: int,
    boxes: Sequence[BBox],
    password: str | None = None,
    header_boxes: Sequence[BBox] = (),
) -> bytes:
    """PNG bytes of the whole page, each of `boxes` (pdfplumber coordinates) outlined."""
    import pdfplumber

    if not boxes:
        raise ValueError("no boxes to draw: the item has no position on the page")
    with pdfplumber.open(pdf_path, password=password or "") as pdf:
        page = _page(pdf, pdf_path, page_number)
        image = page.to_image(resolution=resolution_for(float(page.width)))  # type: ignore[attr-defined]
        for box in header_boxes:
            image.draw_rect(padded(box), fill=(0, 0, 0, 0), stroke=HEADER_STROKE, stroke_width=2)
        for box in boxes:
            image.draw_rect(padded(box), fill=FILL, stroke=STROKE, stroke_width=3)
        out = io.BytesIO()
        image.save(out, format="PNG")
        return out.getvalue()


def cache_name(doc_sha256: str, page_number: int, boxes: Sequence[BBox], header_boxes: Sequence[BBox] = ()) -> str:
    rounded = [[tuple(round(v, 2) for v in b) for b in bs] for bs in (boxes, header_boxes)]
    key = repr((doc_sha256, page_number, rounded, RESOLUTION, MIN_WIDTH, VERSION))
    return f"{doc_sha256[:16]}-p{page_number}-{hashlib.sha1(key.encode()).hexdigest()[:12]}.png"


def cached_render(
    cache_dir: Path,
    pdf_path: Path,
    doc_sha256: str,
    page_number: int,
    boxes: Sequence[BBox],
    password: str | None = None,
    header_boxes: Sequence[BBox] = (),
) -> Path:
    """The cached picture, drawn first if it is not there yet (written whole, then renamed)."""
    path = cache_dir / cache_name(doc_sha256, page_number, boxes, header_boxes)
    if path.is_file():
        return path
    data = render(pdf_path, page_number, boxes, password, header_boxes)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path
