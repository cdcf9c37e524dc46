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
import yaml

from pipeline.cache import ingest_key
from pipeline.ingest import ocr_page, pdfium_chars
from pipeline.ingest.pdf_rules import load_layout
from pipeline.model import Document
from pipeline.rules import RULES_DIR, RuleError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from compare_pdf_readers import line_differences  # noqa: E402

from tests.conftest import ingested  # noqa: E402


def read(path: Path, reader: str, rules: Path) -> Document:
    """compare_pdf_readers.read through the session cache: test_pdf_long_report reads the 207-page
    report with pdfplumber and these rules too."""
    return ingested(path.parent, path.name, rules=rules, pdf_reader=reader)


# Documents whose lines differ between the readers, and why. pdfium's text page is a reading of
# the page, not its content stream: it drops a glyph drawn again within 0.07 em of itself, runs of
# spaces within a line and text objects with no width (put back by pdfium_chars._dropped_spaces,
# but only outside form XObjects); it normalises ligatures; and its font descents differ from
# pdfminer's for some fonts (no descriptor, Type 1), which moves boxes by 0.5-3 pt.
KNOWN: dict[str, str] = {
    "duplicated-chars-inline-ascii85-issue-1008.pdf": "pdfium drops glyphs drawn twice (within 0.07 em), so "
    "rows form differently from those our dedupe leaves; its map labels' boxes differ by up to 1 pt",
    "identity-cmap-polish-invoice-issue-625.pdf": "Identity-H fonts with no ToUnicode: pdfminer decodes them "
    "through the embedded TrueType cmap, pdfium reports a Unicode map error on every glyph (no text: needs_ocr)",
    "malformed-chars-outside-page-issue-932.pdf": "characters placed far outside the page by a broken text "
    "matrix: pdfium and pdfminer place them 2,500 pt apart",
    "missing-spaces-journal-article-issue-316.pdf": "ligature glyphs mapped to U+FB01/FB02: pdfium normalises "
    "them to `fi`/`fl` (pdfminer keeps `ﬁ`); spaces inside form XObjects dropped by pdfium (`ofAuckland`)",
    "multicolumn-3col-federal-register-2020-17221.pdf": "a font without a descriptor: pdfium's descent differs "
    "from pdfminer's AFM metrics by about 0.5 pt, so boxes and two row splits differ",
    "rotated90-nics-background-checks.pdf": "four footnote lines in a font whose descent pdfium reads "
    "differently: their boxes are 0.59 pt apart (the text is the same)",
    "recursive-xobjects-issue-1113.pdf": "a form XObject that draws itself: pdfminer stops the recursion at once "
    "(damaged_page), pdfium draws it several levels deep",
    "twocolumn-cid-ieee-paper-issue-1061.pdf": "TeX Type 1 fonts: ligatures normalised by pdfium (`ﬀ` read "
    "`ff`), descents 2-3 pt apart from pdfminer's, so rows split differently",
    # the next four from one comparison run each (scripts/compare_pdf_readers.py)
    "data-driven-healthcare-2030-full-report-2021-03.pdf": "as its summary: spaces in form XObjects and runs "
    "of spaces dropped by pdfium, so some word gaps become cell breaks",
    "data-driven-healthcare-2030-summary-2021-03.pdf": "spaces in form XObjects and runs of spaces dropped by "
    "pdfium: 8 of 439 lines get a cell break for a word space (`A.\\tThe digital ...`)",
    "leeds-shared-research-and-innovation-strategy-2020-2030.pdf": "display fonts whose descent pdfium reads "
    "differently (boxes 0.5-1.9 pt apart) and spaces dropped between infographic labels",
    "nhse-analystx-state-of-the-nation-workforce-survey-2022-10.pdf": "dot leaders and spaces dropped by "
    "pdfium (`Approach....... 6`), a drop capital (`C lassification`) and descents apart",
}


@pytest.fixture(scope="module")
def no_ocr_rules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rules = tmp_path_factory.mktemp("pdfium") / "rules"
    shutil.copytree(RULES_DIR, rules)
    data = yaml.safe_load((rules / "ocr.yaml").read_text(encoding="utf-8"))
    data["enabled"] = False
    (rules / "ocr.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return rules


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


def test_the_reader_is_named_in_the_layout_rules_and_checked(rules_copy):
    assert load_layout(RULES_DIR).reader == "pdfplumber"
    path = rules_copy / "pdf_layout.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: pdfplumber", "name: mupdf"), encoding="utf-8")
    with pytest.raises(RuleError) as err:
        load_layout(rules_copy)
    assert "entry reader (mupdf): field `name`" in str(err.value) and "pdfium" in str(err.value)


def test_the_ingest_cache_key_holds_the_reader():
    versions = {"ingest_code": "c", "layout": "l", "ocr": "o"}
    default = ingest_key(versions, "pdf", None)
    plumber = ingest_key({**versions, "pdf_reader": "pdfplumber"}, "pdf", None)
    fast = ingest_key({**versions, "pdf_reader": "pdfium"}, "pdf", None)
    assert len({default, plumber, fast}) == 3
