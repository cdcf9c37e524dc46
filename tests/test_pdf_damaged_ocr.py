"""A damaged PDF page that shows the parser too little text and no pictures goes to OCR (the
renderer may draw what pdfminer's parser lost) instead of being dropped with only a
`damaged_page` warning (issue 12, left over)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.ingest import ingest
from pipeline.manifest import infer_entry
from tests.conftest import edit_yaml

ZEN = "corrupted-flate-stream-rotated90-zen.pdf"  # a corrupted Flate content stream, /Rotate 90


@pytest.mark.slow
def test_a_damaged_page_with_too_little_text_for_its_layer_is_read_by_ocr(shared: Path, rules_copy: Path) -> None:
    # the real damaged page keeps 897 of its glyphs and no picture; with the text layer's minimum
    # above that, the page is one whose damage left the parser too little to read, as a page
    # whose damage hides its scanned picture is
    edit_yaml(rules_copy / "pdf_layout.yaml", lambda d: d["text_layer"].update(min_chars=1000))
    doc = ingest(shared / "hardpdfs", infer_entry(ZEN), rules=rules_copy)
    found = [(p.reason, p.page) for p in doc.problems]
    assert ("damaged_page", 1) in found and ("ocr", 1) in found
    assert doc.hints.get("ocr_pages") == [1]
    ocr_text = "\n".join(line.text for line in doc.lines if line.source == "ocr")
    assert "better than" in ocr_text  # the Zen of Python, read from the rendered page
