"""Load: documents, lines, mentions and problems into SQLite with sqlite-utils.

This is an edge of the pipeline: it writes the database. The schema is SQL in
``db/schema/``; this module only fills it, and finishes it with the `mentions`
view and full-text search over lines.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import sqlite_utils

from pipeline import components
from pipeline.components import MENTION_COLUMNS
from pipeline.model import Document, Extraction, Problem, mention_id
from pipeline.package_data import data_path

SCHEMA_DIR = data_path("db", "schema")
DOC_FIELDS = ("title", "publisher", "author", "date", "kind", "source", "licence")


def create_schema(db: sqlite_utils.Database, schema_dir: Path = SCHEMA_DIR) -> None:
    """The schema files, then those of registered components kept outside db/schema/."""
    for sql in [*sorted(schema_dir.glob("*.sql")), *components.schema_files()]:
        db.executescript(sql.read_text(encoding="utf-8"))


def doc_status(doc: Document) -> str:
    severities = {p.severity for p in doc.problems}
    if "error" in severities:
        return "failed"
    return "built_with_warnings" if severities else "built"


def insert_document(
    db: sqlite_utils.Database, doc_id: int, doc: Document, extraction: Extraction | None, build_id: int
) -> None:
    """One document's rows: the document, its lines, its mentions, extra records and problems."""
    row: dict[str, Any] = {
        "id": doc_id,
        "file": doc.path,
        "sha256": doc.sha256 or None,
        "media_type": doc.media_type,
        "inferred": int(bool(doc.meta.get("inferred"))),
        "page_count": doc.page_count,
        "line_count": len(doc.lines),
        "status": doc_status(doc),
    }
    row.update({k: _text(doc.meta.get(k)) for k in DOC_FIELDS})
    db.table("documents").insert(row)
    insert_problems(db, doc.problems, build_id)
    if not doc.lines:
        return
    first_line_id = _next_id(db, "lines")
    # plain executemany: lines are most of the rows, and sqlite-utils' per-value checks cost more
    # than the insert itself
    db.conn.executemany(
        "INSERT INTO lines (id, document_id, page, line, text, role, x0, top, x1, bottom, source, confidence) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (
                first_line_id + i,
                doc_id,
                line.page,
                line.number,
                line.text,
                line.role,
                *_bbox(line.bbox).values(),
                line.source,
                line.confidence,
            )
            for i, line in enumerate(doc.lines)
        ),
    )
    if extraction is None:
        return
    by_table: dict[str, list[dict[str, Any]]] = {}
    kind_tables, corpus_tables = components.kind_tables(), components.corpus_tables()
    for m in extraction.mentions:
        line = doc.lines[m.line_index]
        by_table.setdefault(kind_tables[m.kind], []).append(
            {
                "id": mention_id(doc.sha256, line, m),
                "document_id": doc_id,
                "line_id": first_line_id + m.line_index,
                "page": line.page,
                "line": line.number,
                "char_start": m.start,
                "char_end": m.end,
                "text": m.text,
                **_bbox(line.span_bbox(m.start, m.end)),
                **m.values.row(),
            }
        )
    for table, rows in by_table.items():
        db.table(table).insert_all(rows, batch_size=2000)
    for table, rows in extraction.records.items():
        if table in corpus_tables:
            merge_corpus_rows(db, table, rows, corpus_tables[table])
        else:
            db.table(table).insert_all(({"document_id": doc_id, **r} for r in rows), batch_size=2000)


def merge_corpus_rows(
    db: sqlite_utils.Database, table: str, rows: Iterable[dict[str, Any]], list_columns: tuple[str, ...]
) -> None:
    """Rows of a corpus-wide table: a new id is inserted; a known id keeps its row (the first
    document's) and gains the items of its JSON-list columns that it lacked."""
    for row in rows:
        found = db.execute(f"SELECT {', '.join(['id', *list_columns])} FROM [{table}] WHERE id = ?", [row["id"]])
        old = found.fetchone()
        if old is None:
            db.table(table).insert(
                {k: json.dumps(v, ensure_ascii=False) if k in list_columns else v for k, v in row.items()}
            )
            continue
        update = {}
        for col, old_value in zip(list_columns, old[1:], strict=True):
            merged = sorted(set(json.loads(old_value or "[]")) | set(row.get(col) or []))
            update[col] = json.dumps(merged, ensure_ascii=False)
        db.table(table).update(row["id"], update)


def insert_problems(db: sqlite_utils.Database, problems: Iterable[Problem], build_id: int) -> None:
    db.table("problems").insert_all(
        {
            "build_id": build_id,
            "file": p.file,
            "page": p.page,
            "line": p.line,
            "severity": p.severity,
            "reason": p.reason,
            "message": p.message,
        }
        for p in problems
    )


def finish(db: sqlite_utils.Database) -> None:
    """The `mentions` view over every mentions_<kind> view, and full-text search over lines."""
    views = sorted(v for v in db.view_names() if v.startswith("mentions_"))
    cols = ", ".join(MENTION_COLUMNS)
    union = "\nUNION ALL\n".join(f"SELECT {cols} FROM {v}" for v in views)
    db.execute("DROP VIEW IF EXISTS mentions")
    if union:
        db.execute(f"CREATE VIEW mentions AS {union}")
    db.table("lines").enable_fts(["text"], tokenize="porter", replace=True)
    db.execute("ANALYZE")


def _next_id(db: sqlite_utils.Database, table: str) -> int:
    return int(db.execute(f"SELECT coalesce(max(id), 0) + 1 FROM [{table}]").fetchone()[0])


def _bbox(box: tuple[float, float, float, float] | None) -> dict[str, float | None]:
    if box is None:
        return {"x0": None, "top": None, "x1": None, "bottom": None}
    return {"x0": round(box[0], 2), "top": round(box[1], 2), "x1": round(box[2], 2), "bottom": round(box[3], 2)}


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
