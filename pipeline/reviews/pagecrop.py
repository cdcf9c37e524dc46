"""A picture of the region of a PDF page around an item, with the item boxed.

Rendered on demand with pdfplumber (``page.crop(...).to_image()``, ``draw_rect``)
and cached as PNG files named by the document's SHA-256, the page and the boxes,
so a picture is drawn once per item and never goes stale: a changed document
has a new SHA-256.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Sequence
from pathlib import Path

BBox = tuple[float, float, float, float]

RESOLUTION = 150  # dots per inch of the picture: small table text stays legible
MARGIN = 42.0  # points of page kept above and below the item (about three lines of body text)
FILL = (255, 214, 0, 60)  # translucent yellow over the text
STROKE = (200, 30, 30)
PAD = 2.0  # points between the text and the outline, so the outline never covers a glyph


def crop_region(page_bbox: BBox, boxes: Sequence[BBox], margin: float = MARGIN) -> BBox:
    """The full width of the page, from `margin` above the first box to `margin` below the last."""
    x0, top, x1, bottom = page_bbox
    upper = max(top, min(b[1] for b in boxes) - margin)
    lower = min(bottom, max(b[3] for b in boxes) + margin)
    return (x0, upper, x1, max(lower, upper + 1))


def padded(box: BBox, pad: float = PAD) -> BBox:
    return (box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad)


def render(
    pdf_path: Path,
    page_number: int,
    boxes: Sequence[BBox],
    password: str | None = None,
    resolution: int = RESOLUTION,
    margin: float = MARGIN,
) -> bytes:
    """PNG bytes of the page region around `boxes` (pdfplumber coordinates), each box outlined."""
    import pdfplumber

    if not boxes:
        raise ValueError("no boxes to draw: the item has no position on the page")
    with pdfplumber.open(pdf_path, password=password or "") as pdf:
        if not 1 <= page_number <= len(pdf.pages):
            raise ValueError(f"{pdf_path.name} has {len(pdf.pages)} pages, not a page {page_number}")
        page = pdf.pages[page_number - 1]
        region = crop_region(page.bbox, boxes, margin)
        image = page.crop(region, strict=False).to_image(resolution=resolution)
        for box in boxes:
            image.draw_rect(padded(box), fill=FILL, stroke=STROKE, stroke_width=2)
        out = io.BytesIO()
        image.save(out, format="PNG")
        return out.getvalue()


def cache_name(doc_sha256: str, page_number: int, boxes: Sequence[BBox], resolution: int = RESOLUTION) -> str:
    key = repr((doc_sha256, page_number, [tuple(round(v, 2) for v in b) for b in boxes], resolution, MARGIN))
    return f"{doc_sha256[:16]}-p{page_number}-{hashlib.sha1(key.encode()).hexdigest()[:12]}.png"


def cached_render(
    cache_dir: Path,
    pdf_path: Path,
    doc_sha256: str,
    page_number: int,
    boxes: Sequence[BBox],
    password: str | None = None,
) -> Path:
    """The cached picture, drawn first if it is not there yet (written whole, then renamed)."""
    path = cache_dir / cache_name(doc_sha256, page_number, boxes)
    if path.is_file():
        return path
    data = render(pdf_path, page_number, boxes, password)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path
