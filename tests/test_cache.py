"""Incremental and parallel builds: each stage comes from the per-document cache unless what it
depends on changed, and parallel or cached builds give exactly the rows of a fresh one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlite_utils

from pipeline.build import BuildReport, build
from pipeline.extract import Context
from pipeline.rules import RULES_DIR
from tests.conftest import CORPUS, ROOT

HARD = ROOT / "tests" / "data" / "hardpdfs"
FILES = {
    "news.txt": CORPUS / "004_bd442f22357b032f.txt",
    "evidence.txt": CORPUS / "003_4bd6cd02c4d551ad.txt",
    "senate.pdf": HARD / "table-rotated90-senate-expenditures.pdf",
    "gazette.pdf": HARD / "rotated270-german-gazette-issue-1054.pdf",
}
TABLES = ("documents", "lines", "percentages", "problems")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, src in FILES.items():
        shutil.copy(src, folder / name)
    return folder


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    copy = tmp_path / "rules"
    shutil.copytree(RULES_DIR, copy)
    return copy


def run(corpus: Path, db: Path, rules: Path, cache: Path | None, jobs: int = 1) -> BuildReport:
    return build(corpus, db, Context(rules, {"cache": str(cache) if cache else None}), jobs=jobs)


def rows(db_path: Path) -> dict[str, list[dict]]:
    db = sqlite_utils.Database(db_path)
    out = {}
    for table in TABLES:
        out[table] = [{k: v for k, v in r.items() if k not in ("id", "build_id")} for r in db[table].rows]
    return out


def test_a_rebuild_takes_everything_from_the_cache_and_gives_the_same_rows(tmp_path, corpus, rules):
    cache = tmp_path / "cache"
    first = run(corpus, tmp_path / "a.db", rules, cache)
    assert (first.parsed, first.extracted) == (2, 4)
    again = run(corpus, tmp_path / "b.db", rules, cache)
    assert (again.parsed, again.extracted) == (0, 0)
    fresh = run(corpus, tmp_path / "c.db", rules, None)
    assert (fresh.parsed, fresh.extracted) == (2, 4)
    assert rows(tmp_path / "a.db") == rows(tmp_path / "b.db") == rows(tmp_path / "c.db")
    assert rows(tmp_path / "a.db")["percentages"]  # something was extracted


def test_editing_a_rule_file_reruns_extraction_but_not_pdf_parsing(tmp_path, corpus, rules):
    cache = tmp_path / "cache"
    run(corpus, tmp_path / "a.db", rules, cache)
    with (rules / "percent.yaml").open("a", encoding="utf-8") as fh:
        fh.write("# edited\n")
    report = run(corpus, tmp_path / "a.db", rules, cache)
    assert (report.parsed, report.extracted) == (0, 4)
    # the old extraction results were replaced, not kept beside the new ones
    assert len(list((cache / "extract").rglob("*.msgpack"))) == 4


def test_editing_the_layout_rules_parses_the_pdfs_again(tmp_path, corpus, rules):
    cache = tmp_path / "cache"
    run(corpus, tmp_path / "a.db", rules, cache)
    layout = rules / "pdf_layout.yaml"
    layout.write_text(layout.read_text(encoding="utf-8").replace("gap_em: 1.0", "gap_em: 1.2"), encoding="utf-8")
    report = run(corpus, tmp_path / "a.db", rules, cache)
    assert (report.parsed, report.extracted) == (2, 4)


def test_adding_one_document_processes_only_that_document(tmp_path, corpus, rules):
    cache = tmp_path / "cache"
    run(corpus, tmp_path / "a.db", rules, cache)
    shutil.copy(HARD / "corrupted-flate-stream-rotated90-zen.pdf", corpus / "zen.pdf")
    report = run(corpus, tmp_path / "a.db", rules, cache)
    assert (report.documents, report.parsed, report.extracted) == (5, 1, 1)
    files = [r["file"] for r in sqlite_utils.Database(tmp_path / "a.db")["documents"].rows]
    assert "zen.pdf" in files
    # its warning comes from the cache too, on the next build
    again = run(corpus, tmp_path / "a.db", rules, cache)
    assert again.parsed == 0 and [p.reason for p in again.problems] == ["damaged_page"]


def test_a_changed_manifest_entry_is_used_with_cached_lines(tmp_path, corpus, rules):
    cache = tmp_path / "cache"
    run(corpus, tmp_path / "a.db", rules, cache)
    (corpus / "manifest.yaml").write_text(
        "documents:\n  - file: gazette.pdf\n    title: Ministerialblatt 52/2008\n    kind: report\n",
        encoding="utf-8",
    )
    report = run(corpus, tmp_path / "a.db", rules, cache)
    assert report.parsed == 0
    docs = {r["file"]: r for r in sqlite_utils.Database(tmp_path / "a.db")["documents"].rows}
    assert docs["gazette.pdf"]["title"] == "Ministerialblatt 52/2008" and docs["gazette.pdf"]["inferred"] == 0
    assert docs["senate.pdf"]["inferred"] == 1


def test_parallel_build_gives_the_rows_of_a_serial_one_in_manifest_order(tmp_path, corpus, rules):
    serial = run(corpus, tmp_path / "serial.db", rules, None, jobs=1)
    parallel = run(corpus, tmp_path / "parallel.db", rules, None, jobs=2)
    assert parallel.jobs == 2 and serial.mentions == parallel.mentions
    assert rows(tmp_path / "serial.db") == rows(tmp_path / "parallel.db")
    files = [r["file"] for r in sqlite_utils.Database(tmp_path / "parallel.db")["documents"].rows]
    assert files == sorted(files)  # no manifest: files in name order
