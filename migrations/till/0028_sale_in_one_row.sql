-- A sale's lines, taxes and tenders become columns of its row, as JSON in the record's own
-- shape (issue 11): each of the three tables was a B-tree every sale appended to, a page or more
-- written to the WAL and hashed before the commit's fsync (about 20 us each on the measured
-- disk; docs/BENCHMARKS.md). Nothing searched them by anything but the sale, except credit
-- redeemed by a code's key, which keeps its own small table, written only by sales paid with
-- store credit. Reports sum the JSON with json_each.
-- The rows are filled through kassa_sale_lines / _taxes / _tenders (migrations.rs), which parse
-- and write them with the record's types, so a migrated row equals a newly projected one.

DROP TRIGGER sales_immutable_update;
ALTER TABLE sales ADD COLUMN lines TEXT NOT NULL DEFAULT '[]';
ALTER TABLE sales ADD COLUMN taxes TEXT NOT NULL DEFAULT '[]';
ALTER TABLE sales ADD COLUMN tenders TEXT NOT NULL DEFAULT '[]';
UPDATE sales SET
    lines = kassa_sale_lines((
        SELECT json_group_array(json_object(
            'sku', sku, 'name', name, 'quantity', quantity, 'list_price', list_price,
            'unit_price', unit_price, 'override_reason', override_reason, 'gross', gross,
            'line_discount', line_discount, 'basket_discount', basket_discount,
            'amount', amount, 'tax_rate', tax_rate_bp, 'tax', tax) ORDER BY line_no)
        FROM sale_lines WHERE sale_id = sales.id)),
    taxes = kassa_sale_taxes((
        SELECT json_group_array(json_object(
            'rate', rate_bp, 'net', net, 'tax', tax, 'gross', gross) ORDER BY rate_bp)
        FROM sale_taxes WHERE sale_id = sales.id)),
    tenders = kassa_sale_tenders((
        SELECT json_group_array(json_object(
            'kind', kind, 'amount', amount, 'reference', reference) ORDER BY tender_no)
        FROM sale_tenders WHERE sale_id = sales.id));
CREATE TRIGGER sales_immutable_update BEFORE UPDATE ON sales
BEGIN SELECT RAISE(ABORT, 'sales are immutable: record a void instead'); END;

-- Store credit spent by sales: `reference` is the credit's key (never its code, 0022).
CREATE TABLE credit_redemptions (
    sale_id   TEXT    NOT NULL REFERENCES sales (id),
    tender_no INTEGER NOT NULL,
    reference TEXT    NOT NULL,
    amount    INTEGER NOT NULL,
    PRIMARY KEY (sale_id, tender_no)
) WITHOUT ROWID;
CREATE INDEX credit_redemptions_reference ON credit_redemptions (reference);
INSERT INTO credit_redemptions (sale_id, tender_no, reference, amount)
SELECT sale_id, tender_no, reference, amount FROM sale_tenders
WHERE kind = 'credit' AND reference IS NOT NULL;
CREATE TRIGGER credit_redemptions_immutable_update BEFORE UPDATE ON credit_redemptions
BEGIN SELECT RAISE(ABORT, 'sales are immutable: record a void instead'); END;
CREATE TRIGGER credit_redemptions_immutable_delete BEFORE DELETE ON credit_redemptions
BEGIN SELECT RAISE(ABORT, 'sales are immutable: record a void instead'); END;

DROP TABLE sale_lines;
DROP TABLE sale_taxes;
DROP TABLE sale_tenders;
