"""The reviews database: an append-only history of verdicts, and their anchors.

This is an edge: it reads and writes ``reviews.db``. Every write is one SQLite
transaction taken with ``BEGIN IMMEDIATE`` on a WAL database with a busy
timeout, so two reviewers (two browser sessions, or a browser and an import)
writing at once queue behind each other instead of failing or losing a row.
Verdicts are never updated or deleted (triggers refuse it): a later verdict on
the same item supersedes an earlier one.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.package_data import data_path

SCHEMA_FILE = data_path("db", "reviews_schema.sql")
SCHEMA_VERSION = 2  # 2: item_ids (every id a reviewed item has had), made_on_sha256 in the views
VERDICTS = ("confirmed", "wrong", "unsure")
BUSY_TIMEOUT_MS = 30_000


class ReviewError(ValueError):
    """A verdict that cannot be stored, with the reason in words."""


@dataclass(frozen=True)
class Target:
    """What a verdict is about: an item as it was when reviewed, and how to find it again."""

    item_kind: str  # quote, or a mention kind (money, percent, page_ref, body)
    item_id: str
    target_key: str
    doc: str
    doc_sha256: str
    page: int | None
    line: int
    char_start: int
    char_end: int
    exact: str
    prefix: str
    suffix: str
    recorded_values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    target: Target
    verdict: str
    reviewer: str
    created: str
    correct: str | None = None
    note: str | None = None

    @property
    def uid(self) -> str:
        return verdict_uid(self.target.target_key, self.verdict, self.correct, self.note, self.reviewer, self.created)

    def row(self) -> dict[str, Any]:
        """The flat record stored in `verdicts` and written to export files (no local id)."""
        t = asdict(self.target)
        t["recorded_values"] = json.dumps(self.target.recorded_values, sort_keys=True, ensure_ascii=False)
        return {
            "uid": self.uid,
            **t,
            "verdict": self.verdict,
            "correct": self.correct,
            "note": self.note,
            "reviewer": self.reviewer,
            "created": self.created,
        }


@dataclass(frozen=True)
class Anchor:
    """Where a target is in the current build; item_id None when it is orphaned."""

    target_key: str
    item_kind: str
    item_id: str | None
    method: str  # same | reanchored | orphaned
    document_id: int | None = None
    page: int | None = None
    line: int | None = None
    score: float | None = None
    changes: str | None = None


ROW_FIELDS = ("uid", *(f.name for f in fields(Target)), "verdict", "correct", "note", "reviewer", "created")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def verdict_uid(
    target_key: str, verdict: str, correct: str | None, note: str | None, reviewer: str, created: str
) -> str:
    payload = json.dumps([target_key, verdict, correct or "", note or "", reviewer, created], ensure_ascii=False)
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()


def make_verdict(
    target: Target, verdict: str, reviewer: str, correct: str | None = None, note: str | None = None
) -> Verdict:
    """A new verdict stamped with the time now, validated."""
    v = Verdict(target, verdict.strip().lower(), reviewer.strip(), now(), _blank(correct), _blank(note))
    problems = validate(v)
    if problems:
        raise ReviewError("; ".join(problems))
    return v


def validate(v: Verdict) -> list[str]:
    problems = []
    if v.verdict not in VERDICTS:
        problems.append(f"verdict must be one of {', '.join(VERDICTS)}, not {v.verdict!r}")
    if v.verdict == "wrong" and not v.correct:
        problems.append(
            "a `wrong` verdict needs the correct text or value (write `not a figure` if nothing should be there)"
        )
    if not v.reviewer:
        problems.append("the reviewer is missing")
    if not v.target.exact:
        problems.append("the reviewed text (exact) is missing")
    try:
        created = datetime.fromisoformat(v.created)
        if created.tzinfo is None:
            problems.append(f"created {v.created!r} has no time zone (expected UTC, e.g. 2025-01-31T09:30:00+00:00)")
    except ValueError:
        problems.append(f"created {v.created!r} is not an ISO 8601 time")
    return problems


# --- opening -------------------------------------------------------------------------------


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if need be) the reviews database in WAL mode, schema up to date."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    apply_schema(conn)
    return conn


def apply_schema(conn: sqlite3.Connection) -> None:
    """Create or upgrade the schema (tables kept, views recreated) when user_version is older than the code's."""
    if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
        with transaction(conn):
            if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                for statement in _statements(SCHEMA_FILE.read_text(encoding="utf-8")):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _statements(script: str) -> Iterator[str]:
    """The statements of a SQL script (triggers kept whole), for running inside one transaction."""
    buf = ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--") and not buf.strip():
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            yield buf.strip()
            buf = ""
    if buf.strip():
        raise ValueError(f"{SCHEMA_FILE}: the last statement is not complete: {buf.strip()[:80]!r}")


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT: takes the write lock up front, waits (busy timeout) if another writer holds it."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


# --- writing -------------------------------------------------------------------------------


