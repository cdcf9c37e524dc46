-- Documents that page references and quotations cite (rules/cited_documents.yaml): one
-- table for the whole corpus; `aliases` is a JSON list (MOU, MoU, Memorandum of Understanding).
CREATE TABLE cited_documents (
    id INTEGER PRIMARY KEY,          -- stable, from the rule file
    name TEXT NOT NULL,
    short_name TEXT,
    aliases TEXT,                    -- JSON list of the names the text may use
    footprint TEXT                   -- the STP footprint the document belongs to; NULL: national
);

-- Page references: `(p43)`, `pp17-18`, `p 11/11`, `page 61 of 225`, `PAGE 3`, `Page 3 of 12`.
CREATE TABLE page_refs (
    id TEXT PRIMARY KEY,             -- stable mention id
    document_id INTEGER NOT NULL REFERENCES documents(id),
    line_id INTEGER NOT NULL REFERENCES lines(id),
    page INTEGER,
    line INTEGER NOT NULL,
    char_start INTEGER NOT NULL,     -- offsets in the raw line (lines.text)
    char_end INTEGER NOT NULL,
    text TEXT NOT NULL,              -- lines.text[char_start:char_end]
    x0 REAL, top REAL, x1 REAL, bottom REAL,
    page_first INTEGER NOT NULL,
    page_last INTEGER NOT NULL,      -- == page_first for one page
    page_count INTEGER,              -- the cited document's length where given: p356/487, page 61 of 225
    cites TEXT,                      -- the document named beside the number, as written (FBC, MoU, May Board papers)
    cited_document_id INTEGER REFERENCES cited_documents(id),
    resolution TEXT,                 -- how the cited document was found: named | self | paragraph | section; NULL: not found
    quote_id TEXT,                   -- the quotation this reference is attributed to (quotes.id)
    normalised TEXT
);
CREATE INDEX idx_page_refs_document ON page_refs(document_id);
CREATE INDEX idx_page_refs_line ON page_refs(line_id);
CREATE INDEX idx_page_refs_cited ON page_refs(cited_document_id);
CREATE INDEX idx_page_refs_quote ON page_refs(quote_id);

CREATE VIEW mentions_page_ref AS
SELECT m.id, 'page_ref' AS kind, m.document_id, d.sha256 AS doc_sha256, d.file AS doc, m.page, m.line,
       m.char_start, m.char_end, m.text, l.text AS line_text, NULL AS low, NULL AS high, NULL AS currency,
       m.page_first, m.page_last, m.cites, NULL AS name, NULL AS type
FROM page_refs m JOIN documents d ON d.id = m.document_id JOIN lines l ON l.id = m.line_id;
