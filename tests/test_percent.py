"""Percentages on real lines of corpus/ and ../shared/realdocs: spans, low/high, signs, ranges, qualifiers."""

from __future__ import annotations

import pytest

from pipeline.extract import percent
from pipeline.rules import RuleError
from tests.amount_helpers import LINES, ROOT, SHARED, run_lines, run_real
from tests.conftest import edit_yaml

C0 = "corpus/000_9697e79c8f4d460c.txt"
C1 = "corpus/001_baeb06aa9c477327.txt"
LCH = "lch-trust-board-public-papers-2025-09-04.md"
NHSE = "nhse-board-paper-nhs-productivity-2024-12-05.md"
LTHT = "ltht-annual-report-2024-25.md"
IPPR = "ippr-realising-the-neighbourhood-nhs-2020.md"
CBP = "commons-library-cbp10313-nhs-productivity-2025-07.md"

# (doc, line, every percentage on the line as (text, low, high))
CASES = [
    (
        C0,
        193,
        [("14-16%", 14, 16), ("26%", 26, 26), ("56.6%", 56.6, 56.6), ("21.5%", 21.5, 21.5), ("19.9%", 19.9, 19.9)],
    ),
    (C0, 778, [("6-12%", 6, 12)]),
    (C0, 780, [("11-5%", 5, 11)]),  # a range written high to low
    (C0, 786, [("-25%", -25, -25)]),
    (C0, 787, [("+5%", 5, 5)]),
    (C0, 913, [("20%", 20, 20)]),
    (C1, 40, [("46 per cent", 46, 46)]),
    (C1, 123, [("2-3%", 2, 3)]),
    (IPPR, 1163, [("81 percent", 81, 81), ("99 per cent", 99, 99)]),
    (CBP, 517, [("20% to 25%", 20, 25)]),
    (CBP, 2739, [("28%", 28, 28), ("7-8%", 7, 8)]),
    (LCH, 795, [("0.3%", 0.3, 0.3)]),  # `£5.2million (0.3%)`
    (LCH, 4127, [("10–15%", 10, 15)]),  # an en dash
    (LCH, 843, [("10% and 12%", 10, 12), ("10%", 10, 10)]),  # `between 10% and 12%`
    (LCH, 7067, [("70%", 70, 70), ("85-90%", 85, 90)]),
    (NHSE, 153, [("1.8%", 1.8, 1.8), ("5.7%", 5.7, 5.7), ("3.9%", 3.9, 3.9), ("2%", 2, 2)]),  # `c.2%`
    (NHSE, 161, [("4.5%", 4.5, 4.5)]),
    # `(47% in IMD 2 to 24% in IMD 10)`: `IMD 2` is a label, not the start of a range
    (LTHT, 3435, [("56%", 56, 56), ("64%", 64, 64), ("56%", 56, 56), ("47%", 47, 47), ("24%", 24, 24)]),
    (C0, 9, []),
    (C1, 351, []),  # a URL: `capability%20%20Independent`
]


@pytest.mark.parametrize(("doc", "line", "expected"), CASES, ids=[f"{c[0].split('/')[-1][:12]}:{c[1]}" for c in CASES])
def test_percentages_on_real_lines(doc, line, expected):
    found = run_real(percent.COMPONENT, doc, line)
    assert [(m.text, m.values["low"], m.values["high"]) for m in found] == [
        (t, pytest.approx(lo), pytest.approx(hi)) for t, lo, hi in expected
    ]
    raw = LINES[(doc, line)]
    for m in found:
        assert raw[m.start : m.end] == m.text


def test_markdown_escaped_sign_stays_outside_the_span():
    # `**Average \+10% \+20% \+30% Impact and Mitigation **`
    raw = LINES[(LCH, 3503)]
    found = run_real(percent.COMPONENT, LCH, 3503)
    assert [(m.text, m.values["low"]) for m in found] == [("+10%", 10), ("+20%", 20), ("+30%", 30)]
    assert raw[found[0].start - 1] == "\\"


@pytest.mark.parametrize(
    ("doc", "line", "text", "qualifier", "qualifier_text"),
    [
        (NHSE, 153, "2%", "about", "c"),
        (IPPR, 1163, "99 per cent", "over", "over"),
        (LCH, 843, "10%", "over", "above"),  # `rise above 10%`
        (LTHT, 3435, "56%", "only", "only"),
        (C0, 193, "14-16%", None, None),
    ],
)
def test_qualifier(doc, line, text, qualifier, qualifier_text):
    m = next(m for m in run_real(percent.COMPONENT, doc, line) if m.text == text)
    assert (m.values["qualifier"], m.values["qualifier_text"]) == (qualifier, qualifier_text)


