"""The plain data behind the audit page of one item, and the reviewers' queue.

`page_data` gathers what a reviewer needs to judge one quotation or figure:
the source document, the page and line, the source lines with the item's spans
marked, and for a quotation its speaker, cited document and page. `next_item`
walks the queue of items awaiting review. Both read nhs.db with the reviews
database attached as schema ``reviews`` (see plugins/nhs_review.py).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import readable
from pipeline.reviews import items
from pipeline.reviews.items import FACT, QUOTE, Item

KIND_LABELS = {
    QUOTE: "Quotation",
    "money": "Amount of money",
    "percent": "Percentage",
    "page_ref": "Page reference",
    "body": "Named body",
    FACT: "Financial fact",
}


def audit_url(kind: str, item_id: str) -> str:
    return f"/-/audit/{kind}/{item_id}"


def queue_path(kind: str) -> str:
    """The canned query listing items of `kind` awaiting review (QUEUES, else the figures queue for that kind)."""
    return QUEUES.get(kind) or f"/nhs/awaiting_review?kind={kind}"


def resolve(conn: sqlite3.Connection, kind: str, item_id: str) -> tuple[str, str]:
    """A quotation segment is audited as its whole quotation."""
    if kind == QUOTE:
        quote_id = items.quote_of_segment(conn, item_id)
        if quote_id is not None:
            return QUOTE, quote_id
    return kind, item_id


@dataclass(frozen=True)
class Followed:
    """Where an id not in this build went: to an item (kind, item_id), or nowhere (orphaned / unknown)."""

    kind: str | None
    item_id: str | None
    why: str  # moved | orphaned | unknown


def follow(conn: sqlite3.Connection, kind: str, item_id: str) -> Followed:
    """An id that is not in this build, followed through the verdicts: if a verdict was recorded on an item
    that had this id (in any build), the item it is anchored to now. Needs reviews attached as `reviews`."""
    try:
        found = conn.execute(
            "SELECT a.item_kind, a.item_id FROM reviews.item_ids i "
            "JOIN reviews.anchors a ON a.target_key = i.target_key WHERE i.item_kind = ? AND i.item_id = ? "
            "ORDER BY a.item_id IS NULL, a.anchored_at DESC",
            (kind, item_id),
        ).fetchall()
    except sqlite3.Error:  # no reviews database attached
        return Followed(None, None, "unknown")
    for k, i in found:
        if i is not None:
            return Followed(str(k), str(i), "moved")
    return Followed(None, None, "orphaned" if found else "unknown")


def not_found_message(kind: str, item_id: str, why: str) -> str:
    if why == "orphaned":
        return (
            f"No {kind} with id {item_id} in this build, and the verdicts recorded on it are orphaned: its text "
            "is no longer extracted where it was. They are kept: see Orphaned verdicts (/nhs/orphaned_verdicts)."
        )
    return (
        f"No {kind} with id {item_id} in this build, and no verdict was recorded on it. An item's id follows "
        "its document's bytes and its position, so an edit to the document gives it a new id: find it again "
        "in the queue or with the search on the lines table."
    )


def page_data(conn: sqlite3.Connection, item: Item, around: int = 3) -> dict[str, Any]:
    doc = items.documents(conn, item.document_id)
    lines = items.context_lines(conn, item, around)
    boxes = [s.bbox for s in item.segments if s.bbox is not None and s.page == item.first.page]
    return {
        "kind": item.kind,
        "kind_label": KIND_LABELS.get(item.kind, item.kind),
        "id": item.id,
        "text": item.text,
        "document": doc,
        "page": item.first.page,
        "line_first": item.first.line,
        "line_last": item.last.line,
        "char_start": item.first.char_start,
        "char_end": item.last.char_end,
        "lines": lines,
        "values": describe_values(item),
        "quote": quote_details(item) if item.kind == QUOTE else None,
        "has_picture": doc.get("media_type") == "pdf" and item.first.page is not None and bool(boxes),
        "boxes": boxes,
        "table_header": table_header(conn, item),
        "ocr": read_by_ocr(conn, item),
    }


def read_by_ocr(conn: sqlite3.Connection, item: Item) -> dict[str, Any] | None:
    """For an item on lines read by OCR (`lines.source = 'ocr'`): the lowest confidence the
    recogniser gave them (0-1), so the page can say the figure was read from a picture."""
    ids = sorted({s.line_id for s in item.segments})
    found = items.rows(
        conn,
        f"SELECT confidence FROM lines WHERE source = 'ocr' AND id IN ({','.join('?' * len(ids))})",
        ids,
    )
    if not found:
        return None
    confidences = [r["confidence"] for r in found if r["confidence"] is not None]
    return {"confidence": min(confidences) if confidences else None}


BASIS_LABELS = {
    "column_header": "its column's header names the currency and unit",
    "amount_column": "its column's header names an amount, no currency: pounds",
    "column_unit": "its own sign gives the currency; its column's header gives the unit",
}


def table_header(conn: sqlite3.Connection, item: Item) -> dict[str, Any] | None:
    """For an amount read from a table: the header row that gives its currency (text, page, line, box)."""
    d = item.details
    if d.get("header_line") is None:
        return None
    found = items.rows(
        conn,
        "SELECT text, page, line, x0, top, x1, bottom FROM lines WHERE document_id = ? AND page IS ? AND line = ?",
        (item.document_id, d.get("header_page"), d["header_line"]),
    )
    if not found:
        return None
    h = found[0]
    box = None if h["x0"] is None else (h["x0"], h["top"], h["x1"], h["bottom"])
    cells = str(h["text"]).split("\t")
    row = item.first.line_text.split("\t")
    # the amount's own column, when its row has as many cells as the header (else the whole header row)
    index = item.first.line_text[: item.first.char_start].count("\t")
    column = cells[index].strip() if len(row) == len(cells) > 1 else None
    return {
        "column": column,
        "cells": [c.strip() for c in cells if c.strip()],
        "page": h["page"],
        "line": h["line"],
        "basis": d.get("basis"),
        "basis_label": BASIS_LABELS.get(str(d.get("basis")), str(d.get("basis") or "")),
        "box": box if h["page"] == item.first.page else None,
    }


def closeup_style(boxes: list[tuple[float, float, float, float]], width: float, height: float) -> str:
    """CSS showing the page picture at its own size (150 dpi or more) in a window centred on the boxes:
    with object-position at the boxes' centre (as a share of the page), that point of the picture sits
    at the same share of the window, so the item is always in view."""
    cx = (min(b[0] for b in boxes) + max(b[2] for b in boxes)) / 2 / width
    cy = (min(b[1] for b in boxes) + max(b[3] for b in boxes)) / 2 / height
    return f"object-position:{cx:.3%} {cy:.3%}"


def box_styles(boxes: list[tuple[float, float, float, float]], width: float, height: float) -> list[str]:
    """CSS placing each box over the page picture, in % of the page, so it scales with any zoom."""
    return [
        f"left:{b[0] / width:.3%};top:{b[1] / height:.3%};width:{(b[2] - b[0]) / width:.3%};"
        f"height:{(b[3] - b[1]) / height:.3%}"
        for b in boxes
    ]


def describe_values(item: Item) -> list[tuple[str, str]]:
    """What was extracted, in words, for the reviewer to check against the source."""
    v = item.values
    out: list[tuple[str, str]] = []
    if item.kind == "money" and "low" in v:

        def exact(v: float) -> str:  # the number in full: 22,000,000,000 or 31,806.50, never 2.2e+10
            return f"{int(v):,}" if float(v).is_integer() else f"{v:,.2f}"

        numbers = exact(v["low"]) + ("" if v.get("high") in (None, v["low"]) else " to " + exact(v["high"]))
        shown = readable.amount(v.get("currency"), v["low"], v.get("high"), item.text)
        out.append(("Value", f"{shown} ({numbers})"))
        if v.get("currency"):
            out.append(("Currency", str(v["currency"])))
    if item.kind == "percent" and "low" in v:
        value = "{:,.10g}%".format(v["low"])
        if v.get("high") is not None and v["high"] != v["low"]:
            value += " to " + "{:,.10g}%".format(v["high"])
        out.append(("Value", value))
    if item.kind == "page_ref":
        out.append(("Pages", _pages(v.get("page_first"), v.get("page_last"))))
        out.append(("Cites", str(v.get("cites") or "(no document named)")))
    if item.kind == "body":
        out.append(("Body", str(v.get("name") or item.text)))
        out.append(("Type", str(v.get("type") or "")))
    if item.kind == FACT:
        from pipeline.reviews.facts import describe

        out.extend(describe(item))
    return out


def quote_details(item: Item) -> dict[str, Any]:
    v = item.values
    return {
        "speaker": v.get("speaker"),
        "cited_document": v.get("cited_document") or v.get("cites"),
        "cites": v.get("cites"),
        "pages": _pages(v.get("page_first"), v.get("page_last")) if v.get("page_first") else None,
        "page_count": v.get("page_count"),
        "resolution": v.get("resolution"),
        "duplicate_of": v.get("duplicate_of"),
        "segments": len(item.segments),
    }


def _pages(first: Any, last: Any) -> str:
    if first is None:
        return "(none)"
    return f"p{first}" if last in (None, first) else f"pp{first}-{last}"


# --- the queue ----------------------------------------------------------------------------------

# A kind of item with a queue of its own (a canned query in db/metadata.yaml); other kinds use awaiting_review.
QUEUES = {QUOTE: "/nhs/quotations_awaiting_review", FACT: "/nhs/facts_awaiting_review"}

AWAITING = (
    "NOT EXISTS (SELECT 1 FROM reviews.current_verdicts cv "
    "WHERE cv.item_kind = {kind} AND cv.item_id = {id} AND cv.verdict != 'unsure')"
)


def _in_reading_order(after: Item | None) -> tuple[str, tuple[Any, ...] | None]:
    """The order of items with a span (mentions, facts: alias m) and `after`'s place in it."""
    order = "m.document_id, coalesce(m.page, 0), m.line, m.char_start, m.id"
    if after is None:
        return order, None
    return order, (after.document_id, after.first.page or 0, after.first.line, after.first.char_start, after.id)


