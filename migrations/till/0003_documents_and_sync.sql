-- Replication: the Automerge documents (stored as appended chunks), sync state per document and
-- peer, this device's identity and head office link, and which records head office confirmed.

CREATE TABLE documents (
    doc_id   TEXT    NOT NULL,
    chunk_no INTEGER NOT NULL,
    bytes    BLOB    NOT NULL,
    PRIMARY KEY (doc_id, chunk_no)
) WITHOUT ROWID;

CREATE TABLE sync_states (
    doc_id TEXT NOT NULL,
    peer   TEXT NOT NULL,
    state  BLOB NOT NULL,
    PRIMARY KEY (doc_id, peer)
) WITHOUT ROWID;

-- actor_id: this till's Automerge actor (hex); head office learns it at enrollment.
CREATE TABLE device (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    actor_id          TEXT    NOT NULL,
    hq_url            TEXT,
    device_token      TEXT,
    catalogue_version INTEGER NOT NULL DEFAULT 0,
    stock_epoch       INTEGER NOT NULL DEFAULT 0
);
INSERT INTO device (id, actor_id) SELECT 1, lower(hex(randomblob(16))) WHERE EXISTS (SELECT 1 FROM store_config);

CREATE TABLE sync_status (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    last_attempt_at TEXT,
    last_success_at TEXT,
    offline_since   TEXT,
    last_error      TEXT
);
INSERT INTO sync_status (id) VALUES (1);

-- Records head office has confirmed holding (its heads include them).
CREATE TABLE hq_confirmed (
    record_id    TEXT PRIMARY KEY,
    confirmed_at TEXT NOT NULL
) WITHOUT ROWID;
