-- Core tables of every build. Files in db/schema/ run in name order.
-- A kind of mention adds its own file: its table and a view mentions_<kind>
-- giving the columns listed in pipeline/extract/__init__.py (MENTION_COLUMNS);
-- the build joins every mentions_<kind> view into the view `mentions`.

CREATE TABLE builds (
    id INTEGER PRIMARY KEY,
    started TEXT NOT NULL,          -- UTC, ISO 8601
    finished TEXT,
    code_version TEXT NOT NULL,
    rules_version TEXT NOT NULL,
    corpus TEXT NOT NULL,
    documents INTEGER,
    failed INTEGER
);

CREATE TABLE documents (
    id INTEGER PRIMARY KEY,          -- position in the manifest (stable while the manifest is)
    file TEXT NOT NULL UNIQUE,       -- path within the corpus folder
    sha256 TEXT,                     -- of the file's bytes as read
    title TEXT,
    publisher TEXT,
    author TEXT,
    date TEXT,
    kind TEXT,                       -- report, evidence submission, web page, news, ...
    media_type TEXT,                 -- text | pdf
    source TEXT,
    licence TEXT,
    inferred INTEGER NOT NULL DEFAULT 0,   -- 1: no manifest entry, metadata inferred
    page_count INTEGER,
    line_count INTEGER,
    status TEXT NOT NULL             -- built | built_with_warnings | failed
);

CREATE TABLE lines (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    page INTEGER,                    -- 1-based page (PDF); NULL for text
    line INTEGER NOT NULL,           -- 1-based: line of the file (text) or of the page (PDF)
    text TEXT NOT NULL,              -- the line exactly as published / as read from the PDF
    role TEXT NOT NULL DEFAULT 'body',   -- body | header | footer | page_number
    x0 REAL, top REAL, x1 REAL, bottom REAL,
    source TEXT NOT NULL DEFAULT 'text', -- text: the file's text or a PDF's text layer; ocr: read by OCR
    confidence REAL                  -- OCR lines: the recogniser's confidence (0-1); NULL otherwise
);
CREATE UNIQUE INDEX idx_lines_position ON lines(document_id, page, line);

CREATE TABLE problems (
    id INTEGER PRIMARY KEY,
    build_id INTEGER REFERENCES builds(id),
    file TEXT NOT NULL,
    page INTEGER,
    line INTEGER,
    severity TEXT NOT NULL,          -- error: not built; warning: built with loss
    reason TEXT NOT NULL,            -- missing, sha_mismatch, empty, binary, not_utf8, ...
    message TEXT NOT NULL
);