def next_item(conn: sqlite3.Connection, kind: str, after: Item | None) -> tuple[str, str] | None:
    """The next item of `kind` awaiting review (no verdict, or `unsure`) after `after`, wrapping round."""
    head: tuple[Any, ...] = ()
    if kind == FACT:
        if not items.has_table(conn, "facts"):
            return None
        base = "SELECT 'fact', m.id FROM facts m WHERE " + AWAITING.format(kind="'fact'", id="m.id")
        order, position = _in_reading_order(after)
    elif kind == QUOTE:
        if not items.has_table(conn, "quotes") or not items.has_table(conn, "quote_segments"):
            return None
        base = (
            "SELECT 'quote', q.id FROM quotes q JOIN quote_segments s ON s.quote_id = q.id AND s.seq = "
            "(SELECT min(seq) FROM quote_segments WHERE quote_id = q.id) "
            "WHERE q.duplicate_of IS NULL AND " + AWAITING.format(kind="'quote'", id="q.id")
        )
        order = "q.document_id, s.line_id, q.id"
        position = (after.document_id, after.first.line_id, after.id) if after else None
    else:
        base = "SELECT m.kind, m.id FROM mentions m WHERE m.kind = ? AND " + AWAITING.format(kind="m.kind", id="m.id")
        order, position = _in_reading_order(after)
        head = (kind,)
    if position is not None:
        marks = ", ".join("?" for _ in position)
        sql = f"{base} AND ({order}) > ({marks}) ORDER BY {order} LIMIT 1"
        found = conn.execute(sql, (*head, *position)).fetchone()
        if found is not None:
            return str(found[0]), str(found[1])
    found = conn.execute(f"{base} ORDER BY {order} LIMIT 1", head).fetchone()
    if found is None or (after is not None and str(found[1]) == after.id):
        return None
    return str(found[0]), str(found[1])


