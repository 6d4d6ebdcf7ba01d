-- Records a command made, waiting to be written into their Automerge documents (ADR 0008). A
-- command commits its record here with its projection rows (one durable transaction, no
-- document work); the next document write applies the rows in order and deletes them in the
-- same transaction, so at every commit a record is in exactly one of the two places.
CREATE TABLE document_outbox (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id    TEXT NOT NULL,
    -- A record kind (`sale`, `audit`, ...), or `stock` for a command's stock movements.
    kind      TEXT NOT NULL,
    record_id TEXT,
    -- The record as JSON, or the movements as JSON `[[writer, sku, delta], ...]`.
    body      TEXT NOT NULL
);
