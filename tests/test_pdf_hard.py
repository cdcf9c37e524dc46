"""Hard PDFs (tests/data/hardpdfs, real files from pdfplumber's and pdfminer's test corpora):
each gets a clear, specific outcome, recorded per page, and never stops the other documents."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlite_utils
import yaml
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.ingest import ingest
from pipeline.manifest import Entry, infer_entry
from pipeline.model import Document
from pipeline.rules import RULES_DIR
from tests.conftest import CORPUS, ROOT, ingested, shared_cache

HARD = ROOT / "tests" / "data" / "hardpdfs"


def read(name: str, folder: Path = HARD, rules: Path | None = None, **meta: object) -> Document:
    if not meta and not rules:
        return ingested(folder, name)  # through the session cache: test_pdf_layout and the build below read these
    entry = infer_entry(name)
    if meta:
        entry = Entry(name, {**entry.meta, **meta})
    return ingest(folder, entry, rules=rules) if rules else ingest(folder, entry)


def read_first(corpus: Path) -> None:
    """Each PDF of `corpus` read through the session cache (`ingested`) before a build of it with `--cache`:
    under the lock every test's `ingested` takes, so a PDF another worker is reading (test_pdf_layout's
    Federal Register paper, test_ocr's scans) is waited for, not read (and OCR'd) a second time, and no
    reading is given up at the build's time limit per document on a loaded machine. The build then
    finds each reading in the cache under its own key, as it does any document another test has read."""
    if shared_cache() is not None:
        for pdf in sorted(corpus.glob("*.pdf")):
            ingested(corpus, pdf.name)


def reasons(doc: Document) -> list[tuple[str, str, int | None]]:
    return [(p.reason, p.severity, p.page) for p in doc.problems]


def rules_with(tmp_path: Path, section: str, key: str, value: object) -> Path:
    """A copy of the project's rules with one layout parameter changed."""
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    data = yaml.safe_load((rules / "pdf_layout.yaml").read_text(encoding="utf-8"))
    data[section][key] = value
    (rules / "pdf_layout.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return rules


def test_password_protected_pdf_is_a_clear_error_naming_the_fix():
    doc = read("encrypted-password-test.pdf")
    assert reasons(doc) == [("password", "error", None)]
    assert "encrypted-password-test.pdf" in doc.problems[0].message
    assert "password:" in doc.problems[0].message
    assert not doc.lines


@pytest.mark.parametrize(
    ("name", "password", "pages", "text"),
    [
        ("encrypted-password-test.pdf", "test", 4, None),
        ("encrypted-aes256-r6-usersecret.pdf", "usersecret", 1, "Hello World"),
    ],
)
def test_password_from_the_manifest_opens_the_pdf(name, password, pages, text):
    doc = read(name, password=password)
    assert not [p for p in doc.problems if p.severity == "error"]
    assert doc.page_count == pages
    assert doc.lines
    if text:
        assert any(text in line.text for line in doc.lines)


def test_wrong_password_says_the_manifest_password_is_wrong():
    doc = read("encrypted-password-test.pdf", password="not-it")
    assert reasons(doc) == [("password_incorrect", "error", None)]


def test_scanned_page_without_text_layer_needs_ocr_with_its_page(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    doc = read("scanned-jbig2-rotated270.pdf", rules=without_ocr(rules))
    assert reasons(doc) == [("needs_ocr", "warning", 1), ("no_text", "error", None)]
    assert "OCR" in doc.problems[0].message and "page 1" in doc.problems[0].message
    assert "pages needing OCR: 1" in doc.problems[1].message


def test_a_text_file_named_pdf_is_not_a_pdf(tmp_path):
    shutil.copy(CORPUS / "002_62097de39271b703.txt", tmp_path / "report.pdf")
    doc = read("report.pdf", folder=tmp_path)
    assert reasons(doc) == [("not_pdf", "error", None)]
    assert "report.pdf" in doc.problems[0].message and "%PDF" in doc.problems[0].message


def test_zero_byte_pdf_is_empty():
    doc = read("empty-zero-bytes.pdf")
    assert reasons(doc) == [("empty", "error", None)]


def test_pdf_with_no_pages_says_so():
    doc = read("degenerate-zero-pages-issue-297.pdf")
    assert reasons(doc) == [("no_pages", "error", None)]
    assert doc.page_count == 0


def test_corrupted_stream_gives_partial_text_and_a_warning_for_its_page():
    # pdfminer's warning (test_pdfium_agreement: the pdfium reader gives it through pdfminer's decoder)
    doc = ingested(HARD, "corrupted-flate-stream-rotated90-zen.pdf", pdf_reader="pdfplumber")
    assert reasons(doc) == [("damaged_page", "warning", 1)]
    assert "Data-loss" in doc.problems[0].message
    texts = [line.text for line in doc.lines]
    assert "Beautiful is better than ugly." in texts


def test_self_referencing_xobjects_are_read_once_with_a_warning():
    doc = ingested(HARD, "recursive-xobjects-issue-1113.pdf", pdf_reader="pdfplumber")  # pdfminer's warning
    assert reasons(doc) == [("damaged_page", "warning", 1)]
    assert [line.text for line in doc.lines] == ["Hello world", "Hello world"]


def test_characters_outside_the_page_box_are_reported():
    doc = read("malformed-chars-outside-page-issue-932.pdf")
    assert reasons(doc) == [("outside_page", "warning", 1)]
    assert "7 characters" in doc.problems[0].message


def test_cid_glyphs_are_reported_per_page_not_extracted_as_nonsense():
    doc = read("twocolumn-cid-ieee-paper-issue-1061.pdf")
    assert not any("(cid:" in line.text for line in doc.lines)
    warned = {p.page for p in doc.problems if p.reason == "unreadable_text"}
    with_mark = {line.page for line in doc.lines if "\ufffd" in line.text}
    assert warned == with_mark
    assert 1 not in warned and 12 not in warned  # pages 1 and 12 decode fully
    assert len(warned) >= 8


def without_ocr(rules: Path) -> Path:
    """`rules` with OCR turned off (rules/ocr.yaml enabled: false)."""
    data = yaml.safe_load((rules / "ocr.yaml").read_text(encoding="utf-8"))
    data["enabled"] = False
    (rules / "ocr.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return rules


def test_a_page_mostly_unreadable_is_left_out_when_ocr_is_off(tmp_path):
    rules = without_ocr(rules_with(tmp_path, "unreadable", "max_share", 0.001))
    doc = read("twocolumn-cid-ieee-paper-issue-1061.pdf", rules=rules)
    dropped = {p.page for p in doc.problems if p.reason == "unreadable_text"}
    assert dropped and all("left out" in p.message for p in doc.problems if p.reason == "unreadable_text")
    assert not any(line.page in dropped for line in doc.lines)
    assert any(line.page == 1 for line in doc.lines)


def test_doubled_characters_are_detected_and_dropped():
    doc = read("duplicated-chars-inline-ascii85-issue-1008.pdf")
    assert ("doubled_chars", "warning", 1) in reasons(doc)
    texts = [line.text for line in doc.lines]
    assert "Municipalité de Morin-Heights" in texts
    assert not any("MMuu" in t or "SSAA" in t for t in texts)


def test_bad_pdfs_never_stop_the_others_and_each_problem_is_a_row(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in (
        "encrypted-password-test.pdf",
        "empty-zero-bytes.pdf",
        "degenerate-zero-pages-issue-297.pdf",
        "corrupted-flate-stream-rotated90-zen.pdf",
        "twocolumn-cid-ieee-paper-issue-1061.pdf",
    ):
        shutil.copy(HARD / name, corpus / name)
    shutil.copy(CORPUS / "004_bd442f22357b032f.txt", corpus / "news.txt")
    db_path = tmp_path / "out.db"
    read_first(corpus)
    cache = ["--cache", session_cache] if (session_cache := shared_cache()) else []  # the PDFs are read once
    result = CliRunner().invoke(cli, ["build", "--corpus", str(corpus), "--db", str(db_path), "--jobs", "2", *cache])
    assert result.exit_code == 1, result.output
    db = sqlite_utils.Database(db_path)
    status = {r["file"]: r["status"] for r in db["documents"].rows}
    assert status == {
        "corrupted-flate-stream-rotated90-zen.pdf": "built_with_warnings",
        "degenerate-zero-pages-issue-297.pdf": "failed",
        "empty-zero-bytes.pdf": "failed",
        "encrypted-password-test.pdf": "failed",
        "news.txt": "built",
        "twocolumn-cid-ieee-paper-issue-1061.pdf": "built_with_warnings",
    }
    rows = {(r["file"], r["page"], r["reason"]) for r in db["problems"].rows}
    assert ("encrypted-password-test.pdf", None, "password") in rows
    assert ("corrupted-flate-stream-rotated90-zen.pdf", 1, "damaged_page") in rows
    assert ("twocolumn-cid-ieee-paper-issue-1061.pdf", 2, "unreadable_text") in rows
    for name in ("encrypted-password-test.pdf", "empty-zero-bytes.pdf", "degenerate-zero-pages-issue-297.pdf"):
        assert name in result.output
    assert (
        db.execute(
            "SELECT count(*) FROM lines l JOIN documents d ON d.id = l.document_id WHERE d.file = 'news.txt'"
        ).fetchone()[0]
        == 259
    )


def test_a_page_the_layout_cannot_read_is_left_out_and_the_others_kept(monkeypatch):
    import pipeline.ingest.pdf as pdf

    real = pdf.read_page
    calls = []

    def failing_on_page_2(glyphs, width, height, layout):
        calls.append(1)
        if len(calls) == 2:
            raise ValueError("unexpected layout")
        return real(glyphs, width, height, layout)

    monkeypatch.setattr(pdf, "read_page", failing_on_page_2)
    doc = read("encrypted-password-test.pdf", password="test")
    assert reasons(doc) == [("page_error", "warning", 2)]
    assert "ValueError: unexpected layout" in doc.problems[0].message
    assert {line.page for line in doc.lines} == {1, 3, 4}


@pytest.mark.slow
def test_every_hard_pdf_of_shared_builds_together_each_with_an_outcome(shared, tmp_path):
    """All of ../shared/hardpdfs in one folder: one build, none stops the others, and each file
    either gives lines or says why not (a problem with its reason), never a silent nothing."""
    corpus = tmp_path / "hard"
    corpus.mkdir()
    for pdf in sorted((shared / "hardpdfs").glob("*.pdf")):
        shutil.copy(pdf, corpus / pdf.name)
    db_path = tmp_path / "hard.db"
    # the session's stage cache: test_pdf_layout, test_ocr and the tests above read some of these PDFs too
    read_first(corpus)
    cache = ["--cache", session_cache] if (session_cache := shared_cache()) else []
    result = CliRunner().invoke(
        cli, ["build", "--corpus", str(corpus), "--db", str(db_path), "--jobs", "1", "-q", *cache]
    )
    assert result.exit_code == 1, result.output  # some files cannot be read: built anyway, exit 1
    db = sqlite_utils.Database(db_path)
    docs = {r["file"]: r for r in db["documents"].rows}
    assert set(docs) == {p.name for p in corpus.glob("*.pdf")}
    problems: dict[str, set[str]] = {}
    for r in db["problems"].rows:
        problems.setdefault(r["file"], set()).add(r["reason"])
    for name, doc in docs.items():
        assert doc["line_count"] or problems.get(name), f"{name}: no lines and no problem recorded"
        if doc["status"] == "failed":
            assert problems.get(name), name
    assert docs["identity-cmap-polish-invoice-issue-625.pdf"]["status"] == "built"
    assert docs["missing-spaces-journal-article-issue-316.pdf"]["line_count"] > 500
    assert docs["table-percentages-home-loan-rates-pr-138.pdf"]["status"] == "built"
    percents = db.execute(
        "SELECT count(*) FROM percentages p JOIN documents d ON d.id = p.document_id WHERE d.file = ?",
        ["table-percentages-home-loan-rates-pr-138.pdf"],
    ).fetchone()[0]
    assert percents > 20
    assert "ocr" in problems.get("scanned-image-only-issue-203.pdf", set())
    ocr_pages = db.execute(
        "SELECT d.file, count(DISTINCT l.page) FROM lines l JOIN documents d ON d.id = l.document_id "
        "WHERE l.source = 'ocr' AND l.x0 IS NOT NULL GROUP BY d.file"
    ).fetchall()
    assert {"scanned-image-only-issue-203.pdf": 3, "scanned-jbig2-rotated270.pdf": 1}.items() <= dict(ocr_pages).items()
