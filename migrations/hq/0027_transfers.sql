-- Transfers of stock between stores (issue 14): sent by one store (its stock goes down), received
-- by the other (up by what was counted on arrival), flagged when the two counts differ. The
-- movements are records in each store's head office ledger; this is their index.
CREATE TABLE transfers (
    id          TEXT PRIMARY KEY,
    from_store  TEXT NOT NULL,
    to_store    TEXT NOT NULL,
    sku         TEXT NOT NULL,
    sent        INTEGER NOT NULL CHECK (sent > 0),
    note        TEXT,
    sent_at     TEXT NOT NULL,
    sent_by     TEXT NOT NULL,
    received    INTEGER CHECK (received >= 0),
    received_at TEXT,
    received_by TEXT
);
CREATE INDEX transfers_from ON transfers (from_store, id);
CREATE INDEX transfers_to ON transfers (to_store, id);
