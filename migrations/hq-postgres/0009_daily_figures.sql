-- The figures reports read, per store and business day (issue 14; crate::daily_figures says what
-- each record adds): takings by tender (cash net of change), tax and net by rate, returns by
-- reason, refunds by tender, voided sales, drawer differences at shift close. From now on a
-- record filed for the first time adds to them in the same transaction; here they are filled
-- from what is already held, by the same rules.
CREATE TABLE daily_figures (
    store        text COLLATE "C" NOT NULL,
    business_day text COLLATE "C" NOT NULL,
    measure      text COLLATE "C" NOT NULL,
    key          text COLLATE "C" NOT NULL,
    count        bigint NOT NULL,
    amount       bigint NOT NULL,
    PRIMARY KEY (store, business_day, measure, key)
);

INSERT INTO daily_figures (store, business_day, measure, key, count, amount)
    SELECT s.store, s.business_day, 'tender', t.value->>'kind',
           count(DISTINCT s.id), sum((t.value->>'amount')::bigint)
    FROM sales s, jsonb_array_elements(s.record::jsonb->'tenders') t GROUP BY 1, 2, 4;
-- Change is given in cash only.
UPDATE daily_figures f SET amount = f.amount - (
        SELECT coalesce(sum((s.record::jsonb->>'change')::bigint), 0) FROM sales s
        WHERE s.store = f.store AND s.business_day = f.business_day)
    WHERE f.measure = 'tender' AND f.key = 'cash';
INSERT INTO daily_figures (store, business_day, measure, key, count, amount)
    SELECT s.store, s.business_day, 'tax', t.value->>'rate',
           count(DISTINCT s.id), sum((t.value->>'tax')::bigint)
    FROM sales s, jsonb_array_elements(s.record::jsonb->'taxes') t GROUP BY 1, 2, 4;
INSERT INTO daily_figures (store, business_day, measure, key, count, amount)
    SELECT s.store, s.business_day, 'net', t.value->>'rate',
           count(DISTINCT s.id), sum((t.value->>'net')::bigint)
    FROM sales s, jsonb_array_elements(s.record::jsonb->'taxes') t GROUP BY 1, 2, 4;
INSERT INTO daily_figures (store, business_day, measure, key, count, amount)
    SELECT store, record::jsonb->>'business_day', 'return',
           substr(btrim(coalesce(record::jsonb->>'reason', '')), 1, 100),
           count(*), sum((record::jsonb->>'total')::bigint)
    FROM records WHERE kind = 'return' GROUP BY 1, 2, 4;
INSERT INTO daily_figures (store, business_day, measure, key, count, amount)
    SELECT r.store, r.record::jsonb->>'business_day', 'refund', t.value->>'kind',
           count(DISTINCT r.id), sum((t.value->>'amount')::bigint)
    FROM records r, jsonb_array_elements(r.record::jsonb->'refunds') t
    WHERE r.kind = 'return' GROUP BY 1, 2, 4;
INSERT INTO daily_figures (store, business_day, measure, key, count, amount)
    SELECT v.store, v.business_day, 'void', '', count(*),
           coalesce(sum((s.record::jsonb->>'total')::bigint), 0)
    FROM voids v LEFT JOIN sales s ON s.id = v.sale_id GROUP BY 1, 2;
INSERT INTO daily_figures (store, business_day, measure, key, count, amount)
    SELECT r.record::jsonb->>'store', r.record::jsonb->>'business_day',
           'shift_difference', t.value->>'kind',
           count(DISTINCT r.id), sum((t.value->>'amount')::bigint)
    FROM records r, jsonb_array_elements(r.record::jsonb->'difference') t
    WHERE r.kind = 'shift_close' GROUP BY 1, 2, 4;
