-- Online orders and pickups, returns and exchanges, store credit, and the exceptions inbox.
-- Records are projected with their JSON as the documents hold it, plus the columns lookups need.

CREATE TABLE orders (
    id            TEXT PRIMARY KEY,
    order_no      TEXT NOT NULL,
    store         TEXT NOT NULL,
    customer_name TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    doc_id        TEXT NOT NULL,
    record        TEXT NOT NULL
);
CREATE INDEX orders_order_no ON orders (order_no);

-- Quantities per order and SKU, ordered and handed over: reservations and open orders are
-- sums over these, without reading every order's JSON.
CREATE TABLE order_lines (
    order_id TEXT    NOT NULL,
    sku      TEXT    NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (order_id, sku)
) WITHOUT ROWID;
CREATE INDEX order_lines_sku ON order_lines (sku);

CREATE TABLE order_cancellations (
    id       TEXT PRIMARY KEY,
    order_id TEXT NOT NULL,
    record   TEXT NOT NULL
);
CREATE INDEX order_cancellations_order ON order_cancellations (order_id);

CREATE TABLE pickups (
    id           TEXT PRIMARY KEY,
    order_id     TEXT NOT NULL,
    till_no      INTEGER NOT NULL,
    receipt_no   TEXT NOT NULL,
    business_day TEXT NOT NULL,
    record       TEXT NOT NULL
);
CREATE INDEX pickups_order ON pickups (order_id);

CREATE TABLE pickup_lines (
    pickup_id TEXT    NOT NULL,
    order_id  TEXT    NOT NULL,
    sku       TEXT    NOT NULL,
    quantity  INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (pickup_id, sku)
) WITHOUT ROWID;
CREATE INDEX pickup_lines_order_sku ON pickup_lines (order_id, sku);

CREATE TABLE returns (
    id           TEXT PRIMARY KEY,
    receipt_no   TEXT NOT NULL UNIQUE,
    till_no      INTEGER NOT NULL,
    subject_id   TEXT,                       -- the sale or order returned against
    business_day TEXT NOT NULL,
    total        INTEGER NOT NULL,
    record       TEXT NOT NULL
);
CREATE INDEX returns_subject ON returns (subject_id);
CREATE INDEX returns_business_day ON returns (business_day);

-- Store credit issued by returns (refunds of kind credit); redemptions are sale tenders.
CREATE TABLE credit_issues (
    return_id TEXT    NOT NULL,
    refund_no INTEGER NOT NULL,
    code      TEXT    NOT NULL,
    amount    INTEGER NOT NULL CHECK (amount > 0),
    PRIMARY KEY (return_id, refund_no)
) WITHOUT ROWID;
CREATE INDEX credit_issues_code ON credit_issues (code);

CREATE TABLE resolutions (
    id           TEXT PRIMARY KEY,
    exception_id TEXT NOT NULL,
    record       TEXT NOT NULL
);

-- Record ids that hold more than one value after a merge (two replicas wrote one id).
CREATE TABLE record_conflicts (
    doc_id    TEXT NOT NULL,
    map       TEXT NOT NULL,
    record_id TEXT NOT NULL,
    PRIMARY KEY (doc_id, map, record_id)
) WITHOUT ROWID;

-- The store's return policy (money in minor units).
CREATE TABLE return_policy (
    id                      INTEGER PRIMARY KEY CHECK (id = 1),
    window_days             INTEGER NOT NULL CHECK (window_days >= 0),
    offline_cash_refund_cap INTEGER NOT NULL CHECK (offline_cash_refund_cap >= 0),
    unverified_refund_cap   INTEGER NOT NULL CHECK (unverified_refund_cap >= 0)
);
INSERT INTO return_policy
SELECT 1, 30, 100 * (CASE minor_digits WHEN 0 THEN 1 WHEN 1 THEN 10 WHEN 2 THEN 100 ELSE 1000 END),
       50 * (CASE minor_digits WHEN 0 THEN 1 WHEN 1 THEN 10 WHEN 2 THEN 100 ELSE 1000 END)
FROM store_config;

-- Sales may now be paid with store credit, an exchange, or online: the tender kinds widen.
-- SQLite cannot alter a CHECK, so the table is rebuilt (its rows copied, unchanged).
CREATE TABLE sale_tenders_v4 (
    sale_id   TEXT    NOT NULL REFERENCES sales (id),
    tender_no INTEGER NOT NULL,
    kind      TEXT    NOT NULL CHECK (kind IN ('cash', 'card', 'credit', 'exchange', 'online')),
    amount    INTEGER NOT NULL CHECK (amount > 0),
    reference TEXT,
    PRIMARY KEY (sale_id, tender_no)
) WITHOUT ROWID;
INSERT INTO sale_tenders_v4 SELECT sale_id, tender_no, kind, amount, reference FROM sale_tenders;
DROP TABLE sale_tenders;
ALTER TABLE sale_tenders_v4 RENAME TO sale_tenders;
CREATE INDEX sale_tenders_credit ON sale_tenders (reference) WHERE kind = 'credit';
CREATE TRIGGER sale_tenders_immutable_update BEFORE UPDATE ON sale_tenders
BEGIN SELECT RAISE(ABORT, 'sales are immutable: record a void instead'); END;
CREATE TRIGGER sale_tenders_immutable_delete BEFORE DELETE ON sale_tenders
BEGIN SELECT RAISE(ABORT, 'sales are immutable: record a void instead'); END;

CREATE TRIGGER orders_immutable_update BEFORE UPDATE ON orders
BEGIN SELECT RAISE(ABORT, 'orders are immutable: head office records a cancellation'); END;
CREATE TRIGGER pickups_immutable_update BEFORE UPDATE ON pickups
BEGIN SELECT RAISE(ABORT, 'pickups are immutable'); END;
CREATE TRIGGER pickups_immutable_delete BEFORE DELETE ON pickups
BEGIN SELECT RAISE(ABORT, 'pickups are immutable'); END;
CREATE TRIGGER returns_immutable_update BEFORE UPDATE ON returns
BEGIN SELECT RAISE(ABORT, 'returns are immutable'); END;
CREATE TRIGGER returns_immutable_delete BEFORE DELETE ON returns
BEGIN SELECT RAISE(ABORT, 'returns are immutable'); END;
CREATE TRIGGER resolutions_immutable_update BEFORE UPDATE ON resolutions
BEGIN SELECT RAISE(ABORT, 'resolutions are immutable'); END;
CREATE TRIGGER resolutions_immutable_delete BEFORE DELETE ON resolutions
BEGIN SELECT RAISE(ABORT, 'resolutions are immutable'); END;

-- Balances of store credit issued at other stores, as head office reported them when a cashier
-- looked a code up online: what this till may accept for it.
CREATE TABLE remote_credit (
    code       TEXT PRIMARY KEY,
    balance    INTEGER NOT NULL CHECK (balance >= 0),
    checked_at TEXT NOT NULL
) WITHOUT ROWID;
