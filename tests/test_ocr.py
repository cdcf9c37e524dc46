"""OCR of what a PDF's text layer lacks: scanned pages, raster charts, lost glyphs
(pipeline/ingest/ocr.py, ocr_detect.py, ocr_page.py). RapidOCR installs with the package, so
these run everywhere (no skip); they use tests/data and PDFs made by tests/pdf_make.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlite_utils
import yaml

from pipeline.cache import ingest_key, stage_versions
from pipeline.extract import money, percent
from pipeline.ingest import ingest, ocr, ocr_detect, ocr_page
from pipeline.ingest.ocr_rules import load_ocr_rules
from pipeline.manifest import infer_entry
from pipeline.model import Document
from pipeline.rules import RULES_DIR, RuleError
from tests import pdf_make
from tests.amount_helpers import run_lines
from tests.conftest import ROOT

HARD = ROOT / "tests" / "data" / "hardpdfs"


def read(folder: Path, name: str) -> Document:
    return ingest(folder, infer_entry(name))


def ocr_lines(doc: Document) -> list:
    return [line for line in doc.lines if line.source == "ocr"]


def check_ocr_line(doc: Document, width: float = 612, height: float = 792) -> None:
    for line in ocr_lines(doc):
        assert line.page is not None and line.bbox is not None
        x0, top, x1, bottom = line.bbox
        assert 0 <= x0 < x1 <= width + 1 and 0 <= top < bottom <= height + 1
        assert line.char_boxes is not None and len(line.char_boxes) == len(line.text)
        assert line.confidence is not None and 0 < line.confidence <= 1


@pytest.fixture(scope="module")
def scans() -> dict[str, Document]:
    return {name: read(HARD, name) for name in ("scanned-jbig2-rotated270.pdf", "scanned-image-only-issue-203.pdf")}


@pytest.mark.slow
def test_a_rotated_jbig2_scan_is_read_by_ocr_with_page_and_boxes(scans):
    doc = scans["scanned-jbig2-rotated270.pdf"]
    assert [(p.reason, p.page) for p in doc.problems] == [("ocr", 1)]
    assert "RapidOCR" in doc.problems[0].message
    texts = [line.text for line in ocr_lines(doc)]
    assert "Doesn't" in texts and any(t.startswith("Work?") for t in texts)
    assert all(line.source == "ocr" for line in doc.lines)
    check_ocr_line(doc)


@pytest.mark.slow
def test_every_page_of_an_image_only_scan_is_read(scans):
    doc = scans["scanned-image-only-issue-203.pdf"]
    assert [(p.reason, p.page) for p in doc.problems] == [("ocr", 1), ("ocr", 2), ("ocr", 3)]
    assert {line.page for line in ocr_lines(doc)} == {1, 2, 3}
    text = "\n".join(line.text for line in doc.lines)
    # a Chinese customs penalty notice: its case number and the fine, 45000 yuan
    assert "[2019]13" in text and "45000" in text
    check_ocr_line(doc)


def test_lost_glyphs_are_found_by_ink_under_spaces_and_read(tmp_path):
    pdf_make.lost_glyph_pdf(tmp_path / "lost.pdf")
    doc = read(tmp_path, "lost.pdf")
    text_layer = [line.text for line in doc.lines if line.source == "text"]
    assert any(t.startswith("Almost all (") and "90" not in t for t in text_layer)  # the text layer lost it
    (found,) = ocr_lines(doc)
    assert found.text == "(90%)" and found.page == 1
    check_ocr_line(doc)
    # the OCR line sits over the lost characters, on the text line's row
    row = next(line for line in doc.lines if line.text.startswith("Almost"))
    assert row.bbox[0] < found.bbox[0] < found.bbox[2] < row.bbox[2]
    assert abs((found.bbox[1] + found.bbox[3]) - (row.bbox[1] + row.bbox[3])) < 6
    mentions = run_lines(percent.COMPONENT, [line.text for line in doc.lines])
    assert [(m.text, m.values["low"]) for ms in mentions for m in ms] == [("90%", 90)]


def test_chart_labels_in_a_raster_image_are_read_and_the_text_layer_is_not_repeated(tmp_path):
    pdf_make.chart_pdf(tmp_path / "chart.pdf")
    doc = read(tmp_path, "chart.pdf")
    assert [line.text for line in doc.lines if line.source == "text"] == ["Figure 3: Distribution of spending by role"]
    assert sorted(line.text for line in ocr_lines(doc)) == ["30%", "45%"]
    check_ocr_line(doc)
    image_top = 792 - 680  # the picture is drawn from y = 500 to 680 (PDF points from the bottom)
    assert all(image_top <= line.bbox[1] for line in ocr_lines(doc))
    assert not doc.problems


def test_a_page_with_a_good_text_layer_and_no_picture_is_never_rendered(monkeypatch):
    def no_render(page: object, dpi: int) -> None:
        raise AssertionError("rendered a page that needs no OCR")

    monkeypatch.setattr(ocr_page, "render", no_render)
    doc = read(ROOT / "tests" / "data", "nhs-barking-dagenham-ccg-invoices-over-25k-2014-15.pdf")
    assert doc.lines and not ocr_lines(doc) and not doc.problems


def test_lost_glyph_candidates_are_only_drawn_spaces_as_wide_as_a_digit():
    rules = load_ocr_rules()
    chars = [
        ("(", 10, 0, 14.7, 14, 14),
        (" ", 14.7, 0, 22.5, 14, 14),  # a digit drawn, stored as a space: 0.556 em
        (" ", 22.5, 0, 26.4, 14, 14),  # a real space: 0.278 em
        ("9", 26.4, 0, 34.2, 14, 14),
    ]
    assert ocr_detect.lost_glyph_candidates(chars, rules) == [1]
    # the word round it runs from `(` up to the real space, which has no ink
    assert ocr_detect.lost_glyph_regions(chars, [1]) == [(10, 0, 22.5, 14)]
    assert ocr_detect.lost_glyph_regions(chars, [1, 2]) == [(10, 0, 34.2, 14)]


def test_small_and_page_sized_images_are_not_read():
    rules = load_ocr_rules()
    boxes = [(0, 0, 20, 20), (0, 0, 612, 792), (50, 100, 300, 250), (280, 200, 400, 300)]
    assert ocr_detect.image_regions(boxes, 612, 792, rules) == [(50, 100, 400, 300)]


def test_tesseract_tsv_becomes_lines_with_word_boxes_and_confidence():
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
        "5\t1\t1\t1\t1\t1\t100\t50\t80\t20\t96\tAlmost\n"
        "5\t1\t1\t1\t1\t2\t190\t50\t40\t20\t90\t90%\n"
    )
    (line,) = ocr.lines_from_tsv(tsv)
    assert line.text == "Almost 90%" and line.confidence == pytest.approx(0.93)
    assert line.box == (100, 50, 230, 70)
    assert line.char_boxes[6] is None and line.char_boxes[7] == pytest.approx((190, 50, 190 + 40 / 3, 70))


def test_the_ingest_cache_key_names_the_ocr_engine_and_its_version(tmp_path):
    versions = stage_versions(RULES_DIR)
    assert "rapidocr-onnxruntime 1.4" in versions["ocr"]
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    data = yaml.safe_load((rules / "ocr.yaml").read_text(encoding="utf-8"))
    data["engine"] = "tesseract"
    (rules / "ocr.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    other = stage_versions(rules)
    assert other["ocr"] != versions["ocr"]
    assert ingest_key(other, "pdf", None) != ingest_key(versions, "pdf", None)


def test_an_unknown_engine_is_a_rule_error_naming_the_file(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    data = yaml.safe_load((rules / "ocr.yaml").read_text(encoding="utf-8"))
    data["engine"] = "easyocr"
    (rules / "ocr.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(RuleError, match=r"ocr\.yaml.*easyocr"):
        load_ocr_rules(rules)


def test_ocr_lines_are_marked_in_the_database(tmp_path):
    """A build: OCR lines have source 'ocr', a confidence and a box; their mentions point at them."""
    from pipeline.build import build

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    pdf_make.chart_pdf(corpus / "chart.pdf")
    pdf_make.lost_glyph_pdf(corpus / "lost.pdf")
    build(corpus, tmp_path / "t.db", jobs=1)
    db = sqlite_utils.Database(tmp_path / "t.db")
    rows = db.execute(
        "SELECT l.text, l.source, l.confidence, p.text, p.x0 FROM percentages p JOIN lines l ON l.id = p.line_id "
        "ORDER BY p.text"
    ).fetchall()
    assert [(r[3], r[1]) for r in rows] == [("30%", "ocr"), ("45%", "ocr"), ("90%", "ocr")]
    assert all(r[2] > 0.6 and r[4] is not None for r in rows)
    assert db.execute("SELECT count(*) FROM lines WHERE source = 'text' AND confidence IS NULL").fetchone()[0] == 4


def test_a_chart_label_broken_after_a_range_dash_is_joined_with_the_line_below():
    def line(text: str, box: tuple[float, float, float, float]) -> ocr.OcrLine:
        return ocr.OcrLine(text, ocr.split_box(text, box), box, None, confidence=0.99)

    lines = [
        line("£18,500 –", (100, 400, 140, 408)),
        line("£20,500 –", (160, 400, 200, 408)),
        line("£20,499 | AfC", (96, 410, 146, 418)),
        line("£22,499 | AfC", (156, 410, 206, 418)),
        line("Band 2", (108, 420, 132, 428)),
        line("45%", (110, 300, 124, 308)),
    ]
    joined = ocr_detect.join_broken_ranges(lines)
    assert [x.text for x in joined] == ["£18,500 – £20,499 | AfC", "£20,500 – £22,499 | AfC", "Band 2", "45%"]
    assert joined[0].bbox == (96, 400, 146, 418) and len(joined[0].boxes) == len(joined[0].text)
    (found,) = run_lines(money.COMPONENT, [joined[0].text])
    assert [(m.text, m.values["low"], m.values["high"]) for m in found] == [("£18,500 – £20,499", 18_500, 20_499)]


@pytest.mark.parametrize(
    ("read", "written"),
    [
        ("E6,000", "£6,000"),  # RapidOCR has no `£`: read on the survey's cost chart as `E6,000`
        ("F2.1bn", "£2.1bn"),
        ("E18,500 -", "£18,500 -"),
        ("Eng 2,000", "Eng 2,000"),  # a word, not a sign
        ("E2021", "E2021"),  # no amount after it
        ("ME6,000", "ME6,000"),
    ],
)
def test_a_letter_rapidocr_reads_for_a_pound_sign_before_an_amount_becomes_one(read, written):
    found = ocr.OcrText(read, (0, 0, 10, 10), 0.9, ocr.split_box(read, (0, 0, 10, 10)))
    assert ocr._pound(found, load_ocr_rules()).text == written
