"""The 207-page report of ../shared/realdocs, read page by page. In a file of its own (it was in
test_pdf_hard.py): it is the longest test of the suite, and `make test` hands each file whole to one
worker (`--dist loadfile`), so alone it runs beside the other hard PDFs instead of after them."""

from __future__ import annotations

import shutil

import pytest

from pipeline.rules import RULES_DIR
from tests.conftest import ingested
from tests.test_pdf_hard import without_ocr


@pytest.mark.slow
def test_a_207_page_report_is_read_page_by_page(shared, tmp_path):
    folder = shared / "realdocs"
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    # OCR off: its ~60 charts are OCR's cost, timed by `make bench`, not what this test is about
    # through the session cache: test_pdfium_reader reads it with the same rules
    doc = ingested(folder, "data-driven-healthcare-2030-full-report-2021-03.pdf", rules=without_ocr(rules))
    assert doc.page_count == 207
    assert not [p for p in doc.problems if p.severity == "error"]
    pages = {line.page for line in doc.lines}
    assert len(pages) >= 200
    for page in pages:
        numbers = [line.number for line in doc.lines if line.page == page]
        assert numbers == list(range(1, len(numbers) + 1))
