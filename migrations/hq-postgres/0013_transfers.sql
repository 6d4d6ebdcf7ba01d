-- Transfers of stock between stores (issue 14): sent by one store (its stock goes down), received
-- by the other (up by what was counted on arrival), flagged when the two counts differ. The
-- movements are records in each store's head office ledger; this is their index.
CREATE TABLE transfers (
    id          text COLLATE "C" PRIMARY KEY,
    from_store  text COLLATE "C" NOT NULL,
    to_store    text COLLATE "C" NOT NULL,
    sku         text NOT NULL,
    sent        bigint NOT NULL CHECK (sent > 0),
    note        text,
    sent_at     timestamptz NOT NULL,
    sent_by     text NOT NULL,
    received    bigint CHECK (received >= 0),
    received_at timestamptz,
    received_by text
);
CREATE INDEX transfers_from ON transfers (from_store, id);
CREATE INDEX transfers_to ON transfers (to_store, id);
