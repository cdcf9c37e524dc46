"""OCR lines in reading order, and the `lines` settings of rules/ocr.yaml (pipeline/ingest/ocr_order.py,
ocr_detect.below)."""

from __future__ import annotations

import shutil

import pdfplumber
import pytest
import regex

from pipeline.extract import percent
from pipeline.ingest import ocr, ocr_detect, ocr_order, ocr_page
from pipeline.ingest.ocr_rules import load_ocr_rules
from pipeline.rules import RULES_DIR, RuleError
from tests.amount_helpers import run_lines
from tests.conftest import edit_yaml


def line(text: str, box: tuple[float, float, float, float]) -> ocr.OcrLine:
    return ocr.OcrLine(text, ocr.split_box(text, box), box, None, confidence=0.99)


def test_labels_of_one_row_are_read_left_to_right_though_their_tops_differ():
    """Bar labels of one row whose boxes differ by a point or two in height (as the detector gives
    them) were sorted by their tops, so the row came out out of order and mixed with the next."""
    rules = load_ocr_rules()
    lines = [
        line("12%", (300, 100.9, 318, 108.4)),
        line("7%", (100, 101.6, 114, 108.2)),
        line("33%", (200, 100.2, 218, 108.9)),
        line("Band 2", (98, 111.5, 124, 119.0)),
        line("Band 3", (196, 110.8, 222, 119.3)),
    ]
    ordered = ocr_order.lines_in_reading_order(lines, rules.row_overlap)
    assert [x.text for x in ordered] == ["7%", "33%", "12%", "Band 2", "Band 3"]
    # sorting by the top alone, as before, reads the row right to left
    assert [x.text for x in sorted(lines, key=lambda x: (round(x.bbox[1]), x.bbox[0]))][:3] == ["33%", "12%", "7%"]


def test_a_column_of_axis_ticks_is_read_top_to_bottom_and_a_tall_box_does_not_swallow_rows():
    rules = load_ocr_rules()
    ticks = [line(t, (20, 100 + 30 * k, 40, 108 + 30 * k)) for k, t in enumerate(["30%", "20%", "10%", "0%"])]
    title = line("Vacancies", (0, 95, 14, 200))  # a title set on its side, as tall as the axis
    ordered = ocr_order.lines_in_reading_order([ticks[2], title, ticks[0], ticks[3], ticks[1]], rules.row_overlap)
    assert [x.text for x in ordered] == ["Vacancies", "30%", "20%", "10%", "0%"]
    assert ocr_order.vertical_overlap((0, 0, 1, 10), (5, 5, 6, 20)) == 0.5


def test_pictures_of_a_page_are_read_each_whole_in_page_order():
    left, right, below = (50, 100, 290, 300), (320, 102, 560, 300), (50, 320, 560, 500)
    assert ocr_order.in_reading_order(["below", "right", "left"], [below, right, left], 0.5) == [
        "left",
        "right",
        "below",
    ]


def test_right_below_is_one_window_of_rules_ocr_yaml(tmp_path):
    rules = load_ocr_rules()
    upper = (100, 400, 140, 408)  # 8 high: the window is -2.4 .. 4 below its bottom
    assert ocr_detect.below(upper, (100, 412, 140, 420), rules)
    assert not ocr_detect.below(upper, (100, 412.5, 140, 420), rules)
    assert ocr_detect.below(upper, (100, 405.6, 140, 414), rules)
    assert not ocr_detect.below(upper, (100, 405.5, 140, 414), rules)
    wide = rules.model_copy(update={"below_gap_max": 1.0})
    assert ocr_detect.below(upper, (100, 412.5, 140, 420), wide)
    # the same window decides both joins: a label broken after its dash, and a row cut under labels
    lines = [line("£18,500 –", upper), line("£20,499 | AfC", (96, 412.5, 146, 420.5))]
    assert [x.text for x in ocr_detect.join_broken_ranges(lines, rules)] == ["£18,500 –", "£20,499 | AfC"]
    assert [x.text for x in ocr_detect.join_broken_ranges(lines, wide)] == ["£18,500 – £20,499 | AfC"]
    folder = tmp_path / "rules"
    shutil.copytree(RULES_DIR, folder)
    edit_yaml(folder / "ocr.yaml", lambda d: d["lines"].update(below_gap_min=0.2))
    with pytest.raises(RuleError, match=r"ocr\.yaml.*below_gap_min"):
        load_ocr_rules(folder)


SURVEY = "nhse-analystx-state-of-the-nation-workforce-survey-2022-10.pdf"


@pytest.mark.slow
def test_a_row_of_bar_labels_printed_without_spaces_is_read_left_to_right_and_split(shared):
    """Survey p18, the foot of the second chart: bar labels `0%0%0%`, `1%0%0%` printed with no
    space between them, beside single `0%` labels on slightly different heights. Read by the real
    engine, the row comes left to right, and every percentage of a tight run is found."""
    rules = load_ocr_rules()
    with pdfplumber.open(shared / "realdocs" / SURVEY) as pdf:
        page = pdf.pages[17]
        image = ocr_page.render(page, rules.dpi)
        scale = image.width / float(page.width)
        x0, top, x1, bottom = (75.0, 668.0, 523.0, 690.0)  # the row of labels, right of the y-axis
        crop = image.crop((round(x0 * scale), round(top * scale), round(x1 * scale), round(bottom * scale)))
        found = ocr.to_page_lines(ocr.read_image(crop, rules), 1 / scale, x0, top, float(page.height), 0.0)
    lines = ocr_order.lines_in_reading_order(found, rules.row_overlap)
    texts = [x.text for x in lines]
    assert any(regex.fullmatch(r"(?:\d%){3}", t) for t in texts), texts  # a tight run, as printed
    # two rows: the foot of the `3%` label above, then the row of labels, left to right
    above, row = ocr_order.rows([x.bbox for x in lines], rules.row_overlap)
    assert [texts[i] for i in above] == ["3%"] and row == list(range(1, len(lines))), texts
    assert [x.bbox[0] for x in lines[1:]] == sorted(x.bbox[0] for x in lines[1:]), texts
    # sorted by their tops, as before, the row's labels were not left to right
    assert sorted(lines, key=lambda x: (round(x.bbox[1]), x.bbox[0])) != lines
    mentions = run_lines(percent.COMPONENT, texts)
    assert [len(ms) for ms in mentions] == [t.count("%") for t in texts]
    assert [m.text for ms in mentions for m in ms] == [p for t in texts for p in regex.findall(r"\d+%", t)]
    assert sorted({m.values["low"] for ms in mentions[1:] for m in ms}) == [0, 1]  # the row: 0% and one 1%
