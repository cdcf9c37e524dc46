-- Empty tables for the kinds other branches fill (page references, quotations,
-- cited documents, named bodies), with the columns agreed for them, so that the
-- reviewers' canned queries (db/metadata.yaml) run on every build. This file runs
-- last: where a kind's own schema file has created its table, IF NOT EXISTS makes
-- these statements do nothing. Once every kind has its own file, delete this one.

CREATE TABLE IF NOT EXISTS cited_documents (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    short_name TEXT,
    aliases TEXT
);

CREATE TABLE IF NOT EXISTS page_refs (
    id TEXT PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    line_id INTEGER NOT NULL REFERENCES lines(id),
    page INTEGER,
    line INTEGER NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    text TEXT NOT NULL,
    x0 REAL, top REAL, x1 REAL, bottom REAL,
    page_first INTEGER,
    page_last INTEGER,
    page_count INTEGER,
    cites TEXT,
    cited_document_id INTEGER REFERENCES cited_documents(id),
    resolution TEXT
);

CREATE TABLE IF NOT EXISTS quotes (
    id TEXT PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    text TEXT NOT NULL,
    first_line INTEGER,
    last_line INTEGER,
    page_first INTEGER,
    page_last INTEGER,
    page_count INTEGER,
    cites TEXT,
    cited_document_id INTEGER REFERENCES cited_documents(id),
    resolution TEXT,
    speaker TEXT,
    duplicate_of TEXT REFERENCES quotes(id)
);

CREATE TABLE IF NOT EXISTS quote_segments (
    id TEXT PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    line_id INTEGER NOT NULL REFERENCES lines(id),
    page INTEGER,
    line INTEGER NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    text TEXT NOT NULL,
    x0 REAL, top REAL, x1 REAL, bottom REAL,
    quote_id TEXT NOT NULL REFERENCES quotes(id),
    seq INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS bodies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT,
    aliases TEXT,
    ods_code TEXT
);

CREATE TABLE IF NOT EXISTS body_mentions (
    id TEXT PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    line_id INTEGER NOT NULL REFERENCES lines(id),
    page INTEGER,
    line INTEGER NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    text TEXT NOT NULL,
    x0 REAL, top REAL, x1 REAL, bottom REAL,
    body_id INTEGER REFERENCES bodies(id),
    name TEXT,
    type TEXT
);
