-- The store's receipt signing key (Ed25519 secret, hex): from head office at enrollment, made
-- here on a stand-alone till. And every store's public key, to check receipt codes offline.
ALTER TABLE device ADD COLUMN receipt_key TEXT;
CREATE TABLE receipt_keys (
    store      TEXT PRIMARY KEY,
    public_key TEXT NOT NULL
) WITHOUT ROWID;
UPDATE device SET receipt_key = lower(hex(randomblob(32))) WHERE receipt_key IS NULL;
