-- Fewer B-trees written by each sale (issue 11): every table and index a sale touches is a 4 KB
-- page appended to the WAL and checksummed before the commit's fsync. Measured in
-- docs/BENCHMARKS.md.
--
-- `sales` becomes a WITHOUT ROWID table keyed by its id (the id index was a second B-tree), and
-- loses UNIQUE (store_code, till_no, seq), which restated UNIQUE (receipt_no): a receipt number
-- is `{store}-{till}-{seq}`. It also keeps the approver's id beside the name, so a receipt read
-- back holds the sale record as it was written.
-- (The migration runs with foreign keys off and checked before commit: see migrations.rs.)

CREATE TABLE sales_v12 (
    id               TEXT    PRIMARY KEY,
    receipt_no       TEXT    NOT NULL UNIQUE,
    store_code       TEXT    NOT NULL,
    till_no          INTEGER NOT NULL,
    seq              INTEGER NOT NULL,
    created_at       TEXT    NOT NULL,
    business_day     TEXT    NOT NULL,
    currency         TEXT    NOT NULL,
    tax_mode         TEXT    NOT NULL,
    subtotal         INTEGER NOT NULL,
    discount_total   INTEGER NOT NULL,
    tax_total        INTEGER NOT NULL,
    total            INTEGER NOT NULL,
    cash_rounding    INTEGER NOT NULL,
    amount_due       INTEGER NOT NULL,
    tendered         INTEGER NOT NULL,
    change_given     INTEGER NOT NULL,
    cashier_id       TEXT,
    cashier_name     TEXT,
    approved_by_id   TEXT,
    approved_by_name TEXT,
    shift_id         TEXT
) WITHOUT ROWID;
INSERT INTO sales_v12 (id, receipt_no, store_code, till_no, seq, created_at, business_day,
    currency, tax_mode, subtotal, discount_total, tax_total, total, cash_rounding, amount_due,
    tendered, change_given, cashier_id, cashier_name, approved_by_name, shift_id)
SELECT id, receipt_no, store_code, till_no, seq, created_at, business_day,
    currency, tax_mode, subtotal, discount_total, tax_total, total, cash_rounding, amount_due,
    tendered, change_given, cashier_id, cashier_name, approved_by_name, shift_id
FROM sales;
DROP TABLE sales;
ALTER TABLE sales_v12 RENAME TO sales;
CREATE INDEX sales_business_day ON sales (business_day);
CREATE INDEX sales_shift ON sales (shift_id) WHERE shift_id IS NOT NULL;
CREATE TRIGGER sales_immutable_update BEFORE UPDATE ON sales
BEGIN SELECT RAISE(ABORT, 'sales are immutable: record a void instead'); END;
CREATE TRIGGER sales_immutable_delete BEFORE DELETE ON sales
BEGIN SELECT RAISE(ABORT, 'sales are immutable: record a void instead'); END;

-- The outbox keeps queue order by rowid; AUTOINCREMENT wrote sqlite_sequence on every sale to
-- avoid reusing numbers of rows already applied, which nothing needs (applied rows are gone).
CREATE TABLE document_outbox_v12 (
    seq       INTEGER PRIMARY KEY,
    doc_id    TEXT NOT NULL,
    kind      TEXT NOT NULL,
    record_id TEXT,
    body      TEXT NOT NULL
);
INSERT INTO document_outbox_v12 SELECT seq, doc_id, kind, record_id, body FROM document_outbox;
DROP TABLE document_outbox;
ALTER TABLE document_outbox_v12 RENAME TO document_outbox;

-- A till's open shift is looked up on every sale: with the id in the index the newest shift is
-- found without sorting every shift the till ever had.
DROP INDEX shifts_till;
CREATE INDEX shifts_till ON shifts (till_no, opened_at, id);
