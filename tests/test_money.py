"""Money on real lines of corpus/ and ../shared/realdocs: spans, amounts, currency, qualifier, rate, year."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import components
from pipeline.extract import money
from pipeline.extract.amounts import load_shared
from pipeline.model import Document, Line
from pipeline.rules import RuleError
from tests.amount_helpers import LINES, ROOT, SHARED, run_lines, run_real, source_text
from tests.conftest import edit_yaml

C0 = "corpus/000_9697e79c8f4d460c.txt"
C1 = "corpus/001_baeb06aa9c477327.txt"
C3 = "corpus/003_4bd6cd02c4d551ad.txt"
LCH = "lch-trust-board-public-papers-2025-09-04.md"
NHSE = "nhse-board-paper-nhs-productivity-2024-12-05.md"
LTHT = "ltht-annual-report-2024-25.md"
IPPR = "ippr-realising-the-neighbourhood-nhs-2020.md"
CBP = "commons-library-cbp10313-nhs-productivity-2025-07.md"
MTPF = "nhse-medium-term-planning-framework-2026-27-to-2028-29.md"
M, BN = 1_000_000, 1_000_000_000

# (doc, line, every amount on the line as (text, low, high, currency))
CASES = [
    # typesetting residue: the span covers the raw characters
    (C0, 9, [(r"\pounds 22 billion", 22 * BN, 22 * BN, "GBP")]),
    (C0, 187, [(r"\pounds 13.4m", 13.4 * M, 13.4 * M, "GBP")]),
    (C0, 977, [(r"\pounds 6.7m", 6.7 * M, 6.7 * M, "GBP")]),
    (
        C0,
        628,
        [
            (r"\pm 10m", 10 * M, 10 * M, "GBP"),
            (r"\pm 32.6m", 32.6 * M, 32.6 * M, "GBP"),
            (r"\pm 3.7m", 3.7 * M, 3.7 * M, "GBP"),
            (r"\pm 28.7m", 28.7 * M, 28.7 * M, "GBP"),
        ],
    ),
    # signs
    (
        C0,
        237,
        [
            ("+£9.7m", 9.7 * M, 9.7 * M, "GBP"),
            ("£29.5m", 29.5 * M, 29.5 * M, "GBP"),
            ("£8.8m", 8.8 * M, 8.8 * M, "GBP"),
        ],
    ),
    (C0, 630, [("£2m", 2 * M, 2 * M, "GBP"), ("+£0.36m", 0.36 * M, 0.36 * M, "GBP")]),
    # ranges
    (C0, 575, [("£500-£600 million", 500 * M, 600 * M, "GBP")]),
    (C3, 118, [("£2-2.5bn", 2 * BN, 2.5 * BN, "GBP"), ("£1.6bn", 1.6 * BN, 1.6 * BN, "GBP")]),
    (
        C0,
        1035,
        [
            ("£27.3m", 27.3 * M, 27.3 * M, "GBP"),
            ("£3.6m", 3.6 * M, 3.6 * M, "GBP"),
            ("£20m", 20 * M, 20 * M, "GBP"),
            ("£8.3m", 8.3 * M, 8.3 * M, "GBP"),
            ("£800,000", 800_000, 800_000, "GBP"),
            ("£1.7m-£2m", 1.7 * M, 2 * M, "GBP"),
        ],
    ),
    (LTHT, 18197, [("£100-£150k", 100_000, 150_000, "GBP")]),
    (LTHT, 19097, [("£0 - £10,000", 0, 10_000, "GBP")]),
    # written forms and currencies
    (C1, 117, [("£5m", 5 * M, 5 * M, "GBP"), ("a quarter of a billion pounds", 0.25 * BN, 0.25 * BN, "GBP")]),
    (C1, 321, [("$100 billion", 100 * BN, 100 * BN, "USD")]),
    (C1, 46, []),  # `millions of pounds` states no amount
    # multipliers as converters leave them
    (LCH, 795, [("£33million", 33 * M, 33 * M, "GBP"), ("£5.2million", 5.2 * M, 5.2 * M, "GBP")]),
    (LCH, 7061, [("£49.2M", 49.2 * M, 49.2 * M, "GBP")]),
    (LCH, 7067, [("£700k", 700_000, 700_000, "GBP")]),
    (LCH, 1043, [("£0.5 million", 0.5 * M, 0.5 * M, "GBP")]),
    (LCH, 7399, [("£716.28", 716.28, 716.28, "GBP")]),
    (
        LTHT,
        34033,
        [
            ("£492,873k", 492_873_000, 492_873_000, "GBP"),
            ("£467,897k", 467_897_000, 467_897_000, "GBP"),
            ("£0k", 0, 0, "GBP"),
            ("£0k", 0, 0, "GBP"),
        ],
    ),
    (LTHT, 831, [("£2.1", 2.1, 2.1, "GBP")]),  # the source breaks off here: no multiplier follows
    # ligature damage from PDF conversion
    (NHSE, 161, [("£3.5 bil ion", 3.5 * BN, 3.5 * BN, "GBP"), ("£3.0 bil ion", 3 * BN, 3 * BN, "GBP")]),
    (NHSE, 207, [("£249 mil ion", 249 * M, 249 * M, "GBP")]),
    # not money: a number whose £ was lost, a column heading in thousands
    (C0, 1061, [("£48m", 48 * M, 48 * M, "GBP")]),  # `capital borrowings of 322.7m` is not money
    (LTHT, 5001, []),  # `£000`
    (MTPF, 253, [("£22 billion", 22 * BN, 22 * BN, "GBP"), ("£6.6 billion", 6.6 * BN, 6.6 * BN, "GBP")]),
]


def _as_tuples(mentions: list) -> list[tuple]:
    return [(m.text, m.values["low"], m.values["high"], m.values["currency"]) for m in mentions]


@pytest.mark.parametrize(("doc", "line", "expected"), CASES, ids=[f"{c[0].split('/')[-1][:12]}:{c[1]}" for c in CASES])
def test_amounts_on_real_lines(doc, line, expected):
    found = run_real(money.COMPONENT, doc, line)
    got = _as_tuples(found)
    assert [g[0] for g in got] == [e[0] for e in expected]
    for (text, low, high, cur), (_, glow, ghigh, gcur) in zip(expected, got, strict=True):
        assert glow == pytest.approx(low), text
        assert ghigh == pytest.approx(high), text
        assert gcur == cur, text
    raw = LINES[(doc, line)]
    for m in found:
        assert raw[m.start : m.end] == m.text


def test_copied_lines_are_the_published_lines():
    checked = 0
    for (doc, line), text in LINES.items():
        source = source_text(doc)
        if source is None:
            continue
        assert source.split("\n")[line - 1] == text, f"{doc}:{line} differs from the source"
        checked += 1
    assert checked >= sum(1 for d, _ in LINES if d.startswith("corpus/"))


@pytest.mark.parametrize(
    ("doc", "line", "text", "qualifier", "qualifier_text"),
    [
        (C0, 185, "£80.5m", "at least", "at least"),
        (C0, 610, "£19m", "almost", "almost"),
        (C0, 628, r"\pm 10m", "almost", "just short of"),
        (C0, 999, "£10m", "about", "c"),  # `c. £10m`
        (LCH, 7067, "£700k", "about", "c"),  # `c£700k`
        (C3, 118, "£2-2.5bn", "at least", "an estimated minimum of"),
        (C1, 321, "$100 billion", "over", "over"),
        (C0, 535, "£157.2m", None, None),  # `adding up to £157.2m` is a sum, not `up to`
        (C0, 185, "£9.7m", None, None),
    ],
)
def test_qualifier_beside_the_amount_stays_outside_the_span(doc, line, text, qualifier, qualifier_text):
    (m,) = [m for m in run_real(money.COMPONENT, doc, line) if m.text == text][:1]
    assert (m.values["qualifier"], m.values["qualifier_text"]) == (qualifier, qualifier_text)


@pytest.mark.parametrize(
    ("doc", "line", "text", "rate"),
    [
        (C0, 1107, "£26m", "per year"),  # `£26m a year`
        (C1, 117, "£5m", "per year"),  # `£5m per year`
        (NHSE, 163, "£7 mil ion", "per month"),
        (IPPR, 2093, "£200 million", "per year"),
        (C0, 237, "£29.5m", None),
    ],
)
def test_rate(doc, line, text, rate):
    (m,) = [m for m in run_real(money.COMPONENT, doc, line) if m.text == text][:1]
    assert m.values["rate"] == rate


@pytest.mark.parametrize(
    ("doc", "line", "years"),
    [
        # after the amount, with words between: `a £5m surplus for 2017/18`
        (C0, 267, {"£55.9m": "2017-18", "£5m": "2017/18", "£16.5m": None}),
        # before it: `ended 2017-18 in deficit: Bedford by £8.5m`; the next amount has none
        (C0, 261, {"£8.5m": "2017-18", "£16.1m": None}),
        # `£64.3m in 2018/19, £72.2m in 2018/20`: 2018/20 is no financial year, and 2018/19 is taken
        (C0, 913, {"£16.7m": "2017/18", "£64.3m": "2018/19", "£72.2m": None, "£81m": "2020/21"}),
        # `a surplus of £19.9m (2023/24 surplus of £12.3m)`: the bracketed year is the next amount's
        (LTHT, 27431, {"£19.9m": "2024/25", "£12.3m": "2023/24"}),
        # `£55m, more than double the 2017/18 deficit`: the year after a comma belongs to other words
        (C0, 997, {"£10.7m": None, "£55m": None}),
        (CBP, 625, {"£177bn": "2024/25", "£183bn": "2025/26"}),
        (NHSE, 207, {"£249 mil ion": "2023/24"}),  # `in financial year 2023/24`
    ],
)
def test_financial_year_written_beside(doc, line, years):
    got = {m.text: m.values["fin_year"] for m in run_real(money.COMPONENT, doc, line)}
    assert got == years


def test_amount_running_on_to_the_next_line():
    # `... and £17` / (blank) / `million in London`
    (_, m17) = run_real(money.COMPONENT, IPPR, 2519, 2521)
    assert (m17.text, m17.values["low"], m17.values["high"]) == ("£17", 17 * M, 17 * M)
    # `ranged from £10-£15k to £285-` / (blank) / `290k in 2024/25`
    band, top = run_real(money.COMPONENT, LTHT, 19375, 19377)
    assert (band.text, band.values["low"], band.values["high"]) == ("£10-£15k", 10_000, 15_000)
    assert (top.text, top.values["low"], top.values["high"]) == ("£285", 285_000, 290_000)
    # the same line alone: nothing to complete it
    (_, alone) = run_real(money.COMPONENT, LTHT, 19375)
    assert alone.values["low"] == 285


def test_normalised_text_is_kept():
    (m,) = run_real(money.COMPONENT, C0, 187)
    assert m.values["normalised"] == "£13.4m"
    (m,) = run_real(money.COMPONENT, NHSE, 207)
    assert m.values["normalised"] == "£249 million"


REFORM = "reform-getting-into-shape-workforce-integrated-care-2017.md"
TRANSCRIPT = "nhse-board-meeting-2025-09-23-youtube-transcript.txt"


def _shared_doc(name: str) -> list[str]:
    path = SHARED / "realdocs" / name
    if not path.exists():
        pytest.skip(f"../shared is absent: {path} (its licence does not allow copying it into tests/data)")
    return path.read_text(encoding="utf-8").split("\n")


@pytest.mark.shared
@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (287, [("£162,000", 162_000)]),  # `£162,000,16`: footnote 16 after a comma
        (289, [("£230,000", 230_000), ("£140 million", 140 * M)]),  # `£230,000.17 This suggests`
        (957, [("£40,000", 40_000), ("£20,140", 20_140)]),  # `£20,140.110`
        (991, [("£230,000", 230_000), ("£162,000", 162_000)]),  # `£162,000.117`
        (1017, [("£11,700", 11_700), ("£45.58", 45.58), ("£80", 80), ("£18.26", 18.26)]),  # pence stay
    ],
)
def test_footnote_numbers_glued_to_amounts(line, expected):
    lines = _shared_doc(REFORM)
    (found,) = run_lines(money.COMPONENT, [lines[line - 1]], line)
    assert [(m.text, m.values["low"]) for m in found] == [(t, pytest.approx(v)) for t, v in expected]


@pytest.mark.shared
def test_spoken_amounts_need_a_currency_word():
    lines = _shared_doc(TRANSCRIPT)
    (found,) = run_lines(money.COMPONENT, [lines[1116]], 1117)
    assert [(m.text, m.values["low"]) for m in found] == [("5 million pounds", 5 * M)]
    every = run_lines(money.COMPONENT, lines)
    texts = [m.text for per in every for m in per]
    # `27 million of square meters` and bare `2 billion` are not money
    assert all(any(w in t for w in ("£", "pound", "$", "€")) for t in texts)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # shapes no line of corpus/ or realdocs happens to hold
        ("a cost of £30m to £40m a year", [("£30m to £40m", 30 * M, 40 * M, "GBP")]),
        ("the deficit rose from £30m to £40m", [("£30m", 30 * M, 30 * M, "GBP"), ("£40m", 40 * M, 40 * M, "GBP")]),
        ("payments ranged from £10k to £15k", [("£10k to £15k", 10_000, 15_000, "GBP")]),
        ("between £30m and £40m", [("£30m and £40m", 30 * M, 40 * M, "GBP")]),
        ("a swing of -£2m and £-3m", [("-£2m", -2 * M, -2 * M, "GBP"), ("£-3m", -3 * M, -3 * M, "GBP")]),
        ("half a million pounds", [("half a million pounds", 500_000, 500_000, "GBP")]),
        ("two hundred million dollars", [("two hundred million dollars", 200 * M, 200 * M, "USD")]),
        (
            "€5m and EUR 2bn and USD 3m",
            [("€5m", 5 * M, 5 * M, "EUR"), ("EUR 2bn", 2 * BN, 2 * BN, "EUR"), ("USD 3m", 3 * M, 3 * M, "USD")],
        ),
        ("a £5m-£3m swing", [("£5m", 5 * M, 5 * M, "GBP"), ("£3m", 3 * M, 3 * M, "GBP")]),
        ("50 pence a day", [("50 pence", 0.5, 0.5, "GBP")]),
        ("capital borrowings of 322.7m in 2017", []),
        ("15,000 beds and 2,000 staff in 2018", []),
    ],
)
def test_shapes_not_found_in_the_documents(text, expected):
    (found,) = run_lines(money.COMPONENT, [text])
    got = _as_tuples(found)
    assert [g[0] for g in got] == [e[0] for e in expected]
    for (t, low, high, cur), (_, glow, ghigh, gcur) in zip(expected, got, strict=True):
        assert (glow, ghigh, gcur) == (pytest.approx(low), pytest.approx(high), cur), t


def test_provenance_on_every_corpus_line():
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        lines = path.read_text(encoding="utf-8").split("\n")
        for raw, found in zip(lines, run_lines(money.COMPONENT, lines), strict=True):
            for m in found:
                assert raw[m.start : m.end] == m.text
                assert m.text == m.text.strip()
                assert m.values["low"] <= m.values["high"]


# --- the rule files are validated: a malformed entry names its file and entry ---


@pytest.mark.parametrize(
    ("file", "change", "names"),
    [
        (
            "money.yaml",
            lambda d: d["patterns"][0].update(pattern="(?P<low>\\d+"),
            ["money.yaml", "entry patterns[0] (range)", "field `pattern`: pattern does not compile"],
        ),
        (
            "money.yaml",
            lambda d: d["patterns"][3].update(pattern="(?P<amount>\\d+)"),
            ["entry patterns[3] (sign)", "field `pattern`: unknown group(s) amount"],
        ),
        (
            "money.yaml",
            lambda d: d["multipliers"][1].pop("value"),
            ["money.yaml", "entry multipliers[1]", "field `value`: Field required"],
        ),
        (
            "money.yaml",
            lambda d: d["currencies"][0].update(signs="£"),
            ["money.yaml", "entry currencies[0]", "field `signs`"],
        ),
        ("money.yaml", lambda d: d.pop("footnotes"), ["money.yaml", "footnotes"]),
        ("money.yaml", lambda d: d["patterns"][0].update(pattern="{{nosuch}}"), ["money.yaml", "nosuch"]),
        (
            "amounts.yaml",
            lambda d: d["qualifiers"][1].pop("before"),
            ["amounts.yaml", "entry qualifiers[1]", "the entry: a qualifier needs `before` or `after`"],
        ),
        (
            "amounts.yaml",
            lambda d: d["fractions"][0].update(value="a quarter"),
            ["amounts.yaml", "entry fractions[0]", "field `value`"],
        ),
        (
            "amounts.yaml",
            lambda d: d["fin_year"].update(year="(20\\d\\d"),
            ["amounts.yaml", "entry fin_year", "field `year`: pattern does not compile"],
        ),
    ],
)
def test_malformed_rules_name_file_and_entry(rules_copy, file, change, names):
    edit_yaml(rules_copy / file, change)
    with pytest.raises(RuleError) as err:
        money.load_rules(rules_copy)
    for name in names:
        assert name in str(err.value)


def test_rule_file_that_is_not_yaml(rules_copy):
    (rules_copy / "money.yaml").write_text("patterns: [unclosed\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"money\.yaml.*not valid YAML"):
        money.load_rules(rules_copy)


def test_shipped_rules_load():
    rules = money.load_rules(ROOT / "rules")
    assert "£" in rules.triggers and rules.file.patterns


def _beside(rules: Path, text: str) -> list[tuple[str, str | None, str | None, str | None]]:
    doc = Document("test.txt", "0" * 64, "text", lines=[Line(1, text)])
    found = components.run(money.COMPONENT, doc, rules)
    return [(m.text, m.values["qualifier"], m.values["rate"], m.values["fin_year"]) for m in found.mentions]


def test_how_far_words_beside_an_amount_are_read_is_a_rule(rules_copy):
    """The character windows of the qualifier, rate and year matchers are amounts.yaml `windows`."""
    text = "a deficit of about £5m a year in 2017/18"
    assert _beside(rules_copy, text) == [("£5m", "about", "per year", "2017/18")]
    narrow = {"qualifier_before": 3, "rate_after": 2, "year_after": 3}
    edit_yaml(rules_copy / "amounts.yaml", lambda d: d["windows"].update(narrow))
    money.load_rules.cache_clear()
    load_shared.cache_clear()
    assert _beside(rules_copy, text) == [("£5m", None, None, None)]


def test_a_window_must_be_a_whole_number_of_characters(rules_copy):
    edit_yaml(rules_copy / "amounts.yaml", lambda d: d["windows"].update(rate_after=-1))
    with pytest.raises(
        RuleError, match=r"amounts\.yaml, entry windows: field `rate_after`: .*greater than or equal to 0"
    ):
        money.load_rules(rules_copy)
