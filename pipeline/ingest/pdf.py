"""PDF sources: pages, lines in reading order, boxes for every character, and clear problems.

This is an edge of the pipeline: it opens the file with pdfplumber and hands each page's
characters to the pure layout code (`pdf_layout`), then flags running headers and footers
(`pdf_running`) and records words hyphenated across lines (`hyphen`). Pages are read one at a
time and released, so memory does not grow with the page count.

Every problem is recorded on the document with file, page and reason; nothing here raises for a
bad file. Errors (the document is not built): not_pdf, password, password_incorrect,
unreadable_pdf, no_pages, no_text. Warnings (built with loss, one per page): needs_ocr, ocr, ocr_failed,
unreadable_text, doubled_chars, outside_page, damaged_page, page_error.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.layout import LTChar, LTContainer, LTImage, LTItem
from pdfplumber.utils.exceptions import PdfminerException

from pipeline import collector
from pipeline.ingest import ocr_page, pdfium_chars, pdfium_fallback
from pipeline.ingest.hyphen_breaks import find_hyphen_joins
from pipeline.ingest.ocr_rules import load_ocr_rules
from pipeline.ingest.pdf_layout import PageLine, RawChar, glyphs_from_chars, read_page
from pipeline.ingest.pdf_rules import PdfLayout, load_layout
from pipeline.ingest.pdf_running import assign_roles
from pipeline.model import Document, Line, Problem

PDF_MAGIC = b"%PDF-"
MAGIC_WINDOW = 1024  # the PDF standard allows leading bytes before %PDF-
PDF_DATE = re.compile(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?")


def ingest_pdf(path: Path, data: bytes, doc: Document, **options: Any) -> Document:
    """Read one PDF into `doc` (its lines, page count and problems). Never raises for a bad file."""
    layout = load_layout(options.get("rules"))
    reader = str(options.get("pdf_reader") or layout.reader)
    ocr_state = ocr_page.for_document(load_ocr_rules(options.get("rules")))
    if PDF_MAGIC not in data[:MAGIC_WINDOW]:
        start = data[:16]
        doc.problems.append(
            _error(
                doc,
                "not_pdf",
                f"named .pdf but is not a PDF (it starts with {start!r}, not %PDF-). "
                "Replace it with the published PDF, or give it the extension of what it is.",
            )
        )
        return doc
    password = doc.meta.get("password")
    try:
        pdf = pdfplumber.open(io.BytesIO(data), password=str(password) if password is not None else None)
    except PdfminerException as exc:
        doc.problems.append(_open_problem(doc, exc, password is not None))
        return doc
    except Exception as exc:  # pdfminer raises many kinds of errors on damaged files
        doc.problems.append(_error(doc, "unreadable_pdf", f"cannot be read as a PDF ({_describe(exc)})."))
        return doc
    with pdf:
        found = metadata_fields(pdf.metadata, layout)
        if found:
            doc.hints["pdf_metadata"] = found
            if doc.meta.get("inferred"):
                doc.meta.update(found)
        try:
            pages = pdf.pages
        except Exception as exc:
            doc.problems.append(_error(doc, "unreadable_pdf", f"its page tree cannot be read ({_describe(exc)})."))
            return doc
        doc.page_count = len(pages)
        if not pages:
            doc.problems.append(
                _error(
                    doc,
                    "no_pages",
                    "the PDF has no pages (its page tree is empty). Replace it with the published file.",
                )
            )
            return doc
        fdoc = _open_pdfium(data, password) if reader == "pdfium" else None
        per_page: list[list[PageLine]] = []
        try:
            for number, page in enumerate(pages, 1):
                fpage = fdoc[number - 1] if fdoc is not None else None
                with collector.paused():
                    per_page.append(_read_one_page(doc, page, number, layout, ocr_state, fpage))
                page.close()
                if fpage is not None:
                    fpage.close()
        finally:
            if fdoc is not None:
                fdoc.close()
    roles = assign_roles(per_page, layout)
    with collector.paused():
        for number, (lines, page_roles) in enumerate(zip(per_page, roles, strict=True), 1):
            for i, (pl, role) in enumerate(zip(lines, page_roles, strict=True), 1):
                doc.lines.append(
                    Line(
                        i,
                        pl.text,
                        page=number,
                        bbox=pl.bbox,
                        role=role,
                        char_boxes=pl.boxes,
                        **ocr_page.line_fields(pl),
                    )
                )
    joins = find_hyphen_joins(doc.lines, layout)
    if joins:
        doc.hints["hyphen_joins"] = joins
    if ocr_state.pages:
        doc.hints["ocr_pages"] = ocr_state.pages
    if not doc.lines:
        doc.problems.append(_no_text(doc))
    return doc


def _open_pdfium(data: bytes, password: Any) -> Any:
    """The document opened by pdfium as well, for its characters (None when pdfium cannot open a
    file that pdfminer could: then pdfplumber reads it, as with `--pdf-reader pdfplumber`)."""
    try:
        return pdfium_chars.open_document(data, str(password) if password is not None else None)
    except Exception:
        return None


def _read_one_page(
    doc: Document, page: Any, number: int, layout: PdfLayout, ocr_state: ocr_page.PageOcr, fpage: Any = None
) -> list[PageLine]:
    try:
        return _read_page_text(doc, page, number, layout, ocr_state, fpage)
    except Exception as exc:  # one page that cannot be read must not lose the others
        doc.problems.append(
            _warning(doc, "page_error", f"page {number} cannot be read ({_describe(exc)}); it is left out.", number)
        )
        return []


def _read_page_text(
    doc: Document, page: Any, number: int, layout: PdfLayout, ocr_state: ocr_page.PageOcr, fpage: Any = None
) -> list[PageLine]:
    images = None
    chars: Sequence[RawChar]
    width, height = float(page.width), float(page.height)
    try:
        with _pdfminer_warnings() as warnings:
            if fpage is None:
                chars, has_images = page_chars(page)
                glyphs, stats = glyphs_from_chars(chars, width, height, layout)
                arrays = None
            else:  # pdfium's characters, array-shaped; images from its page objects
                from pipeline.ingest import pdfium_glyphs  # numba, imported only when pdfium reads

                pdfium_fallback.decode_contents(page)  # a damaged stream: pdfminer's warning
                arrays = pdfium_glyphs.page_glyphs(fpage, width, height, layout)
                chars, stats = arrays.chars, arrays.stats
                has_images = pdfium_chars.has_images(fpage)
                images = list(pdfium_chars.image_boxes(fpage)) if has_images else []
                rule = pdfium_fallback.reason(stats, arrays.split, layout.reader_fallback, arrays.builtin_metrics)
                if rule is None and "threshold_ties" in layout.reader_fallback:  # ties are found laying out
                    arrays.lines(width, height, layout)
                    rule = pdfium_fallback.reason(
                        stats, arrays.split, layout.reader_fallback, arrays.builtin_metrics, arrays.ties
                    )
                if rule is not None:  # a page pdfium cannot read as pdfminer does: pdfplumber's
                    pdfium_fallback.record(doc, number, rule)
                    chars, has_images = page_chars(page)
                    glyphs, stats = glyphs_from_chars(chars, width, height, layout)
                    arrays = images = None
    except Exception as exc:
        doc.problems.append(
            _warning(doc, "page_error", f"page {number} cannot be read ({_describe(exc)}); it is left out.", number)
        )
        return []
    if warnings:
        doc.problems.append(
            _warning(
                doc,
                "damaged_page",
                f"page {number} is damaged ({'; '.join(sorted(set(warnings)))}); its text may be incomplete. "
                "Check the page against the original.",
                number,
            )
        )
    if stats.glyphs < layout.min_text_chars:
        if has_images:
            why = "is an image with no text layer"
            return ocr_page.page_without_text(doc, page, number, ocr_state, layout.band_share, why)
        if warnings:  # the damage may hide its pictures from the parser: the renderer may still draw them
            why = "is damaged and shows no text or pictures to the parser"
            return ocr_page.page_without_text(doc, page, number, ocr_state, layout.band_share, why)
        return []
    if stats.unreadable and stats.unreadable > layout.unreadable_max_share * stats.glyphs:
        doc.problems.append(
            _warning(
                doc,
                "unreadable_text",
                f"page {number}: {stats.unreadable} of {stats.glyphs} characters have no readable text "
                "(the font has no Unicode map); its text layer is left out rather than read as nonsense.",
                number,
            )
        )
        why = "has no readable text layer"
        return ocr_page.page_without_text(doc, page, number, ocr_state, layout.band_share, why)
    if stats.unreadable:
        doc.problems.append(
            _warning(
                doc,
                "unreadable_text",
                f"page {number}: {stats.unreadable} characters have no readable text (the font has no "
                f"Unicode map); they appear as {layout.unreadable_replacement!r} and are not matched.",
                number,
            )
        )
    if stats.duplicates:
        doc.problems.append(
            _warning(
                doc,
                "doubled_chars",
                f"page {number}: {stats.duplicates} characters are drawn twice (shadow or fake bold); "
                "the copies were dropped.",
                number,
            )
        )
    if stats.outside:
        doc.problems.append(
            _warning(
                doc,
                "outside_page",
                f"page {number}: {stats.outside} characters are drawn outside the page box (a malformed "
                "file); they are kept, but other text on the page may be missing. Check the original.",
                number,
            )
        )
    lines = read_page(glyphs, width, height, layout) if arrays is None else arrays.lines(width, height, layout)
    return ocr_page.page_with_text(doc, page, number, chars, has_images, lines, ocr_state, layout.band_share, images)


def page_chars(page: Any) -> tuple[list[RawChar], bool]:
    """The page's characters placed as pdfplumber places them (top-left origin, page rotation
    applied), read straight from its pdfminer layout, and whether the page holds images.

    This skips pdfplumber's conversion of every object to a dict of all its attributes, which
    costs more than the layout analysis itself; the coordinates are those of ``page.chars``."""
    height = float(page.height)
    mb_x0, mb_top = float(page.mediabox[0]), float(page.mediabox[1])
    chars: list[RawChar] = []
    images = False
    stack: list[Iterator[LTItem]] = [iter(page.layout)]
    while stack:
        for obj in stack[-1]:
            if isinstance(obj, LTChar):
                chars.append(
                    (
                        obj.get_text(),
                        obj.x0 + mb_x0,
                        height - obj.y1 + mb_top,
                        obj.x1 + mb_x0,
                        height - obj.y0 + mb_top,
                        obj.size,
                        obj.upright,
                        obj.matrix,
                    )
                )
            elif isinstance(obj, LTImage):
                images = True
            elif isinstance(obj, LTContainer):
                stack.append(iter(obj))
                break
        else:
            stack.pop()
    return chars, images


def _no_text(doc: Document) -> Problem:
    ocr_pages = [p.page for p in doc.problems if p.reason == "needs_ocr" and p.page]
    if ocr_pages:
        why = f"no page has a text layer (pages needing OCR: {_ranges(ocr_pages)})"
    else:
        why = "no readable text was found on any page"
    return _error(
        doc, "no_text", f"{why}, so nothing can be extracted. Enable OCR (rules/ocr.yaml), or supply a text version."
    )


def metadata_fields(meta: dict[str, Any], layout: PdfLayout) -> dict[str, str]:
    """Title and date from the PDF's document information, where present and plausible."""
    out: dict[str, str] = {}
    title = meta.get("Title")
    if isinstance(title, bytes):
        title = title.decode("utf-8", "replace")
    if isinstance(title, str):
        title = " ".join(title.split())
        if title and not any(p.search(title) for p in layout.ignore_title_patterns):
            out["title"] = title
    for key in ("CreationDate", "ModDate"):
        value = meta.get(key)
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        m = PDF_DATE.match(value) if isinstance(value, str) else None
        if m and 1990 <= int(m.group(1)) <= 2100:
            out["date"] = "-".join(g for g in m.groups() if g)
            break
    return out


