"""Provenance is exact: every extracted row's line, sliced at its offsets, is its text."""

from __future__ import annotations

import pytest
import sqlite_utils


def mention_tables(db: sqlite_utils.Database) -> list[str]:
    return [t.name for t in db.tables if {"line_id", "char_start", "char_end", "text"} <= set(t.columns_dict)]


def test_every_row_of_a_full_build_slices_back_to_its_text(built_db):
    db = sqlite_utils.Database(built_db)
    tables = mention_tables(db)
    assert "money" in tables or "percentages" in tables
    checked = 0
    for table in tables:
        for row in db.query(
            f"SELECT m.id, m.char_start, m.char_end, m.text, m.line, l.line AS l_line, l.text AS line_text "
            f"FROM [{table}] m JOIN lines l ON l.id = m.line_id"
        ):
            assert row["line_text"][row["char_start"] : row["char_end"]] == row["text"], (table, row)
            assert row["line"] == row["l_line"], (table, row)
            checked += 1
    assert checked > 50


def test_mentions_view_lines_are_the_file_lines_as_published(built_db, corpus_lines):
    db = sqlite_utils.Database(built_db)
    rows = list(db.query("SELECT doc, line, line_text, char_start, char_end, text FROM mentions WHERE page IS NULL"))
    assert rows
    for r in rows:
        assert corpus_lines[r["doc"]][r["line"] - 1] == r["line_text"]
        assert r["line_text"][r["char_start"] : r["char_end"]] == r["text"]


@pytest.mark.slow
def test_same_inputs_give_the_same_rows(built_db, tmp_path):
    from pipeline.build import build
    from tests.conftest import CORPUS

    again = tmp_path / "again.db"
    build(CORPUS, again)
    a, b = sqlite_utils.Database(built_db), sqlite_utils.Database(again)
    for table in [*mention_tables(a), "lines", "documents"]:
        assert list(a[table].rows) == list(b[table].rows), table
