-- Head office on PostgreSQL: the schema the SQLite migrations 0001-0015 arrive at, in
-- PostgreSQL's types (times as timestamptz, bytes as bytea, JSON kept as the text Kassa wrote).
-- Every table that grows with trade carries its store, so that it can be distributed by store
-- later (docs/adr/0011-head-office-at-chain-scale.md). Keys and codes sort bytewise (COLLATE "C"),
-- as they do in SQLite, whatever the database's own collation.

CREATE TABLE stores (
    code            text COLLATE "C" PRIMARY KEY,
    name            text NOT NULL,
    currency        text NOT NULL,
    tax_mode        text NOT NULL CHECK (tax_mode IN ('inclusive', 'exclusive')),
    cash_increment  bigint NOT NULL,
    tax_classes     text NOT NULL,
    stock_epoch     bigint NOT NULL DEFAULT 0,
    epoch_opened_at timestamptz NOT NULL,
    last_sync_at    timestamptz,
    created_at      timestamptz NOT NULL,
    receipt_key     text
);

CREATE TABLE enroll_codes (
    code_hash  text PRIMARY KEY,
    store      text COLLATE "C" NOT NULL REFERENCES stores (code),
    till_no    integer NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE devices (
    id                  bigserial PRIMARY KEY,
    token_hash          text NOT NULL UNIQUE,
    previous_token_hash text,
    store               text COLLATE "C" NOT NULL REFERENCES stores (code),
    till_no             integer NOT NULL,
    actor_id            text NOT NULL,
    revoked             boolean NOT NULL DEFAULT false,
    enrolled_at         timestamptz NOT NULL,
    public_key          text
);
CREATE INDEX devices_store_till ON devices (store, till_no);
CREATE UNIQUE INDEX devices_live_till ON devices (store, till_no) WHERE NOT revoked;
CREATE UNIQUE INDEX devices_previous_token ON devices (previous_token_hash)
    WHERE previous_token_hash IS NOT NULL;

CREATE TABLE documents (
    doc_id     text COLLATE "C" PRIMARY KEY,
    store      text COLLATE "C" NOT NULL,
    bytes      bytea NOT NULL,
    heads      text NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX documents_store ON documents (store, doc_id);

CREATE TABLE sync_states (
    doc_id text COLLATE "C" NOT NULL,
    peer   text NOT NULL,
    state  bytea NOT NULL,
    PRIMARY KEY (doc_id, peer)
);

CREATE TABLE catalogue (
    sku     text COLLATE "C" PRIMARY KEY,
    product text NOT NULL,
    version bigint NOT NULL
);
CREATE INDEX catalogue_by_version ON catalogue (version);
-- One row: the catalogue's version, taken with a row lock by each import.
CREATE TABLE catalogue_version (
    id      integer PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);
INSERT INTO catalogue_version (id, version) VALUES (1, 0);

CREATE TABLE sales (
    id           text COLLATE "C" PRIMARY KEY,
    store        text COLLATE "C" NOT NULL,
    till_no      integer NOT NULL,
    business_day text NOT NULL,
    receipt_no   text NOT NULL,
    amount_due   bigint NOT NULL,
    record       text NOT NULL
);
CREATE INDEX sales_store_day ON sales (store, business_day);
CREATE INDEX sales_receipt_no ON sales (receipt_no);

CREATE TABLE voids (
    id           text COLLATE "C" PRIMARY KEY,
    store        text COLLATE "C" NOT NULL,
    sale_id      text NOT NULL,
    business_day text NOT NULL,
    record       text NOT NULL
);
CREATE INDEX voids_store_day ON voids (store, business_day);
CREATE INDEX voids_sale ON voids (sale_id);

CREATE TABLE stock_levels (
    store   text COLLATE "C" NOT NULL,
    sku     text COLLATE "C" NOT NULL,
    on_hand bigint NOT NULL,
    PRIMARY KEY (store, sku)
);
CREATE INDEX stock_levels_sku ON stock_levels (sku);

CREATE TABLE epoch_included (
    store  text COLLATE "C" NOT NULL,
    epoch  bigint NOT NULL,
    writer text NOT NULL,
    sku    text NOT NULL,
    qty    bigint NOT NULL,
    PRIMARY KEY (store, epoch, writer, sku)
);

CREATE TABLE order_intake (
    external_id text NOT NULL PRIMARY KEY,
    order_id    text NOT NULL UNIQUE,
    store       text COLLATE "C" NOT NULL REFERENCES stores (code),
    pickup_code text NOT NULL,
    created_at  timestamptz NOT NULL
);
-- A web shop's order id in any case is one order (SQLite: COLLATE NOCASE).
CREATE UNIQUE INDEX order_intake_external_id_nocase ON order_intake (lower(external_id));

CREATE TABLE records (
    id      text COLLATE "C" PRIMARY KEY,
    kind    text NOT NULL,
    store   text COLLATE "C" NOT NULL,
    subject text,
    record  text NOT NULL
);
CREATE INDEX records_kind_store ON records (kind, store, id);
CREATE INDEX records_subject ON records (subject);

CREATE TABLE record_conflicts (
    doc_id    text COLLATE "C" NOT NULL,
    map       text COLLATE "C" NOT NULL,
    record_id text COLLATE "C" NOT NULL,
    PRIMARY KEY (doc_id, map, record_id)
);

CREATE TABLE staff (
    id         text COLLATE "C" PRIMARY KEY,
    name       text NOT NULL,
    role       text NOT NULL CHECK (role IN ('cashier', 'supervisor', 'manager')),
    pin_hash   text NOT NULL,
    active     boolean NOT NULL,
    version    bigint NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX staff_active_name ON staff (lower(name)) WHERE active;
CREATE INDEX staff_by_version ON staff (version);
-- One row: the staff list's version, taken with a row lock by each change, so two head office
-- nodes never give two changes the same version.
CREATE TABLE staff_version (
    id      integer PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);
INSERT INTO staff_version (id, version) VALUES (1, 0);

CREATE TABLE staff_stores (
    staff_id     text COLLATE "C" NOT NULL REFERENCES staff (id),
    store        text COLLATE "C" NOT NULL REFERENCES stores (code),
    left_version bigint,
    PRIMARY KEY (staff_id, store)
);
CREATE INDEX staff_stores_by_store ON staff_stores (store, staff_id);

CREATE TABLE api_tokens (
    id         bigserial PRIMARY KEY,
    name       text COLLATE "C" NOT NULL,
    scope      text NOT NULL CHECK (scope IN ('admin', 'orders', 'read')),
    token_hash text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (name) WHERE revoked_at IS NULL;

CREATE TABLE admin_log (
    id      bigserial PRIMARY KEY,
    at      timestamptz NOT NULL,
    actor   text NOT NULL,
    action  text NOT NULL,
    outcome text NOT NULL
);

CREATE TABLE audit_anchors (
    device_id bigint NOT NULL,
    seq       bigint NOT NULL,
    till      text NOT NULL,
    hash      text NOT NULL,
    at        timestamptz NOT NULL,
    PRIMARY KEY (device_id, seq)
);

CREATE TABLE sync_findings (
    id         bigserial PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('held_change', 'misfiled_sale', 'sale_total', 'audit_chain')),
    store      text COLLATE "C" NOT NULL,
    device_id  bigint,
    doc_id     text COLLATE "C" NOT NULL,
    subject    text COLLATE "C" NOT NULL,
    detail     text NOT NULL,
    changes    bytea,
    first_at   timestamptz NOT NULL,
    last_at    timestamptz NOT NULL,
    decision   text CHECK (decision IN ('accepted', 'rejected')),
    decided_by text,
    decided_at timestamptz,
    UNIQUE (kind, doc_id, subject)
);

CREATE TABLE store_keys_retired (
    store      text COLLATE "C" NOT NULL REFERENCES stores (code),
    public_key text COLLATE "C" NOT NULL,
    retired_at timestamptz NOT NULL,
    trusted    boolean NOT NULL,
    PRIMARY KEY (store, public_key)
);

CREATE TABLE signed_heads (
    device_id   bigint NOT NULL REFERENCES devices (id),
    doc_id      text COLLATE "C" NOT NULL,
    heads       text NOT NULL,
    signature   text NOT NULL,
    received_at timestamptz NOT NULL,
    PRIMARY KEY (device_id, doc_id)
);