def pdf_source(corpus: Path, document: dict[str, Any]) -> tuple[Path, str | None]:
    """The PDF file of a document, and its password from the manifest if it has one."""
    return corpus / str(document["file"]), manifest_passwords(corpus).get(str(document["file"]))


_passwords: dict[tuple[str, str | None, int, int], dict[str, str]] = {}


def manifest_passwords(corpus: Path) -> dict[str, str]:
    """file -> password of the manifest's entries that have one ({} when the manifest cannot be
    read), read again only when the manifest changes: every audit page of a PDF item asks, and
    parsing the manifest took 25 ms on the server's event loop each time."""
    from pipeline.manifest import find_manifest, load_manifest

    manifest = find_manifest(corpus)
    try:
        stat = manifest.stat() if manifest is not None else None
    except OSError:
        stat = None
    key = (
        str(corpus),
        None if manifest is None else str(manifest),
        *((stat.st_mtime_ns, stat.st_size) if stat else (0, 0)),
    )
    if key not in _passwords:
        try:
            found = {
                e.file: str(e.meta["password"]) for e in load_manifest(corpus) if e.meta.get("password") is not None
            }
        except Exception:  # a manifest that cannot be read leaves the PDF without a password
            found = {}
        _passwords.clear()  # one corpus is served at a time: keep only the newest reading
        _passwords[key] = found
    return _passwords[key]
