"""Items a reviewer judges, read from a built nhs.db: quotations and mentions.

An item is a whole quotation (table `quotes`, one segment per source line in
`quote_segments`) or one mention of another kind (the `mentions` view: money,
percent, page_ref, body). Quotation segments are not items of their own: a
quotation is reviewed once, as a whole.

Everything here takes an open ``sqlite3.Connection`` to nhs.db and returns
plain data.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.reviews.store import Target

QUOTE = "quote"
FACT = "fact"  # whose money an amount is, what it measures, which period (pipeline/reviews/facts.py)
CONTEXT_CHARS = 32  # length of the TextQuoteSelector prefix and suffix
MENTION_VALUES = ("low", "high", "currency", "page_first", "page_last", "cites", "name", "type")
DETAILS = ("basis", "header_page", "header_line")  # columns of a kind's table shown on the audit page
QUOTE_VALUES = ("speaker", "cites", "cited_document", "page_first", "page_last", "page_count", "resolution")


@dataclass(frozen=True)
class Segment:
    """One source line of an item and the span on it."""

    line_id: int
    page: int | None
    line: int
    char_start: int
    char_end: int
    text: str
    line_text: str
    bbox: tuple[float, float, float, float] | None = None


@dataclass(frozen=True)
class Item:
    kind: str
    id: str
    document_id: int
    doc: str
    doc_sha256: str
    text: str
    segments: tuple[Segment, ...]
    values: dict[str, Any] = field(default_factory=dict)  # what the reviewer judges (kept with the verdict)
    details: dict[str, Any] = field(default_factory=dict)  # shown, not judged: e.g. a table amount's header

    @property
    def first(self) -> Segment:
        return self.segments[0]

    @property
    def last(self) -> Segment:
        return self.segments[-1]


def rows(conn: sqlite3.Connection, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
    cur = conn.execute(sql, params)
    names = [d[0] for d in cur.description or ()]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    return bool(
        conn.execute("SELECT 1 FROM sqlite_master WHERE name = ? AND type IN ('table', 'view')", (name,)).fetchone()
    )


def mention_table(kind: str) -> str | None:
    from pipeline.components import kind_tables

    return kind_tables().get(kind)


# --- reading one item -------------------------------------------------------------------------


def get_item(conn: sqlite3.Connection, kind: str, item_id: str) -> Item | None:
    if kind == QUOTE:
        return _quote(conn, item_id)
    if kind == FACT:
        from pipeline.reviews.facts import get_fact

        return get_fact(conn, item_id)
    return _mention(conn, kind, item_id)


def quote_of_segment(conn: sqlite3.Connection, segment_id: str) -> str | None:
    """The quotation a quote segment (a `mentions` row of kind quote) belongs to."""
    if not has_table(conn, "quote_segments"):
        return None
    row = conn.execute("SELECT quote_id FROM quote_segments WHERE id = ?", (segment_id,)).fetchone()
    return None if row is None else str(row[0])


def _mention(conn: sqlite3.Connection, kind: str, mention_id: str) -> Item | None:
    if not has_table(conn, "mentions"):
        return None
    found = rows(conn, "SELECT * FROM mentions WHERE id = ? AND kind = ?", (mention_id, kind))
    if not found:
        return None
    m = found[0]
    line = _line(conn, m["document_id"], m["page"], m["line"])
    row = _row_of(conn, kind, mention_id)
    bbox = _box(row) if row else None
    seg = Segment(line["id"], m["page"], m["line"], m["char_start"], m["char_end"], m["text"], m["line_text"], bbox)
    values = {k: m[k] for k in MENTION_VALUES if m.get(k) is not None}
    details = {k: row[k] for k in DETAILS if row and row.get(k) is not None}
    return Item(kind, m["id"], m["document_id"], m["doc"], m["doc_sha256"] or "", m["text"], (seg,), values, details)


def _quote(conn: sqlite3.Connection, quote_id: str) -> Item | None:
    if not has_table(conn, "quotes") or not has_table(conn, "quote_segments"):
        return None
    cited = "cd.name" if has_table(conn, "cited_documents") else "NULL"
    join = "LEFT JOIN cited_documents cd ON cd.id = q.cited_document_id" if cited != "NULL" else ""
    found = rows(
        conn,
        f"SELECT q.*, {cited} AS cited_document, d.file AS doc, d.sha256 AS doc_sha256 FROM quotes q "
        f"JOIN documents d ON d.id = q.document_id {join} WHERE q.id = ?",
        (quote_id,),
    )
    if not found:
        return None
    q = found[0]
    segs = rows(
        conn,
        "SELECT s.*, l.id AS lid, l.text AS line_text FROM quote_segments s JOIN lines l ON l.id = s.line_id "
        "WHERE s.quote_id = ? ORDER BY s.seq",
        (quote_id,),
    )
    if not segs:
        return None
    segments = tuple(
        Segment(s["lid"], s["page"], s["line"], s["char_start"], s["char_end"], s["text"], s["line_text"], _box(s))
        for s in segs
    )
    values = {k: q.get(k) for k in (*QUOTE_VALUES, "duplicate_of") if q.get(k) is not None}
    return Item(QUOTE, str(q["id"]), q["document_id"], q["doc"], q["doc_sha256"] or "", q["text"], segments, values)


def _line(conn: sqlite3.Connection, document_id: int, page: int | None, line: int) -> dict[str, Any]:
    found = rows(
        conn,
        "SELECT * FROM lines WHERE document_id = ? AND page IS ? AND line = ?",
        (document_id, page, line),
    )
    if not found:
        raise LookupError(f"document {document_id} has no line {line}" + (f" on page {page}" if page else ""))
    return found[0]


def _row_of(conn: sqlite3.Connection, kind: str, mention_id: str) -> dict[str, Any] | None:
    """The mention's row in its kind's own table (with its box and details)."""
    table = mention_table(kind)
    if table is None or not has_table(conn, table):
        return None
    found = rows(conn, f"SELECT * FROM [{table}] WHERE id = ?", (mention_id,))
    return found[0] if found else None


def _box(row: dict[str, Any]) -> tuple[float, float, float, float] | None:
    box = tuple(row.get(k) for k in ("x0", "top", "x1", "bottom"))
    if any(v is None for v in box):
        return None
    return (float(box[0]), float(box[1]), float(box[2]), float(box[3]))  # type: ignore[arg-type]


# --- identity and selector ----------------------------------------------------------------------


def target_key(doc_sha256: str, kind: str, page: int | None, line: int, start: int, end: int, exact: str) -> str:
    """The same recipe as pipeline.model.mention_id: for a mention, its key is its id."""
    key = f"{doc_sha256}|{kind}|{page or 0}|{line}|{start}|{end}|{exact}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def selector(conn: sqlite3.Connection, item: Item, chars: int = CONTEXT_CHARS) -> tuple[str, str]:
    """TextQuoteSelector prefix and suffix: the document text (lines joined by newlines) around the item."""
    before = _neighbours(conn, item.document_id, item.first.line_id, -1)
    after = _neighbours(conn, item.document_id, item.last.line_id, +1)
    prefix = "\n".join([*before, item.first.line_text[: item.first.char_start]])
    suffix = "\n".join([item.last.line_text[item.last.char_end :], *after])
    return prefix[-chars:], suffix[:chars]


def _neighbours(conn: sqlite3.Connection, document_id: int, line_id: int, direction: int, n: int = 3) -> list[str]:
    lo, hi = (line_id - n, line_id - 1) if direction < 0 else (line_id + 1, line_id + n)
    found = rows(
        conn,
        "SELECT text FROM lines WHERE document_id = ? AND id BETWEEN ? AND ? ORDER BY id",
        (document_id, lo, hi),
    )
    return [r["text"] for r in found]


def target(conn: sqlite3.Connection, item: Item) -> Target:
    prefix, suffix = selector(conn, item)
    return Target(
        item_kind=item.kind,
        item_id=item.id,
        target_key=target_key(
            item.doc_sha256,
            item.kind,
            item.first.page,
            item.first.line,
            item.first.char_start,
            item.last.char_end,
            item.text,
        ),
        doc=item.doc,
        doc_sha256=item.doc_sha256,
        page=item.first.page,
        line=item.first.line,
        char_start=item.first.char_start,
        char_end=item.last.char_end,
        exact=item.text,
        prefix=prefix,
        suffix=suffix,
        recorded_values=item.values,
    )


# --- finding an item again ----------------------------------------------------------------------


def candidates(conn: sqlite3.Connection, kind: str, doc: str, doc_sha256: str, exact: str) -> list[Item]:
    """Items of `kind` with text `exact` in the document named `doc` or with bytes `doc_sha256`."""
    doc_ids = [r[0] for r in conn.execute("SELECT id FROM documents WHERE file = ? OR sha256 = ?", (doc, doc_sha256))]
    if not doc_ids:
        return []
    marks = ", ".join("?" for _ in doc_ids)
    if kind == QUOTE:
        if not has_table(conn, "quotes"):
            return []
        sql = f"SELECT id FROM quotes WHERE document_id IN ({marks}) AND text = ?"
        ids = [r[0] for r in conn.execute(sql, (*doc_ids, exact))]
    elif kind == FACT:
        from pipeline.reviews.facts import candidate_ids

        ids = candidate_ids(conn, doc_ids, exact)
    else:
        if not has_table(conn, "mentions"):
            return []
        sql = f"SELECT id FROM mentions WHERE document_id IN ({marks}) AND kind = ? AND text = ?"
        ids = [r[0] for r in conn.execute(sql, (*doc_ids, kind, exact))]
    found = (get_item(conn, kind, str(i)) for i in ids)
    return [i for i in found if i is not None]


def documents(conn: sqlite3.Connection, document_id: int) -> dict[str, Any]:
    found = rows(conn, "SELECT * FROM documents WHERE id = ?", (document_id,))
    return found[0] if found else {}


def context_lines(conn: sqlite3.Connection, item: Item, around: int = 3) -> list[dict[str, Any]]:
    """The item's lines and `around` non-blank lines either side, in document order, spans marked."""
    reach = around * 4 + 4
    found = rows(
        conn,
        "SELECT id, page, line, text, role FROM lines WHERE document_id = ? AND id BETWEEN ? AND ? ORDER BY id",
        (item.document_id, item.first.line_id - reach, item.last.line_id + reach),
    )
    before = [r for r in found if r["id"] < item.first.line_id and r["text"].strip()][-around:] if around else []
    after = [r for r in found if r["id"] > item.last.line_id and r["text"].strip()][:around] if around else []
    inside = [r for r in found if item.first.line_id <= r["id"] <= item.last.line_id]
    spans: dict[int, list[tuple[int, int]]] = {}
    for s in item.segments:
        spans.setdefault(s.line_id, []).append((s.char_start, s.char_end))
    out = [*before, *inside, *after]
    for r in out:
        r["pieces"] = split_marked(r["text"], spans.get(r["id"], []))
        r["marked"] = r["id"] in spans
    return out


def split_marked(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[str, bool]]:
    """The line cut into (piece, highlighted) parts, so a template can wrap the spans in <mark>."""
    pieces: list[tuple[str, bool]] = []
    pos = 0
    for start, end in sorted(spans):
        start, end = max(start, pos), min(end, len(text))
        if start >= end:
            continue
        if start > pos:
            pieces.append((text[pos:start], False))
        pieces.append((text[start:end], True))
        pos = end
    if pos < len(text) or not pieces:
        pieces.append((text[pos:], False))
    return pieces
