"""Build the database from a corpus folder.

Each document goes through ``process`` (ingest, then every extractor), a
function of one document that can run in any worker: ``--jobs N`` runs it in N
processes, and each stage's result is cached per document (pipeline/cache.py),
so a rebuild redoes only what changed. The results stream, in manifest order,
into a temporary database that replaces the previous one only when it is
complete, so an interrupted or failed build leaves the old database as it was.
"""

from __future__ import annotations

import hashlib
import os
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from pipeline import components, discrepancies, extraction_stamp, load, uptodate
from pipeline.cache import Cache, extract_key, ingest_key, stage_versions
from pipeline.deadline import DocumentTimeout, time_limit
from pipeline.executors import Executor
from pipeline.executors.local import LocalExecutor
from pipeline.extract import Context, Options, extract_all
from pipeline.ingest import apply_entry, ingest_data, ocr_cache, read_source
from pipeline.ingest.pdf_rules import load_layout
from pipeline.limits import load_limits
from pipeline.manifest import Entry, ManifestError, find_manifest, load_manifest
from pipeline.model import Document, Extraction, Problem
from pipeline.package_data import SHIPPED
from pipeline.rules import RuleError

PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass
class DocResult:
    entry: Entry
    doc: Document
    extraction: Extraction | None
    seconds: float = 0.0
    ingest_cached: bool = False
    extract_cached: bool = False


@dataclass
class BuildReport:
    db_path: Path
    documents: int = 0
    failed: list[str] = field(default_factory=list)
    inferred: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    mentions: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    manifest: Path | None = None
    parsed: int = 0  # PDFs parsed afresh (not from the cache); text files are always read
    extracted: int = 0  # documents whose extraction ran (not from the cache)
    jobs: int = 1
    unchanged: bool = False  # nothing had changed since the database was written: it was kept
    discrepancies: int = 0  # groups of facts that disagree (pipeline/discrepancies.py)

    @property
    def ok(self) -> bool:
        return not self.failed


