"""Attach every verdict to an item of the current build, or list it as orphaned.

A verdict's target is found again in three steps:

1. same: the item recorded still exists with the same key (same document bytes,
   kind, position and text). Mention ids are built from exactly these, so an
   unchanged document gives the same id after any number of rebuilds.
2. reanchored: the document changed (new SHA-256) or the item moved. Among the
   items of the same kind with the same text in the same document (by file name
   or by SHA-256), the one whose surrounding text best matches the recorded
   TextQuoteSelector prefix and suffix is chosen, provided at least half of that
   context still matches; a tie goes to the one nearest the recorded line.
3. orphaned: nothing qualifies. The verdict is kept and listed, never dropped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.reviews import items, store
from pipeline.reviews.store import Anchor, Target

MIN_CONTEXT_SHARE = 0.5


@dataclass(frozen=True)
class Candidate:
    key: str
    prefix: str
    suffix: str
    line: int


@dataclass
class AnchorReport:
    build: str | None
    same: int = 0
    reanchored: int = 0
    orphaned: list[Target] = field(default_factory=list)

    @property
    def targets(self) -> int:
        return self.same + self.reanchored + len(self.orphaned)


def common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def common_suffix(a: str, b: str) -> int:
    return common_prefix(a[::-1], b[::-1])


def choose(target: Target, cands: Sequence[Candidate]) -> tuple[int, int] | None:
    """Index of the best candidate and its score (context characters matched), or None."""
    if not cands:
        return None
    for i, c in enumerate(cands):
        if c.key == target.target_key:
            return i, len(target.prefix) + len(target.suffix)
    scored = [
        (common_suffix(c.prefix, target.prefix) + common_prefix(c.suffix, target.suffix), -abs(c.line - target.line), i)
        for i, c in enumerate(cands)
    ]
    score, _, best = max(scored)
    context = len(target.prefix) + len(target.suffix)
    if context and score < MIN_CONTEXT_SHARE * context:
        return None
    return best, score


def anchor_one(conn: sqlite3.Connection, target: Target) -> Anchor:
    item = items.get_item(conn, target.item_kind, target.item_id)
    if item is not None and items.target(conn, item).target_key == target.target_key:
        return _anchor(target, item, "same", None)
    found = items.candidates(conn, target.item_kind, target.doc, target.doc_sha256, target.exact)
    cands = []
    for it in found:
        t = items.target(conn, it)
        cands.append(Candidate(t.target_key, t.prefix, t.suffix, t.line))
    chosen = choose(target, cands)
    if chosen is None:
        return Anchor(target.target_key, target.item_kind, None, "orphaned")
    index, score = chosen
    method = "same" if cands[index].key == target.target_key else "reanchored"
    return _anchor(target, found[index], method, float(score))


def _anchor(target: Target, item: items.Item, method: str, score: float | None) -> Anchor:
    return Anchor(
        target.target_key,
        target.item_kind,
        item.id,
        method,
        item.document_id,
        item.first.page,
        item.first.line,
        score,
        value_changes(target.recorded_values, item.values),
    )


def value_changes(recorded: dict[str, Any], now: dict[str, Any]) -> str | None:
    """The values that differ from those the reviewer saw, in words: 'low: 13.4 -> 13400000.0'."""
    changed = [
        f"{k}: {_show(recorded.get(k))} -> {_show(now.get(k))}"
        for k in sorted(set(recorded) | set(now))
        if recorded.get(k) != now.get(k)
    ]
    return "; ".join(changed) or None


def _show(value: Any) -> str:
    return "(none)" if value is None else str(value)


def build_stamp(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute("SELECT started, code_version FROM builds ORDER BY id DESC LIMIT 1").fetchone()
    except sqlite3.Error:
        return None
    return None if row is None else f"{row[0]} {row[1]}"


def reanchor(nhs: sqlite3.Connection, reviews: sqlite3.Connection) -> AnchorReport:
    """Recompute every anchor against `nhs` and write them in one transaction on the reviews database.

    The anchors are computed first, without holding the write lock; then, holding
    it, any verdict on a new item recorded meanwhile is anchored too before the
    table is rewritten, so no verdict is left without an anchor.
    """
    report = AnchorReport(build_stamp(nhs))
    computed = {t.target_key: anchor_one(nhs, t) for t in store.targets(reviews)}
    with store.transaction(reviews):
        anchors = []
        for t in store.targets(reviews):
            a = computed.get(t.target_key) or anchor_one(nhs, t)
            anchors.append(a)
            if a.method == "same":
                report.same += 1
            elif a.method == "reanchored":
                report.reanchored += 1
            else:
                report.orphaned.append(t)
        store.replace_anchors(reviews, anchors, report.build)
    return report


def reanchor_files(nhs_db: Path, reviews_db: Path) -> AnchorReport:
    nhs = sqlite3.connect(f"file:{nhs_db}?mode=ro", uri=True)
    reviews = store.connect(reviews_db)
    try:
        return reanchor(nhs, reviews)
    finally:
        nhs.close()
        reviews.close()