def record(conn: sqlite3.Connection, verdict: Verdict, anchor: Anchor | None = None, build: str | None = None) -> str:
    """Store one verdict (and, when given, where its item is now). Returns its uid."""
    problems = validate(verdict)
    if problems:
        raise ReviewError("; ".join(problems))
    with transaction(conn):
        _insert(conn, verdict.row())
        _remember_id(conn, verdict.target.target_key, verdict.target.item_kind, verdict.target.item_id, verdict.created)
        if anchor is not None:
            _put_anchor(conn, anchor, build, now())
    return verdict.uid


def add_rows(conn: sqlite3.Connection, rows: Iterable[dict[str, Any]]) -> tuple[int, int]:
    """Add verdict rows (from an export file) in one transaction. Returns (added, already present)."""
    added = present = 0
    with transaction(conn):
        for row in rows:
            if _insert(conn, row):
                added += 1
            else:
                present += 1
    return added, present


def _insert(conn: sqlite3.Connection, row: dict[str, Any]) -> bool:
    cols = ", ".join(ROW_FIELDS)
    marks = ", ".join(f":{c}" for c in ROW_FIELDS)
    cur = conn.execute(f"INSERT OR IGNORE INTO verdicts ({cols}) VALUES ({marks})", {c: row.get(c) for c in ROW_FIELDS})
    if row.get("target_key") and row.get("item_id"):
        _remember_id(conn, row["target_key"], row["item_kind"], row["item_id"], row.get("created") or now())
    return cur.rowcount == 1


def _remember_id(conn: sqlite3.Connection, target_key: str, item_kind: str, item_id: str, seen: str) -> None:
    """Keep every id a reviewed item has had, so an audit URL saved in any build still finds it."""
    conn.execute(
        "INSERT OR IGNORE INTO item_ids (item_kind, item_id, target_key, first_seen) VALUES (?, ?, ?, ?)",
        (item_kind, item_id, target_key, seen),
    )


def replace_anchors(conn: sqlite3.Connection, anchors: Iterable[Anchor], build: str | None) -> None:
    """Rewrite the anchors table (inside the caller's transaction)."""
    stamp = now()
    conn.execute("DELETE FROM anchors")
    for a in anchors:
        _put_anchor(conn, a, build, stamp)


def _put_anchor(conn: sqlite3.Connection, a: Anchor, build: str | None, stamp: str) -> None:
    if a.item_id is not None:
        _remember_id(conn, a.target_key, a.item_kind, a.item_id, stamp)
    conn.execute(
        "INSERT OR REPLACE INTO anchors (target_key, item_kind, item_id, method, document_id, page, line, score, "
        "changes, build, anchored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            a.target_key,
            a.item_kind,
            a.item_id,
            a.method,
            a.document_id,
            a.page,
            a.line,
            a.score,
            a.changes,
            build,
            stamp,
        ),
    )


# --- reading -------------------------------------------------------------------------------


def targets(conn: sqlite3.Connection) -> list[Target]:
    """One Target per distinct target_key, as its latest verdict saw it (selector and values)."""
    rows = conn.execute(
        "SELECT * FROM verdicts v WHERE v.id = (SELECT v2.id FROM verdicts v2 WHERE v2.target_key = v.target_key "
        "ORDER BY v2.created DESC, v2.uid DESC LIMIT 1) ORDER BY v.target_key"
    ).fetchall()
    return [target_from_row(dict(r)) for r in rows]


def target_from_row(row: dict[str, Any]) -> Target:
    values = row.get("recorded_values")
    return Target(
        item_kind=row["item_kind"],
        item_id=row["item_id"],
        target_key=row["target_key"],
        doc=row["doc"],
        doc_sha256=row["doc_sha256"],
        page=row["page"],
        line=row["line"],
        char_start=row["char_start"],
        char_end=row["char_end"],
        exact=row["exact"],
        prefix=row["prefix"],
        suffix=row["suffix"],
        recorded_values=json.loads(values) if isinstance(values, str) and values else {},
    )


def export_rows(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every verdict, oldest first, as flat records (the export format)."""
    cols = ", ".join(ROW_FIELDS)
    return [dict(r) for r in conn.execute(f"SELECT {cols} FROM verdicts ORDER BY created, uid")]


def item_history(conn: sqlite3.Connection, item_kind: str, item_id: str) -> list[dict[str, Any]]:
    """Every verdict attached to one item of the current build, newest first."""
    return [
        dict(r)
        for r in conn.execute(
            "SELECT v.uid, v.verdict, v.correct, v.note, v.reviewer, v.created, v.line AS recorded_line, "
            "v.doc_sha256 AS recorded_sha256, a.method AS anchor FROM verdicts v "
            "JOIN anchors a ON a.target_key = v.target_key WHERE a.item_kind = ? AND a.item_id = ? "
            "ORDER BY v.created DESC, v.uid DESC",
            (item_kind, item_id),
        )
    ]


def current(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute("SELECT * FROM current_verdicts ORDER BY created, uid")]


def orphans(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute("SELECT * FROM orphaned_verdicts ORDER BY created, uid")]


def _blank(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None
