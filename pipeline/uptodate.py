"""A rebuild with nothing changed keeps the database it would rewrite.

After a build, a stamp is kept in the cache folder (``<cache>/builds/<db>.json``): a fingerprint of
everything the database is made from (the pipeline's code, the schema, the stage versions and
build options, every document's file name, SHA-256 and manifest entry) and the size and
modification time of the database written. A later build whose fingerprint is the same, of a
database that is still the one written, has nothing to do: it returns the stamped report instead
of writing the same rows again. Anything else (a changed byte, rule, option, entry, or the
database touched since) builds as usual. Without a cache there is no stamp.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from pipeline.model import Problem
from pipeline.package_data import data_path

SCHEMA_DIR = data_path("db", "schema")


def fingerprint(code: str, versions: dict[str, str], documents: list[tuple[str, str, dict[str, Any]]]) -> str:
    """What a database is made of: code version, schema, stage versions and options, documents."""
    h = hashlib.sha256()
    h.update(code.encode())
    for sql in sorted(SCHEMA_DIR.glob("*.sql")):
        h.update(sql.name.encode())
        h.update(sql.read_bytes())
    h.update(repr(sorted(versions.items())).encode())
    for file, sha, meta in documents:
        h.update(repr((file, sha, sorted((k, str(v)) for k, v in meta.items()))).encode())
    return h.hexdigest()


def _stamp_path(cache: str, db_path: Path) -> Path:
    name = hashlib.sha256(str(db_path.resolve()).encode()).hexdigest()[:20]
    return Path(cache) / "builds" / f"{name}.json"


def _state(db_path: Path) -> list[int] | None:
    try:
        st = db_path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def unchanged(cache: str, db_path: Path, stamp: str) -> dict[str, Any] | None:
    """The report stamped by the build that wrote `db_path`, when it was made of the same inputs
    (`stamp`) and the database is still the one it wrote; otherwise None."""
    try:
        kept = json.loads(_stamp_path(cache, db_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    state = _state(db_path)
    if not isinstance(kept, dict) or kept.get("fingerprint") != stamp or state is None or kept.get("db") != state:
        return None
    report = kept.get("report")
    return report if isinstance(report, dict) else None


def record(cache: str, db_path: Path, stamp: str, report: dict[str, Any]) -> None:
    """Stamp the database just written (atomically; a stamp that cannot be written costs time only)."""
    path = _stamp_path(cache, db_path)
    write_json_atomic(path, {"fingerprint": stamp, "db": _state(db_path), "report": report})


def write_json_atomic(path: Path, data: Any) -> None:
    """`data` as JSON at `path`, atomically (parallel builds may share the cache folder); a memo that
    cannot be written costs time only, so an OSError is ignored."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        return


def forget(cache: str | None, db_path: Path) -> None:
    """Drop the stamp of `db_path` (before it is replaced)."""
    if cache:
        _stamp_path(cache, db_path).unlink(missing_ok=True)


def report_fields(report: Any) -> dict[str, Any]:
    """The parts of a BuildReport a later unchanged build gives back."""
    return {
        "documents": report.documents,
        "failed": report.failed,
        "inferred": report.inferred,
        "problems": [dataclasses.asdict(p) for p in report.problems],
        "mentions": report.mentions,
        "discrepancies": getattr(report, "discrepancies", 0),
    }


def problems_of(fields: dict[str, Any]) -> list[Problem]:
    return [Problem(**p) for p in fields.get("problems", [])]
