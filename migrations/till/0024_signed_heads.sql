-- The till's signature over the heads of each of its documents (issue 12), made with its
-- certified device key whenever it commits to the document; the latest per document goes to
-- head office with the next sync that carries the document.
CREATE TABLE signed_heads (
    doc_id    TEXT PRIMARY KEY,
    heads     TEXT NOT NULL,   -- JSON array of hex change hashes, sorted
    signature TEXT NOT NULL    -- Ed25519, hex
) WITHOUT ROWID;