@pytest.mark.shared
@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (1323, [("54 per cent", 54, 54), ("three to four per cent", 3, 4), ("one per cent", 1, 1)]),
        (1037, [("Forty-eight per cent", 48, 48)]),
    ],
)
def test_numbers_in_words(line, expected):
    path = SHARED / "realdocs" / "reform-getting-into-shape-workforce-integrated-care-2017.md"
    if not path.exists():
        pytest.skip(f"../shared is absent: {path} (its licence does not allow copying it into tests/data)")
    (found,) = run_lines(percent.COMPONENT, [path.read_text(encoding="utf-8").split("\n")[line - 1]], line)
    assert [(m.text, m.values["low"], m.values["high"]) for m in found] == expected


@pytest.mark.shared
def test_number_whose_per_cent_opens_the_next_line():
    path = SHARED / "realdocs" / "reform-getting-into-shape-workforce-integrated-care-2017.md"
    if not path.exists():
        pytest.skip(f"../shared is absent: {path} (its licence does not allow copying it into tests/data)")
    lines = path.read_text(encoding="utf-8").split("\n")
    # `... In a recent Health Education England Survey, for example, 35` / `` / `per cent of care assistants ...`
    found = run_lines(percent.COMPONENT, lines[1648:1651], 1649)
    assert [(m.text, m.values["low"]) for m in found[0]] == [("35", 35)]
    assert found[2] == []
    # a chart: the axis value `30` and the axis title `Per cent of consultants \(FTE\)` two lines on
    assert run_lines(percent.COMPONENT, lines[624:627], 625) == [[], [], []]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # shapes no line of corpus/ or realdocs happens to hold, and what is not a percentage
        ("it rose from 14% to 16%", [("14%", 14, 14), ("16%", 16, 16)]),
        ("a swing of -5% to +5%", [("-5% to +5%", -5, 5)]),
        ("14 to 16 per cent", [("14 to 16 per cent", 14, 16)]),
        ("cut 2017-25% of", [("25%", 25, 25)]),
        # a table row of the HEE summary report as pdfplumber reads it: ` -2%` is a sign, not a range
        ("Health records 12,610 12,315 -295 -2%", [("-2%", -2, -2)]),
        ("one in three, half, one-quarter and 2.7 percentage points", []),
    ],
)
def test_shapes_not_found_in_the_documents(text, expected):
    (found,) = run_lines(percent.COMPONENT, [text])
    assert [(m.text, m.values["low"], m.values["high"]) for m in found] == expected


def test_provenance_on_every_corpus_line():
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        lines = path.read_text(encoding="utf-8").split("\n")
        for raw, found in zip(lines, run_lines(percent.COMPONENT, lines), strict=True):
            for m in found:
                assert raw[m.start : m.end] == m.text
                assert m.values["low"] <= m.values["high"]


@pytest.mark.parametrize(
    ("change", "names"),
    [
        (
            lambda d: d["patterns"][3].update(pattern="(?P<low>\\d+%"),
            ["percent.yaml", "entry patterns[3] (single)", "field `pattern`"],
        ),
        (
            lambda d: d["patterns"][0].pop("pattern"),
            ["percent.yaml", "entry patterns[0] (range)", "field `pattern`: Field required"],
        ),
        (
            lambda d: d["patterns"][1].update(pattern="(?P<pct>\\d+)%"),
            ["entry patterns[1] (to-range)", "field `pattern`: unknown group(s) pct"],
        ),
        (lambda d: d.update(triggers=[]), ["percent.yaml", "triggers"]),
        (lambda d: d.update(descending_ranges=["no-such-pattern"]), ["percent.yaml", "descending_ranges"]),
        (
            lambda d: d["continued"].update(ends_line="(\\d+)$"),
            ["percent.yaml", "entry continued", "field `ends_line`", "group low"],
        ),
    ],
)
def test_malformed_rules_name_file_and_entry(rules_copy, change, names):
    edit_yaml(rules_copy / "percent.yaml", change)
    with pytest.raises(RuleError) as err:
        percent.load_rules(rules_copy)
    for name in names:
        assert name in str(err.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # OCR lines of the survey's stacked bars (nhse-analystx-state-of-the-nation-workforce-survey,
        # p14 and p18), as RapidOCR read them: labels printed with no space between them
        ("0%0%0%", ["0%", "0%", "0%"]),
        ("1%0%0%", ["1%", "0%", "0%"]),
        ("0%0%", ["0%", "0%"]),
        ("12.5%3%", ["12.5%", "3%"]),
        # URL escapes stay out: no clean start before the run
        ("capability%20%20Independent", []),
        ("a%20%20%20b", []),
        ("x10%5%", []),
    ],
)
def test_percentages_printed_with_no_space_between_them_are_each_found(text, expected):
    (found,) = run_lines(percent.COMPONENT, [text])
    assert [m.text for m in found] == expected
    assert all(text[m.start : m.end] == m.text for m in found)
