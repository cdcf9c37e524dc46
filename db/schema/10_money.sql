-- Amounts of money. low/high in whole units of `currency`; low == high for one amount.
CREATE TABLE money (
    id TEXT PRIMARY KEY,             -- stable mention id (document SHA-256, position, text)
    document_id INTEGER NOT NULL REFERENCES documents(id),
    line_id INTEGER NOT NULL REFERENCES lines(id),
    page INTEGER,
    line INTEGER NOT NULL,
    char_start INTEGER NOT NULL,     -- offsets in the raw line (lines.text)
    char_end INTEGER NOT NULL,
    text TEXT NOT NULL,              -- lines.text[char_start:char_end]
    x0 REAL, top REAL, x1 REAL, bottom REAL,
    currency TEXT NOT NULL,          -- GBP | USD | EUR
    low REAL NOT NULL,
    high REAL NOT NULL,
    qualifier TEXT,                  -- what a qualifier beside it means: about, almost, over, under, at least, up to, only
    qualifier_text TEXT,             -- the qualifier as written: c., circa, more than, just over, ...
    rate TEXT,                       -- per year, per month, per week, per day, per hour, per head, per <unit>
    fin_year TEXT,                   -- financial year written beside it: 2017-18, 2018/19
    normalised TEXT,                 -- the span after clean-up (£13.4m for \pounds 13.4m)
    basis TEXT NOT NULL,             -- how the currency is known: text (a sign or word beside it), column_header
                                     -- (a table cell under `Amount (£)`, `£000`...), amount_column (under `AP Amount`)
    header_page INTEGER,             -- for a table cell: the page (PDF) and line of the header row
    header_line INTEGER
);
CREATE INDEX idx_money_document ON money(document_id);
CREATE INDEX idx_money_line ON money(line_id);
CREATE INDEX idx_money_high ON money(high);
CREATE INDEX idx_money_basis ON money(basis);

CREATE VIEW mentions_money AS
SELECT m.id, 'money' AS kind, m.document_id, d.sha256 AS doc_sha256, d.file AS doc, m.page, m.line,
       m.char_start, m.char_end, m.text, l.text AS line_text, m.low, m.high, m.currency,
       NULL AS page_first, NULL AS page_last, NULL AS cites, NULL AS name, NULL AS type
FROM money m JOIN documents d ON d.id = m.document_id JOIN lines l ON l.id = m.line_id;
