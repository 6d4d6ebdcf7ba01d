-- A store may have several trusted receipt keys (issue 12: keys are rotated): its current key,
-- which certifies its tills, and replaced ones still trusted for receipts printed under them.
-- Head office sends the whole set whenever it changes; the till replaces its own with it.
CREATE TABLE receipt_keys_v23 (
    store      TEXT NOT NULL,
    public_key TEXT NOT NULL,
    current    INTEGER NOT NULL CHECK (current IN (0, 1)),
    PRIMARY KEY (store, public_key)
) WITHOUT ROWID;
INSERT INTO receipt_keys_v23 (store, public_key, current)
    SELECT store, lower(public_key), 1 FROM receipt_keys;
DROP TABLE receipt_keys;
ALTER TABLE receipt_keys_v23 RENAME TO receipt_keys;
