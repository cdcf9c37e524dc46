"""Where pdfium's characters used to differ from pdfminer's, and what makes them agree (issue 15).

Each test reads a real page with both readers: the box of a glyph whose ink runs past its advance,
text drawn at an angle, the spaces pdfium leaves off its text page, and the pages that go to
pdfplumber because pdfium cannot give pdfminer's reading (`reader.fallback`: a standard-14 font
pdfminer measures by its own metrics, glyphs drawn twice, a gap on a threshold within single
precision). tests/test_pdfium_reader.py compares whole documents.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest

from pipeline.ingest import pdfium_chars, pdfium_fonts
from pipeline.ingest.ocr_detect import lost_glyph_candidates
from pipeline.ingest.ocr_rules import load_ocr_rules
from pipeline.ingest.pdf import page_chars
from pipeline.ingest.pdf_layout import RawChar
from pipeline.model import Document
from pipeline.rules import RULES_DIR
from tests.conftest import edit_yaml, ingested
from tests.test_pdf_hard import without_ocr

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from compare_pdf_readers import line_differences  # noqa: E402


@pytest.fixture(scope="module")
def no_ocr_rules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # as tests/test_pdfium_reader.py's, so the session cache serves both
    rules = tmp_path_factory.mktemp("pdfium") / "rules"
    shutil.copytree(RULES_DIR, rules)
    return without_ocr(rules)


def _both(path: Path, page: int) -> tuple[list[RawChar], list[RawChar]]:
    """One page's characters from pdfminer (through pdfplumber) and from pdfium."""
    with pdfplumber.open(path) as pdf:
        plumber, _ = page_chars(pdf.pages[page - 1])
    doc = pdfium.PdfDocument(path)
    try:
        fast = pdfium_chars.page_chars(doc[page - 1])
    finally:
        doc.close()
    return plumber, fast


def _nearest_off(c: RawChar, others: list[RawChar], edges: tuple[int, ...] = (1, 2, 3, 4)) -> float:
    """How far (the largest of these edges apart: 1 x0, 2 top, 3 x1, 4 bottom) the nearest
    character of the same text in `others` is."""
    return min(max(abs(c[e] - o[e]) for e in edges) for o in others if o[0] == c[0])


def _read(shared: Path, folder: str, name: str, reader: str, rules: Path) -> Document:
    return ingested(shared / folder, name, rules=rules, pdf_reader=reader)


def test_a_box_ends_at_the_glyphs_advance_not_its_ink(shared):
    # Arial Italic on page 28 of the AnalystX survey: the ink of `f`, `T`, `r` runs 1-1.7 pt past
    # the advance; pdfium's loose box took it in, pdfminer's box ends at origin + the /Widths advance
    path = shared / "realdocs" / "nhse-analystx-state-of-the-nation-workforce-survey-2022-10.pdf"
    plumber, fast = _both(path, 28)
    italic = [c for c in plumber if not c[0].isspace()]
    assert len(italic) > 1000
    assert max(_nearest_off(c, fast, (1, 3)) for c in italic) < 0.01  # left and right edges
    # (across the line a descender's ink below the font's descent still moves pdfium's box: `g`, 0.13 pt)
    assert max(_nearest_off(c, fast) for c in italic) < 0.5
    # the ink does run past the advance: pdfium's own loose box of such a glyph is wider
    doc = pdfium.PdfDocument(path)
    textpage = doc[27].get_textpage()
    loose = [textpage.get_charbox(i, loose=True) for i in range(textpage.count_chars())]
    widths = [right - left for left, _, right, _ in loose]
    ours = sorted(c[3] - c[1] for c in fast if not c[0].isspace())
    assert max(widths) > ours[-1]
    textpage.close()
    doc.close()


def test_text_at_an_angle_takes_the_corners_of_the_advance_box(shared):
    # the fake-bold map's labels are drawn at an angle: pdfminer's box holds the four corners of
    # origin..advance x descent..descent + one em; pdfium's loose box held the ink ("Lac Tor": 0.77 pt)
    path = shared / "hardpdfs" / "duplicated-chars-inline-ascii85-issue-1008.pdf"
    plumber, fast = _both(path, 1)
    slanted = [c for c in fast if c[7] is not None and abs(c[7][1]) > 0.01 * abs(c[7][0]) and not c[0].isspace()]
    assert len(slanted) > 20
    assert max(_nearest_off(c, plumber) for c in slanted) < 0.01


@pytest.mark.slow  # whole documents with both readers (shared with test_pdfium_reader through the cache)
def test_spaces_pdfium_leaves_out_run_from_the_fonts_descent(shared, no_ocr_rules):
    # infographic labels on page 7 of the Leeds strategy, each word a text object and the spaces
    # objects of their own: put back a fifth of an em below the baseline, a space's middle was not
    # pdfminer's, which moved rows ("9400\tstaff trained", "TRUST" on a row of its own)
    name = "leeds-shared-research-and-innovation-strategy-2020-2030.pdf"
    plumber = _read(shared, "realdocs", name, "pdfplumber", no_ocr_rules)
    fast = _read(shared, "realdocs", name, "pdfium", no_ocr_rules)
    page7 = [ln.text for ln in fast.lines if ln.page == 7]
    assert "9400 staff trained" in page7
    assert (
        line_differences([ln for ln in plumber.lines if ln.page == 7], [ln for ln in fast.lines if ln.page == 7]) == []
    )


