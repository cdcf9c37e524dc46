-- Financial facts: what each amount of money IS. One row per `money` row (pipeline/facts/,
-- rules/facts.yaml): whose money (subject), what it measures (measure), for which period (period),
-- the rule that decided each, and `basis`, the deciding words with their spans in `lines`.
CREATE TABLE money_facts (
    money_id TEXT PRIMARY KEY REFERENCES money(id),   -- = money.id
    document_id INTEGER NOT NULL REFERENCES documents(id),
    subject_id TEXT REFERENCES bodies(id),   -- whose finances the amount describes; NULL: no one body
    subject TEXT,                    -- its canonical name (bodies.name); NULL: no one body is meant
    measure TEXT NOT NULL,           -- deficit | surplus | control_total | savings | gap | funding | capital | spend | other
    period TEXT,                     -- 2017/18; a run 2016/17-2020/21; a calendar year 2015; NULL: none named
    period_source TEXT NOT NULL,     -- sentence | paragraph | heading | column_header | document | none
    measure_rule TEXT NOT NULL,      -- rule ids of rules/facts.yaml (or built-in steps: measure.part_of, ...)
    subject_rule TEXT NOT NULL,
    period_rule TEXT NOT NULL,
    basis TEXT NOT NULL              -- JSON list, one item per field: {field, rule, words, spans: [{page, line,
                                     -- char_start, char_end, text}]}; lines.text[char_start:char_end] == text
);
CREATE INDEX idx_money_facts_document ON money_facts(document_id);
CREATE INDEX idx_money_facts_subject ON money_facts(subject_id);
CREATE INDEX idx_money_facts_measure ON money_facts(measure, period);

CREATE VIEW facts AS
SELECT m.id, m.id AS money_id, m.document_id, d.sha256 AS doc_sha256, d.file AS doc, m.page, m.line,
       m.char_start, m.char_end, m.text, l.text AS line_text, m.low, m.high, m.currency,
       f.subject_id, f.subject, f.measure, f.period, f.period_source,
       f.measure_rule, f.subject_rule, f.period_rule, f.basis
FROM money m JOIN money_facts f ON f.money_id = m.id
JOIN documents d ON d.id = m.document_id JOIN lines l ON l.id = m.line_id;
