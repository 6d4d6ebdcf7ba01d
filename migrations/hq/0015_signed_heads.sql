-- The latest heads each device signed for each of its store's documents (issue 12), checked
-- against the device's certified key before they are kept: proof of what the till held and
-- wrote, whichever device carried its changes.
CREATE TABLE signed_heads (
    device_id   INTEGER NOT NULL REFERENCES devices (id),
    doc_id      TEXT NOT NULL,
    heads       TEXT NOT NULL,   -- JSON array of hex change hashes, sorted
    signature   TEXT NOT NULL,   -- Ed25519 by the device's key, hex
    received_at TEXT NOT NULL,
    PRIMARY KEY (device_id, doc_id)
) WITHOUT ROWID;
