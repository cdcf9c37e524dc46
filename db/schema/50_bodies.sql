-- Named bodies. `bodies` is corpus-wide: one row per canonical body, whichever documents
-- name it (the loader merges rows of the same id, uniting their aliases). `body_mentions`
-- has one row per mention, pointing at its body.
CREATE TABLE bodies (
    id TEXT PRIMARY KEY,             -- slug of the canonical name (stable across builds)
    name TEXT NOT NULL,              -- canonical name: `Princess Alexandra Hospital NHS Trust`
    type TEXT NOT NULL,              -- national | ccg | trust | stp | local_gov | parliament | union
                                     -- | think_tank | company | media | other
    aliases TEXT NOT NULL DEFAULT '[]',  -- JSON list: known names and the spellings met in the corpus
    ods_code TEXT,                   -- NHS organisation code (ODS), where known
    official_name TEXT,              -- the official name as ODS gives it (`The Princess Alexandra ...`)
    opened TEXT,                     -- ODS open and close dates (YYYY-MM-DD)
    closed TEXT,
    source TEXT NOT NULL             -- gazetteer | ods | pattern | abbreviation | ner
);
CREATE INDEX idx_bodies_name ON bodies(name);
CREATE INDEX idx_bodies_ods ON bodies(ods_code);

CREATE TABLE body_mentions (
    id TEXT PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    line_id INTEGER NOT NULL REFERENCES lines(id),
    page INTEGER,
    line INTEGER NOT NULL,
    char_start INTEGER NOT NULL,     -- offsets in the raw line (lines.text)
    char_end INTEGER NOT NULL,
    text TEXT NOT NULL,              -- lines.text[char_start:char_end]: the name as written
    x0 REAL, top REAL, x1 REAL, bottom REAL,
    body_id TEXT NOT NULL REFERENCES bodies(id),
    name TEXT NOT NULL,              -- the body's canonical name
    type TEXT NOT NULL,              -- the body's type
    how TEXT NOT NULL                -- gazetteer | pattern | abbreviation | ner
);
CREATE INDEX idx_body_mentions_document ON body_mentions(document_id);
CREATE INDEX idx_body_mentions_line ON body_mentions(line_id);
CREATE INDEX idx_body_mentions_body ON body_mentions(body_id);

CREATE VIEW mentions_body AS
SELECT m.id, 'body' AS kind, m.document_id, d.sha256 AS doc_sha256, d.file AS doc, m.page, m.line,
       m.char_start, m.char_end, m.text, l.text AS line_text, NULL AS low, NULL AS high, NULL AS currency,
       NULL AS page_first, NULL AS page_last, NULL AS cites, m.name, m.type
FROM body_mentions m JOIN documents d ON d.id = m.document_id JOIN lines l ON l.id = m.line_id;
