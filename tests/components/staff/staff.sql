-- Staff counts (tests/components/staff): one row per count of staff, with its role.
CREATE TABLE staff_counts (
    id TEXT PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    line_id INTEGER NOT NULL REFERENCES lines(id),
    page INTEGER,
    line INTEGER NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    text TEXT NOT NULL,
    x0 REAL, top REAL, x1 REAL, bottom REAL,
    count INTEGER NOT NULL,
    role TEXT NOT NULL
);

CREATE VIEW mentions_staff AS
SELECT m.id, 'staff' AS kind, m.document_id, d.sha256 AS doc_sha256, d.file AS doc, m.page, m.line,
       m.char_start, m.char_end, m.text, l.text AS line_text, m.count AS low, m.count AS high, NULL AS currency,
       NULL AS page_first, NULL AS page_last, NULL AS cites, NULL AS name, m.role AS type
FROM staff_counts m JOIN documents d ON d.id = m.document_id JOIN lines l ON l.id = m.line_id;
