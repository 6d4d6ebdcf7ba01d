-- Online orders taken from the web shop, and projections of the records the exceptions inbox,
-- lookups and order lists read: pickups, cancellations, returns, resolutions, conflicts.

-- The web shop's orders, idempotent on its external id. The pickup code is kept here (head
-- office's own database, never a document) so a retried intake gets the same answer.
CREATE TABLE order_intake (
    external_id TEXT PRIMARY KEY,
    order_id    TEXT NOT NULL UNIQUE,
    store       TEXT NOT NULL REFERENCES stores (code),
    pickup_code TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- Records as the documents hold them (JSON), keyed by record id: arriving twice is one record.
-- kind: order, cancellation, pickup, return, resolution. subject: the order (for cancellations
-- and pickups), the sale or order returned against (returns), the exception (resolutions).
CREATE TABLE records (
    id      TEXT PRIMARY KEY,
    kind    TEXT NOT NULL,
    store   TEXT NOT NULL,
    subject TEXT,
    record  TEXT NOT NULL
);
CREATE INDEX records_kind_store ON records (kind, store);
CREATE INDEX records_subject ON records (subject);

CREATE INDEX sales_receipt_no ON sales (receipt_no);
CREATE INDEX voids_sale ON voids (sale_id);

CREATE TABLE record_conflicts (
    doc_id    TEXT NOT NULL,
    map       TEXT NOT NULL,
    record_id TEXT NOT NULL,
    PRIMARY KEY (doc_id, map, record_id)
) WITHOUT ROWID;
