"""OCR at the edge of PDF ingestion: what `pdf.py` calls for one page.

- `read_whole_page`: a page with no text layer (a scan) is rendered and read whole.
- `add_missing`: a page with a text layer gets OCR lines for its raster images big enough to hold
  text and for its lost glyphs (see `ocr_detect`). A page with neither is never rendered, so a
  document whose pages all have a good text layer costs nothing more.

OCR lines (`ocr.OcrLine`, `lines.source = 'ocr'`) follow the page's text-layer lines, so the
text-layer lines keep their numbers; they are in reading order (`ocr_order`: each picture whole,
pictures in page order, rows top to bottom, left to right within a row). Rendering is pdfplumber's (pypdfium2) at
``dpi`` of ``rules/ocr.yaml``; boxes are in page points like every other line's.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from pdfminer.layout import LTContainer, LTImage, LTItem

from pipeline.ingest import ocr, ocr_detect, ocr_order
from pipeline.ingest.ocr_rules import OcrRules
from pipeline.ingest.pdf_layout import PageLine
from pipeline.model import BBox, Document, Problem

PAD_EM = 0.4  # margin round a lost-glyph word, in ems, so the recogniser sees whole characters


@dataclass
class PageOcr:
    """The OCR settings of one build, and what OCR did on the pages of one document."""

    rules: OcrRules
    usable: bool
    pages: list[int] = field(default_factory=list)


def for_document(rules: OcrRules) -> PageOcr:
    return PageOcr(rules, rules.enabled and ocr.available(rules))


def render_dpi(page: Any, rules: OcrRules) -> float:
    """The resolution a page is rendered at for OCR: ``dpi``, lowered so that the image has at most
    ``max_page_pixels`` pixels (a poster-sized page, up to 200 x 200 inches, would otherwise take
    gigabytes and minutes to render)."""
    inches = max(float(page.width), 1.0) * max(float(page.height), 1.0) / 72**2
    return min(float(rules.dpi), float((rules.max_page_pixels / inches) ** 0.5))


def render(page: Any, dpi: float) -> Any:
    try:
        return page.to_image(resolution=dpi).original
    except Exception as exc:
        raise ocr.OcrError(f"the page could not be rendered: {type(exc).__name__}: {exc}") from None


def read_whole_page(page: Any, state: PageOcr, band_share: float) -> list[PageLine]:
    image = render(page, render_dpi(page, state.rules))
    height = float(page.height)
    scale = height / image.height
    found = ocr.read_image(image, state.rules)
    lines = ocr.to_page_lines(found, scale, 0.0, 0.0, height, band_share * height)
    return ocr_order.lines_in_reading_order(lines, state.rules.row_overlap)


def add_missing(
    page: Any,
    chars: Sequence[Any],
    has_images: bool,
    lines: list[PageLine],
    state: PageOcr,
    band_share: float,
    image_list: Sequence[BBox] | None = None,
) -> list[PageLine]:
    """`lines` and, after them, OCR lines for the page's images and lost glyphs (raises OcrError).
    `image_list`: the images' boxes where the reader has them (pdfium), else from pdfminer's layout."""
    rules = state.rules
    candidates = ocr_detect.lost_glyph_candidates(chars, rules)
    width, height = float(page.width), float(page.height)
    boxes = image_boxes(page) if image_list is None else image_list
    images = ocr_detect.image_regions(boxes, width, height, rules) if has_images else []
    if not candidates and not images:
        return lines
    image = render(page, render_dpi(page, rules))
    scale = image.width / width  # pixels per point
    regions: list[BBox] = []
    if candidates:
        gray = image.convert("L")
        inked = [
            i
            for i in candidates
            if ocr_detect.ink_share(gray, tuple(chars[i][1:5]), scale, rules.dark_level) >= rules.min_ink_share
        ]
        for x0, top, x1, bottom in ocr_detect.lost_glyph_regions(chars, inked):
            pad = PAD_EM * (bottom - top)
            regions.append((x0 - pad, top - pad, x1 + pad, bottom + pad))
    glyphs = [tuple(c[1:5]) for c in chars if not c[0].isspace()]
    found: list[PageLine] = []
    every = [*regions, *images]
    for region in ocr_order.in_reading_order(every, every, rules.row_overlap):  # each picture whole, in page order
        is_image = region in images
        x0, top = max(region[0], 0.0), max(region[1], 0.0)
        crop = image.crop((round(x0 * scale), round(top * scale), round(region[2] * scale), round(region[3] * scale)))
        if crop.width < 4 or crop.height < 4:
            continue
        read = ocr.to_page_lines(ocr.read_image(crop, rules), 1 / scale, x0, top, height, band_share * height)
        if is_image:
            read = [r for r in read if ocr_detect.covered_share(r.bbox, glyphs) <= rules.image_max_text_overlap]
            read = ocr_detect.join_broken_ranges(read, rules)
            read = ocr_detect.usual_sign(read, rules)
        found.extend(ocr_order.lines_in_reading_order(read, rules.row_overlap))
    return [*lines, *found]


def image_boxes(page: Any) -> Iterator[BBox]:
    """The boxes of the page's raster images, top-left origin like pdfplumber's (from the layout
    pdfplumber has already made for the characters, so nothing is parsed again)."""
    height = float(page.height)
    mb_x0, mb_top = float(page.mediabox[0]), float(page.mediabox[1])
    stack: list[Iterator[LTItem]] = [iter(page.layout)]
    while stack:
        for obj in stack[-1]:
            if isinstance(obj, LTImage):
                yield (obj.x0 + mb_x0, height - obj.y1 + mb_top, obj.x1 + mb_x0, height - obj.y0 + mb_top)
            elif isinstance(obj, LTContainer) and not isinstance(obj, LTImage):
                stack.append(iter(obj))
                break
        else:
            stack.pop()


def page_without_text(
    doc: Document, page: Any, number: int, state: PageOcr, band_share: float, why: str
) -> list[PageLine]:
    """A page with no usable text layer (`why` says what is wrong with it), read whole by OCR when
    the engine is there; a warning either way (`ocr`, or `needs_ocr` when it could not be read)."""
    if not state.usable:
        fix = (
            "Install Tesseract (apt install tesseract-ocr)"
            if state.rules.engine == "tesseract"
            else f"Install {ocr.RAPIDOCR_PACKAGE} (`make` does)"
            if state.rules.enabled
            else "Enable OCR in rules/ocr.yaml"
        )
        doc.problems.append(
            _warning(
                doc,
                "needs_ocr",
                f"page {number} {why}: it needs OCR. {fix} and build again, or supply a text version.",
                number,
            )
        )
        return []
    try:
        lines = read_whole_page(page, state, band_share)
    except ocr.OcrError as exc:
        doc.problems.append(_warning(doc, "needs_ocr", f"page {number} {why} and OCR failed ({exc}).", number))
        return []
    state.pages.append(number)
    doc.problems.append(
        _warning(
            doc,
            "ocr",
            f"page {number} {why}; its text was read by OCR ({ocr.engine_label(state.rules)}) and may hold "
            "misread figures (lines.source = 'ocr'). Check them against the original.",
            number,
        )
    )
    return lines


def page_with_text(
    doc: Document,
    page: Any,
    number: int,
    chars: Sequence[Any],
    has_images: bool,
    lines: list[PageLine],
    state: PageOcr,
    band_share: float,
    image_list: Sequence[BBox] | None = None,
) -> list[PageLine]:
    """A page's text-layer lines, then OCR lines for its images and lost glyphs (see `add_missing`)."""
    if not state.usable:
        return lines
    try:
        out = add_missing(page, chars, has_images, lines, state, band_share, image_list)
    except ocr.OcrError as exc:
        doc.problems.append(
            _warning(doc, "ocr_failed", f"page {number}: its images could not be read by OCR ({exc}).", number)
        )
        return lines
    if len(out) > len(lines):
        state.pages.append(number)
    return out


def _warning(doc: Document, reason: str, message: str, page: int) -> Problem:
    return Problem(doc.path, reason, f"{doc.path}: {message}", severity="warning", page=page)


def line_fields(pl: PageLine) -> dict[str, Any]:
    """`Line.source` and `Line.confidence` of a page line: set for OCR lines, defaults otherwise."""
    if isinstance(pl, ocr.OcrLine):
        return {"source": pl.source, "confidence": pl.confidence}
    return {}
