-- The figures reports read, per store and business day (issue 14; crate::daily_figures says what
-- each record adds): takings by tender (cash net of change), tax and net by rate, returns by
-- reason, refunds by tender, voided sales, drawer differences at shift close. From now on a
-- record filed for the first time adds to them in the same transaction; here they are filled
-- from what is already held, by the same rules.
CREATE TABLE daily_figures (
    store TEXT NOT NULL,
    business_day TEXT NOT NULL,
    measure TEXT NOT NULL,
    key TEXT NOT NULL,
    count INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    PRIMARY KEY (store, business_day, measure, key)
) WITHOUT ROWID;

INSERT INTO daily_figures (store, business_day, measure, key, count, amount)
    SELECT s.store, s.business_day, 'tender', json_extract(t.value, '$.kind'),
           count(DISTINCT s.id), sum(json_extract(t.value, '$.amount'))
    FROM sales s, json_each(s.record, '$.tenders') t GROUP BY 1, 2, 4;
-- Change is given in cash only.
UPDATE daily_figures SET amount = amount - (
        SELECT coalesce(sum(json_extract(s.record, '$.change')), 0) FROM sales s
        WHERE s.store = daily_figures.store AND s.business_day = daily_figures.business_day)
    WHERE measure = 'tender' AND key = 'cash';
INSERT INTO daily_figures (store, business_day, measure, key, count, amount)
    SELECT s.store, s.business_day, 'tax', CAST(json_extract(t.value, '$.rate') AS TEXT),
           count(DISTINCT s.id), sum(json_extract(t.value, '$.tax'))
    FROM sales s, json_each(s.record, '$.taxes') t GROUP BY 1, 2, 4;
INSERT INTO daily_figures (store, business_day, measure, key, count, amount)
    SELECT s.store, s.business_day, 'net', CAST(json_extract(t.value, '$.rate') AS TEXT),
           count(DISTINCT s.id), sum(json_extract(t.value, '$.net'))
    FROM sales s, json_each(s.record, '$.taxes') t GROUP BY 1, 2, 4;
INSERT INTO daily_figures (store, business_day, measure, key, count, amount)
    SELECT store, json_extract(record, '$.business_day'), 'return',
           substr(trim(coalesce(json_extract(record, '$.reason'), '')), 1, 100),
           count(*), sum(json_extract(record, '$.total'))
    FROM records WHERE kind = 'return' GROUP BY 1, 2, 4;
INSERT INTO daily_figures (store, business_day, measure, key, count, amount)
    SELECT r.store, json_extract(r.record, '$.business_day'), 'refund', json_extract(t.value, '$.kind'),
           count(DISTINCT r.id), sum(json_extract(t.value, '$.amount'))
    FROM records r, json_each(r.record, '$.refunds') t WHERE r.kind = 'return' GROUP BY 1, 2, 4;
INSERT INTO daily_figures (store, business_day, measure, key, count, amount)
    SELECT v.store, v.business_day, 'void', '', count(*),
           coalesce(sum(json_extract(s.record, '$.total')), 0)
    FROM voids v LEFT JOIN sales s ON s.id = v.sale_id GROUP BY 1, 2;
INSERT INTO daily_figures (store, business_day, measure, key, count, amount)
    SELECT json_extract(r.record, '$.store'), json_extract(r.record, '$.business_day'),
           'shift_difference', json_extract(t.value, '$.kind'),
           count(DISTINCT r.id), sum(json_extract(t.value, '$.amount'))
    FROM records r, json_each(r.record, '$.difference') t WHERE r.kind = 'shift_close'
    GROUP BY 1, 2, 4;
