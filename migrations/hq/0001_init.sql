-- Kassa head office, first schema.

CREATE TABLE stores (
    code           TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    currency       TEXT NOT NULL,
    tax_mode       TEXT NOT NULL CHECK (tax_mode IN ('inclusive', 'exclusive')),
    cash_increment INTEGER NOT NULL,
    tax_classes    TEXT NOT NULL,          -- JSON array of {code, name, rate_bp}
    stock_epoch    INTEGER NOT NULL DEFAULT 0,
    epoch_opened_at TEXT NOT NULL,
    last_sync_at   TEXT,
    created_at     TEXT NOT NULL
);

-- One-time enrollment codes, stored hashed; taken (deleted) when used.
CREATE TABLE enroll_codes (
    code_hash  TEXT PRIMARY KEY,
    store      TEXT NOT NULL REFERENCES stores (code),
    till_no    INTEGER NOT NULL,
    created_at TEXT NOT NULL
);

-- Enrolled devices. The token is stored hashed; the actor is the till's Automerge actor.
CREATE TABLE devices (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    store       TEXT NOT NULL REFERENCES stores (code),
    till_no     INTEGER NOT NULL,
    actor_id    TEXT NOT NULL,
    revoked     INTEGER NOT NULL DEFAULT 0,
    enrolled_at TEXT NOT NULL
);
CREATE INDEX devices_store_till ON devices (store, till_no);

CREATE TABLE documents (
    doc_id     TEXT PRIMARY KEY,
    store      TEXT NOT NULL,
    bytes      BLOB NOT NULL,
    heads      TEXT NOT NULL,               -- JSON array of hex change hashes
    updated_at TEXT NOT NULL
);
CREATE INDEX documents_store ON documents (store);

CREATE TABLE sync_states (
    doc_id TEXT NOT NULL,
    peer   TEXT NOT NULL,
    state  BLOB NOT NULL,
    PRIMARY KEY (doc_id, peer)
) WITHOUT ROWID;

-- The catalogue, versioned: each import is a version; a till asks for changes since its version.
CREATE TABLE catalogue (
    sku     TEXT PRIMARY KEY,
    product TEXT NOT NULL,                  -- JSON of kassa_domain::Product
    version INTEGER NOT NULL
);
CREATE INDEX catalogue_by_version ON catalogue (version);
CREATE TABLE catalogue_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
INSERT INTO catalogue_version VALUES (1, 0);

-- Projections of the tills' ledgers, keyed by record id: a record arriving twice is one record.
CREATE TABLE sales (
    id           TEXT PRIMARY KEY,
    store        TEXT NOT NULL,
    till_no      INTEGER NOT NULL,
    business_day TEXT NOT NULL,
    receipt_no   TEXT NOT NULL,
    amount_due   INTEGER NOT NULL,
    record       TEXT NOT NULL
);
CREATE INDEX sales_store_day ON sales (store, business_day);
CREATE TABLE voids (
    id           TEXT PRIMARY KEY,
    store        TEXT NOT NULL,
    sale_id      TEXT NOT NULL,
    business_day TEXT NOT NULL,
    record       TEXT NOT NULL
);
CREATE INDEX voids_store_day ON voids (store, business_day);

-- Stock on hand per store and SKU as of the last merge.
CREATE TABLE stock_levels (
    store   TEXT NOT NULL,
    sku     TEXT NOT NULL,
    on_hand INTEGER NOT NULL,
    PRIMARY KEY (store, sku)
) WITHOUT ROWID;
CREATE INDEX stock_levels_sku ON stock_levels (sku);

-- When head office opens stock epoch N+1, its baseline includes each writer's movements in epoch
-- N as they stood then. Movements that reach epoch N later are carried into the current epoch,
-- and this row moves up with them, so nothing is counted twice or lost.
CREATE TABLE epoch_included (
    store  TEXT    NOT NULL,
    epoch  INTEGER NOT NULL,               -- the old epoch these movements belong to
    writer TEXT    NOT NULL,
    sku    TEXT    NOT NULL,
    qty    INTEGER NOT NULL,
    PRIMARY KEY (store, epoch, writer, sku)
) WITHOUT ROWID;
