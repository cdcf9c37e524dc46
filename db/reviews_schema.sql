-- The reviewers' database (db/reviews.db). It lives OUTSIDE the rebuilt db/nhs.db,
-- so `make` never touches it. Verdicts are only ever added: a later verdict on the
-- same item supersedes an earlier one, and the history is kept.
-- Run when a store is opened whose PRAGMA user_version is older than the code's
-- (pipeline/reviews/store.py: SCHEMA_VERSION): tables are kept, views are recreated.

CREATE TABLE IF NOT EXISTS verdicts (
    id INTEGER PRIMARY KEY,          -- local row number (differs between copies; use uid to compare)
    uid TEXT NOT NULL UNIQUE,        -- sha1 of the verdict's content: the same verdict imported twice is one row
    target_key TEXT NOT NULL,        -- sha1 of doc_sha256|item_kind|page|line|char_start|char_end|exact
    item_kind TEXT NOT NULL,         -- quote, or a mention kind: money, percent, page_ref, body
    item_id TEXT NOT NULL,           -- the item's id in nhs.db when the verdict was recorded
    doc TEXT NOT NULL,               -- documents.file when recorded
    doc_sha256 TEXT NOT NULL,        -- documents.sha256 when recorded
    page INTEGER,                    -- position when recorded (page NULL for text sources)
    line INTEGER NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,       -- for a quotation: the end offset on its last line
    exact TEXT NOT NULL,             -- W3C TextQuoteSelector: the text reviewed ...
    prefix TEXT NOT NULL,            -- ... the text just before it in the document ...
    suffix TEXT NOT NULL,            -- ... and just after it (used to re-anchor after a rebuild)
    recorded_values TEXT,            -- JSON: the item's values when reviewed (low, high, speaker, ...)
    verdict TEXT NOT NULL CHECK (verdict IN ('confirmed', 'wrong', 'unsure')),
    correct TEXT,                    -- for `wrong`: the correct text or value
    note TEXT,
    reviewer TEXT NOT NULL,          -- the signed-in actor's id
    created TEXT NOT NULL,           -- UTC, ISO 8601 with microseconds
    CHECK (verdict != 'wrong' OR length(trim(coalesce(correct, ''))) > 0)
);
CREATE INDEX IF NOT EXISTS idx_verdicts_target ON verdicts(target_key, created);
CREATE INDEX IF NOT EXISTS idx_verdicts_reviewer ON verdicts(reviewer);

CREATE TRIGGER IF NOT EXISTS verdicts_never_updated BEFORE UPDATE ON verdicts
BEGIN SELECT RAISE(ABORT, 'verdicts are never changed: record a new verdict, which supersedes it'); END;
CREATE TRIGGER IF NOT EXISTS verdicts_never_deleted BEFORE DELETE ON verdicts
BEGIN SELECT RAISE(ABORT, 'verdicts are never deleted: record a new verdict, which supersedes it'); END;

-- Where each verdict's item is in the current nhs.db. Derived data: rewritten after
-- every build (and when Datasette starts), never the only copy of anything.
CREATE TABLE IF NOT EXISTS anchors (
    target_key TEXT PRIMARY KEY,
    item_kind TEXT NOT NULL,
    item_id TEXT,                    -- current id in nhs.db; NULL when orphaned
    method TEXT NOT NULL CHECK (method IN ('same', 'reanchored', 'orphaned')),
    document_id INTEGER,             -- current position (NULL when orphaned)
    page INTEGER,
    line INTEGER,
    score REAL,                      -- context characters matched when re-anchored
    changes TEXT,                    -- values that differ from those reviewed: 'low: 13.4 -> 13400000'
    build TEXT,                      -- builds.started of the nhs.db anchored against
    anchored_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_anchors_item ON anchors(item_kind, item_id);

-- Every id a reviewed item has had in any build (recorded, then each anchor): an audit URL
-- saved before an edit moved the item (ids follow positions) is sent to where it is now.
CREATE TABLE IF NOT EXISTS item_ids (
    item_kind TEXT NOT NULL,
    item_id TEXT NOT NULL,
    target_key TEXT NOT NULL,        -- the reviewed item (verdicts.target_key)
    first_seen TEXT NOT NULL,        -- UTC, when this id was first seen for it
    PRIMARY KEY (item_kind, item_id, target_key)
);
INSERT OR IGNORE INTO item_ids (item_kind, item_id, target_key, first_seen)
    SELECT item_kind, item_id, target_key, created FROM verdicts;
INSERT OR IGNORE INTO item_ids (item_kind, item_id, target_key, first_seen)
    SELECT item_kind, item_id, target_key, anchored_at FROM anchors WHERE item_id IS NOT NULL;

-- Every verdict with its anchor.
DROP VIEW IF EXISTS verdict_history;
CREATE VIEW verdict_history AS
SELECT v.id, v.uid, v.item_kind, v.item_id AS recorded_item_id, a.item_id, coalesce(a.method, 'unanchored') AS anchor,
       v.doc, v.page, v.line, a.line AS current_line, v.exact, v.verdict, v.correct, v.note, v.reviewer, v.created,
       v.target_key, v.doc_sha256 AS made_on_sha256
FROM verdicts v LEFT JOIN anchors a ON a.target_key = v.target_key;

-- The verdict in force for each item of the current build: the latest one.
DROP VIEW IF EXISTS current_verdicts;
CREATE VIEW current_verdicts AS
SELECT v.id, v.uid, a.item_kind, a.item_id, a.method AS anchor, v.doc, a.document_id, a.page, a.line,
       v.exact, v.verdict, v.correct, v.note, v.reviewer, v.created, v.doc_sha256 AS made_on_sha256,
       (SELECT count(*) FROM verdicts v3 JOIN anchors a3 ON a3.target_key = v3.target_key
        WHERE a3.item_kind = a.item_kind AND a3.item_id = a.item_id) AS verdicts_on_item
FROM verdicts v JOIN anchors a ON a.target_key = v.target_key
WHERE a.item_id IS NOT NULL
  AND NOT EXISTS (
      SELECT 1 FROM verdicts v2 JOIN anchors a2 ON a2.target_key = v2.target_key
      WHERE a2.item_kind = a.item_kind AND a2.item_id = a.item_id
        AND (v2.created > v.created OR (v2.created = v.created AND v2.uid > v.uid)));

-- Verdicts whose item is not in the current build (kept, never dropped).
DROP VIEW IF EXISTS orphaned_verdicts;
CREATE VIEW orphaned_verdicts AS
SELECT v.id, v.uid, v.item_kind, v.item_id AS recorded_item_id, v.doc, v.doc_sha256, v.page, v.line,
       v.char_start, v.char_end, v.exact, v.prefix, v.suffix, v.verdict, v.correct, v.note, v.reviewer, v.created,
       coalesce(a.method, 'unanchored') AS anchor, a.anchored_at, a.build
FROM verdicts v LEFT JOIN anchors a ON a.target_key = v.target_key
WHERE a.item_id IS NULL;
