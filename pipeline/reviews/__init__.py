"""Reviewers' verdicts on extracted quotations and figures.

Verdicts live in their own SQLite file (``db/reviews.db`` beside ``db/nhs.db``),
never in the rebuilt database. Each verdict names its item by a key that is
stable across rebuilds (document SHA-256, kind, position, text) and carries a
W3C TextQuoteSelector (exact, prefix, suffix), so that after a rebuild it can be
attached again to the same item even when the document changed around it.

- `store`: the reviews database: record, import, export (append-only history).
- `items`: read quotations and mentions, their context and selectors, from nhs.db.
- `anchor`: attach every verdict to an item of the current build, or list it as orphaned.
- `audit`: the plain data behind the audit page of one item.
- `facts`: facts (whose money, what it measures, which period) as items, and their corrections.
- `pagecrop`: a picture of the PDF page region around an item, boxed.
- `cli`: ``python -m pipeline reviews export|import|list|orphans|anchor|add-reviewer``.
"""
