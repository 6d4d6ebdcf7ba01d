-- A store's receipt key can be rotated (issue 12): `stores.receipt_key` is the current secret,
-- which certifies the store's tills; a key it replaced keeps only its public half here, trusted
-- for receipts printed under it until an administrator says otherwise (a key thought stolen).
CREATE TABLE store_keys_retired (
    store      TEXT NOT NULL REFERENCES stores (code),
    public_key TEXT NOT NULL,
    retired_at TEXT NOT NULL,
    trusted    INTEGER NOT NULL CHECK (trusted IN (0, 1)),
    PRIMARY KEY (store, public_key)
) WITHOUT ROWID;
