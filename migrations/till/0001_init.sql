-- Kassa till database, first schema: store settings, catalogue, sales and voids.
-- Landed migrations are never edited; a change is a new numbered file.

CREATE TABLE store_config (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    store_code     TEXT    NOT NULL,
    till_no        INTEGER NOT NULL CHECK (till_no BETWEEN 1 AND 999),
    currency       TEXT    NOT NULL,
    minor_digits   INTEGER NOT NULL CHECK (minor_digits BETWEEN 0 AND 3),
    tax_mode       TEXT    NOT NULL CHECK (tax_mode IN ('inclusive', 'exclusive')),
    cash_increment INTEGER NOT NULL CHECK (cash_increment BETWEEN 1 AND 100),
    created_at     TEXT    NOT NULL
);

-- The last receipt sequence number this till issued. Only ever incremented, in the same
-- transaction as the sale that uses it, so a number is never issued twice.
CREATE TABLE receipt_counter (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq INTEGER NOT NULL CHECK (last_seq >= 0)
);

CREATE TABLE tax_classes (
    code    TEXT    PRIMARY KEY,
    name    TEXT    NOT NULL,
    rate_bp INTEGER NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000)
);

-- An integer primary key keeps rowids stable, which the full-text index relies on.
CREATE TABLE products (
    id        INTEGER PRIMARY KEY,
    sku       TEXT    NOT NULL UNIQUE,
    name      TEXT    NOT NULL,
    price     INTEGER NOT NULL CHECK (price >= 0),
    tax_class TEXT    NOT NULL REFERENCES tax_classes (code),
    category  TEXT,
    active    INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

CREATE TABLE barcodes (
    code       TEXT    PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX barcodes_product ON barcodes (product_id);

CREATE TABLE sales (
    id            TEXT    PRIMARY KEY,          -- UUIDv7 made on this till
    receipt_no    TEXT    NOT NULL UNIQUE,      -- {store}-{till}-{seq}
    store_code    TEXT    NOT NULL,
    till_no       INTEGER NOT NULL,
    seq           INTEGER NOT NULL,
    created_at    TEXT    NOT NULL,             -- RFC 3339 with the till's offset
    business_day  TEXT    NOT NULL,             -- YYYY-MM-DD, the till's local date
    currency      TEXT    NOT NULL,
    tax_mode      TEXT    NOT NULL,
    subtotal      INTEGER NOT NULL,
    discount_total INTEGER NOT NULL,
    tax_total     INTEGER NOT NULL,
    total         INTEGER NOT NULL,
    cash_rounding INTEGER NOT NULL,
    amount_due    INTEGER NOT NULL,
    tendered      INTEGER NOT NULL,
    change_given  INTEGER NOT NULL,
    UNIQUE (store_code, till_no, seq)
);
CREATE INDEX sales_business_day ON sales (business_day);

CREATE TABLE sale_lines (
    sale_id         TEXT    NOT NULL REFERENCES sales (id),
    line_no         INTEGER NOT NULL,
    sku             TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    quantity        INTEGER NOT NULL CHECK (quantity > 0),
    list_price      INTEGER NOT NULL,
    unit_price      INTEGER NOT NULL,
    override_reason TEXT,
    gross           INTEGER NOT NULL,
    line_discount   INTEGER NOT NULL,
    basket_discount INTEGER NOT NULL,
    amount          INTEGER NOT NULL,
    tax_rate_bp     INTEGER NOT NULL,
    tax             INTEGER NOT NULL,
    PRIMARY KEY (sale_id, line_no)
) WITHOUT ROWID;

CREATE TABLE sale_taxes (
    sale_id TEXT    NOT NULL REFERENCES sales (id),
    rate_bp INTEGER NOT NULL,
    net     INTEGER NOT NULL,
    tax     INTEGER NOT NULL,
    gross   INTEGER NOT NULL,
    PRIMARY KEY (sale_id, rate_bp)
) WITHOUT ROWID;

CREATE TABLE sale_tenders (
    sale_id   TEXT    NOT NULL REFERENCES sales (id),
    tender_no INTEGER NOT NULL,
    kind      TEXT    NOT NULL CHECK (kind IN ('cash', 'card')),
    amount    INTEGER NOT NULL CHECK (amount > 0),
    reference TEXT,
    PRIMARY KEY (sale_id, tender_no)
) WITHOUT ROWID;

-- A void is a new record pointing at the sale; the sale itself never changes.
CREATE TABLE voids (
    id           TEXT PRIMARY KEY,
    sale_id      TEXT NOT NULL UNIQUE REFERENCES sales (id),
    reason       TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    created_at   TEXT NOT NULL,
    business_day TEXT NOT NULL
);
CREATE INDEX voids_business_day ON voids (business_day);

-- Records are immutable: the database itself refuses to change or remove them.
CREATE TRIGGER sales_immutable_update BEFORE UPDATE ON sales
BEGIN SELECT RAISE(ABORT, 'sales are immutable: record a void instead'); END;
CREATE TRIGGER sales_immutable_delete BEFORE DELETE ON sales
BEGIN SELECT RAISE(ABORT, 'sales are immutable: record a void instead'); END;
CREATE TRIGGER sale_lines_immutable_update BEFORE UPDATE ON sale_lines
BEGIN SELECT RAISE(ABORT, 'sales are immutable: record a void instead'); END;
CREATE TRIGGER sale_lines_immutable_delete BEFORE DELETE ON sale_lines
BEGIN SELECT RAISE(ABORT, 'sales are immutable: record a void instead'); END;
CREATE TRIGGER sale_taxes_immutable_update BEFORE UPDATE ON sale_taxes
BEGIN SELECT RAISE(ABORT, 'sales are immutable: record a void instead'); END;
CREATE TRIGGER sale_taxes_immutable_delete BEFORE DELETE ON sale_taxes
BEGIN SELECT RAISE(ABORT, 'sales are immutable: record a void instead'); END;
CREATE TRIGGER sale_tenders_immutable_update BEFORE UPDATE ON sale_tenders
BEGIN SELECT RAISE(ABORT, 'sales are immutable: record a void instead'); END;
CREATE TRIGGER sale_tenders_immutable_delete BEFORE DELETE ON sale_tenders
BEGIN SELECT RAISE(ABORT, 'sales are immutable: record a void instead'); END;
CREATE TRIGGER voids_immutable_update BEFORE UPDATE ON voids
BEGIN SELECT RAISE(ABORT, 'voids are immutable'); END;
CREATE TRIGGER voids_immutable_delete BEFORE DELETE ON voids
BEGIN SELECT RAISE(ABORT, 'voids are immutable'); END;
