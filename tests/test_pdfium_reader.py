"""The pdfium character source (`--pdf-reader pdfium`) against pdfplumber, the reference reader.

Both feed the same layout code; the lines they give are compared by page and number: text, role
and source identical, the line's box and every character's box within 0.5 pt
(scripts/compare_pdf_readers.py). Where a document cannot agree, KNOWN says why; the test fails
both when an unlisted document differs and when a listed one no longer does, so the list stays
exact.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest

from pipeline.cache import ingest_key
from pipeline.ingest import ocr_page, pdfium_chars
from pipeline.ingest.pdf_rules import load_layout
from pipeline.model import Document
from pipeline.rules import RULES_DIR, RuleError
from tests.conftest import edit_yaml
from tests.test_pdf_hard import without_ocr

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from compare_pdf_readers import line_differences  # noqa: E402

from tests.conftest import ingested  # noqa: E402


def read(path: Path, reader: str, rules: Path) -> Document:
    """compare_pdf_readers.read through the session cache: test_pdf_long_report reads the 207-page
    report with pdfplumber and these rules too."""
    return ingested(path.parent, path.name, rules=rules, pdf_reader=reader)


# Documents whose lines differ between the readers, and why (none now). Pages pdfium cannot read as
# pdfminer does, found cheaply from what pdfium has read, are read with pdfplumber (`reader.fallback`
# of rules/pdf_layout.yaml, in order): a glyph with no Unicode map (the Identity-H invoice), a glyph
# split into letters (normalised ligatures: the journal article, the IEEE paper, page 203 of the
# Data-driven Healthcare report), characters outside the page (the malformed file), a standard-14
# font that pdfminer measures by its built-in metrics with a descent pdfium reads otherwise (Symbol
# bullets in the Federal Register, Arial on page 9 of the Barking invoices), glyphs drawn twice (the
# fake-bold map: pdfium orders the copies otherwise, so the layout kept the other one), and a gap on
# a layout threshold within single precision (`[ Online ]` in the Leeds strategy, page 9 of
# AnalystX). A box ends at origin + the font's advance (FPDFFont_GetGlyphWidth), as pdfminer's, not
# at the ink (italics, bold headings, `f` in Melior: the full report, Leeds, AnalystX, NICS); text
# at an angle takes the four corners of that rectangle (the map's labels); spaces pdfium leaves off
# its text page run from the font's descent as pdfminer's (Leeds' infographic labels).
KNOWN: dict[str, str] = {}


@pytest.fixture(scope="module")
def no_ocr_rules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rules = tmp_path_factory.mktemp("pdfium") / "rules"
    shutil.copytree(RULES_DIR, rules)
    return without_ocr(rules)


def test_a_rotated_spending_table_reads_the_same_with_both_readers(no_ocr_rules):
    # 12 landscape pages (/Rotate 90, text drawn rotated), amounts and VAT numbers in cells, and a
    # footer written with non-breaking spaces that pdfium's text page leaves out
    path = ROOT / "tests" / "data" / "nhs-barking-dagenham-ccg-invoices-over-25k-2014-15.pdf"
    plumber, pdfium_doc = read(path, "pdfplumber", no_ocr_rules), read(path, "pdfium", no_ocr_rules)
    assert len(plumber.lines) == len(pdfium_doc.lines) > 600
    assert line_differences(plumber.lines, pdfium_doc.lines) == []
    assert [(p.reason, p.page) for p in plumber.problems] == [(p.reason, p.page) for p in pdfium_doc.problems]
    footer = next(ln for ln in pdfium_doc.lines if ln.page == 1 and ln.text.startswith("07L"))
    assert footer.text == "07L NHS Barking and Dagenham CCG Invoices over £25k April 2014"


def _pdfs(shared: Path) -> list[Path]:
    folders = [ROOT / "tests" / "data", ROOT / "tests" / "data" / "hardpdfs", shared / "hardpdfs", shared / "realdocs"]
    return sorted({p.name: p for f in folders for p in sorted(f.glob("*.pdf"))}.values())


@pytest.mark.slow
def test_every_pdf_reads_the_same_with_both_readers_or_is_a_known_difference(shared, no_ocr_rules):
    unexpected: dict[str, list[str]] = {}
    agreed: list[str] = []
    for path in _pdfs(shared):
        a, b = read(path, "pdfplumber", no_ocr_rules), read(path, "pdfium", no_ocr_rules)
        diffs = line_differences(a.lines, b.lines)
        problems_a = sorted((p.reason, p.page or 0) for p in a.problems)
        problems_b = sorted((p.reason, p.page or 0) for p in b.problems)
        if problems_a != problems_b:
            diffs.append(f"problems differ: {problems_a} vs {problems_b}")
        if not diffs:
            agreed.append(path.name)
        elif path.name not in KNOWN:
            unexpected[path.name] = diffs[:5]
    assert unexpected == {}
    assert [name for name in KNOWN if name in agreed] == []  # a listed document that now agrees
    assert len(agreed) >= 10


def test_image_boxes_from_pdfium_match_pdfminers(shared):
    # OCR looks for text in raster images; with pdfium their boxes come from its page objects
    path = shared / "realdocs" / "data-driven-healthcare-2030-summary-2021-03.pdf"
    fdoc = pdfium.PdfDocument(path)
    seen = 0
    with pdfplumber.open(path) as pdf:
        for i, page in enumerate(pdf.pages):
            ours = sorted(pdfium_chars.image_boxes(fdoc[i]))
            theirs = sorted(ocr_page.image_boxes(page))
            assert len(ours) == len(theirs)
            for a, b in zip(ours, theirs, strict=True):
                assert max(abs(x - y) for x, y in zip(a, b, strict=True)) < 0.01
            assert pdfium_chars.has_images(fdoc[i]) == bool(theirs)
            seen += len(theirs)
    fdoc.close()
    assert seen >= 4


def test_pages_pdfium_cannot_read_go_to_pdfplumber_and_are_named(shared, no_ocr_rules, tmp_path):
    # Identity-H fonts without ToUnicode: pdfium finds no Unicode for any glyph, pdfminer decodes
    # them through the embedded font's cmap (Polish text, amounts with a decimal comma)
    path = shared / "hardpdfs" / "identity-cmap-polish-invoice-issue-625.pdf"
    plumber, fast = read(path, "pdfplumber", no_ocr_rules), read(path, "pdfium", no_ocr_rules)
    assert fast.hints.get("pdf_reader_fallback") == {"unmapped_glyphs": [1, 2]}
    assert "pdf_reader_fallback" not in plumber.hints
    assert line_differences(plumber.lines, fast.lines) == [] and len(fast.lines) == 40
    assert any("Data sprzedaży" in ln.text for ln in fast.lines)
    # without the rule pdfium's reading stands, and it has no text
    rules = tmp_path / "rules"
    shutil.copytree(no_ocr_rules, rules)
    edit_yaml(rules / "pdf_layout.yaml", lambda d: d["reader"].update(fallback=[]))
    bare = read(path, "pdfium", rules)
    assert "pdf_reader_fallback" not in bare.hints and bare.lines == []


def test_a_normalised_ligature_sends_its_page_to_pdfplumber(shared, no_ocr_rules):
    # pdfium reads the glyph U+FB02 as `fl`; pdfminer keeps it, and so do the lines
    path = shared / "hardpdfs" / "missing-spaces-journal-article-issue-316.pdf"
    fast = read(path, "pdfium", no_ocr_rules)
    fallback = fast.hints.get("pdf_reader_fallback", {})
    assert fallback.get("split_glyphs", [])[:3] == [1, 2, 3] and 17 not in fallback.get("split_glyphs", [])
    assert any("conﬂict" in ln.text for ln in fast.lines if ln.page == 1)


def test_a_space_pdfium_leaves_off_its_text_page_is_as_wide_as_the_fonts_space(shared, no_ocr_rules):
    # "A. The": the space is a text object of its own with no ink; put back with no width it left a
    # 0.55 em gap after it, read as a cell break ("A.\tThe")
    path = shared / "realdocs" / "data-driven-healthcare-2030-summary-2021-03.pdf"
    fast = read(path, "pdfium", no_ocr_rules)
    page10 = [ln.text for ln in fast.lines if ln.page == 10]
    assert any(t.startswith("A. The digital transformation") for t in page10)
    assert not any(t.startswith("A.\t") for t in page10)


def test_the_fallback_rules_are_named_and_checked(rules_copy):
    assert load_layout(RULES_DIR).reader_fallback == (
        "unmapped_glyphs",
        "split_glyphs",
        "outside_page",
        "builtin_metrics",
        "doubled_glyphs",
        "threshold_ties",
    )
    edit_yaml(rules_copy / "pdf_layout.yaml", lambda d: d["reader"].update(fallback=["ligatures"]))
    with pytest.raises(RuleError) as err:
        load_layout(rules_copy)
    assert "entry reader.fallback[0]" in str(err.value) and "not 'ligatures'" in str(err.value)


def test_the_reader_is_named_in_the_layout_rules_and_checked(rules_copy):
    assert load_layout(RULES_DIR).reader == "pdfium"
    path = rules_copy / "pdf_layout.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: pdfium", "name: mupdf"), encoding="utf-8")
    with pytest.raises(RuleError) as err:
        load_layout(rules_copy)
    assert "entry reader (mupdf): field `name`" in str(err.value) and "pdfium" in str(err.value)


def test_the_ingest_cache_key_holds_the_reader():
    versions = {"ingest_code": "c", "layout": "l", "ocr": "o"}
    default = ingest_key(versions, "pdf", None)
    plumber = ingest_key({**versions, "pdf_reader": "pdfplumber"}, "pdf", None)
    fast = ingest_key({**versions, "pdf_reader": "pdfium"}, "pdf", None)
    assert len({default, plumber, fast}) == 3
