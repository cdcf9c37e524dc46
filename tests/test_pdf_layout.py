"""PDF reading order and provenance on real documents: the NHS spending tables and report in
corpus/, and real multi-column, rotated and table PDFs in tests/data/hardpdfs."""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path

import pytest
import regex
import yaml
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.ingest import ingest
from pipeline.ingest.hyphen_breaks import hyphen_joins, joined_text, split_span
from pipeline.ingest.pdf_rules import load_layout
from pipeline.manifest import infer_entry
from pipeline.model import Document
from pipeline.rules import RULES_DIR, RuleError
from tests.conftest import CORPUS, ROOT

HARD = ROOT / "tests" / "data" / "hardpdfs"
HOMERTON = "homerton-university-hospital-nhsft-expenditure-over-threshold-2020-04.pdf"
NCL = "nhs-north-central-london-ccg-payments-over-30k-2021-03.pdf"
BD = "nhs-barking-dagenham-ccg-invoices-over-25k-2014-15.pdf"
HEE = "data-driven-healthcare-2030-summary-2021-03.pdf"
FR = "multicolumn-3col-federal-register-2020-17221.pdf"
AMOUNT = regex.compile(r"(?<![\d,.])\d{1,3}(?:,\d{3})*\.\d{2}")
GLUED = regex.compile(r"\d,\d{3}\.\d{2}\d")


@cache
def read(folder: Path, name: str) -> Document:
    return ingest(folder, infer_entry(name))


def texts(doc: Document, page: int) -> list[str]:
    return [line.text for line in doc.lines if line.page == page]


@pytest.mark.parametrize(("folder", "name"), [(CORPUS, HOMERTON), (CORPUS, NCL), (CORPUS, HEE), (HARD, FR)])
def test_lines_are_numbered_within_each_page_with_a_box_per_character(folder, name):
    doc = read(folder, name)
    assert doc.page_count and not doc.problems
    for page in range(1, doc.page_count + 1):
        numbers = [line.number for line in doc.lines if line.page == page]
        assert numbers == list(range(1, len(numbers) + 1))
    for line in doc.lines:
        assert line.char_boxes is not None and len(line.char_boxes) == len(line.text)
        x0, top, x1, bottom = line.bbox
        assert x0 < x1 and top < bottom


def test_an_amount_is_not_glued_to_the_vat_number_in_the_next_column():
    doc = read(CORPUS, HOMERTON)
    line = next(line for line in doc.lines if "\t42,227.76" in line.text)
    assert "\t42,227.76\t577704800\t" in line.text
    start = line.text.index("42,227.76")
    x0, top, x1, bottom = line.span_bbox(start, start + len("42,227.76"))
    vat = line.span_bbox(start + 10, start + 19)
    assert x1 < vat[0]  # the amount's box ends before the VAT number's begins
    assert line.bbox[0] <= x0 and x1 <= line.bbox[2] and line.bbox[1] <= top and bottom <= line.bbox[3]


def test_no_amount_in_the_ncl_spending_table_runs_into_the_next_column():
    doc = read(CORPUS, NCL)
    all_text = "\n".join(line.text for line in doc.lines)
    assert len(AMOUNT.findall(all_text)) > 150
    assert not GLUED.findall(all_text)  # pdfplumber's extract_text glues 176 of them


def test_table_rows_keep_payee_and_amount_on_one_line():
    doc = read(CORPUS, NCL)
    rows = [line.text.split("\t") for line in doc.lines if line.text.startswith("3/31/2021\t")]
    assert len(rows) > 100
    for cells in rows:  # date, expense type, area, supplier, transaction number, amount, ...
        transaction = next(i for i, c in enumerate(cells) if regex.fullmatch(r"\d{8}", c))
        assert AMOUNT.fullmatch(cells[transaction + 1]), cells
        assert regex.search(r"[A-Z]{3}", cells[3]), cells  # the supplier


def test_rotated_pages_are_read_upright():
    doc = read(CORPUS, BD)  # pages 1-8 carry /Rotate 90
    first = texts(doc, 1)
    assert first[0] == "07L NHS Barking and Dagenham CCG Invoices over £25k April 2014"
    assert any(t.endswith("\t33,021.00\t8398120") for t in first)
    senate = read(HARD, "table-rotated90-senate-expenditures.pdf")
    assert "BAIN, J MATTHEW\tDISTRICT DIRECTOR\t37,499.96" in texts(senate, 1)
    gazette = read(HARD, "rotated270-german-gazette-issue-1054.pdf")
    assert "Bundesministerium des Innern" in texts(gazette, 1)


def test_text_running_down_the_page_is_read_along_its_lines():
    doc = read(HARD, "rotated90-nics-background-checks.pdf")  # glyphs rotated on an upright page
    lines = texts(doc, 1)
    assert lines[0] == "NICS Firearm Background Checks"
    alabama = next(t for t in lines if t.startswith("Alabama"))
    assert alabama.split("\t")[:3] == ["Alabama", "18,870", "23,022"]