def _open_problem(doc: Document, exc: PdfminerException, had_password: bool) -> Problem:
    cause = exc.args[0] if exc.args else exc
    name = type(cause).__name__
    if name == "PDFPasswordIncorrect":
        if had_password:
            return _error(
                doc,
                "password_incorrect",
                "is password-protected and the password in the manifest does not open it. "
                "Correct `password:` in its manifest entry.",
            )
        return _error(
            doc,
            "password",
            "is password-protected. Add `password: <the password>` to its manifest entry and build again.",
        )
    if name in ("PDFEncryptionError", "PDFEncryptionWarning", "PDFCryptoError"):
        return _error(doc, "password", f"is encrypted in a way that cannot be opened ({_describe(cause)}).")
    return _error(
        doc,
        "unreadable_pdf",
        f"cannot be read as a PDF ({_describe(cause)}). Replace it with a good copy of the published file.",
    )


@contextmanager
def _pdfminer_warnings() -> Iterator[list[str]]:
    """Collect pdfminer's warnings (damaged streams) while a page is read."""
    found: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            found.append(record.getMessage())

    handler = _Collect(level=logging.WARNING)
    logger = logging.getLogger("pdfminer")
    logger.addHandler(handler)
    old_propagate = logger.propagate
    logger.propagate = False
    try:
        yield found
    finally:
        logger.removeHandler(handler)
        logger.propagate = old_propagate


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _ranges(pages: list[int]) -> str:
    out: list[str] = []
    start = prev = pages[0]
    for p in [*pages[1:], None]:
        if p is not None and p == prev + 1:
            prev = p
            continue
        out.append(str(start) if start == prev else f"{start}-{prev}")
        if p is not None:
            start = prev = p
    return ", ".join(out)


def _error(doc: Document, reason: str, message: str) -> Problem:
    return Problem(doc.path, reason, f"{doc.path}: {message}")


def _warning(doc: Document, reason: str, message: str, page: int) -> Problem:
    return Problem(doc.path, reason, f"{doc.path}: {message}", severity="warning", page=page)