@pytest.mark.slow  # whole documents with both readers (shared with test_pdfium_reader through the cache)
def test_a_gap_on_a_threshold_within_single_precision_sends_its_page_to_pdfplumber(shared, no_ocr_rules):
    # "[ Online ]" in the Leeds references: the gap after `[` is 0.15 em to the fourth decimal, the
    # word-space threshold; pdfminer's doubles made it 1.7250000000000014 (a cell break), pdfium's
    # floats 1.7249972 (none). Such pages are read with pdfplumber.
    name = "leeds-shared-research-and-innovation-strategy-2020-2030.pdf"
    plumber = _read(shared, "realdocs", name, "pdfplumber", no_ocr_rules)
    fast = _read(shared, "realdocs", name, "pdfium", no_ocr_rules)
    assert fast.hints.get("pdf_reader_fallback") == {"threshold_ties": [30, 31]}
    assert "[\tOnline ]" in [ln.text for ln in fast.lines if ln.page == 30]
    assert line_differences(plumber.lines, fast.lines) == []


@pytest.mark.slow  # whole documents with both readers (shared with test_pdfium_reader through the cache)
def test_a_standard_font_with_other_metrics_sends_its_page_to_pdfplumber(shared, no_ocr_rules):
    # pdfminer measures Symbol by its built-in metrics (no descent), pdfium by the font (-0.226 em):
    # the Federal Register's bullets sat 2 pt apart, and page 5's rows formed differently
    assert pdfium_fonts.pdfminer_descent("Symbol") == 0.0
    assert pdfium_fonts.pdfminer_descent("Helvetica") == -207.0
    assert pdfium_fonts.pdfminer_descent("ABCDEF+Helvetica") is None  # a subset: the file's own metrics
    name = "multicolumn-3col-federal-register-2020-17221.pdf"
    plumber = _read(shared, "hardpdfs", name, "pdfplumber", no_ocr_rules)
    fast = _read(shared, "hardpdfs", name, "pdfium", no_ocr_rules)
    assert fast.hints.get("pdf_reader_fallback") == {"builtin_metrics": [1, 2, 4, 5, 6, 15]}
    assert line_differences(plumber.lines, fast.lines) == []


def test_glyphs_drawn_twice_send_their_page_to_pdfplumber(shared, no_ocr_rules):
    # pdfium's text page lists the fake-bold copies in another order than the content stream, so the
    # copy the layout keeps was the one 0.96 pt off ("Municipalité de Morin-Heights")
    name = "duplicated-chars-inline-ascii85-issue-1008.pdf"
    plumber = _read(shared, "hardpdfs", name, "pdfplumber", no_ocr_rules)
    fast = _read(shared, "hardpdfs", name, "pdfium", no_ocr_rules)
    assert fast.hints.get("pdf_reader_fallback") == {"doubled_glyphs": [1]}
    assert [p.reason for p in fast.problems] == [p.reason for p in plumber.problems] == ["doubled_chars"]
    assert line_differences(plumber.lines, fast.lines) == []


def test_a_damaged_stream_is_reported_with_the_pdfium_reader_too(shared, no_ocr_rules, tmp_path):
    # the Zen PDF's content stream is a corrupted Flate stream; pdfium reads what survives and says
    # nothing, pdfminer warns while decoding it (`damaged_page`). The pdfium reader decodes the page's
    # streams through pdfminer (no parse), so the warning stands. Its standard fonts would send the
    # page to pdfplumber anyway (`builtin_metrics`): here that rule is left out.
    rules = tmp_path / "rules"
    shutil.copytree(no_ocr_rules, rules)
    edit_yaml(rules / "pdf_layout.yaml", lambda d: d["reader"].update(fallback=["unmapped_glyphs"]))
    name = "corrupted-flate-stream-rotated90-zen.pdf"
    plumber = _read(shared, "hardpdfs", name, "pdfplumber", no_ocr_rules)
    fast = _read(shared, "hardpdfs", name, "pdfium", rules)
    assert "pdf_reader_fallback" not in fast.hints
    assert [(p.reason, p.page) for p in fast.problems] == [(p.reason, p.page) for p in plumber.problems]
    assert [(p.reason, p.page) for p in fast.problems] == [("damaged_page", 1)]
    assert line_differences(plumber.lines, fast.lines) == []


def test_a_run_of_spaces_pdfium_leaves_out_comes_back_one_character_each_as_pdfminer_has_them():
    # "07L\xa0\xa0NHS" in the rotated header of the Barking invoices: the two non-breaking spaces
    # are a text object pdfium leaves off its text page, in a font with no U+0020. Put back as one
    # space over the font's missing-glyph width (a full em, 6.72 pt) it was wide enough to be a
    # lost-glyph candidate, and with OCR on the page was rendered and OCR'd (96 extra OCR lines
    # over the document); pdfminer has two U+00A0 of 1.52 pt each
    path = ROOT / "tests" / "data" / "nhs-barking-dagenham-ccg-invoices-over-25k-2014-15.pdf"
    plumber, fast = _both(path, 1)
    plumber_spaces = sorted((c for c in plumber if c[0].isspace()), key=lambda c: (c[2], c[1]))
    fast_spaces = sorted((c for c in fast if c[0].isspace()), key=lambda c: (c[2], c[1]))
    assert sum(c[0] == "\xa0" for c in plumber_spaces) == 12
    assert [c[0] for c in fast_spaces] == [c[0] for c in plumber_spaces]
    assert all(_nearest_off(c, fast_spaces) <= 0.5 for c in plumber_spaces)
    rules = load_ocr_rules(RULES_DIR)
    assert lost_glyph_candidates(fast, rules) == [] == lost_glyph_candidates(plumber, rules)
