"""OCR of what a PDF's text layer lacks: scanned pages, raster charts, lost glyphs
(pipeline/ingest/ocr.py, ocr_detect.py, ocr_page.py). RapidOCR installs with the package, so
these run everywhere (no skip); they use tests/data and PDFs made by tests/pdf_make.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pdfplumber
import pytest
import sqlite_utils
import yaml
from PIL import Image

from pipeline.cache import ingest_key, stage_versions
from pipeline.extract import money, percent
from pipeline.ingest import ingest, ocr, ocr_detect, ocr_page
from pipeline.ingest.ocr_rules import load_ocr_rules
from pipeline.manifest import infer_entry
from pipeline.model import Document
from pipeline.rules import RULES_DIR, RuleError
from tests import pdf_make
from tests.amount_helpers import run_lines
from tests.conftest import ROOT, ingested

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
    # through the session cache: test_pdf_hard's build of ../shared/hardpdfs reads (OCRs) the same files
    return {name: ingested(HARD, name) for name in ("scanned-jbig2-rotated270.pdf", "scanned-image-only-issue-203.pdf")}


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
    # the review page says which figures were read by OCR, with the recogniser's confidence
    from pipeline.reviews import audit, items

    for kind, mention_id, source in db.execute(
        "SELECT m.kind, m.id, l.source FROM mentions m JOIN lines l ON l.document_id = m.document_id "
        "AND l.page IS m.page AND l.line = m.line"
    ).fetchall():
        ocr_note = audit.page_data(db.conn, items.get_item(db.conn, kind, mention_id))["ocr"]
        assert (ocr_note is not None) == (source == "ocr"), (kind, mention_id)
        assert ocr_note is None or ocr_note["confidence"] > 0.6


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
    joined = ocr_detect.join_broken_ranges(lines, load_ocr_rules())
    assert [x.text for x in joined] == ["£18,500 – £20,499 | AfC", "£20,500 – £22,499 | AfC", "Band 2", "45%"]
    assert joined[0].bbox == (96, 400, 146, 418) and len(joined[0].boxes) == len(joined[0].text)
    (found,) = run_lines(money.COMPONENT, [joined[0].text])
    assert [(m.text, m.values["low"], m.values["high"]) for m in found] == [("£18,500 – £20,499", 18_500, 20_499)]


def _label_image(tmp_path: Path, text: str) -> Image.Image:
    """`text` drawn in Helvetica (pdfium's own), rendered at 200 dpi and cropped round it."""
    with pdfplumber.open(pdf_make.label_pdf(tmp_path / "label.pdf", text)) as pdf:
        return pdf.pages[0].crop((40, 60, 572, 120)).to_image(resolution=200).original


def test_the_recogniser_reads_a_pound_sign(tmp_path):
    """RapidOCR's own PP-OCRv4 recogniser has no `£` (it read `£2,054` as `2,054`, `£6,000` as
    `E6,000`); the PP-OCRv6 model of rules/ocr.yaml has it in its character set."""
    rules = load_ocr_rules()
    found = ocr.read_image(_label_image(tmp_path, "£2,054   £18,500"), rules)
    assert sorted(" ".join(t.text for t in found).split()) == ["£18,500", "£2,054"]
    assert ocr.rec_model_path(rules) is not None
    assert "PP-OCRv6_rec_small" in ocr.engine_version(rules)


def test_a_strip_of_one_line_goes_to_the_detector_at_most_det_max_upscale_times_enlarged(tmp_path, monkeypatch):
    """RapidOCR's detector enlarges a picture until its shorter side is 736 pixels: a row of chart
    labels 41 pixels high (after `det_max_side`) went to it 18 times enlarged, at some 19,700 x 736
    pixels (seconds and gigabytes a strip: the Polish invoice's two 1,426 x 62 strips cost 24 of its
    28 CPU seconds), and the detector cut the labels in pieces (`£2,`, `£18,5`, `,499`). At most
    `det_max_upscale` times now: each label is found whole, for a tenth of the time and memory."""
    rules = load_ocr_rules()
    label = pdf_make.label_pdf(tmp_path / "row.pdf", "£2,054   £18,500   £20,499   45%", size=14)
    with pdfplumber.open(label) as pdf:
        image = pdf.pages[0].crop((40, 80, 572, 100)).to_image(resolution=200).original
    engine = ocr._rapidocr_engine(rules)
    limit, infer, shapes = engine.text_det.limit_side_len, engine.text_det.infer, []
    monkeypatch.setattr(engine.text_det, "infer", lambda img: shapes.append(img.shape) or infer(img))
    found = ocr.read_image(image, rules)
    assert sorted(" ".join(t.text for t in found).split()) == ["45%", "£18,500", "£2,054", "£20,499"]
    short = min(image.size) * min(1.0, rules.det_max_side / max(image.size))  # the detector's copy
    assert short * rules.det_max_upscale < limit  # a strip the detector would have enlarged more
    ((_, _, height, _),) = shapes  # (batch, channels, height, width), each side rounded to 32 pixels
    assert height <= short * rules.det_max_upscale + 16
    assert engine.text_det.limit_side_len == limit  # the shared engine's own setting is put back


def test_a_missing_recognition_model_is_an_error_saying_what_to_do(tmp_path):
    rules = load_ocr_rules().model_copy(update={"rec_model": "rapidocr/models/no-such-model.onnx"})
    assert not ocr.available(rules) and ocr.engine_version(rules) == "none"
    with pytest.raises(ocr.OcrError, match=r"no-such-model\.onnx.*rules/ocr\.yaml.*make"):
        ocr.read_image(_label_image(tmp_path, "£1"), rules)


def test_characters_are_placed_where_read_and_a_line_is_cut_at_a_wide_gap():
    text = "£5  Band 2"
    #         £  5  ␣  ␣  B   a   n   d   ␣   2
    centres = [5, 15, 20, 25, 105, 115, 125, 135, 140, 145]
    a, b = ocr.placed_chars(text, centres, (0, 0, 150, 20), split_gap=1.5)
    assert (a.text, b.text) == ("£5", "Band 2")
    assert a.char_boxes == ((0, 0, 10, 20), (10, 0, 20, 20))
    assert b.box == (100, 0, 150, 20) and b.char_boxes[4] is None and len(b.char_boxes) == len(b.text)
    (whole,) = ocr.placed_chars(text, centres, (0, 0, 150, 20), split_gap=5)
    assert whole.text == "£5 Band 2"


def test_a_row_of_range_ends_read_as_one_line_is_cut_under_each_label():
    """Survey p14: the detector read the second halves of all the pay bands as one line."""

    def line(text: str, box: tuple[float, float, float, float]) -> ocr.OcrLine:
        return ocr.OcrLine(text, ocr.split_box(text, box), box, None, confidence=0.99)

    lines = [
        line("£18,500-", (104, 400, 136, 408)),
        line("£20,500-", (164, 400, 196, 408)),
        line("£93,000-", (224, 400, 256, 408)),
        line("£20,499 |AfC £22,499 |AfC£109,000 |AfC", (94, 410, 266, 418)),
    ]
    joined = ocr_detect.join_broken_ranges(lines, load_ocr_rules())
    assert [x.text for x in joined] == [
        "£18,500- £20,499 |AfC",
        "£20,500- £22,499 |AfC",
        "£93,000- £109,000 |AfC",
    ]
    assert all(len(x.boxes) == len(x.text) for x in joined)
    found = run_lines(money.COMPONENT, [x.text for x in joined])
    assert [(m.values["low"], m.values["high"]) for ms in found for m in ms] == [
        (18_500, 20_499),
        (20_500, 22_499),
        (93_000, 109_000),
    ]


def test_an_image_read_once_is_not_read_again_with_the_same_engine_and_rules(tmp_path, monkeypatch):
    from pipeline.ingest import ocr_cache

    rules = load_ocr_rules()
    image = _label_image(tmp_path, "£2,054")
    ocr_cache.use(tmp_path / "ocr")
    try:
        first = ocr.read_image(image, rules)
        assert [t.text for t in first] == ["£2,054"]

        def engine_not_run(*_: object) -> None:
            raise AssertionError("the image was read again")

        monkeypatch.setattr(ocr, "_rapidocr", engine_not_run)
        assert ocr.read_image(image, rules) == first  # from the cache
        # settings applied to what the engine read (not in ocr_cache.READ_SETTINGS): not read again
        assert ocr.read_image(image, rules.model_copy(update={"min_confidence": 0.5})) == first
        doubted = rules.model_copy(update={"min_confidence": first[0].confidence + 1e-6})
        assert ocr.read_image(image, doubted) == []  # the cached reading, filtered afresh
        with pytest.raises(AssertionError, match="read again"):  # another reading setting: read again
            ocr.read_image(image, rules.model_copy(update={"widen": 0.5}))
        (entry,) = (tmp_path / "ocr").rglob("*.msgpack")
        entry.write_bytes(entry.read_bytes()[:-3] + b"xyz")  # damaged: not used, read again
        with pytest.raises(AssertionError, match="read again"):
            ocr.read_image(image, rules)
    finally:
        ocr_cache.use(None)


@pytest.mark.parametrize(
    ("read", "written"),
    [
        ("£65,500–- £77,999 | AfC", "£65,500– £77,999 | AfC"),  # survey p18: one dash read twice
        ("£65,500 -- £77,999", "£65,500 - £77,999"),
        ("£55,000 – £65,499", "£55,000 – £65,499"),
        ("see note -- below", "see note -- below"),  # only after a figure, and before a space or the end
        ("2020--21", "2020--21"),
    ],
)
def test_a_dash_read_twice_after_a_figure_is_cut_to_one(read, written):
    found = ocr.OcrText(read, (0, 0, 100, 10), 0.9, ocr.split_box(read, (0, 0, 100, 10)))
    fixed = ocr.one_dash(found, load_ocr_rules())
    assert fixed.text == written and len(fixed.char_boxes) == len(fixed.text)
    (mention,) = run_lines(money.COMPONENT, [fixed.text])[0] if written.startswith("£") else (None,)
    assert mention is None or mention.values["high"] > mention.values["low"]


def test_a_lookalike_sign_among_a_pictures_pounds_is_a_pound():
    """Blurred cost tables (data-driven-healthcare-2030 p103, p196) read `€584` among `£` figures."""

    def line(text: str) -> ocr.OcrLine:
        return ocr.OcrLine(text, ocr.split_box(text, (0, 0, 40, 8)), (0, 0, 40, 8), None, confidence=0.99)

    rules = load_ocr_rules()
    cost = [line(t) for t in ("£335", "£413", "€584", "£635", "Cost (Millons)", "2020")]
    assert [x.text for x in ocr_detect.usual_sign(cost, rules)] == [
        "£335",
        "£413",
        "£584",
        "£635",
        "Cost (Millons)",
        "2020",
    ]
    # euros where pounds are not the usual sign stay euros
    mixed = [line(t) for t in ("€10", "£12", "€14")]
    assert [x.text for x in ocr_detect.usual_sign(mixed, rules)] == ["€10", "£12", "€14"]


@pytest.mark.slow
def test_the_review_page_of_a_figure_read_by_ocr_says_so(tmp_path):
    import httpx

    import tests.reviews_support as rs

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    pdf_make.chart_pdf(corpus / "chart.pdf")
    (corpus / "note.txt").write_text("The trust spent £2.1m (45%) on agency staff.\n", encoding="utf-8")
    db = rs.build_db(corpus, tmp_path / "nhs.db")
    found = (
        sqlite_utils.Database(db)
        .execute(
            "SELECT m.kind, m.id, l.source FROM mentions m JOIN lines l ON l.document_id = m.document_id "
            "AND l.page IS m.page AND l.line = m.line WHERE m.kind IN ('money', 'percent')"
        )
        .fetchall()
    )
    assert {source for _, _, source in found} == {"ocr", "text"}
    with rs.datasette(db) as base:
        for kind, mention_id, source in found:
            page = httpx.get(f"{base}/-/audit/{kind}/{mention_id}", timeout=30)
            assert page.status_code == 200, page.text[:300]
            assert ("read by OCR" in page.text) == (source == "ocr"), (kind, mention_id)


@pytest.mark.parametrize(
    ("read", "written", "amount"),
    [
        # data-driven-healthcare-2030 p170, the axis tick `£50` of a blurred cost chart: read `€.50` from
        # the page at 200 dpi and `£.50` at 120 dpi, so no amount was found
        ("€.50", "€50", 50),
        ("£.50", "£50", 50),
        ("£4,000", "£4,000", 4000),
        ("£2.1bn", "£2.1bn", 2.1e9),  # a decimal point inside the figure stays
        ("see p.50", "see p.50", None),  # no sign before the mark
    ],
)
def test_a_mark_read_between_a_currency_sign_and_its_figure_is_left_out(read, written, amount):
    found = ocr.OcrText(read, (0, 0, 40, 10), 0.9, ocr.split_box(read, (0, 0, 40, 10)))
    fixed = ocr.no_stray_mark(found, load_ocr_rules())
    assert fixed.text == written and len(fixed.char_boxes) == len(fixed.text)
    assert fixed.char_boxes[-1] == found.char_boxes[-1]  # the figure keeps its boxes
    (mentions,) = run_lines(money.COMPONENT, [fixed.text])
    assert [m.values["low"] for m in mentions] == ([] if amount is None else [amount])