def code_version() -> str:
    """A hash of the pipeline's own source: changed code changes the version. (A wheel's `_data/`
    holds the review site's plugin, which the checkout keeps outside the package: not counted.)"""
    h = hashlib.sha256()
    for p in sorted(p for p in PACKAGE_DIR.rglob("*.py") if SHIPPED not in p.relative_to(PACKAGE_DIR).parts):
        h.update(p.relative_to(PACKAGE_DIR).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def process(corpus: Path, entry: Entry, ctx: Context) -> DocResult:
    """Ingest and extract one document, each stage from the cache when its inputs are unchanged.

    Problems with the input are recorded on the document, never raised; an unexpected error in
    a stage is recorded too (reason ingest_error / extract_error), and a document still running
    after the time limit (ctx.options["time_limit"], else rules/limits.yaml) is given up (reason
    timeout), so one document cannot stop the others. A RuleError or KeyboardInterrupt does stop
    the build.
    """
    t0 = time.perf_counter()
    seconds = ctx.options.get("time_limit")
    seconds = load_limits(ctx.rules).document_seconds if seconds is None else float(seconds)
    try:
        with time_limit(seconds):
            return _process(corpus, entry, ctx, t0)
    except DocumentTimeout as exc:
        doc = Document(path=entry.file, sha256="", media_type=entry.media_type, meta=dict(entry.meta))
        doc.problems.append(_timeout(entry, exc.seconds))
        return DocResult(entry, doc, None, time.perf_counter() - t0)


def _timeout(entry: Entry, seconds: float) -> Problem:
    return Problem(
        entry.file,
        "timeout",
        f"{entry.file}: given up after {seconds:g} s (the time limit per document), so nothing of it is in this "
        "build; the other documents were built. If the document is just large, raise the limit "
        "(build --time-limit SECONDS, or document_seconds in rules/limits.yaml); otherwise report it with the file.",
    )


def _process(corpus: Path, entry: Entry, ctx: Context, t0: float) -> DocResult:
    cache = Cache(ctx.options.get("cache"))
    ocr_cache.use(cache.root / "ocr" if cache.root else None)  # OCR results per page image
    versions = ctx.options.get("versions") or stage_versions(ctx.rules)
    data, doc = read_source(corpus, entry)
    if data is None:
        return DocResult(entry, doc, None, time.perf_counter() - t0)
    ikey = ingest_key(versions, doc.media_type, entry.meta.get("password"))
    cached = cache.get("ingest", doc.sha256, ikey) if doc.media_type == "pdf" else None
    ingest_cached = cached is not None
    if cached is not None:
        doc = apply_entry(cached, entry)
    else:
        try:
            doc = ingest_data(corpus, entry, data, doc, rules=ctx.rules, **ctx.options.get("ingest", {}))
        except RuleError:
            raise
        except Exception as exc:
            doc.problems.append(_crash(entry, "ingest_error", "reading", exc))
            return DocResult(entry, doc, None, time.perf_counter() - t0)
        if doc.media_type == "pdf":
            cache.put("ingest", doc.sha256, ikey, doc)
    del data
    _cache_warnings(cache, doc)
    extraction = None
    extract_cached = False
    if doc.lines and not any(p.severity == "error" for p in doc.problems):
        ekey = extract_key(versions, ikey, entry.meta)
        extraction = cache.get("extract", doc.sha256, ekey)
        extract_cached = extraction is not None
        if extraction is None:
            try:
                extraction = extract_all(doc, ctx)
            except RuleError:
                raise
            except Exception as exc:
                doc.problems.append(_crash(entry, "extract_error", "extracting from", exc))
                return DocResult(entry, doc, None, time.perf_counter() - t0, ingest_cached)
            cache.put("extract", doc.sha256, ekey, extraction)
        _cache_warnings(cache, doc)
    return DocResult(entry, doc, extraction, time.perf_counter() - t0, ingest_cached, extract_cached)


def _cache_warnings(cache: Cache, doc: Document) -> None:
    for message in cache.take_warnings():
        doc.problems.append(Problem(doc.path, "cache_damaged", f"{doc.path}: {message}.", severity="warning"))


def _crash(entry: Entry, reason: str, doing: str, exc: Exception) -> Problem:
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    at = f" at {Path(where.filename).name}:{where.lineno}" if where else ""
    return Problem(
        entry.file,
        reason,
        f"{entry.file}: the pipeline failed while {doing} this document ({type(exc).__name__}: {exc}{at}). "
        "This is a bug in the pipeline, not in the document: please report it with the file. "
        "The other documents were built.",
    )


Progress = Callable[[DocResult], None]


def results(
    corpus: Path, entries: list[Entry], ctx: Context, jobs: int = 1, executor: Executor | None = None
) -> Iterator[DocResult]:
    """Each entry processed, in manifest order, by `executor` (pipeline/executors/; default: this
    machine's process pool of `jobs` workers, at most 2 x jobs documents in flight)."""
    return (executor or LocalExecutor(jobs)).map(process, corpus, entries, ctx)


def cached_documents(corpus: Path, entries: list[Entry], ctx: Context) -> list[tuple[str, str, dict[str, Any]]] | None:
    """When every document's stages are in the cache (or the document cannot be read, which needs
    no rules), what the build is made of: each entry's file, SHA-256 and metadata. Otherwise None.
    Reads each file once to hash it."""
    cache = Cache(ctx.options.get("cache"))
    if cache.root is None:
        return None
    versions = ctx.options["versions"]
    made_of = []
    for entry in entries:
        data, doc = read_source(corpus, entry)
        made_of.append((entry.file, doc.sha256, entry.meta))
        if data is None:
            continue
        ikey = ingest_key(versions, doc.media_type, entry.meta.get("password"))
        if doc.media_type == "pdf" and not cache.has("ingest", doc.sha256, ikey):
            return None
        if doc.media_type in ("pdf", "text") and not cache.has(
            "extract", doc.sha256, extract_key(versions, ikey, entry.meta)
        ):
            return None
    return made_of


def default_jobs() -> int:
    return os.cpu_count() or 1


def check_rules(ctx: Context) -> None:
    """Load every rule file now, so a malformed one stops the build before anything is done: the
    layout, limits and discrepancy rules, and every component's rules (nothing is extracted)."""
    load_layout(ctx.rules)
    load_limits(ctx.rules)
    discrepancies.load_rules(ctx.rules)
    components.load_all_rules(ctx.rules)


def build(
    corpus: Path,
    db_path: Path,
    ctx: Context | None = None,
    progress: Progress | None = None,
    jobs: int = 1,
    on_start: Callable[[int], None] | None = None,
    executor: Executor | None = None,
) -> BuildReport:
    """Build `db_path` from `corpus`. Raises ManifestError / RuleError before touching the database.

    ctx.options["cache"] names the cache folder (default: ``cache`` beside the database; None
    turns caching off). `executor` runs the per-document stage (default: `jobs` local processes).
    """
    ctx = ctx or Context()
    t0 = time.perf_counter()
    entries = load_manifest(corpus)
    if not entries:
        raise ManifestError(
            f"{corpus}: no documents to build (no manifest entry and no .txt, .md or .pdf file). "
            "Check the --corpus folder, or copy the documents into it."
        )
    options = Options(**ctx.options)
    options.setdefault("cache", str(db_path.parent / "cache"))
    cache_dir = options["cache"]
    # what the extractors are given (e.g. a spaCy model name) is part of the extraction's key
    given = sorted((k, repr(v)) for k, v in options.items() if k not in ("cache", "versions", "time_limit"))
    versions = options["versions"] = {**stage_versions(ctx.rules, cache_dir), "options": repr(given)}
    reader = (options.get("ingest") or {}).get("pdf_reader")
    if reader:  # --pdf-reader: part of the ingest key (the rule file's reader is in the layout hash)
        versions["pdf_reader"] = str(reader)
    ctx = Context(ctx.rules, options)
    # the rules are checked (and the extractors set up) only when some document needs them: a
    # changed rule file changes every extraction key, so it is always checked before it is used
    cached = cached_documents(corpus, entries, ctx)
    if cached is None or cache_dir is None:
        check_rules(ctx)
    else:
        jobs, executor = 1, None  # nothing to compute: no worker pool, no cluster
        kept = uptodate.unchanged(cache_dir, db_path, uptodate.fingerprint(code_version(), versions, cached))
        if kept is not None:  # the database holds exactly what this build would write
            return _unchanged(db_path, corpus, kept, time.perf_counter() - t0)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(db_path)
    tmp = db_path.with_name(f".{db_path.name}.building-{os.getpid()}")
    report = BuildReport(db_path, manifest=find_manifest(corpus), jobs=executor.jobs if executor else jobs)
    if on_start:
        on_start(len(entries))
    try:
        tmp.unlink(missing_ok=True)
        db = sqlite_utils.Database(tmp)
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        load.create_schema(db)
        build_row = (
            db.table("builds")
            .insert(
                {
                    "started": _now(),
                    "code_version": code_version(),
                    "rules_version": versions["rules"],
                    "corpus": str(corpus),
                }
            )
            .last_pk
        )
        assert build_row is not None  # the row just inserted
        build_id = int(build_row)
        first_of: dict[str, str] = {}  # sha256 -> the file first built with those bytes
        made_of: list[tuple[str, str, dict[str, Any]]] = []
        with db.conn:
            for doc_id, result in enumerate(results(corpus, entries, ctx, jobs, executor), 1):
                made_of.append((result.entry.file, result.doc.sha256, result.entry.meta))
                sha = result.doc.sha256
                if sha and sha in first_of:
                    result = _duplicate(result, first_of[sha])
                elif sha:
                    first_of[sha] = result.doc.path
                load.insert_document(db, doc_id, result.doc, result.extraction, build_id)
                _tally(report, result)
                if progress:
                    progress(result)
        load.finish(db)
        report.discrepancies = discrepancies.write(db, ctx.rules)
        db.table("builds").update(
            build_id, {"finished": _now(), "documents": report.documents, "failed": len(report.failed)}
        )
        db.close()
        os.replace(tmp, db_path)
    finally:
        tmp.unlink(missing_ok=True)
    if cache_dir:
        stamp = uptodate.fingerprint(code_version(), versions, made_of)
        uptodate.record(cache_dir, db_path, stamp, uptodate.report_fields(report))
        extraction_stamp.keep(cache_dir)
    report.seconds = time.perf_counter() - t0
    return report


def _unchanged(db_path: Path, corpus: Path, kept: dict[str, Any], seconds: float) -> BuildReport:
    """The report of a build that found its database up to date (pipeline/uptodate.py)."""
    report = BuildReport(db_path, manifest=find_manifest(corpus), seconds=seconds, unchanged=True)
    report.documents = kept["documents"]
    report.failed, report.inferred, report.mentions = kept["failed"], kept["inferred"], kept["mentions"]
    report.problems = uptodate.problems_of(kept)
    report.discrepancies = kept.get("discrepancies", 0)
    return report


def _duplicate(result: DocResult, first: str) -> DocResult:
    """The same bytes as a document already built: built once only, so no figure counts twice."""
    doc = result.doc
    problem = Problem(
        doc.path,
        "duplicate",
        f"{doc.path}: the same file as {first} (SHA-256 {doc.sha256[:12]}...), which is built; this copy "
        "is not, so its figures are not counted twice. Remove one of the two, or its manifest entry.",
    )
    shell = Document(doc.path, doc.sha256, doc.media_type, doc.meta, page_count=doc.page_count, problems=[problem])
    return DocResult(result.entry, shell, None, result.seconds, result.ingest_cached, result.extract_cached)


def _remove_stale_temporaries(db_path: Path) -> None:
    """Temporary databases left by builds that were killed (their process is gone)."""
    for stale in db_path.parent.glob(f".{db_path.name}.building-*"):
        pid = stale.name.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            stale.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _tally(report: BuildReport, result: DocResult) -> None:
    report.documents += 1
    report.parsed += int(result.doc.media_type == "pdf" and not result.ingest_cached and result.doc.sha256 != "")
    report.extracted += int(result.extraction is not None and not result.extract_cached)
    report.problems.extend(result.doc.problems)
    if load.doc_status(result.doc) == "failed":
        report.failed.append(result.doc.path)
    if result.entry.inferred:
        report.inferred.append(result.doc.path)
    for m in result.extraction.mentions if result.extraction else ():
        report.mentions[m.kind] = report.mentions.get(m.kind, 0) + 1


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
