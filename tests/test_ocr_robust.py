"""Pages that are hard to OCR do not crash or stall a build: a poster-sized page (rendered within
`max_page_pixels` of rules/ocr.yaml) and a scan whose picture is damaged (the rest of the page
is read). Both are made from a real scan of tests/data/hardpdfs (scanned-image-only-issue-203.pdf,
from pdfplumber's test corpus). Pictures in other colour spaces (a colour-space stack, ASCII85
inline images, JBIG2) are read in tests/test_pdf_hard.py and tests/test_ocr.py."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
import regex

from pipeline.ingest import ingest, ocr_page
from pipeline.ingest.ocr_rules import load_ocr_rules
from pipeline.manifest import infer_entry
from tests.conftest import ROOT

SCAN = ROOT / "tests" / "data" / "hardpdfs" / "scanned-image-only-issue-203.pdf"
PDF_MAX = 14400  # the largest page a PDF can have without UserUnit: 200 x 200 inches


def first_page(path: Path, size: float | None = None) -> Path:
    """Page 1 of the real scan alone, its page enlarged to `size` points square when given."""
    pdf = pdfium.PdfDocument(SCAN)
    for i in reversed(range(1, len(pdf))):
        pdf.del_page(i)
    if size is not None:
        pdf[0].set_mediabox(0, 0, size, size)
        pdf[0].set_cropbox(0, 0, size, size)
    pdf.save(path)
    pdf.close()
    return path


@pytest.mark.slow
def test_a_poster_sized_page_is_rendered_within_the_pixel_limit(tmp_path):
    """At 200 dpi the page would be 40,000 pixels square (1,600 million pixels, some 5 GB)."""
    rules = load_ocr_rules()
    path = first_page(tmp_path / "poster.pdf", PDF_MAX)
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        dpi = ocr_page.render_dpi(page, rules)
        image = ocr_page.render(page, dpi)
    assert dpi < rules.dpi and image.width * image.height <= rules.max_page_pixels * 1.001
    with pdfplumber.open(first_page(tmp_path / "a4.pdf")) as pdf:  # an ordinary page keeps its dpi
        assert ocr_page.render_dpi(pdf.pages[0], rules) == rules.dpi
    doc = ingest(tmp_path, infer_entry("poster.pdf"))
    assert ("ocr", 1) in [(p.reason, p.page) for p in doc.problems]  # read, at the lower resolution


@pytest.mark.slow
def test_a_scan_whose_picture_is_damaged_is_read_where_it_can_be_drawn(tmp_path):
    """The page's background picture (Flate + JPEG, 1204 x 1718 pixels) damaged inside its stream:
    the page is still rendered (without that picture) and its other pictures read by OCR."""
    data = bytearray(first_page(tmp_path / "page1.pdf").read_bytes())
    picture = regex.search(rb"<<[^>]*/Length (\d+)[^>]*/Width 1204>>stream\r\n", data)  # as pdfium writes it
    assert picture is not None
    start, length = picture.end(), int(picture.group(1))
    data[start + 64 : start + length - 16] = bytes(k % 251 for k in range(length - 80))  # same length: offsets hold
    (tmp_path / "damaged.pdf").write_bytes(bytes(data))
    doc = ingest(tmp_path, infer_entry("damaged.pdf"))
    assert [(p.reason, p.page) for p in doc.problems] == [("ocr", 1)]
    ocr_lines = [line for line in doc.lines if line.source == "ocr"]
    assert len(ocr_lines) > 10 and all(line.page == 1 and line.bbox is not None for line in ocr_lines)
    assert "[2019]13" in "\n".join(line.text for line in ocr_lines)  # the case number, as on the undamaged page
