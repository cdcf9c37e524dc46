"""--quick's builds take the PDFs' lines part 1 of the benchmark read (pipeline/bench.py `_seed_ingest_cache`):
the build must find them in its cache under its own key (else it reads every PDF again and the bench measures
twice what it means to measure once), and the database must be the one a build reading the PDF writes."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from pipeline import bench
from pipeline.build import build
from pipeline.extract import Context
from pipeline.ingest.pdf_rules import load_layout
from pipeline.manifest import load_manifest

PDF = Path(__file__).parent / "data" / "hardpdfs" / "table-rotated90-senate-expenditures.pdf"


def _rows(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows but the build's own (times, code version), as scripts/compare_builds.py compares them."""
    with sqlite3.connect(db) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        out = {}
        for name in names:
            if name != "builds" and not name.startswith(("lines_fts", "sqlite_")):
                out[name] = sorted(conn.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
    return out


@pytest.mark.slow
def test_part_1_reads_are_found_by_the_quick_build(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(PDF, corpus / PDF.name)
    rules = bench._rules_without_ocr()
    bench._time_ours(corpus / PDF.name, load_layout().reader)  # as part 1 reads it
    seeded = bench._seed_ingest_cache(tmp_path / "cache", corpus, load_manifest(corpus), rules)
    report = build(corpus, tmp_path / "seeded.db", Context(rules=rules, options={"cache": str(tmp_path / "cache")}))
    fresh = build(corpus, tmp_path / "fresh.db", Context(rules=rules, options={"cache": None}))
    assert (seeded, report.parsed, fresh.parsed) == (1, 0, 1)
    assert _rows(tmp_path / "seeded.db") == _rows(tmp_path / "fresh.db")
    assert _rows(tmp_path / "fresh.db")["lines"]  # the page has lines to compare
