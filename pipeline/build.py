"""Build the database from a corpus folder.

Each document goes through ``process`` (ingest, then every extractor), a
function of one document that can run in any worker. The results stream into a
temporary database that replaces the previous one only when it is complete, so
an interrupted or failed build leaves the old database as it was.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from pipeline import load
from pipeline.extract import Context, extract_all
from pipeline.ingest import ingest
from pipeline.manifest import Entry, load_manifest
from pipeline.model import Document, Extraction, Problem
from pipeline.rules import rules_version

PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass
class DocResult:
    entry: Entry
    doc: Document
    extraction: Extraction | None
    seconds: float = 0.0


@dataclass
class BuildReport:
    db_path: Path
    documents: int = 0
    failed: list[str] = field(default_factory=list)
    inferred: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    mentions: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed


def code_version() -> str:
    """A hash of the pipeline's own source: changed code changes the version."""
    h = hashlib.sha256()
    for p in sorted(PACKAGE_DIR.rglob("*.py")):
        h.update(p.relative_to(PACKAGE_DIR).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def process(corpus: Path, entry: Entry, ctx: Context) -> DocResult:
    """Ingest and extract one document. Problems are recorded, never raised."""
    t0 = time.perf_counter()
    doc = ingest(corpus, entry, **ctx.options.get("ingest", {}))
    extraction = None
    if doc.lines and not any(p.severity == "error" for p in doc.problems):
        extraction = extract_all(doc, ctx)
    return DocResult(entry, doc, extraction, time.perf_counter() - t0)


Progress = Callable[[DocResult], None]


def results(corpus: Path, entries: list[Entry], ctx: Context) -> Iterator[DocResult]:
    for entry in entries:
        yield process(corpus, entry, ctx)


def build(
    corpus: Path,
    db_path: Path,
    ctx: Context | None = None,
    progress: Progress | None = None,
) -> BuildReport:
    """Build `db_path` from `corpus`. Raises ManifestError / RuleError before touching the database."""
    ctx = ctx or Context()
    t0 = time.perf_counter()
    entries = load_manifest(corpus)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = db_path.with_name(f".{db_path.name}.building-{os.getpid()}")
    report = BuildReport(db_path)
    try:
        tmp.unlink(missing_ok=True)
        db = sqlite_utils.Database(tmp)
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        load.create_schema(db)
        build_id = (
            db["builds"]
            .insert(
                {
                    "started": _now(),
                    "code_version": code_version(),
                    "rules_version": rules_version(str(ctx.rules)),
                    "corpus": str(corpus),
                }
            )
            .last_pk
        )
        with db.conn:
            for doc_id, result in enumerate(results(corpus, entries, ctx), 1):
                load.insert_document(db, doc_id, result.doc, result.extraction, int(build_id))
                _tally(report, result)
                if progress:
                    progress(result)
        load.finish(db)
        db["builds"].update(build_id, {"finished": _now(), "documents": report.documents, "failed": len(report.failed)})
        db.close()
        os.replace(tmp, db_path)
    finally:
        tmp.unlink(missing_ok=True)
    report.seconds = time.perf_counter() - t0
    return report


def _tally(report: BuildReport, result: DocResult) -> None:
    report.documents += 1
    report.problems.extend(result.doc.problems)
    if load.doc_status(result.doc) == "failed":
        report.failed.append(result.doc.path)
    if result.entry.inferred:
        report.inferred.append(result.doc.path)
    for m in result.extraction.mentions if result.extraction else ():
        report.mentions[m.kind] = report.mentions.get(m.kind, 0) + 1


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
