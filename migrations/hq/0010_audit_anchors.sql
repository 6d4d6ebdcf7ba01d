-- Audit chains anchored at head office (issue 12). Every sync carries the till's audit chain
-- head (its newest entry's number and hash); head office keeps each newer head it is told, under
-- the authenticated device (a replaced till starts a chain of its own), and the till proves in
-- its next sync that it still holds the newest anchored entry unchanged. A head that goes back,
-- or a proof with another hash or none, is an audit_chain finding.
CREATE TABLE audit_anchors (
    device_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    till TEXT NOT NULL,
    hash TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (device_id, seq)
) WITHOUT ROWID;

-- The findings table takes the new kind (SQLite changes a CHECK only by rebuilding the table).
CREATE TABLE sync_findings_v2 (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('held_change', 'misfiled_sale', 'sale_total', 'audit_chain')),
    store TEXT NOT NULL,
    device_id INTEGER,
    doc_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    changes BLOB,
    first_at TEXT NOT NULL,
    last_at TEXT NOT NULL,
    decision TEXT CHECK (decision IN ('accepted', 'rejected')),
    decided_by TEXT,
    decided_at TEXT,
    UNIQUE (kind, doc_id, subject)
);
INSERT INTO sync_findings_v2 SELECT * FROM sync_findings;
DROP TABLE sync_findings;
ALTER TABLE sync_findings_v2 RENAME TO sync_findings;
