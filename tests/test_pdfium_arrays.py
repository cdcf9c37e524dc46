"""The compiled, array-shaped pdfium path (`pdfium_glyphs`, `pdfium_kernel`) against the Python
path it replaces: `pdfium_chars.page_chars`, then `pdf_layout.glyphs_from_chars` (clean-up,
duplicates) and `pdf_layout.read_page` (rows, cells, columns). Every character, glyph, count and
line must be the same, page by page, on real PDFs: tables, rotated pages, columns, ligatures,
fake bold, glyphs with no Unicode and characters outside the page.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from pipeline.ingest import pdfium_chars, pdfium_glyphs
from pipeline.ingest.pdf_layout import glyphs_from_chars, read_page
from pipeline.ingest.pdf_rules import load_layout

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
HARD = DATA / "hardpdfs"


def _compare(path: Path) -> tuple[int, int, int]:
    """Pages, lines and dropped duplicates, after asserting both paths agree on every page."""
    layout = load_layout(None)
    doc = pdfium.PdfDocument(path)
    pages = lines = duplicates = 0
    try:
        for i in range(len(doc)):
            page = doc[i]
            width, height = page.get_size()
            chars = pdfium_chars.page_chars(page)
            glyphs, stats = glyphs_from_chars(chars, width, height, layout)
            arrays = pdfium_glyphs.page_glyphs(page, width, height, layout)
            where = f"{path.name} page {i + 1}"
            assert list(arrays.chars) == chars, where
            assert arrays.glyphs() == glyphs, where
            assert arrays.stats == stats, where
            expected = read_page(glyphs, width, height, layout)  # once: the Python reader is the cost
            assert arrays.lines(width, height, layout) == expected, where
            pages += 1
            lines += len(expected)
            duplicates += stats.duplicates
            page.close()
    finally:
        doc.close()
    return pages, lines, duplicates


def test_a_spending_table_reads_the_same_through_the_compiled_path():
    # 12 pages at /Rotate 90, a table of amounts, a footer of spaces pdfium leaves off its text page
    pages, lines, _ = _compare(DATA / "nhs-barking-dagenham-ccg-invoices-over-25k-2014-15.pdf")
    assert pages == 12 and lines > 600


@pytest.mark.parametrize(
    "name",
    [
        "duplicated-chars-inline-ascii85-issue-1008.pdf",  # fake bold: duplicates dropped
        "multicolumn-3col-federal-register-2020-17221.pdf",  # three columns: the Python column reader
        "twocolumn-cid-ieee-paper-issue-1061.pdf",  # ligatures split by pdfium into pieces, two columns
        "rotated270-german-gazette-issue-1054.pdf",
        "rotated90-nics-background-checks.pdf",
        "table-rotated90-senate-expenditures.pdf",
        "malformed-chars-outside-page-issue-932.pdf",  # characters outside the page box
        "corrupted-flate-stream-rotated90-zen.pdf",
    ],
)
def test_hard_pdfs_read_the_same_through_the_compiled_path(name):
    pages, _, duplicates = _compare(HARD / name)
    assert pages >= 1
    if name.startswith("duplicated"):
        assert duplicates > 0


@pytest.mark.slow
def test_real_documents_read_the_same_through_the_compiled_path(shared):
    total = 0
    for path in sorted((shared / "realdocs").glob("*.pdf")):
        pages, _, _ = _compare(path)
        total += pages
    assert total > 250


def test_glyphs_with_no_unicode_and_split_ligatures_keep_their_text():
    # the IEEE paper's TeX fonts: ligatures that pdfium splits into letters sharing one box are
    # one glyph again (`ff`), as page_chars joins them
    path = HARD / "twocolumn-cid-ieee-paper-issue-1061.pdf"
    doc = pdfium.PdfDocument(path)
    layout = load_layout(None)
    try:
        page = doc[0]
        arrays = pdfium_glyphs.page_glyphs(page, *page.get_size(), layout)
        assert any(len(t) > 1 for t in arrays.texts)
    finally:
        doc.close()
