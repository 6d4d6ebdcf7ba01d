-- Each document's heads here and at head office, kept as they change, so that a sync round asks
-- only about documents that moved on either side and never loads a settled day (issue 13).
CREATE TABLE doc_heads (
    doc_id TEXT PRIMARY KEY,
    local  TEXT,   -- JSON array of hex change hashes, sorted: committed here last
    at_hq  TEXT,   -- JSON array, sorted: what head office announced last
    confirmed TEXT -- the local heads whose records were last marked as at head office
) WITHOUT ROWID;
-- Head office's count of its changes to this store's documents that the till has been told
-- about (NULL: ask for every document), and the protocol head office last answered with.
ALTER TABLE device ADD COLUMN docs_cursor INTEGER;
ALTER TABLE device ADD COLUMN hq_protocol INTEGER NOT NULL DEFAULT 1;
