-- Amounts of money with a readable `amount` beside the numbers (which stay numeric): `£1.7bn`,
-- `£6,797,998.00`, `£500m–£600m`. The same rule as pipeline/readable.py (a test checks they agree):
-- written in full (the whole units appear among the text's digits) -> in full, with pennies if the
-- text has a decimal point; otherwise with bn, m or k.
CREATE VIEW money_readable AS
SELECT (SELECT group_concat(shown, '–') FROM (
          SELECT CASE WHEN v < 0 THEN '-' ELSE '' END
                 || CASE m.currency WHEN 'GBP' THEN '£' WHEN 'USD' THEN '$' WHEN 'EUR' THEN '€'
                                    ELSE coalesce(m.currency || ' ', '') END
                 || CASE WHEN instr(replace(m.text, ',', ''), printf('%d', cast(abs(v) AS INTEGER))) > 0
                         THEN printf('%,d', cast(abs(v) AS INTEGER))
                              || CASE WHEN instr(m.text, '.') > 0
                                      THEN printf('.%02d', cast(round((abs(v) - cast(abs(v) AS INTEGER)) * 100) AS INTEGER))
                                      ELSE '' END
                         WHEN abs(v) >= 1e9 THEN printf('%.6g', abs(v) / 1e9) || 'bn'
                         WHEN abs(v) >= 1e6 THEN printf('%.6g', abs(v) / 1e6) || 'm'
                         WHEN abs(v) >= 1e3 THEN printf('%.6g', abs(v) / 1e3) || 'k'
                         ELSE printf('%.6g', abs(v)) END AS shown
          FROM (SELECT m.low AS v UNION ALL SELECT m.high WHERE m.high != m.low)
          WHERE v IS NOT NULL)) AS amount,
       m.*
FROM money m;
