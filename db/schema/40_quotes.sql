-- Quotations of six words or more: one row per quotation, one segment per source line.
CREATE TABLE quotes (
    id TEXT PRIMARY KEY,             -- stable: document SHA-256, first line, start, text
    document_id INTEGER NOT NULL REFERENCES documents(id),
    text TEXT NOT NULL,              -- the full quotation as published (segments joined by a space; a word
                                     -- hyphenated across two lines of a PDF joined whole)
    normalised TEXT,                 -- the same after clean-up (curly quotes, \pounds, ...)
    words INTEGER,
    first_page INTEGER,              -- PDF page of the first / last segment (NULL for text)
    first_line INTEGER NOT NULL,
    last_page INTEGER,
    last_line INTEGER NOT NULL,
    segments INTEGER NOT NULL,
    page_first INTEGER,              -- the page reference the quotation is attributed to
    page_last INTEGER,
    page_count INTEGER,
    cites TEXT,                      -- the document named beside that page number, as written
    page_ref_id TEXT REFERENCES page_refs(id),
    cited_document_id INTEGER REFERENCES cited_documents(id),
    resolution TEXT,                 -- named | self | paragraph | section | NULL (see page_refs)
    speaker TEXT,                    -- who or what the sentence says is quoted
    duplicate_of TEXT REFERENCES quotes(id),   -- the first printing of a repeated quotation
    flags TEXT                       -- reopened, closing_lost, opening_lost, resumed, residue_trimmed
);
CREATE INDEX idx_quotes_document ON quotes(document_id);
CREATE INDEX idx_quotes_cited ON quotes(cited_document_id);
CREATE INDEX idx_quotes_duplicate ON quotes(duplicate_of);

CREATE TABLE quote_segments (
    id TEXT PRIMARY KEY,             -- stable mention id
    document_id INTEGER NOT NULL REFERENCES documents(id),
    line_id INTEGER NOT NULL REFERENCES lines(id),
    page INTEGER,
    line INTEGER NOT NULL,
    char_start INTEGER NOT NULL,     -- the quoted words of this line, without the marks
    char_end INTEGER NOT NULL,
    text TEXT NOT NULL,
    x0 REAL, top REAL, x1 REAL, bottom REAL,
    quote_id TEXT NOT NULL REFERENCES quotes(id),
    seq INTEGER NOT NULL             -- 1, 2, ... in reading order
);
CREATE INDEX idx_quote_segments_document ON quote_segments(document_id);
CREATE INDEX idx_quote_segments_line ON quote_segments(line_id);
CREATE INDEX idx_quote_segments_quote ON quote_segments(quote_id, seq);

-- A segment's page_first/page_last/cites are its quotation's page reference.
CREATE VIEW mentions_quote AS
SELECT s.id, 'quote' AS kind, s.document_id, d.sha256 AS doc_sha256, d.file AS doc, s.page, s.line,
       s.char_start, s.char_end, s.text, l.text AS line_text, NULL AS low, NULL AS high, NULL AS currency,
       q.page_first, q.page_last, q.cites, NULL AS name, NULL AS type
FROM quote_segments s JOIN quotes q ON q.id = s.quote_id
JOIN documents d ON d.id = s.document_id JOIN lines l ON l.id = s.line_id;

-- For reviewers: every quotation with its source, where it sits, what it is attributed to,
-- how the citation was resolved, and the lines either side for context.
CREATE VIEW quote_review AS
SELECT q.id AS quote_id,
       q.text AS quotation,
       q.speaker,
       cd.name AS cited_document,
       q.cites AS cites_as_written,
       CASE WHEN q.page_first IS NULL THEN NULL
            WHEN q.page_last = q.page_first THEN CAST(q.page_first AS TEXT)
            ELSE q.page_first || '-' || q.page_last END AS cited_page,
       q.resolution,
       q.duplicate_of,
       d.title AS document_title,
       d.file AS document_file,
       q.first_page, q.first_line, q.last_page, q.last_line,
       (SELECT b.text FROM lines b
         WHERE b.document_id = q.document_id AND b.id < (SELECT min(s.line_id) FROM quote_segments s WHERE s.quote_id = q.id)
           AND trim(b.text) <> '' ORDER BY b.id DESC LIMIT 1) AS line_before,
       (SELECT a.text FROM lines a
         WHERE a.document_id = q.document_id AND a.id > (SELECT max(s.line_id) FROM quote_segments s WHERE s.quote_id = q.id)
           AND trim(a.text) <> '' ORDER BY a.id LIMIT 1) AS line_after,
       q.flags,
       q.document_id
FROM quotes q
JOIN documents d ON d.id = q.document_id
LEFT JOIN cited_documents cd ON cd.id = q.cited_document_id;
