"""Reading a PDF pauses Python's cycle collector page by page (pipeline/ingest/pdf.py with
pipeline/collector.py's `paused`, a speed measure) and leaves it as it found it, also after a page that
fails."""

from __future__ import annotations

import gc

from pipeline.ingest import ingest, pdf
from pipeline.manifest import infer_entry
from pipeline.model import Document
from tests.test_pdf_hard import HARD


def read(name: str) -> Document:
    return ingest(HARD, infer_entry(name))  # not through the tests' cache: each test reads the file


def test_the_collector_is_paused_while_a_page_is_read_and_running_again_after(monkeypatch, collector_state):
    seen: list[bool] = []
    real = pdf._read_page_text

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf, "_read_page_text", spy)
    gc.enable()
    doc = read("table-rotated90-senate-expenditures.pdf")
    assert doc.lines and seen == [False] * doc.page_count
    assert gc.isenabled()


def test_a_collector_turned_off_before_stays_off(collector_state):
    gc.disable()
    assert read("table-rotated90-senate-expenditures.pdf").lines
    assert not gc.isenabled()


def test_the_collector_runs_again_after_a_page_that_fails(monkeypatch, collector_state):
    def broken(*args, **kwargs):
        raise RuntimeError("a page that cannot be read")

    monkeypatch.setattr(pdf, "_read_page_text", broken)
    gc.enable()
    doc = read("table-rotated90-senate-expenditures.pdf")
    assert [p.reason for p in doc.problems].count("page_error") == doc.page_count
    assert gc.isenabled()
