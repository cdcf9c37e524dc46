"""Facts of PDF table cells: a PDF's lines are numbered from 1 on every page, so a cell's column header is
found by its page and line, never by its line number alone."""

from __future__ import annotations

import json
import shutil

import pytest

from pipeline.extract import Context, extract_all
from pipeline.model import mention_id
from pipeline.rules import RULES_DIR
from tests.conftest import ingested
from tests.test_pdf_hard import without_ocr


@pytest.mark.slow
def test_a_pdf_cell_is_titled_from_above_its_own_pages_header(shared, tmp_path):
    # Table 3.3 of the Data Driven Healthcare report (page 34): its cells point at their header by page
    # and line; the title over them was looked for above the last paragraph of the whole report holding a
    # line of the header's number (page 207, "development"), so every cell took a measure from page 207.
    # Read with OCR off, through the session cache test_pdf_long_report and test_table_money fill.
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    name = "data-driven-healthcare-2030-full-report-2021-03.pdf"
    doc = ingested(shared / "realdocs", name, rules=without_ocr(rules))
    ex = extract_all(doc, Context(), only=["money", "bodies", "facts"])
    money = [m for m in ex.mentions if m.kind == "money"]
    cells = [m for m in money if doc.lines[m.line_index].page == 34]
    assert len(cells) == 20
    rows = {r["money_id"]: r for r in ex.records["money_facts"]}
    assert len(rows) == len(money)
    for m in money:
        line = doc.lines[m.line_index]
        for b in json.loads(rows[mention_id(doc.sha256, line, m)]["basis"]):
            for span in b.get("spans", []):
                # what a fact's basis quotes lies on its own page or the pages before it
                assert span["page"] <= line.page, (m.text, line.page, b)
