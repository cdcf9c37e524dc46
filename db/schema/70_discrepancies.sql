-- Where the documents disagree (pipeline/discrepancies.py, rules/discrepancies.yaml).
-- Written at the end of a build from the `facts` view (db/schema/60_facts.sql): groups of
-- facts with the same subject, measure, period, currency, rate and aspect in which two
-- amounts disagree (they differ by more than half the step the less precise one is written to).
CREATE TABLE discrepancies (
    id TEXT PRIMARY KEY,             -- sha1 of subject|measure|period|aspect|currency|rate: stable across rebuilds
    subject_id TEXT,                 -- bodies.id (NULL when the subject is a name not resolved to a body)
    subject TEXT NOT NULL,           -- whose finances
    measure TEXT NOT NULL,           -- deficit, surplus, control_total, gap, savings (the measures compared)
    period TEXT NOT NULL,            -- 2017/18, 2016/17-2020/21, 2015
    aspect TEXT,                     -- planned, forecast, cumulative, underlying, do_nothing, ... (NULL: none)
    currency TEXT NOT NULL,
    rate TEXT,                       -- per year, per head ... (amounts with different rates are not compared)
    facts INTEGER NOT NULL,          -- facts in the group (all of them, agreeing or not)
    claims INTEGER NOT NULL,         -- distinct claims: facts joined by agreement are one claim
    documents INTEGER NOT NULL,      -- documents the facts come from (1: a document disagrees with itself)
    amounts TEXT NOT NULL,           -- the amounts as written, in document order, each once: '£42m; £48.5m'
    fact_ids TEXT NOT NULL,          -- JSON list of the facts (money ids) it came from
    rule TEXT NOT NULL               -- the rule it came from (rules/discrepancies.yaml `rule`)
);

-- Each fact of a discrepancy.
CREATE TABLE discrepancy_facts (
    discrepancy_id TEXT NOT NULL REFERENCES discrepancies(id),
    fact_id TEXT NOT NULL,           -- facts.id = money.id
    seq INTEGER NOT NULL,            -- document order within the discrepancy, from 1
    claim INTEGER NOT NULL,          -- claim number from 1; facts that agree share one
    step REAL NOT NULL,              -- the precision the amount is written to (£42.1m: 100000)
    PRIMARY KEY (discrepancy_id, fact_id)
);
CREATE INDEX idx_discrepancy_facts_fact ON discrepancy_facts(fact_id);

-- One row per fact of each discrepancy, with its document, page, line and text.
CREATE VIEW discrepancy_review AS
SELECT x.id AS discrepancy_id, x.subject, x.measure, x.period, x.aspect, x.claims, x.documents AS documents_in,
       df.seq, df.claim, f.text AS amount, f.low, f.high, f.currency, d.title AS document, f.doc, f.page, f.line,
       f.line_text, f.id AS fact_id, '/-/audit/fact/' || f.id AS audit, x.rule
FROM discrepancies x
JOIN discrepancy_facts df ON df.discrepancy_id = x.id
JOIN facts f ON f.id = df.fact_id
JOIN documents d ON d.id = f.document_id;
