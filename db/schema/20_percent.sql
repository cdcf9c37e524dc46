-- Percentages. low/high as written (14-16% -> 14, 16); negative when signed.
CREATE TABLE percentages (
    id TEXT PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    line_id INTEGER NOT NULL REFERENCES lines(id),
    page INTEGER,
    line INTEGER NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    text TEXT NOT NULL,
    x0 REAL, top REAL, x1 REAL, bottom REAL,
    low REAL NOT NULL,
    high REAL NOT NULL,
    qualifier TEXT,                  -- about, almost, over, under, at least, up to, only (rules/amounts.yaml)
    qualifier_text TEXT,             -- the qualifier as written
    normalised TEXT
);
CREATE INDEX idx_percentages_document ON percentages(document_id);
CREATE INDEX idx_percentages_line ON percentages(line_id);

CREATE VIEW mentions_percent AS
SELECT m.id, 'percent' AS kind, m.document_id, d.sha256 AS doc_sha256, d.file AS doc, m.page, m.line,
       m.char_start, m.char_end, m.text, l.text AS line_text, m.low, m.high, NULL AS currency,
       NULL AS page_first, NULL AS page_last, NULL AS cites, NULL AS name, NULL AS type
FROM percentages m JOIN documents d ON d.id = m.document_id JOIN lines l ON l.id = m.line_id;