def test_three_columns_are_read_column_by_column():
    doc = read(HARD, FR)
    lines = texts(doc, 2)
    i = lines.index("Hatta International Airport in Jakarta,")
    assert lines[i + 1] == "Indonesia, resulting in 189 fatalities."
    j = lines.index("that a single erroneously high angle of")
    assert lines[j + 1] == "attack (AOA) sensor 4 input to the flight"  # superscript 4 kept in its line
    assert not any("Jakarta" in t and "altitude" in t for t in lines)


def test_two_column_list_is_read_column_by_column():
    lines = texts(read(CORPUS, HEE), 4)
    i = lines.index("Robert Birkett – Director of Digital")
    assert lines[i + 1] == "Services"
    assert lines.index("Imperial College Healthcare NHS") > lines.index("Training and Validation Manager")


def test_running_headers_and_page_numbers_are_flagged_and_kept():
    fr = read(HARD, FR)
    roles = {(line.page, line.text.split("\t")[0]): line.role for line in fr.lines if line.number == 1}
    assert roles[(1, "47698")] == "page_number"
    assert all(roles[(p, "Federal Register")] == "header" for p in range(2, 16, 2))
    hee = read(CORPUS, HEE)
    header = "HEE Digital Readiness Programme Summary and Recommendations"
    assert {line.role for line in hee.lines if line.text == header} == {"header"}
    assert sum(1 for line in hee.lines if line.text == header) >= 12
    # the last text-layer line (OCR lines of the charts on pages 7 and 9 follow the text layer's)
    last = [next(x for x in reversed(hee.lines) if x.page == p and x.source == "text") for p in range(2, 15)]
    assert all(line.role == "page_number" and line.text == str(line.page) for line in last)
    assert all(line.role == "body" for line in hee.lines if "Data Driven Future" in line.text)


def test_hyphenated_words_are_joined_for_matching_with_a_span_on_each_line():
    doc = read(HARD, "twocolumn-cid-ieee-paper-issue-1061.pdf")
    joins = hyphen_joins(doc)
    assert len(joins) > 20
    for j in joins:
        first, second = doc.lines[j.first], doc.lines[j.second]
        assert first.text.rstrip().endswith("-") and second.role == "body"
        text, cut = joined_text(doc, j)
        start = j.part_start
        assert text[start : cut + j.rest_end] == j.word
        spans = split_span(doc, j, start, cut + j.rest_end)
        assert [s[0] for s in spans] == [j.first, j.second]
        (_, a0, a1), (_, b0, b1) = spans
        assert first.text[a0:a1].endswith("-") and second.text[b0:b1] == j.word.split("-")[-1][-(b1 - b0) :]
    words = {j.word for j in joins}
    assert "differentially" in words and "data-dependent" in words
    assert {j.word for j in hyphen_joins(read(HARD, FR))} >= {"FAA-approved", "non-normal"}


def test_title_and_date_come_from_pdf_metadata_without_a_manifest_entry():
    doc = read(HARD, "rotated270-german-gazette-issue-1054.pdf")
    assert doc.meta["title"] == "Gemeinsames Ministerialblatt Nr. 52 vom 29. Oktober 2008"
    assert doc.meta["date"] == "2023-12-07"
    ieee = read(HARD, "twocolumn-cid-ieee-paper-issue-1061.pdf")  # its PDF title is a file name
    assert ieee.meta["title"] == "twocolumn cid ieee paper issue 1061"
    assert ieee.meta["date"] == "2017-06-27"


def _broken_layout(tmp_path: Path, section: str, key: str, value: object) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    data = yaml.safe_load((rules / "pdf_layout.yaml").read_text(encoding="utf-8"))
    if value is None:
        del data[section][key]
    else:
        data[section][key] = value
    (rules / "pdf_layout.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return rules


@pytest.mark.parametrize(
    ("section", "key", "value", "says"),
    [
        ("cells", "gap_em", None, "cells.gap_em: missing key"),
        ("columns", "max_columns", "three", "columns.max_columns: expected a whole number"),
        ("running", "band_share", 0.9, "running.band_share: 0.9 is outside"),
        ("hyphen", "end_pattern", "(unclosed", "hyphen.end_pattern: pattern does not compile"),
    ],
)
def test_a_bad_layout_parameter_names_file_and_key(tmp_path, section, key, value, says):
    rules = _broken_layout(tmp_path, section, key, value)
    with pytest.raises(RuleError) as err:
        load_layout(rules)
    assert "pdf_layout.yaml" in str(err.value) and says in str(err.value)


def test_a_bad_layout_file_stops_the_build_with_exit_code_2(tmp_path):
    rules = _broken_layout(tmp_path, "cells", "gap_em", None)
    db = tmp_path / "x.db"
    result = CliRunner().invoke(cli, ["build", "--corpus", str(CORPUS), "--db", str(db), "--rules", str(rules)])
    assert result.exit_code == 2
    assert "pdf_layout.yaml" in result.output and "cells.gap_em" in result.output
    assert not db.exists()
